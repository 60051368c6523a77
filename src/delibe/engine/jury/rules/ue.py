"""UE rules: the average a jury uses (capitalisation, §4.3), « incomplet », and the UE proposal (ADM at
10, CMP by its RCUE, AJ)."""

from __future__ import annotations

from fractions import Fraction

from delibe.engine.exact import as_float, exact_or_none
from delibe.engine.jury import codes as C
from delibe.engine.jury.model import UEState, YearAttempt
from delibe.engine.jury.registry import RULES as R
from delibe.engine.jury.rules.texte import bar, fmt
from delibe.engine.model import UE
from delibe.engine.parameters import Regles
from delibe.engine.trace import Reason


def ue_average(
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


def is_incomplete(ue: UE, attempt: YearAttempt, prev: UEState | None, moyenne: Fraction | None) -> bool:
    """Délibé decision (docs/domain.md §2, undefined averages): a UE the student takes this year without
    an average yet (nothing counts: grades missing, evaluations not expected) is incomplete, not failed.
    A UE a repeater left out without acquiring it is not incomplete: its « no average » is a rule (§3)."""
    if moyenne is not None or (prev is not None and prev.acquise):
        return False
    return prev is None or ue.code in attempt.ue_moyennes


def incomplete_reason(ue: UE) -> Reason:
    return R["ue.moyenne_indefinie"].reason(
        f"{ue.code}: pas de moyenne (rien ne compte encore) → incomplet, pas de proposition", ue=ue.code)


def propose_ue(ue: UE, moyenne: Fraction | None, rcue: Fraction | None, regles: Regles) -> tuple[str, Reason]:
    if moyenne is None:  # only a UE left out of a repeat (ue.non_reprise): an incomplete one has no proposal
        return C.AJ, R["ue.aj"].reason(f"{ue.code}: non acquise et sans moyenne → AJ", ue=ue.code)
    if regles.reaches(moyenne, regles.barre_ue):
        return C.ADM, R["ue.adm"].reason(
            f"{ue.code}: {fmt(moyenne)} ≥ {bar(regles.barre_ue)} → ADM", ue=ue.code, moyenne=float(moyenne))
    if regles.reaches(rcue, regles.barre_rcue):
        return C.CMP, R["ue.cmp"].reason(
            f"{ue.code}: {fmt(moyenne)} < {bar(regles.barre_ue)} compensée par son RCUE {fmt(rcue)} ≥ "
            f"{bar(regles.barre_rcue)} → CMP", ue=ue.code, moyenne=float(moyenne), rcue=as_float(rcue))
    return C.AJ, R["ue.aj"].reason(
        f"{ue.code}: {fmt(moyenne)} < {bar(regles.barre_ue)} et RCUE {fmt(rcue)} < {bar(regles.barre_rcue)} → AJ",
        ue=ue.code, moyenne=float(moyenne), rcue=as_float(rcue))
