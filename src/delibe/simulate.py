"""Jury scenarios (what-if): read a scenario file, check it, deliberate it, give the decisions as JSON.

The format is ../shared/scenarios/README.md: ``formation`` (id or path), ``parcours``, ``years`` in order
(a repeated year appears again and lists only the UEs retaken), each with ``ue:`` averages by semester
then competence number (``C<k>``: the competence of that number among those the parcours requires that
year — numbers may repeat across parcours in other spécialités) or ``modules:`` averages by semester then
module code; optional ``jury: {annee, ue, rcue, raison}``, ``attente: [S1.C2, …]`` (UEs with a grade
pending) and ``derogations``. ``expect`` is ignored here (tests compare against it).

This module sits outside the engine because it reads files; the decisions are the engine's
(``delibe.engine.jury``). Every problem raises ``ScenarioError`` naming the file and the place, in French.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from delibe.engine.exact import as_float
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
from delibe.engine.jury.model import SemesterResult
from delibe.engine.jury.structure import CursusStructure, cursus_structure
from delibe.engine.model import UE, Formation
from delibe.engine.parameters import DEFAULT_REGLES, Regles

FormationLoader = Callable[[str, Path | None], Formation]

YEAR_RE = re.compile(r"^(?:BUT)?\s*([1-3])$", re.IGNORECASE)
SEMESTRE_RE = re.compile(r"^S([1-6])$", re.IGNORECASE)
COMPETENCE_RE = re.compile(r"^C?(\d+)$", re.IGNORECASE)
UE_KEY_RE = re.compile(r"^(?:S([1-6])\.C(\d+)|UE([1-6])\.(\d+))$", re.IGNORECASE)
KNOWN_KEYS = {"description", "formation", "parcours", "years", "derogations", "ue_acquises_avant", "expect"}
YEAR_KEYS = {"year", "ue", "modules", "jury", "attente", "expect"}
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
    """Checks one scenario's data, keeping the file name and the YAML lines for the messages."""

    def __init__(self, file: str, lines: Mapping[tuple[str | int, ...], int]) -> None:
        self.file = file
        self.lines = lines
        self.warnings: list[str] = []

    def fail(self, path: tuple[str | int, ...], message: str) -> ScenarioError:
        line = None
        for end in range(len(path), -1, -1):
            if path[:end] in self.lines:
                line = self.lines[path[:end]]
                break
        place = ""
        for part in path:
            place += f"[{part}]" if isinstance(part, int) else (f".{part}" if place else str(part))
        return ScenarioError(self.file, place, message, line)


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


def _year_number(reader: _Reader, path: tuple[str | int, ...], value: Any) -> int:
    match = YEAR_RE.match(str(value).strip()) if value is not None else None
    if not match:
        raise reader.fail(path, f"année « {value} » invalide: attendu BUT1, BUT2 ou BUT3")
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
    text = str(key).strip()
    match = COMPETENCE_RE.match(text)
    nom_court = by_number.get(int(match.group(1))) if match else (text if text in by_number.values() else None)
    ys = structure.years.get(annee)
    if nom_court is None or ys is None:
        known = ", ".join(f"C{n} ({nom})" for n, nom in sorted(by_number.items()))
        raise reader.fail(path, f"compétence « {key} » inconnue en BUT{annee} du parcours {structure.parcours.code} "
                                f"(compétences de l'année: {known or 'aucune'})")
    return next(u for u in ys.ues if u.semestre == semestre and u.competence == nom_court)


def _semestre(reader: _Reader, path: tuple[str | int, ...], key: Any, annee: int) -> int:
    match = SEMESTRE_RE.match(str(key).strip())
    if not match:
        raise reader.fail(path, f"semestre « {key} » invalide: attendu S{2 * annee - 1} ou S{2 * annee}")
    semestre = int(match.group(1))
    if (semestre + 1) // 2 != annee:
        raise reader.fail(path, f"S{semestre} n'appartient pas au BUT{annee} (semestres S{2 * annee - 1} et "
                                f"S{2 * annee})")
    return semestre


def _mapping(reader: _Reader, path: tuple[str | int, ...], value: Any, what: str) -> Mapping[Any, Any]:
    if not isinstance(value, Mapping):
        raise reader.fail(path, f"{what} doit être un dictionnaire (clé: valeur)")
    return value


