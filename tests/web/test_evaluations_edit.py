"""Evaluations that can be fixed (issue 14, item 3): editing (date, coefficient, maximum, weights, type)
and deleting (refused when grades exist unless a reason confirms it), both in the journal with the grades
kept there; weights only towards the UEs the module feeds; the grid's statistics (count, mean, median,
minimum, maximum, standard deviation, histogram with its numbers in a table), its group filter and
« remplir les cases vides » with ABS, EXC or ATT."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from delibe.web.services import evaluations as service
from tests.web.conftest import move_to_group

pytestmark = pytest.mark.django_db


def grade(evaluation, student, value=None, special=""):
    from delibe.web.models import Grade

    return Grade.objects.create(evaluation=evaluation, student=student,
                                value=None if value is None else Decimal(str(value)), special=special)


def edit(world, evaluation, **changes):
    fields = {"titre": evaluation.titre, "date": evaluation.date, "coefficient": evaluation.coefficient,
              "note_max": evaluation.note_max, "poids": dict(evaluation.poids), "type": evaluation.type}
    fields.update(changes)
    return service.update_evaluation(user=world.users["enseignant"], evaluation=evaluation, **fields)


# --- the services ---------------------------------------------------------------------------------------

def test_the_weights_are_offered_only_for_the_ues_the_module_feeds(world):
    assert service.fed_ues(world.s1, "R1.01") == ["UE1.2", "UE1.3", "UE1.5"]
    assert service.fed_ues(world.s1, "R1.02") == ["UE1.2", "UE1.5"]
    with pytest.raises(service.EvaluationError, match="ne contribue pas à l'UE UE1.1"):
        service.create_evaluation(user=world.users["scolarite"], run=world.s1, module_code="R1.02", titre="x",
                                  poids={"UE1.1": 1})


def test_editing_an_evaluation_changes_it_and_the_journal_keeps_old_and_new(world):
    from delibe.web.audit.models import AuditEntry

    e = edit(world, world.taught, date=dt.date(2023, 10, 2), coefficient=2.0, note_max=40.0,
             poids={"UE1.2": 2.0}, type="rattrapage")
    e.refresh_from_db()
    assert (e.date, e.coefficient, e.note_max, e.poids, e.type) == (dt.date(2023, 10, 2), 2.0, 40.0,
                                                                     {"UE1.2": 2.0}, "rattrapage")
    entry = AuditEntry.objects.get(object_type="evaluation", action="update")
    assert entry.old == {"coefficient": 1.0, "note_max": 20.0, "poids": {}, "type": "normale", "date": None}
    assert entry.new["coefficient"] == 2.0 and entry.new["date"] == "2023-10-02"
    assert entry.evaluation_id == world.taught.pk and entry.username == "enseignant"


def test_an_edit_that_changes_nothing_writes_nothing(world):
    from delibe.web.audit.models import AuditEntry

    edit(world, world.taught)
    assert not AuditEntry.objects.filter(object_type="evaluation").exists()


def test_a_new_coefficient_changes_the_averages_the_engine_computes(world):
    from delibe.web.models import Evaluation
    from delibe.web.services.calcul import compute_run

    second = Evaluation.objects.create(semester=world.s1, module_code="R1.01", titre="Second", note_max=20)
    grade(world.taught, world.alice, 10)
    grade(second, world.alice, 16)
    for e in (world.taught, second):
        grade(e, world.bruno, 10)
    assert compute_run(world.s1).module_average(world.alice.pk, "R1.01", "UE1.2") == pytest.approx(13)
    edit(world, second, coefficient=3.0)
    assert compute_run(world.s1).module_average(world.alice.pk, "R1.01", "UE1.2") == pytest.approx(14.5)


def test_a_maximum_below_a_grade_already_given_is_refused(world):
    grade(world.taught, world.alice, 18)
    with pytest.raises(service.EvaluationError, match="1 note\\(s\\) dépassent 15"):
        edit(world, world.taught, note_max=15.0)


def test_an_edit_is_refused_once_the_jury_locked_the_semester(world):
    world.s1.locked = True
    world.s1.save()
    with pytest.raises(service.EvaluationError, match="verrouillé"):
        edit(world, world.taught, coefficient=2.0)


def test_an_evaluation_without_grades_is_deleted_and_journalled(world):
    from delibe.web.audit.models import AuditEntry
    from delibe.web.models import Evaluation

    pk = world.taught.pk
    assert service.delete_evaluation(user=world.users["enseignant"], evaluation=world.taught) == 0
    assert not Evaluation.objects.filter(pk=pk).exists()
    entry = AuditEntry.objects.get(object_type="evaluation", action="delete")
    assert entry.old["titre"] == "Contrôle" and entry.old["notes"] == 0


def test_deleting_an_evaluation_with_grades_needs_a_reason_and_the_grades_stay_in_the_journal(world):
    from delibe.web.audit.models import AuditEntry
    from delibe.web.models import Evaluation, Grade

    pk = world.taught.pk
    grade(world.taught, world.alice, 12.5)
    grade(world.taught, world.bruno, special="ABS")
    with pytest.raises(service.EvaluationError, match="a 2 note\\(s\\) : écrivez le motif"):
        service.delete_evaluation(user=world.users["enseignant"], evaluation=world.taught, reason=" ")
    assert Grade.objects.filter(evaluation=world.taught).count() == 2
    count = service.delete_evaluation(user=world.users["enseignant"], evaluation=world.taught,
                                      reason="Évaluation saisie en double")
    assert count == 2 and not Evaluation.objects.filter(pk=pk).exists()
    kept = {e.student_id: e.old for e in AuditEntry.objects.filter(object_type="grade", action="delete",
                                                                    evaluation_id=pk)}
    assert kept[world.alice.pk]["value"] == "12.50" and kept[world.bruno.pk]["special"] == "ABS"
    entry = AuditEntry.objects.get(object_type="evaluation", action="delete")
    assert entry.reason == "Évaluation saisie en double" and entry.old["notes"] == 2


# --- filling the empty cells ------------------------------------------------------------------------------

def test_filling_the_empty_cells_leaves_the_grades_alone_and_can_be_undone(world):
    from delibe.web.audit.undo import undo_session
    from delibe.web.models import Grade
    from delibe.web.services.grades import fill_empty

    grade(world.taught, world.alice, 14)
    assert fill_empty(user=world.users["enseignant"], evaluation=world.taught, special="abs") == 1
    values = dict(Grade.objects.filter(evaluation=world.taught).values_list("student_id", "special"))
    assert values == {world.alice.pk: "", world.bruno.pk: "ABS"}
    assert fill_empty(user=world.users["enseignant"], evaluation=world.taught, special="EXC") == 0
    from delibe.web.audit.models import AuditEntry

    session = AuditEntry.objects.get(object_type="grade", student_id=world.bruno.pk).session
    assert session.startswith("remplissage-")
    undo_session(user=world.users["enseignant"], evaluation=world.taught, session=session)
    assert not Grade.objects.filter(evaluation=world.taught, student=world.bruno).exists()


def test_filling_one_group_fills_only_its_students(world):
    from delibe.web.models import Grade
    from delibe.web.services.grades import fill_empty

    groupe = move_to_group(world.s1, world.bruno, "B")
    assert fill_empty(user=world.users["enseignant"], evaluation=world.taught, special="ATT", groupe=groupe) == 1
    assert list(Grade.objects.filter(evaluation=world.taught).values_list("student_id", "special")) == [
        (world.bruno.pk, "ATT")]


def test_filling_with_a_value_other_than_abs_exc_att_is_refused(world):
    from delibe.web.services.grades import GradeRefused, fill_empty

    with pytest.raises(GradeRefused, match="ABS, EXC ou ATT"):
        fill_empty(user=world.users["enseignant"], evaluation=world.taught, special="0")


# --- statistics -------------------------------------------------------------------------------------------

def test_the_statistics_of_an_evaluation_describe_its_numeric_grades_and_count_the_others(world):
    from delibe.web.models import Enrolment, Student
    from delibe.web.selectors.statistiques import evaluation_stats

    for i, value in enumerate((8, 12, 19.5)):
        s = Student.objects.create(department=world.department, formation=world.version, parcours="Créa",
                                   nip=f"90{i}", nom=f"Extra{i}", prenom="X")
        Enrolment.objects.create(student=s, semester=world.s1, parcours="Créa")
        move_to_group(world.s1, s, "B")
        grade(world.taught, s, value)
    grade(world.taught, world.alice, 20)
    grade(world.taught, world.bruno, special="ABS")
    stats = evaluation_stats(world.taught)
    assert (stats.count, stats.specials, stats.missing) == (4, {"ABS": 1}, 0)
    assert stats.mean == pytest.approx(14.875) and stats.median == pytest.approx(15.75)
    assert (stats.minimum, stats.maximum) == (8, 20)
    assert stats.stdev == pytest.approx(5.0791, abs=1e-4)  # population standard deviation
    assert dict(stats.classes) == {"0–2": 0, "2–4": 0, "4–6": 0, "6–8": 0, "8–10": 1, "10–12": 0, "12–14": 1,
                                   "14–16": 0, "16–18": 0, "18–20": 2}
    group_b = evaluation_stats(world.taught, move_to_group(world.s1, s, "B"))
    assert group_b.count == 3 and group_b.mean == pytest.approx(13.1666, abs=1e-3)
    svg = stats.svg
    assert svg.startswith('<svg') and 'role="img"' in svg and "<title>Répartition des notes</title>" in svg
    assert "<desc>4 notes sur 20" in svg


def test_an_evaluation_without_grades_has_undefined_statistics(world):
    from delibe.web.selectors.statistiques import evaluation_stats

    stats = evaluation_stats(world.taught)
    assert stats.count == 0 and stats.mean is None and stats.stdev is None and stats.missing == 2


# --- the pages --------------------------------------------------------------------------------------------

def test_the_grid_shows_the_statistics_with_the_projects_formatting_and_the_numbers_in_a_table(world, login):
    grade(world.taught, world.alice, 12.5)
    grade(world.taught, world.bruno, 9)
    html = login("enseignant").get(f"/evaluations/{world.taught.pk}/saisie/").content.decode()
    assert re.search(r'id="stat-moyenne">10,75<', html) and re.search(r'id="stat-mediane">10,75<', html)
    assert re.search(r'id="stat-min">9,00<', html) and re.search(r'id="stat-ecart-type">1,75<', html)
    assert 'id="table-repartition"' in html and "<title>Répartition des notes</title>" in html
    assert f'href="/evaluations/{world.taught.pk}/modifier/"' in html
    assert f'href="/evaluations/{world.taught.pk}/supprimer/"' in html


def test_the_grid_filters_one_group(world, login):

    b = move_to_group(world.s1, world.bruno, "B")
    html = login("enseignant").get(f"/evaluations/{world.taught.pk}/saisie/?groupe={b.pk}").content.decode()
    assert f'id="note-{world.bruno.pk}"' in html and f'id="note-{world.alice.pk}"' not in html
    assert "Statistiques du groupe B" in html and "Remplir les cases vides du groupe B" in html
    everyone = login("enseignant").get(f"/evaluations/{world.taught.pk}/saisie/?groupe=Z").content.decode()
    assert f'id="note-{world.alice.pk}"' in everyone  # an unknown group shows everyone


def test_the_fill_button_fills_the_groups_empty_cells_and_comes_back_to_the_group(world, login):
    from delibe.web.models import Grade

    b = move_to_group(world.s1, world.bruno, "B")
    response = login("enseignant").post(f"/evaluations/{world.taught.pk}/remplir/", {"valeur": "EXC", "groupe": b.pk})
    assert response.status_code == 302
    assert response["Location"] == f"/evaluations/{world.taught.pk}/saisie/?groupe={b.pk}"
    assert list(Grade.objects.filter(evaluation=world.taught).values_list("student_id", "special")) == [
        (world.bruno.pk, "EXC")]
    assert login("enseignant").post(f"/evaluations/{world.untaught.pk}/remplir/", {"valeur": "EXC"}).status_code == 403


def test_the_edit_page_offers_only_the_modules_ues_and_saves_the_changes(world, login):
    client = login("enseignant")
    html = client.get(f"/evaluations/{world.taught.pk}/modifier/").content.decode()
    assert re.findall(r'name="poids_(UE[\d.]+)"', html) == ["UE1.2", "UE1.3", "UE1.5"]
    assert 'name="module_code"' not in html
    response = client.post(f"/evaluations/{world.taught.pk}/modifier/", {
        "titre": "Contrôle 1", "date": "2023-11-06", "coefficient": "1,5", "note_max": "20", "type": "normale",
        "poids_UE1.2": "2"})
    assert response.status_code == 302
    world.taught.refresh_from_db()
    assert (world.taught.titre, world.taught.coefficient, world.taught.poids) == ("Contrôle 1", 1.5, {"UE1.2": 2.0})


def test_the_edit_page_refuses_a_maximum_below_a_grade_in_french(world, login):
    grade(world.taught, world.alice, 18)
    response = login("enseignant").post(f"/evaluations/{world.taught.pk}/modifier/", {
        "titre": "Contrôle", "coefficient": "1", "note_max": "10", "type": "normale"})
    assert response.status_code == 200 and "dépassent 10" in response.content.decode()


def test_the_creation_page_lists_only_ues_fed_by_a_module_with_their_module_map(world, login):
    html = login("enseignant").get(f"/semestres/{world.s1.pk}/evaluations/nouvelle/").content.decode()
    assert re.findall(r'name="poids_(UE[\d.]+)"', html) == ["UE1.2", "UE1.3", "UE1.5"]  # R1.01 only
    assert '"R1.01": ["UE1.2", "UE1.3", "UE1.5"]' in html


def test_the_delete_page_asks_for_a_reason_when_grades_exist_then_deletes(world, login):
    from delibe.web.models import Evaluation

    grade(world.taught, world.alice, 11)
    client = login("enseignant")
    page = client.get(f"/evaluations/{world.taught.pk}/supprimer/").content.decode()
    assert "Cette évaluation a 1 note." in page and 'id="motif"' in page
    refused = client.post(f"/evaluations/{world.taught.pk}/supprimer/", {"motif": ""})
    assert refused.status_code == 400 and "écrivez le motif" in refused.content.decode()
    assert Evaluation.objects.filter(pk=world.taught.pk).exists()
    pk = world.taught.pk
    done = client.post(f"/evaluations/{pk}/supprimer/", {"motif": "Mauvais module"})
    assert done.status_code == 302 and done["Location"] == f"/semestres/{world.s1.pk}/"
    assert not Evaluation.objects.filter(pk=pk).exists()


@pytest.mark.parametrize("role, status", [("enseignant", 403), ("president", 403), ("scolarite", 200),
                                          ("responsable", 200), ("etudiant", 404), ("autre", 404)])
def test_who_may_edit_or_delete_an_evaluation(world, login, role, status):
    client = login(role)
    for action in ("modifier", "supprimer"):
        assert client.get(f"/evaluations/{world.untaught.pk}/{action}/").status_code == status


# --- the API ----------------------------------------------------------------------------------------------

@pytest.fixture
def api(client, world):
    from delibe.api.tokens import create_token
    from tests.api.conftest import ApiClient

    def as_(username: str):
        return ApiClient(client, create_token(username=username, name="test")[1])
    return as_


def test_the_api_changes_an_evaluation_with_the_same_rules(world, api):
    teacher = api("enseignant")
    changed = teacher.client.patch(f"/api/v1/evaluations/{world.taught.pk}", data='{"coefficient": 2, "date": "2023-11-06"}',
                                   content_type="application/json", **teacher.headers)
    assert changed.status_code == 200 and changed.json()["coefficient"] == 2.0 and changed.json()["date"] == "2023-11-06"
    world.taught.refresh_from_db()
    assert world.taught.titre == "Contrôle" and world.taught.note_max == 20.0  # absent fields unchanged
    wrong = teacher.client.patch(f"/api/v1/evaluations/{world.taught.pk}", data='{"poids": {"UE1.1": 1}}',
                                 content_type="application/json", **teacher.headers)
    assert wrong.status_code == 422 and "ne contribue pas" in wrong.json()["detail"]
    other = teacher.client.patch(f"/api/v1/evaluations/{world.untaught.pk}", data='{"coefficient": 2}',
                                 content_type="application/json", **teacher.headers)
    assert other.status_code == 403


def test_the_api_deletes_an_evaluation_with_grades_only_with_a_reason(world, api):
    from delibe.web.models import Evaluation

    grade(world.taught, world.alice, 10)
    teacher = api("enseignant")
    url = f"/api/v1/evaluations/{world.taught.pk}"
    refused = teacher.client.delete(url, **teacher.headers)
    assert refused.status_code == 422 and "écrivez le motif" in refused.json()["detail"]
    done = teacher.client.delete(url, data='{"motif": "Doublon de l\'oral"}', content_type="application/json",
                                 **teacher.headers)
    assert done.status_code == 200 and done.json() == {"supprimee": world.taught.pk, "notes": 1}
    assert not Evaluation.objects.filter(pk=done.json()["supprimee"]).exists()
