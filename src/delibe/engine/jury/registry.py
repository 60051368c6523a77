"""The registry of the jury rules: each rule has a stable identifier, a one-line statement and the text
it comes from. Every ``Reason`` the jury engine gives names one of these rules; a test fails when a rule
has no source, when a reason names an unknown rule, or when docs/rules.md does not list a rule with the
decision-table cases that exercise it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from delibe.engine import sources
from delibe.engine.sources import Source
from delibe.engine.trace import Reason


@dataclass(frozen=True)
class Rule:
    id: str
    statement: str  # French, one line: what the rule says
    source: Source

    def reason(self, text: str, **data: object) -> Reason:
        return Reason(self.id, text, self.source, MappingProxyType(data))


def _rules(*rules: Rule) -> Mapping[str, Rule]:
    return MappingProxyType({r.id: r for r in rules})


RULES: Mapping[str, Rule] = _rules(
    # UE (§4.3, §4.4)
    Rule("ue.adm", "Une UE dont la moyenne atteint 10 est acquise (ADM) et capitalisée.", sources.VALIDATION_UE),
    Rule("ue.cmp", "Une UE sous 10 est acquise par compensation (CMP) si et seulement si son RCUE atteint 10.",
         sources.COMPENSATION),
    Rule("ue.aj", "Une UE sous 10 dont le RCUE n'atteint pas 10 n'est pas acquise (AJ).", sources.COMPENSATION),
    Rule("ue.moyenne_indefinie", "Une UE sans moyenne (rien ne compte encore) n'a pas de proposition "
         "automatique: incomplet, ni AJ ni ADM; le jury décide.", sources.DELIBE_INCOMPLET),
    Rule("ue.semestre_impair", "Au jury de semestre impair, une UE est ADM si elle atteint 10, sinon AJ "
         "provisoire (elle pourra être compensée au jury d'année).", sources.JURY),
    Rule("ue.capitalisee", "Une UE acquise le reste: un redoublant la garde avec sa moyenne figée.",
         sources.VALIDATION_UE),
    Rule("ue.capitalisee_reprise", "Une UE capitalisée repassée garde la meilleure des deux moyennes.",
         sources.DELIBE_CAPITALISATION),
    Rule("ue.reprise_non_acquise", "Une UE non acquise repassée prend sa nouvelle moyenne, même plus basse.",
         sources.DELIBE_CAPITALISATION),
    Rule("ue.non_reprise", "Une UE non acquise et non repassée par un redoublant n'a pas de moyenne.",
         sources.DELIBE_CAPITALISATION),
    Rule("ue.acquise_avant", "Une UE acquise avant l'entrée dans le cursus (équivalence) est capitalisée.",
         sources.VALIDATION_UE),
    Rule("ue.adjr", "Quand le jury valide un RCUE (ADJ), ses UE non acquises deviennent ADJR.", sources.JURY),
    Rule("ue.cmp_sans_rcue", "Une UE ne peut être compensée par un RCUE que le jury n'a pas validé (AJ).",
         sources.COMPENSATION),
    Rule("ue.ects", "Une UE acquise apporte ses crédits européens; une UE non acquise n'en apporte aucun.",
         sources.VALIDATION_UE),
    # RCUE (§4.4)
    Rule("rcue.moyenne", "La moyenne d'un RCUE est la moyenne des deux UE pondérée par coef_rcue; "
         "indéfinie si l'une l'est.", sources.DELIBE_RCUE),
    Rule("rcue.adm", "Un RCUE est ADM quand ses deux UE et sa moyenne atteignent 10.", sources.COMPENSATION),
    Rule("rcue.cmp", "Un RCUE qui atteint 10 avec une UE sous 10 est validé par compensation (CMP).",
         sources.COMPENSATION),
    Rule("rcue.aj", "Un RCUE sous 10 (ou sans moyenne) n'est pas validé (AJ).", sources.COMPENSATION),
    Rule("rcue.ues_acquises", "Un RCUE dont toutes les UE sont acquises est validé, même sans moyenne "
         "(UE acquise par équivalence).", sources.DELIBE_EQUIVALENCE),
    Rule("rcue.incomplet", "Un RCUE sans moyenne parce qu'une de ses UE est incomplète n'a pas de "
         "proposition automatique.", sources.DELIBE_INCOMPLET),
    Rule("rcue.capitalise", "Un RCUE validé le reste pour un redoublant.", sources.DELIBE_CAPITALISATION),
    # Descending validation (§4.3)
    Rule("validation_descendante", "Valider les deux UE d'un niveau d'une compétence valide les UE et le RCUE "
         "des niveaux inférieurs de cette compétence (ADSUP).", sources.VALIDATION_DESCENDANTE),
    # Year (§4.5)
    Rule("annee.adm", "Une année dont tous les RCUE sont validés est ADM.", sources.PROGRESSION),
    Rule("annee.pasd", "Plus de la moitié des RCUE validés et aucun sous 8: passage de droit (PASD).",
         sources.PROGRESSION),
    Rule("annee.moitie", "Passer en semestre impair exige la moyenne à plus de la moitié des RCUE.",
         sources.PROGRESSION),
    Rule("annee.plancher", "Passer en semestre impair exige au moins 8 à chaque RCUE.", sources.PROGRESSION),
    Rule("annee.condition_s5", "Entrer en S5 exige toutes les UE de S1 et S2 validées (directement, par "
         "compensation, par validation descendante ou par le jury).", sources.PROGRESSION),
    Rule("annee.but3", "En BUT3 il n'y a pas de passage: ADM si tous les RCUE sont validés, sinon RED ou NAR.",
         sources.PROGRESSION),
    Rule("annee.red", "Passage refusé et redoublement encore possible: RED.", sources.REDOUBLEMENT),
    Rule("annee.nar", "Passage refusé et limites de redoublement atteintes: NAR (refus motivé, conseils "
         "d'orientation).", sources.REDOUBLEMENT),
    Rule("annee.derogation", "Le directeur de l'IUT peut accorder un redoublement de plus (force majeure).",
         sources.REDOUBLEMENT),
    Rule("annee.derogation_hors_plafond", "Le redoublement accordé par dérogation s'ajoute aux autres: il ne "
         "compte ni dans le plafond de 4 ni dans la règle « une fois chaque semestre ».", sources.DELIBE_DEROGATION),
    Rule("annee.apres_rattrapage", "Après un code RAT, la tentative suivante de la même année est son jury "
         "après rattrapage: aucun redoublement n'est consommé.", sources.DELIBE_RAT),
    Rule("annee.decompte_redoublements", "Une année redoublée compte comme un redoublement de ses deux "
         "semestres.", sources.DELIBE_REDOUBLEMENT),
    Rule("attente", "Une note en attente rend les résultats provisoires: pas de décision automatique (UE, RCUE "
         "et année).", sources.DELIBE_ATTENTE),
    Rule("annee.incomplet", "Une année dont un RCUE est incomplet (moyenne indéfinie) n'a pas de décision "
         "automatique: ni RED ni NAR.", sources.DELIBE_INCOMPLET),
    Rule("annee.sortie", "Un étudiant qui a démissionné (DEM) ou est défaillant (DEF) en cours d'année se voit "
         "proposer ce code, avec sa date.", sources.CODES_JURY),
    Rule("annee.semestre_pair", "Le passage en semestre pair est de droit.", sources.PROGRESSION),
    # Jury (§4.6)
    Rule("jury.decision", "Le jury décide souverainement; tout écart à la proposition est motivé.", sources.JURY),
    Rule("jury.code_annee", "Un code d'année ne valide aucune UE: PAS1NCI fait passer l'étudiant avec ses UE "
         "non acquises.", sources.CODES_JURY),
    # Attendance (§4.2): the effects are set by the IUT's règlement, declared by the department
    # (delibe.engine.assiduite); the reasons cite that règlement.
    Rule("assiduite.seuil_atj", "Au-delà du seuil de demi-journées d'absence non justifiées dans un module fixé "
         "par le règlement local, ATJ est proposé sur chaque UE que le module alimente.", sources.ASSIDUITE),
    Rule("assiduite.rcue", "Le RCUE d'une UE non validée par le règlement d'assiduité (ATJ) est proposé ATJ: "
         "validé, il emporterait l'acquisition de l'UE par compensation (§4.3).", sources.ASSIDUITE),
    Rule("assiduite.penalite", "Le règlement local peut retirer des points de la moyenne d'UE par demi-journée "
         "d'absence non justifiée (plafonnés, moyenne ramenée à 0 au plus bas).", sources.ASSIDUITE),
    # Diplomas
    Rule("diplome.dut", "Le DUT est attribué quand toutes les UE de S1 à S4 sont acquises (120 ECTS).",
         sources.DIPLOME_DUT),
    Rule("diplome.but", "Le BUT est attribué quand toutes les UE du cursus (S1 à S6) sont acquises.",
         sources.DIPLOME_BUT),
)


def rule(rule_id: str) -> Rule:
    return RULES[rule_id]