def _ue_by_key(
    reader: _Reader, path: tuple[str | int, ...], formation: Formation, structure: CursusStructure, annee: int,
    key: Any,
) -> UE:
    """A UE named ``S1.C2`` or ``UE1.2`` anywhere in the cursus up to ``annee`` (jury decisions, attente)."""
    match = UE_KEY_RE.match(str(key).strip())
    if not match:
        raise reader.fail(path, f"UE « {key} » invalide: attendu S<semestre>.C<compétence>, ex. S1.C2")
    semestre = int(match.group(1) or match.group(3))
    numero = match.group(2) or match.group(4)
    ue_annee = (semestre + 1) // 2
    if ue_annee > annee:
        raise reader.fail(path, f"UE {key}: S{semestre} est après le BUT{annee}")
    return _resolve_ue(reader, path, formation, structure, ue_annee, semestre, f"C{numero}")


def parse_scenario(
    data: Any,
    file: str,
    lines: Mapping[tuple[str | int, ...], int] | None = None,
    load: FormationLoader = default_formation_loader,
    base: Path | None = None,
    regles: Regles = DEFAULT_REGLES,
) -> Scenario:
    """Check a scenario's data and build the engine's ``Cursus``; raises ``ScenarioError``."""
    reader = _Reader(file, lines or {})
    root = _mapping(reader, (), data, "le scénario")
    unknown = set(map(str, root)) - KNOWN_KEYS
    if unknown:
        raise reader.fail((min(unknown),), f"clé inconnue (clés possibles: {', '.join(sorted(KNOWN_KEYS))})")
    for key in ("formation", "parcours", "years"):
        if key not in root or root[key] in (None, ""):
            raise reader.fail((key,), f"« {key} » manquant: le scénario doit donner formation, parcours et years")
    reference = str(root["formation"])
    try:
        formation = load(reference, base)
    except (ValueError, OSError) as exc:
        raise reader.fail(("formation",), f"formation « {reference} » illisible: {exc}") from None
    parcours = str(root["parcours"])
    try:
        structure = cursus_structure(formation, parcours)
    except CursusError as exc:
        raise reader.fail(("parcours",), exc.message) from None
    derogations = root.get("derogations", 0) or 0
    if isinstance(derogations, bool) or not isinstance(derogations, int) or derogations < 0:
        raise reader.fail(("derogations",), f"« {derogations} » invalide: attendu un entier ≥ 0")
    years_data = root["years"]
    if not isinstance(years_data, list) or not years_data:
        raise reader.fail(("years",), "years doit être une liste non vide d'années (- year: BUT1 …)")
    attempts = []
    for index, year_data in enumerate(years_data):
        attempts.append(_parse_year(reader, ("years", index), year_data, formation, structure, regles))
    acquises = _parse_acquises(reader, ("ue_acquises_avant",), root.get("ue_acquises_avant"), formation, structure,
                               regles)
    cursus = Cursus(parcours, tuple(attempts), derogations, acquises)
    return Scenario(file, str(root.get("description", "")), formation, cursus, tuple(reader.warnings))


def _parse_acquises(
    reader: _Reader, path: tuple[str | int, ...], data: Any, formation: Formation, structure: CursusStructure,
    regles: Regles,
) -> Mapping[str, UECapitalisee]:
    """``ue_acquises_avant: {S1.C1: 12.5, S1.C2: {moyenne: 9, code: ADJ}}``: UEs acquired before entry."""
    result: dict[str, UECapitalisee] = {}
    for key, value in _mapping(reader, path, data or {}, "ue_acquises_avant").items():
        vpath = path + (str(key),)
        ue = _ue_by_key(reader, vpath, formation, structure, 3, key)
        if isinstance(value, Mapping):
            code = str(value.get("code", "ADM"))
            result[ue.code] = UECapitalisee(_number(reader, vpath + ("moyenne",), value.get("moyenne"), regles), code)
        else:
            result[ue.code] = UECapitalisee(_number(reader, vpath, value, regles))
    return MappingProxyType(result)


