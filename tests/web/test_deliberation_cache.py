"""The engine's deliberation of a cursus is remembered between requests under its own inputs
(``services.calcul._deliberate_remembered``, issue 19 item 7): a reload of a 600-student year jury does
not deliberate again the students it already did. A stale result can never be shown: after each kind of
change (a grade, a pending grade, a jury decision, a departure, a parcours, the rules, the formation),
the table read with the cache warm is the table computed from nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from .conftest import grade_whole_year


def _forget() -> None:
    from delibe.web.services import calcul

    calcul._deliberation_cache.clear()
    calcul._outcome_cache.clear()


def _table(run) -> list[tuple]:
    """What a jury table says, cell by cell, with the reasons (every student through ``deliberate``)."""
    from delibe.web.selectors.semestres import jury_table

    table = jury_table(run, with_reasons=True)
    return [
        (row.student.pk, row.error, [
            None if c is None else (c.level, c.key, c.moyenne, c.proposed, c.decided, c.provisional, c.incomplet,
                                    [r["text"] for r in c.reasons])
            for c in [*row.ues, *row.rcues, row.annee]
        ])
        for row in table.rows
    ]


def _warm_equals_fresh(run) -> list[tuple]:
    warm = _table(run)
    _forget()
    fresh = _table(run)
    assert warm == fresh
    return warm


def _change_a_grade(world) -> None:
    from delibe.web.models import Grade

    grade = Grade.objects.filter(student=world.bruno, evaluation__semester=world.s2).first()
    grade.value = Decimal(17)
    grade.version += 1
    grade.save()


def _a_grade_pending(world) -> None:
    from delibe.web.models import Grade

    grade = Grade.objects.filter(student=world.bruno, evaluation__semester=world.s2).first()
    grade.value, grade.special = None, "ATT"
    grade.version += 1
    grade.save()


def _a_decision(world) -> None:
    from delibe.web.services.jury import record_decision

    record_decision(user=world.users["president"], run=world.s2, student=world.bruno, level="annee", key="BUT1",
                    code="PASD", reason="Progression régulière au second semestre")


def _a_departure(world) -> None:
    from delibe.web.models import Enrolment

    Enrolment.objects.filter(student=world.bruno, semester=world.s2).update(etat="DEM", etat_le=dt.date(2024, 3, 1))


def _an_evaluation_added(world) -> None:
    from delibe.web.models import Evaluation, Grade

    module = Evaluation.objects.filter(semester=world.s2).first().module_code
    evaluation = Evaluation.objects.create(semester=world.s2, module_code=module, titre="Rattrapage", note_max=20,
                                           coefficient=Decimal(3))
    Grade.objects.bulk_create([Grade(evaluation=evaluation, student=s, value=Decimal(20))
                               for s in (world.alice, world.bruno)])


CHANGES = {
    "une note": _change_a_grade,
    "une note en attente": _a_grade_pending,
    "une décision du jury": _a_decision,
    "une démission": _a_departure,
    "une évaluation ajoutée": _an_evaluation_added,
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_after_each_kind_of_change_the_remembered_table_is_the_table_computed_from_nothing(world, change):
    grade_whole_year(world, alice_average=12, bruno_average=9.5)
    _forget()
    before = _warm_equals_fresh(world.s2)
    _table(world.s2)  # the cache now holds every student's deliberation
    change(world)
    after = _warm_equals_fresh(world.s2)
    assert after != before


def test_a_reload_does_not_deliberate_the_same_cursus_again(world, monkeypatch):
    import delibe.engine.jury as engine_jury

    grade_whole_year(world, alice_average=12, bruno_average=9.5)
    _forget()
    calls = []
    real = engine_jury.deliberate
    monkeypatch.setattr(engine_jury, "deliberate", lambda *a, **k: calls.append(1) or real(*a, **k))
    first = _table(world.s2)
    assert len(calls) == 2  # Alice and Bruno
    assert _table(world.s2) == first
    assert len(calls) == 2  # nothing deliberated again
    _change_a_grade(world)
    _table(world.s2)
    assert len(calls) == 3  # Bruno only


def test_other_rules_or_another_formation_are_other_keys(world):
    from delibe.engine.jury import YearAttempt
    from delibe.engine.parameters import DEFAULT_REGLES
    from delibe.web.services import calcul
    from delibe.web.services.formations import formation_model

    _forget()
    formation = formation_model(world.version)
    year = YearAttempt(annee=1, ue_moyennes={u.code: 10.5 for u in formation.ues_of(1, "Créa") + formation.ues_of(2, "Créa")})
    plain = calcul._deliberate_remembered(formation, "Créa", [year], DEFAULT_REGLES)
    assert calcul._deliberate_remembered(formation, "Créa", [year], DEFAULT_REGLES) is plain
    stricter = DEFAULT_REGLES.with_values(barre_rcue=12)
    other = calcul._deliberate_remembered(formation, "Créa", [year], stricter)
    assert other is not plain and other.years[0].annee.proposed != plain.years[0].annee.proposed
    from delibe.web.services.formations import _parse

    twin = _parse(world.version.yaml_text, world.version.slug)  # another object (another version): not its results
    assert calcul._deliberate_remembered(twin, "Créa", [year], DEFAULT_REGLES) is not plain


def test_a_deliberation_that_asked_for_an_exact_average_is_not_remembered(world):
    from fractions import Fraction

    from delibe.engine.jury import YearAttempt
    from delibe.engine.parameters import DEFAULT_REGLES
    from delibe.web.services import calcul
    from delibe.web.services.formations import formation_model

    _forget()
    formation = formation_model(world.version)
    codes = [u.code for u in formation.ues_of(1, "Créa") + formation.ues_of(2, "Créa")]
    near = 9.995  # every RCUE at the bar minus the tolerance: the engine asks for the exact averages
    year = YearAttempt(annee=1, ue_moyennes=dict.fromkeys(codes, near),
                       exact_ue_moyenne=lambda code: Fraction(9995, 1000))
    calcul._deliberate_remembered(formation, "Créa", [year], DEFAULT_REGLES)
    assert not calcul._deliberation_cache


def test_every_field_of_the_engines_year_inputs_changes_the_key_fields_added_later_included():
    """The key is read from the dataclasses' fields: changing any compared field of a year or of its jury
    decisions gives another key (a field added to the engine later is in the key without a code change)."""
    import dataclasses

    from delibe.engine.jury.model import JuryDecisions, YearAttempt
    from delibe.engine.parameters import DEFAULT_REGLES
    from delibe.web.services.calcul import _deliberation_key

    formation = object()
    jury = JuryDecisions(annee="ADM", ue={"UE1.1": "ADM"}, rcue={"Comprendre": "ADM"}, raison="vu")
    year = YearAttempt(1, {"UE1.1": 12.5, "UE2.1": 9.0}, frozenset({"UE2.1"}), jury, ("DEM", "12/03/2025"))
    base = _deliberation_key(formation, "Créa", [year], DEFAULT_REGLES)
    changed_year = {"annee": 2, "ue_moyennes": {"UE1.1": 12.5, "UE2.1": 9.01}, "provisional_ues": frozenset(),
                    "jury": None, "sortie": ("DEF", "12/03/2025")}
    changed_jury = {"annee": "AJ", "ue": {"UE1.1": "CMP"}, "rcue": {}, "raison": "autre"}
    compared = {f.name for f in dataclasses.fields(YearAttempt) if f.compare} - {"assiduite"}
    assert set(changed_year) == compared  # a new field of YearAttempt: add it here too
    assert set(changed_jury) == {f.name for f in dataclasses.fields(JuryDecisions) if f.compare}
    for name, value in changed_year.items():
        assert _deliberation_key(formation, "Créa", [dataclasses.replace(year, **{name: value})],
                                 DEFAULT_REGLES) != base, name
    for name, value in changed_jury.items():
        other = dataclasses.replace(year, jury=dataclasses.replace(jury, **{name: value}))
        assert _deliberation_key(formation, "Créa", [other], DEFAULT_REGLES) != base, name
    assert _deliberation_key(formation, "DWeb-DI", [year], DEFAULT_REGLES) != base
    assert _deliberation_key(object(), "Créa", [year], DEFAULT_REGLES) != base
