"""Grade entry: the keyboard grid (one cell saved per request, optimistic concurrency) and the spreadsheet
round trip (download, upload, preview old → new, commit all or nothing)."""

from __future__ import annotations

import json
from dataclasses import asdict
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from delibe.web import permissions as perm
from delibe.web.adapters.saisie_notes_xlsx import StudentLine, build_grade_sheet
from delibe.web.forms import ImportForm
from delibe.web.models import Groupe, SemesterRun, StudentPhoto
from delibe.web.selectors.groupes import groupes_of, selected_groupe
from delibe.web.selectors.semestres import grid_rows
from delibe.web.services import grades as grade_service
from delibe.web.services.formations import formation_model
from delibe.web.views.pages import evaluation_for


def _groupe(request: HttpRequest, run: SemesterRun) -> Groupe | None:
    """The group asked for by ``?groupe=<id>`` if it is one of the run's groups, else None (every student)."""
    return selected_groupe(run, request.GET.get("groupe", request.POST.get("groupe", "")))


@login_required
def grid(request: HttpRequest, pk: int) -> HttpResponse:
    from delibe.web.selectors.statistiques import evaluation_stats

    evaluation = evaluation_for(request, pk)
    perm.require(perm.can_read_grades(request.user, evaluation))
    run = evaluation.semester
    module = formation_model(run.formation).module(evaluation.module_code, run.semestre)
    groups = groupes_of(run)
    groupe = _groupe(request, run)
    rows = grid_rows(evaluation, groupe)
    photo_ids: set[int] = set()
    if perm.can_view_photos(request.user, run.formation.department_id):
        photo_ids = set(StudentPhoto.objects.filter(student_id__in=[r.student.pk for r in rows])
                        .values_list("student_id", flat=True))
    return render(request, "delibe/saisie.html", {
        "photo_ids": photo_ids,
        "evaluation": evaluation, "run": run, "module": module, "rows": rows,
        "editable": perm.can_edit_grades(request.user, evaluation),
        "filled": sum(1 for r in rows if r.display), "note_max": f"{evaluation.note_max:g}".replace(".", ","),
        "groups": groups, "groupe": groupe, "stats": evaluation_stats(evaluation, groupe),
        "fillers": grade_service.FILLERS,
    })


@login_required
@require_POST
def fill_empty(request: HttpRequest, pk: int) -> HttpResponse:
    """« Remplir les cases vides » with ABS, EXC or ATT (of the group shown, or every student)."""
    evaluation = evaluation_for(request, pk)
    perm.require(perm.can_edit_grades(request.user, evaluation))
    groupe = _groupe(request, evaluation.semester)
    try:
        count = grade_service.fill_empty(user=request.user, evaluation=evaluation,
                                         special=request.POST.get("valeur", ""), groupe=groupe)
    except grade_service.GradeRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("%(n)d case(s) vide(s) remplie(s) avec %(v)s.") % {
            "n": count, "v": request.POST.get("valeur", "").upper()})
    url = reverse("delibe:saisie", args=[pk])
    return redirect(f"{url}?{urlencode({'groupe': groupe.pk})}" if groupe else url)


