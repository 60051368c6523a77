"""ScoDoc's formation export (« programme pédagogique », XML or JSON): formation › ue › matiere › module.

Scope: reading what another department built in ScoDoc, to help write a Délibé formation file. Pre-BUT
exports (DUT, ``type_parcours`` 100) attach each module to the UE that contains it, with one
``coefficient``. BUT exports (``type_parcours`` 700) give UEs a ``semestre_idx``, ``ects``, ``coef_rcue``,
``niveau_competence_id`` and a ``reference``, and modules (``module_type`` 2 = ressource, 3 = SAÉ) a list
``coefficients: [{ue_reference, coef}]`` towards the UEs of their semester.

Returns typed rows and located errors; writes nothing. Both layouts go through one reader: an XML
element and a JSON object are both "a node with values and children".
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from delibe.engine.model import Heures, ModuleKind
from delibe.imports._json import child_path, read_json, type_name
from delibe.imports._xml import XmlDocument, local_name, read_xml
from delibe.imports.results import Issue, Issues, ParseResult, listing

TYPE_PARCOURS_BUT = 700
# ScoDoc's ModuleType: 0 standard (pre-BUT), 1 malus, 2 ressource, 3 SAÉ.
MODULE_KINDS = {2: ModuleKind.RESSOURCE, 3: ModuleKind.SAE}
MODULE_TYPES = {0: "standard", 1: "malus", 2: "ressource", 3: "sae"}


@dataclass(frozen=True)
class ScodocUeRow:
    acronyme: str
    titre: str
    numero: int | None = None
    semestre: int | None = None  # BUT exports: semestre_idx
    ects: float | None = None
    coef_rcue: float | None = None
    niveau_competence_id: str | None = None
    reference: str | None = None  # what BUT module coefficients point to
    ue_code: str | None = None
    type: int = 0  # ScoDoc: 0 normale, 1 sport/culture (bonus)…
    place: str = ""


@dataclass(frozen=True)
class ScodocModuleRow:
    code: str
    titre: str
    ue: str  # acronyme of the UE the module sits under in the export
    matiere: str
    semestre: int | None
    module_type: int
    heures: Heures = field(default_factory=Heures)
    # UE acronyme -> coefficient (DUT: the enclosing UE only; BUT: from ``coefficients``)
    coefficients: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    abbrev: str = ""
    code_apogee: str = ""
    place: str = ""

    @property
    def kind(self) -> ModuleKind | None:
        """The Délibé kind for BUT modules; ``None`` for pre-BUT standard and malus modules."""
        return MODULE_KINDS.get(self.module_type)


@dataclass(frozen=True)
class ScodocFormationExport:
    acronyme: str
    titre: str
    titre_officiel: str
    type_parcours: int | None
    version: int | None
    formation_code: str
    ues: tuple[ScodocUeRow, ...]
    modules: tuple[ScodocModuleRow, ...]
    source_format: str  # "xml" | "json"
    filename: str

    @property
    def is_but(self) -> bool:
        return self.type_parcours == TYPE_PARCOURS_BUT


@dataclass
class _Node:
    values: Mapping[str, Any]
    place: str
    children: Callable[[str], list[_Node]]
    field_place: Callable[[str], str]  # where a given attribute (XML) or field (JSON) of this node is


class _Reader:
    def __init__(self) -> None:
        self.errors = Issues()
        self.warnings = Issues()
        self.known_references: str | None = None

    def error(self, node: _Node, key: str | None, message: str) -> None:
        self.errors.append(Issue(node.field_place(key) if key else node.place, message))

    def text(self, node: _Node, key: str, label: str, required: bool = False) -> str:
        value = node.values.get(key)
        if value is None or value == "":
            if required:
                self.error(node, key, f"{label} manquant : renseignez « {key} ».")
            return ""
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.error(node, key, f"{label} : attendu un texte, trouvé {type_name(value)}.")
            return ""
        return " ".join(str(value).split())

    def number(self, node: _Node, key: str, label: str) -> float | None:
        """A non-negative number; absent or empty -> None. ScoDoc writes "2.0"; a French "2,5" is accepted."""
        value = node.values.get(key)
        if value is None or value == "":
            return None
        number: float | None = None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            number = float(value)
        elif isinstance(value, str) and len(value) <= 30:
            try:
                number = float(value.strip().replace(",", "."))
            except ValueError:
                number = None
        if number is None or not math.isfinite(number) or number < 0:
            shown = value if isinstance(value, str) else type_name(value) if isinstance(value, (dict, list)) else value
            self.error(node, key, f"{label} : attendu un nombre positif ou nul, trouvé « {str(shown)[:40]} ».")
            return None
        return number

    def integer(self, node: _Node, key: str, label: str, low: int | None = None,
                high: int | None = None) -> int | None:
        number = self.number(node, key, label)
        if number is None:
            return None
        if not number.is_integer() or (low is not None and number < low) or (high is not None and number > high):
            bounds = f" entre {low} et {high}" if low is not None and high is not None else ""
            self.error(node, key, f"{label} : attendu un entier{bounds}, trouvé {number:g}.")
            return None
        return int(number)

    def formation(self, root: _Node, source_format: str, filename: str) -> ScodocFormationExport:
        ues: list[ScodocUeRow] = []
        ue_nodes: list[_Node] = []
        pending: list[tuple[_Node, ScodocUeRow, str, dict[str, Any]]] = []
        for ue_node in root.children("ue"):
            ue = ScodocUeRow(
                acronyme=self.text(ue_node, "acronyme", "acronyme de l'UE", required=True),
                titre=self.text(ue_node, "titre", "titre de l'UE"),
                numero=self.integer(ue_node, "numero", "numéro de l'UE"),
                semestre=self.integer(ue_node, "semestre_idx", "semestre de l'UE", 1, 6),
                ects=self.number(ue_node, "ects", "ECTS de l'UE"),
                coef_rcue=self.number(ue_node, "coef_rcue", "coefficient RCUE de l'UE"),
                niveau_competence_id=self.text(ue_node, "niveau_competence_id", "niveau de compétence") or None,
                reference=self.text(ue_node, "reference", "référence de l'UE") or None,
                ue_code=self.text(ue_node, "ue_code", "code de l'UE") or None,
                type=self.integer(ue_node, "type", "type de l'UE") or 0,
                place=ue_node.place,
            )
            ues.append(ue)
            ue_nodes.append(ue_node)
            for matiere in ue_node.children("matiere"):
                matiere_titre = self.text(matiere, "titre", "titre de la matière")
                for module in matiere.children("module"):
                    pending.append((module, ue, matiere_titre, {}))
        by_reference = {ue.reference: ue for ue in ues if ue.reference}
        seen_acronymes: dict[str, str] = {}
        for ue in ues:
            key = f"{ue.acronyme}@S{ue.semestre}" if ue.semestre else ue.acronyme
            if ue.acronyme and key in seen_acronymes:
                self.warnings.append(Issue(ue.place, f"UE « {ue.acronyme} » déjà définie en {seen_acronymes[key]}."))
            seen_acronymes.setdefault(key, ue.place)
        modules = [self.module(node, ue, matiere, by_reference) for node, ue, matiere, _ in pending]
        type_parcours = self.integer(root, "type_parcours", "type de parcours ScoDoc")
        if type_parcours == TYPE_PARCOURS_BUT:
            for ue, ue_node in zip(ues, ue_nodes, strict=True):
                if ue.semestre is None and ue.type == 0:
                    self.error(ue_node, "semestre_idx", "UE de BUT sans semestre : renseignez « semestre_idx » "
                                                        "(1 à 6).")
        return ScodocFormationExport(
            acronyme=self.text(root, "acronyme", "acronyme de la formation", required=True),
            titre=self.text(root, "titre", "titre de la formation"),
            titre_officiel=self.text(root, "titre_officiel", "titre officiel"),
            type_parcours=type_parcours,
            version=self.integer(root, "version", "version de la formation"),
            formation_code=self.text(root, "formation_code", "code de la formation"),
            ues=tuple(ues),
            modules=tuple(m for m in modules if m is not None),
            source_format=source_format,
            filename=filename,
        )

    def module(self, node: _Node, ue: ScodocUeRow, matiere: str,
               by_reference: Mapping[str, ScodocUeRow]) -> ScodocModuleRow | None:
        code = self.text(node, "code", "code du module", required=True)
        module_type = self.integer(node, "module_type", "type de module") or 0
        if module_type not in MODULE_TYPES:
            self.error(node, "module_type", f"type de module {module_type} inconnu (0 standard, 1 malus, "
                                            "2 ressource, 3 SAÉ).")
        semestre = self.integer(node, "semestre_id", "semestre du module", 1, 6)
        heures = Heures(
            cm=self.number(node, "heures_cours", "heures de cours") or 0,
            td=self.number(node, "heures_td", "heures de TD") or 0,
            tp=self.number(node, "heures_tp", "heures de TP") or 0,
        )
        coefficients: dict[str, float] = {}
        links = node.children("coefficients")  # BUT; a scalar ``coefficient`` is the pre-BUT form
        for link in links:
            reference = self.text(link, "ue_reference", "référence d'UE", required=True)
            coef = self.number(link, "coef", "coefficient")
            target = by_reference.get(reference)
            if reference and target is None:
                if self.known_references is None:  # once: many bad links must not each sort them all
                    self.known_references = listing(by_reference)
                known = self.known_references
                self.error(link, "ue_reference", f"le module {code or '?'} a un coefficient vers l'UE de référence "
                                                 f"« {reference} », absente de l'export (références connues : "
                                                 f"{known}).")
            elif target is not None and coef is not None:
                coefficients[target.acronyme] = coef
        if not links:
            own = self.number(node, "coefficient", "coefficient du module")
            if own is not None and ue.acronyme:
                coefficients[ue.acronyme] = own
        if not code:
            return None
        return ScodocModuleRow(
            code=code,
            titre=self.text(node, "titre", "titre du module"),
            ue=ue.acronyme,
            matiere=matiere,
            semestre=semestre,
            module_type=module_type,
            heures=heures,
            coefficients=MappingProxyType(coefficients),
            abbrev=self.text(node, "abbrev", "abréviation"),
            code_apogee=self.text(node, "code_apogee", "code Apogée"),
            place=node.place,
        )


def _xml_node(doc: XmlDocument, element: ET.Element) -> _Node:
    values = {local_name(k): v for k, v in element.attrib.items()}
    place = doc.path(element)
    return _Node(values, place, lambda name: [_xml_node(doc, c) for c in element if local_name(c.tag) == name],
                 lambda key: f"{place}, @{key}")


def _json_node(value: dict[str, Any], path: str, filename: str, reader: _Reader) -> _Node:
    def children(name: str) -> list[_Node]:
        items = value.get(name)
        if items is None:
            return []
        if isinstance(items, dict):
            items = [items]
        if not isinstance(items, list):
            reader.errors.append(Issue(f"{filename}, {child_path(path, name)}",
                                       f"attendu une liste, trouvé {type_name(items)}."))
            return []
        nodes = []
        for index, item in enumerate(items):
            where = child_path(child_path(path, name), index)
            if isinstance(item, dict):
                nodes.append(_json_node(item, where, filename, reader))
            else:
                reader.errors.append(Issue(f"{filename}, {where}", f"attendu un objet, trouvé {type_name(item)}."))
        return nodes

    return _Node(value, f"{filename}, {path}", children, lambda key: f"{filename}, {child_path(path, key)}")


def parse_scodoc_formation(data: bytes, filename: str) -> ParseResult[ScodocFormationExport]:
    """Read a ScoDoc formation export (XML or JSON, detected from the content); writes nothing."""
    reader = _Reader()
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<") or (not head and filename.lower().endswith(".xml")):
        doc, issue = read_xml(data, filename)
        if doc is None:
            return ParseResult(None, (issue,) if issue else ())
        if local_name(doc.root.tag) != "formation":
            return ParseResult(None, (Issue(doc.path(doc.root), f"élément racine <{local_name(doc.root.tag)}> "
                                                                "inattendu : un export ScoDoc de formation commence "
                                                                "par <formation>."),))
        root, source_format = _xml_node(doc, doc.root), "xml"
    else:
        value, issue = read_json(data, filename)
        if issue is not None:
            return ParseResult(None, (issue,))
        if isinstance(value, dict) and isinstance(value.get("formation"), dict):
            value = value["formation"]  # some exports wrap the object
            path = "$.formation"
        else:
            path = "$"
        if not isinstance(value, dict) or "ue" not in value:
            return ParseResult(None, (Issue(f"{filename}, {path}", "ce JSON n'est pas un export ScoDoc de formation "
                                                                   "(objet avec une liste « ue » attendu)."),))
        root, source_format = _json_node(value, path, filename, reader), "json"
    export = reader.formation(root, source_format, filename)
    return ParseResult(export, reader.errors.final(), reader.warnings.final())
