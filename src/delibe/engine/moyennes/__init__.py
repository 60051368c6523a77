"""Grades to averages (domain.md §2; Arrêté du 15 avril 2022, annexe 1, §4.1): evaluations, module and
UE averages, exact, explained, and fast for a whole university.

``compute_semester`` (vectorised, used everywhere) and ``compute_semester_reference`` (plain, the
specification) return the same ``SemesterResults``; property tests keep them equal.
"""

from delibe.engine.moyennes.bonus import (
    BONUS_RULES,
    BonusPointsAboveBar,
    BonusRule,
    declared_rules,
    make_bonus_rule,
    register_bonus_rule,
)
from delibe.engine.moyennes.explain import (
    BonusTerm,
    EvaluationTerm,
    LeftOut,
    ModuleExplanation,
    ModuleTerm,
    UEExplanation,
)
from delibe.engine.moyennes.grades import (
    CODE_ABS,
    CODE_ATT,
    CODE_EXC,
    Evaluation,
    EvaluationType,
    GradeError,
    GradeTable,
    SemesterSpec,
    Special,
    StudentGrades,
    Value,
)
from delibe.engine.moyennes.reference import compute_semester_reference
from delibe.engine.moyennes.results import SemesterResults
from delibe.engine.moyennes.simulate import ue_averages_from_module_averages
from delibe.engine.moyennes.vectorised import compute_semester

ABS, EXC, ATT = Special.ABS, Special.EXC, Special.ATT

__all__ = [
    "ABS",
    "ATT",
    "BONUS_RULES",
    "CODE_ABS",
    "CODE_ATT",
    "CODE_EXC",
    "EXC",
    "BonusPointsAboveBar",
    "BonusRule",
    "BonusTerm",
    "Evaluation",
    "EvaluationTerm",
    "EvaluationType",
    "GradeError",
    "GradeTable",
    "LeftOut",
    "ModuleExplanation",
    "ModuleTerm",
    "SemesterResults",
    "SemesterSpec",
    "Special",
    "StudentGrades",
    "UEExplanation",
    "Value",
    "compute_semester",
    "compute_semester_reference",
    "declared_rules",
    "make_bonus_rule",
    "register_bonus_rule",
    "ue_averages_from_module_averages",
]
