"""Writing the audit trail, undoing a grade-entry session, reopening a locked semester.

``record`` must be called inside the transaction of the change it describes (the write services do):
if the change is rolled back, so is its record, and a change is never committed without its record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
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


# --- undoing a session -----------------------------------------------------------------------------

def session_summaries(evaluation_id: int) -> list[dict[str, Any]]:
    """The grade-entry sessions of an evaluation, newest first: session, first/last date, count, who."""
    rows = (
        AuditEntry.objects.filter(evaluation_id=evaluation_id, object_type=ObjectType.GRADE)
        .exclude(session="").values("session", "username", "channel")
        .annotate(last=Max("at")).order_by("-last")
    )
    seen: dict[str, dict[str, Any]] = {}
    for row in rows:
        item = seen.setdefault(row["session"], {
            "session": row["session"], "last": row["last"], "users": set(), "channel": row["channel"],
            "count": 0, "undone": False,
        })
        item["users"].add(row["username"])
    for item in seen.values():
        qs = AuditEntry.objects.filter(evaluation_id=evaluation_id, session=item["session"],
                                       object_type=ObjectType.GRADE)
        item["count"] = qs.count()
        item["undone"] = AuditEntry.objects.filter(
            evaluation_id=evaluation_id, action=Action.UNDO, reason__endswith=f"[{item['session']}]"
        ).exists()
        item["users"] = ", ".join(sorted(u for u in item["users"] if u)) or "—"
    return list(seen.values())


def undo_session(*, user: Any, evaluation: Any, session: str) -> int:
    """Restores the grades an entry session changed to their values before it, in one transaction.

    Refused, with nothing written, when the semester is locked, when the session was already undone, or
    when any of its grades changed since (another session, a colleague): the message names the student."""
    from delibe.web.models import Grade

    if not session:
        raise AuditError("Aucune session de saisie indiquée.")
    with transaction.atomic():
        semester = type(evaluation.semester).objects.select_for_update().get(pk=evaluation.semester_id)
        if semester.locked:
            raise AuditError(
                "Le semestre est verrouillé par le jury : l'annulation est impossible. Faites d'abord "
                "rouvrir le semestre (scolarité, responsable de formation ou président du jury, avec un motif)."
            )
        marker = f"[{session}]"
        if AuditEntry.objects.filter(evaluation_id=evaluation.pk, action=Action.UNDO,
                                     reason__endswith=marker).exists():
            raise AuditError(f"La session {session} a déjà été annulée.")
        entries = list(
            AuditEntry.objects.filter(evaluation_id=evaluation.pk, session=session, object_type=ObjectType.GRADE)
            .order_by("at", "id")
        )
        if not entries:
            raise AuditError(f"La session {session} n'a modifié aucune note de cette évaluation.")
        first: dict[int, dict[str, Any] | None] = {}
        last: dict[int, dict[str, Any] | None] = {}
        for audit in entries:
            assert audit.student_id is not None
            first.setdefault(audit.student_id, audit.old)
            last[audit.student_id] = audit.new
        current = {
            g.student_id: g
            for g in Grade.objects.select_for_update().filter(evaluation=evaluation, student_id__in=list(last))
        }
        from delibe.web.models import Student

        names = {s.pk: str(s) for s in Student.objects.filter(pk__in=list(last))}
        for student_id, after in last.items():
            now = grade_state(current.get(student_id))
            if now != after:
                raise AuditError(
                    f"{names.get(student_id, student_id)} : la note a changé depuis cette session "
                    f"(« {display(after) or 'vide'} » → « {display(now) or 'vide'} » aujourd'hui). "
                    "Rien n'a été annulé ; corrigez cette note à la main si nécessaire."
                )
        undo = context.new_session("annulation")
        reason = f"annulation de la session {marker}"
        audits = []
        for student_id, before in first.items():
            grade = current.get(student_id)
            top = max((s or {}).get("version", 0) for s in (before, last[student_id], grade_state(grade)))
            if before is None:
                if grade is not None:
                    grade.delete()
                new_state = None
            else:
                value = None if before["value"] is None else Decimal(before["value"])
                if grade is None:
                    grade = Grade.objects.create(
                        evaluation=evaluation, student_id=student_id, value=value, special=before["special"],
                        version=top + 1, author_id=getattr(user, "pk", None),
                    )
                else:
                    Grade.objects.filter(pk=grade.pk).update(
                        value=value, special=before["special"], version=top + 1,
                        author_id=getattr(user, "pk", None), updated_at=timezone.now(),
                    )
                new_state = state_of(value, before["special"], top + 1)
            old_state = grade_state(current.get(student_id))
            if old_state == new_state:
                continue
            audits.append(grade_entry(user=user, evaluation=evaluation, student_id=student_id, old=old_state,
                                      new=new_state, session=undo, reason=reason))
            audits[-1].action = Action.UNDO
        record_many(audits)
        return len(audits)


# --- locking -----------------------------------------------------------------------------------------

def can_reopen(user: Any, run: Any) -> bool:
    from delibe.web import permissions as perm
    from delibe.web.models import Role

    # Whoever may lock the jury (président, scolarité) may reopen it; the responsable de formation too.
    # An archived semester (its year closed, services/annees.py) is never reopened.
    if getattr(run, "archived", False):
        return False
    return perm.roles_of(user).has(run.formation.department_id, {Role.RESPONSABLE, Role.PRESIDENT, Role.SCOLARITE})


def reopen_semester(*, user: Any, run: Any, reason: str) -> list[Any]:
    """Reopens a locked semester (with its partner when the year jury locked both): only an
    administrator, the responsable de formation or the président du jury, with a written reason."""
    from delibe.web.services.jury import year_runs

    reason = (reason or "").strip()
    if getattr(run, "archived", False):
        raise AuditError(f"{run} appartient à une année archivée : il ne peut plus être rouvert.")
    if not can_reopen(user, run):
        raise AuditError(
            "Seuls un administrateur, la scolarité, le responsable de formation ou le président du jury "
            "peuvent rouvrir un semestre verrouillé."
        )
    if len(reason) < 5:
        raise AuditError("Écrivez le motif de la réouverture (il est conservé dans le journal).")
    with transaction.atomic():
        runs = [r for r in year_runs(run) if r.locked] if run.semestre % 2 == 0 else [run]
        runs = [type(run).objects.select_for_update().get(pk=r.pk) for r in runs]
        runs = [r for r in runs if r.locked]
        if not runs:
            raise AuditError(f"{run} n'est pas verrouillé : rien à rouvrir.")
        for r in runs:
            old = {"locked": True, "locked_at": r.locked_at.isoformat() if r.locked_at else None,
                   "locked_by": r.locked_by_id}
            r.locked, r.locked_at, r.locked_by_id = False, None, None
            r.save(update_fields=["locked", "locked_at", "locked_by"])
            record(user=user, action=Action.REOPEN, object_type=ObjectType.SEMESTER, object_id=r.pk,
                   old=old, new={"locked": False}, department_id=r.formation.department_id, semester_id=r.pk,
                   summary=str(r), reason=reason)
        return runs


def semester_locked(*, user: Any, run: Any, overrides: dict[str, dict[str, str]] | None = None) -> AuditEntry:
    """The locking of a semester; ``overrides`` are the blocking items of the checklist the président
    closed over, each with its reason (item key → {"point", "motif"})."""
    new: dict[str, Any] = {"locked": True}
    reason = ""
    if overrides:
        new["points_bloquants"] = overrides
        reason = "\n".join(f"{o['point']} — motif : {o['motif']}" for o in overrides.values())
    return record(user=user, action=Action.LOCK, object_type=ObjectType.SEMESTER, object_id=run.pk,
                  old={"locked": False}, new=new, department_id=run.formation.department_id,
                  semester_id=run.pk, summary=str(run), reason=reason)


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


__all__ = ["AuditError", "Channel", "record", "record_grade", "record_many", "reopen_semester", "undo_session"]


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


def semester_is_locked(semester_id: int) -> bool:
    """Whether the semester is locked, read from the database inside the caller's transaction. On
    PostgreSQL the row is held FOR SHARE until commit: writers do not block each other, but locking the
    jury (an UPDATE of the row) waits for the writes in flight, and the writes that follow see the lock —
    no grade slips in after the jury closed. (SQLite: BEGIN IMMEDIATE already serialises writers.)"""
    from django.db import connection

    from delibe.web.models import SemesterRun

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT locked FROM {SemesterRun._meta.db_table} WHERE id = %s FOR SHARE", [semester_id])
            row = cursor.fetchone()
        return bool(row and row[0])
    return SemesterRun.objects.filter(pk=semester_id, locked=True).exists()
