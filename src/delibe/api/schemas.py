"""The shapes of the API's requests and answers (French field names, as the domain speaks)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import AfterValidator, BaseModel, Field

from delibe.web import values

MAX_ID = 2**63 - 1  # a database bigint: a larger id is refused (422), never sent to the database
MAX_VERSION = 2**31 - 1


def _no_nul(text: str) -> str:
    if "\x00" in text:
        raise ValueError("caractère nul (\\u0000) interdit dans un texte")
    return text


Texte = Annotated[str, AfterValidator(_no_nul)]
IdEtudiant = Annotated[int, Field(ge=1, le=MAX_ID, description="Identifiant de l'étudiant (champ id).")]
Version = Annotated[int, Field(ge=0, le=MAX_VERSION, description="Version lue (0 : pas encore de note).")]
Valeur = Annotated[
    Texte | float | None,
    Field(description="Une note (nombre, virgule ou point), ABS, EXC, ATT ; vide, null ou SUPR efface la note."),
]


def finite(value: Any) -> Any:
    """JSON has no NaN or infinity: an undefined average is null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite(v) for v in value]
    return value


# --- errors ----------------------------------------------------------------------------------------

class NoteEtat(Schema):
    etudiant: int
    valeur: str = Field(description="La note telle qu'affichée (« 12,5 », « ABS ») ; vide : pas de note.")
    version: int = Field(description="À renvoyer à la prochaine écriture (0 : pas de note).")


class ErreurDetail(Schema):
    lieu: str | None = None
    ligne: int | None = None
    etudiant: int | None = None
    message: str
    actuelle: NoteEtat | None = None


class Erreur(Schema):
    detail: str = Field(description="Ce qui ne va pas, et comment le corriger (en français).")
    erreurs: list[ErreurDetail] | None = None
    actuelle: NoteEtat | None = None


# --- programme -------------------------------------------------------------------------------------

class UEOut(Schema):
    code: str
    titre: str
    semestre: int
    competence: str
    niveau: int
    ects: float


class ModuleOut(Schema):
    code: str
    titre: str
    semestre: int
    type: str
    coefficients: dict[str, float]


class SemestreResume(Schema):
    id: int
    formation_id: int
    formation: str
    departement: str
    semestre: int
    annee_universitaire: str
    modalite: str
    verrouille: bool


class FormationOut(Schema):
    id: int
    slug: str
    version: int
    titre: str
    departement: str
    charge_le: dt.datetime


class FormationDetail(FormationOut):
    semestres: list[SemestreResume]
    ues: list[UEOut]
    modules: list[ModuleOut]


class SemestreDetail(SemestreResume):
    debut: dt.date | None
    fin: dt.date | None
    groupes: list[Any]  # the groups' labels (« A », « TD A »)
    partitions: list[Any]  # [{id, nom, groupes: [{id, nom}]}] (issue 13)
    nb_etudiants: int
    ues: list[UEOut]
    modules: list[ModuleOut]


class FromDicts(BaseModel):
    """An answer its endpoint builds as dicts, validated by pydantic alone: ninja's ``Schema`` reads every
    nested object through a getter made for model instances, which cost a 600-student jury (10,000 cells)
    about 0.6 s of CPU. The OpenAPI description is the same."""


# --- students --------------------------------------------------------------------------------------

# always built as a dict (``endpoints.common.student_summary``): 600 of them in a jury's answer
class EtudiantResume(FromDicts):
    id: int
    nip: str
    civilite: str  # « M. », « Mme » or empty
    nom: str
    prenom: str
    departement: str


class EtudiantInscrit(Schema):
    id: int
    nip: str
    nom: str
    prenom: str
    parcours: str
    groupe: str
    redoublant: bool
    etat: str


class Inscription(Schema):
    id: int
    etudiant: int
    semestre: int
    parcours: str
    groupe: str
    redoublant: bool
    etat: str


class InscriptionDetail(Inscription):
    semestre_detail: SemestreResume


class EtudiantDetail(EtudiantResume):
    ine: str
    date_naissance: dt.date | None
    email: str
    statut: str
    parcours: str
    formation_id: int
    inscriptions: list[InscriptionDetail]


class PageEtudiants(Schema):
    total: int
    items: list[EtudiantResume]


# --- evaluations and grades ------------------------------------------------------------------------

TypeEvaluation = Literal["normale", "rattrapage", "session2"]


class EvaluationOut(Schema):
    id: int
    semestre: int
    module: str
    module_titre: str
    titre: str
    date: dt.date | None
    coefficient: float
    note_max: float
    poids: dict[str, float]
    type: str
    immediate: bool
    saisies: int | None = Field(None, description="Notes saisies (null quand non demandé).")
    inscrits: int | None = None
    modifiable: bool


class EvaluationIn(Schema):
    module: Annotated[Texte, Field(min_length=1, max_length=40, description="Code du module, ex. R1.01.")]
    titre: Annotated[Texte, Field(max_length=200)] = ""
    date: dt.date | None = None
    # the bounds of web/values.py, shared with the web form (finite numbers only)
    coefficient: Annotated[float, Field(gt=0, le=values.COEFFICIENT_MAX, allow_inf_nan=False)] = 1.0
    note_max: Annotated[float, Field(gt=0, le=values.NOTE_MAX_MAX, allow_inf_nan=False)] = 20.0
    poids: dict[Annotated[Texte, Field(max_length=40)],
                Annotated[float, Field(ge=0, le=values.POIDS_MAX, allow_inf_nan=False)]] = Field(
        default_factory=dict, description="Poids vers chaque UE que le module nourrit (1 par défaut).")
    type: TypeEvaluation = "normale"
    immediate: bool = False


