"""``delibe comptes``: accounts and roles from a script (issue 13, item 2) — list, create, invite,
deactivate or reactivate, give or remove a role in a department. The same services as the page
« Personnes » and the API (``web/services/accounts.py``), journaled with the channel « cli ». The command
line is run by the server's operator: it has an administrator's rights."""

from __future__ import annotations

import json
from typing import Any

import click

from delibe.cli.interop import _fail, _setup

ROLES = ("admin", "scolarite", "responsable", "enseignant", "president", "etudiant")


@click.group()
def comptes() -> None:
    """Comptes et rôles : lister, créer, inviter, désactiver, donner ou retirer un rôle."""


def _account(username: str) -> Any:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username__iexact=username.strip()).first()
    if user is None:
        _fail(f"aucun compte d'identifiant « {username} » (delibe comptes lister).")
    return user


def _department_id(code: str) -> int | None:
    from delibe.web.models import Department

    if not code:
        return None
    department = Department.objects.filter(code=code.strip()).first()
    if department is None:
        codes = ", ".join(Department.objects.values_list("code", flat=True)) or "aucun"
        _fail(f"aucun département de code « {code} » (départements : {codes}).")
    return department.pk


class _Site:
    """What ``accounts.invitation_link`` needs of a request: the site's address, given on the command line."""

    def __init__(self, address: str) -> None:
        self.address = address.rstrip("/")

    def build_absolute_uri(self, path: str) -> str:
        return f"{self.address}{path}"


def _site(address: str) -> Any:
    if not address:
        return None
    if not address.startswith(("http://", "https://")):
        _fail(f"--adresse « {address} » : écrivez l'adresse du site, par exemple https://delibe.iut.example.fr")
    return _Site(address)


ADRESSE = click.option("--adresse", default="", metavar="URL",
                       help="Adresse du site (https://…), pour un lien d'invitation complet ; sinon le chemin seul.")


def _roles_of(user: Any) -> list[str]:
    return sorted(f"{m.role}@{m.department.code if m.department else '*'}"
                  for m in user.memberships.select_related("department"))


