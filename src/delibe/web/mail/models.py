# ruff: noqa: RUF012  (Django reads Meta class attributes as plain lists by design)
"""A mailing (one semester's results to its students) and its mails, one per recipient with its status;
the demo's mailbox (messages kept instead of sent)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from delibe.web.models import SemesterRun, Student


class Mailing(models.Model):
    run = models.ForeignKey(SemesterRun, on_delete=models.PROTECT, related_name="mailings")
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


class Mail(models.Model):
    mailing = models.ForeignKey(Mailing, on_delete=models.CASCADE, related_name="mails")
    student = models.ForeignKey(Student, null=True, on_delete=models.SET_NULL, related_name="mails")
    recipient = models.CharField(_("destinataire"), max_length=254, blank=True)
    status = models.CharField(_("état"), max_length=12, choices=MailStatus.choices, default=MailStatus.QUEUED)
    error = models.TextField(_("erreur"), blank=True)
    message_id = models.CharField(max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)

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
