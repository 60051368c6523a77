"""The jury engine: RCUE, compensation, descending validation, progression, redoublement and diplomas,
each decision with its reasons (Arrêté du 15 avril 2022, annexe 1, §4.3–4.6; docs/rules.md).

Public API: ``deliberate(formation, cursus, regles) -> CursusResult`` for one student's cursus,
``deliberate_semestre`` for an odd-semester jury, ``deliberate_cohort`` for a whole promotion at once
(vectorised, same proposals as ``deliberate`` for students without history)."""

from delibe.engine.jury.codes import ANNEE_CODES, PASSAGE, RCUE_CODES, TERMINAL, UE_CODES, VALIDATING
from delibe.engine.jury.cohort import CohortDecisions, deliberate_cohort, year_ue_order
from delibe.engine.jury.deliberation import deliberate, deliberate_semestre
from delibe.engine.jury.model import (
    AnneeDecision,
    Cursus,
    CursusError,
    CursusResult,
    DiplomaDecision,
    FinalState,
    JuryDecisions,
    RCUEResult,
    RCUEState,
    SemesterResult,
    UECapitalisee,
    UEResult,
    UEState,
    YearAttempt,
    YearResult,
)
from delibe.engine.jury.registry import RULES, Rule

__all__ = [
    "ANNEE_CODES",
    "PASSAGE",
    "RCUE_CODES",
    "RULES",
    "TERMINAL",
    "UE_CODES",
    "VALIDATING",
    "AnneeDecision",
    "CohortDecisions",
    "Cursus",
    "CursusError",
    "CursusResult",
    "DiplomaDecision",
    "FinalState",
    "JuryDecisions",
    "RCUEResult",
    "RCUEState",
    "Rule",
    "SemesterResult",
    "UECapitalisee",
    "UEResult",
    "UEState",
    "YearAttempt",
    "YearResult",
    "deliberate",
    "deliberate_cohort",
    "deliberate_semestre",
    "year_ue_order",
]
