"""``delibe worker``: django-tasks-db's worker loop plus a heartbeat, and the recovery of lost tasks.

django-tasks-db marks a task RUNNING when a worker claims it and never looks at it again: a worker killed
mid-task (SIGKILL, machine lost) would leave it RUNNING forever. Each ``delibe worker`` therefore writes
a heartbeat (:class:`~delibe.web.jobs.models.WorkerBeat`) every :data:`BEAT_SECONDS`; every worker also
looks, at the same pace, for RUNNING tasks whose worker has not beaten for :data:`STALE_SECONDS` and
gives them back to the queue (READY), at most :data:`MAX_ATTEMPTS` runs in all, then FAILED. The tasks
are written to be run again safely (docs/adr/0014-tasks-framework.md).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import time

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connections
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks.base import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from delibe.web.jobs.models import WorkerBeat

logger = logging.getLogger("delibe.worker")

BEAT_SECONDS = 2.0  # a worker writes its heartbeat this often (at most a quarter of the silence allowed)
STALE_SECONDS = 20.0  # a worker silent for this long is dead (setting DELIBE_WORKER_STALE_SECONDS)
MAX_ATTEMPTS = 3  # runs of one task (the first and two recoveries), then it is marked failed
FORGET_BEATS_AFTER = dt.timedelta(days=1)
PLAN_SECONDS = 30.0  # a worker looks for due scheduled tasks this often (jobs.schedule)


class WorkerLost(Exception):
    """Recorded as the failure of a task whose workers died :data:`MAX_ATTEMPTS` times."""


def new_worker_id() -> str:
    return f"{socket.gethostname()[:30]}-{os.getpid()}-{get_random_string(8)}"[:64]


def beat(worker_id: str, started: dt.datetime) -> None:
    WorkerBeat.objects.update_or_create(worker_id=worker_id, defaults={
        "host": socket.gethostname()[:200], "pid": os.getpid(), "started": started, "last_seen": timezone.now()})


def stale_seconds() -> float:
    return float(getattr(settings, "DELIBE_WORKER_STALE_SECONDS", STALE_SECONDS))


def alive_workers(stale: float | None = None) -> list[WorkerBeat]:
    stale_seconds_ = stale_seconds() if stale is None else stale
    limit = timezone.now() - dt.timedelta(seconds=stale_seconds_)
    return list(WorkerBeat.objects.filter(last_seen__gte=limit).order_by("host", "pid"))


def recover_lost_tasks(*, stale: float | None = None, now: dt.datetime | None = None) -> list[str]:
    """Gives back to the queue every RUNNING task whose worker stopped beating; returns their ids.

    The update is conditional on the claim it replaces (same status, same ``started_at``): when several
    workers recover at once, exactly one of them wins, and a task claimed again meanwhile is left alone."""
    now = now or timezone.now()
    limit = now - dt.timedelta(seconds=stale_seconds() if stale is None else stale)
    alive = set(WorkerBeat.objects.filter(last_seen__gte=limit).values_list("worker_id", flat=True))
    recovered = []
    for result in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=limit):
        owner = result.worker_ids[-1] if result.worker_ids else ""
        if owner in alive:
            continue
        claim = DBTaskResult.objects.filter(pk=result.pk, status=TaskResultStatus.RUNNING,
                                            started_at=result.started_at)
        if len(result.worker_ids) >= MAX_ATTEMPTS:
            changed = claim.update(
                status=TaskResultStatus.FAILED, finished_at=now,
                exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
                traceback=f"WorkerLost: {len(result.worker_ids)} workers died running this task "
                          f"({', '.join(result.worker_ids)})\n")
            logger.warning("task %s failed: its workers died %d times", result.pk, len(result.worker_ids))
        else:
            changed = claim.update(status=TaskResultStatus.READY, started_at=None)
            logger.warning("task %s given back to the queue: worker %s stopped beating", result.pk, owner)
        if changed:
            recovered.append(str(result.pk))
    WorkerBeat.objects.filter(last_seen__lt=now - FORGET_BEATS_AFTER).delete()
    return recovered


class DelibeWorker(Worker):
    """django-tasks-db's worker with a heartbeat thread that also recovers the tasks of dead workers."""

    def run(self) -> None:
        started = timezone.now()
        beat(self.worker_id, started)  # before the first claim: a claimed task always has a live owner
        recover_lost_tasks()
        self._plan()
        stop = threading.Event()
        thread = threading.Thread(target=self._heartbeat, args=(stop, started), name="delibe-heartbeat",
                                  daemon=True)
        thread.start()
        try:
            super().run()
        finally:
            stop.set()
            thread.join(timeout=10)
            try:
                WorkerBeat.objects.filter(worker_id=self.worker_id).delete()
            except DatabaseError:  # the database is gone: the beat just grows stale
                pass

    planned_at = 0.0

    def _plan(self) -> None:
        """Enqueues the scheduled occurrences now due (``jobs.schedule``), at most every PLAN_SECONDS."""
        from delibe.web.jobs import schedule

        if not schedule.enabled() or time.monotonic() - self.planned_at < PLAN_SECONDS:
            return
        self.planned_at = time.monotonic()
        for done in schedule.enqueue_due(by=self.worker_id):
            logger.info("worker %s enqueued the scheduled %s", self.worker_id, done)

    def _heartbeat(self, stop: threading.Event, started: dt.datetime) -> None:
        while not stop.wait(min(BEAT_SECONDS, stale_seconds() / 4)):
            try:
                close_old_connections()
                beat(self.worker_id, started)
                recover_lost_tasks()
                self._plan()
            except DatabaseError as error:  # locked or unreachable database: try again at the next beat
                logger.warning("heartbeat of %s failed: %s", self.worker_id, error)
        connections.close_all()  # this thread's connections only (Django's connections are per thread)


def run_pending(*, queues: str = "default") -> int:
    """Runs every task waiting in the queue in this process and connection, then returns how many ran:
    the tests, which run in one transaction (the worker loop would close their connection)."""
    loop = DelibeWorker(queue_names=queues.split(","), interval=0, batch=True, backend_name="default",
                        startup_delay=False, max_tasks=None, worker_id=new_worker_id(), excluded_queue_names=[])
    beat(loop.worker_id, timezone.now())
    ran = 0
    while True:
        tasks = DBTaskResult.objects.ready().filter(backend_name="default")
        if "*" not in loop.queue_names:
            tasks = tasks.filter(queue_name__in=loop.queue_names)
        with exclusive_transaction(tasks.db):
            result = tasks.get_locked()
            if result is not None:
                result.claim(loop.worker_id)
        if result is None:
            break
        loop.run_task(result)
        ran += 1
    WorkerBeat.objects.filter(worker_id=loop.worker_id).delete()
    return ran
