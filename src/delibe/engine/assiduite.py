"""Attendance: absences, justifications and the local rules that turn them into effects on assessment.

Arrêté du 15 avril 2022, annexe 1, §4.2: attendance is compulsory and inseparable from continuous
assessment; its effects on assessment are set locally (règlement intérieur of the IUT, adopted by the
CFVU). Délibé therefore ships no national attendance rule: a department declares its own rules
(``ReglementAssiduite``), each citing its règlement and date, and they are OFF by default.

Two effects a rule may have, both shown with their source in the jury proposal:
- ``ProposeATJ``: propose ATJ (« non validé pour une autre raison ») on a UE;
- ``Penalite``: take points off a UE average (applied by the averages engine, then clipped to [0, 20]).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from delibe.engine.exact import note_fr
from delibe.engine.model import Module
from delibe.engine.sources import ASSIDUITE, Source
from delibe.engine.trace import Reason


class Creneau(StrEnum):
    MATIN = "matin"
    APRES_MIDI = "apres-midi"


class Nature(StrEnum):
    ABSENCE = "absence"
    RETARD = "retard"


@dataclass(frozen=True)
class Absence:
    """One missed half-day (or a lateness) of one student, in one module when known."""

    student_id: str
    date: str  # ISO date
    creneau: Creneau
    module: str | None = None
    nature: Nature = Nature.ABSENCE


@dataclass(frozen=True)
class Justification:
    """A justification covers every absence of its student from ``debut`` to ``fin`` (ISO dates,
    inclusive), including absences recorded after it was accepted. Only validated ones count."""

    student_id: str
    debut: str
    fin: str
    motif: str
    validee: bool = True

    def covers(self, absence: Absence) -> bool:
        return (
            self.validee
            and self.student_id == absence.student_id
            and self.debut <= absence.date <= self.fin
        )


def is_justified(absence: Absence, justifications: Iterable[Justification]) -> bool:
    return any(j.covers(absence) for j in justifications)


@dataclass(frozen=True)
class Decompte:
    """Half-days missed by one student in one module (``module`` None: not attached to a module)."""

    module: str | None
    justifiees: int = 0
    non_justifiees: int = 0
    retards: int = 0

    @property
    def total(self) -> int:
        return self.justifiees + self.non_justifiees


def count_absences(
    absences: Iterable[Absence], justifications: Sequence[Justification]
) -> dict[str, dict[str | None, Decompte]]:
    """Per student, per module: justified and unjustified half-days and latenesses. The same half-day
    recorded twice in one module counts once."""
    seen: set[tuple[str, str, Creneau, str | None, Nature]] = set()
    tallies: dict[str, dict[str | None, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0, 0]))
    # Each absence is checked against its student's justifications only: a department's year holds
    # thousands of each, and scanning them all per absence cost seconds on every jury page.
    own: dict[str, list[Justification]] = defaultdict(list)
    for justification in justifications:
        own[justification.student_id].append(justification)
    for absence in absences:
        key = (absence.student_id, absence.date, absence.creneau, absence.module, absence.nature)
        if key in seen:
            continue
        seen.add(key)
        tally = tallies[absence.student_id][absence.module]
        if absence.nature is Nature.RETARD:
            tally[2] += 1
        elif is_justified(absence, own.get(absence.student_id, ())):
            tally[0] += 1
        else:
            tally[1] += 1
    return {
        student: {module: Decompte(module, *t) for module, t in per_module.items()}
        for student, per_module in tallies.items()
    }


@dataclass(frozen=True)
class ProposeATJ:
    ue: str
    reason: Reason


@dataclass(frozen=True)
class Penalite:
    ue: str
    points: float
    reason: Reason
    # unjustified half-days of the modules that feed the UE and went beyond the franchise (all of them counted)
    demi_journees: int = 0


Effet = ProposeATJ | Penalite


class RegleAssiduite(Protocol):
    """A local attendance rule: from one student's counts, the effects on the UEs of a semester."""

    name: str
    description: str

    def apply(
        self, decomptes: Mapping[str | None, Decompte], modules: Sequence[Module], source: Source
    ) -> list[Effet]: ...


