"""Formations in the database: each version of a formation file is stored with its text and hash, and
turned back into the engine's ``Formation`` through the loader (cached per version: it never changes)."""

from __future__ import annotations

import hashlib
import re
import threading
from dataclasses import dataclass, replace
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


# --- importing a formation from the web (issue 13): preview, then confirmation ---------------------------

@dataclass(frozen=True)
class SemesterSummary:
    numero: int
    ues: int
    modules: int


@dataclass(frozen=True)
class FormationPreview:
    """What importing a formation file would do, before anything is written."""

    filename: str
    text: str = ""
    slug: str = ""
    titre: str = ""
    version: int = 0
    parcours: tuple[tuple[str, str], ...] = ()
    semestres: tuple[SemesterSummary, ...] = ()
    ues: int = 0
    modules: int = 0
    outcome: str = ""  # what confirming does, in French
    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors


def bundled_formations(directory: Path | None = None) -> list[tuple[str, str]]:
    """The formation files shipped with the application (``formations/*.yaml``): (identifiant, titre)."""
    from delibe.formations import FormationError, load_formation

    folder = directory or Path(settings.DELIBE_FORMATIONS_DIR)
    found = []
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        try:  # the loader's cache (by file, date and size): not every shipped YAML read again at each request
            titre = load_formation(path).titre
        except (FormationError, OSError):
            continue  # a broken shipped file is not offered (``delibe formation check`` reports it)
        found.append((path.stem, titre))
    return found


def bundled_text(slug: str, directory: Path | None = None) -> tuple[str, str]:
    """(file name, text) of a shipped formation, by identifiant (never a path from the user)."""
    names = dict(bundled_formations(directory))
    if slug not in names:
        raise FormationLoadError(f"Formation fournie : « {slug} » n'existe pas.")
    path = (directory or Path(settings.DELIBE_FORMATIONS_DIR)) / f"{slug}.yaml"
    return path.name, path.read_text(encoding="utf-8")


def preview_formation(department: Department, data: str | bytes, filename: str) -> FormationPreview:
    """Reads a formation file (the YAML of docs/formation-format.md, bounded by the loader: 5 MB, no
    alias, limited depth) and says what importing it into ``department`` would do; writes nothing. Every
    error names its place (file, line, field)."""
    from delibe.formations import FormationError, load_formation_text

    try:
        formation = load_formation_text(data, filename)
    except FormationError as error:
        return FormationPreview(filename=filename, errors=tuple(str(p) for p in error.problems))
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    slug = formation.id
    numbers = sorted({u.semestre for u in formation.ues} | {m.semestre for m in formation.modules})
    errors: list[str] = []
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,79}", slug):
        errors.append(f"{filename}, id : « {slug} » invalide (lettres minuscules, chiffres et tirets).")
    others = (FormationVersion.objects.filter(slug=slug).exclude(department=department)
              .select_related("department").first())
    if others is not None:
        errors.append(f"{filename}, id : l'identifiant « {slug} » est déjà celui d'une formation du département "
                      f"« {others.department} » : choisissez un autre id.")
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    same = FormationVersion.objects.filter(slug=slug, sha256=sha).first()
    taken = FormationVersion.objects.filter(slug=slug, version=formation.version).first()
    if same is not None:
        outcome = f"Déjà enregistrée à l'identique ({slug} v{same.version}) : rien ne changera."
    elif taken is None:
        latest = FormationVersion.objects.filter(slug=slug).order_by("-version").first()
        outcome = (f"Nouvelle version v{formation.version} de {slug} (la v{latest.version} reste pour les semestres "
                   "qui l'utilisent)." if latest else f"Nouvelle formation {slug} v{formation.version}.")
    elif taken.semesters.filter(locked=True).exists():
        number = max(FormationVersion.objects.filter(slug=slug).values_list("version", flat=True)) + 1
        outcome = (f"La v{taken.version} est utilisée par un semestre verrouillé (jury clos) : le fichier sera "
                   f"enregistré comme nouvelle version v{number}, la v{taken.version} ne change pas.")
    else:
        outcome = ""
        errors.append(f"{filename}, version : le fichier diffère de {slug} v{taken.version} déjà enregistrée mais "
                      f"déclare toujours « version: {taken.version} » : augmentez le numéro de version.")
    return FormationPreview(
        filename=filename, text=text, slug=slug, titre=formation.titre, version=formation.version,
        parcours=tuple((p.code, p.libelle) for p in formation.parcours),
        semestres=tuple(SemesterSummary(n, len([u for u in formation.ues if u.semestre == n]),
                                        len([m for m in formation.modules if m.semestre == n])) for n in numbers),
        ues=len(formation.ues), modules=len(formation.modules), outcome=outcome, errors=tuple(errors),
    )


class ScodocConversionError(FormationLoadError):
    """A ScoDoc export (or its référentiel) that cannot become a formation file: every problem, located."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = tuple(errors)
        super().__init__(" ".join(errors))


def preview_scodoc(department: Department, export: bytes, export_name: str, referentiel: bytes,
                   referentiel_name: str, formation_id: str) -> FormationPreview:
    """A ScoDoc BUT formation export (XML or JSON) and its référentiel (Orébut XML or ScoDoc JSON)
    converted into a formation file (as ``delibe formation import-scodoc`` does), then previewed like an
    uploaded file; writes nothing."""
    import datetime as dt

    from delibe.imports.referentiel import parse_referentiel
    from delibe.imports.scodoc_formation import parse_scodoc_formation
    from delibe.imports.scodoc_formation_yaml import ConversionError, formation_yaml

    formation_id = (formation_id or "").strip()
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,79}", formation_id):
        raise ScodocConversionError([(f"Identifiant : « {formation_id} » invalide (lettres minuscules, chiffres et "
                                     "tirets, ex. « but-mmi-dijon »).")])
    parsed = parse_scodoc_formation(export, export_name)
    ref = parse_referentiel(referentiel, referentiel_name)
    errors = [str(e) for e in (*parsed.errors, *ref.errors)]
    if errors or parsed.value is None or ref.value is None:
        raise ScodocConversionError(errors or [f"{export_name} : illisible."])
    try:
        text, warnings = formation_yaml(parsed.value, ref.value.to_referentiel(), formation_id=formation_id,
                                        source_file=export_name, imported_on=dt.date.today())
    except ConversionError as error:
        raise ScodocConversionError([str(i) for i in error.issues]) from error
    preview = preview_formation(department, text, f"{formation_id}.yaml")
    return replace(preview, warnings=tuple(str(w) for w in (*parsed.warnings, *warnings)))


def import_formation(*, user: object, department: Department, text: str, filename: str) -> FormationVersion:
    """Confirms an import previewed by ``preview_formation``: checked again, stored (all or nothing,
    audited), a new version when the declared one is used by a locked semester."""
    preview = preview_formation(department, text, filename)
    if not preview.ok:
        raise FormationLoadError(" ".join(preview.errors))
    return store_formation_text(department, preview.slug, text, user=user)
