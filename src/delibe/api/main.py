"""The NinjaAPI object: authentication, error handlers, the v1 routers, the docs page."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI, Swagger
from ninja.openapi.schema import OpenAPISchema
from ninja.parser import Parser as JSONParser
from ninja.renderers import JSONRenderer

from delibe.api import errors
from delibe.api.auth import AUTH
from delibe.api.endpoints import annees, comptes, departements, etudiants, jury, notes, semestres
from delibe.api.openapi import with_bulletin_schema


class Renderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}  # noqa: RUF012 (read by ninja)


class Parser(JSONParser):
    """ninja's JSON reading, with lone surrogates (« \\ud800 ») and NUL characters (« \\u0000 ») refused:
    Python's JSON accepts them, but no file can encode the first and PostgreSQL stores neither. Any
    exception here is ninja's 400 « corps illisible »."""

    def parse_body(self, request: HttpRequest) -> Any:
        data = json.loads(request.body)
        json.dumps(data, ensure_ascii=False).encode("utf-8")  # UnicodeEncodeError on a lone surrogate
        if _has_nul(data):
            raise ValueError("caractère nul")
        return data


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


class DelibeAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> OpenAPISchema:
        document: OpenAPISchema = with_bulletin_schema(super().get_openapi_schema(**kwargs))
        return document

    def get_openapi_operation_id(self, operation: Any) -> str:
        """The view's name (``ecrire_note``, ``decider``…): short ids for generated clients (unique: tested)."""
        return str(operation.view_func.__name__)


api = DelibeAPI(
    renderer=Renderer(),
    parser=Parser(),
    title="API de Délibé",
    version="1",
    description=(
        "Programmes, notes et jurys du BUT. Authentification : `Authorization: Bearer <jeton>` "
        "(`delibe api token create --user IDENTIFIANT`), ou la session du site (écriture avec l'en-tête "
        "X-CSRFToken). Mêmes droits que le site ; chaque erreur est un JSON `{\"detail\": \"…\"}`. "
        "Chaque ressource est décrite, avec ses exemples, sur /api/docs."
    ),
    auth=AUTH,
    urls_namespace="api",
    docs=Swagger(settings={"persistAuthorization": False}),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
errors.install(api)
for module in (semestres, notes, jury, etudiants, annees, departements, comptes):
    api.add_router("/v1", module.router)
