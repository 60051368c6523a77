"""Creating, changing and deleting evaluations (domain.md §2: a module, a date, a coefficient, a maximum, a
weight per UE the module feeds). Every change goes to the journal; a deleted evaluation's grades stay in
the journal (one « suppression » entry per grade, with its last value)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from delibe.web import values
from delibe.web.audit import context as audit_context
from delibe.web.audit import locking
from delibe.web.audit import services as audit
from delibe.web.audit.models import Action, ObjectType
from delibe.web.models import Evaluation, EvaluationType, Grade, SemesterRun
from delibe.web.services.formations import formation_model

MIN_REASON = 5


class EvaluationError(Exception):
    pass


def fed_ues(run: SemesterRun, module_code: str) -> list[str]:
    """The UEs a module feeds in the run's semester (non-zero coefficient), in the formation's order: the
    only UEs an evaluation of that module may carry a weight towards."""
    formation = formation_model(run.formation)
    module = formation.module(module_code, run.semestre)
    if module is None:
        return []
    order = [u.code for u in formation.ues_of(run.semestre)]
    fed = {code for code, coef in module.coefficients.items() if coef}
    return [code for code in order if code in fed] + sorted(fed - set(order))


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _checked(run: SemesterRun, module_code: str, coefficient: float, note_max: float,
             poids: dict[str, float] | None, type: str) -> tuple[float, float, dict[str, float]]:
    """The coefficient, the maximum and the weights, checked within the bounds shared by the web form and
    the API (web/values.py), the weights only towards the UEs the module feeds."""
    formation = formation_model(run.formation)
    module = formation.module(module_code, run.semestre)
    if module is None:
        raise EvaluationError(f"Le module « {module_code} » n'existe pas au semestre {run.semestre}.")
    try:  # the bounds shared by the web form and the API (web/values.py)
        coefficient = values.coefficient(coefficient)
        note_max = values.note_max(note_max)
    except values.ValueProblem as error:
        raise EvaluationError(_capital(str(error))) from None
    if type not in EvaluationType.values:
        raise EvaluationError(f"Type d'évaluation inconnu : « {type} » ({', '.join(EvaluationType.values)}).")
    fed = set(fed_ues(run, module_code))
    clean: dict[str, float] = {}
    for ue_code, weight in (poids or {}).items():
        if ue_code not in fed:
            raise EvaluationError(
                f"Le module {module_code} ne contribue pas à l'UE {ue_code} : un poids n'y a pas de sens."
            )
        try:
            clean[ue_code] = values.poids(weight)
        except values.ValueProblem as error:
            raise EvaluationError(f"Vers {ue_code} : {error}") from None
    if clean and not any(clean.get(code, 1.0) for code in fed):
        raise EvaluationError("Tous les poids sont nuls : l'évaluation ne compterait dans aucune UE.")
    return coefficient, note_max, clean


def _locked(run: SemesterRun) -> bool:
    return locking.semester_is_locked(run.pk)


@transaction.atomic
def create_evaluation(
    *, user: object, run: SemesterRun, module_code: str, titre: str, date: dt.date | None = None,
    coefficient: float = 1.0, note_max: float = 20.0, poids: dict[str, float] | None = None,
    type: str = EvaluationType.NORMALE, immediate: bool = False,
) -> Evaluation:
    if _locked(run):
        raise EvaluationError("Le semestre est verrouillé par le jury : aucune évaluation ne peut être ajoutée.")
    coefficient, note_max, clean = _checked(run, module_code, coefficient, note_max, poids, type)
    module = formation_model(run.formation).module(module_code, run.semestre)
    evaluation = Evaluation.objects.create(
        semester=run, module_code=module_code, titre=titre.strip() or (module.titre if module else module_code),
        date=date, coefficient=coefficient, note_max=note_max, poids=clean, type=type, immediate=immediate,
        created_by_id=getattr(user, "id", None),
    )
    audit.evaluation_created(user=user, evaluation=evaluation)
    return evaluation


def evaluation_state(evaluation: Evaluation) -> dict[str, Any]:
    """What the journal keeps of an evaluation."""
    return {"module": evaluation.module_code, "titre": evaluation.titre, "coefficient": evaluation.coefficient,
            "note_max": evaluation.note_max, "poids": dict(evaluation.poids), "type": evaluation.type,
            "immediate": evaluation.immediate,
            "date": evaluation.date.isoformat() if evaluation.date else None}


@transaction.atomic
def update_evaluation(
    *, user: object, evaluation: Evaluation, titre: str, date: dt.date | None, coefficient: float,
    note_max: float, poids: dict[str, float] | None, type: str, immediate: bool = False,
) -> Evaluation:
    """Changes an evaluation (title, date, coefficient, maximum, weights, type, immediate use). A maximum
    below a grade already given is refused (the grade would exceed the scale). Journalled old → new."""
    run = evaluation.semester
    if _locked(run):
        raise EvaluationError("Le semestre est verrouillé par le jury : l'évaluation ne peut plus changer.")
    coefficient, note_max, clean = _checked(run, evaluation.module_code, coefficient, note_max, poids, type)
    above = Grade.objects.filter(evaluation=evaluation, value__gt=note_max).count()
    if above:
        raise EvaluationError(
            f"{above} note(s) dépassent {note_max:g} : corrigez-les avant de baisser la note maximale "
            f"(actuellement {evaluation.note_max:g})."
        )
    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    old = evaluation_state(evaluation)
    module = formation_model(run.formation).module(evaluation.module_code, run.semestre)
    evaluation.titre = titre.strip() or (module.titre if module else evaluation.module_code)
    evaluation.date, evaluation.coefficient, evaluation.note_max = date, coefficient, note_max
    evaluation.poids, evaluation.type, evaluation.immediate = clean, type, immediate
    new = evaluation_state(evaluation)
    if new == old:
        return evaluation
    evaluation.save()
    changed = {k: v for k, v in new.items() if old.get(k) != v}
    audit.record(
        user=user, action=Action.UPDATE, object_type=ObjectType.EVALUATION, object_id=evaluation.pk,
        old={k: old[k] for k in changed}, new=changed, department_id=run.formation.department_id,
        semester_id=run.pk, evaluation_id=evaluation.pk, summary=f"{evaluation.module_code} — {evaluation.titre}",
    )
    return evaluation


@transaction.atomic
def delete_evaluation(*, user: object, evaluation: Evaluation, reason: str = "") -> int:
    """Deletes an evaluation. Refused when it holds grades unless a written reason confirms it; the grades
    are journalled (one « suppression » entry each, with its last value) before they go. Returns the
    number of grades deleted."""
    run = evaluation.semester
    if _locked(run):
        raise EvaluationError("Le semestre est verrouillé par le jury : l'évaluation ne peut plus être supprimée.")
    reason = (reason or "").strip()
    grades = list(Grade.objects.select_for_update().filter(evaluation=evaluation))
    if grades and len(reason) < MIN_REASON:
        raise EvaluationError(
            f"Cette évaluation a {len(grades)} note(s) : écrivez le motif de sa suppression pour confirmer "
            "(les notes restent lisibles dans le journal)."
        )
    session = audit_context.new_session("suppression")
    audit.record_many(
        audit.grade_entry(user=user, evaluation=evaluation, student_id=g.student_id, old=audit.grade_state(g),
                          new=None, session=session, reason=reason)
        for g in grades
    )
    audit.record(
        user=user, action=Action.DELETE, object_type=ObjectType.EVALUATION, object_id=evaluation.pk,
        old={**evaluation_state(evaluation), "notes": len(grades)}, new=None,
        department_id=run.formation.department_id, semester_id=run.pk, evaluation_id=evaluation.pk,
        summary=f"{evaluation.module_code} — {evaluation.titre}", reason=reason,
    )
    evaluation.delete()
    return len(grades)
