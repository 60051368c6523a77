"""``delibe referentiel import|show``: exit codes, messages, and nothing half-written."""

import datetime as dt
import os

import pytest
import yaml
from click.testing import CliRunner

from delibe.cli import cli

from .conftest import OREBUT_MMI, SCODOC_MMI


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def run(runner, *args):
    return runner.invoke(cli, ["referentiel", *map(str, args)])


@pytest.mark.parametrize("source", [OREBUT_MMI, SCODOC_MMI], ids=["orebut", "scodoc"])
def test_import_prints_the_referentiel_block_to_standard_output(runner, source):
    result = run(runner, "import", source)
    assert result.exit_code == 0, result.output
    data = yaml.safe_load(result.stdout)
    assert [c["nom_court"] for c in data["referentiel"]["competences"]] == [
        "Comprendre", "Concevoir", "Exprimer", "Développer", "Entreprendre"
    ]
    assert source.name in result.stdout.splitlines()[1]
    assert dt.date.today().isoformat() in result.stdout.splitlines()[1]


def test_import_writes_the_output_file_with_usual_permissions_and_no_temporary_left(runner, tmp_path):
    out = tmp_path / "ref.yaml"
    result = run(runner, "import", OREBUT_MMI, "--format", "orebut", "-o", out)
    assert result.exit_code == 0, result.output
    assert yaml.safe_load(out.read_text(encoding="utf-8"))["referentiel"]["specialite"] == "MMI"
    assert os.listdir(tmp_path) == ["ref.yaml"]
    assert out.stat().st_mode & 0o044  # readable by others, unlike mkstemp's 0600
    assert "5 compétences, 3 parcours" in result.stderr


def test_a_failed_import_exits_2_lists_the_errors_and_writes_nothing(runner, tmp_path):
    broken = tmp_path / "broken.xml"
    broken.write_bytes(OREBUT_MMI.read_bytes().replace(b'numero="3"', b'numero="trois"'))
    out = tmp_path / "ref.yaml"
    result = run(runner, "import", broken, "-o", out)
    assert result.exit_code == 2
    assert "rien n'a été écrit" in result.stderr
    assert "@numero doit être un nombre entier" in result.stderr and "(ligne " in result.stderr
    assert sorted(os.listdir(tmp_path)) == ["broken.xml"]


def test_a_failed_import_leaves_an_existing_output_file_untouched(runner, tmp_path):
    out = tmp_path / "ref.yaml"
    out.write_text("ancien contenu\n", encoding="utf-8")
    truncated = tmp_path / "cut.json"
    truncated.write_bytes(SCODOC_MMI.read_bytes()[:5000])
    result = run(runner, "import", truncated, "-o", out)
    assert result.exit_code == 2
    assert "JSON mal formé" in result.stderr
    assert out.read_text(encoding="utf-8") == "ancien contenu\n"
    assert sorted(os.listdir(tmp_path)) == ["cut.json", "ref.yaml"]


def test_a_forced_format_that_does_not_match_exits_2(runner):
    result = run(runner, "import", OREBUT_MMI, "--format", "scodoc")
    assert result.exit_code == 2
    assert "JSON mal formé" in result.stderr


def test_a_missing_input_file_or_output_folder_exits_2(runner, tmp_path):
    missing = run(runner, "import", tmp_path / "absent.xml")
    assert missing.exit_code == 2 and "fichier introuvable" in missing.stderr
    no_folder = run(runner, "import", OREBUT_MMI, "-o", tmp_path / "nope" / "ref.yaml")
    assert no_folder.exit_code == 2 and "n'existe pas" in no_folder.stderr
    assert not (tmp_path / "nope").exists()


def test_show_summarises_competences_levels_acs_and_parcours(runner):
    result = run(runner, "show", SCODOC_MMI)
    assert result.exit_code == 0, result.output
    assert "5 compétences, 14 niveaux, 75 apprentissages critiques" in result.stdout
    assert "1. Comprendre — 2 niveaux (niveau 1 en BUT1 : 6 AC, niveau 2 en BUT2 : 5 AC)" in result.stdout
    assert "3 parcours" in result.stdout
    assert "BUT3 : Exprimer 3, Entreprendre 3" in result.stdout


def test_show_of_a_hostile_file_exits_2_with_a_security_message(runner, tmp_path):
    evil = tmp_path / "evil.xml"
    evil.write_bytes(b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>')
    result = run(runner, "show", evil)
    assert result.exit_code == 2
    assert "refusée par sécurité" in result.stderr
    assert "root:" not in result.output


def test_the_specialite_option_guards_against_importing_the_wrong_referentiel(runner, tmp_path):
    out = tmp_path / "ref.yaml"
    result = run(runner, "import", SCODOC_MMI, "--specialite", "GEII", "-o", out)
    assert result.exit_code == 2
    assert "spécialité « MMI », pas « GEII »" in result.stderr
    assert not out.exists()
    assert run(runner, "show", OREBUT_MMI, "--specialite", "MMI").exit_code == 0


def test_the_output_cannot_overwrite_the_imported_file(runner, tmp_path):
    source = tmp_path / "mmi.json"
    source.write_bytes(SCODOC_MMI.read_bytes())
    result = run(runner, "import", source, "-o", source)
    assert result.exit_code == 2
    assert source.read_bytes() == SCODOC_MMI.read_bytes()


def test_an_output_folder_that_cannot_be_written_exits_2(runner, tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("delibe.cli.referentiel.tempfile.mkstemp", refuse)  # root ignores chmod, so simulate
    result = run(runner, "import", OREBUT_MMI, "-o", tmp_path / "ref.yaml")
    assert result.exit_code == 2 and "écriture impossible" in result.stderr
    assert os.listdir(tmp_path) == []


def test_a_failure_at_the_final_rename_leaves_neither_temporary_nor_partial_file(runner, tmp_path, monkeypatch):
    out = tmp_path / "ref.yaml"
    out.write_text("ancien contenu\n", encoding="utf-8")

    def refuse(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("delibe.cli.referentiel.os.replace", refuse)
    result = run(runner, "import", SCODOC_MMI, "-o", out)
    assert result.exit_code == 2 and "rien n'a été écrit" in result.stderr
    assert os.listdir(tmp_path) == ["ref.yaml"]
    assert out.read_text(encoding="utf-8") == "ancien contenu\n"
