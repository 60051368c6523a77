"""Sign-in through an OpenID Connect provider (mozilla-django-oidc), the same way as CAS: on when
``DELIBE_OIDC_CLIENT_ID`` and the provider's endpoints are set; the account is the one whose
:class:`~delibe.web.comptes.models.OidcAccount` carries the claim ``DELIBE_OIDC_CLAIM`` of the ID token
(``sub`` by default); never creates an account; a refusal leaves its reason on the request for the French
page (``comptes/refus.html``).

What the library leaves out and this backend adds: the ID token's audience (our client id), its issuer
(when ``DELIBE_OIDC_ISSUER`` is set), ``exp``/``iat``/``sub`` required and checked, the userinfo's ``sub``
equal to the ID token's (OpenID Connect Core § 5.3.2), and every failure of the exchange (the token
endpoint refusing the code, an unreachable provider, a forged or expired token) turned into a refusal
instead of an error page."""

from __future__ import annotations

import logging
import urllib.parse
from typing import Any

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.db.models import QuerySet
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

logger = logging.getLogger("delibe.oidc")

REFUSAL = "delibe_oidc_refusal"  # request attribute: ("jeton", reason) or ("unknown"/"inactive", identifier)
SESSION_FLAG = "delibe_oidc"  # in the session of a sign-in by OpenID Connect (its ID token, for the logout)
LEEWAY_SECONDS = 60  # clock difference tolerated between the provider and Délibé


def enabled() -> bool:
    return bool(getattr(settings, "OIDC_RP_CLIENT_ID", "") and getattr(settings, "OIDC_OP_AUTHORIZATION_ENDPOINT", ""))


def claim_name() -> str:
    return str(getattr(settings, "DELIBE_OIDC_CLAIM", "sub") or "sub")


def normalised(value: str, claim: str | None = None) -> str:
    """``sub`` is compared exactly (the provider's opaque identifier); any other claim without case."""
    text = str(value).strip()
    return text if (claim or claim_name()) == "sub" else text.lower()


def _refuse(request: Any, kind: str, detail: str) -> None:
    if request is not None:
        setattr(request, REFUSAL, (kind, detail))


class UniversityOIDCBackend(OIDCAuthenticationBackend):  # type: ignore[misc]  # (the library is untyped)
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.misconfigured = ""
        if enabled():
            try:
                super().__init__(*args, **kwargs)
            except ImproperlyConfigured as error:  # the password logins must keep working meanwhile
                logger.error("OpenID Connect misconfigured: %s", error)
                self.misconfigured = str(error)
        self.UserModel = get_user_model()

    def authenticate(self, request: Any, **kwargs: Any) -> Any:
        if not enabled() or "nonce" not in kwargs:  # only the callback of an OpenID Connect sign-in
            return None
        if self.misconfigured:
            _refuse(request, "jeton", f"configuration OpenID Connect incomplète : {self.misconfigured}")
            return None
        try:
            return super().authenticate(request, **kwargs)
        except (SuspiciousOperation, requests.RequestException, ValueError, KeyError) as error:
            logger.warning("OpenID Connect sign-in refused: %s", error)
            if not hasattr(request, REFUSAL):
                _refuse(request, "jeton", str(error))
            return None

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        self._check_algorithm(token)  # before looking for its key
        payload: dict[str, Any] = super().verify_token(token, **kwargs)
        return payload

    def _check_algorithm(self, token: str) -> None:
        """The algorithm configured only: no « none », no switch from RS256 to HS256 (the client secret)."""
        try:
            alg = jwt.get_unverified_header(token).get("alg")
        except jwt.InvalidTokenError as error:
            raise SuspiciousOperation(f"jeton illisible ({error})") from None
        if alg != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation(f"algorithme {alg!r} au lieu de {self.OIDC_RP_SIGN_ALGO!r}")

    def _verify_jws(self, payload: str, key: Any) -> dict[str, Any]:
        """The signature with the algorithm configured, then audience, issuer and dates."""
        self._check_algorithm(payload)
        issuer = getattr(settings, "DELIBE_OIDC_ISSUER", "") or None
        try:
            decoded: dict[str, Any] = jwt.decode(
                payload, key, algorithms=[self.OIDC_RP_SIGN_ALGO], audience=self.OIDC_RP_CLIENT_ID, issuer=issuer,
                leeway=LEEWAY_SECONDS, options={"require": ["exp", "iat", "sub", "aud"]})
        except jwt.ExpiredSignatureError:
            raise SuspiciousOperation("jeton expiré") from None
        except jwt.InvalidTokenError as error:
            raise SuspiciousOperation(f"jeton refusé ({type(error).__name__} : {error})") from None
        return decoded

    def get_userinfo(self, access_token: str, id_token: str, payload: dict[str, Any]) -> dict[str, Any]:
        info: dict[str, Any] = super().get_userinfo(access_token, id_token, payload)
        if info.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("le « sub » de userinfo n'est pas celui du jeton d'identité")
        return {**info, **payload}  # the signed ID token's claims win

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(str(claims.get(claim_name()) or "").strip())

    def filter_users_by_claims(self, claims: dict[str, Any]) -> QuerySet[Any]:
        return self.UserModel._default_manager.filter(oidc_account__oidc_id=normalised(claims[claim_name()]))

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        try:
            user_info = self.get_userinfo(access_token, id_token, payload)
        except SuspiciousOperation as error:  # the library logs it and returns None: say why first
            _refuse(self.request, "jeton", str(error))
            raise
        if not self.verify_claims(user_info):
            _refuse(self.request, "jeton", f"la revendication « {claim_name()} » manque")
            return None
        identifier = normalised(user_info[claim_name()])
        user = self.filter_users_by_claims(user_info).first()
        if user is None:
            _refuse(self.request, "unknown", identifier)
            return None
        if not self.user_can_authenticate(user):
            _refuse(self.request, "inactive", identifier)
            return None
        return user

    def store_tokens(self, access_token: str, id_token: str) -> None:
        setattr(self.request, SESSION_FLAG, id_token)  # into the session once signed in (the view)


def logout_url(request: Any, id_token: str) -> str:
    """Where the browser goes after Délibé's own sign-out: the provider's end-session endpoint when one is
    set (RP-initiated logout, with the ID token and the return to the login page), else the login page."""
    from django.urls import reverse

    back = request.build_absolute_uri(reverse("delibe:login"))
    end = str(getattr(settings, "DELIBE_OIDC_LOGOUT_URL", "") or "")
    if not end:
        return back
    query = urllib.parse.urlencode({"id_token_hint": id_token, "post_logout_redirect_uri": back,
                                    "client_id": settings.OIDC_RP_CLIENT_ID})
    return f"{end}{'&' if '?' in end else '?'}{query}"
