"""Every error of the API is JSON ``{"detail": "<message en français>"}`` (plus ``erreurs`` for a request
that breaks its schema, or for the rows of a refused batch): 400 unreadable body, 401 no or bad token,
403 forbidden action, 404 unknown object or one the caller may not know of, 409 stale or locked, 422
invalid data. A 500 is a bug: it is answered in JSON too, and logged."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

logger = logging.getLogger("delibe.api")

UNAUTHORIZED = ("Authentification requise : envoyez l'en-tête « Authorization: Bearer <jeton> » avec un jeton "
                "valide et non révoqué (delibe api token create --user IDENTIFIANT), ou connectez-vous au site.")
NOT_FOUND = "Introuvable : cet objet n'existe pas, ou il n'est pas de votre département."
FORBIDDEN = "Action non autorisée pour votre rôle."
TRANSLATED = {
    "Cannot parse request body": "Corps de la requête illisible : envoyez un document JSON valide "
                                 "(Content-Type: application/json).",
    "Not Found": NOT_FOUND,
    "Forbidden": FORBIDDEN,
    "Unauthorized": UNAUTHORIZED,
}

# pydantic's error types, in French; the English message stays as a fallback.
MESSAGES = {
    "missing": "champ obligatoire absent",
    "int_parsing": "nombre entier attendu",
    "int_type": "nombre entier attendu",
    "int_from_float": "nombre entier attendu (sans décimales)",
    "float_parsing": "nombre attendu",
    "float_type": "nombre attendu",
    "string_type": "texte attendu",
    "bool_parsing": "booléen attendu (true ou false)",
    "bool_type": "booléen attendu (true ou false)",
    "list_type": "liste attendue",
    "dict_type": "objet JSON attendu",
    "model_type": "objet JSON attendu",
    "model_attributes_type": "objet JSON attendu",
    "date_parsing": "date attendue au format AAAA-MM-JJ",
    "date_from_datetime_parsing": "date attendue au format AAAA-MM-JJ",
    "date_type": "date attendue au format AAAA-MM-JJ",
    "extra_forbidden": "champ inconnu",
    "literal_error": "valeur non permise",
    "enum": "valeur non permise",
    "json_invalid": "JSON invalide",
    "too_short": "trop court",
    "too_long": "trop long",
    "string_too_long": "texte trop long",
    "string_too_short": "texte trop court",
    "finite_number": "nombre fini attendu",
}


def _where(loc: Any) -> str:
    parts = [str(p) for p in (loc or ()) if p not in ("body", "payload")]
    return ".".join(parts) or "requête"


def _message(error: dict[str, Any]) -> str:
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind == "value_error":
        return str(ctx.get("error") or error.get("msg", "")).removeprefix("Value error, ")
    if kind in ("greater_than_equal", "greater_than"):
        return f"doit être {'≥' if kind.endswith('equal') else '>'} {ctx.get('ge', ctx.get('gt'))}"
    if kind in ("less_than_equal", "less_than"):
        return f"doit être {'≤' if kind.endswith('equal') else '<'} {ctx.get('le', ctx.get('lt'))}"
    if kind in ("literal_error", "enum") and ctx.get("expected"):
        return f"valeur non permise (attendu : {ctx['expected']})"
    return MESSAGES.get(kind, str(error.get("msg", "valeur invalide")))


def validation_errors(errors: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [{"lieu": _where(e.get("loc")), "message": _message(e)} for e in errors]


def install(api: NinjaAPI) -> None:
    def respond(request: HttpRequest, status: int, detail: str, **extra: Any) -> HttpResponse:
        return api.create_response(request, {"detail": detail, **extra}, status=status)

    def on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        erreurs = validation_errors(list(exc.errors))
        first = "; ".join(f"{e['lieu']} : {e['message']}" for e in erreurs[:3])
        more = f" (et {len(erreurs) - 3} autre(s))" if len(erreurs) > 3 else ""
        return respond(request, 422, f"Requête invalide — {first}{more}.", erreurs=erreurs)

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        message = TRANSLATED.get(str(exc), str(exc))
        if isinstance(exc, AuthenticationError):
            message = UNAUTHORIZED
        response = respond(request, exc.status_code, message, **getattr(exc, "extra", {}))
        if exc.status_code == 401:
            response["WWW-Authenticate"] = 'Bearer realm="delibe"'
        return response

    def on_404(request: HttpRequest, exc: Exception) -> HttpResponse:
        text = str(exc)
        return respond(request, 404, text if text and text not in ("Introuvable.", "No  matches the given query.")
                       and not text.startswith("No ") else NOT_FOUND)

    def on_403(request: HttpRequest, exc: Exception) -> HttpResponse:
        return respond(request, 403, str(exc) or FORBIDDEN)

    def on_too_big(request: HttpRequest, exc: Exception) -> HttpResponse:
        # a body between Django's limit and the upload middleware's (which adds room for a form's overhead)
        limit = int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE) // (1024 * 1024)
        return respond(request, 413, f"Requête trop volumineuse : {limit} Mo au plus. Découpez le lot de notes.")

    def on_exception(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("API %s %s", request.method, request.path)
        return respond(request, 500, "Erreur interne de Délibé : signalez-la à l'administrateur avec "
                                     "l'heure de la requête.")

    api.add_exception_handler(ValidationError, on_validation)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(Http404, on_404)
    api.add_exception_handler(PermissionDenied, on_403)
    api.add_exception_handler(RequestDataTooBig, on_too_big)
    api.add_exception_handler(Exception, on_exception)
