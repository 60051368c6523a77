"""The vectorised implementation: the same rules as ``reference.py``, on arrays over a whole cohort.

Layout: ``V`` students × evaluations holds the raw grades (NaN missing, negative codes for ABS/EXC/ATT).
One pass gives the /20 notes ``X`` (0 where nothing counts) and the mask ``K`` of values that count
(numbers and ABS, i.e. ``V ≥ CODE_ABS``; enrolled students only). A block matrix ``B`` (evaluations ×
modules·UEs) holds coef_e·poids_e,u in the block of the evaluation's module — zero rows for evaluations
that do not count for anyone yet (incomplete) and for rattrapage/session 2. Then

    module numerator = X @ B,   module denominator = K @ B   (students × modules × UEs)

the last "UE" column being the module's own average (poids 1). Rattrapage and session 2 are applied per
module that has one; enrolment masks whole (student, module) blocks afterwards; UE averages are one more
product, of the defined module averages by the module coefficients.

Students are processed in chunks of a few thousand rows so that the temporaries stay in the CPU cache:
every step but completeness (a column property, computed in a first pass) is row by row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from delibe.engine.exact import WINDOW
from delibe.engine.moyennes.grades import (
    CODE_ABS,
    CODE_ATT,
    CODE_EXC,
    BoolArray,
    EvaluationType,
    FloatArray,
    GradeError,
    GradeTable,
    SemesterSpec,
    StudentGrades,
)
from delibe.engine.moyennes.results import SemesterResults
from delibe.engine.parameters import DEFAULT_REGLES, Regles

IntArray = npt.NDArray[np.intp]


def compute_semester(
    spec: SemesterSpec, students: Sequence[StudentGrades] | GradeTable, regles: Regles = DEFAULT_REGLES
) -> SemesterResults:
    """Module and UE averages of every student of ``students`` for the semester ``spec``.

    ``students`` is the whole cohort of the semester: whether an evaluation counts yet depends on every
    enrolled student having a value. A ``GradeTable`` (dense arrays) is the fast bulk input.
    """
    table = students if isinstance(students, GradeTable) else GradeTable.from_students(spec, students)
    table.check(spec, values=False)
    return _compute(spec, table, regles, students)


CHUNK = 2048


@dataclass(frozen=True)
class _Layout:
    """What depends on the semester only: indices, scales, and the weight matrices."""

    n_u: int
    n_m: int
    n_c: int
    eval_module: IntArray
    normal: BoolArray
    immediate: BoolArray
    scale: FloatArray
    note_max: FloatArray
    weights: FloatArray  # evaluations × modules·(UEs + 1): coef_e·poids_e,u in the evaluation's module block
    ue_coef: FloatArray  # modules·UEs × UEs: coef_m,u on the diagonal blocks
    feeds: BoolArray  # modules × (UEs + 1): the module has a non-zero coefficient (last column: always)


def _layout(spec: SemesterSpec) -> _Layout:
    ues = spec.ue_codes
    n_u, n_m, n_e = len(ues), len(spec.modules), len(spec.evaluations)
    n_c = n_u + 1
    module_index = {m: k for k, m in enumerate(spec.module_codes)}
    eval_module = np.array([module_index[e.module] for e in spec.evaluations], dtype=np.intp)
    weights = np.zeros((n_e, n_m, n_c))
    for j, e in enumerate(spec.evaluations):
        if e.type is EvaluationType.NORMALE:
            w = spec.weights(e)
            weights[j, eval_module[j], :n_u] = [e.coefficient * w[u] for u in ues]
            weights[j, eval_module[j], n_u] = e.coefficient
    coef = np.array([[float(m.coefficients.get(u, 0.0)) for u in ues] for m in spec.modules]).reshape(
        n_m, n_u
    )
    ue_coef = np.zeros((n_m, n_u, n_u))
    for u in range(n_u):
        ue_coef[:, u, u] = coef[:, u]
    feeds = np.concatenate([coef != 0, np.ones((n_m, 1), dtype=bool)], axis=1)
    note_max = np.array([e.note_max for e in spec.evaluations], dtype=np.float64)
    return _Layout(
        n_u,
        n_m,
        n_c,
        eval_module,
        np.array([e.type is EvaluationType.NORMALE for e in spec.evaluations], dtype=bool),
        np.array([e.immediate for e in spec.evaluations], dtype=bool),
        20.0 / note_max,
        note_max,
        weights.reshape(n_e, n_m * n_c),
        ue_coef.reshape(n_m * n_u, n_u),
        feeds,
    )


def _incomplete(table: GradeTable, lay: _Layout) -> BoolArray:
    """Evaluations with a missing value for an enrolled student."""
    V = table.values
    incomplete = np.zeros(V.shape[1], dtype=bool)
    for a in range(0, V.shape[0], CHUNK):
        missing = np.isnan(V[a : a + CHUNK])
        with_missing = missing.any(axis=0) & ~incomplete
        if table.enrolled is None:
            incomplete |= with_missing
        else:
            enrolled = table.enrolled[a : a + CHUNK]
            for j in np.flatnonzero(with_missing):
                incomplete[j] = (missing[:, j] & enrolled[:, lay.eval_module[j]]).any()
    return incomplete


def _check_chunk(spec: SemesterSpec, table: GradeTable, lay: _Layout, a: int, Vc: FloatArray) -> None:
    negative = Vc < 0
    bad_negative = False
    if negative.any():
        special = Vc[negative]
        bad_negative = bool(((special != CODE_ABS) & (special != CODE_EXC) & (special != CODE_ATT)).any())
    if bad_negative or (Vc > lay.note_max).any():
        bad = (Vc > lay.note_max) | (negative & (Vc != CODE_ABS) & (Vc != CODE_EXC) & (Vc != CODE_ATT))
        i, j = (int(x) for x in np.argwhere(bad)[0])
        raise GradeError(
            f"étudiant {table.student_ids[a + i]}, évaluation {spec.evaluations[j].id}: valeur "
            f"{Vc[i, j]!r} invalide (attendu entre 0 et {lay.note_max[j]:g}, ou ABS, EXC, ATT)"
        )


@np.errstate(invalid="ignore", divide="ignore")  # 0/0 is how "undefined" (NaN) arises, on purpose
def _compute(
    spec: SemesterSpec,
    table: GradeTable,
    regles: Regles,
    grades: Sequence[StudentGrades] | GradeTable,
) -> SemesterResults:
    lay = _layout(spec)
    V = table.values
    n, n_e = V.shape
    n_u, n_m, n_c = lay.n_u, lay.n_m, lay.n_c
    complete = ~_incomplete(table, lay) & lay.normal
    usable = lay.normal & (complete | lay.immediate)
    second = [j for j, e in enumerate(spec.evaluations) if e.type is EvaluationType.RATTRAPAGE]
    second += [j for j, e in enumerate(spec.evaluations) if e.type is EvaluationType.SESSION2]
    # Only the (module, UE) columns something can feed are computed: those with a weight, and those a
    # rattrapage or session 2 reaches. Evaluations that count for nobody yet keep zero rows; the /20 scale
    # is folded into the numerator's weights, so that the grades are read raw.
    w_den = lay.weights * usable[:, None]
    reached = w_den.any(axis=0).reshape(n_m, n_c)
    for j in second:
        reached[lay.eval_module[j]] |= lay.feeds[lay.eval_module[j]]
    cols = np.flatnonzero(reached.reshape(-1))
    position = np.full(n_m * n_c, -1, dtype=np.intp)
    position[cols] = np.arange(len(cols))
    w_den = np.ascontiguousarray(w_den[:, cols])
    w_num = w_den * lay.scale[:, None]
    col_module = cols // n_c
    col_ue = cols % n_c
    ue_coef = np.zeros((len(cols), n_u))
    is_ue = col_ue < n_u
    ue_coef[is_ue, col_ue[is_ue]] = lay.ue_coef.reshape(n_m, n_u, n_u)[
        col_module[is_ue], col_ue[is_ue], col_ue[is_ue]
    ]
    second_cols = []
    for j in second:
        k = lay.eval_module[j]
        fed = position[k * n_c + np.flatnonzero(lay.feeds[k])]
        second_cols.append((j, spec.evaluations[j].type is EvaluationType.RATTRAPAGE, fed))
    bonus_modules = [spec.module_codes.index(rule.module) for rule in spec.bonus]

    block_all = np.empty((n, len(cols)))
    computed = np.empty((n, n_u))
    provisional = np.zeros(n, dtype=bool)
    rows = min(CHUNK, max(n, 1))
    X = np.empty((rows, n_e))
    K = np.empty((rows, n_e))
    F = np.empty((rows, len(cols)))
    D = np.empty((rows, len(cols)))
    for a in range(0, n, CHUNK):
        b = min(a + CHUNK, n)
        Vc = V[a:b]
        _check_chunk(spec, table, lay, a, Vc)
        Xc, Kc, Fc, Dc = X[: b - a], K[: b - a], F[: b - a], D[: b - a]
        np.fmax(Vc, 0.0, out=Xc)  # missing (NaN) and the special codes give 0; ABS counts 0
        np.greater_equal(Vc, CODE_ABS, out=Kc, casting="unsafe")  # numbers and ABS count
        num = Xc @ w_num
        den = Kc @ w_den
        block = block_all[a:b]
        # den = 0 implies num = 0 (grades that do not count are read as 0): 0/0 gives NaN, "undefined".
        np.divide(num, den, out=block)
        # Rattrapage: max(normal, grade); session 2: replaces. Towards the UEs the module feeds, and its own.
        for j, is_rattrapage, fed in second_cols:
            raw = Vc[:, j]
            has = raw >= 0
            if not has.any():
                continue
            grade = np.where(has, raw * lay.scale[j], np.nan)[:, None]
            current = block[:, fed]
            block[:, fed] = (
                np.fmax(current, grade) if is_rattrapage else np.where(has[:, None], grade, current)
            )
        # ATT is the lowest code: rows whose lowest value is ATT have a pending grade
        lowest = np.fmin.reduce(Vc, axis=1, initial=np.inf)
        suspects = np.flatnonzero(lowest == CODE_ATT)
        if table.enrolled is not None:
            enrolled = table.enrolled[a:b]
            partial = np.flatnonzero(~enrolled.all(axis=1))
            if len(partial):
                block[partial] = np.where(enrolled[partial][:, col_module], block[partial], np.nan)
            attente = Vc[suspects] == CODE_ATT
            provisional[a + suspects] = (attente & enrolled[suspects][:, lay.eval_module]).any(axis=1)
        else:
            provisional[a + suspects] = True
        # UE averages over the enrolled modules with a defined average (averages are ≥ 0: fmax fills NaN).
        np.fmax(block, 0.0, out=Fc)
        np.greater_equal(block, 0.0, out=Dc, casting="unsafe")
        np.divide(Fc @ ue_coef, Dc @ ue_coef, out=computed[a:b])

    value = computed
    if spec.bonus:
        points = np.zeros_like(computed)
        for rule, k in zip(spec.bonus, bonus_modules):
            p = position[k * n_c + n_u]
            mean = block_all[:, p] if p >= 0 else np.full(n, np.nan)
            points += rule.points_array(mean, spec.ue_codes)
        value = np.clip(computed + points, 0.0, regles.note_max)
    else:
        value = computed.copy()
    if table.dispensed is not None:
        value[table.dispensed] = np.nan
    if table.capitalised is not None:
        value = np.fmax(value, table.capitalised)

    results = SemesterResults(
        spec=spec,
        regles=regles,
        students=table.student_ids,
        ue_averages=value,
        ue_computed=computed,
        module_block=block_all,
        module_columns=cols,
        provisional_mask=provisional,
        complete=frozenset(e.id for j, e in enumerate(spec.evaluations) if complete[j]),
        grades=grades,
    )
    _exact_near_the_bar(results)
    return results


def _exact_near_the_bar(results: SemesterResults) -> None:
    """Délibé decision (exactness): a UE average is compared with its bar on its exact value. The float
    computed above is within 1e-12 of the exact average; where it lies within ``WINDOW`` of the bar
    (bar − tolerance), the float cannot tell the side, so the exact average of that cell is computed (by
    the reference implementation, for that one student and UE) and the arrays receive the double nearest
    to it. Elsewhere the float is on the same side of the bar as the exact value. (ADR 0011)"""
    regles = results.regles
    threshold = float(regles.threshold(regles.barre_ue))
    with np.errstate(invalid="ignore"):
        close = np.argwhere(np.abs(results.ue_averages - threshold) <= 2 * float(WINDOW))
    for i, j in close:
        explanation = results.explain_ue(results.students[i], results.ue_codes[j])
        results.exact_cells[int(i), int(j)] = explanation.exact
        results.ue_averages[i, j] = np.nan if explanation.average is None else explanation.average
        results.ue_computed[i, j] = np.nan if explanation.computed is None else explanation.computed
