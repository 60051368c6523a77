"""HTML and PDF rendering shared by every document.

Templates are Django templates (``templates/reports/*.html``) rendered by a standalone
``django.template.Engine``: no Django settings needed, and the web app can render the very same files
(add :data:`TEMPLATES_DIR` to its template dirs and the ``delibe_reports`` library). PDFs come from
WeasyPrint, imported only when a PDF is asked for (it takes half a second to import).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

from django.template import Context, Engine

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
_BETWEEN_TAGS = re.compile(r">\s*\n\s*<")


@functools.cache
def engine() -> Engine:
    return Engine(
        dirs=[str(TEMPLATES_DIR)],
        autoescape=True,
        builtins=["delibe.reports.templatetags"],
        libraries={"delibe_reports": "delibe.reports.templatetags"},
    )


def render_html(template_name: str, context: dict[str, Any]) -> str:
    return engine().get_template(template_name).render(Context(context, use_l10n=False, use_tz=False))


@functools.cache
def _font_config() -> Any:
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


@functools.cache
def _documents_css() -> tuple[str, Any]:
    from weasyprint import CSS

    text = (TEMPLATES_DIR / "reports" / "documents.css").read_text(encoding="utf-8")
    return text, CSS(string=text, font_config=_font_config())


def html_to_pdf(html: str, base_url: str | None = None, extra_css: str | None = None) -> bytes:
    """A4 PDF of ``html`` (the page size and margins come from the template's CSS ``@page``, or from
    ``extra_css`` for HTML written elsewhere). ``base_url`` resolves relative paths of logos and
    signatures (default: the templates folder)."""
    from weasyprint import CSS, HTML

    stylesheets = [CSS(string=extra_css, font_config=_font_config())] if extra_css else []
    # The documents' stylesheet, inlined in the HTML for the web, is parsed once per process instead of
    # once per document (a batch renders hundreds).
    css_text, css = _documents_css()
    if css_text in html:
        html = html.replace(css_text, "", 1)
        stylesheets.insert(0, css)
    # Indentation between tags is only text nodes for the (pure Python) HTML parser and the layout.
    html = _BETWEEN_TAGS.sub(">\n<", html)
    pdf: bytes = HTML(string=html, base_url=base_url or str(TEMPLATES_DIR)).write_pdf(
        stylesheets=stylesheets or None, font_config=_font_config()
    )
    return pdf


def image_url(path_or_url: str | None) -> str | None:
    """A logo or signature given as a local path becomes a ``file://`` URL; URLs pass unchanged.
    A missing file is reported now, in French, rather than silently dropped by WeasyPrint."""
    if not path_or_url:
        return None
    if "://" in path_or_url or path_or_url.startswith("data:"):
        return path_or_url
    path = Path(path_or_url).expanduser().resolve()
    if not path.is_file():
        raise FileNotFoundError(
            f"Image introuvable: {path_or_url} (logo ou signature de la configuration des documents); "
            "corrigez le chemin ou retirez-la."
        )
    return path.as_uri()


def document_context(config: Any, *, titre: str, date_edition: str | None = None, **extra: Any) -> dict[str, Any]:
    """What every template expects: the configuration, resolved logo and signature URLs, the title and
    the page footer."""
    footer = f"{config.etablissement} — {titre}"
    if date_edition:
        from delibe.reports.format import date_fr

        footer += f" — édité le {date_fr(date_edition)}"
    return {
        "config": config,
        "logo": image_url(config.logo),
        "signature": image_url(config.signature_image),
        "signataire_nom": config.signataire_nom,
        "titre": titre,
        "date_edition": date_edition,
        "footer": footer,
        **extra,
    }
