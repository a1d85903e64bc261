"""Charts as SVG text: what the reports draw with.

A report draws eight figures; with matplotlib that was more than half of its
rendering time. The figures here are simple (bars, heat maps, intervals, a
scatter), so they are written as SVG directly: a few milliseconds each, sharp
at any zoom and in print, and their text stays text, so a screen reader, a
search and the personal-data scan of :mod:`buitenbeeld.privacy.scan` all see it.

:class:`Canvas` collects the shapes in pixel coordinates; :class:`Chart` is the
finished figure with its Dutch description, which notebooks display as
``image/svg+xml`` and which is also the ``<title>`` screen readers read.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from buitenbeeld.common.formatting import escape

__all__ = [
    "Chart", "Canvas", "Scale", "FONT", "INK", "MUTED", "GRID",
    "escape", "text_width", "nice_ticks", "blend", "readable_on",
]

FONT = "'DejaVu Sans', Verdana, Arial, Helvetica, sans-serif"
INK, MUTED, GRID = "#222222", "#555555", "#dddddd"

# Width of characters relative to the font size, roughly that of DejaVu Sans/Verdana:
# enough to leave room for labels without measuring them in a browser.
_NARROW, _WIDE = set("iIjlt.,;:!|'()[] f"), set("mwMW@%")


def text_width(text: object, size: float) -> float:
    """Estimated width in pixels of ``text`` at font ``size``."""
    width = 0.0
    for char in str(text):
        width += 0.36 if char in _NARROW else 0.95 if char in _WIDE else 0.72 if char.isupper() else 0.6
    return width * size


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values (1, 2, 2.5 or 5 times a power of ten), the first <= ``low``, the last >= ``high``."""
    if not high > low:
        high = low + 1
    raw = (high - low) / max(count, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw * (1 - 1e-9))
    first, last = math.floor(low / step + 1e-9), math.ceil(high / step - 1e-9)
    return [round(k * step, 12) for k in range(first, last + 1)]


def blend(low: str, high: str, fraction: float) -> str:
    """The colour ``fraction`` (0-1) of the way from ``low`` to ``high`` (hex colours)."""
    fraction = min(max(fraction, 0.0), 1.0)
    a = [int(low[i:i + 2], 16) for i in (1, 3, 5)]
    b = [int(high[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * fraction):02x}" for x, y in zip(a, b))


def readable_on(colour: str) -> str:
    """Black or white text, whichever reads better on ``colour``."""
    r, g, b = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return "#ffffff" if 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.5 else INK


@dataclass(frozen=True)
class Scale:
    """A linear map from data values to pixels."""

    low: float
    high: float
    start: float
    end: float

    def __call__(self, value: float) -> float:
        span = self.high - self.low or 1.0
        return self.start + (value - self.low) / span * (self.end - self.start)


@dataclass(frozen=True)
class Chart:
    """A finished figure: SVG text plus a Dutch description (title and source).

    Jupyter shows it as ``image/svg+xml``; the description is its plain-text
    form and the SVG's ``<title>``, so screen readers read it.
    """

    svg: str
    beschrijving: str

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, str]:
        return {"image/svg+xml": self.svg, "text/plain": self.beschrijving}

    def save(self, path: str | Path) -> Path:
        """Write the figure as an ``.svg`` file that opens in any browser."""
        path = Path(path)
        path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n' + self.svg, encoding="utf-8")
        return path


class Canvas:
    """Shapes in pixel coordinates, from the top left, finished into a :class:`Chart`."""

    def __init__(self, width: float, height: float):
        self.width, self.height = float(width), float(height)
        self._parts: list[str] = []

    def rect(self, x: float, y: float, width: float, height: float, fill: str, *,
             opacity: float | None = None, tooltip: str | None = None) -> None:
        extra = f' fill-opacity="{opacity:g}"' if opacity is not None else ""
        attrs = (f'x="{x:.1f}" y="{y:.1f}" width="{max(width, 0):.1f}" height="{max(height, 0):.1f}" '
                 f'fill="{fill}"{extra}')
        self._parts.append(f"<rect {attrs}><title>{escape(tooltip)}</title></rect>" if tooltip else f"<rect {attrs}/>")

    def line(self, x1: float, y1: float, x2: float, y2: float, stroke: str = INK, width: float = 1.0, *,
             dash: str | None = None, opacity: float | None = None) -> None:
        extra = (f' stroke-dasharray="{dash}"' if dash else "") + (f' stroke-opacity="{opacity:g}"' if opacity else "")
        self._parts.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
                           f'stroke="{stroke}" stroke-width="{width:g}"{extra}/>')

    def circle(self, x: float, y: float, radius: float, fill: str, tooltip: str | None = None) -> None:
        body = f"<title>{escape(tooltip)}</title>" if tooltip else ""
        self._parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:g}" fill="{fill}">{body}</circle>')

    def text(self, x: float, y: float, content: object, *, size: float = 12, anchor: str = "start",
             colour: str = INK, bold: bool = False, italic: bool = False, rotate: float = 0.0) -> None:
        """Text whose middle sits at ``y`` (so it centres on a bar at the same ``y``)."""
        style = (' font-weight="bold"' if bold else "") + (' font-style="italic"' if italic else "")
        turn = f' transform="rotate({rotate:g} {x:.1f} {y:.1f})"' if rotate else ""
        self._parts.append(f'<text x="{x:.1f}" y="{y:.1f}" dy="0.35em" font-size="{size:g}" text-anchor="{anchor}" '
                           f'fill="{colour}"{style}{turn}>{escape(content)}</text>')

    def raw(self, svg: str) -> None:
        """Add SVG made elsewhere (for example map paths); the caller escapes its text."""
        self._parts.append(svg)

    def x_axis(self, scale: Scale, ticks: Iterable[float], y: float, top: float, label: str,
               fmt: Callable[[float], str]) -> None:
        """Grid lines from ``top`` down to the axis at ``y``, tick labels and the axis label below."""
        for tick in ticks:
            x = scale(tick)
            self.line(x, top, x, y, GRID)
            self.text(x, y + 10, fmt(tick), size=11, anchor="middle", colour=MUTED)
        self.line(scale.start, y, scale.end, y, MUTED)
        if label:
            self.text((scale.start + scale.end) / 2, y + 28, label, size=11, anchor="middle", colour=MUTED)

    def legend(self, x: float, y: float, items: Iterable[tuple[str, str]], size: float = 11) -> None:
        """Coloured squares with labels, in a row starting at (x, y)."""
        for colour, label in items:
            self.rect(x, y - 5, 10, 10, colour)
            self.text(x + 14, y, label, size=size)
            x += 14 + text_width(label, size) + 18

    def finish(self, beschrijving: str) -> Chart:
        """The chart, with ``beschrijving`` as its accessible title."""
        svg = (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{self.width:.0f}" '
               f'height="{self.height:.0f}" viewBox="0 0 {self.width:.0f} {self.height:.0f}" '
               f'font-family="{escape(FONT)}" style="max-width: 100%; height: auto">'
               f"<title>{escape(beschrijving)}</title>"
               f'<rect width="100%" height="100%" fill="#ffffff"/>' + "".join(self._parts) + "</svg>")
        return Chart(svg, beschrijving)
