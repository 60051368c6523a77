"""The glossary page: every word and code a student or a jury member meets, explained once.

Codes come from ``delibe.reports.codes`` (the same sentences as the documents); the words are those of
docs/glossary.md, in plain French, with the text each comes from (Arrêté du 15 avril 2022, annexe 1).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Terme:
    ancre: str
    terme: str
    definition: str
    source: str


TERMES: tuple[Terme, ...] = (
    Terme("competence", "Compétence",
          "Ce que le diplôme certifie (par exemple « Exprimer », « Développer »). Chaque année, vous travaillez "
          "un niveau de chaque compétence de votre parcours.", "Programme national du BUT"),
    Terme("niveau", "Niveau de compétence",
          "Une étape d'une compétence, en principe une par année de BUT (niveau 1 en BUT1, 2 en BUT2, 3 en BUT3).",
          "Arrêté du 15 avril 2022, annexe 1, point 3"),
    Terme("ue", "UE (unité d'enseignement)",
          "Une compétence travaillée pendant un semestre. Elle porte des crédits ECTS ; elle est acquise quand "
          "sa moyenne atteint 10/20, ou par compensation (voir RCUE).", "Arrêté du 15 avril 2022, annexe 1, §4.3"),
    Terme("rcue", "RCUE (regroupement cohérent d'UE)",
          "Les deux UE d'une même compétence dans l'année (semestre impair et semestre pair). Quand la moyenne "
          "des deux atteint 10/20, le niveau de compétence est validé et les deux UE sont acquises, même si "
          "l'une est sous 10.", "Arrêté du 15 avril 2022, annexe 1, §4.4"),
    Terme("ects", "Crédits ECTS",
          "Les crédits européens : 30 par semestre, 180 pour le BUT, 120 pour le DUT. Une UE acquise l'est "
          "pour toujours, avec ses crédits.", "Arrêté du 15 avril 2022, annexe 1, §4.3"),
    Terme("passage", "Passage dans l'année suivante",
          "On passe en année suivante en validant plus de la moitié des compétences (RCUE) de l'année, sans "
          "aucune moyenne de compétence sous 8/20. Pour entrer en BUT3, il faut aussi avoir acquis toutes les "
          "UE du BUT1.", "Arrêté du 15 avril 2022, annexe 1, §4.5"),
    Terme("moyenne", "Moyenne",
          "Les moyennes sont calculées avec les notes publiées ; elles restent provisoires jusqu'au jury, qui "
          "est souverain. « — » signifie qu'il n'y a pas encore de moyenne.", "Règle du département"),
    Terme("demi-journee", "Demi-journée d'absence",
          "L'unité dans laquelle vos absences sont comptées : un matin ou un après-midi. Quand l'appel se fait "
          "par heure (8 h – 10 h, 10 h – 12 h…), deux créneaux manqués dans la même matinée, dans le même "
          "module, comptent pour une seule demi-journée.", "Règle du département"),
    Terme("jury", "Jury",
          "Il se réunit à la fin de chaque semestre, présidé par le directeur de l'IUT ; ses décisions sont "
          "les seules officielles.", "Arrêté du 15 avril 2022, annexe 1, §4.6"),
    Terme("proposition", "Proposition",
          "Le code que Délibé calcule en appliquant les règles, avant que le jury décide. Le jury peut "
          "s'en écarter, en donnant un motif.", "Choix de Délibé, expliqué ici"),
)


def codes() -> list[object]:
    from delibe.reports.codes import CODES

    return list(CODES.values())


def _all_sources() -> list[Any]:
    from delibe.web.selectors.sources import all_sources

    return list(all_sources())


def delibe_choices() -> list[dict[str, str]]:
    """Délibé's own choices (sources ``delibe-*``): a title, what was chosen, and an anchor."""
    from delibe.web.selectors.sources import citation

    out = []
    for source in _all_sources():
        if source.key.startswith("delibe-"):
            title = citation(source.reference).titre or source.reference
            out.append({"ancre": source.key, "titre": title[:1].upper() + title[1:], "texte": source.summary})
    return out


def legal_sources() -> list[Any]:
    """The texts the rules cite (the Arrêté's articles, the national vocabulary of codes)."""
    return [s for s in _all_sources() if not s.key.startswith(("delibe-", "reglement-local"))]
