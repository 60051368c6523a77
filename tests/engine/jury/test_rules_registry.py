"""Every rule cites its text, every reason names a known rule, every rule is exercised by a decision
table, and docs/rules.md lists them all."""

from __future__ import annotations

import os

from delibe.engine.jury.registry import RULES
from delibe.engine.sources import ALL_SOURCES
from tests.engine.jury.rules_doc import DOC, render, rule_cases


def test_every_rule_cites_a_known_source_with_a_reference() -> None:
    known = {s.key for s in ALL_SOURCES}
    for rule in RULES.values():
        assert rule.source.key in known, rule.id
        assert rule.source.reference.strip() and rule.statement.strip(), rule.id


def test_every_reason_names_a_registered_rule_and_every_rule_is_exercised_by_a_case() -> None:
    found = rule_cases()
    unknown = set(found) - set(RULES)
    assert not unknown, f"reasons naming unregistered rules: {sorted(unknown)}"
    unexercised = [rule_id for rule_id, cases in found.items() if not cases]
    assert not unexercised, f"rules without a decision-table case: {unexercised}"


def test_docs_rules_md_lists_every_rule_with_its_text_and_cases() -> None:
    expected = render(rule_cases())
    if os.environ.get("DELIBE_WRITE_DOCS") == "1":
        DOC.write_text(expected, encoding="utf-8")
    assert DOC.is_file(), "docs/rules.md missing: DELIBE_WRITE_DOCS=1 .venv/bin/pytest " + __file__
    assert DOC.read_text(encoding="utf-8") == expected, "docs/rules.md is stale: regenerate it (see rules_doc.py)"


def test_reasons_are_only_built_from_registered_rules() -> None:
    from pathlib import Path

    from delibe.engine import jury

    package = Path(jury.__file__).parent
    offenders = [p.name for p in package.rglob("*.py") if p.name != "registry.py" and "Reason(" in p.read_text("utf-8")]
    assert offenders == [], "build reasons with RULES[...].reason(...) so that each names its rule and source"
