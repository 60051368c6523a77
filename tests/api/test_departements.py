"""Creating a department and importing a formation through the API (issue 13): the services of the web
pages, with the same roles — a department by the administrator only, a formation by the department's
scolarité or responsable (preview, then ``confirmer``)."""

from __future__ import annotations

import pytest

from tests.web.conftest import FORMATION_TEXT

pytestmark = pytest.mark.django_db

OTHER_TEXT = FORMATION_TEXT.replace("id: but-mmi-dijon", "id: but-mmi-nevers", 1)


def test_the_administrator_creates_a_department_through_the_api(world, api):
    response = api("admin").post("/api/v1/departements", {"code": "info", "nom": "Informatique"})
    assert response.status_code == 201, response.content
    assert response.json()["code"] == "info"
    again = api("admin").post("/api/v1/departements", {"code": "info", "nom": "Encore"})
    assert again.status_code == 422 and "existe déjà" in again.json()["detail"]


@pytest.mark.parametrize("role, status", [("scolarite", 403), ("responsable", 403), ("enseignant", 403),
                                          ("etudiant", 403), ("autre", 403), ("anonyme", 401)])
def test_only_the_administrator_creates_a_department(world, api, role, status):
    from delibe.web.models import Department

    assert api(role).post("/api/v1/departements", {"code": "info", "nom": "I"}).status_code == status
    assert not Department.objects.filter(code="info").exists()


def test_a_formation_is_previewed_then_stored_with_confirmer(world, api):
    from delibe.web.models import FormationVersion

    url = f"/api/v1/departements/{world.department.pk}/formations"
    client = api("responsable")
    preview = client.post(url, {"texte": OTHER_TEXT, "fichier": "nevers.yaml"})
    assert preview.status_code == 200, preview.content
    body = preview.json()
    assert (body["identifiant"], body["version"], body["enregistree"]) == ("but-mmi-nevers", 1, None)
    assert len(body["semestres"]) == 6 and not FormationVersion.objects.filter(slug="but-mmi-nevers").exists()
    stored = client.post(url, {"texte": OTHER_TEXT, "fichier": "nevers.yaml", "confirmer": True})
    assert stored.status_code == 201 and stored.json()["enregistree"] == FormationVersion.objects.get(
        slug="but-mmi-nevers").pk


def test_a_broken_formation_is_refused_with_its_errors_located(world, api):
    response = api("scolarite").post(f"/api/v1/departements/{world.department.pk}/formations", {
        "texte": OTHER_TEXT.replace("version: 1", "version: un", 1), "fichier": "nevers.yaml", "confirmer": True})
    assert response.status_code == 422
    assert any(e["message"].startswith("nevers.yaml, ligne 10, version") for e in response.json()["erreurs"])


@pytest.mark.parametrize("role, status", [("enseignant", 403), ("president", 403), ("etudiant", 404),
                                          ("autre", 404), ("anonyme", 401)])
def test_other_roles_cannot_import_a_formation(world, api, role, status):
    from delibe.web.models import FormationVersion

    response = api(role).post(f"/api/v1/departements/{world.department.pk}/formations",
                              {"texte": OTHER_TEXT, "confirmer": True})
    assert response.status_code == status
    assert not FormationVersion.objects.filter(slug="but-mmi-nevers").exists()