@login_required
@require_POST
def save_cell(request: HttpRequest, pk: int) -> JsonResponse:
    """POST {student, value, version} → 200 {value, version} | 400 {error} | 409 {error, current, author}:
    ``author`` is who wrote the current value (empty if unknown or no grade), for the grid's choice
    « garder la valeur actuelle » / « remplacer par ma saisie »."""
    evaluation = evaluation_for(request, pk)
    perm.require(perm.can_edit_grades(request.user, evaluation))
    try:
        payload = json.loads(request.body or b"{}")
        student_id = int(payload["student"])
        version = int(payload.get("version", 0))
        raw = str(payload.get("value", ""))
        if not (0 < student_id < 2**63 and 0 <= version < 2**63):  # beyond a database integer: a 500 otherwise
            raise ValueError(student_id)
    except (ValueError, KeyError, TypeError, OverflowError, RecursionError):  # int(inf) overflows; [[[[… too deep
        return JsonResponse({"error": _("Requête mal formée.")}, status=400)
    try:
        state = grade_service.save_grade(
            user=request.user, evaluation=evaluation, student_id=student_id, raw=raw, expected_version=version
        )
    except grade_service.StaleGrade as stale:
        current = grade_service.current_state(evaluation, student_id)
        who = ""
        if stale.current is not None and stale.current.author_id:
            who = getattr(stale.current.author, "get_full_name", lambda: "")() or stale.current.author.username
        return JsonResponse({
            "error": _("Cette note a été modifiée entre-temps%(who)s : valeur actuelle « %(v)s ». "
                       "Votre saisie n'est pas enregistrée : choisissez de garder la valeur actuelle ou de "
                       "la remplacer.") % {
                "who": f" par {who}" if who else "", "v": current.display or _("vide")},
            "current": current.as_json(),
            "author": who if current.version else "",
        }, status=409)
    except grade_service.DatabaseBusy as error:  # nothing saved: the grid tries again by itself
        response = JsonResponse({"error": str(error), "retry": True}, status=503)
        response["Retry-After"] = "2"
        return response
    except grade_service.GradeRefused as error:
        return JsonResponse({"error": str(error)}, status=400)
    return JsonResponse(state.as_json())


@login_required
def download_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = evaluation_for(request, pk)
    perm.require(perm.can_read_grades(request.user, evaluation))
    lines = []
    for row in grid_rows(evaluation):
        current: float | str | None = row.display or None
        if row.display and row.display not in ("ABS", "EXC", "ATT"):
            current = float(row.display.replace(",", "."))
        lines.append(StudentLine(str(row.student.pk), row.student.nom, row.student.prenom, row.groupe, current))
    data = build_grade_sheet(
        evaluation_key=str(evaluation.pk),
        title=f"{evaluation.module_code} — {evaluation.titre} ({evaluation.semester})",
        note_max=evaluation.note_max, lines=lines,
    )
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = slugify(f"notes-{evaluation.module_code}-{evaluation.titre}")[:80] or "notes"
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


def _session_key(pk: int) -> str:
    return f"delibe-import-{pk}"


@login_required
def upload_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = evaluation_for(request, pk)
    perm.require(perm.can_edit_grades(request.user, evaluation))
    form = ImportForm(request.POST or None, request.FILES or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        preview = grade_service.preview_sheet(evaluation, form.cleaned_data["fichier"].read())
        if preview.ok:
            request.session[_session_key(pk)] = [asdict(c) for c in preview.changes]
    return render(request, "delibe/import.html", {
        "evaluation": evaluation, "run": evaluation.semester, "form": form, "preview": preview,
    })


@login_required
@require_POST
def confirm_import(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = evaluation_for(request, pk)
    perm.require(perm.can_edit_grades(request.user, evaluation))
    stored = request.session.pop(_session_key(pk), None)
    if stored is None:
        messages.error(request, _("Aucun import en attente : déposez à nouveau le fichier."))
        return redirect("delibe:import", pk=pk)
    changes = tuple(grade_service.Change(**c) for c in stored)
    try:
        count = grade_service.apply_changes(user=request.user, evaluation=evaluation, changes=changes)
    except grade_service.StaleGrade:
        messages.error(request, _(
            "Des notes ont été modifiées depuis l'aperçu : rien n'a été enregistré. Déposez à nouveau le fichier."
        ))
        return redirect("delibe:import", pk=pk)
    except grade_service.GradeRefused as error:
        messages.error(request, str(error))
        return redirect("delibe:import", pk=pk)
    messages.success(request, _("%(n)d note(s) enregistrée(s).") % {"n": count})
    return redirect("delibe:saisie", pk=pk)
