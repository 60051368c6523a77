"""The « tableau récapitulatif » of a semester: the page (sortable, filtered by parcours and group), its
XLSX (one sheet per parcours) and CSV exports. Who reads the averages of the semester reads it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import slugify

from delibe.reports import recap as recap_report
from delibe.web import permissions as perm
from delibe.web.models import Groupe, SemesterRun
from delibe.web.selectors.groupes import groupes_of, selected_groupe
from delibe.web.selectors.recap import semester_recap
from delibe.web.views.pages import get_run

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filters(request: HttpRequest, run: SemesterRun) -> tuple[list[str], list[Groupe], str | None, Groupe | None]:
    enrolments = run.enrolments.values_list("parcours", flat=True)  # type: ignore[attr-defined]  # reverse relation added by Django at runtime
    parcours_list = sorted({p for p in enrolments if p})
    parcours = request.GET.get("parcours") or None
    return (parcours_list, groupes_of(run), parcours if parcours in parcours_list else None,
            selected_groupe(run, request.GET.get("groupe")))


@login_required
def page(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_run(request, pk)
    perm.require(perm.can_view_averages(request.user, run),
                 "Le tableau récapitulatif est lu par la scolarité, le responsable et le président du jury.")
    parcours_list, groups, parcours, groupe = _filters(request, run)
    data = semester_recap(run, parcours=parcours, groupe=groupe)
    query = request.GET.urlencode()
    return render(request, "delibe/recap.html", {
        "run": run, "data": data, "parcours_list": parcours_list, "groups": groups, "parcours": parcours or "",
        "groupe": groupe, "query": f"?{query}" if query else "", "student_base": reverse("delibe:etudiants"),
        "n_ue_cols": 3 * len(data.ues), "n_rcue_cols": 2 * len(data.rcues),
    })


@login_required
def export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    run = get_run(request, pk)
    perm.require(perm.can_view_averages(request.user, run))
    _, _, parcours, groupe = _filters(request, run)
    data = semester_recap(run, parcours=parcours, groupe=groupe)
    name = slugify(f"recapitulatif-S{run.semestre}-{run.academic_year.label}-{parcours or ''}-{groupe.label if groupe else ''}")
    if fmt == "xlsx":
        response = HttpResponse(recap_report.to_xlsx(data), content_type=XLSX)
    else:
        response = HttpResponse(recap_report.to_csv(data), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
