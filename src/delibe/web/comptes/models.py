"""The university login (CAS) of an account."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CasAccount(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cas_account")
    cas_id = models.CharField(_("identifiant universitaire (CAS)"), max_length=150, unique=True,
                              help_text=_("L'identifiant que le serveur CAS de l'université renvoie (souvent le "
                                          "login de l'ENT), sans espace."))

    class Meta:
        verbose_name = _("identifiant universitaire")

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.cas_id = self.cas_id.strip().lower()  # CAS logins are compared without case
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return f"{self.cas_id} → {self.user}"


class OidcAccount(models.Model):
    """The identifier an OpenID Connect provider gives an account (the claim ``DELIBE_OIDC_CLAIM``: ``sub``
    by default, compared exactly; ``email``, ``preferred_username`` or another claim, compared without
    case). Set by the administrator; a sign-in whose identifier no account carries is refused."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="oidc_account")
    oidc_id = models.CharField(_("identifiant OpenID Connect"), max_length=255, unique=True,
                               help_text=_("La valeur que le fournisseur d'identité renvoie pour ce compte dans la "
                                           "revendication réglée (DELIBE_OIDC_CLAIM, « sub » par défaut)."))

    class Meta:
        verbose_name = _("identifiant OpenID Connect")

    def save(self, *args: Any, **kwargs: Any) -> None:
        from delibe.web.comptes.oidc import normalised

        self.oidc_id = normalised(self.oidc_id)
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return f"{self.oidc_id} → {self.user}"
