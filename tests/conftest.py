"""Shared test configuration. Browser tests need Django's live server with Playwright's sync API.

Golden files are compared, never written, unless ``--update-goldens`` is given: a missing golden fails.
After ``pytest --update-goldens …``, review ``git diff tests/`` before committing."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

GoldenCheck = Callable[[Path, "str | bytes"], None]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-goldens", action="store_true", default=False,
                     help="write the golden files from the code's output instead of comparing (then review git diff)")


def check_golden(path: Path, actual: str | bytes, update: bool) -> None:
    """``actual`` equals the golden file ``path``; with ``update`` the file is (re)written first."""
    if update:
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(actual, bytes):
            path.write_bytes(actual)
        else:
            path.write_bytes(actual.encode("utf-8"))
    if not path.is_file():
        pytest.fail(f"golden file {path} is missing: run this test with `pytest --update-goldens`, then review "
                    "the file before committing")
    expected: str | bytes = path.read_bytes() if isinstance(actual, bytes) else path.read_bytes().decode("utf-8")
    assert actual == expected, f"output differs from {path}; if the change is intended: pytest --update-goldens"


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> GoldenCheck:
    """``golden(path, actual)``: compare with the golden file (write it only under ``--update-goldens``)."""
    update = bool(request.config.getoption("--update-goldens"))
    return lambda path, actual: check_golden(path, actual, update)
