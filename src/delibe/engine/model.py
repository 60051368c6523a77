"""The formation model: a BUT programme as frozen, typed data.

Scope: Arrêté du 15 avril 2022, annexe 1, point 3 (référentiel de formation: 6 semestres, UE mises en
correspondance avec un niveau d'une compétence, pôles « ressources » et « SAÉ ») and the référentiel de
compétences of a spécialité (compétences, composantes essentielles, situations professionnelles,
niveaux, apprentissages critiques).

A competence is identified by its short name (``nom_court``, e.g. ``"Exprimer"``), never by its number
alone: other spécialités (GEII) give the same number to several parcours-specific competences. A level
is identified by its order (``ordre``) within its competence.

Nothing here reads a file: loaders (``delibe.formations``) build these objects.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from types import MappingProxyType


def frozen_map(data: Mapping[str, float] | None = None) -> Mapping[str, float]:
    """An immutable mapping, so that frozen dataclasses stay hashable in spirit and safe to share."""
    return MappingProxyType(dict(data or {}))


class ModuleKind(StrEnum):
    """What a module is. Ressources form the pôle « ressources »; the others the pôle « SAÉ »
    (annexe 1, point 3: the SAÉ pole includes the portfolio, and the stage is a SAÉ)."""

    RESSOURCE = "ressource"
    SAE = "sae"
    PORTFOLIO = "portfolio"
    STAGE = "stage"

    @property
    def pole(self) -> str:
        return "ressources" if self is ModuleKind.RESSOURCE else "sae"


class Modality(StrEnum):
    INITIALE = "initiale"
    APPRENTISSAGE = "apprentissage"
    CONTINUE = "continue"


MODALITY_CODES: Mapping[Modality, str] = MappingProxyType({
    Modality.INITIALE: "FI", Modality.APPRENTISSAGE: "FA", Modality.CONTINUE: "FC",
})
"""The abbreviations used by the scolarités and Apogée: formation initiale, par apprentissage, continue."""


@dataclass(frozen=True)
class ApprentissageCritique:
    code: str  # e.g. "AC35.01"
    libelle: str


@dataclass(frozen=True)
class Niveau:
    """One level of one competence; ``annee`` is the BUT year (1–3) in which it is normally studied."""

    ordre: int
    annee: int
    libelle: str
    apprentissages_critiques: tuple[ApprentissageCritique, ...] = ()


@dataclass(frozen=True)
class Competence:
    nom_court: str  # the identifier within a référentiel
    numero: int
    libelle_long: str
    composantes_essentielles: tuple[str, ...] = ()
    situations_professionnelles: tuple[str, ...] = ()
    niveaux: tuple[Niveau, ...] = ()
    id_orebut: str | None = None
    couleur: str | None = None

    def niveau(self, ordre: int) -> Niveau | None:
        return next((n for n in self.niveaux if n.ordre == ordre), None)


@dataclass(frozen=True)
class Parcours:
    """A parcours and the competence levels it requires each BUT year: ``niveaux[annee]`` maps a
    competence's ``nom_court`` to the level's ``ordre``."""

    code: str  # national code, e.g. "Créa"
    libelle: str
    niveaux: Mapping[int, Mapping[str, int]]

    def competences_of_year(self, annee: int) -> Mapping[str, int]:
        return self.niveaux.get(annee, MappingProxyType({}))


@dataclass(frozen=True)
class Referentiel:
    """The national référentiel de compétences of one spécialité."""

    specialite: str  # e.g. "MMI"
    specialite_long: str
    competences: tuple[Competence, ...]
    parcours: tuple[Parcours, ...]
    version: str | None = None

    def competence(self, nom_court: str) -> Competence | None:
        return next((c for c in self.competences if c.nom_court == nom_court), None)

    def parcours_by_code(self, code: str) -> Parcours | None:
        return next((p for p in self.parcours if p.code == code), None)


@dataclass(frozen=True)
class Heures:
    cm: float = 0
    td: float = 0
    tp: float = 0
    projet: float = 0

    @property
    def hors_projet(self) -> float:
        """The seed's « Total hors projet »: CM + TD + TP."""
        return self.cm + self.td + self.tp

    def __add__(self, other: Heures) -> Heures:
        return Heures(self.cm + other.cm, self.td + other.td, self.tp + other.tp, self.projet + other.projet)


