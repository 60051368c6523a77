"""Jury scenarios (what-if): read a scenario file, check it, deliberate it, give the decisions as JSON.

The format is docs/scenario-format.md: ``formation`` (id or path), ``parcours``, ``years`` in order (a
repeated year appears again and lists only the UEs retaken), each with ``ue:`` averages by semester then
competence number (``C<k>``: the competence of that number among those the parcours requires that year —
numbers may repeat across parcours in other spécialités) or ``modules:`` averages by semester then module
code; optional ``jury: {annee, ue, rcue, raison}``, ``attente: [S1.C2, …]`` (UEs with a grade pending),
``derogations`` and ``ue_acquises_avant``. ``expect`` is ignored here (tests compare against it).

This module sits outside the engine because it reads files; the decisions are the engine's
(``delibe.engine.jury``). The reader never guesses: every malformed scenario raises ``ScenarioError``
(and no other exception) naming the file, the line and the key, in French — a key given with no value,
a quoted number, a list where a code is expected…
"""

from __future__ import annotations

import datetime
import math
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from types import MappingProxyType
from typing import Any

from delibe.engine.assiduite import AUCUNE_REGLE, Decompte, Effet, ReglementAssiduite
from delibe.engine.exact import Nombre, as_float
from delibe.engine.jury import (
    Cursus,
    CursusError,
    CursusResult,
    JuryDecisions,
    UECapitalisee,
    YearAttempt,
    deliberate,
    deliberate_semestre,
)
from delibe.engine.jury import codes as C
from delibe.engine.jury.codes import ANNEE_CODES, PASSAGE, RCUE_CODES, UE_CODES, VALIDATING, YEAR_VALIDATING
from delibe.engine.jury.model import SemesterResult
from delibe.engine.jury.structure import CursusStructure, cursus_structure
from delibe.engine.model import UE, Formation
from delibe.engine.moyennes.penalites import penalised_year
from delibe.engine.parameters import DEFAULT_REGLES, Regles

FormationLoader = Callable[[str, Path | None], Formation]

YEAR_RE = re.compile(r"^(?:BUT)?\s*([1-3])$", re.IGNORECASE)
SEMESTRE_RE = re.compile(r"^S([1-6])$", re.IGNORECASE)
COMPETENCE_RE = re.compile(r"^C?(\d{1,4})$", re.IGNORECASE)
UE_KEY_RE = re.compile(r"^(?:S([1-6])\.C(\d{1,4})|UE([1-6])\.(\d{1,4}))$", re.IGNORECASE)
KNOWN_KEYS = {"description", "formation", "parcours", "years", "derogations", "ue_acquises_avant", "assiduite",
              "expect"}
YEAR_KEYS = {"year", "ue", "modules", "jury", "attente", "sortie", "absences", "expect"}
ASSIDUITE_KEYS = {"reglement", "seuil_atj", "penalite"}
PENALITE_KEYS = {"points", "franchise", "plafond"}
DECOMPTE_KEYS = {"non_justifiees", "justifiees", "retards"}
# Bounds of the attendance numbers a scenario may give (half-days in a semester, points on a /20 average).
MAX_DEMI_JOURNEES = 1000
JURY_KEYS = {"annee", "ue", "rcue", "raison"}
MOTIF_ABSENT = "motif non précisé dans le scénario (simulation)"


class ScenarioError(Exception):
    """A scenario that cannot be simulated: the file, the place in it (and its line when known), what is
    wrong and how to fix it."""

    def __init__(self, file: str, place: str, message: str, line: int | None = None) -> None:
        self.file, self.place, self.message, self.line = file, place, message, line
        where = file + (f", ligne {line}" if line else "") + (f", {place}" if place else "")
        super().__init__(f"{where} : {message}")


@dataclass(frozen=True)
class Scenario:
    file: str
    description: str
    formation: Formation
    cursus: Cursus
    warnings: tuple[str, ...] = ()
    # the line of every place of the file (mapping keys as text), for the messages of ``cursus_error``
    lines: Mapping[tuple[str | int, ...], int] = field(default_factory=lambda: MappingProxyType({}))


_FORMATIONS: dict[tuple[str, int, int], Formation] = {}


def default_formation_loader(reference: str, base: Path | None) -> Formation:
    """A formation id (``but-mmi-dijon``) or a path (relative to the scenario's folder first, then to the
    current folder). Loaded formations are kept for the process, keyed by file, date and size, so that
    many scenarios on one formation read it once."""
    from delibe.formations import FormationError, load_formation
    from delibe.formations.loader import resolve

    candidate: str | Path = reference
    if base is not None and ("/" in reference or reference.endswith((".yaml", ".yml"))):
        relative = base / reference
        if relative.is_file():
            candidate = relative
    path = resolve(candidate)
    try:
        stat = path.stat()
        key: tuple[str, int, int] | None = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    except OSError:
        key = None
    if key is not None and key in _FORMATIONS:
        return _FORMATIONS[key]
    try:
        formation = load_formation(path if key is not None else candidate)
    except FormationError as exc:
        raise ValueError(str(exc)) from None
    if key is not None:
        _FORMATIONS[key] = formation
    return formation


def ue_key(formation: Formation, ue: UE) -> str:
    """The scenario name of a UE: ``S<semestre>.C<numéro de compétence>``."""
    competence = formation.referentiel.competence(ue.competence)
    numero = competence.numero if competence else "?"
    return f"S{ue.semestre}.C{numero}"


def competence_key(formation: Formation, nom_court: str) -> str:
    competence = formation.referentiel.competence(nom_court)
    return f"C{competence.numero}" if competence else nom_court


