"""Bounds on every uploaded file, checked before a parser loads it (issue 19).

A spreadsheet (.xlsx) is a zip of XML parts. Its size on the wire says little: 1 MB of zip can declare
500 MB of XML, and a reader loads the whole shared-strings table. So before a
reader sees a workbook, ``check_xlsx``:

1. reads the zip's directory only: at most ``members`` parts, each declaring at most ``member_bytes``
   uncompressed, ``total_bytes`` in all, and a part above ``ratio_floor`` bytes compressed at most
   ``ratio`` times (a zip bomb is a part of 1 kB that declares 1 GB);
2. streams every part through expat (no DTD, no entity: an XML bomb stops at once), never reading more
   than the part declares (``zipfile`` refuses a part that holds more), and stops past the first bound:
   ``shared_strings`` entries (<si>), ``rows`` (<row>), ``cells`` (<c>), ``columns`` cells in one row,
   ``elements`` XML elements in all (the CPU bound: one Python call per element), and the ``area`` a
   sheet uses (last row × last column, positions computed as a reader does).

Only then does a reader open the file (``imports.xlsx``, python-calamine: it builds the used area in
memory, hence the area bound; ADR 0016), and it reads a bounded number of rows. A CSV is decoded at once
(5 MB at most) and read by ``csv`` line by line, stopping past its row limit.

The cost of the worst files below the upload limit is measured in tests/trust/test_upload_bombs.py and
docs/benchmarks.md (« Fichiers hostiles »): under 2 s of CPU and 200 MB of memory.

Errors shown to the user are capped: the first ``MAX_ERRORS`` with a count of the others
(``cap_errors``), so that a sheet of 100 000 bad rows answers with a short page.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar
from xml.parsers import expat

# The web server refuses a request body above this (delibe.web.audit.middleware.UploadLimitMiddleware).
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# Problems shown for one file; the others are counted.
MAX_ERRORS = 50

_MAIN_NS = ("http://schemas.openxmlformats.org/spreadsheetml/2006/main",
            "http://purl.oclc.org/ooxml/spreadsheetml/main")
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class SheetLimits:
    """What one uploaded workbook may hold. The defaults fit a list of 5 000 students with 60 columns."""

    rows: int = 5_100
    columns: int = 1_000  # cells written in one row (Excel may write empty formatted cells far right)
    # openpyxl reads about 30 000 cells a second here: 50 000 keeps the worst file near 2 s of CPU
    # (5 000 students with 10 columns, or 1 000 with 50).
    cells: int = 50_000
    shared_strings: int = 60_000
    elements: int = 400_000
    # The used area of a sheet (last row × last column written): a reader builds it whole, so one cell
    # written at XFD1048576 would make it 17 billion cells. 1 000 000 cells: a few tens of MB at most.
    area: int = 1_000_000
    members: int = 200
    member_bytes: int = 30 * 1024 * 1024
    total_bytes: int = 40 * 1024 * 1024
    ratio: int = 100
    ratio_floor: int = 1024 * 1024


# The grade sheet of one evaluation: a few hundred students, six columns (a few more tolerated).
GRADE_SHEET = SheetLimits(rows=5_100, cells=40_000, shared_strings=40_000, elements=300_000)
STUDENTS = SheetLimits()


class LimitExceeded(Exception):
    """A bound was passed: the message says which, in French, for the person who uploaded the file."""


def _n(value: int) -> str:
    return f"{value:,}".replace(",", " ")


def _mo(value: int) -> str:
    return f"{value / (1024 * 1024):.0f} Mo"


_REF = re.compile(r"^([A-Za-z]{1,3})([0-9]{1,7})$")


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


class _Scan:
    def __init__(self, limits: SheetLimits) -> None:
        self.limits = limits
        self.elements = self.rows = self.cells = self.strings = self.row_cells = 0
        self.part()

    def part(self) -> None:
        """A new part of the zip: positions start again (each sheet has its own area)."""
        self.row_no = self.col_no = self.last_row = self.last_col = 0

    def _position(self, row: int, col: int) -> None:
        """Tracks the sheet's used area as a reader computes it (a cell without ``r`` follows the previous
        one, a row without ``r`` the previous row) and refuses one that a reader could not build."""
        self.row_no, self.col_no = row, col
        self.last_row, self.last_col = max(self.last_row, row), max(self.last_col, col)
        if self.last_row * self.last_col > self.limits.area:
            raise LimitExceeded(
                f"la zone utilisée de la feuille va jusqu'à la ligne {_n(self.last_row)} et la colonne "
                f"{_n(self.last_col)} ({_n(self.last_row * self.last_col)} cases, {_n(self.limits.area)} au plus) : "
                "supprimez les cellules écrites loin de la liste (Ctrl+Fin montre la dernière).")

    def start(self, name: str, attrs: object) -> None:
        self.elements += 1
        if self.elements > self.limits.elements:
            raise LimitExceeded(f"plus de {_n(self.limits.elements)} éléments XML : ce classeur est trop "
                                "complexe pour une liste ou une feuille de notes.")
        ns, _, local = name.rpartition(" ")
        if ns not in _MAIN_NS:
            return
        if local == "c":
            ref = _REF.match(str(attrs.get("r", "")))  # type: ignore[attr-defined]  # expat gives a dict
            if ref:
                self._position(int(ref.group(2)), _column_number(ref.group(1)))
            else:
                self._position(max(self.row_no, 1), self.col_no + 1)
            self.cells += 1
            self.row_cells += 1
            if self.cells > self.limits.cells:
                raise LimitExceeded(f"plus de {_n(self.limits.cells)} cellules : gardez seulement les "
                                    "colonnes utiles, ou découpez la liste.")
            if self.row_cells > self.limits.columns:
                raise LimitExceeded(f"une ligne a plus de {_n(self.limits.columns)} cellules : supprimez les "
                                    "colonnes inutiles.")
        elif local == "row":
            self.rows += 1
            self.row_cells = 0
            number = str(attrs.get("r", ""))  # type: ignore[attr-defined]  # expat gives a dict
            self._position(int(number) if number.isdigit() and len(number) < 8 else self.row_no + 1, 0)
            if self.rows > self.limits.rows:
                raise LimitExceeded(f"plus de {_n(self.limits.rows)} lignes : ce n'est pas une liste "
                                    "d'étudiants ni une feuille de notes (découpez le fichier).")
        elif local == "si":
            self.strings += 1
            if self.strings > self.limits.shared_strings:
                raise LimitExceeded(f"plus de {_n(self.limits.shared_strings)} textes différents "
                                    "(table des chaînes partagées) : ce classeur n'est pas une liste ni une "
                                    "feuille de notes.")


def _refuse_dtd(*_args: object) -> None:
    raise LimitExceeded("déclaration XML interdite (DTD ou entité) : ce n'est pas un classeur Excel ordinaire.")


def _scan_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, scan: _Scan) -> None:
    scan.part()
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = scan.start
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    parser.ExternalEntityRefHandler = _refuse_dtd  # type: ignore[assignment]  # expat handler attribute typed as a fixed callable
    read = 0
    with archive.open(info) as stream:
        while chunk := stream.read(_CHUNK):
            read += len(chunk)
            if read > info.file_size:  # zipfile stops at the declared size; belt and braces
                raise LimitExceeded(f"la partie {info.filename[:80]} contient plus qu'elle ne déclare.")
            parser.Parse(chunk, False)
        parser.Parse(b"", True)


def _is_xml(info: zipfile.ZipInfo) -> bool:
    name = info.filename.lower()
    return not info.is_dir() and (name.endswith((".xml", ".rels", ".vml")) or "." not in name.rsplit("/", 1)[-1])


def check_xlsx(data: bytes, limits: SheetLimits = STUDENTS) -> None:
    """Raises ``LimitExceeded`` (French message) if the workbook passes a bound, ``zipfile.BadZipFile`` if
    it is not a readable zip. Reads the parts as a stream: its cost is bounded by ``limits``."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise LimitExceeded(f"fichier trop volumineux ({len(data) // 1024} Ko ; {_mo(MAX_UPLOAD_BYTES)} au plus).")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise zipfile.BadZipFile(str(error)) from None
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.members:
            raise LimitExceeded(f"le classeur contient {_n(len(infos))} parties ({_n(limits.members)} au plus) : "
                                "ce n'est pas un classeur ordinaire.")
        total = 0
        for info in infos:
            total += info.file_size
            if info.file_size > limits.member_bytes or total > limits.total_bytes:
                raise LimitExceeded(
                    f"une fois décompressé, le classeur ferait plus de {_mo(limits.total_bytes)} "
                    f"(partie {info.filename[:80]} : {_mo(info.file_size)}) : enregistrez seulement la liste "
                    "utile, sans images ni onglets ajoutés.")
            if info.file_size > limits.ratio_floor and info.file_size > limits.ratio * max(1, info.compress_size):
                raise LimitExceeded(
                    f"la partie {info.filename[:80]} se décompresse {info.file_size // max(1, info.compress_size)} "
                    f"fois (au plus {limits.ratio}) : ce fichier ressemble à une « bombe zip », il est refusé.")
        scan = _Scan(limits)
        for info in infos:
            if not _is_xml(info):
                continue
            try:
                _scan_member(archive, info, scan)
            except (expat.ExpatError, zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError) as error:
                raise zipfile.BadZipFile(str(error)) from None


T = TypeVar("T")


def cap_errors(errors: Sequence[T], summary: Callable[[int], T], limit: int = MAX_ERRORS) -> list[T]:
    """The first ``limit`` errors, then one made by ``summary(count of the others)``."""
    if len(errors) <= limit:
        return list(errors)
    return [*errors[:limit], summary(len(errors) - limit)]


def others(count: int) -> str:
    return f"… et {_n(count)} autre(s) erreur(s) non détaillée(s) : corrigez d'abord celles-ci."
