"""A schemathesis fuzz of the whole API from its own OpenAPI document, through the Django WSGI app, with a
scolarité token on a small graded department: no answer is a 500, every answer has a documented status,
the declared content type and the declared schema.

The ids the generator draws are mostly replaced by ids of real objects (semesters, evaluations, students),
so that the cases reach the code behind the 404s; the rest stay random (unknown ids must give 404/422)."""

from __future__ import annotations

import math
from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import grade_whole_year

MAX_EXAMPLES = 12
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

KNOWN = {
    "module": ["R1.01", "R1.02", "SAÉ1.01"],
    "objet": ["BUT1", "UE1.1", "UE2.3", "Comprendre"],
    "code": ["ADM", "AJ", "ADJ", "RED", "CMP", "PASD"],
}

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())


@pytest.fixture
def wsgi_in_test_transaction():
    """Django's WSGI handler closes the database connection at the end of each request, which would close
    the test's transaction: as Django's own test client does, those signal handlers are off meanwhile."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_target(db, world, wsgi_in_test_transaction):
    """The world graded (so the jury and the bulletins have averages and proposals) and a scolarité token."""
    from delibe.api.tokens import create_token

    grade_whole_year(world, alice_average=12, bruno_average=8)
    _, token = create_token(username="scolarite", name="fuzz")
    from delibe.web.models import Evaluation

    ids = {
        "semestres": [world.s1.pk, world.s2.pk, world.other_run.pk],
        "evaluations": list(Evaluation.objects.values_list("pk", flat=True)[:5]),
        "etudiants": [world.alice.pk, world.bruno.pk, world.other_student.pk],
        "formations": [world.version.pk],
    }
    return token, ids


def _real(value: Any, choices: list[int]) -> Any:
    """Three draws in four become a real id (chosen by the drawn value, so the case stays reproducible);
    path parameters come as text."""
    if isinstance(value, str) and value.isdigit() and choices and int(value) % 4:
        return str(choices[int(value) % len(choices)])
    if isinstance(value, int) and not isinstance(value, bool) and choices and value % 4:
        return choices[value % len(choices)]
    return value


def _aim(case: Any, ids: dict[str, list[int]]) -> None:
    path = case.operation.path  # e.g. /api/v1/evaluations/{id}/notes/{etudiant}
    params = case.path_parameters or {}
    resource = path.split("/")[3]
    if "id" in params:
        params["id"] = _real(params["id"], ids.get(resource, []))
    for name in ("etudiant", "semestre_id"):
        if name in params:
            params[name] = _real(params[name], ids["etudiants" if name == "etudiant" else "semestres"])
    body = case.body
    rows = [body] if isinstance(body, dict) else []
    if isinstance(body, dict) and isinstance(body.get("notes"), list):
        rows += [row for row in body["notes"] if isinstance(row, dict)]
    for row in rows:
        if "etudiant" in row:
            row["etudiant"] = _real(row["etudiant"], ids["etudiants"])
        if _number(row.get("version")):  # a version that may be the current one, so that writes succeed too
            row["version"] = row["version"] % 3
        if _number(row.get("valeur")):  # a grade on the scale, two decimals at most
            row["valeur"] = round(abs(row["valeur"]) % 20, 2)
        for name, known in KNOWN.items():  # real module codes, decision objects and codes, often
            if isinstance(row.get(name), str) and len(row[name]) % 4:
                row[name] = known[len(row[name]) % len(known)]


def _number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and math.isfinite(value))


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_api_never_fails_and_answers_as_documented(case, fuzz_target):
    token, ids = fuzz_target
    _aim(case, ids)
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
