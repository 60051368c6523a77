"""Issue 13, item 8: a late student never breaks the others' results. 26 students graded in S1, 3 imported
late: nobody loses an average, nobody is proposed AJ because of it, and an undefined average is never an
automatic AJ or RED (« incomplet », with what is missing)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from delibe.web.models import Enrolment, Evaluation, Grade, Student
from delibe.web.services import etudiants_import as service
from delibe.web.services.calcul import compute_run, deliberate_students
from delibe.web.services.formations import formation_model
from delibe.web.services.jury import proposals_of

HEADER = "NIP;Nom;Prénom;Parcours\n"
LATE = HEADER + "9001;Tard;Un;Créa\n9002;Tard;Deux;Créa\n9003;Tard;Trois;Créa\n"


@pytest.fixture
def graded_s1(world):
    """S1 with 26 students (Alpha, Bravo and 24 more), one dated evaluation per module, everyone at 12."""
    run = world.s1
    students = [world.alice, world.bruno]
    for i in range(24):
        s = Student.objects.create(department=world.department, formation=world.version, parcours="Créa",
                                   nip=f"50{i:02d}", nom=f"Eleve{i:02d}", prenom="Test")
        Enrolment.objects.create(student=s, semester=run, parcours="Créa", groupe="A")
        students.append(s)
    Evaluation.objects.filter(semester=run).delete()
    grades = []
    for module in formation_model(world.version).modules_of(1, "Créa"):
        e = Evaluation.objects.create(semester=run, module_code=module.code, titre="Contrôle", note_max=20,
                                      date=dt.date(2023, 10, 10))
        grades += [Grade(evaluation=e, student=s, value=Decimal(12)) for s in students]
    Grade.objects.bulk_create(grades)
    return run, students


def _odd_jury(run, ids):
    cursus = deliberate_students(ids, up_to=run.academic_year.label, odd_semester=1)
    return {sid: proposals_of(c, run) for sid, c in cursus.items()}


def test_three_students_imported_late_take_no_average_away_and_get_no_aj(world, graded_s1):
    run, students = graded_s1
    before = compute_run(run)
    averages = {s.pk: before.ue_averages(s.pk) for s in students}
    assert all(v == 12 for a in averages.values() for v in a.values())

    preview, counts = service.import_file(user=world.users["scolarite"], run=run, data=LATE.encode(),
                                          filename="tard.csv", inscrit_le=dt.date(2023, 11, 20))
    assert counts == {"crees": 3, "modifies": 0, "inchanges": 0}
    assert preview.late is not None and len(preview.late.before) == preview.late.graded == 24
    late = list(Enrolment.objects.filter(semester=run, student__nip__startswith="90"))
    assert {(e.inscrit_le, e.avant_inscription) for e in late} == {(dt.date(2023, 11, 20), "EXC")}

    after = compute_run(run)
    assert after.incomplete_evaluations() == set()
    assert {s.pk: after.ue_averages(s.pk) for s in students} == averages
    jury = _odd_jury(run, [s.pk for s in students] + [e.student_id for e in late])
    for s in students:
        assert {p.code for p in jury[s.pk].values()} == {"ADM"}
    for e in late:  # nothing counts for them yet: « incomplet », never AJ
        codes = {p.code for p in jury[e.student_id].values()}
        assert codes == {None}
        assert all("incomplet" in p.incomplet for p in jury[e.student_id].values())


def test_with_the_att_policy_the_late_students_are_provisional_and_the_others_unchanged(world, graded_s1):
    run, students = graded_s1
    service.import_file(user=None, run=run, data=LATE.encode(), filename="tard.csv",
                        inscrit_le=dt.date(2023, 11, 20), avant_inscription="ATT")
    outcome = compute_run(run)
    assert outcome.incomplete_evaluations() == set()
    assert all(outcome.ue_averages(s.pk)["UE1.1"] == 12 for s in students)
    late = Enrolment.objects.filter(semester=run, student__nip__startswith="90")
    assert all(outcome.provisional(e.student_id) for e in late)
    assert not any(outcome.provisional(s.pk) for s in students)


def test_a_grade_entered_for_a_late_student_counts_and_later_evaluations_expect_them(world, graded_s1):
    run, students = graded_s1
    service.import_file(user=None, run=run, data=LATE.encode(), filename="tard.csv",
                        inscrit_le=dt.date(2023, 11, 20))
    tard = Student.objects.get(nip="9001")
    first = Evaluation.objects.filter(semester=run, module_code="R1.01").first()
    Grade.objects.create(evaluation=first, student=tard, value=Decimal(15))
    later = Evaluation.objects.create(semester=run, module_code="R1.01", titre="Après", date=dt.date(2023, 12, 1))
    Grade.objects.bulk_create([Grade(evaluation=later, student=s, value=Decimal(12)) for s in students])
    outcome = compute_run(run)
    assert outcome.incomplete_evaluations() == {later.pk}  # the three late students owe this one
    assert outcome.module_average(tard.pk, "R1.01") is None or outcome.module_average(tard.pk, "R1.01") >= 0


def test_the_preview_says_what_will_happen_only_when_the_semester_has_grades(world, graded_s1):
    run, _ = graded_s1
    preview = service.preview_file(run, LATE.encode(), "tard.csv", inscrit_le=dt.date(2023, 11, 20))
    text = preview.late.text("EXC")
    assert "24 évaluation(s) notée(s)" in text and "3 nouvelle(s) inscription(s) datent du 20/11/2023" in text
    assert "moyennes des autres étudiants ne changent pas" in text
    assert "ATT" in preview.late.text("ATT")
    assert service.preview_file(world.s2, LATE.encode(), "tard.csv").late is None  # S2 has no grade yet


def test_an_unknown_policy_is_refused_with_nothing_written(world, graded_s1):
    run, _ = graded_s1
    preview = service.preview_file(run, LATE.encode(), "tard.csv")
    with pytest.raises(service.StudentImportError, match="EXC ou ATT"):
        service.commit(user=None, run=run, preview=preview, avant_inscription="ABS")
    assert not Student.objects.filter(nip="9001").exists()


def test_an_undefined_average_is_incomplete_never_aj_even_without_an_enrolment_date(world, graded_s1):
    """The bug as it was: a student enrolled without a date makes every evaluation incomplete; the others
    then have no average — and are proposed « incomplet » (with the evaluations to complete), not AJ."""
    run, students = graded_s1
    s = Student.objects.create(department=world.department, formation=world.version, parcours="Créa",
                               nip="9100", nom="Sansdate", prenom="Test")
    Enrolment.objects.create(student=s, semester=run, parcours="Créa")
    jury = _odd_jury(run, [students[0].pk])
    proposals = jury[students[0].pk]
    assert {p.code for p in proposals.values()} == {None}
    assert "évaluation(s) incomplète(s) à saisir" in proposals[("ue", "UE1.1")].incomplet


def test_the_year_jury_proposes_neither_aj_nor_red_for_an_undefined_average(world):
    from tests.web.conftest import grade_whole_year

    grade_whole_year(world, 12, 12)
    Grade.objects.filter(student=world.bruno, evaluation__semester=world.s2).update(value=None, special="EXC")
    cursus = deliberate_students([world.bruno.pk], up_to="2023-2024")
    proposals = proposals_of(cursus[world.bruno.pk], world.s2)
    assert proposals[("annee", "BUT1")].code is None and "incomplet" in proposals[("annee", "BUT1")].incomplet
    assert all(p.code != "AJ" for p in proposals.values())
    ue2 = proposals[("ue", "UE2.1")]
    assert ue2.code is None and "neutralisées ou non attendues" in ue2.incomplet


def test_the_semester_page_counts_the_evaluations_complete_after_a_late_import(world, graded_s1, login):
    from delibe.web.selectors.semestres import evaluation_rows, evaluations_completion

    run, _ = graded_s1
    service.import_file(user=None, run=run, data=LATE.encode(), filename="tard.csv", inscrit_le=dt.date(2023, 11, 20))
    rows = evaluation_rows(run)
    assert all(r.complete and r.total == 26 for r in rows)
    assert evaluations_completion(run) == (24, 24)
    page = login("scolarite").get(f"/semestres/{run.pk}/").content.decode()
    assert page.count("complète") >= 24 and "26/29" not in page


def test_the_grade_grid_says_why_a_late_students_grade_is_not_expected(world, graded_s1, login):
    run, _ = graded_s1
    service.import_file(user=None, run=run, data=LATE.encode(), filename="tard.csv", inscrit_le=dt.date(2023, 11, 20))
    evaluation = Evaluation.objects.filter(semester=run, module_code="R1.01").first()
    page = login("scolarite").get(f"/evaluations/{evaluation.pk}/saisie/").content.decode()
    assert page.count("note non attendue : inscrit le 20/11/2023 (compte EXC)") == 3


def test_the_student_page_shows_incomplet_not_aj_for_an_undefined_average(world, login):
    from tests.web.conftest import grade_whole_year

    grade_whole_year(world, 12, 12)
    Grade.objects.filter(student=world.bruno, evaluation__semester=world.s2).update(value=None, special="EXC")
    page = login("scolarite").get(f"/etudiants/{world.bruno.pk}/").content.decode()
    assert "incomplet" in page
    assert ">AJ</span>" not in page and ">RED</span>" not in page
