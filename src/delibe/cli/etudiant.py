"""``delibe etudiant``: the student's life from a script (issue 13) — a démission or défaillance with its
date, an unenrolment — through the same services as the web and the API, journaled with the channel cli."""

from __future__ import annotations

from typing import Any

import click

from delibe.cli.interop import _fail, _run, _setup
from delibe.engine.inscription import ETATS_SORTIE, INSCRIT


@click.group()
def etudiant() -> None:
    """Vie de l'étudiant : démission, défaillance, désinscription, parcours."""


def _enrolment(nip: str, semestre: int) -> Any:
    from delibe.web.models import Enrolment

    run = _run(semestre)
    enrolment = Enrolment.objects.select_related("student", "semester").filter(
        student__nip=nip, semester=run).first()
    if enrolment is None:
        _fail(f"aucun étudiant de NIP {nip} inscrit en {run}.")
    return enrolment


@etudiant.command("etat")
@click.argument("nip", metavar="NIP")
@click.option("--semestre", type=int, required=True, metavar="ID", help="Identifiant du semestre (SemesterRun).")
@click.option("--code", type=click.Choice([*ETATS_SORTIE, INSCRIT]), required=True,
              help="DEM (démission), DEF (défaillance) ou I (annuler : inscrit).")
@click.option("--date", "date", default="", metavar="JJ/MM/AAAA", help="Date de la démission ou de la défaillance.")
@click.option("--motif", default="", metavar="TEXTE", help="Motif, écrit au journal.")
def etat(nip: str, semestre: int, code: str, date: str, motif: str) -> None:
    """Enregistrer une démission (DEM) ou une défaillance (DEF) datée : les évaluations postérieures
    n'attendent plus de note de l'étudiant et le jury propose ce code avec la date."""
    _setup()
    from delibe.web.audit.context import using
    from delibe.web.services import etudiants as service

    enrolment = _enrolment(nip, semestre)
    with using(channel="cli"):
        try:
            service.record_exit(user=None, enrolment=enrolment, code=code, date=date, reason=motif)
        except service.StudentError as error:
            _fail(str(error))
    click.echo(f"{enrolment.student}, {enrolment.semester} : état {code}" + (f" le {date}" if date else "") + ".")


@etudiant.command("desinscrire")
@click.argument("nip", metavar="NIP")
@click.option("--semestre", type=int, required=True, metavar="ID", help="Identifiant du semestre (SemesterRun).")
@click.option("--confirmer", is_flag=True, help="Supprimer aussi ses notes du semestre (avec --motif).")
@click.option("--motif", default="", metavar="TEXTE", help="Motif (obligatoire s'il a des notes).")
def desinscrire(nip: str, semestre: int, confirmer: bool, motif: str) -> None:
    """Désinscrire un étudiant d'un semestre (refusé s'il a des notes, sauf --confirmer avec --motif)."""
    _setup()
    from delibe.web.audit.context import using
    from delibe.web.services import etudiants as service

    enrolment = _enrolment(nip, semestre)
    with using(channel="cli"):
        try:
            deleted = service.unenrol(user=None, enrolment=enrolment, confirm=confirmer, reason=motif)
        except service.StudentError as error:
            _fail(str(error))
    click.echo(f"{enrolment.student} désinscrit de {enrolment.semester} ({deleted} note(s) supprimée(s)).")


@etudiant.command("parcours")
@click.argument("nip", metavar="NIP")
@click.option("--semestre", type=int, required=True, metavar="ID", help="Identifiant du semestre (SemesterRun).")
@click.option("--parcours", "nouveau", required=True, metavar="CODE", help="Code du nouveau parcours.")
@click.option("--manquantes", type=click.Choice(["EXC", "ATT", "vides"]), default="EXC", show_default=True,
              help="Évaluations des nouveaux modules sans note de l'étudiant.")
