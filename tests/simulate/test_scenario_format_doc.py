"""docs/scenario-format.md stays true: its examples run, it names every key and code the reader accepts,
its JSON example has the keys of the real output, and `delibe simulate --help` and the README point to
it, never outside the repository."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from delibe.cli import cli
from delibe.engine.jury.codes import ANNEE_CODES, RCUE_CODES, UE_CODES
from delibe.simulate import JURY_KEYS, KNOWN_KEYS, YEAR_KEYS

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "scenario-format.md"
TEXT = DOC.read_text(encoding="utf-8")
YAML_BLOCKS = re.findall(r"```yaml\n(.*?)```", TEXT, re.DOTALL)
SCENARIOS = [b for b in YAML_BLOCKS if re.search(r"^years:", b, re.MULTILINE)]
HEAD = "formation: but-mmi-dijon\nparcours: Créa\n"
EXAMPLE = ROOT / "examples" / "scenarios" / "03-repeater.yaml"


def simulate(*args: str):  # type: ignore[no-untyped-def]  # a test helper
    return CliRunner().invoke(cli, ["simulate", *args])


def test_the_format_has_complete_scenario_examples() -> None:
    assert len(SCENARIOS) >= 3


@pytest.mark.parametrize("block", SCENARIOS, ids=[f"exemple-{i}" for i in range(len(SCENARIOS))])
def test_every_scenario_example_of_the_format_is_deliberated(tmp_path: Path, block: str) -> None:
    path = tmp_path / "exemple.yaml"
    path.write_text(block if block.startswith(("description", "formation")) else HEAD + block, encoding="utf-8")
    result = simulate(str(path))
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["years"]


@pytest.mark.parametrize("word", sorted(KNOWN_KEYS | YEAR_KEYS | JURY_KEYS | {"moyenne", "code"}))
def test_the_format_documents_every_key(word: str) -> None:
    assert f"`{word}`" in TEXT


@pytest.mark.parametrize("code", sorted(UE_CODES | RCUE_CODES | ANNEE_CODES))
def test_the_format_lists_every_jury_code(code: str) -> None:
    assert re.search(rf"\b{code}\b", TEXT)


def test_the_json_example_has_the_keys_of_the_real_output() -> None:
    block = re.search(r"```json\n(.*?)```", TEXT, re.DOTALL)
    assert block is not None
    documented = json.loads(block.group(1).replace('"…"', '"x"').replace("[\"…\"]", "[]"))
    actual = json.loads(simulate(str(EXAMPLE)).stdout)
    assert set(documented) - {"file"} == set(actual) - {"file"}
    year, real = documented["years"][0], actual["years"][0]
    assert set(year) == set(real)
    assert set(year["ue"]["S1.C1"]) == set(real["ue"]["S1.C1"])
    assert set(year["rcue"]["C1"]) == set(real["rcue"]["C1"])
    assert set(documented["cursus"]) == set(actual["cursus"])


def test_help_and_readme_point_to_the_format_inside_the_repository() -> None:
    help_text = simulate("--help").output
    assert "docs/scenario-format.md" in help_text and "shared" not in help_text
    assert "docs/scenario-format.md" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_no_source_or_doc_sends_the_reader_outside_the_repository_for_the_format() -> None:
    places = [*ROOT.joinpath("src").rglob("*.py"), *ROOT.joinpath("docs").rglob("*.md"), ROOT / "README.md"]
    assert not [p for p in places if "shared/scenarios" in p.read_text(encoding="utf-8")]
