"""Decision tables as data: YAML cases under cases/, in the scenario format of ``delibe simulate``, run
against formations built in code (so the engine is tested without the formation loader).

A case file holds ``cases: [...]``; each case has a ``description`` (the test's name), a ``parcours``
(default Créa), a ``formation`` (default ``synthetic-mmi``), ``years`` and optional ``derogations``,
``ue_acquises_avant``, ``semestre_impair`` (an odd-semester jury after the years) and either ``expect``
or ``error`` (a fragment of the expected French message). In ``ue:`` a ``tous: x`` entry gives x to
every competence of that year not listed.

``expect.years[i]`` and ``expect.cursus`` check only what they list: UE/RCUE codes (a string) or
``{code, moyenne}``, ``annee``, ``ects``, ``dut``, ``but`` and ``regles`` (rule ids that must appear
among the reasons of that year, or of the final state).

Every key is checked against the lists below (the scenario's own keys by ``delibe.simulate``): a typo
fails the case instead of checking nothing. A new key goes into these lists with the code that reads it.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from delibe.engine.jury import Cursus, CursusResult, deliberate_semestre
from delibe.engine.jury.model import SemesterResult
from delibe.engine.jury.synthetic import mmi_like_formation
from delibe.engine.model import Formation
from delibe.simulate import Scenario, competence_key, parse_scenario, run, to_json, ue_key
from tests.engine.jury.formations import geii_like_formation

CASES_DIR = Path(__file__).parent / "cases"

# Keys the harness reads; every other key of a case goes to the scenario parser, which refuses unknown ones.
HARNESS_KEYS = {"description", "reference", "expect", "error", "semestre_impair"}
SEMESTRE_IMPAIR_KEYS = {"semestre", "ue", "attente"}
EXPECT_KEYS = {"years", "cursus", "semestre"}
EXPECT_YEAR_KEYS = {"year", "ue", "rcue", "annee", "ects", "dut", "but", "autres_ue", "regles"}
EXPECT_CURSUS_KEYS = {"ue", "rcue", "ects", "dut", "but", "regles"}
EXPECT_SEMESTRE_KEYS = {"ue", "regles"}
EXPECTED_CODE_KEYS = {"code", "moyenne"}


class CaseError(Exception):
    """A case file the harness cannot read as written (an unknown key, a wrong shape): fix the case."""


def _keys(where: str, block: Any, allowed: set[str]) -> list[str]:
    if block is None:
        return []
    if not isinstance(block, dict):
        return [f"{where}: attendu un dictionnaire, trouvé {type(block).__name__}"]
    unknown = sorted(set(map(str, block)) - allowed)
    return [f"{where}: clé(s) inconnue(s) {unknown} (connues: {sorted(allowed)})"] if unknown else []


def _codes(where: str, block: Any) -> list[str]:
    """``{UE or RCUE key: code or {code, moyenne}}``."""
    if block is None:
        return []
    if not isinstance(block, dict):
        return [f"{where}: attendu un dictionnaire, trouvé {type(block).__name__}"]
    problems = []
    for key, want in block.items():
        if isinstance(want, dict):
            problems += _keys(f"{where}.{key}", want, EXPECTED_CODE_KEYS)
            if "code" not in want:
                problems.append(f"{where}.{key}: « code » manque")
    return problems


def unknown_keys(data: dict[str, Any]) -> list[str]:
    """Every key of a case the harness does not know, with where it is (empty when the case is clean)."""
    problems = _keys("semestre_impair", data.get("semestre_impair"), SEMESTRE_IMPAIR_KEYS)
    expect = data.get("expect")
    problems += _keys("expect", expect, EXPECT_KEYS)
    if not isinstance(expect, dict):
        return problems
    years = expect.get("years") or []
    if not isinstance(years, list):
        return [*problems, "expect.years: attendu une liste"]
    for i, year in enumerate(years):
        problems += _keys(f"expect.years[{i}]", year, EXPECT_YEAR_KEYS)
        if isinstance(year, dict):
            for kind in ("ue", "rcue", "autres_ue"):
                problems += _codes(f"expect.years[{i}].{kind}", year.get(kind))
    cursus = expect.get("cursus")
    problems += _keys("expect.cursus", cursus, EXPECT_CURSUS_KEYS)
    if isinstance(cursus, dict):
        problems += _codes("expect.cursus.ue", cursus.get("ue"))
        for label, rcues in (cursus.get("rcue") or {}).items():
            problems += _codes(f"expect.cursus.rcue.{label}", rcues)
    semestre = expect.get("semestre")
    problems += _keys("expect.semestre", semestre, EXPECT_SEMESTRE_KEYS)
    if isinstance(semestre, dict):
        problems += _codes("expect.semestre.ue", semestre.get("ue"))
    return problems


@cache
def formation(name: str) -> Formation:
    builders = {
        "synthetic-mmi": lambda: mmi_like_formation(),
        "synthetic-mmi-ponderee": lambda: mmi_like_formation("synthetic-mmi-ponderee", coef_rcue_impair=2.0),
        "synthetic-geii": geii_like_formation,
    }
    if name not in builders:
        raise KeyError(f"formation de test inconnue: {name} ({', '.join(builders)})")
    return builders[name]()


@dataclass(frozen=True)
class Case:
    file: str
    index: int
    data: dict[str, Any]

    @property
    def description(self) -> str:
        return str(self.data["description"])

    @property
    def id(self) -> str:
        text = unicodedata.normalize("NFKD", self.description).encode("ascii", "ignore").decode()
        return f"{Path(self.file).stem}: " + re.sub(r"[^A-Za-z0-9.≥<>=]+", "_", text).strip("_").lower()


def load_cases() -> list[Case]:
    cases = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for index, case in enumerate(data["cases"]):
            cases.append(Case(path.name, index, case))
    return cases


def _expand(case: dict[str, Any], form: Formation) -> dict[str, Any]:
    """The scenario of a case: defaults filled in, ``tous:`` expanded."""
    scenario = copy.deepcopy({k: v for k, v in case.items() if k not in HARNESS_KEYS})
    scenario.setdefault("formation", "synthetic-mmi")
    scenario.setdefault("parcours", "Créa")
    parcours = form.referentiel.parcours_by_code(scenario["parcours"])
    for year in scenario.get("years") or []:
        annee = int(str(year.get("year", "BUT1"))[-1])
        numbers = sorted(form.referentiel.competence(c).numero  # type: ignore[union-attr]  # the case names competences of its formation
                         for c in (parcours.competences_of_year(annee) if parcours else {}))
        for values in (year.get("ue") or {}).values():
            if isinstance(values, dict) and "tous" in values:
                default = values.pop("tous")
                for n in numbers:
                    if f"C{n}" not in values:
                        values[f"C{n}"] = default
    return scenario


def scenario_of(case: Case) -> Scenario:
    name = case.data.get("formation", "synthetic-mmi")
    form = formation(name)
    data = _expand(case.data, form)
    if data.get("years") == []:  # an odd-semester jury with no year behind it
        data["years"] = [{"year": "BUT1", "ue": {}}]
        scenario = parse_scenario(data, case.file, load=lambda ref, base: formation(ref))
        return Scenario(scenario.file, scenario.description, scenario.formation,
                        Cursus(scenario.cursus.parcours, ()))
    return parse_scenario(data, case.file, load=lambda ref, base: formation(ref))


def run_case(case: Case) -> tuple[Scenario, CursusResult]:
    problems = unknown_keys(case.data)
    if problems:
        raise CaseError(f"{case.file}, cas « {case.description} »: " + "; ".join(problems))
    scenario = scenario_of(case)
    return scenario, run(scenario)


def run_semestre(case: Case, scenario: Scenario) -> SemesterResult:
    block = case.data["semestre_impair"]
    semestre = int(block["semestre"])
    annee = (semestre + 1) // 2
    ys_numbers = {
        scenario.formation.referentiel.competence(c).numero: c  # type: ignore[union-attr]  # same: the case's own competences
        for c in scenario.formation.referentiel.parcours_by_code(scenario.cursus.parcours).competences_of_year(annee)  # type: ignore[union-attr]  # its parcours exists
    }
    ues = {u.competence: u.code for u in scenario.formation.ues_of(semestre, scenario.cursus.parcours)}
    moyennes = {ues[ys_numbers[int(str(k)[1:])]]: v for k, v in (block.get("ue") or {}).items()}
    attente = frozenset(ues[ys_numbers[int(str(k)[1:])]] for k in block.get("attente") or [])
    return deliberate_semestre(scenario.formation, scenario.cursus, semestre, moyennes, attente)


def rule_ids(reasons: Any) -> set[str]:
    return {r.rule for r in reasons}


def year_rules(result: CursusResult, index: int) -> set[str]:
    year = result.years[index]
    ids = rule_ids(year.annee.reasons) | rule_ids(year.diplomes.reasons)
    for ue in year.ues.values():
        ids |= rule_ids(ue.reasons)
    for rcue in year.rcues.values():
        ids |= rule_ids(rcue.reasons)
    for state in year.autres_ues.values():
        ids |= rule_ids(state.reasons)
    return ids


def all_rules(result: CursusResult) -> set[str]:
    ids = rule_ids(result.final.reasons)
    for i in range(len(result.years)):
        ids |= year_rules(result, i)
    for state in result.final.ues.values():
        ids |= rule_ids(state.reasons)
    return ids


def check_codes(where: str, expected: dict[str, Any], actual: dict[str, dict[str, Any]]) -> list[str]:
    problems = []
    for key, want in expected.items():
        if key not in actual:
            problems.append(f"{where}.{key}: absent (présents: {', '.join(actual)})")
            continue
        got = actual[key]
        want_code = want.get("code") if isinstance(want, dict) else want
        if got["code"] != want_code:
            problems.append(f"{where}.{key}: code {got['code']} au lieu de {want_code}")
        if isinstance(want, dict) and "moyenne" in want:
            if want["moyenne"] is None or got["moyenne"] is None:
                if want["moyenne"] != got["moyenne"]:
                    problems.append(f"{where}.{key}: moyenne {got['moyenne']} au lieu de {want['moyenne']}")
            elif abs(got["moyenne"] - want["moyenne"]) > 0.01:
                problems.append(f"{where}.{key}: moyenne {got['moyenne']} au lieu de {want['moyenne']}")
    return problems


def compare(case: Case, scenario: Scenario, result: CursusResult) -> list[str]:
    expect = case.data.get("expect") or {}
    output = to_json(scenario.formation, result)
    problems: list[str] = []
    years = expect.get("years") or []
    if len(years) > len(output["years"]):
        problems.append(f"{len(years)} années attendues, {len(output['years'])} délibérées")
    for i, want in enumerate(years[: len(output["years"])]):
        got = output["years"][i]
        where = f"years[{i}]"
        if "year" in want and got["year"] != want["year"]:
            problems.append(f"{where}.year: {got['year']} au lieu de {want['year']}")
        problems += check_codes(f"{where}.ue", want.get("ue") or {}, got["ue"])
        problems += check_codes(f"{where}.rcue", want.get("rcue") or {}, got["rcue"])
        if "annee" in want and got["annee"]["code"] != want["annee"]:
            problems.append(f"{where}.annee: {got['annee']['code']} au lieu de {want['annee']} "
                            f"({' | '.join(got['annee']['raisons'])})")
        for key in ("ects", "dut", "but"):
            if key in want and got[key] != want[key]:
                problems.append(f"{where}.{key}: {got[key]} au lieu de {want[key]}")
        if "autres_ue" in want:
            problems += check_codes(f"{where}.autres_ue", want["autres_ue"], got["autres_ue"])
        missing = set(want.get("regles") or []) - year_rules(result, i)
        if missing:
            problems.append(f"{where}: règles absentes des raisons: {sorted(missing)}")
    cursus = expect.get("cursus") or {}
    problems += check_codes("cursus.ue", cursus.get("ue") or {}, output["cursus"]["ue"])
    for label, rcues in (cursus.get("rcue") or {}).items():
        problems += check_codes(f"cursus.rcue.{label}", rcues, output["cursus"]["rcue"].get(label, {}))
    for key in ("ects", "dut", "but"):
        if key in cursus and output["cursus"][key] != cursus[key]:
            problems.append(f"cursus.{key}: {output['cursus'][key]} au lieu de {cursus[key]}")
    missing = set(cursus.get("regles") or []) - all_rules(result)
    if missing:
        problems.append(f"cursus: règles absentes des raisons: {sorted(missing)}")
    return problems


def compare_semestre(case: Case, scenario: Scenario, result: SemesterResult) -> list[str]:
    want = case.data["expect"].get("semestre") or {}
    got = {
        ue_key(scenario.formation, r.ue): {"code": r.decided, "moyenne": r.moyenne} for r in result.ues.values()
    }
    problems = check_codes("semestre.ue", want.get("ue") or {}, got)
    ids = rule_ids(result.reasons)
    for r in result.ues.values():
        ids |= rule_ids(r.reasons)
    missing = set(want.get("regles") or []) - ids
    if missing:
        problems.append(f"semestre: règles absentes des raisons: {sorted(missing)}")
    return problems


__all__ = ["Case", "CaseError", "compare", "competence_key", "load_cases", "run_case", "unknown_keys"]
