"""Bounced mail (web/mail/retours.py, ``delibe courriels retours``): the delivery status notifications of
RFC 3464 that come back to the sender, read from an mbox file or a Maildir folder, mark the mail of that
Message-ID and address « adresse rejetée » with the server's reason and one journal entry; reading again
changes nothing; delays, automatic replies and notifications about other messages are left alone.

The samples are built as the MTAs write them: Postfix (the original's headers as text/rfc822-headers),
Exim (the whole original as message/rfc822), a delay notice, an out-of-office reply."""

from __future__ import annotations

import email.message
import mailbox
from email.mime.text import MIMEText

import pytest
from click.testing import CliRunner

from delibe.cli.courriels import courriels
from delibe.web.audit.models import AuditEntry
from delibe.web.mail import retours
from delibe.web.mail.models import Mail, Mailing, MailStatus

from .test_documents import page_text

ALICE, BRUNO = "alice.alpha@etu.example.fr", "bruno.bravo@etu.example.fr"

POSTFIX = """\
From MAILER-DAEMON  Thu Dec  3 10:00:00 2026
Return-Path: <>
Date: Thu,  3 Dec 2026 10:00:00 +0100 (CET)
From: MAILER-DAEMON@relais.iut.example.org (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: scolarite@iut.example.org
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="AB12.1796302800/relais.iut.example.org"
Message-Id: <20261203090000.AB12@relais.iut.example.org>

This is a MIME-encapsulated message.

--AB12.1796302800/relais.iut.example.org
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host relais.iut.example.org.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

<{rcpt}>: host mx.etu.example.fr[192.0.2.25] said: 550 5.1.1
    <{rcpt}>: Recipient address rejected: User unknown in virtual mailbox
    table (in reply to RCPT TO command)

--AB12.1796302800/relais.iut.example.org
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; relais.iut.example.org
X-Postfix-Queue-ID: AB12
X-Postfix-Sender: rfc822; scolarite@iut.example.org
Arrival-Date: Thu,  3 Dec 2026 09:59:58 +0100 (CET)

Final-Recipient: rfc822; {rcpt_upper}
Original-Recipient: rfc822;{rcpt}
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx.etu.example.fr
Diagnostic-Code: smtp; 550 5.1.1 <{rcpt}>: Recipient address rejected: User
    unknown in virtual mailbox table

--AB12.1796302800/relais.iut.example.org
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers

Return-Path: <scolarite@iut.example.org>
Received: by relais.iut.example.org (Postfix) id AB12; Thu,  3 Dec 2026 09:59:58 +0100 (CET)
Subject: =?utf-8?q?Vos_r=C3=A9sultats_du_semestre_1?=
From: =?utf-8?q?Scolarit=C3=A9_MMI?= <scolarite@iut.example.org>
To: {rcpt}
Message-ID: {message_id}

--AB12.1796302800/relais.iut.example.org--

"""


def postfix_bounce(rcpt: str, message_id: str) -> str:
    return POSTFIX.format(rcpt=rcpt, rcpt_upper=rcpt.upper(), message_id=message_id)


EXIM = """\
Return-path: <>
Received: from Debian-exim by mx.etu.example.fr with local (Exim 4.96) id 1tIa2b-0003xY-0Q
From: Mail Delivery System <Mailer-Daemon@mx.etu.example.fr>
To: scolarite@iut.example.org
Subject: Mail delivery failed: returning message to sender
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary=1796302800-eximdsn-42

--1796302800-eximdsn-42
Content-type: text/plain; charset=us-ascii

This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error. The following address(es) failed:

  {rcpt}

--1796302800-eximdsn-42
Content-type: message/delivery-status

Reporting-MTA: dns; mx.etu.example.fr

Action: {action}
Final-Recipient: rfc822;{rcpt}
Status: {status}
Diagnostic-Code: {diagnostic}

--1796302800-eximdsn-42
Content-type: message/rfc822

Return-path: <scolarite@iut.example.org>
From: scolarite@iut.example.org
To: {rcpt}
Subject: =?utf-8?q?Vos_r=C3=A9sultats_du_semestre_1?=
Message-ID: {message_id}
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Bonjour,

--1796302800-eximdsn-42--
"""


