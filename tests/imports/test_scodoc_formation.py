"""ScoDoc formation exports (XML and JSON; DUT and BUT layouts) read into typed rows with located errors."""

import json
import xml.etree.ElementTree as ET  # only to re-shape our own trusted sample

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from delibe.engine.model import Heures, ModuleKind
from delibe.imports.results import ParseResult
from delibe.imports.scodoc_formation import parse_scodoc_formation

from .conftest import FIXTURES

DUT = (FIXTURES / "scodoc-formation-export-DUT-classic.xml").read_bytes()


def but_export(**changes) -> dict:
    """A small BUT export with the fields ScoDoc writes (type_parcours 700, coefficients by ue_reference)."""
    export = {
        "acronyme": "BUT MMI", "titre": "BUT Métiers du Multimédia et de l'Internet", "titre_officiel": "BUT MMI",
        "type_parcours": 700, "version": 2, "formation_code": "FCOD9",
        "ue": [
            {"acronyme": "UE1.1", "titre": "Comprendre", "numero": 1, "semestre_idx": 1, "ects": 6.0,
             "coef_rcue": 1.0, "niveau_competence_id": "12", "reference": 101, "type": 0,
             "matiere": [{"titre": "Ressources", "numero": 1, "module": [
                 {"code": "R1.01", "titre": "Anglais", "module_type": 2, "semestre_id": 1, "heures_cours": 0,
                  "heures_td": 20, "heures_tp": 8, "coefficients": [{"ue_reference": 101, "coef": 3},
                                                                   {"ue_reference": 102, "coef": 2.5}]},
                 {"code": "SAÉ1.01", "titre": "Audit", "module_type": 3, "semestre_id": 1,
                  "coefficients": [{"ue_reference": 101, "coef": 12}]},
             ]}]},
            {"acronyme": "UE1.2", "titre": "Concevoir", "numero": 2, "semestre_idx": 1, "ects": 6,
             "reference": 102, "type": 0, "matiere": []},
        ],
    }  # fmt: skip
    export.update(changes)
    return export


def parse_json(value) -> ParseResult:
    return parse_scodoc_formation(json.dumps(value, ensure_ascii=False).encode(), "export.json")


def test_the_dut_sample_has_10_ues_and_61_modules_over_4_semesters():
    export = parse_scodoc_formation(DUT, "dut.xml").unwrap()
    assert (export.acronyme, export.type_parcours, export.version, export.is_but) == ("DUT Info", 100, 1, False)
    assert len(export.ues) == 10 and len(export.modules) == 61
    per_semester = {s: sum(1 for m in export.modules if m.semestre == s) for s in range(1, 5)}
    assert per_semester == {1: 14, 2: 15, 3: 18, 4: 14}


def test_a_dut_module_keeps_its_hours_and_its_coefficient_in_its_own_ue():
    export = parse_scodoc_formation(DUT, "dut.xml").unwrap()
    m1101 = next(m for m in export.modules if m.code == "M1101")
    assert m1101.heures == Heures(cm=10, td=20, tp=30)
    assert dict(m1101.coefficients) == {"UE11": 2.0}
    assert m1101.ue == "UE11" and m1101.semestre == 1 and m1101.kind is None
    assert m1101.place == "dut.xml, /formation/ue[1]/matiere[1]/module (ligne 5)"
    malus = [m for m in export.modules if m.module_type == 1]
    assert len(malus) == 8 and all(m.kind is None and m.code.startswith("MALUS") for m in malus)


def _xml_to_json(element: ET.Element) -> dict:
    data: dict = dict(element.attrib)
    for child in element:
        data.setdefault(child.tag, []).append(_xml_to_json(child))
    return data


def test_the_json_export_of_the_same_formation_gives_the_same_rows():
    from_xml = parse_scodoc_formation(DUT, "dut").unwrap()
    from_json = parse_json(_xml_to_json(ET.fromstring(DUT))).unwrap()
    strip = lambda rows: [{**vars(r), "place": ""} for r in rows]  # places differ by nature
    assert strip(from_xml.ues) == strip(from_json.ues)
    assert strip(from_xml.modules) == strip(from_json.modules)


def test_a_but_export_maps_module_types_and_coefficients_by_ue_reference():
    result = parse_json(but_export())
    assert result.errors == ()
    export = result.unwrap()
    assert export.is_but
    ue = export.ues[0]
    assert (ue.semestre, ue.ects, ue.coef_rcue, ue.niveau_competence_id, ue.reference) == (1, 6.0, 1.0, "12", "101")
    anglais, audit = export.modules
    assert anglais.kind is ModuleKind.RESSOURCE and audit.kind is ModuleKind.SAE
    assert dict(anglais.coefficients) == {"UE1.1": 3.0, "UE1.2": 2.5}
    assert anglais.heures == Heures(cm=0, td=20, tp=8)


def test_a_coefficient_towards_an_unknown_ue_reference_is_an_error_at_its_path():
    export = but_export()
    export["ue"][0]["matiere"][0]["module"][0]["coefficients"][1]["ue_reference"] = 999
    (error,) = parse_json(export).errors
    assert error.place == "export.json, $.ue[0].matiere[0].module[0].coefficients[1].ue_reference"
    assert "« 999 », absente de l'export" in error.message


def test_hours_that_are_not_numbers_are_errors_naming_the_attribute_and_line():
    broken = DUT.replace(b'heures_tp="30.0" numero="1"', b'heures_tp="trente" numero="1"', 1)
    (error,) = parse_scodoc_formation(broken, "dut.xml").errors
    assert error.place == "dut.xml, /formation/ue[1]/matiere[1]/module (ligne 5), @heures_tp"
    assert "« trente »" in error.message


def test_a_french_decimal_comma_is_accepted_but_a_negative_coefficient_is_not():
    export = but_export()
    module = export["ue"][0]["matiere"][0]["module"][0]
    module["heures_td"] = "20,5"
    module["coefficients"][0]["coef"] = -1
    result = parse_json(export)
    assert [e.place for e in result.errors] == ["export.json, $.ue[0].matiere[0].module[0].coefficients[0].coef"]
    assert result.value.modules[0].heures.td == 20.5


def test_a_but_ue_without_semester_is_an_error():
    export = but_export()
    del export["ue"][1]["semestre_idx"]
    (error,) = parse_json(export).errors
    assert error.place == "export.json, $.ue[1].semestre_idx"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"<referentiel_competence/>", "un export ScoDoc de formation commence par <formation>"),
        (b'{"competences": {}}', "n'est pas un export ScoDoc de formation"),
        (b'<?xml version="1.0"?><!DOCTYPE f [<!ENTITY x SYSTEM "file:///etc/passwd">]><formation>&x;</formation>',
         "refusée par sécurité"),
        (b"<formation><ue></formation>", "XML mal formé"),
    ],
    ids=["other-root", "other-json", "external-entity", "malformed"],
)
def test_files_that_are_not_formation_exports_are_refused_with_a_reason(data, expected):
    result = parse_scodoc_formation(data, "f")
    assert result.value is None
    assert expected in result.errors[0].message


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=2000),
                 st.tuples(st.integers(0, len(DUT)), st.integers(0, 300), st.binary(max_size=5)).map(
                     lambda t: DUT[: t[0]] + t[2] + DUT[t[0] + t[1]:])))
def test_random_or_mutated_input_never_crashes(data):
    result = parse_scodoc_formation(data, "f")
    assert isinstance(result, ParseResult)
    assert result.value is not None or result.errors
