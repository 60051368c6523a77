"""Migration assiduite 0004 (issue 18): a database of half-day absences keeps them as they are — the codes
« matin » and « apres-midi » stay valid slots — the attendance rules gain empty slots (half-days) and no
holiday, and going back is possible."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def _with_the_other_apps_latest(target):
    """``target`` for the attendance app, every other app at its latest migration (so that the models'
    state is the database's)."""
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    return [n for n in leaves if n[0] != "assiduite"] + [target]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_half_day_absences_recorded_before_the_migration_still_count_as_half_days():
    BEFORE = _with_the_other_apps_latest(("assiduite", "0003_dated_rules"))
    AFTER = _with_the_other_apps_latest(("assiduite", "0004_h18b_creneaux_vacances"))
    apps = _migrate(BEFORE)
    Department = apps.get_model("delibe", "Department")
    FormationVersion = apps.get_model("delibe", "FormationVersion")
    AcademicYear = apps.get_model("delibe", "AcademicYear")
    SemesterRun = apps.get_model("delibe", "SemesterRun")
    Student = apps.get_model("delibe", "Student")
    AbsenceRecord = apps.get_model("assiduite", "AbsenceRecord")
    ReglementConfig = apps.get_model("assiduite", "ReglementConfig")
    dept = Department.objects.create(code="m", nom="M")
    version = FormationVersion.objects.create(department=dept, slug="f", version=1, titre="F", yaml_text="",
                                              sha256="x")
    year = AcademicYear.objects.create(label="2023-2024", debut=dt.date(2023, 9, 1), fin=dt.date(2024, 7, 1))
    run = SemesterRun.objects.create(formation=version, semestre=1, academic_year=year)
    student = Student.objects.create(department=dept, formation=version, parcours="P", nip="1", nom="A", prenom="B")
    for day, creneau in ((dt.date(2023, 10, 2), "matin"), (dt.date(2023, 10, 2), "apres-midi")):
        AbsenceRecord.objects.create(student=student, semester=run, date=day, creneau=creneau, module_code="R1.01")
    ReglementConfig.objects.create(department=dept, reference="RI art. 12")

    _migrate(AFTER)
    from delibe.web.assiduite import services
    from delibe.web.assiduite.models import AbsenceRecord as Absence
    from delibe.web.assiduite.models import ReglementConfig as Rules
    from delibe.web.models import Student as CurrentStudent

    rules = Rules.objects.get()
    assert (rules.creneaux, rules.vacances) == ("", "")
    assert services.slots_at(dept.pk, dt.date(2023, 10, 2)) == services.HALF_DAYS
    assert sorted(Absence.objects.values_list("creneau", flat=True)) == ["apres-midi", "matin"]
    counted = services.decomptes([CurrentStudent.objects.get(pk=student.pk)])[str(student.pk)]["R1.01"]
    assert counted.non_justifiees == 2

    _migrate(BEFORE)
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())  # back to the latest state
