"""Teaching days: weekdays that are not French public holidays (jours fériés, Code du travail, art.
L3133-1: 1er janvier, lundi de Pâques, 1er mai, 8 mai, Ascension, lundi de Pentecôte, 14 juillet,
15 août, 1er novembre, 11 novembre, 25 décembre). The roll call opens on the last teaching day.

Not known here: school holidays and a department's own closed days (Délibé holds no academic calendar
yet); a teacher picks another date in the form.
"""

from __future__ import annotations

import datetime as dt
from functools import cache


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


def jour_de_cours(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in feries(day.year)


def dernier_jour_de_cours(day: dt.date, debut: dt.date | None = None) -> dt.date:
    """``day`` if it is a teaching day, otherwise the last one before it (never before ``debut``: then
    the first teaching day from ``debut``)."""
    current = day
    while not jour_de_cours(current):
        current -= dt.timedelta(days=1)
        if debut is not None and current < debut:
            current = debut
            while not jour_de_cours(current):
                current += dt.timedelta(days=1)
            return current
    return current
