"""The API lists students in the same French order as the pages (delibe.collation): « ÉCUYER » with the
E, « de GAULLE » under G — and the pages of a long list are cut from that order."""

from __future__ import annotations

import pytest

from tests.web.conftest import move_to_group

pytestmark = pytest.mark.django_db


@pytest.fixture
def names(world):
    from delibe.web.models import Enrolment, Student

    for nip, nom in (("1003", "VINCENT"), ("1004", "ÉCUYER"), ("1005", "de GAULLE"), ("1006", "GIRARD")):
        student = Student.objects.create(department=world.department, formation=world.version, parcours="Créa",
                                         nip=nip, nom=nom, prenom="Test")
        Enrolment.objects.create(student=student, semester=world.s1, parcours="Créa")
        move_to_group(world.s1, student, "A")
    for student in (world.alice, world.bruno):
        move_to_group(world.s1, student, "A")
    return world


def test_the_students_list_is_in_french_order_and_paged_from_it(api, names):
    first = api("scolarite").get("/api/v1/etudiants?limit=3").json()
    rest = api("scolarite").get("/api/v1/etudiants?limit=3&offset=3").json()
    names_ = [s["nom"].upper() for s in first["items"] + rest["items"]]
    assert names_ == ["ALPHA", "BRAVO", "ÉCUYER", "DE GAULLE", "GIRARD", "VINCENT"]
    assert first["total"] == 6


def test_the_semesters_students_are_by_group_then_in_french_order(api, names):
    rows = api("scolarite").get(f"/api/v1/semestres/{names.s1.pk}/etudiants").json()
    assert [r["nom"].upper() for r in rows] == ["ALPHA", "BRAVO", "ÉCUYER", "DE GAULLE", "GIRARD", "VINCENT"]
