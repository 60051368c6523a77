"""Every change of a legal record leaves an audit entry (who, when, old → new, channel), written in the
same transaction; a grade-entry session can be undone unless a grade changed since."""

from __future__ import annotations

import csv
import io
import json

import pytest

from delibe.web.audit import context
from delibe.web.audit.models import AuditEntry
from delibe.web.services import grades as grade_service


def _save(client, evaluation, student, value, version):
    return client.post(f"/evaluations/{evaluation.pk}/note/",
                       data=json.dumps({"student": student.pk, "value": value, "version": version}),
                       content_type="application/json")


def test_a_grade_typed_in_the_grid_is_recorded_with_author_channel_old_and_new(world, login):
    client = login("enseignant")
    assert _save(client, world.taught, world.alice, "12,5", 0).status_code == 200
    assert _save(client, world.taught, world.alice, "14", 1).status_code == 200
    entries = list(AuditEntry.objects.filter(evaluation_id=world.taught.pk).order_by("id"))
    assert [(e.action, e.username, e.channel) for e in entries] == [
        ("create", "enseignant", "web"), ("update", "enseignant", "web")]
    assert entries[0].old is None and entries[0].new["value"] == "12.50"
    assert entries[1].old["value"] == "12.50" and entries[1].new == {"value": "14.00", "special": "", "version": 2}
    assert entries[1].student_id == world.alice.pk and entries[1].session.startswith("web-")


def test_a_stale_save_leaves_no_audit_entry(world, login):
    client = login("enseignant")
    _save(client, world.taught, world.alice, "12", 0)
    assert _save(client, world.taught, world.alice, "13", 0).status_code == 409
    assert AuditEntry.objects.filter(evaluation_id=world.taught.pk).count() == 1


def test_a_deleted_grade_is_recorded_with_its_old_value(world):
    user = world.users["scolarite"]
    grade_service.save_grade(user=user, evaluation=world.taught, student_id=world.bruno.pk, raw="ABS",
                             expected_version=0)
    grade_service.save_grade(user=user, evaluation=world.taught, student_id=world.bruno.pk, raw="",
                             expected_version=1)
    last = AuditEntry.objects.filter(evaluation_id=world.taught.pk).first()
    assert last.action == "delete" and last.old["special"] == "ABS" and last.new is None
    assert last.channel == "cli"  # outside a request: the command line


def test_a_change_rolled_back_leaves_no_audit_entry(world):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        grade_service.save_grade(user=world.users["scolarite"], evaluation=world.taught,
                                 student_id=world.alice.pk, raw="10", expected_version=0)
        raise RuntimeError("la transaction échoue après l'écriture")
    assert not AuditEntry.objects.filter(object_type="grade").exists()
    assert not world.taught.grades.exists()


def test_evaluations_decisions_formations_and_locking_are_recorded(world):
    from delibe.web.services import jury
    from delibe.web.services.evaluations import create_evaluation
    from tests.trust.conftest import grade_whole_year

    user = world.users["scolarite"]
    e = create_evaluation(user=user, run=world.s1, module_code="R1.01", titre="Partiel")
    assert AuditEntry.objects.get(object_type="evaluation", evaluation_id=e.pk).new["titre"] == "Partiel"
    assert AuditEntry.objects.filter(object_type="formation").count() == 2  # both departments' files
    grade_whole_year(world, 12, 9)
    jury.record_proposals(user=world.users["president"], run=world.s2)
    proposed = AuditEntry.objects.filter(object_type="decision", student_id=world.bruno.pk)
    assert proposed.exists() and all(e.username == "president" for e in proposed)
    key = proposed.filter(object_id__endswith="/annee/BUT1").get().new["code"]
    other = "ADJ" if key != "ADJ" else "RED"
    with context.using("api"):
        jury.record_decision(user=world.users["president"], run=world.s2, student=world.bruno, level="annee",
                             key="BUT1", code=other, reason="Circonstances exceptionnelles")
    change = AuditEntry.objects.filter(object_type="decision", action="update").get()
    assert (change.old["code"], change.new["code"], change.channel) == (key, other, "api")
    assert change.reason == "Circonstances exceptionnelles"
    jury.lock_jury(user=world.users["president"], run=world.s2)
    assert set(AuditEntry.objects.filter(action="lock").values_list("semester_id", flat=True)) == {
        world.s1.pk, world.s2.pk}


def _sheet(world, evaluation, values):
    from delibe.web.adapters.saisie_notes_xlsx import StudentLine, build_grade_sheet

    lines = [StudentLine(str(s.pk), s.nom, s.prenom, "A", v) for s, v in values]
    return build_grade_sheet(evaluation_key=str(evaluation.pk), title="t", note_max=20, lines=lines)


