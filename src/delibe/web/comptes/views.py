"""Sign-in and sign-out through the university's CAS (django-cas-ng's views, French refusal page)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied, SuspiciousOperation, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from django_cas_ng import views as cas_views
from django_cas_ng.models import SessionTicket
from mozilla_django_oidc import views as oidc_views

from delibe.web.comptes import oidc
from delibe.web.comptes.backends import REFUSAL


def cas_enabled() -> bool:
    return bool(getattr(settings, "CAS_SERVER_URL", None))


class LocalAuthenticationForm(AuthenticationForm):
    """The password form; with ``DELIBE_LOCAL_LOGIN=0`` only administrators may use it (the others sign in
    through the university)."""

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if not getattr(settings, "DELIBE_LOCAL_LOGIN", True) and not user.is_superuser:
            raise ValidationError("Les mots de passe locaux sont réservés aux administrateurs : connectez-vous "
                                  "par l'université (bouton « Se connecter par l'université »).",
                                  code="local_login_disabled")


class LoginView(auth_views.LoginView):
    template_name = "delibe/login.html"
    redirect_authenticated_user = True
    authentication_form = LocalAuthenticationForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "cas_enabled": cas_enabled(), "oidc_enabled": oidc.enabled(),
                "local_login": getattr(settings, "DELIBE_LOCAL_LOGIN", True)}


class CasLoginView(cas_views.LoginView):
    """GET without ticket: to the CAS server; with a ticket: validates it; POST from the CAS server with a
    ``logoutRequest``: single sign-out (the session of that ticket ends)."""

    @method_decorator(csrf_exempt)  # the CAS server posts the single sign-out request
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not cas_enabled():
            raise Http404("La connexion par l'université (CAS) n'est pas configurée.")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            return super().get(request)
        except PermissionDenied:
            kind, login = getattr(request, REFUSAL, ("ticket", ""))
            return render(request, "comptes/refus.html", {"kind": kind, "login": login}, status=403)


class LogoutView(auth_views.LogoutView):
    """Signs out; a session opened by CAS also ends at the CAS server (single sign-out), one opened by
    OpenID Connect at the provider when it has an end-session endpoint (DELIBE_OIDC_LOGOUT_URL); others stay
    local."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        id_token = request.session.get(oidc.SESSION_FLAG)
        if oidc.enabled() and id_token:
            logout(request)
            return HttpResponseRedirect(oidc.logout_url(request, id_token if id_token != "1" else ""))
        key = request.session.session_key
        if cas_enabled() and key and SessionTicket.objects.filter(session_key=key).exists():
            return cas_views.LogoutView().get(request)
        return super().post(request, *args, **kwargs)


class OidcLoginView(oidc_views.OIDCAuthenticationRequestView):  # type: ignore[misc]  # (untyped library)
    """To the OpenID Connect provider (authorization code flow, state, nonce and PKCE)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if oidc.enabled():
            super().__init__(*args, **kwargs)

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not oidc.enabled():
            raise Http404("La connexion par OpenID Connect n'est pas configurée.")
        return super().dispatch(request, *args, **kwargs)  # type: ignore[no-any-return]  # (untyped library)


class OidcCallbackView(oidc_views.OIDCAuthenticationCallbackView):  # type: ignore[misc]  # (untyped library)
    """The provider's return: the code exchanged for the tokens (comptes.oidc's backend checks them), then
    the account whose identifier the token carries; any refusal gets the French page, status 403."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not oidc.enabled():
            raise Http404("La connexion par OpenID Connect n'est pas configurée.")
        try:
            return super().dispatch(request, *args, **kwargs)  # type: ignore[no-any-return]  # (untyped library)
        except SuspiciousOperation as error:  # a state that this browser's session did not start
            setattr(request, oidc.REFUSAL, ("jeton", str(error)))
            return self.login_failure()

    def login_success(self) -> HttpResponse:
        response: HttpResponse = super().login_success()
        self.request.session[oidc.SESSION_FLAG] = getattr(self.request, oidc.SESSION_FLAG, "") or "1"
        return response

    def login_failure(self) -> HttpResponse:
        kind, detail = getattr(self.request, oidc.REFUSAL, ("jeton", ""))
        if self.request.GET.get("error"):
            kind, detail = "jeton", str(self.request.GET.get("error"))
        return render(self.request, "comptes/refus.html",
                      {"kind": kind, "login": detail, "provider": "oidc"}, status=403)
