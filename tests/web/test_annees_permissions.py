"""Who may set up a year and pass its students (issue 13): the scolarité and the responsable de formation
of the department (and the administrator); an enseignant or a président of the department is refused
(403), a student or another department's staff does not even see the department (404), an anonymous
visitor goes to the login page."""

from __future__ import annotations

import pytest

from tests.web.test_permissions import ROLES

pytestmark = pytest.mark.django_db

MANAGERS = {"admin", "scolarite", "responsable"}


def expect(allowed: int) -> dict[str, int]:
    return {"admin": allowed, "scolarite": allowed, "responsable": allowed, "enseignant": 403, "president": 403,
            "etudiant": 404, "autre": 404}


def open_s3(world):
    return {"formation": world.version.pk, "annee": "2024-2025", "s3": "on", "modalite": "FA"}


ACTIONS = {
    "voir les années": ("get", lambda w: f"/departements/{w.department.pk}/annees/", None, expect(200)),
    "voir le formulaire d'ouverture": ("get", lambda w: f"/departements/{w.department.pk}/annees/nouvelle/", None,
                                       expect(200)),
    "ouvrir un semestre": ("post", lambda w: f"/departements/{w.department.pk}/annees/nouvelle/", open_s3,
                           expect(302)),
    "voir la copie d'une année": ("get", lambda w: f"/departements/{w.department.pk}/annees/copie/", None,
                                  expect(200)),
    "copier une année": ("post", lambda w: f"/departements/{w.department.pk}/annees/copie/",
                         lambda w: {"source": "2023-2024"}, expect(302)),
    # the world's juries are open: archiving is refused (400) to whoever may archive
    "archiver une année": ("post", lambda w: f"/departements/{w.department.pk}/annees/2023-2024/archivage/",
                           lambda w: {}, expect(400)),
    "voir l'aperçu du passage": ("get", lambda w: f"/departements/{w.department.pk}/annees/2023-2024/passage/",
                                 None, expect(200)),
    # nobody has a year decision: the passage is refused (400, nothing written) to whoever may confirm it
    "confirmer le passage": ("post", lambda w: f"/departements/{w.department.pk}/annees/2023-2024/passage/",
                             lambda w: {}, expect(400)),
    "voir les années d'un autre département": (
        "get", lambda w: f"/departements/{w.other_department.pk}/annees/", None,
        {"admin": 200, "scolarite": 404, "responsable": 404, "enseignant": 404, "president": 404, "etudiant": 404,
         "autre": 200}),
    "copier l'année d'un autre département": (
        "post", lambda w: f"/departements/{w.other_department.pk}/annees/copie/", lambda w: {"source": "2023-2024"},
        {"admin": 302, "scolarite": 404, "responsable": 404, "enseignant": 404, "president": 404, "etudiant": 404,
         "autre": 302}),
}

CASES = [
    pytest.param(action, role, expected.get(role, 302), id=f"{role}-{action}")
    for action, (_, _, _, expected) in ACTIONS.items()
    for role in ROLES
]


@pytest.mark.parametrize("action, role, status", CASES)
def test_year_setup_permission_matrix(world, login, action, role, status):
    from delibe.web.models import SemesterRun

    method, url, post, _ = ACTIONS[action]
    before = SemesterRun.objects.count()
    client = login(role)
    if method == "get":
        response = client.get(url(world))
    else:
        response = client.post(url(world), (post(world) or {}))
    assert response.status_code == status, response.content[:300]
    if role == "anonyme":
        assert response["Location"].startswith("/connexion/")
    if status in (403, 404) or role == "anonyme":
        assert SemesterRun.objects.count() == before  # a refused request writes nothing