class _Reader:
    """Checks one scenario's data, keeping the file name, the YAML lines and (when read from a file) the
    source text of every scalar, for the messages: a key written with no value (``ue:``) is told apart
    from an explicit ``null``, a quoted ``'12'`` from the number 12."""

    def __init__(self, file: str, lines: Mapping[tuple[str | int, ...], int],
                 scalars: Mapping[tuple[str | int, ...], tuple[str, str | None]] | None = None) -> None:
        self.file = file
        self.lines = lines
        self.scalars = scalars  # None: the data did not come from a file
        self.warnings: list[str] = []

    def fail(self, path: tuple[str | int, ...], message: str) -> ScenarioError:
        line = None
        for end in range(len(path), -1, -1):
            if path[:end] in self.lines:
                line = self.lines[path[:end]]
                break
        return ScenarioError(self.file, _place(path), message, line)

    def source(self, path: tuple[str | int, ...]) -> tuple[str, str | None] | None:
        """The text written in the file for the scalar at ``path`` and its quoting style."""
        return None if self.scalars is None else self.scalars.get(path)

    def written_empty(self, path: tuple[str | int, ...]) -> bool:
        """``key:`` with nothing after it (not ``key: null`` nor ``key: ~``)."""
        return self.source(path) == ("", None)

    def no_value(self, path: tuple[str | int, ...], hint: str) -> ScenarioError:
        key = path[-1] if path else "?"
        if isinstance(key, int):
            return self.fail(path, f"élément vide de la liste : {hint}, ou supprimez la ligne")
        return self.fail(path, f"clé « {key} » donnée sans valeur : {hint}, ou supprimez la ligne")

    def given(self, path: tuple[str | int, ...], value: Any, hint: str) -> Any:
        """``value``, refusing a key given with no value (or ``null``) where a value is required."""
        if value is None:
            raise self.no_value(path, hint)
        return value


def _place(path: tuple[str | int, ...]) -> str:
    place = ""
    for part in path:
        text = _short(part, 60)
        place += f"[{text}]" if isinstance(part, int) else (f".{text}" if place else text)
    return place


def _kind(value: Any) -> str:
    """What a YAML value is, in French, for the messages."""
    if value is None:
        return "vide (null)"
    if isinstance(value, bool):
        return f"un booléen ({'true' if value else 'false'})"
    if isinstance(value, (int, float)):
        return f"un nombre ({_short(value)})"
    if isinstance(value, str):
        return f"un texte (« {_short(value)} »)"
    if isinstance(value, Mapping):
        return "un dictionnaire"
    if isinstance(value, list):
        return "une liste"
    if isinstance(value, (datetime.date, datetime.datetime)):
        return f"une date ({value})"
    return f"une valeur de type {type(value).__name__}"


def _str(value: Any) -> str:
    """``str(value)``, also for an integer too long for Python to write (more than 4300 digits)."""
    try:
        return str(value)
    except ValueError:
        return "(nombre de plus de 4300 chiffres)"


def _short(value: Any, limit: int = 40) -> str:
    text = _str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _number(reader: _Reader, path: tuple[str | int, ...], value: Any, regles: Regles) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise reader.fail(path, f"moyenne « {value} » invalide: attendu un nombre entre 0 et "
                                f"{regles.note_max:g} (point décimal, ex. 12.5)")
    number = float(value)
    if not math.isfinite(number) or not 0 <= number <= regles.note_max:
        raise reader.fail(path, f"moyenne {value} hors de [0, {regles.note_max:g}]: corrigez la valeur")
    return number


NUMBER_TEXT_RE = re.compile(r"^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)$")
DECIMAL_SOURCE_RE = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")
OCTAL_LOOKING_RE = re.compile(r"^[+-]?0\d")


def _average(reader: _Reader, path: tuple[str | int, ...], value: Any, regles: Regles) -> float | None:
    """A UE or module average as written in the scenario: a decimal number in [0, note_max], or an explicit
    ``null`` (``~``) for an undefined average. Everything else is refused with what was written and how to
    write it: a key with no value, a quoted number, a decimal comma, true/false, ``.nan``/``.inf``, a number
    YAML reads differently from its digits (``010`` is octal 8, ``1:30`` is 90), a list…"""
    bar = f"{regles.note_max:g}"
    expected = f"attendu un nombre entre 0 et {bar} (point décimal, ex. 12.5)"
    if value is None:
        if reader.written_empty(path):
            raise reader.no_value(path, "écrivez la moyenne (ex. 12.5), ou null si elle est indéfinie")
        return _number(reader, path, None, regles)
    source = reader.source(path)
    written, style = source if source is not None else (None, None)
    if isinstance(value, str):
        text = value.strip()
        if NUMBER_TEXT_RE.match(text):
            fixed = text.replace(",", ".")
            # a number-like text is a quoted one (a plain 12 is a number; without the file, only quotes make
            # a text of 12); a plain 12,5 or 09 stays a text in YAML
            if style in ("'", '"') or (source is None and "," not in text):
                comma = " et a une virgule décimale" if "," in text else ""
                raise reader.fail(path, f"moyenne « {_short(value)} » invalide : la valeur est entre guillemets{comma} : "
                                        f"écrivez {_short(fixed)} sans guillemets")
            if "," in text:
                raise reader.fail(path, f"moyenne « {_short(value)} » invalide : virgule décimale : écrivez "
                                        f"{_short(fixed)} (point décimal)")
            raise reader.fail(path, f"moyenne « {_short(value)} » invalide : YAML la lit comme un texte ; écrivez-la "
                                    "en chiffres décimaux, sans zéro en tête (ex. 12.5)")
        raise reader.fail(path, f"moyenne « {_short(value)} » invalide : {expected}")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise reader.fail(path, f"moyenne invalide : {_kind(value)} ; {expected}")
    if isinstance(value, float) and not math.isfinite(value):
        raise reader.fail(path, f"moyenne « {written or value} » invalide : ce n'est pas un nombre fini ; {expected}")
    if written is not None and style is None and (
        not DECIMAL_SOURCE_RE.match(written) or (isinstance(value, int) and OCTAL_LOOKING_RE.match(written))
    ):
        zero = ", sans zéro en tête" if OCTAL_LOOKING_RE.match(written) else ""
        raise reader.fail(path, f"moyenne « {_short(written)} » invalide : YAML la lit comme {_short(value)} ; "
                                f"écrivez-la en chiffres, avec un point décimal{zero} (ex. 12.5)")
    if not 0 <= value <= regles.note_max:
        raise reader.fail(path, f"moyenne {_short(written or value)} hors de [0, {bar}]: corrigez la valeur")
    return _number(reader, path, value, regles)


