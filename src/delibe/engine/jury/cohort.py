"""The year jury of a whole promotion at once, vectorised with numpy (students × UEs).

Same rules and same proposals as ``deliberate`` (a property test checks it), for the students the year
jury meets without history to replay: averages of the year's UEs, whether each student may still repeat
and, in BUT2, whether the S1–S2 UEs are all validated. It returns codes only — the reasons of one
student's decision come from ``deliberate`` when someone asks for them. A UE without average (NaN) is
« incomplet » (code None), and so are its RCUE and the year, as in ``deliberate``. Students with a grade pending,
jury decisions or capitalised UEs go through ``deliberate``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from delibe.engine.exact import WINDOW, exact
from delibe.engine.jury import codes as C
from delibe.engine.jury.structure import YearStructure, cursus_structure
from delibe.engine.model import Formation
from delibe.engine.parameters import DEFAULT_REGLES, Regles

# index = rank; the last index (None) is « incomplet »: an undefined average gives no proposal
# (Décision Délibé, docs/domain.md §2), as in ``deliberate``.
UE_CODE_TABLE: tuple[str | None, ...] = (C.AJ, C.CMP, C.ADM, None)
RCUE_CODE_TABLE: tuple[str | None, ...] = (C.AJ, C.CMP, C.ADM, None)
ANNEE_CODE_TABLE: tuple[str | None, ...] = (C.RED, C.NAR, C.PASD, C.ADM, None)
INCOMPLET_UE, INCOMPLET_RCUE, INCOMPLET_ANNEE = 3, 3, 4

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int8]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class CohortDecisions:
    """Codes as small integers (indices into the ``*_CODE_TABLE`` tuples) to stay cheap for 50 000
    students; ``ue_code(i, code)`` and friends give the strings."""

    ue_codes: tuple[str, ...]  # column order of ``ue``
    competences: tuple[str, ...]  # column order of ``rcue_*``
    ue: IntArray  # students × UEs
    rcue_moyennes: FloatArray  # students × RCUEs (NaN: undefined)
    rcue: IntArray  # students × RCUEs
    annee: IntArray  # students
    ects: FloatArray  # students: ECTS of the year's UEs acquired

    def ue_code(self, student: int, ue_code: str) -> str | None:
        return UE_CODE_TABLE[int(self.ue[student, self.ue_codes.index(ue_code)])]

    def rcue_code(self, student: int, competence: str) -> str | None:
        return RCUE_CODE_TABLE[int(self.rcue[student, self.competences.index(competence)])]

    def annee_code(self, student: int) -> str | None:
        return ANNEE_CODE_TABLE[int(self.annee[student])]


def year_ue_order(formation: Formation, parcours: str, annee: int) -> tuple[str, ...]:
    """The column order ``deliberate_cohort`` expects: the year's UEs, odd semester first."""
    return tuple(u.code for u in _year(formation, parcours, annee).ues)


def _year(formation: Formation, parcours: str, annee: int) -> YearStructure:
    structure = cursus_structure(formation, parcours)
    if annee not in structure.years:
        raise ValueError(f"BUT{annee} absent du parcours {parcours}")
    return structure.years[annee]


def deliberate_cohort(
    formation: Formation,
    parcours: str,
    annee: int,
    moyennes: FloatArray,
    regles: Regles = DEFAULT_REGLES,
    *,
    ue_order: Sequence[str] | None = None,
    repeat_allowed: BoolArray | None = None,
    s1s2_valides: BoolArray | None = None,
    exact_ue_moyenne: Callable[[int, str], Fraction | None] | None = None,
) -> CohortDecisions:
    """Year jury proposals for every student: ``moyennes[i, j]`` is student i's average in UE
    ``ue_order[j]`` (default ``year_ue_order``), NaN when undefined. ``repeat_allowed`` (default: all,
    as for a first attempt) chooses RED over NAR; ``s1s2_valides`` (BUT2 only, default all) is the S5
    entry condition. ``exact_ue_moyenne(i, code)`` gives student i's exact UE average when one is
    needed (a float within 1e-9 of a bar: see ``_exact_near_the_bars``)."""
    ys = _year(formation, parcours, annee)
    order = tuple(ue_order) if ue_order is not None else tuple(u.code for u in ys.ues)
    moyennes = np.asarray(moyennes, dtype=np.float64)
    n = moyennes.shape[0]
    if moyennes.ndim != 2 or moyennes.shape[1] != len(order):
        raise ValueError(f"moyennes: attendu un tableau étudiants × {len(order)} UE ({', '.join(order)})")
    column = {code: j for j, code in enumerate(order)}
    missing = ys.ue_codes - set(column)
    if missing:
        raise ValueError(f"UE manquantes dans ue_order: {', '.join(sorted(missing))}")
    comparisons = _Comparisons.of(ys, regles, column, moyennes, exact_ue_moyenne)
    ue_ok = comparisons.ue_ok
    r = len(ys.rcues)
    rcue_moy = comparisons.rcue_moy
    rcue = np.empty((n, r), dtype=np.int8)
    ue_codes = np.zeros((n, len(order)), dtype=np.int8)
    for k, spec in enumerate(ys.rcues):
        a, b = column[spec.impair.code], column[spec.pair.code]
        reached = comparisons.rcue_ok[:, k]
        both = ue_ok[:, a] & ue_ok[:, b]
        rcue[:, k] = np.where(reached, np.where(both, 2, 1), 0)
        for j in (a, b):
            ue_codes[:, j] = np.where(ue_ok[:, j], 2, np.where(reached, 1, 0))
    undefined = np.isnan(moyennes)
    ue_codes[undefined] = INCOMPLET_UE
    incomplete_rcue = np.zeros((n, r), dtype=bool)
    for k, spec in enumerate(ys.rcues):
        incomplete_rcue[:, k] = undefined[:, column[spec.impair.code]] | undefined[:, column[spec.pair.code]]
    rcue[incomplete_rcue] = INCOMPLET_RCUE
    valides = ((rcue > 0) & ~incomplete_rcue).sum(axis=1)
    below = ((rcue == 0) & ~comparisons.floor_ok).any(axis=1)
    s5 = np.ones(n, dtype=bool) if annee != 2 or s1s2_valides is None else np.asarray(s1s2_valides, dtype=bool)
    admis = (valides == r) & s5
    if annee >= 3:
        passage = np.zeros(n, dtype=bool)
    else:
        passage = (valides > r * regles.part_rcue_passage) & ~below & s5
    allowed = np.ones(n, dtype=bool) if repeat_allowed is None else np.asarray(repeat_allowed, dtype=bool)
    if repeat_allowed is None:
        allowed &= regles.redoublements_par_semestre >= 1 and regles.redoublements_max >= 2
    annee_codes = np.where(admis, 3, np.where(passage, 2, np.where(allowed, 0, 1))).astype(np.int8)
    annee_codes[incomplete_rcue.any(axis=1)] = INCOMPLET_ANNEE
    ects_by_ue = np.array([next(u.ects for u in ys.ues if u.code == code) for code in order])
    ects = (((ue_codes > 0) & (ue_codes != INCOMPLET_UE)) * ects_by_ue).sum(axis=1)
    return CohortDecisions(order, tuple(s.competence for s in ys.rcues), ue_codes, rcue_moy, rcue, annee_codes,
                           ects.astype(np.float64))



