"""check_formation: the shipped formation has no error, and each rule catches a broken copy of it."""

from __future__ import annotations

from dataclasses import replace

from delibe.engine import sources
from delibe.engine.check import Finding, Severity, check_formation, has_errors
from delibe.engine.model import UE, Formation, frozen_map
from delibe.engine.parameters import DEFAULT_REGLES
from tests.formations.conftest import module, semestre, ue


def findings(formation: Formation) -> list[Finding]:
    return check_formation(formation, DEFAULT_REGLES)


def errors(formation: Formation, rule: str | None = None) -> list[Finding]:
    return [f for f in findings(formation) if f.severity is Severity.ERREUR and (rule is None or f.rule == rule)]


def test_the_shipped_formation_has_no_error(mmi):
    result = findings(mmi)
    assert not has_errors(result), [f.message for f in result if f.severity is Severity.ERREUR]


def test_every_finding_cites_a_known_source_and_errors_say_how_to_fix(mmi, broken):
    bad = broken(lambda d: ue(d, "UE5.5").update(ects=9))
    for f in findings(mmi) + findings(bad):
        assert f.source in sources.ALL_SOURCES
        assert f.severity is not Severity.ERREUR or f.fix


def test_errors_come_first(broken):
    result = findings(broken(lambda d: ue(d, "UE5.5").update(ects=9)))
    order = [f.severity for f in result]
    assert order == sorted(order, key=[Severity.ERREUR, Severity.AVERTISSEMENT, Severity.INFO].index)


# ---------------------------------------------------------------------------------------------- ECTS

def test_a_semester_of_29_ects_is_an_error_citing_30_ects_per_semester(broken):
    bad = broken(lambda d: ue(d, "UE5.5").update(ects=9))
    [f] = errors(bad, "ects.semestre")
    assert f.place == "Créa › S5"
    assert "29 ECTS" in f.message and "au lieu de 30" in f.message
    assert f.source is sources.ECTS_SEMESTRE


def test_a_semester_not_offered_is_not_counted(broken):
    # S5 of DWeb-DI has no UE in the file; it is not offered, so no ECTS error; offering it makes one
    bad = broken(lambda d: d["offre"].update({"DWeb-DI": [1, 2, 3, 4, 5]}))
    assert [f.place for f in errors(bad, "ects.semestre")] == ["DWeb-DI › S5"]


# ---------------------------------------------------------------------------------------------- UE levels

def test_a_ue_on_the_wrong_level_for_its_year_is_an_error(broken):
    bad = broken(lambda d: ue(d, "UE5.3").update(niveau=2))
    messages = [f.message for f in errors(bad, "ue.niveau")]
    assert messages == [("l'UE UE5.3 est au niveau 2 de Exprimer, mais le parcours Créa requiert le niveau 3 en "
                        "BUT3 (semestre 5).")]


def test_a_ue_of_a_competence_the_parcours_does_not_study_that_year_is_an_error(broken):
    def edit(d):
        ue(d, "UE5.3").update(code="UE5.2", competence="Concevoir")
        for m in semestre(d, 5)["modules"]:
            if "UE5.3" in m["coefficients"]:
                m["coefficients"]["UE5.2"] = m["coefficients"].pop("UE5.3")

    [f] = errors(broken(edit), "ue.niveau")
    assert f.place == "Créa › S5 › UE5.2"
    assert "n'étudie pas Concevoir en BUT3" in f.message
    assert f.source is sources.POINT_3


# ---------------------------------------------------------------------------------------------- RCUE pairs

def test_a_missing_even_ue_leaves_an_rcue_without_its_pair(broken):
    def edit(d):
        s6 = semestre(d, 6)
        s6["ues"] = [u for u in s6["ues"] if u["code"] != "UE6.5"]
        ue(d, "UE6.3")["ects"] = 30
        for m in s6["modules"]:
            m["coefficients"].pop("UE6.5", None)

    [f] = errors(broken(edit), "rcue.paire")
    assert f.place == "Créa › BUT3 › Entreprendre niveau 3"
    assert "exactement une UE au semestre 6 ; trouvé : aucune" in f.message
    assert f.source is sources.COMPENSATION


