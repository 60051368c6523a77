"""Template filters of the documents: French numbers and dates, code explanations.

Loaded as a builtin of the documents' template engine (:mod:`delibe.reports.render`); the web app can
load it in its own templates with ``{% load delibe_reports %}`` once it registers the library
(``OPTIONS["libraries"] = {"delibe_reports": "delibe.reports.templatetags"}``). No filter here reads
Django settings, so the templates render without a configured Django.
"""

from __future__ import annotations

from django import template
from django.utils.safestring import mark_safe

from delibe.reports import codes
from delibe.reports.format import date_court, date_fr, nombre, note

register = template.Library()

register.filter("note", note)
register.filter("nombre", nombre)
register.filter("date_fr", date_fr)
register.filter("date_court", date_court)
register.filter("explication", codes.explain)
register.filter("libelle_code", codes.libelle)


@register.filter
def cle(mapping: object, key: str) -> object:
    """``mapping|cle:key``: a dict lookup by a variable key, which Django's template language lacks."""
    if isinstance(mapping, dict):
        return mapping.get(key)
    return None


@register.filter
def css_string(value: object) -> str:
    """Escape a text for a CSS string inside ``<style>`` (raw text: HTML entities would show)."""
    text = str(value or "")
    out = []
    for ch in text:
        if ch in '\\"<>&' or ord(ch) < 32:
            out.append(f"\\{ord(ch):x} ")
        else:
            out.append(ch)
    return mark_safe("".join(out))
