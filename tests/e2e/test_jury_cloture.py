"""Closing a jury in the browser (issue 14, item 1): « Clore le jury » opens the checklist; each blocking
item links to the page that fixes it; closing is refused while an item has no reason, the reasons typed
come back with the refusal; with a reason for each item the président closes, and the page passes axe."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.web.conftest import grade_whole_year


@pytest.fixture
def blocked(world):
    """The year fully graded but for one S1 evaluation Bravo has no grade in."""
    from delibe.web.models import Evaluation, Grade

    grade_whole_year(world, alice_average=12, bruno_average=11)
    world.missing = Evaluation.objects.create(semester=world.s1, module_code="R1.01", titre="Oubliée", note_max=20)
    Grade.objects.create(evaluation=world.missing, student=world.alice, value=Decimal(14))
    return world


def test_the_president_sees_the_blocking_items_fixes_one_and_closes_over_the_other_with_a_reason(
        blocked, open_as, axe):
    from delibe.web.audit.models import AuditEntry
    from delibe.web.models import SemesterRun

    w = blocked
    page = open_as("president")
    page.goto(f"/semestres/{w.s2.pk}/jury/")
    page.locator("#clore-jury").click()
    expect(page.locator("h1")).to_have_text("Clore le jury et verrouiller")
    item = page.locator(f"#point-evaluation-{w.missing.pk}")
    expect(item).to_contain_text("R1.01 — Oubliée : 1/2 notes saisies")
    assert axe(page) == []

    # closing without the reason: refused, nothing locked, the field is marked
    page.locator("#confirmer-cloture").click()
    expect(page.locator("#erreur-cloture")).to_contain_text("ne peut pas être clos")
    expect(page.locator(f"#motif-evaluation-{w.missing.pk}")).to_have_attribute("aria-invalid", "true")
    assert not SemesterRun.objects.filter(locked=True).exists()
    assert axe(page) == []

    # the link leads to the grid where the grade is missing
    page.locator(f"#point-evaluation-{w.missing.pk} a").click()
    expect(page).to_have_url(re.compile(f"/evaluations/{w.missing.pk}/saisie/$"))
    expect(page.locator(f"#note-{w.bruno.pk}")).to_have_value("")
    # pages are never cached (no-store), so « back » onto the refused POST cannot be replayed: the
    # président comes back to the checklist the way the page offers, from the jury page
    page.goto(f"/semestres/{w.s2.pk}/jury/")
    page.locator("#clore-jury").click()

    page.locator(f"#motif-evaluation-{w.missing.pk}").fill("Bravo a quitté l'épreuve ; le jury statue sans cette note.")
    page.locator("#confirmer-cloture").click()
    expect(page.locator("#jury-verrouille")).to_be_visible()
    assert set(SemesterRun.objects.filter(locked=True).values_list("pk", flat=True)) == {w.s1.pk, w.s2.pk}
    lock = AuditEntry.objects.filter(action="lock", semester_id=w.s2.pk).get()
    assert "Bravo a quitté l'épreuve" in lock.reason


def test_the_scolarite_closes_a_clean_jury_then_reopens_it_with_a_reason(world, open_as):
    grade_whole_year(world, alice_average=12, bruno_average=11)
    page = open_as("scolarite")
    page.goto(f"/semestres/{world.s2.pk}/jury/")
    page.locator("#clore-jury").click()
    expect(page.locator("#aucun-point-bloquant")).to_be_visible()
    page.locator("#confirmer-cloture").click()
    expect(page.locator("#jury-verrouille")).to_be_visible()
    page.locator("#rouvrir-jury").click()
    page.locator("#motif").fill("Erreur de saisie signalée par l'enseignant de R1.01")
    page.get_by_role("button", name="Rouvrir le semestre").click()
    expect(page.get_by_role("status").first).to_contain_text("Semestre rouvert")
    world.s2.refresh_from_db()
    assert not world.s2.locked
