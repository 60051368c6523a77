"""The Typst PDFs (reports/typeset.py): archival PDF/A-2b with metadata in French, tagged, fonts embedded;
the same numbers as the HTML the web shows; WeasyPrint still there when the setting asks for it.

A structural check of the PDF/A markers (veraPDF, a Java program, is not installed here): the XMP
declares PDF/A-2 level B, an output intent, every font embedded, no encryption, document language."""

from __future__ import annotations

import html
import re
import subprocess
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from delibe.config.variables import VariableError
from delibe.reports import bulletin, diplome, examples, lettre, pv, typeset
from tests.reports.conftest import DOCUMENTS, require

ARCHIVAL = ["pv-annee", "lettre-pasd", "releve-but", "attestation-dut"]


def _info(pdf: Path) -> dict[str, str]:
    out = subprocess.run([require("pdfinfo"), str(pdf)], capture_output=True, text=True, check=True).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_every_document_is_printed_by_typst_as_pdf_a_2b(name: str, pdfs: dict[str, Path]) -> None:
    raw = pdfs[name].read_bytes()
    assert b"<pdfaid:part>2</pdfaid:part>" in raw and b"<pdfaid:conformance>B</pdfaid:conformance>" in raw
    assert b"/OutputIntents" in raw  # the colour profile PDF/A requires
    assert b"/Encrypt" not in raw
    assert _info(pdfs[name])["Creator"].startswith("Typst")


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_every_font_of_every_document_is_embedded(name: str, pdfs: dict[str, Path]) -> None:
    out = subprocess.run([require("pdffonts"), str(pdfs[name])], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    assert rows, "aucune police"
    for row in rows:
        emb = row[-28:].split()[0]  # columns emb sub uni object ID, right-aligned
        assert emb == "yes", row
    assert all("DejaVuSans" in row for row in rows)  # the repository's fonts, never a system substitute


@pytest.mark.parametrize("name", ARCHIVAL)
def test_archival_documents_carry_title_author_subject_date_and_french(name: str, pdfs: dict[str, Path]) -> None:
    info = _info(pdfs[name])
    raw = pdfs[name].read_bytes()
    assert info["Title"] and info["Subject"]
    assert info["Author"].startswith(examples.CONFIG.etablissement) and examples.CONFIG.departement in info["Author"]
    assert re.search(r"20[0-9]{2}", info["CreationDate"])  # the document's own date
    assert b"/Lang(fr-FR)" in raw and b"<rdf:li>fr-FR</rdf:li>" in raw


def test_the_same_data_print_the_same_bytes() -> None:
    """The document's own date is its timestamp, not the clock: a PDF can be compared and archived."""
    assert lettre.to_pdf(examples.lettre()) == lettre.to_pdf(examples.lettre())


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_documents_are_tagged_for_screen_readers(name: str, pdfs: dict[str, Path]) -> None:
    raw = pdfs[name].read_bytes()
    assert b"/StructTreeRoot" in raw and b"/Marked true" in raw


def test_the_charts_of_the_bulletin_have_their_alternative_text(pdfs: dict[str, Path]) -> None:
    raw = pdfs["bulletin-s1"].read_bytes()
    assert b"/Alt" in raw


NUMBER = re.compile(r"\d+,\d+")


def _numbers(text: str) -> Counter[str]:
    return Counter(NUMBER.findall(text))


def _html_text(page: str) -> str:
    page = re.sub(r"<style.*?</style>", " ", page, flags=re.DOTALL)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


@pytest.mark.parametrize(("html_of", "name"), [
    (lambda: bulletin.to_html(examples.bulletin()), "bulletin-s1"),
    (lambda: bulletin.to_html(examples.bulletin_s2()), "bulletin-s2"),
    (lambda: pv.to_html(examples.pv()), "pv-annee"),
    (lambda: lettre.to_html(examples.lettre()), "lettre-pasd"),
    (lambda: diplome.releve_html(examples.releve_diplome("BUT")), "releve-but"),
])
def test_the_pdf_shows_the_same_numbers_as_the_html_of_the_web(html_of: Callable[[], str], name: str,
                                                              pdfs: dict[str, Path]) -> None:
    """One context feeds both (bulletin.context → the HTML template and typeset.bulletin_view)."""
    from tests.reports.conftest import pdf_text

    assert _numbers(pdf_text(pdfs[name])) == _numbers(_html_text(html_of()))


def test_weasyprint_prints_the_documents_when_the_setting_asks(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DELIBE_PDF_MOTEUR", "weasyprint")
    path = tmp_path / "a.pdf"
    path.write_bytes(diplome.attestation_pdf(examples.attestation("DUT")))
    assert _info(path)["Producer"].startswith("WeasyPrint")


def test_an_unknown_engine_is_refused_with_a_french_message_naming_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DELIBE_PDF_MOTEUR", "latex")
    with pytest.raises(VariableError, match="DELIBE_PDF_MOTEUR.*typst.*weasyprint"):
        lettre.to_pdf(examples.lettre())


def test_a_logo_behind_a_url_leaves_the_document_to_weasyprint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DELIBE_PDF_MOTEUR", raising=False)
    assert typeset.use_typst(["file:///tmp/logo.png", None, "data:image/png;base64,AAAA"])
    assert not typeset.use_typst(["https://example.org/logo.png"])


def test_a_local_logo_is_printed_by_typst(tmp_path: Path) -> None:
    from dataclasses import replace

    logo = tmp_path / "logo.svg"
    logo.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" '
                    'fill="#1f3a68"/></svg>', encoding="utf-8")
    data = replace(examples.attestation("DUT"), config=replace(examples.CONFIG, logo=str(logo)))
    pdf = diplome.attestation_pdf(data)
    assert b"Typst" in pdf and b"/Alt" in pdf


def test_documents_printed_from_several_threads_at_once_all_come_out() -> None:
    """The web server prints from several threads; they share the process's compiler."""
    from concurrent.futures import ThreadPoolExecutor
    from dataclasses import replace

    data = [replace(examples.attestation("DUT"), etudiant=examples._etudiant(60 + i)) for i in range(6)]
    with ThreadPoolExecutor(max_workers=3) as pool:
        pdfs = list(pool.map(diplome.attestation_pdf, data))
    assert all(p.startswith(b"%PDF") for p in pdfs) and len(set(pdfs)) == 6


def test_the_fiche_pdf_shows_every_number_of_its_html(pdfs: dict[str, Path]) -> None:
    """Both lay out ``fiche.fiche_document`` (hours, coefficients, ECTS: whole numbers mostly)."""
    from delibe.engine.fiche import build_fiche
    from delibe.formations import load_formation
    from delibe.reports.fiche import render_html
    from tests.reports.conftest import FORMATION, pdf_text

    page = render_html(build_fiche(load_formation(FORMATION), "Créa", (5, 6)))
    text = re.sub(r"Page \d+ / \d+", " ", pdf_text(pdfs["fiche-crea-s5-s6"]))
    whole = re.compile(r"(?<![\w,])\d+(?:,\d+)?(?![\w,])")
    assert Counter(whole.findall(text)) == Counter(whole.findall(_html_text(page)))


def _rapport_mensuel() -> object:
    from delibe.reports.assiduite import ApprentiMois, LigneAbsence, RapportMensuel

    lignes = (LigneAbsence("2023-10-03", "matin", "R1.01", "absence", False),
              LigneAbsence("2023-10-17", "8 h – 10 h", "", "retard", True))
    return RapportMensuel("Studio Éclat", 2023, 10, "IUT d'exemple", (
        ApprentiMois("1001", "ÉCUYER", "Zoé", "M. Tuteur", "du 01/09/2023 au 31/08/2025", 3, 2, 1, lignes,
                     ("2023-10-02",), ("2023-10-09",)),
        ApprentiMois("1002", "DURAND", "Léo", "", "du 01/09/2023 au 31/08/2025", 0, 0, 0)))


def test_the_monthly_attendance_report_is_an_archival_pdf_with_the_numbers_and_words_of_its_html(
        tmp_path: Path) -> None:
    from delibe.reports import assiduite
    from tests.reports.conftest import pdf_text

    rapport = _rapport_mensuel()
    pdf = tmp_path / "rapport.pdf"
    pdf.write_bytes(assiduite.rapport_pdf(rapport))  # type: ignore[arg-type]  # built above
    raw = pdf.read_bytes()
    assert b"<pdfaid:part>2</pdfaid:part>" in raw and b"/Lang(fr-FR)" in raw
    assert _info(pdf)["Creator"].startswith("Typst") and _info(pdf)["Author"] == "IUT d'exemple"
    text = pdf_text(pdf)
    page = _html_text(assiduite.rapport_html(rapport))  # type: ignore[arg-type]  # built above
    # every number of the HTML (counts, dates, NIPs) is printed as often in the PDF (which adds its footer)
    assert not Counter(re.findall(r"\d+", page)) - Counter(re.findall(r"\d+", text))
    for words in ("Studio Éclat", "octobre 2023", "ÉCUYER Zoé (NIP 1001)", "03/10/2023", "Aucune absence ni retard"):
        assert words in " ".join(text.split()) and words in " ".join(page.split())


def test_an_evaluation_line_of_the_bulletin_is_one_text_and_its_grade_with_one_space_around_a_missing_date() -> None:
    from types import SimpleNamespace

    e = SimpleNamespace(description="Contrôle écrit", date=None, coefficient=2.0, note=12.5, note_max=20,
                        valeur=None)
    assert typeset._evaluation_line({"evaluation": e, "poids_texte": "poids UE1.1 1"}) == [
        "Contrôle écrit · · coef. 2 · poids UE1.1 1 → ", "12,50"]
    dated = SimpleNamespace(**{**vars(e), "date": "2024-10-14", "description": "TP  noté"})
    assert typeset._evaluation_line({"evaluation": dated, "poids_texte": ""}) == [
        "TP  noté · 14/10/2024 · coef. 2 · → ", "12,50"]
