"""``delibe simulate FILE...``: the jury decisions of scenario files, as JSON (what-if)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click


@click.command("simulate")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def simulate(files: tuple[Path, ...]) -> None:
    """Simuler les décisions de jury des scénarios FILE… (what-if).

    \b
    Format des scénarios: docs/scenario-format.md

    Un scénario décrit le cursus d'un étudiant: formation, parcours, puis chaque année (years) avec ses
    moyennes d'UE (ue) ou de modules (modules), et au besoin jury, attente, sortie, absences,
    derogations, ue_acquises_avant ; les règles d'assiduité du département se déclarent dans assiduite.

    Un fichier: un objet JSON. Plusieurs: une ligne JSON par fichier (JSON Lines), avec sa clé "file".
    Un scénario invalide: message en français sur la sortie d'erreur, code de sortie 2, rien sur la
    sortie standard. Une décision du jury sans « raison » est simulée avec un motif par défaut et
    signalée sur la sortie d'erreur."""
    from delibe.simulate import ScenarioError, default_formation_loader, read_scenario
    from delibe.simulate import simulate as decisions_of

    outputs = []
    errors = []
    warnings: list[str] = []
    for path in files:
        try:
            scenario = read_scenario(path, default_formation_loader)
            warnings.extend(scenario.warnings)
            outputs.append({"file": str(path), **decisions_of(scenario)})
        except ScenarioError as exc:
            errors.append(str(exc))
    for message in warnings:
        click.echo(f"Attention: {message}", err=True)
    if errors:
        for message in errors:
            click.echo(f"Erreur: {message}", err=True)
        sys.exit(2)
    if len(outputs) == 1:
        click.echo(json.dumps(outputs[0], ensure_ascii=False, indent=2))
    else:
        for output in outputs:
            click.echo(json.dumps(output, ensure_ascii=False))
