"""Accounts and roles (issue 13, item 2): create an account, invite its owner to choose a password,
deactivate or reactivate it, give and remove roles in one or several departments.

Every function checks the actor's permission (``delibe.web.permissions``), runs in one transaction and
writes the journal: a change is never committed without its record. ``actor=None`` is the command line
(``delibe comptes``), run by the server's operator, who has every right; the pages and the API always pass
the signed-in account. Errors are ``AccountError`` (a French
message naming the field) or ``PermissionDenied``.
"""

from __future__ import annotations

from collections.abc import Iterable
from smtplib import SMTPException
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from delibe.web import permissions as perm
from delibe.web.audit import services as audit
from delibe.web.audit.models import Action, ObjectType
from delibe.web.models import Department, Membership, Role

USERNAME_MAX = 150


class AccountError(Exception):
    """An account change that cannot be done; the message (French) says which field and how to fix it."""


class InvitationNotSent(AccountError):
    """The mail server refused the invitation; the link still works and is in the message."""

    def __init__(self, link: str, message: str) -> None:
        super().__init__(message)
        self.link = link


def account_state(user: Any) -> dict[str, Any]:
    return {"username": user.username, "nom": user.last_name, "prenom": user.first_name, "courriel": user.email,
            "actif": user.is_active}


def _role_label(role: str) -> str:
    return str(dict(Role.choices).get(role, role))


def _department_of(department_id: int | None) -> Department | None:
    if department_id is None:
        return None
    department = Department.objects.filter(pk=department_id).first()
    if department is None:
        raise AccountError(f"Département n° {department_id} inconnu : choisissez-en un dans la liste.")
    return department


@transaction.atomic
def create_account(*, actor: Any, username: str, email: str, first_name: str = "", last_name: str = "",
                   department_id: int | None, role: str) -> Any:
    """A new account without password (its owner chooses it through the invitation) with one first role.
    The account is created only together with its role: an account nobody manages is never left behind."""
    username = username.strip()
    email = email.strip()
    if not username:
        raise AccountError("Identifiant : obligatoire (ex. « jdupont »).")
    if len(username) > USERNAME_MAX or any(c.isspace() for c in username):
        raise AccountError(f"Identifiant « {username[:40]} » : sans espace, {USERNAME_MAX} caractères au plus.")
    try:
        validate_email(email)
    except ValidationError:
        raise AccountError(f"Courriel « {email[:80]} » invalide : l'invitation y sera envoyée.") from None
    if role not in Role.values:
        raise AccountError(f"Rôle « {role} » inconnu : {', '.join(Role.values)}.")
    if role != Role.ADMIN and department_id is None:
        raise AccountError(f"Département : obligatoire pour le rôle {_role_label(role)}.")
    if actor is not None and not perm.can_grant_role(actor, department_id, role):
        raise perm.PermissionDenied("Vous ne pouvez pas donner ce rôle dans ce département.")
    User = get_user_model()
    if User.objects.filter(username__iexact=username).exists():
        raise AccountError(f"Identifiant « {username} » : déjà pris ; choisissez-en un autre ou donnez un rôle "
                           "au compte existant.")
    user = User(username=username, email=email, first_name=first_name.strip()[:150],
                last_name=last_name.strip()[:150], is_active=True)
    user.set_unusable_password()
    user.save()
    department = _department_of(department_id)
    audit.record(user=actor, action=Action.CREATE, object_type=ObjectType.ACCOUNT, object_id=user.pk,
                 new=account_state(user), department_id=department_id,
                 summary=f"Compte « {user.username} » créé")
    _grant(actor, user, department, role)
    return user


def _grant(actor: Any, user: Any, department: Department | None, role: str) -> bool:
    if role == Role.ADMIN:
        department = None
    membership, created = Membership.objects.get_or_create(user=user, department=department, role=role)
    if created:
        audit.record(user=actor, action=Action.CREATE, object_type=ObjectType.MEMBERSHIP, object_id=membership.pk,
                     new={"compte": user.username, "departement": department.code if department else None,
                          "role": role},
                     department_id=department.pk if department else None,
                     summary=f"Rôle {_role_label(role)} donné à « {user.username} »"
                             f"{f' ({department.code})' if department else ' (tous les départements)'}")
    return created


@transaction.atomic
def grant_roles(*, actor: Any, user: Any, role: str, department_ids: Iterable[int | None]) -> int:
    """Gives ``role`` to ``user`` in each department listed (all or nothing). Returns the number of roles
    added (a role already held is not an error)."""
    if role not in Role.values:
        raise AccountError(f"Rôle « {role} » inconnu : {', '.join(Role.values)}.")
    ids = list(dict.fromkeys(department_ids))
    if role == Role.ADMIN:
        ids = [None]
    elif None in ids:
        raise AccountError(f"Départements : le rôle {_role_label(role)} se donne dans un département.")
    if not ids:
        raise AccountError("Départements : cochez-en au moins un.")
    added = 0
    for department_id in ids:
        if actor is not None and not perm.can_grant_role(actor, department_id, role):
            raise perm.PermissionDenied("Vous ne pouvez pas donner ce rôle dans ce département.")
        added += _grant(actor, user, _department_of(department_id), role)
    return added


