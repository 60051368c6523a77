"""People (issue 13, item 2): accounts, invitations, roles in several departments, deactivation, and each
module's responsable and enseignants — who alone (with the scolarité and the responsable de formation)
create its evaluations and enter its grades, on the web and through the API. Every change is journalled."""

from __future__ import annotations

import json
import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from delibe.web.audit.models import AuditEntry, ObjectType
from delibe.web.models import Membership, Role, TeachingAssignment, TeachingRole
from delibe.web.services import accounts, teaching

from .conftest import PASSWORD

ROLES = ("admin", "scolarite", "responsable", "enseignant", "president", "etudiant", "autre", "anonyme")
MANAGERS_ONLY = {"admin": 302, "scolarite": 302, "responsable": 403, "enseignant": 403, "president": 403,
                 "etudiant": 403, "autre": 404}


def _membership(w):
    return Membership.objects.get(user=w.users["enseignant"], role=Role.ENSEIGNANT)


ACTIONS = {
    "voir les personnes": ("get", lambda w: "/personnes/", None,
                           {"admin": 200, "scolarite": 200, "responsable": 403, "enseignant": 403, "president": 403,
                            "etudiant": 403, "autre": 200}),
    # the other department's scolarité does not have this department among its choices: a form error
    "créer un compte dans le département": (
        "post", lambda w: "/personnes/",
        lambda w: {"username": "nouveau", "email": "nouveau@iut.example", "role": "enseignant",
                   "department": str(w.department.pk)},
        {**MANAGERS_ONLY, "autre": 400}),
    "voir un compte du département": ("get", lambda w: f"/personnes/{w.users['enseignant'].pk}/", None,
                                      {**MANAGERS_ONLY, "admin": 200, "scolarite": 200}),
    "donner un rôle dans le département": (
        "post", lambda w: f"/personnes/{w.users['enseignant'].pk}/",
        lambda w: {"role": "president", "departments": [str(w.department.pk)]}, MANAGERS_ONLY),
    "retirer un rôle": ("post", lambda w: f"/personnes/{w.users['enseignant'].pk}/roles/{_membership(w).pk}/retirer/",
                        lambda w: {}, MANAGERS_ONLY),
    "désactiver un compte": ("post", lambda w: f"/personnes/{w.users['enseignant'].pk}/activation/",
                             lambda w: {"actif": "0"}, MANAGERS_ONLY),
    "envoyer une invitation": ("post", lambda w: f"/personnes/{w.users['enseignant'].pk}/invitation/",
                               lambda w: {}, MANAGERS_ONLY),
    "voir les enseignants des modules": (
        "get", lambda w: f"/semestres/{w.s1.pk}/enseignements/", None,
        {"admin": 200, "scolarite": 200, "responsable": 200, "enseignant": 403, "president": 403, "etudiant": 404,
         "autre": 404}),
    "attribuer un module": (
        "post", lambda w: f"/semestres/{w.s1.pk}/enseignements/",
        lambda w: {"module": "R1.02", "responsable": str(w.users["enseignant"].pk)},
        {"admin": 302, "scolarite": 302, "responsable": 302, "enseignant": 403, "president": 403, "etudiant": 404,
         "autre": 404}),
}

CASES = [pytest.param(action, role, expected.get(role, 302), id=f"{role}-{action}")
         for action, (_, _, _, expected) in ACTIONS.items() for role in ROLES]


@pytest.mark.parametrize("action, role, status", CASES)
def test_permission_matrix_of_people_and_modules(world, login, action, role, status):
    method, url, post, _ = ACTIONS[action]
    client = login(role)
    response = client.get(url(world)) if method == "get" else client.post(url(world), post(world))
    assert response.status_code == status, response.content[:400]
    if role == "anonyme":
        assert response["Location"].startswith("/connexion/")


# --- accounts and invitations ----------------------------------------------------------------------

