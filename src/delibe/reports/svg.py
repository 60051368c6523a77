"""Small charts as inline SVG, in pure Python: the competence radar of a bulletin and the distribution
of a module's averages. They draw the values they are given; the caller chose them.

Both return a complete ``<svg>`` element (a string) that WeasyPrint and browsers render inline, with a
``<title>`` and ``role="img"`` so that the web pages stay accessible.
"""

from __future__ import annotations

import base64
import functools
import math
import re
from collections.abc import Sequence
from html import escape

from delibe.reports.format import note

INK = "#1f2937"
GRID = "#c7cdd6"
FILL = "#2563eb"
BAR = "#b91c1c"


def _fmt(x: float) -> str:
    return f"{x:.1f}"


_TITLE = re.compile(r"<title>(.*?)</title>", re.DOTALL)


def as_image(svg: str) -> str:
    """The same chart as an ``<img>`` with the SVG in a ``data:`` URL and its title as ``alt``: what the
    PDFs embed. WeasyPrint draws it exactly like the inline ``<svg>``, but parses it with the XML parser
    instead of its (pure Python) HTML parser and keeps its elements out of the CSS cascade (a detailed
    bulletin holds 14 charts, about 40 SVG elements)."""
    if not svg:
        return ""
    found = _TITLE.search(svg)
    alt = found.group(1) if found else ""  # already escaped by the chart functions
    kind = re.search(r'class="([a-z]+)"', svg)
    css_class = f' class="{kind.group(1)}"' if kind else ""
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return f'<img{css_class} src="data:image/svg+xml;base64,{data}" alt="{alt}">'


