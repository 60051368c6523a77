"""Jury decisions: proposals come from the engine, the jury decides, a departure needs a written reason,
one decision per student, year, level and key, and a closed jury is final."""

from __future__ import annotations

import pytest

from delibe.web.models import JuryDecision
from delibe.web.selectors.semestres import jury_table
from delibe.web.services import grades
from delibe.web.services import jury as jury_service

from .conftest import grade_whole_year


@pytest.fixture
def graded(world):
    grade_whole_year(world, alice_average=12, bruno_average=9)
    return world


def row_of(table, student):
    return next(r for r in table.rows if r.student.pk == student.pk)


def test_the_year_jury_proposes_adm_for_averages_above_10_and_red_below_8_to_10(graded):
    table = jury_table(graded.s2)
    alice, bruno = row_of(table, graded.alice), row_of(table, graded.bruno)
    assert table.year_jury and len(table.ue_headers) == 10 and len(table.rcue_headers) == 5
    assert {c.proposed for c in alice.ues} == {"ADM"} and alice.annee.proposed == "ADM"
    assert {c.proposed for c in bruno.rcues} == {"AJ"} and bruno.annee.proposed == "RED"
    assert bruno.rcues[0].moyenne == pytest.approx(9)
    assert bruno.annee.reasons and all("text" in r and "source" in r for r in bruno.annee.reasons)


def test_the_odd_semester_jury_gives_ue_codes_of_that_semester_only(graded):
    table = jury_table(graded.s1)
    assert not table.year_jury and table.ue_headers == ["UE1.1", "UE1.2", "UE1.3", "UE1.4", "UE1.5"]
    assert [c.proposed for c in row_of(table, graded.bruno).ues] == ["AJ"] * 5
    assert row_of(table, graded.bruno).annee is None and row_of(table, graded.bruno).rcues == []


def decide(world, level, key, code, reason="", student=None):
    return jury_service.record_decision(
        user=world.users["president"], run=world.s2, student=student or world.bruno, level=level, key=key,
        code=code, reason=reason,
    )


def test_departing_from_the_proposal_requires_a_written_reason(graded):
    with pytest.raises(jury_service.DecisionError, match="Écrivez le motif"):
        decide(graded, "annee", "BUT1", "PAS1NCI")
    assert not JuryDecision.objects.exists()
    decision = decide(graded, "annee", "BUT1", "PAS1NCI", reason="Progrès nets au second semestre")
    assert (decision.proposed_code, decision.decided_code) == ("RED", "PAS1NCI")
    assert decision.departure_reason == "Progrès nets au second semestre"


def test_confirming_the_proposal_needs_no_reason(graded):
    decision = decide(graded, "annee", "BUT1", "RED")
    assert decision.decided_code == "RED" and decision.departure_reason == ""


def test_a_second_decision_on_the_same_rcue_updates_it_instead_of_adding_one(graded):
    decide(graded, "rcue", "Comprendre", "AJ")
    decide(graded, "rcue", "Comprendre", "ADJ", reason="Stage remarquable")
    decisions = JuryDecision.objects.filter(student=graded.bruno, level="rcue", key="Comprendre")
    assert decisions.count() == 1 and decisions.get().decided_code == "ADJ"


def test_a_code_that_does_not_exist_at_that_level_is_refused(graded):
    with pytest.raises(jury_service.DecisionError, match="pas un code possible"):
        decide(graded, "rcue", "Comprendre", "PASD", reason="x")


def test_the_jury_decision_is_given_back_to_the_engine_and_shown(graded):
    decide(graded, "rcue", "Comprendre", "ADJ", reason="Stage remarquable")
    row = row_of(jury_table(graded.s2), graded.bruno)
    comprendre = next(c for c in row.rcues if c.key == "Comprendre")
    assert (comprendre.proposed, comprendre.decided, comprendre.departs) == ("AJ", "ADJ", True)


def test_confirming_all_proposals_writes_each_decision_once(graded):
    first = jury_service.record_proposals(user=None, run=graded.s2)
    assert first == 2 * (10 + 5 + 1)
    assert jury_service.record_proposals(user=None, run=graded.s2) == 0
    assert JuryDecision.objects.count() == first


def test_closing_the_jury_locks_decisions_and_grades_of_both_semesters(graded):
    jury_service.lock_jury(user=graded.users["president"], run=graded.s2)
    graded.s1.refresh_from_db()
    assert graded.s1.locked
    with pytest.raises(jury_service.JuryLocked):
        decide(graded, "annee", "BUT1", "RED")
    evaluation = graded.s1.evaluations.first()
    with pytest.raises(grades.LockedError):
        grades.save_grade(user=None, evaluation=evaluation, student_id=graded.alice.pk, raw="3", expected_version=1)


def test_the_decision_page_shows_the_missing_reason_and_saves_nothing(graded, login):
    client = login("president")
    url = f"/semestres/{graded.s2.pk}/jury/etudiants/{graded.bruno.pk}/"
    response = client.post(url, {"code-annee-BUT1": "PAS1NCI", "motif-annee-BUT1": ""})
    assert response.status_code == 200
    assert "Écrivez le motif" in response.content.decode()
    assert not JuryDecision.objects.exists()
    response = client.post(url, {"code-annee-BUT1": "PAS1NCI", "motif-annee-BUT1": "Progrès nets"})
    assert response.status_code == 302
    assert JuryDecision.objects.get().decided_code == "PAS1NCI"


def test_a_refused_decision_form_comes_back_with_what_the_user_chose_and_an_accessible_error(graded, login):
    client = login("president")
    url = f"/semestres/{graded.s2.pk}/jury/etudiants/{graded.bruno.pk}/"
    ue = jury_table(graded.s2, [graded.bruno.pk]).rows[0].ues[0]
    response = client.post(url, {
        f"code-ue-{ue.key}": "ADJ", f"motif-ue-{ue.key}": "Stage remarquable, compétence démontrée",
        "code-annee-BUT1": "PAS1NCI", "motif-annee-BUT1": "",
    })
    html = response.content.decode()
    assert response.status_code == 200
    # the user's codes and reasons are still there
    assert '<option value="ADJ" selected>' in html
    assert "Stage remarquable, compétence démontrée</textarea>" in html
    assert '<option value="PAS1NCI" selected>' in html
    # the error sits next to the reason field, which is marked invalid, described by it, and focused
    assert ('id="motif-annee-BUT1" rows="1" cols="30" aria-invalid="true" aria-describedby="err-annee-BUT1" '
            'autofocus>') in html
    assert 'id="err-annee-BUT1">' in html and "Écrivez le motif" in html
    assert 'href="#motif-annee-BUT1"' in html  # the summary leads to the field
    # all or nothing: the valid decision of the same form was not recorded either
    assert not JuryDecision.objects.exists()


def test_an_unknown_code_is_reported_on_the_code_field(graded, login):
    client = login("president")
    url = f"/semestres/{graded.s2.pk}/jury/etudiants/{graded.bruno.pk}/"
    html = client.post(url, {"code-annee-BUT1": "XYZ", "motif-annee-BUT1": "essai"}).content.decode()
    assert 'id="code-annee-BUT1" aria-invalid="true" aria-describedby="err-annee-BUT1" autofocus>' in html
    assert "essai</textarea>" in html and 'href="#code-annee-BUT1"' in html
    assert not JuryDecision.objects.exists()
