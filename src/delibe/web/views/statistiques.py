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
