"""Local attendance rules in the averages and the jury (issue 9): off by default; when a department turns
on « x points per unjustified half-day beyond N », the UE averages used by the jury, the pages and the
bulletins include the penalty, capped, with its explanation citing the règlement and its date; the
threshold rule's ATJ is the jury's proposal for the UE, with its source."""

from __future__ import annotations

import datetime as dt

import pytest

from delibe.web.assiduite.models import AbsenceRecord, JustificationRecord, ReglementConfig
from delibe.web.models import JuryDecision
from delibe.web.selectors.semestres import jury_table
from delibe.web.services import jury as jury_service
from delibe.web.services.calcul import compute_run
from delibe.web.services.formations import formation_model
from tests.web.conftest import grade_whole_year

D = dt.date(2023, 10, 2)
REFERENCE = "Règlement intérieur de l'IUT, art. 12"


@pytest.fixture
def graded(world):
    grade_whole_year(world, alice_average=12, bruno_average=9)
    return world


def fed_by(world, module="R1.01"):
    module = next(m for m in formation_model(world.version).modules_of(1, "Créa") if m.code == module)
    return {ue for ue, coef in module.coefficients.items() if coef > 0}


def absent(world, student, days, module="R1.01"):
    for day in range(days):
        AbsenceRecord.objects.create(student=student, semester=world.s1, date=D + dt.timedelta(days=day),
                                     creneau="matin", module_code=module)


def penalty_rule(world, points=0.2, franchise=1, plafond=0.5, active=True):
    return ReglementConfig.objects.create(
        department=world.department, reference=REFERENCE, date_reglement=dt.date(2023, 7, 6),
        penalite_active=active, penalite_points=points, penalite_franchise=franchise, penalite_plafond=plafond)


def atj_rule(world, seuil=2):
    return ReglementConfig.objects.create(department=world.department, reference=REFERENCE,
                                          date_reglement=dt.date(2023, 7, 6), seuil_atj_actif=True, seuil_atj=seuil)


def averages(world, student):
    return compute_run(world.s1).ue_averages(student.pk)


def test_absences_change_no_average_when_no_rule_is_on(graded):
    absent(graded, graded.alice, 6)
    assert set(averages(graded, graded.alice).values()) == {12.0}
    penalty_rule(graded, active=False)  # declared but off: still nothing
    assert set(averages(graded, graded.alice).values()) == {12.0}


def test_the_penalty_is_taken_off_the_ues_the_module_feeds_beyond_the_franchise(graded):
    penalty_rule(graded, points=0.2, franchise=1, plafond=0.5)
    absent(graded, graded.alice, 3)  # 2 half-days beyond the franchise → 0.4
    moyennes = averages(graded, graded.alice)
    for ue, value in moyennes.items():
        assert value == pytest.approx(11.6 if ue in fed_by(graded) else 12.0), ue
    assert set(averages(graded, graded.bruno).values()) == {9.0}  # no absence, no penalty


def test_the_penalty_is_capped(graded):
    penalty_rule(graded, points=0.2, franchise=1, plafond=0.5)
    absent(graded, graded.alice, 8)  # 7 × 0.2 = 1.4, capped at 0.5
    moyennes = averages(graded, graded.alice)
    assert [moyennes[ue] for ue in sorted(fed_by(graded))] == pytest.approx([11.5] * len(fed_by(graded)))


def test_justified_absences_bring_no_penalty(graded):
    penalty_rule(graded)
    absent(graded, graded.alice, 6)
    JustificationRecord.objects.create(student=graded.alice, debut=D, fin=D + dt.timedelta(days=10),
                                       motif="Arrêt maladie", statut="validee")
    assert set(averages(graded, graded.alice).values()) == {12.0}


def test_the_penalised_average_explains_itself_citing_the_reglement_and_its_date(graded):
    penalty_rule(graded)
    absent(graded, graded.alice, 3)
    ue = min(fed_by(graded))
    explanation = compute_run(graded.s1).explain_ue(graded.alice.pk, ue)
    assert explanation.average == pytest.approx(11.6) and explanation.computed == pytest.approx(12.0)
    term = explanation.bonus[-1]
    assert term.points == pytest.approx(-0.4) and "art. 12" in term.source and "06/07/2023" in term.source
    texts = [r.text for r in explanation.reasons]
    assert any("12,00 − 0,40 = 11,60" in t for t in texts)
    assert all("06/07/2023" in r.source.reference for r in explanation.reasons[-2:])


