"""The seed's BUT3 MMI Création numérique S5/S6 modules and coefficients (IUT Dijon-Auxerre), built by hand
until the formation loader can give them: ``formation()`` uses the loader when it is there."""

from __future__ import annotations

from delibe.engine.model import UE, Module, ModuleKind, frozen_map

S5_COEFS = {
    "UE5.3": {"R5-01": 1, "R5-04": 1, "R5-05": 2, "R5-06": 3, "R5-07": 3, "SAÉ 5.Crea.01": 10},
    "UE5.5": {"R5-01": 1, "R5-02": 1, "R5-03": 1, "R5-04": 1, "SAÉ 5.Crea.01": 4, "Portfolio": 0},
}
S6_COEFS = {
    "UE6.3": {"R6-02": 2, "Portfolio": 1, "Stage": 1},
    "UE6.5": {"R6-01": 1, "R6-02": 1, "Portfolio": 1, "Stage": 1},
}
ECTS = {"UE5.3": 20, "UE5.5": 10, "UE6.3": 20, "UE6.5": 10}


def _kind(code: str) -> ModuleKind:
    if code.startswith("R"):
        return ModuleKind.RESSOURCE
    return {"Portfolio": ModuleKind.PORTFOLIO, "Stage": ModuleKind.STAGE}.get(code, ModuleKind.SAE)


def semester(semestre: int) -> tuple[tuple[UE, ...], tuple[Module, ...]]:
    coefs = S5_COEFS if semestre == 5 else S6_COEFS
    ues = tuple(
        UE(code, semestre, "Exprimer" if code.endswith(".3") else "Entreprendre", 3, ECTS[code])
        for code in coefs
    )
    codes: list[str] = []
    for per_ue in coefs.values():
        codes += [c for c in per_ue if c not in codes]
    modules = tuple(
        Module(
            code,
            code,
            semestre,
            _kind(code),
            coefficients=frozen_map({ue: per_ue[code] for ue, per_ue in coefs.items() if code in per_ue}),
        )
        for code in codes
    )
    return ues, modules
