"""Golden files: ``delibe formation show but-mmi-dijon --parcours Créa --semestres 5,6`` in Markdown, text and
JSON is compared with tests/golden/fiche-*. When a change is intended, regenerate them with

    .venv/bin/pytest tests/formations/test_fiche_golden.py --update-goldens

and review the diff (git diff tests/golden) before committing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from delibe.cli import cli

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
BASE = ["formation", "show", "but-mmi-dijon", "--parcours", "Créa", "--semestres", "5,6"]
CASES = {
    "fiche-mmi-crea-s5-s6.md": ["--format", "md"],
    "fiche-mmi-crea-s5-s6.txt": ["--format", "text"],
    "fiche-mmi-crea-s5-s6.json": ["--json"],
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_fiche_matches_its_golden_file(name, golden):
    result = CliRunner().invoke(cli, [*BASE, *CASES[name]])
    assert result.exit_code == 0, result.output
    golden(GOLDEN / name, result.output)


def test_the_json_fiche_the_command_prints_follows_the_documented_contract():
    result = CliRunner().invoke(cli, [*BASE, "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert {"id", "parcours", "semestres"} <= set(payload)
    assert payload["parcours"] == [{"code": "Créa", "libelle": "Création numérique"}]
    s5 = payload["semestres"][0]
    assert s5["numero"] == 5
    assert {"code", "competence", "niveau", "ects"} <= set(s5["ues"][0])
    assert (s5["ues"][0]["code"], s5["ues"][0]["competence"], s5["ues"][0]["ects"]) == ("UE5.3", 3, 20)
    portfolio = next(m for m in s5["modules"] if m["code"] == "Portfolio")
    assert portfolio == portfolio | {"type": "portfolio", "parcours": ["Créa"], "coefficients": {"UE5.5": 0},
                                     "heures": {"cm": 0, "td": 8, "tp": 4, "projet": 5, "hors_projet": 12}}
    assert payload["annees"] == [{"annee": 3, "semestres": [5, 6], "coefficients": 36, "ects": 60,
                                  "heures": {"cm": 12, "td": 284, "tp": 124, "projet": 35, "hors_projet": 420}}]
