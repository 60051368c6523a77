"""Accounts and roles (issue 13, item 2): the services of the page « Personnes »
(``web/services/accounts.py``) with its rights — an administrator everywhere, the scolarité of a department
for the accounts that have a role there (and only the roles of its departments). Every change is journaled
with the channel « api »."""

from __future__ import annotations

from typing import Annotated, Any

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.responses import Status
from pydantic import Field

from delibe.api.endpoints.common import Id, refusal, responses
from delibe.api.schemas import Texte
from delibe.web import permissions as perm
from delibe.web.models import Membership
from delibe.web.services import accounts

router = Router(tags=["comptes"])

MANAGERS_ONLY = "Seuls l'administrateur et la scolarité gèrent les comptes et les rôles."


class RoleOut(Schema):
    id: int = Field(description="Identifiant du rôle (pour le retirer).")
    role: str
    departement: int | None = Field(description="Identifiant du département ; null : tous (administrateur).")
    departement_code: str | None


class CompteOut(Schema):
    id: int
    identifiant: str
    prenom: str
    nom: str
    courriel: str
    actif: bool
    roles: list[RoleOut]


class CompteIn(Schema):
    identifiant: Annotated[Texte, Field(max_length=150, description="Sans espace, ex. « jdupont ».")]
    courriel: Annotated[Texte, Field(max_length=254)]
    role: Annotated[Texte, Field(max_length=20, description="admin, scolarite, responsable, enseignant, "
                                                              "president ou etudiant.")]
    departement: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = Field(
        None, description="Département du rôle (sans objet pour admin).")
    prenom: Annotated[Texte, Field(max_length=150)] = ""
    nom: Annotated[Texte, Field(max_length=150)] = ""
    inviter: bool = Field(False, description="Envoyer aussitôt l'invitation à choisir un mot de passe.")


class CompteCree(CompteOut):
    lien_invitation: str = Field("", description="Le lien envoyé (si inviter).")
    invitation: str = Field("", description="Pourquoi l'invitation n'est pas partie, le cas échéant.")


class RolesIn(Schema):
    role: Annotated[Texte, Field(max_length=20)]
    departements: list[Annotated[int, Field(ge=1, le=2**31 - 1)]] = Field(
        default_factory=list, max_length=200, description="Départements (vide pour admin). Tout ou rien.")


class ActivationIn(Schema):
    actif: bool
    motif: Annotated[Texte, Field(max_length=500)] = ""


class Invitation(Schema):
    lien: str


def _out(user: Any) -> dict[str, Any]:
    return {"id": user.pk, "identifiant": user.username, "prenom": user.first_name, "nom": user.last_name,
            "courriel": user.email, "actif": user.is_active,
            "roles": [{"id": m.pk, "role": m.role, "departement": m.department_id,
                       "departement_code": m.department.code if m.department else None}
                      for m in user.memberships.select_related("department").order_by("department__code", "role")]}


def _managers_only(request: HttpRequest) -> None:
    perm.require(perm.can_manage_people(request.user), MANAGERS_ONLY)


def _target(request: HttpRequest, id: int) -> Any:
    _managers_only(request)
    target = get_object_or_404(get_user_model(), pk=id)
    perm.require_visible(perm.can_see_account(request.user, target))
    return target


@router.get("/comptes", response=responses(list[CompteOut]),
            summary="Comptes (administrateur : tous ; scolarité : ceux qui ont un rôle dans ses départements)")
def lister_comptes(
    request: HttpRequest,
    q: Annotated[Texte, Field(max_length=100)] = Query("", description="Identifiant, nom ou courriel (contient)."),  # noqa: B008 (ninja reads parameters from Query() defaults)
    departement: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = None,
) -> Any:
    _managers_only(request)
    users = get_user_model().objects.order_by("username").prefetch_related(
        Prefetch("memberships", queryset=Membership.objects.select_related("department")))
    if not perm.roles_of(request.user).admin:
        users = users.filter(memberships__department__in=perm.people_departments(request.user)).distinct()
    if departement is not None:
        users = users.filter(memberships__department_id=departement).distinct()
    query = q.strip()
    if query:
        users = users.filter(Q(username__icontains=query) | Q(last_name__icontains=query) | Q(email__icontains=query))
    return [_out(u) for u in users[:1000]]