class EvaluationPatch(Schema):
    """The fields to change (absent: unchanged); ``poids``: the whole new set of weights."""

    titre: Annotated[Texte, Field(max_length=200)] | None = None
    date: dt.date | None = None
    coefficient: Annotated[float, Field(gt=0, le=1000)] | None = None
    note_max: Annotated[float, Field(gt=0, le=1000)] | None = None
    poids: dict[Annotated[Texte, Field(max_length=40)], Annotated[float, Field(ge=0, le=1000)]] | None = None
    type: TypeEvaluation | None = None
    immediate: bool | None = None


class SuppressionIn(Schema):
    motif: Annotated[Texte, Field(max_length=5000)] = Field(
        "", description="Obligatoire quand l'évaluation a des notes (elles restent dans le journal).")


class Suppression(Schema):
    supprimee: int
    notes: int


class NoteOut(Schema):
    etudiant: int
    nip: str
    nom: str
    prenom: str
    groupe: str
    valeur: str = Field(description="« 12,5 », « ABS », « EXC », « ATT » ; vide : pas de note.")
    note: float | None = Field(description="La note en nombre (null pour ABS/EXC/ATT ou sans note).")
    special: str | None
    version: int


class NoteIn(Schema):
    valeur: Valeur = None
    version: Version


class LigneNoteIn(Schema):
    etudiant: IdEtudiant
    valeur: Valeur = None
    version: Version


class LotNotesIn(Schema):
    notes: Annotated[list[LigneNoteIn], Field(min_length=1, max_length=5000)]


class LotNotesOut(Schema):
    enregistrees: int
    session: str = Field(description="La session du journal : elle s'annule d'un coup depuis le journal.")
    notes: list[NoteEtat]


# --- jury ------------------------------------------------------------------------------------------

class Motif(FromDicts):
    regle: str
    texte: str
    source: str = Field(description="D'où vient la règle, en mots : l'article de l'Arrêté, « … : choix de Délibé » "
                                    "ou « règle du département (…) ».")
    source_type: str = Field("texte", description="texte (Arrêté, texte national), delibe (choix de Délibé) ou "
                                                  "departement (règle locale).")
    source_url: str = Field("", description="L'adresse de la page de l'application qui l'explique "
                                            "(/aide/choix/#…) ; vide pour une règle du département.")
    donnees: dict[str, Any]


class Cellule(FromDicts):
    niveau: str
    objet: str
    moyenne: float | None
    propose: str | None = Field(description="Le code que proposent les règles.")
    decide: str | None = Field(description="Le code que le jury a enregistré (null : pas encore décidé).")
    motifs: list[Motif] = Field(description="Pourquoi cette proposition (règle, phrase, texte source).")
    motif_jury: str = Field(description="Le motif écrit par le jury quand il s'écarte de la proposition.")
    provisoire: bool
    ecart: bool
    incomplet: str = Field("", description="Sans proposition parce qu'une moyenne est indéfinie (jamais AJ) : "
                                          "ce qui manque. Vide sinon.")


class LigneJury(FromDicts):
    etudiant: EtudiantResume
    erreur: str
    ues: list[Cellule | None]
    rcues: list[Cellule | None]
    annee: Cellule | None


class JuryOut(FromDicts):
    semestre: int
    semestres: list[int]
    jury_annuel: bool
    verrouille: bool
    ues: list[str]
    rcues: list[str]
    effectifs: dict[str, int]
    lignes: list[LigneJury]


class DecisionIn(Schema):
    etudiant: IdEtudiant
    niveau: Literal["ue", "rcue", "annee"]
    objet: Annotated[Texte, Field(min_length=1, max_length=60, description="Code d'UE, compétence ou BUTn.")]
    code: Annotated[Texte, Field(min_length=1, max_length=10, description="ADM, CMP, AJ, ADJ, PASD, RED…")]
    motif: Annotated[Texte, Field(max_length=5000)] = Field(
        "", description="Obligatoire quand le code s'écarte de la proposition.")


class DecisionOut(Schema):
    etudiant: int
    niveau: str
    objet: str
    moyenne: float | None
    code_propose: str
    code_decide: str
    motif_jury: str
    motifs: list[Motif]
    decide_le: dt.datetime


class Compte(Schema):
    enregistrees: int


class Cloture(Schema):
    semestres: list[int]
    verrouille: bool


class ClotureIn(Schema):
    motifs: dict[Annotated[Texte, Field(max_length=120)], Annotated[Texte, Field(max_length=5000)]] = Field(
        default_factory=dict,
        description="Pour chaque point bloquant de la liste de contrôle (sa clé « cle ») que le président "
                    "choisit de passer outre : le motif écrit. Sans point bloquant, rien à donner.")


class PointBloquant(Schema):
    cle: str
    type: Literal["evaluation", "attente", "sans-decision", "ecart"]
    libelle: str
    lien: str
    etudiant: int | None
    evaluation: int | None


class ListeControle(Schema):
    semestre: int
    semestres: list[int]
    verrouille: bool
    bloquant: bool
    effectifs: dict[str, int]
    points: list[PointBloquant]


class ModuleEnseignants(Schema):
    module: str
    titre: str
    responsable: str | None = Field(None, description="Identifiant du responsable du module.")
    enseignants: list[str] = Field(default_factory=list, description="Identifiants des enseignants du module.")


class ModuleEnseignantsIn(Schema):
    responsable: Annotated[Texte, Field(max_length=150)] | None = None
    enseignants: list[Annotated[Texte, Field(max_length=150)]] = Field(default_factory=list, max_length=200)