def test_two_ues_of_the_same_level_in_one_semester_is_an_error(mmi):
    # a duplicate UE code is refused at load; the engine rule is checked on a model built in code
    extra = UE("UE5.5b", 5, "Entreprendre", 3, 0, parcours=("Créa",))
    bad = replace(mmi, ues=(*mmi.ues, extra))
    [f] = errors(bad, "rcue.paire")
    assert "trouvé : UE5.5, UE5.5b" in f.message


def test_a_parcours_whose_even_semester_is_not_delivered_gets_a_warning(mmi):
    [warning] = [f for f in findings(mmi) if f.rule == "rcue.paire"]
    assert warning.severity is Severity.AVERTISSEMENT and warning.place == "Strat-UX › BUT2"
    assert "le semestre 4 n'est pas délivré par ce fichier pour Strat-UX : les 5 RCUE de BUT2" in warning.message


# ---------------------------------------------------------------------------------------------- poles 40–60 %

def test_a_ue_with_70_percent_ressources_is_an_error(broken):
    def edit(d):  # S3 (BUT2: no pair rule): UE3.4 ressources 6 / SAÉ 6 → 14 / 6 = 70 %
        for code in ("R3.12", "R3.13", "R3.14", "R3.09"):
            module(d, 3, code)["coefficients"]["UE3.4"] = 3
    bad = broken(edit)
    failing = errors(bad, "ue.poids_poles")
    assert {f.place for f in failing} == {"Créa › S3 › UE3.4", "Strat-UX › S3 › UE3.4", "DWeb-DI › S3 › UE3.4"}
    assert "70 % de ressources" in failing[0].message and "40–60 %" in failing[0].message
    assert failing[0].source is sources.POIDS_POLES


def test_in_but3_a_ue_outside_40_60_is_accepted_when_its_competence_pair_is_inside(broken):
    # UE6.3: R6-02 coefficient 2 → 4: 4 / 2 = 66,7 % alone; with UE5.3 (10 / 10): 14 / 26 = 53,8 %
    bad = broken(lambda d: module(d, 6, "R6-02")["coefficients"].update({"UE6.3": 4}))
    assert errors(bad, "ue.poids_poles") == []
    [info] = [f for f in findings(bad) if f.rule == "ue.poids_poles"]
    assert info.severity is Severity.INFO
    assert "apprécié sur les deux UE de Exprimer" in info.message and "53,8 %" in info.message


def test_in_but3_a_pair_outside_40_60_is_an_error(broken):
    def edit(d):
        module(d, 6, "R6-02")["coefficients"]["UE6.3"] = 20
        module(d, 5, "R5-06")["coefficients"]["UE5.3"] = 20

    failing = errors(broken(edit), "ue.poids_poles")
    assert {f.place for f in failing} == {"Créa › S5 › UE5.3", "Créa › S6 › UE6.3"}
    assert "paire d'UE" in failing[0].fix


# ---------------------------------------------------------------------------------------------- coefficients

def test_a_coefficient_on_another_semesters_ue_is_an_error(mmi):
    # the loader refuses it in a file (test_loader); the engine rule also guards models built in code
    r601 = mmi.module("R6-01", 6)
    bad_module = replace(r601, coefficients=frozen_map({"UE6.5": 1, "UE5.5": 2}))
    bad = replace(mmi, modules=tuple(bad_module if m is r601 else m for m in mmi.modules))
    [f] = errors(bad, "module.coefficients")
    assert f.place == "S6 › R6-01"
    assert "coefficient 2 sur l'UE UE5.5 du semestre 5" in f.message


def test_a_coefficient_on_a_ue_of_another_parcours_is_an_error(mmi):
    s4 = mmi.module("R4.Crea.02", 4)
    only_dweb = UE("UE4.9", 4, "Entreprendre", 2, 0, parcours=("DWeb-DI",))
    bad_module = replace(s4, coefficients=frozen_map({**s4.coefficients, "UE4.9": 1}))
    bad = replace(mmi, ues=(*mmi.ues, only_dweb), modules=tuple(bad_module if m is s4 else m for m in mmi.modules))
    assert any("parcours Créa" in f.message and "UE4.9" in f.message for f in errors(bad, "module.coefficients"))