def test_the_year_jury_works_on_the_penalised_average_and_gives_its_reason(graded):
    penalty_rule(graded, points=1.0, franchise=0, plafond=5.0)
    absent(graded, graded.alice, 3)  # 3 points off: 12 → 9 in the UEs fed by R1.01
    ue = min(fed_by(graded))
    cell = next(c for c in jury_table(graded.s2, [graded.alice.pk]).rows[0].ues if c.key == ue)
    assert cell.moyenne == pytest.approx(9.0)
    assert any("pénalité" in r["text"] and "06/07/2023" in r["source"] for r in cell.reasons)


def test_the_threshold_rule_s_atj_is_the_proposal_of_the_ue_with_its_source(graded):
    atj_rule(graded, seuil=2)
    absent(graded, graded.alice, 3)
    row = jury_table(graded.s2, [graded.alice.pk]).rows[0]
    for cell in row.ues:
        if cell.key in fed_by(graded):
            assert cell.proposed == "ATJ", cell.key
            assert any("ATJ proposé" in r["text"] and REFERENCE in r["source"] for r in cell.reasons)
            assert not any(r["rule"] == "jury.decision" for r in cell.reasons)  # a proposal, not a decision
        elif cell.key.startswith("UE1."):
            assert cell.proposed == "ADM", cell.key
    # the odd-semester jury proposes it too, and the whole table (fast path) shows it in the UE column
    odd = jury_table(graded.s1, [graded.alice.pk], with_reasons=False).rows[0]
    assert {c.key for c in odd.ues if c.proposed == "ATJ"} == fed_by(graded)
    table = jury_table(graded.s2, with_reasons=False)
    alice = next(r for r in table.rows if r.student.pk == graded.alice.pk)
    assert {c.key for c in alice.ues if c.proposed == "ATJ"} == fed_by(graded)


def test_the_atj_proposal_shows_in_the_jury_page(graded, login):
    atj_rule(graded, seuil=2)
    absent(graded, graded.alice, 3)
    html = login("president").get(f"/semestres/{graded.s2.pk}/jury/").content.decode()
    row = html[html.index(f'id="jury-{graded.alice.pk}"'):]
    row = row[:row.index("</tr>")]
    # each UE the module feeds, and the RCUE of each (validated, it would acquire the UE: ATJ follows)
    assert row.count(">ATJ<") == 2 * len(fed_by(graded))


def test_recorded_atj_stays_and_the_jury_may_depart_from_it_with_a_reason(graded):
    atj_rule(graded, seuil=2)
    absent(graded, graded.alice, 3)
    president = graded.users["president"]
    jury_service.record_proposals(user=president, run=graded.s2, student_ids=[graded.alice.pk])
    ue = min(fed_by(graded))
    recorded = JuryDecision.objects.get(student=graded.alice, level="ue", key=ue)
    assert (recorded.proposed_code, recorded.decided_code) == ("ATJ", "ATJ")
    with pytest.raises(jury_service.DecisionError):
        jury_service.record_decision(user=president, run=graded.s2, student=graded.alice, level="ue", key=ue,
                                     code="ADM")
    jury_service.record_decision(user=president, run=graded.s2, student=graded.alice, level="ue", key=ue,
                                 code="ADM", reason="Absences liées à l'entreprise, attestées après coup")
    cell = next(c for c in jury_table(graded.s2, [graded.alice.pk]).rows[0].ues if c.key == ue)
    assert (cell.proposed, cell.decided) == ("ATJ", "ADM")


def test_the_student_sees_the_penalty_in_their_results_with_its_source(graded, login):
    penalty_rule(graded)
    absent(graded, graded.alice, 3)
    page = login("etudiant").get("/mes-resultats/").content.decode()
    assert "Effets du règlement d'assiduité" in page
    assert "pénalité de 0,40 point(s)" in page and "06/07/2023" in page
    assert "11,60" in page  # the UE average shown includes it


def test_no_attendance_effect_is_shown_when_no_rule_is_on(graded, login):
    absent(graded, graded.alice, 8)
    page = login("etudiant").get("/mes-resultats/").content.decode()
    assert "Effets du règlement d'assiduité" not in page and "11,60" not in page
