"""The ``referentiel:`` block written from an import reloads, keeps its order, text and provenance."""

import datetime as dt
import re
from pathlib import Path
from types import MappingProxyType

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from delibe.engine.model import ApprentissageCritique, Competence, Niveau, Parcours, Referentiel
from delibe.imports.orebut import parse_orebut_referentiel
from delibe.imports.referentiel_yaml import referentiel_to_data, render_referentiel_yaml
from delibe.imports.scodoc import parse_scodoc_referentiel

DAY = dt.date(2026, 11, 28)
SHIPPED = Path(__file__).resolve().parents[2] / "formations" / "but-mmi-dijon.yaml"


@pytest.fixture(scope="module")
def mmi(orebut_mmi) -> Referentiel:
    return parse_orebut_referentiel(orebut_mmi, "mmi.xml").unwrap().to_referentiel()


def render(ref: Referentiel, source_file: str = "mmi.xml", source_format: str = "orebut") -> str:
    return render_referentiel_yaml(ref, source_file=source_file, source_format=source_format, imported_on=DAY)


def test_the_block_reloads_with_safe_load_into_the_documented_structure(mmi):
    data = yaml.safe_load(render(mmi))
    assert list(data) == ["referentiel"]
    block = data["referentiel"]
    assert list(block) == ["specialite", "specialite_long", "version", "source", "competences", "parcours"]
    assert block["version"] == "2021-12-11"  # a string, not a YAML date
    comprendre = block["competences"][0]
    assert list(comprendre) == ["nom_court", "numero", "libelle_long", "id_orebut", "couleur",
                                "composantes_essentielles", "situations_professionnelles", "niveaux"]
    assert [n["annee"] for n in comprendre["niveaux"]] == [1, 2]
    assert list(comprendre["niveaux"][0]["apprentissages_critiques"])[:2] == ["AC11.01", "AC11.02"]
    crea = block["parcours"][0]
    assert crea["code"] == "Créa"
    assert crea["annees"][3] == {"Exprimer": 3, "Entreprendre": 3}
    assert block == referentiel_to_data(mmi, block["source"])


def test_the_text_is_readable_unicode_with_flow_maps_for_parcours_years(mmi):
    text = render(mmi)
    assert "\\u" not in text and "Développer" in text
    assert "        3: {Exprimer: 3, Entreprendre: 3}\n" in text
    assert "\n    - nom_court: Comprendre\n" in text  # list items indented under their key


def test_the_header_comment_names_the_source_file_format_and_date(mmi):
    lines = render(mmi, "orebut-refcomp-MMI.xml").splitlines()
    header = [line for line in lines if line.startswith("#")]
    assert any("orebut-refcomp-MMI.xml" in line and "Orébut XML" in line and "2026-11-28" in line for line in header)
    assert yaml.safe_load("\n".join(lines))["referentiel"]["source"] == (
        "Orébut XML : orebut-refcomp-MMI.xml, importé le 2026-11-28"
    )


def test_a_file_name_with_a_line_break_cannot_inject_yaml_through_the_header(mmi):
    data = yaml.safe_load(render(mmi, "evil\nformat: pwned\n#.xml"))
    assert list(data) == ["referentiel"]


def test_both_exports_render_the_same_block_apart_from_the_provenance(orebut_mmi, scodoc_mmi):
    from_xml = render(parse_orebut_referentiel(orebut_mmi, "a").unwrap().to_referentiel(), "a", "orebut")
    from_json = render(parse_scodoc_referentiel(scodoc_mmi, "a").unwrap().to_referentiel(), "a", "orebut")
    assert from_xml == from_json


def _replace_referentiel_block(formation_text: str, block: str) -> str:
    lines = formation_text.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith("referentiel:"))
    end = next(i for i in range(start + 1, len(lines)) if re.match(r"[a-z_]+:", lines[i]))
    return "".join(lines[:start]) + block + "\n" + "".join(lines[end:])


def test_a_formation_file_using_the_imported_block_loads_with_the_formation_loader(mmi):
    from delibe.formations import load_formation_text

    text = _replace_referentiel_block(SHIPPED.read_text(encoding="utf-8"), render(mmi))
    formation = load_formation_text(text, "but-mmi-dijon.yaml", expected_id="but-mmi-dijon")
    assert formation.referentiel == mmi


# --- any spécialité: texts YAML would otherwise misread (booleans, numbers, dates, ': ', '#') ---------------
tricky = st.sampled_from(["yes", "No", "on", "null", "~", "1.5", "0x1F", "2021-12-11", "a: b", "# c", "- d",
                          "'q'", '"dq"', "&anchor", "*ref", "!tag", "%x", "@x", "`x`", "Été", "x\ty", "  pad  "])
text = st.one_of(tricky, st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30))


@st.composite
def referentiels(draw) -> Referentiel:
    names = draw(st.lists(text, min_size=1, max_size=3, unique=True))
    competences = tuple(
        Competence(
            nom_court=name,
            numero=draw(st.integers(1, 9)),
            libelle_long=draw(text),
            composantes_essentielles=tuple(draw(st.lists(text, max_size=2))),
            niveaux=(Niveau(1, draw(st.integers(1, 3)), draw(text),
                            (ApprentissageCritique(draw(text), draw(text)),)),),
            id_orebut=draw(st.one_of(st.none(), text)),
        )
        for name in names
    )
    parcours = (Parcours(draw(text), draw(text), MappingProxyType({1: MappingProxyType(dict.fromkeys(names, 1))})),)
    return Referentiel(draw(text), draw(text), competences, parcours, version=draw(st.one_of(st.none(), text)))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(referentiels())
def test_any_text_survives_the_yaml_round_trip(ref):
    reloaded = yaml.safe_load(render(ref))["referentiel"]
    assert reloaded == referentiel_to_data(ref, reloaded["source"])
