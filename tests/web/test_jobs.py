"""Background tasks on Django's Tasks framework (docs/adr/0014-tasks-framework.md): a task left running by a
dead worker goes back to the queue, a task run twice produces its result once, the page says when no
worker runs. The whole kill-a-worker run with real processes: bench/task_faults.py (docs/benchmarks.md)."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import time
import zipfile

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from delibe.web.jobs import worker as jobs
from delibe.web.jobs.models import WorkerBeat
from delibe.web.jobs.tasks import render_document_batch
from delibe.web.services import document_batches as batches
from delibe.web.services import document_worker

from .test_documents import url

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def db_tasks(settings, db):
    settings.TASKS = DB_TASKS
    settings.DELIBE_WORKER_STALE_SECONDS = 20


def claimed(worker_id: str, *, seconds_ago: float, attempts: int = 1) -> DBTaskResult:
    render_document_batch.enqueue("0" * 32)
    task = DBTaskResult.objects.get()
    task.claim(worker_id)
    started = timezone.now() - dt.timedelta(seconds=seconds_ago)
    DBTaskResult.objects.filter(pk=task.pk).update(
        started_at=started, worker_ids=[f"old-{n}" for n in range(attempts - 1)] + [worker_id])
    return DBTaskResult.objects.get(pk=task.pk)


def beating(worker_id: str, *, seconds_ago: float) -> None:
    when = timezone.now() - dt.timedelta(seconds=seconds_ago)
    WorkerBeat.objects.create(worker_id=worker_id, host="h", pid=1, started=when, last_seen=when)


def test_a_task_whose_worker_stopped_beating_goes_back_to_the_queue(db_tasks):
    task = claimed("mort", seconds_ago=60)
    beating("mort", seconds_ago=30)
    assert jobs.recover_lost_tasks() == [str(task.pk)]
    task.refresh_from_db()
    assert task.status == "READY" and task.started_at is None
    assert jobs.recover_lost_tasks() == []  # once only


def test_a_task_whose_worker_never_beat_goes_back_to_the_queue_once_it_is_old_enough(db_tasks):
    task = claimed("inconnu", seconds_ago=5)
    assert jobs.recover_lost_tasks() == []  # just claimed: its worker may be starting
    DBTaskResult.objects.filter(pk=task.pk).update(started_at=timezone.now() - dt.timedelta(seconds=60))
    assert jobs.recover_lost_tasks() == [str(task.pk)]


def test_a_task_of_a_live_worker_is_left_alone_however_long_it_runs(db_tasks):
    task = claimed("vivant", seconds_ago=3600)
    beating("vivant", seconds_ago=1)
    assert jobs.recover_lost_tasks() == []
    task.refresh_from_db()
    assert task.status == "RUNNING"


def test_a_task_whose_workers_died_three_times_is_marked_failed(db_tasks):
    task = claimed("troisieme", seconds_ago=60, attempts=jobs.MAX_ATTEMPTS)
    assert jobs.recover_lost_tasks() == [str(task.pk)]
    task.refresh_from_db()
    assert task.status == "FAILED" and task.exception_class_path.endswith("WorkerLost")


def test_a_recovery_never_undoes_a_claim_made_meanwhile(db_tasks):
    task = claimed("mort", seconds_ago=60)
    stale = DBTaskResult.objects.get(pk=task.pk)
    DBTaskResult.objects.filter(pk=task.pk).update(started_at=timezone.now(), worker_ids=["mort", "nouveau"])
    assert DBTaskResult.objects.filter(pk=stale.pk, status="RUNNING", started_at=stale.started_at).update(
        status="READY") == 0  # the conditional update recover_lost_tasks makes


def start(client, run) -> str:
    response = client.post(url("documents_lot_start", run.pk), {"president": "Mme P", "membres": ""})
    assert response.status_code == 302
    return re.search(r"/documents/lots/([0-9a-f]{32})/", response["Location"]).group(1)


def test_a_batch_rendered_again_after_its_worker_died_gives_one_whole_zip(graded, login, documents_dir, db_tasks):
    job_id = start(login("scolarite"), graded.s1)
    folder = batches.job_dir(job_id)
    # The first worker began the zip and died: a half-written temporary file and a running status remain.
    (folder / ".delibe-abc.zip.part").write_bytes(b"PK\x03\x04 la moitie")
    os.utime(folder / ".delibe-abc.zip.part", (time.time() - 60, time.time() - 60))  # untouched for a minute
    document_worker.write_status(folder, state="running", done=2, total=5, current="x", pid=999999, attempt=1)
    assert jobs.run_pending() == 1
    status = batches.batch_status(job_id)
    assert status.state == "done" and status.attempt == 2
    assert sorted(p.name for p in folder.iterdir() if "zip" in p.name) == ["documents.zip"]
    names = zipfile.ZipFile(folder / "documents.zip").namelist()
    assert len(names) == len(set(names)) == status.total


def test_a_batch_task_run_again_once_done_renders_nothing_twice(graded, login, documents_dir, db_tasks):
    job_id = start(login("scolarite"), graded.s1)
    assert jobs.run_pending() == 1
    zip_path = batches.job_dir(job_id) / document_worker.ZIP
    before = zip_path.stat().st_mtime_ns
    time.sleep(0.01)
    result = batches.render(job_id)  # the worker died after the zip, before recording the task's success
    assert result["state"] == "done" and zip_path.stat().st_mtime_ns == before


def test_a_batch_queued_with_no_worker_alive_says_to_start_one(graded, login, documents_dir, db_tasks):
    client = login("scolarite")
    job_id = start(client, graded.s1)
    job_file = batches.job_dir(job_id) / "job.json"
    job = json.loads(job_file.read_text(encoding="utf-8"))
    job["created"] -= 2 * batches.NO_WORKER_SECONDS
    job_file.write_text(json.dumps(job), encoding="utf-8")
    page = client.get(url("documents_lot", job_id)).content.decode()
    assert "Le lot attend un worker" in page and "delibe worker" in page
    beating("present", seconds_ago=0)
    assert "Le lot attend un worker" not in client.get(url("documents_lot", job_id)).content.decode()


def test_a_batch_whose_task_failed_for_good_shows_an_error(graded, login, documents_dir, db_tasks):
    client = login("scolarite")
    job_id = start(client, graded.s1)
    DBTaskResult.objects.update(status="FAILED")
    status = client.get(url("documents_lot_etat", job_id)).json()
    assert status["state"] == "error" and "relancez le lot" in status["error"]


def test_a_zip_still_being_written_by_a_live_worker_is_left_to_it(graded, login, documents_dir, db_tasks):
    """A worker taken for dead while alive (its heartbeat delayed) still writes its zip: the second run
    does not delete the file under it; each run replaces the zip whole, atomically."""
    job_id = start(login("scolarite"), graded.s1)
    folder = batches.job_dir(job_id)
    (folder / ".delibe-vivant.zip.part").write_bytes(b"PK\x03\x04 en cours")  # touched just now
    assert jobs.run_pending() == 1
    assert (folder / ".delibe-vivant.zip.part").exists() and batches.batch_status(job_id).state == "done"
