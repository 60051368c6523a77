"""Statistics of a semester (issue 14, item 5, in part): pass rates of each UE and of the year for
everyone, each parcours and each group, from the jury's codes (else the proposals); the distribution of
each UE average from the engine, drawn and tabulated."""

from __future__ import annotations

import pytest

from tests.web.conftest import grade_whole_year

pytestmark = pytest.mark.django_db


@pytest.fixture
def graded(world):
    from delibe.web.models import Enrolment

    grade_whole_year(world, alice_average=12, bruno_average=9)
    Enrolment.objects.filter(student=world.bruno).update(groupe="B")
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
