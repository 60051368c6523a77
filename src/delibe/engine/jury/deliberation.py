"""The jury of one student: RCUE, compensation, descending validation, progression, redoublement and
diplomas (Arrêté du 15 avril 2022, annexe 1, §4.3–4.6; codes of domain.md §5).

``deliberate`` replays the cursus year jury by year jury, in order: each jury starts from the state the
previous one left (capitalised UEs, validated RCUEs, repeats used) and proposes, for the year's UEs, its
RCUEs and the year, a code with its reasons; the jury's own decisions then replace the proposal (with
their written reason). ``deliberate_semestre`` is the odd-semester jury (UE codes only).

Every comparison with a bar goes through ``Regles.reaches`` (tolerance 0.005, never a rounded value) on
exact values: averages are read as the decimals they stand for and the RCUE average is computed with
fractions (``delibe.engine.exact``); the results carry the nearest float.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from types import MappingProxyType

from delibe.engine.assiduite import Effet
from delibe.engine.exact import WINDOW, Nombre, NotANumber, as_float, exact, exact_or_none, nombre_fr, note_fr
from delibe.engine.jury import codes as C
from delibe.engine.jury.assiduite import YearAttendance
from delibe.engine.jury.model import (
    AnneeDecision,
    Cursus,
    CursusError,
    CursusResult,
    DiplomaDecision,
    FinalState,
    JuryDecisions,
    RCUEResult,
    RCUEState,
    SemesterResult,
    UEResult,
    UEState,
    YearAttempt,
    YearResult,
)
from delibe.engine.jury.rules import RULES
from delibe.engine.jury.structure import CursusStructure, RCUESpec, YearStructure, cursus_structure
from delibe.engine.model import UE, Formation
from delibe.engine.parameters import DEFAULT_REGLES, Regles
from delibe.engine.trace import Reason

R = RULES


def fmt(value: Nombre | None) -> str:
    """A French display of an average: 2 decimals rounded half up on the exact value, decimal comma."""
    return note_fr(value, undefined="indéfinie")


def _bar(value: Nombre) -> str:
    return nombre_fr(value)


def _names(ues: Iterable[UE]) -> str:
    return ", ".join(u.code for u in ues)


# --------------------------------------------------------------------------------------------------
# Redoublement bookkeeping (§4.5)


@dataclass
class _Repeats:
    per_semestre: dict[int, int] = field(default_factory=dict)
    total: int = 0
    derogations_used: int = 0

    def _regular(self, annee: int, regles: Regles) -> bool:
        semestres = (2 * annee - 1, 2 * annee)
        once_each = all(self.per_semestre.get(s, 0) + 1 <= regles.redoublements_par_semestre for s in semestres)
        return once_each and self.total + len(semestres) <= regles.redoublements_max

    def allowed(self, annee: int, regles: Regles, derogations: int) -> tuple[bool, bool]:
        """(may repeat ``annee``, only thanks to a dérogation)."""
        if self._regular(annee, regles):
            return True, False
        return self.derogations_used < derogations, True

    def record(self, annee: int, regles: Regles) -> None:
        """Délibé decision (dérogation): a repeat granted by the director is supplementary: it is counted
        apart, neither in the limit of 4 nor in the once-per-semester rule."""
        if not self._regular(annee, regles):
            self.derogations_used += 1
            return
        for s in (2 * annee - 1, 2 * annee):
            self.per_semestre[s] = self.per_semestre.get(s, 0) + 1
        self.total += 2

    def describe(self) -> str:
        if not self.total:
            return "aucun semestre redoublé jusqu'ici" + self._by_derogation()
        detail = ", ".join(f"S{s} ×{n}" for s, n in sorted(self.per_semestre.items()))
        return f"{self.total} semestre(s) redoublé(s) jusqu'ici ({detail})" + self._by_derogation()

    def _by_derogation(self) -> str:
        if not self.derogations_used:
            return ""
        return f", plus {self.derogations_used} année(s) redoublée(s) par dérogation (hors plafond)"


# --------------------------------------------------------------------------------------------------
# Input checks


def _check_code(code: str, allowed: frozenset[str], what: str, year_index: int, place: str) -> None:
    if code not in allowed:
        raise CursusError(
            f"code « {code} » impossible pour {what}; codes possibles: {', '.join(sorted(allowed))}",
            year_index, place,
        )


def _check_attempt(
    attempt: YearAttempt, index: int, ys: YearStructure, structure: CursusStructure, regles: Regles
) -> None:
    year_codes = ys.ue_codes
    for code, moyenne in attempt.ue_moyennes.items():
        if code not in year_codes:
            raise CursusError(
                f"UE « {code} » inconnue en BUT{attempt.annee} du parcours {structure.parcours.code} "
                f"(UE de l'année: {', '.join(sorted(year_codes))})", index, f"ue.{code}",
            )
        if moyenne is not None and not _in_range(moyenne, regles):
            raise CursusError(
                f"moyenne {moyenne!r} de l'UE {code} hors de [0, {_bar(regles.note_max)}]", index, f"ue.{code}"
            )
    for code in attempt.provisional_ues:
        if code not in year_codes:
            raise CursusError(f"UE provisoire « {code} » inconnue en BUT{attempt.annee}", index, "provisional_ues")
    jury = attempt.jury
    if jury is None or jury.is_empty:
        return
    if not jury.raison.strip():
        raise CursusError(
            "une décision du jury doit être motivée: donnez sa raison (raison: « … »)", index, "jury.raison"
        )
    cursus_ues = {u.code for u in structure.ues}
    for code, value in jury.ue.items():
        if code not in cursus_ues:
            raise CursusError(f"UE « {code} » inconnue du cursus {structure.parcours.code}", index, f"jury.ue.{code}")
        _check_code(value, C.UE_CODES, f"l'UE {code}", index, f"jury.ue.{code}")
    competences = {r.competence for r in ys.rcues}
    for competence, value in jury.rcue.items():
        if competence not in competences:
            raise CursusError(
                f"RCUE « {competence} » inconnu en BUT{attempt.annee} (RCUE de l'année: "
                f"{', '.join(r.competence for r in ys.rcues)})", index, f"jury.rcue.{competence}",
            )
        _check_code(value, C.RCUE_CODES, f"le RCUE {competence}", index, f"jury.rcue.{competence}")
    if jury.annee is not None:
        allowed = C.ANNEE_CODES - ({C.PASD, C.PAS1NCI} if attempt.annee == 3 else frozenset())
        _check_code(jury.annee, allowed, f"l'année BUT{attempt.annee}", index, "jury.annee")


def _check_order(attempt: YearAttempt, index: int, previous: YearResult | None, has_prior_ues: bool) -> None:
    if previous is None:
        if attempt.annee != 1 and not has_prior_ues:
            raise CursusError(
                f"le cursus commence en BUT{attempt.annee}: il doit commencer en BUT1 (ou déclarer les UE "
                "acquises avant l'entrée)", index, "year",
            )
        return
    before = previous.annee_but
    decided = previous.annee.decided
    label = f"BUT{before} (année {index})"
    if decided is None:
        raise CursusError(
            f"la décision d'année du {label} est en attente (notes en attente ou résultats incomplets): une "
            "année suivante ne peut pas encore être délibérée; saisissez la décision du jury (jury: {annee: …})",
            index, "year",
        )
    if decided in C.TERMINAL:
        raise CursusError(f"le cursus s'arrête au {label} (décision {decided}): aucune année ne peut suivre",
                          index, "year")
    if attempt.annee == before + 1:
        if decided not in C.PASSAGE:
            raise CursusError(
                f"BUT{attempt.annee} sans passage: le {label} a été décidé {decided}; il faut ADM, ADJ, PASD "
                f"ou PAS1NCI (sinon, redoublez le BUT{before})", index, "year",
            )
    elif attempt.annee == before:
        if decided in C.PASSAGE:
            raise CursusError(
                f"BUT{before} repris alors que le {label} a été décidé {decided} (passage): l'année suivante "
                f"est le BUT{before + 1}", index, "year",
            )
    else:
        raise CursusError(
            f"années dans le désordre: BUT{attempt.annee} après le BUT{before}; après le BUT{before} vient "
            f"le BUT{before + 1} (passage) ou le BUT{before} (redoublement)", index, "year",
        )


# --------------------------------------------------------------------------------------------------
# One year jury


def _in_range(moyenne: object, regles: Regles) -> bool:
    try:
        value = exact(moyenne)  # type: ignore[arg-type]  # any object: exact() refuses what is not a number
    except NotANumber:
        return False
    return 0 <= value <= exact(regles.note_max)


def _ue_average(
    ue: UE, attempt: YearAttempt, prev: UEState | None
) -> tuple[Fraction | None, list[Reason], bool]:
    """The average the jury uses for ``ue`` (exact), with its capitalisation reasons and whether it is
    carried."""
    given = ue.code in attempt.ue_moyennes
    new = exact_or_none(attempt.ue_moyennes.get(ue.code))
    if prev is not None and prev.acquise:
        old = exact_or_none(prev.moyenne)
        if not given or new is None:
            return old, [R["ue.capitalisee"].reason(
                f"{ue.code} acquise ({prev.code}) à un jury précédent: moyenne figée {fmt(old)} conservée",
                ue=ue.code, moyenne=as_float(old), code=prev.code)], True
        best = new if old is None or new > old else old
        return best, [R["ue.capitalisee_reprise"].reason(
            f"{ue.code} capitalisée ({fmt(old)}) et repassée ({fmt(new)}): la meilleure moyenne compte, "
            f"{fmt(best)}", ue=ue.code, ancienne=as_float(old), nouvelle=as_float(new), moyenne=as_float(best))], False
    if prev is not None:
        if given:
            return new, [R["ue.reprise_non_acquise"].reason(
                f"{ue.code} non acquise ({fmt(prev.moyenne)}) et repassée: sa nouvelle moyenne {fmt(new)} compte",
                ue=ue.code, ancienne=prev.moyenne, nouvelle=as_float(new))], False
        return None, [R["ue.non_reprise"].reason(
            f"{ue.code} non acquise ({fmt(prev.moyenne)}) et non repassée: pas de moyenne", ue=ue.code,
            ancienne=prev.moyenne)], False
    return new, [], False


def _rcue_average(
    spec: RCUESpec, moyennes: Mapping[str, Fraction | None], attempt: YearAttempt, regles: Regles
) -> tuple[Fraction | None, Reason]:
    a, b = moyennes[spec.impair.code], moyennes[spec.pair.code]
    ca, cb = exact(spec.impair.coef_rcue), exact(spec.pair.coef_rcue)
    if a is None or b is None:
        return None, R["rcue.moyenne"].reason(
            f"RCUE {spec.competence}: moyenne indéfinie ({spec.impair.code} {fmt(a)}, {spec.pair.code} {fmt(b)})",
            competence=spec.competence, moyenne=None)
    value = (ca * a + cb * b) / (ca + cb)
    if attempt.exact_ue_moyenne is not None and _near_a_bar(value, regles):
        # The UE averages came as floats read to 10 decimals (an average such as 10/3 has no finite
        # decimal form): near a bar, the RCUE is computed again from their exact values.
        exact_a = attempt.exact_ue_moyenne(spec.impair.code) if spec.impair.code in attempt.ue_moyennes else a
        exact_b = attempt.exact_ue_moyenne(spec.pair.code) if spec.pair.code in attempt.ue_moyennes else b
        if exact_a is not None and exact_b is not None:
            a, b = exact_a, exact_b
            value = (ca * a + cb * b) / (ca + cb)
    weights = "" if ca == cb else f", coefficients {nombre_fr(ca)} et {nombre_fr(cb)}"
    return value, R["rcue.moyenne"].reason(
        f"RCUE {spec.competence}: ({spec.impair.code} {fmt(a)} + {spec.pair.code} {fmt(b)}{weights}) → {fmt(value)}",
        competence=spec.competence, moyenne=float(value), ues=[float(a), float(b)],
        coefficients=[float(ca), float(cb)])


def _near_a_bar(value: Fraction, regles: Regles) -> bool:
    return any(abs(value - regles.threshold(bar)) <= WINDOW
               for bar in (regles.barre_rcue, regles.plancher_rcue, regles.barre_ue))


def _incomplete(ue: UE, attempt: YearAttempt, prev: UEState | None, moyenne: Fraction | None) -> bool:
    """Délibé decision (docs/domain.md §2, undefined averages): a UE the student takes this year without
    an average yet (nothing counts: grades missing, evaluations not expected) is incomplete, not failed.
    A UE a repeater left out without acquiring it is not incomplete: its « no average » is a rule (§3)."""
    if moyenne is not None or (prev is not None and prev.acquise):
        return False
    return prev is None or ue.code in attempt.ue_moyennes


def _incomplete_reason(ue: UE) -> Reason:
    return R["ue.moyenne_indefinie"].reason(
        f"{ue.code}: pas de moyenne (rien ne compte encore) → incomplet, pas de proposition", ue=ue.code)


def _propose_ue(ue: UE, moyenne: Fraction | None, rcue: Fraction | None, regles: Regles) -> tuple[str, Reason]:
    if moyenne is None:  # only a UE left out of a repeat (ue.non_reprise): an incomplete one has no proposal
        return C.AJ, R["ue.aj"].reason(f"{ue.code}: non acquise et sans moyenne → AJ", ue=ue.code)
    if regles.reaches(moyenne, regles.barre_ue):
        return C.ADM, R["ue.adm"].reason(
            f"{ue.code}: {fmt(moyenne)} ≥ {_bar(regles.barre_ue)} → ADM", ue=ue.code, moyenne=float(moyenne))
    if regles.reaches(rcue, regles.barre_rcue):
        return C.CMP, R["ue.cmp"].reason(
            f"{ue.code}: {fmt(moyenne)} < {_bar(regles.barre_ue)} compensée par son RCUE {fmt(rcue)} ≥ "
            f"{_bar(regles.barre_rcue)} → CMP", ue=ue.code, moyenne=float(moyenne), rcue=as_float(rcue))
    return C.AJ, R["ue.aj"].reason(
        f"{ue.code}: {fmt(moyenne)} < {_bar(regles.barre_ue)} et RCUE {fmt(rcue)} < {_bar(regles.barre_rcue)} → AJ",
        ue=ue.code, moyenne=float(moyenne), rcue=as_float(rcue))


def _propose_rcue(
    spec: RCUESpec, moyenne: Fraction | None, ue_moyennes: Mapping[str, Fraction | None],
    ue_codes: Mapping[str, str | None], regles: Regles,
) -> tuple[str, Reason]:
    acquired = [u for u in spec.ues if ue_codes.get(u.code) in C.VALIDATING]
    if len(acquired) == len(spec.ues) and moyenne is None:
        # Délibé decision (équivalence): a UE acquired without an average still counts as acquired.
        return C.ADM, R["rcue.ues_acquises"].reason(
            f"RCUE {spec.competence}: ses UE sont toutes acquises ("
            + ", ".join(f"{u.code} {ue_codes[u.code]}" for u in spec.ues)
            + ") sans moyenne de RCUE → validé (ADM)", competence=spec.competence, moyenne=None)
    if moyenne is None or not regles.reaches(moyenne, regles.barre_rcue):
        return C.AJ, R["rcue.aj"].reason(
            f"RCUE {spec.competence}: {fmt(moyenne)} < {_bar(regles.barre_rcue)} → AJ",
            competence=spec.competence, moyenne=as_float(moyenne))
    below = [u for u in spec.ues if not regles.reaches(ue_moyennes[u.code], regles.barre_ue)]
    if below:
        return C.CMP, R["rcue.cmp"].reason(
            f"RCUE {spec.competence}: {fmt(moyenne)} ≥ {_bar(regles.barre_rcue)} avec {_names(below)} sous "
            f"{_bar(regles.barre_ue)} → CMP", competence=spec.competence, moyenne=float(moyenne))
    return C.ADM, R["rcue.adm"].reason(
        f"RCUE {spec.competence}: {fmt(moyenne)} ≥ {_bar(regles.barre_rcue)} et ses deux UE ≥ "
        f"{_bar(regles.barre_ue)} → ADM", competence=spec.competence, moyenne=float(moyenne))


def _jury_reason(what: str, proposed: str | None, decided: str, raison: str) -> Reason:
    change = "confirme la proposition" if proposed == decided else f"au lieu de {proposed or 'aucune proposition'}"
    return R["jury.decision"].reason(
        f"{what}: décision du jury {decided} ({change}) — motif: {raison}", proposed=proposed, decided=decided,
        raison=raison)


@dataclass
class _State:
    """What a year jury leaves to the next ones."""

    ues: dict[str, UEState]
    rcues: dict[tuple[str, int], str | None]
    repeats: _Repeats
    rcue_moyennes: dict[tuple[str, int], tuple[int, float | None]] = field(default_factory=dict)


def _diplomas(structure: CursusStructure, ues: Mapping[str, UEState]) -> DiplomaDecision:
    reasons = []
    dut_ues = structure.ues_of_semestres(range(1, 5))
    has_dut_years = 1 in structure.years and 2 in structure.years
    missing_dut = [u for u in dut_ues if not (u.code in ues and ues[u.code].acquise)]
    dut = has_dut_years and not missing_dut
    if dut:
        reasons.append(R["diplome.dut"].reason(
            f"DUT: les {len(dut_ues)} UE de S1 à S4 sont acquises → DUT", ues=len(dut_ues)))
    else:
        reasons.append(R["diplome.dut"].reason(
            f"pas de DUT: {len(missing_dut)} UE de S1 à S4 non acquise(s) ({_names(missing_dut)})"
            if has_dut_years else "pas de DUT: le parcours n'a pas de BUT1 et BUT2 dans cette formation",
            manquantes=[u.code for u in missing_dut]))
    all_ues = structure.ues
    has_all_years = all(a in structure.years for a in (1, 2, 3))
    missing = [u for u in all_ues if not (u.code in ues and ues[u.code].acquise)]
    but = has_all_years and not missing
    if but:
        reasons.append(R["diplome.but"].reason(f"BUT: les {len(all_ues)} UE du cursus sont acquises → BUT",
                                               ues=len(all_ues)))
    else:
        reasons.append(R["diplome.but"].reason(
            f"pas de BUT: {len(missing)} UE du cursus non acquise(s) ({_names(missing)})"
            if has_all_years else "pas de BUT: le parcours n'a pas ses trois années dans cette formation",
            manquantes=[u.code for u in missing]))
    return DiplomaDecision(dut, but, tuple(reasons))


def _year_jury(
    structure: CursusStructure,
    ys: YearStructure,
    attempt: YearAttempt,
    attempt_no: int,
    state: _State,
    cursus: Cursus,
    regles: Regles,
) -> YearResult:
    jury = attempt.jury or JuryDecisions()
    raison = jury.raison.strip()
    provisional = attempt.provisional_ues

    # 1. UE averages (capitalisation) and RCUE averages
    moyennes: dict[str, Fraction | None] = {}
    ue_reasons: dict[str, list[Reason]] = {}
    carried: dict[str, bool] = {}
    for ue in ys.ues:
        moyennes[ue.code], ue_reasons[ue.code], carried[ue.code] = _ue_average(
            ue, attempt, state.ues.get(ue.code))
    rcue_moy: dict[str, Fraction | None] = {}
    rcue_reasons: dict[str, list[Reason]] = {}
    for spec in ys.rcues:
        value, reason = _rcue_average(spec, moyennes, attempt, regles)
        rcue_moy[spec.competence] = value
        rcue_reasons[spec.competence] = [reason]

    # 2. Proposals
    ue_spec = {u.code: spec for spec in ys.rcues for u in spec.ues}
    proposed_ue: dict[str, str | None] = {}
    for ue in ys.ues:
        prev = state.ues.get(ue.code)
        spec = ue_spec[ue.code]
        if ue.code in provisional and not (prev is not None and prev.acquise):
            proposed_ue[ue.code] = None
            ue_reasons[ue.code].append(R["attente"].reason(
                f"{ue.code}: note(s) en attente, pas de proposition", ue=ue.code))
            continue
        if _incomplete(ue, attempt, prev, moyennes[ue.code]):
            proposed_ue[ue.code] = None
            ue_reasons[ue.code].append(_incomplete_reason(ue))
            continue
        code, reason = _propose_ue(ue, moyennes[ue.code], rcue_moy[spec.competence], regles)
        if prev is not None and prev.acquise and code != C.ADM:
            ue_reasons[ue.code].append(R["ue.capitalisee"].reason(
                f"{ue.code} reste acquise ({prev.code}): une UE acquise est capitalisée", ue=ue.code,
                code=prev.code))
            code = prev.code or code
        else:
            ue_reasons[ue.code].append(reason)
        proposed_ue[ue.code] = code
    proposed_rcue: dict[str, str | None] = {}
    for spec in ys.rcues:
        before = state.rcues.get((spec.competence, spec.niveau))
        if any(u.code in provisional for u in spec.ues) and before not in C.VALIDATING:
            proposed_rcue[spec.competence] = None
            rcue_reasons[spec.competence].append(R["attente"].reason(
                f"RCUE {spec.competence}: note(s) en attente, pas de proposition", competence=spec.competence))
            continue
        incomplete = [u for u in spec.ues if proposed_ue[u.code] is None]
        if incomplete and before not in C.VALIDATING:
            proposed_rcue[spec.competence] = None
            rcue_reasons[spec.competence].append(R["rcue.incomplet"].reason(
                f"RCUE {spec.competence}: {_names(incomplete)} sans moyenne → incomplet, pas de proposition",
                competence=spec.competence, ues=[u.code for u in incomplete]))
            continue
        code, reason = _propose_rcue(spec, rcue_moy[spec.competence], moyennes, proposed_ue, regles)
        if before in C.VALIDATING and code not in C.VALIDATING:
            reason = R["rcue.capitalise"].reason(
                f"RCUE {spec.competence} validé ({before}) à un jury précédent: il le reste",
                competence=spec.competence, code=before)
            code = before
        rcue_reasons[spec.competence].append(reason)
        proposed_rcue[spec.competence] = code

    # 3. The jury's decisions: RCUEs first (ADJ → ADJR on their UEs), then UEs
    def carried_acquired(code: str) -> bool:
        prev = state.ues.get(code)
        return prev is not None and prev.acquise

    decided_rcue = dict(proposed_rcue)
    decided_ue = dict(proposed_ue)
    for spec in ys.rcues:
        comp = spec.competence
        if comp in jury.rcue:
            decided_rcue[comp] = jury.rcue[comp]
            rcue_reasons[comp].append(_jury_reason(f"RCUE {comp}", proposed_rcue[comp], jury.rcue[comp], raison))
        if decided_rcue[comp] == proposed_rcue[comp]:
            continue
        for ue in spec.ues:
            if ue.code in jury.ue:
                continue
            if decided_rcue[comp] == C.ADJ and decided_ue[ue.code] not in C.VALIDATING:
                decided_ue[ue.code] = C.ADJR
                ue_reasons[ue.code].append(R["ue.adjr"].reason(
                    f"{ue.code}: RCUE {comp} validé par le jury (ADJ) → ADJR", ue=ue.code))
            elif (decided_rcue[comp] not in C.VALIDATING and decided_ue[ue.code] == C.CMP
                  and not carried_acquired(ue.code)):
                decided_ue[ue.code] = C.AJ
                ue_reasons[ue.code].append(R["ue.cmp_sans_rcue"].reason(
                    f"{ue.code}: le jury n'a pas validé le RCUE {comp} ({decided_rcue[comp]}): plus de "
                    "compensation → AJ", ue=ue.code))
    for ue in ys.ues:
        if ue.code in jury.ue:
            decided_ue[ue.code] = jury.ue[ue.code]
            ue_reasons[ue.code].append(_jury_reason(ue.code, proposed_ue[ue.code], jury.ue[ue.code], raison))

    # 4. New state of this year's UEs and RCUEs
    ue_results: dict[str, UEResult] = {}
    for ue in ys.ues:
        decided = decided_ue[ue.code]
        ects = ue.ects if decided in C.VALIDATING else 0.0
        ue_reasons[ue.code].append(R["ue.ects"].reason(
            f"{ue.code}: {ects:g} ECTS acquis" if ects else f"{ue.code}: non acquise, 0 ECTS sur {ue.ects:g}",
            ue=ue.code, ects=ects))
        reasons = tuple(ue_reasons[ue.code])
        ue_results[ue.code] = UEResult(ue, as_float(moyennes[ue.code]), proposed_ue[ue.code], decided, ects,
                                       reasons, carried[ue.code], ue.code in provisional)
        state.ues[ue.code] = UEState(ue, as_float(moyennes[ue.code]), decided, ects, reasons)
    for spec in ys.rcues:
        state.rcues[(spec.competence, spec.niveau)] = decided_rcue[spec.competence]
        state.rcue_moyennes[(spec.competence, spec.niveau)] = (ys.annee, as_float(rcue_moy[spec.competence]))

    # 5. Descending validation, then the jury's decisions on earlier years' UEs
    autres: dict[str, UEState] = {}
    for spec in ys.rcues:
        if not all(decided_ue[u.code] in C.VALIDATING for u in spec.ues):
            continue
        for lower in structure.ues:
            if lower.competence != spec.competence or lower.niveau >= spec.niveau:
                continue
            before_state = state.ues.get(lower.code)
            if before_state is not None and before_state.acquise:
                continue
            reason = R["validation_descendante"].reason(
                f"{lower.code}: les deux UE du niveau {spec.niveau} de « {spec.competence} » sont validées "
                f"({spec.impair.code} {decided_ue[spec.impair.code]}, {spec.pair.code} "
                f"{decided_ue[spec.pair.code]}) → ADSUP", ue=lower.code, competence=spec.competence,
                niveau=spec.niveau)
            previous_reasons = before_state.reasons if before_state else ()
            new_state = UEState(lower, before_state.moyenne if before_state else None, C.ADSUP, lower.ects,
                                previous_reasons + (reason,))
            state.ues[lower.code] = autres[lower.code] = new_state
        for (comp, niveau), rcue_code in list(state.rcues.items()):
            if comp == spec.competence and niveau < spec.niveau and rcue_code not in C.VALIDATING:
                state.rcues[(comp, niveau)] = C.ADSUP
    year_ue_codes = ys.ue_codes
    for earlier, jury_code in jury.ue.items():
        if earlier in year_ue_codes:
            continue
        ue_model = next(u for u in structure.ues if u.code == earlier)
        before_state = state.ues.get(earlier)
        reason = _jury_reason(f"{earlier} (année antérieure)", before_state.code if before_state else None,
                              jury_code, raison)
        state.ues[earlier] = autres[earlier] = UEState(
            ue_model, before_state.moyenne if before_state else None, jury_code,
            ue_model.ects if jury_code in C.VALIDATING else 0.0,
            (before_state.reasons if before_state else ()) + (reason,))

    # 6. RCUE results
    rcue_results = {
        spec.competence: RCUEResult(
            spec.competence, spec.niveau, (spec.impair.code, spec.pair.code), as_float(rcue_moy[spec.competence]),
            proposed_rcue[spec.competence], decided_rcue[spec.competence], tuple(rcue_reasons[spec.competence]))
        for spec in ys.rcues
    }

    # 7. The year
    annee = _propose_annee(structure, ys, attempt, rcue_results, state, cursus, regles)
    annee_reasons = list(annee[1])
    decided_annee = annee[0]
    if jury.annee is not None:
        decided_annee = jury.annee
        annee_reasons.append(_jury_reason(f"BUT{ys.annee}", annee[0], jury.annee, raison))
        if jury.annee in C.PASSAGE:
            not_acquired = [u for u in ys.ues if not ue_results[u.code].acquise]
            if not_acquired:
                annee_reasons.append(R["jury.code_annee"].reason(
                    f"{jury.annee} ne valide aucune UE: {_names(not_acquired)} reste(nt) non acquise(s)",
                    ues=[u.code for u in not_acquired]))

    return YearResult(
        annee_but=ys.annee,
        attempt=attempt_no,
        ues=MappingProxyType(ue_results),
        rcues=MappingProxyType(rcue_results),
        annee=AnneeDecision(annee[0], decided_annee, tuple(annee_reasons)),
        autres_ues=MappingProxyType(autres),
        ects=sum(r.ects for r in ue_results.values()),
        diplomes=_diplomas(structure, state.ues),
    )


def _undefined_by_equivalence(rcue: RCUEResult, state: _State) -> bool:
    """Délibé decision (équivalence): an RCUE average left undefined by a UE acquired without an average
    is never « below 8 »."""
    return rcue.moyenne is None and any(
        code in state.ues and state.ues[code].acquise and state.ues[code].moyenne is None for code in rcue.ues)


def _propose_annee(
    structure: CursusStructure,
    ys: YearStructure,
    attempt: YearAttempt,
    rcues: Mapping[str, RCUEResult],
    state: _State,
    cursus: Cursus,
    regles: Regles,
) -> tuple[str | None, list[Reason]]:
    if attempt.sortie is not None:
        code, date = attempt.sortie
        what = "démission" if code == C.DEM else "défaillance"
        return code, [R["annee.sortie"].reason(f"{what} le {date} → {code}", code=code, date=date)]
    if attempt.provisional_ues:
        pending = ", ".join(sorted(attempt.provisional_ues))
        return None, [R["attente"].reason(
            f"note(s) en attente pour {pending}: résultats provisoires, pas de décision d'année automatique "
            "tant qu'elles ne sont pas saisies", ues=sorted(attempt.provisional_ues))]
    incomplete = [r for r in rcues.values() if r.decided is None]
    if incomplete:
        detail = ", ".join(r.competence for r in incomplete)
        return None, [R["annee.incomplet"].reason(
            f"RCUE incomplet(s) (moyenne indéfinie): {detail}: pas de décision d'année automatique, ni RED ni "
            "NAR; le jury décide ou attend les notes", rcues=[r.competence for r in incomplete])]
    n = len(rcues)
    valides = [r for r in rcues.values() if r.valide]
    v = len(valides)
    below = [r for r in rcues.values()
             if not r.valide and not regles.reaches(r.moyenne, regles.plancher_rcue)
             and not _undefined_by_equivalence(r, state) and not (r.moyenne is None and r.proposed is None)]
    reasons: list[Reason] = []
    s5_ok = True
    if ys.annee == 2:
        s12 = structure.ues_of_semestres(range(1, 3))
        missing = [u for u in s12 if not (u.code in state.ues and state.ues[u.code].acquise)]
        s5_ok = not missing
        rescued = [u for u in s12 if u.code in state.ues and state.ues[u.code].code == C.ADSUP]
        text = (f"les {len(s12)} UE de S1 et S2 sont validées" if s5_ok
                else f"UE de S1–S2 non validées: {_names(missing)}: l'entrée en S5 est impossible")
        if rescued and s5_ok:
            text += f" (dont {_names(rescued)} par validation descendante)"
        reasons.append(R["annee.condition_s5"].reason(text, manquantes=[u.code for u in missing]))
    if v == n and s5_ok:
        reasons.append(R["annee.adm"].reason(f"{v} RCUE validés sur {n} → ADM", valides=v, total=n))
        return C.ADM, reasons
    if ys.annee >= 3:
        reasons.append(R["annee.but3"].reason(
            f"BUT{ys.annee}: {v} RCUE validés sur {n}; sans passage possible, il faut tous les valider",
            valides=v, total=n))
    else:
        half = v > n * regles.part_rcue_passage
        if half and not below and s5_ok:
            reasons.append(R["annee.pasd"].reason(
                f"{v} RCUE validés sur {n} (il en faut plus de la moitié), aucun sous "
                f"{_bar(regles.plancher_rcue)} → PASD", valides=v, total=n))
            return C.PASD, reasons
        if not half:
            reasons.append(R["annee.moitie"].reason(
                f"{v} RCUE validés sur {n}: il en faut plus de la moitié pour passer", valides=v, total=n))
        if below:
            detail = ", ".join(f"{r.competence} {fmt(r.moyenne)}" for r in below)
            reasons.append(R["annee.plancher"].reason(
                f"RCUE sous {_bar(regles.plancher_rcue)}: {detail}: le passage est impossible",
                rcues=[r.competence for r in below]))
    allowed, by_derogation = state.repeats.allowed(ys.annee, regles, cursus.derogations)
    reasons.append(R["annee.decompte_redoublements"].reason(
        f"redoubler le BUT{ys.annee} compterait pour S{2 * ys.annee - 1} et S{2 * ys.annee}; "
        f"{state.repeats.describe()} (limites: {regles.redoublements_par_semestre} fois chaque semestre, "
        f"{regles.redoublements_max} en tout)", redoublements=state.repeats.total))
    if allowed:
        if by_derogation:
            reasons.append(R["annee.derogation"].reason(
                f"limites atteintes, mais le directeur a accordé {cursus.derogations} redoublement(s) "
                f"supplémentaire(s) ({state.repeats.derogations_used} déjà utilisé(s)) → RED",
                derogations=cursus.derogations))
            reasons.append(R["annee.derogation_hors_plafond"].reason(
                f"ce redoublement du BUT{ys.annee} par dérogation ne compte ni dans le plafond de "
                f"{regles.redoublements_max} ni dans la règle « {regles.redoublements_par_semestre} fois chaque "
                "semestre »", derogations=cursus.derogations))
        reasons.append(R["annee.red"].reason(f"passage refusé, redoublement du BUT{ys.annee} autorisé → RED"))
        return C.RED, reasons
    remaining = regles.redoublements_derogation - state.repeats.derogations_used
    if remaining > 0:
        offer = (f"le directeur peut accorder {remaining} redoublement de plus pour force majeure"
                 if not cursus.derogations else
                 f"le directeur peut encore accorder {remaining} redoublement de plus pour force majeure")
    else:
        offer = ("la dérogation du directeur a déjà été utilisée: aucun redoublement supplémentaire n'est "
                 "possible")
    reasons.append(R["annee.nar"].reason(
        f"passage refusé et limites de redoublement atteintes → NAR (refus motivé, avec conseils "
        f"d'orientation; {offer})", derogations_restantes=max(remaining, 0)))
    return C.NAR, reasons


# --------------------------------------------------------------------------------------------------
# Public entry points


def _initial_state(structure: CursusStructure, cursus: Cursus, regles: Regles) -> _State:
    if not 0 <= cursus.derogations <= regles.redoublements_derogation:
        raise CursusError(
            f"{cursus.derogations} dérogation(s): le directeur peut en accorder de 0 à "
            f"{regles.redoublements_derogation}", place="derogations")
    by_code = {u.code: u for u in structure.ues}
    ues: dict[str, UEState] = {}
    for code, cap in cursus.ue_acquises_avant.items():
        ue = by_code.get(code)
        if ue is None:
            raise CursusError(f"UE acquise avant « {code} » inconnue du parcours {structure.parcours.code}",
                              place=f"ue_acquises_avant.{code}")
        if cap.code not in C.VALIDATING:
            raise CursusError(f"UE acquise avant {code}: code {cap.code} non validant",
                              place=f"ue_acquises_avant.{code}")
        ues[code] = UEState(ue, as_float(cap.moyenne), cap.code, ue.ects, (R["ue.acquise_avant"].reason(
            f"{code} acquise avant l'entrée dans le cursus ({cap.code}, {fmt(cap.moyenne)})", ue=code),))
    return _State(ues, {}, _Repeats())


def deliberate(formation: Formation, cursus: Cursus, regles: Regles = DEFAULT_REGLES) -> CursusResult:
    """Every year jury of ``cursus``, in order, and the state after the last one.

    Raises ``CursusError`` (French message, the year's index and the place) for a cursus the rules cannot
    deliberate: unknown parcours or UE, average outside [0, 20], years out of order, jury decision
    without its reason or with a code impossible there."""
    structure = cursus_structure(formation, cursus.parcours)
    state = _initial_state(structure, cursus, regles)
    years: list[YearResult] = []
    for index, attempt in enumerate(cursus.years):
        _check_order(attempt, index, years[-1] if years else None, bool(cursus.ue_acquises_avant))
        ys = structure.years.get(attempt.annee)
        if ys is None:
            raise CursusError(
                f"BUT{attempt.annee} absent du parcours {cursus.parcours} dans la formation {formation.id}",
                index, "year")
        attendance = YearAttendance.of(attempt.assiduite, attempt.ue_moyennes)
        attempt = attendance.with_jury_inputs(attempt, ys)
        _check_attempt(attempt, index, ys, structure, regles)
        after_rat = bool(years) and years[-1].annee_but == attempt.annee and years[-1].annee.decided == C.RAT
        # Délibé decision (rattrapage): after RAT, the same year's next jury is its post-rattrapage jury.
        attempt_no = 1 + sum(1 for y in years if y.annee_but == attempt.annee and y.annee.decided != C.RAT)
        if attempt_no > 1 and not after_rat:
            state.repeats.record(attempt.annee, regles)
        result = attendance.on_year(_year_jury(structure, ys, attempt, attempt_no, state, cursus, regles))
        if after_rat:
            result = replace(result, annee=replace(result.annee, reasons=(R["annee.apres_rattrapage"].reason(
                f"BUT{attempt.annee}: jury après rattrapage (le jury précédent a décidé RAT): ce n'est pas un "
                "redoublement, aucun n'est consommé"),) + result.annee.reasons))
        years.append(result)
    diplomas = _diplomas(structure, state.ues)
    final = FinalState(
        ues=MappingProxyType(dict(state.ues)),
        ects=sum(s.ects for s in state.ues.values()),
        dut=diplomas.dut,
        but=diplomas.but,
        reasons=diplomas.reasons,
        rcues=tuple(
            RCUEState(comp, niveau, *state.rcue_moyennes[(comp, niveau)], code)
            for (comp, niveau), code in state.rcues.items()
        ),
    )
    return CursusResult(tuple(years), final)


def deliberate_semestre(
    formation: Formation,
    cursus: Cursus,
    semestre: int,
    ue_moyennes: Mapping[str, float | None],
    provisional_ues: frozenset[str] = frozenset(),
    regles: Regles = DEFAULT_REGLES,
    assiduite: Sequence[Effet] = (),
) -> SemesterResult:
    """The odd-semester jury (S1, S3, S5): UE codes only, ADM when the UE reaches 10, otherwise AJ,
    provisional (the year jury may compensate it); the passage to the even semester is automatic.

    ``cursus`` holds the years already deliberated (for a repeater's capitalised UEs); ``assiduite``, the
    attendance rules' effects on this semester's UEs (``delibe.engine.jury.assiduite``)."""
    if semestre not in (1, 3, 5):
        raise CursusError(f"S{semestre} n'est pas un semestre impair: le jury d'année délibère les semestres pairs",
                          place="semestre")
    annee = (semestre + 1) // 2
    done = deliberate(formation, cursus, regles)
    structure = cursus_structure(formation, cursus.parcours)
    attempt = YearAttempt(annee, ue_moyennes, provisional_ues)
    index = len(cursus.years)
    _check_order(attempt, index, done.years[-1] if done.years else None, bool(cursus.ue_acquises_avant))
    ys = structure.years.get(annee)
    if ys is None:
        raise CursusError(f"BUT{annee} absent du parcours {cursus.parcours}", index, "year")
    semester_ues = tuple(u for u in ys.ues if u.semestre == semestre)
    codes = {u.code for u in semester_ues}
    unknown = (set(ue_moyennes) | set(provisional_ues)) - codes
    if unknown:
        raise CursusError(f"UE inconnue(s) en S{semestre}: {', '.join(sorted(unknown))}", index, "ue")
    _check_attempt(attempt, index, ys, structure, regles)
    results: dict[str, UEResult] = {}
    for ue in semester_ues:
        prev = done.final.ues.get(ue.code)
        moyenne, reasons, carried = _ue_average(ue, attempt, prev)
        code: str | None
        if ue.code in provisional_ues and not (prev is not None and prev.acquise):
            code = None
            reasons.append(R["attente"].reason(f"{ue.code}: note(s) en attente, pas de proposition", ue=ue.code))
        elif _incomplete(ue, attempt, prev, moyenne):
            code = None
            reasons.append(_incomplete_reason(ue))
        elif regles.reaches(moyenne, regles.barre_ue):
            code = C.ADM
            reasons.append(R["ue.semestre_impair"].reason(
                f"{ue.code}: {fmt(moyenne)} ≥ {_bar(regles.barre_ue)} → ADM", ue=ue.code, moyenne=as_float(moyenne)))
        elif prev is not None and prev.acquise:
            code = prev.code
            reasons.append(R["ue.capitalisee"].reason(f"{ue.code} reste acquise ({prev.code})", ue=ue.code))
        else:
            code = C.AJ
            reasons.append(R["ue.semestre_impair"].reason(
                f"{ue.code}: {fmt(moyenne)} < {_bar(regles.barre_ue)} → AJ provisoire (compensation possible au "
                "jury d'année)", ue=ue.code, moyenne=as_float(moyenne)))
        ects = ue.ects if code in C.VALIDATING else 0.0
        results[ue.code] = UEResult(ue, as_float(moyenne), code, code, ects, tuple(reasons), carried, ue.code in provisional_ues)
    passage = R["annee.semestre_pair"].reason(f"passage en S{semestre + 1} de droit", semestre=semestre + 1)
    attendance = YearAttendance.of(assiduite, ue_moyennes)
    return attendance.on_semester(SemesterResult(semestre, MappingProxyType(results), (passage,)))
