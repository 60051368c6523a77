"""``delibe annee``: the academic year of a department from a script — open semesters, copy last year's,
archive a closed year, pass the students into the next year (preview, ``--confirmer`` writes all or
nothing). The same services as the web pages « Années universitaires » and the API."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import click


def _department(code: str) -> Any:
    from delibe.cli.base import DATABASE_HELP, fail, setup_django

    setup_django()
    from delibe.web.models import Department

    department = Department.objects.filter(code=code.strip()).first()
    if department is None:
        codes = ", ".join(Department.objects.values_list("code", flat=True)) or "aucun"
        fail(f"aucun département de code « {code} » (départements : {codes}). {DATABASE_HELP}")
    return department


def _pairs(values: tuple[str, ...], option: str) -> dict[int, str]:
    from delibe.cli.base import fail

    pairs: dict[int, str] = {}
    for value in values:
        number, sep, rest = value.partition("=")
        if not sep or not number.strip().isdigit():
            fail(f"{option} « {value} » : écrivez SEMESTRE=VALEUR, par exemple {option} 1=…")
        pairs[int(number)] = rest.strip()
    return pairs


def _date(text: str, where: str) -> dt.date | None:
    from delibe.cli.base import fail

    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        fail(f"{where} : date « {text} » illisible (AAAA-MM-JJ).")


@click.group("annee")
def annee() -> None:
    """L'année universitaire d'un département : ouvrir, copier, archiver, passage des étudiants."""


DEPARTEMENT = click.option("--departement", "code", required=True, metavar="CODE",
                           help="Code du département (par exemple mmi).")
ANNEE = click.option("--annee", "label", required=True, metavar="AAAA-AAAA", help="Année universitaire.")


@annee.command("ouvrir")
@DEPARTEMENT
@ANNEE
@click.option("--formation", "version_id", type=int, required=True, metavar="ID",
              help="Identifiant de la version de formation (page Formations, ou l'API /formations).")
@click.option("--semestre", "semestres", type=int, multiple=True, required=True, metavar="N",
              help="Semestre à ouvrir (répétable : --semestre 1 --semestre 2).")
@click.option("--modalite", default="", metavar="FI|FA|FC", help="Modalité ; par défaut celle de la formation.")
@click.option("--parcours", multiple=True, metavar="CODE", help="Parcours offert (répétable) ; par défaut tous.")
@click.option("--etape", multiple=True, metavar="S=CODE", help="Code étape Apogée d'un semestre (1=VMMI11).")
@click.option("--dates", multiple=True, metavar="S=DEBUT:FIN",
              help="Dates d'un semestre, AAAA-MM-JJ (1=2024-09-02:2025-01-20).")
def ouvrir(code: str, label: str, version_id: int, semestres: tuple[int, ...], modalite: str,
           parcours: tuple[str, ...], etape: tuple[str, ...], dates: tuple[str, ...]) -> None:
    """Ouvrir des semestres d'une année à partir d'une version de formation."""
    from delibe.cli.base import fail

    department = _department(code)
    from delibe.web.audit.context import using
    from delibe.web.models import FormationVersion
    from delibe.web.services import annees as service

    version = FormationVersion.objects.filter(pk=version_id, department=department).first()
    if version is None:
        fail(f"aucune version de formation n° {version_id} dans le département {department.code}.")
    etapes, periods = _pairs(etape, "--etape"), _pairs(dates, "--dates")
    specs = []
    for s in semestres:
        debut, _, fin = periods.get(s, "").partition(":")
        specs.append(service.SemesterSpec(s, _date(debut, f"S{s}, début"), _date(fin, f"S{s}, fin"),
                                          tuple(parcours), modalite, etapes.get(s, "")))
    with using(channel="cli"):
        try:
            runs = service.create_semesters(user=None, version=version, label=label, specs=specs)
        except service.YearSetupError as error:
            fail(str(error))
    for run in runs:
        click.echo(f"Ouvert : {run} (n° {run.pk})")


@annee.command("copier")
@DEPARTEMENT
@ANNEE
def copier(code: str, label: str) -> None:
    """Copier l'année vers la suivante : semestres, enseignants, plan d'évaluation sans notes, groupes."""
    from delibe.cli.base import fail

    department = _department(code)
    from delibe.web.audit.context import using
    from delibe.web.services import annees as service

    with using(channel="cli"):
        try:
            result = service.copy_year(user=None, department=department, source_label=label)
        except service.YearSetupError as error:
            fail(str(error))
    click.echo(f"{result.source} copiée vers {result.target} : {len(result.runs)} semestre(s), "
               f"{result.teachings} enseignement(s), {result.evaluations} évaluation(s), {result.groups} groupe(s).")
    if result.skipped_modules:
        click.echo(f"Non copiées (modules absents de la nouvelle version) : {', '.join(result.skipped_modules)}")


@annee.command("archiver")
@DEPARTEMENT
@ANNEE
def archiver(code: str, label: str) -> None:
    """Archiver une année dont tous les jurys sont clos : lecture seule, jamais rouverte."""
    from delibe.cli.base import fail

    department = _department(code)
    from delibe.web.audit.context import using
    from delibe.web.services import annees as service

    with using(channel="cli"):
        try:
            runs = service.archive_year(user=None, department=department, label=label)
        except service.YearSetupError as error:
            fail(str(error))
    click.echo(f"Année {label} archivée : {len(runs)} semestre(s).")


@annee.command("passage")
@DEPARTEMENT
@ANNEE
@click.option("--confirmer", is_flag=True, help="Inscrire (sinon : aperçu seulement, rien n'est écrit).")
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON (mêmes champs que l'API).")
def passage(code: str, label: str, confirmer: bool, as_json: bool) -> None:
    """Passage des étudiants de l'année dans la suivante, d'après leur décision d'année.

    Code de sortie : 0 sans étudiant bloquant, 1 s'il en reste (rien n'est inscrit), 2 en cas d'erreur."""
    from delibe.cli.base import fail

    department = _department(code)
    from delibe.web.audit.context import using
    from delibe.web.services import annees as service

    try:
        preview = service.passage_preview(department, label)
    except service.YearSetupError as error:
        fail(str(error))
    if as_json:
        click.echo(json.dumps({"source": preview.source, "cible": preview.target, "bloquant": bool(preview.blocking),
                               "avertissements": preview.warnings, "effectifs": preview.counts(), "lignes": [line.as_dict() for line in preview.lines]},
                              ensure_ascii=False, indent=2))
    else:
        click.echo(f"Passage {preview.source} → {preview.target}")
        for warning in preview.warnings:
            click.echo(f"Attention : {warning}")
        for line in preview.lines:
            click.echo(f"  {line.student.nip} {line.student} [{line.code or '—'}] "
                       f"{'BLOQUANT : ' if line.blocking else ''}{line.message}")
    if preview.blocking:
        click.echo(f"{len(preview.blocking)} étudiant(s) bloquant(s) : rien n'a été inscrit.", err=True)
        raise SystemExit(1)
    if not confirmer:
        click.echo("Aperçu seulement : rien n'a été écrit. Ajoutez --confirmer pour inscrire.", err=as_json)
        return
    with using(channel="cli"):
        try:
            done = service.confirm_passage(user=None, department=department, source_label=label)
        except service.YearSetupError as error:
            fail(str(error))
    click.echo(f"Inscrit(s) : {len(done.to_enrol)} étudiant(s) en {done.target}.", err=as_json)


