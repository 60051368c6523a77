"""The student's life through the API: the web's services (identity, DEM/DEF, unenrolment, adding a
student), the scolarité's right only, errors as JSON naming the field, audited with the channel « api »."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def _enrolment(world):
    from delibe.web.models import Enrolment

    return Enrolment.objects.get(student=world.bruno, semester=world.s1)


def test_scolarite_corrects_an_identity_and_the_journal_says_api(api, world):
    from delibe.web.audit.models import AuditEntry

    client = api("scolarite")
    response = client._send("patch", f"/api/v1/etudiants/{world.bruno.pk}", {"prenom": "Théo", "motif": "état civil"})
    assert response.status_code == 200, response.content
    assert response.json() == {"prenom": {"avant": "Test", "apres": "Théo"}}
    entry = AuditEntry.objects.filter(object_type="student", student_id=world.bruno.pk).latest("id")
    assert entry.channel == "api" and entry.reason == "état civil"


def test_a_demission_through_the_api_is_dated(api, world):
    e = _enrolment(world)
    response = api("scolarite").post(f"/api/v1/etudiants/{world.bruno.pk}/inscriptions/{e.pk}/etat",
                                     {"code": "DEM", "date": "2023-12-01"})
    assert response.status_code == 200, response.content
    assert response.json()["etat"] == "DEM" and response.json()["etat_le"] == "2023-12-01"


def test_a_refused_change_names_the_field(api, world):
    e = _enrolment(world)
    response = api("scolarite").post(f"/api/v1/etudiants/{world.bruno.pk}/inscriptions/{e.pk}/etat", {"code": "DEM"})
    assert response.status_code == 422 and "date" in response.json()["detail"]


def test_unenrolling_with_grades_is_a_conflict_until_confirmed(api, world):
    from decimal import Decimal

    from delibe.web.models import Grade

    Grade.objects.create(evaluation=world.taught, student=world.bruno, value=Decimal(9))
    e = _enrolment(world)
    url = f"/api/v1/etudiants/{world.bruno.pk}/inscriptions/{e.pk}/desinscription"
    assert api("scolarite").post(url, {}).status_code == 409
    response = api("scolarite").post(url, {"confirmer": True, "motif": "doublon d'inscription"})
    assert response.json() == {"notes_supprimees": 1}


def test_adding_a_student_through_the_api(api, world):
    response = api("scolarite").post("/api/v1/etudiants", {"semestre": world.s1.pk, "nip": "7300", "nom": "Api",
                                                          "prenom": "Ajout", "parcours": "Créa"})
    assert response.status_code == 201, response.content
    assert response.json()["semestre"] == world.s1.pk


@pytest.mark.parametrize(("role", "status"), [("responsable", 403), ("enseignant", 403), ("president", 403),
                                              ("etudiant", 404), ("autre", 404), ("anonyme", 401)])
def test_only_scolarite_may_change_a_students_life_through_the_api(api, world, role, status):
    e = _enrolment(world)
    client = api(role)
    assert client._send("patch", f"/api/v1/etudiants/{world.bruno.pk}", {"prenom": "X"}).status_code == status
    assert client.post(f"/api/v1/etudiants/{world.bruno.pk}/inscriptions/{e.pk}/etat",
                       {"code": "DEM", "date": "2023-12-01"}).status_code == status
    assert client.post(f"/api/v1/etudiants/{world.bruno.pk}/inscriptions/{e.pk}/desinscription", {}).status_code == status
    expected_add = 403 if status == 403 else status
    assert client.post("/api/v1/etudiants", {"semestre": world.s1.pk, "nip": "7301", "nom": "N", "prenom": "P",
                                             "parcours": "Créa"}).status_code == expected_add
    e.refresh_from_db()
    assert e.etat == "I"
