"""The architecture is checked, not hoped for: the engine stays pure."""

import ast
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


SRC = ENGINE.parent
JURY_CODES = {"ADM", "CMP", "ADSUP", "ADJ", "ADJR", "AJ", "PASD", "PAS1NCI", "RED", "NAR", "ATJ", "RAT", "DEF",
              "DEM", "ABAN", "ABL", "EXCLU"}
# The engine's bars seen from outside: 10 − 0.005, 8 − 0.005, and the half-hundredth itself.
BAR_LITERALS = {0.005, 9.995, 7.995}
SAMPLE_DATA = {"reports/examples.py"}  # example documents: sample codes, not rules


def _python_outside_the_engine() -> list[tuple[str, ast.Module]]:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        name = path.relative_to(SRC).as_posix()
        if name.startswith("engine/") or name in SAMPLE_DATA or "/migrations/" in name:
            continue
        found.append((name, ast.parse(path.read_text(encoding="utf-8"))))
    return found


def test_no_list_of_jury_codes_or_bar_is_restated_outside_the_engine():
    offenders = []
    for name, tree in _python_outside_the_engine():
        for node in ast.walk(tree):
            if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
                strings = [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
                if sum(s in JURY_CODES for s in strings) >= 2:
                    offenders.append(f"{name}:{node.lineno} {strings}")
            elif isinstance(node, ast.Constant) and isinstance(node.value, float) and node.value in BAR_LITERALS:
                offenders.append(f"{name}:{node.lineno} {node.value}")
    assert offenders == [], "read these from delibe.engine (jury.codes, Regles) instead"


def test_the_templates_never_restate_a_bar():
    templates = [p for p in SRC.rglob("*.html")]
    offenders = [f"{p.relative_to(SRC)}:{n}" for p in templates
                 for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
                 if re.search(r"\b(9[.,]995|7[.,]995|0[.,]005)\b", line)]
    assert templates and offenders == []


def test_views_and_endpoints_leave_transactions_to_the_services():
    offenders = []
    for name, tree in _python_outside_the_engine():
        if not (name.startswith(("web/views/", "api/endpoints/")) or name.endswith("/views.py")):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "django.db" and any(
                    a.name == "transaction" for a in node.names) or isinstance(node, ast.Import) and any(a.name.startswith("django.db.transaction") for a in node.names):
                offenders.append(f"{name}:{node.lineno}")
    assert offenders == []
