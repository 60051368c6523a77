"""Small hand-written formations: what the MMI file does not exercise (competence numbers shared by
several parcours, as in GEII; data loaded without YAML)."""

from __future__ import annotations

import pytest

from delibe.engine.check import Severity, check_formation
from delibe.engine.parameters import DEFAULT_REGLES
from delibe.formations import FormationError, formation_from_data


def niveaux():
    return [{"ordre": 1, "annee": 1, "libelle": "niveau 1"}]


def geii(ue_competence, ue_parcours):
    modules = [
        {"code": "R1.01", "titre": "Ressource", "type": "ressource", "heures": {"td": 10},
         "coefficients": {"UE1.1": 1, "UE1.4": 1}},
        {"code": "SAÉ 1.01", "titre": "SAÉ", "type": "sae", "heures": {"projet": 10},
         "coefficients": {"UE1.1": 1, "UE1.4": 1}},
    ]
    return {
        "format": "delibe-formation/1", "id": "mini", "titre": "Mini",
        "referentiel": {
            "specialite": "GEII",
            "competences": [
                {"nom_court": "Réaliser", "numero": 1, "libelle_long": "Réaliser", "niveaux": niveaux()},
                {"nom_court": "Implanter", "numero": 4, "libelle_long": "Implanter", "niveaux": niveaux()},
                {"nom_court": "Installer", "numero": 4, "libelle_long": "Installer", "niveaux": niveaux()},
            ],
            "parcours": [
                {"code": "A", "libelle": "A", "annees": {1: {"Réaliser": 1, "Implanter": 1}}},
                {"code": "B", "libelle": "B", "annees": {1: {"Réaliser": 1, "Installer": 1}}},
            ],
        },
        "offre": {"A": [1], "B": []},
        "semestres": [{"numero": 1, "ues": [
            {"code": "UE1.1", "competence": "Réaliser", "niveau": 1, "ects": 15},
            {"code": "UE1.4", "competence": ue_competence, "niveau": 1, "ects": 15, "parcours": ue_parcours},
        ], "modules": modules}],
    }


def test_a_competence_number_shared_by_several_parcours_is_resolved_within_the_ues_parcours():
    formation = formation_from_data(geii(4, ["A"]))
    assert formation.ue("UE1.4").competence == "Implanter"


def test_an_ambiguous_competence_number_is_refused():
    with pytest.raises(FormationError, match=r"semestres\[0\]\.ues\[1\]\.competence : compétence « 4 » inconnue"):
        formation_from_data(geii(4, []))


def test_a_small_formation_is_checked_like_the_big_one():
    formation = formation_from_data(geii("Implanter", ["A"]))
    findings = check_formation(formation, DEFAULT_REGLES)
    errors = [f for f in findings if f.severity is Severity.ERREUR]
    # S1 is offered for A only, S2 is not: 30 ECTS and the 50 % poles hold, the even UE is missing
    assert {f.rule for f in errors} == set()
    assert {f.rule for f in findings if f.severity is Severity.AVERTISSEMENT} == {"rcue.paire"}
