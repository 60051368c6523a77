"""The Apogée « maquette » file: reading its structure and filling its result columns. Pure: bytes in,
bytes out; the values come from the caller (``delibe.web.services.apogee_export``).

Layout (TAB-separated text, ISO-8859-1, CRLF), as Apogée exports it and ScoDoc fills it:

- ``XX-APO_TITRES-XX``: ``apoC_annee  2026/2027``, ``apoC_cod_dip``… one key and value per line;
- ``XX-APO_TYP_RES-XX``: the result codes the étape accepts (several lists);
- ``XX-APO_COLONNES-XX``: the fixed columns (``apoL_a01_code`` NIP, ``apoL_a02_nom``, ``apoL_a03_prenom``,
  ``apoL_a04_naissance``), then between ``APO_COL_VAL_DEB`` and ``APO_COL_VAL_FIN`` one line per result
  column: ``apoL_c0001  ELP  7WGA4  <version>  2026  0  1  N  <libellé>…`` — column id, object type
  (ELP élément, VET étape…), Apogée code, …, and the result type: N note, B barème, J points de jury,
  R résultat (code);
- ``XX-APO_VALEURS-XX``: a line of column ids, then one line per student, NIP first, result cells empty.

Filling writes only the result cells it has a value for; every other byte of the file is kept, and
students unknown to Délibé are left exactly as they were. The output is ISO-8859-1 with CRLF line ends.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from delibe.engine.jury import codes as jury_codes

MAX_BYTES = 5 * 1024 * 1024
SEP = "\t"
RESULT_TYPES = ("N", "B", "J", "R")

# Délibé decision code -> Apogée result code. Délibé uses the ADIUT/Apogée vocabulary of the BUT (the
# codes ScoDoc exports, docs/domain.md §5), so the default is the identity; a department whose étape
# lacks a code (the sample maquette has no CMP, ADSUP nor ADJR) maps it in its correspondance file, and
# the export warns about every written code absent from the maquette's XX-APO_TYP_RES-XX lists.
DEFAULT_CODES: dict[str, str] = {
    code: code for code in dict.fromkeys((*jury_codes.UE_ORDER, *jury_codes.RCUE_ORDER, *jury_codes.ANNEE_ORDER))
}


class ApogeeError(Exception):
    """The maquette or the correspondance cannot be used; the message (French) says where and what to fix."""


@dataclass(frozen=True)
class Column:
    id: str  # apoL_c0001
    type_objet: str  # ELP, VET…
    code: str  # the Apogée code of the element
    type_res: str  # N, B, J, R
    libelle: str = ""


@dataclass
class Maquette:
    lines: list[str]
    final_newline: bool
    columns: dict[str, Column]  # id -> column (the result columns, from XX-APO_COLONNES-XX)
    order: list[str]  # the column ids of the values header, in order
    values_start: int  # index of the first student line
    annee: str = ""
    result_codes: frozenset[str] = frozenset()
    converted_from_utf8: int = -1  # -1: read as ISO-8859-1; n >= 0: was UTF-8, n characters replaced
    warnings: list[str] = field(default_factory=list)

    @property
    def fixed(self) -> int:
        return sum(1 for c in self.order if c not in self.columns)

    @property
    def result_ids(self) -> list[str]:
        return [c for c in self.order if c in self.columns]

    def element_codes(self) -> list[str]:
        seen: dict[str, None] = {}
        for column_id in self.result_ids:
            seen.setdefault(self.columns[column_id].code)
        return list(seen)

    def libelles(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for column in self.columns.values():
            if column.libelle and column.code not in out:
                out[column.code] = column.libelle
        return out

    def student_lines(self) -> dict[str, int]:
        """NIP -> line index, for the student lines of XX-APO_VALEURS-XX."""
        out: dict[str, int] = {}
        for index in range(self.values_start, len(self.lines)):
            nip = self.lines[index].split(SEP, 1)[0].strip()
            if nip and not nip.startswith("XX-"):
                out.setdefault(nip, index)
        return out


def _decode(data: bytes) -> tuple[str, int]:
    """ISO-8859-1 unless the file is valid UTF-8 with non-ASCII characters (a maquette re-saved by an
    editor): then it is converted, characters ISO-8859-1 lacks becoming « ? » (the count is returned)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1"), -1
    if text.isascii():
        return text, -1
    text = text.lstrip("\ufeff")
    replaced = sum(1 for c in text if ord(c) > 0xFF)
    return "".join(c if ord(c) <= 0xFF else "?" for c in text), replaced


