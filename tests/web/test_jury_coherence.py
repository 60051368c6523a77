"""One source of truth for the jury's codes and credits: a decision makes the engine recompute every code
that depends on it (RCUE ADJ → its UEs ADJR, the year proposal, the ECTS), the recorded confirmations
follow, the consequences are shown before saving, and the table, the PV and the letter agree."""

from __future__ import annotations

import pytest

from delibe.web.models import JuryDecision
from delibe.web.selectors.semestres import jury_table
from delibe.web.services import documents
from delibe.web.services import jury as jury_service

from .conftest import grade_whole_year

ADJ_RCUES = ("Comprendre", "Concevoir", "Exprimer")


@pytest.fixture
def confirmed(world):
    """Bruno has 9 in every UE (RED proposed), and the jury has confirmed every proposal."""
    grade_whole_year(world, alice_average=12, bruno_average=9)
    jury_service.record_proposals(user=world.users["president"], run=world.s2)
    return world


def recorded(world, student):
    return {(d.level, d.key): d.decided_code for d in JuryDecision.objects.filter(student=student)}


def adj(world, competence):
    jury_service.record_decision(user=world.users["president"], run=world.s2, student=world.bruno, level="rcue",
                                 key=competence, code="ADJ", reason="Progression remarquable")


def test_an_rcue_validated_by_the_jury_turns_its_recorded_ues_into_adjr(confirmed):
    adj(confirmed, "Comprendre")
    codes = recorded(confirmed, confirmed.bruno)
    assert codes[("rcue", "Comprendre")] == "ADJ"
    assert codes[("ue", "UE1.1")] == codes[("ue", "UE2.1")] == "ADJR"
    assert codes[("ue", "UE1.2")] == "AJ"


def test_the_recorded_year_decision_follows_the_proposal_the_overrides_lead_to(confirmed):
    assert recorded(confirmed, confirmed.bruno)[("annee", "BUT1")] == "RED"
    for competence in ADJ_RCUES:
        adj(confirmed, competence)
    row = next(r for r in jury_table(confirmed.s2).rows if r.student.pk == confirmed.bruno.pk)
    assert (row.annee.proposed, row.annee.decided) == ("PASD", "PASD")
    assert recorded(confirmed, confirmed.bruno)[("annee", "BUT1")] == "PASD"


def test_a_year_code_the_jury_chose_itself_stays_when_the_proposal_moves(confirmed):
    jury_service.record_decision(user=confirmed.users["president"], run=confirmed.s2, student=confirmed.bruno,
                                 level="annee", key="BUT1", code="NAR", reason="Réorientation demandée")
    for competence in ADJ_RCUES:
        adj(confirmed, competence)
    decision = JuryDecision.objects.get(student=confirmed.bruno, level="annee", key="BUT1")
    assert (decision.proposed_code, decision.decided_code) == ("PASD", "NAR")
    assert decision.departure_reason == "Réorientation demandée"


def test_the_pv_the_letter_and_the_table_agree_on_codes_and_credits_after_overrides(confirmed):
    for competence in ADJ_RCUES:
        adj(confirmed, competence)
    codes = recorded(confirmed, confirmed.bruno)
    pv_row = next(r for r in documents.pv_data(confirmed.s2).rows if r.etudiant.nom.upper() == confirmed.bruno.nom.upper())
    lettre = documents.lettre_data(confirmed.bruno, confirmed.s2)
    table_row = next(r for r in jury_table(confirmed.s2).rows if r.student.pk == confirmed.bruno.pk)
    assert {k: c.code for k, c in pv_row.ues.items()} == {k: v for (lvl, k), v in codes.items() if lvl == "ue"}
    assert {u.code: u.decision.code for u in lettre.ues} == {k: v for (lvl, k), v in codes.items() if lvl == "ue"}
    assert {c.key: c.shown for c in table_row.ues} == {k: v for (lvl, k), v in codes.items() if lvl == "ue"}
    assert pv_row.code_annee == lettre.decision_annee.code == table_row.annee.shown == "PASD"
    ects = 6 * 6  # three RCUEs validated by the jury: six UEs ADJR
    assert pv_row.ects_annee == ects
    assert sum(u.ects_acquis for u in lettre.ues) == ects
    assert lettre.ects_acquis == ects


