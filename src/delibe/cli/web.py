"""Web commands: ``delibe demo`` (prepare the demo database and serve), ``delibe serve``, ``delibe manage``.

Django is imported only here, so ``delibe --help`` and the engine commands stay light.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import click

HOST = "127.0.0.1"
PORT = 8000


def _setup(settings_module: str = "delibe.config.settings.dev") -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    import django

    django.setup()


def is_loopback(host: str) -> bool:
    import ipaddress

    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_host(host: str) -> None:
    """In development mode (DEBUG, the development secret key), only this machine may connect."""
    from django.conf import settings

    if settings.DEBUG and not is_loopback(host):
        raise click.ClickException(
            f"refus d'écouter sur « {host} » : en mode développement (DEBUG activé, clé secrète de "
            "développement), Délibé ne sert que cette machine (127.0.0.1). Pour servir d'autres postes, "
            "lancez la production : DJANGO_SETTINGS_MODULE=delibe.config.settings.prod avec DELIBE_SECRET_KEY "
            "et DELIBE_ALLOWED_HOSTS, derrière gunicorn et nginx (docs/deployment.md).")


def _runserver(host: str, port: int, *, with_worker: bool = False) -> None:
    from django.core.management import call_command

    check_host(host)

    worker = _start_worker() if with_worker else None
    click.echo(f"Délibé sert http://{host}:{port}/ (Ctrl+C pour arrêter)")
    if worker is not None:  # stopped by a signal rather than Ctrl+C, the server still stops its worker
        for stop_signal in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(stop_signal, lambda *_: sys.exit(0))
    try:
        call_command("runserver", f"{host}:{port}", "--noreload", "--insecure", "--skip-checks")
    finally:
        if worker is not None:
            _stop_worker(worker)


def _start_worker() -> subprocess.Popen[bytes]:
    """The demo's background worker (``delibe worker``), a child process stopped with the server."""
    process = subprocess.Popen([sys.executable, "-m", "delibe.cli", "worker"], stdin=subprocess.DEVNULL)
    click.echo(f"Délibé : worker lancé (processus {process.pid}) pour les lots de documents et les envois.")
    return process


def _stop_worker(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)  # finishes its current task, then stops
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@click.command()
@click.option("--no-serve", is_flag=True, help="Préparer la base sans lancer le serveur.")
@click.option("--reset", is_flag=True, help="Effacer la base de démonstration et tout recréer.")
@click.option("--host", default=HOST, show_default=True)
@click.option("--port", default=PORT, show_default=True, type=int)
@click.option("--worker/--no-worker", "with_worker", default=True, show_default=True,
              help="Lancer aussi un worker (delibe worker) pour les tâches en arrière-plan.")
@click.option("--scale", type=click.Choice(["demo", "universite"]), default="demo", show_default=True,
              help="« universite » : ajoute une université entière (--departements × --etudiants, sur trois ans).")
@click.option("--departements", default=20, show_default=True, type=int, help="Avec --scale universite.")
@click.option("--etudiants", default=600, show_default=True, type=int,
              help="Avec --scale universite : étudiants par département, sur trois ans.")
def demo(no_serve: bool, reset: bool, host: str, port: int, with_worker: bool, scale: str, departements: int,
         etudiants: int) -> None:
    """Prépare la base de démonstration (formation but-mmi-dijon, ~60 apprentis de BUT1 à BUT3, comptes
    de chaque rôle), affiche les comptes, puis sert l'application (sur une adresse locale seulement) avec
    un worker pour les tâches en arrière-plan (lots de documents). Avec ``--scale universite``, ajoute une
    université (comptes scolarite-01, responsable-01… mot de passe <compte>-demo ; PostgreSQL conseillé :
    20 × 600 étudiants, environ 10 minutes)."""
    _setup()
    if not no_serve:
        check_host(host)
    from django.conf import settings
    from django.core.management import call_command

    from delibe.web.services import demo as demo_service

    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    if reset:
        demo_service.reset_database()
    call_command("migrate", verbosity=0, interactive=False)
    from delibe.web.audit import context as audit_context

    with audit_context.using("demo"):  # the journal says these changes come from the demo
        report = demo_service.ensure_demo(echo=click.echo)
        if scale == "universite":
            report.summary += "\n" + demo_service.build_universite(departements, etudiants, echo=click.echo)
    click.echo("")
    click.echo("Comptes de démonstration (identifiant / mot de passe — rôle) :")
    for account in report.accounts:
        click.echo(f"  {account.username:<12} {account.password:<18} {account.description}")
    click.echo("")
    click.echo(report.summary)
    if not no_serve:
        _runserver(host, port, with_worker=with_worker)


@click.command()
@click.option("--host", default=HOST, show_default=True)
@click.option("--port", default=PORT, show_default=True, type=int)
@click.option("--migrate/--no-migrate", default=True, show_default=True, help="Appliquer les migrations avant.")
def serve(host: str, port: int, migrate: bool) -> None:
    """Sert l'application web (base: $DATABASE_URL, sinon var/delibe.sqlite3). En mode développement
    (réglages par défaut), seulement sur une adresse locale (127.0.0.1, ::1, localhost)."""
    _setup()
    check_host(host)
    from django.conf import settings
    from django.core.management import call_command

    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    if migrate:
        call_command("migrate", verbosity=0, interactive=False)
    _runserver(host, port)


@click.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def manage(args: tuple[str, ...]) -> None:
    """Commandes d'administration Django, par exemple ``delibe manage migrate``."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "delibe.config.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["delibe manage", *args])
    sys.exit(0)
