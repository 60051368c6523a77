"""Older Orébut drafts whose ``<niveau>`` elements carry no ``annee`` attribute: the BUT year of each level
comes from the ``<parcours>`` section (``<annee ordre="…">`` blocks), else from the level's order.

The two draft fixtures are derived from the MMI sample (see their header comment): every competence,
level, year and apprentissage critique is checked, against the independent ScoDoc export of MMI and against
a table written here."""

from pathlib import Path

import pytest

from delibe.engine.model import Referentiel
from delibe.imports.orebut import parse_orebut_referentiel
from delibe.imports.scodoc import parse_scodoc_referentiel

from .conftest import FIXTURES, SCODOC_MMI
from .test_orebut_variants import competence, parcours, xml

UNDATED = FIXTURES / "orebut-draft-MMI-niveaux-sans-annee.xml"
BY_PARCOURS = FIXTURES / "orebut-draft-MMI-annees-par-parcours.xml"

# (competence, level order) -> (BUT year, number of apprentissages critiques) in the MMI référentiel
MMI_LEVELS = {
    ("Comprendre", 1): (1, 6), ("Comprendre", 2): (2, 5),
    ("Concevoir", 1): (1, 4), ("Concevoir", 2): (2, 5), ("Concevoir", 3): (3, 4),
    ("Exprimer", 1): (1, 6), ("Exprimer", 2): (2, 6), ("Exprimer", 3): (3, 5),
    ("Développer", 1): (1, 6), ("Développer", 2): (2, 6), ("Développer", 3): (3, 5),
    ("Entreprendre", 1): (1, 7), ("Entreprendre", 2): (2, 6), ("Entreprendre", 3): (3, 4),
}  # fmt: skip
NUMBERS = {"Comprendre": 1, "Concevoir": 2, "Exprimer": 3, "Développer": 4, "Entreprendre": 5}


def read(path: Path) -> Referentiel:
    result = parse_orebut_referentiel(path.read_bytes(), path.name)
    assert result.errors == (), [str(e) for e in result.errors]
    assert result.warnings == (), [str(w) for w in result.warnings]
    return result.unwrap().to_referentiel()


def levels(ref: Referentiel) -> dict[tuple[str, int], tuple[int, int]]:
    return {(c.nom_court, n.ordre): (n.annee, len(n.apprentissages_critiques)) for c in ref.competences
            for n in c.niveaux}


def acs(ref: Referentiel) -> dict[tuple[str, int], list[tuple[str, str]]]:
    return {(c.nom_court, n.ordre): [(a.code, a.libelle) for a in n.apprentissages_critiques]
            for c in ref.competences for n in c.niveaux}


@pytest.fixture(scope="module")
def scodoc() -> Referentiel:
    return parse_scodoc_referentiel(SCODOC_MMI.read_bytes(), SCODOC_MMI.name).unwrap().to_referentiel()


def test_the_undated_draft_really_has_no_year_on_its_levels() -> None:
    text = UNDATED.read_text(encoding="utf-8")
    assert text.count("<niveau ") == 14 and 'annee="BUT' not in text


def test_a_draft_without_level_years_imports_every_competence_level_and_year(scodoc: Referentiel) -> None:
    ref = read(UNDATED)
    assert [(c.nom_court, c.numero) for c in ref.competences] == list(NUMBERS.items())
    assert levels(ref) == MMI_LEVELS
    assert levels(ref) == levels(scodoc)


def test_a_draft_without_level_years_keeps_every_apprentissage_critique(scodoc: Referentiel) -> None:
    ref = read(UNDATED)
    assert acs(ref) == acs(scodoc)
    for (nom, ordre), items in acs(ref).items():
        assert [code for code, _ in items] == [
            f"AC{ordre}{NUMBERS[nom]}.{i:02d}" for i in range(1, len(items) + 1)
        ], (nom, ordre)


def test_a_draft_without_level_years_gives_the_same_referentiel_as_the_dated_export(orebut_mmi: bytes) -> None:
    dated = parse_orebut_referentiel(orebut_mmi, "mmi.xml").unwrap().to_referentiel()
    assert read(UNDATED) == dated


