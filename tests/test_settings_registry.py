"""Settings declared once: every environment variable Délibé reads is in ``delibe.config.variables``, and
docs/deployment.md shows exactly that table."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from delibe.config import variables

ROOT = Path(__file__).resolve().parents[1]
DEPLOYMENT = ROOT / "docs" / "deployment.md"
BEGIN, END = "<!-- variables:begin -->\n", "<!-- variables:end -->\n"
# The ways the code reads a variable or a DELIBE_ setting
READS = re.compile(r"""(?:environ(?:\.get)?\(|environ\[|getenv\(|getattr\(settings, |settings\.|ENV_DIR = )["']?(DELIBE_[A-Z_]+)""")


def test_docs_deployment_shows_the_table_of_the_declared_variables(request: pytest.FixtureRequest) -> None:
    text = DEPLOYMENT.read_text(encoding="utf-8")
    assert BEGIN in text and END in text, "docs/deployment.md lost its variables markers"
    head, rest = text.split(BEGIN, 1)
    shown, tail = rest.split(END, 1)
    wanted = variables.markdown_table()
    if request.config.getoption("--update-goldens"):
        DEPLOYMENT.write_text(head + BEGIN + wanted + END + tail, encoding="utf-8")
        shown = wanted
    assert shown == wanted, "docs/deployment.md differs from delibe.config.variables: pytest --update-goldens"


def test_every_variable_the_code_reads_is_declared() -> None:
    read = {
        (path.relative_to(ROOT).as_posix(), name)
        for path in (ROOT / "src").rglob("*.py")
        for name in READS.findall(path.read_text(encoding="utf-8"))
    }
    assert read, "the pattern finds the reads"
    assert sorted((path, name) for path, name in read if name not in variables.BY_NAME) == []


def test_only_the_registry_and_the_formation_loader_read_the_environment_for_delibe_variables() -> None:
    direct = sorted(
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "src").rglob("*.py")
        if re.search(r"""environ(?:\.get)?\(\s*["']DELIBE_|getenv\(\s*["']DELIBE_""", path.read_text(encoding="utf-8"))
    )
    assert direct == []  # the formation loader reads its ENV_DIR constant, declared in the registry


def test_values_are_parsed_by_type_and_defaults_filled() -> None:
    env = {"DELIBE_LOGIN_WINDOW": " 60 ", "DELIBE_HSTS_PRELOAD": "oui", "DELIBE_ALLOWED_HOSTS": "a.fr, b.fr,"}
    assert variables.value("DELIBE_LOGIN_WINDOW", environ=env) == 60
    assert variables.value("DELIBE_HSTS_PRELOAD", environ=env) is True
    assert variables.value("DELIBE_ALLOWED_HOSTS", environ=env) == ["a.fr", "b.fr"]
    assert variables.value("DELIBE_DB_CONN_MAX_AGE", environ={}) == 0
    assert variables.value("DELIBE_DB_CONN_MAX_AGE", environ={}, prod=True) == 60
    assert variables.value("DELIBE_STATIC_ROOT", environ={}, VAR_DIR=Path("/srv/d")) == Path("/srv/d/static")
    assert variables.value("DELIBE_DOCUMENTS_WORKERS", environ={}) is None


def test_a_malformed_value_names_the_variable_in_french() -> None:
    with pytest.raises(variables.VariableError, match="DELIBE_LOGIN_WINDOW='quinze' : attendu un nombre entier"):
        variables.value("DELIBE_LOGIN_WINDOW", environ={"DELIBE_LOGIN_WINDOW": "quinze"})
    with pytest.raises(variables.VariableError, match="DELIBE_SSL_REDIRECT='peut-être' : attendu 1"):
        variables.value("DELIBE_SSL_REDIRECT", environ={"DELIBE_SSL_REDIRECT": "peut-être"})


def test_the_django_settings_carry_every_delibe_setting() -> None:
    from django.conf import settings

    for name in ("DELIBE_FORMATIONS_DIR", "DELIBE_DOCUMENTS_DIR", "DELIBE_DOCUMENTS_WORKERS",
                 "DELIBE_MAX_UPLOAD_BYTES", "DELIBE_LOGIN_MAX_FAILURES", "DELIBE_LOGIN_WINDOW",
                 "DELIBE_CLIENT_IP_HEADER"):
        assert hasattr(settings, name), name
