"""docs/rules.md, generated from the rule registry and the decision tables that exercise each rule.

Regenerate with ``DELIBE_WRITE_DOCS=1 .venv/bin/pytest tests/engine/jury/test_rules_registry.py``; the
test fails while the file differs from what the registry and the cases give.
"""

from __future__ import annotations

from pathlib import Path

from delibe.engine.jury.registry import RULES
from tests.engine.jury.harness import Case, all_rules, load_cases, rule_ids, run_case, run_semestre

DOC = Path(__file__).resolve().parents[3] / "docs" / "rules.md"

HEADER = """# Jury rules: rule → text → test cases

Generated from `delibe.engine.jury.registry.RULES` and the decision tables of `tests/engine/jury/cases/`
(regenerate: `DELIBE_WRITE_DOCS=1 .venv/bin/pytest tests/engine/jury/test_rules_registry.py`). Every
decision of the jury engine carries reasons; each reason names one rule below, and each rule cites its
text. « Décision Délibé » marks a choice made where the texts are silent (docs/domain.md).

Délibé decisions worth knowing when reading a result:
- Averages are never rounded before a comparison; a value reaches a bar b when it is ≥ b − 0.005.
- A UE not acquired and not retaken by a repeater has no average (it is not capitalised).
- The director's dérogation (`derogations` in a cursus, at most `redoublements_derogation`) allows one more
  repeat of a year beyond the limits; a repeated year counts as a repeat of both its semesters.
- In BUT2, ADM and PASD both require the S5 entry condition (every S1–S2 UE validated, after descending
  validation): a student who passes a BUT2 without it would enter S5 against §4.5. The jury may validate
  the missing UEs (ADJ) or decide the year itself.
- A capitalised UE keeps the code it was acquired with (ADM, CMP, ADJ, ADJR, ADSUP) unless a retake
  makes it ADM; a validated RCUE stays validated.
- The jury refusing an RCUE the engine proposed as validated (e.g. ATJ instead of CMP) removes the
  compensation of its UEs (CMP → AJ); the jury validating an RCUE (ADJ) makes its UEs not acquired ADJR.
- An undefined UE average (nothing counts yet) is « incomplet »: no proposal for the UE, its RCUE and the
  year (never AJ or RED); a démission or défaillance (`sortie`) gives the year DEM or DEF with its date.
- A grade pending (`attente` in a scenario, `provisional_ues` in the engine) leaves that UE, its RCUE and
  the year without a proposal; a capitalised UE stays acquired.

Where the code lives: `src/delibe/engine/jury/`: `deliberation.py` runs one student's juries in order,
`rules/` holds the rules by what they decide (`ue.py`, `rcue.py`, `annee.py`, `redoublement.py`,
`diplome.py`), `checks.py` the checks of a cursus, `assiduite.py` the attendance rules' effects,
`cohort.py` the vectorised year jury of a promotion, `registry.py` this registry, `structure.py` which
UEs and RCUEs a parcours has each year; `src/delibe/simulate.py` and `delibe simulate` read scenario
files, whose format (every key: `attente`, `ue_acquises_avant`, `derogations`, the jury codes…) is
docs/scenario-format.md.

"""


def rule_cases() -> dict[str, list[Case]]:
    found: dict[str, list[Case]] = {rule_id: [] for rule_id in RULES}
    for case in load_cases():
        if "error" in case.data:
            continue
        scenario, result = run_case(case)
        ids = all_rules(result)
        if "semestre_impair" in case.data:
            semester = run_semestre(case, scenario)
            ids |= rule_ids(semester.reasons)
            for ue in semester.ues.values():
                ids |= rule_ids(ue.reasons)
        for rule_id in ids:
            found.setdefault(rule_id, []).append(case)
    return found


def render(found: dict[str, list[Case]]) -> str:
    lines = [HEADER, "| rule | what it says | text | decision-table cases |", "|---|---|---|---|"]
    for rule_id, rule in RULES.items():
        cases = found.get(rule_id, [])
        shown = "; ".join(f"{c.file} « {c.description} »" for c in cases[:3])
        if len(cases) > 3:
            shown += f"; and {len(cases) - 3} more"
        lines.append(f"| `{rule_id}` | {rule.statement} | {rule.source.reference} | {shown or '—'} |")
    return "\n".join(lines) + "\n"
