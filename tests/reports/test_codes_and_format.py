"""The code glossary explains every code the jury engine can give; numbers and dates print in French."""

from __future__ import annotations

import pytest

from delibe.engine.jury import ANNEE_CODES, RCUE_CODES, UE_CODES
from delibe.reports import codes
from delibe.reports.format import date_court, date_fr, nombre, note


def test_every_code_of_the_jury_engine_has_a_plain_french_explanation() -> None:
    missing = sorted((UE_CODES | RCUE_CODES | ANNEE_CODES) - set(codes.CODES))
    assert missing == []


@pytest.mark.parametrize("code", sorted(codes.CODES))
def test_each_glossary_entry_says_where_it_applies_in_the_engine(code: str) -> None:
    info = codes.CODES[code]
    where = {"ue": UE_CODES, "rcue": RCUE_CODES, "annee": ANNEE_CODES}
    for level, allowed in where.items():
        assert (level in info.niveaux) == (code in allowed), f"{code} sur {level}"


def test_validating_codes_match_the_engine() -> None:
    from delibe.engine.jury import PASSAGE, VALIDATING

    assert {c for c, i in codes.CODES.items() if i.validant == "oui"} == set(VALIDATING)
    assert {c for c, i in codes.CODES.items() if i.validant == "passage"} == set(PASSAGE) - set(VALIDATING)


def test_an_unknown_code_is_shown_and_said_unknown_never_hidden() -> None:
    [entry] = codes.glossary_for(["XYZ"])
    assert entry.code == "XYZ" and "non décrit" in entry.explication


def test_glossary_lists_only_the_codes_shown_in_glossary_order() -> None:
    assert [c.code for c in codes.glossary_for(["AJ", None, "ADM", "AJ", ""])] == ["ADM", "AJ"]


def test_the_explanation_of_levels_says_ue_rcue_and_year_codes_differ() -> None:
    text = codes.NIVEAUX_EXPLICATION
    assert "UE" in text and "RCUE" in text and "année" in text and "PASD" in text


@pytest.mark.parametrize("value, shown", [(12.5, "12,50"), (None, "—"), (0.0, "0,00"), (9.994, "9,99")])
def test_averages_print_with_two_decimals_and_a_decimal_comma(value: float | None, shown: str) -> None:
    assert note(value) == shown


@pytest.mark.parametrize("value, shown", [(30.0, "30"), (1.5, "1,5"), (0.25, "0,25"), (None, "—")])
def test_counts_and_coefficients_print_without_useless_decimals(value: float | None, shown: str) -> None:
    assert nombre(value) == shown


def test_dates_print_in_french() -> None:
    assert date_fr("2025-06-01") == "1er juin 2025"
    assert date_fr("2025-08-20") == "20 août 2025"
    assert date_fr("pas une date") == "pas une date"
    assert date_court("2024-10-14") == "14/10/2024"


def test_the_glossary_explains_every_code_the_engine_may_propose_or_record_and_no_other():
    from delibe.engine.jury import codes as jury_codes
    from delibe.reports import codes

    engine = jury_codes.UE_CODES | jury_codes.RCUE_CODES | jury_codes.ANNEE_CODES
    assert set(codes.CODES) == engine
    assert codes.CODES["PASD"].validant == "passage" and codes.CODES["RED"].validant == "non"
    assert codes.CODES["ADJR"].niveaux == ("ue",) and "diplome" in codes.CODES["ADM"].niveaux
