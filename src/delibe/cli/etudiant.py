"""``delibe etudiant``: the student's life from a script (issue 13) — a démission or défaillance with its
date, an unenrolment — through the same services as the web and the API, journaled with the channel cli."""

from __future__ import annotations

from typing import Any

import click

from delibe.cli.interop import _fail, _run, _setup
from delibe.engine.jury.codes import SORTIES


@click.group()
def etudiant() -> None:
    """Vie de l'étudiant : démission, défaillance, désinscription."""


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
@click.option("--code", type=click.Choice([*SORTIES, "I"]), required=True,
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
