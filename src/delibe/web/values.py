"""One validation of the numbers people type: grades and evaluation settings (issue 19).

Used by the web evaluation form, the grade grid, the grade-sheet import and the API alike, so that a
value refused in one place is refused everywhere with the same French message (never a 500).

Bounds (documented in docs/api.md and shown by the form):
- a grade: a decimal number written plainly (« 12 », « 12,5 », « 12.25 »), two decimals at most, between
  0 and the evaluation's maximum; no exponent (« 1e1 »), no « inf », no « nan »;
- an evaluation's coefficient: 0 < coefficient ≤ 1000;
- its maximum: 0 < note maximale ≤ 1000;
- a weight towards a UE: 0 ≤ poids ≤ 1000.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation

COEFFICIENT_MAX = 1000.0
NOTE_MAX_MAX = 1000.0
POIDS_MAX = 1000.0
_PLAIN = re.compile(r"[+-]?(?:[0-9]{1,12}(?:[.,][0-9]*)?|[.,][0-9]+)")


class ValueProblem(ValueError):
    """A refused number: the message says what is wrong and how to write it, in French."""


def number(raw: object, what: str = "valeur") -> Decimal:
    """A typed number (text, int or float) as a Decimal; refuses exponents, infinities, NaN, junk."""
    if isinstance(raw, bool):
        raise ValueProblem(f"« {raw} » n'est pas un nombre ({what}).")
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise ValueProblem(f"la {what} doit être un nombre fini.")
        return Decimal(repr(raw)) if abs(raw) < 1e15 else Decimal(int(raw))
    if isinstance(raw, int):
        if abs(raw) >= 10**15:
            raise ValueProblem(f"{what} démesurée : {str(raw)[:20]}….")
        return Decimal(raw)
    text = str(raw).strip().replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
    if not _PLAIN.fullmatch(text):
        shown = str(raw).strip()[:40]
        raise ValueProblem(f"« {shown} » n'est pas un nombre : écrivez-le en chiffres, avec une virgule pour "
                           "les décimales (par exemple 12,5), sans exposant.")
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation:  # pragma: no cover (the pattern admits only plain numbers)
        raise ValueProblem(f"« {text[:40]} » n'est pas un nombre.") from None


def fmt(value: Decimal | float) -> str:
    """12.5 → « 12,5 », 20 → « 20 » (never through float(): 1e400 stays printable)."""
    d = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    if abs(d) >= 10**15:
        return "un nombre démesuré"
    text = f"{d:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def bounded(raw: object, what: str, *, low: float, high: float, low_inclusive: bool) -> float:
    """A finite float within [low or ]low, high]."""
    value = number(raw, what)
    too_low = value < Decimal(str(low)) if low_inclusive else value <= Decimal(str(low))
    if too_low or value > Decimal(str(high)):
        sign = "≥" if low_inclusive else ">"
        raise ValueProblem(f"{what} hors des bornes : attendu {sign} {fmt(low)} et ≤ {fmt(high)} "
                           f"(reçu {fmt(value)}).")
    return float(value)


def coefficient(raw: object) -> float:
    return bounded(raw, "coefficient", low=0, high=COEFFICIENT_MAX, low_inclusive=False)


def note_max(raw: object) -> float:
    return bounded(raw, "note maximale", low=0, high=NOTE_MAX_MAX, low_inclusive=False)


def poids(raw: object) -> float:
    return bounded(raw, "poids", low=0, high=POIDS_MAX, low_inclusive=True)
