"""Migration 0017 (issue 13): the flat groups of a database (SemesterRun.groupes, Enrolment.groupe) become one
partition « Groupes » per semester, with every declared group and every enrolment in its group; going back
gives the flat fields again."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("delibe", "0014_publication")]
AFTER = [("delibe", "0017_partitions")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_flat_groups_become_a_partition_and_come_back_when_reversed():
    apps = _migrate(BEFORE)
    Department = apps.get_model("delibe", "Department")
    FormationVersion = apps.get_model("delibe", "FormationVersion")
    AcademicYear = apps.get_model("delibe", "AcademicYear")
    SemesterRun = apps.get_model("delibe", "SemesterRun")
    Student = apps.get_model("delibe", "Student")
    Enrolment = apps.get_model("delibe", "Enrolment")
    dept = Department.objects.create(code="m", nom="M")
    version = FormationVersion.objects.create(department=dept, slug="f", version=1, titre="F", yaml_text="", sha256="x")
    year = AcademicYear.objects.create(label="2023-2024", debut=dt.date(2023, 9, 1), fin=dt.date(2024, 7, 1))
    run = SemesterRun.objects.create(formation=version, semestre=1, academic_year=year, groupes=["A", "B", "C"])
    empty = SemesterRun.objects.create(formation=version, semestre=2, academic_year=year, groupes=[])
    ids = {}
    for nip, groupe in (("1", "A"), ("2", "B"), ("3", ""), ("4", "Z")):
        s = Student.objects.create(department=dept, formation=version, parcours="P", nip=nip, nom=nip, prenom=nip)
        ids[nip] = Enrolment.objects.create(student=s, semester=run, parcours="P", groupe=groupe).pk
        Enrolment.objects.create(student=s, semester=empty, parcours="P", groupe="")

    apps = _migrate(AFTER)
    Partition = apps.get_model("delibe", "Partition")
    GroupMembership = apps.get_model("delibe", "GroupMembership")
    partition = Partition.objects.get(semester_id=run.pk)
    assert partition.name == "Groupes"
    assert sorted(partition.groupes.values_list("name", flat=True)) == ["A", "B", "C", "Z"]  # Z found on an enrolment
    members = dict(GroupMembership.objects.values_list("enrolment_id", "groupe__name"))
    assert members == {ids["1"]: "A", ids["2"]: "B", ids["4"]: "Z"}
    assert not Partition.objects.filter(semester_id=empty.pk).exists()

    apps = _migrate(BEFORE)
    Enrolment = apps.get_model("delibe", "Enrolment")
    SemesterRun = apps.get_model("delibe", "SemesterRun")
    assert dict(Enrolment.objects.filter(semester_id=run.pk).values_list("pk", "groupe")) == {
        ids["1"]: "A", ids["2"]: "B", ids["3"]: "", ids["4"]: "Z"}
    assert SemesterRun.objects.get(pk=run.pk).groupes == ["A", "B", "C", "Z"]
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())  # back to the latest state
