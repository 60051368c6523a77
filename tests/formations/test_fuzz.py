"""Whatever the bytes, the loader answers with a Formation or a FormationError naming the file: never
another exception (property test on mutations of a small valid file)."""

from __future__ import annotations

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from delibe.engine.model import Formation
from delibe.formations import FormationError, load_formation_text
from tests.formations.test_small_formations import geii

VALID = yaml.safe_dump(geii("Implanter", ["A"]), allow_unicode=True, sort_keys=False)
NOISE = st.text(alphabet=list(":-[]{}&*!|>'\"#\t\n 0123456789aéUE.,%@`"), max_size=12)


@settings(max_examples=100, deadline=None)
@given(start=st.integers(0, len(VALID)), length=st.integers(0, 40), insert=NOISE)
def test_a_mutated_file_loads_or_gets_a_formation_error_never_a_traceback(start, length, insert):
    text = VALID[:start] + insert + VALID[start + length:]
    try:
        result = load_formation_text(text, "fuzz.yaml")
    except FormationError as exc:
        assert exc.problems and all(p.filename == "fuzz.yaml" and p.message for p in exc.problems)
    else:
        assert isinstance(result, Formation)


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=200))
def test_random_bytes_get_a_formation_error(data):
    try:
        load_formation_text(data, "bytes.yaml")
    except FormationError:
        pass