def test_a_new_account_has_no_password_until_its_owner_follows_the_invitation(world, client, login):
    staff = login("scolarite")
    response = staff.post("/personnes/", {"username": "jdupont", "first_name": "Jeanne", "last_name": "Dupont",
                                          "email": "jeanne.dupont@iut.example", "role": "enseignant",
                                          "department": str(world.department.pk)})
    assert response.status_code == 302
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="jdupont")
    assert not user.has_usable_password()
    assert list(user.memberships.values_list("department_id", "role")) == [(world.department.pk, "enseignant")]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["jeanne.dupont@iut.example"]
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    client.logout()
    page = client.get(link, follow=True)
    assert page.status_code == 200 and "Choisir votre mot de passe" in page.content.decode()
    done = client.post(page.redirect_chain[-1][0], {"new_password1": "Un-long-mot-de-passe-42",
                                                    "new_password2": "Un-long-mot-de-passe-42"})
    assert done.status_code == 302
    assert client.login(username="jdupont", password="Un-long-mot-de-passe-42")
    client.logout()
    again = client.get(link, follow=True)
    assert "n'est plus valable" in again.content.decode(), "the link works once"
    kinds = set(AuditEntry.objects.filter(object_type__in=[ObjectType.ACCOUNT, ObjectType.MEMBERSHIP])
                .values_list("object_type", "action"))
    assert {("account", "create"), ("membership", "create"), ("account", "update")} <= kinds


def test_an_account_name_already_taken_is_refused_with_the_field_named(world):
    with pytest.raises(accounts.AccountError, match="Identifiant « enseignant » : déjà pris"):
        accounts.create_account(actor=world.users["scolarite"], username="enseignant", email="x@iut.example",
                                department_id=world.department.pk, role=Role.ENSEIGNANT)
    with pytest.raises(accounts.AccountError, match="Courriel"):
        accounts.create_account(actor=world.users["scolarite"], username="y", email="pas-un-courriel",
                                department_id=world.department.pk, role=Role.ENSEIGNANT)


def test_the_scolarite_gives_roles_in_its_department_only_and_never_the_administrator_role(world):
    scolarite, target = world.users["scolarite"], world.users["enseignant"]
    with pytest.raises(PermissionDenied):
        accounts.grant_roles(actor=scolarite, user=target, role=Role.ADMIN, department_ids=[None])
    with pytest.raises(PermissionDenied):  # all or nothing: nothing is given in its own department either
        accounts.grant_roles(actor=scolarite, user=target, role=Role.PRESIDENT,
                             department_ids=[world.department.pk, world.other_department.pk])
    assert not target.memberships.filter(role=Role.PRESIDENT).exists()


def test_an_administrator_gives_a_role_in_several_departments_at_once(world):
    target = world.users["enseignant"]
    added = accounts.grant_roles(actor=world.users["admin"], user=target, role=Role.ENSEIGNANT,
                                 department_ids=[world.department.pk, world.other_department.pk])
    assert added == 1  # already enseignant in the first one
    assert set(target.memberships.filter(role=Role.ENSEIGNANT).values_list("department_id", flat=True)) == {
        world.department.pk, world.other_department.pk}


def test_a_deactivated_account_can_no_longer_log_in_and_its_history_stays(world, client):
    target = world.users["enseignant"]
    accounts.set_active(actor=world.users["scolarite"], user=target, active=False, reason="départ")
    assert not client.login(username="enseignant", password=PASSWORD)
    entry = AuditEntry.objects.get(object_type=ObjectType.ACCOUNT, object_id=str(target.pk))
    assert entry.old["actif"] is True and entry.new["actif"] is False and entry.reason == "départ"
    accounts.set_active(actor=world.users["scolarite"], user=target, active=True)
    assert client.login(username="enseignant", password=PASSWORD)


