"""Login throttling, by django-axes (issue 19; replaces a home-made counter that keyed on the raw
username and could be bypassed by typing it in fullwidth letters).

Failures are counted in the database (axes' ``AccessAttempt``, shared by every application server) and a
login is refused (HTTP 429, French page ``delibe/verrouillage.html``) once ``AXES_FAILURE_LIMIT`` failures
within ``AXES_COOLOFF_TIME`` are reached **for the account** (whatever the address: slow guessing from
many addresses) **or from the address** (whatever the account: one password sprayed over many accounts).
Settings: ``DELIBE_LOGIN_MAX_FAILURES`` (10) and ``DELIBE_LOGIN_WINDOW`` (900 s), see docs/deployment.md.

The account is named by ``normalised_username``: NFKC then case folding, as Django's login form reads it
(« ｒｅｓｐｏｎｓａｂｌｅ » and « Responsable » count as « responsable »). The address is ``client_ip``.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any

from django.conf import settings
from django.shortcuts import render

__all__ = ["client_ip", "lockout_response", "normalised_username"]


def client_ip(request: Any) -> str:
    """The client's address. Behind a proxy every request comes from the proxy: name the header the proxy
    sets (and the client cannot forge through it) in DELIBE_CLIENT_IP_HEADER, e.g. "HTTP_X_REAL_IP" with
    nginx's ``proxy_set_header X-Real-IP $remote_addr``. Never X-Forwarded-For as sent by the client."""
    if request is None:
        return ""
    header = getattr(settings, "DELIBE_CLIENT_IP_HEADER", "")
    if header and request.META.get(header):
        return str(request.META[header]).split(",")[0].strip()
    return str(request.META.get("REMOTE_ADDR", ""))


def normalise(username: str) -> str:
    return unicodedata.normalize("NFKC", username).casefold().strip()[:150]


def normalised_username(request: Any, credentials: dict[str, Any] | None) -> str:
    """axes' AXES_USERNAME_CALLABLE: the username as counted (NFKC, case-folded)."""
    raw = (credentials or {}).get("username")
    if raw is None and request is not None:
        raw = request.POST.get("username", "")
    return normalise(str(raw or ""))


def lockout_response(request: Any, original_response: Any = None, credentials: Any = None) -> Any:
    """axes' AXES_LOCKOUT_CALLABLE: the French page, 429."""
    cooloff = settings.AXES_COOLOFF_TIME
    minutes = max(1, int(cooloff.total_seconds() // 60)) if isinstance(cooloff, dt.timedelta) else 15
    return render(request, "delibe/verrouillage.html", {
        "failure_limit": settings.AXES_FAILURE_LIMIT, "cooloff_minutes": minutes,
    }, status=429)
