"""The OpenAPI document, completed with the bulletin's own JSON Schema
(``src/delibe/reports/schemas/bulletin.schema.json``): the bulletin endpoint is then documented, and its
answers checked by the tests, against the very schema of the JSON download."""

from __future__ import annotations

import json
from typing import Any

BULLETIN_PATH = "/v1/etudiants/{id}/bulletins/{semestre_id}"
PREFIX = "Bulletin"


def _rewrite(node: Any) -> Any:
    """``#/$defs/x`` becomes ``#/components/schemas/Bulletin_x`` (the definitions move to the components)."""
    if isinstance(node, dict):
        out = {k: _rewrite(v) for k, v in node.items() if k not in ("$schema", "$id", "$defs")}
        ref = out.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            out["$ref"] = f"#/components/schemas/{PREFIX}_{ref.removeprefix('#/$defs/')}"
        return out
    if isinstance(node, list):
        return [_rewrite(v) for v in node]
    return node


def with_bulletin_schema(document: Any) -> Any:
    from delibe.reports import bulletin

    source = json.loads(json.dumps(bulletin.schema()))
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for name, definition in (source.get("$defs") or {}).items():
        schemas[f"{PREFIX}_{name}"] = _rewrite(definition)
    schemas[PREFIX] = _rewrite(source)
    for path, operations in document.get("paths", {}).items():
        if path.endswith(BULLETIN_PATH):
            responses = operations["get"]["responses"]
            content = responses[200 if 200 in responses else "200"]["content"]["application/json"]
            content["schema"] = {"$ref": f"#/components/schemas/{PREFIX}"}
    return document