def _parse_year(
    reader: _Reader, path: tuple[str | int, ...], data: Any, formation: Formation, structure: CursusStructure,
    regles: Regles,
) -> YearAttempt:
    year = _mapping(reader, path, data, "une année")
    unknown = set(map(str, year)) - YEAR_KEYS
    if unknown:
        raise reader.fail(path + (min(unknown),), f"clé inconnue (clés possibles: {', '.join(sorted(YEAR_KEYS))})")
    if "year" not in year:
        raise reader.fail(path, "« year » manquant (BUT1, BUT2 ou BUT3)")
    annee = _year_number(reader, path + ("year",), year["year"])
    if annee not in structure.years:
        raise reader.fail(path + ("year",), f"BUT{annee} absent du parcours {structure.parcours.code} dans la "
                                            f"formation {formation.id}")
    moyennes: dict[str, float | None] = {}
    origin: dict[str, tuple[str | int, ...]] = {}
    if "ue" not in year and "modules" not in year:
        raise reader.fail(path, "l'année doit donner « ue: » (moyennes d'UE) ou « modules: » (moyennes de modules)")
    for semestre_key, values in _mapping(reader, path + ("ue",), year.get("ue") or {}, "ue").items():
        spath = path + ("ue", str(semestre_key))
        semestre = _semestre(reader, spath, semestre_key, annee)
        for key, value in _mapping(reader, spath, values or {}, f"ue.{semestre_key}").items():
            vpath = spath + (str(key),)
            ue = _resolve_ue(reader, vpath, formation, structure, annee, semestre, key)
            if ue.code in moyennes:
                raise reader.fail(vpath, f"UE {ue_key(formation, ue)} donnée deux fois")
            moyennes[ue.code] = _number(reader, vpath, value, regles)
            origin[ue.code] = vpath
    for semestre_key, values in _mapping(reader, path + ("modules",), year.get("modules") or {}, "modules").items():
        spath = path + ("modules", str(semestre_key))
        semestre = _semestre(reader, spath, semestre_key, annee)
        module_values = _mapping(reader, spath, values or {}, f"modules.{semestre_key}")
        averages: dict[str, float | None] = {}
        known = {m.code for m in formation.modules_of(semestre, structure.parcours.code)}
        for code, value in module_values.items():
            mpath = spath + (str(code),)
            name = _module_code(str(code), known)
            if name is None:
                raise reader.fail(mpath, f"module « {code} » inconnu en S{semestre} de la formation {formation.id} "
                                         f"(parcours {structure.parcours.code}); modules: {', '.join(sorted(known))}")
            if name in averages:
                raise reader.fail(mpath, f"module {name} donné deux fois")
            averages[name] = _number(reader, mpath, value, regles)
        for code, value in _ue_averages(formation, semestre, structure.parcours.code, averages).items():
            if value is None or code not in structure.years[annee].ue_codes:
                continue
            if code in moyennes:
                raise reader.fail(spath, f"UE {code} donnée à la fois par « ue: » et par « modules: »")
            moyennes[code] = value
    provisional = frozenset(
        _ue_by_key(reader, path + ("attente", i), formation, structure, annee, key).code
        for i, key in enumerate(year.get("attente") or [])
    )
    jury = _parse_jury(reader, path + ("jury",), year.get("jury"), formation, structure, annee)
    return YearAttempt(annee, MappingProxyType(moyennes), provisional, jury)


def _normal(code: str) -> str:
    text = unicodedata.normalize("NFKD", code).encode("ascii", "ignore").decode().upper()
    return re.sub(r"[\s._-]+", "", text)


def _module_code(code: str, known: set[str]) -> str | None:
    """The formation's module code for ``code``: exact, else the only one equal up to case, accents and
    separators (« R1-01 » for « R1.01 », « SAE 1.01 » for « SAÉ 1.01 »)."""
    if code in known:
        return code
    candidates = [k for k in known if _normal(k) == _normal(code)]
    return candidates[0] if len(candidates) == 1 else None


def _ue_averages(
    formation: Formation, semestre: int, parcours: str, averages: Mapping[str, float | None]
) -> dict[str, float | None]:
    from delibe.engine.moyennes import ue_averages_from_module_averages

    return ue_averages_from_module_averages(formation, semestre, parcours, averages)


