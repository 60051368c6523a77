"""Two teachers saving the same grade at the same moment, both from the version they read: exactly one
wins, the other is told the grade changed (optimistic concurrency, conditional UPDATE … WHERE version = n
under a row lock). Runs on the configured database (PostgreSQL under scripts/with-postgres.sh)."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection

from delibe.web.audit.models import AuditEntry
from delibe.web.services import grades as grade_service

pytestmark = pytest.mark.django_db(transaction=True)


def _race(world, expected_version: int, values: tuple[str, str]) -> list[object]:
    """Runs two saves in two threads released together; returns each outcome (CellState or exception)."""
    barrier = threading.Barrier(2)
    outcomes: list[object] = [None, None]

    def save(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            outcomes[i] = grade_service.save_grade(
                user=world.users["scolarite" if i == 0 else "enseignant"], evaluation=world.taught,
                student_id=world.alice.pk, raw=values[i], expected_version=expected_version)
        except Exception as error:  # noqa: BLE001 (the outcome under test may be any exception)
            outcomes[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return outcomes


@pytest.mark.parametrize("expected_version", [0, 1], ids=["both-create", "both-update"])
def test_two_simultaneous_saves_of_the_same_version_one_wins_the_other_gets_the_conflict(world, expected_version):
    if expected_version:
        grade_service.save_grade(user=world.users["scolarite"], evaluation=world.taught,
                                 student_id=world.alice.pk, raw="5", expected_version=0)
    outcomes = _race(world, expected_version, ("11", "17"))
    winners = [o for o in outcomes if isinstance(o, grade_service.CellState)]
    losers = [o for o in outcomes if isinstance(o, grade_service.StaleGrade)]
    assert (len(winners), len(losers)) == (1, 1), outcomes
    grade = world.taught.grades.get(student=world.alice)
    assert grade.version == expected_version + 1
    assert grade.value == Decimal(winners[0].display.replace(",", "."))
    audited = AuditEntry.objects.filter(object_type="grade").order_by("id")
    assert audited.count() == expected_version + 1  # the loser left no trace
    assert audited.last().new["value"] == str(grade.value)
    assert "modifiée entre-temps" in str(losers[0])


def test_a_grade_deleted_then_entered_again_never_reuses_a_version_a_stale_writer_holds(world):
    """A-B-A: A reads 12 (version 1); B deletes it and C types 15; A's save from version 1 must be refused,
    not overwrite 15."""
    user = world.users["scolarite"]

    def save(raw: str, version: int) -> grade_service.CellState:
        return grade_service.save_grade(user=user, evaluation=world.taught, student_id=world.alice.pk, raw=raw,
                                        expected_version=version)

    assert save("12", 0).version == 1  # A reads version 1
    save("", 1)  # B deletes
    again = save("15", 0)  # C enters 15
    assert again.version == 2  # not 1: version 1 is the one A holds
    with pytest.raises(grade_service.StaleGrade):
        save("9", 1)  # A, stale
    assert world.taught.grades.get(student=world.alice).value == 15


def test_twenty_grade_saves_during_the_largest_absences_import_all_succeed(world):
    """A secretariat imports the largest absences file accepted (30,000 rows) while a teacher saves
    twenty grades: every save succeeds and every row is imported (on SQLite the import holds the single
    write lock only for its bulk insert, and a save waits for it instead of failing)."""
    import datetime as dt
    import time

    from delibe.imports.absences import MAX_CSV_ROWS
    from delibe.web.assiduite import services as assiduite
    from delibe.web.assiduite.models import AbsenceRecord

    lines = ["nip;date;creneau;module;nature"]
    day = dt.date(2015, 1, 1)
    while len(lines) <= MAX_CSV_ROWS - 8:
        for nip in ("1001", "1002"):
            for creneau in ("matin", "apres-midi"):
                for nature in ("absence", "retard"):
                    lines.append(f"{nip};{day.isoformat()};{creneau};;{nature}")
        day += dt.timedelta(days=1)
    csv_text = "\n".join(lines) + "\n"
    rows = len(lines) - 1
    outcome: dict[str, object] = {}
    started = threading.Event()

    def import_file() -> None:
        try:
            started.set()
            outcome["imported"] = assiduite.import_absences(world.users["scolarite"], world.s1, csv_text)
        except Exception as error:  # noqa: BLE001 (the outcome under test may be any exception)
            outcome["imported"] = error
        finally:
            connection.close()

    saves: list[object] = []

    def save_grades() -> None:
        started.wait(timeout=10)
        try:
            for version in range(20):
                try:
                    saves.append(grade_service.save_grade(
                        user=world.users["enseignant"], evaluation=world.taught, student_id=world.alice.pk,
                        raw=str(version % 20), expected_version=version))
                except Exception as error:  # noqa: BLE001 (the outcome under test may be any exception)
                    saves.append(error)
                time.sleep(0.05)
        finally:
            connection.close()

    threads = [threading.Thread(target=import_file), threading.Thread(target=save_grades)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert outcome["imported"] == rows
    assert AbsenceRecord.objects.count() == rows
    failures = [s for s in saves if not isinstance(s, grade_service.CellState)]
    assert failures == [] and len(saves) == 20
    assert world.taught.grades.get(student=world.alice).version == 20


def test_a_save_that_outwaits_the_database_lock_is_told_to_try_again_and_saves_nothing(world, monkeypatch):
    from django.db import OperationalError
    from django.db.models.query import QuerySet

    def busy(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(QuerySet, "select_for_update", busy)
    with pytest.raises(grade_service.DatabaseBusy, match="réessayez dans quelques secondes"):
        grade_service.save_grade(user=world.users["enseignant"], evaluation=world.taught,
                                 student_id=world.alice.pk, raw="12", expected_version=0)
    assert not world.taught.grades.exists()
