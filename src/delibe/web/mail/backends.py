"""The demo's e-mail backend: messages are kept in the database (page « Boîte mail »), none leaves the
machine. Production uses Django's SMTP backend (docs/deployment.md)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage


class MailboxBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        from delibe.web.mail.models import MailboxMessage

        for message in email_messages:
            attachments: list[dict[str, Any]] = []
            for attachment in message.attachments:
                name, content, mimetype = attachment  # (filename, content, mimetype) as attach() stores them
                attachments.append({"name": name, "size": len(content), "type": mimetype})
            MailboxMessage.objects.create(
                sender=message.from_email, recipients=list(message.recipients()), subject=message.subject,
                body=message.body, attachments=attachments, message_id=message.extra_headers.get("Message-ID", ""))
        return len(email_messages)
