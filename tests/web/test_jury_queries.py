"""The jury table and the grade save read the database in a fixed number of queries, whatever the number of
students (issue 5: a 300-student year; bench/web.py measures the time, this checks there is no query per
student or per cell). Counts only: no timing here."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .conftest import grade_whole_year


def _add_students(world, n: int) -> None:
    from delibe.web.models import Enrolment, Evaluation, Grade, Student

    students = [
        Student.objects.create(department=world.department, formation=world.version, parcours="Créa",
                               nip=f"90{i:03d}", nom=f"Nom{i:03d}", prenom="Test")
        for i in range(n)
    ]
    for run in (world.s1, world.s2):
        Enrolment.objects.bulk_create([Enrolment(student=s, semester=run, parcours="Créa")
                                       for s in students])
    evaluations = Evaluation.objects.filter(semester__in=[world.s1, world.s2])
    Grade.objects.bulk_create([
        Grade(evaluation=e, student=s, value=Decimal(7 + i % 8)) if i % 5 else
        Grade(evaluation=e, student=s, special="ABS")
        for e in evaluations for i, s in enumerate(students)
    ])


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("semestre", [1, 2])
def test_the_jury_table_makes_as_many_queries_for_12_students_as_for_2(world, login, semestre):
    grade_whole_year(world, alice_average=12, bruno_average=9)
    client = login("scolarite")
    url = f"/semestres/{(world.s1 if semestre == 1 else world.s2).pk}/jury/"
    client.get(url)  # the session, the formation: what a first request loads once
    few = _queries(client, url)
    _add_students(world, 10)
    cold = _queries(client, url)  # the averages computed again: one more query (the grades), not one per student
    many = _queries(client, url)
    assert cold == few + 1 and many == few
    assert few <= 20


def test_saving_one_grade_makes_a_fixed_number_of_queries(world, login, django_assert_max_num_queries):
    import json

    client = login("scolarite")
    url = f"/evaluations/{world.taught.pk}/note/"
    client.post(url, json.dumps({"student": world.alice.pk, "value": "12", "version": 0}),
                content_type="application/json")
    with django_assert_max_num_queries(14):
        response = client.post(url, json.dumps({"student": world.bruno.pk, "value": "13", "version": 0}),
                               content_type="application/json")
    assert response.status_code == 200
