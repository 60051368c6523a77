"""The secretariat records a démission from the student's page: the management page, the dated form, the
state shown back — accessible (axe, labels) and keyboard-reachable."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import expect


def test_scolarite_records_a_demission_from_the_student_page(world, open_as, axe):
    from delibe.web.models import Enrolment

    page = open_as("scolarite")
    page.goto(f"/etudiants/{world.bruno.pk}/")
    page.get_by_role("link", name="Gérer : identité, démission, défaillance, désinscription").click()
    expect(page.locator("main h1")).to_contain_text("Gérer BRAVO Test")
    assert axe(page) == []
    enrolment = Enrolment.objects.get(student=world.bruno, semester=world.s1)
    card = page.locator(f"#inscription-{enrolment.pk}")
    card.get_by_label("État").select_option("DEM")
    card.get_by_label("Date", exact=True).fill("2023-12-01")
    card.get_by_label("Motif (facultatif)").fill("Courrier de l'étudiant")
    card.get_by_role("button", name="Enregistrer l'état").click()
    expect(page.get_by_role("status").first).to_contain_text("démission enregistrée")
    expect(page.locator(f"#etat-{enrolment.pk}")).to_contain_text("démission le 01/12/2023")
    assert axe(page) == []
    enrolment.refresh_from_db()
    assert (enrolment.etat, enrolment.etat_le) == ("DEM", dt.date(2023, 12, 1))


def test_a_demission_without_date_is_refused_next_to_the_field(world, open_as, axe):
    from delibe.web.models import Enrolment

    page = open_as("scolarite")
    page.goto(f"/etudiants/{world.bruno.pk}/gerer/")
    enrolment = Enrolment.objects.get(student=world.bruno, semester=world.s1)
    card = page.locator(f"#inscription-{enrolment.pk}")
    card.get_by_role("button", name="Enregistrer l'état").click()
    expect(page.locator(f"#inscription-{enrolment.pk} .error")).to_contain_text("date de la démission")
    assert axe(page) == []
