"""The audit pages: one student's history, one evaluation's history (with its entry sessions and their
undo), one semester's history (locking, reopening), each exportable as CSV (``?format=csv``).
Permissions are those of the pages they complete (``delibe.web.permissions``)."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from delibe.web import permissions as perm
from delibe.web.audit import locking, services
from delibe.web.audit import undo as undoing
from delibe.web.audit.models import AuditEntry
from delibe.web.models import Student
from delibe.web.views.pages import evaluation_for, get_run

PAGE = 1000


def _names(entries: list[AuditEntry]) -> dict[int, str]:
    ids = {e.student_id for e in entries if e.student_id}
    return {s.pk: str(s) for s in Student.objects.filter(pk__in=ids)}


def _respond(request: HttpRequest, template: str, title: str, entries: Any, context: dict[str, Any]) -> HttpResponse:
    if request.GET.get("format") == "csv":
        rows = list(entries)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="journal-{slugify(title)[:60]}.csv"'
        response.write("\ufeff")  # Excel reads UTF-8 only with a BOM
        writer = csv.writer(response, delimiter=";")
        writer.writerows(services.csv_rows(rows, _names(rows)))
        return response
    rows = list(entries[:PAGE])
    names = _names(rows)
    lines = [{"e": e, "student": names.get(e.student_id, ""), "old": services.display(e.old),
              "new": services.display(e.new)} for e in rows]
    return render(request, template, {"title": title, "lines": lines, "truncated": len(rows) == PAGE, **context})


@login_required
def student_log(request: HttpRequest, pk: int) -> HttpResponse:
    student = get_object_or_404(Student, pk=pk)
    perm.require_visible(perm.can_view_department(request.user, student.department_id))
    perm.require(perm.can_view_student(request.user, student))
    entries = AuditEntry.objects.filter(student_id=student.pk, department_id=student.department_id)
    return _respond(request, "audit/journal.html", f"Journal — {student}", entries, {"student": student})


@login_required
def evaluation_log(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = evaluation_for(request, pk)
    perm.require(perm.can_read_grades(request.user, evaluation))
    entries = AuditEntry.objects.filter(evaluation_id=evaluation.pk)
    return _respond(request, "audit/journal.html", f"Journal — {evaluation}", entries, {
        "evaluation": evaluation, "sessions": undoing.session_summaries(evaluation.pk),
        "can_undo": perm.can_edit_grades(request.user, evaluation),
    })


@login_required
@require_POST
def undo(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = evaluation_for(request, pk)
    perm.require(perm.can_edit_grades(request.user, evaluation))
    try:
        count = undoing.undo_session(user=request.user, evaluation=evaluation,
                                      session=request.POST.get("session", ""))
    except services.AuditError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Session annulée : {count} note(s) remise(s) à leur valeur précédente.")
    return redirect("audit:evaluation", pk=pk)


@login_required
def semester_log(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_run(request, pk)
    perm.require(perm.can_view_jury(request.user, run))
    entries = AuditEntry.objects.filter(semester_id=run.pk).exclude(object_type="grade")
    return _respond(request, "audit/journal.html", f"Journal — {run}", entries, {
        "run": run, "can_reopen": run.locked and locking.can_reopen(request.user, run),
    })


@login_required
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_run(request, pk)
    perm.require(locking.can_reopen(request.user, run),
                 "Seuls un administrateur, la scolarité, le responsable de formation ou le président du "
                 "jury peuvent rouvrir un semestre.")
    error = ""
    if request.method == "POST":
        try:
            runs = locking.reopen_semester(user=request.user, run=run, reason=request.POST.get("motif", ""))
        except services.AuditError as exc:
            error = str(exc)
        else:
            messages.success(request, "Semestre rouvert : " + ", ".join(str(r) for r in runs) + ".")
            return redirect("audit:semestre", pk=run.pk)
    return render(request, "audit/reopen.html", {"run": run, "error": error,
                                                 "motif": request.POST.get("motif", "")}, status=400 if error else 200)
