"""Changing a parcours through the API: the web's service (preview, then confirmer), the rights of the
page (scolarité, responsable, administrator of the department), errors naming the field."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

ROLES = ("admin", "scolarite", "responsable", "enseignant", "president", "etudiant", "autre", "anonyme")
EXPECTED = {"admin": 200, "scolarite": 200, "responsable": 200, "enseignant": 403, "president": 403,
            "etudiant": 404, "autre": 404, "anonyme": 401}


def _url(world):
    from delibe.web.models import Enrolment

    e = Enrolment.objects.get(student=world.bruno, semester=world.s1)
    return f"/api/v1/etudiants/{world.bruno.pk}/inscriptions/{e.pk}/parcours"


@pytest.mark.parametrize("role", ROLES)
def test_changing_a_parcours_through_the_api_follows_the_pages_rights(api, world, role):
    from delibe.web.models import Enrolment

    response = api(role).post(_url(world), {"parcours": "DWeb-DI", "confirmer": True})
    assert response.status_code == EXPECTED[role], response.content
    parcours = set(Enrolment.objects.filter(student=world.bruno).values_list("parcours", flat=True))
    assert parcours == ({"DWeb-DI"} if EXPECTED[role] == 200 else {"Créa"})


def test_without_confirmer_the_api_answers_the_preview_and_changes_nothing(api, world):
    from delibe.web.audit.models import AuditEntry
    from delibe.web.models import Enrolment

    before = AuditEntry.objects.count()
    response = api("scolarite").post(_url(world), {"parcours": "DWeb-DI"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["change"] is False and body["ancien"] == "Créa" and len(body["semestres"]) == 2
    assert AuditEntry.objects.count() == before
    assert Enrolment.objects.filter(student=world.bruno, parcours="Créa").count() == 2


def test_an_unknown_parcours_is_a_422_naming_the_field(api, world):
    response = api("scolarite").post(_url(world), {"parcours": "Inconnu", "confirmer": True})
    assert response.status_code == 422 and response.json()["champ"] == "parcours"
