"""Render the fiche formation (``delibe.engine.fiche``) as text, Markdown, HTML or JSON.

Rendering only: every number comes from ``build_fiche``. The JSON is a stable contract documented in
docs/formation-format.md (« La fiche en JSON »).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from delibe.engine.fiche import Fiche, FicheSemestre, LigneModule, Total
from delibe.engine.model import Heures

TEMPLATES = Path(__file__).with_name("templates")
HEADERS = ["CM", "TD", "TP", "Projet", "Total hors projet"]
MODALITES = {"initiale": "formation initiale", "apprentissage": "apprentissage", "continue": "formation continue"}


def num(value: float | None, blank_zero: bool = False) -> str:
    """French display: 12, 12,5; empty for None (and for 0 when ``blank_zero``)."""
    if value is None or (blank_zero and value == 0):
        return ""
    if value == int(value):
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")


def json_num(value: float) -> int | float:
    return int(value) if value == int(value) else value


# ---------------------------------------------------------------------------------------------- rows

def _title(fiche: Fiche) -> list[str]:
    f = fiche.formation
    lines = [f"Fiche formation — {f.titre}"]
    details = []
    if fiche.parcours_choisi:
        p = fiche.parcours[0]
        details.append(f"Parcours {p.code} — {p.libelle}")
    else:
        details.append("Parcours : " + ", ".join(f"{p.code} ({p.libelle})" for p in fiche.parcours))
    details.append(f"Modalité : {MODALITES.get(str(f.modalite), str(f.modalite))}")
    if f.annee_universitaire:
        details.append(f"Année {f.annee_universitaire}")
    lines.append(" · ".join(details))
    return lines


def _empty_note(fiche: Fiche) -> list[str]:
    if fiche.semestres:
        return []
    offered = dict(fiche.formation.semestres_offerts)
    if fiche.parcours_choisi and fiche.parcours_choisi in offered:
        listed = ", ".join(f"S{s}" for s in offered[fiche.parcours_choisi])
        return [f"Aucun semestre à afficher : ce fichier délivre {listed} pour le parcours {fiche.parcours_choisi}."]
    return ["Aucun semestre à afficher pour cette sélection."]


def _module_label(fiche: Fiche, line: LigneModule) -> str:
    label = line.libelle
    if fiche.parcours_choisi is None and line.module.parcours:
        label += f" [{', '.join(line.module.parcours)}]"
    return label


def _hours(h: Heures, blank_zero: bool) -> list[str]:
    return [num(h.cm, blank_zero), num(h.td, blank_zero), num(h.tp, blank_zero), num(h.projet, blank_zero),
            num(h.hors_projet)]


def _competence_rows(sem: FicheSemestre) -> list[list[str]]:
    return [[c.label, c.ue.code if c.ue else "", c.ue.titre if c.ue else "", num(c.ue.coef_rcue) if c.ue else "",
             num(c.ue.ects) if c.ue else ""] for c in sem.colonnes]


def _module_rows(fiche: Fiche, sem: FicheSemestre, lines: Sequence[LigneModule]) -> list[list[str]]:
    return [[_module_label(fiche, line), *_hours(line.module.heures, True), *(num(c) for c in line.coefficients)]
            for line in lines]


def _total_row(total: Total) -> list[str]:
    return [total.libelle, *_hours(total.heures, False), *(num(c) for c in total.coefficients)]


def _year_rows(fiche: Fiche) -> list[tuple[str, list[str]]]:
    out = []
    for a in fiche.annees:
        label = f"{a.libelle} — " + " + ".join(f"S{s}" for s in a.semestres)
        out.append((label, [*_hours(a.heures, False), num(a.coefficients), num(a.ects)]))
    return out


YEAR_HEADERS = [*HEADERS, "Coefficients", "ECTS"]


# ---------------------------------------------------------------------------------------------- markdown

def _md_table(headers: list[str], rows: list[list[str]], bold_last: int = 0) -> list[str]:
    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    for k, row in enumerate(rows):
        bold = k >= len(rows) - bold_last
        out.append("| " + " | ".join(f"**{cell(c)}**" if bold and c else cell(c) for c in row) + " |")
    return out


def render_markdown(fiche: Fiche) -> str:
    title, details = _title(fiche)
    out = [f"# {title}", "", details, "", *_empty_note(fiche)]
    for sem in fiche.semestres:
        cols = [c.label for c in sem.colonnes]
        h = sem.total.heures
        out += [f"## Semestre {sem.numero}", "", "### Compétences", ""]
        out += _md_table(["Compétence", "UE", "Libellé", "Coef", "ECTS"], _competence_rows(sem))
        out += ["", (f"Semestre {sem.numero} : CM {num(h.cm)} · TD {num(h.td)} · TP {num(h.tp)} · Projet "
                    f"{num(h.projet)} · Total hors projet {num(h.hors_projet)} · ECTS {num(sem.ects)}"), ""]
        out += ["### Ressources", ""]
        out += _md_table(["Ressources", *HEADERS, *cols],
                         [*_module_rows(fiche, sem, sem.ressources), _total_row(sem.total_ressources)], 1)
        out += ["", "### SAÉ", ""]
        out += _md_table(["SAÉ", *HEADERS, *cols],
                         [*_module_rows(fiche, sem, sem.saes), _total_row(sem.total_saes), _total_row(sem.total)], 2)
        out.append("")
        out += [f"> Hypothèse : {text}" for text in sem.hypotheses] + ([""] if sem.hypotheses else [])
    for label, row in _year_rows(fiche):
        out += [f"## {label}", ""]
        out += _md_table(YEAR_HEADERS, [row])
        out.append("")
    return "\n".join(out).rstrip() + "\n"


# ---------------------------------------------------------------------------------------------- text

def _text_table(headers: list[str], rows: list[list[str]], rules_before: Sequence[int] = (),
                left: int = 1) -> list[str]:
    """Aligned columns: the first ``left`` columns (labels) to the left, numbers to the right."""
    widths = [max(len(r[k]) for r in [headers, *rows]) for k in range(len(headers))]

    def fmt(row: list[str]) -> str:
        cells = [c.ljust(w) if k < left else c.rjust(w) for k, (c, w) in enumerate(zip(row, widths, strict=True))]
        return "  ".join(cells).rstrip()

    rule = "-" * len(fmt(["x" * widths[0], *("x" * w for w in widths[1:])]))
    out = [fmt(headers), rule]
    for k, row in enumerate(rows):
        if k in rules_before:
            out.append(rule)
        out.append(fmt(row))
    return out


def render_text(fiche: Fiche) -> str:
    title, details = _title(fiche)
    out = [title, details, "", *_empty_note(fiche)]
    for sem in fiche.semestres:
        cols = [c.label for c in sem.colonnes]
        out += [f"SEMESTRE {sem.numero}", ""]
        out += _text_table(["Compétence", "UE", "Libellé", "Coef", "ECTS"], _competence_rows(sem), left=3)
        out.append("")
        res = [*_module_rows(fiche, sem, sem.ressources), _total_row(sem.total_ressources)]
        out += _text_table(["RESSOURCES", *HEADERS, *cols], res, [len(res) - 1])
        out.append("")
        saes = [*_module_rows(fiche, sem, sem.saes), _total_row(sem.total_saes), _total_row(sem.total)]
        out += _text_table(["SAÉ", *HEADERS, *cols], saes, [len(saes) - 2])
        out.append("")
        out += [f"Hypothèse : {text}" for text in sem.hypotheses] + ([""] if sem.hypotheses else [])
    for label, row in _year_rows(fiche):
        out += _text_table([label, *YEAR_HEADERS], [["", *row]])
        out.append("")
    return "\n".join(out).rstrip() + "\n"


# ---------------------------------------------------------------------------------------------- html

def _html_table(caption: str, headers: list[str], rows: list[list[str]], total_rows: int = 0) -> str:
    e = html.escape
    head = "".join(f'<th scope="col">{e(h)}</th>' for h in headers)
    body = []
    for k, row in enumerate(rows):
        cls = ' class="total"' if k >= len(rows) - total_rows else ""
        cells = f'<th scope="row">{e(row[0])}</th>' + "".join(f"<td>{e(c)}</td>" for c in row[1:])
        body.append(f"<tr{cls}>{cells}</tr>")
    return (f"<table><caption>{e(caption)}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table>")


def fiche_document(fiche: Fiche) -> dict[str, Any]:
    """The fiche as titled tables of strings: what the HTML below and the Typst PDF
    (:func:`delibe.reports.typeset.fiche_pdf`) both lay out. ``sections``: one per semester, each with
    its tables (``caption``, ``headers``, ``rows``, ``total_rows``: the last rows in bold) and its
    hypotheses; ``annees``: one table per year."""
    title, details = _title(fiche)
    sections = []
    for sem in fiche.semestres:
        cols = [c.label for c in sem.colonnes]
        sections.append({"titre": f"Semestre {sem.numero}", "tables": [
            {"caption": f"Compétences du semestre {sem.numero}",
             "headers": ["Compétence", "UE", "Libellé", "Coef", "ECTS"], "rows": _competence_rows(sem),
             "total_rows": 0},
            {"caption": f"Ressources du semestre {sem.numero}", "headers": ["Ressources", *HEADERS, *cols],
             "rows": [*_module_rows(fiche, sem, sem.ressources), _total_row(sem.total_ressources)], "total_rows": 1},
            {"caption": f"SAÉ du semestre {sem.numero}", "headers": ["SAÉ", *HEADERS, *cols],
             "rows": [*_module_rows(fiche, sem, sem.saes), _total_row(sem.total_saes), _total_row(sem.total)],
             "total_rows": 2},
        ], "hypotheses": [f"Hypothèse : {text}" for text in sem.hypotheses]})
    annees = [{"caption": label, "headers": ["", *YEAR_HEADERS], "rows": [[label, *row]], "total_rows": 1}
              for label, row in _year_rows(fiche)]
    return {"titre": title, "details": details, "notes": _empty_note(fiche), "sections": sections,
            "annees": annees}


def render_html(fiche: Fiche) -> str:
    e = html.escape
    doc = fiche_document(fiche)
    css = (TEMPLATES / "fiche.css").read_text(encoding="utf-8")
    parts = [f"<h1>{e(doc['titre'])}</h1>", f"<p>{e(doc['details'])}</p>", *(f"<p>{e(n)}</p>" for n in doc["notes"])]
    for section in doc["sections"]:
        parts.append(f"<section><h2>{e(section['titre'])}</h2>")
        parts += [_html_table(t["caption"], t["headers"], t["rows"], t["total_rows"]) for t in section["tables"]]
        parts += [f'<p class="hypothese">{e(text)}</p>' for text in section["hypotheses"]]
        parts.append("</section>")
    for t in doc["annees"]:
        parts.append(_html_table(t["caption"], t["headers"], t["rows"], t["total_rows"]))
    title = doc["titre"]
    template = (TEMPLATES / "fiche.html").read_text(encoding="utf-8")
    return template.replace("{{ title }}", e(title)).replace("{{ css }}", css).replace("{{ body }}", "\n".join(parts))


# ---------------------------------------------------------------------------------------------- json

def fiche_json(fiche: Fiche) -> dict[str, Any]:
    """The stable JSON contract (docs/formation-format.md, « La fiche en JSON »)."""
    f = fiche.formation

    def hours(h: Heures) -> dict[str, int | float]:
        return {"cm": json_num(h.cm), "td": json_num(h.td), "tp": json_num(h.tp), "projet": json_num(h.projet),
                "hors_projet": json_num(h.hors_projet)}

    competences = {c.nom_court: c for c in f.referentiel.competences}
    semestres = []
    for sem in fiche.semestres:
        semestres.append({
            "numero": sem.numero,
            "ects": json_num(sem.ects),
            "hypotheses": list(sem.hypotheses),
            "ues": [{"code": u.code, "competence": competences[u.competence].numero, "competence_nom": u.competence,
                     "niveau": u.niveau, "ects": json_num(u.ects), "coef_rcue": json_num(u.coef_rcue),
                     "titre": u.titre, "parcours": list(u.parcours)} for u in sem.ues],
            "modules": [{"code": line.module.code, "titre": line.module.titre, "type": str(line.module.kind),
                         "pole": line.module.kind.pole, "parcours": list(line.module.parcours),
                         "heures": hours(line.module.heures),
                         "coefficients": {k: json_num(v) for k, v in line.module.coefficients.items()}}
                        for line in sem.modules],
            "totaux": {
                "ressources": {"heures": hours(sem.total_ressources.heures),
                               "coefficients": json_num(sem.total_ressources.coefficient_total)},
                "sae": {"heures": hours(sem.total_saes.heures),
                        "coefficients": json_num(sem.total_saes.coefficient_total)},
                "semestre": {"heures": hours(sem.total.heures),
                             "coefficients": json_num(sem.total.coefficient_total)},
                "coefficients_par_ue": {c.ue.code: json_num(sem.total.coefficients[k])
                                        for k, c in enumerate(sem.colonnes) if c.ue is not None},
            },
        })
    return {
        "id": f.id,
        "version": f.version,
        "titre": f.titre,
        "modalite": str(f.modalite),
        "annee_universitaire": f.annee_universitaire,
        "parcours_choisi": fiche.parcours_choisi,
        "parcours": [{"code": p.code, "libelle": p.libelle} for p in fiche.parcours],
        "semestres": semestres,
        "annees": [{"annee": a.annee, "semestres": list(a.semestres), "heures": hours(a.heures),
                    "coefficients": json_num(a.coefficients), "ects": json_num(a.ects)} for a in fiche.annees],
        "totaux": {k: json_num(v) for k, v in fiche.totaux.items()},
    }
