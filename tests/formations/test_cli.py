"""``delibe formation check|show|list``: exit codes 0 (no error), 1 (errors), 2 (cannot load); French
output grouped by severity; JSON on request."""

from __future__ import annotations

import json

import yaml
from click.testing import CliRunner

from delibe.cli import cli
from tests.formations.conftest import MMI_PATH, line_of, module, ue


def run(*args: str):
    return CliRunner().invoke(cli, ["formation", *args])


def write(tmp_path, data, name="but-mmi-dijon"):
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_check_of_the_shipped_formation_exits_0_and_says_it_is_compliant():
    result = run("check", "but-mmi-dijon")
    assert result.exit_code == 0, result.output
    assert "Bilan : 0 erreur(s)" in result.output and "formation conforme." in result.output
    assert "Avertissements (1)" in result.output and "Informations (" in result.output
    assert "source : Arrêté du 15 avril 2022, annexe 1, §4.4" in result.output


def test_check_by_path_exits_0():
    assert run("check", str(MMI_PATH)).exit_code == 0


def test_check_of_a_broken_copy_exits_1_and_shows_place_rule_source_and_fix(tmp_path, mmi_data):
    import copy
    data = copy.deepcopy(mmi_data)
    ue(data, "UE5.5")["ects"] = 9
    result = run("check", str(write(tmp_path, data)))
    assert result.exit_code == 1, result.output
    assert "Erreurs (1)" in result.output
    path = tmp_path / "but-mmi-dijon.yaml"
    line = line_of(path.read_text(encoding="utf-8"), "- numero: 5")
    assert f"[ects.semestre] Créa › S5 (ligne {line}) : le semestre 5 du parcours Créa totalise 29 ECTS" \
        in result.output
    assert "source : Arrêté du 6 décembre 2019, art. 17" in result.output
    assert "correction : répartissez 30 ECTS" in result.output
    assert "formation NON conforme." in result.output


def test_check_of_an_unreadable_file_exits_2_with_a_located_message_and_no_traceback(tmp_path):
    path = tmp_path / "cassee.yaml"
    path.write_text("format: delibe-formation/1\nid: cassee\nsemestres:\n\t- numero: 1\n", encoding="utf-8")
    result = run("check", str(path))
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert f"{path}, ligne 4 : tabulation dans l'indentation" in result.output


def test_check_of_a_missing_file_exits_2():
    result = run("check", "n-existe-pas")
    assert result.exit_code == 2 and "introuvable" in result.output


def test_check_json_lists_findings_with_severity_rule_source_and_fix(tmp_path, mmi_data):
    result = run("check", "but-mmi-dijon", "--json")
    assert result.exit_code == 0
    payload = json.loads(result.output)
    assert payload["conforme"] is True and payload["compte"]["erreur"] == 0
    assert {"severity", "place", "rule", "message", "source", "fix"} <= set(payload["constats"][0])


def test_check_json_of_an_unreadable_file_exits_2_with_the_problems(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("- a\n", encoding="utf-8")
    result = run("check", str(path), "--json")
    assert result.exit_code == 2
    assert json.loads(result.output)["problemes"][0]["ligne"] == 1


def test_show_an_unknown_parcours_exits_2_naming_the_parcours():
    result = run("show", "but-mmi-dijon", "--parcours", "Foo")
    assert result.exit_code == 2 and "Créa, Strat-UX, DWeb-DI" in result.output


def test_show_html_is_a_french_page_with_the_tables():
    result = run("show", "but-mmi-dijon", "--parcours", "Créa", "--semestres", "5,6", "--format", "html")
    assert result.exit_code == 0
    assert result.output.startswith("<!DOCTYPE html>") and '<html lang="fr">' in result.output
    assert "<caption>SAÉ du semestre 5</caption>" in result.output and "TOTAL NIVEAU 3" in result.output


def test_show_without_parcours_tags_parcours_specific_modules():
    result = run("show", "but-mmi-dijon", "--semestres", "4", "--format", "md")
    assert result.exit_code == 0
    assert "R4.Crea.01 Anglais [Créa]" in result.output and "R4.DWeb-DI.01 Anglais [DWeb-DI]" in result.output


def test_show_rejects_a_bad_semester_list():
    assert run("show", "but-mmi-dijon", "--semestres", "7").exit_code == 2


def test_list_names_the_shipped_formation():
    result = run("list")
    assert result.exit_code == 0 and "but-mmi-dijon" in result.output.split()


def test_check_names_the_line_of_the_module_at_fault(tmp_path, mmi_data):
    import copy
    data = copy.deepcopy(mmi_data)
    module(data, 5, "R5-01")["heures"] = {}
    path = write(tmp_path, data)
    result = run("check", str(path), "--json")
    assert result.exit_code == 0  # a warning is not an error
    [finding] = [f for f in json.loads(result.output)["constats"] if f["rule"] == "heures.module_sans_heures"]
    assert finding["ligne"] == line_of(path.read_text(encoding="utf-8"), "code: R5-01")


def test_the_fiche_says_which_semesters_rest_on_assumptions():
    s1 = run("show", "but-mmi-dijon", "--parcours", "Créa", "--semestres", "1", "--format", "md").output
    assert "> Hypothèse : S1 : valeurs supposées localement" in s1
    s5 = json.loads(run("show", "but-mmi-dijon", "--parcours", "Créa", "--semestres", "5", "--json").output)
    assert s5["semestres"][0]["hypotheses"] == []
