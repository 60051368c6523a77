"""Local bonus/malus rules: declared extension points, off by default.

Scope: domain.md §2. Bonuses (sport, culture, engagement…) are not in the Arrêté du 15 avril 2022: each
IUT's règlement des études may define some. A rule is declared with a name, a description and its source
(the local règlement), and a department turns it on by putting it in ``SemesterSpec.bonus``. Points are
added to (or, for a malus, taken from) the semester's defined UE averages, which are then clipped to
[0, note_max].

A rule reads the *module averages* (UE-independent: Σ coef·note / Σ coef) of the semester's modules and
returns points per UE. It has a scalar form (for the reference implementation and explanations) and an
array form (for the vectorised one); a property test checks that they agree.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from delibe.engine.sources import Source

REGLEMENT_LOCAL = Source(
    "reglement-local-bonus",
    "Règlement des études de l'IUT (règle locale)",
    "Bonus ou malus sur les moyennes d'UE définis localement (sport, culture…); non prévus par l'arrêté, "
    "désactivés par défaut.",
)


@runtime_checkable
class BonusRule(Protocol):
    # read-only members, so that frozen dataclasses satisfy the protocol
    @property
    def name(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def source(self) -> Source: ...
    @property
    def module(self) -> str:
        """The module whose average the rule reads."""
        ...

    def points(self, module_average: float | None, ue_codes: tuple[str, ...]) -> dict[str, float]:
        """Points for each UE, for one student (reference form)."""
        ...

    def points_array(
        self, module_average: npt.NDArray[np.float64], ue_codes: tuple[str, ...]
    ) -> npt.NDArray[np.float64]:
        """Points, students × UEs, from the module averages of all students (NaN: undefined)."""
        ...


@dataclass(frozen=True)
class BonusPointsAboveBar:
    """The common rule: ``rate`` (5 %) of the points above ``bar`` (10) of the bonus module's average,
    capped at ``cap`` (0.5), added to every UE average of the semester."""

    module: str
    rate: float = 0.05
    bar: float = 10.0
    cap: float = 0.5
    name: str = "bonus_points_au_dessus_de_10"
    description: str = (
        "5 % des points au-dessus de 10 de la moyenne du module bonus (sport, culture…), plafonnés à 0,5, "
        "ajoutés à chaque moyenne d'UE du semestre"
    )
    source: Source = REGLEMENT_LOCAL

    def points(self, module_average: float | None, ue_codes: tuple[str, ...]) -> dict[str, float]:
        if module_average is None or math.isnan(module_average) or module_average <= self.bar:
            value = 0.0
        else:
            value = min(self.cap, self.rate * (module_average - self.bar))
        return {ue: value for ue in ue_codes}

    def points_array(
        self, module_average: npt.NDArray[np.float64], ue_codes: tuple[str, ...]
    ) -> npt.NDArray[np.float64]:
        above = np.nan_to_num(module_average - self.bar, nan=0.0)
        value = np.minimum(self.cap, self.rate * np.maximum(above, 0.0))
        return np.repeat(value[:, None], len(ue_codes), axis=1)


BonusFactory = Callable[..., BonusRule]

# name -> (factory, description): what a formation file or a department's settings can turn on.
BONUS_RULES: dict[str, tuple[BonusFactory, str]] = {}


def register_bonus_rule(name: str, factory: BonusFactory, description: str) -> None:
    if name in BONUS_RULES:
        raise ValueError(f"règle de bonus « {name} » déjà déclarée")
    BONUS_RULES[name] = (factory, description)


def make_bonus_rule(name: str, **options: object) -> BonusRule:
    """Build a declared rule by name, e.g. ``make_bonus_rule("bonus_points_au_dessus_de_10", module="SPORT")``."""
    if name not in BONUS_RULES:
        known = ", ".join(sorted(BONUS_RULES)) or "aucune"
        raise ValueError(f"règle de bonus « {name} » inconnue (règles déclarées: {known})")
    return BONUS_RULES[name][0](**options)


def declared_rules() -> Mapping[str, str]:
    return {name: description for name, (_, description) in BONUS_RULES.items()}


register_bonus_rule("bonus_points_au_dessus_de_10", BonusPointsAboveBar, BonusPointsAboveBar.description)
