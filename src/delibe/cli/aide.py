"""French help for every command: « Utilisation : », « Options : », « Commandes : », and Click's own
phrases (the help option, defaults, required options) in French, whatever the user's locale.

Click writes its help through the context's formatter: ``FrenchContext`` gives every command of the tree
(``en_francais``) a formatter that writes these words in French. Click's error messages (« Missing
argument… ») stay Click's."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import click

HEADINGS = {"Options": "Options", "Commands": "Commandes", "Commandes": "Commandes", "Arguments": "Arguments"}
PHRASES = {
    "Show this message and exit.": "Afficher cette aide et quitter.",
    "Show the version and exit.": "Afficher la version et quitter.",
}
# The metavars Click gives options from their type (an argument's metavar is its name: left as written,
# since the help texts cite it), and the words of a group's usage line
METAVARS = {"INTEGER RANGE": "ENTIER", "FLOAT RANGE": "NOMBRE", "INTEGER": "ENTIER", "FLOAT": "NOMBRE",
            "TEXT": "TEXTE", "PATH": "CHEMIN", "FILENAME": "FICHIER", "DIRECTORY": "DOSSIER", "BOOLEAN": "BOOLÉEN"}
_METAVAR = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, METAVARS)) + r")(?![\w-])")
USAGE = {"COMMAND [ARGS]...": "COMMANDE [ARGUMENTS]..."}
_BRACKET = re.compile(r"\[([^\[\]]*)\]$")
_PARTS = {"required": "obligatoire"}


def _metavars(text: str) -> str:
    return _METAVAR.sub(lambda m: METAVARS[m.group(1)], text)


def _fr(text: str) -> str:
    text = PHRASES.get(text, text)

    def bracket(match: re.Match[str]) -> str:
        parts = []
        for part in match.group(1).split("; "):
            if part.startswith("default: "):
                part = "défaut : " + part[len("default: "):]
            elif part.startswith("env var: "):
                part = "variable : " + part[len("env var: "):]
            parts.append(_PARTS.get(part, part))
        return "[" + "; ".join(parts) + "]"

    return _BRACKET.sub(bracket, text)


class FrenchFormatter(click.HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        for english, french in USAGE.items():
            args = args.replace(english, french)
        super().write_usage(prog, args, "Utilisation : " if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        super().write_heading(HEADINGS.get(heading, heading) + " ")  # Click adds the colon: « Options : »

    def write_dl(self, rows: Sequence[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        super().write_dl([(_metavars(term), _fr(text)) for term, text in rows], col_max, col_spacing)


class FrenchContext(click.Context):
    formatter_class = FrenchFormatter


def en_francais(command: click.Command) -> click.Command:
    """``command`` and every subcommand it holds write their help in French."""
    command.context_class = FrenchContext
    if isinstance(command, click.Group):
        subcommands: Iterable[click.Command] = command.commands.values()
        for sub in subcommands:
            en_francais(sub)
    return command
