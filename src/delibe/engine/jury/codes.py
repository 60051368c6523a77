"""The decision codes of BUT juries (ADIUT / Apogée vocabulary, as ScoDoc uses them; domain.md §5).

Codes are plain strings so that they travel unchanged to YAML, JSON, the PV and Apogée. This module says
which code may stand on what (UE, RCUE, year), which ones validate, which ones let the student move on,
and an order used to check that better grades never give a worse proposal.
"""

from __future__ import annotations

ADM, CMP, ADSUP, ADJ, ADJR, AJ = "ADM", "CMP", "ADSUP", "ADJ", "ADJR", "AJ"
PASD, PAS1NCI, RED, NAR = "PASD", "PAS1NCI", "RED", "NAR"
ATJ, RAT, DEF, DEM, ABAN, ABL, EXCLU = "ATJ", "RAT", "DEF", "DEM", "ABAN", "ABL", "EXCLU"

# The codes a jury may record on each level, in the order a form lists them (validating first).
UE_ORDER: tuple[str, ...] = (ADM, CMP, ADSUP, ADJ, ADJR, AJ, ATJ, RAT)
RCUE_ORDER: tuple[str, ...] = (ADM, CMP, ADSUP, ADJ, AJ, ATJ, RAT)
ANNEE_ORDER: tuple[str, ...] = (ADM, ADJ, PASD, PAS1NCI, RED, NAR, ATJ, RAT, DEF, DEM, ABAN, ABL, EXCLU)

UE_CODES: frozenset[str] = frozenset(UE_ORDER)
RCUE_CODES: frozenset[str] = frozenset(RCUE_ORDER)
ANNEE_CODES: frozenset[str] = frozenset(ANNEE_ORDER)

VALIDATING: frozenset[str] = frozenset({ADM, CMP, ADSUP, ADJ, ADJR})
"""UE and RCUE codes that acquire (UE: with its ECTS) or validate (RCUE)."""

YEAR_VALIDATING: frozenset[str] = frozenset({ADM, ADJ})
"""Year codes that validate the year (on the last year of the BUT, with every UE acquired: the diploma)."""

PASSAGE: frozenset[str] = frozenset({ADM, ADJ, PASD, PAS1NCI})
"""Year codes that let the student enter the next year."""

SORTIES: tuple[str, ...] = (DEM, DEF)
"""Year codes of a student's exit recorded during the year, with its date: démission, défaillance."""

TERMINAL: frozenset[str] = frozenset({NAR, DEF, DEM, ABAN, ABL, EXCLU})
"""Year codes that end the cursus (domain.md §5)."""

# Rank of the codes the engine proposes by itself, to compare two proposals: raising an average must
# never lower a rank. RED and NAR share a rank: which one depends on the history, not on the grades.
UE_RANK: dict[str | None, int] = {AJ: 0, CMP: 1, ADM: 2}
RCUE_RANK: dict[str | None, int] = {AJ: 0, CMP: 1, ADM: 2}
ANNEE_RANK: dict[str | None, int] = {RED: 0, NAR: 0, PASD: 1, ADM: 2}


def validates(code: str | None) -> bool:
    return code in VALIDATING
