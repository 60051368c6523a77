"""The student's home: their competences, the level reached in each, what remains to pass the year.

Scope: what a student may read of their own results (the jury's recorded decisions once the semester is
locked; averages only once the responsable published them), said in plain French. The numbers of the
sentences (10/20, 8/20, « plus de la moitié ») come from the engine's dated parameters
(``delibe.engine.parameters``) and its codes (``delibe.engine.jury.codes``): this module counts, it never
decides. Arrêté du 15 avril 2022, annexe 1, §4.3 (validation), §4.4 (RCUE), §4.5 (progression).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from delibe.engine.exact import NotANumber, note_fr
from delibe.engine.jury.codes import VALIDATING
from delibe.engine.parameters import Regles
from delibe.web.models import Enrolment, SemesterRun, Student
from delibe.web.selectors.etudiants import SemesterView, code_label, cursus, own_results
from delibe.web.services.calcul import regles_of
from delibe.web.services.formations import formation_model
from delibe.web.services.publication import rules_of

# States of a competence level, for the page's classes and tests (the text says the same in words).
VALIDE, NON_VALIDE, EN_BONNE_VOIE, A_RATTRAPER, EN_COURS, A_VENIR = (
    "valide", "non-valide", "en-bonne-voie", "a-rattraper", "en-cours", "a-venir")


def _fmt(value: float | None) -> str:
    try:
        return note_fr(value)
    except NotANumber:
        return "—"


def _bar(value: float) -> str:
    """A bar as people write it: 10, 8, 9,5."""
    return _fmt(value).removesuffix(",00")


@dataclass
class Niveau:
    numero: int
    etat: str  # one of the states above
    texte: str  # « validé », « en cours »… (the words the page shows)


@dataclass
class CompetenceLine:
    nom: str  # nom court, e.g. « Exprimer »
    libelle: str  # the référentiel's sentence
    niveau: int  # the level studied this year
    etat: str
    phrase: str  # what the student reads about this year's level
    moyenne: float | None
    ues: list[dict[str, Any]]  # this year's two UEs: code, semestre, moyenne (None while unpublished)
    niveaux: list[Niveau] = field(default_factory=list)


@dataclass
class StudentHome:
    student: Student
    annee_but: int | None = None
    label: str = ""
    officiel: bool = False  # the year jury recorded its decisions and the semester is locked
    competences: list[CompetenceLine] = field(default_factory=list)
    resume: str = ""  # « Vous avez validé 2 compétences sur 5. »
    reste: str = ""  # what remains, in words
    regle: str = ""  # the rule of passage, in words
    decision_annee: dict[str, Any] | None = None
    semestre: SemesterView | None = None  # the current semester (UE averages once published)
    error: str = ""
    jauge_basse: str = ""  # the gauge's « low » region ends where an average reaches the RCUE bar

    @property
    def validees(self) -> int:
        return sum(c.etat == VALIDE for c in self.competences)


def _published(run: SemesterRun) -> bool:
    return run.locked or rules_of(run).moyennes


def _needed(total: int, regles: Regles, annee: int) -> int:
    """RCUEs to validate to move on: all in BUT3 (§4.6), strictly more than the share otherwise (§4.5)."""
    if annee >= 3:
        return total
    return math.floor(total * regles.part_rcue_passage) + 1


def _regle(annee: int, total: int, needed: int, regles: Regles) -> str:
    barre, plancher = _bar(regles.barre_rcue), _bar(regles.plancher_rcue)
    if annee >= 3:
        return (f"Pour obtenir le BUT, il faut valider les {total} compétences de l'année (une compétence est "
                f"validée quand la moyenne de ses deux UE atteint {barre}/20).")
    return (f"Pour passer en BUT{annee + 1}, il faut valider plus de la moitié des compétences de l'année "
            f"(au moins {needed} sur {total}) et n'avoir aucune moyenne de compétence sous {plancher}/20 ; "
            f"pour obtenir le BUT{annee} tout de suite, il faut les valider toutes. Une compétence est validée "
            f"quand la moyenne de ses deux UE (le RCUE) atteint {barre}/20.")


def student_home(student: Student) -> StudentHome:
    enrolments = list(Enrolment.objects.filter(student=student)
                      .select_related("semester__academic_year", "semester__formation")
                      .order_by("semester__academic_year__label", "semester__semestre"))
    home = StudentHome(student)
    semesters = own_results(student) if enrolments else []
    home.semestre = semesters[0] if semesters else None
    if not enrolments:
        return home
    view = cursus(student)
    home.error = view.error
    if not view.years:
        return home
    year = view.years[-1]
    home.annee_but, home.label = year.annee_but, year.label
    runs = sorted(year.runs, key=lambda r: r.semestre)
    regles = regles_of(runs[-1])
    home.jauge_basse = str(regles.barre_rcue - regles.tolerance)
    enrolment = next(e for e in reversed(enrolments) if e.semester in runs)
    formation = formation_model(enrolment.semester.formation)
    even = [r for r in runs if r.semestre % 2 == 0]
    home.officiel = bool(even and even[0].locked and year.annee and year.annee["decided"])
    published = {r.semestre: _published(r) for r in runs}
    ue_by_code = {u["key"]: u for u in year.ues}
    # levels of earlier years: what the juries made of them (the last jury counts: ADSUP included)
    earlier: dict[tuple[str, int], str | None] = {}
    if view.final is not None:
        for rc in view.final.rcues:
            earlier[(rc.competence, rc.niveau)] = rc.code
    ues = [u for u in formation.ues if not u.parcours or enrolment.parcours in u.parcours]
    for rcue in year.rcues:
        nom = rcue["key"]
        competence = formation.referentiel.competence(nom)
        mine = sorted((u for u in ues if u.competence == nom and u.code in ue_by_code), key=lambda u: u.semestre)
        niveau = mine[0].niveau if mine else year.annee_but
        ue_rows = [{"code": u.code, "semestre": u.semestre,
                    "moyenne": ue_by_code[u.code]["moyenne"] if published.get(u.semestre) else None,
                    "publiee": bool(published.get(u.semestre))} for u in mine]
        both = all(r["publiee"] for r in ue_rows) and len(ue_rows) == 2
        moyenne = rcue["moyenne"] if both else None
        if home.officiel:
            code = rcue["decided"] or rcue["proposed"]
            ok = code in VALIDATING
            etat = VALIDE if ok else NON_VALIDE
            phrase = (f"Validée par le jury ({code} : {code_label(code).lower()})." if ok else
                      f"Non validée : le jury a décidé {code} ({code_label(code).lower()}).")
        elif moyenne is not None:
            if regles.reaches(moyenne, regles.barre_rcue):
                etat = EN_BONNE_VOIE
                phrase = (f"La moyenne de la compétence est de {_fmt(moyenne)}/20, au-dessus de "
                          f"{_bar(regles.barre_rcue)}/20 : le jury la validera s'il confirme ces moyennes.")
            else:
                etat = A_RATTRAPER
                phrase = (f"La moyenne de la compétence est de {_fmt(moyenne)}/20 ; il faut {_bar(regles.barre_rcue)}/20 "
                          "pour la valider.")
        else:
            etat = EN_COURS
            shown = [r for r in ue_rows if r["moyenne"] is not None]
            phrase = (
                "; ".join(f"{r['code']} (S{r['semestre']}) a pour moyenne {_fmt(r['moyenne'])}/20" for r in shown)
                + " ; l'autre semestre n'a pas encore de moyenne publiée." if shown
                else "Les moyennes ne sont pas encore publiées.")
        niveaux = []
        levels = sorted({u.niveau for u in ues if u.competence == nom})
        for n in levels:
            if n == niveau:
                niveaux.append(Niveau(n, etat, {VALIDE: "validé", NON_VALIDE: "non validé"}.get(etat, "en cours")))
            elif n < niveau:
                code = earlier.get((nom, n))
                ok = code in VALIDATING
                niveaux.append(Niveau(n, VALIDE if ok else NON_VALIDE, "validé" if ok else "non validé"))
            else:
                niveaux.append(Niveau(n, A_VENIR, "à venir"))
        home.competences.append(CompetenceLine(
            nom, competence.libelle_long if competence else nom, niveau, etat, phrase, moyenne, ue_rows, niveaux))
    total = len(home.competences)
    needed = _needed(total, regles, home.annee_but)
    home.regle = _regle(home.annee_but, total, needed, regles)
    if year.annee and home.officiel:
        code = year.annee["decided"]
        home.decision_annee = {"code": code, "libelle": code_label(code), "explication": year.annee["explication"]}
    validated = sum(c.etat == VALIDE for c in home.competences)
    on_track = sum(c.etat == EN_BONNE_VOIE for c in home.competences)
    if home.officiel:
        home.resume = f"Le jury a validé {validated} compétence(s) sur {total} cette année."
        missing = needed - validated
        home.reste = ("Rien ne manque : toutes les compétences de l'année sont validées." if validated == total
                      else f"Il vous reste {total - validated} compétence(s) à valider "
                           f"(celles marquées « non validée » ci-dessous).")
    else:
        home.resume = (f"Le jury n'a pas encore délibéré. D'après les moyennes publiées, {on_track} compétence(s) "
                       f"sur {total} atteignent {_bar(regles.barre_rcue)}/20.")
        missing = needed - on_track
        if missing > 0:
            home.reste = (f"Il vous faut encore valider {missing} compétence(s) (RCUE) sur {total} pour passer"
                          + (" en année suivante." if home.annee_but < 3 else " : en BUT3, il faut toutes les valider."))
        elif on_track < total:
            home.reste = (f"Assez de compétences sont en bonne voie pour passer ; il en reste {total - on_track} "
                          "à valider pour obtenir l'année entière.")
        else:
            home.reste = "Toutes les compétences de l'année sont en bonne voie."
        low = [c.nom for c in home.competences
               if c.moyenne is not None and not regles.reaches(c.moyenne, regles.plancher_rcue)]
        if low and home.annee_but < 3:
            who = (f"la compétence {low[0]} a une moyenne" if len(low) == 1
                   else f"les compétences {', '.join(low)} ont une moyenne")
            home.reste += (f" Attention : {who} sous {_bar(regles.plancher_rcue)}/20 ; tant qu'une compétence "
                           "reste sous ce seuil, le passage n'est pas de droit.")
    return home
