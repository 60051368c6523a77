"""Attendance records. A justification is never copied onto absences: whether an absence is justified
is computed by the engine (``count_absences``) from the validated justifications covering its date."""

from __future__ import annotations

import datetime as dt
import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.validators import FileExtensionValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from delibe.web.models import Department, SemesterRun, Student

MAX_PROOF_BYTES = 5 * 1024 * 1024
PROOF_EXTENSIONS = ["pdf", "jpg", "jpeg", "png"]


class JustificatifStorage(FileSystemStorage):
    """Proofs (often medical) are never public media: stored under VAR_DIR/justificatifs (read at each
    access, so a changed setting applies) and served only by ``views.piece`` to the student and the
    secretariat."""

    @property
    def base_location(self) -> str:  # type: ignore[override]  # a read-only property where Django has a cached one
        return str(settings.VAR_DIR / "justificatifs")

    @property
    def location(self) -> str:  # type: ignore[override]  # same: read at each access, never cached
        return os.path.abspath(self.base_location)


def justificatif_storage() -> FileSystemStorage:
    return JustificatifStorage()


def validate_proof_size(f) -> None:
    if f.size > MAX_PROOF_BYTES:
        raise ValidationError(
            f"Le justificatif fait {f.size // 1024} Ko : la taille maximale est de {MAX_PROOF_BYTES // 1024} Ko. "
            "Réduisez-le (PDF ou photo compressée) puis déposez-le à nouveau."
        )


# What a proof may be, recognised by its first bytes (its « magic »), not by its name.
PROOF_MAGIC = {"pdf": (b"%PDF-",), "jpeg": (b"\xff\xd8\xff",), "png": (b"\x89PNG\r\n\x1a\n",)}
_KIND_OF_EXTENSION = {"pdf": "pdf", "jpg": "jpeg", "jpeg": "jpeg", "png": "png"}


def validate_proof_content(f) -> None:
    """The file must be a PDF, a JPEG or a PNG by its content, and named as what it is."""
    position = f.tell() if hasattr(f, "tell") else 0
    f.seek(0)
    head = f.read(16)
    f.seek(position)
    kind = next((k for k, magics in PROOF_MAGIC.items() if head.startswith(magics)), None)
    if kind is None:
        raise ValidationError(
            "Le justificatif n'est ni un PDF, ni une photo JPEG ou PNG (d'après son contenu, pas son nom) : "
            "enregistrez-le en PDF ou prenez-en une photo, puis déposez-le à nouveau.")
    extension = str(getattr(f, "name", "")).rsplit(".", 1)[-1].lower()
    if _KIND_OF_EXTENSION.get(extension) != kind:
        raise ValidationError(
            f"Le justificatif est un fichier {kind.upper()} mais son nom se termine par « .{extension[:10]} » : "
            "renommez-le, puis déposez-le à nouveau.")


class Creneau(models.TextChoices):
    """The half-days, the default slots. A department may declare hours instead (``ReglementConfig.creneaux``):
    ``AbsenceRecord.creneau`` then holds codes like « 08h00-10h00 » (``delibe.engine.assiduite.plage``)."""

    MATIN = "matin", _("matin")
    APRES_MIDI = "apres-midi", _("après-midi")


class Nature(models.TextChoices):
    ABSENCE = "absence", _("absence")
    RETARD = "retard", _("retard")


class AbsenceRecord(models.Model):
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="absences")
    semester = models.ForeignKey(SemesterRun, on_delete=models.CASCADE, related_name="absences")
    date = models.DateField(_("date"))
    creneau = models.CharField(_("créneau"), max_length=12,
                               help_text=_("matin, apres-midi, ou des heures comme 08h00-10h00"))
    module_code = models.CharField(_("module"), max_length=40, blank=True)
    nature = models.CharField(_("nature"), max_length=10, choices=Nature.choices, default=Nature.ABSENCE)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=["student", "date", "creneau", "module_code", "nature"], name="absence_unique_slot"
            ),
        )
        ordering = ["date", "creneau"]  # noqa: RUF012 (Django reads Meta attributes as plain lists)


class JustificationStatus(models.TextChoices):
    SOUMISE = "soumise", _("soumise, à valider")
    VALIDEE = "validee", _("validée")
    REFUSEE = "refusee", _("refusée")


