"""The « tableau récapitulatif » of a semester as a workbook (one sheet per parcours, frozen panes,
number formats) and as CSV. It renders what it is given — the engine's averages, the ranks among them,
the jury's codes — and computes none of them; numbers are written as the pages show them
(``format.note``: two decimals), so the workbook and the page agree."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from delibe.reports.format import note


@dataclass(frozen=True)
class RecapCode:
    proposed: str | None
    decided: str | None
    incomplet: bool = False  # no proposal: an average is undefined (never printed as AJ)

    @property
    def shown(self) -> str:
        """The jury's decision, else the proposal marked « * » (as the documents mark it), else
        « incomplet » when an undefined average leaves it without proposal."""
        if self.decided:
            return self.decided
        if self.proposed:
            return f"{self.proposed}*"
        return "incomplet" if self.incomplet else ""


@dataclass(frozen=True)
class RecapUE:
    moyenne: float | None
    rang: int | None
    effectif: int
    code: RecapCode | None = None


@dataclass(frozen=True)
class RecapRow:
    student_id: int
    nip: str
    nom: str
    prenom: str
    parcours: str
    groupe: str
    redoublant: bool
    modules: dict[str, float | None]
    ues: dict[str, RecapUE]
    rcues: dict[str, tuple[float | None, RecapCode]] = field(default_factory=dict)
    annee: RecapCode | None = None
    provisional: bool = False
    error: str = ""


@dataclass(frozen=True)
class RecapData:
    titre: str
    modules: Sequence[tuple[str, str]]  # (code, titre)
    ues: Sequence[str]
    rcues: Sequence[str]
    year_jury: bool
    rows: Sequence[RecapRow]

    def header(self) -> list[str]:
        cols = ["NIP", "Nom", "Prénom", "Parcours", "Groupe"]
        cols += [code for code, _ in self.modules]
        for ue in self.ues:
            cols += [f"{ue} moy.", f"{ue} rang", f"{ue} code"]
        for nom in self.rcues:
            cols += [f"RCUE {nom} moy.", f"RCUE {nom} code"]
        if self.year_jury:
            cols += ["Année proposé", "Année décidé"]
        return cols


def number(value: float | None) -> float | None:
    """The value as the pages display it (``format.note``), as a number for a spreadsheet."""
    if value is None:
        return None
    return float(note(value).replace(",", "."))


def _values(data: RecapData, row: RecapRow) -> list[object]:
    values: list[object] = [row.nip, row.nom, row.prenom, row.parcours, row.groupe]
    values += [number(row.modules.get(code)) for code, _ in data.modules]
    for ue in data.ues:
        cell = row.ues.get(ue)
        values += [number(cell.moyenne) if cell else None, cell.rang if cell else None,
                   cell.code.shown if cell and cell.code else None]
    for nom in data.rcues:
        rcue = row.rcues.get(nom)
        values += [number(rcue[0]) if rcue else None, rcue[1].shown if rcue else None]
    if data.year_jury:
        values += [row.annee.proposed if row.annee else None, row.annee.decided if row.annee else None]
    return values


def to_xlsx(data: RecapData) -> bytes:
    """One sheet per parcours (all the students on one sheet when there is one parcours), the header on
    row 2, panes frozen below it and right of the names, averages with two decimals, ranks as integers.
    Written in openpyxl's streaming mode (a 300-student semester is about 16 000 cells)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill
    from openpyxl.utils import get_column_letter

    header = data.header()
    averages = {i for i, h in enumerate(header) if h.endswith(" moy.")}
    averages |= set(range(5, 5 + len(data.modules)))
    ranks = {i for i, h in enumerate(header) if h.endswith(" rang")}
    parcours = sorted({r.parcours for r in data.rows}) or [""]
    wb = Workbook(write_only=True)
    average_style = NamedStyle(name="moyenne", number_format="0.00")
    rank_style = NamedStyle(name="rang", number_format="0")
    head_style = NamedStyle(name="entete", font=Font(bold=True), fill=PatternFill("solid", fgColor="E8EDF4"),
                            alignment=Alignment(wrap_text=True, vertical="top"))
    for style in (average_style, rank_style, head_style):
        wb.add_named_style(style)
    for name in parcours:
        ws = wb.create_sheet(_sheet_title(name or "Récapitulatif", wb.sheetnames))
        ws.freeze_panes = "D3"
        for col in range(1, len(header) + 1):
            ws.column_dimensions[get_column_letter(col)].width = {1: 12, 2: 18, 3: 14}.get(col, 9)
        title = WriteOnlyCell(ws, value=f"{data.titre}" + (f" — parcours {name}" if name else ""))
        title.font = Font(bold=True)
        ws.append([title])
        cells = []
        for text in header:
            cell = WriteOnlyCell(ws, value=text)
            cell.style = "entete"
            cells.append(cell)
        ws.append(cells)
        for row in data.rows:
            if name and row.parcours != name:
                continue
            line: list[object] = []
            for i, value in enumerate(_values(data, row)):
                if value is not None and (i in averages or i in ranks):
                    cell = WriteOnlyCell(ws, value=value)
                    cell.style = "moyenne" if i in averages else "rang"
                    line.append(cell)
                else:
                    line.append(value)
            ws.append(line)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _sheet_title(name: str, taken: list[str]) -> str:
    """A sheet title Excel accepts: at most 31 characters, none of []:*?/\\, unique."""
    clean = "".join("-" if c in "[]:*?/\\" else c for c in name)[:31] or "Parcours"
    title, n = clean, 2
    while title in taken:
        title = f"{clean[:28]} {n}"
        n += 1
    return title


def _safe(value: object) -> str:
    """A CSV cell a spreadsheet will not execute (=, +, -, @ at the start)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def to_csv(data: RecapData) -> str:
    """Semicolon-separated, numbers with a decimal comma (as the pages print them), UTF-8 with a BOM so
    that Excel reads the accents."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(data.header())
    for row in data.rows:
        writer.writerow([
            _safe(note(v).replace("—", "") if isinstance(v, float) else v) for v in _values(data, row)
        ])
    return out.getvalue()
