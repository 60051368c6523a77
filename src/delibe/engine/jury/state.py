"""What a year jury leaves to the next ones (capitalised UEs, validated RCUEs, repeats used)."""

from __future__ import annotations

from dataclasses import dataclass, field

from delibe.engine.jury.model import UEState
from delibe.engine.jury.rules.redoublement import Repeats


@dataclass
class State:
    """What a year jury leaves to the next ones."""

    ues: dict[str, UEState]
    rcues: dict[tuple[str, int], str | None]
    repeats: Repeats
    rcue_moyennes: dict[tuple[str, int], tuple[int, float | None]] = field(default_factory=dict)
