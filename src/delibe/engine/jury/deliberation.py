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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from types import MappingProxyType

from delibe.engine.assiduite import Effet
from delibe.engine.exact import as_float
from delibe.engine.jury import codes as C
from delibe.engine.jury.assiduite import YearAttendance
from delibe.engine.jury.checks import check_attempt, check_order
from delibe.engine.jury.model import (
    AnneeDecision,
    Cursus,
    CursusError,
    CursusResult,
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
from delibe.engine.jury.registry import RULES
from delibe.engine.jury.rules.annee import propose_annee
from delibe.engine.jury.rules.diplome import diplomas
from delibe.engine.jury.rules.rcue import propose_rcue, rcue_average
from delibe.engine.jury.rules.redoublement import Repeats
from delibe.engine.jury.rules.texte import bar, fmt, names
from delibe.engine.jury.rules.ue import incomplete_reason, is_incomplete, propose_ue, ue_average
from delibe.engine.jury.state import State
from delibe.engine.jury.structure import CursusStructure, YearStructure, cursus_structure
from delibe.engine.model import Formation
from delibe.engine.parameters import DEFAULT_REGLES, Regles
from delibe.engine.trace import Reason

R = RULES


def jury_reason(what: str, proposed: str | None, decided: str, raison: str) -> Reason:
    change = "confirme la proposition" if proposed == decided else f"au lieu de {proposed or 'aucune proposition'}"
    return R["jury.decision"].reason(
        f"{what}: décision du jury {decided} ({change}) — motif: {raison}", proposed=proposed, decided=decided,
        raison=raison)


@dataclass
class _YearWork:
    """One year jury while it runs: the averages, then the proposals, then the codes decided, with the
    reasons of each UE and RCUE as they accumulate."""

    moyennes: dict[str, Fraction | None] = field(default_factory=dict)
    ue_reasons: dict[str, list[Reason]] = field(default_factory=dict)
    carried: dict[str, bool] = field(default_factory=dict)
    rcue_moy: dict[str, Fraction | None] = field(default_factory=dict)
    rcue_reasons: dict[str, list[Reason]] = field(default_factory=dict)
    proposed_ue: dict[str, str | None] = field(default_factory=dict)
    proposed_rcue: dict[str, str | None] = field(default_factory=dict)
    decided_ue: dict[str, str | None] = field(default_factory=dict)
    decided_rcue: dict[str, str | None] = field(default_factory=dict)


def _averages(work: _YearWork, ys: YearStructure, attempt: YearAttempt, state: State, regles: Regles) -> None:
    """1. UE averages (capitalisation) and RCUE averages."""
    for ue in ys.ues:
        work.moyennes[ue.code], work.ue_reasons[ue.code], work.carried[ue.code] = ue_average(
            ue, attempt, state.ues.get(ue.code))
    for spec in ys.rcues:
        value, reason = rcue_average(spec, work.moyennes, attempt, regles)
        work.rcue_moy[spec.competence] = value
        work.rcue_reasons[spec.competence] = [reason]


def _propose_ues(work: _YearWork, ys: YearStructure, attempt: YearAttempt, state: State, regles: Regles) -> None:
    """2a. UE proposals: none while a grade is pending or the average is undefined; a capitalised UE
    stays acquired."""
    ue_spec = {u.code: spec for spec in ys.rcues for u in spec.ues}
    for ue in ys.ues:
        prev = state.ues.get(ue.code)
        if ue.code in attempt.provisional_ues and not (prev is not None and prev.acquise):
            work.proposed_ue[ue.code] = None
            work.ue_reasons[ue.code].append(R["attente"].reason(
                f"{ue.code}: note(s) en attente, pas de proposition", ue=ue.code))
            continue
        if is_incomplete(ue, attempt, prev, work.moyennes[ue.code]):
            work.proposed_ue[ue.code] = None
            work.ue_reasons[ue.code].append(incomplete_reason(ue))
            continue
        code, reason = propose_ue(ue, work.moyennes[ue.code], work.rcue_moy[ue_spec[ue.code].competence], regles)
        if prev is not None and prev.acquise and code != C.ADM:
            work.ue_reasons[ue.code].append(R["ue.capitalisee"].reason(
                f"{ue.code} reste acquise ({prev.code}): une UE acquise est capitalisée", ue=ue.code,
                code=prev.code))
            code = prev.code or code
        else:
            work.ue_reasons[ue.code].append(reason)
        work.proposed_ue[ue.code] = code


def _propose_rcues(work: _YearWork, ys: YearStructure, attempt: YearAttempt, state: State, regles: Regles) -> None:
    """2b. RCUE proposals: none while one of its UEs has none; a validated RCUE stays validated."""
    for spec in ys.rcues:
        before = state.rcues.get((spec.competence, spec.niveau))
        reasons = work.rcue_reasons[spec.competence]
        if any(u.code in attempt.provisional_ues for u in spec.ues) and before not in C.VALIDATING:
            work.proposed_rcue[spec.competence] = None
            reasons.append(R["attente"].reason(
                f"RCUE {spec.competence}: note(s) en attente, pas de proposition", competence=spec.competence))
            continue
        incomplete = [u for u in spec.ues if work.proposed_ue[u.code] is None]
        if incomplete and before not in C.VALIDATING:
            work.proposed_rcue[spec.competence] = None
            reasons.append(R["rcue.incomplet"].reason(
                f"RCUE {spec.competence}: {names(incomplete)} sans moyenne → incomplet, pas de proposition",
                competence=spec.competence, ues=[u.code for u in incomplete]))
            continue
        code, reason = propose_rcue(spec, work.rcue_moy[spec.competence], work.moyennes, work.proposed_ue, regles)
        if before in C.VALIDATING and code not in C.VALIDATING:
            reason = R["rcue.capitalise"].reason(
                f"RCUE {spec.competence} validé ({before}) à un jury précédent: il le reste",
                competence=spec.competence, code=before)
            code = before
        reasons.append(reason)
        work.proposed_rcue[spec.competence] = code


def _apply_jury(work: _YearWork, ys: YearStructure, jury: JuryDecisions, state: State) -> None:
    """3. The jury's decisions: RCUEs first (ADJ → ADJR on their UEs; a refused compensation → AJ), then
    UEs, each with the jury's written reason."""
    raison = jury.raison.strip()
    work.decided_rcue = dict(work.proposed_rcue)
    work.decided_ue = dict(work.proposed_ue)
    for spec in ys.rcues:
        comp = spec.competence
        if comp in jury.rcue:
            work.decided_rcue[comp] = jury.rcue[comp]
            work.rcue_reasons[comp].append(
                jury_reason(f"RCUE {comp}", work.proposed_rcue[comp], jury.rcue[comp], raison))
        if work.decided_rcue[comp] == work.proposed_rcue[comp]:
            continue
        for ue in spec.ues:
            if ue.code in jury.ue:
                continue
            prev = state.ues.get(ue.code)
            if work.decided_rcue[comp] == C.ADJ and work.decided_ue[ue.code] not in C.VALIDATING:
                work.decided_ue[ue.code] = C.ADJR
                work.ue_reasons[ue.code].append(R["ue.adjr"].reason(
                    f"{ue.code}: RCUE {comp} validé par le jury (ADJ) → ADJR", ue=ue.code))
            elif (work.decided_rcue[comp] not in C.VALIDATING and work.decided_ue[ue.code] == C.CMP
                  and not (prev is not None and prev.acquise)):
                work.decided_ue[ue.code] = C.AJ
                work.ue_reasons[ue.code].append(R["ue.cmp_sans_rcue"].reason(
                    f"{ue.code}: le jury n'a pas validé le RCUE {comp} ({work.decided_rcue[comp]}): plus de "
                    "compensation → AJ", ue=ue.code))
    for ue in ys.ues:
        if ue.code in jury.ue:
            work.decided_ue[ue.code] = jury.ue[ue.code]
            work.ue_reasons[ue.code].append(
                jury_reason(ue.code, work.proposed_ue[ue.code], jury.ue[ue.code], raison))


def _ue_results(work: _YearWork, ys: YearStructure, attempt: YearAttempt, state: State) -> dict[str, UEResult]:
    """4. This year's UE results with their ECTS, and the new state of its UEs and RCUEs."""
    ue_results: dict[str, UEResult] = {}
    for ue in ys.ues:
        decided = work.decided_ue[ue.code]
        ects = ue.ects if decided in C.VALIDATING else 0.0
        work.ue_reasons[ue.code].append(R["ue.ects"].reason(
            f"{ue.code}: {ects:g} ECTS acquis" if ects else f"{ue.code}: non acquise, 0 ECTS sur {ue.ects:g}",
            ue=ue.code, ects=ects))
        reasons = tuple(work.ue_reasons[ue.code])
        moyenne = as_float(work.moyennes[ue.code])
        ue_results[ue.code] = UEResult(ue, moyenne, work.proposed_ue[ue.code], decided, ects, reasons,
                                       work.carried[ue.code], ue.code in attempt.provisional_ues)
        state.ues[ue.code] = UEState(ue, moyenne, decided, ects, reasons)
    for spec in ys.rcues:
        state.rcues[(spec.competence, spec.niveau)] = work.decided_rcue[spec.competence]
        state.rcue_moyennes[(spec.competence, spec.niveau)] = (ys.annee, as_float(work.rcue_moy[spec.competence]))
    return ue_results


def _descending_validation(work: _YearWork, structure: CursusStructure, ys: YearStructure, state: State
                           ) -> dict[str, UEState]:
    """5a. Both UEs of a level validated → the lower levels of that competence not acquired become ADSUP."""
    autres: dict[str, UEState] = {}
    for spec in ys.rcues:
        if not all(work.decided_ue[u.code] in C.VALIDATING for u in spec.ues):
            continue
        for lower in structure.ues:
            if lower.competence != spec.competence or lower.niveau >= spec.niveau:
                continue
            before_state = state.ues.get(lower.code)
            if before_state is not None and before_state.acquise:
                continue
            reason = R["validation_descendante"].reason(
                f"{lower.code}: les deux UE du niveau {spec.niveau} de « {spec.competence} » sont validées "
                f"({spec.impair.code} {work.decided_ue[spec.impair.code]}, {spec.pair.code} "
                f"{work.decided_ue[spec.pair.code]}) → ADSUP", ue=lower.code, competence=spec.competence,
                niveau=spec.niveau)
            previous_reasons = before_state.reasons if before_state else ()
            new_state = UEState(lower, before_state.moyenne if before_state else None, C.ADSUP, lower.ects,
                                previous_reasons + (reason,))
            state.ues[lower.code] = autres[lower.code] = new_state
        for (comp, niveau), rcue_code in list(state.rcues.items()):
            if comp == spec.competence and niveau < spec.niveau and rcue_code not in C.VALIDATING:
                state.rcues[(comp, niveau)] = C.ADSUP
    return autres


def _earlier_years_decided(structure: CursusStructure, ys: YearStructure, jury: JuryDecisions, state: State,
                           autres: dict[str, UEState]) -> None:
    """5b. The jury's decisions on UEs of earlier years (with their reason)."""
    for earlier, jury_code in jury.ue.items():
        if earlier in ys.ue_codes:
            continue
        ue_model = next(u for u in structure.ues if u.code == earlier)
        before_state = state.ues.get(earlier)
        reason = jury_reason(f"{earlier} (année antérieure)", before_state.code if before_state else None,
                             jury_code, jury.raison.strip())
        state.ues[earlier] = autres[earlier] = UEState(
            ue_model, before_state.moyenne if before_state else None, jury_code,
            ue_model.ects if jury_code in C.VALIDATING else 0.0,
            (before_state.reasons if before_state else ()) + (reason,))


def _annee(ys: YearStructure, jury: JuryDecisions, proposal: tuple[str | None, list[Reason]],
           ue_results: Mapping[str, UEResult]) -> AnneeDecision:
    """7. The year's code: the proposal, or the jury's own code (a passage code validates no UE)."""
    proposed, reasons = proposal[0], list(proposal[1])
    decided = proposed
    if jury.annee is not None:
        decided = jury.annee
        reasons.append(jury_reason(f"BUT{ys.annee}", proposed, jury.annee, jury.raison.strip()))
        if jury.annee in C.PASSAGE:
            not_acquired = [u for u in ys.ues if not ue_results[u.code].acquise]
            if not_acquired:
                reasons.append(R["jury.code_annee"].reason(
                    f"{jury.annee} ne valide aucune UE: {names(not_acquired)} reste(nt) non acquise(s)",
                    ues=[u.code for u in not_acquired]))
    return AnneeDecision(proposed, decided, tuple(reasons))


def _year_jury(
    structure: CursusStructure,
    ys: YearStructure,
    attempt: YearAttempt,
    attempt_no: int,
    state: State,
    cursus: Cursus,
    regles: Regles,
) -> YearResult:
    """One year jury, its steps in the order of the Arrêté: averages, proposals, the jury's decisions,
    the new state (descending validation included), the RCUEs, then the year and the diplomas."""
    jury = attempt.jury or JuryDecisions()
    work = _YearWork()
    _averages(work, ys, attempt, state, regles)
    _propose_ues(work, ys, attempt, state, regles)
    _propose_rcues(work, ys, attempt, state, regles)
    _apply_jury(work, ys, jury, state)
    ue_results = _ue_results(work, ys, attempt, state)
    autres = _descending_validation(work, structure, ys, state)
    _earlier_years_decided(structure, ys, jury, state, autres)
    rcue_results = {  # 6. RCUE results
        spec.competence: RCUEResult(
            spec.competence, spec.niveau, (spec.impair.code, spec.pair.code),
            as_float(work.rcue_moy[spec.competence]), work.proposed_rcue[spec.competence],
            work.decided_rcue[spec.competence], tuple(work.rcue_reasons[spec.competence]))
        for spec in ys.rcues
    }
    annee = _annee(ys, jury, propose_annee(structure, ys, attempt, rcue_results, state, cursus, regles), ue_results)
    return YearResult(
        annee_but=ys.annee,
        attempt=attempt_no,
        ues=MappingProxyType(ue_results),
        rcues=MappingProxyType(rcue_results),
        annee=annee,
        autres_ues=MappingProxyType(autres),
        ects=sum(r.ects for r in ue_results.values()),
        diplomes=diplomas(structure, state.ues),
    )


def _initial_state(structure: CursusStructure, cursus: Cursus, regles: Regles) -> State:
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
    return State(ues, {}, Repeats())


def deliberate(formation: Formation, cursus: Cursus, regles: Regles = DEFAULT_REGLES) -> CursusResult:
    """Every year jury of ``cursus``, in order, and the state after the last one.

    Raises ``CursusError`` (French message, the year's index and the place) for a cursus the rules cannot
    deliberate: unknown parcours or UE, average outside [0, 20], years out of order, jury decision
    without its reason or with a code impossible there."""
    structure = cursus_structure(formation, cursus.parcours)
    state = _initial_state(structure, cursus, regles)
    years: list[YearResult] = []
    for index, attempt in enumerate(cursus.years):
        check_order(attempt, index, years[-1] if years else None, bool(cursus.ue_acquises_avant))
        ys = structure.years.get(attempt.annee)
        if ys is None:
            raise CursusError(
                f"BUT{attempt.annee} absent du parcours {cursus.parcours} dans la formation {formation.id}",
                index, "year")
        attendance = YearAttendance.of(attempt.assiduite, attempt.ue_moyennes)
        attempt = attendance.with_jury_inputs(attempt, ys)
        check_attempt(attempt, index, ys, structure, regles)
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
    awarded = diplomas(structure, state.ues)
    final = FinalState(
        ues=MappingProxyType(dict(state.ues)),
        ects=sum(s.ects for s in state.ues.values()),
        dut=awarded.dut,
        but=awarded.but,
        reasons=awarded.reasons,
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
    check_order(attempt, index, done.years[-1] if done.years else None, bool(cursus.ue_acquises_avant))
    ys = structure.years.get(annee)
    if ys is None:
        raise CursusError(f"BUT{annee} absent du parcours {cursus.parcours}", index, "year")
    semester_ues = tuple(u for u in ys.ues if u.semestre == semestre)
    codes = {u.code for u in semester_ues}
    unknown = (set(ue_moyennes) | set(provisional_ues)) - codes
    if unknown:
        raise CursusError(f"UE inconnue(s) en S{semestre}: {', '.join(sorted(unknown))}", index, "ue")
    check_attempt(attempt, index, ys, structure, regles)
    results: dict[str, UEResult] = {}
    for ue in semester_ues:
        prev = done.final.ues.get(ue.code)
        moyenne, reasons, carried = ue_average(ue, attempt, prev)
        code: str | None
        if ue.code in provisional_ues and not (prev is not None and prev.acquise):
            code = None
            reasons.append(R["attente"].reason(f"{ue.code}: note(s) en attente, pas de proposition", ue=ue.code))
        elif is_incomplete(ue, attempt, prev, moyenne):
            code = None
            reasons.append(incomplete_reason(ue))
        elif regles.reaches(moyenne, regles.barre_ue):
            code = C.ADM
            reasons.append(R["ue.semestre_impair"].reason(
                f"{ue.code}: {fmt(moyenne)} ≥ {bar(regles.barre_ue)} → ADM", ue=ue.code, moyenne=as_float(moyenne)))
        elif prev is not None and prev.acquise:
            code = prev.code
            reasons.append(R["ue.capitalisee"].reason(f"{ue.code} reste acquise ({prev.code})", ue=ue.code))
        else:
            code = C.AJ
            reasons.append(R["ue.semestre_impair"].reason(
                f"{ue.code}: {fmt(moyenne)} < {bar(regles.barre_ue)} → AJ provisoire (compensation possible au "
                "jury d'année)", ue=ue.code, moyenne=as_float(moyenne)))
        ects = ue.ects if code in C.VALIDATING else 0.0
        results[ue.code] = UEResult(ue, as_float(moyenne), code, code, ects, tuple(reasons), carried, ue.code in provisional_ues)
    passage = R["annee.semestre_pair"].reason(f"passage en S{semestre + 1} de droit", semestre=semestre + 1)
    attendance = YearAttendance.of(assiduite, ue_moyennes)
    return attendance.on_semester(SemesterResult(semestre, MappingProxyType(results), (passage,)))
