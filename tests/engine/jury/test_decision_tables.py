"""One test per decision-table case (cases/*.yaml), named from the case's description."""

from __future__ import annotations

import pytest

from delibe.simulate import ScenarioError
from tests.engine.jury.harness import Case, compare, compare_semestre, load_cases, run_case, run_semestre

CASES = load_cases()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case(case: Case) -> None:
    if "error" in case.data:
        with pytest.raises(ScenarioError) as caught:
            run_case(case)
        assert case.data["error"] in str(caught.value), str(caught.value)
        return
    scenario, result = run_case(case)
    problems = compare(case, scenario, result)
    if "semestre_impair" in case.data:
        problems += compare_semestre(case, scenario, run_semestre(case, scenario))
    assert not problems, "\n".join(problems)


def test_every_case_file_holds_cases_with_a_description_and_an_expectation() -> None:
    assert len(CASES) >= 40
    for case in CASES:
        assert case.description.strip(), case.file
        assert ("expect" in case.data) != ("error" in case.data), case.id
    assert len({c.id for c in CASES}) == len(CASES), "two cases share a description"


def test_the_cases_decide_every_code_on_every_kind_it_may_stand_on() -> None:
    from delibe.engine.jury.codes import ANNEE_CODES, RCUE_CODES, UE_CODES
    from tests.engine.jury.harness import run_case

    seen: dict[str, set[str | None]] = {"ue": set(), "rcue": set(), "annee": set()}
    for case in CASES:
        if "error" in case.data:
            continue
        _, result = run_case(case)
        for year in result.years:
            seen["ue"] |= {u.decided for u in year.ues.values()} | {s.code for s in year.autres_ues.values()}
            seen["rcue"] |= {r.decided for r in year.rcues.values()}
            seen["annee"].add(year.annee.decided)
        seen["rcue"] |= {r.code for r in result.final.rcues}
    assert UE_CODES <= seen["ue"], sorted(UE_CODES - seen["ue"])
    assert RCUE_CODES <= seen["rcue"], sorted(RCUE_CODES - seen["rcue"])
    assert ANNEE_CODES <= seen["annee"], sorted(ANNEE_CODES - seen["annee"])
