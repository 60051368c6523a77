"""Batch rendering into a zip (progress callback, atomic write) and the ``delibe documents`` commands."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from delibe.cli.documents import documents
from delibe.reports import batch, examples
from delibe.reports.data import Identite
from tests.reports.conftest import FORMATION, SCENARIOS


def test_batch_zip_holds_every_document_and_reports_progress_after_each(tmp_path: Path) -> None:
    docs = batch.semester_documents([examples.bulletin()], examples.pv(), [examples.lettre()])
    calls: list[tuple[int, int, str]] = []
    target = batch.write_zip(docs, tmp_path / "lot.zip", progress=lambda d, t, n: calls.append((d, t, n)))
    names = zipfile.ZipFile(target).namelist()
    assert names == [d.name for d in docs]
    assert [c[0] for c in calls] == list(range(1, len(docs) + 1)) and {c[1] for c in calls} == {len(docs)}
    with zipfile.ZipFile(target) as zf:
        assert zf.read(names[0]).startswith(b"%PDF")
        bulletin_json = json.loads(zf.read(next(n for n in names if n.endswith(".json"))))
        assert bulletin_json["etudiant"]["nom"] == "Durand"


def test_a_failing_document_leaves_no_zip_and_no_partial_file(tmp_path: Path) -> None:
    docs = [batch.Document("a.json", "bulletin-json", examples.bulletin()), batch.Document("b.pdf", "inconnu", None)]
    with pytest.raises(ValueError, match="inconnu"):
        batch.write_zip(docs, tmp_path / "lot.zip")
    assert list(tmp_path.iterdir()) == []


def test_two_students_with_the_same_file_name_are_refused_before_rendering() -> None:
    same = examples.bulletin()
    with pytest.raises(ValueError, match="même nom"):
        batch.semester_documents([same, same])


def test_file_names_are_ascii() -> None:
    assert batch.slug("Élodie LEFÈVRE-Ñuñez") == "Elodie-LEFEVRE-Nunez"


def test_workers_render_the_same_documents_as_one_process(tmp_path: Path) -> None:
    docs = [batch.Document(f"{i}.json", "bulletin-json", b) for i, b in enumerate(examples.cohort(4))]
    one = {d.name: c for d, c in batch.render_all(docs, workers=1)}
    two = {d.name: c for d, c in batch.render_all(docs, workers=2)}
    assert one == two


def test_cli_pv_xlsx_from_scenarios_has_one_row_per_student_with_the_year_code(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "pv.xlsx"
    files = [str(SCENARIOS / n) for n in ("01-but1-adm-with-compensation.yaml", "02-but1-pasd.yaml")]
    result = CliRunner().invoke(documents, ["pv", *files, "--annee", "1", "--date-jury", "2025-06-26",
                                            "--president", "Claire Martin", "-o", str(out)])
    assert result.exit_code == 0, result.output
    ws = load_workbook(out)["PV"]
    rows = [r for r in ws.iter_rows(values_only=True) if r and isinstance(r[0], int)]
    header = next(r for r in ws.iter_rows(values_only=True) if r and r[0] == "N°")
    year = header.index("Année")
    assert [r[1] for r in rows] == ["01-but1-adm-with-compensation", "02-but1-pasd"]
    assert [r[year] for r in rows] == ["ADM", "PASD"]


def test_cli_lot_writes_a_zip_with_pv_bulletins_and_letters(tmp_path: Path) -> None:
    out = tmp_path / "lot.zip"
    result = CliRunner().invoke(documents, ["lot", str(SCENARIOS / "02-but1-pasd.yaml"), "--date-jury",
                                            "2025-06-26", "--workers", "1", "-o", str(out)])
    assert result.exit_code == 0, result.output
    names = zipfile.ZipFile(out).namelist()
    assert any(n.startswith("pv/") and n.endswith(".pdf") for n in names)
    assert any(n.startswith("pv/") and n.endswith(".xlsx") for n in names)
    assert sum(n.startswith("bulletins/") and n.endswith(".pdf") for n in names) == 2
    assert any(n.startswith("lettres/") for n in names)


def test_cli_refuses_a_diploma_not_awarded_in_french_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "releve.pdf"
    result = CliRunner().invoke(documents, ["releve", str(SCENARIOS / "02-but1-pasd.yaml"), "--diplome", "DUT",
                                            "-o", str(out)])
    assert result.exit_code == 2
    assert "n'est pas attribué" in result.output
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_cli_refuses_an_unsupported_extension_and_names_the_allowed_ones(tmp_path: Path) -> None:
    result = CliRunner().invoke(documents, ["lettre", str(SCENARIOS / "02-but1-pasd.yaml"), "-o",
                                            str(tmp_path / "x.docx")])
    assert result.exit_code == 2 and ".pdf" in result.output and ".docx" in result.output


def test_cli_reports_a_missing_scenario_file_in_french(tmp_path: Path) -> None:
    result = CliRunner().invoke(documents, ["lettre", str(tmp_path / "absent.yaml"), "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code == 2 and "absent.yaml" in result.output


def test_cli_config_file_unknown_field_is_named(tmp_path: Path) -> None:
    config = tmp_path / "documents.yaml"
    config.write_text("etablissement: IUT X\ncouleur: bleu\n", encoding="utf-8")
    result = CliRunner().invoke(documents, ["lettre", str(SCENARIOS / "02-but1-pasd.yaml"), "--config", str(config),
                                            "-o", str(tmp_path / "x.html")])
    assert result.exit_code == 2 and "couleur" in result.output


def test_cli_bulletin_json_and_config_logo_reach_the_document(tmp_path: Path) -> None:
    (tmp_path / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')
    config = tmp_path / "documents.yaml"
    config.write_text("etablissement: IUT de Test\ndepartement: MMI\nlogo: logo.svg\n", encoding="utf-8")
    html = tmp_path / "b.html"
    result = CliRunner().invoke(documents, ["bulletin", str(SCENARIOS / "02-but1-pasd.yaml"), "--semestre", "1",
                                            "--etudiant", "DURAND Léa", "--config", str(config), "-o", str(html)])
    assert result.exit_code == 0, result.output
    text = html.read_text(encoding="utf-8")
    assert "IUT de Test" in text and (tmp_path / "logo.svg").as_uri() in text and "DURAND Léa" in text


def test_html_escapes_student_names() -> None:
    from dataclasses import replace

    from delibe.reports import bulletin

    data = replace(examples.bulletin(), etudiant=Identite("<script>alert(1)</script>", "X"))
    assert "<script>alert" not in bulletin.to_html(data)


def test_cli_fiche_pdf(tmp_path: Path) -> None:
    out = tmp_path / "fiche.pdf"
    result = CliRunner().invoke(documents, ["fiche", str(FORMATION), "--parcours", "Créa", "--semestre", "5",
                                            "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")
