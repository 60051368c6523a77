"""Statistics of a semester (issue 14, item 5, in part): pass rates of each UE and of the year for
everyone, each parcours and each group, from the jury's codes (else the proposals); the distribution of
each UE average from the engine, drawn and tabulated."""

from __future__ import annotations

import pytest

from tests.web.conftest import grade_whole_year, move_to_group

pytestmark = pytest.mark.django_db


@pytest.fixture
def graded(world):

    grade_whole_year(world, alice_average=12, bruno_average=9)
    for run in (world.s1, world.s2):
        move_to_group(run, world.bruno, "B")
    return world


def test_pass_rates_per_ue_and_year_for_everyone_each_parcours_and_each_group(graded):
    from delibe.web.selectors.statistiques import semester_stats
    from delibe.web.services import jury as jury_service

    jury_service.record_decision(user=graded.users["president"], run=graded.s2, student=graded.bruno, level="annee",
                                 key="BUT1", code="PAS1NCI", reason="Passage accordé par le jury")
    stats = semester_stats(graded.s2)
    assert stats.populations == ["Tous", "Parcours Créa", "Groupe A", "Groupe B"]
    everyone, _, group_a, group_b = stats.ue_rates["UE2.1"]
    assert (everyone.reussis, everyone.effectif) == (1, 2) and everyone.taux == 50
    assert (group_a.reussis, group_a.effectif, group_b.reussis) == (1, 1, 0)
    assert [(r.reussis, r.effectif) for r in stats.year_rates] == [(2, 2), (2, 2), (1, 1), (1, 1)]
    assert stats.year_codes == {"ADM": 1, "PAS1NCI": 1}
    assert semester_stats(graded.s1).year_rates == []  # odd semester: UE codes only


def test_the_distribution_of_each_ue_average_comes_from_the_engine(graded):
    from delibe.web.selectors.statistiques import semester_stats

    dist = {d.code: d for d in semester_stats(graded.s1).distributions}["UE1.1"]
    assert dist.count == 2 and dist.mean == pytest.approx(10.5) and dist.median == pytest.approx(10.5)
    assert dict(dist.classes)["12–14"] == 1 and dict(dist.classes)["8–10"] == 1
    assert 'role="img"' in dist.svg and "Répartition des moyennes de UE1.1" in dist.svg


def test_the_page_shows_the_rates_in_french_and_the_numbers_in_tables(graded, login):
    html = login("president").get(f"/semestres/{graded.s2.pk}/statistiques/").content.decode()
    assert 'id="taux-ue"' in html and "1/2 (50,0 %)" in html and 'id="taux-annee"' in html
    assert html.count("<svg") == 5 and "Moyennes de UE2.1 par classe" in html
    assert login("enseignant").get(f"/semestres/{graded.s2.pk}/statistiques/").status_code == 403


def test_the_cohort_follow_up_says_where_each_entrant_is_after_one_and_two_years(graded, login):
    import datetime as dt

    from delibe.web.models import AcademicYear, Enrolment, JuryDecision, SemesterRun
    from delibe.web.selectors.statistiques import cohort_entries, cohort_followup

    w = graded
    later = []
    for label in ("2024-2025", "2025-2026"):
        start = int(label[:4])
        later.append(AcademicYear.objects.create(label=label, debut=dt.date(start, 9, 1), fin=dt.date(start + 1, 7, 1)))
    s3 = SemesterRun.objects.create(formation=w.version, semestre=3, academic_year=later[0])
    s1_again = SemesterRun.objects.create(formation=w.version, semestre=1, academic_year=later[0])
    s5 = SemesterRun.objects.create(formation=w.version, semestre=5, academic_year=later[1])
    Enrolment.objects.create(student=w.alice, semester=s3, parcours="Créa")  # passed into BUT2
    Enrolment.objects.create(student=w.bruno, semester=s1_again, parcours="Créa")  # repeats BUT1
    Enrolment.objects.create(student=w.alice, semester=s5, parcours="Créa")  # then BUT3; Bravo leaves
    assert cohort_entries(w.department.pk) == ["2023-2024"]
    followup = cohort_followup(w.department.pk, "2023-2024")
    assert followup.students == 2 and followup.years == ["2024-2025", "2025-2026"]
    assert followup.counts["en BUT2"] == [1, 0] and followup.counts["redouble"] == [1, 0]
    assert followup.counts["en BUT3"] == [0, 1] and followup.counts["a quitté la formation"] == [0, 1]
    JuryDecision.objects.create(student=w.alice, academic_year=later[1], formation=w.version, annee_but=3,
                                level="annee", key="BUT3", decided_code="ADM")
    AcademicYear.objects.create(label="2026-2027", debut=dt.date(2026, 9, 1), fin=dt.date(2027, 7, 1))
    assert cohort_followup(w.department.pk, "2023-2024").counts["diplômé"] == [0, 0, 1]
    html = login("president").get(f"/departements/{w.department.pk}/cohortes/").content.decode()
    assert 'id="suivi-cohorte"' in html and html.count("<svg") == 3 and "2 étudiants entrés en BUT1 en 2023-2024" in html
    assert login("enseignant").get(f"/departements/{w.department.pk}/cohortes/").status_code == 403
    assert login("autre").get(f"/departements/{w.department.pk}/cohortes/").status_code == 404
