"""A bulletin built from the grade engine's results shows its averages unchanged, with ranks, the
cohort's distribution and, once the odd-semester jury has met, its UE codes."""

from __future__ import annotations

from functools import cache

import jsonschema

from delibe.engine.jury import Cursus, deliberate_semestre
from delibe.engine.moyennes import ABS, Evaluation, SemesterSpec, StudentGrades, compute_semester
from delibe.reports import adapters, bulletin, examples
from delibe.reports.data import Identite
from tests.reports.conftest import FORMATION


@cache
def semester():  # type: ignore[no-untyped-def]  # the return type is the engine's, imported late
    from delibe.formations import load_formation

    formation = load_formation(FORMATION)
    modules = formation.modules_of(1, "Créa")
    evaluations = [Evaluation(f"{m.code}-ds", m.code, coefficient=2) for m in modules] + [
        Evaluation(f"{m.code}-tp", m.code, coefficient=1) for m in modules]
    spec = SemesterSpec.from_formation(formation, 1, "Créa", evaluations)
    students = [
        StudentGrades("a", {e.id: 14.0 for e in evaluations}),
        StudentGrades("b", {e.id: (ABS if e.id.endswith("-tp") else 9.0) for e in evaluations}),
        StudentGrades("c", {e.id: 11.0 for e in evaluations}),
    ]
    return formation, spec, compute_semester(spec, students)


def test_bulletin_copies_the_engine_averages_and_ranks_the_student_in_the_cohort() -> None:
    formation, spec, results = semester()
    data = adapters.bulletin_from_semester(examples.CONFIG, formation, results, "c", Identite("C", "c"),
                                           evaluations={f"{spec.modules[0].code}-ds": ("Devoir surveillé",
                                                                                       "2024-10-14")})
    assert [u.code for u in data.ues] == list(results.ue_codes)
    for u in data.ues:
        assert u.moyenne == results.ue_average("c", u.code)
        assert (u.rang, u.effectif) == (2, 3)
        for m in u.modules:
            assert m.moyenne == results.module_average("c", m.code, u.code)
    first = data.modules[0]
    assert first.evaluations[0].description == "Devoir surveillé" and first.evaluations[0].date == "2024-10-14"
    assert sorted(first.distribution) == sorted(results.module_means[:, 0].tolist())
    assert data.date_jury is None and all(u.decision is None for u in data.ues)


def test_absent_is_shown_as_abs_counting_zero() -> None:
    formation, _spec, results = semester()
    data = adapters.bulletin_from_semester(examples.CONFIG, formation, results, "b", Identite("B", "b"))
    tp = [e for m in data.modules for e in m.evaluations if e.description.endswith("-tp")]
    assert tp and all(e.valeur == "ABS" and e.note == 0.0 for e in tp)


def test_odd_semester_jury_codes_appear_with_the_ects_acquired() -> None:
    formation, _spec, results = semester()
    jury = deliberate_semestre(formation, Cursus("Créa", ()), 1, results.ue_averages_of("a"))
    data = adapters.bulletin_from_semester(examples.CONFIG, formation, results, "a", Identite("A", "a"), jury=jury,
                                           date_jury="2025-01-23")
    assert [u.decision.code for u in data.ues] == [jury.ues[u.code].decided for u in data.ues]
    assert data.ects_acquis == sum(r.ects for r in jury.ues.values() if r.acquise)
    schema = bulletin.schema()
    jsonschema.Draft202012Validator(schema).validate(bulletin.to_dict(data))
    html = bulletin.to_html(data)
    assert "Au semestre impair" in html
