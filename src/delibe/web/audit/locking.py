"""Locking a semester when its jury closes, reopening it with a reason, and reading the lock inside a
write's transaction (every write service checks it there)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from delibe.web.audit.models import Action, AuditEntry, ObjectType
from delibe.web.audit.services import AuditError, record


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
