"""Forms of the pages. Labels are visible and translatable; validation messages say how to fix."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from delibe.engine.model import Module
from delibe.web.models import EvaluationType


def parse_decimal(value: str) -> float:
    return float(str(value).replace(",", ".").strip())


class FrenchFloatField(forms.FloatField):
    """Accepts « 1,5 » as well as « 1.5 »."""

    def to_python(self, value: Any) -> float | None:
        if isinstance(value, str):
            value = value.replace(",", ".").strip()
        return super().to_python(value)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs.pop("step", None)
        attrs["inputmode"] = "decimal"
        return attrs


class EvaluationForm(forms.Form):
    module_code = forms.ChoiceField(label=_("Module"))
    titre = forms.CharField(label=_("Intitulé"), max_length=200, required=False,
                            help_text=_("Par défaut : le titre du module."))
    date = forms.DateField(label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    coefficient = FrenchFloatField(label=_("Coefficient"), initial=1, min_value=0.01,
                                   widget=forms.TextInput())
    note_max = FrenchFloatField(label=_("Note maximale"), initial=20, min_value=1, max_value=1000,
                                widget=forms.TextInput())
    type = forms.ChoiceField(label=_("Type"), choices=EvaluationType.choices, initial=EvaluationType.NORMALE)
    immediate = forms.BooleanField(
        label=_("Prise en compte immédiate (les notes manquantes sont ignorées)"), required=False
    )

    def __init__(self, *args: Any, modules: Sequence[Module], ue_codes: Sequence[str],
                 fixed_module: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if fixed_module:  # editing: the module of an evaluation does not change
            del self.fields["module_code"]
        else:
            self.fields["module_code"].choices = [(m.code, f"{m.code} — {m.titre}") for m in modules]
        self.ue_codes = list(ue_codes)
        for code in self.ue_codes:
            self.fields[f"poids_{code}"] = FrenchFloatField(
                label=_("Poids vers %(ue)s") % {"ue": code}, required=False, min_value=0,
                widget=forms.TextInput(), help_text=_("Vide : 1 si le module contribue à cette UE."),
            )

    def poids(self) -> dict[str, float]:
        return {
            code: self.cleaned_data[f"poids_{code}"]
            for code in self.ue_codes
            if self.cleaned_data.get(f"poids_{code}") is not None
        }

    def poids_fields(self) -> list[forms.BoundField]:
        return [self[f"poids_{code}"] for code in self.ue_codes]


class ImportForm(forms.Form):
    fichier = forms.FileField(label=_("Feuille de notes (.xlsx)"))


class DecisionForm(forms.Form):
    code = forms.CharField(max_length=10)
    motif = forms.CharField(required=False, widget=forms.Textarea)
