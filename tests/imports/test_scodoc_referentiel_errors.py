"""ScoDoc's JSON export: variants and errors, each naming its JSON path."""

import copy
import json

import pytest

from delibe.imports.scodoc import parse_scodoc_referentiel


@pytest.fixture
def data(scodoc_mmi):
    return json.loads(scodoc_mmi)


def parse(value) -> "object":
    return parse_scodoc_referentiel(json.dumps(value, ensure_ascii=False).encode(), "mmi.json")


def test_a_non_integer_numero_is_an_error_at_its_json_path(data):
    data["competences"]["Concevoir"]["numero"] = "deux"
    result = parse(data)
    (error,) = result.errors
    assert error.place == "mmi.json, $.competences.Concevoir.numero"
    assert "attendu un nombre entier" in error.message and '"deux"' in error.message


def test_a_missing_field_names_the_field_to_add(data):
    del data["competences"]["Exprimer"]["niveaux"]["BUT2"]["libelle"]
    (error,) = parse(data).errors
    assert error.place == "mmi.json, $.competences.Exprimer.niveaux.BUT2.libelle"
    assert "ajoutez le champ « libelle »" in error.message


def test_a_parcours_citing_an_unknown_competence_is_an_error(data):
    competences = data["parcours"]["Créa"]["annees"]["3"]["competences"]
    competences["Inventer"] = competences.pop("Exprimer")
    (error,) = parse(data).errors
    assert error.place == 'mmi.json, $.parcours.Créa.annees["3"].competences.Inventer'
    assert "« Inventer », qui n'existe pas" in error.message


def test_a_competence_missing_a_field_does_not_make_its_parcours_lines_fail_too(data):
    del data["competences"]["Exprimer"]["titre_long"]
    result = parse(data)
    assert [e.place for e in result.errors] == ["mmi.json, $.competences.Exprimer.titre_long"]


def test_a_level_with_a_year_outside_but1_to_but3_is_an_error(data):
    data["competences"]["Comprendre"]["niveaux"]["BUT2"]["annee"] = "BUT7"
    (error,) = parse(data).errors
    assert error.place == "mmi.json, $.competences.Comprendre.niveaux.BUT2.annee"


def test_lists_are_accepted_where_scodoc_writes_objects(data):
    as_lists = copy.deepcopy(data)
    as_lists["competences"] = list(data["competences"].values())
    as_lists["parcours"] = list(data["parcours"].values())
    assert parse(as_lists).unwrap().to_referentiel() == parse(data).unwrap().to_referentiel()


def test_a_json_that_is_not_an_object_is_refused():
    result = parse_scodoc_referentiel(b"[1, 2]", "x.json")
    assert result.value is None
    assert result.errors[0].place == "x.json, $"


def test_a_json_without_competences_is_not_a_referentiel():
    result = parse_scodoc_referentiel(b'{"specialite": "MMI"}', "x.json")
    assert result.value is None
    assert "competences" in result.errors[0].message


@pytest.mark.parametrize(
    ("raw", "where"),
    [(b'{"competences": {', "x.json, ligne 1, colonne 18"), (b"\xff\xfe{}", "x.json, octet 0")],
    ids=["truncated", "not-utf8"],
)
def test_unreadable_json_reports_where(raw, where):
    result = parse_scodoc_referentiel(raw, "x.json")
    assert result.value is None
    assert result.errors[0].place == where


def test_deeply_nested_json_is_refused_cleanly():
    result = parse_scodoc_referentiel(b"[" * 100_000 + b"]" * 100_000, "deep.json")
    assert result.value is None and result.errors
