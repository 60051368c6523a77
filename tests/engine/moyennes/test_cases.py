"""Averages and attendance as data: every case of ``cases/*.yaml`` runs through both averaging engines (the
vectorised one and the reference) and, when it declares a règlement, through the attendance rules; the
expected averages are exact decimals or fractions, compared exactly (domain.md §2: no double decides).

A case (keys in French, like the jury's cases; an unknown key is an error, so a typo never passes):

    - titre: what the case shows, as a sentence
      reference: the text it applies (Arrêté, annexe 1, § …) or « Décision Délibé (…) »
      ues: [UE1, UE2]
      modules: {R1: {UE1: 2}, SAE1: {UE1: 1, UE2: 3}}      # coefficient of each module in each UE
      evaluations:                                         # optional: one evaluation per module by default
        - {id: R1.cc, module: R1, coefficient: 1, note_max: 20, poids: {UE1: 1}, type: rattrapage}
      notes: {a: {R1.cc: 12, R1.ds: ABS}}                  # a number, ABS, EXC or ATT; absent = missing
      inscriptions: {a: [R1]}                              # optional: the modules a student follows
      reglement: {reference: "…", seuil_atj: 5, penalite: {points: 0.1, franchise: 0, plafond: 2}}
      absences: {a: {R1: 4}}                               # unjustified half-days per module
      attendu:
        a:
          ue: {UE1: "9.995", UE2: null}                    # null: undefined average
          module: {R1: "12"}
          atteint: {UE1: true}                             # reaches the UE bar (10)
          atj: [UE1]                                       # UEs the attendance rule proposes ATJ on
          penalite: {UE1: "0.3"}                           # points taken off by the attendance rule
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import yaml

from delibe.engine import assiduite
from delibe.engine.model import UE, Module, ModuleKind
from delibe.engine.moyennes import (
    Evaluation,
    EvaluationType,
    SemesterSpec,
    Special,
    StudentGrades,
    compute_semester,
    compute_semester_reference,
)
from delibe.engine.moyennes.penalites import with_penalties

CASES = Path(__file__).with_name("cases")
CASE_KEYS = {"titre", "reference", "ues", "modules", "evaluations", "notes", "inscriptions", "reglement",
             "absences", "attendu"}
EXPECTED_KEYS = {"ue", "module", "atteint", "atj", "penalite"}
EVALUATION_KEYS = {"id", "module", "coefficient", "note_max", "poids", "type", "immediate"}
REGLEMENT_KEYS = {"reference", "seuil_atj", "penalite"}


class CaseError(ValueError):
    pass


def _keys(where: str, found: dict[str, Any], allowed: set[str], required: set[str] = frozenset()) -> None:
    unknown = sorted(set(found) - allowed)
    if unknown:
        raise CaseError(f"{where} : clé(s) inconnue(s) {unknown} (permises : {sorted(allowed)})")
    missing = sorted(required - set(found))
    if missing:
        raise CaseError(f"{where} : clé(s) manquante(s) {missing}")


def load_cases() -> list[tuple[str, dict[str, Any]]]:
    cases = []
    for path in sorted(CASES.glob("*.yaml")):
        for index, case in enumerate(yaml.safe_load(path.read_text(encoding="utf-8")), 1):
            where = f"{path.name} cas {index}"
            _keys(where, case, CASE_KEYS, {"titre", "reference", "ues", "modules", "notes", "attendu"})
            if not str(case["reference"]).strip():
                raise CaseError(f"{where} : « reference » vide")
            for sid, expected in case["attendu"].items():
                _keys(f"{where} attendu {sid}", expected, EXPECTED_KEYS)
            for evaluation in case.get("evaluations", []):
                _keys(f"{where} évaluation", evaluation, EVALUATION_KEYS, {"id", "module"})
            if "reglement" in case:
                _keys(f"{where} reglement", case["reglement"], REGLEMENT_KEYS, {"reference"})
            cases.append((f"{path.stem}: {case['titre']}", case))
    return cases


def _spec(case: dict[str, Any]) -> SemesterSpec:
    ues = tuple(UE(code, 1, f"C{i}", 1, 6.0) for i, code in enumerate(case["ues"], 1))
    modules = tuple(
        Module(code, code, 1, ModuleKind.SAE if code.upper().startswith("SA") else ModuleKind.RESSOURCE,
               coefficients=dict(coefficients))
        for code, coefficients in case["modules"].items()
    )
    declared = case.get("evaluations") or [{"id": code, "module": code} for code in case["modules"]]
    evaluations = tuple(
        Evaluation(e["id"], e["module"], float(e.get("coefficient", 1)), float(e.get("note_max", 20)),
                   {k: float(v) for k, v in e["poids"].items()} if "poids" in e else None,
                   EvaluationType(e.get("type", "normale")), bool(e.get("immediate", False)))
        for e in declared
    )
    return SemesterSpec(ues, modules, evaluations)


def _value(raw: Any) -> float | Special:
    return Special(raw) if isinstance(raw, str) else float(raw)


def _students(case: dict[str, Any]) -> list[StudentGrades]:
    follows = case.get("inscriptions", {})
    return [
        StudentGrades(str(sid), {e: _value(v) for e, v in (grades or {}).items()},
                      frozenset(follows[sid]) if sid in follows else None)
        for sid, grades in case["notes"].items()
    ]


def _reglement(case: dict[str, Any]) -> assiduite.ReglementAssiduite:
    declared = case["reglement"]
    regles: list[Any] = []
    if "seuil_atj" in declared:
        regles.append(assiduite.SeuilATJ(int(declared["seuil_atj"])))
    if "penalite" in declared:
        p = declared["penalite"]
        regles.append(assiduite.PenaliteParDemiJournee(float(p["points"]), int(p.get("franchise", 0)),
                                                        float(p.get("plafond", 2.0))))
    return assiduite.ReglementAssiduite(declared["reference"], tuple(regles))


def _absences(case: dict[str, Any]) -> list[assiduite.Absence]:
    out = []
    start = dt.date(2023, 9, 4)
    for sid, per_module in case.get("absences", {}).items():
        for module, count in per_module.items():
            for n in range(int(count)):
                day = start + dt.timedelta(days=n // 2)
                creneau = assiduite.Creneau.MATIN if n % 2 == 0 else assiduite.Creneau.APRES_MIDI
                out.append(assiduite.Absence(str(sid), day.isoformat(), creneau, module))
    return out


def _exact(text: Any) -> Fraction | None:
    return None if text is None else Fraction(str(text))


CASE_LIST = load_cases()


@pytest.mark.parametrize("compute", [compute_semester, compute_semester_reference], ids=["vectorise", "reference"])
@pytest.mark.parametrize(("name", "case"), CASE_LIST, ids=[name for name, _ in CASE_LIST])
def test_each_average_and_attendance_case_holds_exactly_in_both_engines(name, case, compute):
    spec = _spec(case)
    result = compute(spec, _students(case))
    effects: dict[str, list[Any]] = {}
    if "reglement" in case:
        reglement = _reglement(case)
        counts = assiduite.count_absences(_absences(case), [])
        effects = {sid: reglement.effets(counts.get(sid, {}), spec.modules) for sid in map(str, case["notes"])}
        result = with_penalties(result, effects)
    for sid, expected in case["attendu"].items():
        sid = str(sid)
        for ue, value in expected.get("ue", {}).items():
            assert result.ue_average_exact(sid, ue) == _exact(value), f"{sid} {ue}"
        for module, value in expected.get("module", {}).items():
            got = result.explain_module(sid, module).exact
            assert got == _exact(value), f"{sid} {module}"
        for ue, reaches in expected.get("atteint", {}).items():
            assert result.reaches(sid, ue) is reaches, f"{sid} {ue}"
        if "atj" in expected:
            proposed = sorted(e.ue for e in effects.get(sid, []) if isinstance(e, assiduite.ProposeATJ))
            assert proposed == sorted(expected["atj"]), sid
        if "penalite" in expected:
            points = {e.ue: _exact(e.points) for e in effects.get(sid, []) if isinstance(e, assiduite.Penalite)}
            assert {ue: _exact(v) for ue, v in expected["penalite"].items()} == {
                ue: Fraction(round(p, 10)) if p is not None else None for ue, p in points.items()}, sid


def test_a_case_with_an_unknown_key_is_refused_with_its_place(tmp_path, monkeypatch):
    (tmp_path / "x.yaml").write_text("- {titre: t, reference: r, ues: [U], modules: {M: {U: 1}}, notes: {}, "
                                     "attendu: {a: {moyenne: {}}}}\n", encoding="utf-8")
    monkeypatch.setattr(__import__(__name__, fromlist=["CASES"]), "CASES", tmp_path)
    with pytest.raises(CaseError, match=r"x.yaml cas 1 attendu a : clé\(s\) inconnue\(s\) \['moyenne'\]"):
        load_cases()


def test_every_case_file_has_cases():
    assert {name.split(":")[0] for name, _ in CASE_LIST} >= {"moyennes", "assiduite"}
