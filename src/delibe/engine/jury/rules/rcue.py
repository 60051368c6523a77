"""RCUE rules (§4.4): the average of the two UEs of a competence level (exact near a bar), and the
RCUE proposal (ADM, CMP, AJ; validated when its UEs are acquired without an average)."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

from delibe.engine.exact import as_float, exact, nombre_fr, within_window
from delibe.engine.jury import codes as C
from delibe.engine.jury.model import RCUEResult, YearAttempt
from delibe.engine.jury.registry import RULES as R
from delibe.engine.jury.rules.texte import bar, fmt, names
from delibe.engine.jury.state import State
from delibe.engine.jury.structure import RCUESpec
from delibe.engine.parameters import Regles
from delibe.engine.trace import Reason


def rcue_average(
    spec: RCUESpec, moyennes: Mapping[str, Fraction | None], attempt: YearAttempt, regles: Regles
) -> tuple[Fraction | None, Reason]:
    a, b = moyennes[spec.impair.code], moyennes[spec.pair.code]
    ca, cb = exact(spec.impair.coef_rcue), exact(spec.pair.coef_rcue)
    if a is None or b is None:
        return None, R["rcue.moyenne"].reason(
            f"RCUE {spec.competence}: moyenne indéfinie ({spec.impair.code} {fmt(a)}, {spec.pair.code} {fmt(b)})",
            competence=spec.competence, moyenne=None)
    value = (ca * a + cb * b) / (ca + cb)
    if attempt.exact_ue_moyenne is not None and near_a_bar(value, regles):
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


def near_a_bar(value: Fraction, regles: Regles) -> bool:
    return any(within_window(value, regles.threshold(bar))
               for bar in (regles.barre_rcue, regles.plancher_rcue, regles.barre_ue))


def propose_rcue(
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
            f"RCUE {spec.competence}: {fmt(moyenne)} < {bar(regles.barre_rcue)} → AJ",
            competence=spec.competence, moyenne=as_float(moyenne))
    below = [u for u in spec.ues if not regles.reaches(ue_moyennes[u.code], regles.barre_ue)]
    if below:
        return C.CMP, R["rcue.cmp"].reason(
            f"RCUE {spec.competence}: {fmt(moyenne)} ≥ {bar(regles.barre_rcue)} avec {names(below)} sous "
            f"{bar(regles.barre_ue)} → CMP", competence=spec.competence, moyenne=float(moyenne))
    return C.ADM, R["rcue.adm"].reason(
        f"RCUE {spec.competence}: {fmt(moyenne)} ≥ {bar(regles.barre_rcue)} et ses deux UE ≥ "
        f"{bar(regles.barre_ue)} → ADM", competence=spec.competence, moyenne=float(moyenne))


def undefined_by_equivalence(rcue: RCUEResult, state: State) -> bool:
    """Délibé decision (équivalence): an RCUE average left undefined by a UE acquired without an average
    is never « below 8 »."""
    return rcue.moyenne is None and any(
        code in state.ues and state.ues[code].acquise and state.ues[code].moyenne is None for code in rcue.ues)
