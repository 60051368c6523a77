"""The demo database shows every situation a jury meets (issue 9): the test reads them back from the
computed jury proposals and the engine's results, not from the generator. Built once for the module
(about 8 s) inside a transaction that is rolled back at the end."""

from __future__ import annotations

from collections import Counter

import pytest

CURRENT = "2023-2024"

# the databases are set up only for the tests marked as using them; each test runs in its own savepoint
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def proposals(demo, django_db_blocker):
    """Every cell of the 2023-2024 jury tables: (semestre, level, proposed code, cell, row)."""
    from delibe.web.models import SemesterRun
    from delibe.web.selectors.semestres import jury_table

    cells = []
    with django_db_blocker.unblock():
        for run in SemesterRun.objects.filter(academic_year__label=CURRENT).order_by("semestre"):
            for row in jury_table(run, with_reasons=False).rows:
                for cell in [*row.ues, *row.rcues, row.annee]:
                    if cell is not None:
                        cells.append((run.semestre, cell.level, cell.proposed, cell, row))
    return cells


@pytest.fixture(scope="module")
def cursus(demo, django_db_blocker):
    from delibe.web.models import Student
    from delibe.web.services.calcul import deliberate_students

    with django_db_blocker.unblock():
        return deliberate_students(list(Student.objects.values_list("pk", flat=True)), up_to=CURRENT)


def codes(proposals, level):
    return Counter(code for _, lvl, code, _, _ in proposals if lvl == level)


def test_the_demo_has_about_sixty_apprentices_from_but1_to_but3(demo, django_db_blocker):
    from delibe.web.models import ApprenticeContract, Enrolment, Student

    with django_db_blocker.unblock():
        assert 55 <= Student.objects.count() <= 65
        assert ApprenticeContract.objects.count() == Student.objects.count()
        annees = {e.semester.annee_but for e in Enrolment.objects.filter(semester__academic_year__label=CURRENT)
                  .select_related("semester")}
    assert annees == {1, 2, 3}
    assert "absences" in demo.summary


def test_the_current_juries_propose_adm_cmp_aj_pasd_and_red(proposals):
    assert {"ADM", "CMP", "AJ"} <= set(codes(proposals, "ue"))
    assert {"ADM", "CMP", "AJ"} <= set(codes(proposals, "rcue"))
    assert {"ADM", "PASD", "RED"} <= set(codes(proposals, "annee"))


def test_pending_grades_leave_students_without_proposal_and_their_results_provisional(demo, proposals,
                                                                                        django_db_blocker):
    from delibe.web.models import Grade

    with django_db_blocker.unblock():
        assert Grade.objects.filter(special="ATT", evaluation__semester__academic_year__label=CURRENT).exists()
    provisional = [cell for _, level, code, cell, _ in proposals if level == "ue" and code is None]
    assert provisional and all(cell.provisional for cell in provisional)


def test_some_grades_are_excused(demo, django_db_blocker):
    from delibe.web.models import Grade

    with django_db_blocker.unblock():
        assert Grade.objects.filter(special="EXC").count() >= 10
        assert Grade.objects.filter(special="ABS").count() >= 10


def test_repeaters_keep_their_capitalised_ues(cursus):
    capitalised = [
        r.rule for c in cursus.values() if c.result is not None for year in c.result.years[1:]
        for ue in year.ues.values() for r in ue.reasons if r.rule in ("ue.capitalisee", "ue.capitalisee_reprise")
    ]
    assert capitalised


def test_a_student_gets_adsup_by_descending_validation(cursus):
    adsup = [state for c in cursus.values() if c.result is not None for year in c.result.years
             for state in year.autres_ues.values() if state.code == "ADSUP"]
    assert adsup and all(any(r.rule == "validation_descendante" for r in s.reasons) for s in adsup)


def test_a_past_jury_said_nar_or_red_and_its_decisions_are_recorded(demo, django_db_blocker):
    from delibe.web.models import JuryDecision

    with django_db_blocker.unblock():
        past = Counter(JuryDecision.objects.exclude(academic_year__label=CURRENT).filter(level="annee")
                       .values_list("decided_code", flat=True))
    assert past["RED"] and past["PASD"] and past["ADM"]


def test_attendance_has_a_calendar_absences_and_justifications_in_each_state(demo, django_db_blocker):
    from delibe.web.assiduite.models import AbsenceRecord, AlternanceWeek, JustificationRecord

    with django_db_blocker.unblock():
        weeks = Counter(AlternanceWeek.objects.values_list("lieu", flat=True))
        assert weeks["iut"] and weeks["entreprise"]
        iut_mondays = set(AlternanceWeek.objects.filter(lieu="iut").values_list("semester_id", "lundi"))
        absences = list(AbsenceRecord.objects.values_list("semester_id", "date", "nature"))
        statuts = Counter(JustificationRecord.objects.values_list("statut", flat=True))
    assert len(absences) >= 100 and {n for _, _, n in absences} == {"absence", "retard"}
    # every absence falls on a week at the IUT
    import datetime as dt

    assert all((run, day - dt.timedelta(days=day.weekday())) in iut_mondays for run, day, _ in absences)
    assert statuts["validee"] and statuts["soumise"] and statuts["refusee"]


def test_the_local_rule_is_on_for_mmi_only_and_labelled_as_a_demonstration(demo, django_db_blocker):
    from delibe.web.assiduite.models import ReglementConfig

    with django_db_blocker.unblock():
        rules = {c.department.code: c for c in ReglementConfig.objects.select_related("department")}
    assert rules["mmi-dijon"].seuil_atj_actif and rules["mmi-dijon"].penalite_active
    assert "règle locale de démonstration" in rules["mmi-dijon"].reference
    geii = rules["geii-auxerre"]
    assert not (geii.seuil_atj_actif or geii.penalite_active)
    # issue 18: GEII takes its roll calls by the hour, MMI by half-day and declares its school holidays
    assert geii.creneaux.splitlines()[0] == "08h00-10h00" and not rules["mmi-dijon"].creneaux
    assert "Toussaint" in rules["mmi-dijon"].vacances


def test_the_attendance_rule_proposes_atj_and_penalises_averages_with_its_source(proposals, cursus):
    atj = [cell for _, level, code, cell, _ in proposals if level == "ue" and code == "ATJ"]
    assert atj
    reasons = [r for c in cursus.values() if c.result is not None for year in c.result.years
               for ue in year.ues.values() for r in ue.reasons]
    assert any(r.rule == "assiduite.seuil_atj" and "démonstration" in r.source.reference for r in reasons)
    assert any(r.rule == "assiduite.penalite" and "06/07/2023" in r.source.reference for r in reasons)


def test_the_demo_is_left_as_it_is_when_run_again(demo, django_db_blocker):
    from delibe.web.models import Student
    from delibe.web.services.demo import ensure_demo

    with django_db_blocker.unblock():
        before = Student.objects.count()
        again = ensure_demo(echo=lambda _: None)
        assert Student.objects.count() == before
    assert "déjà prête" in again.summary
