"""Compliance of a formation with the BUT rules (arrêté du 15 avril 2022, annexe 1, points 3 and 4.3–4.4;
arrêté du 6 décembre 2019, art. 17). Pure: it reads a frozen ``Formation`` and the ``Regles`` in force and
returns findings; it never reads a file.

One function per rule, each citing its source. Rules are checked per parcours, on the semesters the
formation delivers for that parcours (``Formation.semestres_offerts``):

- ``ects.semestre``: 30 ECTS per semester (``Regles.ects_semestre``);
- ``ue.niveau``: each UE is one level of one competence, the level the parcours requires that year;
- ``rcue.paire``: each competence level required in a year has exactly one UE in the odd and one in the
  even semester, so that each RCUE pairs one odd and one even UE;
- ``ue.poids_poles``: ressources vs SAÉ between 40 and 60 % in each UE (in BUT3, also accepted over the
  two UEs of one competence, §4.3);
- ``module.coefficients``: a module's coefficients only on UEs of its semester and parcours;
- ``ue.sans_module``: each UE has at least one module with a non-zero coefficient;
- ``heures.*``: hours totals (information), coefficiented modules without hours (warning, stage excepted);
- ``hypotheses``: the file's declared assumptions (information).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from delibe.engine import sources
from delibe.engine.model import UE, Formation, Heures, Module, ModuleKind, Parcours
from delibe.engine.parameters import Regles
from delibe.engine.sources import Source
from delibe.engine.trace import Reason

EPSILON = 1e-9


class Severity(StrEnum):
    ERREUR = "erreur"
    AVERTISSEMENT = "avertissement"
    INFO = "info"


SEVERITY_ORDER = (Severity.ERREUR, Severity.AVERTISSEMENT, Severity.INFO)


@dataclass(frozen=True)
class Finding:
    severity: Severity
    place: str  # e.g. "Créa › S5 › UE5.3"
    rule: str  # stable identifier, e.g. "ects.semestre"
    message: str  # French, with the numbers
    source: Source
    fix: str = ""  # how to fix it (empty for information)

    def as_reason(self) -> Reason:
        """The finding as a trace ``Reason``, for pages that show reasons the same way everywhere."""
        return Reason(self.rule, f"{self.place} : {self.message}", self.source,
                      MappingProxyType({"severity": str(self.severity), "fix": self.fix}))

    def as_dict(self) -> dict[str, str]:
        return {
            "severity": str(self.severity),
            "place": self.place,
            "rule": self.rule,
            "message": self.message,
            "source": self.source.reference,
            "source_key": self.source.key,
            "fix": self.fix,
        }


@dataclass(frozen=True)
class CheckRule:
    """A formation rule: its stable id, what it says (French), and the text it comes from."""

    id: str
    statement: str
    source: Source


CHECK_RULES: dict[str, CheckRule] = {r.id: r for r in (
    CheckRule("ects.semestre", "Chaque semestre délivré d'un parcours totalise 30 ECTS, portés par ses UE.",
              sources.ECTS_SEMESTRE),
    CheckRule("ue.niveau", "Chaque UE se réfère à un niveau d'une compétence, celui que son parcours requiert "
                           "dans l'année du semestre.", sources.POINT_3),
    CheckRule("rcue.paire", "Chaque niveau de compétence requis une année a exactement une UE au semestre impair "
                            "et une au semestre pair: chaque RCUE réunit une UE impaire et une UE paire.",
              sources.COMPENSATION),
    CheckRule("module.coefficients", "Un module n'a de coefficients que sur les UE de son semestre et de son "
                                     "parcours.", sources.POINT_3),
    CheckRule("ue.sans_module", "Chaque UE a au moins un module de coefficient non nul.", sources.POINT_3),
    CheckRule("ue.poids_poles", "Dans chaque UE, ressources et SAÉ pèsent chacun entre 40 et 60 %; en BUT3, "
                                "ce rapport peut être apprécié sur les deux UE d'une même compétence.",
              sources.POIDS_POLES),
    CheckRule("heures.totaux", "Les heures (CM, TD, TP, projet) et coefficients de chaque semestre sont "
                               "totalisés comme sur la fiche formation.", sources.DELIBE_HEURES),
    CheckRule("heures.module_sans_heures", "Un module coefficienté sans aucune heure est signalé, sauf le stage.",
              sources.DELIBE_HEURES),
    CheckRule("hypotheses", "Les valeurs supposées localement sont déclarées et affichées.",
              sources.DELIBE_HYPOTHESES),
)}


def check_formation(formation: Formation, regles: Regles) -> list[Finding]:
    """Every finding on ``formation``, errors first, in a stable order."""
    findings: list[Finding] = []
    for rule in (_ects, _ue_niveau, _rcue_paires, _coefficients, _ue_sans_module, _poids_poles, _heures,
                 _hypotheses):
        findings.extend(rule(formation, regles))
    return sorted(findings, key=lambda f: SEVERITY_ORDER.index(f.severity))


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity is Severity.ERREUR for f in findings)


# ---------------------------------------------------------------------------------------------- helpers

def _n(value: float) -> str:
    """French display of a number: 30, 12,5."""
    return str(int(value)) if value == int(value) else f"{value:.2f}".rstrip("0").rstrip(",.").replace(".", ",")


def _offered(formation: Formation) -> Iterator[tuple[Parcours, int]]:
    for parcours in formation.parcours:
        for semestre in range(1, 7):
            if formation.offers(parcours.code, semestre):
                yield parcours, semestre


def _pole_weights(formation: Formation, ue: UE, parcours: str) -> tuple[float, float]:
    ressources = sae = 0.0
    for module in formation.modules_of(ue.semestre, parcours):
        coef = module.coefficients.get(ue.code, 0)
        if module.kind is ModuleKind.RESSOURCE:
            ressources += coef
        else:
            sae += coef
    return ressources, sae


# ---------------------------------------------------------------------------------------------- rules

def _ects(formation: Formation, regles: Regles) -> Iterator[Finding]:
    """Arrêté du 6 décembre 2019, art. 17: 180 ECTS, 30 per semester; ECTS belong to UEs."""
    for parcours, semestre in _offered(formation):
        ues = formation.ues_of(semestre, parcours.code)
        total = sum(u.ects for u in ues)
        if abs(total - regles.ects_semestre) > EPSILON:
            detail = ", ".join(f"{u.code} {_n(u.ects)}" for u in ues) or "aucune UE"
            yield Finding(
                Severity.ERREUR, f"{parcours.code} › S{semestre}", "ects.semestre",
                f"le semestre {semestre} du parcours {parcours.code} totalise {_n(total)} ECTS ({detail}) au lieu "
                f"de {_n(regles.ects_semestre)}.", sources.ECTS_SEMESTRE,
                f"répartissez {_n(regles.ects_semestre)} ECTS entre les UE du semestre (champ ects), ou retirez "
                f"S{semestre} de « offre: {parcours.code} » s'il n'est pas délivré.",
            )


def _ue_niveau(formation: Formation, regles: Regles) -> Iterator[Finding]:
    """Annexe 1, point 3: each UE refers to one competence and one level of it; the level is the one the
    parcours requires in the UE's year."""
    ref = formation.referentiel
    for ue in formation.ues:
        competence = ref.competence(ue.competence)
        place = f"S{ue.semestre} › {ue.code}"
        if competence is None or competence.niveau(ue.niveau) is None:
            yield Finding(
                Severity.ERREUR, place, "ue.niveau",
                f"l'UE {ue.code} se réfère à « {ue.competence} » niveau {ue.niveau}, absent du référentiel.",
                sources.POINT_3, "choisissez une compétence et un niveau du référentiel.")
            continue
        for parcours in formation.parcours:
            if not ue.in_parcours(parcours.code) or not formation.offers(parcours.code, ue.semestre):
                continue
            wanted = parcours.competences_of_year(ue.annee).get(ue.competence)
            if wanted is None:
                year = ", ".join(f"{c} {o}" for c, o in parcours.competences_of_year(ue.annee).items())
                yield Finding(
                    Severity.ERREUR, f"{parcours.code} › {place}", "ue.niveau",
                    f"l'UE {ue.code} ({ue.competence} niveau {ue.niveau}) est en BUT{ue.annee}, mais le parcours "
                    f"{parcours.code} n'étudie pas {ue.competence} en BUT{ue.annee} (niveaux de l'année : {year}).",
                    sources.POINT_3,
                    f"réservez l'UE aux parcours qui étudient {ue.competence} en BUT{ue.annee} (champ parcours), "
                    "ou corrigez sa compétence.")
            elif wanted != ue.niveau:
                yield Finding(
                    Severity.ERREUR, f"{parcours.code} › {place}", "ue.niveau",
                    f"l'UE {ue.code} est au niveau {ue.niveau} de {ue.competence}, mais le parcours "
                    f"{parcours.code} requiert le niveau {wanted} en BUT{ue.annee} (semestre {ue.semestre}).",
                    sources.POINT_3, f"mettez niveau: {wanted} ou déplacez l'UE dans l'année de ce niveau.")


