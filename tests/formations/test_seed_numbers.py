"""The S5–S6 Création numérique tables are exactly the seed's (fiche formation BUT3 MMI CN apprentissage,
IUT Dijon-Auxerre 2023-2024): every module's hours and coefficients, the UEs' ECTS, the totals."""

from __future__ import annotations

import pytest

from delibe.engine.fiche import build_fiche
from delibe.engine.model import Formation, ModuleKind

# (code, titre, type, CM, TD, TP, projet, {UE: coef}) as printed in the seed
SEED = {
    5: [
        ("R5-01", "Anglais", "ressource", 0, 20, 4, 0, {"UE5.3": 1, "UE5.5": 1}),
        ("R5-02", "Management et Assurance qualité", "ressource", 3, 12, 4, 0, {"UE5.5": 1}),
        ("R5-03", "Entrepreneuriat", "ressource", 3, 12, 4, 0, {"UE5.5": 1}),
        ("R5-04", "Projet personnel et professionnel", "ressource", 3, 16, 4, 0, {"UE5.3": 1, "UE5.5": 1}),
        ("R5-05", "Définir une direction artistique", "ressource", 0, 24, 24, 0, {"UE5.3": 2}),
        ("R5-06", "Création numérique", "ressource", 0, 48, 36, 0, {"UE5.3": 3}),
        ("R5-07", "Ecriture multimédia et Narration", "ressource", 0, 48, 36, 0, {"UE5.3": 3}),
        ("SAÉ 5.Crea.01", "Créer par/pour le numérique", "sae", 0, 36, 0, 20, {"UE5.3": 10, "UE5.5": 4}),
        ("Portfolio", "Portfolio", "portfolio", 0, 8, 4, 5, {"UE5.5": 0}),
        ("Stage", "Stage", "stage", 0, 0, 0, 0, {}),
    ],
    6: [
        ("R6-01", "Entrepreneuriat", "ressource", 3, 12, 0, 0, {"UE6.5": 1}),
        ("R6-02", "Création numérique interactive", "ressource", 0, 44, 4, 0, {"UE6.3": 2, "UE6.5": 1}),
        ("Portfolio", "Portfolio", "portfolio", 0, 4, 4, 10, {"UE6.3": 1, "UE6.5": 1}),
        ("Stage", "Stage", "stage", 0, 0, 0, 0, {"UE6.3": 1, "UE6.5": 1}),
    ],
}


@pytest.mark.parametrize("semestre", [5, 6])
def test_every_module_of_the_semester_has_the_seeds_hours_and_coefficients(mmi: Formation, semestre: int):
    modules = mmi.modules_of(semestre, "Créa")
    actual = [(m.code, m.titre, str(m.kind), m.heures.cm, m.heures.td, m.heures.tp, m.heures.projet,
               dict(m.coefficients)) for m in modules]
    assert actual == SEED[semestre]


def test_the_but3_ues_have_the_seeds_ects_and_rcue_weight(mmi: Formation):
    ues = {u.code: (u.competence, u.niveau, u.ects, u.coef_rcue) for s in (5, 6) for u in mmi.ues_of(s, "Créa")}
    assert ues == {"UE5.3": ("Exprimer", 3, 20, 1), "UE5.5": ("Entreprendre", 3, 10, 1),
                   "UE6.3": ("Exprimer", 3, 20, 1), "UE6.5": ("Entreprendre", 3, 10, 1)}


def test_s5_totals_are_349_hours_plus_25_project_hours_and_28_coefficients(mmi: Formation):
    [s5] = build_fiche(mmi, "Créa", [5]).semestres
    h = s5.total.heures
    assert (h.cm, h.td, h.tp, h.projet, h.hors_projet) == (9, 224, 116, 25, 349)
    assert s5.total_ressources.heures.hors_projet == 301 and s5.total_saes.heures.hors_projet == 48
    assert s5.total_ressources.coefficients == (0, 0, 10, 0, 4)
    assert s5.total_saes.coefficients == (0, 0, 10, 0, 4)
    assert s5.total.coefficients == (0, 0, 20, 0, 8)
    assert [c.label for c in s5.colonnes] == ["C5.1", "C5.2", "C5.3", "C5.4", "C5.5"]
    assert s5.ects == 30


def test_s6_totals_are_71_hours_plus_10_project_hours_and_8_coefficients(mmi: Formation):
    [s6] = build_fiche(mmi, "Créa", [6]).semestres
    h = s6.total.heures
    assert (h.cm, h.td, h.tp, h.projet, h.hors_projet) == (3, 60, 8, 10, 71)
    assert s6.total_ressources.heures.hors_projet == 63 and s6.total_saes.heures.hors_projet == 8
    assert s6.total.coefficients == (0, 0, 4, 0, 4)
    assert s6.ects == 30


def test_the_but3_year_totals_are_the_seeds_12_284_124_35_420_36_60(mmi: Formation):
    fiche = build_fiche(mmi, "Créa", [5, 6])
    [annee] = fiche.annees
    h = annee.heures
    assert (annee.annee, annee.semestres) == (3, (5, 6))
    assert (h.cm, h.td, h.tp, h.projet, h.hors_projet, annee.coefficients, annee.ects) == (12, 284, 124, 35, 420,
                                                                                           36, 60)


def test_the_portfolio_and_the_stage_belong_to_the_sae_pole(mmi: Formation):
    kinds = {m.code: m.kind for m in mmi.modules_of(5, "Créa")}
    assert kinds["Portfolio"] is ModuleKind.PORTFOLIO and kinds["Stage"] is ModuleKind.STAGE
    assert {k.pole for k in (ModuleKind.PORTFOLIO, ModuleKind.STAGE, ModuleKind.SAE)} == {"sae"}


def test_every_semester_of_every_offered_parcours_has_30_ects(mmi: Formation):
    for parcours, semestres in mmi.semestres_offerts.items():
        for s in semestres:
            assert sum(u.ects for u in mmi.ues_of(s, parcours)) == 30, (parcours, s)
