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

    for nip, nom in (("1003", "Charlie"), ("1004", "Delta")):
        s = Student.objects.create(department=world.department, formation=world.version, parcours="Créa", nip=nip,
                                   nom=nom, prenom="Test")
        Enrolment.objects.create(student=s, semester=world.s1, parcours="Créa", groupe="A")
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


def test_a_grade_changed_meanwhile_is_not_overwritten_and_its_current_value_is_shown(world, grid):
    from delibe.web.services.grades import save_grade

    page, s = grid, students(world)
    # a colleague saves 14 for Bravo after the grid was loaded (version 0 → 1)
    save_grade(user=world.users["responsable"], evaluation=world.taught, student_id=s["Bravo"].pk, raw="14",
               expected_version=0)
    tab_to(page, f"note-{s['Alpha'].pk}")
    page.keyboard.press("ArrowDown")
    page.keyboard.type("9")
    page.keyboard.press("Enter")
    state = page.locator(f"#etat-{s['Bravo'].pk}")
    expect(state).to_contain_text("modifiée entre-temps")
    expect(state).to_contain_text("« 14 »")
    expect(state).to_be_visible()
    # nothing is lost: the colleague's grade stays, the typed value is still in the cell to re-enter
    assert grade_of(world, s["Bravo"]).value == Decimal(14)
    assert page.locator(f"#note-{s['Bravo'].pk}").input_value() == "9"
    # once warned, the teacher decides: back on the cell, Enter saves over the version now shown
    assert focused_id(page) == f"note-{s['Charlie'].pk}"
    page.keyboard.press("ArrowUp")
    assert focused_id(page) == f"note-{s['Bravo'].pk}"
    page.keyboard.press("Enter")
    wait_saved(page, s["Bravo"])
    assert grade_of(world, s["Bravo"]).value == Decimal(9)
    assert grade_of(world, s["Charlie"]) is None


def test_two_browsers_on_the_same_grid_the_second_writer_is_warned(world, grid, open_as):
    page, s = grid, students(world)
    other = open_as("responsable")
    other.goto(f"/evaluations/{world.taught.pk}/saisie/")
    other.locator(f"#note-{s['Charlie'].pk}").fill("16")
    other.keyboard.press("Enter")
    expect(other.locator(f"#etat-{s['Charlie'].pk}")).to_have_text("Enregistré")

    page.locator(f"#note-{s['Charlie'].pk}").focus()
    page.keyboard.type("11")
    page.keyboard.press("Enter")
    expect(page.locator(f"#etat-{s['Charlie'].pk}")).to_contain_text("« 16 »")
    assert grade_of(world, s["Charlie"]).value == Decimal(16)


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