def radar(
    axes: Sequence[tuple[str, float | None]],
    *,
    maximum: float = 20,
    barre: float = 10,
    size: int = 240,
    title: str = "Moyennes par compétence",
) -> str:
    """A radar of the UE averages (one axis per competence), with the bar (10/20) as a dashed ring.
    An undefined average sits at the centre and its label says « — ». Fewer than three axes cannot
    make a polygon: they are drawn as horizontal bars instead."""
    if len(axes) < 3:
        return bars(axes, maximum=maximum, barre=barre, title=title)
    cx = cy = size / 2
    radius = size / 2 - 62
    n = len(axes)

    def point(i: int, value: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * i / n
        r = radius * max(0.0, min(value, maximum)) / maximum
        return cx + r * math.cos(angle), cy + r * math.sin(angle)

    parts = [
        (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{size}" height="{size}" '
        f'viewBox="0 0 {size} {size}" class="radar"><title>{escape(title)}</title>')
    ]
    for level in (maximum / 4, maximum / 2, 3 * maximum / 4, maximum):
        ring = " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in (point(i, level) for i in range(n)))
        dash = ' stroke-dasharray="4 3"' if level == barre else ""
        colour = BAR if level == barre else GRID
        parts.append(f'<polygon points="{ring}" fill="none" stroke="{colour}" stroke-width="0.8"{dash}/>')
    for i in range(n):
        x, y = point(i, maximum)
        parts.append(f'<line x1="{_fmt(cx)}" y1="{_fmt(cy)}" x2="{_fmt(x)}" y2="{_fmt(y)}" stroke="{GRID}" '
                     'stroke-width="0.8"/>')
    shape = " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in (point(i, v or 0) for i, (_, v) in enumerate(axes)))
    parts.append(f'<polygon points="{shape}" fill="{FILL}" fill-opacity="0.25" stroke="{FILL}" '
                 'stroke-width="1.5"/>')
    for i, (label, value) in enumerate(axes):
        x, y = point(i, value or 0)
        parts.append(f'<circle cx="{_fmt(x)}" cy="{_fmt(y)}" r="2.5" fill="{FILL}"/>')
        lx, ly = point(i, maximum * 1.16)
        anchor = "middle" if abs(lx - cx) < 8 else ("start" if lx > cx else "end")
        parts.append(
            f'<text x="{_fmt(lx)}" y="{_fmt(ly)}" font-size="9" text-anchor="{anchor}" fill="{INK}">'
            f'{escape(label)}</text>'
            f'<text x="{_fmt(lx)}" y="{_fmt(ly + 10)}" font-size="8.5" font-weight="bold" '
            f'text-anchor="{anchor}" fill="{INK}">{note(value)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def bars(
    axes: Sequence[tuple[str, float | None]],
    *,
    maximum: float = 20,
    barre: float = 10,
    width: int = 240,
    title: str = "Moyennes par compétence",
) -> str:
    """Horizontal bars, one per competence, with the bar (10/20) as a dashed line."""
    row = 22
    label_w = 80
    plot_w = width - label_w - 40
    height = row * max(len(axes), 1) + 16
    parts = [
        (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" class="radar"><title>{escape(title)}</title>')
    ]
    for i, (label, value) in enumerate(axes):
        y = 4 + i * row
        w = plot_w * max(0.0, min(value or 0, maximum)) / maximum
        parts.append(
            f'<text x="{label_w - 4}" y="{y + 13}" font-size="9" text-anchor="end" fill="{INK}">'
            f'{escape(label)}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{_fmt(w)}" height="13" fill="{FILL}" fill-opacity="0.6"/>'
            f'<text x="{_fmt(label_w + w + 3)}" y="{y + 13}" font-size="8.5" fill="{INK}">{note(value)}</text>'
        )
    x_bar = label_w + plot_w * barre / maximum
    parts.append(f'<line x1="{_fmt(x_bar)}" y1="2" x2="{_fmt(x_bar)}" y2="{height - 10}" stroke="{BAR}" '
                 'stroke-dasharray="4 3"/>')
    parts.append("</svg>")
    return "".join(parts)


@functools.lru_cache(maxsize=512)
def _counts(values: tuple[float, ...], maximum: float, bins: int) -> tuple[int, ...]:
    """The histogram's classes, the same for every student of a module: a batch of 300 bulletins counts
    each module's 300 averages once, not once per bulletin (3.8 ms of a bulletin's 70)."""
    counts = [0] * bins
    for v in values:
        if math.isfinite(v):  # an undefined or overflowing average is not drawn
            counts[min(bins - 1, max(0, int(min(max(v, 0.0), maximum) / maximum * bins)))] += 1
    return tuple(counts)


def distribution(
    values: Sequence[float],
    student: float | None = None,
    *,
    maximum: float = 20,
    barre: float = 10,
    bins: int = 10,
    width: int = 120,
    height: int = 34,
    title: str = "Répartition des moyennes du module dans la promotion",
) -> str:
    """A histogram of the cohort's averages in one module (``bins`` classes over [0, maximum]); the
    student's class is darker and a tick marks the student's average; a dashed line marks the bar.

    The bars are drawn as one ``<path>`` (one per colour) and there is no text: a bulletin holds a
    dozen of these, and each SVG element costs PDF rendering time (the legend is printed once under
    the table)."""
    if not (math.isfinite(maximum) and maximum > 0):
        maximum = 20
    if student is not None and not math.isfinite(student):
        student = None
    counts = _counts(tuple(values), maximum, bins)
    top = max(counts) or 1
    plot_h = height - 6
    bw = width / bins
    own = None if student is None else min(bins - 1, max(0, int(student / maximum * bins)))
    others, mine = [], []
    for i, count in enumerate(counts):
        if count:
            h = plot_h * count / top
            (mine if i == own else others).append(
                f"M{_fmt(i * bw + 1)} {_fmt(plot_h - h)}h{_fmt(bw - 2)}v{_fmt(h)}h{_fmt(2 - bw)}z")
    parts = [
        (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" class="distribution"><title>{escape(title)}</title>'),
        f'<path d="M0 {plot_h}H{width}" stroke="{GRID}" fill="none"/>',
    ]
    if others:
        parts.append(f'<path class="cohorte" d="{"".join(others)}" fill="#93a3b8"/>')
    if mine:
        parts.append(f'<path class="etudiant" d="{"".join(mine)}" fill="{FILL}"/>')
    x_bar = width * barre / maximum
    parts.append(f'<path d="M{_fmt(x_bar)} 0V{plot_h}" stroke="{BAR}" stroke-width="0.8" '
                 'stroke-dasharray="3 2" fill="none"/>')
    if student is not None:
        xs = width * max(0.0, min(student, maximum)) / maximum
        parts.append(f'<path d="M{_fmt(xs - 3)} {height}H{_fmt(xs + 3)}L{_fmt(xs)} {plot_h + 1}z" fill="{INK}"/>')
    parts.append("</svg>")
    return "".join(parts)


def histogram(
    classes: Sequence[tuple[str, int]],
    *,
    title: str,
    description: str = "",
    width: int = 360,
    height: int = 140,
) -> str:
    """A labelled histogram for the web pages: one bar per class (``(label, count)``), the count above each
    bar and the class under it, with ``<title>`` and ``<desc>`` for assistive technologies. The numbers
    are also in the table the page shows next to it."""
    n = max(len(classes), 1)
    top = max((c for _, c in classes), default=0) or 1
    plot_h = height - 34
    bw = (width - 10) / n
    parts = [
        (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
         f'viewBox="0 0 {width} {height}" class="histogram"><title>{escape(title)}</title>'),
        f"<desc>{escape(description)}</desc>" if description else "",
        f'<path d="M5 {plot_h + 14}H{width - 5}" stroke="{GRID}" fill="none"/>',
    ]
    for i, (label, count) in enumerate(classes):
        x = 5 + i * bw
        h = plot_h * count / top
        y = plot_h + 14 - h
        if count:
            parts.append(f'<rect x="{_fmt(x + 1)}" y="{_fmt(y)}" width="{_fmt(bw - 2)}" height="{_fmt(h)}" '
                         f'fill="{FILL}" fill-opacity="0.7"/>')
        parts.append(f'<text x="{_fmt(x + bw / 2)}" y="{_fmt(y - 2)}" font-size="9" text-anchor="middle" '
                     f'fill="{INK}">{count}</text>')
        parts.append(f'<text x="{_fmt(x + bw / 2)}" y="{height - 6}" font-size="8" text-anchor="middle" '
                     f'fill="{INK}">{escape(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)
