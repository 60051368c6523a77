"""The fiche formation as data: the tables of the « tableau de répartition des enseignements » (seed,
BUT3 MMI CN apprentissage, IUT Dijon-Auxerre 2023-2024), built from a ``Formation``. Pure: no rendering.

Per semester: the competences (one column C<semestre>.<numéro> per competence of the référentiel, as the
seed prints C5.1…C5.5, filled where the semester has a UE), the ressources table and the SAÉ table
(portfolio and stage included: annexe 1, point 3) with CM/TD/TP/projet hours, « Total hors projet »
(CM + TD + TP) and one coefficient per competence column, TOTAL RESSOURCES, TOTAL SAE and TOTAL
RESSOURCE SAÉ du semestre. Per year with both semesters shown: « TOTAL NIVEAU <année> S<n> + S<n+1> ».
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from delibe.engine.model import UE, Formation, Heures, Module, ModuleKind, Parcours


@dataclass(frozen=True)
class Colonne:
    """One competence column of a semester: label ``C5.3``, the competence, and its UE if any."""

    label: str
    numero: int
    competence: str
    ue: UE | None


@dataclass(frozen=True)
class LigneModule:
    module: Module
    # one per Colonne, in order; None where the module has no coefficient on that UE (the seed prints an
    # empty cell), 0 where the file says 0 (the seed's S5 portfolio on C5.5)
    coefficients: tuple[float | None, ...]

    @property
    def libelle(self) -> str:
        m = self.module
        if m.titre in ("", m.code) or m.titre.startswith(f"{m.code} "):
            return m.titre or m.code
        return f"{m.code} {m.titre}"


@dataclass(frozen=True)
class Total:
    libelle: str
    heures: Heures
    coefficients: tuple[float, ...]

    @property
    def coefficient_total(self) -> float:
        return sum(self.coefficients)


@dataclass(frozen=True)
class FicheSemestre:
    numero: int
    colonnes: tuple[Colonne, ...]
    ressources: tuple[LigneModule, ...]
    saes: tuple[LigneModule, ...]
    total_ressources: Total
    total_saes: Total
    total: Total
    # the formation's assumptions about this semester (values not found in national sources)
    hypotheses: tuple[str, ...] = ()

    @property
    def ues(self) -> tuple[UE, ...]:
        return tuple(c.ue for c in self.colonnes if c.ue is not None)

    @property
    def ects(self) -> float:
        return sum(u.ects for u in self.ues)

    @property
    def modules(self) -> tuple[LigneModule, ...]:
        return self.ressources + self.saes


@dataclass(frozen=True)
class FicheAnnee:
    annee: int
    semestres: tuple[int, ...]
    heures: Heures
    coefficients: float
    ects: float

    @property
    def libelle(self) -> str:
        return f"TOTAL NIVEAU {self.annee}"


@dataclass(frozen=True)
class Fiche:
    formation: Formation
    parcours: tuple[Parcours, ...]  # the parcours shown (one when a parcours is chosen)
    parcours_choisi: str | None
    semestres: tuple[FicheSemestre, ...]
    annees: tuple[FicheAnnee, ...]
    totaux: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))


def build_fiche(formation: Formation, parcours: str | None = None,
                semestres: Iterable[int] | None = None) -> Fiche:
    """The fiche of ``formation``, for one parcours (only the semesters it is delivered in) or for all
    (every module, each tagged with its parcours), restricted to ``semestres`` if given."""
    wanted = set(semestres) if semestres is not None else set(range(1, 7))
    if parcours is not None and formation.referentiel.parcours_by_code(parcours) is None:
        known = ", ".join(p.code for p in formation.parcours)
        raise ValueError(f"parcours « {parcours} » inconnu ; parcours de la formation : {known}")
    shown: list[FicheSemestre] = []
    for numero in sorted(wanted):
        if parcours is not None and not formation.offers(parcours, numero):
            continue
        ues = formation.ues_of(numero, parcours)
        modules = formation.modules_of(numero, parcours)
        if not ues and not modules:
            continue
        shown.append(_semestre(formation, numero, ues, modules))
    annees: list[FicheAnnee] = []
    by_numero = {s.numero: s for s in shown}
    for annee in (1, 2, 3):
        pair = [by_numero[s] for s in (2 * annee - 1, 2 * annee) if s in by_numero]
        if len(pair) == 2:
            annees.append(FicheAnnee(
                annee, tuple(s.numero for s in pair), pair[0].total.heures + pair[1].total.heures,
                sum(s.total.coefficient_total for s in pair), sum(s.ects for s in pair)))
    par = tuple(p for p in formation.parcours if parcours is None or p.code == parcours)
    all_hours = sum((s.total.heures for s in shown), Heures())
    totaux = MappingProxyType({
        "cm": all_hours.cm, "td": all_hours.td, "tp": all_hours.tp, "projet": all_hours.projet,
        "hors_projet": all_hours.hors_projet,
        "coefficients": sum(s.total.coefficient_total for s in shown), "ects": sum(s.ects for s in shown),
    })
    return Fiche(formation, par, parcours, tuple(shown), tuple(annees), totaux)


def _semestre(formation: Formation, numero: int, ues: tuple[UE, ...], modules: tuple[Module, ...]) -> FicheSemestre:
    colonnes: list[Colonne] = []
    for competence in sorted(formation.referentiel.competences, key=lambda c: c.numero):
        ue = next((u for u in ues if u.competence == competence.nom_court), None)
        colonnes.append(Colonne(f"C{numero}.{competence.numero}", competence.numero, competence.nom_court, ue))

    def line(module: Module) -> LigneModule:
        return LigneModule(module, tuple(
            float(module.coefficients[c.ue.code]) if c.ue is not None and c.ue.code in module.coefficients
            else None for c in colonnes))

    ressources = tuple(line(m) for m in modules if m.kind is ModuleKind.RESSOURCE)
    saes = tuple(line(m) for m in modules if m.kind is not ModuleKind.RESSOURCE)
    total_r = _total("TOTAL RESSOURCES", ressources, len(colonnes))
    total_s = _total("TOTAL SAE", saes, len(colonnes))
    total = Total(f"TOTAL RESSOURCE SAÉ du S{numero}", total_r.heures + total_s.heures,
                  tuple(a + b for a, b in zip(total_r.coefficients, total_s.coefficients, strict=True)))
    hypotheses = tuple(a.text for a in formation.assumptions if a.place == f"S{numero}")
    return FicheSemestre(numero, tuple(colonnes), ressources, saes, total_r, total_s, total, hypotheses)


def _total(libelle: str, lines: tuple[LigneModule, ...], width: int) -> Total:
    heures = sum((line.module.heures for line in lines), Heures())
    coefs = tuple(sum(line.coefficients[k] or 0.0 for line in lines) for k in range(width))
    return Total(libelle, heures, coefs)
