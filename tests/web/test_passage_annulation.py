"""Undoing a passage (issue 13): while the target semesters have no grade and the target year no decision,
the enrolments the passage created — and no other — are removed, all or nothing, journaled; otherwise it is
refused with a French reason. Pages, API and CLI, and their permission matrix."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from delibe.web.audit.models import AuditEntry
from delibe.web.models import Enrolment, Evaluation, Grade, JuryDecision
from delibe.web.services.annees import YearSetupError, confirm_passage, undo_passage, undo_preview
from tests.web.test_annees import decide_year, lock, open_s1_next_year


def _passed(world):
    decide_year(world, world.alice, "ADM")
    decide_year(world, world.bruno, "RED")
    s1, s3 = open_s1_next_year(world)
    confirm_passage(user=world.users["scolarite"], department=world.department, source_label="2023-2024")
    return s1, s3


def _next_year():
    return Enrolment.objects.filter(semester__academic_year__label="2024-2025")


def test_undoing_a_passage_removes_the_enrolments_it_created_and_no_other(world):
    s1, _s3 = _passed(world)
    from delibe.web.models import Student

    late = Student.objects.create(department=world.department, formation=world.version, parcours="Créa",
                                  nip="9001", nom="Importé", prenom="Test")
    Enrolment.objects.create(student=late, semester=s1, parcours="Créa")  # enrolled by an import, not the passage
    preview = undo_preview(world.department, "2023-2024")
    assert not preview.refusal and {e.student.nom for e in preview.enrolments} == {"Alpha", "Bravo"}
    undo_passage(user=world.users["scolarite"], department=world.department, source_label="2023-2024")
    assert list(_next_year().values_list("student__nom", flat=True)) == ["Importé"]
    deleted = AuditEntry.objects.filter(object_type="enrolment", action="delete")
    assert deleted.count() == 2 and all("annulation du passage" in e.summary for e in deleted)
    assert AuditEntry.objects.filter(object_type="department", summary__contains="annulé").exists()
    # undone: nothing left to undo, and the passage may be confirmed again
    assert undo_preview(world.department, "2023-2024").refusal.startswith("Aucun passage")
    confirm_passage(user=None, department=world.department, source_label="2023-2024")
    assert _next_year().count() == 3


@pytest.mark.parametrize("what", ["note", "décision", "verrou"])
def test_a_passage_whose_target_has_a_grade_a_decision_or_a_lock_is_not_undone(world, what):
    s1, s3 = _passed(world)
    if what == "note":
        e = Evaluation.objects.create(semester=s3, module_code="R3.01", titre="Contrôle", note_max=20)
        Grade.objects.create(evaluation=e, student=world.alice, value=Decimal(12))
        message = "a déjà des notes"
    elif what == "décision":
        decide_year(world, world.bruno, "ADM", label="2024-2025")
        message = "a déjà une décision"
    else:
        lock(s1)
        message = "verrouillé"
    before = (_next_year().count(), AuditEntry.objects.count())
    with pytest.raises(YearSetupError, match=message):
        undo_passage(user=None, department=world.department, source_label="2023-2024")
    assert (_next_year().count(), AuditEntry.objects.count()) == before


def test_without_a_passage_there_is_nothing_to_undo(world):
    with pytest.raises(YearSetupError, match="Aucun passage de 2023-2024 à annuler"):
        undo_passage(user=None, department=world.department, source_label="2023-2024")


ROLES = ("admin", "scolarite", "responsable", "enseignant", "president", "etudiant", "autre", "anonyme")
ALLOWED = {"admin", "scolarite", "responsable"}


@pytest.mark.parametrize("role", ROLES)
def test_only_the_departments_scolarite_responsable_and_an_administrator_undo_a_passage(world, login, role):
    _passed(world)
    response = login(role).post(f"/departements/{world.department.pk}/annees/2023-2024/passage/annuler/")
    if role == "anonyme":
        assert response.status_code == 302 and "connexion" in response["Location"]
    elif role in ALLOWED:
        assert response.status_code == 302
    else:
        assert response.status_code in (403, 404)
    assert _next_year().count() == (0 if role in ALLOWED else 2)


def test_the_passage_page_shows_what_the_undo_removes_or_why_it_is_refused(world, login):
    _s1, s3 = _passed(world)
    client = login("scolarite")
    page = client.get(f"/departements/{world.department.pk}/annees/2023-2024/passage/").content.decode()
    assert 'id="annuler-passage"' in page and "2 inscriptions" in page
    e = Evaluation.objects.create(semester=s3, module_code="R3.01", titre="Contrôle", note_max=20)
    Grade.objects.create(evaluation=e, student=world.alice, value=Decimal(12))
    page = client.get(f"/departements/{world.department.pk}/annees/2023-2024/passage/").content.decode()
    assert 'id="annuler-passage"' not in page and "a déjà des notes" in page
    refused = client.post(f"/departements/{world.department.pk}/annees/2023-2024/passage/annuler/")
    assert refused.status_code == 400 and "a déjà des notes" in refused.content.decode()


def test_the_api_and_the_cli_undo_a_passage(world, client):
    from click.testing import CliRunner

    from delibe.api.tokens import create_token
    from delibe.cli import cli

    _passed(world)
    _, token = create_token(username="responsable", name="tests")
    url = f"/api/v1/departements/{world.department.pk}/annees/2023-2024/passage/annulation"
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    response = client.post(url, data="{}", content_type="application/json", **auth)
    assert response.status_code == 200, response.content
    assert response.json()["retirees"] == 2 and _next_year().count() == 0
    again = client.post(url, data="{}", content_type="application/json", **auth)
    assert again.status_code == 409 and "Aucun passage" in again.json()["detail"]
    confirm_passage(user=None, department=world.department, source_label="2023-2024")
    result = CliRunner().invoke(cli, ["annee", "annuler-passage", "--departement", "mmi", "--annee", "2023-2024"])
    assert result.exit_code == 0 and "aperçu" in result.output.lower() and _next_year().count() == 2
    result = CliRunner().invoke(cli, ["annee", "annuler-passage", "--departement", "mmi", "--annee", "2023-2024",
                                      "--confirmer"])
    assert result.exit_code == 0, result.output
    assert _next_year().count() == 0
    assert json.loads(json.dumps(AuditEntry.objects.filter(channel="cli").latest("id").new))["annulation_passage"]
    assert JuryDecision.objects.filter(academic_year__label="2023-2024").count() == 2  # the year's decisions stay


def test_a_passage_restored_under_new_ids_is_undone_on_the_restored_enrolments_only(world):
    from delibe.web.models import Department
    from delibe.web.services.sauvegarde_json import dumps, export_department, import_department

    _passed(world)
    document = json.loads(dumps(export_department("mmi")))
    document["departement"]["code"] = "mmi2"
    for row in document["etudiants"]:
        row["nip"], row["user"] = "9" + row["nip"], None  # Alpha's student account belongs to the original
    for row in document["formations"]:
        row["slug"] += "-copie"
    import_department(document)
    copy = Department.objects.get(code="mmi2")
    assert _next_year().count() == 4
    undo_passage(user=None, department=copy, source_label="2023-2024")
    assert set(_next_year().values_list("student__nip", flat=True)) == {"1001", "1002"}


@pytest.mark.parametrize(("role", "status"), [
    ("admin", 200), ("scolarite", 200), ("responsable", 200), ("enseignant", 403), ("president", 403),
    ("etudiant", 404), ("autre", 404), ("anonyme", 401),
])
def test_undoing_a_passage_through_the_api_follows_the_pages_rights(world, client, role, status):
    from delibe.api.tokens import create_token

    _passed(world)
    headers = {}
    if role != "anonyme":
        _, token = create_token(username=role, name="tests")
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    response = client.post(f"/api/v1/departements/{world.department.pk}/annees/2023-2024/passage/annulation",
                           data="{}", content_type="application/json", **headers)
    assert response.status_code == status, response.content
    assert _next_year().count() == (0 if status == 200 else 2)
