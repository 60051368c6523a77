"""Absence alerts by e-mail (web/mail/alertes.py): when a student's unjustified half-days in a semester
reach one of the department's thresholds, the student, the responsables de formation and the tutor get
one e-mail — once per crossing — through the one mail machinery (status per recipient, journal), read
from a real SMTP server on the loopback."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection

from delibe.web.audit.models import AuditEntry
from delibe.web.jobs.worker import run_pending
from delibe.web.mail import alertes
from delibe.web.mail.models import AlertCrossing, Mail, MailStatus

from .test_documents import page_text

TODAY = dt.date(2024, 1, 20)
TUTEUR = "tuteur@eclat.example.org"


def absent(world, student, *days):
    from delibe.web.assiduite.models import AbsenceRecord

    for day in days:
        for creneau in ("matin", "apres-midi"):
            AbsenceRecord.objects.create(student=student, semester=world.s1, date=dt.date(2024, 1, day),
                                         creneau=creneau, module_code="R1.01")


def thresholds(world, text: str) -> None:
    from delibe.web.services.department_settings import save_settings

    save_settings(actor=world.users["scolarite"], department=world.department, applies_from=dt.date(2023, 9, 1),
                  values={"seuils_alerte": text})


@pytest.fixture
def alerting(world):
    """Thresholds 3 and 6; Alice (apprentice, tutor with an address) and the responsable have addresses."""
    from delibe.web.models import ApprenticeContract

    thresholds(world, "3, 6")
    world.alice.email = "alice@etu.example.org"
    world.alice.save()
    world.users["responsable"].email = "rf@iut.example.org"
    world.users["responsable"].save()
    ApprenticeContract.objects.create(student=world.alice, employeur="Studio Éclat", tuteur="M. Tuteur",
                                      tuteur_email=TUTEUR, debut=dt.date(2023, 9, 1), fin=dt.date(2025, 8, 31))
    return world


def test_thresholds_are_the_settings_list_plus_the_atj_threshold_when_that_rule_is_on(alerting):
    from delibe.web.assiduite.models import ReglementConfig

    assert alertes.thresholds(alerting.department.pk) == [3, 6]
    ReglementConfig.objects.create(department=alerting.department, applies_from=dt.date(2023, 9, 1),
                                   reference="RI art. 12", seuil_atj_actif=True, seuil_atj=8)
    assert alertes.thresholds(alerting.department.pk) == [3, 6, 8]
    assert alertes.thresholds(alerting.other_department.pk) == []


def test_reaching_a_threshold_alerts_the_student_the_responsable_and_the_tutor_once(alerting, smtp):
    absent(alerting, alerting.alice, 8, 9)  # 4 half-days: threshold 3 reached
    assert alertes.check(TODAY) == 3
    assert run_pending() == 3
    [to_alice] = smtp.to("alice@etu.example.org")
    [to_rf] = smtp.to("rf@iut.example.org")
    [to_tutor] = smtp.to(TUTEUR)
    assert str(to_alice["Subject"]).strip() == "Absences : ALPHA Test a atteint 3 demi-journées non justifiées (S1)"
    assert "Bonjour Test," in to_alice.get_body(("plain",)).get_content()
    assert "Mes absences" in to_alice.get_body(("plain",)).get_content()
    assert "ALPHA Test compte 4 demi-journée(s)" in to_tutor.get_body(("plain",)).get_content()
    assert set(Mail.objects.values_list("status", flat=True)) == {MailStatus.SENT}
    assert AuditEntry.objects.filter(summary__startswith="Alerte d'absences : 4 demi-journée(s)").count() == 1
    assert alertes.check(TODAY) == 0  # the same crossing never alerts twice
    run_pending()
    assert len(smtp.messages) == 3
    assert len(to_rf.get_body(("plain",)).get_content()) > 0


def test_the_next_threshold_alerts_again_and_a_jump_over_two_alerts_once_for_the_highest(alerting, world, smtp):
    absent(alerting, alerting.alice, 8, 9)
    alertes.check(TODAY)
    absent(alerting, alerting.alice, 10, 11)  # 8 half-days: threshold 6
    assert alertes.check(TODAY) == 3
    absent(alerting, alerting.bruno, 8, 9, 10)  # Bruno: 6 at once, over 3 and 6
    assert alertes.check(TODAY) == 1  # only the responsable: Bruno has no address, no tutor
    run_pending()
    assert [str(m["Subject"]).strip() for m in smtp.to("rf@iut.example.org")][-1].startswith(
        "Absences : BRAVO Test a atteint 6 demi-journées")
    assert set(AlertCrossing.objects.filter(student=alerting.bruno).values_list("seuil", flat=True)) == {3, 6}
    assert Mail.objects.filter(status=MailStatus.NO_ADDRESS, payload__student=alerting.bruno.pk).count() == 1


def test_going_back_under_a_threshold_then_reaching_it_again_is_a_new_crossing(alerting, smtp):
    from delibe.web.assiduite.models import JustificationRecord, JustificationStatus

    absent(alerting, alerting.alice, 8, 9)
    alertes.check(TODAY)
    justification = JustificationRecord.objects.create(student=alerting.alice, debut=dt.date(2024, 1, 8),
                                                       fin=dt.date(2024, 1, 9), motif="Arrêt maladie",
                                                       statut=JustificationStatus.VALIDEE)
    assert alertes.check(TODAY) == 0
    assert not AlertCrossing.objects.exists()
    justification.delete()
    absent(alerting, alerting.alice, 15)
    assert alertes.check(TODAY) == 3


def test_no_threshold_no_alert_and_a_locked_or_past_semester_is_not_checked(alerting, smtp):
    absent(alerting, alerting.alice, 8, 9)
    assert alertes.check(dt.date(2024, 8, 1)) == 0  # after the academic year
    thresholds(alerting, "")
    assert alertes.check(TODAY) == 0
    assert Mail.objects.count() == 0


def test_a_threshold_that_is_not_a_number_is_refused_with_a_french_message(alerting, login):
    from delibe.web.services.department_settings import SettingsError

    with pytest.raises(SettingsError, match="« trois » n'est pas un nombre de demi-journées"):
        thresholds(alerting, "2, trois")


def test_the_check_button_queues_the_alerts_for_the_scolarite(alerting, login, smtp):
    from django.urls import reverse
    from django.utils import timezone

    today = timezone.localdate()  # the button checks today: S1 made a semester under way
    alerting.s1.debut, alerting.s1.fin = today - dt.timedelta(days=60), today + dt.timedelta(days=60)
    alerting.s1.save()
    absent(alerting, alerting.alice, 8, 9)

    response = login("scolarite").post(reverse("mail:alertes", args=[alerting.department.pk]), follow=True)
    assert "3 courriel(s) d'alerte mis en file" in page_text(response)
    again = login("scolarite").post(reverse("mail:alertes", args=[alerting.department.pk]), follow=True)
    assert "Aucun nouveau seuil atteint" in page_text(again)


@pytest.mark.django_db(transaction=True)
def test_two_checks_at_once_alert_a_crossing_once(world, settings):
    """Two workers checking at the same time (threads, each with its own database connection)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from delibe.web.models import ApprenticeContract

    thresholds(world, "3")
    world.alice.email = "alice@etu.example.org"
    world.alice.save()
    ApprenticeContract.objects.create(student=world.alice, employeur="E", tuteur_email=TUTEUR,
                                      debut=dt.date(2023, 9, 1), fin=dt.date(2025, 8, 31))
    absent(world, world.alice, 8, 9)
    barrier = threading.Barrier(3)
    results: list[int] = []

    def check() -> None:
        try:
            barrier.wait()
            results.append(alertes.check(TODAY))
        finally:
            connection.close()

    threads = [threading.Thread(target=check) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [0, 0, 2]
    assert AlertCrossing.objects.count() == 1 and Mail.objects.filter(status=MailStatus.QUEUED).count() == 2


def test_the_page_previews_an_alert_and_sends_a_test_to_oneself_only(alerting, login, smtp):
    from django.urls import reverse

    alerting.users["scolarite"].email = "sophie@iut.example.org"
    alerting.users["scolarite"].save()
    client = login("scolarite")
    page = page_text(client.get(reverse("mail:departement", args=[alerting.department.pk])))
    assert "Absences : NOM Prénom a atteint 3 demi-journées non justifiées (S1)" in page
    assert "seuil d'alerte de 3 fixé par votre département" in page
    response = client.post(reverse("mail:alertes_essai", args=[alerting.department.pk]), follow=True)
    assert "Essai d'alerte envoyé à sophie@iut.example.org" in page_text(response)
    [message] = smtp.messages
    assert message[0] == "sophie@iut.example.org" and str(message[1]["Subject"]).strip().startswith("[ESSAI] Absences")
    assert Mail.objects.count() == 0 and not AlertCrossing.objects.exists()
