"""Display helpers: averages with 2 decimals and a French comma (domain.md §2), never computed here."""

from __future__ import annotations

from html import escape
from typing import Any

from django import template
from django.utils.translation import gettext as _

from delibe.engine.exact import NotANumber, note_fr
from delibe.engine.jury import codes
from delibe.engine.parameters import DEFAULT_REGLES

register = template.Library()


@register.filter
def moy(value: float | None) -> str:
    """2 decimals, rounded half up on the exact value (the engine's display: what the jury compares)."""
    try:
        return note_fr(value)
    except NotANumber:
        return "—"


@register.filter
def get(mapping: Any, key: Any) -> Any:
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def code_class(code: str | None) -> str:
    if not code:
        return "code-none"
    if code in codes.VALIDATING:
        return "code-ok"
    if code in codes.PASSAGE:
        return "code-passage"
    return "code-ko"


def source_html(reference: str, rule: str | None = "") -> str:
    """Where a reason comes from, in words a person reads (issue 18): the Arrêté's article as it is; a
    choice of Délibé as « choix de Délibé, expliqué ici » linking to the page that explains it (never a file
    path); a department's local rule as « règle du département ». The mapping is
    ``selectors.sources.citation``, shared with the API."""
    from delibe.web.selectors.sources import citation

    c = citation(reference, rule)
    if c.genre == "delibe":
        link = f'<a href="{escape(c.chemin())}">{escape(_("choix de Délibé, expliqué ici"))}</a>'
        return f'{escape(c.titre)} : {link}' if c.titre else link
    if c.genre == "departement":
        return f'{escape(_("règle du département"))} ({escape(c.titre)})'
    return escape(c.titre)


@register.filter
def source(reference: str, rule: str | None = "") -> str:
    """``{{ r.source|source:r.rule }}``: the citation of a reason, in words, with its link."""
    from django.utils.safestring import mark_safe

    return mark_safe(source_html(reference, rule))


@register.filter
def code_libelle(code: str | None) -> str:
    """A code's label in words (« Admis »), from the documents' glossary."""
    from delibe.reports.codes import libelle

    return libelle(code) if code else ""


@register.filter
def below(value: float | None, bar: float | None = None) -> bool:
    """Whether a defined average does not reach ``bar`` (default: the UE bar), as the engine compares."""
    regles = DEFAULT_REGLES
    return value is not None and not regles.reaches(value, regles.barre_ue if bar is None else bar)


@register.simple_tag
def average_rows(rows: Any, student_base: str) -> str:
    """The rows of the dashboard's table of UE averages, built in Python as ``jury_rows``: a 600-student
    semester has 4,000 cells, and the template loop was half of the page's time."""
    from django.utils.safestring import mark_safe

    repeat, under, provisional = escape(_("redoublant")), escape(_("sous 10")), escape(_("provisoire"))
    out: list[str] = []
    for row in rows:
        out.append(f'<tr>\n    <th scope="row"><a href="{student_base}{row.student.pk}/">{escape(str(row.student))}</a>')
        if row.enrolment.redoublant:
            out.append(f' <span class="tag">{repeat}</span>')
        out.append(f'</th>\n    <td>{escape(row.enrolment.groupe)}</td>\n    ')
        for _code, value in row.ues:
            low = below(value)
            out.append(f'<td class="num below">{moy(value)}<span class="visually-hidden"> ({under})</span></td>' if low
                       else f'<td class="num">{moy(value)}</td>')
        out.append("\n    <td>")
        if row.provisional:
            out.append(f'<span class="tag tag-warn">{provisional}</span>')
        out.append("</td>\n  </tr>\n")
    return mark_safe("".join(out))


def _labels() -> dict[str, str]:
    """The cells' fixed texts, translated and escaped once per table (a 300-student year has about 5 000
    cells: one gettext per cell was a tenth of the page's time)."""
    return {
        "departs": escape(_("décision du jury, proposition")), "proposed": escape(_("proposé")),
        "provisional": escape(_("résultat provisoire : note en attente")), "why": escape(_("pourquoi")),
        "motif": escape(_("Motif du jury")), "incomplet": escape(_("incomplet")),
    }


def _cell_html(c: Any, labels: dict[str, str] | None = None) -> str:
    # Codes come from a closed list and averages are numbers: only the free texts need escaping.
    if c is None:
        return '<td class="cell"><span class="muted">—</span></td>'
    if labels is None:
        labels = _labels()
    value = c.moyenne
    below_bar = below(value)
    parts = ['<td class="cell"><span class="moy', " below" if below_bar else "", '">', moy(value), "</span>"]
    shown = c.shown
    if shown:
        parts += [' <span class="code ', code_class(shown), "" if c.decided else " proposed", '">', shown]
        if c.departs:
            parts += ['<span aria-hidden="true">*</span><span class="visually-hidden"> (',
                      labels["departs"], " ", c.proposed or "", ")</span>"]
        elif not c.decided:
            parts += ['<span class="visually-hidden"> (', labels["proposed"], ")</span>"]
        parts.append("</span>")
    elif c.provisional:
        parts += [' <span class="code code-none" title="', labels["provisional"],
                  '">ATT<span class="visually-hidden"> (', labels["provisional"], ")</span></span>"]
    elif getattr(c, "incomplet", ""):
        parts += [' <span class="code code-none incomplet" title="', escape(c.incomplet), '">', labels["incomplet"],
                  "</span>"]
    if c.reasons or c.departure_reason:
        parts += ['<details class="reasons"><summary>', labels["why"], "</summary><ul>"]
        for r in c.reasons:
            parts += ["<li>", escape(r.get("text", "")), ' <span class="muted">— ', source_html(r.get("source", ""), r.get("rule", "")),
                      "</span></li>"]
        if c.departure_reason:
            parts += ["<li><strong>", labels["motif"], "</strong> : ", escape(c.departure_reason), "</li>"]
        parts.append("</ul></details>")
    parts.append("</td>")
    return "".join(parts)


