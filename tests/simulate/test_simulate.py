"""``delibe simulate``: the example scenarios give their expected decisions; bad scenarios give a French
message naming the file and the place, exit code 2 and nothing on stdout."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from delibe.cli import cli

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples" / "scenarios").glob("*.yaml"))


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, ["simulate", *args])


def compare(expected: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    problems = []
    for i, want in enumerate(expected.get("years", [])):
        got = actual["years"][i]
        if got["year"] != want["year"]:
            problems.append(f"years[{i}].year: {got['year']} au lieu de {want['year']}")
        for kind in ("ue", "rcue"):
            for key, item in (want.get(kind) or {}).items():
                have = got[kind].get(key)
                if have is None:
                    problems.append(f"years[{i}].{kind}.{key} absent")
                    continue
                if have["code"] != item["code"]:
                    problems.append(f"years[{i}].{kind}.{key}: {have['code']} au lieu de {item['code']}")
                if abs(have["moyenne"] - item["moyenne"]) > 0.01:
                    problems.append(f"years[{i}].{kind}.{key}: moyenne {have['moyenne']} au lieu de {item['moyenne']}")
            extra = set(got[kind]) - set(want.get(kind) or {})
            if want.get(kind) and extra:
                problems.append(f"years[{i}].{kind}: clés en trop {sorted(extra)}")
        if got["annee"]["code"] != want["annee"]:
            problems.append(f"years[{i}].annee: {got['annee']['code']} au lieu de {want['annee']}")
    cursus = expected.get("cursus") or {}
    for key, code in (cursus.get("ue") or {}).items():
        have = actual["cursus"]["ue"].get(key)
        if have is None or have["code"] != code:
            problems.append(f"cursus.ue.{key}: {have and have['code']} au lieu de {code}")
    for key in ("dut", "but"):
        if key in cursus and actual["cursus"][key] != cursus[key]:
            problems.append(f"cursus.{key}: {actual['cursus'][key]} au lieu de {cursus[key]}")
    return problems


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_shared_example_scenario_gives_its_expected_decisions(path: Path) -> None:
    result = run(str(path))
    assert result.exit_code == 0, result.stderr
    actual = json.loads(result.stdout)
    expected = yaml.safe_load(path.read_text(encoding="utf-8"))["expect"]
    problems = compare(expected, actual)
    assert not problems, "\n".join(problems)


def test_there_are_shared_examples_to_check() -> None:
    assert len(EXAMPLES) >= 4


def test_the_output_has_the_documented_shape_with_reasons(tmp_path: Path) -> None:
    result = run(str(next(p for p in EXAMPLES if p.name == "02-but1-pasd.yaml")))
    data = json.loads(result.stdout)
    year = data["years"][0]
    assert set(year) >= {"year", "ue", "rcue", "annee"}
    assert set(year["ue"]["S1.C1"]) >= {"moyenne", "code", "ects"}
    assert set(year["rcue"]["C1"]) >= {"moyenne", "code"}
    assert any("PASD" in r and "§4.5" in r for r in year["annee"]["raisons"])
    assert set(data["cursus"]) >= {"ue", "ects", "dut", "but"}
    assert data["cursus"]["ects"] == 48


def test_several_files_give_one_json_line_each_with_its_file() -> None:
    result = run(*(str(p) for p in EXAMPLES[:2]))
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 2
    assert [json.loads(line)["file"] for line in lines] == [str(p) for p in EXAMPLES[:2]]


def write(tmp_path: Path, name: str, data: dict[str, Any]) -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def but1(**overrides: Any) -> dict[str, Any]:
    s1 = {"C1": 12, "C2": 12, "C3": 12, "C4": 12, "C5": 12}
    return {"year": "BUT1", "ue": {"S1": dict(s1), "S2": dict(s1)}, **overrides}


def scenario(*years: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"formation": "but-mmi-dijon", "parcours": "Créa", "years": list(years), **extra}


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (scenario({**but1(), "ue": {"S1": {"C1": 12, "C7": 12}, "S2": {"C1": 12}}}),
         "years[0].ue.S1.C7 : compétence « C7 » inconnue"),
        (scenario(but1(), {"year": "BUT3", "ue": {"S5": {"C3": 12}}}), "années dans le désordre"),
        (scenario({**but1(), "ue": {"S1": {"C1": 6, "C2": 6, "C3": 6, "C4": 6, "C5": 6},
                                    "S2": {"C1": 6, "C2": 6, "C3": 6, "C4": 6, "C5": 6}}},
                  {"year": "BUT2", "ue": {"S3": {"C1": 12}}}), "BUT2 sans passage"),
        (scenario({**but1(), "ue": {"S1": {"C1": 20.5}}}), "moyenne 20.5 hors de [0, 20]"),
        (scenario({"year": "BUT1", "modules": {"S1": {"R9-99": 12}}}), "module « R9-99 » inconnu"),
        (scenario(but1(), surprise=1), "clé inconnue"),
        ({"formation": "nulle-part", "parcours": "Créa", "years": [but1()]}, "formation « nulle-part »"),
    ],
    ids=["unknown-competence", "but3-without-but2", "but2-before-passage", "average-out-of-range",
         "unknown-module", "unknown-key", "unknown-formation"],
)
def test_an_invalid_scenario_exits_2_with_a_french_message_naming_file_and_place(
    tmp_path: Path, data: dict[str, Any], fragment: str
) -> None:
    path = write(tmp_path, "mauvais.yaml", data)
    result = run(str(path))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert str(path) in result.stderr and fragment in result.stderr, result.stderr


def test_one_invalid_file_among_several_prints_nothing_on_stdout(tmp_path: Path) -> None:
    bad = write(tmp_path, "mauvais.yaml", scenario({**but1(), "ue": {"S1": {"C1": -2}}}))
    result = run(str(EXAMPLES[0]), str(bad))
    assert result.exit_code == 2 and result.stdout == ""
    assert "mauvais.yaml" in result.stderr


def test_a_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "casse.yaml"
    path.write_text("formation: but-mmi-dijon\nparcours: Créa\nyears:\n  - year: BUT1\n    ue: {S1: [\n", encoding="utf-8")
    result = run(str(path))
    assert result.exit_code == 2 and result.stdout == ""
    assert "casse.yaml" in result.stderr and "ligne" in result.stderr


def test_a_formation_given_by_path_is_read_relative_to_the_scenario(tmp_path: Path) -> None:
    formations = Path(__file__).resolve().parents[2] / "formations" / "but-mmi-dijon.yaml"
    (tmp_path / "f").mkdir()
    (tmp_path / "f" / "but-mmi-dijon.yaml").write_text(formations.read_text(encoding="utf-8"), encoding="utf-8")
    path = write(tmp_path, "s.yaml", {**scenario(but1()), "formation": "f/but-mmi-dijon.yaml"})
    result = run(str(path))
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["years"][0]["annee"]["code"] == "ADM"


def test_the_jury_block_overrides_the_year_with_its_reason(tmp_path: Path) -> None:
    weak = {"C1": 6, "C2": 6, "C3": 12, "C4": 12, "C5": 12}
    data = scenario({"year": "BUT1", "ue": {"S1": dict(weak), "S2": dict(weak)},
                     "jury": {"annee": "PAS1NCI", "ue": {"S1.C1": "ATJ"}, "raison": "progression constatée"}})
    result = run(str(write(tmp_path, "jury.yaml", data)))
    assert result.exit_code == 0, result.stderr
    year = json.loads(result.stdout)["years"][0]
    assert year["annee"]["code"] == "PAS1NCI" and year["annee"]["propose"] == "RED"
    assert year["ue"]["S1.C1"]["code"] == "ATJ" and year["ue"]["S2.C2"]["code"] == "AJ"
    assert any("progression constatée" in r for r in year["annee"]["raisons"])


def test_jury_ue_decisions_may_be_given_by_semester_then_competence(tmp_path: Path) -> None:
    data = scenario({**but1(), "jury": {"ue": {"S1": {"C2": "RAT"}}, "raison": "rattrapage prévu"}})
    result = run(str(write(tmp_path, "jury.yaml", data)))
    assert result.exit_code == 0, result.stderr
    year = json.loads(result.stdout)["years"][0]
    assert year["ue"]["S1.C2"]["code"] == "RAT" and year["ue"]["S1.C2"]["propose"] == "ADM"


def test_the_cursus_lists_every_rcue_after_the_last_jury(tmp_path: Path) -> None:
    result = run(str(next(p for p in EXAMPLES if p.name == "04-full-cursus.yaml")))
    cursus = json.loads(result.stdout)["cursus"]
    assert set(cursus["rcue"]) == {"BUT1", "BUT2", "BUT3"}
    assert cursus["rcue"]["BUT2"]["C2"]["code"] == "CMP"


def test_a_jury_block_without_raison_is_simulated_with_a_default_motive_and_a_warning(tmp_path: Path) -> None:
    weak = {"C1": 6, "C2": 6, "C3": 12, "C4": 12, "C5": 12}
    data = scenario({"year": "BUT1", "ue": {"S1": dict(weak), "S2": dict(weak)}, "jury": {"annee": "PAS1NCI"}})
    result = run(str(write(tmp_path, "sans-raison.yaml", data)))
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["years"][0]["annee"]["code"] == "PAS1NCI"
    assert "sans « raison: »" in result.stderr and "years[0].jury" in result.stderr


def test_module_codes_match_up_to_case_accents_and_separators(tmp_path: Path) -> None:
    exact = {"year": "BUT1", "modules": {"S1": {"R1.01": 12, "SAÉ 1.01": 9}, "S2": {"R2.01": 11}}}
    loose = {"year": "BUT1", "modules": {"S1": {"r1-01": 12, "SAE 1.01": 9}, "S2": {"R2_01": 11}}}
    first = run(str(write(tmp_path, "exact.yaml", scenario(exact))))
    second = run(str(write(tmp_path, "loose.yaml", scenario(loose))))
    assert first.exit_code == second.exit_code == 0, first.stderr + second.stderr
    assert json.loads(first.stdout)["years"] == json.loads(second.stdout)["years"]


def test_an_odd_semester_year_shows_the_attendance_rules_atj_and_penalty_with_their_reglement(tmp_path: Path) -> None:
    path = write(tmp_path, "impair.yaml", {
        "formation": "but-mmi-dijon", "parcours": "Créa",
        "assiduite": {"reglement": "Règlement intérieur, art. 12", "seuil_atj": 4,
                      "penalite": {"points": 0.1, "franchise": 2, "plafond": 2}},
        "years": [{"year": "BUT1", "ue": {"S1": {"C1": 12, "C2": 10.1, "C3": 12, "C4": 12, "C5": 12}},
                   "absences": {"S1": {"R1.01": 5, "R1.02": {"non_justifiees": 3, "justifiees": 2}}}}],
    })
    result = run(str(path))
    assert result.exit_code == 0, result.stderr
    ues = json.loads(result.stdout)["years"][0]["ue"]
    assert (ues["S1.C2"]["code"], ues["S1.C2"]["moyenne"], ues["S1.C2"]["ects"]) == ("ATJ", 9.7, 0.0)
    assert ues["S1.C4"]["code"] == "ADM"
    assert any("pénalité de 0,40 point(s) sur UE1.2" in r and "Règlement intérieur, art. 12" in r
               for r in ues["S1.C2"]["raisons"])
    assert any("ATJ proposé sur UE1.2" in r for r in ues["S1.C2"]["raisons"])


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_the_reasons_printed_by_simulate_cite_texts_and_choices_never_a_file_of_the_docs(path: Path) -> None:
    result = run(str(path))
    assert result.exit_code == 0, result.stderr
    assert "Décision Délibé : " in result.stdout or "Arrêté du 15 avril 2022" in result.stdout
    assert "docs/" not in result.stdout and ".md" not in result.stdout
