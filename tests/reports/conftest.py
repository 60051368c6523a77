"""Fixtures of the document tests: each PDF is rendered once per session and shared by the golden-text
and the not-blank tests.

Golden files (tests/golden/documents/*.txt) hold ``pdftotext -layout`` of each PDF. When a change to a
template is intended, regenerate them and review the diff:

    .venv/bin/pytest tests/reports --update-goldens

PDF tests need poppler-utils (``make sysdeps`` installs it).
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from delibe.reports import bulletin, diplome, examples, lettre, pv

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "documents"
# The repository's example scenarios (one student each), also checked by tests/simulate.
SCENARIOS = Path(__file__).resolve().parents[2] / "examples" / "scenarios"
FORMATION = Path(__file__).resolve().parents[2] / "formations" / "but-mmi-dijon.yaml"


def _fiche_pdf() -> bytes:
    from delibe.engine.fiche import build_fiche
    from delibe.formations import load_formation
    from delibe.reports.formation_pdf import fiche_pdf

    return fiche_pdf(build_fiche(load_formation(FORMATION), "Créa", (5, 6)), examples.CONFIG)


DOCUMENTS: dict[str, Callable[[], bytes]] = {
    "bulletin-s1": lambda: bulletin.to_pdf(examples.bulletin()),
    "bulletin-s1-avant-jury": lambda: bulletin.to_pdf(examples.bulletin(jury=False)),
    "bulletin-s2": lambda: bulletin.to_pdf(examples.bulletin_s2()),
    "pv-annee": lambda: pv.to_pdf(examples.pv()),
    "lettre-pasd": lambda: lettre.to_pdf(examples.lettre()),
    "releve-but": lambda: diplome.releve_pdf(examples.releve_diplome("BUT")),
    "attestation-dut": lambda: diplome.attestation_pdf(examples.attestation("DUT")),
    "fiche-crea-s5-s6": _fiche_pdf,
}


def require(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.fail(f"{tool} est introuvable: installez poppler-utils (make sysdeps) pour les tests des PDF")
    return path


@pytest.fixture(scope="session")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every example document rendered once, as files."""
    folder = tmp_path_factory.mktemp("pdf")
    out = {}
    for name, make in DOCUMENTS.items():
        path = folder / f"{name}.pdf"
        path.write_bytes(make())
        out[name] = path
    return out


def pdf_text(path: Path) -> str:
    result = subprocess.run([require("pdftotext"), "-layout", str(path), "-"], capture_output=True, check=True)
    lines = [line.rstrip() for line in result.stdout.decode("utf-8").splitlines()]
    return "\n".join(lines).strip() + "\n"
