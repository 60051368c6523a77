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


JURY_MEMBERS_MAX = 40  # lines of the « membres » field of a document's jury header
JURY_TEXT_MAX = 200  # characters of the president's name and of each member's line


def jury_header(*, president: str | None, membres: str | None, date: str | None, default_president: str,
                default_membres: Sequence[str]) -> dict[str, Any]:
    """The president, members and date of a jury as a documents form gives them (the department's settings
    where the form says nothing), checked: bounded texts without control characters, a real date. The
    PV and the batches print them: unbounded, a 1 MB name cost seconds of rendering per request."""
    president = (president or "").strip()
    lines = [m.strip() for m in membres.splitlines() if m.strip()] if membres is not None else []
    if len(lines) > JURY_MEMBERS_MAX:
        raise DocumentError(f"Membres du jury : {len(lines)} lignes, au plus {JURY_MEMBERS_MAX}.")
    for label, text in (("Président du jury", president), *(("Membres du jury", m) for m in lines)):
        if len(text) > JURY_TEXT_MAX:
            raise DocumentError(f"{label} : {len(text)} caractères, au plus {JURY_TEXT_MAX} par nom.")
        if any(c < " " and c != "\t" for c in text):
            raise DocumentError(f"{label} : caractère de contrôle interdit ; retapez le nom.")
    if membres is None:  # the settings' members, checked when they were saved
        lines = [m.strip() for m in default_membres if m.strip()]
    date = (date or "").strip() or None
    if date:
        try:
            dt.date.fromisoformat(date[:10] if len(date) <= 10 else "")
        except ValueError:
            raise DocumentError(f"Date du jury « {date[:20]} » invalide : écrivez-la AAAA-MM-JJ.") from None
    return {"president": president or default_president, "membres": lines, "date_jury": date}



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
