"""Figures for the reports and notebooks, in Dutch, each with a title and a source line.

Every function returns a :class:`~buitenbeeld.publish.svg.Chart` (SVG, see
:mod:`buitenbeeld.publish.svg` for why not matplotlib). Colours come from seaborn's
colour-blind palette (:data:`PALETTE`); a value that is unknown is written as
"onbekend", never drawn as zero. ``show(chart)`` displays a chart in a notebook.
"""
from __future__ import annotations

import math
from typing import Callable, Sequence

import numpy as np
import pandas as pd

from buitenbeeld.common.formatting import MISSING, format_count, format_number, format_share, is_missing
from buitenbeeld.privacy.disclosure import is_shown, shown_value
from buitenbeeld.publish.svg import GRID, MUTED, Canvas, Chart, Scale, blend, nice_ticks, readable_on, text_width

__all__ = [
    "PALETTE", "Frame", "show", "plot_youth_share", "plot_type_counts", "plot_wijk_type", "plot_ingest_counts",
    "plot_problems_by_column", "plot_profiles", "plot_coverage", "plot_rank_intervals", "plot_reach_gap",
    "plot_comparable", "plot_funnel", "plot_per_period", "plot_trend",
]

#: seaborn's "colorblind" palette (a test checks it against seaborn).
PALETTE = ("#0173b2", "#de8f05", "#029e73", "#d55e00", "#cc78bc", "#ca9161", "#fbafe4", "#949494", "#ece133",
           "#56b4e9")
_SYNTHETIC_NOTE = " (SYNTHETISCHE DEMODATA)"
_WIDTH = 720
_ROW = 24
_LABEL_CHARS = 40
_ROLE_ORDER = ("bereiken", "activeren", "plaatsen", "behouden")
_TREND_HEIGHT, _TREND_LEFT = 220, 60


def show(chart: Chart) -> None:
    """Display a chart in a notebook (as SVG, with its description as title and plain text)."""
    from IPython.display import display

    display(chart)


def _label(text: object) -> str:
    text = str(text)
    return text if len(text) <= _LABEL_CHARS else text[: _LABEL_CHARS - 1] + "…"


def _wrap(text: str, width: float, size: float) -> list[str]:
    lines, line = [], ""
    for word in text.split(" "):
        candidate = f"{line} {word}".strip()
        if line and text_width(candidate, size) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    return lines + [line]


class Frame:
    """A canvas with the title on top and the source line(s) below, and the room in between."""

    def __init__(self, title: str, source: str, synthetic: bool, body: float, *, width: float = _WIDTH,
                 legend: Sequence[tuple[str, str]] = ()):
        self.title = title
        self.source = "Bron: " + source + (_SYNTHETIC_NOTE if synthetic else "")
        self.source_lines = _wrap(self.source, width - 20, 10)
        self.top = 40 + (22 if legend else 0)
        self.canvas = Canvas(width, self.top + body + 14 * len(self.source_lines) + 14)
        self.canvas.text(10, 18, title, size=14, bold=True)
        if legend:
            self.canvas.legend(10, 46, legend)

    def finish(self) -> Chart:
        bottom = self.canvas.height - 14 * len(self.source_lines) - 4
        for k, line in enumerate(self.source_lines):
            self.canvas.text(10, bottom + 14 * k, line, size=10, colour=MUTED)
        return self.canvas.finish(f"Figuur: {self.title}. {self.source}")


def _count_ticks(high: float) -> list[float]:
    """Whole-number ticks from 0 (counts of organisations, rows, messages)."""
    return [t for t in nice_ticks(0, max(high, 1) * 1.05) if float(t).is_integer()] or [0, 1]


