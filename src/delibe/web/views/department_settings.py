# ruff: noqa: RUF012  (Django reads a ModelForm's Meta attributes as plain lists and dicts by design)
"""« Réglages du département » (issue 13, item 7): names, logo, jury president and members, signatory,
ranks on bulletins, publication defaults — dated rows; the page shows the history and the logo in force."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from delibe.web import permissions as perm
from delibe.web.assiduite.models import ReglementConfig
from delibe.web.assiduite.services import RULE_FIELDS, rules_row_at, save_attendance_rules
from delibe.web.models import Department, DepartmentSettings, GradePublication
from delibe.web.selectors import department_settings as selector
from delibe.web.services import department_settings as service


class AttendanceForm(forms.ModelForm):
    class Meta:
        model = ReglementConfig
        fields = ["applies_from", *RULE_FIELDS]
        widgets = {"date_reglement": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "applies_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "creneaux": forms.Textarea(attrs={"rows": 4}), "vacances": forms.Textarea(attrs={"rows": 4})}


class SettingsForm(forms.ModelForm):
    logo_file = forms.FileField(label=_("Logo (PNG ou JPEG)"), required=False,
                                help_text=_("Au plus 512 Ko et 2000 pixels de côté ; vide : le logo actuel est gardé."))
    remove_logo = forms.BooleanField(label=_("Retirer le logo"), required=False)

    class Meta:
        model = DepartmentSettings
        fields = ["applies_from", *service.FIELDS]
        widgets = {"applies_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "membres": forms.Textarea(attrs={"rows": 4}),
                   "courriel_pied": forms.Textarea(attrs={"rows": 3}),
                   "publication_notes": forms.RadioSelect}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["publication_notes"].choices = GradePublication.choices
        self.fields["president"].help_text = _("Président du jury proposé sur le PV ; signataire par défaut.")


@login_required
def page(request: HttpRequest, pk: int) -> HttpResponse:
    department = get_object_or_404(Department, pk=pk)
    perm.require_visible(perm.can_view_department(request.user, department.pk))
    perm.require(perm.can_view_department_settings(request.user, department.pk))
    editable = perm.can_edit_department_settings(request.user, department.pk)
    current = selector.settings_row_at(department)
    initial = {name: getattr(current, name) for name in service.FIELDS} if current else {
        "departement": department.nom}
    initial["applies_from"] = timezone.localdate()
    attendance_post = request.method == "POST" and request.POST.get("formulaire") == "assiduite"
    rules = rules_row_at(department.pk)
    attendance = AttendanceForm(request.POST if attendance_post else None, prefix="assiduite", initial={
        **({name: getattr(rules, name) for name in RULE_FIELDS} if rules else {}),
        "applies_from": timezone.localdate()})
    form = SettingsForm(request.POST if request.method == "POST" and not attendance_post else None,
                        request.FILES or None, initial=initial)
    if attendance_post:
        perm.require(editable, "Seuls la scolarité du département et l'administrateur modifient ses règles.")
        if attendance.is_valid():
            try:
                save_attendance_rules(actor=request.user, department_id=department.pk,
                                      applies_from=attendance.cleaned_data["applies_from"],
                                      values={name: attendance.cleaned_data[name] for name in RULE_FIELDS})
            except ValidationError as error:
                attendance.add_error(None, error)
            else:
                messages.success(request, _("Règles d'assiduité enregistrées."))
                return redirect("delibe:reglages", pk=department.pk)
    elif request.method == "POST":
        perm.require(editable, "Seuls la scolarité du département et l'administrateur modifient ses réglages.")
        if form.is_valid():
            data = form.cleaned_data
            upload = data.get("logo_file")
            try:
                service.save_settings(
                    actor=request.user, department=department, applies_from=data["applies_from"],
                    values={name: data[name] for name in service.FIELDS},
                    logo=upload.read(service.LOGO_MAX_BYTES + 1) if upload else None,
                    remove_logo=data["remove_logo"],
                )
            except service.SettingsError as error:
                form.add_error("logo_file" if str(error).startswith("Logo") else None, str(error))
            else:
                messages.success(request, _("Réglages enregistrés, en vigueur à partir du %(d)s.")
                                 % {"d": data["applies_from"].strftime("%d/%m/%Y")})
                return redirect("delibe:reglages", pk=department.pk)
    rows = list(DepartmentSettings.objects.filter(department=department).select_related("created_by")
                .order_by("-applies_from"))
    return render(request, "delibe/reglages.html", {
        "department": department, "form": form, "editable": editable, "current": current,
        "logo": selector.logo_data_url(current), "rows": rows, "attendance": attendance,
        "attendance_rows": list(ReglementConfig.objects.filter(department=department).order_by("-applies_from")),
        "attendance_current": rules,
    }, status=400 if form.errors or attendance.errors else 200)