def exim_bounce(rcpt: str, message_id: str, *, action: str = "failed", status: str = "5.2.2",
                diagnostic: str = "smtp; 552 5.2.2 Mailbox full") -> bytes:
    """A notification carrying the whole original message (message/rfc822), as Exim and Sendmail send."""
    return EXIM.format(rcpt=rcpt, message_id=message_id, action=action, status=status,
                       diagnostic=diagnostic).encode("utf-8")


def out_of_office() -> email.message.Message:
    reply = MIMEText("Je suis absente jusqu'au 4 janvier.\n")
    reply["From"], reply["To"] = ALICE, "scolarite@iut.example.org"
    reply["Subject"], reply["Auto-Submitted"] = "Absence : Vos résultats du semestre 1", "auto-replied"
    return reply


@pytest.fixture
def sent(world):
    """Two results mails of S1, sent (each with the Message-ID Délibé gave it)."""
    mailing = Mailing.objects.create(run=world.s1, department=world.department, subject="Vos résultats du semestre 1")
    alice = Mail.objects.create(mailing=mailing, student=world.alice, recipient=ALICE, status=MailStatus.SENT,
                                message_id=f"<delibe-{mailing.pk}-1@iut.example.org>")
    bruno = Mail.objects.create(mailing=mailing, student=world.bruno, recipient=BRUNO, status=MailStatus.SENT,
                                message_id=f"<delibe-{mailing.pk}-2@iut.example.org>")
    return mailing, alice, bruno


def journal():
    return list(AuditEntry.objects.filter(summary__startswith="Avis de non-distribution").order_by("id"))


def test_a_postfix_bounce_in_an_mbox_marks_the_address_rejected_with_the_reason_and_a_journal_entry(sent, tmp_path):
    mailing, alice, bruno = sent
    box = tmp_path / "retours.mbox"
    box.write_text(postfix_bounce(ALICE, alice.message_id), encoding="utf-8")
    summary = retours.read(box)
    assert summary.notifications == 1 and [m.pk for m in summary.bounced] == [alice.pk]
    alice.refresh_from_db()
    bruno.refresh_from_db()
    assert alice.status == MailStatus.BOUNCED and bruno.status == MailStatus.SENT
    assert "5.1.1" in alice.error and "User unknown in virtual mailbox table" in alice.error
    [entry] = journal()
    assert entry.student_id == alice.student_id and entry.semester_id == mailing.run_id
    assert entry.department_id == mailing.run.formation.department_id and entry.channel == "cli"
    assert ALICE in entry.summary and "rejeté (5.1.1" in entry.summary


def test_reading_the_same_mailbox_again_changes_nothing(sent, tmp_path):
    _mailing, alice, _bruno = sent
    box = tmp_path / "retours.mbox"
    box.write_text(postfix_bounce(ALICE, alice.message_id), encoding="utf-8")
    retours.read(box)
    again = retours.read(box)
    assert again.bounced == [] and again.already == 1
    assert len(journal()) == 1


def test_a_maildir_with_an_exim_bounce_a_delay_an_automatic_reply_and_strangers(sent, tmp_path):
    _mailing, alice, bruno = sent
    folder = mailbox.Maildir(tmp_path / "Maildir", create=True)
    folder.add(exim_bounce(BRUNO, bruno.message_id))
    folder.add(exim_bounce(ALICE, alice.message_id, action="delayed", status="4.4.1",
                           diagnostic="smtp; 451 4.4.1 Try again later"))
    folder.add(out_of_office())
    folder.add(exim_bounce("quelquun@ailleurs.example", "<autre-message@ailleurs.example>"))
    folder.add(exim_bounce("intrus@etu.example.fr", alice.message_id))  # right Message-ID, other address
    summary = retours.read(tmp_path / "Maildir")
    assert summary.notifications == 4 and summary.other_messages == 1 and summary.delayed == 1
    assert [m.recipient for m in summary.bounced] == [BRUNO]
    assert sorted(b.recipient for b in summary.unmatched) == ["intrus@etu.example.fr", "quelquun@ailleurs.example"]
    alice.refresh_from_db()
    bruno.refresh_from_db()
    assert alice.status == MailStatus.SENT  # only delayed: the server keeps trying
    assert bruno.status == MailStatus.BOUNCED and "5.2.2 smtp; 552 5.2.2 Mailbox full" in bruno.error