@register.simple_tag
def jury_cells(row: Any, year_jury: bool, labels: dict[str, str] | None = None) -> str:
    """The cells of one row of the jury table, rendered in Python: a 300-student year has about 5 000
    cells, and a template loop or include per cell would dominate the page's time."""
    from django.utils.safestring import mark_safe

    if labels is None:
        labels = _labels()
    cells = list(row.ues) + list(row.rcues) + ([row.annee] if year_jury else [])
    return mark_safe("".join(_cell_html(c, labels) for c in cells))


@register.simple_tag
def jury_cell(c: Any) -> str:
    from django.utils.safestring import mark_safe

    return mark_safe(_cell_html(c)[len('<td class="cell">'):-len("</td>")])


def _year_cell(c: Any, labels: dict[str, str]) -> str:
    """The year's code beside the name: the decision, or the proposal, said in visible words (not by the
    style alone), and where the jury departed from the proposal, both."""
    if c is None or not c.shown:
        return '<td class="annee"><span class="muted">—</span></td>'
    shown = escape(c.shown)
    css = code_class(c.shown)
    if c.decided and c.departs:
        note = f'<span class="small">{labels["decided"]} ; {labels["was"]} {escape(c.proposed or "")}</span>'
    elif c.decided:
        note = f'<span class="small">{labels["decided"]}</span>'
    else:
        css += " proposed"
        note = f'<span class="small">{labels["proposed"]}</span>'
    return f'<td class="annee"><span class="code {css}">{shown}</span> {note}</td>'


@register.simple_tag
def jury_head(table: Any) -> str:
    """The two header rows of the jury table: the student, the year's code, ECTS and the decision link
    first, then one group of columns per competence (« UE impaire | UE paire | RCUE »)."""
    from django.utils.safestring import mark_safe

    year = table.year_jury
    first = [f'<tr><th scope="col" rowspan="2" class="sticky">{escape(_("Étudiant"))}</th>']
    if year:
        first.append(f'<th scope="col" rowspan="2">{escape(_("Année"))}</th>'
                     f'<th scope="col" rowspan="2"><abbr title="{escape(_("crédits européens acquis cette année"))}">'
                     f'ECTS</abbr></th>')
    first.append(f'<th scope="col" rowspan="2">{escape(_("Décider"))}</th>')
    second = ["<tr>"]
    for nom, ues, rcue in table.groups:
        span = len(ues) + (1 if rcue is not None else 0)
        first.append(f'<th scope="colgroup" colspan="{span}" class="group">{escape(nom)}</th>')
        for i in ues:
            code = table.ue_headers[i]
            second.append(f'<th scope="col" class="sub">{escape(code)}</th>')
        if rcue is not None:
            second.append(f'<th scope="col" class="sub rcue">RCUE<span class="visually-hidden"> {escape(nom)}</span></th>')
    first.append("</tr>")
    second.append("</tr>")
    return mark_safe("".join(first + second))


