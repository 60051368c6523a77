"""``delibe jury checklist --semestre ID``: what blocks the closing of a jury, from the database — the same
list as the web's « Clore le jury » page and ``GET /api/v1/semestres/{id}/jury/checklist``."""

from __future__ import annotations

import json

import click


@click.group("jury")
def jury() -> None:
    """Le jury d'un semestre de la base (liste de contrôle avant la clôture)."""


@jury.command("checklist")
@click.option("--semestre", "run_id", type=int, required=True,
              help="Numéro (ID) du semestre : « delibe documents semestres » les liste.")
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON (mêmes champs que l'API).")
def checklist(run_id: int, as_json: bool) -> None:
    """Points bloquants avant de clore le jury : évaluations incomplètes, notes en attente (ATT), étudiants
    sans décision ni proposition, écarts à la proposition sans motif.

    Code de sortie : 0 sans point bloquant, 1 s'il en reste, 2 en cas d'erreur."""
    from delibe.cli.base import db_run, run_label

    run = db_run(run_id)
    from delibe.web.selectors.cloture import jury_checklist

    result = jury_checklist(run)
    if as_json:
        click.echo(json.dumps({
            "semestre": run.pk, "semestres": [r.pk for r in result.runs],
            "verrouille": any(r.locked for r in result.runs), "bloquant": result.blocking,
            "effectifs": result.counts(), "points": [item.as_dict() for item in result.items],
        }, ensure_ascii=False, indent=2))
    else:
        click.echo(f"Jury de {run_label(run)}" + ("  [clos]" if any(r.locked for r in result.runs) else ""))
        if not result.blocking:
            click.echo("Aucun point bloquant : le jury peut être clos.")
        for _, title, items in result.by_kind():
            click.echo(f"\n{title} ({len(items)})")
            for item in items:
                click.echo(f"  - {item.label}\n    [{item.key}] à corriger sur {item.url}")
    raise SystemExit(1 if result.blocking else 0)