@annee.command("annuler-passage")
@DEPARTEMENT
@ANNEE
@click.option("--confirmer", is_flag=True, help="Retirer les inscriptions (sinon : aperçu seulement).")
def annuler_passage(code: str, label: str, confirmer: bool) -> None:
    """Annuler le dernier passage de l'année : retirer les inscriptions qu'il a créées, tant que leurs
    semestres n'ont ni note ni décision. Code de sortie : 0, 1 si refusé (la raison est affichée), 2 en cas
    d'erreur."""
    from delibe.cli.base import fail

    department = _department(code)
    from delibe.web.audit.context import using
    from delibe.web.services import annees as service

    try:
        undo = service.undo_preview(department, label)
    except service.YearSetupError as error:
        fail(str(error))
    if undo.refusal:
        click.echo(f"Refusé : {undo.refusal}", err=True)
        raise SystemExit(1)
    for e in undo.enrolments:
        click.echo(f"  {e.student.nip} {e.student} : {e.semester}")
    if not confirmer:
        click.echo(f"Aperçu seulement : {len(undo.enrolments)} inscription(s) seraient retirées. "
                   "Ajoutez --confirmer pour les retirer.")
        return
    with using(channel="cli"):
        try:
            done = service.undo_passage(user=None, department=department, source_label=label)
        except service.YearSetupError as error:
            fail(str(error))
    click.echo(f"Passage {label} → {done.target} annulé : {len(done.enrolments)} inscription(s) retirée(s).")
