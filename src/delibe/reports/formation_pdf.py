"""The fiche formation as a PDF: the HTML of :mod:`delibe.reports.fiche` (owned by the formation
rendering; every number comes from ``delibe.engine.fiche.build_fiche``) printed on A4 landscape, with
the department's name and page numbers in the margins. Nothing is recomputed here. Typst prints the
same tables (``fiche.fiche_document``, which the HTML renders too) unless ``DELIBE_PDF_MOTEUR=weasyprint``."""

from __future__ import annotations

from delibe.reports.data import ReportConfig
from delibe.reports.render import html_to_pdf

PAGE_CSS = """
@page {
  size: A4 landscape;
  margin: 12mm 11mm 14mm 11mm;
  @bottom-left { content: "%(footer)s"; font-size: 7pt; color: #555; }
  @bottom-right { content: "Page " counter(page) " / " counter(pages); font-size: 7pt; color: #555; }
}
body { font-size: 8pt; }
h1 { font-size: 13pt; }
h2 { font-size: 10.5pt; break-after: avoid; }
table { break-inside: auto; }
tr { break-inside: avoid; }
thead { display: table-header-group; }
section { break-before: page; }
section:first-of-type { break-before: auto; }
"""


def _css_string(text: str) -> str:
    return "".join(f"\\{ord(c):x} " if c in '\\"<>' or ord(c) < 32 else c for c in text)


def fiche_pdf(fiche: object, config: ReportConfig | None = None) -> bytes:
    """PDF of a ``delibe.engine.fiche.Fiche``, through ``delibe.reports.fiche.render_html``."""
    from delibe.reports import typeset
    from delibe.reports.fiche import render_html

    config = config or ReportConfig()
    footer = " — ".join(p for p in (config.etablissement, config.departement, "Fiche formation") if p)
    if typeset.use_typst():
        from delibe.reports.fiche import fiche_document

        return typeset.fiche_pdf(fiche_document(fiche), config, footer)  # type: ignore[arg-type]  # a Fiche, as below
    return html_to_pdf(render_html(fiche), extra_css=PAGE_CSS % {"footer": _css_string(footer)})  # type: ignore[arg-type]  # fiche is a Fiche (typed object to keep reports off the engine's fiche import)