def test_the_consequences_of_a_decision_are_shown_before_anything_is_saved(confirmed):
    before = recorded(confirmed, confirmed.bruno)
    consequences, errors = jury_service.preview_decisions(
        user=confirmed.users["president"], run=confirmed.s2, student=confirmed.bruno,
        changes=[("rcue", key, "ADJ", "Progression remarquable") for key in ADJ_RCUES],
    )
    assert not errors
    shown = {(q.key, q.before, q.after) for q in consequences}
    assert ("UE1.1", "AJ", "ADJR") in shown and ("BUT1", "RED", "PASD") in shown
    assert ("Comprendre", "AJ", "ADJ") in shown
    assert recorded(confirmed, confirmed.bruno) == before


def test_the_decision_page_lists_the_consequences_when_asked_and_saves_nothing(confirmed, login):
    client = login("president")
    url = f"/jury/{confirmed.s2.pk}/etudiant/{confirmed.bruno.pk}/"
    page = client.get(url)
    if page.status_code == 404:  # the address of the decisions page, whatever its exact form
        from django.urls import reverse
        url = reverse("delibe:jury_etudiant", args=[confirmed.s2.pk, confirmed.bruno.pk])
    response = client.post(url, {"apercu": "1", "code-rcue-Comprendre": "ADJ",
                                 "motif-rcue-Comprendre": "Progression remarquable"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Conséquences, avant enregistrement" in text and "ADJR" in text
    assert recorded(confirmed, confirmed.bruno)[("rcue", "Comprendre")] == "AJ"


@pytest.mark.django_db
def test_every_demo_student_has_the_same_codes_and_credits_in_the_table_the_pv_and_the_letter_after_overrides(
        demo, django_db_blocker):
    from django.contrib.auth import get_user_model

    from delibe.web.models import SemesterRun

    president = get_user_model().objects.get(username="president")
    for run in SemesterRun.objects.filter(academic_year__label="2023-2024", semestre__in=(2, 4)):
        if run.locked:
            continue
        jury_service.record_proposals(user=president, run=run)
        overridden = 0
        for row in jury_table(run, with_reasons=False).rows:  # an ADJ on the first failed RCUE of 3 students
            failed = [c for c in row.rcues if c.shown == "AJ"]
            if failed and overridden < 3 and not row.error:
                jury_service.record_decision(user=president, run=run, student=row.student, level="rcue",
                                             key=failed[0].key, code="ADJ", reason="Décision de jury (test)")
                overridden += 1
        assert overridden, "the demo should have failed RCUEs to override"
        table = {r.student.pk: r for r in jury_table(run, with_reasons=False).rows}
        letters = 0
        pv = {(r.etudiant.nom, r.etudiant.prenom): r for r in documents.pv_data(run).rows}
        for pk, row in table.items():
            if row.error:
                continue
            pv_row = pv.get((row.student.nom.upper(), row.student.prenom)) or pv[(row.student.nom, row.student.prenom)]
            shown = {c.key: c.shown for c in row.ues}
            assert {k: c.code for k, c in pv_row.ues.items()} == shown, row.student
            assert pv_row.code_annee == row.annee.shown, row.student
            if documents.has_decision_letter(pk, run):
                lettre = documents.lettre_data(row.student, run)
                assert {u.code: u.decision.code for u in lettre.ues if u.code in shown} == shown, row.student
                assert lettre.decision_annee.code == row.annee.shown
                assert sum(u.ects_acquis for u in lettre.ues if u.code in shown) == pv_row.ects_annee, row.student
                letters += 1
        assert letters == len([r for r in table.values() if not r.error and r.annee.decided])
