"""Where a reason comes from, in words a person reads (issue 18), for the pages and the API alike: the
Arrêté's article as it is; a choice of Délibé as « choix de Délibé » with the page of the application that
explains it; a department's own rule as « règle du département ». Never a file of the documentation: a
reference recorded with an older wording (« Décision Délibé (docs/domain.md §2): … ») is read the same way.

The one place that maps a ``Source`` reference to its citation: ``templatetags.delibe.source_html`` and the
API's ``motifs`` both call ``citation``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

CHOIX_DE_DELIBE = "choix de Délibé"
REGLE_DU_DEPARTEMENT = "règle du département"
# « (docs/domain.md §2) », « (règle locale, domain.md §2) »: a parenthesis naming a file of the docs
_FILE_MENTION = re.compile(r"\s*\([^()]*\.md[^()]*\)")


@dataclass(frozen=True)
class Citation:
    genre: str  # « texte » (the Arrêté, a national text), « delibe » (a choice of Délibé), « departement »
    titre: str  # what the choice or the rule is about (« tolérance d'arrondi »); the text's reference
    ancre: str  # the anchor on the page « Les choix de Délibé » (/aide/choix/), "" when it has none

    @property
    def texte(self) -> str:
        """The citation as one line of plain text (no file path)."""
        if self.genre == "delibe":
            return f"{self.titre} : {CHOIX_DE_DELIBE}" if self.titre else CHOIX_DE_DELIBE.capitalize()
        if self.genre == "departement":
            return f"{REGLE_DU_DEPARTEMENT} ({self.titre})" if self.titre else REGLE_DU_DEPARTEMENT
        return self.titre

    def chemin(self) -> str:
        """The path of the page that explains it (the choices and the texts cited: /aide/choix/), with its
        anchor when known; "" for a department's rule (its text is the department's own)."""
        from django.urls import reverse

        if self.genre == "departement" or not self.titre:
            return ""
        return reverse("delibe:choix") + (f"#{self.ancre}" if self.ancre else "")


@cache
def all_sources() -> tuple[Any, ...]:
    """Every ``Source`` the engine cites (its rules, the averages' own choices, local bonuses), once each."""
    from delibe.engine import sources
    from delibe.engine.moyennes import bonus, citations

    seen: dict[str, Any] = {}
    for module in (sources, citations, bonus):
        for value in vars(module).values():
            if isinstance(value, sources.Source) and value.key not in seen:
                seen[value.key] = value
    return tuple(seen.values())


def _normal(reference: str) -> str:
    """A reference without a file of the docs and with one spacing around its colon: the wording of today
    and the one stored in earlier decisions' reasons (« Décision Délibé (docs/domain.md §2): … ») match."""
    return re.sub(r"\s*:\s*", ": ", _FILE_MENTION.sub("", reference)).strip()


@cache
def _by_reference() -> dict[str, Any]:
    return {_normal(s.reference): s for s in all_sources()}


def _title(reference: str) -> str:
    cleaned = _FILE_MENTION.sub("", reference).strip()
    return cleaned.split(":", 1)[1].strip() if ":" in cleaned else ""


# Rules whose text is the department's own (its règlement, whatever its title reads)
LOCAL_RULES = ("assiduite.",)


def citation(reference: str | None, rule: str | None = "") -> Citation:
    """How to cite ``reference``, the source of a reason of rule ``rule`` (optional: a department's
    attendance rule cites its règlement under whatever title the department typed)."""
    from django.utils.text import slugify

    reference = reference or ""
    source = _by_reference().get(_normal(reference))
    key = source.key if source is not None else ""
    if key.startswith("delibe-") or reference.startswith("Décision Délibé"):
        return Citation("delibe", _title(reference), key)
    if key.startswith("reglement-local") or reference.startswith("Règlement") or str(rule or "").startswith(
            LOCAL_RULES):
        return Citation("departement", _FILE_MENTION.sub("", reference).strip(), "")
    return Citation("texte", _FILE_MENTION.sub("", reference).strip(), slugify(key) if key else "textes")
