"""Every list of students is in French order (delibe.collation): « ÉCUYER » with the E, « de GAULLE »
under G — the jury table, the récapitulatif and its CSV, the PV, the grade grid, the roll call, the list."""

from __future__ import annotations

import pytest

from delibe.web.models import Enrolment, Student
from tests.web.conftest import move_to_group

EXPECTED = ["ALPHA", "BRAVO", "ÉCUYER", "de GAULLE", "GIRARD", "VINCENT"]


@pytest.fixture
def names(world):
    for nip, nom in (("1003", "VINCENT"), ("1004", "ÉCUYER"), ("1005", "de GAULLE"), ("1006", "GIRARD")):
        student = Student.objects.create(department=world.department, formation=world.version, parcours="Créa",
                                         nip=nip, nom=nom, prenom="Test")
        for run in (world.s1, world.s2):
            Enrolment.objects.create(student=student, semester=run, parcours="Créa")
            move_to_group(run, student, "A")
    return world


def order_in(text: str) -> list[str]:
    """The expected names in the order they appear in ``text`` (case-insensitive)."""
    upper = text.upper()
    return sorted(EXPECTED, key=lambda n: upper.index(n.upper()))


def test_the_jury_table_lists_students_in_french_order(names):
    from delibe.web.selectors.semestres import jury_table

    assert [r.student.nom.upper() for r in jury_table(names.s2, with_reasons=False).rows] == [
        n.upper() for n in EXPECTED]


def test_the_grade_grid_and_the_roll_call_list_students_in_french_order(names, login):
    from delibe.web.selectors.semestres import grid_rows

    assert [r.student.nom for r in grid_rows(names.taught)] == ["Alpha", "Bravo", *EXPECTED[2:]]
    html = login("enseignant").get(
        f"/assiduite/semestres/{names.s1.pk}/appel/?groupe=A&module=R1.01&date=2023-10-10&creneau=matin"
    ).content.decode()
    assert order_in(html[html.index("<tbody"):]) == EXPECTED


def test_the_recap_its_csv_and_the_student_list_are_in_french_order(names, login):
    client = login("scolarite")
    page = client.get(f"/semestres/{names.s2.pk}/recapitulatif/").content.decode()
    assert order_in(page[page.index("<tbody"):]) == EXPECTED
    csv = client.get(f"/semestres/{names.s2.pk}/recapitulatif.csv").content.decode("utf-8-sig", "replace")
    assert order_in(csv) == EXPECTED
    listing = client.get("/etudiants/?q=").content.decode()
    assert order_in(listing[listing.index("<main"):]) == EXPECTED


def test_the_pv_lists_students_in_french_order(names):
    from delibe.web.services.documents import pv_data

    rows = pv_data(names.s2).rows
    assert [r.etudiant.nom.upper() for r in rows] == [n.upper() for n in EXPECTED]
