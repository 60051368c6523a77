"""Issue 13, item 5: the student's life — add one student by hand, correct the identity (journaled old →
new), démission and défaillance with their date (later grades not expected, the jury proposes DEM/DEF with
the date), unenrol (refused once grades exist unless confirmed with a reason)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from delibe.web.audit.models import AuditEntry
from delibe.web.models import Enrolment, Evaluation, Grade, Student
from delibe.web.services import etudiants as service
from delibe.web.services.calcul import compute_run, deliberate_students
from delibe.web.services.jury import proposals_of


def _enrolment(world, student, run=None):
    return Enrolment.objects.get(student=student, semester=run or world.s1)


def test_a_student_added_by_hand_is_created_enrolled_and_journaled(world):
    enrolment = service.add_student(user=world.users["scolarite"], run=world.s1, nip="7001", nom="Nouvel",
                                    prenom="Élève", parcours="Créa", groupe="A", email="n@example.org")
    assert enrolment.student.department == world.department and enrolment.inscrit_le is None
    entries = AuditEntry.objects.filter(student_id=enrolment.student_id)
    assert {(e.object_type, e.action) for e in entries} == {("student", "create"), ("enrolment", "create")}
    assert {e.username for e in entries} == {"scolarite"}


def test_adding_a_student_to_a_semester_with_grades_dates_the_enrolment_and_leaves_the_others_alone(world):
    Grade.objects.create(evaluation=world.taught, student=world.alice, value=Decimal(14))
    Grade.objects.create(evaluation=world.taught, student=world.bruno, value=Decimal(8))
    Evaluation.objects.filter(pk=world.taught.pk).update(date=dt.date(2023, 10, 1))
    before = compute_run(world.s1).module_average(world.alice.pk, "R1.01")
    enrolment = service.add_student(user=None, run=world.s1, nip="7002", nom="Tard", prenom="Ive",
                                    parcours="Créa", inscrit_le="15/11/2023")
    assert enrolment.inscrit_le == dt.date(2023, 11, 15)
    outcome = compute_run(world.s1)
    assert world.taught.pk not in outcome.incomplete_evaluations()
    assert outcome.module_average(world.alice.pk, "R1.01") == before


@pytest.mark.parametrize(("values", "field", "message"), [
    ({"nip": "2001"}, "nip", "autre département"),
    ({"parcours": "Inconnu"}, "parcours", "Parcours « Inconnu » inconnu"),
    ({"nom": " "}, "nom", "obligatoire"),
    ({"email": "pas-un-courriel"}, "email", "Courriel"),
    ({"nip": "1001"}, "nip", "déjà inscrit"),
])
def test_bad_input_is_refused_with_the_field_named_and_nothing_written(world, values, field, message):
    before = (Student.objects.count(), Enrolment.objects.count(), AuditEntry.objects.count())
    data = {"nip": "7003", "nom": "Nom", "prenom": "Prénom", "parcours": "Créa", **values}
    with pytest.raises(service.StudentError, match=message) as caught:
        service.add_student(user=None, run=world.s1, **data)
    assert caught.value.field == field
    assert (Student.objects.count(), Enrolment.objects.count(), AuditEntry.objects.count()) == before


def test_correcting_the_identity_journals_old_and_new_values(world):
    changes = service.correct_identity(user=world.users["scolarite"], student=world.alice,
                                       values={"nom": "Alpha-Martin", "date_naissance": "02/03/2005"})
    assert changes == {"nom": ("Alpha", "Alpha-Martin"), "date_naissance": ("", "02/03/2005")}
    entry = AuditEntry.objects.filter(object_type="student", student_id=world.alice.pk).latest("id")
    assert entry.old == {"nom": "Alpha", "date_naissance": ""}
    assert entry.new == {"nom": "Alpha-Martin", "date_naissance": "02/03/2005"}
    assert service.correct_identity(user=None, student=world.alice, values={"nom": "Alpha-Martin"}) == {}


def test_a_nip_already_used_is_refused(world):
    with pytest.raises(service.StudentError, match="déjà celui"):
        service.correct_identity(user=None, student=world.alice, values={"nip": "1002"})


def test_after_a_demission_later_evaluations_expect_no_grade_and_the_jury_proposes_dem_with_its_date(world):
    from tests.web.conftest import grade_whole_year

    grade_whole_year(world, 12, 12)
    Evaluation.objects.filter(semester=world.s2).update(date=dt.date(2024, 3, 20))
    Grade.objects.filter(student=world.bruno, evaluation__semester=world.s2).delete()
    assert compute_run(world.s2).incomplete_evaluations()  # Bravo's grades are missing
    service.record_exit(user=world.users["scolarite"], enrolment=_enrolment(world, world.bruno, world.s2),
                        code="DEM", date="12/03/2024", reason="courrier reçu")
    outcome = compute_run(world.s2)
    assert outcome.incomplete_evaluations() == set()
    assert outcome.ue_average(world.alice.pk, "UE2.1") == 12
    cursus = deliberate_students([world.bruno.pk, world.alice.pk], up_to="2023-2024", cohort=True)
    annee = proposals_of(cursus[world.bruno.pk], world.s2)[("annee", "BUT1")]
    assert annee.code == "DEM"
    assert "démission le 12/03/2024" in annee.reasons[0]["text"]
    assert proposals_of(cursus[world.alice.pk], world.s2)[("annee", "BUT1")].code == "ADM"
    world.bruno.refresh_from_db()
    assert world.bruno.status == "DEM"
    entry = AuditEntry.objects.filter(object_type="enrolment", student_id=world.bruno.pk).latest("id")
    assert entry.old["etat"] == "I" and entry.new["etat"] == "DEM" and entry.new["etat_le"] == "12/03/2024"
    assert entry.reason == "courrier reçu"


def test_a_defaillance_is_proposed_def_and_can_be_cancelled(world):
    from tests.web.conftest import grade_whole_year

    grade_whole_year(world, 12, 6)
    enrolment = _enrolment(world, world.bruno, world.s2)
    service.record_exit(user=None, enrolment=enrolment, code="DEF", date=dt.date(2024, 4, 2))
    cursus = deliberate_students([world.bruno.pk], up_to="2023-2024")
    assert proposals_of(cursus[world.bruno.pk], world.s2)[("annee", "BUT1")].code == "DEF"
    service.record_exit(user=None, enrolment=enrolment, code="I", date=None)
    cursus = deliberate_students([world.bruno.pk], up_to="2023-2024")
    assert proposals_of(cursus[world.bruno.pk], world.s2)[("annee", "BUT1")].code == "RED"


def test_an_exit_needs_a_known_code_and_a_date(world):
    enrolment = _enrolment(world, world.bruno)
    with pytest.raises(service.StudentError, match="DEM"):
        service.record_exit(user=None, enrolment=enrolment, code="AJ", date="01/01/2024")
    with pytest.raises(service.StudentError, match="date"):
        service.record_exit(user=None, enrolment=enrolment, code="DEM", date="")


def test_unenrolling_without_grades_is_direct_and_journaled(world):
    service.unenrol(user=world.users["scolarite"], enrolment=_enrolment(world, world.bruno))
    assert not Enrolment.objects.filter(student=world.bruno, semester=world.s1).exists()
    assert AuditEntry.objects.filter(object_type="enrolment", action="delete", student_id=world.bruno.pk).exists()


def test_unenrolling_with_grades_is_refused_unless_confirmed_with_a_reason(world):
    Grade.objects.create(evaluation=world.taught, student=world.bruno, value=Decimal(11))
    enrolment = _enrolment(world, world.bruno)
    with pytest.raises(service.StudentError, match="1 note"):
        service.unenrol(user=None, enrolment=enrolment)
    with pytest.raises(service.StudentError, match="motif"):
        service.unenrol(user=None, enrolment=enrolment, confirm=True, reason="")
    assert Grade.objects.filter(student=world.bruno).exists()
    assert service.unenrol(user=None, enrolment=enrolment, confirm=True, reason="erreur d'inscription") == 1
    assert not Grade.objects.filter(student=world.bruno, evaluation__semester=world.s1).exists()
    reasons = set(AuditEntry.objects.filter(student_id=world.bruno.pk, action="delete").values_list("reason", flat=True))
    assert reasons == {"erreur d'inscription"}


def test_a_locked_semester_refuses_every_change(world):
    world.s1.locked = True
    world.s1.save()
    with pytest.raises(service.StudentError, match="verrouillé"):
        service.add_student(user=None, run=world.s1, nip="7009", nom="N", prenom="P", parcours="Créa")
    with pytest.raises(service.StudentError, match="verrouillé"):
        service.record_exit(user=None, enrolment=_enrolment(world, world.bruno), code="DEM", date="01/12/2023")
    with pytest.raises(service.StudentError, match="verrouillé"):
        service.unenrol(user=None, enrolment=_enrolment(world, world.bruno))


def test_a_script_records_a_demission_and_an_unenrolment_from_the_cli(world):
    from click.testing import CliRunner

    from delibe.cli import cli

    result = CliRunner().invoke(cli, ["etudiant", "etat", "1002", "--semestre", str(world.s1.pk), "--code", "DEM",
                                      "--date", "01/12/2023", "--motif", "courrier"])
    assert result.exit_code == 0, result.output
    e = _enrolment(world, world.bruno)
    assert (e.etat, e.etat_le) == ("DEM", dt.date(2023, 12, 1))
    assert AuditEntry.objects.filter(student_id=world.bruno.pk).latest("id").channel == "cli"
    Grade.objects.create(evaluation=world.taught, student=world.bruno, value=Decimal(9))
    refused = CliRunner().invoke(cli, ["etudiant", "desinscrire", "1002", "--semestre", str(world.s1.pk)])
    assert refused.exit_code == 2 and "1 note(s)" in refused.output
    done = CliRunner().invoke(cli, ["etudiant", "desinscrire", "1002", "--semestre", str(world.s1.pk),
                                    "--confirmer", "--motif", "erreur de saisie"])
    assert done.exit_code == 0, done.output
    assert not Enrolment.objects.filter(student=world.bruno, semester=world.s1).exists()


def test_a_demission_during_the_odd_semester_is_proposed_dem_at_its_jury(world, login):
    from delibe.web.services.jury import odd

    service.record_exit(user=None, enrolment=_enrolment(world, world.bruno), code="DEM", date="01/12/2023")
    cursus = deliberate_students([world.bruno.pk], up_to="2023-2024", odd_semester=odd(world.s1))
    annee = proposals_of(cursus[world.bruno.pk], world.s1)[("annee", "BUT1")]
    assert annee.code == "DEM" and "démission le 01/12/2023" in annee.reasons[0]["text"]
    page = login("scolarite").get(f"/semestres/{world.s1.pk}/jury/etudiants/{world.bruno.pk}/").content.decode()
    assert "démission le 01/12/2023" in page
