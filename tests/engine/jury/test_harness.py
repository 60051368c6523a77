"""The decision-table harness refuses what it would not check: a typo in a case fails the case."""

from __future__ import annotations

import re
from typing import Any

import pytest

from delibe.simulate import ScenarioError
from tests.engine.jury.harness import Case, CaseError, compare, run_case

BUT1 = {"year": "BUT1", "ue": {"S1": {"tous": 12}, "S2": {"tous": 12}}}


def case(**data: Any) -> Case:
    return Case("essai.yaml", 0, {"description": "essai", "years": [BUT1], **data})


def test_a_clean_case_passes_and_a_wrong_expectation_is_reported():
    good = case(expect={"years": [{"year": "BUT1", "annee": "ADM", "ue": {"S1.C1": {"code": "ADM", "moyenne": 12}}}]})
    assert compare(good, *run_case(good)) == []
    wrong = case(expect={"years": [{"annee": "RED"}]})
    [problem] = compare(wrong, *run_case(wrong))
    assert problem.startswith("years[0].annee: ADM au lieu de RED")


@pytest.mark.parametrize(("expect", "where"), [
    ({"years": [{"anne": "ADM"}]}, "expect.years[0]"),
    ({"year": [{"annee": "ADM"}]}, "expect"),
    ({"years": [{"ue": {"S1.C1": {"cod": "ADM"}}}]}, "expect.years[0].ue.S1.C1"),
    ({"cursus": {"but ": True}}, "expect.cursus"),
    ({"cursus": {"rcue": {"BUT1": {"C1": {"moyene": 12}}}}}, "expect.cursus.rcue.BUT1.C1"),
    ({"semestre": {"ues": {}}}, "expect.semestre"),
])
def test_a_misspelt_expectation_key_fails_the_case(expect, where):
    with pytest.raises(CaseError, match=re.escape(f"{where}: clé")):
        run_case(case(expect=expect))


def test_a_misspelt_odd_semester_key_fails_the_case():
    with pytest.raises(CaseError, match="semestre_impair: clé"):
        run_case(case(semestre_impair={"semestres": 1}, expect={}))


def test_a_misspelt_scenario_key_is_refused_by_the_scenario_parser():
    with pytest.raises(ScenarioError):
        run_case(case(derogation=1, expect={}))


def test_the_year_an_expectation_names_is_checked():
    named = case(expect={"years": [{"year": "BUT2"}]})
    assert compare(named, *run_case(named)) == ["years[0].year: BUT1 au lieu de BUT2"]