def _rcue_paires(formation: Formation, regles: Regles) -> Iterator[Finding]:
    """Annexe 1, §4.4: an RCUE gathers the UEs of one level of one competence; no UE in two RCUEs. Each
    level required in a year needs exactly one UE in the odd and one in the even semester."""
    for parcours in formation.parcours:
        for annee in (1, 2, 3):
            impair, pair = 2 * annee - 1, 2 * annee
            offered = [s for s in (impair, pair) if formation.offers(parcours.code, s)]
            if not offered:
                continue
            for competence, ordre in parcours.competences_of_year(annee).items():
                for semestre in offered:
                    ues = [u for u in formation.ues_of(semestre, parcours.code)
                           if u.competence == competence and u.niveau == ordre]
                    place = f"{parcours.code} › BUT{annee} › {competence} niveau {ordre}"
                    if len(ues) != 1:
                        found = ", ".join(u.code for u in ues) or "aucune"
                        yield Finding(
                            Severity.ERREUR, place, "rcue.paire",
                            f"le RCUE {competence} niveau {ordre} du parcours {parcours.code} doit avoir exactement "
                            f"une UE au semestre {semestre} ; trouvé : {found}.", sources.COMPENSATION,
                            f"déclarez une seule UE « competence: {competence}, niveau: {ordre} » au semestre "
                            f"{semestre} pour ce parcours.")
            levels = parcours.competences_of_year(annee)
            if len(offered) == 1 and levels:
                missing = pair if offered == [impair] else impair
                listed = ", ".join(f"{c} {o}" for c, o in levels.items())
                yield Finding(
                    Severity.AVERTISSEMENT, f"{parcours.code} › BUT{annee}", "rcue.paire",
                    f"le semestre {missing} n'est pas délivré par ce fichier pour {parcours.code} : les {len(levels)} "
                    f"RCUE de BUT{annee} ({listed}) n'y auront qu'une UE.", sources.COMPENSATION,
                    f"ajoutez S{missing} à « offre: {parcours.code} » et décrivez ses UE, ou retirez S{offered[0]}.")