def test_an_import_is_one_session_and_undoing_it_restores_the_old_values(world):
    user = world.users["scolarite"]
    grade_service.save_grade(user=user, evaluation=world.taught, student_id=world.alice.pk, raw="8",
                             expected_version=0)
    data = _sheet(world, world.taught, [(world.alice, 11.0), (world.bruno, "ABS")])
    assert grade_service.import_sheet(user=user, evaluation=world.taught, data=data).ok
    imported = AuditEntry.objects.filter(channel="import")
    assert imported.count() == 2 and len(set(imported.values_list("session", flat=True))) == 1
    session = imported.first().session
    from delibe.web.audit.undo import undo_session

    assert undo_session(user=user, evaluation=world.taught, session=session) == 2
    grades = {g.student_id: g for g in world.taught.grades.all()}
    assert grades[world.alice.pk].value == 8 and world.bruno.pk not in grades
    undo = AuditEntry.objects.filter(action="undo")
    assert undo.count() == 2 and all(session in e.reason for e in undo)


def test_undoing_a_session_is_refused_when_a_grade_changed_since(world):
    from delibe.web.audit.undo import AuditError, undo_session

    user = world.users["scolarite"]
    with context.using("web", "session-a"):
        grade_service.save_grade(user=user, evaluation=world.taught, student_id=world.alice.pk, raw="8",
                                 expected_version=0)
        grade_service.save_grade(user=user, evaluation=world.taught, student_id=world.bruno.pk, raw="9",
                                 expected_version=0)
    with context.using("web", "session-b"):
        grade_service.save_grade(user=user, evaluation=world.taught, student_id=world.bruno.pk, raw="15",
                                 expected_version=1)
    with pytest.raises(AuditError, match="BRAVO Test : la note a changé depuis"):
        undo_session(user=user, evaluation=world.taught, session="session-a")
    assert sorted(world.taught.grades.values_list("value", flat=True)) == [8, 15]  # nothing undone
    assert undo_session(user=user, evaluation=world.taught, session="session-b") == 1
    with pytest.raises(AuditError, match="déjà été annulée"):
        undo_session(user=user, evaluation=world.taught, session="session-b")


def test_the_undo_button_works_through_the_evaluation_page(world, login):
    client = login("enseignant")
    _save(client, world.taught, world.alice, "12", 0)
    page = client.get(f"/journal/evaluations/{world.taught.pk}/")
    assert page.status_code == 200 and "Annuler cette session" in page.content.decode()
    session = AuditEntry.objects.get(object_type="grade").session
    response = client.post(f"/journal/evaluations/{world.taught.pk}/annuler/", {"session": session})
    assert response.status_code == 302
    assert not world.taught.grades.exists()


def test_the_student_journal_exports_as_csv_without_spreadsheet_formulas(world, login):
    user = world.users["scolarite"]
    from delibe.web.services import jury
    from tests.trust.conftest import grade_whole_year

    grade_whole_year(world, 12, 12)
    jury.record_proposals(user=user, run=world.s1)
    jury.record_decision(user=user, run=world.s1, student=world.alice, level="ue", key="UE1.1", code="AJ",
                         reason="=HYPERLINK(\"http://x\")")
    response = login("scolarite").get(f"/journal/etudiants/{world.alice.pk}/?format=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["date", "utilisateur", "canal", "action"]
    assert any(r[-1] == "'=HYPERLINK(\"http://x\")" for r in rows[1:])
    assert all(r[7] in ("", str(world.alice)) for r in rows[1:])


@pytest.mark.parametrize("user,page,link", [
    ("enseignant", "/evaluations/{taught}/saisie/", "/journal/evaluations/{taught}/"),
    ("scolarite", "/etudiants/{alice}/", "/journal/etudiants/{alice}/"),
    ("president", "/semestres/{s1}/jury/", "/journal/semestres/{s1}/"),
])
def test_the_pages_link_to_their_journal(world, login, user, page, link):
    ids = {"taught": world.taught.pk, "alice": world.alice.pk, "s1": world.s1.pk}
    body = login(user).get(page.format(**ids)).content.decode()
    assert f'href="{link.format(**ids)}"' in body


def test_requests_under_api_are_recorded_with_the_api_channel(rf):
    from delibe.web.audit.middleware import AuditContextMiddleware

    seen = {}

    def view(request):
        seen["channel"] = context.current().channel
        from django.http import HttpResponse

        return HttpResponse()

    AuditContextMiddleware(view)(rf.get("/api/v1/notes"))
    assert seen["channel"] == "api"
    AuditContextMiddleware(view)(rf.get("/evaluations/1/note/"))
    assert seen["channel"] == "web"
    assert context.current().channel == "cli"  # restored after the request


def test_on_postgresql_the_journal_refuses_updates_and_deletes_but_survives_a_deleted_account(world):
    from django.db import DatabaseError, connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("trigger PostgreSQL (scripts/with-postgres.sh)")
    grade_service.save_grade(user=world.users["enseignant"], evaluation=world.taught,
                             student_id=world.alice.pk, raw="12", expected_version=0)
    for attempt in (lambda: AuditEntry.objects.update(reason="falsifié"), lambda: AuditEntry.objects.all().delete()):
        with pytest.raises(DatabaseError, match="ne se modifie pas"), transaction.atomic():
            attempt()
    world.users["enseignant"].delete()
    entry = AuditEntry.objects.get(object_type="grade")
    assert entry.user_id is None and entry.username == "enseignant"
