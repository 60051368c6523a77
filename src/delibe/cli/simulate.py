"""``delibe simulate FILE...``: the jury decisions of scenario files, as JSON (what-if)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click


@click.command("simulate")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def simulate(files: tuple[Path, ...]) -> None:
    """Simuler les décisions de jury des scénarios FILE… (format: ../shared/scenarios/README.md).

    Un fichier: un objet JSON. Plusieurs: une ligne JSON par fichier (JSON Lines), avec sa clé "file".
    Un scénario invalide: message en français sur la sortie d'erreur, code de sortie 2, rien sur la
    sortie standard."""
    from delibe.formations import FormationError, load_formation
    from delibe.simulate import ScenarioError, read_scenario, run, to_json

    cache: dict[tuple[str, Path | None], object] = {}

    def load(reference: str, base: Path | None):  # type: ignore[no-untyped-def]
        candidate: str | Path = reference
        if base is not None and ("/" in reference or reference.endswith((".yaml", ".yml"))):
            if (base / reference).is_file():
                candidate = base / reference
        key = (str(candidate), None)
        if key not in cache:
            try:
                cache[key] = load_formation(candidate)
            except FormationError as exc:
                raise ValueError(str(exc)) from None
        return cache[key]

    outputs = []
    errors = []
    for path in files:
        try:
            scenario = read_scenario(path, load)
            outputs.append({"file": str(path), **to_json(scenario.formation, run(scenario))})
        except ScenarioError as exc:
            errors.append(str(exc))
    if errors:
        for message in errors:
            click.echo(f"Erreur: {message}", err=True)
        sys.exit(2)
    if len(outputs) == 1:
        click.echo(json.dumps(outputs[0], ensure_ascii=False, indent=2))
    else:
        for output in outputs:
            click.echo(json.dumps(output, ensure_ascii=False))
