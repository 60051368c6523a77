"""The adapters copy the jury engine's decisions into the documents' inputs; they decide nothing."""

from __future__ import annotations

from functools import cache

import pytest

from delibe.reports import adapters, examples
from delibe.reports.data import Identite, PVCell, PVColumn, PVRow
from tests.reports.conftest import SCENARIOS


@cache
def deliberated(name: str):  # type: ignore[no-untyped-def]  # the return type is imported late
    from delibe.simulate import read_scenario, run

    scenario = read_scenario(SCENARIOS / name)
    return scenario, run(scenario)


def test_pv_rows_carry_the_engine_codes_and_averages_unchanged() -> None:
    names = ["01-but1-adm-with-compensation.yaml", "02-but1-pasd.yaml", "03-repeater.yaml"]
    students = [(Identite(n, "", numero=str(i)), deliberated(n)[1]) for i, n in enumerate(names)]
    formation = deliberated(names[0])[0].formation
    data = adapters.pv_from_cursus(examples.CONFIG, formation, students, annee_but=1, date_jury="2025-06-26",
                                   president="Claire Martin")
    assert len(data.rows) == 3
    for row, (_, result) in zip(data.rows, students):
        year = result.years[-1]
        assert row.code_annee == year.annee.decided
        assert {k: (c.moyenne, c.code) for k, c in row.ues.items()} == {
            code: (r.moyenne, r.decided) for code, r in year.ues.items()}
        assert {k: c.code for k, c in row.rcues.items()} == {r.competence: r.decided for r in year.rcues.values()}
    assert [c.key for c in data.ue_columns][:2] == ["UE1.1", "UE2.1"]  # grouped by competence
    assert data.stats is not None and data.stats.effectif == 3
    assert sum(data.stats.codes_annee.values()) == 3


def test_a_repeater_pv_row_shows_the_last_attempt_of_the_year() -> None:
    scenario, result = deliberated("03-repeater.yaml")
    row = adapters.pv_row_from_cursus(scenario.formation, result, Identite("R", ""), annee_but=1)
    assert [y.annee.decided for y in result.years][-1] == row.code_annee
    assert len(result.years) == 2 and result.years[0].annee.decided != row.code_annee


def test_bulletins_of_a_year_put_rcue_and_year_codes_on_the_even_semester_only() -> None:
    scenario, result = deliberated("01-but1-adm-with-compensation.yaml")
    impair, pair = adapters.bulletins_from_cursus(examples.CONFIG, scenario.formation, result, Identite("A", "B"))
    assert (impair.semestre, pair.semestre) == (1, 2)
    assert impair.rcues == () and impair.decision_annee is None
    assert pair.decision_annee is not None and pair.decision_annee.code == result.years[0].annee.decided
    compensated = [u for u in impair.ues if u.decision and u.decision.code == "CMP"]
    assert compensated and all(u.ects_acquis == u.ects for u in compensated)
    assert pair.decision_annee.motifs == tuple(r.text for r in result.years[0].annee.reasons)


def test_asking_for_a_year_the_student_did_not_take_is_an_error_naming_the_years_taken() -> None:
    scenario, result = deliberated("02-but1-pasd.yaml")
    with pytest.raises(ValueError, match="BUT1"):
        adapters.bulletins_from_cursus(examples.CONFIG, scenario.formation, result, Identite("A", "B"), annee_but=3)


def test_no_transcript_or_attestation_for_a_diploma_the_jury_did_not_award() -> None:
    scenario, result = deliberated("02-but1-pasd.yaml")
    assert not result.final.dut
    with pytest.raises(ValueError, match="DUT n'est pas attribué"):
        adapters.releve_from_cursus(examples.CONFIG, scenario.formation, result, Identite("A", "B"),
                                    diplome="DUT", date_jury="2025-06-26")


def test_the_but_transcript_lists_six_semesters_and_the_ects_the_engine_counted() -> None:
    scenario, result = deliberated("04-full-cursus.yaml")
    releve = adapters.releve_from_cursus(examples.CONFIG, scenario.formation, result, Identite("A", "B"),
                                         diplome="BUT", date_jury="2026-06-26")
    assert [s.semestre for s in releve.semestres] == [1, 2, 3, 4, 5, 6]
    assert releve.ects == result.final.ects
    attestation = adapters.attestation_from_cursus(examples.CONFIG, scenario.formation, result, Identite("A", "B"),
                                                   diplome="DUT", date_jury="2025-06-26")
    assert attestation.ects == sum(s.ects for s in result.final.ues.values() if s.ue.semestre <= 4)


def test_pv_stats_count_codes_and_average_only_defined_values() -> None:
    col = PVColumn("UE1.1", "UE1.1")
    rows = [PVRow(Identite("A", ""), ues={"UE1.1": PVCell(12.0, "ADM")}, code_annee="ADM", diplomes=("DUT",)),
            PVRow(Identite("B", ""), ues={"UE1.1": PVCell(None, None)}, code_annee="DEM"),
            PVRow(Identite("C", ""), ues={"UE1.1": PVCell(8.0, "AJ")}, code_annee="RED")]
    stats = adapters.pv_stats(rows, [col])
    assert stats.effectif == 3
    assert stats.codes_annee == {"ADM": 1, "DEM": 1, "RED": 1}
    assert stats.codes_ue == {"ADM": 1, "AJ": 1}
    assert stats.diplomes == {"DUT": 1}
    assert stats.moyennes_ue == {"UE1.1": 10.0}
