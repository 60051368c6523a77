"""What the commands share: the error exit and the web app's database (Django set up on demand, a
semester or an enrolled student found by its number, or a French error naming what to check)."""

from __future__ import annotations

import sys
from typing import Any, NoReturn

import click

DATABASE_HELP = ("Base: $DATABASE_URL, sinon var/delibe.sqlite3 (comme « delibe serve »); "
                 "« delibe documents semestres » liste les semestres et leur numéro.")


def fail(message: str) -> NoReturn:
    click.echo(f"Erreur: {message}", err=True)
    sys.exit(2)


def setup_django() -> None:
    """Django with the web app's settings (unless already set up, as in the tests)."""
    from django.apps import apps

    if not apps.ready:
        from delibe.cli.web import _setup

        _setup()
    from django.db import connection
    from django.db.utils import DatabaseError

    from delibe.web.models import SemesterRun

    try:
        ready = SemesterRun._meta.db_table in connection.introspection.table_names()
    except DatabaseError as exc:
        fail(f"base de données inaccessible ({exc}). " + DATABASE_HELP)
    if not ready:
        fail(f"la base {connection.settings_dict['NAME']} n'a pas de semestres (tables absentes): créez-la avec "
             "« delibe manage migrate » (ou « delibe demo --no-serve » pour la démonstration).")


def run_label(run: Any) -> str:
    return (f"{run.formation.department.code} {run.formation.slug} S{run.semestre} "
            f"{run.academic_year.label}")


def db_run(run_id: int) -> Any:
    setup_django()
    from delibe.web.models import SemesterRun

    run = SemesterRun.objects.select_related("formation__department", "academic_year").filter(pk=run_id).first()
    if run is None:
        fail(f"aucun semestre n° {run_id} dans la base. " + DATABASE_HELP)
    return run


def db_student(run_id: int, nip: str) -> tuple[Any, Any]:
    run = db_run(run_id)
    from delibe.web.models import Enrolment

    enrolment = (Enrolment.objects.filter(semester=run, student__nip=nip.strip()).select_related("student")
                 .first())
    if enrolment is None:
        fail(f"aucun étudiant de NIP « {nip} » inscrit en {run_label(run)}; vérifiez le numéro étudiant "
             "(colonne NIP de la liste des étudiants).")
    return run, enrolment.student
