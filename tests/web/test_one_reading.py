"""A GET request reads each semester's averages once (issue 19, item 7: the recap and the checklist
computed the same year twice). Within ``one_reading`` a second computation takes the first's outcomes;
outside it, and in requests that write, every computation reads the database again."""

from __future__ import annotations

import re
from decimal import Decimal

from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from delibe.web.models import Grade
from delibe.web.services.calcul import compute_runs, one_reading

from .conftest import grade_whole_year


def _ue_averages(outcomes, world):
    return {pk: (o.ue_averages(world.alice.pk), o.ue_averages(world.bruno.pk)) for pk, o in outcomes.items()}


def test_within_one_reading_the_second_computation_reads_nothing_and_gives_the_same_averages(world):
    grade_whole_year(world, alice_average=12, bruno_average=9)
    runs = [world.s1, world.s2]
    with one_reading():
        first = compute_runs(runs)
        with CaptureQueriesContext(connection) as queries:
            second = compute_runs(runs, [world.alice.pk])
    assert len(queries) == 0
    assert second[world.s1.pk].ue_averages(world.alice.pk) == first[world.s1.pk].ue_averages(world.alice.pk)
    assert second[world.s1.pk].ue_averages(world.bruno.pk) == {}  # only the students asked for are shown
    assert first[world.s1.pk].ue_averages(world.bruno.pk)  # and the first reading still shows everyone


def test_outside_one_reading_a_changed_grade_is_seen_by_the_next_computation(world):
    grade_whole_year(world, alice_average=12, bruno_average=9)
    before = _ue_averages(compute_runs([world.s1]), world)
    Grade.objects.filter(student=world.alice, evaluation__semester=world.s1).update(  # as the services write
        value=Decimal(15), version=F("version") + 1)
    after = _ue_averages(compute_runs([world.s1]), world)
    assert after != before and set(after[world.s1.pk][0].values()) == {15.0}


def test_a_run_not_yet_read_in_the_block_is_read_from_the_database(world):
    grade_whole_year(world, alice_average=12, bruno_average=9)
    with one_reading():
        compute_runs([world.s1])
        with CaptureQueriesContext(connection) as queries:
            both = compute_runs([world.s1, world.s2])
    assert len(queries) > 0 and set(both) == {world.s1.pk, world.s2.pk}


def test_a_get_request_reads_the_averages_once_and_a_post_is_not_wrapped(world, monkeypatch):
    from delibe.web import middleware

    entered = []
    real = middleware.one_reading

    def spy():
        entered.append(True)
        return real()

    monkeypatch.setattr(middleware, "one_reading", spy)
    from django.http import HttpResponse
    from django.test import RequestFactory

    wrapped = middleware.OneReadingMiddleware(lambda request: HttpResponse("ok"))
    wrapped(RequestFactory().get("/"))
    assert entered == [True]
    wrapped(RequestFactory().post("/"))
    assert entered == [True]


def test_the_recap_page_computes_its_year_once(world, login):
    grade_whole_year(world, alice_average=12, bruno_average=9)
    client = login("scolarite")
    client.get(f"/semestres/{world.s2.pk}/recapitulatif/")  # the averages remembered by the process
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/semestres/{world.s2.pk}/recapitulatif/").status_code == 200
    # the check of a run's grades (one per computation of its averages): each run of the year once
    checked = [run for q in queries if 'SUM("delibe_grade"."version")' in q["sql"]
               for run in re.search(r'"semester_id" IN \(([\d, ]+)\)', q["sql"])[1].split(", ")]
    assert sorted(checked) == sorted([str(world.s1.pk), str(world.s2.pk)])


def test_the_collector_is_paused_while_a_request_is_served_and_enabled_again_after(world, login):
    import gc

    from django.http import HttpResponse

    from delibe.web.middleware import CollectorPauseMiddleware

    seen = []
    CollectorPauseMiddleware(lambda request: seen.append(gc.isenabled()) or HttpResponse())(None)
    assert seen == [False] and gc.isenabled()

    def fails(request):
        raise ValueError

    try:
        CollectorPauseMiddleware(fails)(None)
    except ValueError:
        pass
    assert gc.isenabled()
    assert login("scolarite").get("/").status_code == 200 and gc.isenabled()


def test_within_one_reading_a_run_s_attendance_effects_are_read_once(world):
    import datetime as dt

    from delibe.web.assiduite.models import AbsenceRecord, ReglementConfig
    from delibe.web.assiduite.services import attendance_effects

    ReglementConfig.objects.create(department=world.department, reference="RI art. 12", seuil_atj_actif=True,
                                   seuil_atj=2)
    for day in range(3):
        AbsenceRecord.objects.create(student=world.alice, semester=world.s1, date=dt.date(2023, 10, 2 + day),
                                     creneau="matin", module_code="R1.01")
    with one_reading():
        both = attendance_effects([world.s1, world.s2])
        with CaptureQueriesContext(connection) as queries:
            one = attendance_effects([world.s1])
    assert len(queries) == 0 and one == {world.s1.pk: both[world.s1.pk]} and both[world.s1.pk][world.alice.pk]
