"""Hostile uploads (issue 19, finding 1): small files that declare huge contents are refused with a clear
French message, at a bounded cost (CPU of this process and Python memory peak, measured loosely: the
machine is shared; docs/benchmarks.md has the real numbers)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from delibe.imports import etudiants, limits
from delibe.web.adapters.saisie_notes_xlsx import parse_grade_sheet
from tests.trust import bombs

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CPU = 2.0  # seconds: the bound for any upload below the size limit
MEMORY = 200 * 1024 * 1024


@pytest.fixture(scope="module")
def shared_strings_bomb() -> bytes:
    return bombs.tiny_shared_strings()  # ~1.2 MB of zip, ~500 MB of XML (a few seconds to build)


def _grade(data: bytes):
    return parse_grade_sheet(data, evaluation_key="1", note_max=20)


def _students(data: bytes):
    return etudiants.parse_students(data, "liste.xlsx")


def _messages(result) -> str:
    return " ".join(str(e) for e in result.errors)


def _bounded(call, data: bytes, expected: str, cpu: float = CPU) -> bombs.Cost:
    result, spent = bombs.cost(lambda: call(data))
    assert expected in _messages(result), _messages(result)
    assert len(result.errors) <= limits.MAX_ERRORS + 1
    assert spent.cpu < cpu, spent
    assert spent.peak < MEMORY, spent
    return spent


@pytest.mark.parametrize("call", [_grade, _students], ids=["feuille de notes", "liste d'étudiants"])
def test_thirty_million_tiny_shared_strings_are_refused_before_openpyxl_reads_them(call, shared_strings_bomb):
    assert len(shared_strings_bomb) < 2 * 1024 * 1024
    _bounded(call, shared_strings_bomb, "une fois décompressé, le classeur ferait plus de 40 Mo")


@pytest.mark.parametrize("call", [_grade, _students], ids=["feuille de notes", "liste d'étudiants"])
def test_a_bomb_that_declares_a_small_size_is_stopped_at_the_size_it_declares(call, shared_strings_bomb):
    lying = bombs.lying_sizes(shared_strings_bomb, "xl/sharedStrings.xml", 900 * 1024)
    result, spent = bombs.cost(lambda: call(lying))
    assert not getattr(result, "rows", None) and result.errors
    assert "illisible" in _messages(result) or "refusé" in _messages(result)
    assert spent.cpu < CPU and spent.peak < MEMORY, spent


def test_a_part_that_declares_four_gigabytes_is_refused_by_its_declaration():
    huge = bombs.lying_sizes(bombs.far_row(), "xl/sharedStrings.xml", 0xFFFFFFF0)
    _bounded(_grade, huge, "ferait plus de 40 Mo")


def test_more_shared_strings_than_the_bound_are_counted_while_streaming_and_refused():
    data = bombs.distinct_shared_strings(limits.STUDENTS.shared_strings + 10)
    _bounded(_students, data, "plus de 60 000 textes différents")


@pytest.mark.parametrize("call", [_grade, _students], ids=["feuille de notes", "liste d'étudiants"])
def test_a_sheet_of_a_hundred_thousand_rows_is_refused_with_one_short_message(call):
    data = bombs.many_rows(100_000)
    assert len(data) < 400 * 1024
    _bounded(call, data, "plus de 5 100 lignes")


def test_a_row_of_fifty_thousand_cells_is_refused():
    _bounded(_students, bombs.wide_row(), "une ligne a plus de 1 000 cellules")


def test_a_cell_on_row_one_million_does_not_make_the_reader_pad_a_million_rows():
    result, spent = bombs.cost(lambda: _grade(bombs.far_row()))
    assert result.errors and spent.cpu < CPU and spent.peak < MEMORY, spent


def test_a_zip_of_twenty_thousand_parts_is_refused():
    _bounded(_students, bombs.many_members(), "20 006 parties")


def test_a_classic_zip_bomb_is_refused_by_its_declared_size():
    _bounded(_grade, bombs.zeros_member(), "ferait plus de 40 Mo")


def test_a_highly_compressed_part_under_the_size_limit_is_refused_by_its_ratio():
    _bounded(_grade, bombs.zeros_member(8 * 1024 * 1024), "bombe zip")


@pytest.mark.parametrize("varied", [False, True], ids=["répétitif", "varié"])
def test_millions_of_xml_elements_are_refused_before_openpyxl_builds_a_tree(varied):
    data = bombs.many_elements(2_000_000, varied=varied)
    result, spent = bombs.cost(lambda: _students(data))
    assert "refusé" in _messages(result), _messages(result)
    assert spent.cpu < CPU and spent.peak < MEMORY, spent


def test_an_xml_entity_bomb_is_refused():
    _bounded(_grade, bombs.entity_bomb(), "déclaration XML interdite")


def test_a_grade_sheet_full_of_errors_lists_fifty_and_counts_the_others():
    result = _grade(bombs.many_rows(5_000, value="abc"))
    assert len(result.errors) == limits.MAX_ERRORS + 1
    assert "… et 4 950 autre(s) erreur(s)" in result.errors[-1].message


def test_the_largest_students_list_the_bounds_allow_is_read_at_a_bounded_cost():
    # 4 990 students × 10 columns, inline strings (openpyxl's slowest path): the worst accepted file.
    data = bombs.students_sheet(4_990, 10)
    result, spent = bombs.cost(lambda: _students(data))
    assert result.ok and len(result.value.rows) == 4_990
    assert spent.peak < MEMORY
    assert spent.cpu < 4 * CPU, spent  # ≈ 1.5–3 s on this shared 2-core machine (docs/benchmarks.md)


def test_a_csv_of_five_megabytes_of_newlines_is_read_at_a_bounded_cost():
    result, spent = bombs.cost(lambda: etudiants.parse_students(b"NIP;nom;prenom" + b"\n" * (5 * 1024 * 1024 - 20),
                                                                 "liste.csv"))
    assert "plus de 5000 lignes" in _messages(result)
    assert spent.cpu < CPU and spent.peak < MEMORY, spent


def test_a_csv_with_one_huge_field_gets_a_clear_error():
    result = etudiants.parse_students(b'NIP;nom;prenom\n1;"' + b"x" * (1024 * 1024) + b'";y\n', "liste.csv")
    assert "CSV mal formé" in _messages(result)


# --- through the web pages -------------------------------------------------------------------------------

def test_the_grade_import_page_answers_a_hundred_thousand_rows_with_a_short_page(world, login):
    page = login("enseignant").post(reverse("delibe:import", args=[world.taught.pk]), {
        "fichier": SimpleUploadedFile("notes.xlsx", bombs.many_rows(100_000), content_type=XLSX)})
    assert page.status_code == 200
    assert "plus de 5 100 lignes" in page.content.decode()
    assert len(page.content) < 50_000


def test_the_students_import_page_refuses_the_shared_strings_bomb(world, login, shared_strings_bomb):
    page = login("scolarite").post(reverse("interop:etudiants", args=[world.s1.pk]), {
        "fichier": SimpleUploadedFile("liste.xlsx", shared_strings_bomb, content_type=XLSX)})
    assert page.status_code == 200
    assert "ferait plus de 40 Mo" in page.content.decode()


def test_the_absences_import_lists_fifty_errors_and_counts_the_others(world, login):
    lines = "".join(f"9{n};2023-10-02;matin;R1.01;absence\n" for n in range(300))
    page = login("scolarite").post(reverse("assiduite:import", args=[world.s1.pk]), {
        "fichier": SimpleUploadedFile("a.csv", ("nip;date;creneau;module;nature\n" + lines).encode())})
    text = page.content.decode()
    assert page.status_code == 200 and text.count("inconnu ou non inscrit") == limits.MAX_ERRORS
    assert "… et 250 autre(s) erreur(s)" in text


def test_the_absences_import_refuses_more_lines_than_its_bound(world, login):
    from delibe.imports.absences import MAX_CSV_ROWS

    body = "nip;date;creneau;module;nature\n" + "1001;2023-10-02;matin;R1.01;absence\n" * (MAX_CSV_ROWS + 1)
    page = login("scolarite").post(reverse("assiduite:import", args=[world.s1.pk]), {
        "fichier": SimpleUploadedFile("a.csv", body.encode())})
    assert page.status_code == 200 and f"Plus de {MAX_CSV_ROWS} lignes" in page.content.decode()


def test_an_absences_csv_with_a_huge_field_gets_a_clear_error_not_a_500(world, login):
    body = b'nip;date;creneau;module;nature\n"' + b"x" * 200_000 + b'";2023-10-02;matin;R1.01;absence\n'
    page = login("scolarite").post(reverse("assiduite:import", args=[world.s1.pk]), {
        "fichier": SimpleUploadedFile("a.csv", body)})
    assert page.status_code == 200 and "CSV mal formé" in page.content.decode()


@pytest.mark.parametrize("call", [_grade, _students], ids=["feuille de notes", "liste d'étudiants"])
def test_a_cell_written_at_the_far_corner_of_the_sheet_is_refused_before_any_reader_builds_the_area(call):
    _bounded(call, bombs.corner_cells(), "la zone utilisée de la feuille va jusqu'à la ligne 1 048 576")


def test_cells_without_references_are_placed_as_a_reader_places_them_and_bounded_the_same():
    _bounded(_students, bombs.far_cell_without_reference(), "zone utilisée")
