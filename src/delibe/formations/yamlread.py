"""Read a formation file's YAML safely, keeping the line of every node.

Only ``yaml.SafeLoader`` is used. Hostile input is refused with a clear message, never a traceback:
files over 5 MB, text that is not UTF-8, anchors and aliases (a « billion laughs » bomb expands through
aliases; a formation file never needs them), duplicate keys (PyYAML silently keeps the last one), tabs
in indentation (the YAML scanner's error is translated), a root that is not a mapping, and documents
nested deeper than a sane formation.

The messages speak of a formation file unless the caller names its kind of document (``kind``: the
scenarios of ``delibe simulate`` use it). ``scalars``, when given, receives for every scalar value its
source text and quoting style, so that a caller can tell a key written with no value (``ue:``) from an
explicit ``null``, or a quoted ``'12'`` from a number.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml
import yaml.reader
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

MAX_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 40
MAX_NODES = 200_000
MAX_INT_DIGITS = 1000  # Python refuses to read integers of more than 4300 digits

Path_ = tuple[str | int, ...]
Scalars = dict[Path_, tuple[str, str | None]]  # path -> (source text, style: None plain, "'" or '"' quoted…)


@dataclass(frozen=True)
class DocumentKind:
    """How the messages name the document and what its root holds."""

    article: str  # « une formation »
    contents: str  # what the root holds, as a hint


FORMATION = DocumentKind("une formation", "format: delibe-formation/1, id, semestres…")


@dataclass(frozen=True)
class YamlProblem:
    line: int | None
    message: str


class YamlReadError(Exception):
    def __init__(self, problems: list[YamlProblem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


class _NoAliasLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases at composition time, before anything can expand."""

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if self.check_event(AliasEvent):
            event = self.peek_event()
            raise YamlReadError([YamlProblem(
                event.start_mark.line + 1,
                f"alias YAML « *{event.anchor} » refusé : les ancres et alias (&nom, *nom) ne sont pas "
                "acceptés dans ce fichier ; recopiez la valeur à chaque endroit.",
            )])
        return super().compose_node(parent, index)


def _walk(node: Node, path: Path_, lines: dict[Path_, int], problems: list[YamlProblem], depth: int,
          count: list[int], scalars: Scalars | None = None) -> None:
    count[0] += 1
    if count[0] > MAX_NODES:
        raise YamlReadError([YamlProblem(node.start_mark.line + 1,
                                         f"fichier trop gros : plus de {MAX_NODES} éléments YAML.")])
    if depth > MAX_DEPTH:
        raise YamlReadError([YamlProblem(node.start_mark.line + 1,
                                         f"imbrication trop profonde (plus de {MAX_DEPTH} niveaux).")])
    lines[path] = node.start_mark.line + 1
    if isinstance(node, ScalarNode):
        if scalars is not None:
            scalars[path] = (node.value, node.style)
        if node.tag == "tag:yaml.org,2002:int" and len(node.value) > MAX_INT_DIGITS:
            problems.append(YamlProblem(node.start_mark.line + 1, f"nombre de {len(node.value)} chiffres : aucune "
                                                                  "valeur de ce fichier ne peut être aussi longue."))
    if getattr(node, "anchor", None):
        problems.append(YamlProblem(node.start_mark.line + 1, "ancre YAML refusée (&nom) : recopiez la valeur."))
    if isinstance(node, MappingNode):
        seen: dict[object, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                problems.append(YamlProblem(key_node.start_mark.line + 1,
                                            "clé YAML complexe refusée : une clé doit être un texte ou un nombre."))
                continue
            key: str | int = key_node.value
            if key_node.tag == "tag:yaml.org,2002:int":
                try:
                    key = int(key_node.value)
                except ValueError:
                    pass
            if key_node.value == "<<":
                problems.append(YamlProblem(key_node.start_mark.line + 1,
                                            "clé de fusion YAML « << » refusée : recopiez les valeurs."))
            if key in seen:
                problems.append(YamlProblem(
                    key_node.start_mark.line + 1,
                    f"clé « {key} » en double (déjà ligne {seen[key]}) : YAML garderait la dernière sans "
                    "prévenir ; supprimez l'une des deux.",
                ))
            seen[key] = key_node.start_mark.line + 1
            _walk(value_node, (*path, key), lines, problems, depth + 1, count, scalars)
    elif isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), lines, problems, depth + 1, count, scalars)


