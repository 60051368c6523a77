"""The glossary of jury decision codes, in plain French, shared by every document.

Scope: the ADIUT / Apogée vocabulary of decisions as ScoDoc uses it (docs/domain.md §5, source
``CODES_JURY``), for the BUT (Arrêté du 15 avril 2022, annexe 1, §4.3–4.6).

Students are often confused when the codes of a UE, of its RCUE and of the year differ (a UE « AJ » in
January that becomes « CMP » in June, a year « PASD » with a UE still « AJ »). Every document therefore
prints the explanation of the codes it shows, and the text below says what each *level* of decision
means. This module only explains codes; it never decides one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from delibe.engine.jury import codes as jury_codes

UE = "ue"
RCUE = "rcue"
ANNEE = "annee"
DIPLOME = "diplome"

NIVEAU_LIBELLE = {UE: "UE", RCUE: "RCUE", ANNEE: "année", DIPLOME: "diplôme"}


@dataclass(frozen=True)
class CodeInfo:
    """One decision code: its short label, a sentence a student understands, where it applies, and
    whether it validates (``"oui"``), lets the student move on without validating (``"passage"``) or
    does neither (``"non"``)."""

    code: str
    libelle: str
    explication: str

    @property
    def niveaux(self) -> tuple[str, ...]:
        """Where the code may stand, as the engine says (a year ADM is also the diploma's)."""
        found = [level for level, allowed in ((UE, jury_codes.UE_CODES), (RCUE, jury_codes.RCUE_CODES),
                                             (ANNEE, jury_codes.ANNEE_CODES)) if self.code in allowed]
        return (*found, DIPLOME) if self.code == jury_codes.ADM else tuple(found)

    @property
    def validant(self) -> str:
        if self.code in jury_codes.VALIDATING or self.code in jury_codes.YEAR_VALIDATING:
            return "oui"
        return "passage" if self.code in jury_codes.PASSAGE else "non"

    @property
    def niveaux_libelle(self) -> str:
        return ", ".join(NIVEAU_LIBELLE[n] for n in self.niveaux)


CODES: dict[str, CodeInfo] = {
    c.code: c
    for c in (
        CodeInfo("ADM", "Admis",
                 "Validé: la moyenne atteint 10/20 (pour une UE ou un RCUE), ou tous les RCUE de l'année sont "
                 "validés (pour l'année). Une UE validée est acquise définitivement avec ses crédits ECTS."),
        CodeInfo("CMP", "Acquis par compensation",
                 "Pour une UE: sa moyenne est sous 10/20, mais elle est acquise (avec ses crédits ECTS) parce "
                 "que la moyenne de son RCUE, c'est-à-dire de cette UE et de l'autre UE de la même compétence "
                 "dans l'année, atteint 10/20. Pour un RCUE: il est validé, une de ses UE sous 10 étant compensée "
                 "par l'autre."),
        CodeInfo("ADSUP", "Acquis par validation du niveau supérieur",
                 "Acquis parce que le niveau supérieur de la même compétence a été validé (validation "
                 "descendante)."),
        CodeInfo("ADJ", "Admis par décision de jury",
                 "Validé par décision souveraine du jury, bien que les conditions automatiques ne soient pas "
                 "remplies."),
        CodeInfo("ADJR", "Acquis car le RCUE a été validé par le jury",
                 "L'UE est acquise parce que le jury a validé son RCUE (code ADJ)."),
        CodeInfo("AJ", "Ajourné",
                 "Non validé pour l'instant. Au semestre impair ce code est provisoire: l'UE peut encore être "
                 "acquise par compensation au jury de fin d'année."),
        CodeInfo("PASD", "Non admis, passage de droit",
                 "L'année n'est pas validée mais le passage dans l'année suivante est de droit: plus de la "
                 "moitié des RCUE sont validés et aucun n'est sous 8/20. Les UE non acquises restent à "
                 "acquérir pour obtenir le diplôme."),
        CodeInfo("PAS1NCI", "Non admis, passage par décision de jury",
                 "L'année n'est pas validée, au moins un niveau de compétence est insuffisant, mais le jury "
                 "autorise le passage dans l'année suivante. Les UE non acquises restent à acquérir."),
        CodeInfo("RED", "Ajourné, autorisé à redoubler",
                 "Les conditions de passage ne sont pas remplies; l'étudiant peut redoubler l'année et garde "
                 "les UE déjà acquises."),
        CodeInfo("NAR", "Non admis, non autorisé à redoubler",
                 "Les conditions de passage ne sont pas remplies et les limites de redoublement sont "
                 "atteintes: le cursus s'arrête; une réorientation est proposée."),
        CodeInfo("ATJ", "Non validé pour une autre raison",
                 "Non validé pour une raison prévue par les règles locales, par exemple l'assiduité."),
        CodeInfo("RAT", "En attente d'un rattrapage",
                 "La décision attend le résultat d'une épreuve de rattrapage."),
        CodeInfo("DEF", "Défaillant",
                 "L'étudiant ne s'est pas présenté aux évaluations: aucune décision de validation n'est possible."),
        CodeInfo("DEM", "Démission", "L'étudiant a démissionné de la formation."),
        CodeInfo("ABAN", "Abandon constaté", "Le jury constate l'abandon de la formation."),
        CodeInfo("ABL", "Année blanche",
                 "L'année n'est pas prise en compte (année blanche)."),
        CodeInfo("EXCLU", "Exclusion", "L'étudiant est exclu de la formation (décision disciplinaire)."),
    )
}

NIVEAUX_EXPLICATION = (
    "Une décision de jury porte sur trois niveaux distincts, qui peuvent avoir des codes différents. "
    "L'UE (une compétence dans un semestre) porte les crédits ECTS: elle est acquise à 10/20, ou par "
    "compensation dans son RCUE. Le RCUE regroupe les deux UE d'une même compétence dans l'année; sa "
    "moyenne décide de la compensation. Le code de l'année ne parle que des RCUE de l'année et décide du "
    "passage: il ne valide aucune UE par lui-même. Une année « PASD » peut donc laisser une UE « AJ » à "
    "acquérir plus tard, et une UE « AJ » en janvier peut devenir « CMP » au jury de juin."
)


def explain(code: str | None) -> str:
    """The plain-French explanation of ``code``; an unknown code is shown as such, never hidden."""
    if not code:
        return ""
    info = CODES.get(code)
    return info.explication if info else f"Code « {code} » (non décrit dans le glossaire de Délibé)."


def libelle(code: str | None) -> str:
    if not code:
        return ""
    info = CODES.get(code)
    return info.libelle if info else code


def glossary_for(codes: Iterable[str | None]) -> list[CodeInfo]:
    """The glossary entries of the codes a document shows, in the glossary's order (unknown codes get
    an entry saying so, so that a document never prints a code it does not explain)."""
    wanted = {c for c in codes if c}
    known = [info for code, info in CODES.items() if code in wanted]
    unknown = [CodeInfo(c, c, explain(c)) for c in sorted(wanted - set(CODES))]
    return known + unknown
