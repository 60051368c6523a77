"""Which UEs and RCUEs a student's year holds: the parcours decides which competence levels exist each
year (``Parcours.niveaux[annee]``), the formation gives the UE of each level in each semester.

An RCUE is the odd and the even UE of one level of one competence in one year (annexe 1, §4.4); a
competence is identified by its ``nom_court``, never by its number alone (point 3; domain.md §1).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from delibe.engine.jury.model import CursusError
from delibe.engine.model import UE, Formation, Parcours


@dataclass(frozen=True)
class RCUESpec:
    competence: str  # nom_court
    numero: int
    niveau: int
    impair: UE
    pair: UE

    @property
    def ues(self) -> tuple[UE, UE]:
        return (self.impair, self.pair)


@dataclass(frozen=True)
class YearStructure:
    annee: int
    rcues: tuple[RCUESpec, ...]  # by competence number

    @cached_property
    def ues(self) -> tuple[UE, ...]:
        """The year's UEs, odd semester first, each by competence number."""
        return tuple(r.impair for r in self.rcues) + tuple(r.pair for r in self.rcues)

    @cached_property
    def ue_codes(self) -> frozenset[str]:
        return frozenset(u.code for u in self.ues)


@dataclass(frozen=True)
class CursusStructure:
    parcours: Parcours
    years: dict[int, YearStructure]  # BUT year -> structure (only the years the parcours has)

    @cached_property
    def ues(self) -> tuple[UE, ...]:
        return tuple(u for annee in sorted(self.years) for u in self.years[annee].ues)

    def ues_of_semestres(self, semestres: range) -> tuple[UE, ...]:
        cache: dict[range, tuple[UE, ...]] = self.__dict__.setdefault("_by_semestres", {})
        if semestres not in cache:
            cache[semestres] = tuple(u for u in self.ues if u.semestre in semestres)
        return cache[semestres]


def parcours_of(formation: Formation, code: str) -> Parcours:
    parcours = formation.referentiel.parcours_by_code(code)
    if parcours is None:
        known = ", ".join(p.code for p in formation.parcours) or "aucun"
        raise CursusError(f"parcours « {code} » inconnu de la formation {formation.id} (parcours: {known})",
                          place="parcours")
    return parcours


def _ue_of(formation: Formation, parcours: Parcours, semestre: int, competence: str, niveau: int) -> UE:
    found = [
        u for u in formation.ues_of(semestre, parcours.code) if u.competence == competence and u.niveau == niveau
    ]
    if len(found) != 1:
        what = "aucune UE" if not found else f"{len(found)} UE ({', '.join(u.code for u in found)})"
        raise CursusError(
            f"la formation {formation.id} a {what} en S{semestre} pour la compétence « {competence} » "
            f"niveau {niveau} du parcours {parcours.code}: il en faut exactement une"
        )
    return found[0]


def year_structure(formation: Formation, parcours: Parcours, annee: int) -> YearStructure:
    levels = parcours.competences_of_year(annee)
    if not levels:
        raise CursusError(f"le parcours {parcours.code} n'a pas de BUT{annee} dans la formation {formation.id}")
    specs = []
    for nom_court, niveau in levels.items():
        competence = formation.referentiel.competence(nom_court)
        if competence is None:
            raise CursusError(f"compétence « {nom_court} » du parcours {parcours.code} absente du référentiel")
        specs.append(RCUESpec(
            nom_court, competence.numero, niveau,
            _ue_of(formation, parcours, 2 * annee - 1, nom_court, niveau),
            _ue_of(formation, parcours, 2 * annee, nom_court, niveau),
        ))
    specs.sort(key=lambda s: (s.numero, s.competence))
    return YearStructure(annee, tuple(specs))


_CACHE: dict[tuple[int, str], tuple[Formation, CursusStructure]] = {}


def cursus_structure(formation: Formation, parcours_code: str) -> CursusStructure:
    """The UEs and RCUEs of every year of a parcours. Cached per formation object (formations are frozen)."""
    key = (id(formation), parcours_code)
    cached = _CACHE.get(key)
    if cached is not None and cached[0] is formation:
        return cached[1]
    parcours = parcours_of(formation, parcours_code)
    # A department may not deliver every year of every parcours (Formation.semestres_offerts).
    years = {
        a: year_structure(formation, parcours, a)
        for a in sorted(parcours.niveaux)
        if parcours.niveaux[a] and formation.offers(parcours.code, 2 * a - 1)
    }
    structure = CursusStructure(parcours, years)
    if len(_CACHE) > 64:
        _CACHE.clear()
    _CACHE[key] = (formation, structure)
    return structure
