"""Sign-in through the university's CAS (django-cas-ng), against a small real CAS 3.0 server on the
loopback (tests/web/cas_server.py) that issues and validates real tickets: a known login signs in to the
account whose cas_id it is, a refused or replayed ticket and an unknown login get a French page and no
account, local passwords stay possible (or only for administrators), and single sign-out works both ways."""

from __future__ import annotations

import http.client
import urllib.parse

import pytest
from django.contrib.auth import get_user_model
from django_cas_ng.models import SessionTicket

from delibe.web.comptes.models import CasAccount

from .cas_server import PASSWORD as CAS_PASSWORD
from .cas_server import CasServer
from .conftest import PASSWORD
from .test_documents import page_text


@pytest.fixture
def cas(settings):
    with CasServer({"sdupont": {"mail": "sophie.dupont@univ.example.fr"}, "inconnu": {},
                    "JMartin": {}}) as server:
        settings.CAS_SERVER_URL = server.url
        settings.CAS_VERSION = "3"
        yield server


def university_ticket(client, cas, login: str) -> str:
    """Délibé sends the browser to the CAS server, which takes the login and password and sends it back
    with a ticket: returns the path of that return to Délibé (with the ticket)."""
    response = client.get("/cas/connexion/")
    assert response.status_code == 302 and response["Location"].startswith(cas.url + "login?service=")
    url = urllib.parse.urlsplit(response["Location"])
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    body = urllib.parse.urlencode({"username": login, "password": CAS_PASSWORD})
    connection.request("POST", f"{url.path}?{url.query}", body=body,
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
    answer = connection.getresponse()
    assert answer.status == 302, answer.read()
    back = urllib.parse.urlsplit(answer.getheader("Location"))
    connection.close()
    return f"{back.path}?{back.query}"


def test_a_known_university_login_signs_in_to_the_account_that_carries_it(client, world, cas):
    CasAccount.objects.create(user=world.users["scolarite"], cas_id="sdupont")
    response = client.get(university_ticket(client, cas, "sdupont"))
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").wsgi_request.user == world.users["scolarite"]
    assert cas.validations[-1][1] is True
    assert SessionTicket.objects.filter(session_key=client.session.session_key).exists()


def test_a_university_login_is_matched_without_case(client, world, cas):
    CasAccount.objects.create(user=world.users["responsable"], cas_id="jmartin")
    client.get(university_ticket(client, cas, "JMartin"))
    assert client.get("/").wsgi_request.user == world.users["responsable"]


def test_an_unknown_university_login_is_refused_in_french_and_no_account_is_created(client, world, cas):
    before = get_user_model().objects.count()
    response = client.get(university_ticket(client, cas, "inconnu"))
    assert response.status_code == 403
    text = page_text(response)
    assert "« inconnu »" in text and "aucun compte Délibé ne porte cet identifiant" in text
    assert "Aucun compte n'a été créé" in text
    assert get_user_model().objects.count() == before
    assert not client.get("/").wsgi_request.user.is_authenticated


def test_a_replayed_ticket_is_refused_by_the_cas_server_and_by_delibe(client, world, cas):
    CasAccount.objects.create(user=world.users["scolarite"], cas_id="sdupont")
    back = university_ticket(client, cas, "sdupont")
    client.get(back)
    client.logout()
    response = client.get(back)  # the same ticket again
    assert response.status_code == 403
    assert "n'a pas confirmé votre connexion" in page_text(response)
    assert [ok for _t, ok in cas.validations] == [True, False]
    assert not client.get("/").wsgi_request.user.is_authenticated


def test_a_forged_ticket_is_refused(client, world, cas):
    response = client.get("/cas/connexion/?ticket=ST-invente")
    assert response.status_code == 403 and "n'a pas confirmé votre connexion" in page_text(response)
    assert cas.validations == [("ST-invente", False)]


def test_a_disabled_account_is_refused_even_with_a_valid_ticket(client, world, cas):
    user = world.users["scolarite"]
    CasAccount.objects.create(user=user, cas_id="sdupont")
    user.is_active = False
    user.save()
    response = client.get(university_ticket(client, cas, "sdupont"))
    assert response.status_code == 403 and "est désactivé" in page_text(response)


def test_the_cas_server_ending_the_session_signs_out_of_delibe(client, world, cas):
    CasAccount.objects.create(user=world.users["scolarite"], cas_id="sdupont")
    back = university_ticket(client, cas, "sdupont")
    ticket = urllib.parse.parse_qs(urllib.parse.urlsplit(back).query)["ticket"][0]
    client.get(back)
    assert client.get("/").wsgi_request.user.is_authenticated
    from django.test import Client

    cas_server = Client()  # the CAS server's own request, without the user's cookie nor a CSRF token
    answer = cas_server.post("/cas/connexion/", {"logoutRequest": CasServer.logout_request(ticket)})
    assert answer.status_code == 302
    assert not client.get("/").wsgi_request.user.is_authenticated
    assert not SessionTicket.objects.filter(ticket=ticket).exists()


def test_signing_out_of_a_cas_session_also_signs_out_of_the_cas(client, world, cas):
    CasAccount.objects.create(user=world.users["scolarite"], cas_id="sdupont")
    client.get(university_ticket(client, cas, "sdupont"))
    response = client.post("/deconnexion/")
    assert response.status_code == 302 and response["Location"].startswith(cas.url + "logout")
    assert not client.get("/").wsgi_request.user.is_authenticated


def test_local_accounts_still_sign_in_with_their_password_and_the_page_offers_both(client, world, cas):
    page = page_text(client.get("/connexion/"))
    assert "Se connecter par l'université" in page and "Ou avec un compte local" in page
    response = client.post("/connexion/", {"username": "scolarite", "password": PASSWORD})
    assert response.status_code == 302
    response = client.post("/deconnexion/")
    assert response.status_code == 302 and not response["Location"].startswith(cas.url)  # a local session


def test_local_passwords_can_be_kept_for_administrators_only(client, world, cas, settings):
    settings.DELIBE_LOCAL_LOGIN = False
    response = client.post("/connexion/", {"username": "scolarite", "password": PASSWORD})
    assert response.status_code == 200 and "réservés aux administrateurs" in page_text(response)
    world.users["admin"].is_superuser = True
    world.users["admin"].save()
    assert client.post("/connexion/", {"username": "admin", "password": PASSWORD}).status_code == 302


def test_without_a_cas_server_configured_there_is_no_university_sign_in(client, world, settings):
    settings.CAS_SERVER_URL = None
    assert client.get("/cas/connexion/").status_code == 404
    assert "Se connecter par l'université" not in page_text(client.get("/connexion/"))
