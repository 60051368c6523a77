"""The academic year through the API (issue 13): the same services as the web — opening semesters,
copying a year, archiving, the passage preview and its all-or-nothing confirmation — with the same roles."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def url(world, tail: str, department=None) -> str:
    return f"/api/v1/departements/{(department or world.department).pk}/annees/{tail}"


def test_semesters_are_opened_through_the_api(world, api):
    response = api("responsable").post(url(world, "2024-2025/semestres"), {
        "formation": world.version.pk,
        "semestres": [{"semestre": 1, "debut": "2024-09-02", "modalite": "FA", "etape": "VMMI11", "parcours": ["Créa"]}]})
    assert response.status_code == 201, response.content
    [s1] = response.json()
    assert (s1["semestre"], s1["annee_universitaire"], s1["modalite"], s1["etape"]) == (1, "2024-2025", "apprentissage", "VMMI11")


def test_a_bad_semester_is_refused_with_a_french_message(world, api):
    response = api("scolarite").post(url(world, "2024-2025/semestres"), {
        "formation": world.version.pk, "semestres": [{"semestre": 1, "parcours": ["Inconnu"]}]})
    assert response.status_code == 422 and "« Inconnu » inconnu" in response.json()["detail"]


def test_copy_then_passage_through_the_api(world, api):
    from delibe.web.models import Enrolment
    from tests.web.test_annees import decide_year

    client = api("scolarite")
    copied = client.post(url(world, "2023-2024/copie"))
    assert copied.status_code == 201 and copied.json()["cible"] == "2024-2025"
    assert copied.json()["evaluations"] == 2
    preview = client.get(url(world, "2023-2024/passage")).json()
    assert preview["bloquant"] and {line["issue"] for line in preview["lignes"]} == {"bloquant"}
    refused = client.post(url(world, "2023-2024/passage"))
    assert refused.status_code == 409 and len(refused.json()["lignes"]) == 2
    # S1 2024-2025 exists (copied), S3 does not: the passers would block, the repeaters go back to S1
    decide_year(world, world.alice, "RED")
    decide_year(world, world.bruno, "DEM")
    done = client.post(url(world, "2023-2024/passage"))
    assert done.status_code == 200, done.content
    assert done.json()["effectifs"] == {"redoublement": 1, "sortie": 1}
    assert Enrolment.objects.filter(semester__academic_year__label="2024-2025").count() == 1


def test_archiving_an_open_year_is_a_conflict(world, api):
    response = api("scolarite").post(url(world, "2023-2024/archivage"))
    assert response.status_code == 409 and "Clôturez d'abord" in response.json()["detail"]


@pytest.mark.parametrize("role, status", [("enseignant", 403), ("president", 403), ("etudiant", 404),
                                          ("autre", 404), ("anonyme", 401)])
def test_the_year_actions_are_refused_to_other_roles(world, api, role, status):
    client = api(role)
    for method, tail in (("get", "2023-2024/passage"), ("post", "2023-2024/passage"), ("post", "2023-2024/copie"),
                         ("post", "2023-2024/archivage")):
        response = getattr(client, method)(url(world, tail))
        assert response.status_code == status, (method, tail, response.content)
    response = client.post(url(world, "2024-2025/semestres"), {"formation": world.version.pk,
                                                                "semestres": [{"semestre": 1}]})
    assert response.status_code == status


def test_a_year_written_wrongly_in_the_path_is_refused(world, api):
    assert api("scolarite").get(url(world, "2023/passage")).status_code == 422


@pytest.mark.parametrize("annee", ["0000-0000", "2023-2023", "9999-9999"])
def test_an_impossible_year_is_refused_not_a_server_error(world, api, annee):
    client = api("scolarite")
    for method in ("get", "post"):
        response = getattr(client, method)(url(world, f"{annee}/passage"))
        assert response.status_code in (409, 422), (method, response.content)