@dataclass(frozen=True)
class _Comparisons:
    """Every comparison with a bar the year jury makes, for the whole cohort: UE ≥ barre_ue, RCUE ≥
    barre_rcue, RCUE ≥ plancher (each as ≥ bar − tolerance), and the RCUE averages.

    Délibé decision (exactness): the float arrays decide every student whose averages lie further than
    ``WINDOW`` from every threshold; the comparisons of a student with an average within it are made
    again on exact values (``delibe.engine.exact``, the RCUE average as a fraction of the exact UE
    averages — ``exact_ue_moyenne`` when the caller has them, else the decimals the floats stand for),
    as ``deliberate`` makes them."""

    ue_ok: BoolArray
    rcue_moy: FloatArray
    rcue_ok: BoolArray
    floor_ok: BoolArray

    @classmethod
    def of(
        cls, ys: YearStructure, regles: Regles, column: dict[str, int], moyennes: FloatArray,
        exact_ue_moyenne: Callable[[int, str], Fraction | None] | None,
    ) -> _Comparisons:
        low, low_rcue, low_floor = (regles.threshold(bar) for bar in
                                    (regles.barre_ue, regles.barre_rcue, regles.plancher_rcue))
        n, r = moyennes.shape[0], len(ys.rcues)
        rcue_moy = np.empty((n, r), dtype=np.float64)
        for k, spec in enumerate(ys.rcues):
            ca, cb = spec.impair.coef_rcue, spec.pair.coef_rcue
            rcue_moy[:, k] = (ca * moyennes[:, column[spec.impair.code]]
                              + cb * moyennes[:, column[spec.pair.code]]) / (ca + cb)
        with np.errstate(invalid="ignore"):  # NaN compares False: an undefined average never reaches a bar
            ue_ok = moyennes >= float(low)
            rcue_ok = rcue_moy >= float(low_rcue)
            floor_ok = rcue_moy >= float(low_floor)
            window = 2 * float(WINDOW)
            close = (np.abs(moyennes - float(low)) <= window).any(axis=1)
            for threshold in (low_rcue, low_floor):
                close |= (np.abs(rcue_moy - float(threshold)) <= window).any(axis=1)
        for i in np.flatnonzero(close):
            def value(code: str, i: int = int(i)) -> Fraction | None:
                x = moyennes[i, column[code]]
                if np.isnan(x):
                    return None
                given = exact_ue_moyenne(i, code) if exact_ue_moyenne is not None else None
                return given if given is not None else exact(float(x))
            for code, j in column.items():
                v = value(code)
                ue_ok[i, j] = v is not None and v >= low
            for k, spec in enumerate(ys.rcues):
                a, b = value(spec.impair.code), value(spec.pair.code)
                if a is None or b is None:
                    continue
                wa, wb = exact(spec.impair.coef_rcue), exact(spec.pair.coef_rcue)
                rcue_value = (wa * a + wb * b) / (wa + wb)
                rcue_moy[i, k] = float(rcue_value)
                rcue_ok[i, k] = rcue_value >= low_rcue
                floor_ok[i, k] = rcue_value >= low_floor
        return cls(ue_ok, rcue_moy, rcue_ok, floor_ok)
