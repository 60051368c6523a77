"""Department backup as JSON: everything in one versioned document; restoration into a fresh database gives
back the same export, byte for byte; a restoration is all or nothing and refused if the department exists."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.core.management import call_command

from delibe.web.audit.models import AuditEntry
from delibe.web.models import ApprenticeContract, Department, Grade, JuryDecision, Student
from delibe.web.services.sauvegarde_json import SauvegardeError, dumps, export_department, import_department


@pytest.fixture
def rich(world):
    """The web world plus a grade entered through the service (audited), a decision with a reason, a contract."""
    from delibe.web.services import grades

    grades.save_grade(user=world.users["enseignant"], evaluation=world.taught, student_id=world.alice.pk,
                      raw="12,5", expected_version=0)
    grades.save_grade(user=world.users["enseignant"], evaluation=world.taught, student_id=world.alice.pk,
                      raw="13", expected_version=1)
    Grade.objects.create(evaluation=world.taught, student=world.bruno, special="ABS",
                         author=world.users["enseignant"])
    JuryDecision.objects.create(student=world.alice, academic_year=world.year, formation=world.version, annee_but=1,
                                semestre=1, level="ue", key="UE1.1", moyenne=9.5, proposed_code="AJ",
                                decided_code="ADJ", departure_reason="Stage validé", author=world.users["president"])
    Student.objects.filter(pk=world.alice.pk).update(civilite="Mme")
    from delibe.web.services.department_settings import save_settings
    from tests.web.test_department_settings import png

    save_settings(actor=world.users["scolarite"], department=world.department, applies_from=world.year.debut,
                  values={"president": "Mme P"}, logo=png())
    ApprenticeContract.objects.create(student=world.bruno, employeur="ACME", tuteur="M. T", debut=world.year.debut,
                                      fin=world.year.fin)
    try:
        from delibe.web.assiduite.models import AbsenceRecord

        AbsenceRecord.objects.create(student=world.alice, semester=world.s1, date=world.year.debut, creneau="matin")
    except ImportError:
        pass
    return world


def test_export_holds_every_section_with_a_format_version(rich):
    document = export_department("mmi")
    assert (document["format"], document["version"]) == ("delibe-departement", 1)
    assert [s["nip"] for s in document["etudiants"]] == ["1001", "1002"]  # not the other department's
    assert [s["civilite"] for s in document["etudiants"]] == ["Mme", ""]
    assert {g["value"] for g in document["notes"]} == {"13.00", None}
    assert document["notes"][0]["version"] == 2 and document["notes"][0]["author"] == "enseignant"
    decision = document["decisions"][0]
    assert (decision["decided_code"], decision["departure_reason"], decision["author"]) == ("ADJ", "Stage validé", "president")
    assert document["contrats"][0]["employeur"] == "ACME"
    assert len(document["journal"]) == AuditEntry.objects.filter(department_id=rich.department.pk).count() >= 3
    assert "password" not in json.dumps(document["utilisateurs"])
    assert document["reglages"][0]["president"] == "Mme P" and document["reglages"][0]["logo"]


@pytest.mark.django_db(transaction=True)
def test_round_trip_through_a_fresh_database_gives_the_same_bytes(rich):
    before = dumps(export_department("mmi"))
    call_command("flush", interactive=False, verbosity=0)
    assert not Department.objects.exists()
    counts = import_department(json.loads(before))
    assert counts["notes"] == 2 and counts["etudiants"] == 2
    assert dumps(export_department("mmi")) == before
    assert Grade.objects.get(student__nip="1001").value == Decimal("13.00")
    assert dict(Student.objects.values_list("nip", "civilite")) == {"1001": "Mme", "1002": ""}
    assert counts["partitions"] == 2 and counts["appartenances"] == 4  # the world's « Groupes » A of S1 and S2
    restored = AuditEntry.objects.get(object_type="department")
    assert (restored.channel, restored.department_id) == ("import", None)
    # the restored database keeps working: a new student gets a fresh id
    s = Student.objects.create(department=Department.objects.get(code="mmi"), formation_id=counts and
                               Student.objects.first().formation_id, parcours="Créa", nip="9999", nom="N", prenom="P")
    assert s.pk > max(Student.objects.exclude(pk=s.pk).values_list("pk", flat=True))


def test_restoring_an_existing_department_is_refused_and_writes_nothing(rich):
    document = export_department("mmi")
    count = AuditEntry.objects.count()
    with pytest.raises(SauvegardeError, match="existe déjà"):
        import_department(document)
    assert AuditEntry.objects.count() == count


def test_a_broken_document_is_refused_with_nothing_written(rich):
    document = json.loads(dumps(export_department("mmi")))
    document["departement"]["code"] = "copie"
    document["notes"][0]["evaluation"] = 999999
    departments = Department.objects.count()
    with pytest.raises(SauvegardeError):
        import_department(document)
    assert Department.objects.count() == departments
    with pytest.raises(SauvegardeError, match="n'est pas une sauvegarde"):
        import_department({"format": "autre"})
    with pytest.raises(SauvegardeError, match="version"):
        import_department({"format": "delibe-departement", "version": 99, "departement": {"code": "x"}})


def test_cli_export_then_import_refused_for_an_existing_department(rich, tmp_path):
    from delibe.cli import cli

    out = tmp_path / "mmi.json"
    runner = CliRunner()
    result = runner.invoke(cli, ["departement", "export", "mmi", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8"))["departement"]["code"] == "mmi"
    result = runner.invoke(cli, ["departement", "import", str(out)])
    assert result.exit_code == 2 and "existe déjà" in result.output and "Rien n'a été écrit" in result.output


def test_restoring_beside_other_departments_gives_new_ids_and_every_reference_follows(rich):
    from delibe.web.models import Enrolment, Evaluation

    Evaluation.objects.create(semester=rich.other_run, module_code="R1.01", titre="Autre", note_max=20)
    from delibe.web.services import grades

    evaluation = Evaluation.objects.get(titre="Autre")
    grades.save_grade(user=rich.users["admin"], evaluation=evaluation, student_id=rich.other_student.pk, raw="8",
                      expected_version=0)
    document = json.loads(dumps(export_department("geii")))
    document["departement"]["code"] = "geii2"
    document["etudiants"][0]["nip"] = "2999"
    document["formations"][0]["slug"] = "but-mmi-auxerre-copie"
    import_department(document)
    copy = Student.objects.get(nip="2999")
    assert copy.pk != rich.other_student.pk
    assert Enrolment.objects.get(student=copy).semester.formation.slug == "but-mmi-auxerre-copie"
    grade = Grade.objects.get(student=copy)
    assert grade.value == Decimal("8.00") and grade.evaluation.titre == "Autre" and grade.evaluation != evaluation
    entry = AuditEntry.objects.get(department_id=Department.objects.get(code="geii2").pk, object_type="grade")
    assert (entry.student_id, entry.evaluation_id, entry.object_id) == (copy.pk, grade.evaluation_id,
                                                                        f"{grade.evaluation_id}/{copy.pk}")


def test_a_backup_written_before_the_civilite_existed_restores_with_an_empty_civilite(rich):
    document = json.loads(dumps(export_department("mmi")))
    document["departement"]["code"] = "copie"
    for row in document["etudiants"]:
        del row["civilite"]
        row["nip"] = "9" + row["nip"]
    for row in document["formations"]:
        row["slug"] += "-copie"
    Student.objects.filter(user__isnull=False).update(user=None)  # the student account moves with the copy
    import_department(document)
    assert dict(Student.objects.filter(nip__in=["91001", "91002"]).values_list("nip", "civilite")) == {
        "91001": "", "91002": ""}


# --- photos in the backup (issue 13) ---------------------------------------------------------------------

@pytest.fixture
def with_photo(rich, settings, tmp_path):
    from delibe.web.services import photos
    from tests.web.test_photos import archive, image

    settings.DELIBE_PHOTOS_DIR = tmp_path / "photos"
    photos.import_photos(user=None, department=rich.department, zip_data=archive({"1001.jpg": image()}),
                         zip_name="p.zip")
    return rich


@pytest.mark.django_db(transaction=True)
def test_photos_travel_with_the_backup_and_come_back_byte_for_byte(with_photo):
    from delibe.web.models import StudentPhoto
    from delibe.web.services.photos import photo_bytes

    jpeg = photo_bytes(Student.objects.get(nip="1001"))
    before = dumps(export_department("mmi"))
    assert len(json.loads(before)["photos"]) == 1
    assert StudentPhoto.objects.count() == 1
    call_command("flush", interactive=False, verbosity=0)
    counts = import_department(json.loads(before))
    assert counts["photos"] == 1
    assert photo_bytes(Student.objects.get(nip="1001")) == jpeg
    assert dumps(export_department("mmi")) == before


def test_a_backup_without_photos_says_so(with_photo):
    document = export_department("mmi", photos=False)
    assert "photos" not in document and document["photos_exclues"] is True


@pytest.mark.django_db(transaction=True)
def test_an_altered_photo_refuses_the_restoration_and_leaves_no_file(with_photo, settings):
    document = export_department("mmi")
    document["photos"][0]["jpeg"] = document["photos"][0]["jpeg"][:-8] + "AAAAAAA="
    call_command("flush", interactive=False, verbosity=0)
    import shutil

    shutil.rmtree(settings.DELIBE_PHOTOS_DIR)
    with pytest.raises(SauvegardeError, match="altéré"):
        import_department(document)
    assert not Department.objects.exists()
    assert not list(Path(settings.DELIBE_PHOTOS_DIR).rglob("*.jpg"))
