"""What the students of a semester see before the jury (issue 14, item 6): grades (all, evaluation by
evaluation, or none), module and UE averages, ranks. The jury's decisions follow their own rule (shown
once the jury is closed, ``services.documents.published``). The same rule serves the student's page, the
bulletins (web, PDF, JSON) and the API."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from delibe.web.audit import services as audit
from delibe.web.audit.models import Action, ObjectType
from delibe.web.models import Evaluation, GradePublication, Publication, SemesterRun

PENDING = "en attente de publication"


class PublicationError(Exception):
    pass


@dataclass(frozen=True)
class Rules:
    notes: str
    moyennes: bool
    rangs: bool
    published_evaluations: frozenset[int]

    def grade_visible(self, evaluation_id: int) -> bool:
        if self.notes == GradePublication.TOUTES:
            return True
        if self.notes == GradePublication.EVALUATIONS:
            return evaluation_id in self.published_evaluations
        return False

    @property
    def everything(self) -> bool:
        return self.notes == GradePublication.TOUTES and self.moyennes and self.rangs


EVERYTHING = Rules(GradePublication.TOUTES, True, True, frozenset())


def rules_of(run: SemesterRun) -> Rules:
    """The run's rules (everything published when the responsable has set nothing)."""
    row = Publication.objects.filter(semester=run).first()
    if row is None:
        return EVERYTHING
    published = frozenset(run.evaluations.filter(publiee=True).values_list("pk", flat=True)) \
        if row.notes == GradePublication.EVALUATIONS else frozenset()
    return Rules(row.notes, row.moyennes, row.rangs, published)


def state(rules: Rules) -> dict[str, object]:
    return {"notes": rules.notes, "moyennes": rules.moyennes, "rangs": rules.rangs,
            "evaluations_publiees": sorted(rules.published_evaluations)}


@transaction.atomic
def set_publication(*, user: object, run: SemesterRun, notes: str, moyennes: bool, rangs: bool,
                    evaluations: set[int] | None = None) -> Rules:
    """Records the run's publication settings (and, evaluation by evaluation, which ones are published);
    journalled old → new."""
    if run.archived:
        raise PublicationError(f"{run} appartient à une année archivée : ses réglages ne changent plus.")
    if notes not in GradePublication.values:
        raise PublicationError(f"Choix inconnu pour les notes : « {notes} » ({', '.join(GradePublication.values)}).")
    before = rules_of(run)
    Publication.objects.update_or_create(semester=run, defaults={
        "notes": notes, "moyennes": moyennes, "rangs": rangs, "updated_by_id": getattr(user, "id", None)})
    if evaluations is not None:
        known = set(run.evaluations.values_list("pk", flat=True))
        unknown = set(evaluations) - known
        if unknown:
            raise PublicationError(f"Évaluation(s) inconnue(s) dans ce semestre : {sorted(unknown)}.")
        Evaluation.objects.filter(semester=run).exclude(pk__in=evaluations).update(publiee=False)
        Evaluation.objects.filter(semester=run, pk__in=evaluations).update(publiee=True)
    after = rules_of(run)
    if state(after) != state(before):
        audit.record(user=user, action=Action.UPDATE, object_type=ObjectType.SEMESTER, object_id=run.pk,
                     old={"publication": state(before)}, new={"publication": state(after)},
                     department_id=run.formation.department_id, semester_id=run.pk,
                     summary=f"Publication aux étudiants — {run}")
    return after
