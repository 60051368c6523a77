"""Groups and photos (issue 13): the group editor of a semester, one student's groups from their page,
the lists of a group (sign-in sheet PDF/XLSX, trombinoscope PDF), the photos import of a department and
the permission-checked view that serves a photo. Views are thin: permission, service or selector, render."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from delibe.reports import listes
from delibe.web import permissions as perm
from delibe.web.models import Department, Enrolment, Groupe, Partition, SemesterRun, Student, StudentPhoto
from delibe.web.selectors import groupes as sel
from delibe.web.services import groupes as service
from delibe.web.services import photos as photo_service
from delibe.web.views.pages import get_run

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"


def _partition(run: SemesterRun, raw: object) -> Partition:
    return get_object_or_404(Partition, semester=run, pk=int(str(raw)) if str(raw).isdigit() else -1)


def _groupe(run: SemesterRun, raw: object) -> Groupe:
    return get_object_or_404(Groupe.objects.select_related("partition__semester"), partition__semester=run,
                             pk=int(str(raw)) if str(raw).isdigit() else -1)


def _apply(request: HttpRequest, run: SemesterRun) -> tuple[str, str]:
    """Runs the editor's action; returns (message, anchor to come back to)."""
    post, user = request.POST, request.user
    action = post.get("action", "")
    if action == "creer-partition":
        p = service.create_partition(user=user, run=run, name=post.get("nom"))
        return f"Partition « {p.name} » créée.", f"partition-{p.pk}"
    if action == "renommer-partition":
        p = service.rename_partition(user=user, partition=_partition(run, post.get("partition")), name=post.get("nom"))
        return f"Partition renommée « {p.name} ».", f"partition-{p.pk}"
    if action in ("monter-partition", "descendre-partition"):
        p = _partition(run, post.get("partition"))
        moved = service.move_partition(user=user, partition=p, direction="haut" if action == "monter-partition" else "bas")
        return (f"Partition « {p.name} » {'montée' if action == 'monter-partition' else 'descendue'}." if moved
                else f"Partition « {p.name} » : déjà à cette extrémité."), f"partition-{p.pk}"
    if action == "supprimer-partition":
        p = _partition(run, post.get("partition"))
        name = p.name
        service.delete_partition(user=user, partition=p)
        return f"Partition « {name} » supprimée.", "partitions"
    if action == "creer-groupe":
        p = _partition(run, post.get("partition"))
        g = service.create_groupe(user=user, partition=p, name=post.get("nom"))
        return f"Groupe « {g.name} » créé dans « {p.name} ».", f"partition-{p.pk}"
    if action == "renommer-groupe":
        g = service.rename_groupe(user=user, groupe=_groupe(run, post.get("groupe")), name=post.get("nom"))
        return f"Groupe renommé « {g.name} ».", f"partition-{g.partition_id}"
    if action == "supprimer-groupe":
        g = _groupe(run, post.get("groupe"))
        n = service.delete_groupe(user=user, groupe=g)
        return f"Groupe « {g.name} » supprimé ({n} étudiant(s) sans groupe dans « {g.partition.name} »).", \
            f"partition-{g.partition_id}"
    if action == "deplacer":
        p = _partition(run, post.get("partition"))
        target = post.get("vers", "")
        groupe = None if target == "aucun" else _groupe(run, target) if target else None
        if not target:
            raise service.GroupError("Déplacer vers : choisissez un groupe (ou « aucun groupe »).")
        ids = [*post.getlist("inscriptions"), *service.enrolments_by_nip(run, post.get("nips", ""))]
        n = service.move_students(user=user, partition=p, enrolment_ids=ids, groupe=groupe)
        where = f"« {groupe.name} »" if groupe else "aucun groupe"
        return f"{n} étudiant(s) déplacé(s) vers {where} ({p.name}).", f"partition-{p.pk}"
    raise service.GroupError("Action inconnue : rechargez la page.")