def test_a_mail_never_sent_is_not_marked_by_a_notification_about_its_message_id(sent, tmp_path):
    _mailing, alice, _bruno = sent
    Mail.objects.filter(pk=alice.pk).update(status=MailStatus.FAILED)
    box = tmp_path / "retour.eml"
    box.write_bytes(exim_bounce(ALICE, alice.message_id))
    summary = retours.read(box)
    assert summary.bounced == [] and len(summary.unmatched) == 1
    alice.refresh_from_db()
    assert alice.status == MailStatus.FAILED and journal() == []


def test_the_command_says_what_it_did_in_french_and_the_mailing_page_shows_the_status(sent, tmp_path, login):
    mailing, alice, _bruno = sent
    box = tmp_path / "retours.mbox"
    box.write_text(postfix_bounce(ALICE, alice.message_id) + postfix_bounce("x@ailleurs.example", "<z@y>"),
                   encoding="utf-8")
    result = CliRunner().invoke(courriels, ["retours", str(box)])
    assert result.exit_code == 0, result.output
    assert "2 avis de non-distribution lu(s), 0 autre(s) message(s) ignoré(s)." in result.output
    assert "1 adresse(s) rejetée(s) enregistrée(s), 0 déjà enregistrée(s)" in result.output
    assert f"  - {ALICE} : Vos résultats du semestre 1" in result.output
    assert "1 retour(s) sans courriel de Délibé correspondant" in result.output
    client = login("scolarite")
    text = page_text(client.get(f"/courriels/envois/{mailing.pk}/"))
    assert "adresse rejetée (avis de non-distribution) : <strong>1</strong>" in text


def test_a_path_that_is_not_a_mailbox_is_refused_in_french(db, tmp_path):
    result = CliRunner().invoke(courriels, ["retours", str(tmp_path / "absent.mbox")])
    assert result.exit_code == 2 and "fichier ou dossier introuvable" in result.output
    result = CliRunner().invoke(courriels, ["retours", str(tmp_path)])
    assert result.exit_code == 2 and "n'est pas une boîte Maildir" in result.output


def test_the_workers_read_the_configured_mailbox_every_hour(sent, tmp_path, settings):
    import datetime as dt

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from delibe.web.jobs import schedule
    from delibe.web.jobs.worker import run_pending

    _mailing, alice, _bruno = sent
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    box = tmp_path / "retours.mbox"
    box.write_text(postfix_bounce(ALICE, alice.message_id), encoding="utf-8")
    at = timezone.make_aware(dt.datetime(2024, 2, 5, 14, 10))
    assert not any(n.startswith("retours-courriels") for n in schedule.enqueue_due(at, by="w1"))  # not set
    settings.DELIBE_RETOURS_BOITE = str(box)
    assert "retours-courriels 2024-02-05T14" in schedule.enqueue_due(at, by="w1")
    assert schedule.enqueue_due(at + dt.timedelta(minutes=40), by="w2") == []
    assert "retours-courriels 2024-02-05T15" in schedule.enqueue_due(at + dt.timedelta(hours=1), by="w2")
    run_pending()
    results = DBTaskResult.objects.filter(task_path__endswith="read_bounces").order_by("enqueued_at")
    assert [r.status for r in results] == ["SUCCESSFUL", "SUCCESSFUL"]
    assert [r.return_value for r in results] == [
        "1 avis, 1 adresse(s) rejetée(s) enregistrée(s), 0 déjà, 0 retard(s), 0 sans correspondance",
        "1 avis, 0 adresse(s) rejetée(s) enregistrée(s), 1 déjà, 0 retard(s), 0 sans correspondance"]
    alice.refresh_from_db()
    assert alice.status == MailStatus.BOUNCED and len(journal()) == 1
