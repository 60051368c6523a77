"""The grade spreadsheet round trip: ScoDoc's layout out, edits back in, preview, all or nothing."""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import Workbook, load_workbook

from delibe.web.adapters.saisie_notes_xlsx import parse_grade_sheet
from delibe.web.models import Grade
from delibe.web.services import grades


def sheet(evaluation_key: str, rows: list[tuple[str, object]], note_max: int = 20) -> bytes:
    workbook = Workbook()
    ws = workbook.active
    ws.title = "Saisie notes"
    ws.append(["Une ligne de titre sans point d'exclamation"])
    ws.append([f"!{evaluation_key}", "Nom", "Prénom", "Groupe", f"Note sur {note_max}", "Remarque"])
    for key, value in rows:
        ws.append([f"!{key}", "Nom", "Prénom", "A", value, ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_the_parser_reads_numbers_commas_specials_and_blanks_and_writes_nothing():
    parsed = parse_grade_sheet(
        sheet("7", [("1", 12.5), ("2", "13,25"), ("3", "abs"), ("4", None), ("5", "SUPR")]),
        evaluation_key="7", note_max=20,
    )
    assert parsed.ok
    assert [(r.row, r.student_key, r.action, r.value, r.special) for r in parsed.rows] == [
        (3, "1", "set", Decimal("12.50"), ""), (4, "2", "set", Decimal("13.25"), ""), (5, "3", "set", None, "ABS"),
        (6, "4", "unchanged", None, ""), (7, "5", "delete", None, ""),
    ]


def test_the_parser_lists_every_faulty_row_with_its_place():
    parsed = parse_grade_sheet(
        sheet("7", [("1", 25), ("2", "douze"), ("3", 12), ("1", 10)]), evaluation_key="7", note_max=20,
        known_students={"1", "2"},
    )
    assert [(e.row, e.column) for e in parsed.errors] == [(3, "E"), (4, "E"), (5, "A"), (6, "A")]
    assert "entre 0 et 20" in parsed.errors[0].message
    assert "pas celui d'un étudiant inscrit" in parsed.errors[2].message
    assert "figure déjà ligne 3" in parsed.errors[3].message


def test_a_sheet_of_another_evaluation_is_refused():
    parsed = parse_grade_sheet(sheet("8", [("1", 12)]), evaluation_key="7", note_max=20)
    assert not parsed.ok and "pas de « 7 »" in parsed.errors[0].message


def test_a_file_that_is_not_a_workbook_is_refused_clearly():
    parsed = parse_grade_sheet(b"not a zip", evaluation_key="7", note_max=20)
    assert not parsed.ok and ".xlsx" in parsed.errors[0].message


def test_the_downloaded_sheet_comes_back_with_changes_previewed_then_applied(world, login):
    client = login("enseignant")
    grades.save_grade(user=None, evaluation=world.taught, student_id=world.alice.pk, raw="10", expected_version=0)
    response = client.get(f"/evaluations/{world.taught.pk}/feuille.xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    ws = workbook["Saisie notes"]
    header = next(row for row in ws.iter_rows() if str(row[0].value).startswith("!"))
    assert [c.value for c in header] == [f"!{world.taught.pk}", "Nom", "Prénom", "Groupe", "Note sur 20", "Remarque"]
    for row in ws.iter_rows(min_row=header[0].row + 1):
        row[4].value = "14,5" if row[0].value == f"!{world.alice.pk}" else "ABS"
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "notes.xlsx"

    preview = client.post(f"/evaluations/{world.taught.pk}/import/", {"fichier": buffer})
    assert preview.status_code == 200
    text = preview.content.decode()
    assert "Aperçu des changements" in text and "14,5" in text
    assert Grade.objects.get(student=world.alice).value == Decimal("10.00")  # nothing written yet

    confirm = client.post(f"/evaluations/{world.taught.pk}/import/confirmer/")
    assert confirm.status_code == 302
    assert Grade.objects.get(student=world.alice).value == Decimal("14.50")
    assert Grade.objects.get(student=world.bruno).special == "ABS"


def test_one_invalid_value_rejects_the_whole_file(world):
    data = sheet(str(world.taught.pk), [(str(world.alice.pk), 15), (str(world.bruno.pk), "25")])
    preview = grades.import_sheet(user=None, evaluation=world.taught, data=data)
    assert not preview.ok
    assert [(e.row, e.column) for e in preview.errors] == [(4, "E")]
    assert not Grade.objects.exists()


def test_supr_deletes_and_an_empty_cell_keeps_the_grade(world):
    for student in (world.alice, world.bruno):
        grades.save_grade(user=None, evaluation=world.taught, student_id=student.pk, raw="11", expected_version=0)
    data = sheet(str(world.taught.pk), [(str(world.alice.pk), "SUPR"), (str(world.bruno.pk), None)])
    preview = grades.import_sheet(user=None, evaluation=world.taught, data=data)
    assert preview.ok and preview.unchanged == 1
    assert list(Grade.objects.values_list("student_id", "value")) == [(world.bruno.pk, Decimal("11.00"))]


def test_an_import_is_refused_whole_when_a_grade_changed_after_the_preview(world):
    data = sheet(str(world.taught.pk), [(str(world.alice.pk), 15), (str(world.bruno.pk), 16)])
    preview = grades.preview_sheet(world.taught, data)
    grades.save_grade(user=None, evaluation=world.taught, student_id=world.bruno.pk, raw="9", expected_version=0)
    try:
        grades.apply_changes(user=None, evaluation=world.taught, changes=preview.changes)
    except grades.StaleGrade:
        pass
    else:
        raise AssertionError("the stale import was applied")
    assert list(Grade.objects.values_list("student_id", "value")) == [(world.bruno.pk, Decimal("9.00"))]