def _text(reader: _Reader, path: tuple[str | int, ...], value: Any, what: str, hint: str) -> str:
    """A name written as text (a number is read as its digits); a key with no value, a list, a
    dictionary or true/false is refused."""
    reader.given(path, value, hint)
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise reader.fail(path, f"{what} invalide : {_kind(value)} ; {hint}")
    text = _str(value).strip()
    if not text:
        raise reader.no_value(path, hint)
    return text


def _year_number(reader: _Reader, path: tuple[str | int, ...], value: Any) -> int:
    hint = "écrivez BUT1, BUT2 ou BUT3"
    reader.given(path, value, hint)
    match = YEAR_RE.match(_str(value).strip()) if isinstance(value, (str, int)) and not isinstance(value, bool) else None
    if not match:
        raise reader.fail(path, f"année « {_short(value)} » invalide: attendu BUT1, BUT2 ou BUT3")
    return int(match.group(1))


def _competences_by_number(formation: Formation, structure: CursusStructure, annee: int) -> dict[int, str]:
    result: dict[int, str] = {}
    for nom_court in structure.parcours.competences_of_year(annee):
        competence = formation.referentiel.competence(nom_court)
        if competence is not None:
            result[competence.numero] = nom_court
    return result


def _resolve_ue(
    reader: _Reader, path: tuple[str | int, ...], formation: Formation, structure: CursusStructure, annee: int,
    semestre: int, key: Any,
) -> UE:
    """``C<k>`` (or ``k``, or the competence's nom_court) in semester ``semestre`` of year ``annee``."""
    by_number = _competences_by_number(formation, structure, annee)
    text = _str(key).strip()
    match = COMPETENCE_RE.match(text)
    nom_court = by_number.get(int(match.group(1))) if match else (text if text in by_number.values() else None)
    ys = structure.years.get(annee)
    if nom_court is None or ys is None:
        known = ", ".join(f"C{n} ({nom})" for n, nom in sorted(by_number.items()))
        raise reader.fail(path, f"compétence « {_short(key)} » inconnue en BUT{annee} du parcours "
                                f"{structure.parcours.code} (compétences de l'année: {known or 'aucune'})")
    ue = next((u for u in ys.ues if u.semestre == semestre and u.competence == nom_court), None)
    if ue is None:
        raise reader.fail(path, f"la compétence {nom_court} n'a pas d'UE en S{semestre} dans le parcours "
                                f"{structure.parcours.code}")
    return ue


def _semestre(reader: _Reader, path: tuple[str | int, ...], key: Any, annee: int) -> int:
    match = SEMESTRE_RE.match(_str(key).strip())
    if not match:
        raise reader.fail(path, f"semestre « {_short(key)} » invalide: attendu S{2 * annee - 1} ou S{2 * annee}")
    semestre = int(match.group(1))
    if (semestre + 1) // 2 != annee:
        raise reader.fail(path, f"S{semestre} n'appartient pas au BUT{annee} (semestres S{2 * annee - 1} et "
                                f"S{2 * annee})")
    return semestre


def _mapping(reader: _Reader, path: tuple[str | int, ...], value: Any, what: str) -> Mapping[Any, Any]:
    if value is None:
        raise reader.no_value(path, f"donnez {what} sous la forme « clé: valeur » (un élément par ligne)")
    if not isinstance(value, Mapping):
        raise reader.fail(path, f"{what} doit être un dictionnaire (clé: valeur), pas {_kind(value)}")
    return value


def _keys(reader: _Reader, path: tuple[str | int, ...], data: Mapping[Any, Any], known: set[str]) -> None:
    unknown = sorted(_str(k) for k in data if not isinstance(k, str) or k not in known)
    if unknown:
        raise reader.fail(path + (unknown[0],), f"clé inconnue « {_short(unknown[0])} » (clés possibles: "
                                                f"{', '.join(sorted(known))})")


def _ue_by_key(
    reader: _Reader, path: tuple[str | int, ...], formation: Formation, structure: CursusStructure, annee: int,
    key: Any,
) -> UE:
    """A UE named ``S1.C2`` or ``UE1.2`` anywhere in the cursus up to ``annee`` (jury decisions, attente)."""
    match = UE_KEY_RE.match(str(key).strip()) if isinstance(key, str) else None
    if not match:
        raise reader.fail(path, f"UE « {_short(key)} » invalide: attendu S<semestre>.C<compétence>, ex. S1.C2")
    semestre = int(match.group(1) or match.group(3))
    numero = match.group(2) or match.group(4)
    ue_annee = (semestre + 1) // 2
    if ue_annee > annee:
        raise reader.fail(path, f"UE {key}: S{semestre} est après le BUT{annee}")
    return _resolve_ue(reader, path, formation, structure, ue_annee, semestre, f"C{numero}")


def _code(reader: _Reader, path: tuple[str | int, ...], value: Any, allowed: frozenset[str], what: str) -> str:
    """A decision code: one of ``allowed``, written as it is (ADM, not adm)."""
    codes = ", ".join(sorted(allowed))
    reader.given(path, value, f"écrivez le code de {what} ({codes})")
    if not isinstance(value, str) or value.strip() not in allowed:
        if not isinstance(value, str):
            raise reader.fail(path, f"code invalide pour {what} : {_kind(value)} ; codes possibles: {codes}")
        upper = f" (écrivez {value.strip().upper()})" if value.strip().upper() in allowed else ""
        raise reader.fail(path, f"code « {_short(value)} » impossible pour {what}{upper}; codes possibles: {codes}")
    return value.strip()


