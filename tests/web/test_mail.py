"""E-mail of the results (web/mail): preview, test send to oneself, one mail per student with the bulletin
(and the decision letter) attached, a status per recipient, a journal entry, never twice — against a real
SMTP server on the loopback (aiosmtpd) whose received messages the tests read."""

from __future__ import annotations

import pytest
from django.core import mail as django_mail

from delibe.web.audit.models import AuditEntry
from delibe.web.jobs.tasks import send_mail
from delibe.web.jobs.worker import run_pending
from delibe.web.mail import services
from delibe.web.mail.models import Mail, MailboxMessage, MailStatus
from delibe.web.services import jury as jury_service

from .conftest import REFUSED, close_jury
from .test_documents import page_text


@pytest.fixture
def closed(graded, documents_dir):
    """S2 (the year jury) recorded and closed; Alice and Bruno have addresses."""
    jury_service.record_proposals(user=graded.users["president"], run=graded.s2)
    close_jury(graded, graded.s2)
    graded.alice.email, graded.bruno.email = "alice@etu.example.org", "bruno@etu.example.org"
    graded.alice.save()
    graded.bruno.save()
    graded.users["scolarite"].email = "sophie@iut.example.org"
    graded.users["scolarite"].save()
    return graded


def attachments(message) -> list[str]:
    return sorted(part.get_filename() for part in message.iter_attachments())


def test_the_preview_shows_the_subject_the_text_the_attachments_and_who_has_no_address(closed, login, smtp):
    closed.bruno.email = ""
    closed.bruno.save()
    page = page_text(login("scolarite").get(url_mail("semestre", closed.s2.pk)))
    assert services.subject_of(closed.s2) in page
    assert "Bonjour Test ALPHA" in page and "lettre de décision" in page
    assert "bulletin-1001-ALPHA-Test-S2-2023-2024.pdf" in page
    assert "Sans adresse électronique" in page and "BRAVO Test" in page
    assert "M'envoyer un essai" in page and "Envoyer à 1 étudiant" in page
    assert smtp.messages == []  # a preview sends nothing


def url_mail(name, *args):
    from django.urls import reverse

    return reverse(f"mail:{name}", args=args)


def test_nothing_is_sent_before_the_jury_is_closed(graded, login, smtp, documents_dir):
    graded.alice.email = "alice@etu.example.org"
    graded.alice.save()
    client = login("scolarite")
    assert "pas encore clos" in page_text(client.get(url_mail("semestre", graded.s2.pk)))
    response = client.post(url_mail("envoyer", graded.s2.pk), follow=True)
    assert "pas encore clos" in page_text(response)
    assert Mail.objects.count() == 0 and smtp.messages == []


def test_a_test_send_reaches_only_the_staff_member_with_the_first_students_documents(closed, login, smtp):
    response = login("scolarite").post(url_mail("essai", closed.s2.pk), follow=True)
    assert "Essai envoyé à sophie@iut.example.org" in page_text(response)
    [message] = smtp.to("sophie@iut.example.org")
    assert len(smtp.messages) == 1
    assert str(message["Subject"]).strip().startswith("[ESSAI] Vos résultats du semestre 2")
    assert message["Reply-To"] == "scolarite-mmi@iut.example.org"
    assert attachments(message) == ["bulletin-1001-ALPHA-Test-S2-2023-2024.pdf",
                                    "lettre-decision-1001-ALPHA-Test-S2-2023-2024.pdf"]
    assert Mail.objects.count() == 0  # nothing recorded as sent to the students
    assert AuditEntry.objects.filter(summary__startswith="Essai d'envoi").count() == 1


def test_a_test_send_without_an_address_on_ones_account_says_so(closed, login, smtp):
    closed.users["scolarite"].email = ""
    closed.users["scolarite"].save()
    response = login("scolarite").post(url_mail("essai", closed.s2.pk), follow=True)
    assert "Votre compte n'a pas d'adresse électronique" in page_text(response)
    assert smtp.messages == []


def test_each_student_receives_their_bulletin_and_letter_once_with_a_status_and_a_journal_entry(
        closed, login, smtp):
    client = login("scolarite")
    response = client.post(url_mail("envoyer", closed.s2.pk))
    assert response.status_code == 302
    assert smtp.messages == []  # queued: the worker sends
    assert run_pending() == 2
    [to_alice] = smtp.to("alice@etu.example.org")
    [to_bruno] = smtp.to("bruno@etu.example.org")
    assert attachments(to_bruno) == ["bulletin-1002-BRAVO-Test-S2-2023-2024.pdf",
                                     "lettre-decision-1002-BRAVO-Test-S2-2023-2024.pdf"]
    pdf = next(p for p in to_alice.iter_attachments() if "bulletin" in p.get_filename())
    assert pdf.get_content().startswith(b"%PDF")
    assert "Bonjour Test ALPHA" in to_alice.get_body(("plain",)).get_content()
    assert to_alice["Message-ID"].startswith("<delibe-")
    assert set(Mail.objects.values_list("status", flat=True)) == {MailStatus.SENT}
    assert AuditEntry.objects.filter(summary__startswith="Courriel envoyé à").count() == 2
    assert AuditEntry.objects.filter(summary__startswith="Envoi des résultats S2").count() == 1
    page = page_text(client.get(response["Location"]))
    assert "envoyé : <strong>2</strong>" in page and "alice@etu.example.org" in page