@comptes.command("lister")
@click.option("--departement", "code", default="", metavar="CODE", help="Seulement les comptes ayant un rôle dans ce département.")
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON (mêmes champs que l'API).")
def lister(code: str, as_json: bool) -> None:
    """Lister les comptes, avec leurs rôles (rôle@département ; * : tous les départements)."""
    _setup()
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.order_by("username").prefetch_related("memberships__department")
    department_id = _department_id(code)
    if department_id is not None:
        users = users.filter(memberships__department_id=department_id).distinct()
    rows = [{"identifiant": u.username, "nom": u.last_name, "prenom": u.first_name, "courriel": u.email,
             "actif": u.is_active, "roles": _roles_of(u)} for u in users]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for r in rows:
        click.echo(f"{r['identifiant']}\t{r['prenom']} {r['nom']}\t{r['courriel']}\t"
                   f"{'actif' if r['actif'] else 'désactivé'}\t{', '.join(r['roles']) or '—'}")


@comptes.command("creer")
@click.argument("identifiant")
@click.option("--courriel", required=True, metavar="ADRESSE", help="Où l'invitation est envoyée.")
@click.option("--role", type=click.Choice(ROLES), required=True, help="Le premier rôle du compte.")
@click.option("--departement", "code", default="", metavar="CODE", help="Département du rôle (sauf admin).")
@click.option("--prenom", default="", help="Prénom.")
@click.option("--nom", default="", help="Nom.")
@click.option("--inviter", is_flag=True, help="Envoyer aussitôt l'invitation à choisir un mot de passe.")
@ADRESSE
def creer(identifiant: str, courriel: str, role: str, code: str, prenom: str, nom: str, inviter: bool,
          adresse: str) -> None:
    """Créer un compte sans mot de passe, avec son premier rôle (son titulaire le choisit par l'invitation)."""
    _setup()
    from delibe.web.audit.context import using
    from delibe.web.services import accounts

    with using(channel="cli"):
        try:
            user = accounts.create_account(actor=None, username=identifiant, email=courriel, first_name=prenom,
                                           last_name=nom, department_id=_department_id(code), role=role)
        except accounts.AccountError as error:
            _fail(str(error))
        click.echo(f"Compte « {user.username} » créé ({role}{f' en {code}' if code else ''}).")
        if inviter:
            _invite(user, adresse)


def _invite(user: Any, adresse: str) -> None:
    from delibe.web.services import accounts

    try:
        link = accounts.invite(actor=None, user=user, request=_site(adresse))
    except accounts.InvitationNotSent as error:
        click.echo(f"Attention : {error}", err=True)
        raise SystemExit(1) from None
    except accounts.AccountError as error:
        _fail(str(error))
    click.echo(f"Invitation envoyée à {user.email} : {link}")


@comptes.command("inviter")
@click.argument("identifiant")
@ADRESSE
def inviter(identifiant: str, adresse: str) -> None:
    """Envoyer (à nouveau) l'invitation à choisir un mot de passe ; affiche aussi le lien."""
    _setup()
    from delibe.web.audit.context import using

    user = _account(identifiant)
    with using(channel="cli"):
        _invite(user, adresse)


def _set_active(identifiant: str, active: bool, motif: str) -> None:
    _setup()
    from delibe.web.audit.context import using
    from delibe.web.services import accounts

    user = _account(identifiant)
    with using(channel="cli"):
        accounts.set_active(actor=None, user=user, active=active, reason=motif)
    click.echo(f"Compte « {user.username} » {'réactivé' if active else 'désactivé'}.")


@comptes.command("desactiver")
@click.argument("identifiant")
@click.option("--motif", default="", metavar="TEXTE", help="Motif, écrit au journal.")
def desactiver(identifiant: str, motif: str) -> None:
    """Désactiver un compte : plus de connexion ni de jeton d'API ; rien de ce qu'il a fait n'est effacé."""
    _set_active(identifiant, False, motif)


@comptes.command("reactiver")
@click.argument("identifiant")
@click.option("--motif", default="", metavar="TEXTE", help="Motif, écrit au journal.")
def reactiver(identifiant: str, motif: str) -> None:
    """Réactiver un compte désactivé."""
    _set_active(identifiant, True, motif)


@comptes.command("donner-role")
@click.argument("identifiant")
@click.option("--role", type=click.Choice(ROLES), required=True, help="Le rôle à donner.")
@click.option("--departement", "codes", multiple=True, metavar="CODE",
              help="Département (répétable : --departement mmi --departement geii) ; aucun pour admin.")
def donner_role(identifiant: str, role: str, codes: tuple[str, ...]) -> None:
    """Donner un rôle dans un ou plusieurs départements (tout ou rien)."""
    _setup()
    from delibe.web.audit.context import using
    from delibe.web.services import accounts

    user = _account(identifiant)
    ids = [_department_id(c) for c in codes] or [None]
    with using(channel="cli"):
        try:
            added = accounts.grant_roles(actor=None, user=user, role=role, department_ids=ids)
        except accounts.AccountError as error:
            _fail(str(error))
    click.echo(f"« {user.username} » : {added} rôle(s) ajouté(s) ; rôles : {', '.join(_roles_of(user))}.")


@comptes.command("retirer-role")
@click.argument("identifiant")
@click.option("--role", type=click.Choice(ROLES), required=True, help="Le rôle à retirer.")
@click.option("--departement", "code", default="", metavar="CODE", help="Son département (aucun pour admin).")
def retirer_role(identifiant: str, role: str, code: str) -> None:
    """Retirer un rôle d'un compte dans un département."""
    _setup()
    from delibe.web.audit.context import using
    from delibe.web.models import Membership
    from delibe.web.services import accounts

    user = _account(identifiant)
    membership = Membership.objects.select_related("user", "department").filter(
        user=user, role=role, department_id=_department_id(code)).first()
    if membership is None:
        _fail(f"« {user.username} » n'a pas le rôle {role}{f' en {code}' if code else ''} "
              f"(rôles : {', '.join(_roles_of(user)) or 'aucun'}).")
    with using(channel="cli"):
        try:
            accounts.revoke_role(actor=None, membership=membership)
        except accounts.AccountError as error:
            _fail(str(error))
    click.echo(f"« {user.username} » : rôle {role}{f' en {code}' if code else ''} retiré.")