def test_the_year_of_a_level_comes_from_the_parcours_even_when_its_order_says_otherwise() -> None:
    ref = read(BY_PARCOURS)
    expected = {k: v for k, v in MMI_LEVELS.items() if k[0] != "Entreprendre"}
    expected[("Entreprendre", 1)] = (2, 7)  # level 1, studied in BUT2: its order would say BUT1
    expected[("Entreprendre", 2)] = (3, 6)
    assert levels(ref) == expected
    entreprendre = ref.competence("Entreprendre")
    assert [a.code for a in entreprendre.niveau(1).apprentissages_critiques] == [f"AC15.0{i}" for i in range(1, 8)]
    assert [a.code for a in entreprendre.niveau(2).apprentissages_critiques] == [f"AC25.0{i}" for i in range(1, 7)]
    for code in ("Créa", "Strat-UX", "DWeb-DI"):
        years = ref.parcours_by_code(code).niveaux
        assert "Entreprendre" not in years[1]
        assert years[2]["Entreprendre"] == 1 and years[3]["Entreprendre"] == 2
        assert len(years[1]) == 4 and len(years[2]) == 5 and len(years[3]) == 2


def test_a_level_no_parcours_requires_takes_the_year_of_its_order_with_a_warning() -> None:
    niveaux = "".join(f'<niveau ordre="{n}" libelle="Niveau {n}"><acs><ac code="AC{n}1.01">Faire</ac></acs></niveau>'
                      for n in (1, 2))
    result = parse_orebut_referentiel(xml(competence(niveaux=niveaux), parcours()), "t.xml")
    assert result.errors == ()
    ref = result.unwrap().to_referentiel()
    assert [(n.ordre, n.annee) for n in ref.competence("Analyser").niveaux] == [(1, 1), (2, 2)]
    (warning,) = result.warnings
    assert "niveau 2 de « Analyser »" in warning.message and "BUT2 d'après son ordre" in warning.message
    assert "/niveaux/niveau[2] (ligne" in warning.place


def test_parcours_placing_an_undated_level_in_different_years_is_an_error_naming_them() -> None:
    niveau = '<niveau ordre="1" libelle="Niveau un"><acs><ac code="AC11.01">Faire</ac></acs></niveau>'
    source = xml(competence(niveaux=niveau), parcours("P1") + parcours("P2", annee="2"))
    result = parse_orebut_referentiel(source, "t.xml")
    (error,) = result.errors
    assert "niveau 1 de « Analyser » n'a pas d'attribut @annee" in error.message
    assert "BUT1 pour P1; BUT2 pour P2" in error.message and "ajoutez @annee" in error.message


def test_an_undated_level_beyond_the_third_that_no_parcours_requires_is_an_error() -> None:
    niveau = '<niveau ordre="4" libelle="Niveau 4"><acs><ac code="AC41.01">Faire</ac></acs></niveau>'
    result = parse_orebut_referentiel(xml(competence(niveaux=niveau), parcours()), "t.xml")
    assert any("niveau 4 de « Analyser » n'a pas d'attribut @annee" in e.message for e in result.errors)
    assert not result.ok


def test_a_dated_level_keeps_its_year_next_to_undated_ones() -> None:
    niveaux = ('<niveau ordre="1" libelle="Un" annee="BUT2"><acs><ac code="AC11.01">Faire</ac></acs></niveau>'
               '<niveau ordre="2" libelle="Deux"><acs><ac code="AC21.01">Faire</ac></acs></niveau>')
    lines = '<competence niveau="2" id="id-a"/>'
    result = parse_orebut_referentiel(xml(competence(niveaux=niveaux), parcours(lines=lines, annee="3")), "t.xml")
    assert result.errors == ()
    assert [(n.ordre, n.annee) for n in result.unwrap().to_referentiel().competence("Analyser").niveaux] == [
        (1, 2), (2, 3)]
