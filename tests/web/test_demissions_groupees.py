"""Several démissions at once (issue 13): tick students of the semester, a dated DEM or DEF, a preview of
what it does, then all or nothing, each one journaled; the permission matrix of the page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from delibe.web.audit.models import AuditEntry
from delibe.web.models import Enrolment, Evaluation, Grade, SemesterRun
from delibe.web.services import etudiants as service


def _ids(world):
    return [Enrolment.objects.get(student=s, semester=world.s1).pk for s in (world.alice, world.bruno)]


def test_the_preview_counts_later_evaluations_and_grades_and_writes_nothing(world):
    Evaluation.objects.filter(pk=world.taught.pk).update(date=dt.date(2023, 12, 10))
    Grade.objects.create(evaluation=world.taught, student=world.alice, value=Decimal(12))
    before = AuditEntry.objects.count()
    lines = service.exits_preview(world.s1, _ids(world), "DEM", "01/12/2023")
    assert [(line.enrolment.student.nom, line.later_grades, line.problem) for line in lines] == [
        ("Alpha", 1, ""), ("Bravo", 0, "")]
    assert lines[0].later_evaluations >= 1 and AuditEntry.objects.count() == before


def test_confirming_records_every_demission_with_its_date_each_journaled(world):
    service.record_exits(user=world.users["scolarite"], run=world.s1, enrolment_ids=_ids(world), code="DEM",
                         date="2023-12-01", reason="abandon collectif")
    rows = Enrolment.objects.filter(semester=world.s1)
    assert {(e.etat, e.etat_le) for e in rows} == {("DEM", dt.date(2023, 12, 1))}
    assert AuditEntry.objects.filter(object_type="enrolment", summary__contains="démission").count() == 2


def test_one_line_in_trouble_refuses_the_whole_batch(world):
    alice, bruno = _ids(world)
    Enrolment.objects.filter(pk=bruno).update(inscrit_le=dt.date(2024, 1, 10))
    before = AuditEntry.objects.count()
    with pytest.raises(service.StudentError, match="Rien n'a été enregistré.*précède son inscription"):
        service.record_exits(user=None, run=world.s1, enrolment_ids=[alice, bruno], code="DEF", date="2023-12-01")
    assert set(Enrolment.objects.filter(semester=world.s1).values_list("etat", flat=True)) == {"I"}
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize(("ids", "code", "date", "field"), [
    ([], "DEM", "2023-12-01", "etudiants"),
    (None, "ABC", "2023-12-01", "code"),
    (None, "DEM", "", "date"),
    (None, "DEM", "pas une date", "date"),
])
def test_bad_input_names_the_field(world, ids, code, date, field):
    with pytest.raises(service.StudentError) as caught:
        service.exits_preview(world.s1, _ids(world) if ids is None else ids, code, date)
    assert caught.value.field == field


def test_an_enrolment_of_another_semester_is_refused(world):
    other = Enrolment.objects.get(student=world.other_student).pk
    with pytest.raises(service.StudentError, match="pas inscrit dans ce semestre"):
        service.exits_preview(world.s1, [other], "DEM", "2023-12-01")


ROLES = ("admin", "scolarite", "responsable", "enseignant", "president", "etudiant", "autre", "anonyme")
ALLOWED = {"admin", "scolarite"}
DENIED = {"responsable": 403, "enseignant": 403, "president": 403, "etudiant": 404, "autre": 404}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("action", "extra", "ok"), [("ouvrir", None, 200), ("aperçu", "apercu", 200),
                                                      ("confirmer", "confirmer", 302)])
def test_only_the_departments_scolarite_and_an_administrator_record_grouped_demissions(
        world, login, role, action, extra, ok):
    client = login(role)
    url = f"/semestres/{world.s1.pk}/demissions/"
    before = AuditEntry.objects.count()
    if extra:
        response = client.post(url, {"etudiants": [str(i) for i in _ids(world)], "code": "DEM",
                                     "date": "2023-12-01", extra: ""})
    else:
        response = client.get(url)
    if role == "anonyme":
        assert response.status_code == 302 and "connexion" in response["Location"]
    elif role in ALLOWED:
        assert response.status_code == ok, response.content[:300]
    else:
        assert response.status_code in (DENIED[role], 404)
    written = role in ALLOWED and action == "confirmer"
    assert set(Enrolment.objects.filter(semester=world.s1).values_list("etat", flat=True)) == (
        {"DEM"} if written else {"I"})
    if not written:
        assert AuditEntry.objects.count() == before


def test_the_page_previews_then_confirms_and_bad_input_is_a_400(world, login):
    client = login("scolarite")
    assert 'id="lien-demissions"' in client.get(f"/semestres/{world.s1.pk}/").content.decode()
    url = f"/semestres/{world.s1.pk}/demissions/"
    page = client.post(url, {"etudiants": [str(i) for i in _ids(world)], "code": "DEM", "date": "2023-12-01",
                             "apercu": ""}).content.decode()
    assert 'id="apercu-demissions-table"' in page and 'id="confirmer-demissions"' in page
    assert client.post(url, {"code": "DEM", "date": "2023-12-01", "apercu": ""}).status_code == 400
    assert client.post(url, {"etudiants": ["999999"], "code": "DEM", "date": "2023-12-01"}).status_code == 400
    SemesterRun.objects.filter(pk=world.s1.pk).update(locked=True)
    assert client.post(url, {"etudiants": [str(i) for i in _ids(world)], "code": "DEM", "date": "2023-12-01",
                             "confirmer": ""}).status_code == 400


@pytest.mark.parametrize(("role", "status"), [
    ("admin", 200), ("scolarite", 200), ("responsable", 403), ("enseignant", 403), ("president", 403),
    ("etudiant", 404), ("autre", 404),
])
def test_grouped_demissions_through_the_api_follow_the_pages_rights(world, client, role, status):
    from delibe.api.tokens import create_token

    _, token = create_token(username=role, name="tests")
    response = client.post(f"/api/v1/semestres/{world.s1.pk}/demissions", data={
        "inscriptions": _ids(world), "code": "DEF", "date": "2023-12-01", "confirmer": True},
        content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == status, response.content
    assert set(Enrolment.objects.filter(semester=world.s1).values_list("etat", flat=True)) == (
        {"DEF"} if status == 200 else {"I"})


def test_a_script_previews_then_records_grouped_demissions(world):
    from click.testing import CliRunner

    from delibe.cli import cli

    args = ["etudiant", "demissions", "1001", "1002", "--semestre", str(world.s1.pk), "--date", "01/12/2023"]
    preview = CliRunner().invoke(cli, args)
    assert preview.exit_code == 0 and "Aperçu seulement" in preview.output and "ALPHA" in preview.output
    assert set(Enrolment.objects.filter(semester=world.s1).values_list("etat", flat=True)) == {"I"}
    done = CliRunner().invoke(cli, [*args, "--code", "DEF", "--confirmer"])
    assert done.exit_code == 0, done.output
    assert set(Enrolment.objects.filter(semester=world.s1).values_list("etat", flat=True)) == {"DEF"}
    assert AuditEntry.objects.filter(object_type="enrolment", channel="cli").count() == 2
    unknown = CliRunner().invoke(cli, ["etudiant", "demissions", "9999", "--semestre", str(world.s1.pk),
                                       "--date", "01/12/2023"])
    assert unknown.exit_code == 2 and "aucun étudiant de NIP 9999" in unknown.output
