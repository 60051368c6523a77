"""The grade grid, used with the keyboard only: each cell is saved when left, a bad value is shown and not
saved, and a grade changed by somebody else meanwhile is never overwritten silently."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect


@pytest.fixture
def grid(world, open_as):
    """The teacher's grid of R1.01 with four students of group A (Alpha, Bravo, Charlie, Delta)."""
    from delibe.web.models import Enrolment, Student
    from delibe.web.services.groupes import place

    for nip, nom in (("1003", "Charlie"), ("1004", "Delta")):
        s = Student.objects.create(department=world.department, formation=world.version, parcours="Créa", nip=nip,
                                   nom=nom, prenom="Test")
        place(Enrolment.objects.create(student=s, semester=world.s1, parcours="Créa"), "A")
    page = open_as("enseignant")
    page.goto(f"/evaluations/{world.taught.pk}/saisie/")
    cells = page.locator("#grille input.note")
    expect(cells).to_have_count(4)
    return page


def students(world):
    from delibe.web.models import Student

    return {s.nom: s for s in Student.objects.filter(enrolments__semester=world.s1).distinct()}


def grade_of(world, student):
    from delibe.web.models import Grade

    return Grade.objects.filter(evaluation=world.taught, student=student).first()


def focused_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def tab_to(page, element_id: str, limit: int = 40) -> None:
    """Presses Tab from the top of the page until ``element_id`` has the focus, as a keyboard user does."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused_id(page) == element_id:
            return
    raise AssertionError(f"#{element_id} is not reachable with Tab")


def wait_saved(page, student) -> None:
    expect(page.locator(f"#etat-{student.pk}")).to_have_text("Enregistré")


def test_the_keyboard_alone_fills_the_grid_enter_and_arrows_moving_between_cells(world, grid):
    page, s = grid, students(world)
    tab_to(page, f"note-{s['Alpha'].pk}")
    for name, typed in (("Alpha", "12,5"), ("Bravo", "abs"), ("Charlie", "EXC"), ("Delta", "ATT")):
        assert focused_id(page) == f"note-{s[name].pk}"
        page.keyboard.type(typed)
        page.keyboard.press("Enter")
        wait_saved(page, s[name])
    assert focused_id(page) == f"note-{s['Delta'].pk}"  # Enter on the last row stays there
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    assert focused_id(page) == f"note-{s['Bravo'].pk}"
    page.keyboard.press("ArrowDown")
    assert focused_id(page) == f"note-{s['Charlie'].pk}"
    expect(page.locator("#compteur")).to_have_text("4")

    saved = {name: grade_of(world, s[name]) for name in s}
    assert saved["Alpha"].value == Decimal("12.5") and saved["Alpha"].special == ""
    assert [saved[n].special for n in ("Bravo", "Charlie", "Delta")] == ["ABS", "EXC", "ATT"]
    page.reload()
    values = [page.locator(f"#note-{s[n].pk}").input_value() for n in ("Alpha", "Bravo", "Charlie", "Delta")]
    assert values == ["12,5", "ABS", "EXC", "ATT"]


def test_a_grade_above_the_maximum_shows_an_error_in_its_row_and_is_not_saved(world, grid):
    page, s = grid, students(world)
    tab_to(page, f"note-{s['Alpha'].pk}")
    page.keyboard.type("25")
    page.keyboard.press("Enter")
    state = page.locator(f"#etat-{s['Alpha'].pk}")
    expect(state).to_be_visible()
    expect(state).to_contain_text("25 est hors de l'échelle : la note doit être entre 0 et 20")
    expect(page.locator(f"#note-{s['Alpha'].pk}")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#etat-saisie")).to_have_text(state.text_content())  # read out by screen readers
    assert grade_of(world, s["Alpha"]) is None
    page.reload()
    assert page.locator(f"#note-{s['Alpha'].pk}").input_value() == ""


def test_escape_gives_back_the_saved_value_and_saves_nothing(world, grid):
    from delibe.web.services.grades import save_grade

    page, s = grid, students(world)
    save_grade(user=None, evaluation=world.taught, student_id=s["Alpha"].pk, raw="11", expected_version=0)
    page.reload()
    tab_to(page, f"note-{s['Alpha'].pk}")
    page.keyboard.type("3")
    page.keyboard.press("Escape")
    expect(page.locator(f"#note-{s['Alpha'].pk}")).to_have_value("11")
    page.keyboard.press("Enter")
    assert focused_id(page) == f"note-{s['Bravo'].pk}"
    page.keyboard.type("8")
    page.keyboard.press("Enter")
    wait_saved(page, s["Bravo"])  # a save of Alpha, had it been sent, was sent before this one
    expect(page.locator(f"#etat-{s['Alpha'].pk}")).to_have_text("")
    assert grade_of(world, s["Alpha"]).version == 1


def posted_cells(page) -> list[dict]:
    """The bodies of the cell saves the page sends, in order, from now on."""
    import json

    sent: list[dict] = []
    page.on("request", lambda r: sent.append(json.loads(r.post_data))
            if r.method == "POST" and r.url.endswith("/note/") else None)
    return sent


def test_a_grade_changed_meanwhile_asks_the_teacher_to_choose_and_replace_saves_with_the_new_version(world, grid):
    from delibe.web.services.grades import save_grade

    page, s = grid, students(world)
    sent = posted_cells(page)
    # a colleague saves 14 for Bravo after the grid was loaded (version 0 → 1)
    save_grade(user=world.users["responsable"], evaluation=world.taught, student_id=s["Bravo"].pk, raw="14",
               expected_version=0)
    bravo = s["Bravo"].pk
    tab_to(page, f"note-{s['Alpha'].pk}")
    page.keyboard.press("ArrowDown")
    page.keyboard.type("9")
    page.keyboard.press("Enter")
    state = page.locator(f"#etat-{bravo}")
    expect(state).to_contain_text("modifiée entre-temps par responsable")
    expect(state).to_contain_text("« 14 »")
    expect(state).to_be_visible()
    keep, replace = page.locator(f"#garder-{bravo}"), page.locator(f"#remplacer-{bravo}")
    expect(keep).to_have_text("Garder la valeur actuelle (14, saisie par responsable)")
    expect(replace).to_have_text("Remplacer par ma saisie (9)")
    expect(page.get_by_role("button", name="Remplacer par ma saisie (9)")).to_be_visible()  # real buttons
    expect(page.locator(f"#note-{bravo}")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#etat-saisie")).to_contain_text("modifiée entre-temps")  # read out
    expect(page.locator("#etat-saisie")).to_contain_text("Garder la valeur actuelle (14")
    # nothing is lost: the colleague's grade stays, the typed value is still in the cell
    assert (grade_of(world, s["Bravo"]).value, grade_of(world, s["Bravo"]).version) == (Decimal(14), 1)
    assert page.locator(f"#note-{bravo}").input_value() == "9"

    # back on the cell, Enter and leaving it send nothing until a choice is made
    assert focused_id(page) == f"note-{s['Charlie'].pk}"
    page.keyboard.press("ArrowUp")
    assert focused_id(page) == f"note-{bravo}"
    page.keyboard.press("Enter")
    assert focused_id(page) == f"note-{s['Charlie'].pk}"
    page.keyboard.press("ArrowUp")
    page.keyboard.type("8")  # typed again: the button names the new value, leaving still sends nothing
    expect(replace).to_have_text("Remplacer par ma saisie (8)")
    page.keyboard.press("ArrowDown")
    page.keyboard.type("7")
    page.keyboard.press("Enter")
    wait_saved(page, s["Charlie"])  # a save of Bravo, had it been sent, was sent before this one
    assert [c["student"] for c in sent] == [str(bravo), str(s["Charlie"].pk)]  # the first try, then Charlie
    assert (grade_of(world, s["Bravo"]).value, grade_of(world, s["Bravo"]).version) == (Decimal(14), 1)
    expect(keep).to_be_visible()

    # the buttons come right after the cell for the keyboard; « remplacer » sends with the version read
    page.locator(f"#note-{bravo}").focus()
    page.keyboard.press("Tab")
    assert focused_id(page) == f"garder-{bravo}"
    page.keyboard.press("Tab")
    assert focused_id(page) == f"remplacer-{bravo}"
    page.keyboard.press("Enter")
    wait_saved(page, s["Bravo"])
    assert sent[-1] == {"student": str(bravo), "value": "8", "version": 1}
    assert (grade_of(world, s["Bravo"]).value, grade_of(world, s["Bravo"]).version) == (Decimal(8), 2)
    expect(keep).to_have_count(0)
    expect(page.locator(f"#note-{bravo}")).not_to_have_attribute("aria-invalid", "true")
    assert focused_id(page) == f"note-{bravo}"


def test_two_browsers_on_the_same_grid_the_second_writer_chooses_to_keep_the_colleagues_value(world, grid, open_as):
    page, s = grid, students(world)
    charlie = s["Charlie"].pk
    other = open_as("responsable")
    other.goto(f"/evaluations/{world.taught.pk}/saisie/")
    other.locator(f"#note-{charlie}").fill("16")
    other.keyboard.press("Enter")
    expect(other.locator(f"#etat-{charlie}")).to_have_text("Enregistré")
    assert grade_of(world, s["Charlie"]).value == Decimal(16)

    sent = posted_cells(page)
    page.locator(f"#note-{charlie}").focus()
    page.keyboard.type("11")
    page.keyboard.press("Enter")
    expect(page.locator(f"#etat-{charlie}")).to_contain_text("« 16 »")
    keep = page.get_by_role("button", name="Garder la valeur actuelle (16, saisie par responsable)")
    expect(keep).to_be_visible()
    assert (grade_of(world, s["Charlie"]).value, grade_of(world, s["Charlie"]).version) == (Decimal(16), 1)

    # leaving the cell again with Tab sends nothing
    page.locator(f"#note-{charlie}").focus()
    page.keyboard.press("Tab")
    assert focused_id(page) == f"garder-{charlie}"
    assert len(sent) == 1 and grade_of(world, s["Charlie"]).value == Decimal(16)

    page.keyboard.press("Enter")  # « garder »: the colleague's value comes back in the cell
    expect(page.locator(f"#note-{charlie}")).to_have_value("16")
    expect(page.locator(f"#etat-{charlie}")).to_contain_text("Valeur actuelle gardée : 16")
    expect(page.locator(f"#remplacer-{charlie}")).to_have_count(0)
    assert focused_id(page) == f"note-{charlie}"
    page.keyboard.press("Enter")  # the same value as stored: nothing to send
    page.keyboard.type("5")
    page.keyboard.press("Enter")
    wait_saved(page, s["Delta"])
    assert [c["student"] for c in sent] == [str(charlie), str(s["Delta"].pk)]
    expect(page.locator("#compteur")).to_have_text("2")  # the colleague's grade counts, and Delta's
    assert (grade_of(world, s["Charlie"]).value, grade_of(world, s["Charlie"]).version) == (Decimal(16), 1)
    page.reload()
    expect(page.locator(f"#note-{charlie}")).to_have_value("16")


def test_a_teacher_creates_an_evaluation_from_the_semester_page_and_lands_on_its_grid(world, open_as):
    from delibe.web.models import Evaluation

    page = open_as("enseignant")
    page.goto("/")
    page.locator(f"#semestre-{world.s1.pk}").click()
    page.locator("#nouvelle-evaluation").click()
    form = page.locator("#form-evaluation")
    expect(form.get_by_label("Module").locator("option")).to_have_count(1)  # the only module they teach
    expect(form.get_by_label("Module")).to_have_value("R1.01")
    form.get_by_label("Intitulé").fill("Oral d'anglais")
    form.get_by_label("Coefficient").fill("1,5")
    form.get_by_label("Note maximale").fill("10")
    form.get_by_role("button", name="Créer l'évaluation").click()
    expect(page.locator("#grille")).to_be_visible()
    expect(page.locator("#note-max")).to_have_text("10")
    expect(page.get_by_role("status").first).to_contain_text("Évaluation « Oral d'anglais » créée.")
    created = Evaluation.objects.get(semester=world.s1, titre="Oral d'anglais")
    assert (created.module_code, created.coefficient, created.note_max) == ("R1.01", 1.5, 10)


def test_a_save_refused_because_the_database_is_busy_is_retried_by_the_grid_until_it_is_saved(
        world, grid, monkeypatch):
    """A long import holds SQLite's write lock: the server answers 503 « réessayez », saves nothing, and the
    grid sends the same value again by itself a moment later."""
    from django.db import OperationalError

    from delibe.web.services import grades as grade_service

    page, s = grid, students(world)
    real, calls = grade_service._save_grade, []

    def busy_once(**kwargs):
        calls.append(kwargs["raw"])
        if len(calls) == 1:
            raise OperationalError("database is locked")
        return real(**kwargs)

    monkeypatch.setattr(grade_service, "_save_grade", busy_once)
    tab_to(page, f"note-{s['Alpha'].pk}")
    page.keyboard.type("14")
    page.keyboard.press("Enter")
    expect(page.locator(f"#etat-{s['Alpha'].pk}")).to_contain_text("Base occupée")
    expect(page.locator(f"#etat-{s['Alpha'].pk}")).to_have_text("Enregistré", timeout=10_000)
    assert calls == ["14", "14"] and grade_of(world, s["Alpha"]).value == Decimal(14)
