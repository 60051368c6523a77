"""The formation file format, version 1 (docs/formation-format.md), as pydantic v2 models.

These models check the shape and the types (unknown fields are forbidden, numbers are non-negative);
``delibe.formations.loader`` then checks the meaning (competences, levels, UE codes, coefficients) and
builds the engine's frozen model.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool

FORMAT = "delibe-formation/1"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Text = str
# Numbers are strict: a quoted "12" is refused rather than silently converted; an int is a valid float.
NonNeg = Annotated[float, Field(ge=0, strict=True)]
Int = Annotated[int, Field(strict=True)]


class NiveauIn(_Strict):
    ordre: int = Field(strict=True, ge=1, le=3)
    annee: int = Field(strict=True, ge=1, le=3)
    libelle: Text
    apprentissages_critiques: dict[str, Text] = Field(default_factory=dict)


class CompetenceIn(_Strict):
    nom_court: Text = Field(min_length=1)
    numero: int = Field(strict=True, ge=1)
    libelle_long: Text
    id_orebut: str | None = None
    couleur: str | None = None
    composantes_essentielles: list[Text] = Field(default_factory=list)
    situations_professionnelles: list[Text] = Field(default_factory=list)
    niveaux: list[NiveauIn] = Field(min_length=1)


class ParcoursIn(_Strict):
    code: Text = Field(min_length=1)
    libelle: Text
    annees: dict[int, dict[str, int]]


class ReferentielIn(_Strict):
    specialite: Text
    specialite_long: Text = ""
    version: str | None = None
    source: str | None = None
    competences: list[CompetenceIn] = Field(min_length=1)
    parcours: list[ParcoursIn] = Field(min_length=1)


class HypotheseIn(_Strict):
    place: Text
    text: Text


class HeuresIn(_Strict):
    cm: NonNeg = Field(default=0, ge=0)
    td: NonNeg = Field(default=0, ge=0)
    tp: NonNeg = Field(default=0, ge=0)
    projet: NonNeg = Field(default=0, ge=0)


class UEIn(_Strict):
    code: Text
    titre: Text = ""
    competence: str | int
    niveau: int = Field(strict=True, ge=1)
    ects: NonNeg = Field(ge=0)
    coef_rcue: NonNeg = Field(default=1, ge=0)
    parcours: list[Text] = Field(default_factory=list)
    hypothese: StrictBool | str = False


class ModuleIn(_Strict):
    code: Text = Field(min_length=1)
    titre: Text
    type: Literal["ressource", "sae", "portfolio", "stage"]
    heures: HeuresIn = Field(default_factory=HeuresIn)
    coefficients: dict[str, NonNeg] = Field(default_factory=dict)
    parcours: list[Text] = Field(default_factory=list)
    hypothese: StrictBool | str = False


class SemestreIn(_Strict):
    numero: int = Field(strict=True, ge=1, le=6)
    ues: list[UEIn] = Field(default_factory=list)
    modules: list[ModuleIn] = Field(default_factory=list)


class FormationIn(_Strict):
    format: Literal["delibe-formation/1"]
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    version: int = Field(strict=True, default=1, ge=1)
    titre: Text
    etablissement: Text = ""
    departement: Text = ""
    annee_universitaire: Text = ""
    modalite: Literal["initiale", "apprentissage", "continue"] = "initiale"
    referentiel: ReferentielIn
    offre: dict[str, list[int]] = Field(default_factory=dict)
    hypotheses: list[HypotheseIn] = Field(default_factory=list)
    semestres: list[SemestreIn] = Field(min_length=1)
