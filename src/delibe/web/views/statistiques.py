"""Statistics of a semester (issue 14, item 5, in part): pass rates per UE and for the year, for everyone,
each parcours and each group; the distribution of each UE average (SVG with its table)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from delibe.web import permissions as perm
from delibe.web.selectors.statistiques import semester_stats
from delibe.web.views.pages import get_run


@login_required
def page(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_run(request, pk)
    perm.require(perm.can_view_averages(request.user, run),
                 "Les statistiques du semestre sont lues par la scolarité, le responsable et le président du jury.")
    return render(request, "delibe/statistiques.html", {"run": run, "stats": semester_stats(run)})


@login_required
def cohorts(request: HttpRequest, pk: int) -> HttpResponse:
    """The cohort follow-up of a department: of the students who entered BUT1 in a given year, where each
    one is after one, two, three years (tables and accessible charts)."""
    from django.shortcuts import get_object_or_404

    from delibe.web.models import Department
    from delibe.web.selectors.statistiques import cohort_entries, cohort_followup

    department = get_object_or_404(Department, pk=pk)
    perm.require_visible(perm.can_view_department(request.user, department.pk))
    perm.require(perm.roles_of(request.user).has(department.pk, perm.JURY_READERS),
                 "Le suivi de cohorte est lu par la scolarité, le responsable et le président du jury.")
    entries = cohort_entries(department.pk)
    entry = request.GET.get("entree") or (entries[0] if entries else "")
    followup = cohort_followup(department.pk, entry) if entry in entries else None
    charts = [followup.chart(i) for i in range(len(followup.years))] if followup else []
    return render(request, "delibe/cohortes.html", {
        "department": department, "entries": entries, "entry": entry, "followup": followup, "charts": charts,
        "rows": [(s, followup.counts[s]) for s in followup.statuses] if followup else [],
    })