def _hbars(title: str, labels: Sequence[object], stacks: Sequence[tuple[Sequence[float], object, str | None]], *,
           source: str, synthetic: bool, x_label: str, fmt: Callable[[float], str] = format_count,
           value_text: Sequence[str] | None = None, reference: tuple[float, str, str] | None = None,
           ticks: Callable[[float], list[float]] = _count_ticks) -> Chart:
    """Horizontal bars, one row per label, each row a stack of ``(values, colour(s), legend label)``.

    ``value_text`` is written after each bar; a row whose values are all unknown reads "onbekend".
    ``reference`` is ``(value, label, colour)``: a dashed line across all rows.
    """
    values = np.array([[np.nan if is_missing(v) else float(v) for v in stack[0]] for stack in stacks], dtype=float)
    totals = np.nansum(values, axis=0)
    unknown = np.isnan(values).all(axis=0)
    legend = [(colour, name) for _, colour, name in stacks if name]
    shown = [_label(label) for label in labels]
    texts = list(value_text) if value_text is not None else [""] * len(shown)
    # an unknown value reads as what the caller says (a suppressed "<10", "x"), else "onbekend"
    texts = [("onbekend" if text in ("", MISSING) else text) if gone else text for text, gone in zip(texts, unknown)]
    head = 18 if reference else 0
    frame = Frame(title, source, synthetic, head + _ROW * len(shown) + 46, legend=legend)
    canvas, top = frame.canvas, frame.top + head
    left = min(max((text_width(s, 12) for s in shown), default=0) + 18, _WIDTH * 0.42)
    right = _WIDTH - max((text_width(t, 11) for t in texts), default=0) - 16
    high = max([*totals, reference[0] if reference else 0, 0])
    marks = ticks(high)
    scale = Scale(0, marks[-1], left, right)
    axis_y = top + _ROW * len(shown) + 4
    canvas.x_axis(scale, marks, axis_y, frame.top, x_label, fmt)
    for row, label in enumerate(shown):
        middle = top + _ROW * row + _ROW / 2
        canvas.text(left - 8, middle, label, anchor="end")
        start = 0.0
        for k, (_, colour, _name) in enumerate(stacks):
            value = values[k, row]
            if np.isnan(value):
                continue
            fill = colour[row] if isinstance(colour, (list, tuple)) else colour
            canvas.rect(scale(start), middle - 8, scale(start + value) - scale(start), 16, fill)
            start += value
        if texts[row]:
            canvas.text(scale(start) + 4, middle, texts[row], size=11, italic=bool(unknown[row]),
                        colour=MUTED if unknown[row] else "#222222")
    if reference:
        value, label, colour = reference
        canvas.line(scale(value), frame.top + 6, scale(value), axis_y, colour, 1.5, dash="5 3")
        canvas.text(scale(value) + 4, frame.top + 8, label, size=11, colour=colour)
    return frame.finish()


def _heatmap(title: str, table: pd.DataFrame, *, dark: str, x_label: str, y_label: str, source: str,
             synthetic: bool) -> Chart:
    """Counts per row and column as coloured cells with the number in each; 0 stays visible as a gap."""
    rows, columns = [_label(r) for r in table.index], [str(c) for c in table.columns]
    cell_w = max(56.0, min(90.0, max((text_width(c, 11) for c in columns), default=0) * 0.6))
    header = max((text_width(c, 11) for c in columns), default=0) * 0.5 + 16  # labels at 30 degrees
    left = max((text_width(r, 12) for r in rows), default=0) + 18
    width = max(_WIDTH * 0.6, left + cell_w * len(columns) + 60)
    frame = Frame(title, source, synthetic, header + 26 * len(rows) + 30, width=width)
    canvas = frame.canvas
    top = frame.top + header
    high = float(np.nanmax(table.to_numpy(dtype=float))) if table.size else 0.0
    canvas.text(left - 8, top - 10, y_label, size=11, anchor="end", colour=MUTED, italic=True)
    for j, column in enumerate(columns):
        x = left + cell_w * j + cell_w / 2
        canvas.text(x - 4, top - 8, column, size=11, rotate=-30)
    for i, row in enumerate(rows):
        y = top + 26 * i
        canvas.text(left - 8, y + 13, row, anchor="end")
        for j, value in enumerate(table.iloc[i]):
            fill = blend("#f7fbff", dark, float(value) / high if high else 0.0)
            canvas.rect(left + cell_w * j + 1, y + 1, cell_w - 2, 24, fill,
                        tooltip=f"{row}, {columns[j]}: {format_count(value)}")
            canvas.text(left + cell_w * j + cell_w / 2, y + 13, format_count(value), anchor="middle",
                        colour=readable_on(fill))
    canvas.text(left + cell_w * len(columns) / 2, top + 26 * len(rows) + 14, x_label, size=11, anchor="middle",
                colour=MUTED)
    return frame.finish()


