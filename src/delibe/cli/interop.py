"""Interoperability commands: ``delibe import etudiants|photos``, ``delibe apogee export``, ``delibe departement
export|import``. Each reads or writes files through an adapter and writes the database through a
service (one transaction, audited with the channel « import »); on any error nothing is written and the
command exits with status 2 after listing the problems."""

from __future__ import annotations

from pathlib import Path
from typing import Any, NoReturn

import click

from delibe.engine.inscription import POLITIQUES_AVANT_INSCRIPTION

MAX_SHOWN = 50


def _setup() -> None:
    from delibe.cli.web import _setup as setup

    setup()


def _fail(message: str, issues: Any = ()) -> NoReturn:
    click.echo(f"Erreur : {message}", err=True)
    issues = list(issues)
    for issue in issues[:MAX_SHOWN]:
        click.echo(f"  - {issue}", err=True)
    if len(issues) > MAX_SHOWN:
        click.echo(f"  … et {len(issues) - MAX_SHOWN} autre(s) problème(s).", err=True)
    raise SystemExit(2)


def _read(path: Path, limit: int) -> bytes:
    if not path.is_file():
        _fail(f"fichier introuvable : {path}")
    size = path.stat().st_size
    if size > limit:
        _fail(f"{path} : fichier trop volumineux ({size} octets, maximum {limit}).")
    try:
        return path.read_bytes()
    except OSError as error:
        _fail(f"lecture impossible de {path} : {error.strerror}.")


def _run(semestre: int) -> Any:
    from delibe.web.models import SemesterRun

    run = SemesterRun.objects.select_related("formation", "academic_year").filter(pk=semestre).first()
    if run is None:
        known = ", ".join(f"{r.pk} ({r})" for r in SemesterRun.objects.select_related("formation", "academic_year")[:20])
        _fail(f"aucun semestre d'identifiant {semestre}. Semestres : {known or 'aucun'}.")
    return run


def _write_atomically(target: Path, data: bytes) -> None:
    import os
    import tempfile

    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        _fail(f"le dossier {directory} n'existe pas : créez-le ou choisissez un autre fichier de sortie.")
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# --- delibe import etudiants ---------------------------------------------------------------------------

@click.group("import")
def import_() -> None:
    """Importer des données d'un autre logiciel (liste d'étudiants du secrétariat)."""


@import_.command("etudiants")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--semestre", "semestre", type=int, required=True, help="Identifiant du semestre (SemesterRun).")
@click.option("--parcours", "parcours", default="", help="Parcours des étudiants sans colonne « parcours ».")
@click.option("--inscrit-le", "inscrit_le", type=click.DateTime(formats=["%Y-%m-%d", "%d/%m/%Y"]), default=None,
              help="Date d'inscription quand le semestre a déjà des notes (par défaut : aujourd'hui).")
@click.option("--avant-inscription", "avant_inscription", type=click.Choice(POLITIQUES_AVANT_INSCRIPTION), default="EXC",
              show_default=True, help="Notes manquantes des évaluations antérieures à l'inscription : EXC ou ATT.")
@click.option("--confirmer", is_flag=True, help="Enregistrer (sinon : aperçu seulement, rien n'est écrit).")
def etudiants(file: Path, semestre: int, parcours: str, inscrit_le: Any, avant_inscription: str,
              confirmer: bool) -> None:
    """Importer une liste d'étudiants (CSV ou XLSX) et les inscrire au semestre : aperçu par défaut."""
    _setup()
    from delibe.imports.etudiants import MAX_BYTES
    from delibe.web.audit.context import using
    from delibe.web.services import etudiants_import as service

    run = _run(semestre)
    data = _read(file, MAX_BYTES)
    preview = service.preview_file(run, data, file.name, parcours, inscrit_le.date() if inscrit_le else None)
    for warning in preview.warnings:
        click.echo(f"Attention : {warning}", err=True)
    if not preview.ok:
        _fail(f"{file} refusé ({len(preview.errors)} problème(s)) ; rien n'a été écrit.", preview.errors)
    click.echo(f"Semestre {run} : {len(preview.new)} nouveau(x), {len(preview.updated)} modifié(s), "
               f"{len(preview.unchanged)} inchangé(s).")
    for line in preview.new:
        click.echo(f"  + {line.row.nip} {line.name}")
    for line in preview.updated:
        detail = " ; ".join(f"{service.LABELS.get(k, k)} : « {a} » → « {b} »" for k, (a, b) in line.changes.items())
        click.echo(f"  ~ {line.row.nip} {line.name} : {detail}")
    if preview.late is not None:
        click.echo(preview.late.text(avant_inscription))
    if not confirmer:
        click.echo("Aperçu seulement : rien n'a été écrit. Ajoutez --confirmer pour enregistrer.")
        return
    with using(channel="import"):
        try:
            counts = service.commit(user=None, run=run, preview=preview, avant_inscription=avant_inscription)
        except service.StudentImportError as error:
            _fail(str(error))
    click.echo(f"Enregistré : {counts['crees']} créé(s), {counts['modifies']} modifié(s).")