def read_yaml(data: bytes | str, *, kind: DocumentKind = FORMATION,
              scalars: Scalars | None = None) -> tuple[Any, dict[Path_, int]]:
    """Parse one YAML document. Returns the plain data and a map from field path to line (1-based);
    fills ``scalars`` (when given) with the source text and style of every scalar value."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if len(raw) > MAX_BYTES:
        raise YamlReadError([YamlProblem(None, f"fichier trop gros ({len(raw) / 1e6:.1f} Mo) : la limite est "
                                                f"{MAX_BYTES // (1024 * 1024)} Mo.")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise YamlReadError([YamlProblem(line, "le fichier n'est pas en UTF-8 : enregistrez-le en UTF-8.")]) from None
    text = text.removeprefix("\ufeff")
    bad = yaml.reader.Reader.NON_PRINTABLE.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        raise YamlReadError([YamlProblem(line, f"caractère de contrôle interdit (U+{ord(bad.group()):04X}) : "
                                               "supprimez-le (le fichier est-il bien un texte YAML ?).")])
    try:
        loader = _NoAliasLoader(text)
    except yaml.YAMLError as exc:
        raise YamlReadError([YamlProblem(None, f"YAML illisible : {exc}")]) from None
    try:
        try:
            node = loader.get_single_node()
        except YamlReadError:
            raise
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            where: int | None = mark.line + 1 if mark else None
            raise YamlReadError([YamlProblem(where, _translate(exc, text, where))]) from None
        except yaml.YAMLError as exc:
            raise YamlReadError([YamlProblem(None, f"YAML illisible : {exc}")]) from None
        except RecursionError:
            raise YamlReadError([YamlProblem(None, "imbrication trop profonde.")]) from None
        if node is None or (isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:null"):
            raise YamlReadError([YamlProblem(1, f"le fichier est vide : il doit contenir {kind.article} "
                                                f"({kind.contents}).")])
        if not isinstance(node, MappingNode):
            found = "une liste" if isinstance(node, SequenceNode) else "un texte seul"
            raise YamlReadError([YamlProblem(node.start_mark.line + 1,
                                             f"la racine du fichier doit être un dictionnaire ({kind.contents}) "
                                             f"décrivant {kind.article}, pas {found}.")])
        lines: dict[Path_, int] = {}
        problems: list[YamlProblem] = []
        _walk(node, (), lines, problems, 0, [0], scalars)
        if problems:
            raise YamlReadError(problems)
        try:
            value = loader.construct_document(node)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            raise YamlReadError([YamlProblem(mark.line + 1 if mark else None,
                                             f"valeur YAML invalide : {exc.problem}")]) from None
        except (yaml.YAMLError, ValueError, TypeError, OverflowError, RecursionError) as exc:
            # e.g. an impossible date (2021-02-30) that the safe constructor turns into a datetime
            raise YamlReadError([YamlProblem(None, f"valeur YAML invalide : {exc}")]) from None
        return value, lines
    finally:
        loader.dispose()


def _translate(exc: yaml.MarkedYAMLError, text: str, line: int | None) -> str:
    problem = exc.problem or ""
    if "\t" in problem or "tab" in problem.lower():
        return "tabulation dans l'indentation : YAML n'accepte que des espaces ; remplacez les tabulations."
    if line is not None:
        source_line = text.splitlines()[line - 1] if line - 1 < len(text.splitlines()) else ""
        if "\t" in source_line[: len(source_line) - len(source_line.lstrip())]:
            return "tabulation dans l'indentation : YAML n'accepte que des espaces ; remplacez les tabulations."
    context = f"{exc.context} " if exc.context else ""
    return (f"YAML invalide ({context}{problem}) : vérifiez l'indentation, les deux-points et les "
            "guillemets à cet endroit.")
