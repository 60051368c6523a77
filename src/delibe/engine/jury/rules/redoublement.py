"""Redoublement bookkeeping (§4.5): each semester repeated at most once, at most 4 in the cursus, and the
director's dérogation apart."""

from __future__ import annotations

from dataclasses import dataclass, field

from delibe.engine.parameters import Regles


@dataclass
class Repeats:
    per_semestre: dict[int, int] = field(default_factory=dict)
    total: int = 0
    derogations_used: int = 0

    def _regular(self, annee: int, regles: Regles) -> bool:
        semestres = (2 * annee - 1, 2 * annee)
        once_each = all(self.per_semestre.get(s, 0) + 1 <= regles.redoublements_par_semestre for s in semestres)
        return once_each and self.total + len(semestres) <= regles.redoublements_max

    def allowed(self, annee: int, regles: Regles, derogations: int) -> tuple[bool, bool]:
        """(may repeat ``annee``, only thanks to a dérogation)."""
        if self._regular(annee, regles):
            return True, False
        return self.derogations_used < derogations, True

    def record(self, annee: int, regles: Regles) -> None:
        """Délibé decision (dérogation): a repeat granted by the director is supplementary: it is counted
        apart, neither in the limit of 4 nor in the once-per-semester rule."""
        if not self._regular(annee, regles):
            self.derogations_used += 1
            return
        for s in (2 * annee - 1, 2 * annee):
            self.per_semestre[s] = self.per_semestre.get(s, 0) + 1
        self.total += 2

    def describe(self) -> str:
        if not self.total:
            return "aucun semestre redoublé jusqu'ici" + self._by_derogation()
        detail = ", ".join(f"S{s} ×{n}" for s, n in sorted(self.per_semestre.items()))
        return f"{self.total} semestre(s) redoublé(s) jusqu'ici ({detail})" + self._by_derogation()

    def _by_derogation(self) -> str:
        if not self.derogations_used:
            return ""
        return f", plus {self.derogations_used} année(s) redoublée(s) par dérogation (hors plafond)"
