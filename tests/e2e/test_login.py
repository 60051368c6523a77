"""Logging in through the form, with the keyboard: each role lands on its own home page; a wrong password
is answered on the page; a student reaches only their own results."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.web.conftest import PASSWORD

# role → (path where the login lands, a heading or text that only that role's home shows)
HOMES = {
    "admin": ("/", "administrateur"),
    "scolarite": ("/", "scolarité"),
    "responsable": ("/", "responsable de formation"),
    "enseignant": ("/", "Mes enseignements"),
    "president": ("/", "président de jury"),
    "etudiant": ("/", "Mon parcours"),
}


def log_in(page, username: str, password: str) -> None:
    page.goto("/connexion/")
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(password)
    page.keyboard.press("Enter")


@pytest.mark.parametrize("role", list(HOMES))
def test_each_role_logs_in_and_lands_on_its_home_page(open_as, site, role):
    page = open_as("anonyme")
    log_in(page, role, PASSWORD)
    path, marker = HOMES[role]
    expect(page).to_have_url(re.compile(re.escape(site + path) + "$"))
    expect(page.locator("main")).to_contain_text(marker)
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()


def test_a_wrong_password_is_refused_with_a_visible_error_and_no_session(open_as, site):
    page = open_as("anonyme")
    log_in(page, "scolarite", "pas-le-bon")
    expect(page).to_have_url(re.compile(r"/connexion/$"))
    alert = page.get_by_role("alert")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("mot de passe")
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/connexion/\?next=/$"))


def test_a_student_cannot_open_another_students_page_nor_the_jury(open_as, world):
    page = open_as("etudiant")  # Alpha
    own = page.goto(f"/etudiants/{world.alice.pk}/")
    assert own.ok and page.url.endswith("/mes-resultats/")
    for path in (f"/etudiants/{world.bruno.pk}/", f"/semestres/{world.s2.pk}/jury/",
                 f"/semestres/{world.s2.pk}/jury/etudiants/{world.bruno.pk}/motifs/", "/etudiants/"):
        response = page.goto(path)
        assert response.status in (403, 404), path
        expect(page.locator("body")).not_to_contain_text("Bravo")