@import_.command("photos")
@click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--departement", "departement", required=True, help="Code du département (ex. mmi).")
@click.option("--correspondance", type=click.Path(dir_okay=False, path_type=Path),
              help="Feuille NIP → fichier (CSV ou XLSX) ; sans elle, les photos s'appellent <NIP>.jpg.")
def photos(archive: Path, departement: str, correspondance: Path | None) -> None:
    """Importer les photos des étudiants (archive .zip) : toutes ou aucune."""
    _setup()
    from django.conf import settings

    from delibe.web.audit.context import using
    from delibe.web.models import Department
    from delibe.web.services import photos as service

    department = Department.objects.filter(code=departement).first()
    if department is None:
        known = ", ".join(Department.objects.values_list("code", flat=True)) or "aucun"
        _fail(f"aucun département « {departement} » (départements : {known}).")
    data = _read(archive, int(settings.DELIBE_MAX_PHOTOS_BYTES))
    sheet = _read(correspondance, int(settings.DELIBE_MAX_UPLOAD_BYTES)) if correspondance else None
    with using(channel="import"):
        try:
            done = service.import_photos(user=None, department=department, zip_data=data, zip_name=archive.name,
                                         mapping_data=sheet, mapping_name=correspondance.name if correspondance else "")
        except service.PhotoError as error:
            _fail(f"{archive} refusé ({len(error.issues)} problème(s)) ; rien n'a été écrit.", error.issues)
    click.echo(f"Enregistré : {done.created} photo(s) ajoutée(s), {done.replaced} remplacée(s).")


# --- delibe apogee export ------------------------------------------------------------------------------

@click.group()
def apogee() -> None:
    """Remplir une maquette Apogée avec les notes et décisions d'un semestre."""


@apogee.command("export")
@click.argument("maquette", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--semestre", "semestre", type=int, required=True, help="Identifiant du semestre (SemesterRun).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Fichier à écrire (ISO-8859-1, CRLF). Rien n'est écrit en cas d'erreur.")
@click.option("--correspondance", type=click.Path(dir_okay=False, path_type=Path),
              help="Correspondance Délibé → Apogée (YAML ou JSON, voir docs/interop.md).")
def apogee_export(maquette: Path, semestre: int, output: Path, correspondance: Path | None) -> None:
    """Remplir MAQUETTE (fichier Apogée) avec les moyennes et codes du jury du semestre."""
    _setup()
    from delibe.reports.apogee import MAX_BYTES, ApogeeError, load_mapping
    from delibe.web.services.apogee_export import export_apogee

    run = _run(semestre)
    try:
        mapping = load_mapping(_read(correspondance, 1024 * 1024), correspondance.name) if correspondance else None
        result = export_apogee(run, _read(maquette, MAX_BYTES), mapping)
    except ApogeeError as error:
        _fail(str(error))
    if output.exists() and output.resolve() == maquette.resolve():
        _fail("le fichier de sortie est la maquette : choisissez un autre nom.")
    _write_atomically(output, result.data)
    click.echo(f"{output} écrit : {result.filled} étudiant(s) rempli(s), {len(result.columns)} colonne(s).")
    for warning in result.warnings:
        click.echo(f"Attention : {warning}", err=True)
    if result.unknown:
        click.echo(f"Inconnus de Délibé, laissés tels quels ({len(result.unknown)}) : {', '.join(result.unknown)}",
                   err=True)
    if result.absent:
        click.echo(f"Inscrits dans Délibé mais absents de la maquette ({len(result.absent)}) : "
                   f"{', '.join(result.absent)}", err=True)


# --- delibe departement export|import -------------------------------------------------------------------

@click.group()
def departement() -> None:
    """Créer un département, y importer une formation ; le sauvegarder en JSON ou le restaurer."""


@departement.command("export")
@click.argument("code")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--sans-photos", is_flag=True,
              help="Sans les photos des étudiants (jusqu'à 130 Ko chacune ; le fichier dit qu'elles manquent).")
