"""Attendance (annexe 1, §4.2): justifications, counts and the local rules, off by default."""

from delibe.engine.assiduite import (
    AUCUNE_REGLE,
    Absence,
    Creneau,
    Justification,
    Nature,
    Penalite,
    PenaliteParDemiJournee,
    ProposeATJ,
    ReglementAssiduite,
    SeuilATJ,
    count_absences,
)
from delibe.engine.model import Heures, Module, ModuleKind

MATIN, APM = Creneau.MATIN, Creneau.APRES_MIDI
R501 = Module("R5-01", "Anglais", 5, ModuleKind.RESSOURCE, Heures(td=20, tp=4), {"UE5.3": 1, "UE5.5": 1})
R502 = Module("R5-02", "Management", 5, ModuleKind.RESSOURCE, Heures(cm=3, td=12, tp=4), {"UE5.5": 1})
PORTFOLIO = Module("Portfolio", "Portfolio", 5, ModuleKind.PORTFOLIO, Heures(td=8), {"UE5.5": 0})
REGLEMENT = "Règlement intérieur de l'IUT, art. 12 (CFVU du 2023-07-06)"


def absences(student, module, dates):
    return [Absence(student, d, MATIN, module) for d in dates]


def test_a_justification_covers_every_absence_in_its_period_future_ones_included():
    justification = Justification("e1", "2023-10-02", "2023-10-06", "arrêt maladie")
    recorded_later = absences("e1", "R5-01", ["2023-10-02", "2023-10-06", "2023-10-09"])
    counts = count_absences(recorded_later, [justification])
    assert counts["e1"]["R5-01"].justifiees == 2
    assert counts["e1"]["R5-01"].non_justifiees == 1


def test_a_justification_not_yet_validated_or_of_another_student_covers_nothing():
    pending = Justification("e1", "2023-10-01", "2023-10-31", "certificat", validee=False)
    other = Justification("e2", "2023-10-01", "2023-10-31", "certificat")
    counts = count_absences(absences("e1", "R5-01", ["2023-10-02"]), [pending, other])
    assert counts["e1"]["R5-01"].non_justifiees == 1


def test_the_same_half_day_recorded_twice_counts_once_and_lateness_is_counted_apart():
    recorded = [Absence("e1", "2023-10-02", MATIN, "R5-01"), Absence("e1", "2023-10-02", MATIN, "R5-01"),
                Absence("e1", "2023-10-02", APM, "R5-01"),
                Absence("e1", "2023-10-03", MATIN, "R5-01", Nature.RETARD)]
    d = count_absences(recorded, [])["e1"]["R5-01"]
    assert (d.non_justifiees, d.retards, d.total) == (2, 1, 2)


def test_no_rule_is_applied_by_default():
    counts = count_absences(absences("e1", "R5-01", [f"2023-10-{d:02}" for d in range(1, 30)]), [])
    assert AUCUNE_REGLE.effets(counts["e1"], [R501]) == []


def test_beyond_the_threshold_atj_is_proposed_on_every_ue_the_module_feeds_citing_the_reglement():
    reglement = ReglementAssiduite(REGLEMENT, (SeuilATJ(seuil=3),))
    counts = count_absences(absences("e1", "R5-01", ["2023-10-02", "2023-10-03", "2023-10-04", "2023-10-05"]), [])
    effects = reglement.effets(counts["e1"], [R501, R502])
    assert [(type(e), e.ue) for e in effects] == [(ProposeATJ, "UE5.3"), (ProposeATJ, "UE5.5")]
    assert effects[0].reason.source.reference == REGLEMENT
    assert "4 demi-journées" in effects[0].reason.text


def test_at_the_threshold_exactly_nothing_is_proposed():
    reglement = ReglementAssiduite(REGLEMENT, (SeuilATJ(seuil=3),))
    counts = count_absences(absences("e1", "R5-01", ["2023-10-02", "2023-10-03", "2023-10-04"]), [])
    assert reglement.effets(counts["e1"], [R501]) == []


def test_the_penalty_adds_up_over_modules_of_a_ue_and_is_capped():
    reglement = ReglementAssiduite(REGLEMENT, (PenaliteParDemiJournee(points=0.25, franchise=1, plafond=1.0),))
    dates = [f"2023-11-{d:02}" for d in range(1, 5)]  # 4 half-days: 3 beyond the franchise
    counts = count_absences(absences("e1", "R5-01", dates) + absences("e1", "R5-02", dates), [])
    effects = {e.ue: e for e in reglement.effets(counts["e1"], [R501, R502])}
    assert isinstance(effects["UE5.3"], Penalite) and effects["UE5.3"].points == 0.75
    assert effects["UE5.5"].points == 1.0  # 0.75 + 0.75 capped at 1.0


def test_a_module_with_zero_coefficient_feeds_no_ue_and_triggers_nothing():
    reglement = ReglementAssiduite(REGLEMENT, (SeuilATJ(seuil=0),))
    counts = count_absences(absences("e1", "Portfolio", ["2023-10-02"]), [])
    assert reglement.effets(counts["e1"], [PORTFOLIO]) == []