def _share_ticks(high: float) -> list[float]:
    return nice_ticks(0, max(high, 0.01) * 1.15)


def plot_youth_share(naam: str, share: float, national_share: float, peiljaar: int | None,
                     source: str, synthetic: bool = False) -> Chart:
    """Bars of the gemeente's share of young people buiten beeld against the national share."""
    shares = [share, national_share]
    return _hbars(f"Jongeren buiten beeld, {peiljaar or 'peiljaar onbekend'}", [naam, "Nederland"],
                  [(shares, [PALETTE[0], PALETTE[7]], None)], source=source, synthetic=synthetic,
                  x_label="aandeel jongeren van 15 tot 27 jaar buiten beeld", fmt=lambda x: format_share(x, 0),
                  value_text=[format_share(s) for s in shares], ticks=_share_ticks)


def plot_comparable(table: pd.DataFrame, national_share: float, peiljaar: int | None, source: str,
                    synthetic: bool = False) -> Chart:
    """Share buiten beeld of the gemeente (in colour) beside gemeenten of similar size, with the national share."""
    colours = [PALETTE[0] if own else "#b0b0b0" for own in table["eigen"]]
    reference = None
    if not is_missing(national_share):
        reference = (float(national_share), f"Nederland {format_share(national_share)}", PALETTE[3])
    return _hbars(f"Vergelijkbare gemeenten (naar aantal jongeren), {peiljaar or ''}".rstrip(", "),
                  table["gemeentenaam"].tolist(), [(table["aandeel"].tolist(), colours, None)], source=source,
                  synthetic=synthetic, x_label="aandeel jongeren van 15 tot 27 jaar buiten beeld",
                  fmt=lambda x: format_share(x, 0), value_text=[format_share(s) for s in table["aandeel"]],
                  reference=reference, ticks=_share_ticks)


def plot_type_counts(counts: pd.Series, naam: str, source: str, synthetic: bool = False) -> Chart:
    """Horizontal bars: organisations per type (all six types, zeros shown)."""
    colours = [PALETTE[k % len(PALETTE)] for k in range(len(counts))]
    return _hbars(f"Sociale kaart {naam}: organisaties per type", counts.index.tolist(),
                  [(counts.tolist(), colours, None)], source=source, synthetic=synthetic,
                  x_label="aantal organisaties", value_text=[format_count(v) for v in counts])


def plot_ingest_counts(files: pd.DataFrame, synthetic: bool = False) -> Chart:
    """Per file: rows loaded and rejected, stacked, so a glance shows where the problems are."""
    return _hbars("Ingelezen rijen per bestand: geladen en afgewezen", files["file"].tolist(),
                  [(files["loaded"].tolist(), PALETTE[2], "geladen"), (files["rejected"].tolist(), PALETTE[3], "afgewezen")],
                  source="interviewbestanden in raw/", synthetic=synthetic, x_label="rijen",
                  value_text=[f"{format_count(a)} + {format_count(b)}" for a, b in zip(files["loaded"], files["rejected"])])


