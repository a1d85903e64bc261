"""Maps for the reports: the national choropleth and the map of a gemeente's wijken.

Drawn as SVG (:mod:`buitenbeeld.publish.svg`) from the CBS boundary files that
:mod:`buitenbeeld.reference.geo` reads; every area carries its name and value as a
tooltip, and its colour class is also in the legend, so the map is never the
only place a figure can be read.
"""
from __future__ import annotations

import math
from typing import Mapping

from buitenbeeld.common.formatting import format_count, format_share, is_missing
from buitenbeeld.publish.plots import Frame
from buitenbeeld.publish.svg import INK, MUTED, Chart, blend, escape, readable_on
from buitenbeeld.reference.geo import Boundary, centroid, fit_map, svg_paths

__all__ = ["CLASS_COLOURS", "MISSING_COLOUR", "class_bounds", "plot_share_map", "plot_wijk_map"]

#: ColorBrewer OrRd, five classes: sequential and readable for colour-blind readers.
CLASS_COLOURS = ("#fef0d9", "#fdcc8a", "#fc8d59", "#e34a33", "#b30000")
MISSING_COLOUR = "#d9d9d9"
_MAP_WIDTH, _MAP_HEIGHT = 440.0, 520.0


def class_bounds(values: list[float], classes: int = len(CLASS_COLOURS)) -> list[float]:
    """Upper bounds of ``classes`` colour classes of about equal size (quantiles, rounded up to 0,1 percent point).

    The last bound is at least the maximum, so every value falls in a class.
    """
    ordered = sorted(v for v in values if not is_missing(v))
    if not ordered:
        return []
    bounds = []
    for k in range(1, classes):
        # rounded up to 0,1 percent point: the gemeente at the quantile stays in its class, as its tooltip reads
        bound = math.ceil(round(ordered[min(len(ordered) - 1, (len(ordered) * k) // classes)] * 1000, 6)) / 1000
        if not bounds or bound > bounds[-1]:
            bounds.append(bound)
    if not bounds or ordered[-1] > bounds[-1]:
        bounds.append(math.ceil(round(ordered[-1] * 1000, 6)) / 1000)
    return bounds


def _colour(value: float | None, bounds: list[float]) -> str:
    if is_missing(value):
        return MISSING_COLOUR
    for k, bound in enumerate(bounds):
        if value <= bound:
            return CLASS_COLOURS[min(k, len(CLASS_COLOURS) - 1)]
    return CLASS_COLOURS[-1]


def _areas(frame: Frame, paths: dict[str, str], fills: dict[str, str], tooltips: dict[str, str],
           stroke: str = "#ffffff", width: float = 0.4) -> None:
    """The areas, each with its name and value as tooltip, placed under the title at the left."""
    frame.canvas.raw(f'<g transform="translate(10 {frame.top:.1f})" stroke="{stroke}" stroke-width="{width:g}" '
                     f'fill-rule="evenodd">' + "".join(
                         f'<path d="{d}" fill="{fills[code]}"><title>{escape(tooltips[code])}</title></path>'
                         for code, d in paths.items()) + "</g>")


def plot_share_map(boundaries: Mapping[str, Boundary], shares: Mapping[str, float | None], eigen: str, naam: str,
                   peiljaar: int | None, source: str, synthetic: bool = False) -> Chart:
    """Choropleth of the share of young people buiten beeld per gemeente, ``eigen`` outlined.

    ``shares`` maps gemeente codes to shares (0-1); a code without a share (or a
    suppressed one) is drawn grey as "onbekend".
    """
    boundaries = dict(boundaries)
    bounds = class_bounds([shares.get(code) for code in boundaries])
    frame = Frame(f"Aandeel jongeren buiten beeld per gemeente, {peiljaar or ''}".rstrip(", "),
                   source + "; grenzen: CBS, Kadaster (CC BY 4.0)", synthetic, _MAP_HEIGHT + 10)
    paths = svg_paths(boundaries, _MAP_WIDTH, _MAP_HEIGHT, padding=4)
    fills = {code: _colour(shares.get(code), bounds) for code in paths}
    tooltips = {code: f"{b.naam}: " + ("onbekend" if is_missing(shares.get(code)) else format_share(shares[code]))
                for code, b in boundaries.items()}
    top, left = frame.top, 10.0
    _areas(frame, paths, fills, tooltips)
    canvas = frame.canvas
    if eigen in paths:
        canvas.raw(f'<g transform="translate({left:.1f} {top:.1f})"><path d="{paths[eigen]}" fill="none" '
                   f'stroke="{INK}" stroke-width="2.5" fill-rule="evenodd"/></g>')
        frame_map = fit_map(boundaries.values(), _MAP_WIDTH, _MAP_HEIGHT, 4)
        x, y = frame_map(*centroid(boundaries[eigen]))
        canvas.line(left + x, top + y, _MAP_WIDTH + 24, top + y, INK, 1)
        canvas.text(_MAP_WIDTH + 28, top + y, naam, bold=True)
        if not is_missing(shares.get(eigen)):
            canvas.text(_MAP_WIDTH + 28, top + y + 16, format_share(shares[eigen]), size=11)
    legend_x, legend_y = _MAP_WIDTH + 28, top + 20
    canvas.text(legend_x, legend_y - 14, "aandeel buiten beeld", size=11, colour=MUTED, bold=True)
    low = None
    for k, bound in enumerate(bounds):
        label = f"tot en met {format_share(bound)}" if low is None else f"{format_share(low)} tot {format_share(bound)}"
        canvas.rect(legend_x, legend_y + 20 * k - 6, 14, 12, CLASS_COLOURS[min(k, len(CLASS_COLOURS) - 1)])
        canvas.text(legend_x + 20, legend_y + 20 * k, label, size=11)
        low = bound
    canvas.rect(legend_x, legend_y + 20 * len(bounds) - 6, 14, 12, MISSING_COLOUR)
    canvas.text(legend_x + 20, legend_y + 20 * len(bounds), "onbekend of geheim", size=11)
    return frame.finish()


def plot_wijk_map(wijken: Mapping[str, Boundary], counts: Mapping[str, int], naam: str, source: str,
                  synthetic: bool = False) -> Chart:
    """The gemeente's wijken, coloured by the number of organisations of the sociale kaart in each.

    ``counts`` maps wijk names (as in the interviews, matched without regard to
    case) to numbers of organisations; a wijk without organisations is white,
    so gaps show.
    """
    by_name = {str(name).strip().casefold(): count for name, count in counts.items()}
    values = {code: by_name.get(b.naam.strip().casefold(), 0) for code, b in wijken.items()}
    high = max(values.values(), default=0)
    frame = Frame(f"Organisaties per wijk, {naam}", source + "; grenzen: CBS, Kadaster (CC BY 4.0)", synthetic,
                  _MAP_HEIGHT * 0.8 + 10)
    wijken = dict(wijken)
    paths = svg_paths(wijken, _MAP_WIDTH, _MAP_HEIGHT * 0.8, padding=4)
    fills = {code: blend("#ffffff", "#08306b", values[code] / high if high else 0) for code in paths}
    tooltips = {code: f"{wijken[code].naam}: {format_count(values[code])} organisatie(s)" for code in paths}
    _areas(frame, paths, fills, tooltips, stroke=MUTED, width=0.8)
    place = fit_map(wijken.values(), _MAP_WIDTH, _MAP_HEIGHT * 0.8, 4)
    for code, boundary in wijken.items():  # the number on the map itself: colour is never the only cue
        x, y = place(*centroid(boundary))
        frame.canvas.text(10 + x, frame.top + y, format_count(values[code]), size=10, anchor="middle",
                          colour=readable_on(fills[code]), bold=True)
    frame.canvas.text(_MAP_WIDTH + 28, frame.top + 10, "getal = organisaties van de", size=11, colour=MUTED)
    frame.canvas.text(_MAP_WIDTH + 28, frame.top + 26, "sociale kaart in de wijk", size=11, colour=MUTED)
    return frame.finish()
