"""The nightly department backup as a scheduled task (web/jobs/sauvegarde.py, docs/adr/0015): each
department's JSON document written to DELIBE_SAUVEGARDE_DOSSIER once a day by whichever worker runs the
task, whole or not at all, the older ones beyond DELIBE_SAUVEGARDE_GARDER removed, each file and removal
in the department's journal."""

from __future__ import annotations

import datetime as dt
import json
import os
import time

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from delibe.web.audit.models import AuditEntry
from delibe.web.jobs import sauvegarde, schedule
from delibe.web.jobs.models import ScheduledRun
from delibe.web.jobs.worker import run_pending

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
DAY = dt.date(2024, 2, 5)


@pytest.fixture
def backups(settings, tmp_path):
    settings.TASKS = DB_TASKS
    settings.DELIBE_SAUVEGARDE_DOSSIER = str(tmp_path / "sauvegardes")
    settings.DELIBE_SAUVEGARDE_GARDER = 3
    return tmp_path / "sauvegardes"


def at(text: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(text))


def journal(department) -> list[str]:
    return list(AuditEntry.objects.filter(department_id=department.pk, summary__startswith="Sauvegarde")
                .order_by("id").values_list("summary", flat=True))


def test_the_backup_is_not_scheduled_while_no_folder_is_set(world, settings):
    settings.TASKS = DB_TASKS
    settings.DELIBE_SAUVEGARDE_DOSSIER = None
    assert "sauvegarde-departements" not in " ".join(schedule.enqueue_due(at("2024-02-05T04:00"), by="w1"))


def test_the_worker_enqueues_the_backup_from_three_each_night_once_and_it_writes_each_department(world, backups):
    assert not any(n.startswith("sauvegarde") for n in schedule.enqueue_due(at("2024-02-05T02:30"), by="w1"))
    assert "sauvegarde-departements 2024-02-05" in schedule.enqueue_due(at("2024-02-05T03:00"), by="w1")
    assert schedule.enqueue_due(at("2024-02-05T09:00"), by="w2") == []
    assert ScheduledRun.objects.filter(name="sauvegarde-departements").count() == 1
    run_pending()
    result = DBTaskResult.objects.get(pk=ScheduledRun.objects.get(name="sauvegarde-departements").task_id)
    assert result.status == "SUCCESSFUL"
    mmi = backups / "mmi" / "delibe-departement-mmi-2024-02-05.json"
    geii = backups / "geii" / "delibe-departement-geii-2024-02-05.json"
    document = json.loads(mmi.read_text(encoding="utf-8"))
    assert document["format"] == "delibe-departement" and document["departement"]["code"] == "mmi"
    assert {s["nip"] for s in document["etudiants"]} == {"1001", "1002"}
    assert json.loads(geii.read_text(encoding="utf-8"))["departement"]["code"] == "geii"
    assert sorted(p.name for p in (backups / "mmi").iterdir()) == [mmi.name]  # no temporary file left
    assert journal(world.department) == [
        f"Sauvegarde nocturne écrite : {mmi.name} ({mmi.stat().st_size} octets, dossier {mmi.parent})"]


def test_a_second_run_of_the_same_day_writes_nothing_and_journals_nothing(world, backups):
    first = sauvegarde.backup_all(DAY)
    mmi = backups / "mmi" / sauvegarde.file_name("mmi", DAY)
    before = mmi.read_bytes()
    world.alice.nom = "Changé après la sauvegarde"
    world.alice.save()
    again = sauvegarde.backup_all(DAY)
    assert [o.written for o in first] == [True, True] and [o.written for o in again] == [False, False]
    assert mmi.read_bytes() == before
    assert len(journal(world.department)) == 1


@pytest.mark.skipif(os.environ.get("DATABASE_URL", "").startswith("postgres"),
                    reason="the journal is append-only on PostgreSQL (trigger): the kill is simulated on SQLite")
def test_a_run_killed_before_its_journal_entry_gets_it_from_the_next_run(world, backups):
    sauvegarde.backup_all(DAY)
    AuditEntry.objects.filter(summary__startswith="Sauvegarde").delete()
    sauvegarde.backup_all(DAY)
    assert len(journal(world.department)) == 1


def test_a_half_written_file_of_a_killed_run_never_takes_the_final_name_and_is_removed_once_stale(world, backups):
    folder = backups / "mmi"
    folder.mkdir(parents=True)
    part = folder / f".{sauvegarde.file_name('mmi', DAY)}.abc123.part"
    part.write_text('{"format": "delibe-depar', encoding="utf-8")  # the killed run stopped here
    fresh = folder / f".{sauvegarde.file_name('mmi', DAY)}.def456.part"
    fresh.write_text("{", encoding="utf-8")  # another run writing right now
    old = time.time() - sauvegarde.STALE_PART_SECONDS - 60
    os.utime(part, (old, old))
    sauvegarde.backup_all(DAY)
    final = folder / sauvegarde.file_name("mmi", DAY)
    assert json.loads(final.read_text(encoding="utf-8"))["departement"]["code"] == "mmi"
    assert not part.exists() and fresh.exists()


def test_retention_keeps_the_configured_number_of_days_per_department_and_says_what_it_removed(world, backups):
    for n in range(5):
        sauvegarde.backup_all(DAY + dt.timedelta(days=n))
    names = sorted(p.name for p in (backups / "mmi").iterdir())
    assert names == [sauvegarde.file_name("mmi", DAY + dt.timedelta(days=n)) for n in (2, 3, 4)]
    assert len(list((backups / "geii").iterdir())) == 3
    removals = [s for s in journal(world.department) if s.startswith("Sauvegardes anciennes")]
    assert removals == [
        f"Sauvegardes anciennes supprimées (on garde les 3 dernières) : {sauvegarde.file_name('mmi', DAY)}",
        ("Sauvegardes anciennes supprimées (on garde les 3 dernières) : "
         f"{sauvegarde.file_name('mmi', DAY + dt.timedelta(days=1))}")]
    # files of other names in the folder are never touched
    (backups / "mmi" / "notes-a-garder.txt").write_text("x", encoding="utf-8")
    sauvegarde.backup_all(DAY + dt.timedelta(days=9))
    assert (backups / "mmi" / "notes-a-garder.txt").exists()


def test_a_folder_that_cannot_be_written_fails_the_task_with_a_french_message_naming_the_departments(world, backups):
    backups.parent.mkdir(exist_ok=True)
    backups.write_text("un fichier, pas un dossier", encoding="utf-8")
    with pytest.raises(sauvegarde.BackupError, match=r"Sauvegarde impossible pour geii : .*; mmi : "):
        sauvegarde.backup_all(DAY)
    schedule.enqueue_due(at("2024-02-05T04:00"), by="w1")
    run_pending()
    result = DBTaskResult.objects.get(pk=ScheduledRun.objects.get(name="sauvegarde-departements").task_id)
    assert result.status == "FAILED" and "Sauvegarde impossible" in result.traceback


def test_the_file_is_the_document_of_delibe_departement_export(world, backups):
    from delibe.web.services.sauvegarde_json import export_department

    sauvegarde.backup_all(DAY)
    written = json.loads((backups / "geii" / sauvegarde.file_name("geii", DAY)).read_text(encoding="utf-8"))
    now = export_department("geii")
    assert {k: v for k, v in written.items() if k != "journal"} == {k: v for k, v in now.items() if k != "journal"}
    assert len(now["journal"]) == len(written["journal"]) + 1  # the backup's own entry, in the next one
