"""UE averages from module averages, for ``delibe simulate`` scenarios that give ``modules:``.

Same rule as a semester's UE average (domain.md §2): Σ_m coef_m,u·moy_m / Σ_m coef_m,u over the modules
given with a defined average; undefined when none is left. No evaluation, bonus or capitalisation here.
It is the reference implementation itself (``explain_ue``), fed one immediate evaluation per module whose
grade is the module's average: one formula for the UE average, computed exactly.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from fractions import Fraction

from delibe.engine.exact import Nombre
from delibe.engine.model import Formation
from delibe.engine.moyennes.grades import Evaluation, GradeError, SemesterSpec, StudentGrades
from delibe.engine.parameters import DEFAULT_REGLES, Regles


def ue_averages_from_module_averages(
    formation: Formation,
    semestre: int,
    parcours: str | None,
    module_averages: Mapping[str, Nombre | None],
    regles: Regles = DEFAULT_REGLES,
) -> dict[str, Fraction | None]:
    from delibe.engine.moyennes.reference import explain_ue

    modules = {m.code: m for m in formation.modules_of(semestre, parcours)}
    unknown = [code for code in module_averages if code not in modules]
    if unknown:
        raise GradeError(
            f"S{semestre}: module(s) {', '.join(unknown)} inconnu(s) dans la formation {formation.id} "
            f"(parcours {parcours}); modules du semestre: {', '.join(modules)}"
        )
    given = {
        code: avg for code, avg in module_averages.items()
        if avg is not None and not (isinstance(avg, float) and math.isnan(avg))
    }
    for code, avg in given.items():
        if not (0 <= avg <= regles.note_max):
            raise GradeError(f"S{semestre}, module {code}: moyenne {avg!r} invalide (attendu entre 0 et "
                             f"{regles.note_max:g})")
    spec = SemesterSpec.from_formation(
        formation, semestre, parcours,
        [Evaluation(f"moyenne:{code}", code, immediate=True) for code in modules],
    )
    student = StudentGrades("scenario", {f"moyenne:{code}": avg for code, avg in given.items()})  # type: ignore[misc]  # module averages are exact numbers, read by exact()
    complete: frozenset[str] = frozenset()
    return {ue: explain_ue(spec, student, ue, complete).exact for ue in spec.ue_codes}
