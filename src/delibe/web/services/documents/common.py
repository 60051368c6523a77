"""What every document of the database shares: the error, where batches are written, the student as a document names them, the recorded decisions shown over the proposals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from django.conf import settings

from delibe.engine.jury.codes import validates
from delibe.reports.data import (
    Decision,
    Identite,
    RCUELine,
    UELine,
)
from delibe.web.models import JuryDecision, SemesterRun, Student
from delibe.web.services.jury import year_runs


class DocumentError(Exception):
    """A document that cannot be produced; the message (French) says why and what to do."""



# --- department settings ---------------------------------------------------------------------------
# Read from the database, dated, through one selector (``selectors.department_settings``): a semester's
# documents use the settings in force at its jury's date once the jury is closed.

def documents_dir() -> Path:
    """Where document batches are written (``lots/``); never shown to a user."""
    return Path(getattr(settings, "DELIBE_DOCUMENTS_DIR", Path(settings.VAR_DIR) / "documents"))


# --- small helpers ---------------------------------------------------------------------------------

def identite_of(student: Student) -> Identite:
    return Identite(
        nom=student.nom, prenom=student.prenom, numero=student.nip, ine=student.ine,
        date_naissance=student.date_naissance.isoformat() if student.date_naissance else None,
        civilite=student.civilite,
    )


def parcours_label(formation: Any, code: str) -> str:
    parcours = formation.referentiel.parcours_by_code(code) if code else None
    return parcours.libelle if parcours is not None else code


def _date_or_none(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _today() -> str:
    return dt.date.today().isoformat()


def published(run: SemesterRun) -> bool:
    """The jury of ``run`` is closed: its decisions are final and shown to the students."""
    return any(r.locked for r in year_runs(run))


def _decisions_of(student_ids: Iterable[int], run: SemesterRun) -> dict[int, dict[tuple[str, str], JuryDecision]]:
    out: dict[int, dict[tuple[str, str], JuryDecision]] = {}
    for d in JuryDecision.objects.filter(student_id__in=list(student_ids), academic_year=run.academic_year):
        out.setdefault(d.student_id, {})[(d.level, d.key)] = d
    return out


def _jury_date(run: SemesterRun, decisions: Iterable[JuryDecision]) -> str | None:
    locked = [r.locked_at for r in year_runs(run) if r.locked and r.locked_at]
    if locked:
        return max(locked).date().isoformat()
    dates = [d.decided_at for d in decisions if d.decided_at]
    return max(dates).date().isoformat() if dates else None


def _recorded(d: JuryDecision) -> Decision:
    motifs = [str(r.get("text", "")) for r in (d.reasons or []) if isinstance(r, dict) and r.get("text")]
    if d.departure_reason:
        motifs.append(f"Décision du jury: {d.departure_reason}")
    return Decision(d.decided_code, tuple(motifs), provisoire=False)


def _shown(recorded: JuryDecision | None, proposal: Decision | None, *, proposals: bool) -> Decision | None:
    """The decision a document prints: the jury's, else (staff only) the proposal, marked provisional."""
    if recorded is not None:
        return _recorded(recorded)
    if proposals and proposal is not None:
        return replace(proposal, provisoire=True)
    return None


def _overlay_ues(ues: Sequence[UELine], decisions: Mapping[tuple[str, str], JuryDecision], *,
                 proposals: bool) -> tuple[UELine, ...]:
    out = []
    for u in ues:
        decision = _shown(decisions.get(("ue", u.code)), u.decision, proposals=proposals)
        acquired = decision is not None and not decision.provisoire and validates(decision.code)
        out.append(replace(u, decision=decision, ects_acquis=u.ects if acquired else 0))
    return tuple(out)


def _overlay_rcues(rcues: Sequence[RCUELine], keys: Sequence[str],
                   decisions: Mapping[tuple[str, str], JuryDecision], *, proposals: bool) -> tuple[RCUELine, ...]:
    return tuple(
        replace(r, decision=_shown(decisions.get(("rcue", key)), r.decision, proposals=proposals))
        for r, key in zip(rcues, keys, strict=True)
    )



def _short(title: str) -> str:
    return title if len(title) <= 8 else title[:7] + "."
