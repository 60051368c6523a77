"""The tasks run by ``delibe worker`` (Django's Tasks framework). Each one can run again after a worker
died in the middle of it and still produce its result exactly once (docs/adr/0014-tasks-framework.md).
The code they run lives in ``delibe.web.services``; the import is inside each task so that this module
stays light to import for the web requests that enqueue them."""

from __future__ import annotations

from typing import Any

from django_tasks import task


@task()
def render_document_batch(job_id: str) -> dict[str, Any]:
    """Renders the documents of a batch prepared by ``services.document_batches.start_batch``."""
    from delibe.web.services import document_batches

    return document_batches.render(job_id)


@task()
def send_mail(mail_id: int) -> str:
    """Sends one e-mail of a mailing at most once (``delibe.web.mail.services.send_one``)."""
    from delibe.web.mail import services

    return str(services.send_one(mail_id))


@task()
def send_monthly_reports(today: str) -> list[str]:
    """The scheduled task of the first working day of a month: each department's apprentices' attendance
    reports of the month before, by e-mail to tutors and CFAs (``delibe.web.mail.rapports``)."""
    import datetime as dt

    from delibe.web.mail import rapports

    return rapports.send_scheduled(dt.date.fromisoformat(today))


@task()
def check_absence_alerts(today: str) -> int:
    """The nightly scheduled task: absence alerts of the thresholds newly reached (``delibe.web.mail.alertes``)."""
    import datetime as dt

    from delibe.web.mail import alertes

    return alertes.check(dt.date.fromisoformat(today))


@task()
def backup_departments(day: str) -> list[str]:
    """The nightly scheduled task: each department's JSON backup to DELIBE_SAUVEGARDE_DOSSIER, at most once a
    day, older ones beyond DELIBE_SAUVEGARDE_GARDER removed (``delibe.web.jobs.sauvegarde``)."""
    import datetime as dt

    from delibe.web.jobs import sauvegarde

    return [f"{o.code} {o.path.name} {'écrite' if o.written else 'déjà là'} ({o.size} octets)"
            + (f", {len(o.removed)} supprimée(s)" if o.removed else "")
            for o in sauvegarde.backup_all(dt.date.fromisoformat(day))]


@task()
def read_bounces(hour: str) -> str:
    """The hourly scheduled task: the bounces of DELIBE_RETOURS_BOITE (``delibe.web.mail.retours``); reading
    the same messages again changes nothing."""
    from pathlib import Path

    from django.conf import settings

    from delibe.web.mail import retours

    summary = retours.read(Path(settings.DELIBE_RETOURS_BOITE))
    return (f"{summary.notifications} avis, {len(summary.bounced)} adresse(s) rejetée(s) enregistrée(s), "
            f"{summary.already} déjà, {summary.delayed} retard(s), {len(summary.unmatched)} sans correspondance")
