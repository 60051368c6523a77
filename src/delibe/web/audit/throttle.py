"""Login throttling: after ``DELIBE_LOGIN_MAX_FAILURES`` failed attempts for one username from one address
within ``DELIBE_LOGIN_WINDOW`` seconds, further attempts are refused until the window passes. Counted in
Django's cache (shared between application servers when the cache is: see docs/deployment.md)."""

from __future__ import annotations

import hashlib
import time
from functools import cache
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache as django_cache
from django.urls import NoReverseMatch, reverse


def max_failures() -> int:
    return int(settings.DELIBE_LOGIN_MAX_FAILURES)


def window() -> int:
    return int(settings.DELIBE_LOGIN_WINDOW)


@cache
def _paths() -> frozenset[str]:
    paths = {reverse("delibe:login")}
    try:
        paths.add(reverse("admin:login"))
    except NoReverseMatch:  # the admin may be absent from a deployment's URLs
        pass
    return frozenset(paths)


def login_paths() -> frozenset[str]:
    return _paths()


def client_ip(request: Any) -> str:
    """The client's address. Behind a proxy every request comes from the proxy: name the header the proxy
    sets (and the client cannot forge through it) in DELIBE_CLIENT_IP_HEADER, e.g. "HTTP_X_REAL_IP" with
    nginx's ``proxy_set_header X-Real-IP $remote_addr``. Never X-Forwarded-For as sent by the client."""
    if request is None:
        return ""
    header = settings.DELIBE_CLIENT_IP_HEADER
    if header and request.META.get(header):
        return str(request.META[header]).split(",")[0].strip()
    return str(request.META.get("REMOTE_ADDR", ""))


def _key(username: str, ip: str) -> str:
    digest = hashlib.sha256(f"{username.strip().lower()}|{ip}".encode()).hexdigest()[:32]
    return f"delibe-login-{digest}"


def failures(username: str, ip: str) -> list[float]:
    now = time.time()
    return [t for t in django_cache.get(_key(username, ip), []) if now - t < window()]


def blocked_for(username: str, ip: str) -> int:
    """Seconds before a new attempt is allowed (0: allowed)."""
    recent = failures(username, ip)
    if len(recent) < max_failures():
        return 0
    return max(1, int(window() - (time.time() - recent[-max_failures()])))


def _failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    username = str(credentials.get("username", ""))
    recent = failures(username, client_ip(request))
    recent.append(time.time())
    django_cache.set(_key(username, client_ip(request)), recent[-50:], window())


def _succeeded(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    django_cache.delete(_key(user.get_username(), client_ip(request)))


def connect() -> None:
    user_login_failed.connect(_failed, dispatch_uid="delibe-login-failed")
    user_logged_in.connect(_succeeded, dispatch_uid="delibe-login-ok")
