"""The numbers and names in the rules' reasons, in French."""

from __future__ import annotations

from collections.abc import Iterable

from delibe.engine.exact import Nombre, nombre_fr, note_fr
from delibe.engine.model import UE


def fmt(value: Nombre | None) -> str:
    """A French display of an average: 2 decimals rounded half up on the exact value, decimal comma."""
    return note_fr(value, undefined="indéfinie")


def bar(value: Nombre) -> str:
    return nombre_fr(value)


def names(ues: Iterable[UE]) -> str:
    return ", ".join(u.code for u in ues)
