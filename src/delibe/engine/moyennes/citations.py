"""Sources cited by the grade computation beyond delibe.engine.sources (local rules and Délibé decisions
specific to rattrapage and session 2)."""

from __future__ import annotations

from delibe.engine.sources import Source

DELIBE_RATTRAPAGE = Source(
    "delibe-rattrapage",
    "Décision Délibé : rattrapage et session 2, comme ScoDoc",
    "Si les règles locales prévoient un rattrapage, la moyenne du module devient le maximum de la moyenne "
    "normale et de la note de rattrapage; une note de session 2 la remplace. Seule une note chiffrée compte "
    "(ABS ou EXC à ces épreuves: pas de note).",
)
DELIBE_DISPENSE = Source(
    "delibe-dispense-ue",
    "Décision Délibé : UE dispensée, comme ScoDoc",
    "Un étudiant dispensé d'une UE n'a pas de moyenne de cette UE dans le semestre; si l'UE est "
    "capitalisée, sa moyenne capitalisée est reprise telle quelle.",
)
