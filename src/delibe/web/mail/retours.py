"""Bounced mail: the delivery status notifications (RFC 3464) that come back to the sender's mailbox,
read from an mbox file, a Maildir folder or one message file (``delibe courriels retours``).

A notification is a ``multipart/report; report-type=delivery-status`` message: its
``message/delivery-status`` part has one block of fields per recipient (``Final-Recipient``, ``Action``,
``Status``, ``Diagnostic-Code``), and its ``message/rfc822`` or ``text/rfc822-headers`` part carries the
headers of the message that could not be delivered, with the ``Message-ID`` Délibé gave it
(``mail.services.send_one``). A recipient whose action is ``failed`` is matched to the mail of that
Message-ID and that address only; that mail becomes « adresse rejetée » with the server's status and
reason, and one journal entry, in one transaction. Reading the same mailbox again changes nothing. Delayed
notifications (``Action: delayed``), messages that are not notifications (an automatic reply) and
notifications about messages Délibé did not send are counted and left alone.
"""

from __future__ import annotations

import email
import email.message
import email.parser
import email.policy
import mailbox
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from delibe.web.audit import services as audit
from delibe.web.mail.models import Mail, MailStatus

BOUNCEABLE = (MailStatus.SENT, MailStatus.UNCERTAIN)  # a mail the server took (or may have taken)


class RetoursError(Exception):
    """The mailbox cannot be read; the message (French) says why."""


@dataclass(frozen=True)
class Bounce:
    """One recipient of one notification."""

    message_id: str  # of the message that bounced, « <…> », or "" when the notification does not say
    recipient: str
    action: str  # failed, delayed, delivered, relayed, expanded
    status: str  # « 5.1.1 »
    diagnostic: str


@dataclass
class Summary:
    notifications: int = 0  # messages read that are delivery status notifications
    other_messages: int = 0  # messages that are not (automatic replies…)
    bounced: list[Mail] = field(default_factory=list)  # marked « adresse rejetée » by this reading
    already: int = 0  # recipients already marked by an earlier reading
    delayed: int = 0  # temporary failures: the server keeps trying
    unmatched: list[Bounce] = field(default_factory=list)  # no mail of Délibé with that Message-ID and address


def messages(path: Path) -> Iterator[email.message.Message]:
    """The messages of an mbox file, a Maildir folder, or one message file."""
    if path.is_dir():
        if not (path / "cur").is_dir() and not (path / "new").is_dir():
            raise RetoursError(f"{path} : ce dossier n'est pas une boîte Maildir (ni « cur » ni « new »).")
        yield from mailbox.Maildir(path, factory=None, create=False)
        return
    if not path.is_file():
        raise RetoursError(f"{path} : fichier ou dossier introuvable.")
    with path.open("rb") as handle:
        start = handle.read(5)
    if start == b"From ":
        yield from mailbox.mbox(path, factory=None, create=False)
    else:
        yield email.message_from_bytes(path.read_bytes())


def _text(value: Any) -> str:
    return " ".join(str(value or "").split())


def _address(field_value: Any) -> str:
    """« rfc822; Jean@Example.org » → « jean@example.org »."""
    text = _text(field_value)
    kind, _, address = text.partition(";")
    return (address if address else kind).strip().strip("<>").lower()


def notification_bounces(message: email.message.Message) -> list[Bounce] | None:
    """The recipients of a delivery status notification, or None when ``message`` is not one."""
    if message.get_content_type() != "multipart/report" or (
            str(message.get_param("report-type") or "").lower() != "delivery-status"):
        return None
    status_part: email.message.Message | None = None
    original_id = ""
    for part in message.walk():
        kind = part.get_content_type()
        if kind in ("message/delivery-status", "message/global-delivery-status") and status_part is None:
            status_part = part
        elif kind == "message/rfc822" and not original_id:
            inner = part.get_payload()
            first = inner[0] if isinstance(inner, list) and inner else None
            original_id = _text(first.get("Message-ID")) if first is not None else ""
        elif kind == "text/rfc822-headers" and not original_id:
            payload = part.get_payload(decode=True) or b""
            headers = email.parser.BytesHeaderParser().parsebytes(payload)
            original_id = _text(headers.get("Message-ID"))
    if status_part is None:
        return []
    blocks = status_part.get_payload()
    if not isinstance(blocks, list):  # an unparsed body: parse the blocks of fields ourselves
        text = str(blocks).replace("\r\n", "\n")
        blocks = [email.parser.HeaderParser().parsestr(chunk.strip() + "\n") for chunk in text.split("\n\n")
                  if chunk.strip()]
    out = []
    for block in blocks[1:]:  # the first block is about the whole message
        recipient = _address(block.get("Final-Recipient") or block.get("Original-Recipient"))
        if not recipient:
            continue
        out.append(Bounce(message_id=original_id, recipient=recipient, action=_text(block.get("Action")).lower(),
                          status=_text(block.get("Status")), diagnostic=_text(block.get("Diagnostic-Code"))[:400]))
    return out


def read(path: Path, *, user: Any = None) -> Summary:
    """Reads every notification of the mailbox at ``path`` and records the addresses rejected."""
    summary = Summary()
    for message in messages(path):
        found = notification_bounces(message)
        if found is None:
            summary.other_messages += 1
            continue
        summary.notifications += 1
        for bounce in found:
            if bounce.action != "failed":
                summary.delayed += bounce.action == "delayed"
                continue
            _record(bounce, summary, user)
    return summary


def _record(bounce: Bounce, summary: Summary, user: Any) -> None:
    from delibe.web.mail.services import journal_scope

    mail = (Mail.objects.select_related("mailing__run__formation").filter(message_id=bounce.message_id)
            .filter(recipient__iexact=bounce.recipient).first() if bounce.message_id else None)
    if mail is None:
        summary.unmatched.append(bounce)
        return
    if mail.status == MailStatus.BOUNCED:
        summary.already += 1
        return
    reason = " ".join(x for x in (bounce.status, bounce.diagnostic) if x) or "sans motif donné"
    with transaction.atomic():
        if not Mail.objects.filter(pk=mail.pk, status__in=BOUNCEABLE).update(
                status=MailStatus.BOUNCED,
                error=f"Adresse rejetée par le serveur du destinataire (avis de non-distribution lu le "
                      f"{timezone.localtime():%d/%m/%Y}) : {reason}"[:2000]):
            summary.unmatched.append(bounce)  # a mail never sent cannot bounce: left alone
            return
        student_id = mail.student_id or mail.payload.get("student")
        audit.record(user=user, action="update", object_type="student" if student_id else "department",
                     object_id=student_id or mail.mailing.department_id, student_id=student_id, channel="cli",
                     **journal_scope(mail.mailing),
                     summary=f"Avis de non-distribution : le courriel à {mail.recipient} "
                             f"(« {mail.mailing.subject} ») a été rejeté ({reason})")
    mail.status = MailStatus.BOUNCED
    summary.bounced.append(mail)
