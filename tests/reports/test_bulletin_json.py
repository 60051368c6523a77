"""The bulletin JSON follows its committed JSON Schema (src/delibe/reports/schemas/bulletin.schema.json)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest

from delibe.reports import adapters, bulletin, examples
from delibe.reports.data import Identite
from tests.reports.conftest import SCENARIOS


def validator() -> jsonschema.Draft202012Validator:
    schema = bulletin.schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


@pytest.mark.parametrize("make", [examples.bulletin, lambda: examples.bulletin(jury=False), examples.bulletin_s2],
                         ids=["s1-after-jury", "s1-before-jury", "s2-year-jury"])
def test_example_bulletins_validate_against_the_schema(make) -> None:
    validator().validate(json.loads(bulletin.to_json(make())))


def test_bulletins_built_from_the_jury_engine_validate_against_the_schema() -> None:
    from delibe.simulate import read_scenario, run

    scenario = read_scenario(SCENARIOS / "03-repeater.yaml")
    result = run(scenario)
    for data in adapters.bulletins_from_cursus(examples.CONFIG, scenario.formation, result,
                                               Identite("Martin", "Jade"), date_jury="2025-06-26"):
        validator().validate(bulletin.to_dict(data))


def test_schema_rejects_an_average_above_20_and_a_missing_decision_field() -> None:
    doc = bulletin.to_dict(examples.bulletin())
    bad = copy.deepcopy(doc)
    bad["ues"]["UE1.1"]["moyenne"] = 25
    assert not validator().is_valid(bad)
    bad = copy.deepcopy(doc)
    del bad["ues"]["UE1.1"]["decision"]["explication"]
    assert not validator().is_valid(bad)


def test_undefined_averages_are_null_never_zero() -> None:
    from dataclasses import replace

    data = examples.bulletin()
    data = replace(data, ues=(replace(data.ues[0], moyenne=None),) + data.ues[1:])
    doc = bulletin.to_dict(data)
    assert doc["ues"]["UE1.1"]["moyenne"] is None
    validator().validate(doc)


def test_each_decision_carries_its_plain_french_explanation_and_the_codes_shown_are_listed() -> None:
    doc = bulletin.to_dict(examples.bulletin_s2())
    assert doc["annee"]["code"] == "ADM"
    assert doc["annee"]["motifs"] == ["5 RCUE validés sur 5: année validée."]
    assert doc["rcues"][1]["decision"]["code"] == "CMP"
    assert "compens" in doc["rcues"][1]["decision"]["explication"]
    assert set(doc["codes"]) == {"ADM", "CMP"}


def test_rank_is_left_out_when_the_department_hides_ranks() -> None:
    from dataclasses import replace

    data = examples.bulletin()
    assert bulletin.to_dict(data)["ues"]["UE1.1"]["rang"] is not None
    hidden = replace(data, config=replace(data.config, afficher_rangs=False))
    assert all(u["rang"] is None for u in bulletin.to_dict(hidden)["ues"].values())
    assert "Rang" not in bulletin.to_html(hidden)


def test_schema_file_is_committed_json(tmp_path: Path) -> None:
    assert bulletin.SCHEMA_PATH.is_file()
    assert bulletin.schema()["$schema"].startswith("https://json-schema.org/draft/2020-12")


def test_short_version_leaves_out_the_evaluations_but_keeps_ues_composition_and_decisions() -> None:
    from dataclasses import replace

    data = examples.bulletin()
    short = replace(data, config=replace(data.config, details_evaluations=False))
    full_html, short_html = bulletin.to_html(data), bulletin.to_html(short)
    assert "Évaluations: date" in full_html and "Évaluations: date" not in short_html
    for kept in ("Composition des moyennes d'UE", "UE1.2", "Décisions du jury", "Les codes de décision"):
        assert kept in short_html
    assert bulletin.to_dict(short) == bulletin.to_dict(data)  # the JSON always carries everything
