"""The bulletin from the database shows the attendance penalty the department's local rule took off a UE
average (ADR 0010): the points, the règlement with its date and the unjustified half-days counted, on the
penalised UEs only, in the HTML/PDF and the JSON; nothing when no rule is on."""

from __future__ import annotations

import pytest

from delibe.reports import bulletin
from delibe.web.assiduite.models import ReglementConfig
from delibe.web.services.documents import bulletin_data
from tests.assiduite.test_penalties import absent, fed_by, penalty_rule

from .conftest import grade_whole_year


@pytest.fixture
def graded(world, settings, tmp_path):
    settings.DELIBE_DOCUMENTS_DIR = tmp_path / "documents"
    grade_whole_year(world, alice_average=12, bruno_average=9)
    return world


def test_the_bulletin_shows_the_penalty_under_each_penalised_ue_with_the_reglement_and_the_half_days(graded):
    penalty_rule(graded)
    absent(graded, graded.alice, 3)  # 2 half-days beyond the franchise of 1 → 0.4
    data = bulletin_data(graded.alice, graded.s1)
    penalised = {u.code: u for u in data.ues if u.penalite_assiduite is not None}
    assert set(penalised) == fed_by(graded)
    for u in penalised.values():
        assert u.moyenne == pytest.approx(11.6)  # the average already includes it
        assert u.penalite_assiduite.points == pytest.approx(0.4)
        assert u.penalite_assiduite.demi_journees == 3
        assert u.penalite_assiduite.reglement == "Règlement intérieur de l'IUT, art. 12, adopté le 06/07/2023"
        assert u.penalite_assiduite.franchise == 1 and u.penalite_assiduite.plafond is None  # 0,40 < 0,50
    expected = ("Pénalité d'assiduité : −0,40 (Règlement intérieur de l'IUT, art. 12, adopté le 06/07/2023, "
                "3 demi-journées non justifiées, franchise de 1 par module)")
    import html

    assert html.unescape(bulletin.to_html(data)).count(expected) == len(penalised)
    out = bulletin.to_dict(data)
    assert {code for code, u in out["ues"].items() if u["penalite_assiduite"]} == set(penalised)


def test_a_penalty_at_the_cap_says_the_cap_was_reached(graded):
    penalty_rule(graded)
    absent(graded, graded.alice, 8)  # 7 × 0,20 = 1,40, capped at 0,50
    penalties = {u.penalite_assiduite for u in bulletin_data(graded.alice, graded.s1).ues if u.penalite_assiduite}
    assert {(p.points, p.plafond, p.demi_journees) for p in penalties} == {(0.5, 0.5, 8)}


def test_no_penalty_line_when_the_rule_is_off_or_the_student_was_not_absent(graded):
    penalty_rule(graded, active=False)
    absent(graded, graded.alice, 3)
    assert all(u.penalite_assiduite is None for u in bulletin_data(graded.alice, graded.s1).ues)
    ReglementConfig.objects.filter(department=graded.department).update(penalite_active=True)
    assert all(u.penalite_assiduite is None for u in bulletin_data(graded.bruno, graded.s1).ues)
    assert any(u.penalite_assiduite is not None for u in bulletin_data(graded.alice, graded.s1).ues)


def test_the_student_sees_the_penalty_on_their_own_bulletin_too(graded):
    penalty_rule(graded)
    absent(graded, graded.alice, 3)
    data = bulletin_data(graded.alice, graded.s1, for_student=True)
    assert any(u.penalite_assiduite is not None for u in data.ues)
