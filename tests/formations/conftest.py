"""Shared fixtures: the shipped MMI formation, as text, as data and loaded, and a way to build broken
copies by editing the YAML data and loading it again."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from delibe.engine.model import Formation
from delibe.formations import formation_from_data, load_formation

ROOT = Path(__file__).resolve().parents[2]
MMI_PATH = ROOT / "formations" / "but-mmi-dijon.yaml"


@pytest.fixture(scope="session")
def mmi_text() -> str:
    return MMI_PATH.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def mmi_data(mmi_text: str) -> dict[str, Any]:
    return yaml.safe_load(mmi_text)


@pytest.fixture(scope="session")
def mmi() -> Formation:
    return load_formation("but-mmi-dijon")


def semestre(data: dict[str, Any], numero: int) -> dict[str, Any]:
    return next(s for s in data["semestres"] if s["numero"] == numero)


def module(data: dict[str, Any], numero: int, code: str) -> dict[str, Any]:
    return next(m for m in semestre(data, numero)["modules"] if m["code"] == code)


def ue(data: dict[str, Any], code: str) -> dict[str, Any]:
    numero = int(code[2])
    return next(u for u in semestre(data, numero)["ues"] if u["code"] == code)


@pytest.fixture
def broken(mmi_data: dict[str, Any]) -> Callable[[Callable[[dict[str, Any]], None]], Formation]:
    """broken(edit) → the formation loaded from a copy of the shipped data changed by ``edit``."""

    def build(edit: Callable[[dict[str, Any]], None]) -> Formation:
        data = copy.deepcopy(mmi_data)
        edit(data)
        return formation_from_data(data, "copie.yaml")

    return build


def line_of(text: str, needle: str, start: int = 0) -> int:
    """1-based line of the first occurrence of ``needle`` after character ``start``."""
    index = text.index(needle, start)
    return text.count("\n", 0, index) + 1
