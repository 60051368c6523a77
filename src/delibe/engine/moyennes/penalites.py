"""Attendance penalties in the UE averages: a local rule (Arrêté du 15 avril 2022, annexe 1, §4.2: the
effects of attendance on assessment are set by the IUT's règlement), declared by the department and off by
default (``delibe.engine.assiduite``). The points are taken off the final UE average (after any bonus),
then the average is clipped to [0, note_max], as a malus; an undefined average stays undefined. Computed
exactly (``delibe.engine.exact``), so that the jury, the pages and the bulletins read the same numbers.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from delibe.engine.assiduite import Effet, Penalite
from delibe.engine.exact import Nombre, as_float, exact, note_fr
from delibe.engine.moyennes.explain import BonusTerm, UEExplanation
from delibe.engine.moyennes.results import SemesterResults
from delibe.engine.parameters import Regles
from delibe.engine.trace import Reason


def penalised(average: Fraction, points: float, regles: Regles) -> Fraction:
    """The average less the penalty, clipped to [0, note_max], exactly."""
    return min(max(average - exact(points), Fraction(0)), exact(regles.note_max))


@dataclass(frozen=True, eq=False)
class ResultsWithPenalties(SemesterResults):
    """A semester's averages with the attendance penalties taken off the UE averages. ``ue_computed``
    stays the grades' average; ``explain_ue`` adds the penalty as a term of the explanation, citing the
    règlement (and its date) that sets it."""

    penalties: Mapping[str, Mapping[str, Penalite]] = field(default_factory=dict)

    def penalty(self, student_id: str, ue_code: str) -> Penalite | None:
        return self.penalties.get(student_id, {}).get(ue_code)

    def ue_average_exact(self, student_id: str, ue_code: str) -> Fraction | None:
        # ``exact_cells`` holds the grades' averages (the reference engine fills it so); the penalty is
        # taken off here, once: filling the cache through this class's ``explain_ue``, which already
        # applies it, would take it off twice.
        i, j = self.row(student_id), self._col(self.ue_codes, ue_code, "UE")
        if (i, j) not in self.exact_cells:
            self.exact_cells[i, j] = SemesterResults.explain_ue(self, student_id, ue_code).exact
        value = self.exact_cells[i, j]
        penalty = self.penalty(student_id, ue_code)
        return value if penalty is None or value is None else penalised(value, penalty.points, self.regles)

    def explain_ue(self, student_id: str, ue_code: str) -> UEExplanation:
        explanation = super().explain_ue(student_id, ue_code)
        penalty = self.penalty(student_id, ue_code)
        if penalty is None or explanation.exact is None or explanation.status != "calculee":
            return explanation
        before = explanation.exact
        after = penalised(before, penalty.points, self.regles)
        term = BonusTerm(penalty.reason.rule, penalty.reason.text, penalty.reason.source.reference, "", None,
                         -penalty.points)
        arithmetic = Reason(
            "assiduite.penalite.moyenne",
            f"Moyenne de {ue_code} après la pénalité d'assiduité : {note_fr(before)} − {note_fr(penalty.points)} "
            f"= {note_fr(after)}" + (" (ramenée à 0)" if before - exact(penalty.points) < 0 else ""),
            penalty.reason.source, {"avant": float(before), "points": penalty.points, "apres": float(after)},
        )
        return dataclasses.replace(explanation, average=as_float(after), exact=after,
                                   bonus=(*explanation.bonus, term),
                                   reasons=(*explanation.reasons, penalty.reason, arithmetic))


def with_penalties(result: SemesterResults, effects: Mapping[Any, Iterable[Effet]]) -> SemesterResults:
    """``result`` with the ``Penalite`` effects (by student id) taken off its UE averages; the same
    object when none applies."""
    penalties: dict[str, dict[str, Penalite]] = {}
    averages = result.ue_averages
    for student_id, effets in effects.items():
        sid = str(student_id)
        if sid not in result.students:
            continue
        for effet in effets:
            if not isinstance(effet, Penalite) or effet.ue not in result.ue_codes:
                continue
            i, j = result.row(sid), result.ue_codes.index(effet.ue)
            if math.isnan(averages[i, j]):
                continue  # nothing to take points from: the average is undefined
            if averages is result.ue_averages:
                averages = averages.copy()
            averages[i, j] = float(penalised(exact(float(averages[i, j])), effet.points, result.regles))
            penalties.setdefault(sid, {})[effet.ue] = effet
    if not penalties:
        return result
    kwargs = {f.name: getattr(result, f.name) for f in dataclasses.fields(SemesterResults) if f.init}
    kwargs["ue_averages"] = averages
    kwargs["exact_cells"] = dict(result.exact_cells)  # the penalised results never share the cache
    return ResultsWithPenalties(**kwargs, penalties=penalties)


def penalised_year(moyennes: Mapping[str, Nombre | None], effets: Iterable[Effet], regles: Regles
                   ) -> tuple[dict[str, Nombre | None], tuple[Effet, ...]]:
    """A year's UE averages given directly (a scenario) with the ``Penalite`` effects taken off, exactly
    and clipped, and the effects the jury engine then shows (``YearAttempt.assiduite``): every ATJ, and
    the penalties applied (none on an undefined average, nor on a UE the year does not give)."""
    averages = dict(moyennes)
    kept: list[Effet] = []
    for effet in effets:
        if isinstance(effet, Penalite):
            value = averages.get(effet.ue)
            if value is None:
                continue
            averages[effet.ue] = penalised(exact(value), effet.points, regles)
        kept.append(effet)
    return averages, tuple(kept)
