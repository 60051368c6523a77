"""What the documents show: plain, frozen inputs, filled by the caller.

A report renders a decision; it never computes one (docs/style.md, point 6). Every number and every
code below was computed by the engine (``delibe.engine.moyennes``, ``delibe.engine.jury``) or decided by
the jury, then copied here by a service of the web app or by :mod:`delibe.reports.adapters` (for
``delibe documents`` on a scenario file). The renderers only format them.

Conventions:
- averages are ``float | None`` on /20; ``None`` means *undefined* (nothing counted), printed « — »,
  never 0 (docs/domain.md §2);
- codes are ADIUT/Apogée strings (``"ADM"``, ``"CMP"``…), explained by :mod:`delibe.reports.codes`;
- dates are ISO strings (``"2024-06-20"``), printed in French by the templates;
- sequences are tuples and mappings plain dicts, so that the objects pickle (the batch renders in
  worker processes).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ReportConfig:
    """What a department sets once: names, logo, the signatory, the town of the « Fait à ».

    ``logo`` and ``signature_image`` are file paths or URLs (``file://``, ``https://``, ``data:``); they
    are optional, a document without them stays complete."""

    etablissement: str = "Institut universitaire de technologie"
    departement: str = ""
    universite: str = ""
    adresse: str = ""
    ville: str = ""
    logo: str | None = None
    signataire_nom: str = ""
    signataire_titre: str = "Le directeur de l'IUT, président du jury"
    signature_image: str | None = None
    afficher_rangs: bool = True
    # False: the « version courte » of the bulletin (ScoDoc's term): UEs, composition of the UE averages
    # and decisions, without the table of each module's evaluations (one page instead of two or three).
    details_evaluations: bool = True


@dataclass(frozen=True)
class Identite:
    """Who a document is about, as printed: name, numbers, birth (the database's ``Student`` holds more)."""

    nom: str
    prenom: str
    numero: str = ""  # numéro étudiant (code NIP)
    ine: str = ""
    date_naissance: str | None = None
    lieu_naissance: str = ""
    civilite: str = ""  # "M.", "Mme" or ""

    @property
    def nom_complet(self) -> str:
        return f"{self.nom.upper()} {self.prenom}".strip()

    @property
    def appellation(self) -> str:
        return f"{self.civilite} {self.prenom} {self.nom.upper()}".strip()


@dataclass(frozen=True)
class Decision:
    """A decision as recorded (or proposed, when ``provisoire``), with the engine's or the jury's
    reasons as sentences (``Reason.text``)."""

    code: str
    motifs: tuple[str, ...] = ()
    provisoire: bool = False


@dataclass(frozen=True)
class EvaluationLine:
    """One evaluation of a module, with the student's value. ``note`` is on ``note_max``; ``valeur``
    holds a special value instead (``"ABS"`` counted 0, ``"EXC"`` left out, ``"ATT"`` pending)."""

    description: str
    coefficient: float
    note: float | None
    note_max: float = 20
    valeur: str | None = None
    date: str | None = None
    poids: Mapping[str, float] = field(default_factory=dict)  # UE code -> weight


@dataclass(frozen=True)
class ModuleResult:
    """A ressource or SAÉ of the semester: the student's module average (all UEs together, when the
    caller has one), the evaluations, and the cohort's module averages for the distribution chart."""

    code: str
    titre: str
    kind: str  # "ressource", "sae", "portfolio", "stage"
    moyenne: float | None = None
    evaluations: tuple[EvaluationLine, ...] = ()
    distribution: tuple[float, ...] = ()  # the cohort's averages in this module (anonymous)

    @property
    def is_sae(self) -> bool:
        return self.kind != "ressource"


@dataclass(frozen=True)
class UEModule:
    """A module as it feeds one UE: its coefficient in that UE and its average towards that UE."""

    code: str
    titre: str
    coefficient: float
    moyenne: float | None
    kind: str = "ressource"


@dataclass(frozen=True)
class PenaliteAssiduite:
    """Points a local attendance rule of the department took off a UE average (docs/domain.md §7: the
    règlement intérieur, off by default). The UE's ``moyenne`` already includes it."""

    points: float  # positive: the points taken off
    reglement: str = ""  # the règlement that sets it, with its date, as the department declared it
    demi_journees: int | None = None  # unjustified half-days the rule counted (None: not known)
    franchise: int | None = None  # half-days per module the rule forgives before taking points
    plafond: float | None = None  # set when the penalty reached the rule's cap (it would have been more)


@dataclass(frozen=True)
class UELine:
    code: str  # "UE1.3"
    competence: str  # competence title, e.g. "Exprimer"
    titre: str = ""
    moyenne: float | None = None
    rang: int | None = None
    effectif: int | None = None
    ects: float = 0  # ECTS of the UE
    ects_acquis: float = 0  # as decided (0 until acquired)
    ressources: tuple[UEModule, ...] = ()
    saes: tuple[UEModule, ...] = ()
    decision: Decision | None = None
    capitalisee: bool = False  # acquired earlier and kept (repeaters)
    bonus: float | None = None
    penalite_assiduite: PenaliteAssiduite | None = None  # None: no attendance penalty on this UE

    @property
    def modules(self) -> tuple[UEModule, ...]:
        return self.ressources + self.saes


@dataclass(frozen=True)
class RCUELine:
    competence: str
    ues: tuple[str, ...]  # the two UE codes, odd semester first
    moyenne: float | None
    decision: Decision | None = None


@dataclass(frozen=True)
class Absences:
    """Half-days of absence in the semester (docs/domain.md §7)."""

    justifiees: int = 0
    injustifiees: int = 0
    unite: str = "demi-journées"

    @property
    def total(self) -> int:
        return self.justifiees + self.injustifiees


@dataclass(frozen=True)
class BulletinData:
    """The relevé de notes of one student for one semester (docs/domain.md §6)."""

    config: ReportConfig
    formation: str  # e.g. "BUT Métiers du multimédia et de l'internet"
    etudiant: Identite
    semestre: int
    annee_universitaire: str  # "2024-2025"
    ues: tuple[UELine, ...]
    modules: tuple[ModuleResult, ...] = ()
    parcours: str = ""
    absences: Absences | None = None
    rcues: tuple[RCUELine, ...] = ()  # even semesters, once the year jury has met
    decision_annee: Decision | None = None
    date_jury: str | None = None  # None: no jury yet, decisions (if any) are proposals
    jury_annuel: bool = False  # the codes were decided by the year jury (odd semester seen in June)
    provisoire: bool = False  # a grade is pending (ATT) or evaluations are missing
    date_edition: str | None = None
    messages: tuple[str, ...] = ()  # free notes for the student

    @property
    def ects_total(self) -> float:
        return sum(u.ects for u in self.ues)

    @property
    def ects_acquis(self) -> float:
        return sum(u.ects_acquis for u in self.ues)


@dataclass(frozen=True)
class PVColumn:
    """A UE or RCUE column of the PV: its code (``"UE1.3"`` or the competence) and a short header."""

    key: str
    libelle: str


@dataclass(frozen=True)
class PVCell:
    moyenne: float | None = None
    code: str | None = None


@dataclass(frozen=True)
class PVRow:
    etudiant: Identite
    ues: Mapping[str, PVCell] = field(default_factory=dict)  # PVColumn.key -> cell
    rcues: Mapping[str, PVCell] = field(default_factory=dict)
    code_annee: str | None = None
    ects_annee: float | None = None  # acquired in the year (or semester) judged
    ects_cumul: float | None = None  # acquired over the cursus
    diplomes: tuple[str, ...] = ()  # "DUT", "BUT" awarded at this jury
    observations: str = ""  # the jury's written reason for a departure from the proposal, etc.
    parcours: str = ""


@dataclass(frozen=True)
class PVStats:
    """Summary of the jury, computed by the caller (see :func:`delibe.reports.adapters.pv_stats`)."""

    effectif: int
    codes_annee: Mapping[str, int] = field(default_factory=dict)  # year code -> students
    codes_ue: Mapping[str, int] = field(default_factory=dict)  # UE code value -> count
    diplomes: Mapping[str, int] = field(default_factory=dict)
    moyennes_ue: Mapping[str, float | None] = field(default_factory=dict)  # column key -> cohort mean


@dataclass(frozen=True)
class PVData:
    """The procès-verbal of the jury of one semester (``semestres=(1,)``) or one year (``(1, 2)``)."""

    config: ReportConfig
    formation: str
    annee_universitaire: str
    semestres: tuple[int, ...]
    date_jury: str
    president: str
    membres: tuple[str, ...]
    ue_columns: tuple[PVColumn, ...]
    rows: tuple[PVRow, ...]
    rcue_columns: tuple[PVColumn, ...] = ()
    stats: PVStats | None = None
    parcours: str = ""
    lieu: str = ""

    @property
    def titre(self) -> str:
        sem = " et ".join(f"S{s}" for s in self.semestres)
        kind = "de l'année" if len(self.semestres) > 1 else "du semestre"
        return f"Procès-verbal du jury {kind} ({sem})"


@dataclass(frozen=True)
class LettreData:
    """The individual letter telling one student the jury's decision, with the year code explained."""

    config: ReportConfig
    formation: str
    etudiant: Identite
    annee_universitaire: str
    annee_but: int  # 1, 2, 3
    date_jury: str
    decision_annee: Decision | None
    semestres: tuple[int, ...] = ()
    ues: tuple[UELine, ...] = ()
    rcues: tuple[RCUELine, ...] = ()
    diplomes: tuple[str, ...] = ()
    ects_acquis: float | None = None  # over the cursus
    adresse_etudiant: tuple[str, ...] = ()
    date_lettre: str | None = None
    voies_de_recours: str = (
        "Cette décision peut faire l'objet d'un recours gracieux auprès du président du jury, ou d'un "
        "recours contentieux devant le tribunal administratif, dans un délai de deux mois à compter de sa "
        "notification."
    )


@dataclass(frozen=True)
class ReleveSemestre:
    """One semester of a diploma transcript: its UEs with average, code and ECTS acquired."""

    semestre: int
    annee_universitaire: str
    ues: tuple[UELine, ...]


@dataclass(frozen=True)
class ReleveDiplomeData:
    """The relevé de notes attached to a diploma (DUT: S1–S4, 120 ECTS; BUT: S1–S6, 180 ECTS)."""

    config: ReportConfig
    diplome: str  # "DUT" or "BUT"
    specialite: str  # "Métiers du multimédia et de l'internet"
    etudiant: Identite
    semestres: tuple[ReleveSemestre, ...]
    date_jury: str
    parcours: str = ""
    ects_total: float | None = None  # None: the sum of the UEs' acquired ECTS
    date_edition: str | None = None

    @property
    def ects(self) -> float:
        if self.ects_total is not None:
            return self.ects_total
        return sum(u.ects_acquis for s in self.semestres for u in s.ues)


@dataclass(frozen=True)
class AttestationData:
    """The attestation de réussite, issued until the diploma itself is delivered."""

    config: ReportConfig
    diplome: str  # "DUT" or "BUT"
    specialite: str
    etudiant: Identite
    date_jury: str
    ects: float
    annee_universitaire: str
    parcours: str = ""
    date_edition: str | None = None

    @property
    def diplome_long(self) -> str:
        return DIPLOME_LIBELLES.get(self.diplome, self.diplome)


DIPLOME_LIBELLES = {
    "DUT": "Diplôme universitaire de technologie",
    "BUT": "Bachelor universitaire de technologie",
}
