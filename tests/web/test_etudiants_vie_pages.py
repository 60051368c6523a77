"""The student's life on the web: pages, forms with French errors naming the field, and the permission
matrix (scolarité and administrator may; responsable, enseignant, président, a student and another
department's scolarité may not)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from delibe.web.audit.models import AuditEntry
from delibe.web.models import Enrolment, Grade, Student

ROLES = ("admin", "scolarite", "responsable", "enseignant", "president", "etudiant", "autre", "anonyme")
ALLOWED = {"admin", "scolarite"}


def _bruno_s1(w):
    return Enrolment.objects.get(student=w.bruno, semester=w.s1)


ACTIONS = {
    "ouvrir la page de gestion": ("get", lambda w: f"/etudiants/{w.bruno.pk}/gerer/", None, 200),
    "corriger l'identité": ("post", lambda w: f"/etudiants/{w.bruno.pk}/gerer/",
                            lambda w: {"identite-nip": "1002", "identite-nom": "Bravo-Corrigé",
                                       "identite-prenom": "Test"}, 302),
    "enregistrer une démission": ("post", lambda w: f"/etudiants/{w.bruno.pk}/inscriptions/{_bruno_s1(w).pk}/etat/",
                                  lambda w: {f"sortie-{_bruno_s1(w).pk}-code": "DEM",
                                             f"sortie-{_bruno_s1(w).pk}-date": "2023-12-01"}, 302),
    "désinscrire": ("post", lambda w: f"/etudiants/{w.bruno.pk}/inscriptions/{_bruno_s1(w).pk}/desinscrire/",
                    lambda w: {}, 302),
    "ajouter un étudiant (page)": ("get", lambda w: f"/semestres/{w.s1.pk}/etudiants/ajouter/", None, 200),
    "ajouter un étudiant": ("post", lambda w: f"/semestres/{w.s1.pk}/etudiants/ajouter/",
                            lambda w: {"nip": "7100", "nom": "Main", "prenom": "Ajout", "parcours": "Créa",
                                       "avant_inscription": "EXC"}, 302),
}
DENIED = {"responsable": 403, "enseignant": 403, "president": 403, "etudiant": 404, "autre": 404}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_only_the_departments_scolarite_and_an_administrator_manage_a_students_life(world, login, role, action):
    method, url, data, ok = ACTIONS[action]
    client = login(role)
    before = (Student.objects.count(), Enrolment.objects.count(), AuditEntry.objects.count())
    response = getattr(client, method)(url(world), data(world) if data else None)
    if role == "anonyme":
        assert response.status_code == 302 and "connexion" in response["Location"]
    elif role in ALLOWED:
        assert response.status_code == ok, response.content[:500]
    else:
        assert response.status_code == DENIED[role]
    if role not in ALLOWED:
        assert (Student.objects.count(), Enrolment.objects.count(), AuditEntry.objects.count()) == before


def test_the_student_page_links_to_management_for_scolarite_only(world, login):
    assert b'id="gerer-etudiant"' in login("scolarite").get(f"/etudiants/{world.bruno.pk}/").content
    assert b'id="gerer-etudiant"' not in login("responsable").get(f"/etudiants/{world.bruno.pk}/").content


def test_a_demission_from_the_page_is_recorded_with_its_date_and_shown(world, login):
    client = login("scolarite")
    e = _bruno_s1(world)
    response = client.post(f"/etudiants/{world.bruno.pk}/inscriptions/{e.pk}/etat/",
                           {f"sortie-{e.pk}-code": "DEM", f"sortie-{e.pk}-date": "2023-12-01",
                            f"sortie-{e.pk}-motif": "courrier"}, follow=True)
    assert "démission enregistrée" in response.content.decode() or "démission" in response.content.decode()
    e.refresh_from_db()
    assert (e.etat, e.etat_le.isoformat()) == ("DEM", "2023-12-01")


def test_a_demission_without_date_is_refused_with_the_field_named(world, login):
    client = login("scolarite")
    e = _bruno_s1(world)
    response = client.post(f"/etudiants/{world.bruno.pk}/inscriptions/{e.pk}/etat/",
                           {f"sortie-{e.pk}-code": "DEM", f"sortie-{e.pk}-date": ""})
    assert response.status_code == 400
    assert "date de la démission ou de la défaillance est obligatoire" in response.content.decode()
    e.refresh_from_db()
    assert e.etat == "I"


def test_unenrolling_a_student_with_grades_asks_for_confirmation_and_a_reason(world, login):
    Grade.objects.create(evaluation=world.taught, student=world.bruno, value=Decimal(11))
    client = login("scolarite")
    e = _bruno_s1(world)
    url = f"/etudiants/{world.bruno.pk}/inscriptions/{e.pk}/desinscrire/"
    response = client.post(url, {})
    assert response.status_code == 400 and "la désinscription les supprimerait" in response.content.decode()
    assert Enrolment.objects.filter(pk=e.pk).exists()
    response = client.post(url, {f"desinscrire-{e.pk}-confirmer": "on", f"desinscrire-{e.pk}-motif": "doublon"})
    assert response.status_code == 302 and not Enrolment.objects.filter(pk=e.pk).exists()


def test_adding_a_student_with_an_unknown_group_names_the_field(world, login):
    world.s1.groupes = ["A", "B"]
    world.s1.save()
    response = login("scolarite").post(f"/semestres/{world.s1.pk}/etudiants/ajouter/", {
        "nip": "7200", "nom": "N", "prenom": "P", "parcours": "Créa", "groupe": "Z", "avant_inscription": "EXC"})
    assert response.status_code == 400
    assert "Groupe « Z » inconnu" in response.content.decode()
    assert not Student.objects.filter(nip="7200").exists()


def test_the_identity_correction_shows_old_and_new_values(world, login):
    response = login("scolarite").post(f"/etudiants/{world.bruno.pk}/gerer/", {
        "identite-nip": "1002", "identite-nom": "Bravo", "identite-prenom": "Théo"}, follow=True)
    assert "prénom « Test » → « Théo »" in response.content.decode()
