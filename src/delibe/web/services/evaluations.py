"""Creating evaluations (domain.md §2: a module, a date, a coefficient, a maximum, a weight per UE)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from delibe.web import values
from delibe.web.audit import services as audit
from delibe.web.models import Evaluation, EvaluationType, SemesterRun
from delibe.web.services.formations import formation_model


class EvaluationError(Exception):
    pass


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


@transaction.atomic
def create_evaluation(
    *, user: object, run: SemesterRun, module_code: str, titre: str, date: dt.date | None = None,
    coefficient: float = 1.0, note_max: float = 20.0, poids: dict[str, float] | None = None,
    type: str = EvaluationType.NORMALE, immediate: bool = False,
) -> Evaluation:
    if audit.semester_is_locked(run.pk):
        raise EvaluationError("Le semestre est verrouillé par le jury : aucune évaluation ne peut être ajoutée.")
    formation = formation_model(run.formation)
    module = formation.module(module_code, run.semestre)
    if module is None:
        raise EvaluationError(f"Le module « {module_code} » n'existe pas au semestre {run.semestre}.")
    try:  # the bounds shared by the web form and the API (web/values.py)
        coefficient = values.coefficient(coefficient)
        note_max = values.note_max(note_max)
    except values.ValueProblem as error:
        raise EvaluationError(_capital(str(error))) from None
    clean: dict[str, float] = {}
    for ue_code, weight in (poids or {}).items():
        if ue_code not in module.coefficients:
            raise EvaluationError(
                f"Le module {module_code} ne contribue pas à l'UE {ue_code} : un poids n'y a pas de sens."
            )
        try:
            clean[ue_code] = values.poids(weight)
        except values.ValueProblem as error:
            raise EvaluationError(f"Vers {ue_code} : {error}") from None
    evaluation = Evaluation.objects.create(
        semester=run, module_code=module_code, titre=titre.strip() or module.titre, date=date,
        coefficient=coefficient, note_max=note_max, poids=clean, type=type, immediate=immediate,
        created_by_id=getattr(user, "id", None),
    )
    audit.evaluation_created(user=user, evaluation=evaluation)
    return evaluation
