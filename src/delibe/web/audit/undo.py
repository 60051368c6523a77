"""Undoing a grade-entry session: every grade it changed back to its value before, or nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from delibe.web.audit import context
from delibe.web.audit.models import Action, AuditEntry, ObjectType
from delibe.web.audit.services import AuditError, display, grade_entry, grade_state, record_many, state_of


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
