"""The spreadsheet round trip in the browser: download the sheet, fill it in (openpyxl, as a spreadsheet
program would), upload it, read the preview, confirm; a bad sheet is refused as a whole."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect


@pytest.fixture
def sheet_page(world, open_as):
    from delibe.web.services.grades import save_grade

    save_grade(user=None, evaluation=world.taught, student_id=world.bruno.pk, raw="8", expected_version=0)
    page = open_as("enseignant")
    page.goto(f"/evaluations/{world.taught.pk}/saisie/")
    return page


def download_sheet(page, tmp_path: Path) -> Path:
    with page.expect_download() as info:
        page.locator("#telecharger-feuille").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert path.suffix == ".xlsx"
    return path


def fill(path: Path, values: dict[str, object], extra_rows: list[list[object]] = ()) -> Path:
    """Writes ``values`` (student key → cell E) in the downloaded sheet, as a user would."""
    workbook = load_workbook(path)
    sheet = workbook["Saisie notes"]
    for row in sheet.iter_rows(min_row=4):
        key = str(row[0].value or "").lstrip("!")
        if key in values:
            row[4].value = values[key]
    for extra in extra_rows:
        sheet.append(extra)
    workbook.save(path)
    return path


def upload(page, path: Path) -> None:
    page.locator("#importer-feuille").click()
    page.locator("#form-import input[type=file]").set_input_files(path)
    page.locator("#form-import button[type=submit]").click()


def grades(world) -> dict[str, str]:
    from delibe.web.models import Grade
    from delibe.web.services.grades import display_of

    return {g.student.nom: display_of(g.value, g.special)
            for g in Grade.objects.filter(evaluation=world.taught).select_related("student")}


def test_a_downloaded_sheet_filled_in_and_uploaded_is_previewed_then_saved(world, sheet_page, tmp_path):
    page = sheet_page
    path = download_sheet(page, tmp_path)
    rows = {str(r[0]).lstrip("!"): r for r in load_workbook(path)["Saisie notes"].iter_rows(min_row=4, values_only=True)}
    assert rows[str(world.bruno.pk)][1:5] == ("Bravo", "Test", "A", 8)  # today's grade is in the sheet

    upload(page, fill(path, {str(world.alice.pk): "15,5", str(world.bruno.pk): "ABS"}))
    preview = page.locator("#apercu-import")
    expect(preview).to_be_visible()
    expect(preview.locator("caption")).to_contain_text("2 notes modifiées")
    expect(preview.get_by_role("row", name="Alpha")).to_contain_text("15,5")
    expect(preview.get_by_role("row", name="Bravo")).to_contain_text("8")
    assert grades(world) == {"Bravo": "8"}  # a preview writes nothing

    page.locator("#confirmer-import").click()
    expect(page.locator("#grille")).to_be_visible()
    expect(page.get_by_role("status").first).to_contain_text("2 note(s) enregistrée(s)")
    assert grades(world) == {"Alpha": "15,5", "Bravo": "ABS"}
    from delibe.web.models import Grade

    assert Grade.objects.get(evaluation=world.taught, student=world.alice).value == Decimal("15.5")
    assert page.locator(f"#note-{world.alice.pk}").input_value() == "15,5"


def test_a_sheet_with_a_grade_out_of_scale_and_an_unknown_student_is_refused_whole(world, sheet_page, tmp_path):
    page = sheet_page
    path = fill(download_sheet(page, tmp_path), {str(world.alice.pk): 25, str(world.bruno.pk): 12},
                extra_rows=[["!999999", "Inconnu", "Personne", "A", 10, ""]])
    upload(page, path)
    errors = page.locator("#erreurs-import")
    expect(errors).to_be_visible()
    expect(errors).to_have_attribute("role", "alert")
    expect(errors.locator("h2")).to_contain_text("2 erreurs")
    expect(errors).to_contain_text("25 est hors de l'échelle")
    expect(errors).to_contain_text("999999")
    expect(page.locator("#confirmer-import")).to_have_count(0)
    assert grades(world) == {"Bravo": "8"}  # Bravo's valid 12 is not written either
