"""Documents from scenario files of ``delibe simulate`` (one student each), without a database: the jury
engine deliberates them and the documents render its decisions; the documents' settings come from a YAML
file (``--config``) or the formation."""

from __future__ import annotations

import datetime
import sys
from collections.abc import Sequence
from dataclasses import fields
from pathlib import Path
from typing import Any

import click

from delibe.cli.base import fail


def load_config(path: Path | None, formation: Any = None) -> Any:
    """The documents' configuration from a YAML file; without one, the formation's établissement and
    département."""
    from delibe.reports.data import ReportConfig

    if path is None:
        if formation is not None and formation.etablissement:
            return ReportConfig(etablissement=formation.etablissement, departement=formation.departement)
        return ReportConfig()
    import yaml

    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        fail(f"{path}: lecture impossible ({exc.strerror})")
    except yaml.YAMLError as exc:
        fail(f"{path}: YAML invalide ({exc})")
    if not isinstance(raw, dict):
        fail(f"{path}: attendu des champs « nom: valeur » (etablissement, departement, logo…)")
    known = {f.name for f in fields(ReportConfig)}
    unknown = sorted(set(raw) - known)
    if unknown:
        fail(f"{path}: champ(s) inconnu(s) {', '.join(unknown)}; champs possibles: {', '.join(sorted(known))}")
    if raw.get("logo") and "://" not in str(raw["logo"]):
        raw["logo"] = str((path.parent / str(raw["logo"])).resolve())
    if raw.get("signature_image") and "://" not in str(raw["signature_image"]):
        raw["signature_image"] = str((path.parent / str(raw["signature_image"])).resolve())
    return ReportConfig(**raw)


def today() -> str:
    return datetime.date.today().isoformat()


def etudiant_for(path: Path, name: str | None, index: int = 0) -> Any:
    from delibe.reports.data import Identite

    if name:
        nom, _, prenom = name.partition(" ")
        return Identite(nom=nom, prenom=prenom, numero=f"{index + 1:04d}")
    return Identite(nom=path.stem, prenom="", numero=f"{index + 1:04d}")


def read_scenarios(files: Sequence[Path]) -> list[tuple[Path, Any, Any]]:
    """(file, scenario, CursusResult) for each file; any error stops with the file and the place."""
    from delibe.simulate import ScenarioError, read_scenario, run

    out = []
    errors = []
    for path in files:
        try:
            scenario = read_scenario(path)
            out.append((path, scenario, run(scenario)))
        except ScenarioError as exc:
            errors.append(str(exc))
    if errors:
        for message in errors:
            click.echo(f"Erreur: {message}", err=True)
        sys.exit(2)
    return out


def scenario_documents(scenarios: tuple[Path, ...], annee_but: int | None, date_jury: str | None, president: str,
                       membres: tuple[str, ...], config_path: Path | None, court: bool) -> list[Any]:
    from delibe.reports import adapters, batch

    loaded = read_scenarios(scenarios)
    formation = loaded[0][1].formation
    config = load_config(config_path, formation)
    if court:
        from dataclasses import replace

        config = replace(config, details_evaluations=False)
    annee = annee_but or loaded[0][2].years[-1].annee_but
    date = date_jury or today()
    students = [(etudiant_for(p, None, i), r) for i, (p, _, r) in enumerate(loaded)]
    try:
        pv = adapters.pv_from_cursus(config, formation, students, annee_but=annee, date_jury=date,
                                     president=president or config.signataire_nom or "(président du jury)",
                                     membres=membres, lieu=config.ville)
        bulletins, lettres, releves, attestations = [], [], [], []
        for (path, sc, result), (who, _) in zip(loaded, students):
            bulletins += adapters.bulletins_from_cursus(config, formation, result, who, annee_but=annee,
                                                        date_jury=date, parcours=sc.cursus.parcours)
            lettres.append(adapters.lettre_from_cursus(config, formation, result, who, date_jury=date,
                                                       annee_but=annee))
            for diplome, awarded in (("DUT", result.final.dut), ("BUT", result.final.but)):
                if awarded:
                    releves.append(adapters.releve_from_cursus(config, formation, result, who, diplome=diplome,
                                                               date_jury=date, parcours=sc.cursus.parcours))
                    attestations.append(adapters.attestation_from_cursus(
                        config, formation, result, who, diplome=diplome, date_jury=date,
                        parcours=sc.cursus.parcours))
        return batch.semester_documents(bulletins, pv, lettres, releves, attestations)
    except ValueError as exc:
        fail(str(exc))
