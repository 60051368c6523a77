"""The OpenAPI document describes every operation, is a valid OpenAPI 3.1 document, and its docs page
works offline (ninja's own static files, no CDN)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_the_openapi_document_is_valid_and_lists_every_resource(client):
    import jsonschema

    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    paths = set(document["paths"])
    for path in ("/api/v1/formations", "/api/v1/semestres/{id}", "/api/v1/semestres/{id}/etudiants",
                 "/api/v1/etudiants", "/api/v1/etudiants/{id}", "/api/v1/semestres/{id}/inscriptions",
                 "/api/v1/semestres/{id}/evaluations", "/api/v1/evaluations/{id}/notes",
                 "/api/v1/evaluations/{id}/notes/{etudiant}", "/api/v1/semestres/{id}/jury",
                 "/api/v1/semestres/{id}/jury/decisions", "/api/v1/etudiants/{id}/bulletins/{semestre_id}"):
        assert path in paths, path
    ids = [op["operationId"] for ops in document["paths"].values() for op in ops.values()]
    assert len(ids) == len(set(ids)) and "ecrire_note" in ids
    schemes = document["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} >= {"http", "apiKey"}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"401", "403", "404", "422"} <= codes, (method, path)
    # Each schema of the components is itself a valid JSON Schema (2020-12, as OpenAPI 3.1 says).
    for schema in document["components"]["schemas"].values():
        jsonschema.Draft202012Validator.check_schema(schema)


def test_the_openapi_document_passes_schemathesis_loading(client):
    import schemathesis

    schema = schemathesis.openapi.from_dict(client.get("/api/openapi.json").json())
    assert len(list(schema.get_all_operations())) >= 15


def test_the_docs_page_uses_local_static_files_only(world, client):
    from tests.api.conftest import PASSWORD

    assert client.login(username="scolarite", password=PASSWORD)
    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html and "/static/ninja/swagger-ui.css" in html
    assert "cdn." not in html and "https://" not in html
    assert 'data-api-csrf="true"' in html  # « Try it out » sends the session's CSRF token
    from django.contrib.staticfiles import finders

    assert finders.find("ninja/swagger-ui-bundle.js") and finders.find("ninja/swagger-ui-init.js")


def test_an_unknown_path_or_method_gets_a_french_json_error(client):
    missing = client.get("/api/v1/inconnu")
    assert missing.status_code == 404 and "Ressource inconnue" in missing.json()["detail"]
    assert client.get("/api/v1/formations/").status_code == 404
    wrong = client.delete("/api/v1/formations")
    assert wrong.status_code == 405 and wrong["Allow"] == "GET" and "DELETE" in wrong.json()["detail"]


def test_the_bulletin_answer_is_documented_with_the_bulletin_json_schema(client):
    import jsonschema

    from delibe.reports import bulletin

    document = client.get("/api/openapi.json").json()
    operation = document["paths"]["/api/v1/etudiants/{id}/bulletins/{semestre_id}"]["get"]
    ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    embedded = document["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    assert embedded["required"] == bulletin.schema()["required"]
    # every reference of the embedded schema resolves inside the document
    text = str(document["components"]["schemas"])
    assert "#/$defs/" not in text
    jsonschema.Draft202012Validator.check_schema(embedded)
