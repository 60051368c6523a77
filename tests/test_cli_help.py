"""A newcomer's first commands: every ``--help`` is in French with the same words, and the formation id
``delibe formation show`` accepts is accepted by ``delibe documents fiche`` too."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from delibe.cli import cli


def command_paths() -> list[tuple[str, ...]]:
    paths: list[tuple[str, ...]] = [()]
    ctx = click.Context(cli)

    def walk(group: click.Group, prefix: tuple[str, ...]) -> None:
        for name in group.list_commands(ctx):
            command = group.get_command(ctx, name)
            assert command is not None, name
            paths.append((*prefix, name))
            if isinstance(command, click.Group):
                walk(command, (*prefix, name))

    walk(cli, ())
    return paths


# « delibe manage --help » passes its arguments to Django: its help is Django's own
PATHS = [p for p in command_paths() if p[:1] != ("manage",)]


@pytest.mark.parametrize("path", PATHS, ids=[" ".join(p) or "delibe" for p in PATHS])
def test_every_help_is_in_french_with_the_same_words(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, [*path, "--help"], prog_name="delibe")
    assert result.exit_code == 0, result.output
    text = result.output
    assert text.startswith("Utilisation : delibe"), text[:80]
    assert "Options :" in text
    for english in ("Usage:", "Options:", "Commands:", "Commandes:", "Show this message", "[default:", "[required]",
                    " TEXT ", " INTEGER", " PATH "):
        assert english not in text, f"« {english} » dans l'aide de delibe {' '.join(path)}"


def test_there_are_commands_to_check() -> None:
    assert len(PATHS) > 30 and ("documents", "fiche") in PATHS


def test_documents_fiche_accepts_the_formation_id_that_formation_show_accepts(tmp_path: Path) -> None:
    shown = CliRunner().invoke(cli, ["formation", "show", "but-mmi-dijon", "--parcours", "Créa", "--semestres", "5"])
    assert shown.exit_code == 0, shown.output
    out = tmp_path / "fiche.pdf"
    result = CliRunner().invoke(cli, ["documents", "fiche", "but-mmi-dijon", "--parcours", "Créa", "--semestre", "5",
                                      "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")