@router.get("/comptes/{id}", response=responses(CompteOut), summary="Un compte et ses rôles")
def lire_compte(request: HttpRequest, id: Id) -> Any:
    return _out(_target(request, id))


@router.post("/comptes", response=responses(CompteCree, 201),
             summary="Créer un compte avec son premier rôle (administrateur ; scolarité dans son département)",
             description="Le compte n'a pas de mot de passe : son titulaire le choisit par l'invitation "
                         "(`inviter`, ou `POST /comptes/{id}/invitation`). Refusé (422) : identifiant pris ou "
                         "mal écrit, courriel invalide, rôle inconnu, département manquant ; 403 : un rôle "
                         "ou un département que vous ne gérez pas.")
def creer_compte(request: HttpRequest, body: CompteIn) -> Any:
    _managers_only(request)
    try:
        user = accounts.create_account(actor=request.user, username=body.identifiant, email=body.courriel,
                                       first_name=body.prenom, last_name=body.nom, department_id=body.departement,
                                       role=body.role)
    except accounts.AccountError as error:
        raise refusal(422, str(error)) from None
    result = {**_out(user), "lien_invitation": "", "invitation": ""}
    if body.inviter:
        try:
            result["lien_invitation"] = accounts.invite(actor=request.user, user=user, request=request)
        except accounts.InvitationNotSent as error:
            result["lien_invitation"], result["invitation"] = error.link, str(error)
        except accounts.AccountError as error:
            result["invitation"] = str(error)
    return Status(201, result)


@router.post("/comptes/{id}/invitation", response={**responses(Invitation), 502: dict[str, str]},
             summary="Envoyer (à nouveau) l'invitation à choisir un mot de passe ; renvoie le lien",
             description="502 si le serveur de courrier refuse : le lien (`lien`) marche quand même, "
                         "transmettez-le à la personne.")
def inviter_compte(request: HttpRequest, id: Id) -> Any:
    target = _target(request, id)
    try:
        return {"lien": accounts.invite(actor=request.user, user=target, request=request)}
    except accounts.InvitationNotSent as error:
        raise refusal(502, str(error), lien=error.link) from None
    except accounts.AccountError as error:
        raise refusal(422, str(error)) from None


@router.post("/comptes/{id}/activation", response=responses(CompteOut),
             summary="Désactiver (actif: false) ou réactiver un compte",
             description="Un compte désactivé ne se connecte plus et ses jetons d'API ne servent plus ; rien de "
                         "ce qu'il a fait n'est effacé. 403 : un compte qui a un rôle dans un département que vous "
                         "ne gérez pas, ou le vôtre.")
def activer_compte(request: HttpRequest, id: Id, body: ActivationIn) -> Any:
    target = _target(request, id)
    accounts.set_active(actor=request.user, user=target, active=body.actif, reason=body.motif)
    return _out(target)


@router.post("/comptes/{id}/roles", response=responses(CompteOut),
             summary="Donner un rôle dans un ou plusieurs départements (tout ou rien)")
def donner_role(request: HttpRequest, id: Id, body: RolesIn) -> Any:
    target = _target(request, id)
    try:
        accounts.grant_roles(actor=request.user, user=target, role=body.role,
                             department_ids=body.departements or [None])
    except accounts.AccountError as error:
        raise refusal(422, str(error)) from None
    return _out(target)


@router.delete("/comptes/{id}/roles/{role_id}", response=responses(CompteOut), summary="Retirer un rôle")
def retirer_role(request: HttpRequest, id: Id, role_id: Id) -> Any:
    target = _target(request, id)
    membership = get_object_or_404(Membership.objects.select_related("department", "user"), pk=role_id, user=target)
    try:
        accounts.revoke_role(actor=request.user, membership=membership)
    except accounts.AccountError as error:
        raise refusal(422, str(error)) from None
    return _out(target)