@register.simple_tag
def jury_rows(table: Any, can_decide: bool, student_base: str, decisions_base: str, rows: Any = None) -> str:
    """The body of the jury table, one ``<tr>`` per student, built in Python (see ``jury_cells``): the
    name, the year's code (decision or proposal, in words), the ECTS, the decision link, then the
    competences' cells in the order of ``jury_head``."""
    from django.utils.safestring import mark_safe

    label_link = _("Décisions") if can_decide else _("Détail")
    repeat, all_done, why = _("redoublant"), _("tout est décidé"), _("pourquoi")
    see_reasons = _("Voir les motifs de chaque proposition")
    groups = table.groups
    width = sum(len(ues) + (1 if r is not None else 0) for _n, ues, r in groups)
    labels = {**_labels(), "decided": escape(_("décidé")), "was": escape(_("proposé :"))}
    year = table.year_jury
    out: list[str] = []
    for row in table.rows if rows is None else rows:
        pk = row.student.pk
        name = escape(str(row.student))
        out.append(f'<tr id="jury-{pk}"><th scope="row" class="sticky"><a href="{student_base}{pk}/">{name}</a>')
        if row.enrolment.redoublant:
            out.append(f' <span class="tag">{repeat}</span>')
        out.append("</th>")
        if year:
            out.append(_year_cell(None if row.error else row.annee, labels))
            out.append(f'<td class="num">{"—" if row.error else format(table.ects(row), "g").replace(".", ",")}</td>')
        base = f"{decisions_base}{pk}/"
        out.append(f'<td class="decide"><a href="{base}">{label_link}<span class="visually-hidden"> — {name}</span></a>')
        if not row.error and row.all_decided:
            out.append(f' <span class="tag tag-ok">✓<span class="visually-hidden"> {all_done}</span></span>')
        out.append(
            f'<details class="reasons row-reasons" data-url="{base}motifs/"><summary>{why}'
            f'<span class="visually-hidden"> — {name}</span></summary><div class="reasons-body" aria-live="polite">'
            f'<a href="{base}">{see_reasons}</a></div></details></td>'
        )
        if row.error:
            out.append(f'<td colspan="{width}" class="error">{escape(row.error)}</td></tr>')
            continue
        for _nom, ues, rcue in groups:
            for i in ues:
                out.append(_cell_html(row.ues[i] if i < len(row.ues) else None, labels))
            if rcue is not None:
                out.append(_cell_html(row.rcues[rcue] if rcue < len(row.rcues) else None, labels))
        out.append("</tr>")
    return mark_safe("".join(out))


@register.simple_tag
def recap_rows(data: Any, student_base: str) -> str:
    """The body of the « tableau récapitulatif », built in Python like the jury table (a 300-student
    semester has about 13 000 cells). Each cell carries its sort key in ``data-v`` (the number, or the
    text) for the page's column sorting; numbers are shown by ``moy``."""
    from django.utils.safestring import mark_safe

    proposed = escape(_("proposé"))
    repeat = escape(_("redoublant"))
    provisional = escape(_("provisoire"))
    incomplete = escape(_("incomplet"))
    out: list[str] = []

    shown_as: dict[float | None, str] = {}  # a cell is a function of its value: averages repeat

    def num(value: float | None) -> str:
        cell = shown_as.get(value)
        if cell is None:
            key = "" if value is None else repr(float(value))
            cell = shown_as[value] = f'<td class="num{" below" if below(value) else ""}" data-v="{key}">{moy(value)}</td>'
        return cell

    def code(c: Any) -> str:
        if c is not None and not (c.decided or c.proposed) and getattr(c, "incomplet", False):
            return f'<td data-v="~"><span class="muted">{incomplete}</span></td>'
        if c is None or not (c.decided or c.proposed):
            return '<td data-v=""><span class="muted">—</span></td>'
        if c.decided:
            shown = escape(c.decided)
            return f'<td data-v="{shown}"><span class="code {code_class(c.decided)}">{shown}</span></td>'
        shown = escape(c.proposed)
        return (f'<td data-v="{shown}"><span class="code {code_class(c.proposed)} proposed">{shown}*'
                f'<span class="visually-hidden"> ({proposed})</span></span></td>')

    # the name column sorts back to the server's French order (delibe.collation): its key is the position
    for position, row in enumerate(data.rows):
        name = escape(f"{row.nom} {row.prenom}")
        out.append(f'<tr id="recap-{row.student_id}"><th scope="row" class="sticky" data-v="{position:06d}">'
                   f'<a href="{student_base}{row.student_id}/">{name}</a>')
        if row.redoublant:
            out.append(f' <span class="tag">{repeat}</span>')
        if row.provisional:
            out.append(f' <span class="tag tag-warn">{provisional}</span>')
        out.append(f'</th><td data-v="{escape(row.parcours)}">{escape(row.parcours)}</td>'
                   f'<td data-v="{escape(row.groupe)}">{escape(row.groupe)}</td>')
        for module_code, _titre in data.modules:
            out.append(num(row.modules.get(module_code)))
        for ue in data.ues:
            cell = row.ues.get(ue)
            if cell is None:
                out.append('<td data-v=""></td><td data-v=""></td><td data-v=""></td>')
                continue
            out.append(num(cell.moyenne))
            out.append(f'<td class="num" data-v="{cell.rang or ""}">'
                       f'{f"{cell.rang}/{cell.effectif}" if cell.rang else "—"}</td>')
            out.append(code(cell.code))
        for nom in data.rcues:
            rcue = row.rcues.get(nom)
            out.append(num(rcue[0] if rcue else None))
            out.append(code(rcue[1] if rcue else None))
        if data.year_jury:
            annee = row.annee
            for value in ((annee.proposed if annee else None), (annee.decided if annee else None)):
                out.append(f'<td data-v="{escape(value or "")}">' + (
                    f'<span class="code {code_class(value)}">{escape(value)}</span>' if value else
                    '<span class="muted">—</span>') + "</td>")
        out.append("</tr>")
    return mark_safe("".join(out))


@register.filter
def pourcent(value: float | None) -> str:
    """A rate in percent with one decimal and a French comma (``format.note``): ``66.666`` → ``66,7 %``."""
    from delibe.reports.format import note

    return "—" if value is None else f"{note(value, 1)} %"
