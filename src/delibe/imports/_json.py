"""Safe JSON reading shared by the JSON parsers: size limit, encoding, syntax errors with their line,
and typed accessors that record an error at a JSON path instead of raising."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from delibe.imports.results import MAX_INPUT_BYTES, Issue, Issues


def read_json(data: bytes, filename: str) -> tuple[Any, Issue | None]:
    if len(data) > MAX_INPUT_BYTES:
        return None, Issue(filename, f"fichier trop volumineux ({len(data)} octets, maximum {MAX_INPUT_BYTES}) : "
                                     "vérifiez qu'il s'agit bien d'un export ScoDoc.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return None, Issue(f"{filename}, octet {error.start}", "le fichier n'est pas encodé en UTF-8 : "
                                                               "exportez-le de nouveau depuis ScoDoc.")
    try:
        return json.loads(text), None
    except json.JSONDecodeError as error:
        return None, Issue(f"{filename}, ligne {error.lineno}, colonne {error.colno}",
                           f"JSON mal formé ({error.msg}) : le fichier est tronqué ou n'est pas un export JSON.")
    except (ValueError, RecursionError) as error:
        return None, Issue(filename, f"JSON illisible ({str(error)[:80]}).")


def child_path(path: str, key: object) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    text = str(key)
    if text.isidentifier():
        return f"{path}.{text}"
    return f"{path}[{json.dumps(text, ensure_ascii=False)}]"


class JsonReader:
    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.errors = Issues()
        self.warnings = Issues()

    def place(self, path: str) -> str:
        return f"{self.filename}, {path}"

    def error(self, path: str, message: str) -> None:
        self.errors.append(Issue(self.place(path), message))

    def warn(self, path: str, message: str) -> None:
        self.warnings.append(Issue(self.place(path), message))

    def items(self, value: Any, path: str, label: str) -> Iterator[tuple[str | int, Any, str]]:
        """Iterate an object (keyed) or a list (indexed) the same way: (key, item, path)."""
        if isinstance(value, dict):
            for key, item in value.items():
                yield key, item, child_path(path, key)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                yield index, item, child_path(path, index)
        elif value is not None:
            self.error(path, f"{label} : attendu un objet ou une liste, trouvé {type_name(value)}.")

    def obj(self, value: Any, path: str, label: str) -> dict[str, Any] | None:
        if isinstance(value, dict):
            return value
        self.error(path, f"{label} : attendu un objet JSON, trouvé {type_name(value)}.")
        return None

    def text(self, obj: dict[str, Any], keys: tuple[str, ...], path: str, label: str,
             required: bool = True) -> str | None:
        for key in keys:
            value = obj.get(key)
            if value is None or value == "":
                continue
            if isinstance(value, str):
                return " ".join(value.split()) or None
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return str(value)
            self.error(child_path(path, key), f"{label} : attendu un texte, trouvé {type_name(value)}.")
            return None
        if required:
            self.error(child_path(path, keys[0]), f"{label} manquant : ajoutez le champ « {keys[0]} ».")
        return None

    def integer(self, obj: dict[str, Any], key: str, path: str, label: str) -> int | None:
        where = child_path(path, key)
        if key not in obj or obj[key] is None:
            self.error(where, f"{label} manquant : ajoutez le champ « {key} » (nombre entier).")
            return None
        return self.as_int(obj[key], where, label)

    def as_int(self, value: Any, where: str, label: str) -> int | None:
        if isinstance(value, bool):
            pass
        elif isinstance(value, int) and abs(value) < 10**6:
            return value
        elif isinstance(value, float) and value.is_integer() and abs(value) < 10**6:
            return int(value)
        elif isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 6:
            return int(value.strip())
        self.error(where, f"{label} : attendu un nombre entier, trouvé {short(value)}.")
        return None


def type_name(value: Any) -> str:
    return {dict: "un objet", list: "une liste", str: "un texte", bool: "un booléen", int: "un nombre",
            float: "un nombre", type(None): "null"}.get(type(value), type(value).__name__)


def short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, (dict, list)) else type_name(value)
    return text if len(text) <= 40 else text[:37] + "…"
