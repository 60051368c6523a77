"""What stands in the way of closing a jury: the checklist shown before « Clore le jury », given by the
API (``GET /api/v1/semestres/{id}/jury/checklist``) and the CLI (``delibe jury checklist``).

Four kinds of blocking items, each with the page where it is fixed:
- an evaluation not complete (a student without a value, the evaluation not « prise en compte immédiate »):
  its averages leave it out, the jury would decide on partial grades;
- an evaluation with grades still ATT (en attente): no automatic decision for those students;
- a student without a decision nor a proposal (a pending grade, a cursus the engine refuses);
- a decision that departs from the current proposal without a written reason (the proposal changed
  since, or the decision came from elsewhere).

The checklist reads the engine's results through the selectors and ``services.calcul``; it computes
nothing itself."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count
from django.urls import reverse

from delibe.web.models import Enrolment, Grade, SemesterRun
from delibe.web.services.calcul import compute_runs
from delibe.web.services.formations import formation_model

KINDS = {
    "evaluation": "Évaluations incomplètes",
    "attente": "Notes en attente (ATT)",
    "sans-decision": "Étudiants sans décision ni proposition",
    "ecart": "Décisions qui s'écartent de la proposition sans motif",
}


@dataclass(frozen=True)
class ChecklistItem:
    """One blocking item. ``key`` is stable (the reason recorded for it is keyed by it)."""

    key: str
    kind: str
    label: str
    url: str
    link_text: str
    student_id: int | None = None
    evaluation_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"cle": self.key, "type": self.kind, "libelle": self.label, "lien": self.url,
                "etudiant": self.student_id, "evaluation": self.evaluation_id}


@dataclass
class Checklist:
    run: SemesterRun
    runs: list[SemesterRun]
    items: list[ChecklistItem] = field(default_factory=list)

    @property
    def blocking(self) -> bool:
        return bool(self.items)

    def by_kind(self) -> list[tuple[str, str, list[ChecklistItem]]]:
        """(kind, title, items) in the order of ``KINDS``, kinds without items left out."""
        grouped: dict[str, list[ChecklistItem]] = defaultdict(list)
        for item in self.items:
            grouped[item.kind].append(item)
        return [(kind, title, grouped[kind]) for kind, title in KINDS.items() if grouped[kind]]

    def counts(self) -> dict[str, int]:
        return {kind: len(items) for kind, _, items in self.by_kind()}


def _evaluation_items(runs: list[SemesterRun]) -> list[ChecklistItem]:
    outcomes = compute_runs(runs)
    items: list[ChecklistItem] = []
    for run in runs:
        outcome = outcomes[run.pk]
        incomplete = outcome.incomplete_evaluations()
        if not incomplete:
            continue
        formation = formation_model(run.formation)
        enrolled: dict[str, int] = defaultdict(int)
        for parcours in Enrolment.objects.filter(semester=run).values_list("parcours", flat=True):
            enrolled[parcours] += 1
        expected: dict[str, int] = defaultdict(int)
        for parcours, n in enrolled.items():
            for module in formation.modules_of(run.semestre, parcours):
                expected[module.code] += n
        filled = dict(run.evaluations.filter(pk__in=incomplete).annotate(n=Count("grades"))
                      .values_list("pk", "n"))
        for evaluation in sorted((e for e in outcome.evaluations if e.pk in incomplete),
                                 key=lambda e: (e.module_code, e.date or run.debut or run.academic_year.debut, e.pk)):
            total = expected.get(evaluation.module_code, 0)
            items.append(ChecklistItem(
                key=f"evaluation-{evaluation.pk}", kind="evaluation",
                label=(f"S{run.semestre} {evaluation.module_code} — {evaluation.titre} : "
                       f"{filled.get(evaluation.pk, 0)}/{total} notes saisies"),
                url=reverse("delibe:saisie", args=[evaluation.pk]), link_text="Compléter la saisie",
                evaluation_id=evaluation.pk,
            ))
    return items


def _pending_items(runs: list[SemesterRun]) -> list[ChecklistItem]:
    pending: dict[int, list[str]] = defaultdict(list)
    titles: dict[int, str] = {}
    for evaluation_id, module, titre, semestre, nom, prenom in (
        Grade.objects.filter(evaluation__semester__in=runs, special="ATT")
        .order_by("evaluation__module_code", "evaluation_id", "student__nom", "student__prenom")
        .values_list("evaluation_id", "evaluation__module_code", "evaluation__titre", "evaluation__semester__semestre",
                     "student__nom", "student__prenom")
    ):
        pending[evaluation_id].append(f"{nom.upper()} {prenom}")
        titles[evaluation_id] = f"S{semestre} {module} — {titre}"
    return [
        ChecklistItem(
            key=f"attente-{evaluation_id}", kind="attente",
            label=f"{titles[evaluation_id]} : {len(names)} note(s) en attente ({', '.join(names)})",
            url=reverse("delibe:saisie", args=[evaluation_id]), link_text="Remplacer les ATT",
            evaluation_id=evaluation_id,
        )
        for evaluation_id, names in pending.items()
    ]


def _decision_items(run: SemesterRun) -> list[ChecklistItem]:
    from delibe.web.selectors.semestres import jury_table

    table = jury_table(run, with_reasons=False)
    items: list[ChecklistItem] = []
    base = reverse("delibe:jury_etudiant", args=[run.pk, 0])[:-2]  # one reverse(), not one per student
    for row in table.rows:
        student = row.student
        url = f"{base}{student.pk}/"
        if row.error:
            items.append(ChecklistItem(
                key=f"sans-decision-{student.pk}", kind="sans-decision",
                label=f"{student} : aucune proposition ({row.error})", url=url, link_text="Décider",
                student_id=student.pk,
            ))
            continue
        cells = [c for c in [*row.ues, *row.rcues, row.annee] if c is not None]
        missing = [c.key for c in cells if not c.decided and not c.proposed]
        if missing:
            items.append(ChecklistItem(
                key=f"sans-decision-{student.pk}", kind="sans-decision",
                label=f"{student} : ni décision ni proposition pour {', '.join(missing)}"
                      + (" (incomplet : moyenne indéfinie)" if any(c.incomplet for c in cells if c.key in missing)
                         else ""), url=url,
                link_text="Décider", student_id=student.pk,
            ))
        for c in cells:
            if c.departs and not c.departure_reason.strip():
                items.append(ChecklistItem(
                    key=f"ecart-{student.pk}-{c.level}-{c.key}", kind="ecart",
                    label=f"{student}, {c.key} : décision {c.decided}, proposition {c.proposed}, sans motif",
                    url=url, link_text="Écrire le motif", student_id=student.pk,
                ))
    return items


def jury_checklist(run: SemesterRun) -> Checklist:
    """The blocking items of the jury of ``run`` (both semesters at a year jury), in the order of ``KINDS``."""
    from delibe.web.services.jury import year_runs

    runs = year_runs(run)
    checklist = Checklist(run, runs)
    checklist.items = [*_evaluation_items(runs), *_pending_items(runs), *_decision_items(run)]
    return checklist
