"""``delibe documents …``: bulletins, PV de jury, lettres, relevés et attestations, fiche formation.

Two sources (each in its module):
- **the database** of the web app (``--semestre ID``, the number of the semester in its address
  ``/semestres/ID/``; ``delibe documents semestres`` lists them): ``bulletin``, ``pv`` and ``lot`` build
  the documents as the web app does (:mod:`delibe.web.services.documents`: the jury's recorded decisions,
  else the proposals marked « * »), with the department's dated settings (``importer-reglages`` imports a
  former YAML settings file into the database); :mod:`delibe.cli.base` finds the semester and the student;
- **scenario files** of ``delibe simulate`` (one student each; see docs/scenario-format.md), without
  a database: the jury engine deliberates them and the documents render its decisions
  (:mod:`delibe.cli.scenarios`).
``delibe documents exemple DIR`` writes every document from invented data.

The output format follows the extension of ``-o``: ``.pdf``, ``.html``, ``.json`` (bulletin), ``.xlsx``
(PV), ``.zip`` (``lot``). Files are written atomically: an error leaves nothing half-written.
"""

from __future__ import annotations

import datetime
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from delibe.cli.base import DATABASE_HELP, db_run, db_student, fail, run_label, setup_django
from delibe.cli.scenarios import etudiant_for, load_config, read_scenarios, scenario_documents, today

OUTPUT = click.option("-o", "--output", "output", required=True, type=click.Path(path_type=Path),
                      help="Fichier à écrire (.pdf, .html; .json pour un bulletin, .xlsx pour un PV).")
CONFIG = click.option("--config", "config_path", type=click.Path(path_type=Path),
                      help="Fichier YAML de configuration des documents (établissement, département, logo, "
                           "signataire…: les champs de ReportConfig).")
DATE_JURY = click.option("--date-jury", default=None, help="Date du jury, AAAA-MM-JJ (défaut: aujourd'hui).")
ANNEE = click.option("--annee", "annee_but", type=click.IntRange(1, 3), default=None,
                     help="Année de BUT du jury (1 à 3; défaut: la dernière année du scénario).")
ETUDIANT = click.option("--etudiant", default=None,
                        help="« NOM Prénom » de l'étudiant (défaut: le nom du fichier scénario).")


