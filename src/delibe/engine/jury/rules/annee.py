"""The year's code (§4.5): ADM, PASD, RED, NAR (and DEM/DEF, « incomplet », pending grades), with the
condition of entry into S5 and the repeats left."""

from __future__ import annotations

from collections.abc import Mapping

from delibe.engine.jury import codes as C
from delibe.engine.jury.model import Cursus, RCUEResult, YearAttempt
from delibe.engine.jury.registry import RULES as R
from delibe.engine.jury.rules.rcue import undefined_by_equivalence
from delibe.engine.jury.rules.texte import bar, fmt, names
from delibe.engine.jury.state import State
from delibe.engine.jury.structure import CursusStructure, YearStructure
from delibe.engine.parameters import Regles
from delibe.engine.trace import Reason


def propose_annee(
    structure: CursusStructure,
    ys: YearStructure,
    attempt: YearAttempt,
    rcues: Mapping[str, RCUEResult],
    state: State,
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
             and not undefined_by_equivalence(r, state) and not (r.moyenne is None and r.proposed is None)]
    reasons: list[Reason] = []
    s5_ok = True
    if ys.annee == 2:
        s12 = structure.ues_of_semestres(range(1, 3))
        missing = [u for u in s12 if not (u.code in state.ues and state.ues[u.code].acquise)]
        s5_ok = not missing
        rescued = [u for u in s12 if u.code in state.ues and state.ues[u.code].code == C.ADSUP]
        text = (f"les {len(s12)} UE de S1 et S2 sont validées" if s5_ok
                else f"UE de S1–S2 non validées: {names(missing)}: l'entrée en S5 est impossible")
        if rescued and s5_ok:
            text += f" (dont {names(rescued)} par validation descendante)"
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
                f"{bar(regles.plancher_rcue)} → PASD", valides=v, total=n))
            return C.PASD, reasons
        if not half:
            reasons.append(R["annee.moitie"].reason(
                f"{v} RCUE validés sur {n}: il en faut plus de la moitié pour passer", valides=v, total=n))
        if below:
            detail = ", ".join(f"{r.competence} {fmt(r.moyenne)}" for r in below)
            reasons.append(R["annee.plancher"].reason(
                f"RCUE sous {bar(regles.plancher_rcue)}: {detail}: le passage est impossible",
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
