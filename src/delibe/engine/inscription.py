"""Which evaluations a student's enrolment expects a grade from (Décision Délibé, docs/domain.md §2).

A student enrolled after an evaluation took place, or who left (démission, défaillance) before it, owes
no grade for it. Such an evaluation stays complete without their value, and the averages of the others
never change: the missing value is read as EXC (left out) — or, for a late enrolment, as ATT when the
department chose to wait for a make-up grade (the student's results are then provisional). A grade
actually entered always counts.
"""

from __future__ import annotations

import datetime as dt

from delibe.engine.jury.codes import DEF, DEM

EXC, ATT = "EXC", "ATT"
POLITIQUES_AVANT_INSCRIPTION: tuple[str, ...] = (EXC, ATT)
"""What a missing grade of an evaluation dated before the enrolment counts as (EXC by default)."""

INSCRIT = "I"
ETATS_SORTIE: tuple[str, ...] = (DEM, DEF)
"""Enrolment states that end the year: the jury proposes the same code (domain.md §5)."""

AVANT_INSCRIPTION, APRES_SORTIE = "avant_inscription", "apres_sortie"


def non_attendue(date_evaluation: dt.date, inscrit_le: dt.date | None, sortie_le: dt.date | None) -> str | None:
    """Why no grade is expected from this student for an evaluation of that date (None: one is)."""
    if inscrit_le is not None and date_evaluation < inscrit_le:
        return AVANT_INSCRIPTION
    if sortie_le is not None and date_evaluation > sortie_le:
        return APRES_SORTIE
    return None


def valeur_manquante(raison: str, politique: str = EXC) -> str:
    """The value a missing grade counts as, for a ``non_attendue`` reason."""
    return politique if raison == AVANT_INSCRIPTION and politique in POLITIQUES_AVANT_INSCRIPTION else EXC
