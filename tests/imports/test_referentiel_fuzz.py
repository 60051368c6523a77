"""Whatever bytes arrive, the référentiel parsers answer with a ParseResult (value or located errors),
never an exception; and whatever they accept converts, renders and reloads."""

import datetime as dt
import json
import os
import xml.etree.ElementTree as ET  # only to mutate our own trusted sample

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from delibe.imports.orebut import parse_orebut_referentiel
from delibe.imports.referentiel import parse_referentiel
from delibe.imports.referentiel_yaml import render_referentiel_yaml
from delibe.imports.results import ParseResult
from delibe.imports.scodoc import parse_scodoc_referentiel

from .conftest import OREBUT_MMI, SCODOC_MMI

XML = OREBUT_MMI.read_bytes()
JSON = SCODOC_MMI.read_bytes()
# A few dozen cases per run keep the suite fast on a shared 2-core machine; DELIBE_FUZZ_EXAMPLES=5000 for a
# long hunt.
FUZZ = settings(max_examples=int(os.environ.get("DELIBE_FUZZ_EXAMPLES", "40")), deadline=None,
                suppress_health_check=[HealthCheck.too_slow])


def check(result: ParseResult) -> None:
    assert isinstance(result, ParseResult)
    assert all(isinstance(e.place, str) and e.message for e in result.errors)
    if result.ok:
        ref = result.unwrap().to_referentiel()
        text = render_referentiel_yaml(ref, source_file="f", source_format="orebut", imported_on=dt.date(2026, 1, 1))
        assert yaml.safe_load(text)["referentiel"]["specialite"] == ref.specialite
    else:
        assert result.errors, "a result without value must say why"


@FUZZ
@given(st.binary(max_size=3000))
def test_random_bytes_never_crash_any_parser(data):
    check(parse_orebut_referentiel(data, "f.xml"))
    check(parse_scodoc_referentiel(data, "f.json"))
    check(parse_referentiel(data, "f"))


@st.composite
def byte_mutations(draw, sample: bytes) -> bytes:
    data = bytearray(sample)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "delete", "insert", "truncate"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        elif kind == "delete":
            del data[at : at + draw(st.integers(1, 200))]
        elif kind == "insert":
            data[at:at] = draw(st.sampled_from([b"<", b">", b"&", b'"', b"{", b"}", b"]", b",", b"\x00", b"\xff",
                                                b"<!DOCTYPE x>", b"&amp;", b"null", b"-1", b"1e999"]))
        else:
            del data[at:]
    return bytes(data)


@FUZZ
@given(st.one_of(byte_mutations(XML), byte_mutations(JSON)))
def test_mutated_samples_never_crash(data):
    check(parse_referentiel(data, "mutated"))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 10**20) | st.floats(allow_nan=True) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)


def json_paths(value, path=()):
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from json_paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from json_paths(item, (*path, index))


ALL_JSON_PATHS = list(json_paths(json.loads(JSON)))


@FUZZ
@given(st.lists(st.tuples(st.sampled_from(ALL_JSON_PATHS), st.booleans(), json_values), min_size=1, max_size=3))
def test_scodoc_json_with_wrong_types_or_missing_fields_never_crashes(edits):
    data = json.loads(JSON)
    for path, delete, value in edits:
        if not path:
            data = value
            continue
        parent = data
        try:
            for step in path[:-1]:
                parent = parent[step]
            if delete and isinstance(parent, dict):
                parent.pop(path[-1], None)
            else:
                parent[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue  # an earlier edit changed the shape: skip this one
    check(parse_scodoc_referentiel(json.dumps(data).encode(), "edited.json"))


ELEMENT_COUNT = sum(1 for _ in ET.fromstring(XML).iter())


@FUZZ
@given(st.lists(st.tuples(st.integers(0, ELEMENT_COUNT - 1), st.sampled_from(["drop-attr", "set-attr", "remove"]),
                          st.text(max_size=10)), min_size=1, max_size=4))
def test_orebut_xml_with_missing_or_odd_attributes_and_elements_never_crashes(edits):
    root = ET.fromstring(XML)
    for index, action, text in edits:
        elements = list(root.iter())
        target = elements[index % len(elements)]
        if action == "drop-attr" and target.attrib:
            del target.attrib[sorted(target.attrib)[len(text) % len(target.attrib)]]
        elif action == "set-attr" and target.attrib:
            target.set(sorted(target.attrib)[len(text) % len(target.attrib)], text)
        elif action == "remove":
            parent = next((p for p in root.iter() if target in list(p)), None)
            if parent is not None:
                parent.remove(target)
    check(parse_orebut_referentiel(ET.tostring(root, encoding="utf-8"), "edited.xml"))


@pytest.mark.parametrize("odd", ["\x80", "\x85", "\x9f", "\ufffe", "\u2028", "\x00"])
def test_a_name_with_a_character_yaml_refuses_still_renders_a_block_that_reloads(odd):
    """Found by the fuzz test above: a C1 control in the spécialité went raw into the header comment."""
    import dataclasses

    ref = parse_orebut_referentiel(XML, "f.xml").unwrap().to_referentiel()
    ref = dataclasses.replace(ref, specialite=f"MMI{odd}x", version=f"1{odd}")
    text = render_referentiel_yaml(ref, source_file=f"f{odd}.xml", source_format="orebut",
                                   imported_on=dt.date(2026, 1, 1))
    assert yaml.safe_load(text)["referentiel"]["specialite"] == ref.specialite
