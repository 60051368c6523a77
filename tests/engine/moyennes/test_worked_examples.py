"""Worked examples on the seed's BUT3 MMI Création numérique coefficients, computed by hand."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from delibe.engine.model import Module, ModuleKind, frozen_map
from delibe.engine.moyennes import (
    ABS,
    ATT,
    EXC,
    BonusPointsAboveBar,
    Evaluation,
    EvaluationType,
    GradeError,
    LeftOut,
    SemesterSpec,
    StudentGrades,
    compute_semester,
    compute_semester_reference,
)
from tests.engine.moyennes import seed

BOTH = pytest.mark.parametrize(
    "compute", [compute_semester, compute_semester_reference], ids=["vectorised", "reference"]
)

S5_MODULE_AVERAGES = {
    "R5-01": 14,
    "R5-02": 11,
    "R5-03": 12,
    "R5-04": 13,
    "R5-05": 12.5,
    "R5-06": 10,
    "R5-07": 11,
    "SAÉ 5.Crea.01": 13,
    "Portfolio": 14,
}
S6_MODULE_AVERAGES = {"R6-01": 13, "R6-02": 12, "Portfolio": 12, "Stage": 15}


def one_evaluation_per_module(semestre: int, bonus=()) -> SemesterSpec:
    ues, modules = seed.semester(semestre)
    evaluations = tuple(Evaluation(f"{m.code}/e1", m.code) for m in modules)
    return SemesterSpec(ues, modules, evaluations, bonus)


def student(sid: str, averages: dict[str, float], **kw) -> StudentGrades:
    return StudentGrades(sid, {f"{m}/e1": float(v) for m, v in averages.items()}, **kw)


@BOTH
def test_s5_ue_averages_are_the_coefficient_weighted_means_of_the_seed(compute):
    results = compute(one_evaluation_per_module(5), [student("a", S5_MODULE_AVERAGES)])
    # UE5.3: 1×14 + 1×13 + 2×12.5 + 3×10 + 3×11 + 10×13 = 14+13+25+30+33+130 = 245 over 1+1+2+3+3+10 = 20
    assert results.ue_average("a", "UE5.3") == pytest.approx(245 / 20)
    assert results.ue_average("a", "UE5.3") == pytest.approx(12.25)
    # UE5.5: 1×14 + 1×11 + 1×12 + 1×13 + 4×13 + 0×14 = 14+11+12+13+52 = 102 over 1+1+1+1+4 = 8; the
    # portfolio's coefficient 0 leaves it out
    assert results.ue_average("a", "UE5.5") == pytest.approx(102 / 8)
    assert results.ue_average("a", "UE5.5") == pytest.approx(12.75)


@BOTH
def test_s6_ue_averages_are_the_coefficient_weighted_means_of_the_seed(compute):
    results = compute(one_evaluation_per_module(6), [student("a", S6_MODULE_AVERAGES)])
    # UE6.3: 2×12 + 1×12 + 1×15 = 51 over 4 = 12.75
    assert results.ue_average("a", "UE6.3") == pytest.approx(12.75)
    # UE6.5: 13 + 12 + 12 + 15 = 52 over 4 = 13.0
    assert results.ue_average("a", "UE6.5") == pytest.approx(13.0)


def test_the_seed_formation_when_loaded_has_the_coefficients_of_the_hand_built_modules():
    from delibe.formations import load_formation

    formation = load_formation("but-mmi-dijon")
    for semestre, coefs in ((5, seed.S5_COEFS), (6, seed.S6_COEFS)):
        ues = {u.code for u in formation.ues_of(semestre, "Créa")}
        assert set(coefs) <= ues
        for ue, per_module in coefs.items():
            for code, coef in per_module.items():
                module = formation.module(code, semestre)
                assert module is not None, f"S{semestre} {code}"
                assert module.coefficients.get(ue, 0) == coef


@BOTH
def test_module_average_weights_evaluations_by_coefficient_and_brings_them_to_20(compute):
    ues, modules = seed.semester(5)
    evaluations = (
        Evaluation("e1", "R5-06", coefficient=1, note_max=10),  # 7/10 → 14/20
        Evaluation("e2", "R5-06", coefficient=3),  # 10/20
    )
    results = compute(SemesterSpec(ues, modules, evaluations), [StudentGrades("a", {"e1": 7, "e2": 10})])
    # (1×14 + 3×10) / 4 = 44/4 = 11
    assert results.module_average("a", "R5-06", "UE5.3") == pytest.approx(11)
    # R5-06 feeds UE5.3 only; it is the only module with a grade, so UE5.3 = 11 and UE5.5 is undefined
    assert results.ue_average("a", "UE5.3") == pytest.approx(11)
    assert results.ue_average("a", "UE5.5") is None
    assert math.isnan(results.ue_averages[0, results.ue_codes.index("UE5.5")])


@BOTH
def test_abs_counts_zero_exc_drops_its_weight_and_att_is_left_out_and_provisional(compute):
    ues, modules = seed.semester(5)
    evaluations = (
        Evaluation("e1", "R5-06"),
        Evaluation("e2", "R5-06", coefficient=2),
        Evaluation("e3", "R5-06"),
    )
    students = [
        StudentGrades("abs", {"e1": 12, "e2": ABS, "e3": 16}),  # (12 + 0 + 16)/4 = 7
        StudentGrades("exc", {"e1": 12, "e2": EXC, "e3": 16}),  # (12 + 16)/2 = 14
        StudentGrades("att", {"e1": 12, "e2": ATT, "e3": 16}),  # (12 + 16)/2 = 14, provisional
    ]
    results = compute(SemesterSpec(ues, modules, evaluations), students)
    assert results.module_average("abs", "R5-06", "UE5.3") == pytest.approx(7)
    assert results.module_average("exc", "R5-06", "UE5.3") == pytest.approx(14)
    assert results.module_average("att", "R5-06", "UE5.3") == pytest.approx(14)
    assert [results.provisional(s) for s in ("abs", "exc", "att")] == [False, False, True]


@BOTH
def test_an_evaluation_with_a_missing_value_counts_for_nobody_unless_it_is_immediate(compute):
    ues, modules = seed.semester(5)
    evaluations = (
        Evaluation("e1", "R5-06"),
        Evaluation("e2", "R5-06"),  # b has no value: e2 does not count yet, for anyone
        Evaluation("e3", "R5-07", immediate=True),  # b has no value: ignored for b only
    )
    students = [StudentGrades("a", {"e1": 10, "e2": 20, "e3": 8}), StudentGrades("b", {"e1": 12, "e3": None})]
    results = compute(SemesterSpec(ues, modules, evaluations), students)
    assert results.module_average("a", "R5-06", "UE5.3") == pytest.approx(10)
    assert results.module_average("a", "R5-07", "UE5.3") == pytest.approx(8)
    assert results.module_average("b", "R5-07", "UE5.3") is None
    # b: only R5-06 = 12 counts in UE5.3 (R5-07 undefined, left out, not 0)
    assert results.ue_average("b", "UE5.3") == pytest.approx(12)
    assert results.incomplete_evaluations == ("e2",)


@BOTH
def test_a_student_not_enrolled_in_a_module_neither_blocks_its_evaluations_nor_gets_its_average(compute):
    ues, modules = seed.semester(5)
    evaluations = (Evaluation("e1", "R5-06"), Evaluation("e2", "R5-07"))
    students = [
        StudentGrades("a", {"e1": 10, "e2": 16}),
        StudentGrades("b", {"e1": 14, "e2": 2}, modules=frozenset({"R5-06"})),  # e2 ignored for b
        StudentGrades("c", {"e2": 4}, modules=frozenset({"R5-07"})),
    ]
    results = compute(SemesterSpec(ues, modules, evaluations), students)
    assert results.module_average("b", "R5-07", "UE5.3") is None
    assert results.ue_average("b", "UE5.3") == pytest.approx(14)
    # a: (3×10 + 3×16)/6 = 13
    assert results.ue_average("a", "UE5.3") == pytest.approx(13)
    assert results.ue_average("c", "UE5.3") == pytest.approx(4)


@BOTH
def test_evaluation_weights_split_a_module_between_its_ues(compute):
    ues, modules = seed.semester(5)
    evaluations = (
        Evaluation("e1", "R5-01", poids={"UE5.3": 1, "UE5.5": 0}),
        Evaluation("e2", "R5-01", poids={"UE5.3": 1, "UE5.5": 3}),
    )
    results = compute(SemesterSpec(ues, modules, evaluations), [StudentGrades("a", {"e1": 8, "e2": 16})])
    assert results.module_average("a", "R5-01", "UE5.3") == pytest.approx(12)  # (8 + 16)/2
    assert results.module_average("a", "R5-01", "UE5.5") == pytest.approx(16)  # (0×8 + 3×16)/3
    assert results.module_average("a", "R5-01") == pytest.approx(12)  # own average: Σ coef·note / Σ coef


@BOTH
def test_rattrapage_keeps_the_better_of_the_two_and_session_2_replaces(compute):
    ues, modules = seed.semester(5)
    evaluations = (
        Evaluation("e1", "R5-06"),
        Evaluation("rat", "R5-06", type=EvaluationType.RATTRAPAGE),
        Evaluation("e2", "R5-07"),
        Evaluation("s2", "R5-07", type=EvaluationType.SESSION2),
    )
    students = [
        StudentGrades("up", {"e1": 6, "rat": 11, "e2": 15, "s2": 9}),
        StudentGrades("down", {"e1": 12, "rat": 9, "e2": 8}),
        StudentGrades("abs", {"e1": 7, "rat": ABS, "e2": 8, "s2": ABS}),
    ]
    results = compute(SemesterSpec(ues, modules, evaluations), students)
    assert results.module_average("up", "R5-06", "UE5.3") == pytest.approx(11)
    assert results.module_average("up", "R5-07", "UE5.3") == pytest.approx(9)  # even though lower than 15
    assert results.module_average("down", "R5-06", "UE5.3") == pytest.approx(12)
    assert results.module_average("down", "R5-07", "UE5.3") == pytest.approx(8)
    # ABS at a rattrapage or a session 2 is no grade (ScoDoc): the normal average stays
    assert results.module_average("abs", "R5-06", "UE5.3") == pytest.approx(7)
    assert results.module_average("abs", "R5-07", "UE5.3") == pytest.approx(8)


@BOTH
def test_a_capitalised_ue_keeps_the_better_average_and_is_used_as_is_when_not_retaken(compute):
    spec = one_evaluation_per_module(5)
    students = [
        student("better_old", S5_MODULE_AVERAGES, capitalised=frozen_map({"UE5.3": 13.0})),
        student("better_new", S5_MODULE_AVERAGES, capitalised=frozen_map({"UE5.3": 11.0})),
        StudentGrades(
            "not_retaken",
            {"R5-02/e1": 11.0},
            modules=frozenset({"R5-02"}),
            capitalised=frozen_map({"UE5.3": 10.5}),
        ),
    ]
    results = compute(spec, students)
    assert results.ue_average("better_old", "UE5.3") == pytest.approx(13)
    assert results.ue_average("better_new", "UE5.3") == pytest.approx(12.25)
    assert results.ue_average("not_retaken", "UE5.3") == pytest.approx(10.5)
    assert results.explain_ue("not_retaken", "UE5.3").status == "capitalisee"


@BOTH
def test_a_dispensed_ue_has_no_average_and_says_so(compute):
    spec = one_evaluation_per_module(5)
    results = compute(spec, [student("a", S5_MODULE_AVERAGES, dispensed=frozenset({"UE5.5"}))])
    assert results.ue_average("a", "UE5.5") is None
    assert results.ue_average("a", "UE5.3") == pytest.approx(12.25)
    explanation = results.explain_ue("a", "UE5.5")
    assert explanation.dispensed and explanation.status == "dispensee"


@BOTH
def test_bonus_adds_5_percent_of_the_points_above_10_capped_at_half_a_point_then_clips(compute):
    ues, modules = seed.semester(5)
    sport = Module("SPORT", "Sport", 5, ModuleKind.RESSOURCE)
    evaluations = tuple(Evaluation(f"{m.code}/e1", m.code) for m in modules) + (Evaluation("sport", "SPORT"),)
    spec = SemesterSpec(ues, modules + (sport,), evaluations, (BonusPointsAboveBar("SPORT"),))
    students = [
        StudentGrades("s16", {**{f"{m}/e1": float(v) for m, v in S5_MODULE_AVERAGES.items()}, "sport": 16.0}),
        StudentGrades("s19", {**{f"{m}/e1": float(v) for m, v in S5_MODULE_AVERAGES.items()}, "sport": 19.0}),
        StudentGrades("top", {**{f"{m}/e1": 20.0 for m in S5_MODULE_AVERAGES}, "sport": 20.0}),
        StudentGrades("s8", {**{f"{m}/e1": float(v) for m, v in S5_MODULE_AVERAGES.items()}, "sport": 8.0}),
    ]
    results = compute(spec, students)
    assert results.ue_average("s16", "UE5.3") == pytest.approx(12.25 + 0.05 * 6)  # 0.30
    assert results.ue_average("s19", "UE5.5") == pytest.approx(12.75 + 0.45)  # 5 % of 9
    assert results.ue_average("top", "UE5.3") == pytest.approx(20)  # 20 + 0.5 clipped to 20
    assert results.ue_average("s8", "UE5.3") == pytest.approx(12.25)  # no malus below 10
    bonus = results.explain_ue("s16", "UE5.3").bonus
    assert [(b.rule, b.points) for b in bonus] == [("bonus_points_au_dessus_de_10", pytest.approx(0.3))]


@BOTH
def test_the_explanation_lists_every_term_and_why_some_are_left_out(compute):
    ues, modules = seed.semester(5)
    evaluations = (
        Evaluation("e1", "R5-06"),
        Evaluation("e2", "R5-06"),
        Evaluation("e3", "R5-07"),
        Evaluation("e4", "R5-05"),
    )
    students = [
        StudentGrades(
            "a", {"e1": 14, "e2": EXC, "e3": ATT, "e4": 9}, modules=frozenset({"R5-06", "R5-07", "R5-01"})
        ),
        StudentGrades("b", {"e1": 10, "e2": 10, "e3": 10, "e4": 10}),
    ]
    results = compute(SemesterSpec(ues, modules, evaluations), students)
    ue = results.explain_ue("a", "UE5.3")
    assert ue.average == pytest.approx(results.ue_average("a", "UE5.3"))
    terms = {t.module: t for t in ue.terms}
    assert terms["R5-06"].counted and terms["R5-06"].average == pytest.approx(14)
    assert terms["R5-07"].left_out is LeftOut.UNDEFINED_AVERAGE
    assert terms["R5-01"].left_out is LeftOut.UNDEFINED_AVERAGE
    assert terms["R5-05"].left_out is LeftOut.NOT_ENROLLED
    assert ue.provisional
    module = results.explain_module("a", "R5-06", "UE5.3")
    assert [(t.evaluation, t.counted, t.left_out) for t in module.terms] == [
        ("e1", True, None),
        ("e2", False, LeftOut.EXC),
    ]
    assert results.explain_module("a", "R5-07", "UE5.3").terms[0].left_out is LeftOut.ATT
    data = ue.as_dict()
    assert data["average"] == pytest.approx(14) and data["terms"][0]["module"] == "R5-01"
    assert "source" in data["reasons"][0]


def test_a_grade_above_the_maximum_is_rejected_with_the_student_and_the_evaluation():
    ues, modules = seed.semester(5)
    spec = SemesterSpec(ues, modules, (Evaluation("e1", "R5-06", note_max=10),))
    with pytest.raises(GradeError, match="étudiant a, évaluation e1.*entre 0 et 10"):
        compute_semester(spec, [StudentGrades("a", {"e1": 12})])


def test_an_evaluation_of_an_unknown_module_is_rejected_with_the_list_of_modules():
    ues, modules = seed.semester(5)
    with pytest.raises(GradeError, match="évaluation e1 \\(module R9-99\\)"):
        SemesterSpec(ues, modules, (Evaluation("e1", "R9-99"),))


def test_a_module_has_at_most_one_rattrapage():
    ues, modules = seed.semester(5)
    rat = EvaluationType.RATTRAPAGE
    with pytest.raises(GradeError, match="déjà une évaluation de type rattrapage"):
        SemesterSpec(ues, modules, (Evaluation("r1", "R5-06", type=rat), Evaluation("r2", "R5-06", type=rat)))


@BOTH
def test_a_ue_average_displayed_10_00_reaches_the_bar_but_9_99_does_not(compute):
    ues, modules = seed.semester(5)
    spec = SemesterSpec(ues, modules, (Evaluation("e1", "R5-06", note_max=1000),))
    # 499.9/1000 → 9.998 (displayed 10.00) reaches 10 - 0.005 = 9.995; 499.7/1000 → 9.994 (9.99) does not
    results = compute(spec, [StudentGrades("a", {"e1": 499.9}), StudentGrades("b", {"e1": 499.7})])
    assert results.ue_average("a", "UE5.3") == pytest.approx(9.998)
    assert results.reaches("a", "UE5.3") and not results.reaches("b", "UE5.3")
    j = results.ue_codes.index("UE5.3")
    assert results.ue_reaches()[:, j].tolist() == [True, False]
    assert not results.reaches("a", "UE5.5")  # undefined never reaches


def _scenario_formation():
    from delibe.formations import load_formation

    return load_formation("but-mmi-dijon")


def test_ue_averages_from_the_module_averages_of_scenario_4_use_the_seed_coefficients():
    from delibe.engine.moyennes import ue_averages_from_module_averages

    formation = _scenario_formation()
    s5 = ue_averages_from_module_averages(formation, 5, "Créa", S5_MODULE_AVERAGES)
    assert s5 == {"UE5.3": pytest.approx(12.25), "UE5.5": pytest.approx(12.75)}  # 245/20, 102/8
    s6 = ue_averages_from_module_averages(formation, 6, "Créa", S6_MODULE_AVERAGES)
    assert s6 == {"UE6.3": pytest.approx(12.75), "UE6.5": pytest.approx(13.0)}  # 51/4, 52/4


def test_ue_averages_from_module_averages_leave_undefined_modules_out_and_reject_unknown_ones():
    from delibe.engine.model import Formation, Referentiel
    from delibe.engine.moyennes import ue_averages_from_module_averages

    ues, modules = seed.semester(6)
    formation = Formation("f", 1, "f", Referentiel("MMI", "MMI", (), ()), ues, modules)
    # R6-01 undefined: UE6.5 = (12 + 12 + 15)/3 = 13; UE6.3 has no module given but R6-02 → 12
    result = ue_averages_from_module_averages(formation, 6, None, {"R6-01": None, "R6-02": 12, "Portfolio": 12, "Stage": 15})
    assert result == {"UE6.3": pytest.approx(12.75), "UE6.5": pytest.approx(13.0)}
    assert ue_averages_from_module_averages(formation, 6, None, {"R6-01": 9}) == {"UE6.3": None, "UE6.5": 9.0}
    with pytest.raises(GradeError, match="R6-99"):
        ue_averages_from_module_averages(formation, 6, None, {"R6-99": 10})


@BOTH
def test_the_shipped_formation_gives_the_seed_ue_averages_from_grades(compute):
    formation = _scenario_formation()
    for semestre, averages, expected in (
        (5, S5_MODULE_AVERAGES, {"UE5.3": 12.25, "UE5.5": 12.75}),
        (6, S6_MODULE_AVERAGES, {"UE6.3": 12.75, "UE6.5": 13.0}),
    ):
        modules = formation.modules_of(semestre, "Créa")
        evaluations = [Evaluation(f"{m.code}/e1", m.code) for m in modules]
        spec = SemesterSpec.from_formation(formation, semestre, "Créa", evaluations)
        # modules the example gives no average for (e.g. the stage in S5) have no grade: left out
        enrolled = frozenset(averages)
        results = compute(spec, [student("a", averages, modules=enrolled)])
        assert {u: results.ue_average("a", u) for u in expected} == {u: pytest.approx(v) for u, v in expected.items()}


_MODULE_AVERAGE = st.one_of(
    st.none(),
    st.integers(0, 2000).map(lambda n: n / 100),  # two decimals, as scenarios write them
    st.sampled_from([0.0, 9.995, 9.99499, 10.0, 10.005, 20.0]),  # the bars and the ends
)


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_ue_averages_from_module_averages_are_the_exact_coefficient_weighted_means(data):
    """Property: each UE average is Σ coef·moyenne / Σ coef over the modules given with an average,
    computed in fractions of the decimals written (undefined when none feeds the UE)."""
    from fractions import Fraction

    from delibe.engine.exact import exact
    from delibe.engine.moyennes import ue_averages_from_module_averages

    formation = _scenario_formation()
    semestre = data.draw(st.sampled_from([1, 2, 5, 6]), label="semestre")
    modules = formation.modules_of(semestre, "Créa")
    averages = {m.code: data.draw(_MODULE_AVERAGE, label=m.code) for m in modules}
    result = ue_averages_from_module_averages(formation, semestre, "Créa", averages)
    for ue in {u for m in modules for u, c in m.coefficients.items() if c > 0}:
        fed = [(exact(m.coefficients[ue]), exact(averages[m.code])) for m in modules
               if m.coefficients.get(ue, 0) > 0 and averages[m.code] is not None]
        weight = sum((c for c, _ in fed), Fraction(0))
        expected = sum((c * a for c, a in fed), Fraction(0)) / weight if fed and weight else None
        assert result[ue] == expected, (ue, fed)
