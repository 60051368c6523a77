from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from delibe.web.permissions import roles_of


def roles(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"delibe_roles": set()}
    return {"delibe_roles": roles_of(user).all_roles}
