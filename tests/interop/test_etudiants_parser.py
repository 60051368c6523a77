"""The students list parser: tolerant headers, CSV dialects and encodings, XLSX, errors per line and column."""

from __future__ import annotations

import datetime as dt
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from delibe.imports.etudiants import MAX_BYTES, parse_students

CSV = (
    "N° étudiant;INE;NOM;Prénom;Civilité;Date de naissance;Courriel;Groupe\n"
    "21001234;1234567890A;Dupont;Jeanne;Mme;03/02/2004;jeanne.dupont@example.org;A\n"
    "21001235;;Martin;Paul;M.;2003-11-30;;B\n"
)


def test_headers_are_matched_whatever_their_case_accents_and_spaces():
    result = parse_students(CSV.encode("utf-8"), "liste.csv")
    assert result.ok, result.errors
    first, second = result.value.rows
    assert (first.nip, first.nom, first.prenom, first.civilite, first.groupe) == ("21001234", "Dupont", "Jeanne", "Mme", "A")
    assert first.date_naissance == dt.date(2004, 2, 3)
    assert second.date_naissance == dt.date(2003, 11, 30)
    assert "email" in result.value.columns and "employeur" not in result.value.columns


def test_comma_separated_cp1252_file_is_read():
    text = CSV.replace(";", ",")
    result = parse_students(text.encode("cp1252"), "liste.csv")
    assert result.ok, result.errors
    assert result.value.encoding == "cp1252" and result.value.delimiter == ","
    assert result.value.rows[0].prenom == "Jeanne"


def test_utf8_with_bom_is_read_and_the_bom_is_not_part_of_the_first_header():
    result = parse_students(b"\xef\xbb\xbf" + CSV.encode("utf-8"), "liste.csv")
    assert result.ok and result.value.encoding == "utf-8-sig"
    assert result.value.rows[0].nip == "21001234"


def test_impossible_date_is_reported_with_its_line_and_column():
    text = CSV + "21001236;;Durand;Léa;;31/02/2003;;A\n"
    result = parse_students(text.encode(), "liste.csv")
    assert not result.ok
    assert str(result.errors[0]) == ("ligne 4, colonne « Date de naissance » : 31/02/2003 n'est pas une date "
                                     "(attendu jj/mm/aaaa ou aaaa-mm-jj).")


def test_a_25_20_like_value_in_a_date_column_is_refused():
    text = CSV + "21001236;;Durand;Léa;;25/20/2003;;A\n"
    result = parse_students(text.encode(), "liste.csv")
    assert [e.place for e in result.errors] == ["ligne 4, colonne « Date de naissance »"]


def test_duplicate_nip_in_the_file_names_both_lines():
    text = CSV + "21001234;;Autre;Personne;;;;A\n"
    result = parse_students(text.encode(), "liste.csv")
    assert not result.ok
    assert "le NIP 21001234 figure déjà ligne 2" in str(result.errors[0])
    assert result.errors[0].place.startswith("ligne 4")


def test_missing_required_column_is_named():
    result = parse_students(b"NIP;Nom\n1;X\n", "liste.csv")
    assert result.value is None
    assert "prénom" in str(result.errors[0])


def test_bad_email_and_bad_civilite_are_both_reported():
    text = CSV + "21001236;;Durand;Léa;Docteur;;pas-une-adresse;A\n"
    result = parse_students(text.encode(), "liste.csv")
    assert {e.place for e in result.errors} == {"ligne 4, colonne « Civilité »", "ligne 4, colonne « Courriel »"}


def test_apprentice_columns_and_contract_dates():
    text = ("nip;nom;prenom;employeur;maître d'apprentissage;début de contrat;fin de contrat\n"
            "1;A;B;ACME;M. Tuteur;01/09/2024;31/08/2026\n"
            "2;C;D;ACME;;01/09/2026;31/08/2024\n")
    result = parse_students(text.encode(), "liste.csv")
    assert result.value.rows[0].employeur == "ACME" and result.value.rows[0].tuteur == "M. Tuteur"
    assert result.value.rows[0].contrat_fin == dt.date(2026, 8, 31)
    assert [e.place for e in result.errors] == ["ligne 3, colonne « fin de contrat »"]


def test_xlsx_file_with_numeric_nip_and_real_dates():
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["NIP", "Nom", "Prénom", "Date de naissance", "Groupe"])
    ws.append([21001234, "Dupont", "Jeanne", dt.datetime(2004, 2, 3), "A"])
    ws.append(["21001235", "Martin", "Paul", "30/11/2003", "B"])
    buffer = io.BytesIO()
    wb.save(buffer)
    result = parse_students(buffer.getvalue(), "liste.xlsx")
    assert result.ok, result.errors
    assert [r.nip for r in result.value.rows] == ["21001234", "21001235"]
    assert result.value.rows[0].date_naissance == dt.date(2004, 2, 3)


def test_file_too_big_is_refused_before_reading():
    result = parse_students(b"a" * (MAX_BYTES + 1), "liste.csv")
    assert result.value is None and "trop volumineux" in str(result.errors[0])


def test_wrong_file_types_are_refused_with_what_to_do():
    for data, expected in ((b"%PDF-1.4 ...", "PDF"), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, ".xls"),
                           (b"PK\x03\x04garbage", "ZIP"), (b"\x00\x01\x02binary", "texte")):
        result = parse_students(data, "x")
        assert result.value is None and expected in str(result.errors[0]), (data, result.errors)


def test_unknown_columns_are_ignored_with_a_warning():
    result = parse_students(b"NIP;Nom;Prenom;Bourse\n1;A;B;oui\n", "liste.csv")
    assert result.ok and "Bourse" in str(result.warnings[0])


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=600) | st.text(max_size=400).map(lambda t: ("NIP;Nom;Prénom;Date de naissance\n" + t).encode("utf-8")))
def test_hostile_bytes_never_crash_and_an_error_always_says_where(data):
    result = parse_students(data, "hostile.csv")
    assert result.value is not None or result.errors
    for issue in result.errors:
        assert issue.message and isinstance(issue.place, str)
    if result.value is not None and not result.errors:
        assert all(row.nip and row.nom and row.prenom for row in result.value.rows)