def parse_scenario(
    data: Any,
    file: str,
    lines: Mapping[tuple[str | int, ...], int] | None = None,
    load: FormationLoader = default_formation_loader,
    base: Path | None = None,
    regles: Regles = DEFAULT_REGLES,
    scalars: Mapping[tuple[str | int, ...], tuple[str, str | None]] | None = None,
) -> Scenario:
    """Check a scenario's data and build the engine's ``Cursus``; raises ``ScenarioError`` (and nothing
    else) for any data. ``lines`` and ``scalars`` (from ``read_yaml``, keyed by the path with every
    mapping key as text) give the messages their line and tell ``key:`` from ``key: null``."""
    reader = _Reader(file, lines or {}, scalars)
    if data is None:
        raise reader.fail((), "fichier vide: un scénario donne formation, parcours et years")
    if not isinstance(data, Mapping):
        raise reader.fail((), f"un scénario est un dictionnaire (formation, parcours, years…), pas {_kind(data)}")
    root = data
    _keys(reader, (), root, KNOWN_KEYS)
    for key in ("formation", "parcours", "years"):
        if key not in root:
            raise reader.fail((key,), f"« {key} » manquant: le scénario doit donner formation, parcours et years")
    description = root.get("description", "")
    if description != "":  # an empty text says nothing, harmlessly; a key with no value is refused
        description = _text(reader, ("description",), description, "description",
                            "écrivez une phrase qui décrit le cas")
    reference = _text(reader, ("formation",), root["formation"], "formation",
                      "écrivez l'identifiant de la formation (ex. but-mmi-dijon) ou le chemin de son fichier")
    try:
        formation = load(reference, base)
    except (ValueError, OSError) as exc:
        raise reader.fail(("formation",), f"formation « {_short(reference, 200)} » illisible: {exc}") from None
    parcours = _text(reader, ("parcours",), root["parcours"], "parcours",
                     "écrivez le code du parcours (ex. Créa)")
    try:
        structure = cursus_structure(formation, parcours)
    except CursusError as exc:
        raise reader.fail(("parcours",), exc.message) from None
    derogations = 0
    if "derogations" in root:
        value = reader.given(("derogations",), root["derogations"],
                             "écrivez le nombre de redoublements accordés par le directeur (0 ou 1)")
        limit = regles.redoublements_derogation
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= limit:
            raise reader.fail(("derogations",), f"nombre de dérogations invalide : {_kind(value)} ; attendu un entier "
                                                f"de 0 à {limit} (redoublements supplémentaires accordés par le "
                                                "directeur)")
        derogations = value
    years_data = reader.given(("years",), root["years"], "donnez la liste des années (- year: BUT1 …)")
    if not isinstance(years_data, list) or not years_data:
        raise reader.fail(("years",), "years doit être une liste non vide d'années (- year: BUT1 …), pas "
                                      f"{_kind(years_data) if years_data != [] else 'une liste vide'}")
    reglement = AUCUNE_REGLE
    if "assiduite" in root:
        reglement = _parse_assiduite(reader, ("assiduite",), root["assiduite"], regles)
    attempts = []
    for index, year_data in enumerate(years_data):
        attempts.append(_parse_year(reader, ("years", index), year_data, formation, structure, regles, reglement))
    acquises: Mapping[str, UECapitalisee] = MappingProxyType({})
    if "ue_acquises_avant" in root:
        acquises = _parse_acquises(reader, ("ue_acquises_avant",), root["ue_acquises_avant"], formation, structure,
                                   regles)
    cursus = Cursus(parcours, tuple(attempts), derogations, acquises)
    return Scenario(file, description, formation, cursus, tuple(reader.warnings), MappingProxyType(dict(lines or {})))


def _parse_acquises(
    reader: _Reader, path: tuple[str | int, ...], data: Any, formation: Formation, structure: CursusStructure,
    regles: Regles,
) -> Mapping[str, UECapitalisee]:
    """``ue_acquises_avant: {S1.C1: 12.5, S1.C2: {moyenne: 9, code: ADJ}, S1.C3: {code: ADM}}``: UEs acquired
    before entry (the last one by équivalence, without an average)."""
    result: dict[str, UECapitalisee] = {}
    for key, value in _mapping(reader, path, data, "ue_acquises_avant").items():
        vpath = path + (_str(key),)
        ue = _ue_by_key(reader, vpath, formation, structure, 3, key)
        if ue.code in result:
            raise reader.fail(vpath, f"UE {ue_key(formation, ue)} donnée deux fois")
        if isinstance(value, Mapping):
            _keys(reader, vpath, value, {"moyenne", "code"})
            code = "ADM"
            if "code" in value:
                code = _code(reader, vpath + ("code",), value["code"], VALIDATING,
                             "une UE acquise avant l'entrée (code validant)")
            moyenne = _average(reader, vpath + ("moyenne",), value["moyenne"], regles) if "moyenne" in value else None
            result[ue.code] = UECapitalisee(moyenne, code)
        elif isinstance(value, str) and value.strip() in VALIDATING:
            raise reader.fail(vpath, f"« {value.strip()} » : écrivez le code ainsi: {key}: {{code: {value.strip()}}} "
                                     f"(ou avec sa moyenne: {key}: {{moyenne: 12.5, code: {value.strip()}}})")
        else:
            result[ue.code] = UECapitalisee(_average(reader, vpath, value, regles))
    return MappingProxyType(result)


