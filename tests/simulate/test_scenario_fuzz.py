"""Whatever a scenario holds, reading and deliberating it either works or raises ``ScenarioError`` (file,
place, French message): never another exception. The cases are the example scenarios mutated as YAML
data (keys dropped, renamed, added; values replaced, retyped, wrapped) and as YAML text (lines dropped,
emptied, quoted, duplicated).

A few dozen cases per test keep the suite fast on a shared 2-core machine; DELIBE_FUZZ_EXAMPLES=5000 for a
long hunt."""

from __future__ import annotations

import copy
import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from delibe.cli import cli
from delibe.simulate import (
    JURY_KEYS,
    KNOWN_KEYS,
    YEAR_KEYS,
    Scenario,
    ScenarioError,
    parse_scenario,
    read_scenario,
    run,
    to_json,
)

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples" / "scenarios").glob("*.yaml"))
DATA = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in EXAMPLES]
TEXTS = [p.read_text(encoding="utf-8") for p in EXAMPLES]
FUZZ = settings(max_examples=int(os.environ.get("DELIBE_FUZZ_EXAMPLES", "60")), deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

# Words a scenario uses, so that mutations often land on something almost right.
WORDS = ["BUT1", "BUT2", "BUT3", "S1", "S2", "S3", "S5", "C1", "C2", "C3", "C5", "C9", "S1.C2", "UE1.2",
         "ADM", "AJ", "RAT", "PASD", "RED", "ADJ", "adm", "Créa", "but-mmi-dijon", "R1.01", "12", "12,5", "",
         "year", "ue", "modules", "jury", "attente", "annee", "rcue", "raison", "code", "moyenne", "derogations",
         "ue_acquises_avant", "formation", "parcours", "years", "~", "null", "-1", ".nan"]

# The values most likely to break a reader come first and often: no value, true/false, numbers out of
# range or too big for a float, nan/inf, numbers as text, vocabulary in the wrong place.
tricky = st.sampled_from([None, True, False, 0, -1, 21, 10**400, -(10**400), float("nan"), float("inf"), 1e308,
                          "12", "12,5", "", " ", "S1.C2", "ADM", [], {}, [None], {"S1": None}, ["S1.C2", 5]]
                         ).map(copy.deepcopy)  # a fresh list or dict each time: mutations must not share them
scalars = st.one_of(
    tricky, st.sampled_from(WORDS),
    st.integers(min_value=-5, max_value=25), st.integers(), st.integers(min_value=10**300, max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True), st.floats(min_value=0, max_value=20),
    st.text(max_size=12), st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 1, 1)),
)
values = st.one_of(tricky, st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.one_of(st.sampled_from(WORDS), st.integers(0, 9)), inner, max_size=3)),
    max_leaves=6,
))
keys = st.one_of(st.sampled_from(WORDS), st.integers(-2, 9), st.booleans(), st.none(), st.text(max_size=6))
# Every key the format knows, to add where it may or may not belong.
FORMAT_KEYS = sorted(KNOWN_KEYS | YEAR_KEYS | JURY_KEYS | {"moyenne", "code", "S1", "S2", "C1", "S1.C1"})


def paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place of the data (the root included), depth first."""
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += paths(value, (*prefix, index))
    return found


def at(node: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        node = node[part]
    return node


@st.composite
def mutated(draw: st.DrawFn) -> Any:
    """One example scenario (without its ``expect``) with one to four structured mutations."""
    data = copy.deepcopy(draw(st.sampled_from(DATA)))
    data.pop("expect", None)
    for _ in range(draw(st.integers(1, 4))):
        places = paths(data)
        path = draw(st.sampled_from(places))
        operation = draw(st.sampled_from(["replace", "replace", "drop", "rename", "add", "known", "known", "retype",
                                          "wrap"]))
        if operation == "known":  # a key of the format, with any value, in any mapping
            mappings = [p for p in places if isinstance(at(data, p), dict)]
            if mappings:
                at(data, draw(st.sampled_from(mappings)))[draw(st.sampled_from(FORMAT_KEYS))] = draw(values)
            continue
        if not path:  # the root itself
            if operation == "replace":
                data = draw(values)
            continue
        parent, last = at(data, path[:-1]), path[-1]
        if operation == "replace":
            parent[last] = draw(values)
        elif operation == "drop":
            del parent[last]
        elif operation == "rename" and isinstance(parent, dict):
            parent[draw(keys)] = parent.pop(last)
        elif operation == "add" and isinstance(parent, dict):
            parent[draw(keys)] = draw(values)
        elif operation == "add" and isinstance(parent, list):
            parent.insert(draw(st.integers(0, len(parent))), draw(values))
        elif operation == "retype":
            value = parent[last]
            parent[last] = draw(st.sampled_from([str(value), None, [value], {"x": value}, True, 0, float("nan")]))
        elif operation == "wrap":
            parent[last] = [parent[last]] if draw(st.booleans()) else {"S1": parent[last]}
        if not isinstance(data, (dict, list)):
            break
    return data


def deliberate(scenario: Scenario) -> None:
    result = run(scenario)
    to_json(scenario.formation, result)


def check_data(data: Any, base: Path | None = None) -> None:
    try:
        scenario = parse_scenario(data, "fuzz.yaml", base=base)
        deliberate(scenario)
    except ScenarioError as exc:
        assert str(exc).startswith("fuzz.yaml") and exc.message


@FUZZ
@given(mutated())
def test_mutated_scenario_data_is_deliberated_or_refused_with_a_scenario_error(data: Any) -> None:
    check_data(data)


@FUZZ
@given(data=mutated())
def test_mutated_scenario_files_are_deliberated_or_refused_with_a_scenario_error(tmp_path_factory: Any,
                                                                                 data: Any) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "s.yaml"
    try:
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    except yaml.YAMLError:
        return
    path.write_text(text, encoding="utf-8")
    try:
        deliberate(read_scenario(path))
    except ScenarioError as exc:
        assert str(exc).startswith(str(path)) and exc.message


@st.composite
def mutated_text(draw: st.DrawFn) -> str:
    """One example scenario's YAML text with one to three line edits."""
    lines = draw(st.sampled_from(TEXTS)).split("\n")
    for _ in range(draw(st.integers(1, 3))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        line = lines[i]
        head, colon, tail = line.partition(":")
        operation = draw(st.sampled_from(["drop", "empty", "quote", "duplicate", "replace", "indent", "scalar"]))
        if operation == "drop":
            del lines[i]
        elif operation == "empty" and colon:
            lines[i] = head + ":"
        elif operation == "quote" and colon and tail.strip():
            lines[i] = f"{head}: '{tail.strip()}'"
        elif operation == "duplicate":
            lines.insert(i, line)
        elif operation == "replace" and colon:
            lines[i] = f"{head}: {draw(st.sampled_from(WORDS + ['[S1.C2]', '{a: 1}', '5', 'true', '.inf', '010']))}"
        elif operation == "indent":
            lines[i] = draw(st.sampled_from(["  ", "\t", ""])) + line.lstrip(" " if draw(st.booleans()) else "")
        elif operation == "scalar":
            lines[i] = draw(st.text(max_size=20))
    return "\n".join(lines)


@FUZZ
@given(text=mutated_text())
def test_mutated_scenario_text_is_deliberated_or_refused_with_a_scenario_error(tmp_path_factory: Any,
                                                                               text: str) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "s.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        deliberate(read_scenario(path))
    except ScenarioError as exc:
        assert str(exc).startswith(str(path)) and exc.message


@pytest.mark.parametrize("data", [
    None, [], [1, 2], "texte", 12, {"years": None}, {1: 2}, {None: None},
    {"formation": "but-mmi-dijon", "parcours": "Créa", "years": [{"year": "BUT1", "ue": {"S1": {"C1": 10**400}}}]},
    {"formation": "but-mmi-dijon", "parcours": "Créa", "years": [{"year": "BUT1", "ue": {"S1": {"C1": 12}},
                                                                  "attente": 5}]},
    {"formation": "but-mmi-dijon", "parcours": "Créa", "years": [{"year": "BUT1", "ue": {"S1": {"C1": 12}},
                                                                  "jury": {"ue": {"S1": {"C1": ["ADJ"]}}}}]},
    {"formation": "but-mmi-dijon", "parcours": "Créa", "years": [{"year": [1], "ue": {}}]},
    {"formation": {"id": "x"}, "parcours": "Créa", "years": [{}]},
    {10**5000: 1},
    {"formation": "but-mmi-dijon", "parcours": "Créa", "years": [{"year": "BUT1", "ue": {"S1": {10**5000: 1}}}]},
    {"formation": "but-mmi-dijon", "parcours": "Créa", "years": [{"year": "BUT1", "ue": {"S1": {"C" + "1" * 5000: 1}}}]},
], ids=["none", "empty-list", "list", "text", "number", "years-none", "int-key", "none-key", "huge-int",
        "attente-int", "jury-code-list", "year-list", "formation-dict", "int-key-too-long-to-write",
        "competence-too-long-to-write", "competence-number-too-long"])
def test_odd_data_given_directly_is_refused_with_a_scenario_error(data: Any) -> None:
    with pytest.raises(ScenarioError) as raised:
        deliberate(parse_scenario(data, "direct.yaml"))
    assert str(raised.value).startswith("direct.yaml") and raised.value.message


@pytest.mark.parametrize("text", [
    "formation: but-mmi-dijon\nparcours: Créa\nyears:\n- year: BUT1\n  ue:\n    S1: {C1: 12}\n  attente: 5\n",
    "formation: but-mmi-dijon\nparcours: Créa\nyears:\n- year: BUT1\n  ue:\n",
    "- formation: but-mmi-dijon\n",
    "formation: but-mmi-dijon\nparcours: Créa\nyears:\n- year: BUT1\n  ue: {S1: {C1: 1" + "0" * 400 + "}}\n",
    "formation: but-mmi-dijon\nparcours: Créa\nyears:\n- year: BUT1\n  ue: {S1: {C1: 1" + "0" * 5000 + "}}\n",
], ids=["attente-int", "ue-without-value", "list-root", "huge-int", "int-too-long-for-python"])
def test_the_cli_exits_2_with_a_message_and_no_traceback_on_malformed_files(tmp_path: Path, text: str) -> None:
    path = tmp_path / "mauvais.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["simulate", str(path)])
    assert result.exit_code == 2, (result.output, result.exception)
    assert result.stdout == ""
    assert result.stderr.startswith(f"Erreur: {path}") and "Traceback" not in result.stderr


def leaf_lines(text: str) -> list[int]:
    """Indexes of the lines ``key: value`` of the scenario (before ``expect``) whose value is on the line."""
    lines = text.split("\n")
    end = next((i for i, line in enumerate(lines) if line.startswith("expect:")), len(lines))
    found = []
    for i, line in enumerate(lines[:end]):
        _head, colon, tail = line.partition(":")
        if colon and tail.strip() and not tail.strip().startswith(("{", "[")) and not line.startswith("description"):
            found.append(i)
    return found


@FUZZ
@given(data=st.data())
def test_any_key_given_with_no_value_is_refused_naming_its_line_and_key(tmp_path_factory: Any, data: Any) -> None:
    text = data.draw(st.sampled_from(TEXTS))
    lines = text.split("\n")
    i = data.draw(st.sampled_from(leaf_lines(text)))
    key = lines[i].partition(":")[0].strip().lstrip("- ")
    lines[i] = lines[i].partition(":")[0] + ":"
    path = tmp_path_factory.mktemp("vide") / "s.yaml"
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(ScenarioError) as raised:
        deliberate(read_scenario(path))
    assert raised.value.line == i + 1, str(raised.value)
    assert f"clé « {key} » donnée sans valeur" in raised.value.message


@FUZZ
@given(data=st.data())
def test_any_average_written_between_quotes_is_refused_saying_so(tmp_path_factory: Any, data: Any) -> None:
    text = data.draw(st.sampled_from(TEXTS))
    lines = text.split("\n")
    numbers = [i for i in leaf_lines(text) if lines[i].partition(":")[2].strip().replace(".", "", 1).isdigit()]
    i = data.draw(st.sampled_from(numbers))
    head, _, value = lines[i].partition(":")
    quote = data.draw(st.sampled_from(["'", '"']))
    lines[i] = f"{head}: {quote}{value.strip()}{quote}"
    path = tmp_path_factory.mktemp("guillemets") / "s.yaml"
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(ScenarioError) as raised:
        deliberate(read_scenario(path))
    assert raised.value.line == i + 1, str(raised.value)
    assert f"la valeur est entre guillemets : écrivez {value.strip()} sans guillemets" in raised.value.message
