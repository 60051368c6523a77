"""Authentication: a bearer token (stored only as its hash, revocable) or the browser's session."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

pytestmark = pytest.mark.django_db


def test_every_resource_requires_authentication_with_a_french_json_error(api, world):
    response = api("anonyme").get("/api/v1/formations")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert "Authentification requise" in response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_an_unknown_token_is_refused(client, world):
    response = client.get("/api/v1/formations", HTTP_AUTHORIZATION="Bearer dlb_nimportequoi")
    assert response.status_code == 401


def test_a_token_is_stored_as_its_hash_only_and_records_its_last_use(api, world):
    from delibe.api.models import ApiToken
    from delibe.api.tokens import create_token, hash_token

    row, token = create_token(username="scolarite", name="script notes")
    assert token.startswith("dlb_") and len(token) > 40
    stored = ApiToken.objects.get(pk=row.pk)
    assert stored.token_hash == hash_token(token) and token not in {stored.token_hash, stored.name}
    assert stored.last_used is None
    from django.test import Client

    from tests.api.conftest import ApiClient

    assert ApiClient(Client(), token).get("/api/v1/formations").status_code == 200
    stored.refresh_from_db()
    assert stored.last_used is not None


def test_a_revoked_token_is_refused_from_then_on(client, world):
    from delibe.api.tokens import create_token, revoke_token

    row, token = create_token(username="scolarite")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.get("/api/v1/formations", **headers).status_code == 200
    revoke_token(row.pk)
    assert client.get("/api/v1/formations", **headers).status_code == 401


def test_a_token_of_a_deactivated_account_is_refused(client, world):
    from delibe.api.tokens import create_token

    _, token = create_token(username="scolarite")
    world.users["scolarite"].is_active = False
    world.users["scolarite"].save()
    assert client.get("/api/v1/formations", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


def test_the_browser_session_reads_but_writes_only_with_the_csrf_token(world):
    from django.test import Client

    from tests.api.conftest import PASSWORD

    browser = Client(enforce_csrf_checks=True)
    assert browser.login(username="scolarite", password=PASSWORD)
    assert browser.get(f"/api/v1/semestres/{world.s1.pk}").status_code == 200
    url = f"/api/v1/evaluations/{world.taught.pk}/notes/{world.alice.pk}"
    refused = browser.put(url, data=json.dumps({"valeur": "12", "version": 0}), content_type="application/json")
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    browser.get("/")  # the page sets the CSRF cookie
    token = browser.cookies["csrftoken"].value
    accepted = browser.put(url, data=json.dumps({"valeur": "12", "version": 0}), content_type="application/json",
                           HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code == 200, accepted.content


def test_cli_creates_a_token_shown_once_lists_it_without_its_value_and_revokes_it(world, client):
    from delibe.cli import cli

    runner = CliRunner()
    created = runner.invoke(cli, ["api", "token", "create", "--user", "president", "--name", "tableur jury"])
    assert created.exit_code == 0, created.output
    token = created.stdout.strip().splitlines()[0]
    assert client.get("/api/v1/formations", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    listed = runner.invoke(cli, ["api", "token", "list", "--user", "president"])
    assert "tableur jury" in listed.output and token not in listed.output and "actif" in listed.output
    from delibe.api.models import ApiToken

    token_id = ApiToken.objects.get(user__username="president").pk
    revoked = runner.invoke(cli, ["api", "token", "revoke", str(token_id)])
    assert revoked.exit_code == 0 and "révoqué" in revoked.output
    assert client.get("/api/v1/formations", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    assert "révoqué le" in runner.invoke(cli, ["api", "token", "list"]).output


def test_cli_refuses_an_unknown_user_with_a_french_message(world):
    from delibe.cli import cli

    result = CliRunner().invoke(cli, ["api", "token", "create", "--user", "personne"])
    assert result.exit_code == 2 and "aucun utilisateur « personne »" in result.output