def _parse_year(
    reader: _Reader, path: tuple[str | int, ...], data: Any, formation: Formation, structure: CursusStructure,
    regles: Regles, reglement: ReglementAssiduite = AUCUNE_REGLE,
) -> YearAttempt:
    if data is None:
        raise reader.no_value(path, "une année s'écrit « - year: BUT1 » suivi de ses « ue: » ou « modules: »")
    year = _mapping(reader, path, data, "une année")
    _keys(reader, path, year, YEAR_KEYS)
    if "year" not in year:
        raise reader.fail(path, "« year » manquant (BUT1, BUT2 ou BUT3)")
    annee = _year_number(reader, path + ("year",), year["year"])
    if annee not in structure.years:
        raise reader.fail(path + ("year",), f"BUT{annee} absent du parcours {structure.parcours.code} dans la "
                                            f"formation {formation.id}")
    moyennes: dict[str, Nombre | None] = {}
    if "ue" not in year and "modules" not in year:
        raise reader.fail(path, "l'année doit donner « ue: » (moyennes d'UE) ou « modules: » (moyennes de modules)")
    for semestre_key, values in (_mapping(reader, path + ("ue",), year["ue"], "ue") if "ue" in year else {}).items():
        spath = path + ("ue", _str(semestre_key))
        semestre = _semestre(reader, spath, semestre_key, annee)
        for key, value in _mapping(reader, spath, values, f"ue.{semestre_key}").items():
            vpath = spath + (_str(key),)
            ue = _resolve_ue(reader, vpath, formation, structure, annee, semestre, key)
            if ue.code in moyennes:
                raise reader.fail(vpath, f"UE {ue_key(formation, ue)} donnée deux fois")
            moyennes[ue.code] = _average(reader, vpath, value, regles)
    modules = _mapping(reader, path + ("modules",), year["modules"], "modules") if "modules" in year else {}
    for semestre_key, values in modules.items():
        spath = path + ("modules", _str(semestre_key))
        semestre = _semestre(reader, spath, semestre_key, annee)
        module_values = _mapping(reader, spath, values, f"modules.{semestre_key}")
        averages: dict[str, float | None] = {}
        known = {m.code for m in formation.modules_of(semestre, structure.parcours.code)}
        for code, value in module_values.items():
            mpath = spath + (_str(code),)
            name = _given_module(reader, mpath, code, known, averages, formation, structure, semestre)
            averages[name] = _average(reader, mpath, value, regles)
        for code, value in _ue_averages(formation, semestre, structure.parcours.code, averages, regles).items():
            if value is None or code not in structure.years[annee].ue_codes:
                continue
            if code in moyennes:
                raise reader.fail(spath, f"UE {code} donnée à la fois par « ue: » et par « modules: »")
            moyennes[code] = value
    provisional: frozenset[str] = frozenset()
    if "attente" in year:
        provisional = frozenset(_parse_attente(reader, path + ("attente",), year["attente"], formation, structure,
                                               annee))
    jury = None
    if "jury" in year:
        jury = _parse_jury(reader, path + ("jury",), year["jury"], formation, structure, annee)
    sortie = _parse_sortie(reader, path + ("sortie",), year["sortie"]) if "sortie" in year else None
    effets: tuple[Effet, ...] = ()
    if "absences" in year:
        found = _parse_absences(reader, path + ("absences",), year["absences"], formation, structure, annee,
                                reglement)
        moyennes, effets = penalised_year(moyennes, found, regles)
    return YearAttempt(annee, MappingProxyType(moyennes), provisional, jury, sortie=sortie, assiduite=effets)


def _parse_assiduite(reader: _Reader, path: tuple[str | int, ...], data: Any, regles: Regles) -> ReglementAssiduite:
    """``assiduite: {reglement: "…", seuil_atj: 4, penalite: {points: 0.1, franchise: 2, plafond: 2}}``: the
    department's attendance rules (none by default: the Arrêté sets no national effect, §4.2)."""
    block = _mapping(reader, path, data, "assiduite")
    _keys(reader, path, block, ASSIDUITE_KEYS)
    if "reglement" not in block:
        raise reader.fail(path + ("reglement",), "« reglement » manquant: citez le texte qui fixe ces règles (ex. "
                                                 "« Règlement intérieur de l'IUT, art. 12 »)")
    reference = _text(reader, path + ("reglement",), block["reglement"], "reglement",
                      "citez le texte qui fixe ces règles (ex. « Règlement intérieur de l'IUT, art. 12 »)")
    seuil = None
    if "seuil_atj" in block:
        seuil = _count(reader, path + ("seuil_atj",), block["seuil_atj"],
                       "seuil en demi-journées non justifiées dans un module (entier, ex. 4)")
    penalite = None
    if "penalite" in block:
        ppath = path + ("penalite",)
        values = _mapping(reader, ppath, block["penalite"], "penalite")
        _keys(reader, ppath, values, PENALITE_KEYS)
        if "points" not in values:
            raise reader.fail(ppath + ("points",), "« points » manquant: points retirés par demi-journée (ex. 0.1)")
        points = _points(reader, ppath + ("points",), values["points"], regles, "points par demi-journée")
        franchise = _count(reader, ppath + ("franchise",), values.get("franchise", 0),
                           "demi-journées sans pénalité (entier, ex. 2)")
        plafond = _points(reader, ppath + ("plafond",), values.get("plafond", 2.0), regles, "plafond de la pénalité")
        penalite = (points, franchise, plafond)
    if seuil is None and penalite is None:
        raise reader.fail(path, "aucune règle: donnez seuil_atj, penalite, ou les deux (sans règle, les absences "
                                "n'ont aucun effet: supprimez alors « assiduite »)")
    return ReglementAssiduite.declare(reference, seuil_atj=seuil, penalite=penalite)


def _not_quoted(reader: _Reader, path: tuple[str | int, ...], value: Any) -> None:
    """A number written between quotes is refused saying so (as averages are)."""
    source = reader.source(path)
    if isinstance(value, str) and source is not None and source[1] in ("'", '"') and NUMBER_TEXT_RE.match(value.strip()):
        raise reader.fail(path, f"« {_short(value)} » invalide : la valeur est entre guillemets : écrivez "
                                f"{_short(value.strip().replace(',', '.'))} sans guillemets")


