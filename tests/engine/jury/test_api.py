"""The public API other engineers code against: names, shapes, proposed vs decided, reasons with
sources, and the engine's own checks (independent of the scenario reader)."""

from __future__ import annotations

import pytest

from delibe.engine.jury import (
    Cursus,
    CursusError,
    JuryDecisions,
    UECapitalisee,
    YearAttempt,
    deliberate,
    deliberate_semestre,
)
from delibe.engine.jury.synthetic import mmi_like_formation
from delibe.engine.parameters import DEFAULT_REGLES
from delibe.engine.sources import ALL_SOURCES

FORMATION = mmi_like_formation()


def but1(**changes: float | None) -> dict[str, float | None]:
    values: dict[str, float | None] = {f"UE{s}.{c}": 12.0 for s in (1, 2) for c in range(1, 6)}
    values.update({k.replace("_", "."): v for k, v in changes.items()})
    return values


def test_deliberate_gives_per_year_ue_rcue_and_year_decisions_with_reasons_citing_sources() -> None:
    result = deliberate(FORMATION, Cursus("Créa", (YearAttempt(1, but1(UE1_2=9.2, UE2_2=9.0)),)))
    year = result.years[0]
    assert year.ues["UE1.2"].proposed == year.ues["UE1.2"].decided == "AJ"
    assert year.rcues["Concevoir"].moyenne == pytest.approx(9.1)
    assert year.annee.code == "PASD"
    pasd = next(r for r in year.annee.reasons if r.rule == "annee.pasd")
    assert pasd.text == "4 RCUE validés sur 5 (il en faut plus de la moitié), aucun sous 8 → PASD"
    assert pasd.source.reference == "Arrêté du 15 avril 2022, annexe 1, §4.5"
    assert dict(pasd.data) == {"valides": 4, "total": 5}
    keys = {s.key for s in ALL_SOURCES}
    for reasons in [year.annee.reasons, *(u.reasons for u in year.ues.values()),
                    *(r.reasons for r in year.rcues.values())]:
        assert reasons and all(r.source.key in keys for r in reasons)
    assert result.final.ects == 48 and not result.final.dut and not result.final.but


def test_a_jury_decision_keeps_the_proposal_beside_it() -> None:
    jury = JuryDecisions(annee="PAS1NCI", raison="progression constatée")
    attempt = YearAttempt(1, but1(UE1_1=5, UE2_1=5, UE1_2=5, UE2_2=5, UE1_3=5, UE2_3=5), jury=jury)
    year = deliberate(FORMATION, Cursus("Créa", (attempt,))).years[0]
    assert (year.annee.proposed, year.annee.decided) == ("RED", "PAS1NCI")
    assert year.ues["UE1.1"].decided == "AJ" and year.ects == 24


def test_pending_grades_give_no_year_decision_and_say_so() -> None:
    attempt = YearAttempt(1, but1(), provisional_ues=frozenset({"UE2.4"}))
    year = deliberate(FORMATION, Cursus("Créa", (attempt,))).years[0]
    assert year.annee.proposed is None and year.annee.decided is None
    assert any(r.rule == "attente" and "UE2.4" in r.text for r in year.annee.reasons)
    assert year.ues["UE2.4"].proposed is None and year.rcues["Développer"].proposed is None


def test_the_engine_refuses_an_average_outside_0_20_naming_the_year_and_the_ue() -> None:
    with pytest.raises(CursusError) as caught:
        deliberate(FORMATION, Cursus("Créa", (YearAttempt(1, but1(UE1_3=20.5)),)))
    assert caught.value.year_index == 0 and caught.value.place == "ue.UE1.3"
    assert "hors de [0, 20]" in caught.value.message


def test_the_engine_refuses_a_ue_of_another_year() -> None:
    with pytest.raises(CursusError, match="UE « UE3.1 » inconnue en BUT1"):
        deliberate(FORMATION, Cursus("Créa", (YearAttempt(1, {**but1(), "UE3.1": 12.0}),)))


def test_the_odd_semester_jury_refuses_an_even_semester() -> None:
    with pytest.raises(CursusError, match="pas un semestre impair"):
        deliberate_semestre(FORMATION, Cursus("Créa", ()), 2, {})


def test_the_odd_semester_jury_of_s3_needs_a_passage_out_of_but1() -> None:
    failed = Cursus("Créa", (YearAttempt(1, {k: 5.0 for k in but1()}),))
    with pytest.raises(CursusError, match="BUT2 sans passage"):
        deliberate_semestre(FORMATION, failed, 3, {"UE3.1": 12.0})


def test_acquired_before_ues_must_carry_a_validating_code() -> None:
    cursus = Cursus("Créa", (), ue_acquises_avant={"UE1.1": UECapitalisee(8.0, "AJ")})
    with pytest.raises(CursusError, match="non validant"):
        deliberate(FORMATION, cursus)


def test_changed_parameters_move_the_bars() -> None:
    stricter = DEFAULT_REGLES.with_values(barre_ue=12.0, barre_rcue=12.0)
    year = deliberate(FORMATION, Cursus("Créa", (YearAttempt(1, but1(UE1_1=11.5)),)), stricter).years[0]
    assert year.ues["UE1.1"].decided == "AJ" and year.ues["UE2.1"].decided == "ADM"
    assert year.rcues["Comprendre"].decided == "AJ" and year.annee.decided == "PASD"


def test_a_jury_decision_without_its_reason_is_refused_by_the_engine() -> None:
    attempt = YearAttempt(1, but1(), jury=JuryDecisions(annee="RED", raison="  "))
    with pytest.raises(CursusError, match="doit être motivée") as caught:
        deliberate(FORMATION, Cursus("Créa", (attempt,)))
    assert caught.value.place == "jury.raison"
