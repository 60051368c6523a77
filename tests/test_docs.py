"""The repository stands alone: nothing a user reads (code, help texts, messages, docs, data) sends them to
a path outside it, such as the team's ``../shared`` folder."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHECKED = ["src", "docs", "formations", "data", "examples", "tools", "README.md", "Makefile", "pyproject.toml"]
OUTSIDE = re.compile(r"\.\./shared|/work/shared|\.\./seeds\b")
# Files the lead engineer is rewriting (issue 16): their reference goes with the rewrite. An entry that no
# longer refers outside fails too, so that this list only shrinks.
PENDING: set[str] = set()


def references_outside() -> dict[str, list[str]]:
    files = [p for name in CHECKED for p in ([ROOT / name] if (ROOT / name).is_file() else (ROOT / name).rglob("*"))]
    found: dict[str, list[str]] = {}
    for path in files:
        if not path.is_file() or "egg-info" in path.parts[-2] or path.suffix in (".mo", ".png", ".pdf"):
            continue
        text = path.read_bytes().decode("utf-8", errors="replace")
        lines = [f"{n}: {line.strip()}" for n, line in enumerate(text.splitlines(), 1) if OUTSIDE.search(line)]
        if lines:
            found[path.relative_to(ROOT).as_posix()] = lines
    return found


def test_no_file_refers_to_a_path_outside_the_repository():
    found = references_outside()
    unexpected = {path: lines for path, lines in found.items() if path not in PENDING}
    assert unexpected == {}, "write what users need in the repository's own docs (docs/, data/README.md)"


def test_the_pending_list_only_names_files_that_still_refer_outside():
    assert PENDING <= set(references_outside()), "remove the fixed files from PENDING"


def test_every_docs_page_the_readme_names_exists():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"\b((?:docs|data|examples)/[\w./-]*\w)", readme))
    assert named, "the README names its docs"
    assert sorted(n for n in named if not (ROOT / n).exists()) == []
