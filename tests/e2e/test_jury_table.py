"""The year jury table on a phone, a tablet and a laptop: the page never scrolls sideways (the table
scrolls in its own frame, with the header and the names in place), axe-core clean at each width."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.test_mobile_etudiant import WIDTHS, check_widths, shots_dir
from tests.web.conftest import grade_whole_year


def test_the_year_jury_table_fits_every_width_and_passes_axe(world, open_as, axe, tmp_path):
    grade_whole_year(world, alice_average=12, bruno_average=9)
    page = open_as("president")
    problems = check_widths(page, f"/semestres/{world.s2.pk}/jury/", "jury-annee", axe, shots_dir(tmp_path))
    problems += check_widths(page, f"/semestres/{world.s1.pk}/jury/", "jury-semestre", axe, shots_dir(tmp_path))
    assert not problems, "\n".join(problems)
    assert WIDTHS == (320, 768, 1366)


def test_the_year_code_and_the_decision_link_sit_next_to_the_name_and_the_name_stays_in_place(
        world, open_as):
    grade_whole_year(world, alice_average=12, bruno_average=9)
    page = open_as("president")
    page.set_viewport_size({"width": 768, "height": 900})
    page.goto(f"/semestres/{world.s2.pk}/jury/")
    row = page.locator(f"#jury-{world.bruno.pk}")
    cells = row.locator("th, td")
    expect(cells.nth(0)).to_contain_text("BRAVO")
    expect(cells.nth(1)).to_contain_text("RED")
    expect(cells.nth(1)).to_contain_text("proposé")
    expect(cells.nth(3)).to_contain_text("Décisions")
    name_box = cells.nth(0).bounding_box()
    page.locator(".jury-scroll").evaluate("el => { el.scrollLeft = 400; }")
    assert abs(cells.nth(0).bounding_box()["x"] - name_box["x"]) < 2  # the name column is sticky


def test_the_summary_counts_every_student_and_the_filters_narrow_the_table(world, open_as):
    grade_whole_year(world, alice_average=12, bruno_average=9)
    page = open_as("president")
    page.goto(f"/semestres/{world.s2.pk}/jury/")
    summary = page.locator("section.summary")
    expect(summary.locator("h2")).to_have_text("Résumé : 2 étudiants")
    expect(summary).to_contain_text("ADM Admis : 1")
    expect(summary).to_contain_text("RED Ajourné, autorisé à redoubler : 1")
    page.get_by_label("Code d'année").select_option("RED")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.locator("#table-jury tbody tr")).to_have_count(1)
    expect(page.locator("#table-jury caption")).to_have_text("1 étudiant(s) affiché(s) sur 2")
    expect(summary.locator("h2")).to_have_text("Résumé : 2 étudiants")


def test_arrow_keys_walk_down_the_decision_links(world, open_as):
    grade_whole_year(world, alice_average=12, bruno_average=9)
    page = open_as("president")
    page.goto(f"/semestres/{world.s2.pk}/jury/")
    first = page.locator("#table-jury tbody tr").nth(0).get_by_role("link", name="Décisions")
    first.focus()
    page.keyboard.press("ArrowDown")
    expect(page.locator("#table-jury tbody tr").nth(1).get_by_role("link", name="Décisions")).to_be_focused()


def test_on_the_demo_department_the_year_table_fits_and_its_summary_counts_every_student(open_demo_as, axe, tmp_path):
    import re

    from delibe.web.models import SemesterRun

    run = SemesterRun.objects.filter(semestre=2).order_by("-academic_year__label").first()
    page = open_demo_as("president")
    problems = check_widths(page, f"/semestres/{run.pk}/jury/", "jury-demo", axe, shots_dir(tmp_path))
    assert not problems, "\n".join(problems)
    total = run.enrolments.count()
    summary = page.locator("section.summary")
    expect(summary.locator("h2")).to_have_text(f"Résumé : {total} étudiants")
    firsts = [text.splitlines()[0] for text in summary.locator("ul.jury-counts > li").all_inner_texts()]
    assert sum(int(re.search(r": (\d+)$", line).group(1)) for line in firsts) == total, firsts