@dataclass(frozen=True)
class UE:
    """An unité d'enseignement: one competence at one level, in one semester (annexe 1, point 3).

    ``code`` follows the national naming « UE <semestre>.<numéro de compétence> » (e.g. ``UE5.3``).
    ``parcours`` lists the parcours codes it belongs to; empty means every parcours.
    ``coef_rcue`` weights the UE in its RCUE average (Délibé decision, default 1: domain.md §3).
    """

    code: str
    semestre: int
    competence: str  # Competence.nom_court
    niveau: int  # Niveau.ordre
    ects: float
    titre: str = ""
    coef_rcue: float = 1.0
    parcours: tuple[str, ...] = ()

    @property
    def annee(self) -> int:
        return (self.semestre + 1) // 2

    def in_parcours(self, parcours: str) -> bool:
        return not self.parcours or parcours in self.parcours


@dataclass(frozen=True)
class Module:
    """A ressource or a SAÉ (portfolio and stage included) of one semester, with one coefficient per UE
    it feeds (``coefficients[ue_code]``)."""

    code: str
    titre: str
    semestre: int
    kind: ModuleKind
    heures: Heures = Heures()
    coefficients: Mapping[str, float] = field(default_factory=frozen_map)
    parcours: tuple[str, ...] = ()

    def in_parcours(self, parcours: str) -> bool:
        return not self.parcours or parcours in self.parcours


@dataclass(frozen=True)
class Assumption:
    """A value the formation file had to assume because the national text was not available; shown
    by ``delibe formation check`` as information so that nobody mistakes it for a national fact."""

    place: str
    text: str


@dataclass(frozen=True)
class Formation:
    """A BUT programme as delivered by one department: the référentiel, the parcours offered, the UEs
    and the modules of each semester."""

    id: str
    version: int
    titre: str
    referentiel: Referentiel
    ues: tuple[UE, ...]
    modules: tuple[Module, ...]
    modalite: Modality = Modality.INITIALE
    etablissement: str = ""
    departement: str = ""
    annee_universitaire: str = ""
    # parcours code -> semesters this formation delivers for it (a department may open BUT3 of one
    # parcours only, as the seed does for Création numérique by apprenticeship)
    semestres_offerts: Mapping[str, tuple[int, ...]] = field(default_factory=lambda: MappingProxyType({}))
    assumptions: tuple[Assumption, ...] = ()

    @property
    def parcours(self) -> tuple[Parcours, ...]:
        return self.referentiel.parcours

    def ue(self, code: str) -> UE | None:
        return self._ue_by_code.get(code)

    @cached_property
    def _ue_by_code(self) -> Mapping[str, UE]:
        """The UEs by code, the first of a code kept (a jury table asks for each UE of each student)."""
        return {u.code: u for u in reversed(self.ues)}

    def module(self, code: str, semestre: int | None = None) -> Module | None:
        return next(
            (m for m in self.modules if m.code == code and (semestre is None or m.semestre == semestre)), None
        )

    def ues_of(self, semestre: int, parcours: str | None = None) -> tuple[UE, ...]:
        return tuple(
            u for u in self.ues if u.semestre == semestre and (parcours is None or u.in_parcours(parcours))
        )

    def modules_of(self, semestre: int, parcours: str | None = None) -> tuple[Module, ...]:
        return tuple(
            m for m in self.modules if m.semestre == semestre and (parcours is None or m.in_parcours(parcours))
        )

    def offers(self, parcours: str, semestre: int) -> bool:
        offered = self.semestres_offerts.get(parcours)
        return offered is None or semestre in offered
