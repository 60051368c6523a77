"""The main pages and API reads read the database in a number of queries that does not grow with the
number of students (issue 19, item 7: a whole university on one installation; bench/universite.py measures
the time at 12,000 students on PostgreSQL, this checks there is no query per student, grade or absence).

Each page is read with 10 students in the year, then with 40: the two counts must be equal (a page may
read a few more rows, never make more queries). Counts only: no timing here."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext


def _add_students(world, n: int, start: int) -> None:
    """``n`` more students in S1 and S2, each with a grade in every evaluation, a group, an absence and a
    justification: every kind of row a page may read per student."""
    from delibe.web.assiduite.models import AbsenceRecord, JustificationRecord, JustificationStatus
    from delibe.web.models import Enrolment, Evaluation, Grade, GroupMembership, Student
    from delibe.web.services.groupes import DEFAULT_PARTITION, ensure_groupe

    students = Student.objects.bulk_create([
        Student(department=world.department, formation=world.version, parcours="Créa", nip=f"90{i:04d}",
                nom=f"Nom{i:04d}", prenom="Test")
        for i in range(start, start + n)
    ])
    for run in (world.s1, world.s2):
        groupe, _ = ensure_groupe(run, DEFAULT_PARTITION, "A")
        enrolments = Enrolment.objects.bulk_create([Enrolment(student=s, semester=run, parcours="Créa")
                                                    for s in students])
        GroupMembership.objects.bulk_create([GroupMembership(enrolment=e, partition=groupe.partition, groupe=groupe)
                                             for e in enrolments])
    evaluations = Evaluation.objects.filter(semester__in=[world.s1, world.s2])
    Grade.objects.bulk_create([
        Grade(evaluation=e, student=s, value=Decimal(7 + i % 8)) if i % 5 else
        Grade(evaluation=e, student=s, special="ABS")
        for e in evaluations for i, s in enumerate(students)
    ])
    AbsenceRecord.objects.bulk_create([
        AbsenceRecord(student=s, semester=world.s1, date=dt.date(2023, 10, 2 + i % 5), creneau="matin",
                      module_code="R1.01")
        for i, s in enumerate(students)
    ])
    JustificationRecord.objects.bulk_create([
        JustificationRecord(student=s, debut=dt.date(2023, 10, 2), fin=dt.date(2023, 10, 6), motif="Arrêt maladie",
                            statut=JustificationStatus.SOUMISE if i % 2 else JustificationStatus.VALIDEE)
        for i, s in enumerate(students)
    ])


def _count(client, url: str, **headers) -> int:
    client.get(url, **headers)  # what a first request loads once (session, formation, averages cache)
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, **headers)
    if response.status_code != 200:
        return -response.status_code
    return len(context.captured_queries)


def _pages(world) -> list[tuple[str, str]]:
    s1, s2, dep = world.s1.pk, world.s2.pk, world.department.pk
    return [
        ("scolarite", "/"),
        ("scolarite", "/etudiants/"),
        ("scolarite", "/etudiants/?q=Nom"),
        ("scolarite", f"/etudiants/{world.alice.pk}/"),
        ("scolarite", f"/semestres/{s1}/"),
        ("scolarite", f"/semestres/{s2}/"),
        ("scolarite", f"/semestres/{s1}/jury/"),
        ("scolarite", f"/semestres/{s2}/jury/"),
        ("scolarite", f"/semestres/{s2}/recapitulatif/"),
        ("scolarite", f"/semestres/{s2}/recapitulatif.xlsx"),
        ("scolarite", f"/semestres/{s2}/recapitulatif.csv"),
        ("scolarite", f"/semestres/{s1}/groupes/"),
        ("scolarite", f"/semestres/{s2}/statistiques/"),
        ("scolarite", f"/departements/{dep}/cohortes/"),
        ("scolarite", f"/departements/{dep}/annees/"),
        ("scolarite", f"/documents/semestres/{s2}/"),
        ("scolarite", f"/documents/etudiants/{world.alice.pk}/"),
        ("scolarite", f"/documents/semestres/{s2}/etudiants/{world.alice.pk}/bulletin/"),
        ("scolarite", f"/journal/semestres/{s1}/"),
        ("scolarite", f"/journal/etudiants/{world.alice.pk}/"),
        ("scolarite", f"/assiduite/semestres/{s1}/appel/"),
        ("scolarite", "/assiduite/justificatifs/"),
        ("scolarite", f"/assiduite/departements/{dep}/rapports/"),
        ("scolarite", f"/courriels/semestres/{s2}/"),
        ("scolarite", f"/semestres/{s1}/enseignements/"),
        ("responsable", f"/departements/{dep}/reglages/"),
        ("scolarite", "/personnes/"),
        ("enseignant", "/"),
        ("enseignant", f"/evaluations/{world.taught.pk}/saisie/"),
        ("enseignant", f"/evaluations/{world.taught.pk}/feuille.xlsx"),
        ("enseignant", f"/journal/evaluations/{world.taught.pk}/"),
        ("president", f"/semestres/{s2}/jury/"),
        ("president", f"/semestres/{s2}/jury/etudiants/{world.alice.pk}/"),
        ("etudiant", "/"),
        ("etudiant", "/mes-resultats/"),
        ("etudiant", f"/documents/etudiants/{world.alice.pk}/"),
    ]


def _api(world) -> list[str]:
    s1, s2 = world.s1.pk, world.s2.pk
    return [
        "/api/v1/etudiants", f"/api/v1/etudiants/{world.alice.pk}",
        f"/api/v1/etudiants/{world.alice.pk}/bulletins/{s2}",
        "/api/v1/semestres", f"/api/v1/semestres/{s1}", f"/api/v1/semestres/{s1}/etudiants",
        f"/api/v1/semestres/{s1}/inscriptions", f"/api/v1/semestres/{s1}/evaluations",
        f"/api/v1/semestres/{s1}/enseignants", f"/api/v1/semestres/{s2}/jury",
        f"/api/v1/semestres/{s2}/jury/checklist", f"/api/v1/evaluations/{world.taught.pk}",
        f"/api/v1/evaluations/{world.taught.pk}/notes",
    ]


def _all_counts(world, login, token: str) -> dict[str, int]:
    from django.test import Client

    counts = {}
    for role, url in _pages(world):
        client = login(role)
        counts[f"{role} {url}"] = _count(client, url)
        client.logout()
    api = Client()
    for url in _api(world):
        counts[f"api {url}"] = _count(api, url, HTTP_AUTHORIZATION=f"Bearer {token}")
    return counts


@pytest.fixture
def university_world(graded):
    from delibe.api.tokens import create_token
    from delibe.web.models import Evaluation

    graded.taught = Evaluation.objects.get(semester=graded.s1, module_code="R1.01")  # taught by « enseignant »
    _add_students(graded, 10, 0)
    _, token = create_token(username="scolarite", name="lecture")
    return graded, token


def test_no_page_or_api_read_makes_more_queries_for_40_students_than_for_10(university_world, login):
    world, token = university_world
    few = _all_counts(world, login, token)
    _add_students(world, 30, 100)
    many = _all_counts(world, login, token)
    refused = {page: -n for page, n in many.items() if n < 0}
    assert refused == {}, refused
    grown = {page: (few[page], many[page]) for page in few if many[page] > few[page]}
    assert grown == {}, "\n".join(f"{page}: {a} → {b} requêtes" for page, (a, b) in grown.items())


def test_the_dashboards_group_counts_read_each_students_groups_partition_by_partition(world):
    """``group_counts`` reads values, not models: it still says « TD A, TP A1 » as ``Enrolment.groupe`` does."""
    from delibe.web.models import Enrolment
    from delibe.web.selectors.groupes import with_groups
    from delibe.web.selectors.semestres import group_counts
    from delibe.web.services.groupes import place

    alice = Enrolment.objects.get(student=world.alice, semester=world.s1)
    place(alice, "A1", "TP")
    place(alice, "A", "TD")
    expected: dict[str, int] = {}
    for enrolment in with_groups(Enrolment.objects.filter(semester=world.s1)):
        expected[enrolment.groupe or "—"] = expected.get(enrolment.groupe or "—", 0) + 1
    assert group_counts(world.s1) == dict(sorted(expected.items()))
    assert len(group_counts(world.s1)) == 2  # Alice in three partitions, Bruno in one
