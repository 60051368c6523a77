"""Reasons: every proposal the engine makes carries the rule applied, its source and the numbers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from delibe.engine.sources import Source


@dataclass(frozen=True)
class Reason:
    """One step of an explanation, e.g. « 3 RCUE validés sur 5 (il en faut plus de la moitié), aucun
    sous 8 → PASD », with the rule's identifier, its source, and the numbers as data."""

    rule: str  # stable identifier, e.g. "annee.passage_de_droit"
    text: str  # French sentence with the numbers
    source: Source
    data: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))

    def __str__(self) -> str:
        return f"{self.text} — {self.source.reference}"

    def as_dict(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "text": self.text,
            "source": self.source.reference,
            "data": dict(self.data),
        }
