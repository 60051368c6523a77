"""Attendance in the web app: roll call, import, justifications, rules, monthly reports."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from delibe.web.assiduite import services
from delibe.web.assiduite.models import AbsenceRecord, JustificationRecord, ReglementConfig
from tests.web.conftest import move_to_group

D = dt.date(2023, 10, 2)


def _absent(world, student, date=D, creneau="matin", module="R1.01", nature="absence"):
    return AbsenceRecord.objects.create(student=student, semester=world.s1, date=date, creneau=creneau,
                                        module_code=module, nature=nature)


def test_teacher_records_the_roll_call_of_a_group_in_a_module_they_teach(world):
    n = services.record_group(world.users["enseignant"], world.s1, move_to_group(world.s1, world.alice, "A"), D, "matin", "R1.01",
                              absents=[world.alice.pk], retards=[world.bruno.pk])
    assert n == 2
    assert set(AbsenceRecord.objects.values_list("student_id", "nature")) == {
        (world.alice.pk, "absence"), (world.bruno.pk, "retard")}


def test_saving_the_roll_call_again_replaces_the_previous_one(world):
    teacher = world.users["enseignant"]
    services.record_group(teacher, world.s1, move_to_group(world.s1, world.alice, "A"), D, "matin", "R1.01", absents=[world.alice.pk])
    services.record_group(teacher, world.s1, move_to_group(world.s1, world.alice, "A"), D, "matin", "R1.01", absents=[world.bruno.pk])
    assert list(AbsenceRecord.objects.values_list("student_id", flat=True)) == [world.bruno.pk]


def test_teacher_cannot_record_absences_in_a_module_they_do_not_teach(world):
    with pytest.raises(PermissionDenied):
        services.record_group(world.users["enseignant"], world.s1, move_to_group(world.s1, world.alice, "A"), D, "matin", "R1.02", absents=[world.alice.pk])
    assert not AbsenceRecord.objects.exists()


def test_roll_call_refuses_a_student_outside_the_group(world):
    with pytest.raises(ValidationError):
        services.record_group(world.users["scolarite"], world.s1, move_to_group(world.s1, world.alice, "A"), D, "matin", "R1.01",
                              absents=[world.other_student.pk])


def test_a_justification_covers_absences_recorded_after_it_was_validated(world):
    services.submit_justification(world.users["scolarite"], world.alice, D, D + dt.timedelta(days=4), "Maladie")
    _absent(world, world.alice, D + dt.timedelta(days=2))
    _absent(world, world.alice, D + dt.timedelta(days=9))
    counts = services.decomptes([world.alice], semester=world.s1)[str(world.alice.pk)]["R1.01"]
    assert (counts.justifiees, counts.non_justifiees) == (1, 1)


def test_a_justification_submitted_by_the_student_counts_only_once_validated_by_the_secretariat(world):
    _absent(world, world.alice)
    j = services.submit_justification(world.users["etudiant"], world.alice, D, D, "Convocation")
    assert services.decomptes([world.alice])[str(world.alice.pk)]["R1.01"].non_justifiees == 1
    with pytest.raises(PermissionDenied):
        services.decide_justification(world.users["enseignant"], j, accept=True)
    services.decide_justification(world.users["scolarite"], j, accept=True)
    assert services.decomptes([world.alice])[str(world.alice.pk)]["R1.01"].justifiees == 1


def test_a_student_cannot_submit_a_justification_for_someone_else(world):
    with pytest.raises(PermissionDenied):
        services.submit_justification(world.users["etudiant"], world.bruno, D, D, "Maladie")


def test_a_proof_of_the_wrong_type_is_refused(world):
    bad = SimpleUploadedFile("virus.exe", b"MZ", content_type="application/octet-stream")
    with pytest.raises(ValidationError):
        services.submit_justification(world.users["etudiant"], world.alice, D, D, "Maladie", piece=bad)
    assert not JustificationRecord.objects.exists()


def test_a_period_ending_before_it_starts_is_refused(world):
    with pytest.raises(ValidationError):
        services.submit_justification(world.users["scolarite"], world.alice, D, D - dt.timedelta(days=1), "Maladie")


CSV_OK = "nip;date;creneau;module;nature\n1001;2023-10-02;matin;R1.01;absence\n1002;03/10/2023;apres-midi;;retard\n"


def test_csv_import_creates_every_row(world):
    assert services.import_absences(world.users["scolarite"], world.s1, CSV_OK) == 2
    assert AbsenceRecord.objects.get(student=world.bruno).nature == "retard"


def test_csv_import_with_one_bad_row_writes_nothing_and_names_the_line(world):
    text = CSV_OK + "9999;2023-10-02;matin;R1.01;absence\n1001;2023-13-02;soir;R1.01;absence\n"
    rows, errors = services.parse_absences_csv(text, world.s1)
    assert len(rows) == 2
    assert errors[0].startswith("ligne 4") and "9999" in errors[0]
    assert errors[1].startswith("ligne 5") and "date" in errors[1]
    with pytest.raises(ValidationError):
        services.import_absences(world.users["scolarite"], world.s1, text)
    assert not AbsenceRecord.objects.exists()


def test_csv_import_names_missing_columns(world):
    _, errors = services.parse_absences_csv("nip;date\n1001;2023-10-02\n", world.s1)
    assert "creneau" in errors[0] and "module" in errors[0]


def test_a_teacher_cannot_import_absences(world):
    with pytest.raises(PermissionDenied):
        services.import_absences(world.users["enseignant"], world.s1, CSV_OK)


def test_no_rule_applies_by_default(world):
    for day in range(10):
        _absent(world, world.alice, D + dt.timedelta(days=day))
    assert services.reglement_for(world.department.pk).regles == ()
    assert services.attendance_effects([world.s1]) == {}


def test_switched_on_threshold_proposes_atj_citing_the_reglement(world):
    ReglementConfig.objects.create(department=world.department, reference="Règlement intérieur, art. 12",
                                   date_reglement=dt.date(2023, 7, 6), seuil_atj_actif=True, seuil_atj=2)
    for day in range(3):
        _absent(world, world.alice, D + dt.timedelta(days=day))
    effets = services.attendance_effects([world.s1])[world.s1.pk][world.alice.pk]
    assert effets and all(type(e).__name__ == "ProposeATJ" for e in effets)
    assert "art. 12" in effets[0].reason.source.reference and "06/07/2023" in effets[0].reason.source.reference


def test_switched_on_penalty_is_capped(world):
    ReglementConfig.objects.create(department=world.department, reference="RI art. 13", penalite_active=True,
                                   penalite_points=0.5, penalite_franchise=1, penalite_plafond=1.0)
    for day in range(6):
        _absent(world, world.alice, D + dt.timedelta(days=day))
    effets = services.attendance_effects([world.s1])[world.s1.pk][world.alice.pk]
    assert effets and {e.points for e in effets} == {1.0}


def test_a_rule_without_its_reglement_reference_is_refused(world):
    with pytest.raises(ValidationError):
        ReglementConfig(department=world.department, seuil_atj_actif=True).full_clean()


def _apprentice(world):
    from delibe.web.models import ApprenticeContract

    return ApprenticeContract.objects.create(student=world.alice, employeur="Studio Éclat", tuteur="M. Tuteur",
                                             debut=dt.date(2023, 9, 1), fin=dt.date(2025, 8, 31))


def test_monthly_report_csv_counts_the_month_only(world):
    from delibe.reports.assiduite import rapport_csv

    _apprentice(world)
    _absent(world, world.alice, D)
    _absent(world, world.alice, D, creneau="apres-midi", nature="retard")
    _absent(world, world.alice, dt.date(2023, 11, 6))
    services.submit_justification(world.users["scolarite"], world.alice, D, D, "Maladie")
    [report] = services.monthly_reports(world.department.pk, 2023, 10)
    lines = rapport_csv(report).splitlines()
    assert lines[1].split(";") == ["Studio Éclat", "2023-10", "1001", "Alpha", "Test", "M. Tuteur", "1", "0", "1"]
    assert len(lines) == 2


def test_monthly_report_pdf_names_employer_and_counts(world, tmp_path):
    from delibe.reports.assiduite import rapport_pdf, rapports_zip

    _apprentice(world)
    _absent(world, world.alice, D)
    [report] = services.monthly_reports(world.department.pk, 2023, 10)
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(rapport_pdf(report))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    text = " ".join(text.split())
    assert "Studio Éclat" in text and "octobre 2023" in text and "Alpha" in text
    names = zipfile.ZipFile(io.BytesIO(rapports_zip([report]))).namelist()
    assert names == ["assiduite-2023-10-studio-eclat.csv", "assiduite-2023-10-studio-eclat.pdf"]


def test_no_report_for_a_month_outside_the_contract(world):
    _apprentice(world)
    assert services.monthly_reports(world.department.pk, 2023, 8) == []


def test_bulletin_absences_count_the_semester_half_days_justified_or_not(world):
    from delibe.web.assiduite.selectors import bulletin_absences

    _absent(world, world.alice, D)
    _absent(world, world.alice, D + dt.timedelta(days=1))
    _absent(world, world.alice, D, creneau="apres-midi", nature="retard")
    AbsenceRecord.objects.create(student=world.alice, semester=world.s2, date=dt.date(2024, 2, 5), creneau="matin")
    services.submit_justification(world.users["scolarite"], world.alice, D, D, "Maladie")
    a = bulletin_absences(world.alice, world.s1)
    assert (a.justifiees, a.injustifiees, a.total) == (1, 1, 2)


def test_monthly_report_shows_the_groups_alternance_weeks_over_the_runs_default(world, tmp_path):
    from delibe.reports.assiduite import rapport_pdf
    from delibe.web.assiduite.models import AlternanceWeek

    _apprentice(world)
    AlternanceWeek.objects.create(semester=world.s1, groupe="", lundi=dt.date(2023, 10, 2), lieu="entreprise")
    AlternanceWeek.objects.create(semester=world.s1, groupe="A", lundi=dt.date(2023, 10, 2), lieu="iut")
    AlternanceWeek.objects.create(semester=world.s1, groupe="A", lundi=dt.date(2023, 10, 9), lieu="entreprise")
    AlternanceWeek.objects.create(semester=world.s1, groupe="A", lundi=dt.date(2023, 11, 6), lieu="iut")
    [report] = services.monthly_reports(world.department.pk, 2023, 10)
    a = report.apprentis[0]
    assert (a.semaines_iut, a.semaines_entreprise) == (("2023-10-02",), ("2023-10-09",))
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(rapport_pdf(report))
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    assert "semaines à l'IUT du 02/10 ; en entreprise du 09/10" in text


# --- attendance writes are journaled and respect a closed jury ----------------------------------------

def _journal(object_type):
    from delibe.web.audit.models import AuditEntry

    return list(AuditEntry.objects.filter(object_type=object_type).order_by("id"))


def test_a_roll_call_and_its_correction_are_journaled_with_before_and_after(world):
    teacher = world.users["enseignant"]
    groupe = move_to_group(world.s1, world.alice, "A")
    move_to_group(world.s1, world.bruno, "A")
    services.record_group(teacher, world.s1, groupe, D, "matin", "R1.01", absents=[world.alice.pk])
    services.record_group(teacher, world.s1, groupe, D, "matin", "R1.01", absents=[world.bruno.pk])
    first, second = _journal("absence")
    assert first.action == "create" and first.new == [[world.alice.pk, "absence"]]
    assert second.action == "update" and second.old == [[world.alice.pk, "absence"]]
    assert second.new == [[world.bruno.pk, "absence"]] and second.username == "enseignant"
    assert "Appel R1.01 du 02/10/2023 (matin) : 1 absence(s)" in second.summary


def test_a_roll_call_on_a_closed_jury_is_refused_and_changes_nothing(world):
    groupe = move_to_group(world.s1, world.alice, "A")
    world.s1.locked = True
    world.s1.save()
    with pytest.raises(PermissionDenied):
        services.record_group(world.users["enseignant"], world.s1, groupe, D, "matin", "R1.01",
                              absents=[world.alice.pk])
    assert not AbsenceRecord.objects.exists() and _journal("absence") == []


def test_an_absences_import_is_journaled_once_with_its_counts(world):
    services.import_absences(world.users["scolarite"], world.s1, CSV_OK)
    (entry,) = _journal("absence")
    assert entry.new == {"lignes": 2, "nouvelles": 2} and entry.channel == "import"


def test_validating_a_justification_is_journaled_and_refused_over_a_closed_jury(world):
    _absent(world, world.alice)
    submitted = services.submit_justification(world.users["etudiant"], world.alice, D, D, "Rendez-vous médical")
    world.s1.locked = True
    world.s1.save()
    with pytest.raises(PermissionDenied, match="dont le jury est clos"):
        services.decide_justification(world.users["scolarite"], submitted, accept=True)
    submitted.refresh_from_db()
    assert submitted.statut == "soumise"
    world.s1.locked = False
    world.s1.save()
    services.decide_justification(world.users["scolarite"], submitted, accept=True)
    created, decided = _journal("justificatif")
    assert created.new["statut"] == "soumise" and created.student_id == world.alice.pk
    assert (decided.old, decided.new) == ({"statut": "soumise"}, {"statut": "validee"})
