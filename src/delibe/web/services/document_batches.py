"""Document batches: every document of a semester in one zip, rendered in the background
(docs/adr/0009-document-batches.md).

The request that starts a batch reads the database and builds the documents' data (seconds); a
separate process (:mod:`delibe.web.services.document_worker`) renders them (minutes) and writes its
progress to a JSON file. Everything of a batch lives in one folder ``<DELIBE_DOCUMENTS_DIR>/lots/<id>/``:
``job.json`` (who, which semester, when), ``status.json`` (progress), ``documents.zip`` (the result).
"""

from __future__ import annotations

import datetime
import json
import os
import pickle
import re
import shutil
import subprocess
import sys
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
STALLED_SECONDS = 15 * 60  # no progress for that long: the worker died with its server

_children: list[subprocess.Popen[bytes]] = []


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
                "percent": self.percent, "current": self.current, "error": self.error, "filename": self.filename}


def batches_dir() -> Path:
    return documents_dir() / "lots"


def job_dir(job_id: str) -> Path:
    if not JOB_ID.match(job_id):
        raise BatchError("Identifiant de lot invalide.")
    return batches_dir() / job_id


def workers() -> int:
    return int(getattr(settings, "DELIBE_DOCUMENTS_WORKERS", min(2, os.cpu_count() or 1)))


def _reap() -> None:
    """Collect finished worker processes (no zombies left in a long-running server)."""
    _children[:] = [p for p in _children if p.poll() is None]


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
    """Builds every document's data of ``run`` now, then starts the rendering process; returns the
    batch id (its progress: :func:`batch_status`)."""
    _reap()
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
    (folder / "job.json").write_text(json.dumps({
        "run_id": run.pk, "user_id": getattr(user, "id", None), "filename": filename, "created": time.time(),
    }), encoding="utf-8")
    with (folder / worker.DOCUMENTS).open("wb") as handle:
        pickle.dump(documents, handle, protocol=pickle.HIGHEST_PROTOCOL)
    worker.write_status(folder, state="queued", done=0, total=len(documents), current="")
    with (folder / "worker.log").open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "delibe.web.services.document_worker", str(folder), str(workers())],
            stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True, close_fds=True,
        )
    _children.append(process)
    return job_id


def _alive(pid: int) -> bool:
    for process in _children:
        if process.pid == pid:
            return process.poll() is None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def batch_status(job_id: str) -> BatchStatus:
    _reap()
    folder = job_dir(job_id)
    try:
        job = json.loads((folder / "job.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise BatchError("Ce lot de documents n'existe pas (ou plus: les lots sont gardés deux jours).") from None
    status = worker.read_status(folder)
    state = status.get("state", "queued")
    error = status.get("error", "")
    if state in ("queued", "running"):
        pid = status.get("pid")
        updated = status.get("updated", job["created"])
        if (pid and not _alive(pid) and worker.read_status(folder).get("state") in ("queued", "running")) or \
                time.time() - updated > STALLED_SECONDS:
            state, error = "error", "Le processus de rendu s'est arrêté avant la fin; relancez le lot."
    return BatchStatus(job_id, job["run_id"], job.get("user_id"), job["filename"], state, int(status.get("done", 0)),
                       int(status.get("total", 0)), status.get("current", ""), error, job["created"])


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
