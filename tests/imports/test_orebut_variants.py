"""Orébut XML variants (older drafts, other spécialités) and broken or hostile files: each problem is an
error naming the element and its line, never an exception."""

import pytest

from delibe.imports.orebut import parse_orebut_referentiel
from delibe.imports.results import MAX_INPUT_BYTES, ParseError


def xml(competences: str, parcours: str = "", root: str = 'specialite="TST" specialite_long="Test"') -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<referentiel_competence {root} version="2022-01-05 00:00:00">\n'
        f"<competences>\n{competences}\n</competences>\n<parcours>\n{parcours}\n</parcours>\n"
        "</referentiel_competence>\n"
    ).encode()


def competence(name_attr="nom_court", name="Analyser", numero="1", ident="id-a", niveaux=None) -> str:
    niveaux = niveaux if niveaux is not None else (
        '<niveau ordre="1" libelle="Niveau un" annee="BUT1"><acs><ac code="AC11.01">Faire</ac></acs></niveau>'
    )
    return (
        f'<competence {name_attr}="{name}" numero="{numero}" libelle_long="{name} des choses" id="{ident}">'
        f"<situations><situation>Une situation</situation></situations>"
        f"<composantes_essentielles><composante>en faisant bien</composante></composantes_essentielles>"
        f"<niveaux>{niveaux}</niveaux></competence>"
    )


def parcours(code="P1", lines='<competence niveau="1" id="id-a"/>', annee="1") -> str:
    return f'<parcour code="{code}" libelle="Parcours {code}"><annee ordre="{annee}">{lines}</annee></parcour>'


def test_a_minimal_orebut_file_reads_into_the_engine_model():
    ref = parse_orebut_referentiel(xml(competence(), parcours()), "t.xml").unwrap().to_referentiel()
    assert ref.specialite == "TST" and ref.version == "2022-01-05"
    assert ref.competence("Analyser").niveau(1).apprentissages_critiques[0].libelle == "Faire"
    assert dict(ref.parcours_by_code("P1").niveaux[1]) == {"Analyser": 1}


def test_an_older_draft_with_name_attributes_and_parcours_naming_competences_is_accepted():
    draft = xml(competence(name_attr="name", ident=""), parcours(lines='<competence niveau="1" nom="Analyser"/>'))
    result = parse_orebut_referentiel(draft, "draft.xml")
    assert result.errors == ()
    ref = result.unwrap().to_referentiel()
    assert ref.competence("Analyser").id_orebut is None
    assert dict(ref.parcours[0].niveaux[1]) == {"Analyser": 1}


def test_competences_sharing_a_number_and_a_competence_starting_in_but2_are_accepted():
    # GEII: Implanter / Installer are both competence 4, one per parcours, with level 1 studied in BUT2.
    late = '<niveau ordre="1" libelle="Niveau un" annee="BUT2"><acs><ac code="AC{n}.01">Faire</ac></acs></niveau>'
    source = xml(
        competence(name="Concevoir", ident="c1")
        + competence(name="Implanter", numero="4", ident="c4a", niveaux=late.format(n="24A"))
        + competence(name="Installer", numero="4", ident="c4b", niveaux=late.format(n="24B")),
        parcours("AII", '<competence niveau="1" id="c1"/>')
        + parcours("EME", '<competence niveau="1" id="c4a"/>', annee="2")
        + parcours("ESE", '<competence niveau="1" id="c4b"/>', annee="2"),
    )
    result = parse_orebut_referentiel(source, "geii.xml")
    assert result.errors == ()
    ref = result.unwrap().to_referentiel()
    assert [c.numero for c in ref.competences] == [1, 4, 4]
    assert ref.competence("Implanter").niveau(1).annee == 2
    assert dict(ref.parcours_by_code("ESE").niveaux[2]) == {"Installer": 1}


def test_a_missing_attribute_is_an_error_naming_the_element_and_its_line():
    source = xml(competence().replace(' libelle_long="Analyser des choses"', ""), parcours())
    result = parse_orebut_referentiel(source, "t.xml")
    assert not result.ok
    (error,) = result.errors
    assert error.place == "t.xml, /referentiel_competence/competences/competence (ligne 4)"
    assert "@libelle_long" in error.message and "manquant" in error.message


def test_a_non_integer_numero_is_an_error():
    result = parse_orebut_referentiel(xml(competence(numero="un"), parcours()), "t.xml")
    messages = [str(e) for e in result.errors]
    assert any("@numero doit être un nombre entier" in m and "« un »" in m for m in messages)
    with pytest.raises(ParseError):
        result.unwrap()


def test_a_level_year_that_is_not_but1_to_but3_is_an_error():
    niveau = '<niveau ordre="1" libelle="N" annee="BUT4"><acs><ac code="A">x</ac></acs></niveau>'
    result = parse_orebut_referentiel(xml(competence(niveaux=niveau)), "t.xml")
    assert any("BUT1, BUT2 ou BUT3" in e.message and "niveau" in e.place for e in result.errors)


def test_a_parcours_level_pointing_to_an_unknown_competence_is_an_error():
    result = parse_orebut_referentiel(xml(competence(), parcours(lines='<competence niveau="1" id="nope"/>')), "t.xml")
    (error,) = result.errors
    assert "/parcours/parcour/annee/competence (ligne" in error.place
    assert "d'identifiant nope" in error.message and "compétences connues : Analyser" in error.message


