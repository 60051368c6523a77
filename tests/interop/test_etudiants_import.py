"""Importing students into a semester run: preview (new, updated old → new, unchanged), all or nothing, audited."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from delibe.web.audit.models import AuditEntry
from delibe.web.models import ApprenticeContract, Enrolment, Student
from delibe.web.services import etudiants_import as service

HEADER = "NIP;Nom;Prénom;Date de naissance;Email;Groupe;Parcours\n"


def _file(*lines: str) -> bytes:
    return (HEADER + "".join(line + "\n" for line in lines)).encode("utf-8")


@pytest.fixture
def run_with_groups(world):
    from delibe.web.services.groupes import DEFAULT_PARTITION, ensure_groupe

    for name in ("A", "B"):
        ensure_groupe(world.s1, DEFAULT_PARTITION, name)
    return world.s1


def test_preview_lists_new_updated_with_old_and_new_values_and_unchanged(world, run_with_groups):
    data = _file("3001;Nouveau;Nina;01/01/2005;nina@example.org;A;Créa",
                 "1001;Alpha;Test;;alpha@example.org;B;Créa",
                 "1002;Bravo;Test;;;A;Créa")
    preview = service.preview_file(run_with_groups, data, "liste.csv")
    assert preview.ok, preview.errors
    assert [line.row.nip for line in preview.new] == ["3001"]
    assert [line.row.nip for line in preview.updated] == ["1001"]
    assert preview.updated[0].changes == {"email": ("", "alpha@example.org"), "groupe": ("A", "B")}
    assert [line.row.nip for line in preview.unchanged] == ["1002"]
    assert not Student.objects.filter(nip="3001").exists()  # a preview writes nothing


def test_commit_creates_updates_enrols_and_audits_with_the_import_channel(world, run_with_groups):
    data = _file("3001;Nouveau;Nina;01/01/2005;nina@example.org;A;Créa", "1001;Alpha;Test;;;B;Créa")
    _preview, counts = service.import_file(user=world.users["scolarite"], run=run_with_groups, data=data,
                                          filename="liste.csv")
    assert counts == {"crees": 1, "modifies": 1, "inchanges": 0}
    nina = Student.objects.get(nip="3001")
    assert nina.department == world.department and nina.email == "nina@example.org"
    assert Enrolment.objects.get(student=nina, semester=run_with_groups).groupe == "A"
    assert Enrolment.objects.get(student=world.alice, semester=run_with_groups).groupe == "B"
    entries = AuditEntry.objects.filter(session=AuditEntry.objects.latest("id").session)
    assert {(e.object_type, e.action) for e in entries} == {("student", "create"), ("enrolment", "create"),
                                                            ("enrolment", "update")}
    assert {e.channel for e in entries} == {"import"} and {e.username for e in entries} == {"scolarite"}


def test_an_unknown_group_is_announced_in_the_preview_and_created_on_confirmation(world, run_with_groups):
    from delibe.web.models import Groupe

    data = _file("3001;Nouveau;Nina;;;A;Créa", "3002;Autre;Odile;;;TD:Z, TP:Z1;Créa")
    preview = service.preview_file(run_with_groups, data, "liste.csv")
    assert preview.ok and preview.new_groups == ("TD:Z", "TP:Z1")
    assert "créé(s) à la confirmation : TD:Z, TP:Z1" in str(preview.warnings[-1])
    assert not Groupe.objects.filter(name="Z").exists()  # the preview writes nothing
    service.commit(user=world.users["scolarite"], run=run_with_groups, preview=preview)
    odile = Enrolment.objects.get(student__nip="3002", semester=run_with_groups)
    assert odile.groupe == "Z, Z1"
    assert {(m.groupe.partition.name, m.groupe.name) for m in odile.group_memberships.all()} == {("TD", "Z"), ("TP", "Z1")}
    created = AuditEntry.objects.filter(object_type="semester", action="create", channel="import")
    assert {e.new["groupe"] for e in created} == {"Z", "Z1"}


def test_a_group_cell_moves_the_student_only_in_the_partitions_it_names(world, run_with_groups):
    from delibe.web.services.groupes import place

    place(Enrolment.objects.get(student=world.alice, semester=run_with_groups), "1", "TP")
    service.import_file(user=None, run=run_with_groups, data=_file("1001;Alpha;Test;;;TD:C;Créa"), filename="l.csv")
    alice = Enrolment.objects.get(student=world.alice, semester=run_with_groups)
    groups = {(m.groupe.partition.name, m.groupe.name) for m in alice.group_memberships.all()}
    assert groups == {("Groupes", "A"), ("TP", "1"), ("TD", "C")}


def test_a_badly_written_group_cell_refuses_the_whole_file_naming_the_row(world, run_with_groups):
    before = (Student.objects.count(), Enrolment.objects.count(), AuditEntry.objects.count())
    data = _file("3001;Nouveau;Nina;;;A;Créa", "3002;Autre;Odile;;;TD:A, TD:B;Créa", "3003;Trois;Tom;;;:A;Créa")
    preview, counts = service.import_file(user=None, run=run_with_groups, data=data, filename="liste.csv")
    assert counts is None
    messages = [str(e) for e in preview.errors]
    assert any("ligne 3, colonne « Groupe » : deux groupes de la partition TD (A et B)" in m for m in messages)
    assert any("ligne 4, colonne « Groupe » : « :A » : écrivez partition:groupe" in m for m in messages)
    assert (Student.objects.count(), Enrolment.objects.count(), AuditEntry.objects.count()) == before


def test_unknown_parcours_and_nip_of_another_department_are_refused(world, run_with_groups):
    data = _file("3001;Nouveau;Nina;;;A;Inexistant", "2001;Autre;Test;;;A;Créa")
    preview = service.preview_file(run_with_groups, data, "liste.csv")
    messages = [str(e) for e in preview.errors]
    assert "« Inexistant » n'est pas un parcours" in messages[0]
    assert "autre département" in messages[1]


def test_empty_cell_never_erases_a_stored_value(world, run_with_groups):
    world.alice.email = "garde@example.org"
    world.alice.save()
    preview = service.preview_file(run_with_groups, _file("1001;Alpha;Test;;;A;Créa"), "liste.csv")
    assert [line.row.nip for line in preview.unchanged] == ["1001"]


def test_commit_is_refused_when_a_student_changed_since_the_preview(world, run_with_groups):
    preview = service.preview_file(run_with_groups, _file("1001;Alpha;Test;;neuf@example.org;A;Créa"), "l.csv")
    Student.objects.filter(pk=world.alice.pk).update(email="neuf@example.org")  # a colleague, meanwhile
    with pytest.raises(service.StudentImportError, match="modifiés depuis l'aperçu"):
        service.commit(user=None, run=run_with_groups, preview=preview)


def test_locked_semester_refuses_the_import(world, run_with_groups):
    run_with_groups.locked = True
    run_with_groups.save()
    preview = service.preview_file(run_with_groups, _file("3001;Nouveau;Nina;;;A;Créa"), "liste.csv")
    assert not preview.ok and "verrouillé" in str(preview.errors[0])


def test_apprentice_gets_a_contract_with_the_year_dates_when_the_file_has_none(world, run_with_groups):
    data = "NIP;Nom;Prénom;Employeur;Tuteur;Parcours\n3001;Nouveau;Nina;ACME;M. Maître;Créa\n".encode()
    service.import_file(user=None, run=run_with_groups, data=data, filename="liste.csv")
    contract = ApprenticeContract.objects.get(student__nip="3001")
    assert (contract.employeur, contract.tuteur) == ("ACME", "M. Maître")
    assert (contract.debut, contract.fin) == (world.year.debut, world.year.fin)


def test_cli_previews_by_default_and_writes_only_with_confirmer(world, run_with_groups, tmp_path):
    from delibe.cli import cli

    path = tmp_path / "liste.csv"
    path.write_bytes(_file("3001;Nouveau;Nina;;;A;Créa"))
    runner = CliRunner()
    result = runner.invoke(cli, ["import", "etudiants", str(path), "--semestre", str(run_with_groups.pk)])
    assert result.exit_code == 0, result.output
    assert "1 nouveau(x)" in result.output and "rien n'a été écrit" in result.output
    assert not Student.objects.filter(nip="3001").exists()
    result = runner.invoke(cli, ["import", "etudiants", str(path), "--semestre", str(run_with_groups.pk), "--confirmer"])
    assert result.exit_code == 0, result.output
    assert Student.objects.filter(nip="3001").exists()
    assert set(AuditEntry.objects.filter(student_id=Student.objects.get(nip="3001").pk).values_list("channel", flat=True)) == {"import"}


def test_cli_bad_file_exits_2_with_the_errors(world, run_with_groups, tmp_path):
    from delibe.cli import cli

    path = tmp_path / "liste.csv"
    path.write_bytes(_file("3001;Nouveau;Nina;31/02/2003;;A;Créa"))
    result = CliRunner().invoke(cli, ["import", "etudiants", str(path), "--semestre", str(run_with_groups.pk), "--confirmer"])
    assert result.exit_code == 2
    assert "ligne 2, colonne « Date de naissance » : 31/02/2003 n'est pas une date" in result.output
    assert not Student.objects.filter(nip="3001").exists()


def test_hostile_files_never_write_anything(world, run_with_groups):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    before = (Student.objects.count(), Enrolment.objects.count(), AuditEntry.objects.count())
    bad_date = st.sampled_from(["31/02/2003", "25/20/2003", "2003-13-01", "demain", "0/0/0"])

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.binary(max_size=300), bad_date)
    def attempt(noise, date):
        data = _file("3001;Nouveau;Nina;;;A;Créa", f"3002;Autre;Odile;{date};;A;Créa") + noise
        preview, counts = service.import_file(user=None, run=run_with_groups, data=data, filename="x.csv")
        assert counts is None and preview.errors
        assert (Student.objects.count(), Enrolment.objects.count(), AuditEntry.objects.count()) == before

    attempt()


CIVILITE_HEADER = "NIP;Nom;Prénom;Civilité;Groupe;Parcours\n"


def _civilites(*lines: str) -> bytes:
    return (CIVILITE_HEADER + "".join(line + "\n" for line in lines)).encode("utf-8")


def test_the_civilite_is_stored_its_change_previewed_and_an_empty_or_x_cell_erases_nothing(world, run_with_groups):
    world.bruno.civilite = "M."
    world.bruno.save()
    data = _civilites("3001;Nouveau;Nina;Madame;A;Créa", "1001;Alpha;Test;F;A;Créa", "1002;Bravo;Test;X;A;Créa",
                      "3002;Autre;Odile;;A;Créa")
    preview = service.preview_file(run_with_groups, data, "liste.csv")
    assert preview.ok, preview.errors
    assert [line.row.nip for line in preview.updated] == ["1001"]
    assert preview.updated[0].changes == {"civilite": ("", "Mme")}
    assert [line.row.nip for line in preview.unchanged] == ["1002"]  # « X »: no such value stored, M. kept
    assert preview.new[0].changes["civilite"] == ("", "Mme") and "civilite" not in preview.new[1].changes
    _preview, counts = service.import_file(user=world.users["scolarite"], run=run_with_groups, data=data,
                                          filename="liste.csv")
    assert counts == {"crees": 2, "modifies": 1, "inchanges": 1}
    stored = dict(Student.objects.filter(nip__in=["3001", "3002", "1001", "1002"]).values_list("nip", "civilite"))
    assert stored == {"3001": "Mme", "3002": "", "1001": "Mme", "1002": "M."}
    entry = AuditEntry.objects.filter(object_type="student", object_id=str(world.alice.pk)).latest("id")
    assert (entry.old["civilite"], entry.new["civilite"]) == ("", "Mme")  # journaled with the student
