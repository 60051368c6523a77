"""``delibe api token create|list|revoke``: the bearer tokens of the REST API (docs/api.md). A token is
shown once, at its creation; only its SHA-256 is stored."""

from __future__ import annotations

from typing import NoReturn

import click


def _setup() -> None:
    from delibe.cli.web import _setup as setup

    setup()


def _fail(message: str) -> NoReturn:
    click.echo(f"Erreur : {message}", err=True)
    raise SystemExit(2)


@click.group("api")
def api() -> None:
    """API REST de Délibé (/api/v1, documentation sur /api/docs)."""


@api.group("token")
def token() -> None:
    """Jetons d'accès à l'API (en-tête « Authorization: Bearer <jeton> »)."""


@token.command("create")
@click.option("--user", "username", required=True, help="Identifiant de l'utilisateur (ses droits s'appliquent).")
@click.option("--name", default="", help="Nom du jeton (à quoi il sert), pour le retrouver dans la liste.")
def create(username: str, name: str) -> None:
    """Crée un jeton et l'affiche UNE fois : copiez-le maintenant."""
    _setup()
    from delibe.api import tokens

    try:
        row, secret = tokens.create_token(username=username, name=name)
    except tokens.TokenError as error:
        _fail(str(error))
    click.echo(secret)
    click.echo(f"Jeton {row.pk} créé pour {username}{f' ({row.name})' if row.name else ''} : il ne sera plus "
               "jamais affiché (seule son empreinte est conservée).", err=True)


@token.command("list")
@click.option("--user", "username", default=None, help="Seulement les jetons de cet utilisateur.")
def list_(username: str | None) -> None:
    """Liste les jetons (jamais leur valeur) : id, utilisateur, nom, création, dernière utilisation, état."""
    _setup()
    from django.utils import timezone

    from delibe.api import tokens

    rows = tokens.list_tokens(username)
    if not rows:
        click.echo("Aucun jeton.")
        return

    def when(value: object) -> str:
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "jamais"  # type: ignore[arg-type]  # a datetime when set

    for row in rows:
        state = f"révoqué le {when(row.revoked)}" if row.revoked else "actif"
        click.echo(f"{row.pk:>5}  {row.user.get_username():<16} {row.name or '-':<24} créé le {when(row.created)}  "
                   f"utilisé : {when(row.last_used)}  {state}")


@token.command("revoke")
@click.argument("token_id", type=int)
def revoke(token_id: int) -> None:
    """Révoque le jeton TOKEN_ID (voir `delibe api token list`) : il est refusé dès maintenant."""
    _setup()
    from delibe.api import tokens

    try:
        row = tokens.revoke_token(token_id)
    except tokens.TokenError as error:
        _fail(str(error))
    click.echo(f"Jeton {row.pk} de {row.user.get_username()} révoqué.")
