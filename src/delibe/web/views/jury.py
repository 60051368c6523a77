"""The jury: the table of a semester or year, one student's decisions, confirming proposals, locking."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from delibe.web import permissions as perm
from delibe.web.audit import locking
from delibe.web.models import Enrolment, Student
from delibe.web.selectors.semestres import Cell, JuryRow, JuryTable, jury_table
from delibe.web.services import jury as jury_service
from delibe.web.views.pages import get_run


@login_required
def table(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_run(request, pk)
    perm.require(perm.can_view_jury(request.user, run))
    data = jury_table(run, with_reasons=False)
    # One reverse() per page, not three per row (a 300-student year).
    decisions_base = reverse("delibe:jury_etudiant", args=[run.pk, 0])[:-2]
    filters, rows = _filtered(request, data)
    return render(request, "delibe/jury.html", {
        "student_base": reverse("delibe:etudiants"), "decisions_base": decisions_base,
        "run": run, "table": data, "rows": rows, "filters": filters, "filtered": len(rows) != len(data.rows), "can_decide": perm.can_decide_jury(request.user, run) and not data.locked,
        "can_lock": perm.can_lock_jury(request.user, run) and not data.locked,
        "can_reopen": data.locked and locking.can_reopen(request.user, run),
    })


def _filtered(request: HttpRequest, data: JuryTable) -> tuple[dict[str, Any], list[JuryRow]]:
    """The rows the table shows under the page's filters (group, parcours, year code, departures from a
    proposal); the summary above it still counts every student."""
    groupe, parcours = request.GET.get("groupe", ""), request.GET.get("parcours", "")
    code, ecarts = request.GET.get("code", ""), request.GET.get("ecarts") == "1"

    def keep(row: JuryRow) -> bool:
        shown = None if row.error or row.annee is None else row.annee.shown
        return ((not groupe or row.enrolment.groupe == groupe)
                and (not parcours or row.enrolment.parcours == parcours)
                and (not code or (shown or "-") == code)
                and (not ecarts or any(c is not None and c.departs for c in _cells(row))))

    filters = {
        "groupe": groupe, "parcours": parcours, "code": code, "ecarts": ecarts,
        "groupes": sorted({r.enrolment.groupe for r in data.rows if r.enrolment.groupe}),
        "parcours_list": sorted({r.enrolment.parcours for r in data.rows if r.enrolment.parcours}),
        "codes": [c for c, _n in data.counts],
    }
    return filters, [r for r in data.rows if keep(r)]


@dataclass
class _Entry:
    """What the form shows for one decision: the user's code and reason after a refused submission,
    otherwise the recorded decision (or the proposal)."""

    code: str
    motif: str
    error: str = ""
    error_field: str = ""  # "code" or "motif": the field the error is about
    first_error: bool = False


def _cells(row: JuryRow | None) -> list[Cell]:
    if row is None or row.error:
        return []
    return [c for c in [*row.ues, *row.rcues, row.annee] if c is not None]


@login_required
def student_decisions(request: HttpRequest, pk: int, student_pk: int) -> HttpResponse:
    run = get_run(request, pk)
    perm.require(perm.can_view_jury(request.user, run))
    student = get_object_or_404(Student, pk=student_pk, department_id=run.formation.department_id)
    perm.require_visible(Enrolment.objects.filter(student=student, semester=run).exists())
    can_decide = perm.can_decide_jury(request.user, run)
    errors: dict[str, str] = {}
    entries: dict[str, _Entry] = {}
    consequences: list[jury_service.Consequence] | None = None
    if request.method == "POST":
        perm.require(can_decide)
        data = jury_table(run, [student.pk])
        changes = []
        for cell in _cells(data.rows[0] if data.rows else None):
            name = f"{cell.level}-{cell.key}"
            code = request.POST.get(f"code-{name}", "").strip()
            reason = request.POST.get(f"motif-{name}", "")
            entries[name] = _Entry(code, reason)
            if code and not (code == (cell.decided or "") and reason.strip() == cell.departure_reason):
                changes.append((cell.level, cell.key, code, reason))
        if "apercu" in request.POST:
            # What the decisions would change, computed by the engine and shown before anything is saved.
            consequences, errors = jury_service.preview_decisions(user=request.user, run=run, student=student,
                                                                  changes=changes)
        else:
            # All or nothing: a refused decision leaves every decision of the form unrecorded, and the form
            # comes back with what the user chose and wrote.
            saved, errors = jury_service.record_decisions(user=request.user, run=run, student=student,
                                                          changes=changes)
            if not errors:
                messages.success(request, _("%(n)d décision(s) enregistrée(s) pour %(s)s.") % {"n": saved, "s": student})
                return redirect("delibe:jury", pk=run.pk)
        for name, message in errors.items():
            if name in entries:
                level = name.split("-", 1)[0]
                known = entries[name].code.upper() in jury_service.CODES_BY_LEVEL.get(level, ())
                entries[name].error = message
                entries[name].error_field = "motif" if known else "code"
    data = jury_table(run, [student.pk])
    row = data.rows[0] if data.rows else None
    first = True
    forms: dict[str, _Entry] = {}
    for cell in _cells(row):
        name = f"{cell.level}-{cell.key}"
        entry = entries.get(name) if errors or consequences is not None else None
        if entry is None:
            entry = _Entry(cell.decided or cell.proposed or "", cell.departure_reason)
        elif entry.error and first:
            entry.first_error, first = True, False
        forms[name] = entry
    return render(request, "delibe/jury_etudiant.html", {
        "run": run, "student": student, "row": row, "table": data, "errors": errors, "forms": forms,
        "error_list": [(name, e.error_field, e.error) for name, e in entries.items() if e.error],
        "can_decide": can_decide, "codes": jury_service.CODES_BY_LEVEL, "consequences": consequences,
    })


@login_required
@require_POST
def confirm_proposals(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_run(request, pk)
    perm.require(perm.can_decide_jury(request.user, run))
    try:
        count = jury_service.record_proposals(user=request.user, run=run)
    except jury_service.DecisionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("%(n)d proposition(s) enregistrée(s) comme décisions.") % {"n": count})
    return redirect("delibe:jury", pk=run.pk)


@login_required
def lock(request: HttpRequest, pk: int) -> HttpResponse:
    """« Clore le jury » : the checklist of what blocks (GET), then closing (POST), refused while a blocking
    item remains unless the président writes, for each one, the reason to close anyway."""
    from delibe.web.selectors.cloture import jury_checklist

    run = get_run(request, pk)
    perm.require(perm.can_view_jury(request.user, run))
    if run.locked or any(r.locked for r in jury_service.year_runs(run)):
        messages.info(request, _("Ce jury est déjà clos."))
        return redirect("delibe:jury", pk=run.pk)
    perm.require(perm.can_lock_jury(request.user, run),
                 _("Seuls la scolarité et le président du jury closent le jury."))
    motifs: dict[str, str] = {}
    error = ""
    missing: set[str] = set()
    if request.method == "POST":
        motifs = {k[len("motif-"):]: v for k, v in request.POST.items() if k.startswith("motif-")}
        try:
            jury_service.lock_jury(user=request.user, run=run, motifs=motifs)
        except jury_service.ChecklistBlocked as blocked:
            error = str(blocked)
            missing = {item.key for item in blocked.missing}
        except jury_service.DecisionError as failure:
            error = str(failure)
        else:
            messages.success(request, _("Jury clos : les notes et les décisions sont verrouillées."))
            return redirect("delibe:jury", pk=run.pk)
    checklist = jury_checklist(run)
    return render(request, "delibe/jury_cloture.html", {
        "run": run, "checklist": checklist, "groups": checklist.by_kind(), "motifs": motifs, "error": error,
        "missing": missing, "may_override": jury_service.may_override_checklist(request.user, run),
        "min_reason": jury_service.MIN_REASON,
    }, status=400 if error else 200)


@login_required
def student_reasons(request: HttpRequest, pk: int, student_pk: int) -> HttpResponse:
    """The reasons of one student's proposals, as an HTML fragment the jury table loads on demand."""
    run = get_run(request, pk)
    perm.require(perm.can_view_jury(request.user, run))
    student = get_object_or_404(Student, pk=student_pk, department_id=run.formation.department_id)
    perm.require_visible(Enrolment.objects.filter(student=student, semester=run).exists())
    data = jury_table(run, [student.pk])
    row = data.rows[0] if data.rows else None
    cells = [c for c in (row.ues + row.rcues + [row.annee]) if c] if row and not row.error else []
    return render(request, "delibe/_jury_reasons.html", {"row": row, "cells": cells})
