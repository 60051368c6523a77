"""Teaching days for the roll call: no weekend, no French public holiday."""

from __future__ import annotations

import datetime as dt

from delibe.calendrier import dernier_jour_de_cours, feries, jour_de_cours, paques


def test_easter_is_computed_for_known_years():
    assert paques(2024) == dt.date(2024, 3, 31) and paques(2025) == dt.date(2025, 4, 20)
    assert paques(2023) == dt.date(2023, 4, 9)


def test_the_public_holidays_include_the_moving_ones():
    days = feries(2024)
    assert dt.date(2024, 4, 1) in days  # lundi de Pâques
    assert dt.date(2024, 5, 9) in days  # Ascension
    assert dt.date(2024, 5, 20) in days  # lundi de Pentecôte
    assert dt.date(2024, 11, 11) in days and len(days) == 11


def test_a_saturday_or_a_holiday_gives_the_last_teaching_day_before_it():
    assert dernier_jour_de_cours(dt.date(2023, 10, 14)) == dt.date(2023, 10, 13)  # Saturday → Friday
    assert dernier_jour_de_cours(dt.date(2023, 11, 1)) == dt.date(2023, 10, 31)  # Toussaint
    assert dernier_jour_de_cours(dt.date(2024, 4, 1)) == dt.date(2024, 3, 29)  # Easter Monday → Friday
    assert jour_de_cours(dt.date(2023, 10, 10))


def test_never_before_the_start_of_the_semester():
    assert dernier_jour_de_cours(dt.date(2023, 9, 3), debut=dt.date(2023, 9, 2)) == dt.date(2023, 9, 4)
