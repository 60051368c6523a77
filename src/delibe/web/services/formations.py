"""Formations in the database: each version of a formation file is stored with its text and hash, and
turned back into the engine's ``Formation`` through the loader (cached per version: it never changes)."""

from __future__ import annotations

import hashlib
import re
import threading
from pathlib import Path

from django.conf import settings
from django.db import transaction

from delibe.engine.model import Formation
from delibe.web.models import Department, FormationVersion

_cache: dict[tuple[str, str], Formation] = {}  # (slug, sha256) -> model: a stored text never changes
_lock = threading.Lock()


class FormationLoadError(Exception):
    pass


def _parse(text: str, slug: str) -> Formation:
    from delibe.formations import FormationError, load_formation_text

    try:
        return load_formation_text(text, filename=f"{slug}.yaml", expected_id=slug)
    except FormationError as error:
        raise FormationLoadError(str(error)) from error


def formation_model(version: FormationVersion) -> Formation:
    """The engine's model of a stored formation version."""
    return _parsed(version.yaml_text, version.slug, version.sha256)


def _parsed(text: str, slug: str, sha: str) -> Formation:
    key = (slug, sha)
    cached = _cache.get(key)
    if cached is None:
        with _lock:
            cached = _cache.get(key) or _parse(text, slug)
            _cache[key] = cached
    return cached


VERSION_LINE = re.compile(r"^version:[ \t]*\d+[ \t]*$", re.MULTILINE)


def _renumbered(text: str, number: int) -> str:
    """The text with its top-level ``version:`` line set to ``number`` (the stored text then says which
    version it is); unchanged when the file has no such line."""
    return VERSION_LINE.sub(f"version: {number}", text, count=1)


@transaction.atomic
def store_formation_text(department: Department, slug: str, text: str, user: object = None) -> FormationVersion:
    """Stores a formation file's text. A stored version is never rewritten: the same text returns the
    existing version; a changed text declares a new ``version`` (a student stays on the version they
    started with). A changed text that still declares the number of a version used by a locked semester
    (a closed jury) becomes the next version by itself, so that the locked year keeps its programme;
    otherwise the author is asked to raise the number."""
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    existing = FormationVersion.objects.filter(slug=slug, sha256=sha).first()
    if existing is not None:
        return existing
    formation = _parsed(text, slug, sha)
    taken = FormationVersion.objects.filter(slug=slug, version=formation.version).first()
    note = ""
    if taken is not None:
        if not taken.semesters.filter(locked=True).exists():
            raise FormationLoadError(
                f"{slug}.yaml a changé mais déclare toujours « version: {formation.version} » : augmentez le "
                "numéro de version du fichier pour enregistrer la nouvelle version (les étudiants déjà inscrits "
                "restent sur l'ancienne)."
            )
        number = max(FormationVersion.objects.filter(slug=slug).values_list("version", flat=True)) + 1
        renumbered = _renumbered(text, number)
        if renumbered != text:
            text, sha = renumbered, hashlib.sha256(renumbered.encode("utf-8")).hexdigest()
            existing = FormationVersion.objects.filter(slug=slug, sha256=sha).first()
            if existing is not None:
                return existing
            formation = _parsed(text, slug, sha)
        note = (f"v{taken.version} est utilisée par un semestre verrouillé : enregistrée comme nouvelle "
                f"version v{number}")
    stored = FormationVersion.objects.create(
        department=department, slug=slug, version=formation.version if not note else number,
        titre=formation.titre, yaml_text=text, sha256=sha,
    )
    from delibe.web.audit import services as audit  # here: the audit app imports this module's models

    audit.formation_stored(version=stored, user=user, reason=note)
    return stored


def load_formation_file(department: Department, slug: str, directory: Path | None = None) -> FormationVersion:
    path = (directory or Path(settings.DELIBE_FORMATIONS_DIR)) / f"{slug}.yaml"
    if not path.exists():
        raise FormationLoadError(f"Fichier introuvable : {path}.")
    return store_formation_text(department, slug, path.read_text(encoding="utf-8"))
