"""The nightly backup of each department as a scheduled task (docs/adr/0015-scheduled-tasks.md).

When ``DELIBE_SAUVEGARDE_DOSSIER`` names a folder, the workers enqueue every night (from 03:00 local time)
the task ``backup_departments``: each department is written as the JSON document of ``delibe departement
export`` (``services.sauvegarde_json``, photos included) to ``<folder>/<CODE>/delibe-departement-<CODE>-
<day>.json``. The task can run again safely (a worker killed mid-way, a take-over while alive):

- the file is written under a temporary name in the same folder and linked to its final name only when
  complete, and a final name is never overwritten: the first complete run of the day wins, a later run
  finds the file and writes nothing;
- the journal entry of a file is recorded once (a run that finds the file without its entry records it);
- retention keeps the ``DELIBE_SAUVEGARDE_GARDER`` most recent days of each department and removes the
  older ones (each removal said in the journal entry), and the temporary files left by a killed run once
  they are a day old.

The whole-database backup (``delibe backup``, pg_dump) stays a systemd timer (docs/deployment.md § 7): it
must run even when the queue is stuck; these department files are the second line, one file a department
that ``delibe departement import`` restores alone.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction

from delibe.web.audit import services as audit
from delibe.web.audit.models import AuditEntry
from delibe.web.models import Department

logger = logging.getLogger("delibe.sauvegarde")

PREFIX = "delibe-departement-"
FILE_RE = re.compile(r"^delibe-departement-(?P<code>.+)-(?P<day>\d{4}-\d{2}-\d{2})\.json$")
STALE_PART_SECONDS = 24 * 3600  # a temporary file this old belongs to a run that died


class BackupError(Exception):
    """Some departments could not be written; the message (French) names them and why."""


@dataclass
class Outcome:
    """What one department's backup did on one day."""

    code: str
    path: Path
    written: bool  # False: the day's file was there already (an earlier run of the task)
    size: int
    removed: list[str] = field(default_factory=list)


def folder() -> Path | None:
    """``DELIBE_SAUVEGARDE_DOSSIER``, or None when the nightly department backups are off."""
    value = getattr(settings, "DELIBE_SAUVEGARDE_DOSSIER", None)
    return Path(value) if value else None


def keep() -> int:
    return max(1, int(getattr(settings, "DELIBE_SAUVEGARDE_GARDER", 14) or 14))


def _safe(code: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "_", code) or "_"


def file_name(code: str, day: dt.date) -> str:
    return f"{PREFIX}{_safe(code)}-{day.isoformat()}.json"


def backup_all(day: dt.date, *, into: Path | None = None, keep_days: int | None = None) -> list[Outcome]:
    """Backs up every department for ``day``; raises BackupError after trying all when some failed."""
    from delibe.web.services.sauvegarde_json import SauvegardeError

    target = into or folder()
    if target is None:
        raise BackupError("DELIBE_SAUVEGARDE_DOSSIER n'est pas réglé : aucun dossier où écrire les sauvegardes.")
    outcomes, errors = [], []
    for department in Department.objects.order_by("code"):
        try:
            outcomes.append(backup_department(department, day, into=target, keep_days=keep_days or keep()))
        except (SauvegardeError, OSError) as error:
            logger.error("backup of department %s failed: %s", department.code, error)
            errors.append(f"{department.code} : {error}")
    if errors:
        raise BackupError("Sauvegarde impossible pour " + " ; ".join(errors))
    return outcomes


def backup_department(department: Department, day: dt.date, *, into: Path, keep_days: int) -> Outcome:
    from delibe.web.services.sauvegarde_json import dumps, export_department

    directory = into / _safe(department.code)
    directory.mkdir(parents=True, exist_ok=True)
    final = directory / file_name(department.code, day)
    written = False
    if not final.exists():
        data = dumps(export_department(department.code, photos=True)).encode("utf-8")
        handle, part = tempfile.mkstemp(dir=directory, prefix=f".{final.name}.", suffix=".part")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            try:
                os.link(part, final)  # never replaces: the first complete file of the day stays
                written = True
            except FileExistsError:
                pass
        finally:
            Path(part).unlink(missing_ok=True)
    removed = _retention(directory, department.code, keep_days)
    outcome = Outcome(department.code, final, written, final.stat().st_size, removed)
    _journal(department, outcome, keep_days)
    return outcome


def _retention(directory: Path, code: str, keep_days: int) -> list[str]:
    """Removes the department's files beyond the ``keep_days`` most recent days, and stale temporary files."""
    mine = sorted((m["day"], p) for p in directory.iterdir()
                  if (m := FILE_RE.match(p.name)) and m["code"] == _safe(code))
    removed = []
    for _, path in mine[:-keep_days]:
        path.unlink(missing_ok=True)
        removed.append(path.name)
    now = time.time()
    for part in directory.glob(f".{PREFIX}*.part"):
        try:
            if now - part.stat().st_mtime > STALE_PART_SECONDS:
                part.unlink(missing_ok=True)
        except FileNotFoundError:
            pass
    return removed


def _journal(department: Department, outcome: Outcome, keep_days: int) -> None:
    """One entry per file written (recorded by the run that finds it missing), one per removal batch."""
    with transaction.atomic():
        Department.objects.select_for_update().filter(pk=department.pk).first()  # two runs at once: in turn
        if not AuditEntry.objects.filter(department_id=department.pk, object_type="department",
                                         summary__startswith=f"Sauvegarde nocturne écrite : {outcome.path.name}"
                                         ).exists():
            audit.record(user=None, action="create", object_type="department", object_id=department.pk,
                         department_id=department.pk, channel="cli",
                         summary=f"Sauvegarde nocturne écrite : {outcome.path.name} ({outcome.size} octets, "
                                 f"dossier {outcome.path.parent})")
        if outcome.removed:
            audit.record(user=None, action="delete", object_type="department", object_id=department.pk,
                         department_id=department.pk, channel="cli",
                         summary=f"Sauvegardes anciennes supprimées (on garde les {keep_days} dernières) : "
                                 + ", ".join(outcome.removed))
