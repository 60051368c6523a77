"""The procès-verbal (PV) of a semester or year jury, as HTML, PDF (A4 landscape) and XLSX.

Scope: docs/domain.md §5–6 and the Arrêté du 15 avril 2022, annexe 1, §4.6 (the jury, presided by the
IUT director, meets every semester; the year jury decides UEs, RCUEs, the year and the diplomas). One
row per student: UE and RCUE averages and codes, the year code, ECTS, diplomas; the jury's date,
president and members; summary statistics (computed by the caller); signature blocks.
"""

from __future__ import annotations

import io
from typing import Any

from delibe.engine.exact import arrondi
from delibe.engine.jury import codes as jury_codes
from delibe.reports import codes
from delibe.reports.cells import neutralise_workbook
from delibe.reports.data import PVCell, PVData
from delibe.reports.format import date_fr
from delibe.reports.render import document_context, html_to_pdf, render_html

TEMPLATE = "reports/pv.html"
VALIDATING = jury_codes.VALIDATING | jury_codes.YEAR_VALIDATING


def codes_shown(data: PVData) -> list[str]:
    found: list[str | None] = []
    for row in data.rows:
        found += [c.code for c in row.ues.values()] + [c.code for c in row.rcues.values()] + [row.code_annee]
    return [c for c in found if c]


def _cell(cell: PVCell | None) -> dict[str, Any]:
    if cell is None:
        return {"moyenne": None, "code": None, "ok": False, "vide": True}
    return {"moyenne": cell.moyenne, "code": cell.code, "ok": cell.code in VALIDATING, "vide": False}


def context(data: PVData) -> dict[str, Any]:
    rows = [
        {
            "row": row,
            "numero": i,
            "ues": [_cell(row.ues.get(c.key)) for c in data.ue_columns],
            "rcues": [_cell(row.rcues.get(c.key)) for c in data.rcue_columns],
        }
        for i, row in enumerate(data.rows, 1)
    ]
    stats = data.stats
    return document_context(
        data.config,
        titre=data.titre,
        data=data,
        formation=data.formation,
        annee_universitaire=data.annee_universitaire,
        rows=rows,
        stats=stats,
        codes_annee=sorted(stats.codes_annee.items()) if stats else [],
        codes_ue=sorted(stats.codes_ue.items()) if stats else [],
        diplomes=sorted(stats.diplomes.items()) if stats else [],
        moyennes_colonnes=[(c.libelle, stats.moyennes_ue.get(c.key)) for c in data.ue_columns + data.rcue_columns
                           if stats and c.key in stats.moyennes_ue],
        has_annee=any(r.code_annee for r in data.rows),
        glossaire=codes.glossary_for(codes_shown(data)),
        niveaux_explication=codes.NIVEAUX_EXPLICATION,
        date_signature=data.date_jury,
        signataire_nom=data.president,
    )


def to_html(data: PVData) -> str:
    return render_html(TEMPLATE, context(data))


def to_pdf(data: PVData) -> bytes:
    return html_to_pdf(to_html(data))


def to_xlsx(data: PVData) -> bytes:
    """The PV as a workbook: sheet « PV » (one row per student, a column per average and per code, so
    that a spreadsheet can sort and filter), « Statistiques » and « Codes »."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "PV"
    bold = Font(bold=True)
    ws.append([f"{data.config.etablissement} — {data.config.departement}".strip(" —")])
    ws.append([f"{data.titre} — {data.formation} — {data.annee_universitaire}"])
    ws.append([f"Jury du {date_fr(data.date_jury)}" + (f" à {data.lieu}" if data.lieu else "")
               + f", présidé par {data.president}"])
    ws.append(["Membres: " + ", ".join(data.membres)])
    for r in range(1, 5):
        ws.cell(r, 1).font = bold
    ws.append([])
    header = ["N°", "Nom", "Prénom", "N° étudiant", "Parcours"]
    for c in data.ue_columns:
        header += [f"{c.libelle} moy.", f"{c.libelle} code"]
    for c in data.rcue_columns:
        header += [f"RCUE {c.libelle} moy.", f"RCUE {c.libelle} code"]
    if any(r.code_annee for r in data.rows):
        header.append("Année")
    header += ["ECTS", "ECTS cumulés", "Diplômes", "Observations"]
    ws.append(header)
    header_row = ws.max_row
    fill = PatternFill("solid", fgColor="E8EDF4")
    for col in range(1, len(header) + 1):
        cell = ws.cell(header_row, col)
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for i, row in enumerate(data.rows, 1):
        values: list[Any] = [i, row.etudiant.nom, row.etudiant.prenom, row.etudiant.numero, row.parcours]
        for c in data.ue_columns:
            cell = row.ues.get(c.key)
            values += [_round(cell.moyenne) if cell else None, cell.code if cell else None]
        for c in data.rcue_columns:
            cell = row.rcues.get(c.key)
            values += [_round(cell.moyenne) if cell else None, cell.code if cell else None]
        if any(r.code_annee for r in data.rows):
            values.append(row.code_annee)
        values += [row.ects_annee, row.ects_cumul, ", ".join(row.diplomes), row.observations]
        ws.append(values)
    for col in range(6, len(header) + 1):
        for r in range(header_row + 1, ws.max_row + 1):
            if isinstance(ws.cell(r, col).value, float):
                ws.cell(r, col).number_format = "0.00"
    ws.freeze_panes = ws.cell(header_row + 1, 4)
    widths = {1: 5, 2: 18, 3: 14, 4: 12, 5: 10}
    for col in range(1, len(header) + 1):
        ws.column_dimensions[get_column_letter(col)].width = widths.get(col, 9)
    ws.column_dimensions[get_column_letter(len(header))].width = 40

    st = wb.create_sheet("Statistiques")
    st.append(["Statistiques du jury"])
    st.cell(1, 1).font = bold
    if data.stats:
        st.append(["Effectif", data.stats.effectif])
        for title, mapping in (("Décisions d'année", data.stats.codes_annee), ("Décisions d'UE", data.stats.codes_ue),
                               ("Diplômes", data.stats.diplomes)):
            if mapping:
                st.append([])
                st.append([title])
                st.cell(st.max_row, 1).font = bold
                for code, count in sorted(mapping.items()):
                    st.append([code, count, codes.libelle(code)])
        if data.stats.moyennes_ue:
            st.append([])
            st.append(["Moyenne de la promotion"])
            st.cell(st.max_row, 1).font = bold
            labels = {c.key: c.libelle for c in data.ue_columns + data.rcue_columns}
            for key, value in data.stats.moyennes_ue.items():
                st.append([labels.get(key, key), _round(value)])
    st.column_dimensions["A"].width = 28
    st.column_dimensions["C"].width = 45

    gl = wb.create_sheet("Codes")
    gl.append(["Code", "Libellé", "S'applique à", "Explication"])
    for col in range(1, 5):
        gl.cell(1, col).font = bold
    for info in codes.glossary_for(codes_shown(data)):
        gl.append([info.code, info.libelle, info.niveaux_libelle, info.explication])
    gl.append([])
    gl.append(["", codes.NIVEAUX_EXPLICATION])
    for col, width in zip("ABCD", (9, 38, 20, 100)):
        gl.column_dimensions[col].width = width

    buffer = io.BytesIO()
    neutralise_workbook(wb)  # a student named « =1+1 » stays a name (reports/cells.py)
    wb.save(buffer)
    return buffer.getvalue()


def _round(value: float | None) -> float | None:
    """Display precision in the workbook (2 decimals, rounded half up on the exact value, as printed);
    the PDF prints the same."""
    return None if value is None else float(arrondi(value))