def write_atomic(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".delibe-", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def check_suffix(output: Path, allowed: Sequence[str]) -> str:
    suffix = output.suffix.lower()
    if suffix not in allowed:
        fail(f"{output}: extension « {suffix or '(aucune)'} » non prise en charge ici; choisissez "
             + ", ".join(allowed))
    return suffix


def render(output: Path, suffix: str, html: Callable[[], str], pdf: Callable[[], bytes],
           others: dict[str, Callable[[], bytes]] | None = None) -> None:
    try:
        if suffix == ".html":
            content = html().encode("utf-8")
        elif suffix == ".pdf":
            content = pdf()
        else:
            content = (others or {})[suffix]()
    except (ValueError, FileNotFoundError) as exc:
        fail(str(exc))
    write_atomic(output, content)
    click.echo(f"{output} écrit.")


@click.group("documents")
def documents() -> None:
    """Produire les documents: bulletins, PV de jury, lettres, relevés, attestations, fiche formation."""


@documents.command("bulletin", short_help="Bulletin d'un semestre (PDF, HTML, JSON), depuis la base ou un scénario.")
@click.argument("scenario", required=False, type=click.Path(path_type=Path))
@click.option("--semestre", type=int, default=None, metavar="N|ID",
              help="Avec SCENARIO: numéro du semestre du bulletin, 1 à 6 (défaut: le semestre pair de l'année "
                   "jugée). Sans SCENARIO: numéro du semestre dans la base (voir « delibe documents semestres »).")
@ANNEE
@click.option("--etudiant", default=None,
              help="Avec SCENARIO: « NOM Prénom » (défaut: le nom du fichier). Depuis la base: le numéro "
                   "étudiant (NIP).")
@click.option("--court", "--courts", "court", is_flag=True,
              help="Version courte (une page, sans le détail des évaluations).")
@DATE_JURY
@CONFIG
@OUTPUT
def bulletin_cmd(scenario: Path | None, semestre: int | None, annee_but: int | None, etudiant: str | None,
                 court: bool, date_jury: str | None, config_path: Path | None, output: Path) -> None:
    """Bulletin d'un semestre (PDF, HTML ou JSON), d'après le scénario SCENARIO ou, sans SCENARIO, depuis
    la base: « delibe documents bulletin --semestre ID --etudiant NIP -o b.pdf »."""
    from delibe.reports import adapters, bulletin

    suffix = check_suffix(output, (".pdf", ".html", ".json"))
    if scenario is None:
        from delibe.web.services.documents import bulletin_data

        data = db_student_document(bulletin_data, semestre, etudiant, "un bulletin tiré",
                                   config=config_path, annee=annee_but, date_jury=date_jury)
    else:
        if semestre is not None and not 1 <= semestre <= 6:
            fail(f"--semestre {semestre}: avec un fichier scénario, le semestre va de 1 à 6.")
        [(path, sc, result)] = read_scenarios([scenario])
        config = load_config(config_path, sc.formation)
        if semestre is not None:
            annee_but = (semestre + 1) // 2
        try:
            impair, pair = adapters.bulletins_from_cursus(
                config, sc.formation, result, etudiant_for(path, etudiant), annee_but=annee_but,
                date_jury=date_jury or today(), parcours=sc.cursus.parcours)
        except ValueError as exc:
            fail(f"{path}: {exc}")
        data = impair if semestre is not None and semestre % 2 else pair
    if court:
        from dataclasses import replace

        data = replace(data, config=replace(data.config, details_evaluations=False))
    render(output, suffix, lambda: bulletin.to_html(data), lambda: bulletin.to_pdf(data),
           {".json": lambda: bulletin.to_json(data).encode("utf-8")})


@documents.command("pv", short_help="PV du jury (PDF, HTML, XLSX), depuis la base ou des scénarios.")
@click.argument("scenarios", nargs=-1, type=click.Path(path_type=Path))
@click.option("--semestre", "run_id", type=int, default=None, metavar="ID",
              help="Sans SCENARIOS: numéro du semestre dans la base (semestre pair: le jury d'année).")
@ANNEE
@DATE_JURY
@click.option("--president", default="", help="Président du jury (le directeur de l'IUT).")
@click.option("--membre", "membres", multiple=True, help="Membre du jury (option répétable).")
@CONFIG
@OUTPUT
def pv_cmd(scenarios: tuple[Path, ...], run_id: int | None, annee_but: int | None, date_jury: str | None,
           president: str, membres: tuple[str, ...], config_path: Path | None, output: Path) -> None:
    """PV du jury (PDF, HTML ou XLSX): depuis la base (« --semestre ID »), une ligne par inscrit, ou
    d'après les scénarios SCENARIOS…, une ligne par scénario."""
    from delibe.reports import adapters, pv

    suffix = check_suffix(output, (".pdf", ".html", ".xlsx"))
    if not scenarios:
        if run_id is None:
            fail("donnez des fichiers SCENARIOS, ou bien --semestre ID pour le PV d'un semestre de la base. "
                 + DATABASE_HELP)
        refuse_options(config=config_path, annee=annee_but)
        run = db_run(run_id)
        from delibe.web.services.documents import DocumentError, pv_data

        try:
            db_data = pv_data(run, president=president, membres=membres, date_jury=date_jury)
        except DocumentError as exc:
            fail(str(exc))
        render(output, suffix, lambda: pv.to_html(db_data), lambda: pv.to_pdf(db_data),
               {".xlsx": lambda: pv.to_xlsx(db_data)})
        return
    if run_id is not None:
        fail("--semestre ID lit la base: ne donnez pas de fichiers scénario en même temps.")
    loaded = read_scenarios(scenarios)
    formation = loaded[0][1].formation
    config = load_config(config_path, formation)
    if any(sc.formation.id != formation.id for _, sc, _ in loaded):
        fail("les scénarios d'un même PV doivent porter sur la même formation")
    annee = annee_but or loaded[0][2].years[-1].annee_but
    try:
        data = adapters.pv_from_cursus(
            config, formation, [(etudiant_for(p, None, i), r) for i, (p, _, r) in enumerate(loaded)],
            annee_but=annee, date_jury=date_jury or today(),
            president=president or config.signataire_nom or "(président du jury)", membres=membres,
            lieu=config.ville)
    except ValueError as exc:
        fail(str(exc))
    render(output, suffix, lambda: pv.to_html(data), lambda: pv.to_pdf(data), {".xlsx": lambda: pv.to_xlsx(data)})


@documents.command("lettre", short_help="Lettre de la décision du jury d'année (PDF, HTML), depuis la base ou un scénario.")
@click.argument("scenario", required=False, type=click.Path(path_type=Path))
@click.option("--semestre", "run_id", type=int, default=None, metavar="ID",
              help="Sans SCENARIO: numéro du semestre pair (jury d'année) dans la base.")
@ANNEE
@click.option("--etudiant", default=None,
              help="Avec SCENARIO: « NOM Prénom » (défaut: le nom du fichier). Depuis la base: le numéro "
                   "étudiant (NIP).")
@DATE_JURY
@CONFIG
@OUTPUT
def lettre_cmd(scenario: Path | None, run_id: int | None, annee_but: int | None, etudiant: str | None,
               date_jury: str | None, config_path: Path | None, output: Path) -> None:
    """Lettre individuelle de la décision du jury d'année (PDF ou HTML), d'après le scénario SCENARIO ou,
    sans SCENARIO, depuis la base (décision d'année enregistrée par le jury): « delibe documents lettre
    --semestre ID --etudiant NIP -o lettre.pdf »."""
    from delibe.reports import adapters, lettre

    suffix = check_suffix(output, (".pdf", ".html"))
    if scenario is None:
        from delibe.web.services.documents import lettre_data

        db_data = db_student_document(lettre_data, run_id, etudiant, "une lettre tirée",
                                      config=config_path, annee=annee_but, date_jury=date_jury)
        render(output, suffix, lambda: lettre.to_html(db_data), lambda: lettre.to_pdf(db_data))
        return
    if run_id is not None:
        fail("--semestre ID lit la base: ne donnez pas de fichier scénario en même temps.")
    [(path, sc, result)] = read_scenarios([scenario])
    config = load_config(config_path, sc.formation)
    try:
        data = adapters.lettre_from_cursus(config, sc.formation, result, etudiant_for(path, etudiant),
                                           date_jury=date_jury or today(), annee_but=annee_but)
    except ValueError as exc:
        fail(f"{path}: {exc}")
    render(output, suffix, lambda: lettre.to_html(data), lambda: lettre.to_pdf(data))


def _diploma_command(kind: str) -> Callable[..., None]:
    def command(scenario: Path, diplome: str, etudiant: str | None, date_jury: str | None,
                config_path: Path | None, output: Path) -> None:
        from delibe.reports import adapters
        from delibe.reports import diplome as diplome_docs

        suffix = check_suffix(output, (".pdf", ".html"))
        [(path, sc, result)] = read_scenarios([scenario])
        config = load_config(config_path, sc.formation)
        who = etudiant_for(path, etudiant)
        try:
            if kind == "releve":
                data = adapters.releve_from_cursus(config, sc.formation, result, who, diplome=diplome,
                                                   date_jury=date_jury or today(), parcours=sc.cursus.parcours)
                render(output, suffix, lambda: diplome_docs.releve_html(data), lambda: diplome_docs.releve_pdf(data))
            else:
                att = adapters.attestation_from_cursus(config, sc.formation, result, who, diplome=diplome,
                                                       date_jury=date_jury or today(), parcours=sc.cursus.parcours)
                render(output, suffix, lambda: diplome_docs.attestation_html(att),
                       lambda: diplome_docs.attestation_pdf(att))
        except ValueError as exc:
            fail(f"{path}: {exc}")

    return command


for _kind, _help in (("releve", "Relevé de notes du DUT ou du BUT, avec les ECTS (PDF ou HTML)."),
                     ("attestation", "Attestation de réussite au DUT ou au BUT (PDF ou HTML).")):
    _cmd = _diploma_command(_kind)
    _cmd.__doc__ = _help
    for _decorator in reversed((
        documents.command(_kind),
        click.argument("scenario", type=click.Path(path_type=Path)),
        click.option("--diplome", type=click.Choice(["DUT", "BUT"]), required=True, help="Le diplôme."),
        ETUDIANT, DATE_JURY, CONFIG, OUTPUT,
    )):
        _cmd = _decorator(_cmd)


@documents.command("fiche")
@click.argument("formation", metavar="FICHIER|ID")
@click.option("--parcours", default=None, help="Code du parcours (défaut: tous).")
@click.option("--semestre", "semestres", type=click.IntRange(1, 6), multiple=True, help="Semestre (répétable).")
@CONFIG
@OUTPUT
def fiche_cmd(formation: str, parcours: str | None, semestres: tuple[int, ...], config_path: Path | None,
              output: Path) -> None:
    """Fiche formation (volumes horaires, coefficients, ECTS) en PDF, d'une formation désignée comme pour
    `delibe formation show` : son identifiant (but-mmi-dijon) ou le chemin de son fichier."""
    from delibe.engine.fiche import build_fiche
    from delibe.formations import FormationError, load_formation
    from delibe.reports.formation_pdf import fiche_pdf

    check_suffix(output, (".pdf",))
    try:
        loaded = load_formation(formation)
        config = load_config(config_path, loaded)
        fiche = build_fiche(loaded, parcours, semestres or None)
    except (FormationError, ValueError) as exc:
        fail(str(exc))
    write_atomic(output, fiche_pdf(fiche, config))
    click.echo(f"{output} écrit.")


@documents.command("lot", short_help="Tous les documents d'un jury dans un zip, depuis la base ou des scénarios.")
@click.argument("scenarios", nargs=-1, type=click.Path(path_type=Path))
@click.option("--semestre", "run_id", type=int, default=None, metavar="ID",
              help="Sans SCENARIOS: numéro du semestre dans la base; le lot est celui de la page « Documents » "
                   "du semestre.")
@click.option("--court", "--courts", "court", is_flag=True,
              help="Bulletins courts (une page, sans le détail des évaluations; plus rapides à produire).")
@ANNEE
@DATE_JURY
@click.option("--president", default="", help="Président du jury.")
@click.option("--membre", "membres", multiple=True, help="Membre du jury (option répétable).")
@click.option("--workers", type=click.IntRange(1, 64), default=min(2, os.cpu_count() or 1), show_default=True,
              help="Processus de rendu en parallèle.")
@CONFIG
@OUTPUT
def lot_cmd(scenarios: tuple[Path, ...], run_id: int | None, court: bool, annee_but: int | None,
            date_jury: str | None, president: str, membres: tuple[str, ...], workers: int,
            config_path: Path | None, output: Path) -> None:
    """Tous les documents d'un jury dans un zip: PV (PDF, XLSX), bulletins (PDF, JSON), lettres, et relevés
    et attestations des diplômes attribués. Depuis la base: « delibe documents lot --semestre ID -o lot.zip »
    (les documents d'un semestre, comme sur sa page « Documents »); sinon d'après les scénarios
    SCENARIOS… (jury d'année). La progression s'affiche sur la sortie d'erreur."""
    from delibe.reports import batch

    check_suffix(output, (".zip",))
    if not scenarios:
        if run_id is None:
            fail("donnez des fichiers SCENARIOS, ou bien --semestre ID pour le lot d'un semestre de la base. "
                 + DATABASE_HELP)
        refuse_options(config=config_path, annee=annee_but)
        run = db_run(run_id)
        from delibe.web.services.documents import DocumentError, run_documents

        click.echo(f"Préparation des données de {run_label(run)}…", err=True)
        try:
            docs = run_documents(run, president=president, membres=membres, date_jury=date_jury, court=court)
        except (DocumentError, ValueError) as exc:
            fail(str(exc))
        if workers > 1:
            from django.db import connections

            connections.close_all()  # the data are built: the forked renderers must not share the connection
    else:
        if run_id is not None:
            fail("--semestre ID lit la base: ne donnez pas de fichiers scénario en même temps.")
        docs = scenario_documents(scenarios, annee_but, date_jury, president, membres, config_path, court)
    with click.progressbar(length=len(docs), label="Documents", show_pos=True, file=sys.stderr) as bar:
        def progress(done: int, total: int, name: str) -> None:
            bar.update(1)

        batch.write_zip(docs, output, progress=progress, workers=workers)
    click.echo(f"{output} écrit ({len(docs)} documents).")


@documents.command("semestres", short_help="Lister les semestres de la base et leur numéro (pour --semestre ID).")
@click.option("--annee-universitaire", "label", default=None, help="Seulement cette année, ex. 2023-2024.")
def semestres_cmd(label: str | None) -> None:
    """Lister les semestres de la base avec leur numéro (pour « --semestre ID »)."""
    setup_django()
    from delibe.web.models import SemesterRun

    runs = SemesterRun.objects.select_related("formation__department", "academic_year").order_by(
        "-academic_year__label", "formation__department__code", "formation__slug", "semestre")
    if label:
        runs = runs.filter(academic_year__label=label)
    found = False
    for run in runs:
        found = True
        click.echo(f"{run.pk:>6}  {run_label(run)}  ({run.enrolments.count()} inscrits)"
                   + ("  [clos]" if run.locked else ""))
    if not found:
        click.echo("Aucun semestre dans la base" + (f" pour {label}" if label else "") + ".")


@documents.command("importer-reglages",
                   short_help="Importer un ancien fichier YAML de réglages d'un département dans la base (daté).")
@click.argument("fichier", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--departement", "code", required=True, help="Code du département, ex. mmi.")
@click.option("--a-partir-du", "applies_from", required=True, help="Date d'entrée en vigueur, AAAA-MM-JJ.")
def importer_reglages_cmd(fichier: Path, code: str, applies_from: str) -> None:
    """Importer l'ancien fichier de réglages des documents d'un département (établissement, président,
    membres, lieu, logo…) comme réglages datés, modifiables ensuite sur la page « Réglages du département ».
    Journalisé (canal ligne de commande)."""
    setup_django()
    from delibe.web.audit import context
    from delibe.web.models import Department
    from delibe.web.services.department_settings import SettingsError, import_yaml

    department = Department.objects.filter(code=code).first()
    if department is None:
        fail(f"département « {code} » inconnu; codes: {', '.join(Department.objects.values_list('code', flat=True))}.")
    try:
        date = datetime.date.fromisoformat(applies_from)
    except ValueError:
        fail(f"--a-partir-du « {applies_from} »: écrivez la date AAAA-MM-JJ.")
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if admin is None:
        fail("aucun administrateur actif au nom de qui journaliser l'import: « delibe manage createsuperuser ».")
    try:
        with context.using(channel="cli"):
            row = import_yaml(actor=admin, department=department, path=fichier, applies_from=date)
    except SettingsError as exc:
        fail(str(exc))
    click.echo(f"Réglages de {department.code} en vigueur à partir du {row.applies_from:%d/%m/%Y} enregistrés.")


def db_student_document(build: Callable[[Any, Any], Any], run_id: int | None, nip: str | None, what: str, *,
                        config: Path | None, annee: int | None, date_jury: str | None) -> Any:
    """The database mode of a one-student document: check the options, find the enrolled student, build
    the document's data with ``build(student, run)``; a refusal of the service ends the command."""
    if run_id is None or not nip:
        fail(f"donnez un fichier SCENARIO, ou bien --semestre ID et --etudiant NIP pour {what} de la base. "
             + DATABASE_HELP)
    refuse_options(config=config, annee=annee, date_jury=date_jury)
    run, student = db_student(run_id, nip)
    from delibe.web.services.documents import DocumentError

    try:
        return build(student, run)
    except DocumentError as exc:
        fail(str(exc))


def refuse_options(*, config: Path | None = None, annee: int | None = None, date_jury: str | None = None) -> None:
    """Options of the scenario mode that mean nothing for the database."""
    if config is not None:
        fail("--config ne s'applique qu'aux scénarios: depuis la base, les documents prennent la configuration "
             "du département (page « Réglages du département »).")
    if annee is not None:
        fail("--annee ne s'applique qu'aux scénarios: depuis la base, le semestre désigné fixe l'année.")
    if date_jury is not None:
        fail("--date-jury ne s'applique qu'aux scénarios pour ce document: depuis la base, il montre la date du "
             "jury enregistrée.")


@documents.command("exemple")
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True)
def exemple_cmd(directory: Path, workers: int) -> None:
    """Écrire dans DIRECTORY un exemplaire de chaque document, d'après des données fictives."""
    from delibe.reports import batch, examples

    docs = batch.semester_documents(
        [examples.bulletin(), examples.bulletin_s2()], examples.pv(),
        [examples.lettre()], [examples.releve_diplome("DUT"), examples.releve_diplome("BUT")],
        [examples.attestation("DUT"), examples.attestation("BUT")])
    with click.progressbar(length=len(docs), label="Documents", show_pos=True, file=sys.stderr) as bar:
        for doc, content in batch.render_all(docs, workers=workers):
            write_atomic(directory / doc.name, content)
            bar.update(1)
    click.echo(f"{len(docs)} documents écrits dans {directory}.")
