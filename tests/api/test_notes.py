"""Grades through the API: one grade with the version read (a stale version is answered 409 with the
current grade), a batch all or nothing with one error per refused row, the audit channel « api »."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def _url(world, student=None) -> str:
    base = f"/api/v1/evaluations/{world.taught.pk}/notes"
    return f"{base}/{student.pk}" if student is not None else base


def test_a_grade_written_through_the_api_is_read_back_with_its_version_and_audited_as_api(api, world):
    from delibe.web.audit.models import AuditEntry

    client = api("scolarite")
    assert client.put(_url(world, world.alice), {"valeur": "12,5", "version": 0}).json()["version"] == 1
    assert client.put(_url(world, world.bruno), {"valeur": "abs", "version": 0}).status_code == 200
    rows = {r["etudiant"]: r for r in client.get(_url(world)).json()}
    assert (rows[world.alice.pk]["valeur"], rows[world.alice.pk]["note"], rows[world.alice.pk]["version"]) == ("12,5", 12.5, 1)
    assert (rows[world.bruno.pk]["special"], rows[world.bruno.pk]["note"]) == ("ABS", None)
    entries = AuditEntry.objects.filter(evaluation_id=world.taught.pk)
    assert {e.channel for e in entries} == {"api"} and entries.count() == 2
    assert all(e.session.startswith("api-") and e.username == "scolarite" for e in entries)


def test_a_stale_version_is_refused_with_409_and_the_current_grade(api, world):
    first, second = api("scolarite"), api("responsable")
    assert first.put(_url(world, world.alice), {"valeur": 10, "version": 0}).status_code == 200
    stale = second.put(_url(world, world.alice), {"valeur": 15, "version": 0})
    assert stale.status_code == 409
    body = stale.json()
    assert body["actuelle"] == {"etudiant": world.alice.pk, "valeur": "10", "version": 1}
    assert "modifiée entre-temps" in body["detail"]
    assert second.put(_url(world, world.alice), {"valeur": 15, "version": 1}).json()["version"] == 2


def test_an_empty_value_deletes_the_grade(api, world):
    client = api("scolarite")
    client.put(_url(world, world.alice), {"valeur": 10, "version": 0})
    assert client.put(_url(world, world.alice), {"valeur": None, "version": 1}).json() == {
        "etudiant": world.alice.pk, "valeur": "", "version": 0}
    from delibe.web.models import Grade

    assert not Grade.objects.filter(evaluation=world.taught).exists()


@pytest.mark.parametrize("value", ["25", "-1", "douze", "12.345", 20.5])
def test_a_value_outside_the_scale_or_not_a_grade_is_refused_with_422_and_a_french_reason(api, world, value):
    response = api("scolarite").put(_url(world, world.alice), {"valeur": value, "version": 0})
    assert response.status_code == 422
    assert any(word in response.json()["detail"] for word in ("échelle", "n'est pas une note", "décimales"))


def test_a_student_not_enrolled_in_the_semester_is_not_found(api, world):
    response = api("scolarite").put(_url(world, world.other_student), {"valeur": 10, "version": 0})
    assert response.status_code == 404


def test_malformed_requests_get_400_or_422_never_500(api, world):
    client = api("scolarite")
    assert client.put(_url(world, world.alice), "{pas du json").status_code == 400
    missing = client.put(_url(world, world.alice), {"valeur": 10})
    assert missing.status_code == 422
    assert missing.json()["erreurs"] == [{"lieu": "version", "message": "champ obligatoire absent"}]
    assert client.put(_url(world, world.alice), {"valeur": "1\u0001", "version": 0}).status_code == 422
    assert client.put(_url(world, world.alice), {"valeur": "1\u0000", "version": 0}).status_code == 400  # NUL: the parser
    assert client.get(f"/api/v1/evaluations/{2**70}/notes").status_code == 422
    assert client.get("/api/v1/evaluations/abc/notes").status_code == 422


def test_a_locked_semester_refuses_grades_with_409(api, world):
    world.s1.locked = True
    world.s1.save()
    response = api("scolarite").put(_url(world, world.alice), {"valeur": 10, "version": 0})
    assert response.status_code == 409 and "verrouillé" in response.json()["detail"]
    batch = api("scolarite").post(_url(world), {"notes": [{"etudiant": world.alice.pk, "valeur": 1, "version": 0}]})
    assert batch.status_code == 409


def test_a_batch_is_written_whole_in_one_journal_session(api, world):
    from delibe.web.audit.models import AuditEntry

    response = api("scolarite").post(_url(world), {"notes": [
        {"etudiant": world.alice.pk, "valeur": "14", "version": 0},
        {"etudiant": world.bruno.pk, "valeur": "EXC", "version": 0},
    ]})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["enregistrees"] == 2 and [n["valeur"] for n in body["notes"]] == ["14", "EXC"]
    sessions = set(AuditEntry.objects.filter(evaluation_id=world.taught.pk).values_list("session", "channel"))
    assert sessions == {(body["session"], "api")}


def test_a_batch_with_one_bad_row_writes_nothing_and_names_every_bad_row(api, world):
    from delibe.web.models import Grade

    response = api("scolarite").post(_url(world), {"notes": [
        {"etudiant": world.alice.pk, "valeur": "14", "version": 0},
        {"etudiant": world.bruno.pk, "valeur": "42", "version": 0},
        {"etudiant": world.other_student.pk, "valeur": "10", "version": 0},
        {"etudiant": world.alice.pk, "valeur": "15", "version": 0},
    ]})
    assert response.status_code == 422
    errors = response.json()["erreurs"]
    assert [(e["ligne"], e["etudiant"]) for e in errors] == [
        (2, world.bruno.pk), (3, world.other_student.pk), (4, world.alice.pk)]
    assert "Aucune note enregistrée" in response.json()["detail"]
    assert not Grade.objects.filter(evaluation=world.taught).exists()


def test_a_batch_with_a_stale_row_writes_nothing_and_answers_409(api, world):
    from delibe.web.audit.models import AuditEntry
    from delibe.web.models import Grade

    client = api("scolarite")
    client.put(_url(world, world.bruno), {"valeur": "9", "version": 0})
    response = client.post(_url(world), {"notes": [
        {"etudiant": world.alice.pk, "valeur": "14", "version": 0},
        {"etudiant": world.bruno.pk, "valeur": "11", "version": 0},
    ]})
    assert response.status_code == 409
    [error] = response.json()["erreurs"]
    assert error["ligne"] == 2 and error["actuelle"]["valeur"] == "9"
    assert list(Grade.objects.filter(evaluation=world.taught).values_list("student_id", "value")) == [
        (world.bruno.pk, 9)]
    assert AuditEntry.objects.filter(evaluation_id=world.taught.pk).count() == 1


def test_a_batch_written_by_the_api_is_undone_as_a_whole_from_the_journal(api, world):
    from delibe.web.audit import undo
    from delibe.web.models import Grade

    client = api("scolarite")
    client.put(_url(world, world.alice), {"valeur": "8", "version": 0})
    batch = client.post(_url(world), {"notes": [
        {"etudiant": world.alice.pk, "valeur": "16", "version": 1},
        {"etudiant": world.bruno.pk, "valeur": "11", "version": 0},
    ]}).json()
    assert batch["session"] in {s["session"] for s in undo.session_summaries(world.taught.pk)}
    undo.undo_session(user=world.users["scolarite"], evaluation=world.taught, session=batch["session"])
    grades = dict(Grade.objects.filter(evaluation=world.taught).values_list("student_id", "value"))
    assert grades == {world.alice.pk: 8}  # back to before the batch, the single grade kept


def test_a_batch_larger_than_the_upload_limit_is_refused_413_in_json_before_anything_is_read(api, world, settings):
    from delibe.web.models import Grade

    settings.DELIBE_MAX_UPLOAD_BYTES = 1024
    rows = [{"etudiant": world.alice.pk, "valeur": "12", "version": 0}] * 5000
    answer = api("scolarite").post(_url(world), {"notes": rows})
    assert answer.status_code == 413 and "trop volumineuse" in answer.json()["detail"]
    assert not Grade.objects.filter(evaluation=world.taught).exists()


def test_a_busy_database_is_answered_503_with_a_retry_and_nothing_is_written(api, world, monkeypatch):
    from django.db import OperationalError

    from delibe.web.services import grades as grade_service

    def busy(**kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(grade_service, "_save_grade", busy)
    response = api("enseignant").put(_url(world, world.alice), {"valeur": "12", "version": 0})
    assert response.status_code == 503
    assert response.json()["reessayer"] is True and "réessayez" in response.json()["detail"]
    assert not world.taught.grades.exists()
