from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from delibe.web.permissions import roles_of

MAILBOX_BACKEND = "delibe.web.mail.backends.MailboxBackend"


def roles(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"delibe_roles": set()}
    # the demo keeps e-mails in a mailbox page instead of sending them (settings.dev)
    return {"delibe_roles": roles_of(user).all_roles, "delibe_mailbox": settings.EMAIL_BACKEND == MAILBOX_BACKEND}