def _count(reader: _Reader, path: tuple[str | int, ...], value: Any, what: str) -> int:
    reader.given(path, value, f"écrivez le {what}")
    _not_quoted(reader, path, value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_DEMI_JOURNEES:
        raise reader.fail(path, f"« {_short(value)} » invalide: attendu un entier de 0 à {MAX_DEMI_JOURNEES} ({what})")
    return value


def _points(reader: _Reader, path: tuple[str | int, ...], value: Any, regles: Regles, what: str) -> float:
    reader.given(path, value, f"écrivez les {what} (ex. 0.5)")
    _not_quoted(reader, path, value)
    if (isinstance(value, bool) or not isinstance(value, (int, float))
            or (isinstance(value, float) and not math.isfinite(value)) or not 0 < value <= regles.note_max):
        raise reader.fail(path, f"« {_short(value)} » invalide: attendu un nombre de points entre 0 (exclu) et "
                                f"{regles.note_max:g} ({what}, point décimal)")
    return float(value)


def _parse_absences(
    reader: _Reader, path: tuple[str | int, ...], data: Any, formation: Formation, structure: CursusStructure,
    annee: int, reglement: ReglementAssiduite,
) -> list[Effet]:
    """``absences: {S1: {R1.01: 5, R1.02: {non_justifiees: 3, justifiees: 2}}}``: half-days missed by
    module (a bare number is the unjustified ones); the department's rules turn them into effects."""
    effets: list[Effet] = []
    for semestre_key, values in _mapping(reader, path, data, "absences").items():
        spath = path + (_str(semestre_key),)
        semestre = _semestre(reader, spath, semestre_key, annee)
        modules = formation.modules_of(semestre, structure.parcours.code)
        known = {m.code for m in modules}
        decomptes: dict[str | None, Decompte] = {}
        for code, value in _mapping(reader, spath, values, f"absences.{semestre_key}").items():
            mpath = spath + (_str(code),)
            name = _given_module(reader, mpath, code, known, decomptes, formation, structure, semestre)
            if isinstance(value, Mapping):
                _keys(reader, mpath, value, DECOMPTE_KEYS)
                counts = {key: _count(reader, mpath + (key,), value[key], "nombre de demi-journées")
                          for key in DECOMPTE_KEYS if key in value}
                decomptes[name] = Decompte(name, counts.get("justifiees", 0), counts.get("non_justifiees", 0),
                                           counts.get("retards", 0))
            else:
                decomptes[name] = Decompte(name, 0, _count(reader, mpath, value,
                                                           "nombre de demi-journées non justifiées"))
        effets += reglement.effets(decomptes, modules)
    return effets


def _parse_sortie(reader: _Reader, path: tuple[str | int, ...], data: Any) -> tuple[str, str]:
    """``sortie: {code: DEM, date: 12/03/2025}``: the student left during the year (démission, défaillance)."""
    sortie = _mapping(reader, path, data, "sortie")
    _keys(reader, path, sortie, {"code", "date"})
    code = _str(sortie.get("code", "")).strip()
    if code not in (C.DEM, C.DEF):
        raise reader.fail(path + ("code",), f"code de sortie « {_short(code)} » invalide: attendu DEM ou DEF")
    date = sortie.get("date")
    if isinstance(date, datetime.date):
        date = date.strftime("%d/%m/%Y")
    if not date or not _str(date).strip():
        raise reader.fail(path + ("date",), "date de la démission ou de la défaillance manquante (ex. 12/03/2025)")
    return code, _str(date).strip()


def _parse_attente(
    reader: _Reader, path: tuple[str | int, ...], data: Any, formation: Formation, structure: CursusStructure,
    annee: int,
) -> list[str]:
    """``attente: [S1.C2, S2.C2]``, or one UE alone: ``attente: S1.C2`` (a one-item list)."""
    hint = "donnez les UE dont une note est en attente (ex. [S1.C2])"
    reader.given(path, data, hint)
    if isinstance(data, str):
        items: list[tuple[tuple[str | int, ...], Any]] = [(path, data)]
    elif isinstance(data, list):
        items = [(path + (i,), key) for i, key in enumerate(data)]
    else:
        raise reader.fail(path, f"attente doit être une liste d'UE (ex. [S1.C2, S2.C2]), pas {_kind(data)}")
    codes = []
    for place, key in items:
        if not isinstance(key, str):
            raise reader.fail(place, f"UE en attente invalide : {_kind(key)} ; attendu S<semestre>.C<compétence>, "
                                     "ex. S1.C2")
        ue = _ue_by_key(reader, place, formation, structure, annee, key)
        if ue.code not in structure.years[annee].ue_codes:
            raise reader.fail(place, f"UE {key}: une note en attente se déclare dans l'année de l'UE (BUT{annee} "
                                     f"ici, S{2 * annee - 1} ou S{2 * annee})")
        codes.append(ue.code)
    return codes


def _normal(code: str) -> str:
    text = unicodedata.normalize("NFKD", code).encode("ascii", "ignore").decode().upper()
    return re.sub(r"[\s._-]+", "", text)


def _given_module(reader: _Reader, path: tuple[str | int, ...], code: Any, known: set[str],
                  given: Mapping[Any, Any], formation: Formation, structure: CursusStructure, semestre: int) -> str:
    """The formation's code of a module named in ``modules:`` or ``absences:``, refused when unknown or
    given twice."""
    name = _module_code(_str(code), known)
    if name is None:
        raise reader.fail(path, f"module « {_short(code)} » inconnu en S{semestre} de la formation "
                                f"{formation.id} (parcours {structure.parcours.code}); modules: "
                                f"{', '.join(sorted(known))}")
    if name in given:
        raise reader.fail(path, f"module {name} donné deux fois")
    return name


def _module_code(code: str, known: set[str]) -> str | None:
    """The formation's module code for ``code``: exact, else the only one equal up to case, accents and
    separators (« R1-01 » for « R1.01 », « SAE 1.01 » for « SAÉ 1.01 »)."""
    if code in known:
        return code
    candidates = [k for k in known if _normal(k) == _normal(code)]
    return candidates[0] if len(candidates) == 1 else None


def _ue_averages(
    formation: Formation, semestre: int, parcours: str, averages: Mapping[str, float | None], regles: Regles
) -> dict[str, Fraction | None]:
    from delibe.engine.moyennes import ue_averages_from_module_averages

    return ue_averages_from_module_averages(formation, semestre, parcours, averages, regles)


def _parse_jury(
    reader: _Reader, path: tuple[str | int, ...], data: Any, formation: Formation, structure: CursusStructure,
    annee: int,
) -> JuryDecisions | None:
    jury = _mapping(reader, path, data, "jury")
    _keys(reader, path, jury, JURY_KEYS)
    ue_codes: dict[str, str] = {}
    entries: list[tuple[tuple[str | int, ...], str, Any]] = []  # (path, UE name, code)
    for key, code in (_mapping(reader, path + ("ue",), jury["ue"], "jury.ue") if "ue" in jury else {}).items():
        if isinstance(code, Mapping):  # ue: {S1: {C2: ADJ}}, as the averages are given
            match = SEMESTRE_RE.match(_str(key).strip())
            if not match:
                raise reader.fail(path + ("ue", _str(key)), f"semestre « {_short(key)} » invalide: attendu S1…S6")
            for competence, value in code.items():
                number = COMPETENCE_RE.match(_str(competence).strip())
                name = f"S{match.group(1)}.C{number.group(1)}" if number else f"S{match.group(1)}.{competence}"
                entries.append((path + ("ue", _str(key), _str(competence)), name, value))
            continue
        entries.append((path + ("ue", _str(key)), key, code))
    for epath, name, value in entries:
        ue = _ue_by_key(reader, epath, formation, structure, annee, name)
        if ue.code in ue_codes:
            raise reader.fail(epath, f"UE {ue_key(formation, ue)} donnée deux fois")
        ue_codes[ue.code] = _code(reader, epath, value, UE_CODES, f"l'UE {ue_key(formation, ue)}")
    rcue_codes: dict[str, str] = {}
    by_number = _competences_by_number(formation, structure, annee)
    for key, code in (_mapping(reader, path + ("rcue",), jury["rcue"], "jury.rcue") if "rcue" in jury else {}).items():
        kpath = path + ("rcue", _str(key))
        match = COMPETENCE_RE.match(_str(key).strip())
        nom = by_number.get(int(match.group(1))) if match else (_str(key) if _str(key) in by_number.values() else None)
        if nom is None:
            known = ", ".join(f"C{n} ({nom})" for n, nom in sorted(by_number.items()))
            raise reader.fail(kpath, f"RCUE « {_short(key)} » inconnu en BUT{annee} (RCUE de l'année: {known})")
        if nom in rcue_codes:
            raise reader.fail(kpath, f"RCUE {competence_key(formation, nom)} donné deux fois")
        rcue_codes[nom] = _code(reader, kpath, code, RCUE_CODES, f"le RCUE {competence_key(formation, nom)}")
    annee_code = None
    if "annee" in jury:
        # no passage after BUT3: PASD and PAS1NCI are impossible there
        allowed = ANNEE_CODES - (PASSAGE - YEAR_VALIDATING) if annee == 3 else ANNEE_CODES
        annee_code = _code(reader, path + ("annee",), jury["annee"], allowed, f"l'année BUT{annee}")
    raison = None
    if "raison" in jury:
        raison = _text(reader, path + ("raison",), jury["raison"], "raison", "écrivez le motif de la décision du jury")
    if (annee_code is not None or ue_codes or rcue_codes) and raison is None:
        # The engine requires a reason for every jury decision; a what-if scenario may leave it out.
        raison = MOTIF_ABSENT
        place = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
        reader.warnings.append(f"{reader.file}, {place} : décision du jury sans « raison: » — motif « {MOTIF_ABSENT} » "
                               "utilisé; un vrai jury doit motiver sa décision")
    return JuryDecisions(
        annee_code, MappingProxyType(ue_codes), MappingProxyType(rcue_codes), "" if raison is None else raison,
    )


def _by_text_keys(data: Any, table: Mapping[tuple[str | int, ...], Any]) -> dict[tuple[str | int, ...], Any]:
    """``read_yaml``'s table (path -> line or source) keyed as the reader names places: every mapping key as
    text (``read_yaml`` keeps integer keys as integers, like list indexes), list indexes as integers."""
    result: dict[tuple[str | int, ...], Any] = {}

    def walk(node: Any, original: tuple[str | int, ...], named: tuple[str | int, ...]) -> None:
        if original in table:
            result[named] = table[original]
        if isinstance(node, Mapping):
            for key, value in node.items():
                if isinstance(key, bool) or not isinstance(key, (str, int)):
                    continue  # written as true, 1.5, ~…: the place falls back to its parent's line
                walk(value, (*original, key), (*named, _str(key)))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, (*original, index), (*named, index))

    walk(data, (), ())
    return result