def _ues_fed_by(module: Module) -> list[str]:
    return sorted(ue for ue, coef in module.coefficients.items() if coef > 0)


@dataclass(frozen=True)
class SeuilATJ:
    """Beyond ``seuil`` unjustified half-days in a module, propose ATJ on every UE the module feeds."""

    seuil: int
    name: str = "seuil_atj"
    description: str = "Au-delà d'un seuil de demi-journées d'absence non justifiées dans un module, ATJ proposé"

    def apply(
        self, decomptes: Mapping[str | None, Decompte], modules: Sequence[Module], source: Source
    ) -> list[Effet]:
        effects: list[Effet] = []
        for module in modules:
            d = decomptes.get(module.code)
            if d is None or d.non_justifiees <= self.seuil:
                continue
            for ue in _ues_fed_by(module):
                text = (
                    f"{d.non_justifiees} demi-journées d'absence non justifiées en {module.code} "
                    f"(seuil {self.seuil}) → ATJ proposé sur {ue}"
                )
                effects.append(ProposeATJ(ue, Reason("assiduite.seuil_atj", text, source,
                                                     {"module": module.code, "non_justifiees": d.non_justifiees,
                                                      "seuil": self.seuil})))
        return effects


@dataclass(frozen=True)
class PenaliteParDemiJournee:
    """``points`` off each UE a module feeds per unjustified half-day beyond ``franchise``, capped."""

    points: float
    franchise: int = 0
    plafond: float = 2.0
    name: str = "penalite_absences"
    description: str = "Pénalité en points sur les UE par demi-journée d'absence non justifiée"

    def apply(
        self, decomptes: Mapping[str | None, Decompte], modules: Sequence[Module], source: Source
    ) -> list[Effet]:
        per_ue: dict[str, tuple[float, list[str]]] = {}
        counted: dict[str, int] = {}
        for module in modules:
            d = decomptes.get(module.code)
            if d is None or d.non_justifiees <= self.franchise:
                continue
            for ue in _ues_fed_by(module):
                total, details = per_ue.get(ue, (0.0, []))
                extra = (d.non_justifiees - self.franchise) * self.points
                per_ue[ue] = (total + extra, [*details, f"{module.code}: {d.non_justifiees}"])
                counted[ue] = counted.get(ue, 0) + d.non_justifiees
        effects: list[Effet] = []
        for ue, (total, details) in sorted(per_ue.items()):
            points = min(total, self.plafond)
            text = (
                f"Absences non justifiées ({', '.join(details)}; franchise {self.franchise}) → "
                f"pénalité de {note_fr(points)} point(s) sur {ue}"
            )
            effects.append(Penalite(ue, points, Reason("assiduite.penalite", text, source,
                                                       {"points": points, "plafond": self.plafond,
                                                        "franchise": self.franchise}),
                                    counted[ue]))
        return effects


@dataclass(frozen=True)
class ReglementAssiduite:
    """The attendance rules a department declared, with the text they come from. Empty by default:
    the Arrêté sets no national effect (§4.2)."""

    reference: str = ""  # e.g. "Règlement intérieur de l'IUT Dijon-Auxerre, art. 12 (CFVU du 2023-07-06)"
    regles: tuple[RegleAssiduite, ...] = field(default=())

    @property
    def source(self) -> Source:
        return Source("reglement-local-assiduite", self.reference or ASSIDUITE.reference, ASSIDUITE.summary)

    def effets(self, decomptes: Mapping[str | None, Decompte], modules: Sequence[Module]) -> list[Effet]:
        return [effect for regle in self.regles for effect in regle.apply(decomptes, modules, self.source)]


AUCUNE_REGLE = ReglementAssiduite()
