"""Request middlewares of the audit app.

``AuditContextMiddleware``: every change made while serving a request is recorded with the channel
``web`` (``api`` under /api/) and a grade-entry session: one per login session and day, so that « what I
typed in the grid this morning » can be undone as a whole.

``SafeDefaultsMiddleware``: a Permissions-Policy on every response, and ``Cache-Control: no-store`` on every
response to a signed-in user and every API response (pages, exports and documents carry personal data:
neither the browser nor a proxy may keep them).

``UploadLimitMiddleware``: a request body larger than the upload limit is refused before any view reads
it, with a French message (413), instead of filling memory or a temporary file.

``NulCharacterMiddleware``: a form field or an address parameter holding a NUL character is refused (400,
naming the field) before any view reads it: PostgreSQL cannot store one in a text, and no person types it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from delibe.web.audit import context


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        channel = "api" if request.path.startswith("/api/") else "web"
        session = ""
        key = getattr(getattr(request, "session", None), "session_key", None)
        user = getattr(request, "user", None)
        if key:
            digest = hashlib.sha256(key.encode()).hexdigest()[:8]
            session = f"{channel}-{getattr(user, 'pk', '') or ''}-{timezone.localdate():%Y%m%d}-{digest}"
        with context.using(channel, session):
            return self.get_response(request)


# The photos import takes a zip of photos, bounded by its own setting (services/photos.py checks the rest).
PHOTOS_IMPORT = re.compile(r"^/departements/\d+/photos/$")


def upload_limit(path: str = "") -> int:
    if PHOTOS_IMPORT.match(path):
        return int(settings.DELIBE_MAX_PHOTOS_BYTES) + int(settings.DELIBE_MAX_UPLOAD_BYTES) + 64 * 1024  # + the sheet
    return int(settings.DELIBE_MAX_UPLOAD_BYTES) + 64 * 1024  # form overhead


class UploadLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > upload_limit(request.path):
            limit = upload_limit(request.path) // (1024 * 1024)
            if request.path.startswith("/api/"):  # the API answers JSON, errors included (docs/api.md)
                return JsonResponse({"detail": f"Requête trop volumineuse : {length // 1024} Ko envoyés, "
                                               f"{limit} Mo au plus. Découpez le lot de notes."}, status=413)
            return HttpResponse(
                f"Fichier trop volumineux : {length // 1024} Ko envoyés, {limit} Mo au plus. Une feuille de "
                "notes téléchargée depuis Délibé fait quelques dizaines de Ko : renvoyez-la sans images ni "
                "onglets ajoutés.",
                status=413, content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


class NulCharacterMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):  # JSON bodies: the API's parser refuses them (api/main.py)
            fields = [request.GET]
        elif request.method == "POST" and request.content_type in (
                "application/x-www-form-urlencoded", "multipart/form-data"):
            fields = [request.GET, request.POST]
        else:
            fields = [request.GET]
        for query in fields:
            for name, values in query.lists():
                if "\x00" in name or any("\x00" in value for value in values):
                    shown = name.replace("\x00", "")[:40] or "?"
                    message = (f"Le champ « {shown} » contient un caractère nul (\\0), qu'aucune saisie ne "
                               "produit : rien n'a été enregistré. Retapez la valeur.")
                    if request.path.startswith("/api/"):
                        return JsonResponse({"detail": message}, status=400)
                    return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class SafeDefaultsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", getattr(settings, "PERMISSIONS_POLICY", ""))
        user = getattr(request, "user", None)
        if request.path.startswith("/api/") or (user is not None and user.is_authenticated):
            add_never_cache_headers(response)  # no-store, no-cache, must-revalidate, private, max-age=0
        return response
