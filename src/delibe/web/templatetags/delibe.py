"""Display helpers: averages with 2 decimals and a French comma (domain.md §2), never computed here."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def moy(value: float | None) -> str:
    if value is None:
        return "—"
    try:
        return f"{float(value):.2f}".replace(".", ",")
    except (TypeError, ValueError):
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
    if code in ("ADM", "CMP", "ADSUP", "ADJ", "ADJR"):
        return "code-ok"
    if code in ("PASD", "PAS1NCI"):
        return "code-passage"
    return "code-ko"


@register.filter
def below(value: float | None, bar: float = 10) -> bool:
    return value is not None and value < bar - 0.005


@register.simple_tag
def jury_cell(c: Any) -> str:
    """One cell of the jury table, rendered in Python: a 300-student year has thousands of cells and a
    template include per cell would dominate the page's time."""
    from django.utils.html import escape, format_html
    from django.utils.safestring import mark_safe

    if c is None:
        return mark_safe('<span class="muted">—</span>')
    parts = [format_html('<span class="moy{}">{}</span>', " below" if below(c.moyenne) else "", moy(c.moyenne))]
    shown = c.shown
    if shown:
        note = ""
        if c.departs:
            note = format_html('<span aria-hidden="true">*</span><span class="visually-hidden"> (décision du jury, '
                               'proposition {})</span>', c.proposed)
        elif not c.decided:
            note = mark_safe('<span class="visually-hidden"> (proposé)</span>')
        parts.append(format_html(' <span class="code {}{}">{}{}</span>', code_class(shown),
                                 "" if c.decided else " proposed", shown, note))
    elif c.provisional:
        parts.append(mark_safe(' <span class="code code-none">ATT</span>'))
    if c.reasons or c.departure_reason:
        items = "".join(
            f'<li>{escape(r.get("text", ""))} <span class="muted">— {escape(r.get("source", ""))}</span></li>'
            for r in c.reasons
        )
        if c.departure_reason:
            items += f"<li><strong>Motif du jury</strong> : {escape(c.departure_reason)}</li>"
        parts.append(mark_safe(
            f'<details class="reasons"><summary>pourquoi<span class="visually-hidden"> {escape(c.key)}</span>'
            f"</summary><ul>{items}</ul></details>"
        ))
    return mark_safe("".join(str(p) for p in parts))
