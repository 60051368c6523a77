"""Exact averages at the bars (Délibé decision, docs/domain.md §2): an average reaches a bar b when its
exact decimal value is ≥ b − 0.005, whatever its binary form, and the value shown agrees.

The generators aim at the edge: two-decimal grades, integer and half coefficients, and a last grade
steered so that the exact weighted mean lands on b − 0.005, or a hair above or below it
(b − 0.004999…, b − 0.00501…). The reference is computed here with ``fractions.Fraction``, from the
formula of domain.md §2, independently of the engine; the reference and the vectorised engines, the
jury and the display must all agree with it."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import numpy as np
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from delibe.engine.exact import exact, note_fr
from delibe.engine.jury import Cursus, YearAttempt, deliberate
from delibe.engine.jury.cohort import deliberate_cohort, year_ue_order
from delibe.engine.jury.synthetic import mmi_like_formation
from delibe.engine.model import UE, Module, ModuleKind, frozen_map
from delibe.engine.moyennes import (
    Evaluation,
    SemesterSpec,
    StudentGrades,
    compute_semester,
    compute_semester_reference,
)
from delibe.engine.parameters import DEFAULT_REGLES as REGLES

HALF_COEFFICIENTS = st.sampled_from([Fraction(1, 2), Fraction(1), Fraction(3, 2), Fraction(2), Fraction(3),
                                     Fraction(5), Fraction(7)])
CENTS = st.integers(0, 2000).map(lambda c: Fraction(c, 100))  # two-decimal grades on 20


def cents(x: Fraction) -> Fraction:
    """The two-decimal grade nearest x, kept in [0, 20]."""
    return min(max(Fraction(round(x * 100), 100), Fraction(0)), Fraction(20))


def as_typed(x: Fraction) -> float:
    """A two-decimal grade as a teacher types it (the float of its decimal text)."""
    return float(str(Decimal(x.numerator) / Decimal(x.denominator)))


@st.composite
def ue_at_the_edge(draw, bar: int):
    """A semester of one UE fed by 1–3 modules of 1–3 evaluations each, with grades steered so that the
    exact UE average lands next to bar − 0.005. Returns (spec, grades, exact UE average)."""
    target = bar - Fraction(1, 200) + draw(st.sampled_from([Fraction(0), Fraction(0), Fraction(1, 10**6),
                                                            -Fraction(1, 10**5), Fraction(-1, 10**7)]))
    ue = UE("UE", 1, "C1", 1, 6)
    n_modules = draw(st.integers(1, 3))
    modules, evaluations, grades = [], [], {}
    structure = []
    for m in range(n_modules):
        coef_m = draw(HALF_COEFFICIENTS)
        modules.append(Module(f"M{m}", f"M{m}", 1, ModuleKind.RESSOURCE,
                              coefficients=frozen_map({"UE": float(coef_m)})))
        evals = []
        for k in range(draw(st.integers(1, 3))):
            coef_e = draw(HALF_COEFFICIENTS)
            evaluations.append(Evaluation(f"M{m}.e{k}", f"M{m}", coefficient=float(coef_e)))
            evals.append((f"M{m}.e{k}", coef_e))
        structure.append((coef_m, evals))
    for _, evals in structure:
        for eid, _ in evals:
            grades[eid] = draw(CENTS)
    # Steer the last grade of the last module so that the UE average comes as close to the target as
    # two decimals allow: solve for it exactly, then round it to the cent.
    last_id, last_coef = structure[-1][1][-1]
    coef_last_module, last_evals = structure[-1]
    total_m = sum(c for c, _ in structure)
    others = sum(c * module_mean(evals, grades) for c, evals in structure[:-1])
    needed_module_mean = (target * total_m - others) / coef_last_module
    den = sum(c for _, c in last_evals)
    rest = sum(c * grades[e] for e, c in last_evals if e != last_id)
    grades[last_id] = cents((needed_module_mean * den - rest) / last_coef)
    spec = SemesterSpec((ue,), tuple(modules), tuple(evaluations))
    average = sum(c * module_mean(evals, grades) for c, evals in structure) / total_m
    return spec, grades, average


def module_mean(evals, grades) -> Fraction:
    return sum(c * grades[e] for e, c in evals) / sum(c for _, c in evals)


def half_up(x: Fraction) -> str:
    """Two decimals, half up, of an exact value (28 significant digits are plenty on 0–20)."""
    return str((Decimal(x.numerator) / Decimal(x.denominator)).quantize(Decimal("0.01"), ROUND_HALF_UP)
               ).replace(".", ",")


def reaches_exactly(x: Fraction, bar: int) -> bool:
    return x >= bar - Fraction(1, 200)


EDGE = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@EDGE
@given(st.sampled_from([10, 8]).flatmap(ue_at_the_edge))
def test_both_engines_decide_the_ue_bar_on_the_exact_average(case) -> None:
    spec, grades, average = case
    student = StudentGrades("e1", {k: as_typed(v) for k, v in grades.items()})
    for compute in (compute_semester, compute_semester_reference):
        results = compute(spec, [student])
        got = results.ue_average("e1", "UE")
        for bar in (10, 8):
            assert REGLES.reaches(got, bar) == reaches_exactly(average, bar), (compute.__name__, bar, got, average)
        assert results.ue_reaches(10)[0, 0] == reaches_exactly(average, 10)
        assert results.reaches("e1", "UE") == reaches_exactly(average, 10)
        assert exact(got) == average or abs(exact(got) - average) < Fraction(1, 10**10)


@EDGE
@given(st.sampled_from([10, 8]).flatmap(ue_at_the_edge))
def test_the_average_shown_agrees_with_the_decision(case) -> None:
    spec, grades, average = case
    student = StudentGrades("e1", {k: as_typed(v) for k, v in grades.items()})
    got = compute_semester(spec, [student]).ue_average("e1", "UE")
    assert note_fr(got) == half_up(average)
    shown = Decimal(note_fr(got).replace(",", "."))
    for bar in (10, 8):
        assert (shown >= bar) == REGLES.reaches(got, bar)


@st.composite
def rcue_at_the_edge(draw, bar: int):
    """Two UE averages (two-decimal module grades, integer and half coefficients) whose exact mean lands
    next to bar − 0.005: (odd UE, even UE) as exact fractions."""
    target = bar - Fraction(1, 200) + draw(st.sampled_from([Fraction(0), Fraction(0), Fraction(1, 10**6),
                                                            Fraction(-1, 10**5)]))
    c1, c2 = draw(HALF_COEFFICIENTS), draw(HALF_COEFFICIENTS)
    g1 = draw(CENTS)
    a = (c1 * g1 + c2 * draw(CENTS)) / (c1 + c2)
    d1, d2 = draw(HALF_COEFFICIENTS), draw(HALF_COEFFICIENTS)
    g3 = draw(CENTS)
    needed = 2 * target - a
    g4 = cents((needed * (d1 + d2) - d1 * g3) / d2)
    b = (d1 * g3 + d2 * g4) / (d1 + d2)
    return a, b


def _single_ue_semester(code: str, grades: tuple[Fraction, Fraction], coefs: tuple[Fraction, Fraction]):
    ue = UE(code, 1, "C1", 1, 6)
    modules = (
        Module("A", "A", 1, ModuleKind.RESSOURCE, coefficients=frozen_map({code: float(coefs[0])})),
        Module("B", "B", 1, ModuleKind.RESSOURCE, coefficients=frozen_map({code: float(coefs[1])})),
    )
    spec = SemesterSpec((ue,), modules, (Evaluation("a", "A"), Evaluation("b", "B")))
    return compute_semester(spec, [StudentGrades("e1", {"a": as_typed(grades[0]), "b": as_typed(grades[1])})])


@EDGE
@given(st.sampled_from([10, 8]).flatmap(rcue_at_the_edge))
@example((Fraction(797, 100), Fraction(802, 100)))  # (7.97 + 8.02)/2 = 7.995: reaches 8
def test_the_jury_decides_the_rcue_bars_on_the_exact_mean_of_the_ue_averages(pair) -> None:
    a, b = pair
    rcue = (a + b) / 2
    formation = mmi_like_formation()
    order = year_ue_order(formation, "Créa", 1)
    first_odd, first_even = order[0], order[len(order) // 2]
    moyennes = {code: 12.0 for code in order}
    moyennes[first_odd], moyennes[first_even] = float(a), float(b)  # floats from a computation
    exact_values = {first_odd: a, first_even: b}
    attempt = YearAttempt(1, moyennes, exact_ue_moyenne=lambda code: exact_values.get(code))
    year = deliberate(formation, Cursus("Créa", (attempt,)), REGLES).years[0]
    competence = next(r for r in year.rcues.values() if first_odd in r.ues)
    assert competence.valide == reaches_exactly(rcue, 10)
    below_floor = not reaches_exactly(rcue, 10) and not reaches_exactly(rcue, 8)
    assert (year.annee.proposed == "PASD") == (not below_floor and not reaches_exactly(rcue, 10))
    assert note_fr(competence.moyenne) == half_up(rcue)
    cohort = deliberate_cohort(
        formation, "Créa", 1, np.array([[moyennes[c] for c in order]]), REGLES, ue_order=order,
        exact_ue_moyenne=lambda i, code: exact_values.get(code),
    )
    assert cohort.annee_code(0) == year.annee.proposed
    assert cohort.rcue_code(0, competence.competence) == competence.proposed


def test_an_rcue_of_7_97_and_8_02_is_7_995_and_reaches_the_floor_of_8() -> None:
    assert (7.97 + 8.02) / 2 < 7.995  # the binary sum falls short: why floats cannot decide
    assert REGLES.reaches((7.97 + 8.02) / 2, 8)
    assert note_fr((7.97 + 8.02) / 2) == "8,00"


def test_a_ue_averaging_10_and_9_99_is_9_995_and_is_acquired() -> None:
    result = _single_ue_semester("UE", (Fraction(10), Fraction(999, 100)), (Fraction(1), Fraction(1)))
    value = result.ue_average("e1", "UE")
    assert exact(value) == Fraction(1999, 200)
    assert REGLES.reaches(value, 10) and note_fr(value) == "10,00"
