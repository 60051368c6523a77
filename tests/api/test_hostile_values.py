# ruff: noqa: F811 (the login fixture is imported, then requested by name)
"""Hostile values (issue 19, findings 4 and 6): one validation of grades and evaluation settings
(web/values.py) for the grid, the grade-sheet import, the web evaluation form and the API; extreme values
give a clear French message (400/422), never a 500; the charts survive an undefined average."""

from __future__ import annotations

import html
import json
import math

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from delibe.web import values
from delibe.web.adapters.saisie_notes_xlsx import parse_value
from delibe.web.models import Evaluation, Grade
from tests.web.conftest import login  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db
HOSTILE = ["1e400", "1e1", "1E1", "2e-1", "inf", "-inf", "Infinity", "nan", "NaN", "0x10", "1_0", "١٢",
           "12,5,5", "--1", "1e308", "9" * 400, "", "\u0000"]
REFUSED = [h for h in HOSTILE if h]


def _grid(client, world, value):
    return client.post(f"/evaluations/{world.taught.pk}/note/", data=json.dumps(
        {"student": world.alice.pk, "value": value, "version": 0}), content_type="application/json")


@pytest.mark.parametrize("raw", REFUSED)
def test_exponents_infinities_and_junk_are_not_grades(raw):
    action, value, _, error = parse_value(raw, 20)
    assert error and value is None, (raw, action, value)
    assert "n'est pas une note" in error or "échelle" in error


@pytest.mark.parametrize("raw", [float("inf"), float("nan"), 1e300, -0.5, 20.001])
def test_spreadsheet_numbers_that_are_not_grades_are_refused(raw):
    assert parse_value(raw, 20)[3]


@pytest.mark.parametrize(("raw", "expected"), [("12", "12"), ("12,5", "12.5"), (" 7.25 ", "7.25"), (15.0, "15"),
                                                ("0", "0"), ("20", "20")])
def test_plain_numbers_are_still_grades(raw, expected):
    action, value, _, error = parse_value(raw, 20)
    assert error is None and action == "set" and value == type(value)(expected)


@pytest.mark.parametrize("raw", REFUSED)
def test_the_grid_answers_400_with_a_french_message_never_500(world, login, raw):
    response = _grid(login("enseignant"), world, raw)
    assert response.status_code == 400, response.content[:300]
    assert "note" in response.json()["error"]
    assert not Grade.objects.exists()


@pytest.mark.parametrize("raw", ["1e400", "1e1", "inf", "nan"])
def test_the_api_refuses_them_one_at_a_time_and_in_a_batch(api, world, raw):
    client = api("scolarite")
    one = client.put(f"/api/v1/evaluations/{world.taught.pk}/notes/{world.alice.pk}", {"valeur": raw, "version": 0})
    assert one.status_code in (400, 422) and "note" in one.json()["detail"]
    batch = client.post(f"/api/v1/evaluations/{world.taught.pk}/notes",
                        {"notes": [{"etudiant": world.alice.pk, "valeur": raw, "version": 0}]})
    assert batch.status_code in (400, 422), batch.content[:300]
    assert not Grade.objects.exists()


def test_a_json_number_overflowing_to_infinity_is_refused_by_the_api(api, world):
    body = '{"valeur": 1e400, "version": 0}'
    response = api("scolarite").put(f"/api/v1/evaluations/{world.taught.pk}/notes/{world.alice.pk}", body)
    assert response.status_code in (400, 422) and not Grade.objects.exists()