def _parse_jury(
    reader: _Reader, path: tuple[str | int, ...], data: Any, formation: Formation, structure: CursusStructure,
    annee: int,
) -> JuryDecisions | None:
    if data is None:
        return None
    jury = _mapping(reader, path, data, "jury")
    unknown = set(map(str, jury)) - JURY_KEYS
    if unknown:
        raise reader.fail(path + (min(unknown),), f"clé inconnue (clés possibles: {', '.join(sorted(JURY_KEYS))})")
    ue_codes = {}
    for key, code in _mapping(reader, path + ("ue",), jury.get("ue") or {}, "jury.ue").items():
        if isinstance(code, Mapping):  # ue: {S1: {C2: ADJ}}, as the averages are given
            match = SEMESTRE_RE.match(str(key).strip())
            if not match:
                raise reader.fail(path + ("ue", str(key)), f"semestre « {key} » invalide: attendu S1…S6")
            for competence, value in code.items():
                number = COMPETENCE_RE.match(str(competence).strip())
                name = f"S{match.group(1)}.C{number.group(1)}" if number else f"S{match.group(1)}.{competence}"
                ue = _ue_by_key(reader, path + ("ue", str(key), str(competence)), formation, structure, annee, name)
                ue_codes[ue.code] = str(value)
            continue
        ue = _ue_by_key(reader, path + ("ue", str(key)), formation, structure, annee, key)
        ue_codes[ue.code] = str(code)
    rcue_codes = {}
    by_number = _competences_by_number(formation, structure, annee)
    for key, code in _mapping(reader, path + ("rcue",), jury.get("rcue") or {}, "jury.rcue").items():
        match = COMPETENCE_RE.match(str(key).strip())
        nom = by_number.get(int(match.group(1))) if match else (str(key) if str(key) in by_number.values() else None)
        if nom is None:
            raise reader.fail(path + ("rcue", str(key)), f"RCUE « {key} » inconnu en BUT{annee}")
        rcue_codes[nom] = str(code)
    annee_code = jury.get("annee")
    raison = jury.get("raison")
    if (annee_code is not None or ue_codes or rcue_codes) and not str(raison or "").strip():
        # The engine requires a reason for every jury decision; a what-if scenario may leave it out.
        raison = MOTIF_ABSENT
        place = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
        reader.warnings.append(f"{reader.file}, {place} : décision du jury sans « raison: » — motif « {MOTIF_ABSENT} » "
                               "utilisé; un vrai jury doit motiver sa décision")
    return JuryDecisions(
        None if annee_code is None else str(annee_code), MappingProxyType(ue_codes), MappingProxyType(rcue_codes),
        "" if raison is None else str(raison),
    )


def read_scenario(path: Path, load: FormationLoader = default_formation_loader,
                  regles: Regles = DEFAULT_REGLES) -> Scenario:
    from delibe.formations.yamlread import YamlReadError, read_yaml

    shown = str(path)
    if not path.is_file():
        raise ScenarioError(shown, "", "fichier introuvable (ou pas un fichier): vérifiez le chemin")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ScenarioError(shown, "", f"lecture impossible: {exc.strerror}") from None
    if not raw.strip():
        raise ScenarioError(shown, "", "fichier vide: un scénario donne formation, parcours et years")
    try:
        data, lines = read_yaml(raw)
    except YamlReadError as exc:
        first = exc.problems[0]
        raise ScenarioError(shown, "", "; ".join(p.message for p in exc.problems), first.line) from None
    return parse_scenario(data, shown, lines, load, path.parent, regles)


def run(scenario: Scenario, regles: Regles = DEFAULT_REGLES) -> CursusResult:
    """Every year jury of the scenario (a last year given by its odd semester only is left out: see
    ``odd_semester_year`` and ``simulate``)."""
    cursus = scenario.cursus
    if odd_semester_year(scenario) is not None:
        cursus = Cursus(cursus.parcours, cursus.years[:-1], cursus.derogations, cursus.ue_acquises_avant)
    try:
        return deliberate(scenario.formation, cursus, regles)
    except CursusError as exc:
        raise _scenario_error(scenario, exc) from None


def _scenario_error(scenario: Scenario, exc: CursusError) -> ScenarioError:
    place = ""
    if exc.year_index is not None and exc.year_index < len(scenario.cursus.years):
        annee = scenario.cursus.years[exc.year_index].annee
        place = f"years[{exc.year_index}] (BUT{annee})"
    elif exc.place:
        place = exc.place
    return ScenarioError(scenario.file, place, exc.message)


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
                                  regles)
    except CursusError as exc:
        raise _scenario_error(scenario, exc) from None
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
