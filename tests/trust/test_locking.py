"""After the jury the semester is locked: no grade, evaluation or decision write goes through (a clear
French error from the service itself); whoever may lock it (président du jury, scolarité), an
administrator or the responsable de formation can reopen it, with a written reason, and the reopening is
audited."""

from __future__ import annotations

import json

import pytest

from delibe.web.audit.locking import AuditError, reopen_semester
from delibe.web.audit.models import AuditEntry
from delibe.web.services import grades as grade_service
from delibe.web.services import jury
from delibe.web.services.evaluations import EvaluationError, create_evaluation


@pytest.fixture
def locked(world):
    from tests.trust.conftest import grade_whole_year

    grade_whole_year(world, 12, 9)
    jury.lock_jury(user=world.users["president"], run=world.s2)
    for run in (world.s1, world.s2):
        run.refresh_from_db()
    return world


def test_a_locked_semester_refuses_grades_evaluations_and_decisions_in_the_services(locked):
    w = locked
    evaluation = w.s1.evaluations.first()
    evaluation.semester.refresh_from_db()
    with pytest.raises(grade_service.LockedError, match="verrouillé par le jury"):
        grade_service.save_grade(user=w.users["scolarite"], evaluation=evaluation, student_id=w.alice.pk,
                                 raw="20", expected_version=1)
    with pytest.raises(EvaluationError, match="verrouillé"):
        create_evaluation(user=w.users["scolarite"], run=w.s1, module_code="R1.01", titre="x")
    with pytest.raises(jury.DecisionError, match="verrouillé"):
        jury.record_decision(user=w.users["president"], run=w.s2, student=w.bruno, level="annee", key="BUT1",
                             code="ADJ", reason="motif")
    assert not AuditEntry.objects.filter(object_type="grade").exists()


def test_the_grid_answers_a_locked_semester_with_403_and_writes_nothing(locked, login):
    w = locked
    evaluation = w.s1.evaluations.first()
    before = evaluation.grades.get(student=w.alice).value
    response = login("scolarite").post(f"/evaluations/{evaluation.pk}/note/", content_type="application/json",
                                       data=json.dumps({"student": w.alice.pk, "value": "1", "version": 1}))
    assert response.status_code == 403
    assert evaluation.grades.get(student=w.alice).value == before


@pytest.mark.parametrize("role", ["enseignant", "autre", "etudiant"])
def test_a_role_other_than_admin_scolarite_responsable_or_president_cannot_reopen(locked, role, login):
    with pytest.raises(AuditError, match="Seuls un administrateur"):
        reopen_semester(user=locked.users[role], run=locked.s2, reason="erreur de saisie")
    assert login(role).post(f"/journal/semestres/{locked.s2.pk}/reouvrir/",
                            {"motif": "erreur de saisie"}).status_code in (403, 404)
    locked.s2.refresh_from_db()
    assert locked.s2.locked


def test_reopening_needs_a_written_reason(locked):
    with pytest.raises(AuditError, match="motif"):
        reopen_semester(user=locked.users["president"], run=locked.s2, reason="  ")


@pytest.mark.parametrize("role", ["admin", "scolarite", "responsable", "president"])
def test_an_authorised_role_reopens_the_year_with_a_reason_and_it_is_audited(locked, role, login):
    response = login(role).post(f"/journal/semestres/{locked.s2.pk}/reouvrir/",
                                {"motif": "Erreur de saisie en R1.01 signalée après le jury"})
    assert response.status_code == 302
    for run in (locked.s1, locked.s2):
        run.refresh_from_db()
        assert not run.locked
    reopened = AuditEntry.objects.filter(action="reopen")
    assert {e.semester_id for e in reopened} == {locked.s1.pk, locked.s2.pk}
    assert all(e.username == role and e.reason.startswith("Erreur de saisie") for e in reopened)
    evaluation = locked.s1.evaluations.first()
    grade = evaluation.grades.get(student=locked.alice)
    grade_service.save_grade(user=locked.users[role], evaluation=evaluation, student_id=locked.alice.pk,
                             raw="13", expected_version=grade.version)
    assert "Rouvrir" not in login(role).get(f"/journal/semestres/{locked.s2.pk}/").content.decode()


def test_the_semester_journal_shows_the_lock(locked, login):
    page = login("president").get(f"/journal/semestres/{locked.s2.pk}/").content.decode()
    assert "verrouillage" in page and "Rouvrir le semestre" in page


def test_a_write_prepared_before_the_jury_closed_is_refused_after(world):
    """The page was loaded (semester open in memory), then the jury closed: the save is refused because
    the services read the lock from the database, in their transaction."""
    from delibe.web.models import Evaluation, SemesterRun

    evaluation = Evaluation.objects.select_related("semester").get(pk=world.taught.pk)
    run_in_memory = world.s1
    from delibe.web.selectors.cloture import jury_checklist

    s1 = SemesterRun.objects.get(pk=world.s1.pk)
    jury.lock_jury(user=world.users["president"], run=s1,
                   motifs={item.key: "clos sans ces notes" for item in jury_checklist(s1).items})
    assert not evaluation.semester.locked and not run_in_memory.locked  # stale objects
    with pytest.raises(grade_service.LockedError):
        grade_service.save_grade(user=world.users["scolarite"], evaluation=evaluation, student_id=world.alice.pk,
                                 raw="12", expected_version=0)
    with pytest.raises(EvaluationError, match="verrouillé"):
        create_evaluation(user=world.users["scolarite"], run=run_in_memory, module_code="R1.01", titre="x")
    with pytest.raises(jury.DecisionError, match="verrouillé"):
        jury.record_proposals(user=world.users["president"], run=run_in_memory)
    assert not evaluation.grades.exists()