@click.option("--motif", default="", metavar="TEXTE", help="Motif, écrit au journal.")
@click.option("--confirmer", is_flag=True, help="Changer (sinon : aperçu seulement, rien n'est écrit).")
def parcours(nip: str, semestre: int, nouveau: str, manquantes: str, motif: str, confirmer: bool) -> None:
    """Changer le parcours d'un étudiant (ce semestre et les suivants de la même année) : d'abord ce qui
    change (modules, notes qui ne comptent plus, UE capitalisées), puis --confirmer."""
    _setup()
    from delibe.web.audit.context import using
    from delibe.web.services import parcours as service

    enrolment = _enrolment(nip, semestre)
    try:
        change = service.preview(enrolment, nouveau)
    except service.StudentError as error:
        _fail(str(error))
    click.echo(f"{enrolment.student} : parcours {change.ancien} → {change.nouveau}")
    for s in change.semestres:
        click.echo(f"  {s.label} : modules ajoutés {', '.join(c for c, _ in s.modules_gagnes) or '—'} ; "
                   f"retirés {', '.join(c for c, _ in s.modules_perdus) or '—'} ; "
                   f"{len(s.notes_ignorees)} note(s) ne compteront plus ; "
                   f"{len(s.evaluations_sans_note)} évaluation(s) sans note")
    for key, code in change.capitalisees_hors_parcours:
        click.echo(f"  UE capitalisée {key} ({code}) : hors du nouveau parcours, ne compte pas cette année")
    if not confirmer:
        click.echo("Aperçu seulement : rien n'a été écrit. Ajoutez --confirmer pour changer.")
        return
    with using(channel="cli"):
        try:
            service.change_parcours(user=None, enrolment=enrolment, nouveau=nouveau,
                                    manquantes="" if manquantes == "vides" else manquantes, reason=motif)
        except service.StudentError as error:
            _fail(str(error))
    click.echo(f"Parcours changé : {change.nouveau}.")


@etudiant.command("demissions")
@click.argument("nips", nargs=-1, required=True, metavar="NIP…")
@click.option("--semestre", type=int, required=True, metavar="ID", help="Identifiant du semestre (SemesterRun).")
@click.option("--code", type=click.Choice(list(ETATS_SORTIE)), default="DEM", show_default=True,
              help="DEM (démission) ou DEF (défaillance).")
@click.option("--date", "date", required=True, metavar="JJ/MM/AAAA", help="Date, la même pour tous.")
@click.option("--motif", default="", metavar="TEXTE", help="Motif, écrit au journal.")
@click.option("--confirmer", is_flag=True, help="Enregistrer (sinon : aperçu seulement, rien n'est écrit).")
def demissions(nips: tuple[str, ...], semestre: int, code: str, date: str, motif: str, confirmer: bool) -> None:
    """Démissions ou défaillances groupées : plusieurs étudiants d'un semestre, la même date ; aperçu, puis
    --confirmer enregistre tout ou rien."""
    _setup()
    from delibe.web.audit.context import using
    from delibe.web.services import etudiants as service

    ids = [_enrolment(nip, semestre).pk for nip in dict.fromkeys(nips)]
    run = _run(semestre)
    try:
        lines = service.exits_preview(run, ids, code, date)
    except service.StudentError as error:
        _fail(str(error))
    for line in lines:
        click.echo(f"  {line.enrolment.student.nip} {line.enrolment.student} : {line.later_evaluations} évaluation(s) "
                   f"postérieure(s), {line.later_grades} note(s) déjà saisie(s) après la date"
                   + (f" — PROBLÈME : {line.problem}" if line.problem else ""))
    if not confirmer:
        click.echo("Aperçu seulement : rien n'a été écrit. Ajoutez --confirmer pour enregistrer.")
        return
    with using(channel="cli"):
        try:
            service.record_exits(user=None, run=run, enrolment_ids=ids, code=code, date=date, reason=motif)
        except service.StudentError as error:
            _fail(str(error))
    click.echo(f"{code} enregistré le {date} pour {len(lines)} étudiant(s).")
