"""The permission matrix: every role × every action. 404 for what the user may not even know about
(another department's object, another student), 403 for a forbidden action on something visible,
302 to the login page for an anonymous visitor."""

from __future__ import annotations

import json

import pytest

ROLES = ("admin", "scolarite", "responsable", "enseignant", "president", "etudiant", "autre", "anonyme")


def cell(world, evaluation):
    return {"data": json.dumps({"student": world.bruno.pk, "value": "12", "version": 0}),
            "content_type": "application/json"}


ACTIONS = {
    # action: (method, url, post kwargs, {role: status}); roles not listed expect the `default`
    "voir le semestre": ("get", lambda w: f"/semestres/{w.s1.pk}/", None,
                         {"admin": 200, "scolarite": 200, "responsable": 200, "enseignant": 200, "president": 200,
                              "etudiant": 404, "autre": 404}),
    "voir un semestre où l'enseignant n'enseigne pas": (
        "get", lambda w: f"/semestres/{w.s2.pk}/", None,
        {"admin": 200, "scolarite": 200, "responsable": 200, "enseignant": 403, "president": 200, "etudiant": 404, "autre": 404}),
    "voir la formation": ("get", lambda w: f"/formations/{w.version.pk}/", None,
                          {"admin": 200, "scolarite": 200, "responsable": 200, "enseignant": 200, "president": 200,
                               "etudiant": 404, "autre": 404}),
    "créer une évaluation": ("get", lambda w: f"/semestres/{w.s1.pk}/evaluations/nouvelle/", None,
                             {"admin": 200, "scolarite": 200, "responsable": 200, "enseignant": 200, "president": 403,
                                  "etudiant": 404, "autre": 404}),
    "créer une évaluation en S2 (aucun module enseigné)": (
        "get", lambda w: f"/semestres/{w.s2.pk}/evaluations/nouvelle/", None,
        {"admin": 200, "scolarite": 200, "responsable": 200, "enseignant": 403, "president": 403, "etudiant": 404, "autre": 404}),
    "saisir une note de son module": (
        "post", lambda w: f"/evaluations/{w.taught.pk}/note/", lambda w: cell(w, w.taught),
        {"admin": 200, "scolarite": 200, "responsable": 200, "enseignant": 200, "president": 403, "etudiant": 404, "autre": 404}),
    "saisir une note d'un autre module": (
        "post", lambda w: f"/evaluations/{w.untaught.pk}/note/", lambda w: cell(w, w.untaught),
        {"admin": 200, "scolarite": 200, "responsable": 200, "enseignant": 403, "president": 403, "etudiant": 404, "autre": 404}),
    "lire la grille de son module": ("get", lambda w: f"/evaluations/{w.taught.pk}/saisie/", None,
                                     {"admin": 200, "scolarite": 200, "responsable": 200, "enseignant": 200,
                                          "president": 200, "etudiant": 404, "autre": 404}),
    "lire la grille d'un autre module": ("get", lambda w: f"/evaluations/{w.untaught.pk}/saisie/", None,
                                         {"admin": 200, "scolarite": 200, "responsable": 200, "enseignant": 403,
                                              "president": 200, "etudiant": 404, "autre": 404}),
    "télécharger la feuille": ("get", lambda w: f"/evaluations/{w.taught.pk}/feuille.xlsx", None,
                               {"admin": 200, "scolarite": 200, "responsable": 200, "enseignant": 200, "president": 200,
                                    "etudiant": 404, "autre": 404}),
    "importer une feuille": ("get", lambda w: f"/evaluations/{w.taught.pk}/import/", None,
                             {"admin": 200, "scolarite": 200, "responsable": 200, "enseignant": 200, "president": 403,
                                  "etudiant": 404, "autre": 404}),
    "voir le jury": ("get", lambda w: f"/semestres/{w.s2.pk}/jury/", None,
                     {"admin": 200, "scolarite": 200, "responsable": 200, "enseignant": 403, "president": 200,
                          "etudiant": 404, "autre": 404}),
    "voir les décisions d'un étudiant": (
        "get", lambda w: f"/semestres/{w.s2.pk}/jury/etudiants/{w.bruno.pk}/", None,
        {"admin": 200, "scolarite": 200, "responsable": 200, "enseignant": 403, "president": 200, "etudiant": 404, "autre": 404}),
    "décider pour un étudiant": (
        "post", lambda w: f"/semestres/{w.s2.pk}/jury/etudiants/{w.bruno.pk}/", lambda w: {"data": {}},
        {"admin": 302, "scolarite": 302, "responsable": 403, "enseignant": 403, "president": 302, "etudiant": 404, "autre": 404}),
    "enregistrer les propositions": ("post", lambda w: f"/semestres/{w.s2.pk}/jury/propositions/", lambda w: {},
                                     {"admin": 302, "scolarite": 302, "responsable": 403, "enseignant": 403,
                                          "president": 302, "etudiant": 404, "autre": 404}),
    # the world's evaluations have no grade: closing is refused (400, the checklist) to whoever may close
    "clore le jury": ("post", lambda w: f"/semestres/{w.s2.pk}/jury/cloture/", lambda w: {},
                      {"admin": 400, "scolarite": 400, "responsable": 403, "enseignant": 403, "president": 400,
                           "etudiant": 404, "autre": 404}),
    "voir la liste de contrôle avant la clôture": (
        "get", lambda w: f"/semestres/{w.s2.pk}/jury/cloture/", None,
        {"admin": 200, "scolarite": 200, "responsable": 403, "enseignant": 403, "president": 200,
         "etudiant": 404, "autre": 404}),
    "voir le cursus d'un autre étudiant": ("get", lambda w: f"/etudiants/{w.bruno.pk}/", None,
                                           {"admin": 200, "scolarite": 200, "responsable": 200, "enseignant": 403,
                                                "president": 200, "etudiant": 404, "autre": 404}),
    "voir la liste des étudiants": ("get", lambda w: "/etudiants/", None,
                                    {"admin": 200, "scolarite": 200, "responsable": 200, "enseignant": 403,
                                         "president": 200, "etudiant": 403, "autre": 200}),
    "voir ses propres résultats": ("get", lambda w: "/mes-resultats/", None,
                                   {"admin": 404, "scolarite": 404, "responsable": 404, "enseignant": 404,
                                        "president": 404, "etudiant": 200, "autre": 404}),
    "lire le glossaire": ("get", lambda w: "/glossaire/", None,
                          {"admin": 200, "scolarite": 200, "responsable": 200, "enseignant": 200,
                           "president": 200, "etudiant": 200, "autre": 200}),
    "lire les choix de Délibé": ("get", lambda w: "/aide/choix/", None,
                                 {"admin": 200, "scolarite": 200, "responsable": 200, "enseignant": 200,
                                  "president": 200, "etudiant": 200, "autre": 200}),
    "filtrer le tableau du jury": ("get", lambda w: f"/semestres/{w.s2.pk}/jury/?groupe=A&code=RED&ecarts=1", None,
                                   {"admin": 200, "scolarite": 200, "responsable": 200, "enseignant": 403,
                                    "president": 200, "etudiant": 404, "autre": 404}),
    "voir un semestre d'un autre département": (
        "get", lambda w: f"/semestres/{w.other_run.pk}/", None,
        {"admin": 200, "scolarite": 404, "responsable": 404, "enseignant": 404, "president": 404, "etudiant": 404, "autre": 200}),
    "voir un étudiant d'un autre département": (
        "get", lambda w: f"/etudiants/{w.other_student.pk}/", None,
        {"admin": 200, "scolarite": 404, "responsable": 404, "enseignant": 404, "president": 404, "etudiant": 404, "autre": 200}),
}

CASES = [
    pytest.param(action, role, expected.get(role, 302), id=f"{role}-{action}")
    for action, (_, _, _, expected) in ACTIONS.items()
    for role in ROLES
]


@pytest.mark.parametrize("action, role, status", CASES)
def test_permission_matrix(world, login, action, role, status):
    method, url, post, _ = ACTIONS[action]
    client = login(role)
    if method == "get":
        response = client.get(url(world))
    else:
        response = client.post(url(world), **(post(world) or {}))
    assert response.status_code == status, response.content[:300]
    if role == "anonyme":
        assert response["Location"].startswith("/connexion/")
