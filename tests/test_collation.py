"""French order of names (delibe.collation): the order a secretariat expects."""

from __future__ import annotations

from delibe.collation import name_key, text_key, without_particle


def ordered(*names: str) -> list[str]:
    return sorted(names, key=lambda n: name_key(n))


def test_an_accented_capital_sorts_with_its_letter_not_after_z():
    assert ordered("VINCENT", "ÉCUYER", "DUPONT", "FABRE") == ["DUPONT", "ÉCUYER", "FABRE", "VINCENT"]


def test_case_does_not_change_the_order_of_letters():
    assert ordered("martin", "Leroy", "MOREAU") == ["Leroy", "martin", "MOREAU"]


def test_an_unaccented_name_comes_just_before_the_same_name_with_an_accent():
    assert ordered("Élie", "Elie", "Eliès") == ["Elie", "Élie", "Eliès"]


def test_ligatures_read_as_two_letters():
    assert ordered("OEHMICHEN", "ŒUVRARD", "ODIN", "OZIER") == ["ODIN", "OEHMICHEN", "ŒUVRARD", "OZIER"]


def test_hyphens_spaces_and_apostrophes_do_not_count():
    assert ordered("SAINT-JUST", "SAINTJEAN", "SAINTE-BEUVE") == ["SAINTE-BEUVE", "SAINTJEAN", "SAINT-JUST"]
    assert name_key("SAINT JUST")[0] == name_key("SAINT-JUST")[0] == name_key("SAINT'JUST")[0]


def test_a_leading_particle_is_not_read_but_le_and_van_are():
    assert without_particle("de Gaulle") == "Gaulle" and without_particle("d'Artagnan") == "Artagnan"
    assert without_particle("de la Fontaine") == "Fontaine" and without_particle("LE GALL") == "LE GALL"
    assert ordered("de GAULLE", "GARNIER", "LE GALL", "VAN DAMME", "DURAND", "d'ARTAGNAN") == [
        "d'ARTAGNAN", "DURAND", "GARNIER", "de GAULLE", "LE GALL", "VAN DAMME"]


def test_the_first_name_decides_between_two_people_of_the_same_name_then_the_number():
    people = [("MARTIN", "Zoé", "3"), ("MARTIN", "Émile", "2"), ("MARTIN", "Émile", "1"), ("MARTÍN", "Adam", "4")]
    assert sorted(people, key=lambda p: name_key(*p)) == [
        ("MARTÍN", "Adam", "4"), ("MARTIN", "Émile", "1"), ("MARTIN", "Émile", "2"), ("MARTIN", "Zoé", "3")]


def test_any_text_sorts_letters_first_then_accents():
    assert sorted(["Groupe B", "groupe a", "Écrit"], key=text_key) == ["Écrit", "groupe a", "Groupe B"]
