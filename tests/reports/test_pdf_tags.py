"""The tags of the Typst PDFs read as a screen reader would walk them (the structure tree of each
document): one title, tables with their header cells scoped to their column, rows under their head or
body, every figure with its alternative text in French, the document's language.

No screen reader and no PAC (a Windows program) run here: this walks the structure the PDF declares,
which is what they read. The structure elements of a Typst PDF are plain (uncompressed) objects."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.reports.conftest import DOCUMENTS

OBJECT = re.compile(rb"(\d+) 0 obj\s*<<(.*?)>>\s*endobj", re.DOTALL)


@dataclass(frozen=True)
class Element:
    number: int
    role: str
    parent: int | None
    alt: str | None
    scope: str | None


def _text(hex_string: bytes) -> str:
    raw = bytes.fromhex(hex_string.decode())
    return raw[2:].decode("utf-16-be") if raw.startswith(b"\xfe\xff") else raw.decode("latin-1")


def structure(pdf: bytes) -> dict[int, Element]:
    """Every structure element of the PDF, by object number."""
    out = {}
    for number, body in OBJECT.findall(pdf):
        if b"/Type/StructElem" not in body.replace(b" ", b""):
            continue
        role = re.search(rb"/S\s*/(\w+)", body)
        parent = re.search(rb"/P\s+(\d+) 0 R", body)
        alt = re.search(rb"/Alt\s*<([0-9A-Fa-f]*)>", body)
        scope = re.search(rb"/Scope\s*/(\w+)", body)
        assert role is not None, body[:200]
        out[int(number)] = Element(int(number), role.group(1).decode(), int(parent.group(1)) if parent else None,
                                   _text(alt.group(1)) if alt else None, scope.group(1).decode() if scope else None)
    return out


@pytest.fixture(scope="module")
def trees(pdfs: dict[str, Path]) -> dict[str, dict[int, Element]]:
    return {name: structure(path.read_bytes()) for name, path in pdfs.items()}


def _roles(tree: dict[int, Element]) -> Counter[str]:
    return Counter(e.role for e in tree.values())


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_every_document_has_one_title_under_one_document_root_in_french(
        name: str, trees: dict[str, dict[int, Element]], pdfs: dict[str, Path]) -> None:
    roles = _roles(trees[name])
    assert roles["Document"] == 1
    assert roles["H1"] == 1, roles
    assert b"/Lang(fr-FR)" in pdfs[name].read_bytes()


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_table_cells_sit_in_rows_and_rows_in_a_head_or_a_body_and_header_cells_name_their_column(
        name: str, trees: dict[str, dict[int, Element]]) -> None:
    tree = trees[name]
    parent_role = {n: tree[e.parent].role if e.parent in tree else None for n, e in tree.items()}
    for n, e in tree.items():
        if e.role in ("TD", "TH"):
            assert parent_role[n] == "TR", (name, e)
        if e.role == "TR":
            assert parent_role[n] in ("THead", "TBody", "Table"), (name, e)
        if e.role in ("THead", "TBody"):
            assert parent_role[n] == "Table", (name, e)
        if e.role == "TH":
            assert e.scope in ("Column", "Row", "Both"), (name, e)
    for table in (e for e in tree.values() if e.role == "Table"):
        parts = {c.role for c in tree.values() if c.parent == table.number}
        assert "THead" in parts, f"{name}: un tableau sans ligne d'en-tête"


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_every_figure_has_an_alternative_text_in_words(name: str, trees: dict[str, dict[int, Element]]) -> None:
    for figure in (e for e in trees[name].values() if e.role == "Figure"):
        assert figure.alt and len(figure.alt) > 10 and not figure.alt.startswith(("<", "data:")), (name, figure)


def test_the_bulletin_declares_its_sections_tables_and_charts(trees: dict[str, dict[int, Element]]) -> None:
    roles = _roles(trees["bulletin-s1"])
    assert roles["H2"] >= 4  # compétences, décisions, composition, one per pôle, codes
    assert roles["Table"] >= 4 and roles["TH"] >= 12
    assert roles["Figure"] >= 2  # the radar and the modules' distributions
    alts = {e.alt for e in trees["bulletin-s1"].values() if e.role == "Figure"}
    assert "Moyennes par compétence" in alts


def test_the_pv_has_a_two_row_header_over_its_students(trees: dict[str, dict[int, Element]]) -> None:
    tree = trees["pv-annee"]
    heads = [e for e in tree.values() if e.role == "THead"]
    assert heads
    header_rows = [e for e in tree.values() if e.role == "TR" and e.parent == heads[0].number]
    assert len(header_rows) == 2
