"""Creating, listing, revoking and checking API tokens. A token is ``dlb_`` followed by 43 random URL-safe
characters (256 bits): its SHA-256 is enough to store it (no salt is needed for a random secret), and the
token itself is never stored."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from delibe.api.models import ApiToken

PREFIX = "dlb_"
LAST_USED_EVERY = dt.timedelta(minutes=1)  # last_used is written at most once a minute per token


class TokenError(Exception):
    """A token command that cannot be done; the message (French) says why."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(*, username: str, name: str = "") -> tuple[ApiToken, str]:
    """A new token for the user ``username``: (the stored row, the token to show once)."""
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise TokenError(f"aucun utilisateur « {username} » : vérifiez l'identifiant (delibe manage createsuperuser "
                         "ou la page d'administration pour en créer un).")
    if not user.is_active:
        raise TokenError(f"le compte « {username} » est désactivé : réactivez-le avant de lui créer un jeton.")
    token = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken.objects.create(user=user, name=name.strip()[:100], token_hash=hash_token(token))
    return row, token


def revoke_token(token_id: int) -> ApiToken:
    row = ApiToken.objects.select_related("user").filter(pk=token_id).first()
    if row is None:
        raise TokenError(f"aucun jeton d'identifiant {token_id} : `delibe api token list` les affiche.")
    if row.revoked is None:
        row.revoked = timezone.now()
        row.save(update_fields=["revoked"])
    return row


def list_tokens(username: str | None = None) -> list[ApiToken]:
    qs = ApiToken.objects.select_related("user")
    if username:
        qs = qs.filter(user__username=username)
    return list(qs)


def authenticate(token: str) -> tuple[Any, ApiToken] | None:
    """(user, token row) for a valid, unrevoked token of an active user; None otherwise."""
    if not token or len(token) > 200:
        return None
    row = ApiToken.objects.select_related("user").filter(token_hash=hash_token(token), revoked__isnull=True).first()
    if row is None or not row.user.is_active:
        return None
    now = timezone.now()
    if row.last_used is None or now - row.last_used > LAST_USED_EVERY:
        ApiToken.objects.filter(pk=row.pk).update(last_used=now)
        row.last_used = now
    return row.user, row
