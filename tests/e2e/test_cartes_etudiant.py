"""On a phone (≤ 480 px) a student's tables — UE averages, evaluations, absences — become cards (CSS
only, issue 18): one card per row, each value under its column's name, nothing to scroll sideways, the
rows still read as table rows by assistive technologies; axe clean. From 768 px they are tables again."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.test_mobile_etudiant import overflow, student_world  # noqa: F401 (a fixture, used by name)

CARDS = """() => [...document.querySelectorAll('main table.cards')].map(t => ({
  row: getComputedStyle(t.querySelector('tbody tr')).display,
  head: t.querySelector('thead').getBoundingClientRect().height,
  right: Math.max(...[...t.querySelectorAll('tbody tr')].map(r => r.getBoundingClientRect().right)),
  scrolls: t.scrollWidth > t.clientWidth + 1,
  label: getComputedStyle(t.querySelector('tbody td[data-label]'), '::before').content,
}))"""


def test_the_students_tables_turn_into_cards_on_a_phone_and_back_into_tables_on_a_tablet(
        student_world, open_as, axe):  # noqa: F811 (the fixture imported above)
    page = open_as("etudiant")
    page.set_viewport_size({"width": 320, "height": 900})
    page.goto("/mes-resultats/")
    page.locator("details.modules").first.evaluate("d => d.open = true")
    tables = page.evaluate(CARDS)
    assert len(tables) >= 3  # the UE averages, the evaluations of a module, the absences
    for t in tables:
        assert t["row"] == "block" and t["head"] <= 1 and t["right"] <= 320 and not t["scrolls"], t
        assert t["label"].startswith('"') and t["label"] != '"none"', t
    assert not overflow(page)
    ue_table = page.locator("table.ue-table").first
    first = ue_table.get_by_role("row").nth(1)
    expect(first.get_by_role("rowheader")).to_contain_text("UE")
    expect(first.get_by_role("cell")).to_have_count(2)
    expect(first.get_by_role("cell").first).to_have_accessible_name("6")  # the label is shown, not read twice
    expect(ue_table.get_by_role("columnheader", name="Moyenne")).to_have_count(1)
    assert not axe(page)

    page.set_viewport_size({"width": 768, "height": 900})
    page.goto("/mes-resultats/")
    assert all(t["row"] == "table-row" for t in page.evaluate(CARDS))
