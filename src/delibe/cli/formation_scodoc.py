"""``delibe formation import-scodoc``: a ScoDoc BUT formation export (XML or JSON) and a référentiel
(Orébut XML or ScoDoc JSON) → a Délibé formation file. All or nothing: on any error nothing is written."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import click

from delibe.cli.referentiel import _fail, _read, _write_atomically


@click.command("import-scodoc")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Fichier de formation à écrire (ex. formations/but-mmi-x.yaml ; son nom donne l'identifiant).")
@click.option("--referentiel", "referentiel_file", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Référentiel de compétences de la spécialité (XML Orébut ou JSON ScoDoc).")
@click.option("--id", "formation_id", help="Identifiant de la formation (défaut : le nom du fichier de sortie).")
def import_scodoc(file: Path, output: Path, referentiel_file: Path, formation_id: str | None) -> None:
    """Convertir l'export ScoDoc d'une formation BUT (FILE, XML ou JSON) en fichier de formation Délibé."""
    from delibe.imports.referentiel import parse_referentiel
    from delibe.imports.scodoc_formation import parse_scodoc_formation
    from delibe.imports.scodoc_formation_yaml import ConversionError, formation_yaml

    formation_id = formation_id or output.stem
    if not re.fullmatch(r"[a-z0-9-]+", formation_id):
        _fail(f"identifiant « {formation_id} » invalide : lettres minuscules, chiffres et tirets (--id).")
    parsed = parse_scodoc_formation(_read(file), file.name)
    if not parsed.ok or parsed.value is None:
        _fail(f"{file} n'a pas pu être lu ; rien n'a été écrit.", parsed.errors)
    ref = parse_referentiel(_read(referentiel_file), referentiel_file.name)
    if not ref.ok or ref.value is None:
        _fail(f"{referentiel_file} n'a pas pu être lu ; rien n'a été écrit.", ref.errors)
    try:
        text, warnings = formation_yaml(parsed.value, ref.value.to_referentiel(), formation_id=formation_id,
                                        source_file=file.name, imported_on=dt.date.today())
    except ConversionError as error:
        _fail(f"{file} ne peut pas être converti ; rien n'a été écrit.", tuple(error.issues))
    for warning in (*parsed.warnings, *warnings):
        click.echo(f"Attention : {warning}", err=True)
    _write_atomically(output, text)
    click.echo(f"{output} écrit. Vérifiez-le : delibe formation check {output}", err=True)
