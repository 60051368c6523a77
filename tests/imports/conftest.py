"""Fixtures for the import adapters: public samples (sources in fixtures/README.md) and small
hand-made variants."""

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
OREBUT_MMI = FIXTURES / "orebut-refcomp-MMI-2021-12-11-RECONSTRUCTED.xml"
SCODOC_MMI = FIXTURES / "scodoc-refcomp-MMI-export-2022.json"


@pytest.fixture(scope="session")
def orebut_mmi() -> bytes:
    return OREBUT_MMI.read_bytes()


@pytest.fixture(scope="session")
def scodoc_mmi() -> bytes:
    return SCODOC_MMI.read_bytes()
