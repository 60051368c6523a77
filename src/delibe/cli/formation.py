"""``delibe formation``: check a formation file against the BUT rules, and show its fiche formation.

Exit codes of ``check``: 0 no error (warnings and information allowed), 1 errors, 2 the file cannot be
loaded (the message lists every problem with file, line and field). ``show`` exits 2 as well when the file
cannot be loaded or the parcours is unknown.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence

import click

from delibe.engine.check import SEVERITY_ORDER, Finding, Severity, check_formation, has_errors
from delibe.engine.fiche import build_fiche
from delibe.engine.model import Formation
from delibe.engine.parameters import DEFAULT_REGLES
from delibe.formations import FormationError, list_formations, load_formation

TITLES = {Severity.ERREUR: "Erreurs", Severity.AVERTISSEMENT: "Avertissements", Severity.INFO: "Informations"}


def _load(source: str, as_json: bool) -> Formation:
    try:
        return load_formation(source)
    except FormationError as exc:
        if as_json:
            click.echo(json.dumps({"chargement": "impossible", "problemes": [
                {"fichier": p.filename, "ligne": p.line, "champ": p.field, "message": p.message}
                for p in exc.problems]}, ensure_ascii=False, indent=2))
        else:
            click.echo(f"Impossible de charger la formation « {source} ».", err=True)
            click.echo(str(exc), err=True)
        sys.exit(2)


def _lines_of_places(source: str) -> dict[str, int]:
    """Map the places findings name (« S5 », « S5 › UE5.3 », « S5 › R5-01 ») to lines of the file, so that
    the report says where to edit. Best effort: an empty map if the file cannot be re-read."""
    from delibe.formations.loader import resolve
    from delibe.formations.yamlread import YamlReadError, read_yaml

    try:
        data, lines = read_yaml(resolve(source).read_bytes())
    except (OSError, YamlReadError):
        return {}
    places: dict[str, int] = {}
    for i, sem in enumerate(data.get("semestres") or []):
        if not isinstance(sem, dict):
            continue
        numero = sem.get("numero")
        places.setdefault(f"S{numero}", lines.get(("semestres", i), 0))
        for kind in ("ues", "modules"):
            for j, item in enumerate(sem.get(kind) or []):
                if isinstance(item, dict):
                    places.setdefault(f"S{numero} › {item.get('code')}", lines.get(("semestres", i, kind, j), 0))
    return places


def _line_of(place: str, places: dict[str, int]) -> int | None:
    parts = place.split(" › ")
    for size in (2, 1):
        for start in range(len(parts) - size, -1, -1):
            key = " › ".join(parts[start:start + size])
            if places.get(key):
                return places[key]
    return None


@click.group()
def formation() -> None:
    """Vérifier et afficher une formation (fichier YAML ou identifiant sous formations/)."""


@formation.command("list")
def list_command() -> None:
    """Lister les formations disponibles (dossier formations/ ou $DELIBE_FORMATIONS_DIR)."""
    for name in list_formations():
        click.echo(name)


@formation.command("check")
@click.argument("source", metavar="FICHIER|ID")
@click.option("--json", "as_json", is_flag=True, help="Résultat en JSON.")
def check_command(source: str, as_json: bool) -> None:
    """Contrôler la conformité d'une formation (ECTS, UE et niveaux, RCUE, poids des pôles, coefficients,
    heures). Code de sortie : 0 sans erreur, 1 avec erreurs, 2 si le fichier est illisible."""
    loaded = _load(source, as_json)
    findings = check_formation(loaded, DEFAULT_REGLES)
    places = _lines_of_places(source)
    if as_json:
        counts = {str(s): sum(1 for f in findings if f.severity is s) for s in SEVERITY_ORDER}
        click.echo(json.dumps({"formation": loaded.id, "conforme": not has_errors(findings), "compte": counts,
                               "constats": [{**f.as_dict(), "ligne": _line_of(f.place, places)} for f in findings]},
                              ensure_ascii=False, indent=2))
    else:
        click.echo(_render_findings(loaded, findings, places))
    sys.exit(1 if has_errors(findings) else 0)


def _render_findings(loaded: Formation, findings: Sequence[Finding], places: dict[str, int]) -> str:
    out = [f"Formation {loaded.id} (version {loaded.version}) — {loaded.titre}"]
    for severity in SEVERITY_ORDER:
        group = [f for f in findings if f.severity is severity]
        if not group:
            continue
        out += ["", f"{TITLES[severity]} ({len(group)})"]
        for f in group:
            line = _line_of(f.place, places)
            where = f" (ligne {line})" if line else ""
            out.append(f"  - [{f.rule}] {f.place}{where} : {f.message}")
            out.append(f"      source : {f.source.reference}")
            if f.fix:
                out.append(f"      correction : {f.fix}")
    errors = sum(1 for f in findings if f.severity is Severity.ERREUR)
    warnings = sum(1 for f in findings if f.severity is Severity.AVERTISSEMENT)
    out += ["", f"Bilan : {errors} erreur(s), {warnings} avertissement(s) — "
                + ("formation NON conforme." if errors else "formation conforme.")]
    return "\n".join(out)


def _semestres(value: str | None) -> list[int] | None:
    if not value:
        return None
    try:
        numbers = [int(part) for part in value.replace(" ", "").split(",") if part]
    except ValueError:
        raise click.BadParameter("liste de semestres attendue, par exemple 5,6") from None
    if not numbers or any(not 1 <= n <= 6 for n in numbers):
        raise click.BadParameter("les semestres vont de 1 à 6, par exemple 5,6")
    return numbers


@formation.command("show")
@click.argument("source", metavar="FICHIER|ID")
@click.option("--parcours", "parcours", default=None, help="Code du parcours (ex. Créa) : seulement ses semestres.")
@click.option("--semestres", "semestres", default=None, help="Semestres à montrer, ex. 5,6 (défaut : tous).")
@click.option("--format", "fmt", type=click.Choice(["text", "md", "html"]), default="text", show_default=True,
              help="Format de sortie.")
@click.option("--json", "as_json", is_flag=True, help="La fiche en JSON (contrat stable, docs/formation-format.md).")
def show_command(source: str, parcours: str | None, semestres: str | None, fmt: str, as_json: bool) -> None:
    """Afficher la fiche formation : UE, ressources et SAÉ avec heures et coefficients, totaux."""
    from delibe.reports.fiche import fiche_json, render_html, render_markdown, render_text

    chosen = _semestres(semestres)
    loaded = _load(source, as_json)
    try:
        fiche = build_fiche(loaded, parcours, chosen)
    except ValueError as exc:
        click.echo(f"Erreur : {exc}.", err=True)
        sys.exit(2)
    if as_json:
        click.echo(json.dumps(fiche_json(fiche), ensure_ascii=False, indent=2))
    elif fmt == "md":
        click.echo(render_markdown(fiche), nl=False)
    elif fmt == "html":
        click.echo(render_html(fiche), nl=False)
    else:
        click.echo(render_text(fiche), nl=False)


from delibe.cli.formation_scodoc import import_scodoc

formation.add_command(import_scodoc)
