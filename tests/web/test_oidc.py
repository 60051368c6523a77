"""Sign-in through an OpenID Connect provider (mozilla-django-oidc, web/comptes/oidc.py), against a small
real provider on the loopback (tests/web/oidc_server.py: authorization code, token endpoint issuing ID tokens
signed RS256, JWKS, userinfo, end-session): a known identifier signs in to the account that carries it;
an unknown one, a forged, expired or misdirected token, a replayed code get a French page and no account;
signing out ends the provider's session too; without settings there is no OpenID Connect at all."""

from __future__ import annotations

import urllib.parse

import pytest
import requests
from django.contrib.auth import get_user_model

from delibe.web.comptes import oidc as oidc_module
from delibe.web.comptes.models import OidcAccount

from .conftest import PASSWORD
from .oidc_server import CLIENT_ID, CLIENT_SECRET, OidcProvider
from .test_documents import page_text

ACCOUNTS = {
    "sdupont": {"sub": "8c1f-Ab42", "email": "Sophie.Dupont@univ.example.fr", "preferred_username": "sdupont"},
    "inconnu": {"sub": "77-inconnu", "email": "inconnu@univ.example.fr"},
}


@pytest.fixture
def provider(settings):
    with OidcProvider(ACCOUNTS) as op:
        settings.OIDC_RP_CLIENT_ID, settings.OIDC_RP_CLIENT_SECRET = CLIENT_ID, CLIENT_SECRET
        settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{op.url}/authorize"
        settings.OIDC_OP_TOKEN_ENDPOINT = f"{op.url}/token"
        settings.OIDC_OP_USER_ENDPOINT = f"{op.url}/userinfo"
        settings.OIDC_OP_JWKS_ENDPOINT = f"{op.url}/jwks"
        settings.OIDC_RP_SIGN_ALGO = "RS256"
        settings.DELIBE_OIDC_ISSUER = op.url
        settings.DELIBE_OIDC_LOGOUT_URL = f"{op.url}/logout"
        settings.DELIBE_OIDC_CLAIM = "sub"
        yield op