def test_a_parcours_asking_for_a_level_the_competence_does_not_have_is_an_error():
    result = parse_orebut_referentiel(xml(competence(), parcours(lines='<competence niveau="3" id="id-a"/>')), "t.xml")
    (error,) = result.errors
    assert "niveau 3 de « Analyser », qui n'existe pas (niveaux définis : 1)" in error.message


def test_two_competences_with_the_same_short_name_are_an_error():
    result = parse_orebut_referentiel(xml(competence(ident="a") + competence(ident="b"), parcours()), "t.xml")
    assert any("définie deux fois" in e.message for e in result.errors)


def test_a_formation_referentiel_is_refused_with_a_hint():
    result = parse_orebut_referentiel(b"<referentiel_formation><semestre/></referentiel_formation>", "f.xml")
    assert result.value is None
    assert "référentiel de formation" in result.errors[0].message


def test_malformed_xml_reports_line_and_column():
    result = parse_orebut_referentiel(b"<referentiel_competence>\n<competences>\n</referentiel_competence>", "t.xml")
    assert result.value is None
    assert result.errors[0].place == "t.xml, ligne 3, colonne 2"
    assert "XML mal formé" in result.errors[0].message


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<referentiel_competence specialite="&lol3;"/>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<referentiel_competence specialite="&xxe;"/>"""
EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE referentiel_competence SYSTEM "http://example.invalid/ref.dtd">
<referentiel_competence specialite="X"/>"""


@pytest.mark.parametrize("hostile", [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD],
                         ids=["billion-laughs", "external-entity", "external-dtd"])
def test_hostile_xml_gets_a_clean_security_error(hostile):
    result = parse_orebut_referentiel(hostile, "evil.xml")
    assert result.value is None
    (error,) = result.errors
    assert error.place == "evil.xml"
    assert "refusée par sécurité" in error.message


def test_entities_without_a_doctype_are_refused_too():
    result = parse_orebut_referentiel(b'<referentiel_competence specialite="&ext;"/>', "t.xml")
    assert result.value is None and result.errors


def test_a_file_over_the_size_limit_is_refused_before_parsing():
    result = parse_orebut_referentiel(b"<a>" + b" " * MAX_INPUT_BYTES + b"</a>", "big.xml")
    assert result.value is None
    assert "trop volumineux" in result.errors[0].message


def all_specialites(*referentiels: bytes) -> bytes:
    """Orébut's « export-all » layout, with the line break its template leaves before the declaration."""
    bodies = b"".join(r.split(b"?>", 1)[1] for r in referentiels)
    return b'\n<?xml version="1.0" encoding="UTF-8"?>\n<referentiels>' + bodies + b"</referentiels>\n"


def test_an_export_of_all_specialites_is_read_one_specialite_at_a_time(orebut_mmi):
    both = all_specialites(orebut_mmi, xml(competence(), parcours()))
    mmi = parse_orebut_referentiel(both, "all.xml", specialite="mmi").unwrap().to_referentiel()
    assert mmi.specialite == "MMI" and len(mmi.competences) == 5
    tst = parse_orebut_referentiel(both, "all.xml", specialite="TST").unwrap().to_referentiel()
    assert [c.nom_court for c in tst.competences] == ["Analyser"]


def test_an_export_of_all_specialites_without_a_choice_lists_them():
    both = all_specialites(xml(competence(), parcours()), xml(competence(), parcours(), root='specialite="GEII"'))
    result = parse_orebut_referentiel(both, "all.xml")
    assert result.value is None
    assert "2 référentiels (GEII, TST)" in result.errors[0].message and "--specialite" in result.errors[0].message
    missing = parse_orebut_referentiel(both, "all.xml", specialite="MMI")
    assert "spécialités présentes : GEII, TST" in missing.errors[0].message


def test_lines_stay_those_of_the_file_when_a_leading_line_break_is_skipped():
    source = b"\n\n" + xml(competence(numero="x"), parcours())
    (error,) = parse_orebut_referentiel(source, "t.xml").errors
    assert error.place.endswith("competence (ligne 6)")


def test_a_single_referentiel_of_another_specialite_is_refused_when_one_is_asked(orebut_mmi):
    result = parse_orebut_referentiel(orebut_mmi, "mmi.xml", specialite="GEII")
    assert result.value is None
    assert "spécialité « MMI », pas « GEII »" in result.errors[0].message


def test_orebut_writes_a_dash_when_there_is_no_version_date():
    source = xml(competence(), parcours()).replace(b'version="2022-01-05 00:00:00"', b'version="-"')
    assert parse_orebut_referentiel(source, "t.xml").unwrap().version is None


def test_an_error_lists_at_most_a_dozen_known_competences():
    many = "".join(competence(name=f"C{i:02}", ident=f"id{i}") for i in range(50))
    result = parse_orebut_referentiel(xml(many, parcours(lines='<competence niveau="1" id="nope"/>')), "t.xml")
    (error,) = result.errors
    assert "compétences connues : C00, C01," in error.message
    assert "C11… (50 en tout)" in error.message and "C12" not in error.message


def test_a_file_full_of_faults_keeps_the_first_500_errors_and_counts_the_rest():
    source = b'<referentiel_competence specialite="x"><competences>' + b"<competence/>" * 1000 + (
        b"</competences></referentiel_competence>"
    )
    errors = parse_orebut_referentiel(source, "t.xml").errors
    assert len(errors) == 501
    assert errors[-1].message == "… et 2500 autre(s) problème(s) du même fichier, non détaillés."