@transaction.atomic
def revoke_role(*, actor: Any, membership: Membership) -> None:
    if actor is not None and not perm.can_grant_role(actor, membership.department_id, membership.role):
        raise perm.PermissionDenied("Vous ne pouvez pas retirer ce rôle.")
    if membership.user_id == getattr(actor, "pk", None) and membership.role in (Role.ADMIN, Role.SCOLARITE):
        raise AccountError("Vous ne pouvez pas retirer votre propre rôle de gestion : demandez-le à un autre "
                           "administrateur.")
    state = {"compte": membership.user.username,
             "departement": membership.department.code if membership.department else None,
             "role": membership.role}
    pk = membership.pk
    membership.delete()
    audit.record(user=actor, action=Action.DELETE, object_type=ObjectType.MEMBERSHIP, object_id=pk, old=state,
                 department_id=membership.department_id,
                 summary=f"Rôle {_role_label(state['role'])} retiré à « {state['compte']} »")


@transaction.atomic
def set_active(*, actor: Any, user: Any, active: bool, reason: str = "") -> None:
    """Deactivate (the person can no longer log in nor use an API token; nothing they did is erased) or
    reactivate an account."""
    if actor is not None and not perm.can_manage_account(actor, user):
        raise perm.PermissionDenied("Vous ne pouvez pas modifier ce compte : il a un rôle dans un département "
                                    "que vous ne gérez pas (ou c'est le vôtre).")
    if user.is_active == active:
        return
    before = account_state(user)
    user.is_active = active
    user.save(update_fields=["is_active"])
    departments = list(user.memberships.values_list("department_id", flat=True))
    audit.record(user=actor, action=Action.UPDATE, object_type=ObjectType.ACCOUNT, object_id=user.pk, old=before,
                 new=account_state(user), reason=reason,
                 department_id=departments[0] if len(departments) == 1 else None,
                 summary=f"Compte « {user.username} » {'réactivé' if active else 'désactivé'}")


def invitation_link(user: Any, request: Any) -> str:
    """The one-time link where ``user`` chooses a password (Django's password-reset token: it stops working
    once the password is set, or after PASSWORD_RESET_TIMEOUT)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    path = reverse("delibe:invitation", kwargs={"uidb64": uid, "token": default_token_generator.make_token(user)})
    return request.build_absolute_uri(path) if request is not None else path


def send_invitation(user: Any, request: Any) -> str:
    """Sends the invitation by email (Django's email API: the configured backend) and returns the link, so
    that the page can also show it to whoever creates the account. The one place that sends it."""
    if not user.email:
        raise AccountError(f"Le compte « {user.username} » n'a pas de courriel : ajoutez-en un pour l'inviter.")
    link = invitation_link(user, request)
    from django.core.mail import EmailMessage

    from delibe.web.mail.services import FOOTER, envelope

    departments = {d for d in user.memberships.values_list("department_id", flat=True) if d is not None}
    env = envelope(departments.pop() if len(departments) == 1 else None)  # the department's sender, if one
    footer = "" if env.footer == FOOTER else f"\n{env.footer}\n"
    try:
        EmailMessage(
            subject="Délibé : votre compte",
            body=(f"Bonjour,\n\nUn compte Délibé a été créé pour vous (identifiant : {user.username}).\n"
                  f"Choisissez votre mot de passe en suivant ce lien, valable une seule fois :\n\n{link}\n\n"
                  f"Si vous n'attendiez pas ce message, ignorez-le.\n{footer}"),
            from_email=env.from_email, to=[user.email], reply_to=env.reply_to,
        ).send()
    except (OSError, SMTPException) as exc:
        raise InvitationNotSent(link, f"Le courriel d'invitation à {user.email} n'est pas parti ({exc}) : "
                                      f"transmettez ce lien à la personne : {link}") from None
    return link


@transaction.atomic
def invite(*, actor: Any, user: Any, request: Any) -> str:
    """Sends (or sends again) the invitation, journalled."""
    if actor is not None and not perm.can_manage_account(actor, user) and not perm.roles_of(actor).admin:
        raise perm.PermissionDenied("Vous ne pouvez pas inviter ce compte.")
    link = send_invitation(user, request)
    audit.record(user=actor, action=Action.UPDATE, object_type=ObjectType.ACCOUNT, object_id=user.pk,
                 summary=f"Invitation envoyée à « {user.username} » ({user.email})")
    return link
