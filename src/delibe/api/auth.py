"""Who calls the API: a bearer token (``Authorization: Bearer dlb_…``), or the Django session of a user
logged in the browser (reads freely; a write must carry the CSRF token, as the web forms do).

Both set ``request.user``, so that the permissions of the web (``delibe.web.permissions``) and the audit
trail see the same user."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from delibe.api import tokens
from delibe.web.audit import context as audit_context

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <jeton>`` (see ``delibe api token create``)."""

    openapi_bearerFormat = "jeton Délibé (dlb_…)"

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = tokens.authenticate(token)
        if found is None:
            return None
        user, row = found
        request.user = user
        request.api_token = row  # type: ignore[attr-defined]  # read by the endpoints; HttpRequest declares no such field
        return user


class SessionAuth(APIKeyCookie):
    """The browser's Django session (cookie ``sessionid``): any read; a write only with the CSRF token
    (header ``X-CSRFToken``). Ignored when an ``Authorization`` header is sent."""

    param_name = "sessionid"

    def __init__(self) -> None:
        super().__init__(csrf=False)  # checked below, for writes only, and only for a session user
        self.csrf = True  # read by ninja's docs page: it then sends the CSRF token with the « Try it out » writes

    def _get_key(self, request: HttpRequest) -> str | None:
        if "Authorization" in request.headers:
            return None
        key: str | None = request.COOKIES.get(self.param_name)
        return key

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if not key or user is None or not user.is_authenticated:
            return None
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            raise HttpError(403, "Jeton CSRF absent ou invalide : une écriture par la session du navigateur doit "
                                 "envoyer l'en-tête X-CSRFToken (ou utilisez un jeton d'API).")
        return user


AUTH = [TokenAuth(), SessionAuth()]


def audit_session(request: HttpRequest) -> str:
    """The grade-entry session of API writes: one per token (or browser session) and day, so that a day's
    work of a script can be undone as a whole from the journal."""
    user = getattr(request, "user", None)
    row = getattr(request, "api_token", None)
    suffix = f"t{row.pk}" if row is not None else (audit_context.current().session.rsplit("-", 1)[-1] or "s")
    return f"api-{getattr(user, 'pk', '')}-{timezone.localdate():%Y%m%d}-{suffix}"
