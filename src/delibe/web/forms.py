"""Forms of the pages. Labels are visible and translatable; validation messages say how to fix."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from delibe.engine.model import Module
from delibe.web import values
from delibe.web.models import EvaluationType


class BoundedNumberField(forms.CharField):
    """A number checked by ``web.values`` (the validation the grid, the import and the API share): no
    exponent, no inf/nan, within the documented bounds. Cleans to a float."""

    def __init__(self, *, check: Any, **kwargs: Any) -> None:
        self.check = check
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(max_length=40, **kwargs)

    def clean(self, value: Any) -> float | None:  # type: ignore[override]  # Field.clean narrowed to the value it returns
        text = super().clean(value)
        if text in (None, ""):
            return None
        try:
            return float(self.check(text))
        except values.ValueProblem as error:
            raise forms.ValidationError(str(error)[:1].upper() + str(error)[1:]) from None


class EvaluationForm(forms.Form):
    module_code = forms.ChoiceField(label=_("Module"))
    titre = forms.CharField(label=_("Intitulé"), max_length=200, required=False,
                            help_text=_("Par défaut : le titre du module."))
    date = forms.DateField(label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    coefficient = BoundedNumberField(label=_("Coefficient"), initial=1, check=values.coefficient,
                                     help_text=_("Plus de 0, au plus 1000."))
    note_max = BoundedNumberField(label=_("Note maximale"), initial=20, check=values.note_max,
                                  help_text=_("Plus de 0, au plus 1000."))
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
            self.fields[f"poids_{code}"] = BoundedNumberField(
                label=_("Poids vers %(ue)s") % {"ue": code}, required=False, check=values.poids,
                help_text=_("De 0 à 1000 ; vide : 1 si le module contribue à cette UE."),
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