def test_the_grade_sheet_import_refuses_an_exponent_with_its_line(world, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from delibe.web.adapters.saisie_notes_xlsx import StudentLine, build_grade_sheet

    sheet = build_grade_sheet(evaluation_key=str(world.taught.pk), title="t", note_max=20, lines=[
        StudentLine(str(world.alice.pk), "Alpha", "Test", "A", "1e1")])
    page = login("enseignant").post(reverse("delibe:import", args=[world.taught.pk]), {
        "fichier": SimpleUploadedFile("n.xlsx", sheet)}).content.decode()
    assert "1e1" in page and "sans exposant" in page


def _evaluation_form(world, **fields):
    data = {"module_code": "R1.01", "titre": "Hostile", "coefficient": "1", "note_max": "20", "type": "normale"}
    data.update(fields)
    return data


@pytest.mark.parametrize("fields", [
    {"coefficient": "1e308"}, {"coefficient": "1e1"}, {"coefficient": "inf"}, {"coefficient": "nan"},
    {"coefficient": "0"}, {"coefficient": "1001"}, {"note_max": "1e400"}, {"note_max": "0"},
    {"poids_UE1.2": "1e308"}, {"poids_UE1.2": "-1"}, {"poids_UE1.2": "1000,5"},
])
def test_the_web_evaluation_form_keeps_coefficients_and_weights_within_bounds(world, login, fields):
    before = Evaluation.objects.count()
    response = login("enseignant").post(reverse("delibe:evaluation_create", args=[world.s1.pk]),
                                        _evaluation_form(world, **fields))
    assert response.status_code == 200 and Evaluation.objects.count() == before
    page = html.unescape(response.content.decode())
    assert "hors des bornes" in page or "n'est pas un nombre" in page


def test_the_web_evaluation_form_accepts_the_bounds_themselves(world, login):
    response = login("enseignant").post(reverse("delibe:evaluation_create", args=[world.s1.pk]),
                                        _evaluation_form(world, coefficient="1000", note_max="1000",
                                                         **{"poids_UE1.2": "0"}))
    assert response.status_code == 302, html.unescape(response.content.decode()).split("<h1>Nouvelle évaluation</h1>")[1][:1200]
    created = Evaluation.objects.get(titre="Hostile")
    assert (created.coefficient, created.note_max, created.poids.get("UE1.2")) == (1000, 1000, 0)


def test_the_api_and_the_service_share_the_bounds(api, world):
    from delibe.web.services.evaluations import EvaluationError, create_evaluation

    with pytest.raises(EvaluationError, match="hors des bornes"):
        create_evaluation(user=None, run=world.s1, module_code="R1.01", titre="x", coefficient=1e308)
    response = api("scolarite").post(f"/api/v1/semestres/{world.s1.pk}/evaluations",
                                     {"module": "R1.01", "coefficient": values.COEFFICIENT_MAX * 2})
    assert response.status_code == 422


def test_the_distribution_chart_survives_undefined_and_overflowing_averages():
    from delibe.reports import svg

    chart = svg.distribution([float("inf"), float("nan"), 1e308, -5, 12.0], float("inf"))
    assert chart.startswith("<svg") and "nan" not in chart and "inf" not in chart
    assert svg.distribution([12.0], 1e308).startswith("<svg")


def test_a_roll_call_with_a_non_numeric_student_is_a_clear_error(world, login):
    from delibe.web.assiduite.models import AbsenceRecord

    client = login("enseignant")
    url = reverse("assiduite:appel", args=[world.s1.pk])
    response = client.post(url, {"groupe": "A", "module": "R1.01", "date": "2023-10-02", "creneau": "matin",
                                 "absent": ["abc"], "retard": ["1e400"]}, follow=True)
    assert response.status_code == 200 and "Formulaire d'appel illisible" in html.unescape(response.content.decode())
    assert not AbsenceRecord.objects.exists()


@pytest.mark.parametrize("raw", ["abc", "", "1e400", "9" * 40, "-1"])
def test_a_justification_decision_on_a_non_numeric_id_is_a_clear_error(world, login, raw):
    response = login("scolarite").post(reverse("assiduite:justificatifs"), {"justification": raw,
                                                                          "decision": "valider"})
    assert response.status_code == 400 and "Justificatif inconnu" in response.content.decode()


PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
anything = st.one_of(st.text(max_size=30), st.floats(allow_nan=True, allow_infinity=True), st.integers(),
                     st.from_regex(r"[+-]?\d{0,4}([.,]\d{0,4})?([eE][+-]?\d{1,4})?", fullmatch=True))


@PROPERTY
@given(raw=anything)
def test_any_value_is_either_a_grade_on_the_scale_or_a_french_error(raw):
    action, value, special, error = parse_value(raw, 20)
    if error:
        assert value is None and ("note" in error or "décimales" in error)
    elif action == "set" and not special:
        assert 0 <= value <= 20 and value == value.quantize(type(value)("0.01"))
        assert "e" not in str(raw).lower() or isinstance(raw, float)


@PROPERTY
@given(raw=anything)
def test_any_value_typed_as_a_coefficient_is_within_bounds_or_refused_in_french(raw):
    try:
        result = values.coefficient(raw)
    except values.ValueProblem as error:
        assert str(error)
    else:
        assert 0 < result <= values.COEFFICIENT_MAX


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=anything)
def test_any_value_sent_to_the_grid_or_the_api_gets_an_answer_never_a_500(world, login, api, raw):
    if isinstance(raw, float) and math.isnan(raw):
        raw = "nan"  # JSON has no NaN
    body = json.dumps({"student": world.alice.pk, "value": raw, "version": 0}, allow_nan=True)
    grid = login("enseignant").post(f"/evaluations/{world.taught.pk}/note/", data=body,
                                    content_type="application/json")
    assert grid.status_code in (200, 400, 409), grid.content[:300]
    Grade.objects.all().delete()
    answer = api("scolarite").put(f"/api/v1/evaluations/{world.taught.pk}/notes/{world.alice.pk}",
                                  json.dumps({"valeur": raw, "version": 0}, allow_nan=True))
    assert answer.status_code in (200, 400, 409, 422), answer.content[:300]
    Grade.objects.all().delete()
