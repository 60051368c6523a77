"""The MMI référentiel read from both national exports (Orébut XML, ScoDoc JSON)."""

import pytest

from delibe.engine.model import Referentiel
from delibe.imports.orebut import parse_orebut_referentiel
from delibe.imports.referentiel import detect_format, parse_referentiel
from delibe.imports.scodoc import parse_scodoc_referentiel

# Apprentissages critiques per (competence, level), counted in the référentiel (Orébut 2021-12-11).
MMI_ACS = {
    ("Comprendre", 1): 6, ("Comprendre", 2): 5,
    ("Concevoir", 1): 4, ("Concevoir", 2): 5, ("Concevoir", 3): 4,
    ("Exprimer", 1): 6, ("Exprimer", 2): 6, ("Exprimer", 3): 5,
    ("Développer", 1): 6, ("Développer", 2): 6, ("Développer", 3): 5,
    ("Entreprendre", 1): 7, ("Entreprendre", 2): 6, ("Entreprendre", 3): 4,
}  # fmt: skip
MMI_BUT3 = {
    "Créa": {"Exprimer": 3, "Entreprendre": 3},
    "Strat-UX": {"Concevoir": 3, "Entreprendre": 3},
    "DWeb-DI": {"Développer": 3, "Entreprendre": 3},
}


@pytest.fixture(params=["orebut", "scodoc"])
def mmi(request, orebut_mmi, scodoc_mmi) -> Referentiel:
    if request.param == "orebut":
        result = parse_orebut_referentiel(orebut_mmi, "mmi.xml")
    else:
        result = parse_scodoc_referentiel(scodoc_mmi, "mmi.json")
    assert result.errors == () and result.warnings == ()
    return result.unwrap().to_referentiel()


def test_mmi_has_five_competences_numbered_1_to_5(mmi):
    assert [(c.numero, c.nom_court) for c in mmi.competences] == [
        (1, "Comprendre"), (2, "Concevoir"), (3, "Exprimer"), (4, "Développer"), (5, "Entreprendre")
    ]  # fmt: skip
    assert mmi.specialite == "MMI"
    assert mmi.specialite_long == "Métiers du Multimédia et de l'Internet"
    assert mmi.version == "2021-12-11"


def test_comprendre_has_two_levels_and_the_others_three(mmi):
    assert {c.nom_court: len(c.niveaux) for c in mmi.competences} == {
        "Comprendre": 2, "Concevoir": 3, "Exprimer": 3, "Développer": 3, "Entreprendre": 3
    }  # fmt: skip


def test_each_level_has_its_but_year_as_an_integer_and_its_apprentissages_critiques(mmi):
    counts = {(c.nom_court, n.ordre): len(n.apprentissages_critiques) for c in mmi.competences for n in c.niveaux}
    assert counts == MMI_ACS
    assert sum(counts.values()) == 75
    assert all(n.annee == n.ordre for c in mmi.competences for n in c.niveaux)
    exprimer3 = mmi.competence("Exprimer").niveau(3)
    assert exprimer3.apprentissages_critiques[0].code == "AC33.01"
    assert all(ac.code.startswith("AC3") for ac in exprimer3.apprentissages_critiques)


def test_competences_keep_their_orebut_id_colour_composantes_and_situations(mmi):
    comprendre = mmi.competence("Comprendre")
    assert comprendre.id_orebut == "688548e4666873aa7a49491ba88a7271"
    assert comprendre.couleur == "c1"
    assert len(comprendre.composantes_essentielles) == 5
    assert comprendre.composantes_essentielles[0] == "en intégrant les enjeux humains, écologiques et éthiques"
    assert len(comprendre.situations_professionnelles) == 3
    assert comprendre.situations_professionnelles[0].startswith("Prestataire : ")


def test_the_three_parcours_study_all_five_competences_in_but1_and_but2_and_two_in_but3(mmi):
    assert [p.code for p in mmi.parcours] == ["Créa", "Strat-UX", "DWeb-DI"]
    names = [c.nom_court for c in mmi.competences]
    for parcours in mmi.parcours:
        assert dict(parcours.niveaux[1]) == dict.fromkeys(names, 1)
        assert dict(parcours.niveaux[2]) == dict.fromkeys(names, 2)
        assert dict(parcours.niveaux[3]) == MMI_BUT3[parcours.code]
    assert mmi.parcours_by_code("Créa").libelle == "Création Numérique"


def test_both_exports_of_mmi_give_the_same_referentiel(orebut_mmi, scodoc_mmi):
    from_xml = parse_orebut_referentiel(orebut_mmi, "mmi.xml").unwrap().to_referentiel()
    from_json = parse_scodoc_referentiel(scodoc_mmi, "mmi.json").unwrap().to_referentiel()
    assert from_xml == from_json


def test_a_parcours_year_lists_competences_in_referentiel_order_whatever_the_file_order(mmi):
    # DWeb-DI's BUT2 is listed Entreprendre-first in both files.
    assert list(mmi.parcours_by_code("DWeb-DI").niveaux[2]) == [c.nom_court for c in mmi.competences]


def test_the_format_is_detected_from_the_content_not_the_name(orebut_mmi, scodoc_mmi):
    assert detect_format(orebut_mmi, "export.json") == "orebut"
    assert detect_format(b"\xef\xbb\xbf  " + scodoc_mmi, "export.xml") == "scodoc"
    assert detect_format(b"", "export.xml") == "orebut"
    assert detect_format(b"", "export.txt") is None
    assert parse_referentiel(scodoc_mmi, "x.bin").unwrap().source_format == "scodoc"


def test_a_forced_format_that_does_not_match_the_content_is_a_clear_error(orebut_mmi):
    result = parse_referentiel(orebut_mmi, "mmi.xml", "scodoc")
    assert not result.ok
    assert "JSON mal formé" in result.errors[0].message
    assert result.errors[0].place.startswith("mmi.xml, ligne 1")


def test_the_imported_competences_equal_those_of_the_shipped_mmi_formation(orebut_mmi):
    from pathlib import Path

    from delibe.formations import load_formation

    formation = load_formation(Path(__file__).resolve().parents[2] / "formations" / "but-mmi-dijon.yaml")
    imported = parse_orebut_referentiel(orebut_mmi, "mmi.xml").unwrap().to_referentiel()
    assert formation.referentiel.competences == imported.competences
    assert [(p.code, p.niveaux) for p in formation.referentiel.parcours] == [
        (p.code, p.niveaux) for p in imported.parcours
    ]
