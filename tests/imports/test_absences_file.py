"""The absences file is read without the database: the caller gives the enrolled NIPs, the modules, the
slots of each day and the semester's dates; the parser returns lines and every error, writes nothing."""

from __future__ import annotations

import datetime as dt

from delibe.imports.absences import parse_absences_csv

HALF_DAYS = (("matin", "matin"), ("apres-midi", "après-midi"))
HOURS = (("08h00-10h00", "8 h – 10 h"), ("10h00-12h00", "10 h – 12 h"))


def parse(text: str, slots=HALF_DAYS):
    return parse_absences_csv(text, enrolled={"1001", "1002"}, modules={"R1.01"}, slots_at=lambda day: slots,
                              debut=dt.date(2023, 9, 1), fin=dt.date(2024, 1, 31))


def test_a_good_file_gives_its_lines_with_slots_and_natures_read_as_people_write_them():
    rows, errors = parse("nip;date;creneau;module;nature\n1001;02/10/2023;am;R1.01;retard\n1002;2023-10-03;Matin;;\n")
    assert errors == []
    assert [(r.line, r.nip, r.date, r.creneau, r.module_code, r.nature) for r in rows] == [
        (2, "1001", dt.date(2023, 10, 2), "apres-midi", "R1.01", "retard"),
        (3, "1002", dt.date(2023, 10, 3), "matin", "", "absence"),
    ]


def test_hours_are_read_when_the_day_has_hours_and_a_half_day_is_refused_then():
    rows, errors = parse("nip;date;creneau;module;nature\n1001;2023-10-02;8h-10h;R1.01;absence\n"
                         "1001;2023-10-02;matin;R1.01;absence\n", HOURS)
    assert [r.creneau for r in rows] == ["08h00-10h00"]
    assert errors == ["ligne 3 : créneau « matin » inconnu le 02/10/2023 (attendu 08h00-10h00 ou 10h00-12h00)."]


def test_every_error_names_its_line_and_what_to_write():
    _, errors = parse("nip;date;creneau;module;nature\n9999;2023-10-02;matin;;\n1001;31/02/2023;matin;;\n"
                      "1001;2023-10-02;soir;;\n1001;2023-10-02;matin;;sieste\n1001;2023-10-02;matin;R9.99;\n"
                      "1001;2024-06-01;matin;;\n")
    assert errors == [
        "ligne 2 : NIP « 9999 » inconnu ou non inscrit dans ce semestre.",
        "ligne 3 : date « 31/02/2023 » illisible (attendu AAAA-MM-JJ ou JJ/MM/AAAA).",
        "ligne 4 : créneau « soir » inconnu le 02/10/2023 (attendu matin ou apres-midi).",
        "ligne 5 : nature « sieste » inconnue (attendu absence ou retard).",
        "ligne 6 : module « R9.99 » absent de ce semestre.",
        "ligne 7 : le 01/06/2024 est hors du semestre.",
    ]


def test_a_file_without_the_columns_says_which_are_missing():
    assert parse("nip;date\n1001;2023-10-02\n") == (
        [], ["Colonnes manquantes : creneau, module, nature. L'en-tête attendu est : nip;date;creneau;module;nature."])
