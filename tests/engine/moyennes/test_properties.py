"""Properties: the vectorised engine equals the reference one on random cohorts, and the invariants hold."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from delibe.engine.moyennes import (
    ABS,
    EvaluationType,
    GradeTable,
    SemesterResults,
    StudentGrades,
    compute_semester,
    compute_semester_reference,
)
from tests.engine.moyennes.strategies import cohorts

FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_same(a: SemesterResults, b: SemesterResults) -> None:
    assert a.students == b.students
    for name in ("ue_averages", "ue_computed", "module_averages", "module_means"):
        x, y = getattr(a, name), getattr(b, name)
        assert x.shape == y.shape, name
        assert np.array_equal(np.isnan(x), np.isnan(y)), name
        np.testing.assert_allclose(x, y, rtol=1e-9, atol=1e-9, equal_nan=True, err_msg=name)
    assert np.array_equal(a.provisional_mask, b.provisional_mask)
    assert a.complete == b.complete


@FAST
@given(cohorts())
def test_the_vectorised_engine_gives_exactly_what_the_reference_gives(cohort):
    spec, students = cohort
    assert_same(compute_semester(spec, students), compute_semester_reference(spec, students))


@FAST
@given(cohorts())
def test_a_grade_table_gives_the_same_results_as_student_objects(cohort):
    spec, students = cohort
    table = GradeTable.from_students(spec, students)
    assert_same(compute_semester(spec, table), compute_semester(spec, students))
    assert_same(compute_semester_reference(spec, table), compute_semester(spec, students))


@FAST
@given(cohorts())
def test_every_average_is_between_0_and_20_or_undefined(cohort):
    spec, students = cohort
    results = compute_semester(spec, students)
    for array in (results.ue_averages, results.ue_computed, results.module_averages, results.module_means):
        defined = array[~np.isnan(array)]
        assert ((defined >= 0) & (defined <= 20 + 1e-12)).all()


def raisable(spec, student: StudentGrades):
    """(evaluation, value) pairs whose grade can be raised: a number anywhere, or ABS in a normal evaluation
    (ABS at a rattrapage or session 2 is no grade, and a session 2 grade replaces a possibly better average:
    turning it into a number is not "raising" it)."""
    out = []
    for e in spec.evaluations:
        v = student.values.get(e.id)
        if isinstance(v, float) and v < e.note_max:
            out.append((e, v))
        elif v is ABS and e.type is EvaluationType.NORMALE:
            out.append((e, 0.0))
    return out


@FAST
@given(cohorts(), st.data())
def test_raising_one_grade_never_lowers_a_ue_or_module_average(cohort, data):
    spec, students = cohort
    i = data.draw(st.integers(0, len(students) - 1))
    candidates = raisable(spec, students[i])
    if not candidates:
        return
    e, old = data.draw(st.sampled_from(candidates))
    new = data.draw(st.floats(min_value=old, max_value=e.note_max).filter(lambda x: x > old))
    raised = list(students)
    raised[i] = dataclasses.replace(students[i], values={**students[i].values, e.id: new})
    before, after = compute_semester(spec, students), compute_semester(spec, raised)
    for name in ("ue_averages", "module_averages", "module_means"):
        b, a = getattr(before, name)[i], getattr(after, name)[i]
        assert np.array_equal(np.isnan(b), np.isnan(a)), name  # a value present stays present
        assert (np.nan_to_num(a) >= np.nan_to_num(b) - 1e-9).all(), name
    others = [k for k in range(len(students)) if k != i]
    np.testing.assert_array_equal(before.ue_averages[others], after.ue_averages[others])


@FAST
@given(cohorts(), st.data())
def test_permuting_students_permutes_their_results(cohort, data):
    spec, students = cohort
    order = data.draw(st.permutations(range(len(students))))
    results = compute_semester(spec, students)
    permuted = compute_semester(spec, [students[k] for k in order])
    np.testing.assert_array_equal(permuted.ue_averages, results.ue_averages[list(order)])
    np.testing.assert_array_equal(permuted.provisional_mask, results.provisional_mask[list(order)])


@settings(max_examples=60, deadline=None)
@given(cohorts())
def test_every_explanation_gives_the_average_it_explains(cohort):
    spec, students = cohort
    results = compute_semester(spec, students)
    for s in students:
        for ue in spec.ue_codes:
            explanation = results.explain_ue(s.student_id, ue)
            value = results.ue_average(s.student_id, ue)
            assert (explanation.average is None) == (value is None)
            if value is not None:
                assert math.isclose(explanation.average, value, rel_tol=1e-9, abs_tol=1e-9)
            counted = [t for t in explanation.terms if t.counted]
            assert math.isclose(sum(t.coefficient for t in counted), explanation.denominator, abs_tol=1e-9)
            assert explanation.as_dict()["ue"] == ue
        for m in spec.module_codes:
            x = results.explain_module(s.student_id, m, None)
            assert (x.average is None) == (results.module_average(s.student_id, m) is None)


@FAST
@given(cohorts(with_bonus=True))
def test_bonus_rules_give_the_same_points_one_by_one_and_as_arrays(cohort):
    spec, students = cohort
    results = compute_semester(spec, students)
    for rule in spec.bonus:
        k = spec.module_codes.index(rule.module)
        array = rule.points_array(results.module_means[:, k], spec.ue_codes)
        for i in range(len(students)):
            avg = results.module_means[i, k]
            one = rule.points(None if np.isnan(avg) else float(avg), spec.ue_codes)
            assert list(one.values()) == list(array[i])


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_processing_students_in_small_chunks_changes_nothing(data):
    from delibe.engine.moyennes import vectorised
    from tests.engine.moyennes.strategies import specs, students_for

    spec = data.draw(specs())
    students = data.draw(students_for(spec, min_size=4, max_size=9))
    whole = compute_semester(spec, students)
    saved = vectorised.CHUNK
    vectorised.CHUNK = 3
    try:
        chunked = compute_semester(spec, students)
    finally:
        vectorised.CHUNK = saved
    assert_same(chunked, whole)
    assert_same(chunked, compute_semester_reference(spec, students))
