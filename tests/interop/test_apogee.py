"""The Apogée export: the sample maquette (BUT MMI S4) filled from the jury's decisions, byte for byte."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from delibe.reports.apogee import ApogeeError, format_note, load_mapping, read_maquette

ROOT = Path(__file__).resolve().parents[2]
# the sample shipped with Délibé (data/README.md): ISO-8859-1 and CRLF, as Apogée writes them
SAMPLE = ROOT / "data" / "samples" / "apogee-maquette-BUT-MMI-S4-example.txt"
GOLDEN = Path(__file__).parent / "golden" / "apogee-BUT-MMI-S4-rempli.txt"
MAPPING = b"""elements:
  UE4.1: 7WGA4
  UE4.2: 7WGB4
  UE4.3: 7WGC4
  UE4.4: 7WGD4
  UE4.5: 7WGE4
codes:
  CMP: ADC
"""


@pytest.fixture
def but2(world):
    from delibe.web.models import AcademicYear, Enrolment, JuryDecision, SemesterRun, Student

    year = AcademicYear.objects.create(label="2026-2027", debut=dt.date(2026, 9, 1), fin=dt.date(2027, 7, 10))
    s3 = SemesterRun.objects.create(formation=world.version, semestre=3, academic_year=year)
    s4 = SemesterRun.objects.create(formation=world.version, semestre=4, academic_year=year)
    students = {}
    for nip, nom in (("58310472", "Premier"), ("91736205", "Second"), ("99999999", "Absente")):
        s = Student.objects.create(department=world.department, formation=world.version, parcours="Créa", nip=nip,
                                   nom=nom, prenom="Test")
        for run in (s3, s4):
            Enrolment.objects.create(student=s, semester=run, parcours="Créa")
        students[nip] = s
    first, second = students["58310472"], students["91736205"]
    for code, moyenne, decided in (("UE4.1", 12.345, "ADM"), ("UE4.2", 9.5, "CMP"), ("UE4.3", 14.0, "ADM"),
                                   ("UE4.4", 10.0, "ADM"), ("UE4.5", 8.004, "AJ")):
        JuryDecision.objects.create(student=first, academic_year=year, formation=world.version, annee_but=2,
                                    semestre=4, level="ue", key=code, moyenne=moyenne, decided_code=decided,
                                    proposed_code=decided)
    JuryDecision.objects.create(student=first, academic_year=year, formation=world.version, annee_but=2,
                                level="annee", key="BUT2", decided_code="PASD", proposed_code="PASD")
    JuryDecision.objects.create(student=second, academic_year=year, formation=world.version, annee_but=2,
                                semestre=4, level="ue", key="UE4.1", moyenne=7.0, decided_code="AJ")
    return s4


def test_the_sample_maquette_is_read_with_its_20_result_columns():
    maquette = read_maquette(SAMPLE.read_bytes())
    assert maquette.annee == "2026/2027"
    assert maquette.element_codes() == ["7WGA4", "7WGB4", "7WGC4", "7WGD4", "7WGE4"]
    assert len(maquette.result_ids) == 20 and maquette.fixed == 4
    assert len(maquette.student_lines()) == 25
    assert {"ADM", "AJ", "ADJ", "PASD", "RED"} <= maquette.result_codes


def test_notes_have_two_decimals_and_a_decimal_comma_rounded_half_up():
    assert [format_note(x) for x in (12.345, 9.5, 10, 8.004, 0.005)] == ["12,35", "9,50", "10,00", "8,00", "0,01"]


def test_golden_sample_filled_is_iso_8859_1_crlf_with_decimal_commas(but2, golden):
    from delibe.web.services.apogee_export import export_apogee

    result = export_apogee(but2, SAMPLE.read_bytes(), load_mapping(MAPPING, "c.yaml"))
    data = result.data
    assert data.count(b"\r\n") == SAMPLE.read_bytes().count(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    data.decode("latin-1")  # always decodable; and no UTF-8 sequence survives the conversion
    assert b"\xef\xbf\xbd" not in data
    line = next(li for li in data.split(b"\r\n") if li.startswith(b"58310472"))
    cells = line.split(b"\t")
    assert cells[3:11] == [b"12,35", b"20", b"", b"ADM", b"9,50", b"20", b"", b"ADC"]
    assert cells[-4:] == [b"8,00", b"20", b"", b"AJ"]
    untouched = next(li for li in data.split(b"\r\n") if li.startswith(b"24681953"))
    assert untouched == SAMPLE.read_bytes().split(b"\r\n")[53]
    assert result.absent == ["99999999"] and len(result.unknown) == 23
    golden(GOLDEN, data)  # byte for byte; written only by `pytest --update-goldens`, then reviewed


def test_codes_absent_from_the_maquette_are_reported_with_the_fix(but2):
    from delibe.web.services.apogee_export import export_apogee

    result = export_apogee(but2, SAMPLE.read_bytes())  # default mapping: CMP stays CMP
    assert any("le code CMP (1 fois) n'est pas dans les codes de résultat" in w for w in result.warnings)
    # without a correspondance the S4 elements are deduced from their libellés, and said so
    assert any("7WGA4 → UE4.1" in w and "7WGE4 → UE4.5" in w for w in result.warnings)


def test_a_mapping_key_that_is_not_a_delibe_object_is_refused(but2):
    from delibe.web.services.apogee_export import export_apogee

    with pytest.raises(ApogeeError, match="« UE9.9 » n'est ni une UE"):
        export_apogee(but2, SAMPLE.read_bytes(), load_mapping(b"elements: {UE9.9: 7WGA4}", "c.yaml"))


def test_a_file_that_is_not_a_maquette_is_refused():
    with pytest.raises(ApogeeError, match="XX-APO_COLONNES-XX"):
        read_maquette(b"NIP;nom\n1;A\n")
    with pytest.raises(ApogeeError, match="binaire"):
        read_maquette(b"PK\x03\x04\x00\x00")


def test_cli_writes_the_file_and_reports_unknown_and_absent_students(but2, tmp_path):
    from delibe.cli import cli

    mapping = tmp_path / "correspondance.yaml"
    mapping.write_bytes(MAPPING)
    out = tmp_path / "apogee.txt"
    result = CliRunner().invoke(cli, ["apogee", "export", "--semestre", str(but2.pk), str(SAMPLE), "-o", str(out),
                                      "--correspondance", str(mapping)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == GOLDEN.read_bytes()
    assert "absents de la maquette (1) : 99999999" in result.output
    assert "laissés tels quels (23)" in result.output


def test_a_real_iso_8859_1_crlf_maquette_keeps_every_other_byte(but2):
    from delibe.web.services.apogee_export import export_apogee

    latin = SAMPLE.read_bytes()
    assert b"R\xe9sultat" in latin and b"?" not in latin  # the sample is a real ISO-8859-1 file, accents whole
    result = export_apogee(but2, latin, load_mapping(MAPPING, "c.yaml"))
    assert not any("UTF-8" in w for w in result.warnings)
    before, after = latin.split(b"\r\n"), result.data.split(b"\r\n")
    changed = [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]
    assert [after[i][:8] for i in changed] == [b"58310472", b"91736205"]
    assert b"Dipl\xe9" not in result.data and b"\xe9" in result.data  # accents stay single ISO-8859-1 bytes


def test_a_maquette_re_saved_in_utf_8_with_lf_gives_the_same_file_and_says_so(but2):
    from delibe.web.services.apogee_export import export_apogee

    latin = SAMPLE.read_bytes()
    utf8 = latin.decode("latin-1").replace("\r\n", "\n").encode("utf-8")
    result = export_apogee(but2, utf8, load_mapping(MAPPING, "c.yaml"))
    assert result.data == export_apogee(but2, latin, load_mapping(MAPPING, "c.yaml")).data
    assert any("la maquette était en UTF-8 : convertie en ISO-8859-1." in w for w in result.warnings)


def test_rcue_and_year_elements_carry_their_own_codes(but2):
    from delibe.web.models import JuryDecision, Student
    from delibe.web.services.apogee_export import export_apogee

    first = Student.objects.get(nip="58310472")
    JuryDecision.objects.create(student=first, academic_year=but2.academic_year, formation=but2.formation,
                                annee_but=2, level="rcue", key="Comprendre", moyenne=10.75, decided_code="CMP")
    mapping = load_mapping(b'{"elements": {"Comprendre": "7WGA4", "BUT2": "7WGB4"}, "deviner": false}', "c.json")
    result = export_apogee(but2, SAMPLE.read_bytes(), mapping)
    cells = next(li for li in result.data.split(b"\r\n") if li.startswith(b"58310472")).split(b"\t")
    assert cells[3:11] == [b"10,75", b"20", b"", b"CMP", b"", b"", b"", b"PASD"]
    assert any("7WGC4, 7WGD4, 7WGE4" in w and "laissés vides" in w for w in result.warnings)
