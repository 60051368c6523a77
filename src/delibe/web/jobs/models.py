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