def plot_problems_by_column(problems: pd.DataFrame, synthetic: bool = False) -> Chart:
    """Messages per column, errors and warnings apart: which questions cause trouble."""
    table = pd.crosstab(problems["column"].fillna("(bestand)"), problems["severity"])
    table = table.reindex(columns=["error", "warning"], fill_value=0)
    table = table.loc[table.sum(axis=1).sort_values(ascending=False, kind="stable").index]
    return _hbars("Meldingen per kolom", table.index.tolist(),
                  [(table["error"].tolist(), PALETTE[3], "fout (rij afgewezen)"),
                   (table["warning"].tolist(), PALETTE[1], "waarschuwing (rij geladen)")],
                  source="validatie van de interviewbestanden", synthetic=synthetic, x_label="meldingen",
                  value_text=[format_count(v) for v in table.sum(axis=1)])


def plot_wijk_type(table: pd.DataFrame, naam: str, source: str, synthetic: bool = False) -> Chart:
    """Heat map of organisations per wijk and type; a 0 shows where no such organisation works."""
    return _heatmap(f"Sociale kaart {naam}: organisaties per wijk en type", table, dark="#08306b",
                    x_label="type organisatie", y_label="wijk", source=source, synthetic=synthetic)


def plot_coverage(coverage: pd.DataFrame, naam: str, source: str, synthetic: bool = False) -> Chart:
    """Heat map wijk x role: organisations that fit the role; a 0 shows a gap in the wijk."""
    return _heatmap(f"Welke rollen zijn per wijk gedekt? {naam}", coverage, dark="#00441b",
                    x_label="rol (organisaties waarvoor de rol past)", y_label="wijk", source=source,
                    synthetic=synthetic)


def plot_profiles(profiles: pd.DataFrame, names: pd.Series, titel: str, source: str,
                  synthetic: bool = False) -> Chart:
    """Per organisation (a row) its four strengths as bars on 0-10, side by side per role, with the
    range its estimated answers allow; an unknown strength reads 'onbekend', never drawn as zero."""
    labels = [_label(names[i]) for i in profiles.index]
    left = max((text_width(s, 11) for s in labels), default=0) + 16
    band = (_WIDTH - left - 10) / 4
    frame = Frame(f"{titel} (0-10 per rol)", source + "; lijn = bereik van geschatte antwoorden", synthetic,
                   24 + 22 * len(labels))
    canvas, top = frame.canvas, frame.top + 24
    for k, role in enumerate(_ROLE_ORDER):
        scale = Scale(0, 10, left + band * k, left + band * k + band - 14)
        canvas.text((scale.start + scale.end) / 2, top - 12, role, anchor="middle", bold=True)
        values = profiles[role].to_numpy(dtype=float)
        low = profiles[f"{role}_min"].to_numpy(dtype=float)
        high = profiles[f"{role}_max"].to_numpy(dtype=float)
        for row in range(len(labels)):
            middle = top + 22 * row + 11
            canvas.rect(scale.start, middle - 7, scale.end - scale.start, 14, "#eeeeee")
            if math.isnan(values[row]):
                canvas.text(scale.start + 4, middle, "onbekend", size=11, italic=True, colour=MUTED)
                continue
            canvas.rect(scale.start, middle - 7, scale(values[row]) - scale.start, 14, PALETTE[k],
                        tooltip=f"{labels[row]}, {role}: {format_number(values[row])}")
            if high[row] > low[row]:
                canvas.line(scale(low[row]), middle, scale(high[row]), middle, "#222222", 1.5)
    for row, label in enumerate(labels):
        canvas.text(left - 8, top + 22 * row + 11, label, size=11, anchor="end")
    return frame.finish()


def _rank(value: float) -> str:
    """A position as text: ``3``, or ``2,5`` when a percentile falls between two positions."""
    return format_count(value) if float(value).is_integer() else format_number(value)


