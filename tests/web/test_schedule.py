"""Scheduled work (web/jobs/schedule.py, docs/adr/0015-scheduled-tasks.md): the monthly reports on the
first working day of the month, the alerts every night; each occurrence enqueued exactly once, however
many workers (or ``delibe planifier`` runs) look at the same time."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from click.testing import CliRunner
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from delibe.web.jobs import schedule
from delibe.web.jobs.models import ScheduledRun
from delibe.web.jobs.worker import DelibeWorker, new_worker_id, run_pending

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def at(text: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(text))


@pytest.mark.parametrize(("month", "expected"), [
    ((2024, 1), dt.date(2024, 1, 2)),  # 1 January is a public holiday
    ((2024, 5), dt.date(2024, 5, 2)),  # 1 May (Wednesday)
    ((2026, 11), dt.date(2026, 11, 2)),  # 1 November is a Sunday (All Saints' Day)
    ((2024, 6), dt.date(2024, 6, 3)),  # 1 June is a Saturday
    ((2027, 3), dt.date(2027, 3, 1)),
])
def test_the_first_working_day_skips_weekends_and_french_public_holidays(month, expected):
    assert schedule.first_working_day(*month) == expected


def test_the_monthly_reports_are_due_from_six_on_the_first_working_day_and_the_alerts_from_two_each_night():
    monthly, nightly, *_ = schedule.SCHEDULE
    assert monthly.due(at("2024-01-01T10:00")) is None  # public holiday
    assert monthly.due(at("2024-01-02T05:59")) is None
    assert monthly.due(at("2024-01-02T06:00")) == "2024-01"
    assert monthly.due(at("2024-01-25T12:00")) == "2024-01"  # a worker stopped that day catches up
    assert nightly.due(at("2024-01-02T01:59")) is None
    assert nightly.due(at("2024-01-02T02:00")) == "2024-01-02"


def test_each_occurrence_is_enqueued_once(db, settings):
    settings.TASKS = DB_TASKS
    assert schedule.enqueue_due(at("2024-02-01T07:00"), by="w1") == ["rapports-mensuels 2024-02",
                                                                      "alertes-absences 2024-02-01"]
    assert schedule.enqueue_due(at("2024-02-01T08:00"), by="w2") == []
    assert schedule.enqueue_due(at("2024-02-02T03:00"), by="w2") == ["alertes-absences 2024-02-02"]
    assert DBTaskResult.objects.count() == 3
    run = ScheduledRun.objects.get(name="rapports-mensuels")
    assert run.occurrence == "2024-02" and run.enqueued_by == "w1" and run.task_id
    assert DBTaskResult.objects.get(pk=run.task_id).args_kwargs["args"] == ["2024-02-01"]


@pytest.mark.django_db(transaction=True)
def test_two_workers_looking_at_the_same_time_never_enqueue_one_occurrence_twice(settings):
    """Workers are threads here, each with its own connection to the test database (a file): they reach
    the insert together; the unique row lets one enqueue, the others get nothing."""
    settings.TASKS = DB_TASKS
    for round_ in range(3):
        now = at(f"2024-03-0{round_ + 1}T07:00")
        barrier = threading.Barrier(4)
        enqueued: list[list[str]] = []

        def look(name: str, now: dt.datetime = now, barrier: threading.Barrier = barrier,
                 enqueued: list[list[str]] = enqueued) -> None:
            try:
                barrier.wait()
                enqueued.append(schedule.enqueue_due(now, by=name))
            finally:
                connection.close()

        threads = [threading.Thread(target=look, args=(f"worker-{n}",)) for n in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        done = [item for items in enqueued for item in items]
        assert sorted(done) == sorted(set(done)), done  # nobody enqueued what another did
    assert sorted(ScheduledRun.objects.values_list("name", "occurrence")) == [
        ("alertes-absences", "2024-03-01"), ("alertes-absences", "2024-03-02"), ("alertes-absences", "2024-03-03"),
        ("rapports-mensuels", "2024-03")]
    assert DBTaskResult.objects.count() == 4


def test_a_worker_enqueues_what_is_due_when_it_starts_and_not_again(db, settings, monkeypatch):
    settings.TASKS = DB_TASKS
    monkeypatch.setattr(schedule.timezone, "now", lambda: at("2024-02-01T07:00"))
    worker = DelibeWorker(queue_names=["default"], interval=0, batch=True, backend_name="default",
                          startup_delay=False, max_tasks=None, worker_id=new_worker_id(), excluded_queue_names=[])
    worker._plan()
    assert ScheduledRun.objects.count() == 2  # the day's alerts and the month's reports
    worker.planned_at = 0.0
    worker._plan()
    assert DBTaskResult.objects.count() == 2


def test_no_worker_plans_when_the_installation_turned_it_off(db, settings):
    settings.TASKS = DB_TASKS
    settings.DELIBE_PLANIFICATION = False
    worker = DelibeWorker(queue_names=["default"], interval=0, batch=True, backend_name="default",
                          startup_delay=False, max_tasks=None, worker_id=new_worker_id(), excluded_queue_names=[])
    worker._plan()
    assert not ScheduledRun.objects.exists()


def test_delibe_planifier_enqueues_once_and_lists_the_schedule(db, settings):
    from delibe.cli.worker import planifier

    settings.TASKS = DB_TASKS
    runner = CliRunner()
    first = runner.invoke(planifier, ["--a", "2024-04-02T09:00"])
    assert first.exit_code == 0, first.output
    assert "mise en file : rapports-mensuels 2024-04" in first.output
    again = runner.invoke(planifier, ["--a", "2024-04-02T09:30"])
    assert "rien à mettre en file" in again.output
    listing = runner.invoke(planifier, ["--liste"])
    assert "rapports-mensuels" in listing.output and "2024-04" in listing.output
    bad = runner.invoke(planifier, ["--a", "demain"])
    assert bad.exit_code == 2 and "n'est pas une date et heure" in bad.output


def test_the_scheduled_monthly_task_mails_last_months_reports_to_tutors_and_cfas(world, smtp):
    from delibe.web.models import ApprenticeContract

    ApprenticeContract.objects.create(student=world.alice, employeur="Studio Éclat", tuteur_email="t@e.example.org",
                                      cfa_email="cfa@c.example.org", debut=dt.date(2023, 9, 1),
                                      fin=dt.date(2025, 8, 31))
    schedule.enqueue_due(at("2024-02-01T07:00"), by="test")
    run_pending()  # the scheduled tasks, then the mails they queued
    [message] = smtp.to("t@e.example.org")
    assert "janvier 2024" in str(message["Subject"])
    assert len(smtp.to("cfa@c.example.org")) == 1
    schedule.enqueue_due(at("2024-02-01T09:00"), by="another")
    run_pending()
    assert len(smtp.messages) == 2


def _database_url() -> str:
    """The test database, for processes started by the test (SQLite: its file; PostgreSQL: its name)."""
    s = connection.settings_dict
    if s["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{s['NAME']}"
    return f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_two_worker_processes_started_together_run_each_scheduled_occurrence_once(tmp_path):
    """Two real ``delibe worker --batch`` processes on the same database: each plans at start, then runs
    the queue; every occurrence due now was enqueued by one of them and run once."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "DATABASE_URL": _database_url(), "DJANGO_SETTINGS_MODULE": "delibe.config.settings.dev",
           "DELIBE_VAR_DIR": str(tmp_path), "DELIBE_PLANIFICATION": "1"}
    workers = [subprocess.Popen([sys.executable, "-m", "delibe.cli", "worker", "--batch", "--id", f"proc-{n}"],
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for n in range(2)]
    for w in workers:
        _out, err = w.communicate(timeout=120)
        assert w.returncode == 0, err.decode()[-2000:]
    runs = list(ScheduledRun.objects.all())
    assert runs and {r.enqueued_by for r in runs} <= {"proc-0", "proc-1"}
    assert len({(r.name, r.occurrence) for r in runs}) == len(runs)
    tasks = list(DBTaskResult.objects.all())
    assert sorted(str(t.pk) for t in tasks) == sorted(r.task_id for r in runs)
    assert {t.status for t in tasks} == {"SUCCESSFUL"} and all(len(t.worker_ids) == 1 for t in tasks)
