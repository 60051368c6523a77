"""The rest of issue 13 in the browser: a parcours changed from the student's page (preview, then
confirmation), grouped démissions from the semester page, a passage undone, partitions reordered by
keyboard — each page checked by axe and at 320, 768 and 1366 px."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import expect


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def _widths(page, path: str) -> None:
    for width in (320, 768, 1366):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(path)
        assert _fits(page), (width, path)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_the_responsable_changes_a_parcours_after_seeing_what_changes(world, open_as, axe):
    from delibe.web.models import Enrolment

    enrolment = Enrolment.objects.get(student=world.bruno, semester=world.s1)
    page = open_as("responsable")
    page.goto(f"/etudiants/{world.bruno.pk}/")
    page.locator(f"#changer-parcours-{enrolment.pk}").click()
    expect(page.locator("main h1")).to_contain_text("Changer le parcours de BRAVO Test")
    assert axe(page) == []
    page.get_by_label("Nouveau parcours").select_option("DWeb-DI")
    page.get_by_role("button", name="Voir ce qui change").click()
    expect(page.locator("#apercu")).to_contain_text("Ce que change le passage de Créa à DWeb-DI")
    assert axe(page) == []
    assert Enrolment.objects.get(pk=enrolment.pk).parcours == "Créa"
    page.get_by_role("button", name="Confirmer le passage au parcours DWeb-DI").click()
    expect(page.get_by_role("status").first).to_contain_text("suit désormais le parcours DWeb-DI")
    assert set(Enrolment.objects.filter(student=world.bruno).values_list("parcours", flat=True)) == {"DWeb-DI"}
    _widths(page, f"/etudiants/{world.bruno.pk}/inscriptions/{enrolment.pk}/parcours/")


def test_the_scolarite_records_grouped_demissions_with_the_keyboard(world, open_as, axe):
    from delibe.web.models import Enrolment

    page = open_as("scolarite")
    page.goto(f"/semestres/{world.s1.pk}/")
    page.get_by_role("link", name="Démissions groupées").click()
    assert axe(page) == []
    page.get_by_label("BRAVO Test (1002)").focus()
    page.keyboard.press("Space")
    page.locator("#id_date").fill("2023-12-01")
    page.get_by_role("button", name="Voir ce qui change").click()
    expect(page.locator("#apercu-demissions-table")).to_contain_text("BRAVO Test")
    assert axe(page) == []
    page.get_by_role("button", name="Confirmer pour 1 étudiant").click()
    expect(page.get_by_role("status").first).to_contain_text("Démission enregistrée pour 1 étudiant(s)")
    e = Enrolment.objects.get(student=world.bruno, semester=world.s1)
    assert (e.etat, e.etat_le) == ("DEM", dt.date(2023, 12, 1))
    assert Enrolment.objects.get(student=world.alice, semester=world.s1).etat == "I"
    _widths(page, f"/semestres/{world.s1.pk}/demissions/")


def test_a_passage_is_undone_from_the_passage_page(world, open_as, axe):
    from delibe.web.models import Enrolment
    from delibe.web.services.annees import confirm_passage
    from tests.web.test_annees import decide_year, open_s1_next_year

    decide_year(world, world.alice, "ADM")
    decide_year(world, world.bruno, "RED")
    open_s1_next_year(world)
    confirm_passage(user=None, department=world.department, source_label="2023-2024")
    page = open_as("scolarite")
    page.goto(f"/departements/{world.department.pk}/annees/2023-2024/passage/")
    expect(page.locator("#annulation-passage")).to_contain_text("2 inscriptions créées par le passage")
    assert axe(page) == []
    page.get_by_role("button", name="Annuler le passage").click()
    expect(page.get_by_role("status").first).to_contain_text("annulé : 2 inscription(s) retirée(s)")
    assert not Enrolment.objects.filter(semester__academic_year__label="2024-2025").exists()
    assert axe(page) == []


def test_partitions_are_reordered_with_the_keyboard(world, open_as, axe):
    from delibe.web.models import Partition
    from delibe.web.services.groupes import create_partition

    td = create_partition(user=None, run=world.s1, name="TD")
    page = open_as("scolarite")
    page.goto(f"/semestres/{world.s1.pk}/groupes/")
    assert axe(page) == []
    page.locator(f"#monter-partition-{td.pk}").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").first).to_contain_text("Partition « TD » montée")
    assert list(Partition.objects.filter(semester=world.s1).order_by("order").values_list("name", flat=True)) == [
        "TD", "Groupes"]
    assert axe(page) == []
    _widths(page, f"/semestres/{world.s1.pk}/groupes/")
