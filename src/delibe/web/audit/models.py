# ruff: noqa: RUF012  (Django reads Meta class attributes as plain lists by design)
"""One row per change of a legal record. Rows are never updated nor deleted by the application.

The audited objects are referenced by plain integer ids, not foreign keys: the trail must survive the
deletion of what it speaks about (a deleted grade, a deleted evaluation)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    WEB = "web", _("web")
    API = "api", _("API")
    IMPORT = "import", _("import de fichier")
    CLI = "cli", _("ligne de commande")
    DEMO = "demo", _("démonstration")


class Action(models.TextChoices):
    CREATE = "create", _("création")
    UPDATE = "update", _("modification")
    DELETE = "delete", _("suppression")
    UNDO = "undo", _("annulation")
    LOCK = "lock", _("verrouillage")
    REOPEN = "reopen", _("réouverture")


class ObjectType(models.TextChoices):
    GRADE = "grade", _("note")
    EVALUATION = "evaluation", _("évaluation")
    ENROLMENT = "enrolment", _("inscription")
    FORMATION = "formation", _("formation")
    DECISION = "decision", _("décision de jury")
    SEMESTER = "semester", _("semestre")
    STUDENT = "student", _("étudiant")
    DEPARTMENT = "department", _("département")
    ACCOUNT = "account", _("compte")
    MEMBERSHIP = "membership", _("rôle")
    TEACHING = "teaching", _("enseignement")
    SETTINGS = "settings", _("réglages")
    ABSENCE = "absence", _("absences")
    JUSTIFICATION = "justificatif", _("justificatif")


class AuditEntry(models.Model):
    at = models.DateTimeField(_("date"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField(_("utilisateur"), max_length=150, blank=True)  # kept if the user goes
    channel = models.CharField(_("canal"), max_length=10, choices=Channel.choices)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    object_type = models.CharField(_("objet"), max_length=12, choices=ObjectType.choices)
    object_id = models.CharField(_("identifiant"), max_length=120)
    department_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    semester_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    evaluation_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    student_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    summary = models.CharField(_("résumé"), max_length=300, blank=True)
    old = models.JSONField(_("avant"), null=True, blank=True)
    new = models.JSONField(_("après"), null=True, blank=True)
    session = models.CharField(_("session de saisie"), max_length=80, blank=True, db_index=True)
    reason = models.TextField(_("motif"), blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("entrée du journal")
        verbose_name_plural = _("journal")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.object_type} {self.object_id}"
