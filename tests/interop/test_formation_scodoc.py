"""ScoDoc's BUT formation export (JSON and XML) converted into a Délibé formation file that loads."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from delibe.cli import cli
from delibe.formations import load_formation_text

# the import tests' samples (their sources: tests/imports/fixtures/README.md)
IMPORT_FIXTURES = Path(__file__).resolve().parents[1] / "imports" / "fixtures"
REFERENTIEL = IMPORT_FIXTURES / "scodoc-refcomp-MMI-export-2022.json"


def export() -> dict:
    module = lambda code, kind, refs: {"code": code, "titre": f"Module {code}", "module_type": kind,
                                       "semestre_id": 1, "heures_cours": 2, "heures_td": 10, "heures_tp": 6.5,
                                       "coefficients": [{"ue_reference": r, "coef": c} for r, c in refs]}
    ues = [{"acronyme": f"UE1{n}", "titre": f"Compétence {n}", "numero": n, "semestre_idx": 1, "ects": 6,
            "reference": 100 + n, "type": 0, "matiere": []} for n in range(1, 6)]
    ues[0]["matiere"] = [{"titre": "Tout", "module": [module("R1.01", 2, [(101, 3), (102, 2.5)]),
                                                      module("SAÉ1.01", 3, [(101, 12)])]}]
    ues.append({"acronyme": "Sport", "titre": "Bonus", "semestre_idx": 1, "type": 1, "matiere": []})
    return {"acronyme": "BUT MMI", "titre": "BUT MMI", "titre_officiel": "BUT Métiers du multimédia", "type_parcours": 700,
            "version": 3, "ue": ues}


def as_xml(value: dict) -> bytes:
    def attrs(d):
        return " ".join(f'{k}="{v}"' for k, v in d.items() if not isinstance(v, (list, dict)))
    out = [f"<formation {attrs(value)}>"]
    for ue in value["ue"]:
        out.append(f"<ue {attrs(ue)}>")
        for mat in ue["matiere"]:
            out.append(f"<matiere {attrs(mat)}>")
            for m in mat["module"]:
                out.append(f"<module {attrs(m)}>" + "".join(f"<coefficients {attrs(c)}/>" for c in m["coefficients"]) + "</module>")
            out.append("</matiere>")
        out.append("</ue>")
    out.append("</formation>")
    return "\n".join(out).encode()


def run(tmp_path, data: bytes, name: str):
    source = tmp_path / name
    source.write_bytes(data)
    out = tmp_path / "but-mmi-import.yaml"
    result = CliRunner().invoke(cli, ["formation", "import-scodoc", str(source), "-o", str(out),
                                      "--referentiel", str(REFERENTIEL)])
    return result, out


def test_json_export_becomes_a_formation_file_that_loads(tmp_path):
    result, out = run(tmp_path, json.dumps(export()).encode(), "export.json")
    assert result.exit_code == 0, result.output
    formation = load_formation_text(out.read_text(encoding="utf-8"), "but-mmi-import.yaml", "but-mmi-import")
    assert formation.version == 3 and [u.code for u in formation.ues] == [f"UE1.{n}" for n in range(1, 6)]
    assert formation.ue("UE1.2").competence == "Concevoir" and formation.ue("UE1.2").niveau == 1
    r101 = formation.module("R1.01", 1)
    assert dict(r101.coefficients) == {"UE1.1": 3, "UE1.2": 2.5} and r101.heures.tp == 6.5
    assert "Sport" in result.output and "bonus" in result.output  # the bonus UE is named, not converted


def test_xml_variant_gives_the_same_file(tmp_path):
    _first, out = run(tmp_path, json.dumps(export()).encode(), "export.json")
    text_json = out.read_text(encoding="utf-8").split("\n", 1)[1]
    result, out = run(tmp_path, as_xml(export()), "export.xml")
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").split("\n", 1)[1].replace("export.xml", "export.json") == text_json


def test_a_pre_but_export_is_refused_and_nothing_is_written(tmp_path):
    result, out = run(tmp_path, (IMPORT_FIXTURES / "scodoc-formation-export-DUT-classic.xml").read_bytes(), "dut.xml")
    assert result.exit_code == 2 and "pré-BUT" in result.output and not out.exists()


def test_the_command_is_listed_in_formation_help():
    assert "import-scodoc" in CliRunner().invoke(cli, ["formation", "--help"]).output
