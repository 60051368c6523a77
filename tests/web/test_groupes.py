"""Partitions and groups (issue 13): the services that write them (in the journal, all or nothing), the
one selector of ``?groupe=<id>``, the group editor and the student's page, the lists of a group, and who may
do what (a teacher, a student, another department)."""

from __future__ import annotations

import io

import openpyxl
import pytest

from delibe.web.audit.models import AuditEntry
from delibe.web.models import Enrolment, Groupe, GroupMembership, Partition
from delibe.web.selectors import groupes as sel
from delibe.web.services import groupes as service
from tests.web.conftest import move_to_group


def enrolment(world, student, run=None):
    return Enrolment.objects.get(student=student, semester=run or world.s1)


# --- services ------------------------------------------------------------------------------------------

def test_a_partition_and_its_groups_are_created_renamed_and_deleted_in_the_journal(world):
    user = world.users["scolarite"]
    td = service.create_partition(user=user, run=world.s1, name="  TD ")
    a = service.create_groupe(user=user, partition=td, name="A")
    service.rename_groupe(user=user, groupe=a, name="A1")
    service.rename_partition(user=user, partition=td, name="Travaux dirigés")
    assert [(g.partition.name, g.name) for g in sel.groupes_of(world.s1)] == [("Groupes", "A"), ("Travaux dirigés", "A1")]
    service.delete_partition(user=user, partition=td)
    assert not Partition.objects.filter(name="Travaux dirigés").exists()
    summaries = list(AuditEntry.objects.filter(semester_id=world.s1.pk).order_by("id").values_list("summary", flat=True))
    assert summaries == ["Partition « TD » créée", "Groupe « TD A » créé", "Groupe « TD A » renommé « A1 »",
                         "Partition « TD » renommée « Travaux dirigés »", "Partition « Travaux dirigés » supprimée"]


@pytest.mark.parametrize(("name", "message"), [
    ("", "Nom de la partition : le nom est vide."),
    ("x" * 41, "dépasse 40 caractères"),
    ("TD:A", "contient « : »"),
    ("Groupes", "« Groupes » existe déjà"),
])
def test_a_bad_partition_name_is_refused_with_the_field_named(world, name, message):
    with pytest.raises(service.GroupError, match=message):
        service.create_partition(user=None, run=world.s1, name=name)


def test_moving_students_puts_them_in_one_group_of_the_partition_only_and_journals_each(world):
    td = service.create_partition(user=None, run=world.s1, name="TD")
    a, b = (service.create_groupe(user=None, partition=td, name=n) for n in ("A", "B"))
    ids = [enrolment(world, s).pk for s in (world.alice, world.bruno)]
    assert service.move_students(user=world.users["scolarite"], partition=td, enrolment_ids=ids, groupe=a) == 2
    assert service.move_students(user=None, partition=td, enrolment_ids=[ids[1]], groupe=b) == 1
    assert service.move_students(user=None, partition=td, enrolment_ids=[ids[1]], groupe=b) == 0  # no change
    bruno = enrolment(world, world.bruno)
    assert bruno.groupe == "A, B"  # Groupes A, TD B
    assert GroupMembership.objects.filter(enrolment=bruno, partition=td).count() == 1
    last = AuditEntry.objects.filter(student_id=world.bruno.pk).latest("id")
    assert (last.old, last.new) == ({"groupes": {"Groupes": "A", "TD": "A"}}, {"groupes": {"Groupes": "A", "TD": "B"}})
    service.move_students(user=None, partition=td, enrolment_ids=[ids[1]], groupe=None)
    assert enrolment(world, world.bruno).groupe == "A"


def test_a_move_is_all_or_nothing_and_refuses_a_student_of_another_semester(world):
    td = service.create_partition(user=None, run=world.s1, name="TD")
    a = service.create_groupe(user=None, partition=td, name="A")
    other = enrolment(world, world.alice, world.s2).pk
    with pytest.raises(service.GroupError, match="1 étudiant\\(s\\) coché\\(s\\) ne sont pas inscrits"):
        service.move_students(user=None, partition=td, enrolment_ids=[enrolment(world, world.bruno).pk, other], groupe=a)
    assert not GroupMembership.objects.filter(partition=td).exists()
    with pytest.raises(service.GroupError, match="cochez au moins un étudiant"):
        service.move_students(user=None, partition=td, enrolment_ids=[], groupe=a)


def test_a_group_of_another_partition_is_refused(world):
    td = service.create_partition(user=None, run=world.s1, name="TD")
    default_a = Groupe.objects.get(partition__semester=world.s1, name="A")
    with pytest.raises(service.GroupError, match="n'est pas un groupe de la partition « TD »"):
        service.move_students(user=None, partition=td, enrolment_ids=[enrolment(world, world.alice).pk], groupe=default_a)


