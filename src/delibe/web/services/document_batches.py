"""Document batches: every document of a semester in one zip, rendered in the background
(docs/adr/0009-document-batches.md, docs/adr/0014-tasks-framework.md).

The request that starts a batch reads the database and builds the documents' data (seconds), then
enqueues the task ``render_document_batch`` (Django's Tasks framework); a ``delibe worker`` renders them
(minutes, :mod:`delibe.web.services.document_worker`) and writes its progress to a JSON file. Everything
of a batch lives in one folder ``<DELIBE_DOCUMENTS_DIR>/lots/<id>/``: ``job.json`` (who, which semester,
when, which task), ``status.json`` (progress), ``documents.zip`` (the result). With several servers, that
folder must be shared (it already is for the justification files: VAR_DIR).
"""

from __future__ import annotations

import datetime
import json
import os
import pickle
import re
import shutil
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from delibe.web.models import SemesterRun
from delibe.web.services import document_worker as worker
from delibe.web.services.documents import documents_dir, run_documents

JOB_ID = re.compile(r"^[0-9a-f]{32}$")
KEEP_SECONDS = 2 * 24 * 3600  # a batch is kept two days, then removed at the next start
NO_WORKER_SECONDS = 60  # queued that long with no live worker: the page says to start one


class BatchError(Exception):
    pass


@dataclass(frozen=True)
class BatchStatus:
    id: str
    run_id: int
    user_id: int | None
    filename: str
    state: str  # queued, running, done, error
    done: int
    total: int
    current: str
    error: str
    created: float
    attempt: int = 0
    waiting_for_worker: bool = False

    @property
    def percent(self) -> int:
        if self.state == "done":
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def created_at(self) -> datetime.datetime:
        return datetime.datetime.fromtimestamp(self.created, tz=datetime.UTC)

    @property
    def finished(self) -> bool:
        return self.state in ("done", "error")

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "state": self.state, "done": self.done, "total": self.total,
                "percent": self.percent, "current": self.current, "error": self.error, "filename": self.filename,
                "attempt": self.attempt, "waiting_for_worker": self.waiting_for_worker}


def batches_dir() -> Path:
    return documents_dir() / "lots"


def job_dir(job_id: str) -> Path:
    if not JOB_ID.match(job_id):
        raise BatchError("Identifiant de lot invalide.")
    return batches_dir() / job_id


def workers() -> int:
    return int(getattr(settings, "DELIBE_DOCUMENTS_WORKERS", min(2, os.cpu_count() or 1)))


def _cleanup() -> None:
    root = batches_dir()
    if not root.is_dir():
        return
    limit = time.time() - KEEP_SECONDS
    for path in root.iterdir():
        if JOB_ID.match(path.name) and path.stat().st_mtime < limit:
            shutil.rmtree(path, ignore_errors=True)


def start_batch(run: SemesterRun, *, user: Any, president: str = "", membres: list[str] | None = None,
                date_jury: str | None = None, court: bool = False, groupe: Any = None) -> str:
    """Builds every document's data of ``run`` now, then enqueues its rendering; returns the batch id
    (its progress: :func:`batch_status`)."""
    from delibe.web.jobs.tasks import render_document_batch

    _cleanup()
    members = None
    if groupe is not None:  # one group's documents (issue 13): a Groupe of ``run``
        from delibe.web.selectors.groupes import member_ids

        members = member_ids(groupe)
    documents = run_documents(run, president=president, membres=membres or (), date_jury=date_jury, court=court,
                              member_ids=members)
    job_id = uuid.uuid4().hex
    folder = job_dir(job_id)
    folder.mkdir(parents=True)
    from delibe.reports.batch import slug

    scope = f"-{groupe.label}" if groupe is not None else ""
    filename = slug(f"documents-{run.formation.slug}-S{run.semestre}-{run.academic_year.label}{scope}") + ".zip"
    job = {"run_id": run.pk, "user_id": getattr(user, "id", None), "filename": filename, "created": time.time()}
    _write_job(folder, job)
    with (folder / worker.DOCUMENTS).open("wb") as handle:
        pickle.dump(documents, handle, protocol=pickle.HIGHEST_PROTOCOL)
    worker.write_status(folder, state="queued", done=0, total=len(documents), current="")
    result = render_document_batch.enqueue(job_id)
    job = {**json.loads((folder / "job.json").read_text(encoding="utf-8")), "task_id": str(result.id)}
    _write_job(folder, job)
    return job_id