@login_required
def editor(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_run(request, pk)
    perm.require(perm.can_manage_groups(request.user, run),
                 "Les groupes sont gérés par la scolarité ou le responsable de formation.")
    error = ""
    if request.method == "POST":
        try:
            message, anchor = _apply(request, run)
        except service.GroupError as failure:
            error = str(failure)
        else:
            messages.success(request, message)
            return redirect(f"{reverse('delibe:groupes', args=[run.pk])}#{anchor}")
    return render(request, "delibe/groupes.html", {
        "run": run, "editor": sel.groups_editor(run), "error": error,
        "can_photos": perm.can_view_photos(request.user, run.formation.department_id),
    }, status=400 if error else 200)


@login_required
@require_POST
def student_groups(request: HttpRequest, pk: int, run_pk: int) -> HttpResponse:
    """The student page's form: the student's group in each partition of one semester."""
    student = get_object_or_404(Student, pk=pk)
    perm.require_visible(perm.can_view_department(request.user, student.department_id))
    perm.require(perm.can_change_student_group(request.user, student),
                 "Les groupes sont changés par la scolarité ou le responsable de formation.")
    enrolment = get_object_or_404(Enrolment.objects.select_related("semester__formation"), student=student,
                                  semester_id=run_pk)
    choices = {key.removeprefix("partition-"): value for key, value in request.POST.items()
               if key.startswith("partition-")}
    try:
        changed = service.set_student_groups(user=request.user, enrolment=enrolment, choices=choices,
                                             reason=request.POST.get("motif", "").strip()[:500])
    except service.GroupError as failure:
        messages.error(request, str(failure))
    else:
        enrolment.refresh_from_db()
        messages.success(request, f"Groupes de {enrolment.semester} : {enrolment.groupe or 'aucun'}." if changed
                         else "Aucun changement de groupe.")
    return redirect(f"{reverse('delibe:etudiant', args=[student.pk])}#groupes-{run_pk}")


# --- lists of a group ---------------------------------------------------------------------------

def _liste(request: HttpRequest, run: SemesterRun, with_photos: bool) -> tuple[listes.ListeData, str]:
    groupe = sel.selected_groupe(run, request.GET.get("groupe"))
    enrolments = sel.with_groups(sel.in_groupe(run.enrolments.select_related("student__photo"), groupe))  # type: ignore[attr-defined]  # reverse relation
    rows = []
    for e in enrolments.order_by("student__nom", "student__prenom", "pk"):
        s = e.student
        photo = photo_service.photo_bytes(s) if with_photos else None
        rows.append(listes.ListeRow(s.nom, s.prenom, s.nip, e.groupe, photo))
    label = groupe.label if groupe is not None else "Tous les étudiants"
    titre = f"{run.formation.titre} — S{run.semestre} {run.academic_year.label}"
    name = slugify(f"S{run.semestre}-{run.academic_year.label}-{label}")
    return listes.ListeData(titre, label, tuple(rows), photos=with_photos), name


def _download(data: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def emargement(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The sign-in sheet of a group (``?groupe=<id>``; every student without it), PDF or XLSX. Photos (PDF,
    ``?photos=1``) only for whom may see them."""
    if fmt not in ("pdf", "xlsx"):
        raise Http404("Format inconnu (pdf ou xlsx).")
    run = get_run(request, pk)
    perm.require(perm.can_view_semester(request.user, run))
    photos = request.GET.get("photos") == "1" and fmt == "pdf" \
        and perm.can_view_photos(request.user, run.formation.department_id)
    data, name = _liste(request, run, photos)
    if fmt == "xlsx":
        return _download(listes.emargement_xlsx(data), f"emargement-{name}.xlsx", XLSX)
    return _download(listes.emargement_pdf(data), f"emargement-{name}.pdf", PDF)


@login_required
def trombinoscope(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_run(request, pk)
    perm.require(perm.can_view_semester(request.user, run))
    perm.require(perm.can_view_photos(request.user, run.formation.department_id))
    data, name = _liste(request, run, True)
    return _download(listes.trombinoscope_pdf(data), f"trombinoscope-{name}.pdf", PDF)


# --- photos ------------------------------------------------------------------------------------

@login_required
def photo(request: HttpRequest, pk: int) -> HttpResponse:
    """A student's photo, to the staff of their department only (a student, even their own: 404)."""
    student = get_object_or_404(Student, pk=pk)
    perm.require_visible(perm.can_view_photos(request.user, student.department_id))
    record = StudentPhoto.objects.filter(student=student).first()
    path = photo_service.photo_path(record) if record is not None else None
    perm.require_visible(path is not None)
    assert path is not None
    response = HttpResponse(path.read_bytes(), content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    return response


@login_required
def photos_import(request: HttpRequest, pk: int) -> HttpResponse:
    department = get_object_or_404(Department, pk=pk)
    perm.require_visible(perm.can_view_department(request.user, department.pk))
    perm.require(perm.can_import_photos(request.user, department.pk),
                 "Les photos sont importées par la scolarité ou le responsable de formation.")
    issues: tuple[Any, ...] = ()
    if request.method == "POST":
        archive = request.FILES.get("archive")
        sheet = request.FILES.get("correspondance")
        if archive is None:
            issues = ("Archive des photos : choisissez un fichier .zip.",)
        elif sheet is not None and sheet.size > int(settings.DELIBE_MAX_UPLOAD_BYTES):
            issues = (f"Feuille de correspondance : {sheet.size // 1024} Ko, trop volumineuse.",)
        else:
            try:
                done = photo_service.import_photos(
                    user=request.user, department=department, zip_data=archive.read(), zip_name=archive.name or "",
                    mapping_data=sheet.read() if sheet is not None else None,
                    mapping_name=sheet.name if sheet is not None else "")
            except photo_service.PhotoError as failure:
                issues = failure.issues
            else:
                messages.success(request, f"{done.created} photo(s) ajoutée(s), {done.replaced} remplacée(s).")
                return redirect("delibe:photos_import", pk=department.pk)
    return render(request, "delibe/photos_import.html", {
        "department": department, "issues": issues,
        "max_mo": int(settings.DELIBE_MAX_PHOTOS_BYTES) // (1024 * 1024),
        "n_photos": StudentPhoto.objects.filter(student__department=department).count(),
    }, status=400 if issues else 200)
