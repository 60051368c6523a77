"""Lists of a group (issue 13): the sign-in sheet (« feuille d'émargement », PDF and XLSX) and the
trombinoscope (PDF). They render the rows they are given (names, NIP, photo as JPEG bytes); they choose
and compute nothing."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass, field

from delibe.reports.cells import neutralise_workbook
from delibe.reports.render import html_to_pdf, render_html


@dataclass(frozen=True)
class ListeRow:
    nom: str
    prenom: str
    nip: str
    groupe: str = ""
    photo: bytes | None = None  # JPEG

    @property
    def photo_src(self) -> str:
        if not self.photo:
            return ""
        return "data:image/jpeg;base64," + base64.b64encode(self.photo).decode("ascii")


@dataclass(frozen=True)
class ListeData:
    titre: str  # « BUT MMI — S1 2023-2024 »
    groupe: str  # « TD A », or « Tous les étudiants »
    rows: tuple[ListeRow, ...]
    colonnes: tuple[str, ...] = field(default=("Signature",))  # blank columns to sign in
    photos: bool = False  # a photo column on the sign-in sheet


def emargement_html(data: ListeData) -> str:
    return render_html("reports/emargement.html", {"data": data})


def emargement_pdf(data: ListeData) -> bytes:
    return html_to_pdf(emargement_html(data))


def trombinoscope_html(data: ListeData) -> str:
    return render_html("reports/trombinoscope.html", {"data": data})


def trombinoscope_pdf(data: ListeData) -> bytes:
    return html_to_pdf(trombinoscope_html(data))


def emargement_xlsx(data: ListeData) -> bytes:
    """One sheet: the title, then NIP, nom, prénom, groupe and a blank column per signature; every text is
    written as text (a name starting with « = » is never a formula)."""
    from openpyxl import Workbook
    from openpyxl.styles import Border, Font, Side

    wb = Workbook()
    ws = wb.active
    ws.title = "Émargement"
    ws.append([f"{data.titre} — {data.groupe}"])
    ws["A1"].font = Font(bold=True)
    header = ["NIP", "Nom", "Prénom", "Groupe", *data.colonnes]
    ws.append(header)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    thin = Side(style="thin")
    for row in data.rows:
        ws.append([row.nip, row.nom.upper(), row.prenom, row.groupe, *([""] * len(data.colonnes))])
        for cell in ws[ws.max_row]:
            cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
    for letter, width in zip("ABCDEFGHIJ", (12, 22, 18, 12, *([24] * len(data.colonnes))), strict=False):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A3"
    ws.print_title_rows = "1:2"
    neutralise_workbook(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
