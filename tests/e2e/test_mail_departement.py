"""« Courriels du département » in the browser (issue 15): the scolarité previews the month's attendance
reports, sends a test to itself, sends them to the tutors and CFAs and follows each recipient's status;
the contract's addresses are entered on the student's « Gérer » page. axe on every page, and the page
fits a 320 px phone."""

from __future__ import annotations

import datetime as dt

from django.core import mail
from playwright.sync_api import expect


def test_the_scolarite_previews_tests_and_sends_the_monthly_reports(world, open_as, axe):
    from delibe.web.models import ApprenticeContract

    ApprenticeContract.objects.create(student=world.alice, employeur="Studio Éclat", tuteur="M. Tuteur",
                                      tuteur_email="tuteur@eclat.example.org", cfa="CFA Sup",
                                      cfa_email="cfa@sup.example.org", debut=dt.date(2023, 9, 1),
                                      fin=dt.date(2025, 8, 31))
    ApprenticeContract.objects.create(student=world.bruno, employeur="Agence Bravo", debut=dt.date(2023, 9, 1),
                                      fin=dt.date(2025, 8, 31))
    world.users["scolarite"].email = "sophie@iut.example.org"
    world.users["scolarite"].save()
    page = open_as("scolarite")
    page.goto("/")
    page.get_by_role("link", name="Courriels du département").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Courriels du département")
    page.get_by_label("Mois").fill("2024-01")
    page.get_by_role("button", name="Afficher").click()
    expect(page.locator("#rapports")).to_contain_text("janvier 2024")
    expect(page.get_by_role("table")).to_contain_text("adresse manquante")
    assert axe(page) == []

    page.get_by_role("button", name="M'envoyer un essai").click()
    expect(page.get_by_role("status").first).to_contain_text("Essai envoyé à sophie@iut.example.org")
    assert [m.to for m in mail.outbox] == [["sophie@iut.example.org"]]

    page.get_by_role("button", name="Envoyer aux 2 destinataires").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Relevé mensuel d'assiduité")
    expect(page.get_by_role("table")).to_contain_text("tuteur@eclat.example.org")
    assert axe(page) == []

    page.set_viewport_size({"width": 320, "height": 700})
    page.goto(f"/courriels/departements/{world.department.pk}/?mois=2024-01")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert axe(page) == []


def test_the_scolarite_enters_the_tutors_and_cfas_addresses_on_the_students_page(world, open_as, axe):
    page = open_as("scolarite")
    page.goto(f"/etudiants/{world.bruno.pk}/gerer/")
    form = page.locator("#form-contrat")
    form.get_by_label("Employeur").fill("Agence Bravo")
    form.get_by_label("Courriel du maître d'apprentissage").fill("bravo@agence.example.org")
    form.get_by_label("Courriel du CFA").fill("cfa@sup.example.org")
    form.get_by_label("Début du contrat").fill("2023-09-01")
    form.get_by_label("Fin du contrat").fill("2025-08-31")
    page.locator("#enregistrer-contrat").click()
    expect(page.get_by_role("status").first).to_contain_text("Contrat d'apprentissage enregistré")
    assert axe(page) == []
    world.bruno.refresh_from_db()
    assert world.bruno.apprenticeship.tuteur_email == "bravo@agence.example.org"
