"""``delibe referentiel``: import a national référentiel de compétences (Orébut XML or ScoDoc JSON) as
the ``referentiel:`` block of a formation file, or show what a file contains.

All or nothing: on any error nothing is written (the output goes to a temporary file renamed at the
end) and the command exits with status 2 after listing every problem with its place."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path
from typing import NoReturn

import click

from delibe.engine.model import Referentiel
from delibe.imports.referentiel import FORMATS, ReferentielImport, parse_referentiel
from delibe.imports.referentiel_yaml import FORMAT_NAMES, render_referentiel_yaml
from delibe.imports.results import MAX_INPUT_BYTES, Issue

MAX_ERRORS_SHOWN = 50


def _fail(message: str, issues: tuple[Issue, ...] = ()) -> NoReturn:
    click.echo(f"Erreur : {message}", err=True)
    for issue in issues[:MAX_ERRORS_SHOWN]:
        click.echo(f"  - {issue}", err=True)
    if len(issues) > MAX_ERRORS_SHOWN:
        click.echo(f"  … et {len(issues) - MAX_ERRORS_SHOWN} autre(s) problème(s).", err=True)
    raise SystemExit(2)


def _read(path: Path) -> bytes:
    try:
        if not path.is_file():
            _fail(f"fichier introuvable : {path}")
        size = path.stat().st_size
        if size > MAX_INPUT_BYTES:
            _fail(f"{path} : fichier trop volumineux ({size} octets, maximum {MAX_INPUT_BYTES}).")
        return path.read_bytes()
    except OSError as error:
        _fail(f"lecture impossible de {path} : {error.strerror}.")


def _load(path: Path, format: str, specialite: str | None, writing: bool = True) -> ReferentielImport:
    result = parse_referentiel(_read(path), path.name, format, specialite)
    for warning in result.warnings:
        click.echo(f"Attention : {warning}", err=True)
    if not result.ok or result.value is None:
        count = len(result.errors)
        consequence = " ; rien n'a été écrit" if writing else ""
        _fail(f"{path} n'a pas pu être lu ({count} problème{'s' if count > 1 else ''}){consequence}.", result.errors)
    return result.value


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _write_atomically(target: Path, text: str) -> None:
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        _fail(f"le dossier {directory} n'existe pas : créez-le ou choisissez un autre fichier de sortie.")
    try:
        handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as error:
        _fail(f"écriture impossible dans {directory} : {error.strerror} ; rien n'a été écrit.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp creates 0600; give the file the usual mode
        os.replace(temporary, target)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        _fail(f"écriture impossible de {target} : {error.strerror} ; rien n'a été écrit.")
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


FORMAT_OPTION = click.option(
    "--format",
    "format_",
    type=click.Choice(("auto", *FORMATS)),
    default="auto",
    show_default=True,
    help="Format du fichier : orebut (XML Orébut), scodoc (JSON exporté par ScoDoc), auto (d'après le contenu).",
)
SPECIALITE_OPTION = click.option(
    "--specialite",
    help="Spécialité à lire (ex. GEII) dans un export Orébut de toutes les spécialités ; vérifiée sinon.",
)


@click.group()
def referentiel() -> None:
    """Importer ou afficher un référentiel de compétences national (Orébut XML, ScoDoc JSON)."""


@referentiel.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@FORMAT_OPTION
@SPECIALITE_OPTION
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Fichier YAML à écrire (sinon : sortie standard). Rien n'est écrit en cas d'erreur.")
def import_(file: Path, format_: str, specialite: str | None, output: Path | None) -> None:
    """Convertir FILE en bloc `referentiel:` d'un fichier de formation (docs/formation-format.md)."""
    if output is not None and output.exists() and file.exists() and output.resolve() == file.resolve():
        _fail(f"le fichier de sortie {output} est le fichier importé : choisissez un autre nom (ex. referentiel.yaml).")
    rows = _load(file, format_, specialite)
    text = render_referentiel_yaml(rows.to_referentiel(), source_file=file.name, source_format=rows.source_format,
                                   imported_on=dt.date.today())
    if output is None:
        click.echo(text, nl=False)
        return
    _write_atomically(output, text)
    ref = rows.to_referentiel()
    click.echo(f"{output} écrit : référentiel {ref.specialite}, {len(ref.competences)} compétences, "
               f"{len(ref.parcours)} parcours.", err=True)


def summary(ref: Referentiel, source_format: str) -> list[str]:
    niveaux = sum(len(c.niveaux) for c in ref.competences)
    acs = sum(len(n.apprentissages_critiques) for c in ref.competences for n in c.niveaux)
    version = f" (version {ref.version})" if ref.version else ""
    lines = [
        f"Référentiel {ref.specialite} — {ref.specialite_long}{version}, {FORMAT_NAMES.get(source_format, source_format)}",
        f"{len(ref.competences)} compétences, {niveaux} niveaux, {acs} apprentissages critiques",
    ]
    for c in ref.competences:
        detail = ", ".join(f"niveau {n.ordre} en BUT{n.annee} : {len(n.apprentissages_critiques)} AC"
                           for n in c.niveaux)
        lines.append(f"  {c.numero}. {c.nom_court} — {len(c.niveaux)} niveau{'x' if len(c.niveaux) > 1 else ''} "
                     f"({detail})")
    lines.append(f"{len(ref.parcours)} parcours")
    for p in ref.parcours:
        years = " ; ".join(
            f"BUT{annee} : " + ", ".join(f"{nom} {ordre}" for nom, ordre in p.niveaux[annee].items())
            for annee in sorted(p.niveaux)
        )
        lines.append(f"  {p.code} — {p.libelle} : {years}")
    return lines


@referentiel.command("show")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@FORMAT_OPTION
@SPECIALITE_OPTION
def show(file: Path, format_: str, specialite: str | None) -> None:
    """Résumer FILE : compétences, niveaux, nombre d'apprentissages critiques, parcours."""
    rows = _load(file, format_, specialite, writing=False)
    click.echo("\n".join(summary(rows.to_referentiel(), rows.source_format)))
