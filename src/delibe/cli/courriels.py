"""``delibe courriels retours``: the delivery status notifications (bounces) read from the sender's
mailbox, each rejected address recorded on its mail (``delibe.web.mail.retours``)."""

from __future__ import annotations

from pathlib import Path

import click


@click.group()
def courriels() -> None:
    """Courriels envoyés par Délibé : avis de non-distribution (retours)."""


@courriels.command("retours")
@click.argument("boite", type=click.Path(path_type=Path))
def retours(boite: Path) -> None:
    """Lire les avis de non-distribution (RFC 3464) de BOITE — un fichier mbox, un dossier Maildir ou un
    message .eml — et marquer « adresse rejetée » chaque destinataire refusé définitivement, avec une entrée
    au journal. Relire la même boîte ne change rien ; les avis de retard sont ignorés (le serveur réessaie)."""
    from delibe.cli.web import _setup

    _setup()
    from delibe.web.mail.retours import RetoursError, read

    try:
        summary = read(boite)
    except (RetoursError, OSError) as error:
        click.echo(f"Erreur : {error}", err=True)
        raise SystemExit(2) from None
    click.echo(f"{summary.notifications} avis de non-distribution lu(s), {summary.other_messages} autre(s) "
               f"message(s) ignoré(s).")
    click.echo(f"{len(summary.bounced)} adresse(s) rejetée(s) enregistrée(s), {summary.already} déjà "
               f"enregistrée(s), {summary.delayed} retard(s) (le serveur réessaie).")
    for mail in summary.bounced:
        click.echo(f"  - {mail.recipient} : {mail.mailing.subject}")
    if summary.unmatched:
        click.echo(f"{len(summary.unmatched)} retour(s) sans courriel de Délibé correspondant (Message-ID ou "
                   "adresse inconnus) :")
        for bounce in summary.unmatched[:20]:
            click.echo(f"  - {bounce.recipient} {bounce.message_id or '(sans Message-ID)'}")
