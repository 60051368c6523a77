"""The reference implementation: the rules of domain.md §2 written as they read, one student at a time.

It is slow on purpose (loops and dicts): it is the specification the vectorised implementation
(``vectorised.py``) is checked against by property tests, and it produces the explanations. It computes
with exact fractions (``delibe.engine.exact``): every grade, coefficient and weight is read as the decimal
it was typed as, and every average is the exact quotient, so that a bar is compared on the exact value.

- Module average towards UE u = Σ coef_e·poids_e,u·note_e / Σ coef_e·poids_e,u over the usable values of
  the module's normal evaluations (ABS counts 0; EXC and ATT are left out; an evaluation counts once every
  enrolled student has a value, unless immediate). Undefined (None) when nothing counts.
- Rattrapage: max(normal average, rattrapage grade); session 2: replaces it. Only a numeric grade counts.
  Applied towards the UEs the module feeds (non-zero coefficient) and to the module's own average.
- UE average = Σ_m coef_m,u·moy_m,u / Σ_m coef_m,u over enrolled modules with a defined average;
  undefined when nothing is left; then the declared bonus rules, clipped to [0, note_max]; then
  dispensation (no average) and capitalisation (best of the capitalised and the new average).
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import numpy as np

from delibe.engine import sources
from delibe.engine.exact import as_float, exact, note_fr
from delibe.engine.moyennes.citations import DELIBE_DISPENSE, DELIBE_RATTRAPAGE
from delibe.engine.moyennes.explain import (
    BonusTerm,
    EvaluationTerm,
    LeftOut,
    ModuleExplanation,
    ModuleTerm,
    UEExplanation,
)
from delibe.engine.moyennes.grades import (
    Evaluation,
    EvaluationType,
    GradeTable,
    SemesterSpec,
    Special,
    StudentGrades,
    Value,
    check_value,
)
from delibe.engine.moyennes.results import SemesterResults
from delibe.engine.parameters import DEFAULT_REGLES, Regles
from delibe.engine.trace import Reason


def complete_evaluations(spec: SemesterSpec, students: Sequence[StudentGrades]) -> frozenset[str]:
    """Normal evaluations in which every enrolled student has a value (a number or ABS/EXC/ATT)."""
    complete = set()
    for e in spec.evaluations:
        if e.type is not EvaluationType.NORMALE:
            continue
        if all(s.values.get(e.id) is not None for s in students if s.enrolled_in(e.module)):
            complete.add(e.id)
    return frozenset(complete)


def _usable(e: Evaluation, complete: frozenset[str]) -> bool:
    return e.type is not EvaluationType.NORMALE or e.immediate or e.id in complete


def _shown(e: Evaluation, v: Value | None) -> str:
    if v is None:
        return ""
    if isinstance(v, Special):
        return v.value
    return f"{v:g}/{e.note_max:g}"


def is_provisional(spec: SemesterSpec, student: StudentGrades) -> bool:
    """A pending grade (ATT) in a module the student is enrolled in makes all their results provisional."""
    return any(
        student.values.get(e.id) is Special.ATT for e in spec.evaluations if student.enrolled_in(e.module)
    )


def _sur_20(e: Evaluation, v: float) -> Fraction:
    """A grade brought to /20, exactly."""
    return exact(v) / exact(e.note_max) * 20


def _terms(x: Fraction) -> str:
    """A numerator or denominator in an explanation: at most 4 decimals, French."""
    return note_fr(x, 4).rstrip("0").rstrip(",")


def _second_chance(
    spec: SemesterSpec, student: StudentGrades, module: str, kind: EvaluationType
) -> tuple[Fraction | None, EvaluationTerm | None]:
    for e in spec.evaluations_of(module):
        if e.type is kind:
            v = student.values.get(e.id)
            if isinstance(v, float | int) and not isinstance(v, Special):
                note = _sur_20(e, v)
                return note, EvaluationTerm(e.id, kind.value, e.coefficient, 1.0, _shown(e, v), float(note), True)
            left = LeftOut.ATT if v is Special.ATT else LeftOut.NO_GRADE
            return None, EvaluationTerm(e.id, kind.value, e.coefficient, 1.0, _shown(e, v), None, False, left)
    return None, None


def explain_module(
    spec: SemesterSpec,
    student: StudentGrades,
    module: str,
    ue: str | None,
    complete: frozenset[str],
) -> ModuleExplanation:
    """The average of ``module`` towards ``ue`` (None: the module's own average) for one student."""
    sid = student.student_id
    spec.module(module)
    if not student.enrolled_in(module):
        return ModuleExplanation(sid, module, ue, None, None, None, None, "non_inscrit", ())
    terms: list[EvaluationTerm] = []
    num = den = Fraction(0)
    for e in spec.evaluations_of(module):
        if e.type is not EvaluationType.NORMALE:
            continue
        poids = 1.0 if ue is None else spec.weights(e)[ue]
        v = student.values.get(e.id)
        shown = _shown(e, v)
        left: LeftOut | None = None
        if e.coefficient * poids == 0:
            left = LeftOut.ZERO_WEIGHT
        elif not _usable(e, complete):
            left = LeftOut.INCOMPLETE
        elif v is None:
            left = LeftOut.MISSING
        elif v is Special.EXC:
            left = LeftOut.EXC
        elif v is Special.ATT:
            left = LeftOut.ATT
        if left is not None:
            terms.append(EvaluationTerm(e.id, e.type.value, e.coefficient, poids, shown, None, False, left))
            continue
        note = Fraction(0) if v is Special.ABS else _sur_20(e, v)  # type: ignore[arg-type]  # v is a number here: None and the specials were left out above
        weight = exact(e.coefficient) * exact(poids)
        num += weight * note
        den += weight
        terms.append(EvaluationTerm(e.id, e.type.value, e.coefficient, poids, shown, float(note), True))
    normal = num / den if den > 0 else None
    average = normal
    applied = "normale" if normal is not None else "indefinie"
    reasons: list[Reason] = []
    if normal is not None:
        reasons.append(
            Reason(
                "moyennes.module",
                f"Moyenne de {module}{'' if ue is None else ' vers ' + ue} = {_terms(num)}/{_terms(den)} = "
                f"{note_fr(normal)}",
                sources.DELIBE_MOYENNES,
                {"numerator": float(num), "denominator": float(den), "average": float(normal)},
            )
        )
    feeds = ue is None or spec.coefficient(module, ue) != 0
    rattrapage, term_r = _second_chance(spec, student, module, EvaluationType.RATTRAPAGE)
    session2, term_s = _second_chance(spec, student, module, EvaluationType.SESSION2)
    if term_r is not None:
        if feeds and rattrapage is not None and (normal is None or rattrapage > normal):
            average, applied = rattrapage, "rattrapage"
            reasons.append(
                Reason(
                    "moyennes.rattrapage",
                    f"Note de rattrapage {note_fr(rattrapage)} supérieure à la moyenne normale: elle la remplace",
                    DELIBE_RATTRAPAGE,
                    {"rattrapage": float(rattrapage), "normal": as_float(normal)},
                )
            )
        elif term_r.counted:
            term_r = EvaluationTerm(
                term_r.evaluation,
                term_r.type,
                term_r.coefficient,
                term_r.poids,
                term_r.value,
                term_r.note,
                False,
                LeftOut.NOT_USED if feeds else LeftOut.ZERO_WEIGHT,
            )
        terms.append(term_r)
    if term_s is not None:
        if feeds and session2 is not None:
            average, applied = session2, "session2"
            reasons.append(
                Reason(
                    "moyennes.session2",
                    f"Note de session 2 {note_fr(session2)}: elle remplace la moyenne du module",
                    DELIBE_RATTRAPAGE,
                    {"session2": float(session2)},
                )
            )
        elif term_s.counted:
            term_s = EvaluationTerm(
                term_s.evaluation,
                term_s.type,
                term_s.coefficient,
                term_s.poids,
                term_s.value,
                term_s.note,
                False,
                LeftOut.ZERO_WEIGHT,
            )
        terms.append(term_s)
    return ModuleExplanation(
        sid, module, ue, as_float(average), as_float(normal), as_float(rattrapage), as_float(session2), applied,
        tuple(terms), tuple(reasons), average,
    )


def explain_ue(
    spec: SemesterSpec,
    student: StudentGrades,
    ue: str,
    complete: frozenset[str],
    regles: Regles = DEFAULT_REGLES,
) -> UEExplanation:
    """The average of UE ``ue`` for one student, with every term."""
    sid = student.student_id
    if ue not in spec.ue_codes:
        raise KeyError(f"UE « {ue} » inconnue dans ce semestre (UE: {', '.join(spec.ue_codes)})")
    terms: list[ModuleTerm] = []
    num = den = Fraction(0)
    for m in spec.modules:
        if ue not in m.coefficients:
            continue
        coef = float(m.coefficients[ue])
        if not student.enrolled_in(m.code):
            terms.append(ModuleTerm(m.code, coef, None, False, LeftOut.NOT_ENROLLED))
            continue
        avg = explain_module(spec, student, m.code, ue, complete).exact
        if coef == 0:
            terms.append(ModuleTerm(m.code, coef, as_float(avg), False, LeftOut.ZERO_COEFFICIENT))
        elif avg is None:
            terms.append(ModuleTerm(m.code, coef, None, False, LeftOut.UNDEFINED_AVERAGE))
        else:
            num += exact(coef) * avg
            den += exact(coef)
            terms.append(ModuleTerm(m.code, coef, float(avg), True))
    computed = num / den if den > 0 else None
    reasons: list[Reason] = []
    bonus_terms: list[BonusTerm] = []
    value = computed
    if computed is not None:
        reasons.append(
            Reason(
                "moyennes.ue",
                f"Moyenne de {ue} = Σ coef × moyenne / Σ coef = {_terms(num)}/{_terms(den)} = "
                f"{note_fr(computed)}",
                sources.DELIBE_MOYENNES,
                {"numerator": float(num), "denominator": float(den), "average": float(computed)},
            )
        )
        total = Fraction(0)
        for rule in spec.bonus:
            module_avg = explain_module(spec, student, rule.module, None, complete).average
            points = rule.points(module_avg, spec.ue_codes)[ue]
            total += exact(points)
            bonus_terms.append(
                BonusTerm(rule.name, rule.description, rule.source.reference, rule.module, module_avg, points)
            )
            sign = "+" if points >= 0 else "−"
            reasons.append(
                Reason(rule.name, f"{rule.description}: {sign}{note_fr(abs(points))}", rule.source, {"points": points})
            )
        if spec.bonus:
            value = min(max(computed + total, Fraction(0)), exact(regles.note_max))
    else:
        reasons.append(
            Reason(
                "moyennes.ue_indefinie",
                f"Aucun module ne compte encore dans {ue}: moyenne indéfinie (pas 0)",
                sources.DELIBE_MOYENNES,
            )
        )
    dispensed = ue in student.dispensed
    status = "calculee" if value is not None else "indefinie"
    if dispensed:
        value, status = None, "dispensee"
        reasons.append(
            Reason(
                "moyennes.dispense", f"Étudiant dispensé de {ue}: pas de moyenne ce semestre", DELIBE_DISPENSE
            )
        )
    given = student.capitalised.get(ue)
    capitalised = None if given is None else exact(given)
    average = value
    if capitalised is not None and (value is None or capitalised > value):
        average, status = capitalised, "capitalisee"
        reasons.append(
            Reason(
                "moyennes.capitalisation",
                f"UE capitalisée avec {note_fr(capitalised)}: "
                + (
                    "non repassée ou sans moyenne ce semestre, la moyenne capitalisée est reprise"
                    if value is None
                    else f"meilleure que la nouvelle moyenne {note_fr(value)}, elle est gardée"
                ),
                sources.VALIDATION_UE,
                {"capitalised": float(capitalised), "new": as_float(value)},
            )
        )
    elif capitalised is not None:
        reasons.append(
            Reason(
                "moyennes.capitalisation",
                f"UE capitalisée avec {note_fr(capitalised)}: la nouvelle moyenne {note_fr(value)} est meilleure "
                "et la remplace",
                sources.VALIDATION_UE,
                {"capitalised": float(capitalised), "new": as_float(value)},
            )
        )
    return UEExplanation(
        sid,
        ue,
        as_float(average),
        status,
        as_float(computed),
        float(num),
        float(den),
        tuple(bonus_terms),
        as_float(capitalised),
        dispensed,
        is_provisional(spec, student),
        tuple(terms),
        tuple(reasons),
        average,
    )


def _checked(spec: SemesterSpec, students: Sequence[StudentGrades] | GradeTable) -> list[StudentGrades]:
    if isinstance(students, GradeTable):
        students.check(spec)
        return [students.student(spec, i) for i in range(len(students.student_ids))]
    GradeTable.from_students(spec, students)  # validates ids, values, enrolments (same errors as vectorised)
    evaluations = {e.id: e for e in spec.evaluations}
    return [
        StudentGrades(
            s.student_id,
            {k: check_value(s.student_id, evaluations[k], v) for k, v in s.values.items()},
            s.modules,
            s.capitalised,
            s.dispensed,
        )
        for s in students
    ]


def compute_semester_reference(
    spec: SemesterSpec, students: Sequence[StudentGrades] | GradeTable, regles: Regles = DEFAULT_REGLES
) -> SemesterResults:
    """Same contract as ``compute_semester``, computed student by student with the explanations' code."""
    grades = _checked(spec, students)
    complete = complete_evaluations(spec, grades)
    ues, modules = spec.ue_codes, spec.module_codes
    n = len(grades)
    ue_averages = np.full((n, len(ues)), np.nan)
    computed = np.full((n, len(ues)), np.nan)
    module_averages = np.full((n, len(modules), len(ues)), np.nan)
    module_means = np.full((n, len(modules)), np.nan)
    provisional = np.zeros(n, dtype=bool)
    exact_cells: dict[tuple[int, int], Fraction | None] = {}
    for i, s in enumerate(grades):
        provisional[i] = is_provisional(spec, s)
        for k, m in enumerate(modules):
            for j, u in enumerate(ues):
                a = explain_module(spec, s, m, u, complete).average
                module_averages[i, k, j] = np.nan if a is None else a
            a = explain_module(spec, s, m, None, complete).average
            module_means[i, k] = np.nan if a is None else a
        for j, u in enumerate(ues):
            x = explain_ue(spec, s, u, complete, regles)
            exact_cells[i, j] = x.exact
            ue_averages[i, j] = np.nan if x.average is None else x.average
            computed[i, j] = np.nan if x.computed is None else x.computed
    return SemesterResults(
        spec=spec,
        regles=regles,
        students=tuple(s.student_id for s in grades),
        ue_averages=ue_averages,
        ue_computed=computed,
        module_block=np.concatenate([module_averages, module_means[:, :, None]], axis=2).reshape(n, -1),
        module_columns=np.arange(len(modules) * (len(ues) + 1)),
        provisional_mask=provisional,
        complete=complete,
        grades=grades,
        exact_cells=exact_cells,
    )
