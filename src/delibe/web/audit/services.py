"""Writing the audit trail: one entry per change, its plain-words display, the journal's CSV.

Undoing a grade-entry session is in :mod:`delibe.web.audit.undo`, locking and reopening a semester in
:mod:`delibe.web.audit.locking`.

``record`` must be called inside the transaction of the change it describes (the write services do):
if the change is rolled back, so is its record, and a change is never committed without its record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.utils import timezone

from delibe.reports.cells import csv_row
from delibe.web.audit import context
from delibe.web.audit.models import Action, AuditEntry, Channel, ObjectType


class AuditError(Exception):
    """An undo or a reopening that cannot be done; the message (French) says why and what to do."""


def _user_fields(user: Any) -> dict[str, Any]:
    if user is None or not getattr(user, "is_authenticated", False):
        return {"user_id": None, "username": ""}
    return {"user_id": user.pk, "username": user.get_username()}


def entry(
    *, user: Any, action: str, object_type: str, object_id: object, old: Any = None, new: Any = None,
    department_id: int | None = None, semester_id: int | None = None, evaluation_id: int | None = None,
    student_id: int | None = None, summary: str = "", reason: str = "", channel: str | None = None,
    session: str | None = None,
) -> AuditEntry:
    """An unsaved entry (for ``record_many``); channel and session default to the current context."""
    ctx = context.current()
    return AuditEntry(
        **_user_fields(user), at=timezone.now(), channel=channel or ctx.channel, action=action,
        object_type=object_type, object_id=str(object_id), old=old, new=new, department_id=department_id,
        semester_id=semester_id, evaluation_id=evaluation_id, student_id=student_id, summary=summary[:300],
        reason=reason, session=(ctx.session if session is None else session)[:80],
    )


def record(**fields: Any) -> AuditEntry:
    """Records one change (see ``entry`` for the fields)."""
    audit = entry(**fields)
    audit.save()
    return audit


def record_many(entries: Iterable[AuditEntry]) -> int:
    rows = list(entries)
    AuditEntry.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


# --- grades ----------------------------------------------------------------------------------------

def grade_state(grade: Any) -> dict[str, Any] | None:
    """The JSON state of a grade: {"value": "12.50" | None, "special": "ABS" | "", "version": n}."""
    if grade is None:
        return None
    value = grade.value
    return {
        "value": None if value is None else str(Decimal(value).quantize(Decimal("0.01"))),
        "special": grade.special or "", "version": grade.version,
    }


def state_of(value: Decimal | None, special: str, version: int) -> dict[str, Any]:
    return {
        "value": None if value is None else str(Decimal(value).quantize(Decimal("0.01"))),
        "special": special or "", "version": version,
    }


def grade_entry(
    *, user: Any, evaluation: Any, student_id: int, old: dict[str, Any] | None, new: dict[str, Any] | None,
    channel: str | None = None, session: str | None = None, reason: str = "",
) -> AuditEntry:
    action = Action.CREATE if old is None else Action.DELETE if new is None else Action.UPDATE
    semester = evaluation.semester
    return entry(
        user=user, action=action, object_type=ObjectType.GRADE, object_id=f"{evaluation.pk}/{student_id}",
        old=old, new=new, department_id=semester.formation.department_id, semester_id=semester.pk,
        evaluation_id=evaluation.pk, student_id=student_id,
        summary=f"{evaluation.module_code} — {evaluation.titre}", channel=channel, session=session,
        reason=reason,
    )


def record_grade(**fields: Any) -> AuditEntry:
    audit = grade_entry(**fields)
    audit.save()
    return audit


def display(state: dict[str, Any] | None) -> str:
    if not state:
        return ""
    if isinstance(state, dict) and "value" in state and "special" in state:
        if state["special"]:
            return str(state["special"])
        return "" if state["value"] is None else str(state["value"]).replace(".", ",")
    if isinstance(state, dict):
        if set(state) <= {"locked", "locked_at", "locked_by", "points_bloquants"} and "locked" in state:
            words = "Semestre verrouillé" if state["locked"] else "Semestre ouvert"
            if state.get("locked_at"):
                words += f" (depuis le {_plain_value(state['locked_at'])})"
            if state.get("points_bloquants"):
                words += f" ; points passés outre : {len(state['points_bloquants'])}"
            return words
        return ", ".join(f"{FIELD_WORDS.get(k, k)} : {_plain_value(v)}" for k, v in state.items()
                         if k not in HIDDEN_FIELDS)
    return _plain_value(state)


# The journal speaks to people (issue 18): field names and values in words, never « None » or « True ».
FIELD_WORDS = {
    "code": "code", "propose": "proposé", "motif": "motif", "moyenne": "moyenne", "module": "module",
    "titre": "titre", "coefficient": "coefficient", "note_max": "note maximale", "poids": "poids",
    "type": "type", "date": "date", "notes": "notes", "parcours": "parcours", "groupe": "groupe",
    "etat": "état", "redoublant": "redoublant", "publication": "publication", "slug": "formation",
    "version": "version", "immediate": "publication immédiate", "value": "note", "special": "mention",
    "evaluations_publiees": "évaluations publiées", "moyennes": "moyennes publiées", "rangs": "rangs publiés",
    # the attendance rules of a department (« Réglages du département »)
    "reference": "règlement", "date_reglement": "adopté le", "applique_a_partir_du": "en vigueur à partir du",
    "seuil_atj_actif": "ATJ au-delà d'un seuil", "seuil_atj": "seuil", "penalite_active": "pénalité",
    "penalite_points": "points par demi-journée", "penalite_franchise": "franchise", "penalite_plafond": "plafond",
    "creneaux": "créneaux de l'appel", "vacances": "vacances scolaires",
}
HIDDEN_FIELDS = frozenset({"reasons", "sha256", "locked_by"})


def _plain_value(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if value is True:
        return "oui"
    if value is False:
        return "non"
    if isinstance(value, float | int):
        text = f"{value:.2f}" if isinstance(value, float) and not float(value).is_integer() else str(value)
        return text.replace(".", ",")
    if isinstance(value, str):
        try:
            if len(value) >= 10 and value[4] == "-" and value[7] == "-":
                moment = dt.datetime.fromisoformat(value)
                return moment.strftime("%d/%m/%Y %H:%M") if len(value) > 10 else moment.strftime("%d/%m/%Y")
        except ValueError:
            pass
        return value.replace(".", ",") if value.replace(".", "", 1).isdigit() else value
    if isinstance(value, dict):
        return "(" + ", ".join(f"{FIELD_WORDS.get(k, k)} : {_plain_value(v)}" for k, v in value.items()) + ")"
    if isinstance(value, list | tuple):
        return ", ".join(_plain_value(v) for v in value)
    return str(value)


# --- export ----------------------------------------------------------------------------------------

CSV_HEADER = ("date", "utilisateur", "canal", "action", "objet", "identifiant", "résumé", "étudiant",
              "évaluation", "avant", "après", "session", "motif")


def csv_rows(entries: Iterable[AuditEntry], names: dict[int, str]) -> Iterable[list[str]]:
    yield list(CSV_HEADER)
    for e in entries:
        at: dt.datetime = timezone.localtime(e.at)
        yield csv_row((  # never a live formula in a spreadsheet (reports/cells.py)
            at.isoformat(timespec="seconds"), e.username, e.get_channel_display(), e.get_action_display(),
            e.get_object_type_display(), e.object_id, e.summary,
            names.get(e.student_id, "") if e.student_id else "", e.evaluation_id or "",
            display(e.old), display(e.new), e.session, e.reason,
        ))


__all__ = ["AuditError", "Channel", "record", "record_grade", "record_many"]


# --- evaluations, decisions, formations, enrolments -----------------------------------------------

def evaluation_created(*, user: Any, evaluation: Any) -> AuditEntry:
    run = evaluation.semester
    return record(
        user=user, action=Action.CREATE, object_type=ObjectType.EVALUATION, object_id=evaluation.pk,
        new={"module": evaluation.module_code, "titre": evaluation.titre, "coefficient": evaluation.coefficient,
             "note_max": evaluation.note_max, "poids": evaluation.poids, "type": evaluation.type,
             "date": evaluation.date.isoformat() if evaluation.date else None},
        department_id=run.formation.department_id, semester_id=run.pk, evaluation_id=evaluation.pk,
        summary=f"{evaluation.module_code} — {evaluation.titre}",
    )


def _decision_state(decision: Any) -> dict[str, Any] | None:
    if decision is None:
        return None
    return {"code": decision.decided_code, "propose": decision.proposed_code,
            "motif": decision.departure_reason, "moyenne": decision.moyenne}


def decision_entry(*, user: Any, run: Any, decision: Any, old: Any) -> AuditEntry:
    return entry(
        user=user, action=Action.CREATE if old is None else Action.UPDATE, object_type=ObjectType.DECISION,
        object_id=f"{decision.student_id}/{run.academic_year.label}/{decision.level}/{decision.key}",
        old=_decision_state(old), new=_decision_state(decision), department_id=run.formation.department_id,
        semester_id=run.pk, student_id=decision.student_id,
        summary=f"{decision.get_level_display()} {decision.key} ({run.academic_year.label})",
        reason=decision.departure_reason or "",
    )


def decision_written(*, user: Any, run: Any, decision: Any, old: Any) -> AuditEntry:
    audit = decision_entry(user=user, run=run, decision=decision, old=old)
    audit.save()
    return audit


def formation_stored(*, version: Any, user: Any = None, reason: str = "") -> AuditEntry:
    return record(
        user=user, action=Action.CREATE, object_type=ObjectType.FORMATION, object_id=version.pk,
        new={"slug": version.slug, "version": version.version, "sha256": version.sha256},
        department_id=version.department_id, summary=f"{version.slug} v{version.version}", reason=reason,
    )


def enrolment_entry(*, user: Any, enrolment: Any, old: dict[str, Any] | None = None) -> AuditEntry:
    run = enrolment.semester
    return entry(
        user=user, action=Action.CREATE if old is None else Action.UPDATE, object_type=ObjectType.ENROLMENT,
        object_id=f"{enrolment.student_id}/{run.pk}", old=old,
        new={"parcours": enrolment.parcours, "groupe": enrolment.groupe, "etat": enrolment.etat,
             "redoublant": enrolment.redoublant},
        department_id=run.formation.department_id, semester_id=run.pk, student_id=enrolment.student_id,
        summary=str(run),
    )


def next_versions(evaluation_id: int, student_ids: Iterable[int]) -> dict[int, int]:
    """The version a newly created grade must take: one more than any version the cell ever had, so that
    a grade deleted then created again never reuses a version a stale writer still holds (A-B-A)."""
    wanted = set(student_ids)
    latest: dict[int, int] = {}
    rows = (AuditEntry.objects.filter(evaluation_id=evaluation_id, object_type=ObjectType.GRADE,
                                      student_id__in=wanted).order_by("id").values_list("student_id", "old", "new"))
    for student_id, old, new in rows:
        latest[student_id] = max((s or {}).get("version", 0) for s in (old, new))
    return {s: latest.get(s, 0) + 1 for s in wanted}
