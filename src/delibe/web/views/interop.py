"""Interoperability pages: the secretariat's students import (upload → preview → confirm, like the grade
sheet import) and the Apogée export (a maquette uploaded, the filled file downloaded)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from delibe.web import permissions as perm
from delibe.web.audit.context import using
from delibe.web.services import etudiants_import as service
from delibe.web.services.formations import formation_model
from delibe.web.views.pages import get_run

MAX_UPLOAD = 5 * 1024 * 1024


class StudentsForm(forms.Form):
    fichier = forms.FileField(label=gettext_lazy("Liste des étudiants (.csv ou .xlsx)"))
    parcours = forms.ChoiceField(label=gettext_lazy("Parcours des étudiants sans colonne « parcours »"),
                                 required=False)
    inscrit_le = forms.DateField(
        label=gettext_lazy("Date d'inscription (si le semestre a déjà des notes ; par défaut : aujourd'hui)"),
        required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: object, parcours: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Django's Form takes *args untyped
        self.fields["parcours"].choices = [("", "—"), *parcours]

    def clean_fichier(self) -> object:
        f = self.cleaned_data["fichier"]
        if f.size > MAX_UPLOAD:
            raise forms.ValidationError(_("Fichier trop volumineux (5 Mo au plus) : découpez la liste."))
        return f


class ApogeeForm(forms.Form):
    maquette = forms.FileField(label=gettext_lazy("Maquette Apogée (.txt exporté d'Apogée)"))
    correspondance = forms.FileField(label=gettext_lazy("Correspondance Délibé → Apogée (YAML ou JSON, facultatif)"),
                                     required=False)


def _session_key(pk: int) -> str:
    return f"delibe-import-etudiants-{pk}"


@login_required
def etudiants_import(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_run(request, pk)
    perm.require(perm.can_manage_semester(request.user, run))
    choices = [(p.code, f"{p.code} — {p.libelle}") for p in formation_model(run.formation).parcours]
    form = StudentsForm(request.POST or None, request.FILES or None, parcours=choices)
    preview = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["fichier"]
        preview = service.preview_file(run, upload.read(), upload.name, form.cleaned_data["parcours"] or "",
                                       form.cleaned_data.get("inscrit_le"))
        if preview.ok:
            request.session[_session_key(pk)] = service.rows_for_session(preview)
    return render(request, "delibe/interop/etudiants_import.html", {
        "run": run, "form": form, "preview": preview, "labels": service.LABELS,
        "late_texts": {p: preview.late.text(p) for p in ("EXC", "ATT")} if preview and preview.late else None,
    })


@login_required
@require_POST
def etudiants_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_run(request, pk)
    perm.require(perm.can_manage_semester(request.user, run))
    stored = request.session.pop(_session_key(pk), None)
    if stored is None:
        messages.error(request, _("Aucun import en attente : déposez à nouveau le fichier."))
        return redirect("interop:etudiants", pk=pk)
    try:
        with using(channel="import"):
            counts = service.commit_from_session(user=request.user, run=run, stored=stored,
                                                 avant_inscription=request.POST.get("avant_inscription", "EXC"))
    except service.StudentImportError as error:
        messages.error(request, str(error))
        return redirect("interop:etudiants", pk=pk)
    messages.success(request, _("%(c)d étudiant(s) créé(s), %(m)d modifié(s), inscrits en %(run)s.") % {
        "c": counts["crees"], "m": counts["modifies"], "run": run})
    return redirect("delibe:semestre", pk=pk)


@login_required
def apogee(request: HttpRequest, pk: int) -> HttpResponse:
    """POST: the maquette (and a correspondance) → the report page (warnings, unknown and absent students)
    with a download link; GET ?telecharger=1: the filled file, kept in the session meanwhile."""
    import base64

    from delibe.reports.apogee import ApogeeError, load_mapping
    from delibe.web.services.apogee_export import export_apogee

    run = get_run(request, pk)
    perm.require(perm.can_view_jury(request.user, run))
    key = f"delibe-apogee-{pk}"
    if request.method == "GET" and request.GET.get("telecharger"):
        stored = request.session.get(key)
        if stored is None:
            messages.error(request, _("Aucun fichier préparé : déposez à nouveau la maquette."))
            return redirect("interop:apogee", pk=pk)
        response = HttpResponse(base64.b64decode(stored), content_type="text/plain; charset=iso-8859-1")
        response["Content-Disposition"] = (f'attachment; filename="apogee-S{run.semestre}-'
                                           f'{run.academic_year.label}.txt"')
        return response
    form = ApogeeForm(request.POST or None, request.FILES or None)
    error = result = None
    if request.method == "POST" and form.is_valid():
        maquette = form.cleaned_data["maquette"]
        mapping_file = form.cleaned_data["correspondance"]
        try:
            if maquette.size > MAX_UPLOAD or (mapping_file and mapping_file.size > 1024 * 1024):
                raise ApogeeError(_("Fichier trop volumineux (maquette : 5 Mo, correspondance : 1 Mo au plus)."))
            mapping = load_mapping(mapping_file.read(), mapping_file.name) if mapping_file else None
            result = export_apogee(run, maquette.read(), mapping)
        except ApogeeError as exc:
            error = str(exc)
        else:
            request.session[key] = base64.b64encode(result.data).decode("ascii")
    return render(request, "delibe/interop/apogee.html", {"run": run, "form": form, "error": error,
                                                          "result": result})