def read_maquette(data: bytes) -> Maquette:
    if len(data) > MAX_BYTES:
        raise ApogeeError(f"maquette trop volumineuse ({len(data) // 1024} Ko, au plus {MAX_BYTES // 1024} Ko).")
    if b"\x00" in data:
        raise ApogeeError("ce fichier n'est pas une maquette Apogée (fichier binaire) : déposez le fichier texte "
                          "exporté d'Apogée (.txt).")
    text, replaced = _decode(data)
    final_newline = text.endswith(("\n", "\r"))
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if final_newline:
        lines.pop()
    sections = {line.strip(): i for i, line in enumerate(lines) if line.strip().startswith("XX-APO_")}
    for name in ("XX-APO_COLONNES-XX", "XX-APO_VALEURS-XX"):
        if name not in sections:
            raise ApogeeError(f"section « {name} » absente : ce n'est pas une maquette Apogée complète "
                              "(sections XX-APO_TITRES-XX, XX-APO_COLONNES-XX, XX-APO_VALEURS-XX attendues).")
    annee = ""
    for line in lines[: sections["XX-APO_COLONNES-XX"]]:
        parts = line.split(SEP)
        if parts[0].strip() == "apoC_annee" and len(parts) > 1:
            annee = parts[1].strip()
    codes: set[str] = set()
    if "XX-APO_TYP_RES-XX" in sections:
        for line in lines[sections["XX-APO_TYP_RES-XX"] + 1: sections["XX-APO_COLONNES-XX"]]:
            parts = [p.strip() for p in line.split(SEP)]
            if parts and parts[0].isdigit():
                codes.update(p for p in parts[1:] if p)
    columns: dict[str, Column] = {}
    inside = False
    for number, line in enumerate(lines[sections["XX-APO_COLONNES-XX"] + 1: sections["XX-APO_VALEURS-XX"]],
                                  start=sections["XX-APO_COLONNES-XX"] + 2):
        parts = line.split(SEP)
        head = parts[0].strip()
        if head == "APO_COL_VAL_DEB":
            inside = True
        elif head == "APO_COL_VAL_FIN":
            inside = False
        elif inside and head.startswith("apoL_c"):
            if len(parts) < 8 or parts[7].strip() not in RESULT_TYPES:
                raise ApogeeError(f"ligne {number} : colonne {head} mal formée (attendu « {head} ⇥ type ⇥ code ⇥ "
                                  "version ⇥ année ⇥ session ⇥ admission ⇥ N|B|J|R ⇥ libellé »).")
            columns[head] = Column(head, parts[1].strip(), parts[2].strip(), parts[7].strip(),
                                   parts[8].strip() if len(parts) > 8 else "")
    header_index = sections["XX-APO_VALEURS-XX"] + 1
    if header_index >= len(lines) or not lines[header_index].startswith("apoL_a01_code"):
        raise ApogeeError(f"ligne {header_index + 1} : la section XX-APO_VALEURS-XX doit commencer par la ligne "
                          "des colonnes (apoL_a01_code ⇥ apoL_a02_nom …).")
    order = [c.strip() for c in lines[header_index].split(SEP)]
    while order and not order[-1]:
        order.pop()
    unknown = [c for c in order if c.startswith("apoL_c") and c not in columns]
    if unknown:
        raise ApogeeError(f"ligne {header_index + 1} : colonne(s) {', '.join(unknown[:5])} sans définition dans "
                          "XX-APO_COLONNES-XX.")
    if not columns:
        raise ApogeeError("aucune colonne de résultat (apoL_c…) dans XX-APO_COLONNES-XX : la maquette est vide.")
    return Maquette(lines, final_newline, columns, order, header_index + 1, annee, frozenset(codes), replaced)


def format_note(value: float) -> str:
    """Two decimals, decimal comma, half up: 12.345 → « 12,35 »; no rounding before any comparison is
    involved here, this is only the display Apogée receives."""
    return str(Decimal(repr(float(value))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)).replace(".", ",")


