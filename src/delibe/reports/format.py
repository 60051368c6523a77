"""French formatting of the numbers and dates the documents print. Display only: values are never
rounded before a comparison (docs/domain.md §2); two decimals rounded half up on the exact value
(``delibe.engine.exact``), decimal comma."""

from __future__ import annotations

import functools

from delibe.engine.exact import nombre_fr, note_fr

MOIS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)
UNDEFINED = "—"


def note(value: float | None, decimals: int = 2) -> str:
    """``12.5`` → ``"12,50"``, ``7.995`` → ``"8,00"`` (half up on the exact value, as the jury compares);
    ``None`` (undefined average) → ``"—"``."""
    return note_fr(value, int(decimals), UNDEFINED)


def nombre(value: float | None) -> str:
    """A count or a coefficient without useless decimals: ``30.0`` → ``"30"``, ``1.5`` → ``"1,5"``."""
    if type(value) in (int, float):  # a bulletin prints ~140 coefficients and credits, mostly the same few
        return _nombre(value)
    return nombre_fr(value, UNDEFINED)


@functools.lru_cache(maxsize=4096, typed=True)
def _nombre(value: float) -> str:
    return nombre_fr(value, UNDEFINED)


def date_fr(value: str | None) -> str:
    """``"2024-06-20"`` → ``"20 juin 2024"``; a value that is not an ISO date is printed unchanged."""
    if not value:
        return ""
    try:
        year, month, day = (int(p) for p in str(value)[:10].split("-"))
        return f"{'1er' if day == 1 else day} {MOIS[month - 1]} {year}"
    except (ValueError, IndexError):
        return str(value)


def date_court(value: str | None) -> str:
    """``"2024-10-14"`` → ``"14/10/2024"``."""
    if not value:
        return ""
    parts = str(value)[:10].split("-")
    return "/".join(reversed(parts)) if len(parts) == 3 else str(value)
