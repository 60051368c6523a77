"""The roll call by the hour (issue 18): a department that declares 8h-10h, 10h-12h… gets those slots in the
roll call, which fits a phone (320 px), a tablet (768 px) and a laptop (1,366 px) and passes axe at each
width; a teacher picks a slot with the keyboard and the mouse and saves."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import expect

from tests.e2e.test_mobile_etudiant import WIDTHS, check_widths, overflow, shots_dir


def _hours(world):
    from delibe.web.assiduite.services import save_attendance_rules

    save_attendance_rules(actor=world.users["scolarite"], department_id=world.department.pk,
                          values={"creneaux": "8h-10h\n10h-12h\n13h30-15h30\n15h30-17h30"},
                          applies_from=dt.date(2020, 1, 1))


def test_the_roll_call_by_the_hour_fits_every_width_and_passes_axe(world, open_as, axe, tmp_path):
    _hours(world)
    page = open_as("enseignant")
    path = f"/assiduite/semestres/{world.s1.pk}/appel/?groupe=A&module=R1.01&date=2023-10-02&creneau=10h00-12h00"
    problems = check_widths(page, path, "appel-heures", axe, shots_dir(tmp_path))
    assert not problems, "\n".join(problems)


def test_a_teacher_takes_the_roll_call_of_an_hour_slot_on_a_phone(world, open_as):
    from delibe.web.assiduite.models import AbsenceRecord

    _hours(world)
    page = open_as("enseignant")
    page.set_viewport_size({"width": WIDTHS[0], "height": 800})
    page.goto(f"/assiduite/semestres/{world.s1.pk}/appel/?groupe=A&module=R1.01&date=2023-10-02")
    creneau = page.get_by_label("Créneau", exact=True)
    expect(creneau).to_have_value("08h00-10h00")
    expect(creneau.locator("option")).to_have_text(["8 h – 10 h", "10 h – 12 h", "13 h 30 – 15 h 30",
                                                    "15 h 30 – 17 h 30"])
    creneau.select_option(label="13 h 30 – 15 h 30")
    page.get_by_role("button", name="Afficher").click()
    expect(page.locator("main table caption")).to_contain_text("lundi 2 octobre 2023, 13 h 30 – 15 h 30")
    page.get_by_label("Test Alpha absent(e)").check()
    page.get_by_role("button", name="Enregistrer l'appel").click()
    expect(page.get_by_role("status").first).to_contain_text("Appel enregistré : 1 absence(s) ou retard(s).")
    assert list(AbsenceRecord.objects.values_list("creneau", flat=True)) == ["13h30-15h30"]
    assert not overflow(page)
