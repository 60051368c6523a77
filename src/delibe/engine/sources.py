"""The texts Délibé's rules come from. Every rule and every reason names one of these.

A ``Source`` is a citation: the text, the article, and a short quote or summary, so that the jury page,
the PV and the CLI can show where a decision comes from. ``DELIBE_*`` sources are the decisions taken
where the law is silent (docs/domain.md); they say so.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    key: str
    reference: str  # e.g. "Arrêté du 15 avril 2022, annexe 1, §4.4"
    summary: str

    def __str__(self) -> str:
        return self.reference


ARRETE_2022 = "Arrêté du 15 avril 2022, annexe 1"

POINT_3 = Source(
    "arrete-2022-point-3",
    f"{ARRETE_2022}, point 3",
    "6 semestres; chaque UE se réfère à une compétence et à un niveau; UE nommée par le numéro du "
    "semestre et celui de la compétence; pôles « ressources » et « SAÉ ».",
)
CONTROLE_CONTINU = Source(
    "arrete-2022-4.1", f"{ARRETE_2022}, §4.1", "Les UE sont acquises dans le cadre d'un contrôle continu intégral."
)
ASSIDUITE = Source(
    "arrete-2022-4.2",
    f"{ARRETE_2022}, §4.2",
    "L'obligation d'assiduité est indissociable du contrôle continu; ses effets sur l'évaluation sont "
    "fixés localement (règlement intérieur, CFVU).",
)
VALIDATION_UE = Source(
    "arrete-2022-4.3-ue",
    f"{ARRETE_2022}, §4.3",
    "Une UE est définitivement acquise et capitalisable dès lors que la moyenne obtenue est égale ou "
    "supérieure à 10; son acquisition emporte celle des crédits européens correspondants.",
)
POIDS_POLES = Source(
    "arrete-2022-4.3-poids",
    f"{ARRETE_2022}, §4.3",
    "Dans chaque UE le poids relatif des pôles « ressources » et « SAÉ » varie dans un rapport de 40 à "
    "60 %; en troisième année ce rapport peut être apprécié sur les deux UE d'une même compétence.",
)
VALIDATION_DESCENDANTE = Source(
    "arrete-2022-4.3-niveaux",
    f"{ARRETE_2022}, §4.3",
    "La validation des deux UE du niveau d'une compétence emporte la validation de l'ensemble des UE du "
    "niveau inférieur de cette même compétence.",
)
DIPLOME_BUT = Source(
    "arrete-2022-4.3-but",
    f"{ARRETE_2022}, §4.3",
    "Le BUT s'obtient par acquisition de chaque UE constitutive ou par compensation; il confère 180 ECTS.",
)
COMPENSATION = Source(
    "arrete-2022-4.4",
    f"{ARRETE_2022}, §4.4",
    "Compensation intégrale au sein de chaque regroupement cohérent d'UE (les UE d'un même niveau d'une "
    "même compétence); une UE de moyenne < 10 est acquise par compensation si et seulement si la moyenne "
    "du regroupement est atteinte.",
)
PROGRESSION = Source(
    "arrete-2022-4.5-progression",
    f"{ARRETE_2022}, §4.5",
    "Semestre pair: de droit. Semestre impair: la moyenne à plus de la moitié des RCUE et au moins 8/20 "
    "à chaque RCUE; le semestre 5 exige en plus toutes les UE des semestres 1 et 2.",
)
REDOUBLEMENT = Source(
    "arrete-2022-4.5-redoublement",
    f"{ARRETE_2022}, §4.5",
    "Redoubler une seule fois chaque semestre, dans la limite de 4 redoublements; le directeur de l'IUT "
    "peut en autoriser un de plus pour force majeure; tout refus est motivé.",
)
JURY = Source(
    "arrete-2022-4.6",
    f"{ARRETE_2022}, §4.6",
    "Le jury, présidé par le directeur de l'IUT, délibère souverainement; il se réunit chaque semestre; "
    "il attribue le DUT au terme des 120 premiers crédits et le BUT.",
)
DIPLOME_DUT = Source(
    "arrete-2022-4.6-dut",
    f"{ARRETE_2022}, §4.6",
    "Le DUT est attribué au terme de l'acquisition des 120 premiers crédits européens du cursus.",
)
ECTS_SEMESTRE = Source(
    "arrete-2019-art-17",
    "Arrêté du 6 décembre 2019, art. 17; annexe 1 de l'arrêté du 15 avril 2022, §4.3",
    "Le BUT confère 180 crédits européens, soit 30 par semestre.",
)
CODES_JURY = Source(
    "codes-adiut-apogee",
    "Codes de décision ADIUT / Apogée (usage ScoDoc)",
    "Vocabulaire national des décisions de jury: ADM, CMP, ADSUP, ADJ, ADJR, AJ, PASD, PAS1NCI, RED, "
    "NAR, ATJ, RAT, DEF, DEM, ABAN, ABL, EXCLU.",
)
DELIBE_SEUIL = Source(
    "delibe-seuil",
    "Décision Délibé : tolérance d'arrondi",
    "Les moyennes ne sont jamais arrondies avant comparaison; une valeur atteint une barre b quand elle "
    "est ≥ b − 0,005, pour qu'une moyenne affichée 10,00 ne soit jamais sous 10.",
)
DELIBE_RCUE = Source(
    "delibe-rcue-moyenne",
    "Décision Délibé : moyenne d'un RCUE",
    "Moyenne pondérée des deux UE par leur coef_rcue (1 par défaut: moyenne simple), comme ScoDoc.",
)
DELIBE_MOYENNES = Source(
    "delibe-moyennes",
    "Décision Délibé : calcul des moyennes",
    "Moyenne de module = Σ coef·poids·note / Σ coef·poids; moyenne d'UE = Σ coef_module·moyenne / Σ "
    "coef_module sur les modules ayant une moyenne; indéfinie (jamais 0) quand rien ne compte.",
)

ALL_SOURCES: tuple[Source, ...] = (
    POINT_3, CONTROLE_CONTINU, ASSIDUITE, VALIDATION_UE, POIDS_POLES, VALIDATION_DESCENDANTE, DIPLOME_BUT,
    COMPENSATION, PROGRESSION, REDOUBLEMENT, JURY, DIPLOME_DUT, ECTS_SEMESTRE, CODES_JURY, DELIBE_SEUIL,
    DELIBE_RCUE, DELIBE_MOYENNES,
)

# Jury engine (engine/jury): Délibé decisions where the texts leave the detail open (docs/rules.md).
DELIBE_CAPITALISATION = Source(
    "delibe-capitalisation",
    "Décision Délibé : capitalisation des UE d'un redoublant",
    "Un redoublant garde ses UE acquises, avec la moyenne figée au jury qui les a acquises; s'il en "
    "repasse une, la meilleure moyenne compte; une UE non acquise repassée prend sa nouvelle moyenne, "
    "même plus basse; une UE non acquise non repassée n'a pas de moyenne.",
)
DELIBE_REDOUBLEMENT = Source(
    "delibe-redoublement",
    "Décision Délibé : décompte des redoublements",
    "Une année redoublée compte comme un redoublement de chacun de ses deux semestres.",
)
DELIBE_ATTENTE = Source(
    "delibe-attente",
    "Décision Délibé : notes en attente (ATT)",
    "Tant qu'une note est en attente, les résultats sont provisoires: aucune décision automatique pour "
    "l'étudiant.",
)

DELIBE_EXACTITUDE = Source(
    "delibe-exactitude",
    "Décision Délibé : moyennes exactes",
    "Les moyennes sont des quantités décimales exactes: deux moyennes égales en décimal reçoivent la même "
    "décision, quelle que soit leur forme binaire ((7,97 + 8,02)/2 vaut 7,995 et atteint 8); la valeur "
    "affichée et la décision portent sur la même valeur exacte.",
)
DELIBE_EQUIVALENCE = Source(
    "delibe-equivalence",
    "Décision Délibé : UE acquise sans moyenne",
    "Une UE acquise par équivalence, validation des acquis ou transfert (ADM sans moyenne) compte comme "
    "acquise dans son RCUE; un RCUE dont toutes les UE sont acquises est validé même sans moyenne, et une "
    "moyenne indéfinie n'est jamais « sous 8 » pour un tel RCUE.",
)
DELIBE_DEROGATION = Source(
    "delibe-derogation",
    "Décision Délibé : redoublement par dérogation",
    "Le redoublement supplémentaire accordé par le directeur (force majeure) est une répétition de plus "
    "d'une année (ses deux semestres), hors du plafond de 4 et hors de la règle « une fois chaque "
    "semestre »: un étudiant qui l'a utilisé en BUT1 peut encore redoubler une fois le BUT2.",
)
DELIBE_RAT = Source(
    "delibe-rat",
    "Décision Délibé : année en attente de rattrapage (RAT)",
    "Le code d'année RAT reporte la décision après le rattrapage: la tentative suivante de la même année "
    "est le jury de cette année après rattrapage, pas un redoublement (aucun redoublement n'est consommé).",
)

DELIBE_INCOMPLET = Source(
    "delibe-incomplet",
    "Décision Délibé : moyenne indéfinie, résultats incomplets",
    "Une moyenne indéfinie (rien ne compte encore: notes manquantes, évaluations non attendues) n'est pas "
    "un échec: aucune proposition automatique (ni AJ ni RED) pour l'UE, son RCUE et l'année; le jury décide.",
)

ALL_SOURCES = ALL_SOURCES + (DELIBE_CAPITALISATION, DELIBE_REDOUBLEMENT, DELIBE_ATTENTE, DELIBE_EXACTITUDE,
                             DELIBE_EQUIVALENCE, DELIBE_DEROGATION, DELIBE_RAT, DELIBE_INCOMPLET)

# Formation checks (engine/check.py): Délibé decisions about formation files (docs/formation-format.md).
DELIBE_HYPOTHESES = Source(
    "delibe-hypotheses",
    "Décision Délibé (docs/formation-format.md): hypothèses déclarées",
    "Une valeur qu'aucune source nationale ne donne (coefficient, répartition des ECTS, heures) est "
    "déclarée comme hypothèse locale dans le fichier de formation et affichée par le contrôle.",
)
DELIBE_HEURES = Source(
    "delibe-heures",
    "Décision Délibé (docs/formation-format.md): volumes horaires",
    "Les totaux d'heures (CM, TD, TP, projet) sont présentés comme sur la fiche formation; un module "
    "coefficienté sans aucune heure est signalé, sauf le stage.",
)

ALL_SOURCES = ALL_SOURCES + (DELIBE_HYPOTHESES, DELIBE_HEURES)
