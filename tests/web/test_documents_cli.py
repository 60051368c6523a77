"""`delibe documents` from the database: the same documents as the web app's « Documents » page (the
jury's decisions, else the proposals marked « * »), for a semester chosen by its number, with the
progress on stderr; the scenario-file mode keeps working, and a wrong number, NIP or option is refused in
French with nothing written."""

from __future__ import annotations

import io
import json
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from delibe.cli.documents import documents

from .conftest import grade_whole_year

SCENARIO = Path(__file__).resolve().parents[2] / "examples" / "scenarios" / "02-but1-pasd.yaml"


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF"), content[:100]
    done = subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True)
    return done.stdout.decode("utf-8")


@pytest.fixture
def graded(world, settings, tmp_path):
    settings.DELIBE_DOCUMENTS_DIR = tmp_path / "reglages"
    grade_whole_year(world, alice_average=12, bruno_average=9)
    return world


def invoke(*args: str):
    return CliRunner().invoke(documents, list(args))


def test_the_lot_of_a_semester_from_the_database_holds_the_pv_and_every_enrolled_students_bulletin(graded, tmp_path):
    target = tmp_path / "lot.zip"
    result = invoke("lot", "--semestre", str(graded.s2.pk), "--courts", "--workers", "1", "-o", str(target))
    assert result.exit_code == 0, result.output
    names = zipfile.ZipFile(target).namelist()
    assert "pv/PV-jury-S1-S2.pdf" in names and "pv/PV-jury-S1-S2.xlsx" in names
    bulletins = sorted(n for n in names if n.startswith("bulletins/") and n.endswith(".pdf"))
    assert bulletins == ["bulletins/S2/1001-ALPHA-Test-S2.pdf", "bulletins/S2/1002-BRAVO-Test-S2.pdf"]
    assert f"{target} écrit ({len(names)} documents)" in result.output
    # the progress bar goes to stderr (a terminal sees it fill; a pipe gets its label only)
    assert "Préparation des données" in result.stderr and "Documents" in result.stderr
    assert "écrit" not in result.stderr


def test_the_lot_from_the_database_shows_the_averages_and_the_proposals_marked_provisional(graded, tmp_path):
    target = tmp_path / "lot.zip"
    result = invoke("lot", "--semestre", str(graded.s2.pk), "--workers", "1", "-o", str(target))
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(target) as zf:
        bravo = json.loads(zf.read("bulletins/S2/1002-BRAVO-Test-S2.json"))
        text = pdf_text(zf.read("bulletins/S2/1002-BRAVO-Test-S2.pdf"))
    assert {u["moyenne"] for u in bravo["ues"].values()} == {9.0}
    assert bravo["annee"]["code"] == "RED" and bravo["annee"]["provisoire"] is True
    assert "BRAVO Test" in text and "9,00" in text and "pas encore décidée par le jury" in text


def test_short_bulletins_leave_out_the_evaluations(graded, tmp_path):
    long_, short = tmp_path / "long.pdf", tmp_path / "court.pdf"
    for target, extra in ((long_, []), (short, ["--court"])):
        result = invoke("bulletin", "--semestre", str(graded.s1.pk), "--etudiant", "1001", *extra, "-o", str(target))
        assert result.exit_code == 0, result.output
    assert "Évaluations" in pdf_text(long_.read_bytes())
    assert "Évaluations" not in pdf_text(short.read_bytes())


