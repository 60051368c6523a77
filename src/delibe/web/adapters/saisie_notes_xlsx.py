"""The grade spreadsheet, in ScoDoc's layout (sheet « Saisie notes »), out and back in.

Layout (docs/interop.md, § 5): a header row with A = ``!<evaluation_id>``, B Nom, C Prénom,
D Groupe, E ``Note sur <max>``, F Remarque; then one row per student with A = ``!<student id>``. Values:
a number (comma accepted), ABS (counts 0), EXC (neutralised), ATT (pending), SUPR (delete the grade),
empty = unchanged. Rows whose column A does not start with « ! » are comments and are ignored.

This module is an adapter: ``parse_grade_sheet`` returns typed rows plus errors (row, column, reason)
and writes nothing; applying them is ``services.grades.import_sheet``'s job, all or nothing.
"""

from __future__ import annotations

import io
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from delibe.imports import limits, xlsx
from delibe.reports.cells import neutralise_workbook
from delibe.web import values

SHEET_TITLE = "Saisie notes"
SPECIALS = ("ABS", "EXC", "ATT")
MAX_BYTES = limits.MAX_UPLOAD_BYTES


@dataclass(frozen=True)
class SheetRow:
    """One student's line. ``action`` is ``set`` (value or special), ``delete`` (SUPR) or ``unchanged``."""

    row: int
    student_key: str
    action: str
    value: Decimal | None = None
    special: str = ""


@dataclass(frozen=True)
class SheetError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"ligne {self.row}, colonne {self.column} : {self.message}"


@dataclass(frozen=True)
class SheetParse:
    evaluation_key: str | None
    rows: tuple[SheetRow, ...] = ()
    errors: tuple[SheetError, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class StudentLine:
    key: str
    nom: str
    prenom: str
    groupe: str
    current: float | str | None  # today's value: a number, "ABS"/"EXC"/"ATT", or None


def _fmt_number(value: float) -> str:
    return (f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))).replace(".", ",")


def parse_value(raw: object, note_max: float) -> tuple[str, Decimal | None, str, str | None]:
    """(action, value, special, error) for one cell. The number itself is read by ``web.values.number``,
    the one validation shared by the grid, this import and the API (no exponent, no inf/nan)."""
    if raw is None:
        return "unchanged", None, "", None
    if isinstance(raw, bool):
        return "", None, "", f"« {raw} » n'est pas une note."
    if isinstance(raw, int | float):
        text = repr(raw)
    else:
        text = str(raw).strip()
        if not text:
            return "unchanged", None, "", None
        upper = text.upper()
        if upper in SPECIALS:
            return "set", None, upper, None
        if upper == "SUPR":
            return "delete", None, "", None
    try:
        number = values.number(raw, "note")
    except values.ValueProblem:
        return "", None, "", (
            f"« {text[:40]} » n'est pas une note : écrivez un nombre (virgule acceptée, sans exposant), ABS, "
            "EXC, ATT, SUPR, ou laissez vide."
        )
    if number < 0 or number > Decimal(str(note_max)):
        return "", None, "", (
            f"{values.fmt(number)} est hors de l'échelle : la note doit être entre 0 et {values.fmt(note_max)}."
        )
    if number != number.quantize(Decimal("0.01")):
        return "", None, "", f"{text[:40]} a plus de deux décimales."
    return "set", number.quantize(Decimal("0.01")), "", None


def parse_grade_sheet(
    data: bytes, *, evaluation_key: str, note_max: float, known_students: Collection[str] | None = None
) -> SheetParse:
    """Reads a workbook and returns every student row and every error; never raises on bad input."""
    unreadable = SheetParse(None, errors=(SheetError(
        0, "-", "Ce fichier n'est pas un classeur Excel (.xlsx) lisible : téléchargez la feuille depuis "
        "Délibé, remplissez-la et renvoyez-la au format .xlsx.",
    ),))
    if len(data) > MAX_BYTES:
        return SheetParse(None, errors=(SheetError(0, "-", "Fichier trop volumineux (5 Mo au plus)."),))
    try:
        cells = xlsx.read_rows(data, limits.GRADE_SHEET, max_rows=limits.GRADE_SHEET.rows, max_columns=6,
                               sheet=SHEET_TITLE)
    except limits.LimitExceeded as error:
        return SheetParse(None, errors=(SheetError(0, "-", f"Fichier refusé : {error}"),))
    except xlsx.Unreadable:
        return unreadable
    return _parse_rows(cells, evaluation_key, note_max, known_students)


def _parse_rows(rows_in: list[list[object]], evaluation_key: str, note_max: float,
                known_students: Collection[str] | None) -> SheetParse:
    header_key: str | None = None
    rows: list[SheetRow] = []
    errors: list[SheetError] = []
    seen: dict[str, int] = {}
    for number, cells in enumerate(rows_in, start=1):
        first = cells[0] if cells else None
        if not isinstance(first, str) or not first.strip().startswith("!"):
            continue
        key = first.strip()[1:].strip()
        if header_key is None:
            header_key = key
            if key != evaluation_key:
                errors.append(SheetError(number, "A", (
                    f"cette feuille est celle de l'évaluation « {key} », pas de « {evaluation_key} » : "
                    "téléchargez la feuille de cette évaluation."
                )))
            continue
        if key in seen:
            errors.append(SheetError(number, "A", f"l'étudiant « {key} » figure déjà ligne {seen[key]}."))
            continue
        seen[key] = number
        if known_students is not None and key not in known_students:
            errors.append(SheetError(number, "A", (
                f"l'identifiant « {key} » n'est pas celui d'un étudiant inscrit à ce semestre : ne modifiez "
                "pas la colonne A."
            )))
            continue
        raw = cells[4] if len(cells) > 4 else None
        action, value, special, error = parse_value(raw, note_max)
        if error:
            errors.append(SheetError(number, "E", error))
            continue
        rows.append(SheetRow(number, key, action, value, special))
    if header_key is None:
        errors.insert(0, SheetError(0, "A", (
            "aucune ligne d'en-tête « !<évaluation> » en colonne A : ce n'est pas une feuille de saisie "
            "Délibé/ScoDoc."
        )))
    shown = limits.cap_errors(errors, lambda n: SheetError(0, "-", limits.others(n)))
    return SheetParse(header_key, tuple(rows), tuple(shown))


def build_grade_sheet(
    *, evaluation_key: str, title: str, note_max: float, lines: Sequence[StudentLine]
) -> bytes:
    """The sheet to download: one row per student, the current value in column E."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    sheet.append([title])
    sheet.append(["Valeurs : nombre (virgule acceptée), ABS, EXC, ATT, SUPR ; vide = inchangé."])
    sheet.append([f"!{evaluation_key}", "Nom", "Prénom", "Groupe", f"Note sur {_fmt_number(note_max)}",
                  "Remarque"])
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for line in lines:
        sheet.append([f"!{line.key}", line.nom, line.prenom, line.groupe, line.current if line.current != "" else None, ""])
    for column, width in zip("ABCDEF", (14, 24, 20, 10, 12, 30), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    neutralise_workbook(workbook)  # a student named « =1+1 » stays a name (reports/cells.py)
    workbook.save(buffer)
    return buffer.getvalue()
