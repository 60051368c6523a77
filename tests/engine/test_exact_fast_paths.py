"""The fast paths of ``delibe.engine.exact`` (issue 19, item 7: a 600-student year jury makes tens of
thousands of comparisons and displays) give exactly the answers of the plain Fraction arithmetic they
replace: a comparison far from its bar decided on floats, near it on exact values; the half-up rounding in
integers; the « near a bar » window ruled out on floats. The references below are the former code."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from hypothesis import example, given, settings
from hypothesis import strategies as st

from delibe.engine.exact import WINDOW, NotANumber, arrondi, exact, reaches, within_window


def reference_reaches(value: object, bar: object, tolerance: object = 0) -> bool:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return False
    return exact(value) >= exact(bar) - exact(tolerance)  # type: ignore[arg-type]  # any value, as generated


def reference_arrondi(value: object, decimals: int = 2) -> Decimal:
    x = exact(value)  # type: ignore[arg-type]  # any value, as generated
    quantum = Decimal(1).scaleb(-decimals)
    scaled = x * 10**decimals
    units = math.floor(scaled + Fraction(1, 2)) if x >= 0 else -math.floor(-scaled + Fraction(1, 2))
    return (Decimal(units) * quantum).quantize(quantum, rounding=ROUND_HALF_UP)


def outcome(function: object, *args: object) -> object:
    try:
        return function(*args)  # type: ignore[operator]  # one of the functions compared
    except (NotANumber, OverflowError, ArithmeticError) as error:
        return type(error)


bars = st.sampled_from([10, 8, 10.0, 8.0, Fraction(10), Fraction(21, 2), 0, 20])
tolerances = st.sampled_from([0, 0.005, Fraction(1, 200)])
near_bars = st.builds(
    lambda bar, step, sign: float(bar) + sign * step,
    st.sampled_from([10, 8, 9.995, 7.995, 10.005]),
    st.sampled_from([0.0, 1e-13, 1e-12, 1e-11, 5e-11, 1e-10, 5e-10, 1e-9, 2e-9, 1e-8, 0.005]),
    st.sampled_from([-1, 1]),
)
exact_near_bars = st.builds(
    lambda bar, offset: bar + Fraction(offset, 10**13),
    st.sampled_from([Fraction(10), Fraction(8), Fraction(1999, 200), Fraction(1599, 200)]),
    st.integers(-50_000, 50_000),
)
values = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-25, max_value=25),
    near_bars,
    exact_near_bars,
    st.fractions(max_denominator=10**6),
    st.fractions(min_value=-25, max_value=25, max_denominator=3000),
    st.integers(-100, 100),
)


@settings(max_examples=600, deadline=None)
@given(values, bars, tolerances)
@example(9.995, 10, 0.005)
@example(9.994999999999999, 10, 0.005)
@example(7.995, 8, 0.005)
@example(Fraction(10**400, 3), 10, 0)
@example(1e300, 10, 0)
def test_a_comparison_decided_on_floats_is_the_exact_comparison(value: object, bar: object, tolerance: object) -> None:
    assert outcome(reaches, value, bar, tolerance) == outcome(reference_reaches, value, bar, tolerance)


@settings(max_examples=600, deadline=None)
@given(values, st.integers(-2, 4))
@example(7.995, 2)
@example(-7.995, 2)
@example(Fraction(-1, 200), 2)
@example(Fraction(10**400, 3), -1)
def test_the_rounding_in_integers_is_the_rounding_on_fractions(value: object, decimals: int) -> None:
    ours, theirs = outcome(arrondi, value, decimals), outcome(reference_arrondi, value, decimals)
    assert ours == theirs and str(ours) == str(theirs)


@settings(max_examples=600, deadline=None)
@given(st.one_of(exact_near_bars, st.fractions(min_value=-25, max_value=25, max_denominator=10**12)),
       st.sampled_from([Fraction(10), Fraction(8), Fraction(1999, 200), Fraction(1599, 200)]))
@example(Fraction(10) + WINDOW, Fraction(10))
@example(Fraction(10) - WINDOW, Fraction(10))
@example(Fraction(10) + WINDOW + Fraction(1, 10**15), Fraction(10))
def test_the_window_near_a_bar_is_the_exact_window(value: Fraction, point: Fraction) -> None:
    assert within_window(value, point) == (abs(value - point) <= WINDOW)
