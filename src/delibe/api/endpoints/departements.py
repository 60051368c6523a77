"""Creating a department (administrator) and importing a formation into one (its scolarité or responsable
de formation): the services of the web pages « Créer un département » and « Importer une formation »
(issue 13). A formation is previewed unless ``confirmer`` is true; storing is all or nothing."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import Field

from delibe.api.endpoints.common import Id, refusal, responses
from delibe.api.schemas import Texte
from delibe.formations.yamlread import MAX_BYTES
from delibe.web import permissions as perm
from delibe.web.models import Department
from delibe.web.services import formations as service
from delibe.web.services.departements import DepartmentError, create_department
from delibe.web.services.department_settings import FIELDS, SettingsError, row_state, save_settings

router = Router(tags=["départements"])


class DepartementIn(Schema):
    code: Annotated[Texte, Field(max_length=40, description="Lettres minuscules, chiffres et tirets.")]
    nom: Annotated[Texte, Field(max_length=200)]


class DepartementOut(Schema):
    id: int
    code: str
    nom: str


class FormationIn(Schema):
    texte: Annotated[Texte, Field(max_length=MAX_BYTES, description="Le fichier de formation (YAML, au "
                                                                     "format des programmes fournis avec Délibé).")]
    fichier: Annotated[Texte, Field(max_length=200)] = Field("formation.yaml",
                                                             description="Nom du fichier, cité par les erreurs.")
    confirmer: bool = Field(False, description="Enregistrer ; sinon, seulement l'aperçu.")


class SemestreFormation(Schema):
    semestre: int
    ues: int
    modules: int


class FormationApercu(Schema):
    identifiant: str
    titre: str
    version: int
    parcours: list[str]
    semestres: list[SemestreFormation]
    ues: int
    modules: int
    effet: str = Field(description="Ce que fait (ou a fait) l'enregistrement.")
    enregistree: int | None = Field(None, description="Identifiant de la version enregistrée (si confirmer).")


@router.post("/departements", response=responses(DepartementOut, 201), summary="Créer un département (administrateur)")
def creer(request: HttpRequest, payload: DepartementIn) -> Any:
    perm.require(perm.can_create_department(request.user), "Seul un administrateur crée un département.")
    try:
        department = create_department(user=request.user, code=payload.code, nom=payload.nom)
    except DepartmentError as error:
        raise refusal(422, str(error)) from None
    return Status(201, {"id": department.pk, "code": department.code, "nom": department.nom})


@router.post("/departements/{id}/formations", response={**responses(FormationApercu), 201: FormationApercu},
             summary="Importer une formation dans un département (aperçu, ou enregistrement avec confirmer)",
             description="Refusé (422, « erreurs » avec leur fichier, ligne et champ) si le fichier ne se charge "
                         "pas. Une version utilisée par un semestre verrouillé n'est jamais modifiée : le fichier "
                         "devient la version suivante.")
def importer_formation(request: HttpRequest, id: Id, payload: FormationIn) -> Any:
    department = get_object_or_404(Department, pk=id)
    perm.require_visible(perm.can_view_department(request.user, department.pk))
    perm.require(perm.can_import_formation(request.user, department.pk),
                 "Les formations sont importées par la scolarité ou le responsable de formation du département.")
    preview = service.preview_formation(department, payload.texte, payload.fichier)
    if not preview.ok:
        raise refusal(422, f"{payload.fichier} refusé ; rien n'a été enregistré.", erreurs=[{"message": e} for e in preview.errors])
    body: dict[str, Any] = {
        "identifiant": preview.slug, "titre": preview.titre, "version": preview.version,
        "parcours": [code for code, _ in preview.parcours],
        "semestres": [{"semestre": s.numero, "ues": s.ues, "modules": s.modules} for s in preview.semestres],
        "ues": preview.ues, "modules": preview.modules, "effet": preview.outcome, "enregistree": None,
    }
    if not payload.confirmer:
        return body
    try:
        version = service.import_formation(user=request.user, department=department, text=preview.text,
                                           filename=payload.fichier)
    except service.FormationLoadError as error:
        raise refusal(422, str(error)) from None
    return Status(201, {**body, "version": version.version, "enregistree": version.pk})


# --- the department's dated settings (issue 13, item 7): the service of the page « Réglages » -----------

class ReglagesIn(Schema):
    applique_a_partir_du: Annotated[Texte, Field(max_length=10)] = Field(description="Date (AAAA-MM-JJ) à partir de laquelle ces réglages "
                                                  "s'appliquent ; une date qui a déjà des réglages les remplace.")
    valeurs: dict[str, Any] = Field(default_factory=dict, description="Champs à changer (les autres gardent la "
                                    "valeur en vigueur à cette date) : " + ", ".join(FIELDS) + ".")
    logo: Annotated[Texte, Field(max_length=800_000)] | None = Field(
        None, description="Nouveau logo PNG ou JPEG, en base64 (512 Ko au plus).")
    supprimer_logo: bool = False


@router.get("/departements/{id}/reglages", response=responses(list[dict[str, Any]]),
            summary="Les réglages datés du département (scolarité, responsable, président)",
            description="Chaque ligne : `applique_a_partir_du`, les champs, `logo` (empreinte, ou null). Aucun chemin "
                        "de fichier du serveur.")
def lire_reglages(request: HttpRequest, id: Id) -> Any:
    from delibe.web.models import DepartmentSettings

    department = get_object_or_404(Department, pk=id)
    perm.require_visible(perm.can_view_department(request.user, department.pk))
    perm.require(perm.can_view_department_settings(request.user, department.pk))
    return [row_state(r) for r in DepartmentSettings.objects.filter(department=department).order_by("applies_from")]


@router.post("/departements/{id}/reglages", response=responses(dict[str, Any]),
             summary="Enregistrer des réglages datés (scolarité du département, administrateur)",
             description="422 (en français, le champ nommé) : champ inconnu, texte trop long, date manquante, date "
                         "d'avant un jury clos, logo illisible ou trop grand.")
def ecrire_reglages(request: HttpRequest, id: Id, payload: ReglagesIn) -> Any:
    import base64
    import binascii
    import datetime as dt

    department = get_object_or_404(Department, pk=id)
    perm.require_visible(perm.can_view_department(request.user, department.pk))
    perm.require(perm.can_edit_department_settings(request.user, department.pk),
                 "Seuls la scolarité du département et l'administrateur modifient ses réglages.")
    try:
        day = dt.date.fromisoformat(str(payload.applique_a_partir_du))
    except ValueError:
        raise refusal(422, "applique_a_partir_du : une date AAAA-MM-JJ est obligatoire.") from None
    logo = None
    if payload.logo:
        try:
            logo = base64.b64decode(payload.logo, validate=True)
        except (binascii.Error, ValueError):
            raise refusal(422, "logo : base64 illisible ; envoyez l'image PNG ou JPEG encodée en base64.") from None
    try:
        row = save_settings(actor=request.user, department=department, applies_from=day, values=payload.valeurs,
                            logo=logo, remove_logo=payload.supprimer_logo)
    except SettingsError as error:
        raise refusal(422, str(error)) from None
    return row_state(row)
