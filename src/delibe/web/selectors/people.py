"""What the journal says about one account: its creation, (de)activation, invitations, roles given and
removed (issue 13, item 2)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from delibe.web.audit.models import AuditEntry, ObjectType


def account_history(user: Any, limit: int = 100) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(
        Q(object_type=ObjectType.ACCOUNT, object_id=str(user.pk))
        | Q(object_type=ObjectType.MEMBERSHIP, new__compte=user.username)
        | Q(object_type=ObjectType.MEMBERSHIP, old__compte=user.username)
    ).order_by("-at", "-id")[:limit])