def departement_export(code: str, output: Path, sans_photos: bool) -> None:
    """Écrire tout le département CODE dans un fichier JSON (format versionné), photos comprises."""
    _setup()
    from delibe.web.services.sauvegarde_json import SauvegardeError, dumps, export_department

    try:
        document = export_department(code, photos=not sans_photos)
    except SauvegardeError as error:
        _fail(str(error))
    _write_atomically(output, dumps(document).encode("utf-8"))
    counts = ", ".join(f"{len(v)} {k}" for k, v in document.items() if isinstance(v, list))
    click.echo(f"{output} écrit : {counts}.")


@departement.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def departement_import(file: Path) -> None:
    """Restaurer un département depuis FILE (refusé s'il existe déjà ; tout ou rien)."""
    _setup()
    import json

    from delibe.web.services.sauvegarde_json import MAX_BYTES, SauvegardeError, import_department

    try:
        document = json.loads(_read(file, MAX_BYTES).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        _fail(f"{file} n'est pas un JSON lisible ({error}) ; rien n'a été écrit.")
    try:
        counts = import_department(document)
    except SauvegardeError as error:
        _fail(f"{error} Rien n'a été écrit.")
    click.echo("Département restauré : " + ", ".join(f"{n} {k}" for k, n in counts.items()) + ".")


@departement.command("creer")
@click.argument("code")
@click.option("--nom", required=True, help="Nom du département, tel qu'il apparaît sur les pages et les documents.")
def departement_creer(code: str, nom: str) -> None:
    """Créer le département CODE (lettres minuscules, chiffres, tirets), comme la page « Créer un département »."""
    _setup()
    from delibe.web.audit.context import using
    from delibe.web.services.departements import DepartmentError, create_department

    with using(channel="cli"):
        try:
            department = create_department(user=None, code=code, nom=nom)
        except DepartmentError as error:
            _fail(str(error))
    click.echo(f"Département « {department.nom} » créé (code {department.code}, n° {department.pk}).")


@departement.command("formation")
@click.argument("code")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--confirmer", is_flag=True, help="Enregistrer ; sans cette option, seulement l'aperçu.")
def departement_formation(code: str, file: Path, confirmer: bool) -> None:
    """Importer le fichier de formation FILE (YAML) dans le département CODE : aperçu, puis --confirmer
    l'enregistre (comme la page « Importer une formation »)."""
    _setup()
    from delibe.imports.limits import MAX_UPLOAD_BYTES
    from delibe.web.audit.context import using
    from delibe.web.models import Department
    from delibe.web.services import formations as service

    department = Department.objects.filter(code=code.strip()).first()
    if department is None:
        _fail(f"aucun département de code « {code} ».")
    preview = service.preview_formation(department, _read(file, MAX_UPLOAD_BYTES), file.name)
    if not preview.ok:
        _fail(f"{file} refusé ; rien n'a été écrit.", preview.errors)
    click.echo(f"{preview.titre} ({preview.slug} v{preview.version}) : {len(preview.parcours)} parcours, "
               f"{len(preview.semestres)} semestre(s), {preview.ues} UE, {preview.modules} modules.")
    click.echo(preview.outcome)
    if not confirmer:
        click.echo("Aperçu seulement : ajoutez --confirmer pour enregistrer.")
        return
    with using(channel="cli"):
        try:
            version = service.import_formation(user=None, department=department, text=preview.text,
                                               filename=file.name)
        except service.FormationLoadError as error:
            _fail(f"{error} Rien n'a été écrit.")
    click.echo(f"Enregistrée : {version.slug} v{version.version} (n° {version.pk}).")
