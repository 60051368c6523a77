"""What the bulletin adds under a UE or a code: the attendance penalty a local rule took off the UE
average, and the « * » that marks a year or RCUE code the jury has not decided yet, with its note."""

from __future__ import annotations

from dataclasses import replace
from html import unescape

import jsonschema

from delibe.reports import bulletin, examples
from delibe.reports.data import Decision, PenaliteAssiduite

PENALTY = PenaliteAssiduite(0.4, "Règlement intérieur de l'IUT, art. 12, adopté le 06/07/2023", 3)


def with_penalty(data, code: str, penalty: PenaliteAssiduite = PENALTY):
    return replace(data, ues=tuple(replace(u, penalite_assiduite=penalty) if u.code == code else u for u in data.ues))


def test_a_penalised_ue_shows_the_points_the_reglement_and_the_half_days_under_its_line():
    data = examples.bulletin()
    code = data.ues[1].code
    html = unescape(bulletin.to_html(with_penalty(data, code)))
    line = ("Pénalité d'assiduité : −0,40 (Règlement intérieur de l'IUT, art. 12, adopté le 06/07/2023, "
            "3 demi-journées non justifiées)")
    assert line in html
    # under the penalised UE's row, before the next UE's
    assert html.index(code) < html.index(line) < html.index(data.ues[2].code + "</td>")
    assert html.count("Pénalité d'assiduité") == 1


def test_one_half_day_is_singular_and_an_unknown_count_is_left_out():
    one = bulletin.penalite_texte(replace(PENALTY, demi_journees=1))
    assert one.endswith("1 demi-journée non justifiée)")
    assert bulletin.penalite_texte(PenaliteAssiduite(0.25)) == "Pénalité d'assiduité : −0,25"


def test_the_franchise_and_a_reached_cap_are_said_so_that_the_points_add_up():
    # 7 half-days, 2 forgiven per module, 0,25 each: 1,25, capped at 1,00
    capped = PenaliteAssiduite(1.0, "Règlement intérieur", 7, franchise=2, plafond=1.0)
    assert bulletin.penalite_texte(capped) == (
        "Pénalité d'assiduité : −1,00 (Règlement intérieur, 7 demi-journées non justifiées, franchise de 2 par "
        "module, plafond de 1,00 atteint)")
    data = examples.bulletin()
    out = bulletin.to_dict(with_penalty(data, data.ues[0].code, capped))
    jsonschema.validate(out, bulletin.schema())
    assert out["ues"][data.ues[0].code]["penalite_assiduite"]["plafond"] == 1.0


def test_without_penalty_the_bulletin_says_nothing_about_attendance_penalties():
    data = examples.bulletin()
    assert "Pénalité d'assiduité" not in bulletin.to_html(data)
    assert all(u["penalite_assiduite"] is None for u in bulletin.to_dict(data)["ues"].values())


def test_the_penalty_is_in_the_json_and_the_json_still_follows_the_schema():
    data = examples.bulletin()
    code = data.ues[0].code
    out = bulletin.to_dict(with_penalty(data, code))
    jsonschema.validate(out, bulletin.schema())
    assert out["ues"][code]["penalite_assiduite"] == {
        "points": 0.4, "reglement": PENALTY.reglement, "demi_journees": 3, "franchise": None, "plafond": None,
        "texte": bulletin.penalite_texte(PENALTY)}


def test_the_penalty_line_spans_the_table_with_and_without_ranks():
    data = with_penalty(examples.bulletin(), examples.bulletin().ues[0].code)
    assert 'colspan="5"' in bulletin.to_html(data)
    no_ranks = replace(data, config=replace(data.config, afficher_rangs=False))
    assert 'colspan="4"' in bulletin.to_html(no_ranks)


def test_a_proposed_year_code_carries_the_star_and_its_note_like_the_ue_codes():
    data = examples.bulletin_s2()
    proposed = replace(data, decision_annee=replace(data.decision_annee, provisoire=True))
    html = unescape(bulletin.to_html(proposed))
    assert "Année: ADM*" in html and "(proposition)" in html
    assert "le jury ne l'a pas encore arrêtée" in html
    decided = bulletin.to_html(data)
    assert "Année: ADM*" not in decided and "Année: ADM" in decided and "(proposition)" not in decided


def test_a_proposed_rcue_code_carries_the_star():
    data = examples.bulletin_s2()
    first = replace(data.rcues[0], decision=Decision(data.rcues[0].decision.code, provisoire=True))
    html = bulletin.to_html(replace(data, rcues=(first, *data.rcues[1:])))
    assert f"{first.decision.code}*</td>" in html


def test_before_the_jury_an_odd_semester_bulletin_points_to_the_proposals_above_not_below():
    data = examples.bulletin()
    ues = tuple(replace(u, decision=Decision("ADM", provisoire=True)) for u in data.ues)
    html = unescape(bulletin.to_html(replace(data, ues=ues, date_jury=None, rcues=(), decision_annee=None)))
    assert "les codes des UE ci-dessus sont des propositions (*)" in html and "ci-dessous" not in html
    s2 = examples.bulletin_s2()
    html = unescape(bulletin.to_html(replace(s2, date_jury=None,
                                             decision_annee=replace(s2.decision_annee, provisoire=True))))
    assert "les codes des UE ci-dessus et ceux ci-dessous sont des propositions (*)" in html
