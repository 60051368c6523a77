"""Input checks of a cursus: codes, averages in range, years in order. Each failure is a ``CursusError``
with a French message, the year's index and the place."""

from __future__ import annotations

from delibe.engine.exact import NotANumber, exact
from delibe.engine.jury import codes as C
from delibe.engine.jury.model import CursusError, YearAttempt, YearResult
from delibe.engine.jury.rules.texte import bar
from delibe.engine.jury.structure import CursusStructure, YearStructure
from delibe.engine.parameters import Regles


def check_code(code: str, allowed: frozenset[str], what: str, year_index: int, place: str) -> None:
    if code not in allowed:
        raise CursusError(
            f"code « {code} » impossible pour {what}; codes possibles: {', '.join(sorted(allowed))}",
            year_index, place,
        )


def check_attempt(
    attempt: YearAttempt, index: int, ys: YearStructure, structure: CursusStructure, regles: Regles
) -> None:
    year_codes = ys.ue_codes
    for code, moyenne in attempt.ue_moyennes.items():
        if code not in year_codes:
            raise CursusError(
                f"UE « {code} » inconnue en BUT{attempt.annee} du parcours {structure.parcours.code} "
                f"(UE de l'année: {', '.join(sorted(year_codes))})", index, f"ue.{code}",
            )
        if moyenne is not None and not in_range(moyenne, regles):
            raise CursusError(
                f"moyenne {moyenne!r} de l'UE {code} hors de [0, {bar(regles.note_max)}]", index, f"ue.{code}"
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
        check_code(value, C.UE_CODES, f"l'UE {code}", index, f"jury.ue.{code}")
    competences = {r.competence for r in ys.rcues}
    for competence, value in jury.rcue.items():
        if competence not in competences:
            raise CursusError(
                f"RCUE « {competence} » inconnu en BUT{attempt.annee} (RCUE de l'année: "
                f"{', '.join(r.competence for r in ys.rcues)})", index, f"jury.rcue.{competence}",
            )
        check_code(value, C.RCUE_CODES, f"le RCUE {competence}", index, f"jury.rcue.{competence}")
    if jury.annee is not None:
        allowed = C.ANNEE_CODES - ({C.PASD, C.PAS1NCI} if attempt.annee == 3 else frozenset())
        check_code(jury.annee, allowed, f"l'année BUT{attempt.annee}", index, "jury.annee")


def check_order(attempt: YearAttempt, index: int, previous: YearResult | None, has_prior_ues: bool) -> None:
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


def in_range(moyenne: object, regles: Regles) -> bool:
    try:
        value = exact(moyenne)  # type: ignore[arg-type]  # any object: exact() refuses what is not a number
    except NotANumber:
        return False
    return 0 <= value <= exact(regles.note_max)
