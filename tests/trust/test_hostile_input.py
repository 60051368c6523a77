"""Hostile input on the web's write paths (spreadsheet upload, grid cell): never a 500, a clear French
error, and nothing half-written."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from delibe.web.models import Grade

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HYPO = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _upload(client, evaluation, content: bytes, name="notes.xlsx", content_type=XLSX):
    return client.post(f"/evaluations/{evaluation.pk}/import/",
                       {"fichier": SimpleUploadedFile(name, content, content_type=content_type)})


def _sheet(world, rows):
    from delibe.web.adapters.saisie_notes_xlsx import StudentLine, build_grade_sheet

    lines = [StudentLine(str(s.pk), s.nom, s.prenom, "A", v) for s, v in rows]
    return build_grade_sheet(evaluation_key=str(world.taught.pk), title="t", note_max=20, lines=lines)


@HYPO
@given(content=st.binary(max_size=4096))
def test_random_bytes_uploaded_as_a_sheet_give_a_clear_error_and_write_nothing(world, login, content):
    response = _upload(login("enseignant"), world.taught, content)
    assert response.status_code == 200
    assert "classeur Excel" in response.content.decode() or "fichier" in response.content.decode().lower()
    assert not Grade.objects.exists()


@HYPO
@given(flips=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), min_size=1, max_size=8))
def test_a_real_sheet_with_bytes_flipped_never_breaks_the_page(world, login, flips):
    good = bytearray(_sheet(world, [(world.alice, 12.0), (world.bruno, "ABS")]))
    for where, byte in flips:
        good[int(where * len(good))] = byte
    client = login("enseignant")
    response = _upload(client, world.taught, bytes(good))
    assert response.status_code == 200
    assert not Grade.objects.exists()  # a preview writes nothing


@pytest.mark.parametrize("name,content,content_type", [
    ("notes.txt", b"Alpha;12\nBravo;14\n", "text/plain"),
    ("notes.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n", "application/pdf"),
    ("notes.csv", "!1001;Alpha;12\n".encode("utf-16"), "text/csv"),
    ("notes.xlsx", b"", XLSX),
])
def test_a_file_of_the_wrong_type_is_refused_with_a_french_message(world, login, name, content, content_type):
    response = _upload(login("enseignant"), world.taught, content, name, content_type)
    assert response.status_code == 200
    page = response.content.decode()
    assert "classeur Excel" in page or "vide" in page or "fichier" in page.lower()
    assert not Grade.objects.exists()


def test_a_zip_that_is_not_a_workbook_is_refused(world, login):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<not-xml")
        archive.writestr("[Content_Types].xml", "<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'b'>]><x>&a;</x>")
    response = _upload(login("enseignant"), world.taught, buffer.getvalue())
    assert response.status_code == 200 and "classeur Excel" in response.content.decode()


def test_a_huge_upload_is_refused_before_the_view_reads_it(world, login):
    big = b"PK\x03\x04" + b"\0" * (6 * 1024 * 1024)
    response = _upload(login("enseignant"), world.taught, big)
    assert response.status_code == 413
    assert "trop volumineux" in response.content.decode()
    assert not Grade.objects.exists()


def test_a_sheet_for_another_evaluation_or_with_an_unknown_student_changes_nothing(world, login):
    from delibe.web.adapters.saisie_notes_xlsx import StudentLine, build_grade_sheet

    other = build_grade_sheet(evaluation_key=str(world.untaught.pk), title="t", note_max=20,
                              lines=[StudentLine(str(world.alice.pk), "A", "B", "A", 12.0)])
    client = login("scolarite")
    assert "téléchargez la feuille de cette évaluation" in _upload(client, world.taught, other).content.decode()
    stranger = build_grade_sheet(evaluation_key=str(world.taught.pk), title="t", note_max=20, lines=[
        StudentLine(str(world.alice.pk), "A", "B", "A", 12.0),
        StudentLine(str(world.other_student.pk), "Autre", "X", "A", 15.0)])
    response = _upload(client, world.taught, stranger)
    assert response.status_code == 200
    # even the valid row is not applied: the confirmation has nothing pending
    confirm = client.post(f"/evaluations/{world.taught.pk}/import/confirmer/")
    assert confirm.status_code == 302
    assert not Grade.objects.exists()


def test_an_import_confirmed_after_a_colleague_changed_a_grade_writes_nothing(world, login):
    from delibe.web.services import grades as grade_service

    client = login("scolarite")
    _upload(client, world.taught, _sheet(world, [(world.alice, 12.0), (world.bruno, 14.0)]))
    grade_service.save_grade(user=world.users["enseignant"], evaluation=world.taught,
                             student_id=world.bruno.pk, raw="3", expected_version=0)
    client.post(f"/evaluations/{world.taught.pk}/import/confirmer/")
    assert list(Grade.objects.values_list("student_id", "value")) == [(world.bruno.pk, 3)]


cell_values = st.one_of(st.text(max_size=40), st.integers(), st.floats(allow_nan=True), st.none(),
                        st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=3), st.integers()))


@HYPO
@given(student=cell_values, value=cell_values, version=cell_values)
def test_any_json_sent_to_the_grid_gets_200_400_or_409_never_500(world, login, student, value, version):
    client = login("enseignant")
    body = {"student": student, "value": value, "version": version}
    response = client.post(f"/evaluations/{world.taught.pk}/note/", data=json.dumps(body),
                           content_type="application/json")
    assert response.status_code in (200, 400, 409), (body, response.content[:300])
    if response.status_code == 400:
        assert response.json()["error"]
    for grade in Grade.objects.all():
        assert grade.evaluation_id == world.taught.pk and grade.student_id in (world.alice.pk, world.bruno.pk)
        assert grade.special or 0 <= grade.value <= 20


@pytest.mark.parametrize("body", [b"not json", b"\xff\xfe", b"[1,2]", b'{"student": "1e400"}', b"null",
                                  b'{"student": 99999999999999999999999999}', b'{"student": -1, "value": "12"}'])
def test_malformed_grid_requests_are_answered_400(world, login, body):
    response = login("enseignant").post(f"/evaluations/{world.taught.pk}/note/", data=body,
                                        content_type="application/json")
    assert response.status_code == 400
    assert not Grade.objects.exists()
