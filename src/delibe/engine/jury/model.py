"""Inputs and results of the jury engine: one student's cursus in, decisions with reasons out.

Inputs are what a jury sees: for each year taken (a repeated year appears again), the UE averages,
which of them are provisional (a grade pending), and the jury's own decisions when it departs from the
proposal. Results keep, for every UE, RCUE and year, the code the engine proposed, the code decided and
the reasons.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from types import MappingProxyType

from delibe.engine.assiduite import Effet
from delibe.engine.exact import Nombre
from delibe.engine.jury.codes import VALIDATING
from delibe.engine.model import UE
from delibe.engine.trace import Reason


def _empty() -> Mapping[str, str]:
    return MappingProxyType({})


class CursusError(ValueError):
    """A cursus the rules cannot deliberate (years out of order, unknown UE, average out of range…).

    ``year_index`` is the position of the faulty year in ``Cursus.years`` (None for the cursus itself),
    ``place`` names the field inside it; the message is French and says how to fix it."""

    def __init__(self, message: str, year_index: int | None = None, place: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.year_index = year_index
        self.place = place


@dataclass(frozen=True)
class JuryDecisions:
    """What the jury decided where it departs from (or confirms) the proposal, with its written reason.

    ``ue`` maps a UE code (of this year, or of an earlier year of the cursus) to a code; ``rcue`` maps a
    competence ``nom_court`` of this year to a code; ``annee`` is the year code."""

    annee: str | None = None
    ue: Mapping[str, str] = field(default_factory=_empty)
    rcue: Mapping[str, str] = field(default_factory=_empty)
    raison: str = ""

    @property
    def is_empty(self) -> bool:
        return self.annee is None and not self.ue and not self.rcue


@dataclass(frozen=True)
class YearAttempt:
    """One BUT year taken (``annee`` 1–3), as seen by its year jury. A repeated year lists only the UEs
    retaken: the others keep their capitalised average."""

    annee: int
    ue_moyennes: Mapping[str, Nombre | None]
    provisional_ues: frozenset[str] = frozenset()
    jury: JuryDecisions | None = None
    # The student left during the year: (DEM or DEF, the date as written, e.g. "12/03/2025"). The year is
    # then proposed DEM/DEF with that date as its reason (docs/domain.md §5).
    sortie: tuple[str, str] | None = None
    # The exact average of a UE of ``ue_moyennes`` when the value given is a float with no short decimal
    # form (e.g. 10/3 computed from grades): asked only when an RCUE lies within 1e-9 of a bar.
    exact_ue_moyenne: Callable[[str], Fraction | None] | None = field(default=None, compare=False, repr=False)
    # The effects of the department's attendance rules on this year's UEs (``delibe.engine.assiduite``):
    # ATJ proposals, and penalties already taken off ``ue_moyennes`` (their reasons are shown). Applied by
    # ``delibe.engine.jury.assiduite``.
    assiduite: tuple[Effet, ...] = ()


@dataclass(frozen=True)
class UECapitalisee:
    """A UE acquired before this cursus (transfer, équivalence), kept as capitalised."""

    moyenne: Nombre | None
    code: str = "ADM"


@dataclass(frozen=True)
class Cursus:
    parcours: str  # Parcours.code
    years: tuple[YearAttempt, ...]
    derogations: int = 0  # extra repeats granted by the IUT director (force majeure), recorded as input
    ue_acquises_avant: Mapping[str, UECapitalisee] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class UEResult:
    ue: UE
    moyenne: float | None
    proposed: str | None  # None: no automatic proposal (grade pending)
    decided: str | None
    ects: float  # ECTS acquired through this UE at this jury
    reasons: tuple[Reason, ...]
    capitalisee: bool = False  # carried from an earlier jury without being retaken
    provisional: bool = False

    @property
    def code(self) -> str | None:
        return self.decided

    @property
    def acquise(self) -> bool:
        return self.decided in VALIDATING


@dataclass(frozen=True)
class RCUEResult:
    competence: str  # nom_court
    niveau: int
    ues: tuple[str, str]  # UE codes, odd then even semester
    moyenne: float | None
    proposed: str | None
    decided: str | None
    reasons: tuple[Reason, ...]

    @property
    def code(self) -> str | None:
        return self.decided

    @property
    def valide(self) -> bool:
        return self.decided in VALIDATING


@dataclass(frozen=True)
class AnneeDecision:
    proposed: str | None
    decided: str | None
    reasons: tuple[Reason, ...]

    @property
    def code(self) -> str | None:
        return self.decided


@dataclass(frozen=True)
class UEState:
    """The state of one UE of the cursus after a jury: what a later jury starts from."""

    ue: UE
    moyenne: float | None
    code: str | None
    ects: float
    reasons: tuple[Reason, ...]

    @property
    def acquise(self) -> bool:
        return self.code in VALIDATING


@dataclass(frozen=True)
class RCUEState:
    """The state of one RCUE of the cursus after a jury (ADSUP may come from a later level)."""

    competence: str
    niveau: int
    annee: int  # the BUT year it belongs to
    moyenne: float | None
    code: str | None

    @property
    def valide(self) -> bool:
        return self.code in VALIDATING


@dataclass(frozen=True)
class DiplomaDecision:
    dut: bool
    but: bool
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class YearResult:
    """The year jury of one attempt: every UE and RCUE of the year as decided then (a repeat includes
    the capitalised UEs), the year code, and the changes this jury made to earlier UEs (descending
    validation, jury decisions on earlier years)."""

    annee_but: int
    attempt: int  # 1 for the first time in this year, 2 for a repeat…
    ues: Mapping[str, UEResult]
    rcues: Mapping[str, RCUEResult]  # by competence nom_court
    annee: AnneeDecision
    autres_ues: Mapping[str, UEState]  # earlier UEs changed at this jury
    ects: float  # ECTS of this year's UEs acquired at this jury
    diplomes: DiplomaDecision


@dataclass(frozen=True)
class FinalState:
    """Every UE of the cursus after the last jury, the ECTS and the diplomas."""

    ues: Mapping[str, UEState]
    ects: float
    dut: bool
    but: bool
    reasons: tuple[Reason, ...]
    rcues: tuple[RCUEState, ...] = ()


@dataclass(frozen=True)
class CursusResult:
    years: tuple[YearResult, ...]
    final: FinalState


@dataclass(frozen=True)
class SemesterResult:
    """An odd-semester jury: UE codes only (ADM, or AJ provisional), passage to the even semester."""

    semestre: int
    ues: Mapping[str, UEResult]
    reasons: tuple[Reason, ...]
