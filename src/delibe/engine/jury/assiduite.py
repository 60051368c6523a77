"""The attendance rules' effects at the jury (Arrêté du 15 avril 2022, annexe 1, §4.2: the effects of
attendance on assessment are set by the IUT's règlement; ``delibe.engine.assiduite`` holds the rules).

A year's ``YearAttempt.assiduite`` lists the effects the department's rules gave for that year:
- ``ProposeATJ`` on a UE: the UE is proposed ATJ. Unless the jury decided that UE itself, the ATJ is
  handed to the jury rules as the year's input, so that a UE not acquired is carried to the later years,
  the diplomas and the descending validation exactly as a recorded ATJ would be; where the jury departed
  from it, its own code stands.
- ``Penalite`` on a UE: the points are already off the UE average given (the averages engine takes them
  off, ``delibe.engine.moyennes.penalites``); here its reason is shown first on that UE, because it
  explains the average.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from delibe.engine.assiduite import Effet, Penalite, ProposeATJ
from delibe.engine.jury.codes import ATJ
from delibe.engine.jury.model import (
    JuryDecisions,
    RCUEResult,
    SemesterResult,
    UEResult,
    YearAttempt,
    YearResult,
)
from delibe.engine.jury.registry import RULES
from delibe.engine.jury.structure import YearStructure
from delibe.engine.trace import Reason


@dataclass
class YearAttendance:
    """The attendance effects on one year's UEs: ATJ proposals and penalties (their reasons), by UE."""

    atj: dict[str, Reason] = field(default_factory=dict)
    penalties: dict[str, Reason] = field(default_factory=dict)
    injected: set[str] = field(default_factory=set)  # ATJ handed to the rules as the jury's input
    injected_rcues: dict[str, str] = field(default_factory=dict)  # competence -> the UE whose ATJ it follows

    @classmethod
    def of(cls, effets: Iterable[Effet], ues: Iterable[str]) -> YearAttendance:
        """The effects on the UEs ``ues`` (those the year gives an average for); the first ATJ reason
        of a UE stands when several modules propose it."""
        known = set(ues)
        local = cls()
        for effet in effets:
            if effet.ue not in known:
                continue
            if isinstance(effet, ProposeATJ):
                local.atj.setdefault(effet.ue, effet.reason)
            elif isinstance(effet, Penalite):
                local.penalties[effet.ue] = effet.reason
        return local

    def __bool__(self) -> bool:
        return bool(self.atj or self.penalties)

    def with_jury_inputs(self, attempt: YearAttempt, year: YearStructure) -> YearAttempt:
        """``attempt`` with the rule's ATJ as the jury's input on each UE the jury has not decided, and on
        the RCUE of that UE unless the jury decided it: a validated RCUE would acquire the UE by
        compensation (§4.3), which the ATJ says is not acquired — the two would contradict each other."""
        if not self.atj:
            return attempt
        jury = attempt.jury or JuryDecisions()
        ue, rcue = dict(jury.ue), dict(jury.rcue)
        raisons = [jury.raison] if jury.raison else []
        for code, reason in sorted(self.atj.items()):
            if code not in ue:
                ue[code] = ATJ
                raisons.append(reason.text)
                self.injected.add(code)
            spec = next((r for r in year.rcues if code in (r.impair.code, r.pair.code)), None)
            if spec is not None and spec.competence not in rcue:
                rcue[spec.competence] = ATJ
                self.injected_rcues[spec.competence] = code
        if not (self.injected or self.injected_rcues):
            return attempt
        return dataclasses.replace(attempt, jury=dataclasses.replace(jury, ue=ue, rcue=rcue, raison=" ; ".join(raisons)))

    def ue(self, code: str, result: UEResult) -> UEResult:
        """A UE result with the rule's ATJ as the proposal and the attendance reasons."""
        reasons = list(result.reasons)
        if code in self.injected:  # not the jury's decision: the rule's proposal, shown with its own reason
            reasons = [r for r in reasons if r.rule != "jury.decision"]
        penalty, atj = self.penalties.get(code), self.atj.get(code)
        if penalty is None and atj is None:
            return result
        # The penalty explains the average (first); the ATJ follows the proposal from the average and
        # comes before the ECTS line, which says what it leads to.
        if penalty is not None:
            reasons.insert(0, penalty)
        if atj is not None:
            at = next((i for i, r in enumerate(reasons) if r.rule == "ue.ects"), len(reasons))
            reasons.insert(at, atj)
        changes: dict[str, Any] = {"reasons": tuple(reasons)}
        if atj is not None:
            changes["proposed"] = ATJ
        return dataclasses.replace(result, **changes)

    def rcue(self, result: RCUEResult) -> RCUEResult:
        """An RCUE result with the ATJ that follows its UE's, as the proposal, with its reason."""
        ue = self.injected_rcues.get(result.competence)
        if ue is None:
            return result
        reasons = [r for r in result.reasons if r.rule != "jury.decision"]
        reasons.append(RULES["assiduite.rcue"].reason(
            f"{ue} non validée pour une autre raison (ATJ, règlement d'assiduité) → ATJ proposé sur le RCUE "
            f"{result.competence} : validé, il emporterait l'acquisition de {ue}", ue=ue))
        return dataclasses.replace(result, proposed=ATJ, reasons=tuple(reasons))

    def on_year(self, result: YearResult) -> YearResult:
        """A year jury's result with the attendance effects on its UE and RCUE proposals and reasons."""
        if not self:
            return result
        return dataclasses.replace(result, ues=_frozen({code: self.ue(code, ue) for code, ue in result.ues.items()}),
                                   rcues=MappingProxyType({nom: self.rcue(r) for nom, r in result.rcues.items()}))

    def on_semester(self, result: SemesterResult) -> SemesterResult:
        """An odd-semester jury's result with the attendance effects (no jury input there: the ATJ is
        the UE's code until the year jury)."""
        if not self:
            return result
        ues = {code: self.ue(code, ue) for code, ue in result.ues.items()}
        for code in self.atj:
            if code in ues:
                ues[code] = dataclasses.replace(ues[code], decided=ATJ, ects=0.0)
        return dataclasses.replace(result, ues=_frozen(ues))


def _frozen(values: Mapping[str, UEResult]) -> Mapping[str, UEResult]:
    return MappingProxyType(dict(values))