def test_a_mail_task_run_again_sends_nothing_and_a_new_mailing_skips_those_already_served(closed, login, smtp):
    client = login("scolarite")
    client.post(url_mail("envoyer", closed.s2.pk))
    run_pending()
    for mail in Mail.objects.all():
        send_mail.enqueue(mail.pk)  # a retry of every task (worker died after sending)
    assert run_pending() == 2
    assert len(smtp.messages) == 2
    response = client.post(url_mail("envoyer", closed.s2.pk), follow=True)
    assert "ont déjà reçu leurs résultats" in page_text(response)
    assert len(smtp.messages) == 2


def test_a_mail_interrupted_during_the_smtp_exchange_is_marked_to_check_and_never_resent(closed, login, smtp):
    login("scolarite").post(url_mail("envoyer", closed.s2.pk))
    alice = Mail.objects.get(recipient="alice@etu.example.org")
    Mail.objects.filter(pk=alice.pk).update(status=MailStatus.SENDING)  # its worker died mid-exchange
    run_pending()
    alice.refresh_from_db()
    assert alice.status == MailStatus.UNCERTAIN and "pas renvoyé" in alice.error
    assert smtp.to("alice@etu.example.org") == [] and len(smtp.to("bruno@etu.example.org")) == 1


def test_a_refused_address_and_a_missing_one_get_their_own_status(closed, login, smtp):
    closed.alice.email = REFUSED
    closed.alice.save()
    closed.bruno.email = ""
    closed.bruno.save()
    login("scolarite").post(url_mail("envoyer", closed.s2.pk))
    run_pending()
    statuses = dict(Mail.objects.values_list("student__nom", "status"))
    assert statuses == {"Alpha": MailStatus.REFUSED, "Bravo": MailStatus.NO_ADDRESS}
    assert "550" in Mail.objects.get(student__nom="Alpha").error
    assert smtp.messages == []


def test_an_unreachable_server_marks_the_mails_failed_and_they_can_be_sent_again_once(closed, login, smtp,
                                                                                      settings):
    port = settings.EMAIL_PORT
    settings.EMAIL_PORT = 1  # nothing listens there
    client = login("scolarite")
    response = client.post(url_mail("envoyer", closed.s2.pk))
    run_pending()
    assert set(Mail.objects.values_list("status", flat=True)) == {MailStatus.FAILED}
    assert "Réessayer les 2 courriels en échec" in page_text(client.get(response["Location"]))
    settings.EMAIL_PORT = port
    client.post(url_mail("relancer", Mail.objects.first().mailing_id))
    run_pending()
    assert set(Mail.objects.values_list("status", flat=True)) == {MailStatus.SENT}
    assert len(smtp.messages) == 2


@pytest.mark.parametrize("username, status", [("enseignant", 403), ("etudiant", 404), ("autre", 404)])
def test_only_those_who_produce_the_semesters_documents_may_preview_or_send(closed, login, smtp, username,
                                                                            status):
    client = login(username)
    assert client.get(url_mail("semestre", closed.s2.pk)).status_code == status
    assert client.post(url_mail("essai", closed.s2.pk)).status_code == status
    assert client.post(url_mail("envoyer", closed.s2.pk)).status_code == status
    assert Mail.objects.count() == 0 and smtp.messages == []


@pytest.mark.parametrize("username, status", [("enseignant", 403), ("etudiant", 404), ("autre", 404)])
def test_only_those_who_produce_the_semesters_documents_may_follow_or_retry_a_mailing(closed, login, smtp,
                                                                                     username, status):
    mailing = services.start_mailing(user=closed.users["scolarite"], run=closed.s2)
    login(username)
    from django.test import Client

    client = Client()
    client.force_login(closed.users[username])
    assert client.get(url_mail("envoi", mailing.pk)).status_code == status
    assert client.post(url_mail("relancer", mailing.pk)).status_code == status


def test_the_demo_mailbox_keeps_the_messages_and_shows_a_student_only_theirs(closed, login, settings):
    settings.EMAIL_BACKEND = "delibe.web.mail.backends.MailboxBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    services.start_mailing(user=closed.users["scolarite"], run=closed.s2)
    assert MailboxMessage.objects.count() == 2 and django_mail.outbox == []
    closed.users["etudiant"].email = "alice@etu.example.org"
    closed.users["etudiant"].save()
    page = page_text(login("etudiant").get(url_mail("boite")))
    assert "alice@etu.example.org" in page and "bruno@etu.example.org" not in page
    assert "Boîte mail (démo)" in page  # the demo's menu leads there
    assert "bulletin-1001-ALPHA-Test-S2-2023-2024.pdf" in page


def test_the_mailbox_page_does_not_exist_when_mails_really_leave(closed, login, smtp):
    assert login("scolarite").get(url_mail("boite")).status_code == 404


def test_a_student_whose_documents_cannot_be_made_gets_a_failed_status_not_an_endless_wait(closed, login, smtp):
    from delibe.web.models import Enrolment

    login("scolarite").post(url_mail("envoyer", closed.s2.pk))
    Enrolment.objects.filter(student=closed.bruno, semester=closed.s2).delete()  # no bulletin any more
    run_pending()
    bruno = Mail.objects.get(recipient="bruno@etu.example.org")
    assert bruno.status == MailStatus.FAILED and "Documents impossibles à produire" in bruno.error
    assert len(smtp.messages) == 1
