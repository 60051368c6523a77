"""Saving grades: values on the evaluation's scale, special values, optimistic concurrency, locking."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from delibe.web.models import Grade
from delibe.web.services import grades


def save(world, raw, version=0, student=None, evaluation=None):
    return grades.save_grade(
        user=world.users["scolarite"], evaluation=evaluation or world.taught,
        student_id=(student or world.alice).pk, raw=raw, expected_version=version,
    )


def test_a_new_grade_is_saved_with_version_1_and_comma_decimals(world):
    state = save(world, "12,5")
    assert state.version == 1 and state.display == "12,5"
    assert Grade.objects.get(student=world.alice).value == Decimal("12.50")


def test_each_change_increments_the_version(world):
    save(world, "12")
    state = save(world, "13", version=1)
    assert state.version == 2
    assert Grade.objects.get(student=world.alice).version == 2


def test_a_stale_version_is_refused_and_the_current_value_kept(world):
    save(world, "12")
    save(world, "14", version=1)  # a colleague
    with pytest.raises(grades.StaleGrade) as caught:
        save(world, "9", version=1)
    assert caught.value.current.value == Decimal("14.00")
    assert Grade.objects.get(student=world.alice).value == Decimal("14.00")


def test_two_first_entries_of_the_same_cell_conflict(world):
    save(world, "12")
    with pytest.raises(grades.StaleGrade):
        save(world, "15", version=0)


@pytest.mark.parametrize("raw, message", [
    ("25", "entre 0 et 20"), ("-1", "entre 0 et 20"), ("douze", "n'est pas une note"), ("12,345", "deux décimales"),
])
def test_an_invalid_value_is_refused_with_a_clear_message(world, raw, message):
    with pytest.raises(grades.GradeRefused, match=message):
        save(world, raw)
    assert not Grade.objects.exists()


@pytest.mark.parametrize("raw, special", [("ABS", "ABS"), ("exc", "EXC"), (" att ", "ATT")])
def test_special_values_are_stored_without_a_number(world, raw, special):
    save(world, raw)
    grade = Grade.objects.get(student=world.alice)
    assert grade.special == special and grade.value is None


def test_an_empty_value_deletes_the_grade(world):
    save(world, "12")
    state = save(world, "", version=1)
    assert state.version == 0 and not Grade.objects.exists()


def test_a_grade_of_a_student_not_enrolled_is_refused(world):
    with pytest.raises(grades.GradeRefused, match="pas inscrit"):
        save(world, "12", student=world.other_student)


def test_a_locked_semester_refuses_grades(world):
    world.s1.locked = True
    world.s1.save()
    world.taught.refresh_from_db()
    with pytest.raises(grades.LockedError):
        save(world, "12")


def post_cell(client, evaluation, student, value, version):
    return client.post(
        f"/evaluations/{evaluation.pk}/note/",
        data=json.dumps({"student": student.pk, "value": value, "version": version}),
        content_type="application/json",
    )


def test_the_grid_endpoint_answers_409_with_the_current_value_for_a_stale_version(world, login):
    client = login("enseignant")
    assert post_cell(client, world.taught, world.alice, "12", 0).json() == {
        "student": world.alice.pk, "value": "12", "version": 1}
    assert post_cell(client, world.taught, world.alice, "13", 1).status_code == 200
    response = post_cell(client, world.taught, world.alice, "8", 1)
    assert response.status_code == 409
    assert response.json()["current"] == {"student": world.alice.pk, "value": "13", "version": 2}
    assert "modifiée entre-temps" in response.json()["error"]


def test_the_grid_endpoint_refuses_25_on_20_with_a_message_for_the_cell(world, login):
    response = post_cell(login("enseignant"), world.taught, world.alice, "25", 0)
    assert response.status_code == 400
    assert response.json()["error"] == "25 est hors de l'échelle : la note doit être entre 0 et 20."


def test_the_grid_endpoint_requires_the_csrf_token(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["enseignant"])
    assert post_cell(client, world.taught, world.alice, "12", 0).status_code == 403
