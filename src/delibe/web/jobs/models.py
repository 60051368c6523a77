"""The heartbeat of each running ``delibe worker``: a task whose worker stopped beating is given back to
the queue (:func:`delibe.web.jobs.worker.recover_lost_tasks`)."""

from __future__ import annotations

from django.db import models


class WorkerBeat(models.Model):
    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=200)
    pid = models.IntegerField()
    started = models.DateTimeField()
    last_seen = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "battement d'un worker"

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.host}, pid {self.pid})"


class ScheduledRun(models.Model):
    """One occurrence of a scheduled task (« rapports-mensuels » of 2024-02, « alertes-absences » of
    2024-02-05), inserted in the transaction that enqueues its task: the unique constraint lets exactly
    one worker (or ``delibe planifier``) enqueue it, however many look at once (docs/adr/0015)."""

    name = models.CharField(max_length=60)
    occurrence = models.CharField(max_length=40)
    enqueued_at = models.DateTimeField()
    enqueued_by = models.CharField(max_length=64, blank=True)
    task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = (models.UniqueConstraint(fields=["name", "occurrence"], name="scheduled_run_once"),)
        ordering = ["-enqueued_at"]  # noqa: RUF012 (Django reads Meta attributes as plain lists)
        verbose_name = "occurrence d'une tâche planifiée"

    def __str__(self) -> str:
        return f"{self.name} {self.occurrence}"
