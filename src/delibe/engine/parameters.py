"""Dated, referenced parameters: the numbers of the rules are data, not constants in code.

Each parameter has a history of values, each with the date it applies from and its source, so that a
past year recomputes as it was decided even after the rules change (the OpenFisca way). ``regles_at``
gives the values in force at a date (an ISO date string, so that the engine reads no clock).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction

from delibe.engine import sources
from delibe.engine.exact import Nombre, reaches, threshold
from delibe.engine.sources import Source


@dataclass(frozen=True)
class DatedValue:
    since: str  # ISO date from which the value applies
    value: float
    source: Source


@dataclass(frozen=True)
class Parameter:
    name: str
    description: str
    values: tuple[DatedValue, ...]  # in increasing ``since`` order

    def at(self, date: str) -> DatedValue:
        applicable = [v for v in self.values if v.since <= date]
        if not applicable:
            raise LookupError(f"le paramètre {self.name} n'a pas de valeur au {date}")
        return applicable[-1]


PARAMETERS: tuple[Parameter, ...] = (
    Parameter("barre_ue", "Moyenne à partir de laquelle une UE est acquise",
              (DatedValue("2021-09-01", 10.0, sources.VALIDATION_UE),)),
    Parameter("barre_rcue", "Moyenne à partir de laquelle un RCUE est validé (et compense ses UE)",
              (DatedValue("2021-09-01", 10.0, sources.COMPENSATION),)),
    Parameter("plancher_rcue", "Moyenne minimale de chaque RCUE pour passer en semestre impair",
              (DatedValue("2021-09-01", 8.0, sources.PROGRESSION),)),
    Parameter("part_rcue_passage", "Part des RCUE de l'année à valider, strictement, pour passer",
              (DatedValue("2021-09-01", 0.5, sources.PROGRESSION),)),
    Parameter("redoublements_par_semestre", "Nombre de fois où un même semestre peut être redoublé",
              (DatedValue("2021-09-01", 1, sources.REDOUBLEMENT),)),
    Parameter("redoublements_max", "Nombre maximal de semestres redoublés sur le cursus",
              (DatedValue("2021-09-01", 4, sources.REDOUBLEMENT),)),
    Parameter("redoublements_derogation", "Redoublements supplémentaires que le directeur peut accorder",
              (DatedValue("2021-09-01", 1, sources.REDOUBLEMENT),)),
    Parameter("tolerance", "Tolérance d'arrondi: une valeur atteint la barre b si elle est ≥ b − tolérance",
              (DatedValue("2021-09-01", 0.005, sources.DELIBE_SEUIL),)),
    Parameter("poids_pole_min", "Part minimale de chaque pôle (ressources, SAÉ) dans une UE",
              (DatedValue("2021-09-01", 0.40, sources.POIDS_POLES),)),
    Parameter("poids_pole_max", "Part maximale de chaque pôle (ressources, SAÉ) dans une UE",
              (DatedValue("2021-09-01", 0.60, sources.POIDS_POLES),)),
    Parameter("ects_semestre", "Crédits européens d'un semestre",
              (DatedValue("2021-09-01", 30, sources.ECTS_SEMESTRE),)),
    Parameter("ects_dut", "Crédits européens au terme desquels le DUT est attribué",
              (DatedValue("2021-09-01", 120, sources.DIPLOME_DUT),)),
    Parameter("note_max", "Note maximale d'une moyenne (écrêtage des bonus)",
              (DatedValue("2021-09-01", 20, sources.DELIBE_MOYENNES),)),
)


@dataclass(frozen=True)
class Regles:
    """The parameter values in force for one academic year."""

    barre_ue: float = 10.0
    barre_rcue: float = 10.0
    plancher_rcue: float = 8.0
    part_rcue_passage: float = 0.5
    redoublements_par_semestre: int = 1
    redoublements_max: int = 4
    redoublements_derogation: int = 1
    tolerance: float = 0.005
    poids_pole_min: float = 0.40
    poids_pole_max: float = 0.60
    ects_semestre: float = 30
    ects_dut: float = 120
    note_max: float = 20

    def reaches(self, value: Nombre | None, bar: Nombre) -> bool:
        """Délibé decisions (thresholds, exactness): never round before comparing; a value reaches bar b
        when its exact decimal value is ≥ b − tolerance, so that an average displayed as 10,00 is never
        below 10 and two equal decimals never get different decisions (``delibe.engine.exact``)."""
        return reaches(value, bar, self.tolerance)

    def threshold(self, bar: Nombre) -> Fraction:
        """The exact value from which ``bar`` is reached (bar − tolerance)."""
        return threshold(bar, self.tolerance)

    def with_values(self, **values: float) -> Regles:
        return replace(self, **values)  # type: ignore[arg-type]  # values are named parameters of Regles


def regles_at(date: str) -> Regles:
    """The rules in force at ``date`` (ISO), e.g. the date of the jury."""
    values: dict[str, float] = {p.name: p.at(date).value for p in PARAMETERS}
    for int_name in ("redoublements_par_semestre", "redoublements_max", "redoublements_derogation"):
        values[int_name] = int(values[int_name])
    return Regles(**values)  # type: ignore[arg-type]  # one value per Regles field, by name


DEFAULT_DATE = "2023-09-01"
DEFAULT_REGLES = regles_at(DEFAULT_DATE)