def test_deleting_a_group_leaves_its_students_without_group_in_that_partition(world):
    a = Groupe.objects.get(partition__semester=world.s1, name="A")
    assert service.delete_groupe(user=None, groupe=a) == 2
    assert enrolment(world, world.alice).groupe == ""
    entry = AuditEntry.objects.latest("id")
    assert entry.old["etudiants"] == sorted([world.alice.pk, world.bruno.pk])


def test_a_locked_semester_keeps_its_groups(world):
    world.s1.locked = True
    world.s1.save()
    with pytest.raises(service.GroupError, match="verrouillé"):
        service.create_partition(user=None, run=world.s1, name="TD")


def test_one_students_groups_change_from_a_choice_per_partition_with_a_reason(world):
    td = service.create_partition(user=None, run=world.s1, name="TD")
    b = service.create_groupe(user=None, partition=td, name="B")
    default = Partition.objects.get(semester=world.s1, name="Groupes")
    e = enrolment(world, world.alice)
    changed = service.set_student_groups(user=world.users["scolarite"], enrolment=e,
                                         choices={str(td.pk): str(b.pk), str(default.pk): ""}, reason="demande")
    assert changed and enrolment(world, world.alice).groupe == "B"
    entry = AuditEntry.objects.latest("id")
    assert entry.reason == "demande" and entry.new == {"groupes": {"TD": "B"}}
    with pytest.raises(service.GroupError, match="groupe n° 999999 inconnu"):
        service.set_student_groups(user=None, enrolment=e, choices={str(td.pk): "999999"})


def test_copying_a_semesters_groups_gives_their_names_without_members(world):
    td = service.create_partition(user=None, run=world.s1, name="TD")
    service.create_groupe(user=None, partition=td, name="A")
    assert service.copy_groups(world.s1, world.s2, user=world.users["responsable"]) == 1  # « Groupes » A exists
    assert [(g.partition.name, g.name) for g in sel.groupes_of(world.s2)] == [("Groupes", "A"), ("TD", "A")]
    assert not GroupMembership.objects.filter(partition__semester=world.s2, partition__name="TD").exists()
    assert service.copy_groups(world.s1, world.s2) == 0


def test_groups_written_as_in_the_import_are_assigned_and_created(world):
    e = enrolment(world, world.alice)
    service.assign_text(e, "TD:C, TP:C1")
    assert enrolment(world, world.alice).groupe == "A, C, C1"
    with pytest.raises(service.GroupError, match="Groupe : « :X » : écrivez partition:groupe"):
        service.assign_text(e, ":X")


# --- the one selector of ?groupe= ----------------------------------------------------------------------

def test_the_group_parameter_is_an_id_of_the_semester_or_a_name_unique_in_it(world):
    a = Groupe.objects.get(partition__semester=world.s1, name="A")
    assert sel.selected_groupe(world.s1, str(a.pk)) == a
    assert sel.selected_groupe(world.s1, "A") == a  # links written before partitions
    assert sel.selected_groupe(world.s2, str(a.pk)) is None  # another semester's group
    assert sel.selected_groupe(world.s1, "") is None and sel.selected_groupe(world.s1, "Z") is None
    td = service.create_partition(user=None, run=world.s1, name="TD")
    service.create_groupe(user=None, partition=td, name="A")
    assert sel.selected_groupe(world.s1, "A") is None  # ambiguous: everyone


def test_the_roll_call_lists_the_group_chosen_by_id(world, login):
    b = move_to_group(world.s1, world.bruno, "B")
    html = login("enseignant").get(f"/assiduite/semestres/{world.s1.pk}/appel/",
                                   {"groupe": b.pk, "module": "R1.01", "date": "2023-10-02"}).content.decode()
    assert f'id="absent-{world.bruno.pk}"' in html and f'id="absent-{world.alice.pk}"' not in html


# --- pages -------------------------------------------------------------------------------------------

def test_the_editor_creates_a_partition_and_moves_checked_students_into_a_group(world, login):
    client = login("scolarite")
    url = f"/semestres/{world.s1.pk}/groupes/"
    response = client.post(url, {"action": "creer-partition", "nom": "TP"})
    tp = Partition.objects.get(semester=world.s1, name="TP")
    assert response.status_code == 302 and response["Location"] == f"{url}#partition-{tp.pk}"
    client.post(url, {"action": "creer-groupe", "partition": tp.pk, "nom": "TP1"})
    tp1 = Groupe.objects.get(partition=tp)
    client.post(url, {"action": "deplacer", "partition": tp.pk, "vers": tp1.pk,
                      "inscriptions": [enrolment(world, world.alice).pk, enrolment(world, world.bruno).pk]})
    assert tp1.memberships.count() == 2
    html = client.get(url).content.decode()
    assert 'id="partition-' in html and "TP1" in html and 'for="vers-' in html