def _coefficients(formation: Formation, regles: Regles) -> Iterator[Finding]:
    """Annexe 1, point 3: a module feeds the UEs of its own semester (and of its parcours)."""
    for module in formation.modules:
        for code, coef in module.coefficients.items():
            ue = formation.ue(code)
            place = f"S{module.semestre} › {module.code}"
            if ue is None:
                yield Finding(Severity.ERREUR, place, "module.coefficients",
                              f"le module {module.code} a un coefficient sur l'UE « {code} », qui n'existe pas.",
                              sources.POINT_3, "corrigez le code de l'UE ou retirez ce coefficient.")
            elif ue.semestre != module.semestre:
                yield Finding(Severity.ERREUR, place, "module.coefficients",
                              f"le module {module.code} (semestre {module.semestre}) a un coefficient {_n(coef)} sur "
                              f"l'UE {code} du semestre {ue.semestre}.", sources.POINT_3,
                              f"un module ne nourrit que les UE de son semestre : utilisez "
                              f"UE{module.semestre}.x ou déplacez le module.")
            elif module.parcours and ue.parcours and not set(module.parcours) & set(ue.parcours):
                yield Finding(Severity.ERREUR, place, "module.coefficients",
                              f"le module {module.code} (parcours {', '.join(module.parcours)}) a un coefficient sur "
                              f"l'UE {code} des parcours {', '.join(ue.parcours)}.", sources.POINT_3,
                              "alignez le champ parcours du module et celui de l'UE.")


def _ue_sans_module(formation: Formation, regles: Regles) -> Iterator[Finding]:
    """Annexe 1, point 3 and §4.3: an UE is assessed through its ressources and SAÉ; without any module
    with a coefficient it has no average."""
    for parcours, semestre in _offered(formation):
        for ue in formation.ues_of(semestre, parcours.code):
            ressources, sae = _pole_weights(formation, ue, parcours.code)
            if ressources + sae <= EPSILON:
                yield Finding(Severity.ERREUR, f"{parcours.code} › S{semestre} › {ue.code}", "ue.sans_module",
                              f"aucun module du parcours {parcours.code} n'a de coefficient non nul sur l'UE "
                              f"{ue.code} : elle n'aurait pas de moyenne.", sources.POINT_3,
                              f"donnez un coefficient sur {ue.code} à au moins une ressource et une SAÉ du "
                              f"semestre {semestre}.")


