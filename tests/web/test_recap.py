"""The « tableau récapitulatif » of a semester (issue 14, item 4): one row per student with every module
average, every UE average with its rank, the UE/RCUE codes and the year's proposed and decided codes, read
from the engine's results (never recomputed); filtered by parcours and group; exported to XLSX (one sheet
per parcours, frozen panes, number formats) and CSV showing the numbers as the page does."""

from __future__ import annotations

import io
import re

import pytest

from tests.web.conftest import grade_whole_year, move_to_group

pytestmark = pytest.mark.django_db


@pytest.fixture
def graded(world):
    grade_whole_year(world, alice_average=12, bruno_average=9)
    return world


def recap(run, **filters):
    from delibe.web.selectors.recap import semester_recap

    return semester_recap(run, **filters)


def test_each_student_has_every_module_average_and_ue_average_of_the_engine(graded):
    from delibe.web.services.calcul import compute_run
    from delibe.web.services.formations import formation_model

    data = recap(graded.s1)
    outcome = compute_run(graded.s1)
    formation = formation_model(graded.version)
    assert [code for code, _ in data.modules] == [m.code for m in formation.modules_of(1)]
    assert list(data.ues) == [u.code for u in formation.ues_of(1)]
    by_id = {r.student_id: r for r in data.rows}
    for student in (graded.alice, graded.bruno):
        row = by_id[student.pk]
        for code, _ in data.modules:
            assert row.modules[code] == outcome.module_average(student.pk, code)
        for ue in data.ues:
            assert row.ues[ue].moyenne == outcome.ue_average(student.pk, ue)
    assert by_id[graded.alice.pk].ues["UE1.1"].moyenne == pytest.approx(12)


def test_ranks_and_codes_follow_the_jury_table(graded):
    from delibe.web.services import jury as jury_service

    jury_service.record_decision(user=graded.users["president"], run=graded.s2, student=graded.bruno, level="annee",
                                 key="BUT1", code="ADJ", reason="Progression remarquable en entreprise")
    data = recap(graded.s2)
    alice, bruno = ({r.student_id: r for r in data.rows}[s.pk] for s in (graded.alice, graded.bruno))
    assert (alice.ues["UE2.1"].rang, alice.ues["UE2.1"].effectif) == (1, 2)
    assert (bruno.ues["UE2.1"].rang, bruno.ues["UE2.1"].effectif) == (2, 2)
    assert alice.ues["UE2.1"].code.shown == "ADM*"  # a proposal, marked as the documents mark it
    assert data.year_jury and len(data.rcues) == 5 and alice.rcues["Comprendre"][1].proposed == "ADM"
    assert (bruno.annee.proposed, bruno.annee.decided) == ("RED", "ADJ")
    assert recap(graded.s1).rcues == [] and recap(graded.s1).rows[0].annee is None  # odd semester: UEs only


def test_the_recap_is_filtered_by_parcours_and_group_without_re_ranking(graded):

    only_b = recap(graded.s1, groupe=move_to_group(graded.s1, graded.bruno, "B"))
    assert [r.student_id for r in only_b.rows] == [graded.bruno.pk]
    assert only_b.rows[0].ues["UE1.1"].rang == 2  # still his rank in the semester
    assert recap(graded.s1, parcours="Créa").rows and not recap(graded.s1, parcours="Dév").rows


def test_the_page_shows_the_values_with_the_projects_formatting_and_sortable_headers(graded, login):
    html = login("president").get(f"/semestres/{graded.s2.pk}/recapitulatif/").content.decode()
    row = re.search(rf'<tr id="recap-{graded.bruno.pk}">.*?</tr>', html).group(0)
    assert 'class="sticky"' in row and "BRAVO Test" in row
    assert '<td class="num below" data-v="9.0">9,00</td>' in row and ">2/2<" in row and ">RED<" in row
    assert html.count('<button type="button" class="sort"') == 3 + 24 + 3 * 5 + 2 * 5 + 2
    assert 'aria-sort="none"' in html and "delibe/recap.js" in html
    assert f'href="/semestres/{graded.s2.pk}/recapitulatif.xlsx"' in html


def test_the_page_filters_by_group_and_its_exports_keep_the_filter(graded, login):

    b = move_to_group(graded.s2, graded.bruno, "B").pk
    html = login("scolarite").get(f"/semestres/{graded.s2.pk}/recapitulatif/?groupe={b}").content.decode()
    assert f'id="recap-{graded.bruno.pk}"' in html and f'id="recap-{graded.alice.pk}"' not in html
    assert f'href="/semestres/{graded.s2.pk}/recapitulatif.csv?groupe={b}"' in html
    csv_text = login("scolarite").get(f"/semestres/{graded.s2.pk}/recapitulatif.csv?groupe={b}").content.decode()
    assert "BRAVO" in csv_text and "ALPHA" not in csv_text


def test_the_csv_prints_the_numbers_as_the_page_does(graded, login):
    response = login("scolarite").get(f"/semestres/{graded.s1.pk}/recapitulatif.csv")
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8").lstrip("\ufeff").splitlines()
    header = lines[0].split(";")
    assert header[:5] == ["NIP", "Nom", "Prénom", "Parcours", "Groupe"] and "UE1.1 rang" in header
    alice = dict(zip(header, lines[1].split(";"), strict=True))
    assert alice["NIP"] == "1001" and alice["UE1.1 moy."] == "12,00" and alice["UE1.1 rang"] == "1"
    assert alice["UE1.1 code"] == "ADM*"


def test_the_xlsx_has_one_sheet_per_parcours_frozen_panes_and_number_formats(graded, login):
    from openpyxl import load_workbook

    from delibe.web.models import Enrolment

    Enrolment.objects.filter(student=graded.bruno, semester=graded.s1).update(parcours="Dév")
    response = login("scolarite").get(f"/semestres/{graded.s1.pk}/recapitulatif.xlsx")
    assert response["Content-Disposition"].endswith('.xlsx"')
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["Créa", "Dév"]
    ws = wb["Créa"]
    assert ws.freeze_panes == "D3"
    header = [c.value for c in ws[2]]
    col = header.index("UE1.1 moy.") + 1
    assert ws.cell(3, 1).value == "1001" and ws.cell(3, col).value == 12.0
    assert ws.cell(3, col).number_format == "0.00" and ws.cell(3, col + 1).number_format == "0"
    assert ws.max_row == 3 and wb["Dév"].cell(3, 1).value == "1002"


def test_the_recap_writes_the_value_the_page_displays(graded):
    """The workbook's number is the formatter's text read back: the sheet and the page show the same."""
    from delibe.reports.format import note
    from delibe.reports.recap import number

    for value in (12.0, 9.994999, 10.005, 13.333333):
        assert note(number(value)) == note(value)
    assert number(None) is None


@pytest.mark.parametrize("role, status", [("scolarite", 200), ("responsable", 200), ("president", 200),
                                          ("enseignant", 403), ("etudiant", 404), ("autre", 404)])
def test_who_reads_the_recap(graded, login, role, status):
    client = login(role)
    for suffix in ("/", ".xlsx", ".csv"):
        assert client.get(f"/semestres/{graded.s1.pk}/recapitulatif{suffix}").status_code == status