def plot_rank_intervals(sensitivity: pd.DataFrame, names: pd.Series, role: str, naam: str, source: str,
                        synthetic: bool = False) -> Chart:
    """Per organisation its position for one role (1 = strongest), with the 90% interval of the sensitivity analysis."""
    known = sensitivity.dropna(subset=["rang"]).sort_values(["rang", "rang_laag"], kind="stable")
    labels = [_label(names[i]) for i in known.index]
    left = max((text_width(s, 11) for s in labels), default=0) + 16
    frame = Frame(f"{role.capitalize()}: hoe vast ligt de positie? {naam}", source, synthetic,
                   22 * len(labels) + 50)
    canvas, top = frame.canvas, frame.top
    high = float(max(known["rang_hoog"].max(), known["rang"].max(), 1)) if len(known) else 1.0
    marks = [1] + [t for t in nice_ticks(1, high) if float(t).is_integer() and 1 < t <= high]
    scale = Scale(0.5, high + 0.5, left, _WIDTH - 20)
    axis_y = top + 22 * len(labels) + 4
    canvas.x_axis(scale, marks, axis_y, top, "positie in de gemeente (1 = sterkst op deze rol); "
                  "balk = 90%-interval", format_count)
    for row, (label, item) in enumerate(zip(labels, known.itertuples())):
        middle = top + 22 * row + 11
        canvas.text(left - 8, middle, label, size=11, anchor="end")
        canvas.rect(scale(item.rang_laag - 0.3), middle - 5, scale(item.rang_hoog + 0.3) - scale(item.rang_laag - 0.3),
                    10, PALETTE[0], opacity=0.35)
        canvas.circle(scale(item.rang), middle, 5, PALETTE[0],
                      tooltip=f"{label}: positie {_rank(item.rang)} (90%: {_rank(item.rang_laag)} tot "
                              f"{_rank(item.rang_hoog)})")
    return frame.finish()


def plot_reach_gap(gap: pd.DataFrame, naam: str, source: str, synthetic: bool = False) -> Chart:
    """Two views of the young people buiten beeld an organisation reaches: the gemeente's estimate beforehand and the
    organisation's own answer in the interview. Neither is drawn as the right one: the diagonal is where they agree."""
    size, left = 380.0, 70.0
    legend = [(PALETTE[0], "antwoord: een precies getal"), (PALETTE[1], "antwoord: een schatting"),
              ("#777777", "stippellijn: beide gelijk")]
    frame = Frame(f"Twee kijken op jongeren buiten beeld, {naam}",
                  source + "; boven de lijn noemde de gemeente meer, onder de lijn de organisatie zelf",
                  synthetic, size + 50, width=max(_WIDTH * 0.75, left + size + 40), legend=legend)
    canvas, top = frame.canvas, frame.top + 6
    x_values = gap["interview"].astype(float)
    y_values = gap["inschatting_gemeente"].astype(float)
    high = float(np.nanmax([x_values.max(), y_values.max(), 1]))
    marks = nice_ticks(0, high * 1.05)
    x_scale = Scale(0, marks[-1], left, left + size)
    y_scale = Scale(0, marks[-1], top + size, top)
    canvas.x_axis(x_scale, marks, top + size, top, "jongeren buiten beeld volgens de organisatie zelf", format_count)
    for tick in marks:
        canvas.line(left, y_scale(tick), left + size, y_scale(tick), GRID)
        canvas.text(left - 6, y_scale(tick), format_count(tick), size=11, anchor="end", colour=MUTED)
    canvas.line(left, top, left, top + size, MUTED)
    canvas.text(16, top + size / 2, "schatting van de gemeente vooraf", size=11, anchor="middle", colour=MUTED,
                rotate=-90)
    canvas.line(x_scale(0), y_scale(0), x_scale(marks[-1]), y_scale(marks[-1]), "#777777", 1, dash="5 3")
    for x, y, estimated in zip(x_values, y_values, gap["interview_geschat"].astype(bool)):
        if math.isnan(x) or math.isnan(y):
            continue
        if estimated:
            canvas.rect(x_scale(x) - 4.5, y_scale(y) - 4.5, 9, 9, PALETTE[1])
        else:
            canvas.circle(x_scale(x), y_scale(y), 5, PALETTE[0])
    return frame.finish()