def test_a_ue_without_any_non_zero_coefficient_is_an_error(broken):
    def edit(d):
        for m in semestre(d, 5)["modules"]:
            if "UE5.5" in m["coefficients"]:
                m["coefficients"]["UE5.5"] = 0

    [f] = errors(broken(edit), "ue.sans_module")
    assert f.place == "Créa › S5 › UE5.5"
    assert "aucun module du parcours Créa n'a de coefficient non nul" in f.message


# ---------------------------------------------------------------------------------------------- hours, hypotheses

def test_hours_totals_are_reported_per_semester_and_parcours(mmi):
    totals = {f.place: f.message for f in findings(mmi) if f.rule == "heures.totaux"}
    assert totals["Créa › S5"] == ("S5 Créa : 349 h hors projet (CM 9, TD 224, TP 116) + 25 h de projet ; "
                                   "coefficients 28.")
    assert totals["Créa › S6"] == "S6 Créa : 71 h hors projet (CM 3, TD 60, TP 8) + 10 h de projet ; coefficients 8."


def test_a_module_with_coefficients_but_no_hours_is_a_warning_except_the_stage(mmi, broken):
    assert [f for f in findings(mmi) if f.rule == "heures.module_sans_heures"] == []  # S6 stage has coefs, 0 h
    bad = broken(lambda d: module(d, 5, "R5-01").update(heures={"cm": 0, "td": 0, "tp": 0, "projet": 0}))
    [f] = [f for f in findings(bad) if f.rule == "heures.module_sans_heures"]
    assert f.severity is Severity.AVERTISSEMENT and f.place == "S5 › R5-01"


def test_the_files_assumptions_are_listed_as_information(mmi):
    infos = [f for f in findings(mmi) if f.rule == "hypotheses"]
    assert len(infos) == len(mmi.assumptions) > 0
    assert all(f.severity is Severity.INFO and f.source is sources.DELIBE_HYPOTHESES for f in infos)


def test_rules_follow_the_parameters_not_constants(mmi):
    strict = DEFAULT_REGLES.with_values(ects_semestre=31)
    assert any(f.rule == "ects.semestre" for f in check_formation(mmi, strict))


# ---------------------------------------------------------------------------------------------- registry

def test_every_registered_rule_cites_a_known_source_and_is_caught_by_some_broken_copy(mmi, broken):
    from delibe.engine.check import CHECK_RULES

    def unbalanced(d):
        for code in ("R3.12", "R3.13", "R3.14", "R3.09"):
            module(d, 3, code)["coefficients"]["UE3.4"] = 3

    def no_coef(d):
        for m in semestre(d, 5)["modules"]:
            if "UE5.5" in m["coefficients"]:
                m["coefficients"]["UE5.5"] = 0

    r601 = mmi.module("R6-01", 6)
    off_semester = replace(mmi, modules=tuple(
        replace(r601, coefficients=frozen_map({"UE5.5": 1})) if m is r601 else m for m in mmi.modules))
    copies = [mmi, off_semester, broken(lambda d: ue(d, "UE5.5").update(ects=9)),
              broken(lambda d: ue(d, "UE5.3").update(niveau=2)), broken(unbalanced), broken(no_coef),
              broken(lambda d: module(d, 5, "R5-01").update(heures={}))]
    seen = {f.rule: f for copy in copies for f in findings(copy)}
    assert set(seen) == set(CHECK_RULES)
    for rule_id, finding in seen.items():
        assert finding.source == CHECK_RULES[rule_id].source, rule_id
        assert CHECK_RULES[rule_id].source in sources.ALL_SOURCES, rule_id


def test_a_finding_reads_as_a_trace_reason(broken):
    [f] = errors(broken(lambda d: ue(d, "UE5.5").update(ects=9)), "ects.semestre")
    reason = f.as_reason()
    assert reason.rule == "ects.semestre" and reason.source is sources.ECTS_SEMESTRE
    assert str(reason).startswith("Créa › S5 : le semestre 5 du parcours Créa totalise 29 ECTS")
    assert reason.data["severity"] == "erreur"
