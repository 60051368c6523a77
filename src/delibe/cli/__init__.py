"""The ``delibe`` command line. Each command group lives in its own module, loaded on demand so that
``delibe --help`` stays fast and a command only imports what it needs (Django only for web commands)."""

from __future__ import annotations

import importlib

import click

from delibe.cli.aide import FrenchContext, en_francais

# command name -> (module, attribute, one-line help shown by ``delibe --help``)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "formation": ("delibe.cli.formation", "formation", "Vérifier et afficher une formation (fiche, contrôles)."),
    "referentiel": ("delibe.cli.referentiel", "referentiel", "Importer un référentiel de compétences."),
    "simulate": ("delibe.cli.simulate", "simulate", "Simuler les décisions de jury d'un cursus (what-if)."),
    "documents": ("delibe.cli.documents", "documents", "Produire les documents: bulletins, PV de jury, lettres, attestations."),
    "bench": ("delibe.cli.bench", "bench", "Mesurer la vitesse des moyennes et du jury."),
    "demo": ("delibe.cli.web", "demo", "Préparer la base de démonstration et servir l'application."),
    "serve": ("delibe.cli.web", "serve", "Servir l'application web (http://127.0.0.1:8000)."),
    "worker": ("delibe.cli.worker", "worker", "Exécuter les tâches en arrière-plan (lots de documents, envois, tâches planifiées)."),
    "planifier": ("delibe.cli.worker", "planifier",
                  "Mettre en file les tâches planifiées dues (relevés mensuels, alertes d'absences)."),
    "courriels": ("delibe.cli.courriels", "courriels",
                  "Courriels : lire les avis de non-distribution (adresses rejetées)."),
    "backup": ("delibe.cli.ops", "backup", "Sauvegarder la base (SQLite : copie en ligne ; PostgreSQL : pg_dump)."),
    "restore": ("delibe.cli.ops", "restore", "Restaurer la base depuis une sauvegarde (remplace tout)."),
    "import": ("delibe.cli.interop", "import_", "Importer une liste d'étudiants (CSV, XLSX) dans un semestre."),
    "apogee": ("delibe.cli.interop", "apogee", "Remplir une maquette Apogée avec les notes et décisions."),
    "departement": ("delibe.cli.interop", "departement",
                    "Créer un département, y importer une formation ; le sauvegarder ou le restaurer (JSON)."),
    "etudiant": ("delibe.cli.etudiant", "etudiant", "Vie de l'étudiant : démission (une ou groupées), défaillance, désinscription, parcours."),
    "comptes": ("delibe.cli.comptes", "comptes", "Comptes et rôles : lister, créer, inviter, désactiver, rôles."),
    "annee": ("delibe.cli.annee", "annee", "Année universitaire : ouvrir, copier, archiver, passage des étudiants."),
    "jury": ("delibe.cli.jury", "jury", "Liste de contrôle avant de clore le jury d'un semestre de la base."),
    "api": ("delibe.cli.api", "api", "API REST : jetons d'accès (créer, lister, révoquer)."),
    "manage": ("delibe.cli.web", "manage", "Commandes d'administration Django (migrate, createsuperuser…)."),
}


class LazyGroup(click.Group):
    context_class = FrenchContext

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module_name, attribute, _ = COMMANDS[cmd_name]
        command: click.Command = getattr(importlib.import_module(module_name), attribute)
        return en_francais(command)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Help texts come from COMMANDS, so listing does not import every module.
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        with formatter.section("Commandes"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="delibe", message="%(prog)s, version %(version)s")
def cli() -> None:
    """Délibé — programmes, notes et jurys du BUT (Arrêté du 15 avril 2022, annexe 1)."""


def main() -> None:
    cli()
