"""The department's dated settings through the API: the service of the page « Réglages », read by the
scolarité, the responsable and the président, written by the department's scolarité and an administrator."""

from __future__ import annotations

import base64

import pytest

pytestmark = pytest.mark.django_db

ROLES = ("admin", "scolarite", "responsable", "enseignant", "president", "etudiant", "autre", "anonyme")
READ = {"admin": 200, "scolarite": 200, "responsable": 200, "president": 200, "enseignant": 403,
        "etudiant": 404, "autre": 404, "anonyme": 401}
WRITE = {**READ, "responsable": 403, "president": 403}


@pytest.mark.parametrize("role", ROLES)
def test_who_reads_and_who_writes_the_settings(api, world, role):
    from delibe.web.models import DepartmentSettings

    client = api(role)
    url = f"/api/v1/departements/{world.department.pk}/reglages"
    assert client.get(url).status_code == READ[role]
    response = client.post(url, {"applique_a_partir_du": "2023-09-01", "valeurs": {"president": "Mme P"}})
    assert response.status_code == WRITE[role], response.content
    assert DepartmentSettings.objects.filter(department=world.department).exists() == (WRITE[role] == 200)


def test_settings_written_then_read_with_a_logo_and_journaled(api, world):
    from delibe.web.audit.models import AuditEntry
    from tests.web.test_department_settings import png

    client = api("scolarite")
    url = f"/api/v1/departements/{world.department.pk}/reglages"
    response = client.post(url, {"applique_a_partir_du": "2023-09-01", "logo": base64.b64encode(png()).decode(),
                                 "valeurs": {"president": "Mme P", "afficher_rangs": True}})
    assert response.status_code == 200, response.content
    rows = client.get(url).json()
    assert rows[0]["president"] == "Mme P" and rows[0]["afficher_rangs"] is True and rows[0]["logo"]
    assert "/" not in str(rows[0]["logo"])  # a fingerprint, never a path
    assert AuditEntry.objects.filter(object_type="settings", channel="api").exists()


@pytest.mark.parametrize(("body", "words"), [
    ({"applique_a_partir_du": "hier", "valeurs": {}}, "applique_a_partir_du"),
    ({"applique_a_partir_du": "2023-09-01", "valeurs": {"couleur": "bleu"}}, "inconnu"),
    ({"applique_a_partir_du": "2023-09-01", "valeurs": {"president": 3}}, "texte attendu"),
    ({"applique_a_partir_du": "2023-09-01", "logo": "pas du base64!"}, "base64"),
    ({"applique_a_partir_du": "2023-09-01", "logo": base64.b64encode(b"GIF89a").decode()}, "PNG ou JPEG"),
])
def test_bad_settings_are_a_422_in_french_and_nothing_is_written(api, world, body, words):
    from delibe.web.models import DepartmentSettings

    response = api("scolarite").post(f"/api/v1/departements/{world.department.pk}/reglages", body)
    assert response.status_code == 422 and words in response.json()["detail"], response.content
    assert not DepartmentSettings.objects.exists()