def test_the_scolarite_cannot_lock_out_someone_who_also_works_in_another_department(world):
    target = world.users["enseignant"]
    Membership.objects.create(user=target, department=world.other_department, role=Role.ENSEIGNANT)
    with pytest.raises(PermissionDenied):
        accounts.set_active(actor=world.users["scolarite"], user=target, active=False)
    accounts.set_active(actor=world.users["admin"], user=target, active=False)
    target.refresh_from_db()
    assert not target.is_active


def test_nobody_removes_their_own_management_role(world):
    own = Membership.objects.get(user=world.users["scolarite"])
    with pytest.raises(accounts.AccountError, match="propre rôle"):
        accounts.revoke_role(actor=world.users["scolarite"], membership=own)


# --- modules: responsable and enseignants ----------------------------------------------------------

def _cell(world, evaluation, value="12"):
    return {"data": json.dumps({"student": world.bruno.pk, "value": value, "version": 0}),
            "content_type": "application/json"}


def test_assigning_a_module_lets_its_teacher_create_evaluations_and_enter_grades_there(world, login):
    teacher = world.users["enseignant"]
    client = login("enseignant")
    assert client.post(f"/evaluations/{world.untaught.pk}/note/", **_cell(world, world.untaught)).status_code == 403
    changed = teaching.set_module_staff(actor=world.users["scolarite"], run=world.s1, module_code="R1.02",
                                        responsable_id=teacher.pk, enseignant_ids=[])
    assert changed
    assert TeachingAssignment.objects.get(user=teacher, semester=world.s1, module_code="R1.02").role == \
        TeachingRole.RESPONSABLE
    assert client.post(f"/evaluations/{world.untaught.pk}/note/", **_cell(world, world.untaught)).status_code == 200
    entry = AuditEntry.objects.get(object_type=ObjectType.TEACHING)
    assert entry.old == {"responsable": None, "enseignants": []}
    assert entry.new == {"responsable": "enseignant", "enseignants": []}
    # and unassigning takes the right away
    teaching.set_module_staff(actor=world.users["scolarite"], run=world.s1, module_code="R1.02",
                              responsable_id=None, enseignant_ids=[])
    assert client.post(f"/evaluations/{world.untaught.pk}/note/", **_cell(world, world.untaught, "13")).status_code \
        == 403


def test_a_teacher_of_another_module_cannot_enter_grades_nor_create_evaluations_through_the_api(world, client):
    from delibe.api.tokens import create_token

    _, token = create_token(username="enseignant", name="tests")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    put = client.put(f"/api/v1/evaluations/{world.untaught.pk}/notes/{world.alice.pk}",
                     data=json.dumps({"valeur": "3", "version": 0}), content_type="application/json", **headers)
    assert put.status_code == 403
    created = client.post(f"/api/v1/semestres/{world.s1.pk}/evaluations", data=json.dumps({"module": "R1.02"}),
                          content_type="application/json", **headers)
    assert created.status_code == 403


def test_only_accounts_with_the_enseignant_role_of_the_department_can_be_assigned(world):
    with pytest.raises(teaching.TeachingError, match="n'a pas le rôle Enseignant"):
        teaching.set_module_staff(actor=world.users["scolarite"], run=world.s1, module_code="R1.02",
                                  responsable_id=world.users["president"].pk, enseignant_ids=[])
    with pytest.raises(teaching.TeachingError, match="pas au programme"):
        teaching.set_module_staff(actor=world.users["scolarite"], run=world.s1, module_code="R9.99",
                                  responsable_id=None, enseignant_ids=[])


