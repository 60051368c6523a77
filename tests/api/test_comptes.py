"""Accounts and roles through the API: the page « Personnes »'s services and rights — an administrator
everywhere, the scolarité of a department for its department only; every other role refused; every change
journaled with the channel « api »."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

ROLES = ("admin", "scolarite", "responsable", "enseignant", "president", "etudiant", "autre", "anonyme")


def _teacher(world):
    teacher = world.users["enseignant"]
    teacher.email = "enseignant@example.org"
    teacher.save()
    return teacher


def _membership(world):
    return world.users["enseignant"].memberships.get()


ACTIONS = {
    "lister": ("get", lambda w: "/api/v1/comptes", None, 200),
    "lire": ("get", lambda w: f"/api/v1/comptes/{_teacher(w).pk}", None, 200),
    "créer": ("post", lambda w: "/api/v1/comptes",
              lambda w: {"identifiant": "nouveau", "courriel": "n@example.org", "role": "enseignant",
                         "departement": w.department.pk}, 201),
    "inviter": ("post", lambda w: f"/api/v1/comptes/{_teacher(w).pk}/invitation", lambda w: {}, 200),
    "désactiver": ("post", lambda w: f"/api/v1/comptes/{_teacher(w).pk}/activation",
                   lambda w: {"actif": False, "motif": "départ"}, 200),
    "donner un rôle": ("post", lambda w: f"/api/v1/comptes/{_teacher(w).pk}/roles",
                       lambda w: {"role": "responsable", "departements": [w.department.pk]}, 200),
    "retirer un rôle": ("delete", lambda w: f"/api/v1/comptes/{_teacher(w).pk}/roles/{_membership(w).pk}", None, 200),
}
# the scolarité of another department does not see this department's accounts (404), nor give its roles (403)
DENIED = {"responsable": 403, "enseignant": 403, "president": 403, "etudiant": 403, "anonyme": 401}
OTHER = {"lister": 200, "créer": 403}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_only_an_administrator_and_the_departments_scolarite_manage_accounts_through_the_api(
        api, world, role, action):
    from delibe.web.audit.models import AuditEntry
    from delibe.web.models import Membership

    method, url, body, ok = ACTIONS[action]
    client = api(role)
    target = url(world)
    before = (AuditEntry.objects.count(), Membership.objects.count())
    if method == "get":
        response = client.get(target)
    else:
        response = client._send(method, target, body(world) if body else {})
    if role in ("admin", "scolarite"):
        assert response.status_code == ok, response.content
    elif role == "autre":
        assert response.status_code == OTHER.get(action, 404), response.content
    else:
        assert response.status_code == DENIED[role], response.content
    if role not in ("admin", "scolarite") or method == "get":
        assert (AuditEntry.objects.count(), Membership.objects.count()) == before


def test_the_other_departments_scolarite_lists_only_its_own_accounts(api, world):
    names = {c["identifiant"] for c in api("autre").get("/api/v1/comptes").json()}
    assert names == {"autre"}
    mine = {c["identifiant"] for c in api("scolarite").get("/api/v1/comptes").json()}
    assert {"scolarite", "enseignant", "responsable", "president"} <= mine and "autre" not in mine


def test_an_account_created_and_invited_through_the_api_is_journaled_and_mailed(api, world, mailoutbox):
    from delibe.web.audit.models import AuditEntry

    response = api("scolarite").post("/api/v1/comptes", {
        "identifiant": "jdupont", "courriel": "jd@example.org", "role": "enseignant",
        "departement": world.department.pk, "prenom": "Jeanne", "nom": "Dupont", "inviter": True})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["roles"][0]["role"] == "enseignant" and body["roles"][0]["departement_code"] == "mmi"
    assert "/invitation/" in body["lien_invitation"] and body["lien_invitation"].startswith("http")
    assert mailoutbox[-1].to == ["jd@example.org"]
    assert set(AuditEntry.objects.filter(channel="api").values_list("object_type", flat=True)) == {
        "account", "membership"}


@pytest.mark.parametrize(("body", "words"), [
    ({"identifiant": "a b", "courriel": "x@example.org", "role": "enseignant"}, "sans espace"),
    ({"identifiant": "enseignant", "courriel": "x@example.org", "role": "enseignant"}, "déjà pris"),
    ({"identifiant": "zz", "courriel": "pas-un-courriel", "role": "enseignant"}, "Courriel"),
    ({"identifiant": "zz", "courriel": "x@example.org", "role": "roi"}, "Rôle « roi » inconnu"),
    ({"identifiant": "zz", "courriel": "x@example.org", "role": "enseignant", "departement": None}, "Département"),
])
def test_a_bad_account_is_a_422_in_french_and_writes_nothing(api, world, body, words):
    from django.contrib.auth import get_user_model

    body = {"departement": world.department.pk, **body}
    before = get_user_model().objects.count()
    response = api("admin").post("/api/v1/comptes", body)
    assert response.status_code == 422 and words in response.json()["detail"]
    assert get_user_model().objects.count() == before


def test_a_role_given_in_a_department_the_scolarite_does_not_manage_is_refused_all_or_nothing(api, world):
    teacher = _teacher(world)
    response = api("scolarite").post(f"/api/v1/comptes/{teacher.pk}/roles", {
        "role": "responsable", "departements": [world.department.pk, world.other_department.pk]})
    assert response.status_code == 403
    assert not teacher.memberships.filter(role="responsable").exists()


def test_a_deactivated_account_can_no_longer_use_its_token(api, world):
    teacher_client = api("enseignant")
    assert teacher_client.get(f"/api/v1/semestres/{world.s1.pk}").status_code == 200
    assert api("scolarite").post(f"/api/v1/comptes/{_teacher(world).pk}/activation",
                                 {"actif": False}).status_code == 200
    assert teacher_client.get(f"/api/v1/semestres/{world.s1.pk}").status_code == 401


def test_the_scolarite_cannot_remove_its_own_management_role(api, world):
    me = world.users["scolarite"]
    response = api("scolarite")._send("delete", f"/api/v1/comptes/{me.pk}/roles/{me.memberships.get().pk}", {})
    assert response.status_code == 422 and "propre rôle" in response.json()["detail"]