class JustificationRecord(models.Model):
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="justifications")
    debut = models.DateField(_("du"))
    fin = models.DateField(_("au"))
    motif = models.CharField(_("motif"), max_length=300)
    piece = models.FileField(
        _("justificatif"), upload_to="%Y/%m/", blank=True, storage=justificatif_storage,
        validators=[FileExtensionValidator(PROOF_EXTENSIONS), validate_proof_size],
    )
    statut = models.CharField(_("statut"), max_length=10, choices=JustificationStatus.choices,
                              default=JustificationStatus.SOUMISE)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    validated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Optional: the justification starts at this slot on its first day, ends with this one on its last.
    creneau_debut = models.CharField(_("à partir du créneau"), max_length=12, blank=True)
    creneau_fin = models.CharField(_("jusqu'au créneau"), max_length=12, blank=True)

    def clean(self) -> None:
        from delibe.engine.assiduite import plage

        if self.debut and self.fin and self.fin < self.debut:
            raise ValidationError({"fin": "La fin de la période précède son début : corrigez les dates."})
        for name in ("creneau_debut", "creneau_fin"):
            value = getattr(self, name)
            try:
                if value:
                    plage(value)
            except ValueError:
                raise ValidationError({name: f"Créneau « {value[:20]} » inconnu : choisissez-le dans la liste."}
                                      ) from None
        if (self.debut == self.fin and self.creneau_debut and self.creneau_fin
                and plage(self.creneau_fin).fin <= plage(self.creneau_debut).debut):
            raise ValidationError({"creneau_fin": "Le dernier créneau précède le premier : corrigez-les."})


class ReglementConfig(models.Model):
    """The local attendance rules of a department, as voted in its règlement intérieur. Off by default.
    Dated (issue 13, item 7): a row applies from ``applies_from`` until the next one; a semester's averages
    use the rules in force at its jury's date once closed (``services.reglement_for``)."""

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="reglements_assiduite")
    applies_from = models.DateField(_("en vigueur à partir du"), default=dt.date(2000, 1, 1))
    reference = models.CharField(_("référence du règlement"), max_length=300, blank=True)
    date_reglement = models.DateField(_("date d'adoption"), null=True, blank=True)
    seuil_atj_actif = models.BooleanField(_("ATJ proposé au-delà d'un seuil"), default=False)
    seuil_atj = models.PositiveSmallIntegerField(_("seuil (demi-journées non justifiées)"), default=5)
    penalite_active = models.BooleanField(_("pénalité par demi-journée"), default=False)
    penalite_points = models.FloatField(_("points par demi-journée"), default=0.1)
    penalite_franchise = models.PositiveSmallIntegerField(_("franchise"), default=0)
    penalite_plafond = models.FloatField(_("plafond"), default=2.0)
    # Issue 18: the slots of the roll call (empty: morning and afternoon) and the school holidays the
    # roll call's default date skips. Normalised by ``services.save_attendance_rules``.
    creneaux = models.TextField(
        _("créneaux de l'appel"), blank=True,
        help_text=_("Vide : matin et après-midi. Sinon un créneau par ligne, par exemple 8h-10h, 10h-12h, "
                    "13h30-15h30."))
    vacances = models.TextField(
        _("vacances scolaires"), blank=True,
        help_text=_("Une période par ligne : début, fin et nom, par exemple « 19/10/2026 01/11/2026 Toussaint ». "
                    "L'appel ne s'ouvre pas sur ces jours."))

    class Meta:
        ordering = ["department", "-applies_from"]  # noqa: RUF012 (Django reads Meta attributes as plain lists)
        constraints = (models.UniqueConstraint(fields=["department", "applies_from"], name="reglement_date"),)

    def clean(self) -> None:
        if (self.seuil_atj_actif or self.penalite_active) and not self.reference:
            raise ValidationError({"reference": "Une règle d'assiduité doit citer le règlement qui l'institue "
                                                "(article, instance, date)."})


class Lieu(models.TextChoices):
    IUT = "iut", _("à l'IUT")
    ENTREPRISE = "entreprise", _("en entreprise")


class AlternanceWeek(models.Model):
    """One week of the alternance calendar of a semester run (``groupe`` blank: every group)."""

    semester = models.ForeignKey(SemesterRun, on_delete=models.CASCADE, related_name="alternance")
    groupe = models.CharField(_("groupe"), max_length=40, blank=True)
    lundi = models.DateField(_("semaine du"))
    lieu = models.CharField(_("lieu"), max_length=12, choices=Lieu.choices)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["semester", "groupe", "lundi"], name="alternance_week_unique"),
        )
        ordering = ["lundi"]  # noqa: RUF012 (Django reads Meta attributes as plain lists)
