"""The university generator (issue 19, item 7: ``services.demo.build_universite``, run at scale by
bench/universite.py): the demo's department generator repeated over N departments, each with its three
years, its closed past juries, its attendance and its accounts, without touching the demo itself."""

from __future__ import annotations

import pytest


@pytest.fixture
def universite(db):
    from delibe.web.services.demo import build_universite

    lines: list[str] = []
    summary = build_universite(departements=2, etudiants=12, grande_promo=9, echo=lines.append)
    return summary, lines


def test_each_department_gets_its_students_over_three_years_with_grades_decisions_and_absences(universite):
    from delibe.web.assiduite.models import AbsenceRecord
    from delibe.web.models import Department, Enrolment, Grade, JuryDecision, SemesterRun, Student

    summary, _ = universite
    assert Department.objects.count() == 2
    first, second = Department.objects.order_by("code")
    # the first department's current BUT1 is the big year: 4 + 4 past newcomers and 9 this year
    assert Student.objects.filter(department=first).count() == 4 + 4 + 9
    assert Student.objects.filter(department=second).count() == 12
    for department in (first, second):
        runs = SemesterRun.objects.filter(formation__department=department)
        assert set(runs.values_list("academic_year__label", flat=True)) == {"2021-2022", "2022-2023", "2023-2024"}
        assert Grade.objects.filter(student__department=department).exists()
        assert JuryDecision.objects.filter(student__department=department, academic_year__label="2022-2023").exists()
        assert AbsenceRecord.objects.filter(student__department=department).exists()
        assert runs.filter(academic_year__label="2022-2023", locked=True).exists()  # past juries closed
    assert Enrolment.objects.filter(semester__formation__department=first, semester__semestre=1,
                                    semester__academic_year__label="2023-2024", redoublant=False).count() == 9
    assert "2 départements" in summary


def test_every_department_has_one_account_per_role_seeing_its_own_department_only(universite, client):
    from delibe.web.models import Department, Student
    from delibe.web.services.demo import universite_username

    second = Department.objects.order_by("code")[1]
    for role in ("scolarite", "responsable", "enseignant", "president", "etudiant"):
        assert client.login(username=universite_username(role, 0), password=f"{universite_username(role, 0)}-demo")
        client.logout()
    own = Student.objects.get(user__username=universite_username("etudiant", 1))
    assert own.department == second
    client.login(username=universite_username("scolarite", 0), password=f"{universite_username('scolarite', 0)}-demo")
    assert client.get(f"/etudiants/{own.pk}/").status_code == 404  # another department's student


def test_running_the_generator_again_adds_nothing(universite):
    from delibe.web.models import Grade, Student
    from delibe.web.services.demo import build_universite

    students, grades = Student.objects.count(), Grade.objects.count()
    build_universite(departements=2, etudiants=12, grande_promo=9, echo=lambda _: None)
    assert (Student.objects.count(), Grade.objects.count()) == (students, grades)
