"""Properties of the jury engine (Hypothesis, kept fast): better grades never give a worse proposal,
the year code agrees with its RCUE counts, ECTS add up, an RCUE average lies between its UEs, and the
vectorised cohort path proposes exactly what the per-student engine proposes."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from delibe.engine.jury import Cursus, CursusResult, UECapitalisee, YearAttempt, deliberate
from delibe.engine.jury.codes import ANNEE_RANK, PASSAGE, RCUE_RANK, UE_RANK, VALIDATING
from delibe.engine.jury.cohort import deliberate_cohort, year_ue_order
from delibe.engine.jury.synthetic import mmi_like_formation
from delibe.engine.parameters import DEFAULT_REGLES

FORMATION = mmi_like_formation()
WEIGHTED = mmi_like_formation("synthetic-mmi-ponderee", coef_rcue_impair=2.0)
BUT1 = year_ue_order(FORMATION, "Créa", 1)
BUT2 = year_ue_order(FORMATION, "Créa", 2)
BOUNDARIES = [0.0, 7.99, 7.994, 7.995, 8.0, 9.5, 9.994, 9.995, 10.0, 10.5, 12.0, 20.0]

average = st.one_of(st.none(), st.sampled_from(BOUNDARIES), st.floats(0, 20, allow_nan=False))
defined = st.one_of(st.sampled_from(BOUNDARIES), st.floats(0, 20, allow_nan=False))
FAST = settings(max_examples=60, deadline=None)


def year(annee: int, codes: tuple[str, ...], values: list[float | None]) -> YearAttempt:
    return YearAttempt(annee, dict(zip(codes, values)))


def ranks(result: CursusResult, index: int) -> list[int | None]:
    """The rank of each proposal; None for « incomplet » (an undefined average gives no proposal, which
    is neither better nor worse than one)."""
    y = result.years[index]
    proposals = ([(UE_RANK, u.proposed) for u in y.ues.values()] + [(RCUE_RANK, r.proposed) for r in y.rcues.values()]
                 + [(ANNEE_RANK, y.annee.proposed)])
    return [None if code is None else table[code] for table, code in proposals]


def never_worse(before: list[int | None], after: list[int | None]) -> bool:
    return all(b is None or a is None or b <= a for b, a in zip(before, after, strict=True))


def final_ranks(result: CursusResult) -> dict[str, bool]:
    return {code: state.acquise for code, state in result.final.ues.items()}


@FAST
@given(st.lists(average, min_size=10, max_size=10), st.integers(0, 9), defined)
def test_raising_a_ue_average_never_worsens_any_proposal_of_a_first_year(values, j, raised) -> None:
    before = deliberate(FORMATION, Cursus("Créa", (year(1, BUT1, values),)))
    higher = list(values)
    if higher[j] is not None and raised < higher[j]:
        raised = higher[j]
    higher[j] = raised
    after = deliberate(FORMATION, Cursus("Créa", (year(1, BUT1, higher),)))
    assert never_worse(ranks(before, 0), ranks(after, 0))


@FAST
@given(st.lists(st.floats(8, 20), min_size=10, max_size=10), st.lists(average, min_size=10, max_size=10),
       st.integers(0, 19), defined)
def test_raising_an_average_never_worsens_the_bUT2_jury_nor_the_cursus(but1, but2, j, raised) -> None:
    but1 = [max(v, 10.0) if i % 5 < 3 else v for i, v in enumerate(but1)]  # BUT1 passes (≥ 3 RCUEs)
    first = deliberate(FORMATION, Cursus("Créa", (year(1, BUT1, but1),)))
    assert first.years[0].annee.proposed in PASSAGE
    b1, b2 = list(but1), list(but2)
    target = b1 if j < 10 else b2
    k = j % 10
    target[k] = raised if target[k] is None else max(raised, target[k])  # type: ignore[index]  # target is b1 or b2, both lists
    before = deliberate(FORMATION, Cursus("Créa", (year(1, BUT1, but1), year(2, BUT2, but2))))
    after = deliberate(FORMATION, Cursus("Créa", (year(1, BUT1, b1), year(2, BUT2, b2))))
    assert never_worse(ranks(before, 1), ranks(after, 1))
    assert all(after.final.ues[c].acquise for c, ok in final_ranks(before).items() if ok)
    assert after.final.ects >= before.final.ects and (after.final.dut or not before.final.dut)


@FAST
@given(st.lists(average, min_size=10, max_size=10), st.lists(average, min_size=10, max_size=10),
       st.integers(0, 9), defined)
def test_raising_a_retaken_average_never_worsens_the_repeat(first, retake, j, raised) -> None:
    first_result = deliberate(FORMATION, Cursus("Créa", (year(1, BUT1, first),)))
    if first_result.years[0].annee.proposed in PASSAGE or first_result.years[0].annee.proposed is None:
        return
    higher = list(retake)
    higher[j] = raised if higher[j] is None else max(raised, higher[j])  # type: ignore[type-var]  # not None on this branch
    before = deliberate(FORMATION, Cursus("Créa", (year(1, BUT1, first), year(1, BUT1, retake))))
    after = deliberate(FORMATION, Cursus("Créa", (year(1, BUT1, first), year(1, BUT1, higher))))
    assert never_worse(ranks(before, 1), ranks(after, 1))


@FAST
@given(st.lists(average, min_size=10, max_size=10), st.lists(average, min_size=10, max_size=10))
def test_the_year_code_never_contradicts_its_rcue_counts(but1, but2) -> None:
    cursus = Cursus("Créa", (year(1, BUT1, but1),))
    result = deliberate(FORMATION, cursus)
    if result.years[0].annee.proposed in PASSAGE:
        result = deliberate(FORMATION, Cursus("Créa", cursus.years + (year(2, BUT2, but2),)))
    regles = DEFAULT_REGLES
    for y in result.years:
        rcues = list(y.rcues.values())
        n, v = len(rcues), sum(r.valide for r in rcues)
        below = any(not r.valide and not regles.reaches(r.moyenne, regles.plancher_rcue) for r in rcues)
        code = y.annee.proposed
        if code is None:  # incomplete: an RCUE without average and without proposal
            assert any(r.proposed is None and r.moyenne is None for r in rcues)
        elif code == "ADM":
            assert v == n
        elif code == "PASD":
            assert n * regles.part_rcue_passage < v < n and not below
        else:
            assert code in ("RED", "NAR")
            s5_missing = [r.data["manquantes"] for r in y.annee.reasons if r.rule == "annee.condition_s5"]
            assert v <= n * regles.part_rcue_passage or below or (s5_missing and s5_missing[0])


@FAST
@given(st.lists(average, min_size=10, max_size=10), st.lists(average, min_size=10, max_size=10))
def test_ects_equal_the_sum_over_the_validated_ues(but1, but2) -> None:
    result = deliberate(FORMATION, Cursus("Créa", (year(1, BUT1, but1),)))
    if result.years[0].annee.proposed in PASSAGE:
        result = deliberate(FORMATION, Cursus("Créa", (year(1, BUT1, but1), year(2, BUT2, but2))))
    for y in result.years:
        assert y.ects == sum(u.ue.ects for u in y.ues.values() if u.decided in VALIDATING)
        assert all(u.ects == (u.ue.ects if u.acquise else 0) for u in y.ues.values())
    assert result.final.ects == sum(s.ue.ects for s in result.final.ues.values() if s.code in VALIDATING)


@FAST
@given(st.lists(average, min_size=10, max_size=10), st.booleans())
def test_an_rcue_average_lies_between_its_two_ues(values, weighted) -> None:
    formation = WEIGHTED if weighted else FORMATION
    result = deliberate(formation, Cursus("Créa", (year(1, BUT1, values),)))
    for rcue in result.years[0].rcues.values():
        a, b = (result.years[0].ues[code].moyenne for code in rcue.ues)
        if a is None or b is None:
            assert rcue.moyenne is None
        else:
            assert rcue.moyenne is not None
            assert min(a, b) - 1e-9 <= rcue.moyenne <= max(a, b) + 1e-9


@settings(max_examples=25, deadline=None)
@given(st.lists(st.lists(average, min_size=10, max_size=10), min_size=1, max_size=30), st.booleans())
def test_the_vectorised_cohort_proposes_what_the_per_student_engine_proposes(rows, weighted) -> None:
    formation = WEIGHTED if weighted else FORMATION
    matrix = np.array([[math.nan if v is None else v for v in row] for row in rows], dtype=np.float64)
    cohort = deliberate_cohort(formation, "Créa", 1, matrix, ue_order=BUT1)
    for i, row in enumerate(rows):
        single = deliberate(formation, Cursus("Créa", (year(1, BUT1, row),))).years[0]
        assert cohort.annee_code(i) == single.annee.proposed
        for code, ue in single.ues.items():
            assert cohort.ue_code(i, code) == ue.proposed
        for competence, rcue in single.rcues.items():
            assert cohort.rcue_code(i, competence) == rcue.proposed
            got = cohort.rcue_moyennes[i, cohort.competences.index(competence)]
            assert (rcue.moyenne is None and math.isnan(got)) or abs(got - rcue.moyenne) < 1e-9
        assert cohort.ects[i] == single.ects


def test_the_cohort_uses_the_s5_condition_and_the_repeat_limits_it_is_given() -> None:
    matrix = np.full((3, 10), 12.0)
    matrix[:, [0, 5]] = 9.0  # Comprendre not validated: 4 RCUEs of 5
    cohort = deliberate_cohort(FORMATION, "Créa", 2, matrix, ue_order=BUT2,
                               s1s2_valides=np.array([True, False, False]),
                               repeat_allowed=np.array([True, True, False]))
    assert [cohort.annee_code(i) for i in range(3)] == ["PASD", "RED", "NAR"]


BUT3 = year_ue_order(FORMATION, "Créa", 3)
BEFORE_BUT3 = {u.code: UECapitalisee(12.0) for u in FORMATION.ues if u.semestre <= 4}


@settings(max_examples=25, deadline=None)
@given(st.lists(st.lists(average, min_size=4, max_size=4), min_size=1, max_size=20))
def test_the_vectorised_cohort_matches_the_per_student_engine_in_but3_without_passage(rows) -> None:
    matrix = np.array([[math.nan if v is None else v for v in row] for row in rows], dtype=np.float64)
    cohort = deliberate_cohort(FORMATION, "Créa", 3, matrix, ue_order=BUT3)
    for i, row in enumerate(rows):
        cursus = Cursus("Créa", (year(3, BUT3, row),), ue_acquises_avant=BEFORE_BUT3)
        single = deliberate(FORMATION, cursus).years[0]
        assert cohort.annee_code(i) == single.annee.proposed
        assert all(cohort.ue_code(i, code) == ue.proposed for code, ue in single.ues.items())
