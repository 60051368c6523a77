"""Creating a department (administrator) and importing a formation into one (issue 13): upload a
formation file or choose one shipped with the application → preview (title, parcours, semesters, UEs,
errors naming their place) → confirmation, all or nothing. Thin: ``services.formations`` and
``services.departements`` do the work."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from delibe.imports.limits import MAX_UPLOAD_BYTES
from delibe.web import permissions as perm
from delibe.web.models import Department, FormationVersion
from delibe.web.services import formations as service
from delibe.web.services.departements import DepartmentError, create_department

DENIED = "Les formations sont importées par la scolarité ou le responsable de formation du département."


@login_required
def department_create(request: HttpRequest) -> HttpResponse:
    perm.require(perm.can_create_department(request.user), "Seul un administrateur crée un département.")
    error = ""
    if request.method == "POST":
        try:
            department = create_department(user=request.user, code=request.POST.get("code", ""),
                                           nom=request.POST.get("nom", ""))
        except DepartmentError as failure:
            error = str(failure)
        else:
            messages.success(request, f"Département « {department.nom} » créé. Importez maintenant sa formation.")
            return redirect("delibe:formation_import", pk=department.pk)
    return render(request, "delibe/departement_creer.html", {
        "error": error, "post": request.POST if error else None,
        "departments": list(Department.objects.all()),
    }, status=400 if error else 200)


def _department(request: HttpRequest, pk: int) -> Department:
    department = get_object_or_404(Department, pk=pk)
    perm.require_visible(perm.can_view_department(request.user, department.pk))
    perm.require(perm.can_import_formation(request.user, department.pk), DENIED)
    return department


def _session_key(pk: int) -> str:
    return f"delibe-import-formation-{pk}"


@login_required
def formation_import(request: HttpRequest, pk: int) -> HttpResponse:
    department = _department(request, pk)
    bundled = service.bundled_formations()
    preview = None
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("fichier")
        chosen = request.POST.get("fournie", "")
        scodoc, referentiel = request.FILES.get("scodoc"), request.FILES.get("referentiel")
        try:
            if any(f is not None and (f.size is None or f.size > MAX_UPLOAD_BYTES)
                   for f in (upload, scodoc, referentiel)):
                raise service.FormationLoadError(
                    f"Fichier : trop volumineux ({MAX_UPLOAD_BYTES // (1024 * 1024)} Mo au plus).")
            if scodoc is not None or referentiel is not None:
                if scodoc is None or referentiel is None:
                    raise service.FormationLoadError(
                        "Export ScoDoc : déposez l'export de la formation et le référentiel de compétences.")
                preview = service.preview_scodoc(department, scodoc.read(), scodoc.name or "export",
                                                 referentiel.read(), referentiel.name or "referentiel",
                                                 request.POST.get("identifiant", ""))
            elif upload is not None:
                preview = service.preview_formation(department, upload.read(), upload.name or "formation.yaml")
            elif chosen:
                name, text = service.bundled_text(chosen)
                preview = service.preview_formation(department, text, name)
            else:
                raise service.FormationLoadError(
                    "Fichier : déposez un fichier de formation ou choisissez une formation fournie.")
        except service.ScodocConversionError as failure:
            preview = service.FormationPreview(filename=scodoc.name if scodoc else "", errors=failure.errors)
        except service.FormationLoadError as failure:
            error = str(failure)
        if preview is not None and preview.ok:
            request.session[_session_key(pk)] = {"text": preview.text, "filename": preview.filename}
    return render(request, "delibe/formation_import.html", {
        "department": department, "bundled": bundled, "preview": preview, "error": error,
        "max_mo": MAX_UPLOAD_BYTES // (1024 * 1024),
        "versions": FormationVersion.objects.filter(department=department),
    }, status=400 if error or (preview is not None and not preview.ok) else 200)


@login_required
@require_POST
def formation_import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    department = _department(request, pk)
    stored = request.session.pop(_session_key(pk), None)
    if stored is None:
        messages.error(request, "Aucun import en attente : déposez à nouveau le fichier.")
        return redirect("delibe:formation_import", pk=pk)
    try:
        version = service.import_formation(user=request.user, department=department, text=stored["text"],
                                           filename=stored["filename"])
    except service.FormationLoadError as failure:
        messages.error(request, f"Rien n'a été enregistré : {failure}")
        return redirect("delibe:formation_import", pk=pk)
    messages.success(request, f"Formation « {version.titre} » enregistrée ({version.slug} v{version.version}).")
    return redirect("delibe:formation", pk=version.pk)