def plot_funnel(shown: pd.DataFrame, titel: str, source: str, synthetic: bool = False) -> Chart:
    """The funnel bereikt -> geactiveerd -> geplaatst -> behouden as bars, from a table as the report shows it.

    ``shown`` has ``stap``, ``jongeren`` (text, suppressed already) and ``van bereikt``;
    a suppressed stage gets no bar, only its symbol, so the chart reveals no more
    than the table.
    """
    counts = [shown_value(t) for t in shown["jongeren"]]
    labels = [f"{text} ({share} van bereikt)" if share and is_shown(text) else text
              for text, share in zip(shown["jongeren"], shown["van bereikt"])]
    return _hbars(titel, shown["stap"].tolist(), [(counts, [PALETTE[k % 4] for k in range(len(counts))], None)],
                  source=source, synthetic=synthetic, x_label="jongeren", value_text=labels)


def plot_per_period(per_period: pd.DataFrame, titel: str, source: str, synthetic: bool = False) -> Chart:
    """Per quarter or month: young people newly reached and placed, as shown (suppressed counts get no bar).

    ``per_period`` has ``periode`` and the text columns ``nieuw bereikt`` and ``geplaatst``
    (:func:`buitenbeeld.publish.pilot_tables.per_period`).
    """
    rows = len(per_period)
    frame = Frame(titel, source, synthetic, 24 * rows + 46,
                  legend=[(PALETTE[0], "nieuw bereikt"), (PALETTE[2], "geplaatst")])
    canvas, top = frame.canvas, frame.top
    reached = [shown_value(t) for t in per_period["nieuw bereikt"]]
    placed = [shown_value(t) for t in per_period["geplaatst"]]
    marks = _count_ticks(np.nanmax([*reached, *placed, 1]))
    left = 80.0
    scale = Scale(0, marks[-1], left, _WIDTH - 60)
    axis_y = top + 24 * rows + 4
    canvas.x_axis(scale, marks, axis_y, top, "jongeren", format_count)
    for row, period in enumerate(per_period["periode"]):
        y = top + 24 * row
        canvas.text(left - 8, y + 12, period, anchor="end")
        for k, (values, texts, colour) in enumerate(((reached, per_period["nieuw bereikt"], PALETTE[0]),
                                                     (placed, per_period["geplaatst"], PALETTE[2]))):
            middle = y + 7 + 10 * k
            value = values[row]
            if not math.isnan(value):
                canvas.rect(left, middle - 4, scale(value) - left, 8, colour)
            canvas.text((scale(value) if not math.isnan(value) else left) + 4, middle, texts.iloc[row], size=9,
                        colour=MUTED)
    return frame.finish()


def _year_marks(years: Sequence[int]) -> list[int]:
    """The years that get a label: all of them up to 12, else every other one (the last always)."""
    step = 1 if len(years) <= 12 else 2
    return sorted({*years[::-1][::step]})