def test_the_editor_moves_a_pasted_list_of_nips_and_refuses_an_unknown_one_writing_nothing(world, login):
    client = login("responsable")
    url = f"/semestres/{world.s1.pk}/groupes/"
    td = service.create_partition(user=None, run=world.s1, name="TD")
    a = service.create_groupe(user=None, partition=td, name="A")
    refused = client.post(url, {"action": "deplacer", "partition": td.pk, "vers": a.pk, "nips": "1001\n9999"})
    assert refused.status_code == 400 and "1 NIP non inscrit(s)" in refused.content.decode() and "9999" in refused.content.decode()
    assert not a.memberships.exists()
    client.post(url, {"action": "deplacer", "partition": td.pk, "vers": a.pk, "nips": "1001, 1002"})
    assert a.memberships.count() == 2


def test_the_editor_answers_a_bad_name_with_400_and_a_french_message(world, login):
    response = login("scolarite").post(f"/semestres/{world.s1.pk}/groupes/", {"action": "creer-partition", "nom": ""})
    assert response.status_code == 400
    assert "Nom de la partition : le nom est vide." in response.content.decode()


def test_the_student_page_changes_the_group_and_shows_it(world, login):
    client = login("scolarite")
    b = service.create_groupe(user=None, partition=Partition.objects.get(semester=world.s1), name="B")
    response = client.post(f"/etudiants/{world.alice.pk}/semestres/{world.s1.pk}/groupes/",
                           {f"partition-{b.partition_id}": b.pk, "motif": "changement d'option"})
    assert response.status_code == 302 and enrolment(world, world.alice).groupe == "B"
    html = client.get(f"/etudiants/{world.alice.pk}/").content.decode()
    assert 'id="form-groupes-' in html and f'<option value="{b.pk}" selected>B</option>' in html
    assert AuditEntry.objects.latest("id").reason == "changement d'option"


def test_the_sign_in_sheet_of_a_group_lists_its_students_in_xlsx_and_pdf(world, login):
    b = move_to_group(world.s1, world.bruno, "B")
    client = login("enseignant")
    response = client.get(f"/semestres/{world.s1.pk}/emargement.xlsx", {"groupe": b.pk})
    assert response.status_code == 200 and "emargement-s1-2023-2024-b.xlsx" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
    assert rows[0][:5] == ["NIP", "Nom", "Prénom", "Groupe", "Signature"]
    assert rows[1:] == [["1002", "BRAVO", "Test", "B", None]]
    pdf = client.get(f"/semestres/{world.s1.pk}/emargement.pdf", {"groupe": b.pk})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.get(f"/semestres/{world.s1.pk}/emargement.doc").status_code == 404


# --- permissions --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("username", "status"), [
    ("scolarite", 200), ("responsable", 200), ("admin", 200),
    ("enseignant", 403), ("president", 403), ("etudiant", 404), ("autre", 404),
])
def test_who_may_open_the_group_editor(world, login, username, status):
    assert login(username).get(f"/semestres/{world.s1.pk}/groupes/").status_code == status


@pytest.mark.parametrize(("username", "status"), [("enseignant", 403), ("etudiant", 404), ("autre", 404)])
def test_who_may_not_change_groups_writes_nothing(world, login, username, status):
    url = f"/semestres/{world.s1.pk}/groupes/"
    assert login(username).post(url, {"action": "creer-partition", "nom": "TP"}).status_code == status
    a = Groupe.objects.get(partition__semester=world.s1, name="A")
    student_url = f"/etudiants/{world.alice.pk}/semestres/{world.s1.pk}/groupes/"
    assert login(username).post(student_url, {f"partition-{a.partition_id}": ""}).status_code == status
    assert not Partition.objects.filter(name="TP").exists() and enrolment(world, world.alice).groupe == "A"


@pytest.mark.parametrize(("username", "status"), [
    ("enseignant", 200), ("scolarite", 200), ("etudiant", 404), ("autre", 404),
])
def test_who_may_download_a_sign_in_sheet(world, login, username, status):
    assert login(username).get(f"/semestres/{world.s1.pk}/emargement.xlsx").status_code == status


def test_a_teacher_gets_no_sign_in_sheet_of_a_semester_where_they_do_not_teach(world, login):
    assert login("enseignant").get(f"/semestres/{world.s2.pk}/emargement.pdf").status_code == 403
