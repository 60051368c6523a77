"""Exact averages: how the engine reads, compares and shows a number (Délibé decision, docs/domain.md §2).

Averages are exact decimal quantities. Two averages that are equal as decimal numbers get the same
decision whatever their binary form: (7.97 + 8.02)/2 is 7.995 and reaches 8, exactly as
(7.995 + 7.995)/2 does. The engine therefore computes with ``fractions.Fraction`` wherever one student
is deliberated, and every comparison with a bar and every display of an average goes through this module,
so that what a page shows and what the jury is proposed are two views of one value (ADR 0011):

- :func:`exact` reads a number as the decimal it stands for. A ``Fraction``, ``Decimal`` or ``int`` is
  taken as it is. A ``float`` is read through its shortest decimal form (``repr``): every float that
  reaches the engine was typed in decimal (a grade, a coefficient, an average in a scenario) or is the
  correctly rounded value of an exact average, and that form gives the decimal back (7.97 → 797/100).
  A float of 16 or 17 significant digits is a computed value whose last digits are noise
  (7.994999999999999 from a sum of floats); it is read to ``DECIMALS`` decimals (7.995).
- :func:`reaches` compares exactly: value ≥ bar − tolerance, on the exact values.
- :func:`arrondi` rounds half up, on the exact value, to 2 decimals for display; :func:`note_fr` gives
  the French text (« 8,00 »). An average that reaches 10 is never shown as 9,99, one that does not
  never as 10,00: both read the same exact value.

Floats still travel between the layers (numpy arrays, JSON, the database): ``as_float`` gives the
float nearest the exact value, whose shortest form is the exact decimal whenever it has at most 15
significant digits, so that ``exact(as_float(x)) == x`` for every such decimal.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from functools import lru_cache
from typing import TypeAlias

Nombre: TypeAlias = float | int | Fraction | Decimal
"""A number the engine accepts: read exactly by :func:`exact`."""

DECIMALS = 10
"""Decimals to which a computed float (16–17 significant digits) is read: far above the float noise of
an average (about 1e-14 on 0–20) and far below any difference the rules look at (0.005)."""

WINDOW = Fraction(1, 10**9)
"""A float computed by the vectorised paths is within 1e-12 of its exact value (a few hundred
operations on values ≤ 20 in double precision); where it lies within this window of a bar, the exact
value is computed instead (``near``)."""

_NOISE_DIGITS = 16
_QUANTUM = Decimal(1).scaleb(-DECIMALS)


class NotANumber(ValueError):
    """A value that is not a finite number (NaN, infinity, or not a number at all)."""


def _decimal_of_float(value: float) -> Decimal:
    if not math.isfinite(value):
        raise NotANumber(f"valeur non finie: {value!r}")
    shown = Decimal(repr(value))
    if len(shown.as_tuple().digits) >= _NOISE_DIGITS:
        shown = shown.quantize(_QUANTUM, rounding=ROUND_HALF_EVEN)
    return shown


def exact(value: Nombre) -> Fraction:
    """The exact decimal a number stands for (see the module's docstring); NaN and infinity refused."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, bool):
        raise NotANumber(f"un booléen n'est pas un nombre: {value!r}")
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        return _exact_float(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise NotANumber(f"valeur non finie: {value}")
        return Fraction(value)
    try:  # numpy scalars and other real numbers
        number = float(value)
    except (TypeError, ValueError, OverflowError, InvalidOperation):
        raise NotANumber(f"pas un nombre: {value!r}") from None
    return exact(number)


# A pure function of a float: remembered, because the pages read the same averages again and again (a
# 600-student year jury shows 10,000 cells, each compared with its bar and shown; every reload reads them
# anew). Bounded, and a Fraction is immutable: sharing one is safe.
@lru_cache(maxsize=1 << 16)
def _exact_float(value: float) -> Fraction:
    return Fraction(_decimal_of_float(value))


def exact_or_none(value: Nombre | None) -> Fraction | None:
    return None if value is None else exact(value)


def as_float(value: Nombre | None) -> float | None:
    """The float nearest the exact value (``Fraction.__float__`` rounds correctly)."""
    return None if value is None else float(exact(value))


def reaches(value: Nombre | None, bar: Nombre, tolerance: Nombre = 0) -> bool:
    """Whether ``value`` reaches ``bar``: exact(value) ≥ exact(bar) − exact(tolerance). Undefined
    (None, NaN) never reaches a bar."""
    if value is None:
        return False
    if isinstance(value, float):
        if math.isnan(value):
            return False
        if not -_FLOAT_SAFE < value < _FLOAT_SAFE:  # where ``exact`` may refuse the float: let it say so
            return exact(value) >= _threshold(bar, tolerance)
        decided = _decided_by_floats(value, _threshold_float(bar, tolerance))
        if decided is not None:
            return decided
    elif type(value) is Fraction:
        decided = _decided_by_floats(_float_of(value), _threshold_float(bar, tolerance))
        if decided is not None:
            return decided
    return exact(value) >= _threshold(bar, tolerance)


# Far from the bar, the floats decide as the exact values would (a value and its exact reading differ by
# at most 5e-11 plus half an ulp: see ``_decimal_of_float``); only a value within ``_FLOAT_MARGIN`` (relative
# above 1) of the bar is compared on exact values. The same answer, without a Fraction per comparison (a
# 600-student year jury makes tens of thousands of them).
_FLOAT_MARGIN = 1e-9
_FLOAT_SAFE = 1e15  # below it, ``exact`` reads every float (at most 25 digits once read to 10 decimals)


def _decided_by_floats(value: float, bar: float) -> bool | None:
    if not (math.isfinite(value) and math.isfinite(bar)):
        return None  # infinities and overflows: the exact path decides (or refuses)
    gap = value - bar
    margin = _FLOAT_MARGIN * max(1.0, abs(value), abs(bar))
    if gap > margin:
        return True
    if gap < -margin:
        return False
    return None


def _float_of(value: Fraction) -> float:
    try:
        return value.numerator / value.denominator  # correctly rounded, as ``float(Fraction)``
    except OverflowError:
        return math.nan


def threshold(bar: Nombre, tolerance: Nombre = 0) -> Fraction:
    """bar − tolerance, exactly (remembered: the rules' bars are a handful of values)."""
    return _threshold(bar, tolerance)


@lru_cache(maxsize=256)
def _threshold(bar: Nombre, tolerance: Nombre) -> Fraction:
    """bar − tolerance, exactly: a handful of distinct pairs (the rules' bars), compared thousands of times."""
    return exact(bar) - exact(tolerance)


@lru_cache(maxsize=256)
def _threshold_float(bar: Nombre, tolerance: Nombre) -> float:
    return _float_of(_threshold(bar, tolerance))


def near(value: float, point: Fraction) -> bool:
    """Whether a computed float lies within ``WINDOW`` of ``point``: there the float cannot decide which
    side of the point the exact value is on, and the exact value must be computed."""
    return math.isfinite(value) and abs(Fraction(value) - point) <= WINDOW


def within_window(value: Fraction, point: Fraction) -> bool:
    """Whether an exact value lies within ``WINDOW`` of ``point`` (|value − point| ≤ WINDOW). The floats
    rule out the values far from it (most of them) without Fraction arithmetic; near it, exact."""
    a, b = _float_of(value), _float_of(point)
    if math.isfinite(a) and math.isfinite(b) and abs(a - b) > 2 * _WINDOW_FLOAT * max(1.0, abs(a), abs(b)):
        return False
    return abs(value - point) <= WINDOW


_WINDOW_FLOAT = float(WINDOW)


def arrondi(value: Nombre, decimals: int = 2) -> Decimal:
    """The exact value rounded half up to ``decimals`` places, for display (7.995 → 8.00)."""
    x = exact(value)
    quantum = Decimal(1).scaleb(-decimals)
    # Half up on the exact value: floor(x·10^d + 1/2) for x ≥ 0, symmetric for x < 0 — in integers,
    # floor((2·n·10^d + q) / 2q) for x = n/q, q > 0 (the same number, without Fraction arithmetic).
    n, q = x.numerator, x.denominator
    if decimals >= 0:
        scale = 10**decimals
        units = (2 * n * scale + q) // (2 * q) if n >= 0 else -((-2 * n * scale + q) // (2 * q))
    else:
        scaled = x * 10**decimals  # as it always was (a float factor)
        units = math.floor(scaled + Fraction(1, 2)) if x >= 0 else -math.floor(-scaled + Fraction(1, 2))
    return (Decimal(units) * quantum).quantize(quantum, rounding=ROUND_HALF_UP)


def note_fr(value: Nombre | None, decimals: int = 2, undefined: str = "—") -> str:
    """French display of an average: ``7.995`` → ``"8,00"``; None → ``undefined``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return undefined
    if isinstance(value, float):
        return _note_fr_float(value, decimals)
    return str(arrondi(value, decimals)).replace(".", ",")


@lru_cache(maxsize=1 << 16)
def _note_fr_float(value: float, decimals: int) -> str:  # remembered, as ``_exact_float``
    return str(arrondi(value, decimals)).replace(".", ",")


def nombre_fr(value: Nombre | None, undefined: str = "—") -> str:
    """A count, coefficient or bar without useless decimals: ``30.0`` → ``"30"``, ``1.5`` → ``"1,5"``,
    ``0.005`` → ``"0,005"`` (exact, never rounded)."""
    if value is None:
        return undefined
    x = exact(value)
    if x.denominator == 1:
        return str(x.numerator)
    text = format(Decimal(x.numerator) / Decimal(x.denominator), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def mean(terms: list[tuple[Fraction, Fraction]]) -> Fraction | None:
    """Σ weight·value / Σ weight over ``(weight, value)`` pairs with a non-zero total weight."""
    total = sum((w for w, _ in terms), Fraction(0))
    if total == 0:
        return None
    return sum((w * v for w, v in terms), Fraction(0)) / total