def provider_return(client, provider, login: str, start: str = "/oidc/connexion/") -> str:
    """Délibé sends the browser to the provider, which signs the user in and sends it back with a code:
    returns the path of that return to Délibé (with the code and the state)."""
    response = client.get(start)
    assert response.status_code == 302 and response["Location"].startswith(f"{provider.url}/authorize?")
    answer = requests.get(f"{response['Location']}&login_hint={login}", allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    back = urllib.parse.urlsplit(answer.headers["Location"])
    assert back.path == "/oidc/retour/"
    return f"{back.path}?{back.query}"


def signed_in(client):
    return client.get("/").wsgi_request.user


def test_a_known_identifier_signs_in_to_the_account_that_carries_it(client, world, provider):
    OidcAccount.objects.create(user=world.users["scolarite"], oidc_id="8c1f-Ab42")
    response = client.get(provider_return(client, provider, "sdupont"))
    assert response.status_code == 302 and response["Location"] == "/"
    assert signed_in(client) == world.users["scolarite"]
    exchange = provider.token_requests[-1]
    assert exchange["grant_type"] == "authorization_code" and exchange["code_verifier"]  # PKCE
    assert client.session[oidc_module.SESSION_FLAG].count(".") == 2  # the ID token, for the sign-out


def test_the_page_asked_before_signing_in_is_shown_after_but_never_another_site(client, world, provider):
    OidcAccount.objects.create(user=world.users["scolarite"], oidc_id="8c1f-Ab42")
    response = client.get(provider_return(client, provider, "sdupont", "/oidc/connexion/?next=/courriels/boite/"))
    assert response.status_code == 302 and response["Location"] == "/courriels/boite/"
    client.logout()
    response = client.get(provider_return(client, provider, "sdupont",
                                          "/oidc/connexion/?next=https://ailleurs.example/piege"))
    assert response.status_code == 302 and response["Location"] == "/"


def test_the_sub_is_compared_exactly(client, world, provider):
    OidcAccount.objects.create(user=world.users["scolarite"], oidc_id="8c1f-ab42")
    response = client.get(provider_return(client, provider, "sdupont"))
    assert response.status_code == 403 and not signed_in(client).is_authenticated


def test_accounts_may_be_matched_by_email_without_case(client, world, provider, settings):
    settings.DELIBE_OIDC_CLAIM = "email"
    OidcAccount.objects.create(user=world.users["responsable"], oidc_id="sophie.dupont@univ.example.fr")
    client.get(provider_return(client, provider, "sdupont"))
    assert signed_in(client) == world.users["responsable"]


def test_an_unknown_identifier_is_refused_in_french_and_no_account_is_created(client, world, provider):
    before = get_user_model().objects.count()
    response = client.get(provider_return(client, provider, "inconnu"))
    assert response.status_code == 403
    text = page_text(response)
    assert "« 77-inconnu »" in text and "aucun compte Délibé ne porte cet identifiant" in text
    assert "Aucun compte n'a été créé" in text
    assert get_user_model().objects.count() == before
    assert not signed_in(client).is_authenticated


@pytest.mark.parametrize(("knob", "value", "reason"), [
    ("forge", True, "InvalidSignatureError"),  # signed by a key that is not the provider's (same key id)
    ("expired", True, "jeton expiré"),  # issued two hours ago, valid five minutes
    ("audience", "une-autre-application", "InvalidAudienceError"),  # a token issued to another client
    ("nonce", "nonce-d-une-autre-connexion", "Nonce"),  # a token of another sign-in (replay)
    ("algorithm", "HS256", "algorithme 'HS256'"),  # signed with the client secret while RS256 is expected
    ("userinfo_sub", "quelqu-un-d-autre", "userinfo"),  # userinfo about someone else than the ID token
])
def test_a_token_that_is_forged_expired_or_not_ours_is_refused(client, world, provider, knob, value, reason):
    OidcAccount.objects.create(user=world.users["scolarite"], oidc_id="8c1f-Ab42")
    setattr(provider, knob, value)
    response = client.get(provider_return(client, provider, "sdupont"))
    assert response.status_code == 403 and reason in response.context["login"]
    assert "n'a pas confirmé votre connexion" in page_text(response)
    assert not signed_in(client).is_authenticated


def test_a_replayed_return_is_refused(client, world, provider):
    OidcAccount.objects.create(user=world.users["scolarite"], oidc_id="8c1f-Ab42")
    back = provider_return(client, provider, "sdupont")
    client.get(back)
    client.logout()
    response = client.get(back)  # the same code and state again
    assert len(provider.token_requests) == 1  # refused before asking the provider again
    assert response.status_code == 403 and "n'a pas confirmé votre connexion" in page_text(response)
    assert not signed_in(client).is_authenticated


def test_a_return_whose_code_the_provider_refuses_is_refused_without_an_error_page(client, world, provider):
    OidcAccount.objects.create(user=world.users["scolarite"], oidc_id="8c1f-Ab42")
    back = provider_return(client, provider, "sdupont")
    provider.codes.clear()  # the code expired at the provider
    response = client.get(back)
    assert response.status_code == 403 and "invalid_grant" in response.context["login"] and "n'a pas confirmé votre connexion" in page_text(response)


def test_the_provider_refusing_the_sign_in_gives_the_french_page(client, world, provider):
    client.get("/oidc/connexion/")
    state = next(iter(client.session["oidc_states"]))
    response = client.get(f"/oidc/retour/?error=access_denied&state={state}")
    assert response.status_code == 403 and "n'a pas confirmé votre connexion" in page_text(response)


def test_a_disabled_account_is_refused_even_with_a_valid_token(client, world, provider):
    user = world.users["scolarite"]
    OidcAccount.objects.create(user=user, oidc_id="8c1f-Ab42")
    user.is_active = False
    user.save()
    response = client.get(provider_return(client, provider, "sdupont"))
    assert response.status_code == 403 and "est désactivé" in page_text(response)


def test_signing_out_ends_the_providers_session_too(client, world, provider):
    OidcAccount.objects.create(user=world.users["scolarite"], oidc_id="8c1f-Ab42")
    client.get(provider_return(client, provider, "sdupont"))
    id_token = client.session[oidc_module.SESSION_FLAG]
    response = client.post("/deconnexion/")
    assert response.status_code == 302 and response["Location"].startswith(f"{provider.url}/logout?")
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(response["Location"]).query))
    assert query == {"id_token_hint": id_token, "post_logout_redirect_uri": "http://testserver/connexion/",
                     "client_id": CLIENT_ID}
    assert not signed_in(client).is_authenticated


def test_without_an_end_session_endpoint_signing_out_stays_local(client, world, provider, settings):
    settings.DELIBE_OIDC_LOGOUT_URL = ""
    OidcAccount.objects.create(user=world.users["scolarite"], oidc_id="8c1f-Ab42")
    client.get(provider_return(client, provider, "sdupont"))
    response = client.post("/deconnexion/")
    assert response.status_code == 302 and response["Location"] == "http://testserver/connexion/"
    assert not signed_in(client).is_authenticated


def test_local_accounts_still_sign_in_and_the_page_offers_the_university(client, world, provider):
    page = page_text(client.get("/connexion/"))
    assert "Se connecter par l'université" in page and "Ou avec un compte local" in page
    assert client.post("/connexion/", {"username": "scolarite", "password": PASSWORD}).status_code == 302
    response = client.post("/deconnexion/")
    assert response.status_code == 302 and not response["Location"].startswith(provider.url)


def test_without_settings_there_is_no_openid_connect_sign_in(client, world, settings):
    settings.OIDC_RP_CLIENT_ID = ""
    assert client.get("/oidc/connexion/").status_code == 404
    assert client.get("/oidc/retour/?code=x&state=y").status_code == 404
    assert "Se connecter par l'université" not in page_text(client.get("/connexion/"))
    assert client.post("/connexion/", {"username": "scolarite", "password": PASSWORD}).status_code == 302


def test_an_incomplete_configuration_refuses_the_university_sign_in_but_not_the_passwords(client, world, provider,
                                                                                         settings):
    settings.OIDC_OP_JWKS_ENDPOINT = None  # RS256 without the provider's keys
    OidcAccount.objects.create(user=world.users["scolarite"], oidc_id="8c1f-Ab42")
    response = client.get(provider_return(client, provider, "sdupont"))
    assert response.status_code == 403 and "configuration OpenID Connect incomplète" in response.context["login"]
    assert client.post("/connexion/", {"username": "scolarite", "password": PASSWORD}).status_code == 302
