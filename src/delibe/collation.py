"""French order of people's names, as a secretariat sorts a list: one sort key for every list of students
(the jury table, the récapitulatif and its exports, the PV, the grade grid, the roll call, the lists).

The rules (docs/domain.md, « Ordre des noms »):
1. letters first, accents and case second: « ÉCUYER » sorts with E (between « DUPONT » and « FABRE »), not
   after Z as a byte comparison puts it; « Œ » and « Æ » read « OE » and « AE »;
2. spaces, hyphens and apostrophes do not count: « SAINT-JUST » = « SAINT JUST » = « SAINTJUST »;
3. a leading particle « de », « d' », « du », « des », « de la » is not read: « de GAULLE » sorts under G
   (the Imprimerie nationale's rule for French particles); « LE », « LA », « VAN », « MAC »… are part of the
   name and are read (« LE GALL » under L);
4. then the first name, by the same rules; then the name written in full, then accents (an unaccented letter
   before an accented one), then case: the order is total, so two runs always give the same list.

No locale of the machine is used (``locale.strxfrm`` depends on what the system has installed); the key is
plain Python and the same everywhere.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})
# Leading particles not read when sorting, longest first (« de la » before « de »).
PARTICLES = ("de la ", "de l'", "de l’", "des ", "du ", "de ", "d'", "d’")
_NOT_LETTERS = re.compile(r"[^0-9a-z]")


def _base(text: str) -> str:
    """Letters only, without accents nor case: the first level of the comparison."""
    decomposed = unicodedata.normalize("NFKD", text.translate(LIGATURES))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NOT_LETTERS.sub("", plain.casefold())


def _accents(text: str) -> tuple[int, ...]:
    """Second level: for each letter, 0 when it carries no accent, 1 when it does."""
    letters = [ch for ch in text.translate(LIGATURES) if ch.isalnum()]
    return tuple(int(unicodedata.normalize("NFD", ch) != ch) for ch in letters)


def without_particle(nom: str) -> str:
    """The name as it is read for sorting: « de Gaulle » → « Gaulle », « d'Artagnan » → « Artagnan »."""
    stripped = nom.strip()
    lowered = stripped.casefold()
    for particle in PARTICLES:
        if lowered.startswith(particle) and len(stripped) > len(particle):
            return stripped[len(particle):]
    return stripped


@lru_cache(maxsize=4096)
def text_key(text: str) -> tuple[Any, ...]:
    """French order of any text (a group, a parcours, a title): letters, then accents, then case."""
    return (_base(text), _accents(text), text)


# Remembered: every list of a 600-student year (and the university's 12,000 names) sorts the same names
# again at each request, and the key costs a Unicode normalisation per letter. Bounded.
@lru_cache(maxsize=1 << 15)
def name_key(nom: str, prenom: str = "", tie: object = "") -> tuple[Any, ...]:
    """The sort key of a person: name without its particle, first name, then the finer levels; ``tie``
    (e.g. the student number) decides between two homonyms."""
    return (_base(without_particle(nom)), _base(prenom), _base(nom), _accents(nom), _accents(prenom),
            nom, prenom, str(tie))


def student_key(student: Any) -> tuple[Any, ...]:
    """The key of anything with ``nom``, ``prenom`` and ``nip`` (a Student)."""
    return name_key(student.nom or "", student.prenom or "", getattr(student, "nip", "") or "")


def by_name(items: Any, student: Any = lambda item: item.student) -> list[Any]:
    """``items`` in French order of their student (``student(item)``, by default ``item.student``)."""
    return sorted(items, key=lambda item: student_key(student(item)))
