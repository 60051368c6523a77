"""Explanations: every average lists the terms that made it and what was left out, and why.

Bulletins, jury pages, the API and the CLI show these; ``as_dict()`` gives plain data for JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction

from delibe.engine.trace import Reason


class LeftOut(StrEnum):
    """Why a term did not count."""

    EXC = "exc"
    ATT = "att"
    INCOMPLETE = "evaluation_incomplete"
    MISSING = "note_manquante"
    ZERO_WEIGHT = "poids_nul"
    NOT_ENROLLED = "non_inscrit"
    UNDEFINED_AVERAGE = "moyenne_indefinie"
    ZERO_COEFFICIENT = "coefficient_nul"
    NO_GRADE = "pas_de_note"
    NOT_USED = "non_retenue"

    @property
    def texte(self) -> str:
        return _TEXTS[self]


_TEXTS = {
    LeftOut.EXC: "note neutralisée (EXC): son poids est retiré",
    LeftOut.ATT: "note en attente (ATT): non comptée, résultats provisoires",
    LeftOut.INCOMPLETE: "évaluation incomplète: des étudiants inscrits n'ont pas encore de note",
    LeftOut.MISSING: "note manquante (évaluation à prise en compte immédiate: ignorée)",
    LeftOut.ZERO_WEIGHT: "poids nul vers cette UE",
    LeftOut.NOT_ENROLLED: "étudiant non inscrit à ce module",
    LeftOut.UNDEFINED_AVERAGE: "moyenne de module indéfinie (aucune note ne compte encore)",
    LeftOut.ZERO_COEFFICIENT: "coefficient nul vers cette UE",
    LeftOut.NO_GRADE: "pas de note chiffrée à cette épreuve",
    LeftOut.NOT_USED: "note inférieure à la moyenne normale: non retenue",
}


def _r(x: float | None) -> float | None:
    return None if x is None else float(x)


@dataclass(frozen=True)
class EvaluationTerm:
    """One evaluation in a module average: coefficient × weight, the value entered and its /20 note."""

    evaluation: str
    type: str
    coefficient: float
    poids: float
    value: str  # as entered: "15/20", "ABS", "EXC", "ATT", "" (missing)
    note: float | None  # brought to /20; ABS gives 0; None when left out
    counted: bool
    left_out: LeftOut | None = None

    @property
    def weight(self) -> float:
        return self.coefficient * self.poids

    def as_dict(self) -> dict[str, object]:
        return {
            "evaluation": self.evaluation,
            "type": self.type,
            "coefficient": self.coefficient,
            "poids": self.poids,
            "value": self.value,
            "note": _r(self.note),
            "counted": self.counted,
            "left_out": None if self.left_out is None else self.left_out.value,
            "left_out_text": None if self.left_out is None else self.left_out.texte,
        }


@dataclass(frozen=True)
class ModuleExplanation:
    """A module average towards one UE (``ue`` None: the module's own average, Σ coef·note / Σ coef)."""

    student_id: str
    module: str
    ue: str | None
    average: float | None
    normal_average: float | None
    rattrapage: float | None  # the student's rattrapage grade (/20), if any
    session2: float | None
    applied: str  # "normale", "rattrapage", "session2", "non_inscrit", "indefinie"
    terms: tuple[EvaluationTerm, ...]
    reasons: tuple[Reason, ...] = ()
    exact: Fraction | None = field(default=None, compare=False)  # ``average`` as an exact value

    def as_dict(self) -> dict[str, object]:
        return {
            "student_id": self.student_id,
            "module": self.module,
            "ue": self.ue,
            "average": _r(self.average),
            "normal_average": _r(self.normal_average),
            "rattrapage": _r(self.rattrapage),
            "session2": _r(self.session2),
            "applied": self.applied,
            "terms": [t.as_dict() for t in self.terms],
            "reasons": [r.as_dict() for r in self.reasons],
        }


@dataclass(frozen=True)
class ModuleTerm:
    """One module in a UE average."""

    module: str
    coefficient: float
    average: float | None
    counted: bool
    left_out: LeftOut | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "module": self.module,
            "coefficient": self.coefficient,
            "average": _r(self.average),
            "counted": self.counted,
            "left_out": None if self.left_out is None else self.left_out.value,
            "left_out_text": None if self.left_out is None else self.left_out.texte,
        }


@dataclass(frozen=True)
class BonusTerm:
    rule: str
    description: str
    source: str
    module: str
    module_average: float | None
    points: float

    def as_dict(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "description": self.description,
            "source": self.source,
            "module": self.module,
            "module_average": _r(self.module_average),
            "points": self.points,
        }


@dataclass(frozen=True)
class UEExplanation:
    """A UE average: the module terms, the weighted mean they give (``computed``), the bonus points and
    the clipping, then capitalisation or dispensation.

    ``status``: "calculee" (the semester's average), "capitalisee" (a capitalised average is kept because it
    is better or the UE is not retaken), "dispensee" (no average), "indefinie" (nothing counts yet).
    """

    student_id: str
    ue: str
    average: float | None
    status: str
    computed: float | None  # Σ coef·moy / Σ coef, before bonus
    numerator: float
    denominator: float
    bonus: tuple[BonusTerm, ...]
    capitalised: float | None
    dispensed: bool
    provisional: bool
    terms: tuple[ModuleTerm, ...]
    reasons: tuple[Reason, ...] = ()
    exact: Fraction | None = field(default=None, compare=False)  # ``average`` as an exact value

    def as_dict(self) -> dict[str, object]:
        return {
            "student_id": self.student_id,
            "ue": self.ue,
            "average": _r(self.average),
            "status": self.status,
            "computed": _r(self.computed),
            "numerator": self.numerator,
            "denominator": self.denominator,
            "bonus": [b.as_dict() for b in self.bonus],
            "capitalised": _r(self.capitalised),
            "dispensed": self.dispensed,
            "provisional": self.provisional,
            "terms": [t.as_dict() for t in self.terms],
            "reasons": [r.as_dict() for r in self.reasons],
        }
