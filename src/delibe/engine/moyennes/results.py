"""The result of a semester's grade computation: arrays for bulk use, accessors per student, and
explanations on demand (computed by the reference implementation for that one student)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from delibe.engine.exact import WINDOW
from delibe.engine.moyennes.explain import ModuleExplanation, UEExplanation
from delibe.engine.moyennes.grades import BoolArray, FloatArray, GradeTable, SemesterSpec, StudentGrades
from delibe.engine.parameters import Regles


def _value(x: float) -> float | None:
    return None if math.isnan(x) else float(x)


def _by_code(codes: tuple[str, ...], row: list[float]) -> dict[str, float | None]:
    """One row of an array as {code: value}, NaN as None (``tolist`` gives Python floats: no scalar per cell)."""
    return {code: None if math.isnan(x) else x for code, x in zip(codes, row, strict=True)}


@dataclass(frozen=True, eq=False)
class SemesterResults:
    """Averages of one semester for a cohort.

    Arrays (NaN = undefined): ``ue_averages`` students × UEs (final: bonus, clipping, dispensation and
    capitalisation applied); ``ue_computed`` students × UEs (Σ coef·moy / Σ coef, before all that);
    ``module_averages`` students × modules × UEs; ``module_means`` students × modules (the module's own
    average, Σ coef·note / Σ coef). Rows follow ``students``, columns ``ue_codes`` and ``module_codes``.
    """

    spec: SemesterSpec
    regles: Regles
    students: tuple[str, ...]
    ue_averages: FloatArray
    ue_computed: FloatArray
    # module averages, students × computed columns; column c is (module c // (n_ue + 1), UE c % (n_ue + 1)),
    # the last "UE" being the module's own average. Columns not listed are undefined for everyone.
    module_block: FloatArray
    module_columns: npt.NDArray[np.intp]
    provisional_mask: BoolArray
    complete: frozenset[str]
    grades: Sequence[StudentGrades] | GradeTable
    # Exact UE averages known so far, by (row, UE column): all of them from the reference implementation,
    # those near a bar from the vectorised one (it computes them exactly there); the others on demand.
    exact_cells: dict[tuple[int, int], Fraction | None] = field(default_factory=dict, repr=False)
    _rows: dict[str, int] = field(init=False, repr=False, default_factory=dict)
    _full: list[FloatArray] = field(init=False, repr=False, default_factory=list)

    def _module_full(self) -> FloatArray:
        if not self._full:
            n_m, n_c = len(self.spec.modules), len(self.spec.ues) + 1
            full = np.full((len(self.students), n_m * n_c), np.nan)
            full[:, self.module_columns] = self.module_block
            self._full.append(full.reshape(len(self.students), n_m, n_c))
        return self._full[0]

    @property
    def module_averages(self) -> FloatArray:
        """Students × modules × UEs (NaN: undefined)."""
        return self._module_full()[:, :, :-1]

    @property
    def module_means(self) -> FloatArray:
        """Students × modules: each module's own average, Σ coef·note / Σ coef (NaN: undefined)."""
        return self._module_full()[:, :, -1]

    @property
    def ue_codes(self) -> tuple[str, ...]:
        return self.spec.ue_codes

    @property
    def module_codes(self) -> tuple[str, ...]:
        return self.spec.module_codes

    @property
    def incomplete_evaluations(self) -> tuple[str, ...]:
        """Normal, non-immediate evaluations that do not count yet because a value is missing."""
        return tuple(
            e.id
            for e in self.spec.evaluations
            if e.type.value == "normale" and not e.immediate and e.id not in self.complete
        )

    def row(self, student_id: str) -> int:
        if not self._rows and self.students:  # built on first use: bulk callers never need it
            self._rows.update((s, i) for i, s in enumerate(self.students))
        try:
            return self._rows[student_id]
        except KeyError:
            raise KeyError(f"étudiant « {student_id} » absent de ce calcul") from None

    def _col(self, codes: tuple[str, ...], code: str, what: str) -> int:
        try:
            return codes.index(code)
        except ValueError:
            raise KeyError(f"{what} « {code} » inconnu(e) dans ce semestre ({', '.join(codes)})") from None

    def ue_average(self, student_id: str, ue_code: str) -> float | None:
        return _value(self.ue_averages[self.row(student_id), self._col(self.ue_codes, ue_code, "UE")])

    def ue_average_exact(self, student_id: str, ue_code: str) -> Fraction | None:
        """The UE average as an exact value (``delibe.engine.exact``), computed by the reference
        implementation for that one student the first time it is asked (the float ``ue_average`` is the
        nearest double to it, or within 1e-12 of it away from the bars)."""
        i, j = self.row(student_id), self._col(self.ue_codes, ue_code, "UE")
        if (i, j) not in self.exact_cells:
            self.exact_cells[i, j] = self.explain_ue(student_id, ue_code).exact
        return self.exact_cells[i, j]

    def module_average(self, student_id: str, module_code: str, ue_code: str | None = None) -> float | None:
        """Average of a module towards a UE; ``ue_code`` None gives the module's own average."""
        i = self.row(student_id)
        k = self._col(self.module_codes, module_code, "module")
        if ue_code is None:
            return _value(self.module_means[i, k])
        return _value(self.module_averages[i, k, self._col(self.ue_codes, ue_code, "UE")])

    def reaches(self, student_id: str, ue_code: str, bar: float | None = None) -> bool:
        """Whether the UE average reaches ``bar`` (default: ``regles.barre_ue``) with the rounding tolerance
        (``Regles.reaches``: never rounded before comparing; ≥ bar − tolerance). Undefined never reaches."""
        return self.regles.reaches(self.ue_average(student_id, ue_code), self.regles.barre_ue if bar is None else bar)

    def ue_reaches(self, bar: float | None = None) -> BoolArray:
        """Students × UEs: the same comparison for the whole cohort (NaN gives False), exact: the cells
        within ``exact.WINDOW`` of the threshold are compared on their exact value."""
        threshold = self.regles.threshold(self.regles.barre_ue if bar is None else bar)
        with np.errstate(invalid="ignore"):
            reached = np.greater_equal(self.ue_averages, float(threshold))
            close = np.abs(self.ue_averages - float(threshold)) <= float(WINDOW) * 2
        for i, j in np.argwhere(close):
            value = self.ue_average_exact(self.students[i], self.ue_codes[j])
            reached[i, j] = value is not None and value >= threshold
        return reached

    def provisional(self, student_id: str) -> bool:
        return bool(self.provisional_mask[self.row(student_id)])

    def ue_averages_of(self, student_id: str) -> dict[str, float | None]:
        return _by_code(self.ue_codes, self.ue_averages[self.row(student_id)].tolist())

    def module_means_of(self, student_id: str) -> dict[str, float | None]:
        """Each module's own average for one student (``module_means``' row; None: undefined)."""
        return _by_code(self.module_codes, self.module_means[self.row(student_id)].tolist())

    def _student(self, student_id: str) -> StudentGrades:
        i = self.row(student_id)
        if isinstance(self.grades, GradeTable):
            return self.grades.student(self.spec, i)
        return self.grades[i]

    def explain_ue(self, student_id: str, ue_code: str) -> UEExplanation:
        from delibe.engine.moyennes.reference import explain_ue

        return explain_ue(self.spec, self._student(student_id), ue_code, self.complete, self.regles)

    def explain_module(
        self, student_id: str, module_code: str, ue_code: str | None = None
    ) -> ModuleExplanation:
        from delibe.engine.moyennes.reference import explain_module

        self._col(self.module_codes, module_code, "module")
        if ue_code is not None:
            self._col(self.ue_codes, ue_code, "UE")
        return explain_module(self.spec, self._student(student_id), module_code, ue_code, self.complete)

    def as_rows(self) -> list[dict[str, object]]:
        """One plain dict per student (UE averages and the provisional flag)."""
        return [
            {
                "student_id": s,
                "provisional": bool(self.provisional_mask[i]),
                "ue": {u: _value(self.ue_averages[i, j]) for j, u in enumerate(self.ue_codes)},
            }
            for i, s in enumerate(self.students)
        ]