def read_scenario(path: Path, load: FormationLoader = default_formation_loader,
                  regles: Regles = DEFAULT_REGLES) -> Scenario:
    from delibe.formations.yamlread import DocumentKind, YamlReadError, read_yaml

    kind = DocumentKind("un scénario", "description, formation, parcours, years…")

    shown = str(path)
    try:
        if not path.is_file():
            raise ScenarioError(shown, "", "fichier introuvable (ou pas un fichier): vérifiez le chemin")
        raw = path.read_bytes()
    except OSError as exc:
        raise ScenarioError(shown, "", f"lecture impossible: {exc.strerror or exc}") from None
    if not raw.strip():
        raise ScenarioError(shown, "", "fichier vide: un scénario donne formation, parcours et years")
    scalars: dict[tuple[str | int, ...], tuple[str, str | None]] = {}
    try:
        data, lines = read_yaml(raw, kind=kind, scalars=scalars)
    except YamlReadError as exc:
        first = exc.problems[0]
        raise ScenarioError(shown, "", "; ".join(p.message for p in exc.problems), first.line) from None
    return parse_scenario(data, shown, _by_text_keys(data, lines), load, path.parent, regles,
                          _by_text_keys(data, scalars))


def cursus_error(scenario: Scenario, exc: CursusError) -> ScenarioError:
    """A ``CursusError`` of the engine about ``scenario`` as a ``ScenarioError`` naming the year, the key and
    the line (the years out of order, a jury code impossible in that year…)."""
    path: tuple[str | int, ...] = ()
    place = exc.place
    if exc.year_index is not None:
        annee = scenario.cursus.years[exc.year_index].annee
        path = ("years", exc.year_index)
        first, _, rest = exc.place.partition(".")
        first = {"provisional_ues": "attente"}.get(first, first)
        if first in YEAR_KEYS:
            path += (first,)
            if first == "jury" and rest in JURY_KEYS:
                path += (rest,)
        place = f"years[{exc.year_index}] (BUT{annee})" + (f".{exc.place}" if exc.place else "")
    elif exc.place:
        first = exc.place.partition(".")[0]
        if first in KNOWN_KEYS:
            path = (first,)
    line = None
    for end in range(len(path), 0, -1):
        if path[:end] in scenario.lines:
            line = scenario.lines[path[:end]]
            break
    return ScenarioError(scenario.file, place, exc.message, line)


