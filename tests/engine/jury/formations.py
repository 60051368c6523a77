"""Formations built in code for the jury tests (the MMI-like one lives in delibe.engine.jury.synthetic).

``geii_like_formation``: the irregular shape of GEII (domain.md §1): two parcours-specific competences
share the number 4 (Implanter for AII, Installer for EME) and start in BUT2 with their level 1, so the
UE code UE3.4 exists once per parcours; Maintenir is studied in BUT1 only, so no later level can
validate it downwards.
"""

from __future__ import annotations

from types import MappingProxyType

from delibe.engine.model import UE, Competence, Formation, Niveau, Parcours, Referentiel


def geii_like_formation() -> Formation:
    def competence(nom: str, numero: int, levels: int, first_year: int = 1) -> Competence:
        niveaux = tuple(Niveau(o, first_year + o - 1, f"{nom} {o}") for o in range(1, levels + 1))
        return Competence(nom, numero, nom, niveaux=niveaux)

    competences = (
        competence("Concevoir", 1, 3), competence("Vérifier", 2, 3), competence("Maintenir", 3, 1),
        competence("Implanter", 4, 2, 2), competence("Installer", 4, 2, 2),
    )
    parcours = (
        Parcours("AII", "Automatismes et informatique industrielle", MappingProxyType({
            1: MappingProxyType({"Concevoir": 1, "Vérifier": 1, "Maintenir": 1}),
            2: MappingProxyType({"Concevoir": 2, "Vérifier": 2, "Implanter": 1}),
            3: MappingProxyType({"Concevoir": 3, "Implanter": 2}),
        })),
        Parcours("EME", "Électricité et maîtrise de l'énergie", MappingProxyType({
            1: MappingProxyType({"Concevoir": 1, "Vérifier": 1, "Maintenir": 1}),
            2: MappingProxyType({"Concevoir": 2, "Vérifier": 2, "Installer": 1}),
            3: MappingProxyType({"Vérifier": 3, "Installer": 2}),
        })),
    )
    ues = []
    for semestre in (1, 2):
        for nom, numero in (("Concevoir", 1), ("Vérifier", 2), ("Maintenir", 3)):
            ues.append(UE(f"UE{semestre}.{numero}", semestre, nom, 1, 10))
    for semestre in (3, 4):
        for nom, numero in (("Concevoir", 1), ("Vérifier", 2)):
            ues.append(UE(f"UE{semestre}.{numero}", semestre, nom, 2, 10))
        ues.append(UE(f"UE{semestre}.4", semestre, "Implanter", 1, 10, parcours=("AII",)))
        ues.append(UE(f"UE{semestre}.4", semestre, "Installer", 1, 10, parcours=("EME",)))
    for semestre in (5, 6):
        ues.append(UE(f"UE{semestre}.1", semestre, "Concevoir", 3, 15, parcours=("AII",)))
        ues.append(UE(f"UE{semestre}.2", semestre, "Vérifier", 3, 15, parcours=("EME",)))
        ues.append(UE(f"UE{semestre}.4", semestre, "Implanter", 2, 15, parcours=("AII",)))
        ues.append(UE(f"UE{semestre}.4", semestre, "Installer", 2, 15, parcours=("EME",)))
    referentiel = Referentiel("GEII", "Génie électrique et informatique industrielle (synthétique)",
                              competences, parcours)
    return Formation("synthetic-geii", 1, "BUT GEII synthétique", referentiel, tuple(ues), ())
