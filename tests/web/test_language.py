"""The interface is French whatever language the browser asks for (issue 5: dates were printed in
English for English browsers)."""

from __future__ import annotations

import datetime as dt

import pytest

ENGLISH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}


@pytest.mark.parametrize("accept", ["en-US,en;q=0.9", "de-DE,de;q=0.8,en;q=0.5", "fr-FR,fr;q=0.9"])
def test_month_names_are_french_whatever_the_browser_language(world, login, accept):
    world.s1.debut, world.s1.fin = dt.date(2023, 9, 4), dt.date(2024, 1, 19)
    world.s1.save()
    page = login("scolarite").get(f"/semestres/{world.s1.pk}/", HTTP_ACCEPT_LANGUAGE=accept)
    text = page.content.decode()
    assert page.status_code == 200
    assert "4 septembre 2023" in text and "19 janvier 2024" in text
    assert "September" not in text and "January" not in text


def test_an_english_browser_gets_the_french_login_page_and_no_language_cookie(client):
    page = client.get("/connexion/", **ENGLISH_BROWSER)
    assert page.status_code == 200
    assert page.headers.get("Content-Language", "fr") == "fr"
    assert "Mot de passe" in page.content.decode() or "mot de passe" in page.content.decode()


def test_django_own_messages_are_french_for_an_english_browser(world, client):
    page = client.post("/connexion/", {"username": "scolarite", "password": "faux"}, **ENGLISH_BROWSER)
    text = page.content.decode()
    assert "Please enter a correct" not in text
    assert "Saisissez un nom d’utilisateur et un mot de passe valides" in text or "valides" in text
