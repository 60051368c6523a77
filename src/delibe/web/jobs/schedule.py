"""Scheduled work without a scheduler process (docs/adr/0015-scheduled-tasks.md).

Django's Tasks framework runs tasks but schedules none. Each ``delibe worker`` looks, at every heartbeat,
for the occurrences of :data:`SCHEDULE` that are due and enqueues them; ``delibe planifier`` does the same
once (for an installation that prefers a cron line or a systemd timer). An occurrence is enqueued by
whoever inserts its :class:`~delibe.web.jobs.models.ScheduledRun` row first: the row and the task are
written in one transaction and the row is unique per (name, occurrence), so N workers on M machines
enqueue each occurrence exactly once. A worker stopped on the due day catches up when one starts again,
within the occurrence's period (the month, the day).

- ``rapports-mensuels``: on the first working day of the month (no weekend, no French public holiday,
  ``delibe.calendrier``), from 06:00 local time, the month before's attendance reports by e-mail;
- ``alertes-absences``: every night from 02:00 local time, the absence alerts;
- ``sauvegarde-departements``: every night from 03:00 local time, when ``DELIBE_SAUVEGARDE_DOSSIER`` is set,
  each department's JSON backup to that folder (``jobs.sauvegarde``);
- ``retours-courriels``: every hour, when ``DELIBE_RETOURS_BOITE`` is set, the bounces read from that
  mailbox (``mail.retours``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from delibe.calendrier import jour_de_cours
from delibe.web.jobs.models import ScheduledRun

logger = logging.getLogger("delibe.schedule")


def first_working_day(annee: int, mois: int) -> dt.date:
    day = dt.date(annee, mois, 1)
    while not jour_de_cours(day):
        day += dt.timedelta(days=1)
    return day


@dataclass(frozen=True)
class Periodic:
    name: str
    description: str
    due: Callable[[dt.datetime], str | None]  # local time → the occurrence due now, or None
    enqueue: Callable[[str, dt.datetime], Any]  # (occurrence, local time) → the task's result handle


def _monthly_due(now: dt.datetime) -> str | None:
    today = now.date()
    if today < first_working_day(today.year, today.month) or (
            today == first_working_day(today.year, today.month) and now.hour < 6):
        return None
    return f"{today:%Y-%m}"


def _nightly_due(now: dt.datetime) -> str | None:
    return now.date().isoformat() if now.hour >= 2 else None


def _backup_due(now: dt.datetime) -> str | None:
    from delibe.web.jobs import sauvegarde

    return now.date().isoformat() if now.hour >= 3 and sauvegarde.folder() is not None else None


def _bounces_due(now: dt.datetime) -> str | None:
    return f"{now:%Y-%m-%dT%H}" if getattr(settings, "DELIBE_RETOURS_BOITE", None) else None


def _enqueue_bounces(occurrence: str, now: dt.datetime) -> Any:
    from delibe.web.jobs.tasks import read_bounces

    return read_bounces.enqueue(occurrence)


def _enqueue_reports(occurrence: str, now: dt.datetime) -> Any:
    from delibe.web.jobs.tasks import send_monthly_reports

    return send_monthly_reports.enqueue(now.date().isoformat())


def _enqueue_alerts(occurrence: str, now: dt.datetime) -> Any:
    from delibe.web.jobs.tasks import check_absence_alerts

    return check_absence_alerts.enqueue(occurrence)


def _enqueue_backup(occurrence: str, now: dt.datetime) -> Any:
    from delibe.web.jobs.tasks import backup_departments

    return backup_departments.enqueue(occurrence)


SCHEDULE: tuple[Periodic, ...] = (
    Periodic("rapports-mensuels", "relevés d'assiduité du mois précédent aux maîtres d'apprentissage et CFA, "
                                  "le premier jour ouvré du mois à partir de 6 h", _monthly_due, _enqueue_reports),
    Periodic("alertes-absences", "alertes d'absences, chaque nuit à partir de 2 h", _nightly_due, _enqueue_alerts),
    Periodic("sauvegarde-departements", "sauvegarde JSON de chaque département dans DELIBE_SAUVEGARDE_DOSSIER, "
                                        "chaque nuit à partir de 3 h", _backup_due, _enqueue_backup),
    Periodic("retours-courriels", "lecture des avis de non-distribution de DELIBE_RETOURS_BOITE, chaque heure",
             _bounces_due, _enqueue_bounces),
)


def enabled() -> bool:
    return bool(getattr(settings, "DELIBE_PLANIFICATION", True))


def enqueue_due(now: dt.datetime | None = None, *, by: str = "") -> list[str]:
    """Enqueues every scheduled occurrence due at ``now`` that nobody enqueued yet; returns
    « name occurrence » of those this call enqueued (the others were someone else's)."""
    now = timezone.localtime(now or timezone.now())
    done = []
    for periodic in SCHEDULE:
        occurrence = periodic.due(now)
        if occurrence is None or ScheduledRun.objects.filter(name=periodic.name, occurrence=occurrence).exists():
            continue
        try:
            with transaction.atomic():
                row = ScheduledRun.objects.create(name=periodic.name, occurrence=occurrence, enqueued_at=now,
                                                  enqueued_by=by[:64])
                result = periodic.enqueue(occurrence, now)
                row.task_id = str(getattr(result, "id", ""))[:64]
                row.save(update_fields=["task_id"])
        except IntegrityError:  # another worker inserted it first: its task is the one
            continue
        logger.info("scheduled %s %s enqueued by %s", periodic.name, occurrence, by or "?")
        done.append(f"{periodic.name} {occurrence}")
    return done
