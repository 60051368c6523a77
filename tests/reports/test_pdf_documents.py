"""Each document as a PDF: its text equals the reviewed golden text, and its first page is not blank.

To regenerate the goldens after an intended change: .venv/bin/pytest tests/reports --update-goldens
(then read the diff of tests/golden/documents/ before committing)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import GoldenCheck
from tests.reports.conftest import DOCUMENTS, GOLDEN, pdf_text, require


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_pdf_text_matches_the_reviewed_golden_file(name: str, pdfs: dict[str, Path], golden: GoldenCheck) -> None:
    golden(GOLDEN / f"{name}.txt", pdf_text(pdfs[name]))


# Page 1 of every document has at least this fraction of dark pixels (measured: 5 % for the attestation,
# 8–14 % for the others); a blank page has none and a page with only a title and a line about 0.2 %.
MIN_INK = 0.02


def _dark_fraction(pdf: Path, tmp_path: Path) -> float:
    """Fraction of clearly non-white pixels of page 1, rendered in grey levels at 30 dpi (PGM)."""
    prefix = tmp_path / pdf.stem
    subprocess.run([require("pdftoppm"), "-r", "30", "-f", "1", "-l", "1", "-gray", str(pdf), str(prefix)],
                   check=True)
    [image] = list(tmp_path.glob(f"{pdf.stem}*.pgm"))
    data = image.read_bytes()
    # PGM header: "P5" <width> <height> <max> then exactly one whitespace byte, then one byte per pixel
    header = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
    assert header is not None and int(header[3]) == 255, data[:20]
    width, height = int(header[1]), int(header[2])
    pixels = data[header.end():]
    assert len(pixels) == width * height
    return sum(1 for p in pixels if p < 200) / len(pixels)


def assert_page_one_has_ink(pdf: Path, tmp_path: Path) -> None:
    fraction = _dark_fraction(pdf, tmp_path)
    assert fraction > MIN_INK, f"page 1 de {pdf.name} presque blanche ({fraction:.1%} de pixels sombres)"


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_first_page_renders_ink_on_the_page(name: str, pdfs: dict[str, Path], tmp_path: Path) -> None:
    assert_page_one_has_ink(pdfs[name], tmp_path)


@pytest.mark.parametrize("body", ["<p> </p>", "<h1>Relevé de notes</h1><p>Étudiant : —</p>"])
def test_the_ink_check_fails_on_a_blank_or_nearly_empty_page(body: str, tmp_path: Path) -> None:
    from delibe.reports.render import html_to_pdf

    page = tmp_path / "vide.pdf"
    page.write_bytes(html_to_pdf(f"<html><body>{body}</body></html>"))
    with pytest.raises(AssertionError, match="presque blanche"):
        assert_page_one_has_ink(page, tmp_path)


def _page_size(pdf: Path) -> tuple[float, float]:
    info = subprocess.run([require("pdfinfo"), str(pdf)], capture_output=True, text=True, check=True)
    line = next(line for line in info.stdout.splitlines() if line.startswith("Page size"))
    width, _, height = line.split(":", 1)[1].split()[:3]
    return float(width), float(height)


def test_pv_is_printed_on_landscape_a4(pdfs: dict[str, Path]) -> None:
    width, height = _page_size(pdfs["pv-annee"])
    assert (round(width), round(height)) == (842, 595)


def test_bulletin_is_printed_on_portrait_a4(pdfs: dict[str, Path]) -> None:
    width, height = _page_size(pdfs["bulletin-s1"])
    assert (round(width), round(height)) == (595, 842)


def test_every_code_a_document_shows_is_explained_in_it(pdfs: dict[str, Path]) -> None:
    text = pdf_text(pdfs["pv-annee"])
    glossary = text[text.index("Les codes de décision expliqués"):]
    for code in ("ADM", "CMP", "AJ", "PASD", "RED", "DEM"):
        assert f"\n{code} " in glossary or f" {code} " in glossary, code
