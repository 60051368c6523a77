"""Teaching days: weekdays that are not French public holidays (jours fériés, Code du travail, art.
L3133-1: 1er janvier, lundi de Pâques, 1er mai, 8 mai, Ascension, lundi de Pentecôte, 14 juillet,
15 août, 1er novembre, 11 novembre, 25 décembre). The roll call opens on the last teaching day.

School holidays are the department's: it declares its periods on its settings page (``lire_vacances``
reads them) and the roll call's default date skips them too. A teacher may still pick any date.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{4}")


@dataclass(frozen=True)
class Periode:
    """A period of school holidays, both days included."""

    debut: dt.date
    fin: dt.date
    nom: str = ""

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.debut <= day <= self.fin

    @property
    def texte(self) -> str:
        return f"{self.debut:%d/%m/%Y} {self.fin:%d/%m/%Y}{' ' + self.nom if self.nom else ''}"


def _date(text: str) -> dt.date:
    if "-" in text:
        return dt.date.fromisoformat(text)
    day, month, year = (int(x) for x in text.split("/"))
    return dt.date(year, month, day)


def lire_vacances(text: str) -> tuple[tuple[Periode, ...], list[str]]:
    """Holiday periods, one a line: « 19/10/2026 01/11/2026 Toussaint » (or « du … au … », ISO dates);
    errors in French naming the line."""
    periodes: list[Periode] = []
    errors: list[str] = []
    for n, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        dates = _DATE.findall(line)
        if len(dates) != 2:
            errors.append(f"Vacances, ligne {n} « {line.strip()[:40]} » : il faut deux dates, le premier et le dernier "
                          "jour (par exemple « 19/10/2026 01/11/2026 Toussaint »).")
            continue
        try:
            debut, fin = _date(dates[0]), _date(dates[1])
        except ValueError:
            errors.append(f"Vacances, ligne {n} : date impossible ({dates[0]} ou {dates[1]}).")
            continue
        if fin < debut:
            errors.append(f"Vacances, ligne {n} : le dernier jour précède le premier ; corrigez l'ordre des dates.")
            continue
        nom = _DATE.sub(" ", line)
        nom = re.sub(r"^\s*(du|au)\b|\b(du|au)\b", " ", nom, flags=re.IGNORECASE)
        periodes.append(Periode(debut, fin, " ".join(nom.split())[:60]))
    if len(periodes) > MAX_PERIODES:
        errors.append(f"Vacances : {len(periodes)} périodes, {MAX_PERIODES} au plus ; gardez celles des années en cours.")
    return tuple(sorted(periodes, key=lambda p: p.debut)), errors


MAX_PERIODES = 100


def paques(annee: int) -> dt.date:
    """Easter Sunday (the Gregorian computus, Meeus/Jones/Butcher)."""
    a, b, c = annee % 19, annee // 100, annee % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return dt.date(annee, month, day + 1)


@cache
def feries(annee: int) -> frozenset[dt.date]:
    """The public holidays of a year in metropolitan France."""
    easter = paques(annee)
    fixed = [(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)]
    moving = [easter + dt.timedelta(days=1), easter + dt.timedelta(days=39), easter + dt.timedelta(days=50)]
    return frozenset([dt.date(annee, m, d) for m, d in fixed] + moving)


def jour_de_cours(day: dt.date, vacances: Sequence[Periode] = ()) -> bool:
    return day.weekday() < 5 and day not in feries(day.year) and not any(day in p for p in vacances)


def dernier_jour_de_cours(day: dt.date, debut: dt.date | None = None, vacances: Sequence[Periode] = ()) -> dt.date:
    """``day`` if it is a teaching day, otherwise the last one before it (never before ``debut``: then
    the first teaching day from ``debut``). ``vacances``: the department's school holidays."""
    current = day
    for _ in range(_AU_PLUS):
        if jour_de_cours(current, vacances):
            return current
        current -= dt.timedelta(days=1)
        if debut is not None and current < debut:
            current = debut
            for _ in range(_AU_PLUS):
                if jour_de_cours(current, vacances):
                    return current
                current += dt.timedelta(days=1)
            return day
    return day  # a year without a teaching day (holidays declared over it): the day itself


_AU_PLUS = 400  # days looked at, each way
