"""Safe XML reading shared by the XML parsers: defusedxml only (no DTD, no entity, no network), a size
limit, and the line of every element so that errors can say where they are."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from defusedxml import DefusedXmlException
from defusedxml.common import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser

from delibe.imports.results import MAX_INPUT_BYTES, Issue


def local_name(tag: object) -> str:
    """The tag without its namespace (``{uri}name`` -> ``name``); comments and PIs have no name."""
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


class _LineTreeBuilder(ET.TreeBuilder):
    """A tree builder that remembers the line where each element starts (xml.etree keeps none)."""

    def __init__(self, line_offset: int = 0) -> None:
        super().__init__()
        self.lines: dict[int, int] = {}
        self.expat: object = None
        self.line_offset = line_offset

    def start(self, tag, attrs):  # type: ignore[no-untyped-def]  # signature of ET.TreeBuilder.start
        element = super().start(tag, attrs)
        self.lines[id(element)] = getattr(self.expat, "CurrentLineNumber", 0) + self.line_offset
        return element


@dataclass
class XmlDocument:
    filename: str
    root: ET.Element
    lines: dict[int, int]
    parents: dict[int, ET.Element] = field(default_factory=dict)
    # id(element) -> "name" or "name[i]": computed once, so that a file with many faulty siblings
    # does not make every error message cost a scan of its siblings
    steps: dict[int, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.steps[id(self.root)] = local_name(self.root.tag)
        for parent in self.root.iter():
            counts: dict[str, int] = {}
            for child in parent:
                name = local_name(child.tag)
                counts[name] = counts.get(name, 0) + 1
            seen: dict[str, int] = {}
            for child in parent:
                self.parents[id(child)] = parent
                name = local_name(child.tag)
                seen[name] = seen.get(name, 0) + 1
                self.steps[id(child)] = f"{name}[{seen[name]}]" if counts[name] > 1 else name

    def line(self, element: ET.Element) -> int:
        return self.lines.get(id(element), 0)

    def path(self, element: ET.Element) -> str:
        """``/a/b/c[2]`` (the index counts siblings of the same name, from 1) and the line."""
        steps: list[str] = []
        current: ET.Element | None = element
        while current is not None:
            steps.append(self.steps.get(id(current), local_name(current.tag)))
            current = self.parents.get(id(current))
        where = "/" + "/".join(reversed(steps))
        line = self.line(element)
        return f"{self.filename}, {where} (ligne {line})" if line else f"{self.filename}, {where}"


def read_xml(data: bytes, filename: str) -> tuple[XmlDocument | None, Issue | None]:
    """Parse ``data`` safely; on failure return an issue explaining what is refused and why."""
    if len(data) > MAX_INPUT_BYTES:
        return None, Issue(
            filename,
            f"fichier trop volumineux ({len(data)} octets, maximum {MAX_INPUT_BYTES}) : "
            "vérifiez qu'il s'agit bien d'un export de référentiel.",
        )
    # Orébut's « export-all » template emits a line break before the XML declaration, which expat refuses.
    stripped = data.lstrip(b" \t\r\n")
    offset = 0
    if stripped.startswith(b"<?xml") and len(stripped) != len(data):
        offset = data[: len(data) - len(stripped)].count(b"\n")  # so that lines stay those of the file
        data = stripped
    builder = _LineTreeBuilder(offset)
    parser = DefusedXMLParser(target=builder, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    builder.expat = parser.parser
    try:
        parser.feed(data)
        root = parser.close()
    except DTDForbidden:
        return None, Issue(
            filename,
            "le fichier XML contient une déclaration de type de document (<!DOCTYPE …>), refusée par sécurité : "
            "exportez de nouveau le fichier depuis Orébut ou supprimez la déclaration.",
        )
    except EntitiesForbidden:
        return None, Issue(
            filename,
            "le fichier XML déclare des entités (<!ENTITY …>), refusées par sécurité : un export Orébut n'en "
            "contient pas ; exportez de nouveau le fichier.",
        )
    except ExternalReferenceForbidden:
        return None, Issue(
            filename,
            "le fichier XML fait référence à une ressource externe, refusée par sécurité : "
            "exportez de nouveau le fichier.",
        )
    except DefusedXmlException as error:
        return None, Issue(filename, f"construction XML refusée par sécurité ({error}).")
    except ET.ParseError as error:
        line, column = getattr(error, "position", (0, 0))
        line += offset
        reason = str(error).split(":")[0]
        return None, Issue(
            f"{filename}, ligne {line}, colonne {column}",
            f"XML mal formé ({reason}) : le fichier est tronqué ou n'est pas un export XML ; "
            "vérifiez-le ou exportez-le de nouveau.",
        )
    except (ValueError, LookupError, RecursionError) as error:
        return None, Issue(filename, f"XML illisible ({error}) : vérifiez l'encodage et le contenu du fichier.")
    if not isinstance(root, ET.Element):
        return None, Issue(filename, "le fichier XML ne contient aucun élément.")
    return XmlDocument(filename, root, builder.lines), None
