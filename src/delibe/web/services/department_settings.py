"""Writing the department's dated settings (issue 13, item 7). Read them with
``selectors.department_settings``.

A row applies from its date; saving with a date that already has a row replaces that row (journalled
old → new), any other date adds a row. A row dated on or before the closing date of a jury of the department
is refused once the department has settings: it would change documents that jury signed.

The logo is an uploaded PNG or JPEG, bounded in bytes and pixels, kept in the database (never a public
file, never a server path shown to anyone) and given to the documents as a ``data:`` URL.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Max

from delibe.web import permissions as perm
from delibe.web.audit import services as audit
from delibe.web.audit.models import Action, ObjectType
from delibe.web.models import Department, DepartmentSettings, GradePublication, SemesterRun

LOGO_MAX_BYTES = 512 * 1024
LOGO_MAX_PIXELS = 2000
LOGO_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg"}

TEXT_FIELDS = ("etablissement", "departement", "universite", "adresse", "ville", "president", "membres", "lieu",
               "signataire_nom", "signataire_titre", "courriel_expediteur", "courriel_reponse", "courriel_pied",
               "seuils_alerte")
BOOL_FIELDS = ("afficher_rangs", "details_evaluations", "publication_moyennes", "publication_rangs")
FIELDS = (*TEXT_FIELDS, *BOOL_FIELDS, "publication_notes")

# the historical YAML file's keys (ReportConfig fields plus president, membres, lieu) that have a column
YAML_KEYS = frozenset({*TEXT_FIELDS, "afficher_rangs", "details_evaluations", "logo"})


class SettingsError(Exception):
    """Settings that cannot be saved; the message (French) names the field and what to do."""


def checked_logo(data: bytes) -> tuple[bytes, str]:
    """The logo's bytes and MIME type, once checked: a PNG or JPEG by content, at most LOGO_MAX_BYTES and
    LOGO_MAX_PIXELS on each side."""
    if len(data) > LOGO_MAX_BYTES:
        raise SettingsError(f"Logo : {len(data) // 1024} Ko, au plus {LOGO_MAX_BYTES // 1024} Ko ; réduisez l'image.")
    from PIL import Image, UnidentifiedImageError

    try:
        # the header only first: a huge declared size is refused before any decoding
        with Image.open(io.BytesIO(data), formats=list(LOGO_TYPES)) as image:
            kind = image.format or ""
            width, height = image.size
            if width > LOGO_MAX_PIXELS or height > LOGO_MAX_PIXELS:
                raise SettingsError(f"Logo : {width} × {height} pixels, au plus {LOGO_MAX_PIXELS} de côté ; "
                                    "réduisez-le.")
            image.verify()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError, SyntaxError):
        raise SettingsError("Logo : ce fichier n'est pas une image PNG ou JPEG lisible ; enregistrez-le en PNG.") from None
    return data, LOGO_TYPES[kind]


def row_state(row: DepartmentSettings | None) -> dict[str, Any] | None:
    if row is None:
        return None
    state: dict[str, Any] = {"applique_a_partir_du": row.applies_from.isoformat()}
    state.update({name: getattr(row, name) for name in FIELDS})
    state["logo"] = hashlib.sha256(bytes(row.logo)).hexdigest()[:16] if row.logo else None
    return state


def _check_mail_fields(values: dict[str, Any]) -> None:
    """The e-mail settings (issue 15): a sender « Nom <adresse> » or an address, a reply-to address, a
    footer of at most 2,000 characters, alert thresholds as whole numbers of half-days."""
    from email.utils import parseaddr

    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    def address_ok(text: str) -> bool:
        try:
            validate_email(text)
        except ValidationError:
            return False
        return True

    sender = str(values.get("courriel_expediteur", "") or "").strip()
    if sender and ("\n" in sender or "\r" in sender or not address_ok(parseaddr(sender)[1])):
        raise SettingsError(f"Expéditeur des courriels : « {sender[:80]} » n'est pas une adresse (écrivez "
                            "« Scolarité MMI <scolarite@iut.example.fr> » ou l'adresse seule).")
    reply = str(values.get("courriel_reponse", "") or "").strip()
    if reply and not address_ok(reply):
        raise SettingsError(f"Adresse de réponse des courriels : « {reply[:80]} » n'est pas une adresse électronique.")
    if len(str(values.get("courriel_pied", "") or "")) > 2000:
        raise SettingsError("Pied des courriels : 2000 caractères au plus.")
    seuils = str(values.get("seuils_alerte", "") or "")
    if seuils.strip():
        from delibe.web.mail.alertes import parse_thresholds

        try:
            parse_thresholds(seuils)
        except ValueError as error:
            raise SettingsError(f"Seuils d'alerte d'absences : {error} ; écrivez par exemple « 3, 6, 10 ».") from None


def last_jury_date(department: Department) -> dt.date | None:
    at = SemesterRun.objects.filter(formation__department=department, locked=True).aggregate(m=Max("locked_at"))["m"]
    from django.utils import timezone

    return timezone.localtime(at).date() if at is not None else None


@transaction.atomic
def save_settings(*, actor: Any, department: Department, applies_from: dt.date, values: dict[str, Any],
                  logo: bytes | None = None, remove_logo: bool = False) -> DepartmentSettings:
    """Saves the settings that apply from ``applies_from``. ``values`` holds the fields of FIELDS (missing
    ones keep the value in force at that date); ``logo`` new bytes, or None to keep the current logo."""
    perm.require(perm.can_edit_department_settings(actor, department.pk),
                 "Seuls la scolarité du département et l'administrateur modifient ses réglages.")
    unknown = sorted(set(values) - set(FIELDS))
    if unknown:
        raise SettingsError(f"Champ(s) inconnu(s) : {', '.join(unknown)} ; champs possibles : {', '.join(FIELDS)}.")
    if not isinstance(applies_from, dt.date):
        raise SettingsError("En vigueur à partir du : une date est obligatoire (AAAA-MM-JJ).")
    rows = DepartmentSettings.objects.select_for_update().filter(department=department)
    existing = rows.filter(applies_from=applies_from).first()
    closed = last_jury_date(department)
    if existing is None and rows.exists() and closed is not None and applies_from <= closed:
        raise SettingsError(f"En vigueur à partir du {applies_from:%d/%m/%Y} : un jury du département a été clos le "
                            f"{closed:%d/%m/%Y} avec les réglages d'alors ; choisissez une date postérieure.")
    if existing is not None and closed is not None and applies_from <= closed:
        raise SettingsError(f"Les réglages du {applies_from:%d/%m/%Y} ont servi au jury clos le {closed:%d/%m/%Y} : "
                            "ajoutez des réglages datés d'après cette date au lieu de les modifier.")
    notes = values.get("publication_notes")
    if notes is not None and notes not in GradePublication.values:
        raise SettingsError(f"Publication des notes : « {notes} » inconnu ({', '.join(GradePublication.values)}).")
    for name in TEXT_FIELDS:
        if name in values and not isinstance(values[name], str):
            raise SettingsError(f"{name} : texte attendu.")
        limit = DepartmentSettings._meta.get_field(name).max_length
        if name in values and limit is not None and len(values[name]) > limit:
            raise SettingsError(f"{name} : {len(values[name])} caractères, au plus {limit}.")
    _check_mail_fields(values)
    from delibe.web.selectors.department_settings import settings_row_at

    base = existing or settings_row_at(department, applies_from)
    before = row_state(existing)
    row = existing or DepartmentSettings(department=department, applies_from=applies_from)
    if existing is None and base is not None:
        for name in FIELDS:
            setattr(row, name, getattr(base, name))
        row.logo, row.logo_type = base.logo, base.logo_type
    for name, value in values.items():
        setattr(row, name, value.strip() if isinstance(value, str) else bool(value) if name in BOOL_FIELDS else value)
    if logo is not None:
        row.logo, row.logo_type = checked_logo(logo)
    elif remove_logo:
        row.logo, row.logo_type = None, ""
    row.created_by = actor if getattr(actor, "is_authenticated", False) else None
    row.save()
    after = row_state(row)
    if after != before:
        audit.record(user=actor, action=Action.UPDATE if existing else Action.CREATE,
                     object_type=ObjectType.SETTINGS, object_id=row.pk, old=before, new=after,
                     department_id=department.pk,
                     summary=f"Réglages du département {department.code} en vigueur au {applies_from:%d/%m/%Y}")
    return row


def import_yaml(*, actor: Any, department: Department, path: Path, applies_from: dt.date) -> DepartmentSettings:
    """Imports a department's former YAML settings file (the fields of the documents' configuration plus
    president, membres, lieu; ``logo`` a path relative to the file) as a dated row."""
    import yaml

    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise SettingsError(f"{path.name} : fichier illisible ou YAML invalide ({exc}).") from None
    if not isinstance(raw, dict):
        raise SettingsError(f"{path.name} : attendu des champs « nom: valeur » (etablissement, president…).")
    unknown = sorted(set(raw) - YAML_KEYS - {"signature_image"})
    if unknown:
        raise SettingsError(f"{path.name} : champ(s) inconnu(s) {', '.join(map(str, unknown))} ; champs possibles : "
                            f"{', '.join(sorted(YAML_KEYS))}.")
    values: dict[str, Any] = {}
    for key in TEXT_FIELDS:
        if key in raw and raw[key] is not None:
            value = raw[key]
            values[key] = "\n".join(str(m) for m in value) if isinstance(value, list) else str(value)
    if key_membres := values.get("membres"):
        values["membres"] = "\n".join(m.strip() for m in key_membres.replace(",", "\n").splitlines() if m.strip())
    for key in ("afficher_rangs", "details_evaluations"):
        if key in raw:
            values[key] = bool(raw[key])
    logo = None
    if raw.get("logo"):
        logo_path = (path.parent / str(raw["logo"])).resolve()
        try:
            logo = logo_path.read_bytes()
        except OSError:
            raise SettingsError(f"{path.name} : logo « {raw['logo']} » introuvable à côté du fichier.") from None
    return save_settings(actor=actor, department=department, applies_from=applies_from, values=values, logo=logo)
