"""The vectorised implementation: the same rules as ``reference.py``, on arrays over a whole cohort.

Layout: ``V`` students × evaluations holds the raw grades (NaN missing, negative codes for ABS/EXC/ATT).
One pass gives the /20 notes ``X`` (0 where nothing counts) and the mask ``K`` of values that count
(numbers and ABS, i.e. ``V ≥ CODE_ABS``; enrolled students only). A block matrix ``B`` (evaluations ×
modules·UEs) holds coef_e·poids_e,u in the block of the evaluation's module — zero rows for evaluations
that do not count for anyone yet (incomplete) and for rattrapage/session 2. Then

    module numerator = X @ B,   module denominator = K @ B   (students × modules × UEs)

the last "UE" column being the module's own average (poids 1). Rattrapage and session 2 are applied per
module that has one; UE averages are one weighted sum over modules of the defined module averages.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from delibe.engine.moyennes.grades import (
    CODE_ABS,
    CODE_ATT,
    EvaluationType,
    FloatArray,
    GradeTable,
    SemesterSpec,
    StudentGrades,
)
from delibe.engine.moyennes.results import SemesterResults
from delibe.engine.parameters import DEFAULT_REGLES, Regles


def compute_semester(
    spec: SemesterSpec, students: Sequence[StudentGrades] | GradeTable, regles: Regles = DEFAULT_REGLES
) -> SemesterResults:
    """Module and UE averages of every student of ``students`` for the semester ``spec``.

    ``students`` is the whole cohort of the semester: whether an evaluation counts yet depends on every
    enrolled student having a value. A ``GradeTable`` (dense arrays) is the fast bulk input.
    """
    table = students if isinstance(students, GradeTable) else GradeTable.from_students(spec, students)
    table.check(spec)
    return _compute(spec, table, regles, students)


def _compute(
    spec: SemesterSpec,
    table: GradeTable,
    regles: Regles,
    grades: Sequence[StudentGrades] | GradeTable,
) -> SemesterResults:
    V = table.values
    n = V.shape[0]
    ues = spec.ue_codes
    modules = spec.module_codes
    n_u, n_m, n_e = len(ues), len(modules), len(spec.evaluations)
    n_c = n_u + 1  # UE columns + the module's own average
    module_index = {m: k for k, m in enumerate(modules)}
    eval_module = np.array([module_index[e.module] for e in spec.evaluations], dtype=np.intp)
    normal = np.array([e.type is EvaluationType.NORMALE for e in spec.evaluations], dtype=bool)
    immediate = np.array([e.immediate for e in spec.evaluations], dtype=bool)
    scale = np.array([20.0 / e.note_max for e in spec.evaluations])

    enrolled_se = None if table.enrolled is None else table.enrolled[:, eval_module]

    # An evaluation counts once every enrolled student has a value, unless it is immediate.
    present = ~np.isnan(V)
    if enrolled_se is not None:
        present |= ~enrolled_se
    complete = present.all(axis=0) & normal
    usable = normal & (complete | immediate)

    # Block matrix: coef_e·poids_e,u in the columns of the evaluation's module; zero rows when unusable.
    B = np.zeros((n_e, n_m, n_c))
    for j, e in enumerate(spec.evaluations):
        if not usable[j]:
            continue
        w = spec.weights(e)
        B[j, eval_module[j], :n_u] = [e.coefficient * w[u] for u in ues]
        B[j, eval_module[j], n_u] = e.coefficient
    cols = np.flatnonzero(B.reshape(n_e, n_m * n_c).any(axis=0))  # only the (module, UE) pairs something feeds
    B2 = B.reshape(n_e, n_m * n_c)[:, cols]
    rows = np.flatnonzero(usable)
    Vu = V[:, rows]
    X = np.fmax(Vu, 0.0)  # NaN (missing) and the special codes give 0; ABS counts 0
    X *= scale[rows]
    K = (Vu >= CODE_ABS).astype(np.float64)  # numbers and ABS count; EXC, ATT, missing do not
    if enrolled_se is not None:
        enr = enrolled_se[:, rows]
        X *= enr
        K *= enr
    Bu = B2[rows]
    num = X @ Bu
    den = K @ Bu
    flat = np.full((n, n_m * n_c), np.nan)
    flat[:, cols] = np.divide(num, den, out=np.full_like(num, np.nan), where=den > 0)
    averages = flat.reshape(n, n_m, n_c)

    # Rattrapage: max(normal, grade); session 2: replaces. Towards the UEs the module feeds, and its own.
    second_chances = [j for j, e in enumerate(spec.evaluations) if e.type is EvaluationType.RATTRAPAGE]
    second_chances += [j for j, e in enumerate(spec.evaluations) if e.type is EvaluationType.SESSION2]
    for j in second_chances:
        e = spec.evaluations[j]
        k = eval_module[j]
        raw = V[:, j]
        has = raw >= 0
        if table.enrolled is not None:
            has &= table.enrolled[:, k]
        grade = np.where(has, raw * scale[j], np.nan)
        module = spec.modules[k]
        feeds = np.array([module.coefficients.get(u, 0.0) != 0 for u in ues] + [True])
        block = averages[:, k, :][:, feeds]
        if e.type is EvaluationType.RATTRAPAGE:
            block = np.fmax(block, grade[:, None])
        else:
            block = np.where(has[:, None], grade[:, None], block)
        sub = averages[:, k, :]
        sub[:, feeds] = block

    # UE averages over the enrolled modules with a defined average.
    coef = np.array([[float(m.coefficients.get(u, 0.0)) for u in ues] for m in spec.modules]).reshape(n_m, n_u)
    ue_part = averages[:, :, :n_u]
    defined = ~np.isnan(ue_part)
    filled = np.where(defined, ue_part, 0.0)
    ue_num = np.einsum("smu,mu->su", filled, coef)
    ue_den = np.einsum("smu,mu->su", defined.astype(np.float64), coef)
    computed: FloatArray = np.divide(ue_num, ue_den, out=np.full_like(ue_num, np.nan), where=ue_den > 0)

    value = computed
    if spec.bonus:
        points = np.zeros_like(computed)
        for rule in spec.bonus:
            points += rule.points_array(averages[:, module_index[rule.module], n_u], ues)
        value = np.clip(computed + points, 0.0, regles.note_max)
    else:
        value = computed.copy()
    if table.dispensed is not None:
        value[table.dispensed] = np.nan
    if table.capitalised is not None:
        value = np.fmax(value, table.capitalised)

    attente = V == CODE_ATT
    if enrolled_se is not None:
        attente &= enrolled_se
    provisional = attente.any(axis=1)

    return SemesterResults(
        spec=spec,
        regles=regles,
        students=table.student_ids,
        ue_averages=value,
        ue_computed=computed,
        module_averages=np.ascontiguousarray(averages[:, :, :n_u]),
        module_means=np.ascontiguousarray(averages[:, :, n_u]),
        provisional_mask=provisional,
        complete=frozenset(e.id for j, e in enumerate(spec.evaluations) if complete[j]),
        grades=grades,
    )
