"""The student's own results, and the teacher's roll call: one click per absent student, then save."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import expect

from tests.web.conftest import grade_whole_year, move_to_group


def test_a_student_sees_their_own_averages_and_absences_and_nothing_of_the_others(world, open_as):
    from delibe.web.assiduite.services import record_group

    grade_whole_year(world, alice_average=12, bruno_average=9)
    teacher = world.users["enseignant"]
    record_group(teacher, world.s1, move_to_group(world.s1, world.alice, "A"), dt.date(2023, 10, 10), "matin", "R1.01", absents=[world.alice.pk],
                 retards=[world.bruno.pk])
    record_group(teacher, world.s1, move_to_group(world.s1, world.alice, "A"), dt.date(2023, 10, 17), "matin", "R1.01", absents=[world.bruno.pk])
    page = open_as("etudiant")  # Alpha
    page.goto("/mes-resultats/")
    main = page.locator("main")
    expect(main.locator("h1")).to_have_text("Mes résultats")
    expect(main).to_contain_text("ALPHA Test")
    first = main.locator("section.semester").first
    expect(first.locator("table").first).to_contain_text("12,00")
    absences = main.locator("section[aria-labelledby=absences-titre]")
    expect(absences).to_contain_text("0 demi-journée(s) justifiée(s), 1 non justifiée(s), 0 retard(s).")
    expect(absences.get_by_role("row", name="R1.01")).to_be_visible()
    text = main.inner_text()
    assert "BRAVO" not in text.upper() and "9,00" not in text


def test_the_roll_call_takes_one_click_per_absent_student_and_is_saved(world, open_as):
    from delibe.web.assiduite.models import AbsenceRecord

    page = open_as("enseignant")
    page.goto(f"/assiduite/semestres/{world.s1.pk}/appel/?groupe=A&module=R1.01&date=2023-11-06&creneau=matin")
    expect(page.locator("main table caption")).to_contain_text("Groupe A, R1.01")
    page.get_by_label("Alpha absent").click()
    page.get_by_label("Bravo en retard").click()
    page.get_by_role("button", name="Enregistrer l'appel").click()
    expect(page.get_by_role("status").first).to_contain_text("Appel enregistré : 2 absence(s) ou retard(s).")
    saved = {(a.student.nom, a.nature) for a in AbsenceRecord.objects.filter(date=dt.date(2023, 11, 6))}
    assert saved == {("Alpha", "absence"), ("Bravo", "retard")}
    expect(page.get_by_label("Alpha absent")).to_be_checked()
    expect(page.get_by_label("Bravo absent")).not_to_be_checked()

    page.get_by_label("Alpha absent").click()  # a mistake corrected with one more click
    page.get_by_role("button", name="Enregistrer l'appel").click()
    expect(page.get_by_label("Alpha absent")).not_to_be_checked()
    assert AbsenceRecord.objects.filter(date=dt.date(2023, 11, 6), student=world.alice).count() == 0
