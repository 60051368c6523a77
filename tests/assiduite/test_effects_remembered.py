"""The attendance effects of a year are remembered under their whole input (issue 19, item 7: the jury table
of 600 students counted every absence of the year at each reload). Each change of that input — an absence
recorded or removed, a justification validated, the rules changed — gives the effects computed from nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from delibe.web.assiduite import services
from delibe.web.assiduite.models import AbsenceRecord, JustificationRecord

from .test_penalties import D, absent, averages, penalty_rule


@pytest.fixture
def graded(world):
    from tests.web.conftest import grade_whole_year

    grade_whole_year(world, alice_average=12, bruno_average=9)
    services._effects_cache.clear()
    return world


def effects(world):
    return services.attendance_effects([world.s1]).get(world.s1.pk, {})


def from_nothing(world):
    services._effects_cache.clear()
    return effects(world)


def test_a_second_reading_of_unchanged_absences_gives_the_same_effects_without_counting_again(graded, monkeypatch):
    penalty_rule(graded)
    absent(graded, graded.alice, 3)
    first = effects(graded)
    assert first[graded.alice.pk]
    monkeypatch.setattr(services.engine, "count_absences", lambda *a: pytest.fail("counted again"))
    assert effects(graded) == first


def test_an_absence_recorded_after_a_reading_changes_the_effects(graded):
    penalty_rule(graded)
    absent(graded, graded.alice, 2)
    before = effects(graded)
    AbsenceRecord.objects.create(student=graded.alice, semester=graded.s1, date=D + dt.timedelta(days=20),
                                 creneau="matin", module_code="R1.01")
    after = effects(graded)
    assert after != before and after == from_nothing(graded)


def test_an_absence_removed_or_changed_in_place_changes_the_effects(graded):
    penalty_rule(graded)
    absent(graded, graded.alice, 4)
    before = effects(graded)
    AbsenceRecord.objects.filter(student=graded.alice).order_by("pk").first().delete()
    fewer = effects(graded)
    assert fewer != before and fewer == from_nothing(graded)
    AbsenceRecord.objects.filter(student=graded.alice).update(nature="retard")  # e.g. through the admin
    assert effects(graded) == from_nothing(graded) != fewer


def test_a_justification_validated_after_a_reading_lifts_the_penalty(graded):
    penalty_rule(graded)
    absent(graded, graded.alice, 4)
    justification = JustificationRecord.objects.create(student=graded.alice, debut=D, fin=D + dt.timedelta(days=10),
                                                       motif="Arrêt maladie", statut="soumise")
    assert effects(graded)[graded.alice.pk]
    justification.statut = "validee"
    justification.save()
    assert graded.alice.pk not in effects(graded)
    assert set(averages(graded, graded.alice).values()) == {12.0}


def test_rules_changed_after_a_reading_change_the_effects(graded):
    rule = penalty_rule(graded, points=0.2, franchise=1, plafond=2)
    absent(graded, graded.alice, 4)
    before = effects(graded)
    rule.penalite_points = 0.3
    rule.save()
    after = effects(graded)
    assert after != before and after == from_nothing(graded)


def test_the_remembered_effects_cannot_be_changed_by_their_reader(graded):
    penalty_rule(graded)
    absent(graded, graded.alice, 3)
    effects(graded).clear()
    services.attendance_effects([graded.s1])[graded.s1.pk].clear()
    assert effects(graded) == from_nothing(graded) != {}
