"""The architecture is checked, not hoped for: the engine stays pure."""

import re
import subprocess
import sys
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[1] / "src" / "delibe" / "engine"


def test_import_linter_contract_keeps_the_engine_free_of_django_files_and_clock():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint_imports)], check=False, capture_output=True, text=True, cwd=ENGINE.parents[2])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "KEPT" in result.stdout


def test_the_engine_never_reads_the_clock():
    offenders = [
        f"{path.name}:{number}"
        for path in ENGINE.rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\b(date|datetime)\.(today|now|utcnow)\(", line)
    ]
    assert offenders == []


def test_the_engine_type_checks_under_mypy_strict():
    # pyproject.toml sets strict = true for delibe.engine.*: the shared contract of every other layer
    mypy = Path(sys.executable).with_name("mypy")
    result = subprocess.run(
        [str(mypy), "-p", "delibe.engine"], check=False, capture_output=True, text=True, cwd=ENGINE.parents[2]
    )
    assert result.returncode == 0, result.stdout + result.stderr