def run(scenario: Scenario, regles: Regles = DEFAULT_REGLES) -> CursusResult:
    """Every year jury of the scenario (a last year given by its odd semester only is left out: see
    ``odd_semester_year`` and ``simulate``)."""
    cursus = scenario.cursus
    if odd_semester_year(scenario) is not None:
        cursus = Cursus(cursus.parcours, cursus.years[:-1], cursus.derogations, cursus.ue_acquises_avant)
    try:
        return deliberate(scenario.formation, cursus, regles)
    except CursusError as exc:
        raise cursus_error(scenario, exc) from None


def odd_semester_year(scenario: Scenario) -> int | None:
    """The odd semester (1, 3, 5) when the scenario's last year gives only that semester's UEs and is the
    first attempt at that year: the even semester has not been taken yet, so that year is deliberated as
    an odd-semester jury (docs/domain.md §5: UE codes of that semester, no RCUE code, no year code)."""
    years = scenario.cursus.years
    if not years:
        return None
    last = years[-1]
    odd = 2 * last.annee - 1
    semestres = {ue.semestre for ue in scenario.formation.ues if ue.code in last.ue_moyennes}
    semestres |= {ue.semestre for ue in scenario.formation.ues if ue.code in last.provisional_ues}
    if semestres != {odd} or any(y.annee == last.annee for y in years[:-1]):
        return None
    if last.jury is not None and not last.jury.is_empty:
        raise ScenarioError(scenario.file, f"years[{len(years) - 1}].jury",
                            f"le BUT{last.annee} ne donne que le S{odd} (jury de semestre impair): le jury "
                            "d'année ne peut pas encore décider; retirez « jury: » ou donnez aussi le "
                            f"S{odd + 1}")
    return odd


def simulate(scenario: Scenario, regles: Regles = DEFAULT_REGLES) -> dict[str, Any]:
    """The scenario's decisions as plain data (``to_json``), the last year at its odd-semester jury when
    it gives only its odd semester."""
    result = run(scenario, regles)
    semestre = odd_semester_year(scenario)
    if semestre is None:
        return to_json(scenario.formation, result)
    last = scenario.cursus.years[-1]
    earlier = Cursus(scenario.cursus.parcours, scenario.cursus.years[:-1], scenario.cursus.derogations,
                     scenario.cursus.ue_acquises_avant)
    try:
        odd = deliberate_semestre(scenario.formation, earlier, semestre, last.ue_moyennes, last.provisional_ues,
                                  regles, last.assiduite)
    except CursusError as exc:
        raise cursus_error(scenario, exc) from None
    return to_json(scenario.formation, result, odd)


def _moyenne(value: float | None) -> float | None:
    """The average in the JSON: the float nearest its exact value (7.995 is written 7.995)."""
    return as_float(value)


def _semester_json(formation: Formation, result: SemesterResult, annee: int) -> dict[str, Any]:
    return {
        "year": f"BUT{annee}",
        "semestre": f"S{result.semestre}",
        "ue": {
            ue_key(formation, r.ue): {
                "moyenne": _moyenne(r.moyenne), "code": r.decided, "ects": r.ects, "propose": r.proposed,
                "capitalisee": r.capitalisee, "raisons": [str(x) for x in r.reasons],
            }
            for r in sorted(result.ues.values(), key=lambda r: ue_key(formation, r.ue))
        },
        "rcue": {},
        "annee": None,
        "ects": sum(r.ects for r in result.ues.values()),
        "raisons": [str(x) for x in result.reasons],
    }


def to_json(formation: Formation, result: CursusResult, odd: SemesterResult | None = None) -> dict[str, Any]:
    """The decisions as plain data: ``years[i]`` every UE/RCUE of that year as decided at its jury,
    ``cursus`` the state after the last year jury; reasons as French sentences with their source. With
    ``odd``, the last year is an odd-semester jury: its UE codes only, ``"rcue": {}`` and
    ``"annee": null``."""
    years = []
    for year in result.years:
        ues = {
            ue_key(formation, r.ue): {
                "moyenne": _moyenne(r.moyenne), "code": r.decided, "ects": r.ects, "propose": r.proposed,
                "capitalisee": r.capitalisee, "raisons": [str(x) for x in r.reasons],
            }
            for r in sorted(year.ues.values(), key=lambda r: (r.ue.semestre, ue_key(formation, r.ue)))
        }
        rcues = {
            competence_key(formation, r.competence): {
                "moyenne": _moyenne(r.moyenne), "code": r.decided, "propose": r.proposed,
                "competence": r.competence, "niveau": r.niveau, "raisons": [str(x) for x in r.reasons],
            }
            for r in year.rcues.values()
        }
        years.append({
            "year": f"BUT{year.annee_but}",
            "ue": ues,
            "rcue": rcues,
            "annee": {"code": year.annee.decided, "propose": year.annee.proposed,
                      "raisons": [str(x) for x in year.annee.reasons]},
            "ects": year.ects,
            "autres_ue": {
                ue_key(formation, s.ue): {"moyenne": _moyenne(s.moyenne), "code": s.code, "ects": s.ects}
                for s in year.autres_ues.values()
            },
            "dut": year.diplomes.dut,
            "but": year.diplomes.but,
        })
    final = result.final
    cursus_ues = {
        ue_key(formation, s.ue): {"moyenne": _moyenne(s.moyenne), "code": s.code, "ects": s.ects}
        for s in sorted(final.ues.values(), key=lambda s: (s.ue.semestre, ue_key(formation, s.ue)))
    }
    cursus_rcues: dict[str, dict[str, Any]] = {}
    for rcue in sorted(final.rcues, key=lambda r: (r.annee, competence_key(formation, r.competence))):
        cursus_rcues.setdefault(f"BUT{rcue.annee}", {})[competence_key(formation, rcue.competence)] = {
            "moyenne": _moyenne(rcue.moyenne), "code": rcue.code}
    if odd is not None:
        years.append(_semester_json(formation, odd, (odd.semestre + 1) // 2))
    return {
        "years": years,
        "cursus": {"ue": cursus_ues, "rcue": cursus_rcues, "ects": final.ects, "dut": final.dut,
                   "but": final.but, "raisons": [str(x) for x in final.reasons]},
    }


def simulate_file(path: Path, load: FormationLoader = default_formation_loader) -> dict[str, Any]:
    return simulate(read_scenario(path, load))
