"""Inputs of the grade computation: evaluations, grades, and what one semester is made of.

Scope: Arrêté du 15 avril 2022, annexe 1, §4.1 (contrôle continu intégral) and the Délibé decisions of
docs/domain.md §2 (evaluations with a coefficient, a maximum and a weight towards each UE; special values
ABS, EXC, ATT; an evaluation counts once every enrolled student has a value, unless it is immediate).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

from delibe.engine.model import UE, Formation, Module, frozen_map
from delibe.engine.moyennes.bonus import BonusRule

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


class GradeError(ValueError):
    """Bad input to the grade computation; the message (in French) says what, where and how to fix it."""


class Special(StrEnum):
    """The special values of a grade sheet (ScoDoc's vocabulary, domain.md §2)."""

    ABS = "ABS"  # absent: counts as 0
    EXC = "EXC"  # excusé / neutralisé: left out, its weight drops for that student
    ATT = "ATT"  # en attente: left out, and the student's results are provisional


class EvaluationType(StrEnum):
    NORMALE = "normale"
    RATTRAPAGE = "rattrapage"  # module average = max(normal average, rattrapage grade)
    SESSION2 = "session2"  # module average = session 2 grade


Value = float | Special

# Codes used in the dense grade matrix (GradeTable.values); grades themselves are ≥ 0, missing is NaN.
CODE_ABS = -1.0
CODE_EXC = -2.0
CODE_ATT = -3.0
SPECIAL_CODES: Mapping[Special, float] = MappingProxyType(
    {Special.ABS: CODE_ABS, Special.EXC: CODE_EXC, Special.ATT: CODE_ATT}
)
CODE_SPECIALS: Mapping[float, Special] = MappingProxyType({v: k for k, v in SPECIAL_CODES.items()})


@dataclass(frozen=True)
class Evaluation:
    """One evaluation of a module. ``poids`` maps a UE code to the weight of this evaluation towards that
    UE; ``None`` means the default: 1 towards each UE where the module's coefficient is non-zero."""

    id: str
    module: str
    coefficient: float = 1.0
    note_max: float = 20.0
    poids: Mapping[str, float] | None = None
    type: EvaluationType = EvaluationType.NORMALE
    immediate: bool = False

    def weights_towards(self, module: Module) -> Mapping[str, float]:
        if self.poids is not None:
            return self.poids
        return frozen_map({ue: 1.0 for ue, coef in module.coefficients.items() if coef != 0})


@dataclass(frozen=True)
class StudentGrades:
    """One student's grades for one semester.

    ``values[evaluation_id]`` is a number (on the evaluation's ``note_max``) or a ``Special``; an absent
    key (or ``None``) is a missing value. ``modules`` are the modules the student is enrolled in (``None``:
    all). ``capitalised[ue]`` is the frozen average of a UE the student already acquired (repeaters);
    ``dispensed`` are UEs the student is exempted from this semester.
    """

    student_id: str
    values: Mapping[str, Value | None] = field(default_factory=lambda: MappingProxyType({}))
    modules: frozenset[str] | None = None
    capitalised: Mapping[str, float] = field(default_factory=frozen_map)
    dispensed: frozenset[str] = frozenset()

    def enrolled_in(self, module: str) -> bool:
        return self.modules is None or module in self.modules


@dataclass(frozen=True)
class SemesterSpec:
    """What one semester (of one parcours) is made of: its UEs, modules, evaluations and the local bonus
    rules the department declared (none by default)."""

    ues: tuple[UE, ...]
    modules: tuple[Module, ...]
    evaluations: tuple[Evaluation, ...]
    bonus: tuple[BonusRule, ...] = ()

    def __post_init__(self) -> None:
        self._check()

    @classmethod
    def from_formation(
        cls,
        formation: Formation,
        semestre: int,
        parcours: str | None,
        evaluations: Iterable[Evaluation],
        bonus: Sequence[BonusRule] = (),
    ) -> SemesterSpec:
        return cls(
            ues=formation.ues_of(semestre, parcours),
            modules=formation.modules_of(semestre, parcours),
            evaluations=tuple(evaluations),
            bonus=tuple(bonus),
        )

    # Lookups computed once (the spec is frozen; cached_property writes to the instance's __dict__).
    @cached_property
    def ue_codes(self) -> tuple[str, ...]:
        return tuple(u.code for u in self.ues)

    @cached_property
    def module_codes(self) -> tuple[str, ...]:
        return tuple(m.code for m in self.modules)

    @cached_property
    def evaluation_ids(self) -> tuple[str, ...]:
        return tuple(e.id for e in self.evaluations)

    @cached_property
    def _modules_by_code(self) -> dict[str, Module]:
        return {m.code: m for m in self.modules}

    @cached_property
    def _evaluations_by_module(self) -> dict[str, tuple[Evaluation, ...]]:
        return {m.code: tuple(e for e in self.evaluations if e.module == m.code) for m in self.modules}

    @cached_property
    def _weights(self) -> dict[str, dict[str, float]]:
        out = {}
        for e in self.evaluations:
            given = e.weights_towards(self.module(e.module))
            out[e.id] = {ue: float(given.get(ue, 0.0)) for ue in self.ue_codes}
        return out

    def module(self, code: str) -> Module:
        try:
            return self._modules_by_code[code]
        except KeyError:
            raise GradeError(
                f"module « {code} » inconnu dans ce semestre (modules: {', '.join(self.module_codes)})"
            ) from None

    def evaluations_of(self, module: str) -> tuple[Evaluation, ...]:
        return self._evaluations_by_module.get(module, ())

    def coefficient(self, module: str, ue: str) -> float:
        return float(self.module(module).coefficients.get(ue, 0.0))

    def weights(self, evaluation: Evaluation) -> dict[str, float]:
        """Weight of ``evaluation`` towards each UE of the semester (0 where it does not count)."""
        return self._weights[evaluation.id]

    def _check(self) -> None:
        ue_codes = self.ue_codes
        for label, codes in (
            ("UE", ue_codes),
            ("module", self.module_codes),
            ("évaluation", self.evaluation_ids),
        ):
            seen: set[str] = set()
            for code in codes:
                if code in seen:
                    raise GradeError(
                        f"{label} « {code} » déclaré(e) deux fois dans le semestre: chaque code doit être unique"
                    )
                seen.add(code)
        for m in self.modules:
            for ue, coef in m.coefficients.items():
                if not (math.isfinite(coef) and coef >= 0):
                    raise GradeError(
                        f"module {m.code}: coefficient {coef!r} vers {ue} invalide (attendu un nombre ≥ 0)"
                    )
        modules = set(self.module_codes)
        special_types: dict[tuple[str, EvaluationType], str] = {}
        for e in self.evaluations:
            where = f"évaluation {e.id} (module {e.module})"
            if e.module not in modules:
                raise GradeError(
                    f"{where}: le module n'appartient pas au semestre; vérifiez le code du module "
                    f"(modules: {', '.join(self.module_codes)})"
                )
            if not (math.isfinite(e.coefficient) and e.coefficient >= 0):
                raise GradeError(f"{where}: coefficient {e.coefficient!r} invalide (attendu un nombre ≥ 0)")
            if not (math.isfinite(e.note_max) and e.note_max > 0):
                raise GradeError(f"{where}: note maximale {e.note_max!r} invalide (attendu un nombre > 0)")
            if e.poids is not None:
                for ue, w in e.poids.items():
                    if ue not in ue_codes:
                        raise GradeError(
                            f"{where}: poids vers « {ue} », qui n'est pas une UE de ce semestre "
                            f"(UE: {', '.join(ue_codes)})"
                        )
                    if not (math.isfinite(w) and w >= 0):
                        raise GradeError(f"{where}: poids {w!r} vers {ue} invalide (attendu un nombre ≥ 0)")
            if e.type is not EvaluationType.NORMALE:
                key = (e.module, e.type)
                if key in special_types:
                    raise GradeError(
                        f"{where}: le module a déjà une évaluation de type {e.type.value} "
                        f"({special_types[key]}); un module en a au plus une"
                    )
                special_types[key] = e.id
        for rule in self.bonus:
            if rule.module not in modules:
                raise GradeError(
                    f"règle de bonus « {rule.name} »: le module bonus « {rule.module} » n'est pas un module de "
                    "ce semestre; déclarez-le parmi les modules du semestre"
                )


def check_value(student_id: str, evaluation: Evaluation, value: object) -> Value | None:
    """The value as the engine reads it, or a GradeError naming the student and the evaluation."""
    if value is None or isinstance(value, Special):
        return value
    if isinstance(value, str):
        try:
            return Special(value.strip().upper())
        except ValueError:
            pass
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        v = float(value)
        if 0 <= v <= evaluation.note_max:
            return v
    raise GradeError(
        f"étudiant {student_id}, évaluation {evaluation.id}: valeur {value!r} invalide; attendu une note "
        f"entre 0 et {evaluation.note_max:g}, ou ABS, EXC, ATT (ou rien si la note manque)"
    )


@dataclass(frozen=True, eq=False)
class GradeTable:
    """The grades of a whole cohort as dense arrays, columns in the order of the spec: the bulk input of
    ``compute_semester`` (a database query gives columns, not objects).

    ``values``: students × evaluations, raw grades on each evaluation's ``note_max``; NaN = missing;
    ``CODE_ABS``/``CODE_EXC``/``CODE_ATT`` for the special values. ``enrolled``: students × modules
    (``None``: everyone in everything). ``capitalised``: students × UEs, NaN where none. ``dispensed``:
    students × UEs.
    """

    student_ids: tuple[str, ...]
    values: FloatArray
    enrolled: BoolArray | None = None
    capitalised: FloatArray | None = None
    dispensed: BoolArray | None = None

    @classmethod
    def from_students(cls, spec: SemesterSpec, students: Sequence[StudentGrades]) -> GradeTable:
        evaluations = {e.id: e for e in spec.evaluations}
        column = {e.id: j for j, e in enumerate(spec.evaluations)}
        n, n_e = len(students), len(spec.evaluations)
        values = np.full((n, n_e), np.nan)
        modules = spec.module_codes
        ues = spec.ue_codes
        enrolled = np.ones((n, len(modules)), dtype=bool)
        capitalised = np.full((n, len(ues)), np.nan)
        dispensed = np.zeros((n, len(ues)), dtype=bool)
        any_enrolment = any_cap = any_disp = False
        for i, s in enumerate(students):
            row = values[i]
            for eid, v in s.values.items():
                j = column.get(eid)
                if j is None:
                    raise GradeError(
                        f"étudiant {s.student_id}: note pour l'évaluation « {eid} », inconnue dans ce semestre"
                    )
                if v is None:
                    continue
                if (type(v) is float or type(v) is int) and 0 <= v <= evaluations[eid].note_max:
                    row[j] = v
                    continue
                checked = check_value(s.student_id, evaluations[eid], v)
                row[j] = SPECIAL_CODES[checked] if isinstance(checked, Special) else checked
            if s.modules is not None:
                any_enrolment = True
                unknown = s.modules - set(modules)
                if unknown:
                    raise GradeError(
                        f"étudiant {s.student_id}: inscrit à des modules inconnus dans ce semestre: "
                        f"{', '.join(sorted(unknown))}"
                    )
                enrolled[i] = [m in s.modules for m in modules]
            if s.capitalised:
                any_cap = True
                for ue, avg in s.capitalised.items():
                    if ue not in ues:
                        raise GradeError(
                            f"étudiant {s.student_id}: UE capitalisée « {ue} » inconnue dans ce semestre"
                        )
                    if not (0 <= avg <= 20):
                        raise GradeError(
                            f"étudiant {s.student_id}: moyenne capitalisée {avg!r} de {ue} invalide (attendu 0 à 20)"
                        )
                    capitalised[i, ues.index(ue)] = avg
            if s.dispensed:
                any_disp = True
                for ue in s.dispensed:
                    if ue not in ues:
                        raise GradeError(
                            f"étudiant {s.student_id}: dispense d'une UE « {ue} » inconnue dans ce semestre"
                        )
                    dispensed[i, ues.index(ue)] = True
        return cls(
            student_ids=tuple(s.student_id for s in students),
            values=values,
            enrolled=enrolled if any_enrolment else None,
            capitalised=capitalised if any_cap else None,
            dispensed=dispensed if any_disp else None,
        )

    def check(self, spec: SemesterSpec, values: bool = True) -> None:
        n = len(self.student_ids)
        shapes = {
            "values": (self.values, (n, len(spec.evaluations))),
            "enrolled": (self.enrolled, (n, len(spec.modules))),
            "capitalised": (self.capitalised, (n, len(spec.ues))),
            "dispensed": (self.dispensed, (n, len(spec.ues))),
        }
        for name, (array, shape) in shapes.items():
            if array is not None and array.shape != shape:
                raise GradeError(f"tableau de notes: « {name} » a la forme {array.shape}, attendu {shape}")
        if len(set(self.student_ids)) != n:
            raise GradeError("tableau de notes: un même étudiant apparaît deux fois")
        if self.capitalised is not None:
            cap = self.capitalised
            if (cap < 0).any() or (cap > 20).any():
                i, j = (int(x) for x in np.argwhere((cap < 0) | (cap > 20))[0])
                raise GradeError(
                    f"étudiant {self.student_ids[i]}: moyenne capitalisée {cap[i, j]!r} de {spec.ue_codes[j]} "
                    "invalide (attendu entre 0 et 20)"
                )
        if not values:
            return
        v = self.values
        note_max = np.array([e.note_max for e in spec.evaluations])
        ok = np.isnan(v) | ((v >= 0) & (v <= note_max)) | (v == CODE_ABS) | (v == CODE_EXC) | (v == CODE_ATT)
        if not ok.all():
            i, j = (int(x) for x in np.argwhere(~ok)[0])
            raise GradeError(
                f"étudiant {self.student_ids[i]}, évaluation {spec.evaluations[j].id}: valeur {v[i, j]!r} "
                f"invalide (attendu 0 à {note_max[j]:g}, ou ABS, EXC, ATT)"
            )

    def student(self, spec: SemesterSpec, index: int) -> StudentGrades:
        """One row back as a ``StudentGrades`` (for explanations)."""
        values: dict[str, Value | None] = {}
        for j, e in enumerate(spec.evaluations):
            raw = float(self.values[index, j])
            if math.isnan(raw):
                continue
            values[e.id] = CODE_SPECIALS[raw] if raw < 0 else raw
        modules = None
        if self.enrolled is not None:
            modules = frozenset(m for m, on in zip(spec.module_codes, self.enrolled[index]) if on)
        capitalised: dict[str, float] = {}
        if self.capitalised is not None:
            capitalised = {
                u: float(c) for u, c in zip(spec.ue_codes, self.capitalised[index]) if not math.isnan(c)
            }
        dispensed: frozenset[str] = frozenset()
        if self.dispensed is not None:
            dispensed = frozenset(u for u, d in zip(spec.ue_codes, self.dispensed[index]) if d)
        return StudentGrades(
            self.student_ids[index], MappingProxyType(values), modules, frozen_map(capitalised), dispensed
        )
