"""The apprentices' monthly attendance reports by e-mail (web/mail/rapports.py): each tutor and each CFA
receives their apprentices' report with a preview, a test send to oneself, a status per recipient, a
journal entry, never twice; the department's sender, reply-to and footer on every mail — against a real
SMTP server on the loopback (aiosmtpd) whose received messages the tests read."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from delibe.web.audit.models import AuditEntry
from delibe.web.jobs.tasks import send_mail
from delibe.web.jobs.worker import run_pending
from delibe.web.mail import rapports
from delibe.web.mail.models import Mail, Mailing, MailingKind, MailStatus

from .conftest import REFUSED
from .test_documents import page_text

JANVIER = {"mois": "2024-01"}
TUTEUR = "tuteur@eclat.example.org"
CFA = "cfa@cfa-sup.example.org"


@pytest.fixture
def apprentis(world):
    """Alice at Studio Éclat (tutor and CFA with addresses, 3 half-days absent in January), Bruno at
    Agence Bravo (tutor without address, same CFA); « scolarite » has an address."""
    from delibe.web.assiduite.models import AbsenceRecord
    from delibe.web.models import ApprenticeContract

    ApprenticeContract.objects.create(student=world.alice, employeur="Studio Éclat", tuteur="M. Tuteur",
                                      tuteur_email=TUTEUR, cfa="CFA Sup", cfa_email=CFA,
                                      debut=dt.date(2023, 9, 1), fin=dt.date(2025, 8, 31))
    ApprenticeContract.objects.create(student=world.bruno, employeur="Agence Bravo", tuteur="Mme Bravo",
                                      cfa="CFA Sup", cfa_email=CFA, debut=dt.date(2023, 9, 1), fin=dt.date(2025, 8, 31))
    for day, creneau in ((8, "matin"), (8, "apres-midi"), (9, "matin")):
        AbsenceRecord.objects.create(student=world.alice, semester=world.s1, date=dt.date(2024, 1, day),
                                     creneau=creneau, module_code="R1.01")
    world.users["scolarite"].email = "sophie@iut.example.org"
    world.users["scolarite"].save()
    return world


def url_mail(name, *args):
    return reverse(f"mail:{name}", args=args)


def attachments(message) -> list[str]:
    return sorted(part.get_filename() for part in message.iter_attachments())


def body(message) -> str:
    return message.get_body(("plain",)).get_content()


def test_the_recipients_are_each_tutor_and_each_cfa_with_their_own_apprentices(apprentis):
    found = rapports.recipients(apprentis.department.pk, 2024, 1)
    assert [(r.address, r.role, r.apprentis) for r in found] == [
        ("", "tuteur", ("BRAVO Test",)),
        (TUTEUR, "tuteur", ("ALPHA Test",)),
        (CFA, "cfa", ("ALPHA Test", "BRAVO Test")),
    ]
    assert found[0].label == "Agence Bravo — maître d'apprentissage Mme Bravo"


def test_the_preview_shows_the_message_the_recipients_and_who_has_no_address_and_sends_nothing(
        apprentis, login, smtp):
    page = page_text(login("scolarite").get(url_mail("departement", apprentis.department.pk), JANVIER))
    assert "Relevé mensuel d'assiduité des apprentis — janvier 2024 — MMI" in page
    assert "ALPHA Test (Studio Éclat) : 3 demi-journée(s) d'absence non justifiée(s)" in page
    assert "assiduite-2024-01-studio-eclat.pdf" in page  # the first recipient with an address is previewed
    assert "adresse manquante" in page and TUTEUR in page and CFA in page
    assert "Envoyer aux 2 destinataires" in page and "M'envoyer un essai" in page
    assert smtp.messages == []


def test_a_month_without_contract_says_there_is_nothing_to_send(apprentis, login, smtp):
    page = page_text(login("scolarite").get(url_mail("departement", apprentis.department.pk), {"mois": "2020-01"}))
    assert "Aucun contrat d'apprentissage ne couvre ce mois" in page
    response = login("scolarite").post(url_mail("rapports_envoyer", apprentis.department.pk), {"mois": "2020-01"},
                                       follow=True)
    assert "Rien à envoyer pour janvier 2020" in page_text(response)
    assert Mail.objects.count() == 0


def test_a_test_send_reaches_only_the_staff_member(apprentis, login, smtp):
    response = login("scolarite").post(url_mail("rapports_essai", apprentis.department.pk), JANVIER, follow=True)
    assert "Essai envoyé à sophie@iut.example.org" in page_text(response)
    [message] = smtp.to("sophie@iut.example.org")
    assert len(smtp.messages) == 1
    assert str(message["Subject"]).strip().startswith("[ESSAI] Relevé mensuel d'assiduité des apprentis — janvier 2024")
    assert attachments(message) == ["assiduite-2024-01-studio-eclat.csv", "assiduite-2024-01-studio-eclat.pdf"]
    assert Mail.objects.count() == 0
    assert AuditEntry.objects.filter(summary__startswith="Essai d'envoi des relevés d'assiduité").count() == 1


def test_each_tutor_and_cfa_receives_their_report_once_with_a_status_and_a_journal_entry(apprentis, login, smtp):
    client = login("scolarite")
    response = client.post(url_mail("rapports_envoyer", apprentis.department.pk), JANVIER)
    assert response.status_code == 302 and smtp.messages == []  # queued: the worker sends
    assert run_pending() == 2
    [to_tutor] = smtp.to(TUTEUR)
    [to_cfa] = smtp.to(CFA)
    assert attachments(to_tutor) == ["assiduite-2024-01-studio-eclat.csv", "assiduite-2024-01-studio-eclat.pdf"]
    assert attachments(to_cfa) == ["assiduite-2024-01-agence-bravo.csv", "assiduite-2024-01-agence-bravo.pdf",
                                   "assiduite-2024-01-studio-eclat.csv", "assiduite-2024-01-studio-eclat.pdf"]
    assert "BRAVO" not in body(to_tutor) and "ALPHA Test (Studio Éclat) : 3 demi-journée(s)" in body(to_tutor)
    pdf = next(p for p in to_tutor.iter_attachments() if p.get_filename().endswith(".pdf"))
    assert pdf.get_content().startswith(b"%PDF")
    statuses = sorted(Mail.objects.values_list("status", flat=True))
    assert statuses == sorted([MailStatus.SENT, MailStatus.SENT, MailStatus.NO_ADDRESS])
    assert AuditEntry.objects.filter(summary__startswith="Courriel envoyé à").count() == 2
    assert AuditEntry.objects.filter(summary__startswith="Envoi des relevés d'assiduité de janvier 2024").count() == 1
    page = page_text(client.get(response["Location"]))
    assert "envoyé : <strong>2</strong>" in page and "adresse manquante : <strong>1</strong>" in page
    assert "Agence Bravo — maître d'apprentissage Mme Bravo" in page


def test_a_retry_sends_nothing_twice_and_a_new_mailing_of_the_month_skips_those_served(apprentis, login, smtp):
    client = login("scolarite")
    client.post(url_mail("rapports_envoyer", apprentis.department.pk), JANVIER)
    run_pending()
    for mail in Mail.objects.all():
        send_mail.enqueue(mail.pk)  # every task again, as after a worker died having sent
    run_pending()
    assert len(smtp.messages) == 2
    response = client.post(url_mail("rapports_envoyer", apprentis.department.pk), JANVIER, follow=True)
    assert "chaque destinataire a déjà reçu son relevé" in page_text(response)
    assert len(smtp.messages) == 2 and Mailing.objects.count() == 1


def test_a_refused_address_is_shown_as_refused_and_the_others_are_sent(apprentis, login, smtp):
    from delibe.web.models import ApprenticeContract

    ApprenticeContract.objects.filter(student=apprentis.alice).update(tuteur_email=REFUSED)
    login("scolarite").post(url_mail("rapports_envoyer", apprentis.department.pk), JANVIER)
    run_pending()
    refused = Mail.objects.get(recipient=REFUSED)
    assert refused.status == MailStatus.REFUSED and "550" in refused.error
    assert len(smtp.to(CFA)) == 1


def test_the_departments_sender_reply_to_and_footer_are_those_of_its_settings(apprentis, login, smtp):
    from delibe.web.services.department_settings import save_settings

    save_settings(actor=apprentis.users["scolarite"], department=apprentis.department,
                  applies_from=dt.date(2023, 9, 1),
                  values={"courriel_expediteur": "Scolarité MMI Dijon <mmi@iut-dijon.example.fr>",
                          "courriel_reponse": "secretariat-mmi@iut-dijon.example.fr",
                          "courriel_pied": "IUT de Dijon — département MMI, bureau 12."})
    login("scolarite").post(url_mail("rapports_envoyer", apprentis.department.pk), JANVIER)
    run_pending()
    [message] = smtp.to(TUTEUR)
    assert "mmi@iut-dijon.example.fr" in message["From"] and "Scolarité MMI Dijon" in message["From"]
    assert message["Reply-To"] == "secretariat-mmi@iut-dijon.example.fr"
    assert body(message).rstrip().endswith("IUT de Dijon — département MMI, bureau 12.")
    assert message["Message-ID"].endswith("@iut-dijon.example.fr>")


def test_another_department_keeps_the_installations_sender(apprentis, smtp):
    from delibe.web.mail.services import envelope

    assert envelope(apprentis.other_department.pk).from_email == "Scolarité MMI <scolarite@iut.example.org>"
    assert envelope(apprentis.other_department.pk).reply_to == ["scolarite-mmi@iut.example.org"]


@pytest.mark.parametrize(("username", "status"), [
    ("enseignant", 403), ("president", 403), ("etudiant", 404), ("autre", 404), ("admin", 200),
    ("responsable", 200)])
def test_only_the_departments_scolarite_responsable_and_the_administrator_see_its_mails(
        apprentis, login, smtp, username, status):
    assert login(username).get(url_mail("departement", apprentis.department.pk)).status_code == status


@pytest.mark.parametrize("action", ["rapports_essai", "rapports_envoyer", "alertes", "alertes_essai"])
@pytest.mark.parametrize(("username", "status"), [("enseignant", 403), ("president", 403), ("etudiant", 404),
                                                  ("autre", 404)])
def test_no_one_else_sends_reports_or_checks_alerts(apprentis, login, smtp, action, username, status):
    assert login(username).post(url_mail(action, apprentis.department.pk), JANVIER).status_code == status
    assert smtp.messages == [] and Mail.objects.count() == 0


def test_a_department_mailing_page_is_not_shown_to_another_department(apprentis, login, smtp):
    login("scolarite").post(url_mail("rapports_envoyer", apprentis.department.pk), JANVIER)
    mailing = Mailing.objects.get(kind=MailingKind.RAPPORT)
    assert login("autre").get(url_mail("envoi", mailing.pk)).status_code == 404


def test_a_bad_month_falls_back_to_the_previous_month(apprentis, login, smtp):
    response = login("scolarite").get(url_mail("departement", apprentis.department.pk), {"mois": "2024-13"})
    assert response.status_code == 200


def test_the_tutors_and_cfas_addresses_are_edited_on_the_students_page_and_journalled(apprentis, login):
    client = login("scolarite")
    response = client.post(reverse("delibe:etudiant_contrat", args=[apprentis.bruno.pk]), {
        "contrat-employeur": "Agence Bravo", "contrat-tuteur": "Mme Bravo",
        "contrat-tuteur_email": "bravo@agence.example.org", "contrat-cfa": "CFA Sup",
        "contrat-cfa_email": CFA, "contrat-debut": "2023-09-01", "contrat-fin": "2025-08-31"})
    assert response.status_code == 302
    apprentis.bruno.apprenticeship.refresh_from_db()
    assert apprentis.bruno.apprenticeship.tuteur_email == "bravo@agence.example.org"
    assert AuditEntry.objects.filter(summary__contains="contrat d'apprentissage corrigé").count() == 1
    bad = client.post(reverse("delibe:etudiant_contrat", args=[apprentis.bruno.pk]), {
        "contrat-employeur": "Agence Bravo", "contrat-tuteur_email": "pas-une-adresse",
        "contrat-debut": "2023-09-01", "contrat-fin": "2025-08-31"})
    assert bad.status_code == 400 and "Saisissez une adresse de courriel valide" in page_text(bad)


@pytest.mark.parametrize(("username", "status"), [("enseignant", 404), ("autre", 404), ("etudiant", 404)])
def test_no_one_but_the_scolarite_edits_a_contract(apprentis, login, username, status):
    response = login(username).post(reverse("delibe:etudiant_contrat", args=[apprentis.bruno.pk]), {
        "contrat-employeur": "X", "contrat-debut": "2023-09-01", "contrat-fin": "2025-08-31"})
    assert response.status_code in (403, 404)
    apprentis.bruno.apprenticeship.refresh_from_db()
    assert apprentis.bruno.apprenticeship.employeur == "Agence Bravo"


def test_a_server_out_of_reach_fails_the_mails_and_the_retry_sends_them_once(apprentis, login, smtp, settings):
    port = settings.EMAIL_PORT
    settings.EMAIL_PORT = 9  # nothing listens there: connection refused
    client = login("scolarite")
    response = client.post(url_mail("rapports_envoyer", apprentis.department.pk), JANVIER)
    run_pending()
    assert Mail.objects.filter(status=MailStatus.FAILED).count() == 2
    assert "Réessayer les 2 courriels en échec" in page_text(client.get(response["Location"]))
    settings.EMAIL_PORT = port
    mailing = Mailing.objects.get()
    retried = client.post(url_mail("relancer", mailing.pk), follow=True)
    assert "2 courriel(s) remis en file d'envoi" in page_text(retried)
    run_pending()
    assert len(smtp.to(TUTEUR)) == 1 and len(smtp.to(CFA)) == 1
    assert AuditEntry.objects.filter(summary__startswith="Nouvel essai de 2 courriel(s)").count() == 1
