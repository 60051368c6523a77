"""Monthly attendance report of apprentices, per employer (CSV and PDF), for the employer and the CFA.
Pure data in, bytes out: the web layer builds ``RapportMensuel`` from the database."""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Sequence
from dataclasses import dataclass

from delibe.reports.cells import csv_row
from delibe.reports.format import date_court

MOIS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
        "novembre", "décembre")


@dataclass(frozen=True)
class LigneAbsence:
    date: str  # ISO
    creneau: str
    module: str
    nature: str
    justifiee: bool


@dataclass(frozen=True)
class ApprentiMois:
    nip: str
    nom: str
    prenom: str
    tuteur: str
    contrat: str  # « du … au … »
    justifiees: int
    non_justifiees: int
    retards: int
    lignes: tuple[LigneAbsence, ...] = ()
    semaines_iut: tuple[str, ...] = ()  # alternance calendar: Mondays (ISO) of the weeks at the IUT
    semaines_entreprise: tuple[str, ...] = ()


@dataclass(frozen=True)
class RapportMensuel:
    employeur: str
    annee: int
    mois: int
    etablissement: str
    apprentis: tuple[ApprentiMois, ...]

    @property
    def periode(self) -> str:
        return f"{MOIS[self.mois - 1]} {self.annee}"


CSV_HEADER = ("employeur", "mois", "nip", "nom", "prenom", "tuteur", "demi_journees_justifiees",
              "demi_journees_non_justifiees", "retards")


def rapport_csv(rapport: RapportMensuel) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for a in rapport.apprentis:  # names typed by people: never a live formula (reports/cells.py)
        writer.writerow(csv_row((rapport.employeur, f"{rapport.annee}-{rapport.mois:02d}", a.nip, a.nom, a.prenom,
                                 a.tuteur, a.justifiees, a.non_justifiees, a.retards)))
    return out.getvalue()


def rapport_html(rapport: RapportMensuel) -> str:
    e = html.escape
    parts = [
        "<!doctype html><html lang='fr'><head><meta charset='utf-8'>",
        f"<title>Assiduité — {e(rapport.employeur)} — {e(rapport.periode)}</title>",
        ("<style>@page{size:A4;margin:18mm} body{font-family:sans-serif;font-size:10pt}"
         "table{border-collapse:collapse;width:100%;margin:.5em 0 1.2em} th,td{border:1px solid #777;padding:3px 5px}"
         "th{background:#eee;text-align:left}</style></head><body>"),
        f"<h1>Relevé mensuel d'assiduité — {e(rapport.periode)}</h1>",
        f"<p>{e(rapport.etablissement)}<br>Employeur : <strong>{e(rapport.employeur)}</strong></p>",
    ]
    for a in rapport.apprentis:
        parts.append(f"<h2>{e(a.nom)} {e(a.prenom)} (NIP {e(a.nip)})</h2>")
        parts.append(f"<p>Maître d'apprentissage : {e(a.tuteur) or '—'} · Contrat {e(a.contrat)}</p>")
        parts.append(
            "<table><caption>Synthèse du mois</caption><thead><tr><th scope='col'>Demi-journées justifiées</th>"
            "<th scope='col'>Demi-journées non justifiées</th><th scope='col'>Retards</th></tr></thead>"
            f"<tbody><tr><td>{a.justifiees}</td><td>{a.non_justifiees}</td><td>{a.retards}</td></tr></tbody></table>"
        )
        if alternance_text(a):
            parts.append(f"<p>{e(alternance_text(a))}</p>")
        if a.lignes:
            parts.append("<table><caption>Détail</caption><thead><tr><th scope='col'>Date</th><th scope='col'>Créneau</th>"
                         "<th scope='col'>Module</th><th scope='col'>Nature</th><th scope='col'>Justifiée</th></tr></thead><tbody>")
            for line in a.lignes:
                parts.append(f"<tr><td>{e(date_court(line.date))}</td><td>{e(line.creneau)}</td><td>{e(line.module) or '—'}</td>"
                             f"<td>{e(line.nature)}</td><td>{'oui' if line.justifiee else 'non'}</td></tr>")
            parts.append("</tbody></table>")
        else:
            parts.append("<p>Aucune absence ni retard ce mois-ci.</p>")
    parts.append("</body></html>")
    return "".join(parts)


def alternance_text(a: ApprentiMois) -> str:
    """The month's alternance calendar in words, or "" when the department has none."""
    if not (a.semaines_iut or a.semaines_entreprise):
        return ""
    return (f"Calendrier d'alternance : semaines à l'IUT {_weeks(a.semaines_iut)} ; "
            f"en entreprise {_weeks(a.semaines_entreprise)}")


def _weeks(mondays: tuple[str, ...]) -> str:
    return ", ".join(f"du {d[8:10]}/{d[5:7]}" for d in mondays) or "aucune"


def rapport_pdf(rapport: RapportMensuel) -> bytes:
    """The report as PDF: Typst (PDF/A-2b, tagged), or WeasyPrint from the HTML when ``DELIBE_PDF_MOTEUR``
    asks for it (reports/typeset.py)."""
    from delibe.reports import typeset

    if typeset.use_typst():
        return typeset.assiduite_pdf(rapport)
    from weasyprint import HTML

    return HTML(string=rapport_html(rapport)).write_pdf()


def rapports_zip(rapports: Sequence[RapportMensuel]) -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for r in rapports:
            stem = f"assiduite-{r.annee}-{r.mois:02d}-{_slug(r.employeur)}"
            z.writestr(f"{stem}.csv", rapport_csv(r))
            z.writestr(f"{stem}.pdf", rapport_pdf(r))
    return buffer.getvalue()


def _slug(text: str) -> str:
    import re
    import unicodedata

    ascii_ = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-") or "employeur"