def _poids_poles(formation: Formation, regles: Regles) -> Iterator[Finding]:
    """Annexe 1, §4.3: in each UE the ressources and SAÉ poles weigh between 40 and 60 %; in the third year
    this may be assessed over the two UEs of the same competence."""
    low, high = regles.poids_pole_min, regles.poids_pole_max
    for parcours, semestre in _offered(formation):
        for ue in formation.ues_of(semestre, parcours.code):
            ressources, sae = _pole_weights(formation, ue, parcours.code)
            total = ressources + sae
            if total <= EPSILON:
                continue  # reported by ue.sans_module
            share = ressources / total
            if low - EPSILON <= share <= high + EPSILON:
                continue
            place = f"{parcours.code} › S{semestre} › {ue.code}"
            shown = (f"ressources {_n(ressources)} / SAÉ {_n(sae)} soit {_n(round(share * 100, 1))} % de "
                     "ressources")
            if ue.annee == 3:
                partner = _partner(formation, ue, parcours.code)
                if partner is not None:
                    pr, ps = _pole_weights(formation, partner, parcours.code)
                    pair_total = ressources + sae + pr + ps
                    pair_share = (ressources + pr) / pair_total if pair_total > EPSILON else 0.0
                    if low - EPSILON <= pair_share <= high + EPSILON:
                        yield Finding(
                            Severity.INFO, place, "ue.poids_poles",
                            f"UE {ue.code} seule hors de {_n(low * 100)}–{_n(high * 100)} % ({shown}), mais en BUT3 "
                            f"le rapport est apprécié sur les deux UE de {ue.competence} : {ue.code} + "
                            f"{partner.code} = {_n(round(pair_share * 100, 1))} % de ressources, conforme.",
                            sources.POIDS_POLES)
                        continue
            yield Finding(
                Severity.ERREUR, place, "ue.poids_poles",
                f"UE {ue.code} : {shown}, hors de l'intervalle {_n(low * 100)}–{_n(high * 100)} %.",
                sources.POIDS_POLES,
                "rééquilibrez les coefficients des ressources et des SAÉ (portfolio et stage compris) sur cette UE"
                + (" ou sur la paire d'UE de la compétence (BUT3)." if ue.annee == 3 else "."))


def _partner(formation: Formation, ue: UE, parcours: str) -> UE | None:
    other = ue.semestre + 1 if ue.semestre % 2 else ue.semestre - 1
    return next((u for u in formation.ues_of(other, parcours)
                 if u.competence == ue.competence and u.niveau == ue.niveau), None)


def _heures(formation: Formation, regles: Regles) -> Iterator[Finding]:
    """Hours as the fiche formation presents them (Délibé decision: totals shown, coefficiented modules
    without any hour flagged, the stage excepted)."""
    for parcours, semestre in _offered(formation):
        modules = formation.modules_of(semestre, parcours.code)
        if not modules:
            continue
        total = sum((m.heures for m in modules), Heures())
        yield Finding(
            Severity.INFO, f"{parcours.code} › S{semestre}", "heures.totaux",
            f"S{semestre} {parcours.code} : {_n(total.hors_projet)} h hors projet (CM {_n(total.cm)}, TD "
            f"{_n(total.td)}, TP {_n(total.tp)}) + {_n(total.projet)} h de projet ; coefficients "
            f"{_n(sum(sum(m.coefficients.values()) for m in modules))}.", sources.DELIBE_HEURES)
    seen: set[tuple[int, str]] = set()
    for module in formation.modules:
        if (module.semestre, module.code) in seen:
            continue
        seen.add((module.semestre, module.code))
        if module.kind is ModuleKind.STAGE or _hours(module) > EPSILON:
            continue
        if any(c > EPSILON for c in module.coefficients.values()):
            yield Finding(
                Severity.AVERTISSEMENT, f"S{module.semestre} › {module.code}", "heures.module_sans_heures",
                f"le module {module.code} a des coefficients mais aucune heure (CM, TD, TP, projet).",
                sources.DELIBE_HEURES, "renseignez ses heures, ou retirez ses coefficients s'il n'est pas enseigné.")


def _hours(module: Module) -> float:
    h = module.heures
    return h.cm + h.td + h.tp + h.projet


def _hypotheses(formation: Formation, regles: Regles) -> Iterator[Finding]:
    for assumption in formation.assumptions:
        yield Finding(Severity.INFO, assumption.place, "hypotheses", assumption.text, sources.DELIBE_HYPOTHESES)
