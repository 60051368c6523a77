"""The rendering of a document batch (docs/adr/0009-document-batches.md, docs/adr/0014-tasks-framework.md).

:func:`run` renders the documents pickled in ``JOB_DIR/documents.pickle`` (built from the database by the
web request that started the batch) into ``JOB_DIR/documents.zip`` with
:func:`delibe.reports.batch.write_zip`, and keeps ``JOB_DIR/status.json`` up to date (state, done, total,
current file, attempt). It never opens the database: everything it renders was computed before. It runs
inside the task ``delibe.web.jobs.tasks.render_document_batch`` of a ``delibe worker``; run again after a
worker died, it starts the zip afresh (the zip is replaced atomically: never two, never half of one).
``python -m delibe.web.services.document_worker JOB_DIR WORKERS`` still runs it by hand.
"""

from __future__ import annotations

import json
import os
import pickle
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

STATUS = "status.json"
DOCUMENTS = "documents.pickle"
ZIP = "documents.zip"


def write_status(job_dir: Path, **status: Any) -> None:
    """Atomic: a reader never sees half a file."""
    status["updated"] = time.time()
    fd, tmp = tempfile.mkstemp(prefix=".status-", suffix=".part", dir=job_dir)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(status, handle, ensure_ascii=False)
    os.replace(tmp, job_dir / STATUS)


def read_status(job_dir: Path) -> dict[str, Any]:
    try:
        loaded: dict[str, Any] = json.loads((job_dir / STATUS).read_text(encoding="utf-8"))
        return loaded
    except (OSError, ValueError):
        return {}


def run(job_dir: Path, workers: int, *, leftover_after: float = 60.0) -> int:
    """Renders the batch; a half-written zip left by a dead worker (unchanged for ``leftover_after``
    seconds: a live writer keeps touching its file) is removed first."""
    from delibe.reports import batch

    pid = os.getpid()
    attempt = int(read_status(job_dir).get("attempt", 0)) + 1
    for leftover in job_dir.glob(".delibe-*.zip.part"):
        try:
            if time.time() - leftover.stat().st_mtime > leftover_after:
                leftover.unlink(missing_ok=True)
        except OSError:  # removed meanwhile by its own writer
            pass
    try:
        with (job_dir / DOCUMENTS).open("rb") as handle:
            documents = pickle.load(handle)  # written by this application (services/document_batches.py)
        total = len(documents)
        write_status(job_dir, state="running", done=0, total=total, current="", pid=pid,
                     attempt=attempt)
        last = [0.0]

        def progress(done: int, total: int, name: str) -> None:
            now = time.monotonic()
            if done == total or now - last[0] > 0.2:  # a few writes per second at most
                last[0] = now
                write_status(job_dir, state="running", done=done, total=total, current=name, pid=pid,
                             attempt=attempt)

        batch.write_zip(documents, job_dir / ZIP, progress=progress, workers=workers)
        write_status(job_dir, state="done", done=total, total=total, current="", pid=pid, attempt=attempt)
        (job_dir / DOCUMENTS).unlink(missing_ok=True)  # only once done: a retry needs it
        return 0
    except BaseException as exc:  # noqa: BLE001 — reported to the page, then the process ends
        status = read_status(job_dir)
        write_status(job_dir, state="error", done=status.get("done", 0), total=status.get("total", 0),
                     current=status.get("current", ""), pid=pid, attempt=attempt,
                     error=f"{type(exc).__name__}: {exc}")
        return 1


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m delibe.web.services.document_worker JOB_DIR WORKERS", file=sys.stderr)
        return 2
    return run(Path(args[0]), max(1, int(args[1])))


if __name__ == "__main__":
    sys.exit(main())
