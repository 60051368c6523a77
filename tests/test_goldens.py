"""Golden files never write themselves: a missing one fails, only ``--update-goldens`` writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import check_golden


def test_a_missing_golden_fails_and_is_not_written(tmp_path: Path) -> None:
    path = tmp_path / "golden.txt"
    with pytest.raises(pytest.fail.Exception, match="--update-goldens"):
        check_golden(path, "sortie", update=False)
    assert not path.exists()


def test_a_different_output_fails_and_leaves_the_golden_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "golden.bin"
    path.write_bytes(b"attendu")
    with pytest.raises(AssertionError, match="--update-goldens"):
        check_golden(path, b"obtenu", update=False)
    assert path.read_bytes() == b"attendu"


def test_update_goldens_writes_the_output_exactly(tmp_path: Path) -> None:
    path = tmp_path / "sous-dossier" / "golden.txt"
    check_golden(path, "ligne é\r\nligne 2\n", update=True)
    assert path.read_bytes() == "ligne é\r\nligne 2\n".encode()
    check_golden(path, "ligne é\r\nligne 2\n", update=False)