def test_a_bulletin_from_the_database_is_chosen_by_semester_number_and_nip_in_pdf_html_and_json(graded, tmp_path):
    import jsonschema

    from delibe.reports import bulletin

    for suffix in ("pdf", "html", "json"):
        target = tmp_path / f"alpha.{suffix}"
        result = invoke("bulletin", "--semestre", str(graded.s1.pk), "--etudiant", "1001", "-o", str(target))
        assert result.exit_code == 0, result.output
        assert target.is_file()
    data = json.loads((tmp_path / "alpha.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, bulletin.schema())
    assert data["etudiant"]["numero"] == "1001" and data["semestre"]["numero"] == 1
    assert {u["moyenne"] for u in data["ues"].values()} == {12.0}
    assert "ALPHA Test" in (tmp_path / "alpha.html").read_text(encoding="utf-8")
    assert "ALPHA Test" in pdf_text((tmp_path / "alpha.pdf").read_bytes())


def test_the_pv_from_the_database_has_one_row_per_enrolled_student(graded, tmp_path):
    import openpyxl

    target = tmp_path / "pv.xlsx"
    result = invoke("pv", "--semestre", str(graded.s2.pk), "--president", "Mme la Directrice", "-o", str(target))
    assert result.exit_code == 0, result.output
    workbook = openpyxl.load_workbook(io.BytesIO(target.read_bytes()))
    rows = [[str(c) for c in row if c is not None] for ws in workbook.worksheets for row in ws.iter_rows(values_only=True)]
    alpha = next(r for r in rows if "Alpha" in r)
    bravo = next(r for r in rows if "Bravo" in r)
    assert "1001" in alpha and "ADM" in alpha
    assert "1002" in bravo and "RED" in bravo  # the proposed year codes


def test_the_letter_from_the_database_tells_the_recorded_year_decision_and_waits_for_it(graded, tmp_path):
    from delibe.web.services import jury as jury_service

    target = tmp_path / "lettre.pdf"
    result = invoke("lettre", "--semestre", str(graded.s2.pk), "--etudiant", "1002", "-o", str(target))
    assert result.exit_code == 2 and "pas encore enregistré la décision d'année" in result.output
    assert not target.exists()
    jury_service.record_decision(user=graded.users["president"], run=graded.s2, student=graded.bruno, level="annee",
                                 key="BUT1", code="RED")
    result = invoke("lettre", "--semestre", str(graded.s2.pk), "--etudiant", "1002", "-o", str(target))
    assert result.exit_code == 0, result.output
    text = pdf_text(target.read_bytes())
    assert "BRAVO" in text and "RED" in text


def test_an_unknown_semester_number_is_refused_in_french_with_the_command_that_lists_them(graded, tmp_path):
    target = tmp_path / "lot.zip"
    result = invoke("lot", "--semestre", "999999", "-o", str(target))
    assert result.exit_code == 2
    assert "aucun semestre n° 999999" in result.output and "delibe documents semestres" in result.output
    assert not target.exists() and list(tmp_path.glob("*.part")) == []


def test_a_student_not_enrolled_in_the_semester_is_refused_and_nothing_is_written(graded, tmp_path):
    target = tmp_path / "b.pdf"
    result = invoke("bulletin", "--semestre", str(graded.s1.pk), "--etudiant", "2001", "-o", str(target))
    assert result.exit_code == 2
    assert "aucun étudiant de NIP « 2001 »" in result.output
    assert not target.exists()


def test_a_scenario_and_a_database_semester_together_are_refused(graded, tmp_path):
    result = invoke("lot", str(SCENARIO), "--semestre", str(graded.s1.pk), "-o", str(tmp_path / "lot.zip"))
    assert result.exit_code == 2 and "ne donnez pas de fichiers scénario" in result.output


def test_options_of_the_scenario_mode_are_refused_for_the_database(graded, tmp_path):
    result = invoke("lot", "--semestre", str(graded.s1.pk), "--annee", "1", "-o", str(tmp_path / "lot.zip"))
    assert result.exit_code == 2 and "--annee ne s'applique qu'aux scénarios" in result.output


def test_without_scenario_nor_semester_the_command_says_how_to_choose(graded, tmp_path):
    result = invoke("bulletin", "-o", str(tmp_path / "b.pdf"))
    assert result.exit_code == 2 and "--semestre ID et --etudiant NIP" in result.output


def test_the_scenario_mode_still_takes_a_semester_from_1_to_6(tmp_path):
    target = tmp_path / "b.json"
    assert invoke("bulletin", str(SCENARIO), "--semestre", "1", "-o", str(target)).exit_code == 0
    assert json.loads(target.read_text(encoding="utf-8"))["semestre"]["numero"] == 1
    result = invoke("bulletin", str(SCENARIO), "--semestre", "7", "-o", str(tmp_path / "x.json"))
    assert result.exit_code == 2 and "de 1 à 6" in result.output


def test_the_semesters_of_the_database_are_listed_with_their_number(graded):
    result = invoke("semestres", "--annee-universitaire", "2023-2024")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert any(line.split()[0] == str(graded.s1.pk) and "S1 2023-2024" in line and "2 inscrits" in line
               for line in lines)
