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
    # the grid at a department's size: Page Down goes ten students down, Ctrl+End to the last cell
    rows = page.locator("#table-jury tbody tr")
    rows.nth(0).locator("th a").first.focus()
    page.keyboard.press("PageDown")
    expect(rows.nth(10).locator("th a").first).to_be_focused()
    page.keyboard.press("Control+End")
    last = rows.nth(rows.count() - 1)
    expect(last.locator("> *").last).to_be_focused()
    assert page.locator('#table-jury [tabindex="0"]').count() == 1


# --- the table as a data grid (WAI-ARIA « Grid » pattern, jury.js) ------------------------------------

def focused(page) -> dict:
    return page.evaluate("""() => { const el = document.activeElement, cell = el.closest('td, th');
        return {tag: el.tagName, text: el.textContent.trim(), label: (el.getAttribute('aria-describedby')
                    ? document.getElementById(el.getAttribute('aria-describedby')).textContent : '') + ' : '
                    + el.textContent.replace(/\\s+/g, ' '),
                inTable: !!el.closest('#table-jury'), row: cell ? cell.parentElement.id : '',
                column: cell ? Array.prototype.indexOf.call(cell.parentElement.children, cell) : -1,
                tabStops: document.querySelectorAll('#table-jury [tabindex="0"]').length}; }""")


def open_grid(world, open_as, width=1366):
    grade_whole_year(world, alice_average=12, bruno_average=9)
    page = open_as("president")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"/semestres/{world.s2.pk}/jury/")
    expect(page.locator("#table-jury")).to_have_attribute("role", "grid")
    return page


def test_tab_enters_the_grid_on_one_cell_and_leaves_it_in_one_step(world, open_as):
    page = open_grid(world, open_as)
    page.get_by_role("button", name="Filtrer").focus()
    page.keyboard.press("Tab")
    where = focused(page)
    assert where["inTable"] and where["tag"] == "A" and "ALPHA" in where["text"], where
    assert where["tabStops"] == 1
    page.keyboard.press("Tab")
    assert not focused(page)["inTable"]
    page.keyboard.press("Shift+Tab")  # back into the grid: on the cell last used
    assert focused(page)["row"] == f"jury-{world.alice.pk}" and focused(page)["column"] == 0


def test_arrows_move_in_four_directions_and_home_end_reach_the_row_and_table_ends(world, open_as):
    page = open_grid(world, open_as)
    page.locator(f"#jury-{world.alice.pk} th a").first.focus()
    page.keyboard.press("ArrowRight")
    where = focused(page)
    assert where["tag"] == "TD" and where["column"] == 1, where
    assert "ALPHA" in where["label"] and "Année" in where["label"] and "ADM" in where["label"], where
    page.keyboard.press("ArrowDown")
    where = focused(page)
    assert where["row"] == f"jury-{world.bruno.pk}" and where["column"] == 1
    assert "BRAVO" in where["label"] and "RED" in where["label"], where
    page.keyboard.press("ArrowLeft")
    assert focused(page)["tag"] == "A" and "BRAVO" in focused(page)["text"]
    page.keyboard.press("ArrowUp")
    assert "ALPHA" in focused(page)["text"]
    page.keyboard.press("End")
    where = focused(page)
    last = page.locator(f"#jury-{world.alice.pk} > *").count() - 1
    assert where["row"] == f"jury-{world.alice.pk}" and where["column"] == last, where
    assert "RCUE" in where["label"] and "ALPHA" in where["label"], where
    page.keyboard.press("Home")
    assert focused(page)["column"] == 0 and "ALPHA" in focused(page)["text"]
    page.keyboard.press("Control+End")
    assert focused(page)["row"] == f"jury-{world.bruno.pk}" and focused(page)["column"] == last
    page.keyboard.press("Control+Home")
    assert focused(page)["row"] == f"jury-{world.alice.pk}" and focused(page)["column"] == 0
    assert focused(page)["tabStops"] == 1
    page.keyboard.press("ArrowUp")  # at the edge the focus stays put
    assert focused(page)["row"] == f"jury-{world.alice.pk}"
    page.keyboard.press("PageDown")  # ten rows down, or the last row
    assert focused(page)["row"] == f"jury-{world.bruno.pk}" and focused(page)["column"] == 0
    page.keyboard.press("PageUp")
    assert focused(page)["row"] == f"jury-{world.alice.pk}"


def test_enter_reaches_the_links_of_a_cell_tab_goes_round_them_and_escape_returns(world, open_as, tmp_path):
    page = open_grid(world, open_as)
    page.locator(f"#jury-{world.bruno.pk} th a").first.focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    where = focused(page)
    assert where["tag"] == "TD" and "Décider" in where["label"] and "BRAVO" in where["label"], where
    page.keyboard.press("Enter")
    expect(page.locator(f"#jury-{world.bruno.pk}").get_by_role("link", name="Décisions")).to_be_focused()
    page.locator(".jury-scroll").screenshot(path=str(shots_dir(tmp_path) / "jury-grille-lien.png"))
    page.keyboard.press("Tab")
    assert focused(page)["tag"] == "SUMMARY"
    page.keyboard.press("Enter")  # opens « pourquoi »: the reasons load in place
    expect(page.locator(f"#jury-{world.bruno.pk} details.row-reasons")).to_have_attribute("open", "")
    page.keyboard.press("Escape")
    where = focused(page)
    assert where["tag"] == "TD" and where["column"] == 3 and where["tabStops"] == 1, where


def test_the_focused_cell_is_ringed_and_the_grid_passes_axe_at_every_width(world, open_as, axe, tmp_path):
    page = open_grid(world, open_as, width=320)
    page.locator(f"#jury-{world.alice.pk} th a").first.focus()
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    cell = page.locator(":focus")
    style = cell.evaluate("el => { const s = getComputedStyle(el); return [s.outlineStyle, s.outlineWidth, s.boxShadow]; }")
    assert style[0] == "solid" and style[1] == "3px" and "inset" in style[2], style
    box, frame = cell.bounding_box(), page.locator(".jury-scroll").bounding_box()
    name = page.locator(f"#jury-{world.alice.pk} th").bounding_box()
    assert box["x"] >= name["x"] + name["width"] - 1 and box["x"] + box["width"] <= frame["x"] + frame["width"] + 1
    page.screenshot(path=str(shots_dir(tmp_path) / "jury-grille-320.png"))
    for width in (320, 768, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        assert not axe(page), axe(page)
