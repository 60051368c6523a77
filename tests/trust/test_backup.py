"""``delibe backup`` / ``delibe restore``: a round trip gives back exactly the grades saved, on the
database the tests run on (SQLite file, or PostgreSQL under scripts/with-postgres.sh)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from delibe.cli import cli
from delibe.web.services import grades as grade_service

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_backup_restored_brings_back_the_grades_and_their_audit_trail(world, tmp_path):
    from delibe.web.audit.models import AuditEntry
    from delibe.web.models import Grade

    user = world.users["scolarite"]
    grade_service.save_grade(user=user, evaluation=world.taught, student_id=world.alice.pk, raw="12,5",
                             expected_version=0)
    target = tmp_path / "sauvegarde.dump"
    result = CliRunner().invoke(cli, ["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert "Sauvegarde écrite" in result.output and target.stat().st_size > 0

    grade_service.save_grade(user=user, evaluation=world.taught, student_id=world.alice.pk, raw="3",
                             expected_version=1)
    grade_service.save_grade(user=user, evaluation=world.taught, student_id=world.bruno.pk, raw="ABS",
                             expected_version=0)
    result = CliRunner().invoke(cli, ["restore", "--yes", str(target)])
    assert result.exit_code == 0, result.output
    assert list(Grade.objects.values_list("student_id", "value", "version")) == [(world.alice.pk, 12.5, 1)]
    assert AuditEntry.objects.filter(object_type="grade").count() == 1


def test_a_backup_never_overwrites_an_existing_file_without_force(world, tmp_path):
    target = tmp_path / "existe.dump"
    target.write_text("précieux")
    result = CliRunner().invoke(cli, ["backup", str(target)])
    assert result.exit_code == 1 and "existe déjà" in result.output
    assert target.read_text() == "précieux"


def test_restoring_a_file_that_is_not_a_backup_changes_nothing(world, tmp_path):
    from delibe.web.models import Student

    bogus = tmp_path / "pas-une-sauvegarde.dump"
    bogus.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    result = CliRunner().invoke(cli, ["restore", "--yes", str(bogus)])
    assert result.exit_code == 1
    assert Student.objects.count() == 3
