"""The academic years of a department (issue 13): the list with its actions, opening semesters from a
formation version, copying last year's, archiving a closed year, the passage of the students into the
next year (preview, then confirmation, all or nothing). Thin: ``services.annees`` does the work."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from delibe.engine.jury import codes as C
from delibe.engine.model import MODALITY_CODES
from delibe.web import permissions as perm
from delibe.web.models import Department, FormationVersion, SemesterRun
from delibe.web.services import annees as service
from delibe.web.services.formations import formation_model

SEMESTERS = range(1, 7)
DENIED = "L'année universitaire est préparée par la scolarité ou le responsable de formation."


def _department(request: HttpRequest, pk: int) -> Department:
    department = get_object_or_404(Department, pk=pk)
    perm.require_visible(perm.can_view_department(request.user, department.pk))
    perm.require(perm.can_setup_year(request.user, department.pk), DENIED)
    return department


def _years(department: Department) -> list[dict[str, Any]]:
    runs = (SemesterRun.objects.filter(formation__department=department)
            .select_related("formation", "academic_year").order_by("-academic_year__label", "semestre"))
    years: dict[str, list[SemesterRun]] = {}
    for run in runs:
        years.setdefault(run.academic_year.label, []).append(run)
    return [{"label": label, "runs": rs, "next": _next(label),
             "locked": all(r.locked for r in rs), "archived": all(r.archived for r in rs)}
            for label, rs in years.items()]


def _next(label: str) -> str:
    try:
        return service.next_label(label)
    except service.YearSetupError:  # a year stored under another spelling (an old import): no next year
        return "—"


@login_required
def years(request: HttpRequest, pk: int) -> HttpResponse:
    department = _department(request, pk)
    return render(request, "delibe/annees.html", {
        "department": department, "years": _years(department), "modalites": MODALITY_CODES,
    })


def _date(value: str, label: str) -> dt.date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise service.YearSetupError(f"{label} : date « {value} » illisible (AAAA-MM-JJ).") from error


def _specs(post: Any) -> list[service.SemesterSpec]:
    parcours = tuple(p for p in post.getlist("parcours") if p)
    modalite = post.get("modalite", "")
    specs = []
    for s in SEMESTERS:
        if post.get(f"s{s}") != "on":
            continue
        specs.append(service.SemesterSpec(
            semestre=s, debut=_date(post.get(f"s{s}_debut", ""), f"S{s}, début"),
            fin=_date(post.get(f"s{s}_fin", ""), f"S{s}, fin"), parcours=parcours, modalite=modalite,
            etape=post.get(f"s{s}_etape", "")))
    return specs


@login_required
def create(request: HttpRequest, pk: int) -> HttpResponse:
    department = _department(request, pk)
    versions = list(FormationVersion.objects.filter(department=department).order_by("slug", "-version"))
    error = ""
    if request.method == "POST":
        version = next((v for v in versions if str(v.pk) == request.POST.get("formation")), None)
        label = request.POST.get("annee", "").strip()
        try:
            if version is None:
                raise service.YearSetupError("Formation : choisissez une version de formation du département.")
            runs = service.create_semesters(user=request.user, version=version, label=label,
                                            specs=_specs(request.POST))
        except service.YearSetupError as failure:
            error = str(failure)
        else:
            messages.success(request, f"{len(runs)} semestre(s) ouvert(s) en {label}.")
            return redirect("delibe:annees", pk=department.pk)
    parcours = sorted({p.code for v in versions for p in formation_model(v).parcours})
    today = dt.date.today()
    default_label = f"{today.year}-{today.year + 1}" if today.month >= 6 else f"{today.year - 1}-{today.year}"
    post = request.POST if error else None
    rows = [{"n": s, "checked": bool(post and post.get(f"s{s}") == "on"),
             **{k: (post.get(f"s{s}_{k}", "") if post else "") for k in ("debut", "fin", "etape")}}
            for s in SEMESTERS]
    chosen = set(post.getlist("parcours")) if post else set()
    return render(request, "delibe/annee_creer.html", {
        "department": department, "versions": versions, "modalites": MODALITY_CODES,
        "parcours": [(p, p in chosen) for p in parcours], "semesters": rows, "error": error, "post": post,
        "default_label": default_label,
    }, status=400 if error else 200)


@login_required
def copy(request: HttpRequest, pk: int) -> HttpResponse:
    department = _department(request, pk)
    labels = [y["label"] for y in _years(department)]
    error = ""
    source = request.POST.get("source") or request.GET.get("source") or (labels[0] if labels else "")
    if request.method == "POST":
        try:
            result = service.copy_year(user=request.user, department=department, source_label=source)
        except service.YearSetupError as failure:
            error = str(failure)
        else:
            skipped = (f" Évaluations non copiées (modules absents de la nouvelle version) : "
                       f"{', '.join(result.skipped_modules)}." if result.skipped_modules else "")
            messages.success(request, f"{result.source} copiée vers {result.target} : {len(result.runs)} semestre(s), "
                                      f"{result.teachings} enseignement(s), {result.evaluations} évaluation(s) "
                                      f"sans note, {result.groups} groupe(s).{skipped}")
            return redirect("delibe:annees", pk=department.pk)
    return render(request, "delibe/annee_copier.html", {
        "department": department, "labels": labels, "source": source, "error": error,
        "runs": service.department_runs(department, source) if source in labels else [],
    }, status=400 if error else 200)


@login_required
@require_POST
def archive(request: HttpRequest, pk: int, label: str) -> HttpResponse:
    department = _department(request, pk)
    try:
        runs = service.archive_year(user=request.user, department=department, label=label)
    except service.YearSetupError as failure:
        return render(request, "delibe/annees.html", {
            "department": department, "years": _years(department), "modalites": MODALITY_CODES,
            "error": str(failure)}, status=400)
    messages.success(request, f"Année {label} archivée : {len(runs)} semestre(s) en lecture seule.")
    return redirect("delibe:annees", pk=department.pk)


@login_required
def passage(request: HttpRequest, pk: int, label: str) -> HttpResponse:
    department = _department(request, pk)
    error = ""
    if request.method == "POST":
        try:
            preview = service.confirm_passage(user=request.user, department=department, source_label=label)
        except service.YearSetupError as failure:
            error = str(failure)
        else:
            messages.success(request, f"Passage {label} → {preview.target} : {len(preview.to_enrol)} "
                                      "étudiant(s) inscrit(s).")
            return redirect("delibe:annees", pk=department.pk)
    try:
        preview = service.passage_preview(department, label)
    except service.YearSetupError as failure:
        raise Http404(str(failure)) from failure
    return render(request, "delibe/passage.html", {
        "department": department, "preview": preview, "error": error,
        "undo": service.undo_preview(department, label) if service.last_passage(department, label) else None,
        "codes_passage": ", ".join(service.ordered(C.PASSAGE)), "code_red": C.RED,
        "codes_sortie": ", ".join(service.ordered(C.TERMINAL)),
    }, status=400 if error else 200)


@login_required
@require_POST
def passage_undo(request: HttpRequest, pk: int, label: str) -> HttpResponse:
    """Removes the enrolments the last passage created, while their semesters have no grade nor decision."""
    department = _department(request, pk)
    try:
        undo = service.undo_passage(user=request.user, department=department, source_label=label)
    except service.YearSetupError as failure:
        try:
            preview = service.passage_preview(department, label)
        except service.YearSetupError as error:
            raise Http404(str(error)) from error
        return render(request, "delibe/passage.html", {
            "department": department, "preview": preview, "error": str(failure), "undo": None,
            "codes_passage": ", ".join(service.ordered(C.PASSAGE)), "code_red": C.RED,
            "codes_sortie": ", ".join(service.ordered(C.TERMINAL))}, status=400)
    messages.success(request, f"Passage {label} → {undo.target} annulé : {len(undo.enrolments)} inscription(s) "
                              "retirée(s) (enregistré au journal).")
    return redirect("delibe:passage", pk=department.pk, label=label)