def _write_job(folder: Path, job: dict[str, Any]) -> None:
    tmp = folder / ".job.json.part"
    tmp.write_text(json.dumps(job), encoding="utf-8")
    tmp.replace(folder / "job.json")


def render(job_id: str) -> dict[str, Any]:
    """The body of the task: renders the batch unless a previous run already finished it (idempotent)."""
    folder = job_dir(job_id)
    status = worker.read_status(folder)
    if not (status.get("state") == "done" and (folder / worker.ZIP).is_file()):
        from delibe.web.jobs.worker import stale_seconds

        worker.run(folder, workers(), leftover_after=stale_seconds())
        status = worker.read_status(folder)
    if status.get("state") == "error":
        raise BatchError(status.get("error", "rendu impossible"))
    return {"job_id": job_id, "state": status.get("state"), "total": status.get("total", 0),
            "attempt": status.get("attempt", 0)}


def _task_state(job: dict[str, Any]) -> str | None:
    """The task's state in the queue (READY, RUNNING, SUCCESSFUL, FAILED), or None when the backend keeps
    no results (the immediate backend of the tests)."""
    from delibe.web.jobs.tasks import render_document_batch

    task_id = job.get("task_id")
    if not task_id:
        return None
    try:
        return str(render_document_batch.get_backend().get_result(task_id).status)
    except Exception:  # noqa: BLE001 — a backend without results, or the result pruned: the file decides
        return None


def _no_live_worker() -> bool:
    from delibe.web.jobs.worker import alive_workers

    return not alive_workers()


def batch_status(job_id: str) -> BatchStatus:
    folder = job_dir(job_id)
    try:
        job = json.loads((folder / "job.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise BatchError("Ce lot de documents n'existe pas (ou plus: les lots sont gardés deux jours).") from None
    status = worker.read_status(folder)
    state = status.get("state", "queued")
    error = status.get("error", "")
    waiting = False
    if state in ("queued", "running"):
        task_state = _task_state(job)
        if task_state == "FAILED":
            state = "error"
            error = error or ("Le rendu s'est arrêté avant la fin (les workers qui le faisaient se sont arrêtés "
                              "plusieurs fois); relancez le lot.")
        elif task_state in ("READY", None) and time.time() - job["created"] > NO_WORKER_SECONDS:
            waiting = _no_live_worker()
    return BatchStatus(job_id, job["run_id"], job.get("user_id"), job["filename"], state, int(status.get("done", 0)),
                       int(status.get("total", 0)), status.get("current", ""), error, job["created"],
                       int(status.get("attempt", 0)), waiting)


def batch_zip(job_id: str) -> Path:
    status = batch_status(job_id)
    path = job_dir(job_id) / worker.ZIP
    if status.state != "done" or not path.is_file():
        raise BatchError("Le lot n'est pas encore prêt.")
    return path


def batches_of_run(run: SemesterRun, limit: int = 5) -> list[BatchStatus]:
    root = batches_dir()
    if not root.is_dir():
        return []
    out = []
    for path in sorted(root.iterdir(), key=lambda p: p.stat().st_mtime, reverse=True):
        if not JOB_ID.match(path.name):
            continue
        try:
            status = batch_status(path.name)
        except BatchError:
            continue
        if status.run_id == run.pk:
            out.append(status)
        if len(out) >= limit:
            break
    return out
