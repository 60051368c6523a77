"""Hypothesis strategies: random semesters and cohorts with every kind of value the rules know."""

from __future__ import annotations

from hypothesis import strategies as st

from delibe.engine.model import UE, Module, ModuleKind, frozen_map
from delibe.engine.moyennes import (
    ABS,
    ATT,
    EXC,
    BonusPointsAboveBar,
    Evaluation,
    EvaluationType,
    SemesterSpec,
    StudentGrades,
)

COEFS = st.sampled_from([0.0, 0.0, 1.0, 1.0, 2.0, 3.5])


@st.composite
def specs(draw, with_bonus: bool | None = None) -> SemesterSpec:
    n_ue = draw(st.integers(1, 3))
    ues = tuple(UE(f"UE{k}", 1, f"C{k}", 1, 10) for k in range(n_ue))
    n_mod = draw(st.integers(1, 4))
    modules = []
    for m in range(n_mod):
        coefs = {u.code: draw(COEFS) for u in ues if draw(st.booleans()) or m == 0}
        modules.append(Module(f"M{m}", f"M{m}", 1, ModuleKind.RESSOURCE, coefficients=frozen_map(coefs)))
    bonus = ()
    if with_bonus if with_bonus is not None else draw(st.booleans()):
        modules.append(Module("BONUS", "Sport", 1, ModuleKind.RESSOURCE))
        bonus = (
            BonusPointsAboveBar(
                "BONUS", rate=draw(st.sampled_from([0.05, 0.5])), cap=draw(st.sampled_from([0.5, 3.0]))
            ),
        )
    evaluations = []
    for module in modules:
        for k in range(draw(st.integers(0, 3))):
            poids = None
            if draw(st.booleans()):
                poids = frozen_map(
                    {u.code: draw(st.sampled_from([0.0, 1.0, 2.0])) for u in ues if draw(st.booleans())}
                )
            evaluations.append(
                Evaluation(
                    f"{module.code}.e{k}",
                    module.code,
                    coefficient=draw(st.sampled_from([0.0, 1.0, 1.0, 2.0, 0.5])),
                    note_max=draw(st.sampled_from([20.0, 10.0, 5.0])),
                    poids=poids,
                    immediate=draw(st.booleans()),
                )
            )
        for kind in (EvaluationType.RATTRAPAGE, EvaluationType.SESSION2):
            if draw(st.integers(0, 3)) == 0:
                evaluations.append(
                    Evaluation(f"{module.code}.{kind.value}", module.code, note_max=20.0, type=kind)
                )
    order = draw(st.permutations(range(len(evaluations))))
    return SemesterSpec(ues, tuple(modules), tuple(evaluations[i] for i in order), bonus)


def values_for(evaluation: Evaluation):
    number = st.integers(0, int(evaluation.note_max * 4)).map(lambda q: q / 4)
    return st.one_of(number, number, number, st.just(ABS), st.just(EXC), st.just(ATT), st.none(), st.none())


@st.composite
def students_for(draw, spec: SemesterSpec, min_size: int = 1, max_size: int = 6) -> list[StudentGrades]:
    n = draw(st.integers(min_size, max_size))
    students = []
    for i in range(n):
        values = {}
        for e in spec.evaluations:
            # most evaluations complete, so that averages are usually defined
            v = (
                draw(values_for(e))
                if draw(st.integers(0, 4))
                else draw(st.integers(0, int(e.note_max)).map(float))
            )
            if v is not None:
                values[e.id] = v
        modules = None
        if draw(st.integers(0, 2)) == 0:
            modules = frozenset(m.code for m in spec.modules if draw(st.booleans()))
        capitalised = {
            u: draw(st.integers(0, 40).map(lambda q: q / 2))
            for u in spec.ue_codes
            if draw(st.integers(0, 4)) == 0
        }
        dispensed = frozenset(u for u in spec.ue_codes if draw(st.integers(0, 5)) == 0)
        students.append(StudentGrades(f"s{i}", values, modules, frozen_map(capitalised), dispensed))
    return students


@st.composite
def cohorts(draw, with_bonus: bool | None = None):
    spec = draw(specs(with_bonus))
    return spec, draw(students_for(spec))
