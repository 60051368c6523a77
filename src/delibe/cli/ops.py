"""Operations: ``delibe backup FILE`` and ``delibe restore FILE``.

SQLite: SQLite's online backup API (a consistent copy while the application keeps serving), checked with
``PRAGMA integrity_check``. PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore --clean
--single-transaction`` (all or nothing). A backup is written to a temporary file and renamed at the end,
so a failed backup never leaves a truncated file under the requested name; a restore first copies the
current SQLite database aside (``<base>.avant-restauration-<date>``).

The database is the one the application uses: $DATABASE_URL, else var/delibe.sqlite3
(DJANGO_SETTINGS_MODULE, default delibe.config.settings.dev).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import click


def _database() -> dict[str, Any]:
    from delibe.cli.web import _setup

    _setup()
    from django.db import connection

    return dict(connection.settings_dict)


def _fail(message: str) -> None:
    click.echo(f"Erreur : {message}", err=True)
    sys.exit(1)


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def _pg_env(db: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = ["--dbname", str(db["NAME"])]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    for candidate in (found, f"/usr/lib/postgresql/15/bin/{name}", f"/usr/local/bin/{name}"):
        if candidate and Path(candidate).exists():
            return candidate
    _fail(f"{name} est introuvable : installez les outils clients de PostgreSQL (paquet postgresql-client).")
    raise AssertionError


def _sqlite_check(path: Path) -> int:
    """Integrity check of a SQLite file; returns the number of applied migrations (0: not a Délibé base)."""
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as con:
            status = con.execute("PRAGMA integrity_check").fetchone()[0]
            if status != "ok":
                _fail(f"{path} est endommagé (PRAGMA integrity_check : {status}).")
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if "django_migrations" not in tables or "delibe_grade" not in tables:
                return 0
            return int(con.execute("SELECT count(*) FROM django_migrations").fetchone()[0])
    except sqlite3.DatabaseError as error:
        _fail(f"{path} n'est pas une base SQLite lisible ({error}).")
    raise AssertionError


@click.command()
@click.argument("fichier", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Remplacer le fichier s'il existe déjà.")
def backup(fichier: Path, force: bool) -> None:
    """Sauvegarde la base de Délibé dans FICHIER (SQLite : copie en ligne ; PostgreSQL : pg_dump)."""
    if fichier.exists() and not force:
        _fail(f"{fichier} existe déjà : choisissez un autre nom ou ajoutez --force.")
    if not fichier.parent.exists():
        _fail(f"le dossier {fichier.parent} n'existe pas.")
    db = _database()
    temporary = fichier.with_name(f".{fichier.name}.en-cours-{os.getpid()}")
    try:
        if db["ENGINE"].endswith("sqlite3"):
            source = Path(db["NAME"])
            if not source.exists():
                _fail(f"la base {source} n'existe pas : rien à sauvegarder.")
            with sqlite3.connect(source) as live, sqlite3.connect(temporary) as copy:
                live.backup(copy)  # consistent even while the application writes
            copy_migrations = _sqlite_check(temporary)
            kind = f"SQLite, {copy_migrations} migrations"
        elif "postgresql" in db["ENGINE"]:
            args, env = _pg_env(db)
            result = subprocess.run(
                [_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(temporary), *args],
                env=env, capture_output=True, text=True, check=False,
            )
            if result.returncode != 0:
                _fail(f"pg_dump a échoué : {result.stderr.strip()}")
            kind = "PostgreSQL, format custom de pg_dump"
        else:
            _fail(f"moteur de base non pris en charge : {db['ENGINE']}.")
            return
        os.replace(temporary, fichier)
    finally:
        if temporary.exists():
            temporary.unlink()
    size = fichier.stat().st_size
    click.echo(f"Sauvegarde écrite : {fichier} ({kind}, {size / 1024:.0f} Ko, sha256 {_digest(fichier)[:16]}…)")


@click.command()
@click.argument("fichier", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", "-y", "confirmed", is_flag=True, help="Ne pas demander de confirmation.")
def restore(fichier: Path, confirmed: bool) -> None:
    """Remplace TOUTE la base de Délibé par la sauvegarde FICHIER (arrêtez d'abord les serveurs)."""
    db = _database()
    target = db["NAME"]
    if not confirmed:
        click.confirm(f"Remplacer toute la base {target} par {fichier} ?", abort=True)
    from django.db import connections

    connections.close_all()
    if db["ENGINE"].endswith("sqlite3"):
        if _sqlite_check(fichier) == 0:
            _fail(f"{fichier} n'est pas une sauvegarde de Délibé (pas de table de notes ni de migrations).")
        live_path = Path(target)
        if live_path.exists():
            aside = live_path.with_name(f"{live_path.name}.avant-restauration-{dt.datetime.now():%Y%m%d-%H%M%S}")
            with sqlite3.connect(live_path) as live, sqlite3.connect(aside) as copy:
                live.backup(copy)
            click.echo(f"Base actuelle mise de côté : {aside}")
        with sqlite3.connect(f"file:{fichier}?mode=ro", uri=True) as saved, sqlite3.connect(live_path) as live:
            saved.backup(live)  # one step: the live base is replaced page by page under its own lock
    elif "postgresql" in db["ENGINE"]:
        args, env = _pg_env(db)
        result = subprocess.run(
            [_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
             "--exit-on-error", *args, str(fichier)],
            env=env, capture_output=True, text=True, check=False,
        )
        if result.returncode != 0:
            _fail(f"pg_restore a échoué, la base est inchangée : {result.stderr.strip()[-2000:]}")
    else:
        _fail(f"moteur de base non pris en charge : {db['ENGINE']}.")
    from django.db.migrations.executor import MigrationExecutor

    connections.close_all()
    executor = MigrationExecutor(connections["default"])
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    click.echo(f"Base restaurée depuis {fichier}.")
    if pending:
        click.echo(f"{len(pending)} migration(s) à appliquer (sauvegarde d'une version plus ancienne) : "
                   "lancez « delibe manage migrate ».")
