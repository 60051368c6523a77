"""Each document as a PDF: its text equals the reviewed golden text, and its first page is not blank.

To regenerate the goldens after an intended change: DELIBE_UPDATE_GOLDEN=1 .venv/bin/pytest tests/reports
(then read the diff of tests/golden/documents/ before committing)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.reports.conftest import DOCUMENTS, GOLDEN, pdf_text, require


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_pdf_text_matches_the_reviewed_golden_file(name: str, pdfs: dict[str, Path]) -> None:
    text = pdf_text(pdfs[name])
    golden = GOLDEN / f"{name}.txt"
    if os.environ.get("DELIBE_UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert golden.is_file(), f"{golden} manque: DELIBE_UPDATE_GOLDEN=1 pytest tests/reports le crée"
    assert text == golden.read_text(encoding="utf-8"), (
        f"le texte de {name}.pdf diffère de {golden}; si c'est voulu: DELIBE_UPDATE_GOLDEN=1 pytest tests/reports"
    )


def _dark_fraction(pdf: Path, tmp_path: Path) -> float:
    """Fraction of clearly non-white pixels of page 1, rendered in grey levels at 30 dpi (PGM)."""
    prefix = tmp_path / pdf.stem
    subprocess.run([require("pdftoppm"), "-r", "30", "-f", "1", "-l", "1", "-gray", str(pdf), str(prefix)],
                   check=True)
    [image] = list(tmp_path.glob(f"{pdf.stem}*.pgm"))
    data = image.read_bytes()
    # PGM header: "P5\n<width> <height>\n<max>\n" then one byte per pixel
    magic, width, height, maxval, pixels = data.split(maxsplit=4)
    assert magic == b"P5" and int(maxval) == 255
    pixels = pixels[: int(width) * int(height)]
    return sum(1 for p in pixels if p < 200) / len(pixels)


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_first_page_renders_ink_on_the_page(name: str, pdfs: dict[str, Path], tmp_path: Path) -> None:
    fraction = _dark_fraction(pdfs[name], tmp_path)
    assert fraction > 0.02, f"page 1 de {name} presque blanche ({fraction:.1%} de pixels sombres)"


def test_a_blank_page_is_detected_as_blank(tmp_path: Path) -> None:
    from delibe.reports.render import html_to_pdf

    blank = tmp_path / "blank.pdf"
    blank.write_bytes(html_to_pdf("<html><body><p> </p></body></html>"))
    assert _dark_fraction(blank, tmp_path) < 0.001


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