def plot_trend(gemeente: pd.DataFrame, nederland: pd.DataFrame, naam: str, source: str,
               synthetic: bool = False) -> Chart:
    """The share buiten beeld per year of the gemeente and of Nederland, with the margin CBS's rounding leaves.

    Both frames have ``jaar``, ``aandeel_buiten_beeld``, ``aandeel_laag``, ``aandeel_hoog``,
    ``voorlopig`` and ``reeksbreuk`` (as :func:`buitenbeeld.publish.report_cbs.trend_chart`
    prepares them). A share that is unknown or hidden (NaN) gets no dot, never a zero. A
    vertical line (a whisker) is the margin; a dashed line before a year with ``reeksbreuk``
    marks the break, and the line between the dots does not cross it (nor a missing year);
    a provisional year is an open dot with ``*`` after the year.
    """
    frames = [(nederland, PALETTE[7], "Nederland"), (gemeente, PALETTE[0], naam)]  # the gemeente on top
    years = sorted({int(y) for frame, _, _ in frames if len(frame) for y in frame["jaar"]})
    provisional = {int(y) for frame, _, _ in frames if len(frame) for y in frame.loc[frame["voorlopig"], "jaar"]}
    breaks = sorted({int(y) for frame, _, _ in frames if len(frame) for y in frame.loc[frame["reeksbreuk"], "jaar"]
                     if y > years[0]})
    hidden = len(gemeente) and gemeente["aandeel_buiten_beeld"].isna().any()
    notes = ["streepje = marge door afronding"] + (["* = voorlopig cijfer"] if provisional else []) \
        + (["geen stip = onbekend of te klein aantal"] if hidden else [])
    frame = Frame(f"Jongeren buiten beeld per jaar: {naam} en Nederland", f"{source}; {'; '.join(notes)}", synthetic,
                  _TREND_HEIGHT + 60, legend=[(PALETTE[0], naam), (PALETTE[7], "Nederland")])
    canvas, top = frame.canvas, frame.top + 22
    bottom = top + _TREND_HEIGHT
    values = [v for f, _, _ in frames if len(f) for c in ("aandeel_hoog", "aandeel_buiten_beeld") for v in f[c]]
    marks = _share_ticks(float(np.nanmax([*values, 0.0])))
    decimals = 0 if all(float(round(t * 100, 9)).is_integer() for t in marks) else 1
    x = Scale(years[0] - 0.5, years[-1] + 0.5, _TREND_LEFT, _WIDTH - 20)
    y = Scale(0, marks[-1], bottom, top)
    for tick in marks:
        canvas.line(_TREND_LEFT, y(tick), _WIDTH - 20, y(tick), GRID)
        canvas.text(_TREND_LEFT - 6, y(tick), format_share(tick, decimals), size=11, anchor="end", colour=MUTED)
    canvas.line(_TREND_LEFT, bottom, _WIDTH - 20, bottom, MUTED)
    for year in _year_marks(years):
        canvas.text(x(year), bottom + 12, f"{year}{'*' if year in provisional else ''}", size=11, anchor="middle",
                    colour=MUTED)
    for year in breaks:
        canvas.line(x(year - 0.5), top - 16, x(year - 0.5), bottom, MUTED, 1.2, dash="5 3")
        canvas.text(x(year - 0.5) + 4, top - 12, "breuk in de reeks", size=10, colour=MUTED)
    for rows, colour, label in frames:
        points = [] if not len(rows) else sorted(rows.to_dict("records"), key=lambda r: r["jaar"])
        for before, after in zip(points, points[1:]):
            if after["jaar"] - before["jaar"] == 1 and after["jaar"] not in breaks and not (
                    is_missing(before["aandeel_buiten_beeld"]) or is_missing(after["aandeel_buiten_beeld"])):
                canvas.line(x(before["jaar"]), y(before["aandeel_buiten_beeld"]), x(after["jaar"]),
                            y(after["aandeel_buiten_beeld"]), colour, 2)
        for point in points:
            share, low, high = point["aandeel_buiten_beeld"], point["aandeel_laag"], point["aandeel_hoog"]
            if is_missing(share):
                continue
            if not is_missing(low) and not is_missing(high) and high > low:
                canvas.line(x(point["jaar"]), y(low), x(point["jaar"]), y(high), colour, 2, opacity=0.6)
            year = int(point["jaar"])
            margin = f" (marge {format_share(low)} tot {format_share(high)})" if not is_missing(low) else ""
            canvas.circle(x(year), y(share), 4.5, colour, tooltip=f"{label}, {year}"
                          f"{' (voorlopig)' if point['voorlopig'] else ''}: {format_share(share)}{margin}")
            if point["voorlopig"]:
                canvas.circle(x(year), y(share), 2.5, "#ffffff")
    return frame.finish()
