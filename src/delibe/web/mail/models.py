# ruff: noqa: RUF012  (Django reads Meta class attributes as plain lists by design)
"""A mailing (one semester's results to its students) and its mails, one per recipient with its status;
the demo's mailbox (messages kept instead of sent)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from delibe.web.models import Department, SemesterRun, Student


class MailingKind(models.TextChoices):
    RESULTATS = "resultats", _("résultats du semestre")
    RAPPORT = "rapport", _("relevés mensuels d'assiduité")
    ALERTE = "alerte", _("alertes d'absences")


class Mailing(models.Model):
    """One sending: a semester's results (``run``), or a department's monthly attendance reports or absence
    alerts (``department``, ``period``: « 2024-01 » for a month's reports, the day of the check for alerts)."""

    kind = models.CharField(max_length=12, choices=MailingKind.choices, default=MailingKind.RESULTATS)
    run = models.ForeignKey(SemesterRun, null=True, blank=True, on_delete=models.PROTECT, related_name="mailings")
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="mailings")
    period = models.CharField(max_length=20, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    subject = models.CharField(_("objet"), max_length=200)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("envoi de courriels")

    def __str__(self) -> str:
        return f"{self.subject} ({self.created_at:%Y-%m-%d %H:%M})"


class MailStatus(models.TextChoices):
    QUEUED = "en_attente", _("en attente")
    SENDING = "envoi", _("en cours d'envoi")
    SENT = "envoye", _("envoyé")
    REFUSED = "refuse", _("refusé par le serveur")
    NO_ADDRESS = "sans_adresse", _("adresse manquante")
    FAILED = "echec", _("échec (serveur injoignable)")
    UNCERTAIN = "incertain", _("interrompu pendant l'envoi : non renvoyé, à vérifier")
    BOUNCED = "rejete", _("adresse rejetée (avis de non-distribution)")


class Mail(models.Model):
    mailing = models.ForeignKey(Mailing, on_delete=models.CASCADE, related_name="mails")
    student = models.ForeignKey(Student, null=True, on_delete=models.SET_NULL, related_name="mails")
    recipient = models.CharField(_("destinataire"), max_length=254, blank=True)
    status = models.CharField(_("état"), max_length=12, choices=MailStatus.choices, default=MailStatus.QUEUED)
    error = models.TextField(_("erreur"), blank=True)
    message_id = models.CharField(max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Who the recipient is when not a student receiving their results (« Studio Éclat — maître
    # d'apprentissage »), and what the message is built from at send time (reports: the apprentices'
    # ids; alerts: the student, the semester, the threshold and the count).
    label = models.CharField(_("destinataire (qualité)"), max_length=300, blank=True)
    payload = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["mailing", "recipient", "id"]
        verbose_name = _("courriel")

    def __str__(self) -> str:
        return f"{self.recipient or '—'} : {self.status}"


class MailboxMessage(models.Model):
    """A message the demo's e-mail backend kept instead of sending it (backends.MailboxBackend)."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    sender = models.CharField(max_length=254)
    recipients = models.JSONField(default=list)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    attachments = models.JSONField(default=list)  # [{"name", "size", "type"}]
    message_id = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("message de la boîte de démonstration")


class AlertCrossing(models.Model):
    """A student reached an absence threshold in a semester: the alert of that crossing is recorded once
    (the unique constraint is the guarantee: two checks at once cannot both alert). Removed when the count
    goes back under the threshold (a justification validated), so that a new crossing alerts again."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="alert_crossings")
    run = models.ForeignKey(SemesterRun, on_delete=models.CASCADE, related_name="alert_crossings")
    seuil = models.PositiveSmallIntegerField()
    count = models.PositiveSmallIntegerField()
    at = models.DateTimeField(default=timezone.now)
    mailing = models.ForeignKey(Mailing, null=True, on_delete=models.SET_NULL, related_name="crossings")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["student", "run", "seuil"], name="alert_crossing_once")]
        verbose_name = _("franchissement d'un seuil d'absences")
