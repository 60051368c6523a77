"""The CAS authentication backend: validates the ticket with the university's CAS server (django-cas-ng,
python-cas), then finds the account whose ``cas_id`` is the login the server returned. Never creates an
account: an unknown login is refused and the reason is left on the request for the refusal page."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django_cas_ng.backends import CASBackend
from django_cas_ng.utils import get_cas_client

REFUSAL = "delibe_cas_refusal"  # request attribute: ("ticket", "") or ("unknown"/"inactive", login)


class UniversityCASBackend(CASBackend):
    def authenticate(self, request: Any, ticket: str, service: str) -> Any:  # type: ignore[override]  # (CAS credentials only: password logins never reach it)
        client = get_cas_client(service_url=service, request=request)
        try:
            login, _attributes, _pgtiou = client.verify_ticket(ticket)
        except Exception:  # noqa: BLE001 — unreachable server or malformed answer: a refused ticket
            login = None
        if not login:
            setattr(request, REFUSAL, ("ticket", ""))
            return None
        cas_id = str(login).strip().lower()
        user = get_user_model()._default_manager.filter(cas_account__cas_id=cas_id).first()
        if user is None:
            setattr(request, REFUSAL, ("unknown", cas_id))
            return None
        if not self.user_can_authenticate(user):
            setattr(request, REFUSAL, ("inactive", cas_id))
            return None
        return user
