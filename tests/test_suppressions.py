"""Every silenced check says why: a ``# noqa`` or ``# type: ignore`` comes with a short reason on its line
(after ``#``, in parentheses or after a dash)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SUPPRESSION = re.compile(
    r"#\s*(?:(?:ruff:\s*)?noqa(?::\s*[A-Z]+\d+(?:\s*,\s*[A-Z]+\d+)*)?|type:\s*ignore(?:\[[\w,\s-]+\])?)"
)
# Files the lead engineer is rewriting (issue 16); they leave this list with their rewrite.
PENDING: set[str] = set()


def unexplained() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for folder in ("src", "tests", "bench", "tools"):
        for path in (ROOT / folder).rglob("*.py"):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                match = SUPPRESSION.search(line)
                if match and not re.search(r"[#(—-]\s*\S", line[match.end():]):
                    found.setdefault(path.relative_to(ROOT).as_posix(), []).append(f"{number}: {line.strip()}")
    return found


def test_every_noqa_and_type_ignore_gives_its_reason():
    missing = {path: lines for path, lines in unexplained().items() if path not in PENDING}
    assert missing == {}


def test_the_pending_list_only_names_files_still_to_fix():
    assert PENDING <= set(unexplained()), "remove the fixed files from PENDING"