def fill(maquette: Maquette, values: Mapping[str, Mapping[tuple[str, str], str]]) -> tuple[bytes, list[str]]:
    """Writes ``values[nip][(element code, result type)]`` into the student lines; returns the file
    (ISO-8859-1, CRLF) and warnings. A cell without a value keeps its content; NIPs absent from
    ``values`` keep their line byte for byte."""
    warnings: list[str] = []
    lines = list(maquette.lines)
    result_ids = maquette.result_ids
    n_results = len(result_ids)
    fixed = maquette.fixed
    for nip, line_index in maquette.student_lines().items():
        wanted = values.get(nip)
        if not wanted:
            continue
        fields = lines[line_index].split(SEP)
        if len(fields) >= fixed + n_results:
            start = fixed
        elif len(fields) - n_results >= 1:
            start = len(fields) - n_results  # fixed columns merged (e.g. nom and prénom in one field)
            warnings.append(f"ligne {line_index + 1} ({nip}) : {len(fields) - n_results} colonne(s) fixe(s) au lieu "
                            f"de {fixed} ; les résultats sont alignés sur les {n_results} dernières colonnes.")
        else:
            warnings.append(f"ligne {line_index + 1} ({nip}) : trop peu de colonnes ({len(fields)}) ; ligne laissée "
                            "telle quelle.")
            continue
        for offset, column_id in enumerate(result_ids):
            column = maquette.columns[column_id]
            value = wanted.get((column.code, column.type_res))
            if value is not None:
                fields[start + offset] = value
        lines[line_index] = SEP.join(fields)
    text = "\r\n".join(lines) + ("\r\n" if maquette.final_newline else "")
    return text.encode("latin-1", errors="replace"), warnings


# --- the correspondance Délibé → Apogée -----------------------------------------------------------------

@dataclass(frozen=True)
class Correspondance:
    """``elements``: Délibé object → Apogée element code. Keys: a UE code (« UE4.1 », its average and
    code), a competence nom_court (its RCUE: « Comprendre »), « BUT2 » (the year code), « S4 » (the
    semester, indicative average only). ``codes``: Délibé decision code → Apogée result code.
    ``bareme``: what goes into B columns."""

    elements: Mapping[str, str] = field(default_factory=dict)
    codes: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_CODES))
    bareme: str = "20"
    deviner: bool = True  # associate unmapped elements by their libellé (« Comprend … S4 »), with a warning


def load_mapping(data: bytes, filename: str = "correspondance") -> Correspondance:
    """Reads a YAML or JSON correspondance file (docs/interop.md)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ApogeeError(f"{filename} : encodage illisible, enregistrez le fichier en UTF-8.") from None
    try:
        if filename.lower().endswith(".json") or text.lstrip().startswith("{"):
            document: Any = json.loads(text)
        else:
            import yaml

            document = yaml.safe_load(text)
    except Exception as error:  # noqa: BLE001 (yaml and json raise many kinds)
        raise ApogeeError(f"{filename} : fichier illisible ({str(error).splitlines()[0][:200]}).") from None
    if document is None:
        document = {}
    if not isinstance(document, dict):
        raise ApogeeError(f"{filename} : attendu un dictionnaire avec « elements » et « codes ».")
    unknown = set(document) - {"elements", "codes", "bareme", "deviner"}
    if unknown:
        raise ApogeeError(f"{filename} : clé(s) inconnue(s) {', '.join(sorted(map(str, unknown)))} (clés : elements, "
                          "codes, bareme, deviner).")
    out: dict[str, dict[str, str]] = {}
    for key in ("elements", "codes"):
        section = document.get(key) or {}
        if not isinstance(section, dict) or not all(isinstance(k, (str, int)) and isinstance(v, (str, int))
                                                    for k, v in section.items()):
            raise ApogeeError(f"{filename}, « {key} » : attendu des paires « clé: valeur » (texte).")
        out[key] = {str(k).strip(): str(v).strip() for k, v in section.items()}
    bareme = document.get("bareme", 20)
    if isinstance(bareme, bool) or not isinstance(bareme, (int, float, str)):
        raise ApogeeError(f"{filename}, « bareme » : attendu un nombre (20).")
    deviner = document.get("deviner", True)
    if not isinstance(deviner, bool):
        raise ApogeeError(f"{filename}, « deviner » : attendu true ou false.")
    return Correspondance(out["elements"], {**DEFAULT_CODES, **out["codes"]}, str(bareme).replace(".", ","), deviner)


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if c.isalnum() and not unicodedata.combining(c))


def guess_elements(libelles: Mapping[str, str], competences: list[str], semestres: list[int]) -> dict[str, str]:
    """Apogée code -> competence nom_court, for libellés like « 7WGA4 - Comprend stratégie com S4 »: a word
    of at least 4 letters that begins exactly one competence name, and « S<n> » naming a semester of the
    export. What cannot be guessed surely is left out."""
    folded = {c: _fold(c) for c in competences}
    out: dict[str, str] = {}
    for code, libelle in libelles.items():
        text = libelle.split(" - ", 1)[-1]
        words = "".join(ch if ch.isalnum() else " " for ch in text).split()
        if not any(w.upper() == f"S{s}" for w in words for s in semestres):
            continue
        matches = {c for w in words if len(_fold(w)) >= 4 for c, f in folded.items() if f.startswith(_fold(w))}
        if len(matches) == 1:
            out[code] = matches.pop()
    return out
