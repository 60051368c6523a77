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


def test_scolarite_adds_a_student_by_hand_from_the_semester_page(world, open_as, axe):
    from delibe.web.models import Enrolment

    page = open_as("scolarite")
    page.goto(f"/semestres/{world.s1.pk}/")
    page.get_by_role("link", name="Ajouter un étudiant").click()
    expect(page.locator("main h1")).to_contain_text("Ajouter un étudiant en S1 2023-2024")
    assert axe(page) == []
    page.locator("#id_nip").fill("7400")
    page.locator("#id_nom").fill("Manuel")
    page.locator("#id_prenom").fill("Ajout")
    page.get_by_role("button", name="Inscrire").click()
    expect(page.locator("main h1")).to_contain_text("MANUEL Ajout")
    assert Enrolment.objects.filter(student__nip="7400", semester=world.s1).exists()


def test_the_import_preview_of_a_semester_with_grades_offers_the_policy(world, open_as, axe, tmp_path):
    from decimal import Decimal

    from delibe.web.models import Enrolment, Grade

    Grade.objects.create(evaluation=world.taught, student=world.alice, value=Decimal(12))
    sheet = tmp_path / "tard.csv"
    sheet.write_text("NIP;Nom;Prénom;Parcours\n9501;Tard;Une;Créa\n", encoding="utf-8")
    page = open_as("scolarite")
    page.goto(f"/semestres/{world.s1.pk}/etudiants/import/")
    page.locator("#id_fichier").set_input_files(str(sheet))
    page.get_by_role("button", name="Voir l'aperçu").click()
    box = page.locator("#inscription-tardive")
    expect(box).to_contain_text("Le semestre a déjà 1 évaluation(s) notée(s)")
    assert axe(page) == []
    box.locator("#politique-att").check()
    page.get_by_role("button", name="Enregistrer et inscrire").click()
    expect(page.get_by_role("status").first).to_contain_text("1 étudiant(s) créé(s)")
    enrolment = Enrolment.objects.get(student__nip="9501", semester=world.s1)
    assert enrolment.avant_inscription == "ATT" and enrolment.inscrit_le is not None