def test_a_module_has_one_responsable_and_the_responsable_can_change_hands(world):
    from django.contrib.auth import get_user_model

    other = get_user_model().objects.create_user("second", password=PASSWORD)
    Membership.objects.create(user=other, department=world.department, role=Role.ENSEIGNANT)
    first = world.users["enseignant"]
    scolarite = world.users["scolarite"]
    teaching.set_module_staff(actor=scolarite, run=world.s1, module_code="R1.01", responsable_id=first.pk,
                              enseignant_ids=[other.pk])
    teaching.set_module_staff(actor=scolarite, run=world.s1, module_code="R1.01", responsable_id=other.pk,
                              enseignant_ids=[first.pk])
    rows = dict(TeachingAssignment.objects.filter(semester=world.s1, module_code="R1.01")
                .values_list("user__username", "role"))
    assert rows == {"second": "responsable", "enseignant": "enseignant"}
    staff = {m.code: m for m in teaching.module_staff(world.s1)}
    assert staff["R1.01"].responsable == other and staff["R1.01"].enseignants == [first]


def test_a_locked_semester_keeps_its_assignments(world):
    world.s1.locked = True
    world.s1.save()
    with pytest.raises(PermissionDenied):
        teaching.set_module_staff(actor=world.users["scolarite"], run=world.s1, module_code="R1.02",
                                  responsable_id=None, enseignant_ids=[])


def test_the_api_names_a_modules_teachers_for_the_managers_only(world, client):
    from delibe.api.tokens import create_token

    def call(username, method, url, body=None):
        _, token = create_token(username=username, name="tests")
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        if method == "get":
            return client.get(url, **headers)
        return client.put(url, data=json.dumps(body), content_type="application/json", **headers)

    url = f"/api/v1/semestres/{world.s1.pk}/enseignants"
    listed = call("responsable", "get", url).json()
    assert {"module": "R1.01", "titre": listed[0]["titre"], "responsable": None,
            "enseignants": ["enseignant"]} in listed
    body = {"responsable": "enseignant", "enseignants": []}
    assert call("scolarite", "put", f"{url}/R1.02", body).json()["responsable"] == "enseignant"
    assert call("enseignant", "put", f"{url}/R1.02", body).status_code == 403
    assert call("president", "get", url).status_code == 403
    assert call("autre", "put", f"{url}/R1.02", body).status_code == 404
    assert call("etudiant", "get", url).status_code == 404
    assert call("scolarite", "put", f"{url}/R1.02", {"responsable": "inconnu"}).status_code == 422
    assert call("scolarite", "put", f"{url}/R1.02", {"responsable": "president"}).status_code == 422


def test_the_modules_page_of_a_locked_semester_reads_without_forms(world, login):
    teaching.set_module_staff(actor=world.users["scolarite"], run=world.s1, module_code="R1.02",
                              responsable_id=world.users["enseignant"].pk, enseignant_ids=[])
    world.s1.locked = True
    world.s1.save()
    page = login("scolarite").get(f"/semestres/{world.s1.pk}/enseignements/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "verrouillé" in text and "<select" not in text


def test_a_role_other_than_administrator_needs_a_department(world):
    with pytest.raises(accounts.AccountError, match="Département : obligatoire"):
        accounts.create_account(actor=world.users["admin"], username="sans", email="sans@iut.example",
                                department_id=None, role=Role.ENSEIGNANT)
    with pytest.raises(accounts.AccountError, match="se donne dans un département"):
        accounts.grant_roles(actor=world.users["admin"], user=world.users["enseignant"], role=Role.PRESIDENT,
                             department_ids=[None])
    admin = accounts.create_account(actor=world.users["admin"], username="admin2", email="a2@iut.example",
                                    department_id=world.department.pk, role=Role.ADMIN)
    assert list(admin.memberships.values_list("department_id", "role")) == [(None, "admin")]


def test_the_account_page_shows_its_history_from_the_journal(world, login):
    target = world.users["enseignant"]
    accounts.grant_roles(actor=world.users["scolarite"], user=target, role=Role.PRESIDENT,
                         department_ids=[world.department.pk])
    accounts.set_active(actor=world.users["scolarite"], user=target, active=False, reason="fin de contrat")
    page = login("scolarite").get(f"/personnes/{target.pk}/").content.decode()
    assert "Rôle Président de jury donné à « enseignant » (mmi)" in page
    assert "Compte « enseignant » désactivé — fin de contrat" in page
