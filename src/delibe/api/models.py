# ruff: noqa: RUF012  (Django reads Meta/migration class attributes as plain lists by design)
"""API tokens: a user's bearer tokens. Only the SHA-256 of a token is stored; the token itself is shown
once, when it is created (``delibe api token create``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("nom"), max_length=100, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)  # hex SHA-256 of the token
    created = models.DateTimeField(_("créé le"), auto_now_add=True)
    last_used = models.DateTimeField(_("dernière utilisation"), null=True, blank=True)
    revoked = models.DateTimeField(_("révoqué le"), null=True, blank=True)

    class Meta:
        ordering = ["user_id", "created", "id"]
        verbose_name = _("jeton d'API")

    def __str__(self) -> str:
        return f"jeton {self.pk} de {self.user} ({self.name or 'sans nom'})"

    @property
    def active(self) -> bool:
        return self.revoked is None
