"""« Publication aux étudiants » of a semester: the responsable (or the scolarité) decides what the
students see before the jury: grades (all, evaluation by evaluation, none), averages, ranks."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from delibe.web import permissions as perm
from delibe.web.models import GradePublication
from delibe.web.selectors.semestres import module_titles
from delibe.web.services import publication as service
from delibe.web.views.pages import get_run


@login_required
def settings_page(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_run(request, pk)
    perm.require(perm.can_manage_semester(request.user, run),
                 "La publication aux étudiants est réglée par la scolarité ou le responsable de formation.")
    error = ""
    if request.method == "POST":
        try:
            ids = {int(v) for v in request.POST.getlist("evaluations")}
        except ValueError:
            ids = set()
            error = "Évaluation mal désignée."
        if not error:
            try:
                service.set_publication(
                    user=request.user, run=run, notes=request.POST.get("notes", ""),
                    moyennes=request.POST.get("moyennes") == "on", rangs=request.POST.get("rangs") == "on",
                    evaluations=ids,
                )
            except service.PublicationError as failure:
                error = str(failure)
            else:
                messages.success(request, "Réglages de publication enregistrés.")
                return redirect("delibe:publication", pk=run.pk)
    rules = service.rules_of(run)
    titles = module_titles(run)
    evaluations = [(e, titles.get(e.module_code, "")) for e in run.evaluations.all()]
    return render(request, "delibe/publication.html", {
        "run": run, "rules": rules, "choices": GradePublication.choices, "evaluations": evaluations,
        "error": error,
    }, status=400 if error else 200)
