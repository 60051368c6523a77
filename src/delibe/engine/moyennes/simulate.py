"""UE averages from module averages, for ``delibe simulate`` scenarios that give ``modules:``.

Same rule as a semester's UE average (domain.md §2): Σ_m coef_m,u·moy_m / Σ_m coef_m,u over the modules
given with a defined average; undefined when none is left. No evaluation, bonus or capitalisation here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from delibe.engine.model import Formation
from delibe.engine.moyennes.grades import GradeError


def ue_averages_from_module_averages(
    formation: Formation,
    semestre: int,
    parcours: str | None,
    module_averages: Mapping[str, float | None],
) -> dict[str, float | None]:
    modules = {m.code: m for m in formation.modules_of(semestre, parcours)}
    unknown = [code for code in module_averages if code not in modules]
    if unknown:
        raise GradeError(
            f"S{semestre}: module(s) {', '.join(unknown)} inconnu(s) dans la formation {formation.id} "
            f"(parcours {parcours}); modules du semestre: {', '.join(modules)}"
        )
    for code, avg in module_averages.items():
        if avg is not None and not (0 <= avg <= 20):
            raise GradeError(f"S{semestre}, module {code}: moyenne {avg!r} invalide (attendu entre 0 et 20)")
    result: dict[str, float | None] = {}
    for ue in formation.ues_of(semestre, parcours):
        num = den = 0.0
        for code, avg in module_averages.items():
            coef = float(modules[code].coefficients.get(ue.code, 0.0))
            if avg is None or math.isnan(avg) or coef == 0:
                continue
            num += coef * avg
            den += coef
        result[ue.code] = num / den if den > 0 else None
    return result
