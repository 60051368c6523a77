"""``/api/``: ninja's routes, with the two answers ninja leaves to Django made JSON too: an unknown path
(404) and a method the path does not accept (405)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import re_path

from delibe.api.main import api

app_name = "api"


def _json(status: int, detail: str, **headers: str) -> JsonResponse:
    response = JsonResponse({"detail": detail}, status=status, json_dumps_params={"ensure_ascii": False})
    for name, value in headers.items():
        response[name] = value
    return response


def _methods_in_json(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @functools.wraps(view)  # keeps csrf_exempt: ninja checks CSRF in its session authentication
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith("application/json"):
            allowed = response.get("Allow", "")
            return _json(405, f"Méthode {request.method} non acceptée sur {request.path} : utilisez {allowed}.",
                         Allow=allowed)
        return response

    return wrapper


def unknown(request: HttpRequest, rest: str = "") -> JsonResponse:
    return _json(404, f"Ressource inconnue : {request.path}. Les adresses de l'API sont listées sur /api/docs "
                      "(sans barre oblique finale).")


patterns = list(api.urls[0])
for pattern in patterns:
    if getattr(pattern, "name", "") not in ("api-root", "openapi-json", "openapi-view"):
        pattern.callback = _methods_in_json(pattern.callback)

urlpatterns = [*patterns, re_path(r"^(?P<rest>.*)$", unknown)]

