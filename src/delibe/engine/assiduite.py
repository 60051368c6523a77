"""Attendance: absences, justifications and the local rules that turn them into effects on assessment.

Arrêté du 15 avril 2022, annexe 1, §4.2: attendance is compulsory and inseparable from continuous
assessment; its effects on assessment are set locally (règlement intérieur of the IUT, adopted by the
CFVU). Délibé therefore ships no national attendance rule: a department declares its own rules
(``ReglementAssiduite``), each citing its règlement and date, and they are OFF by default.

Two effects a rule may have, both shown with their source in the jury proposal:
- ``ProposeATJ``: propose ATJ (« non validé pour une autre raison ») on a UE;
- ``Penalite``: take points off a UE average (applied by the averages engine, then clipped to [0, 20]).

The averages engine applies the penalties (``delibe.engine.moyennes.penalites``); the jury engine the ATJ
proposals and both reasons (``delibe.engine.jury.assiduite``, from ``YearAttempt.assiduite``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import pairwise
from typing import Protocol

from delibe.engine.exact import note_fr
from delibe.engine.model import Module
from delibe.engine.sources import ASSIDUITE, Source
from delibe.engine.trace import Reason


class Creneau(StrEnum):
    """The two half-days, the default time slots of a roll call."""

    MATIN = "matin"
    APRES_MIDI = "apres-midi"


# --- time slots (issue 18) ---------------------------------------------------------------------------
# A department records attendance by half-day (the default) or by the hours it declares (« 8h-10h »…).
# A slot's code is what the database keeps: « matin », « apres-midi », or « 08h00-10h00 ». The local
# rules count half-days (the unit of the règlements): an hour slot belongs to the morning when it starts
# before noon, to the afternoon otherwise (Délibé's choice, docs/domain.md §7).

MIDI = 12 * 60
MAX_CRENEAUX = 24
DEMI_JOURNEES = (Creneau.MATIN, Creneau.APRES_MIDI)
LIBELLES_DEMI_JOURNEES = {Creneau.MATIN: "matin", Creneau.APRES_MIDI: "après-midi"}
_PLAGE = re.compile(r"^\s*(\d{1,2})\s*(?:h|:)\s*(\d{2})?\s*(?:-|–|—|à)\s*(\d{1,2})\s*(?:h|:)\s*(\d{2})?\s*$",
                    re.IGNORECASE)


@dataclass(frozen=True, order=True)
class Plage:
    """A time slot of a day, in minutes from midnight (``fin`` excluded)."""

    debut: int
    fin: int

    @property
    def code(self) -> str:
        return f"{self.debut // 60:02d}h{self.debut % 60:02d}-{self.fin // 60:02d}h{self.fin % 60:02d}"

    @property
    def libelle(self) -> str:
        def heure(minutes: int) -> str:
            h, m = divmod(minutes, 60)
            return f"{h} h {m:02d}" if m else f"{h} h"

        return f"{heure(self.debut)} – {heure(self.fin)}"


_PLAGES_DEMI_JOURNEES = {Creneau.MATIN: Plage(0, MIDI), Creneau.APRES_MIDI: Plage(MIDI, 24 * 60)}


def lire_plage(text: str) -> Plage | None:
    """« 8h-10h », « 8h30-10h », « 08:00-10:00 », « 8 h – 10 h » or a code « 08h00-10h00 »; None when
    unreadable or empty (end not after start, past midnight)."""
    match = _PLAGE.match(text or "")
    if match is None:
        return None
    h1, m1, h2, m2 = (int(x) if x else 0 for x in match.groups())
    if m1 >= 60 or m2 >= 60:
        return None
    debut, fin = h1 * 60 + m1, h2 * 60 + m2
    if not 0 <= debut < fin <= 24 * 60:
        return None
    return Plage(debut, fin)


def plage(code: str) -> Plage:
    """The hours of a slot code (a half-day: the whole morning or afternoon)."""
    if code in _PLAGES_DEMI_JOURNEES:
        return _PLAGES_DEMI_JOURNEES[Creneau(code)]
    found = lire_plage(code)
    if found is None:
        raise ValueError(f"créneau inconnu : {code!r}")
    return found


def demi_journee(code: str) -> Creneau:
    """The half-day a slot belongs to: the morning when it starts before noon."""
    if code in _PLAGES_DEMI_JOURNEES:
        return Creneau(code)
    return Creneau.MATIN if plage(code).debut < MIDI else Creneau.APRES_MIDI


def libelle_creneau(code: str) -> str:
    """A slot in words: « matin », « après-midi », « 8 h – 10 h » (the code itself when unreadable)."""
    if code in _PLAGES_DEMI_JOURNEES:
        return LIBELLES_DEMI_JOURNEES[Creneau(code)]
    found = lire_plage(code)
    return found.libelle if found else code


def lire_creneaux(text: str) -> tuple[tuple[Plage, ...], list[str]]:
    """A department's hour slots, one a line (or separated by « ; »), in order; errors in French naming
    the line. Empty text: no hour slot (half-days)."""
    plages: list[Plage] = []
    errors: list[str] = []
    parts = [p.strip() for line in (text or "").splitlines() for p in line.split(";")]
    for n, part in enumerate((p for p in parts if p), start=1):
        found = lire_plage(part)
        if found is None:
            errors.append(f"Créneau {n} « {part[:30]} » illisible : écrivez-le comme « 8h-10h » ou « 13h30-15h30 ».")
        else:
            plages.append(found)
    if len(plages) > MAX_CRENEAUX:
        errors.append(f"{len(plages)} créneaux : {MAX_CRENEAUX} au plus dans une journée.")
    plages.sort()
    for before, after in pairwise(plages):
        if after.debut < before.fin:
            errors.append(f"Les créneaux {before.libelle} et {after.libelle} se chevauchent : corrigez l'un d'eux.")
    return tuple(plages), errors


class Nature(StrEnum):
    ABSENCE = "absence"
    RETARD = "retard"


@dataclass(frozen=True)
class Absence:
    """One missed slot (a half-day, or hours the department declared) or a lateness of one student, in
    one module when known."""

    student_id: str
    date: str  # ISO date
    creneau: str  # a slot code: « matin », « apres-midi » or « 08h00-10h00 »
    module: str | None = None
    nature: Nature = Nature.ABSENCE


@dataclass(frozen=True)
class Justification:
    """A justification covers every absence of its student from ``debut`` to ``fin`` (ISO dates,
    inclusive), including absences recorded after it was accepted. Only validated ones count.
    ``creneau_debut``/``creneau_fin`` (slot codes, optional) narrow its first and last day: from that
    slot on the first day, up to that slot on the last (a medical appointment from 8 h to 10 h)."""

    student_id: str
    debut: str
    fin: str
    motif: str
    validee: bool = True
    creneau_debut: str | None = None
    creneau_fin: str | None = None

    def covers(self, absence: Absence) -> bool:
        if not (self.validee and self.student_id == absence.student_id and self.debut <= absence.date <= self.fin):
            return False
        if absence.date == self.debut and self.creneau_debut and plage(absence.creneau).debut < plage(
                self.creneau_debut).debut:
            return False
        return not (absence.date == self.fin and self.creneau_fin
                    and plage(absence.creneau).fin > plage(self.creneau_fin).fin)


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
    recorded twice in one module counts once, and so do two hour slots of one half-day (8h-10h and
    10h-12h: one morning); such a half-day is justified when every slot missed in it is."""
    halves: dict[tuple[str, str, Creneau, str | None, Nature], bool] = {}
    # Each absence is checked against its student's justifications only: a department's year holds
    # thousands of each, and scanning them all per absence cost seconds on every jury page.
    own: dict[str, list[Justification]] = defaultdict(list)
    for justification in justifications:
        own[justification.student_id].append(justification)
    for absence in absences:
        key = (absence.student_id, absence.date, demi_journee(absence.creneau), absence.module, absence.nature)
        justified = absence.nature is not Nature.RETARD and is_justified(absence, own.get(absence.student_id, ()))
        halves[key] = halves.get(key, True) and justified
    tallies: dict[str, dict[str | None, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0, 0]))
    for (student, _date, _half, module, nature), justified in halves.items():
        tally = tallies[student][module]
        if nature is Nature.RETARD:
            tally[2] += 1
        elif justified:
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

    @property
    def name(self) -> str: ...

    @property
    def description(self) -> str: ...

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

    @classmethod
    def declare(cls, reference: str, *, seuil_atj: int | None = None,
                penalite: tuple[float, int, float] | None = None) -> ReglementAssiduite:
        """The rules a department declares, as the settings page and the scenario format write them: ATJ
        beyond ``seuil_atj`` unjustified half-days in a module, and/or ``penalite`` = (points per
        half-day, franchise, plafond). No rule at all gives ``AUCUNE_REGLE``."""
        regles: list[RegleAssiduite] = []
        if seuil_atj is not None:
            regles.append(SeuilATJ(seuil_atj))
        if penalite is not None:
            points, franchise, plafond = penalite
            regles.append(PenaliteParDemiJournee(points, franchise, plafond))
        return cls(reference, tuple(regles)) if regles else AUCUNE_REGLE


AUCUNE_REGLE = ReglementAssiduite()
