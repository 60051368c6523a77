"""The authentication backend that refuses a locked-out login (django-axes), first in
AUTHENTICATION_BACKENDS. A sign-in without an HTTP request (the command line, Django's test client) has no
address to count and is not a network attack: it is let through to the next backend."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend


class LoginAttemptsBackend(AxesStandaloneBackend):
    def authenticate(self, request: Any, username: str | None = None, password: str | None = None,
                     **kwargs: Any) -> Any:
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
