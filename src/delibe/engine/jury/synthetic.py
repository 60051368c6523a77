"""A small MMI-like formation built in code, for tests, benchmarks and examples (never for a real jury).

It mirrors the structure of BUT MMI (référentiel 2021-12-11): 5 competences (Comprendre has 2 levels),
3 parcours sharing BUT1 and BUT2 (the 5 competences at levels 1 then 2) and keeping 2 competences in
BUT3 (Créa: Exprimer + Entreprendre, as the seed's UE 5.3/5.5 and 6.3/6.5). ECTS: 6 per UE in S1–S4;
in S5–S6 the seed's split, 20 for the parcours competence and 10 for Entreprendre. Two ressources per
semester of BUT1 give ``modules:`` something to average.
"""

from __future__ import annotations

from types import MappingProxyType

from delibe.engine.model import UE, Competence, Formation, Module, ModuleKind, Niveau, Parcours, Referentiel

COMPETENCES = (
    ("Comprendre", 1, 2),
    ("Concevoir", 2, 3),
    ("Exprimer", 3, 3),
    ("Développer", 4, 3),
    ("Entreprendre", 5, 3),
)
BUT3 = {"Créa": ("Exprimer", "Entreprendre"), "Strat-UX": ("Concevoir", "Entreprendre"),
        "DWeb-DI": ("Développer", "Entreprendre")}
LIBELLES = {"Créa": "Création numérique",
            "Strat-UX": "Stratégie de communication numérique et design d'expérience",
            "DWeb-DI": "Développement web et dispositifs interactifs"}


def _coef(semestre: int, impair: float) -> float:
    return impair if semestre % 2 else 1.0


def mmi_like_formation(id: str = "synthetic-mmi", coef_rcue_impair: float = 1.0) -> Formation:
    """``coef_rcue_impair`` weights the odd-semester UE of every RCUE (the even one weighs 1)."""
    competences = tuple(
        Competence(nom, numero, nom, niveaux=tuple(Niveau(o, o, f"{nom} niveau {o}") for o in range(1, levels + 1)))
        for nom, numero, levels in COMPETENCES
    )
    common = {1: {nom: 1 for nom, _, _ in COMPETENCES}, 2: {nom: 2 for nom, _, _ in COMPETENCES}}
    parcours = tuple(
        Parcours(code, LIBELLES[code], MappingProxyType({
            **{a: MappingProxyType(v) for a, v in common.items()},
            3: MappingProxyType({nom: 3 for nom in kept}),
        }))
        for code, kept in BUT3.items()
    )
    ues: list[UE] = []
    for semestre in range(1, 5):
        annee = (semestre + 1) // 2
        for nom, numero, _ in COMPETENCES:
            ues.append(UE(f"UE{semestre}.{numero}", semestre, nom, annee, 6, coef_rcue=_coef(semestre, coef_rcue_impair)))
    numbers = {nom: numero for nom, numero, _ in COMPETENCES}
    for semestre in (5, 6):
        for nom in ("Concevoir", "Exprimer", "Développer"):
            in_parcours = tuple(code for code, kept in BUT3.items() if nom in kept)
            ues.append(UE(f"UE{semestre}.{numbers[nom]}", semestre, nom, 3, 20,
                          coef_rcue=_coef(semestre, coef_rcue_impair), parcours=in_parcours))
        ues.append(UE(f"UE{semestre}.5", semestre, "Entreprendre", 3, 10, coef_rcue=_coef(semestre, coef_rcue_impair)))
    modules = []
    for semestre in (1, 2):
        modules.append(Module(f"R{semestre}-01", "Ressource A", semestre, ModuleKind.RESSOURCE,
                              coefficients=MappingProxyType({f"UE{semestre}.{n}": 2.0 for n in range(1, 6)})))
        modules.append(Module(f"R{semestre}-02", "Ressource B", semestre, ModuleKind.RESSOURCE,
                              coefficients=MappingProxyType({f"UE{semestre}.1": 1.0, f"UE{semestre}.2": 3.0})))
        modules.append(Module(f"SAÉ {semestre}.01", "SAÉ", semestre, ModuleKind.SAE,
                              coefficients=MappingProxyType({f"UE{semestre}.{n}": 3.0 for n in range(1, 6)})))
    referentiel = Referentiel("MMI", "Métiers du Multimédia et de l'Internet (synthétique)", competences, parcours)
    return Formation(id, 1, "BUT MMI synthétique", referentiel, tuple(ues), tuple(modules))
