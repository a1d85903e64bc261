"""The CBS figures of section 2 of the gemeente report: young people buiten beeld.

Two sources, each for what it can tell: the StatLine series (``buitenbeeld cbs``,
cached under ``raw/``) gives the share per year up to the latest, the gemeente
against Nederland; CBS rounds its counts (to hundreds), so each share has a
margin (``aandeel_laag`` to ``aandeel_hoog``), and the series has breaks (another
table, the UWV registration of 2018) and a provisional last year. The CBS
maatwerk table of 2013 (an xlsx under ``raw/``) is the only source of the split
"met / zonder bekende reden"; the report says its year plainly.

This module computes: the latest year for the gemeente (:func:`latest_figures`),
what changed since the first year of the current way of counting
(:func:`change_since_start`), the comparable gemeenten and the maatwerk table.
Two shares are only called higher or lower when their margins do not overlap
and they differ by more than :data:`TOLERANCE` (:func:`compare`).
:mod:`buitenbeeld.publish.report_cbs_section` puts it in words and in order.

The functions take the report's ``ReportData`` (:mod:`buitenbeeld.publish.report`
imports this module, not the other way round). Counts go through ``show_count``; a
share whose count is suppressed is shown nowhere: not in text, chart or map.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from buitenbeeld.common.formatting import escape, format_count, format_share, is_missing
from buitenbeeld.errors import BuitenbeeldError
from buitenbeeld.ingest import statline_series
from buitenbeeld.privacy.disclosure import is_suppressed, show_count

__all__ = [
    "TOLERANCE", "SPLIT_YEAR", "SIZE_ONLY", "load_series", "share_of", "margin_of", "compare",
    "Latest", "latest_figures", "map_figures", "series_rows", "series_source", "series_sources", "Change",
    "change_since_start", "shown_rows", "comparable_gemeenten", "comparable_rule", "youth_figures_table", "shares",
    "layout_note", "key_figures", "youth_figures_values",
]

#: Two shares closer than this (0,1 procentpunt) are "ongeveer gelijk", whatever their margins.
TOLERANCE = 0.001
#: The year of the CBS maatwerk table, the last time CBS split "met / zonder bekende reden".
SPLIT_YEAR = 2013
SIZE_ONLY = "alleen op grootte vergelijkbaar"


def load_series(data_dir: str | Path | None = None) -> tuple[object | None, str | None]:
    """The StatLine series cached in the data folder (no network; ``YouthSeries``) and a note when it cannot be read.

    Returns ``(None, None)`` when nothing is cached.
    """
    try:
        return statline_series.load_series(data_dir or None), None
    except BuitenbeeldError as error:
        return None, f"De opgeslagen StatLine-cijfers zijn niet te lezen: {escape(error)}"


# --------------------------------------------------------------------------- shares and margins


def share_of(row: dict | None, threshold: int | None = None) -> float | None:
    """Share buiten beeld; None when unknown, or when a count is suppressed (the share would give it away)."""
    if not row or is_missing(row.get("jongeren_15_27")) or not row.get("jongeren_15_27") \
            or is_missing(row.get("buiten_beeld")):
        return None
    if threshold is not None and (is_suppressed(row["buiten_beeld"], threshold) or
                                  is_suppressed(row["jongeren_15_27"], threshold)):
        return None
    given = row.get("aandeel_buiten_beeld")
    value = float(given) if not is_missing(given) else row["buiten_beeld"] / row["jongeren_15_27"]
    return None if value != value else value


def margin_of(row: dict | None, threshold: int | None = None) -> tuple[float, float, float] | None:
    """``(share, low, high)``: the share and the margin CBS's rounding leaves; None when the share is not shown.

    Without ``aandeel_laag`` / ``aandeel_hoog`` (the maatwerk table) the margin is the share itself.
    """
    share = share_of(row, threshold)
    if share is None:
        return None
    low, high = row.get("aandeel_laag"), row.get("aandeel_hoog")
    low = share if is_missing(low) else min(float(low), share)
    high = share if is_missing(high) else max(float(high), share)
    return share, low, high


def compare(own: tuple[float, float, float] | None, other: tuple[float, float, float] | None) -> str | None:
    """``"hoger"``, ``"lager"`` or ``"ongeveer gelijk"``: ``own`` against ``other``, each ``(share, low, high)``.

    Only higher or lower when the margins do not overlap and the unrounded shares
    differ by more than :data:`TOLERANCE`; None when either is unknown.
    """
    if own is None or other is None:
        return None
    share, low, high = own
    other_share, other_low, other_high = other
    if (low <= other_high and other_low <= high) or abs(share - other_share) <= TOLERANCE:
        return "ongeveer gelijk"
    return "hoger" if share > other_share else "lager"


# --------------------------------------------------------------------------- the latest year


@dataclass
class Latest:
    """The figures of the latest year the report has for the gemeente."""

    jaar: int | None
    row: dict
    nederland: dict
    table: pd.DataFrame  # every gemeente of that year (for the comparison and the map)
    source: str
    statline: bool  # from the StatLine series (rounded, with margins), else the maatwerk table
    voorlopig: bool = False
    indeling: int | None = None


def series_rows(data) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The gemeente's rows and the national rows of the StatLine series, by year (empty without a series)."""
    series = getattr(data, "series", None)
    if series is None or series.gemeenten is None or series.gemeenten.empty:
        return pd.DataFrame(), pd.DataFrame()
    own = series.gemeenten[series.gemeenten["gemeentecode"] == data.gemeente.code].sort_values("jaar")
    national = series.nederland.sort_values("jaar") if series.nederland is not None else pd.DataFrame()
    return own.reset_index(drop=True), national.reset_index(drop=True)


def _describe(source: dict) -> str:
    """``CBS StatLine 86223NED, <titel> (gedownload <datum>)`` from a ``YouthSeries.sources`` entry."""
    title, date = source.get("titel"), source.get("gedownload")
    return (f"CBS StatLine {source.get('tabel')}" + (f", {title}" if title else "")
            + (f" (gedownload {str(date)[:10]})" if date else ""))


def series_source(series, bron: str | None) -> str:
    """The source line of the StatLine table ``bron`` (:func:`_describe`)."""
    for source in getattr(series, "sources", None) or []:
        if bron is None or source.get("tabel") == bron:
            return _describe(source)
    return f"CBS StatLine {bron}" if bron else "CBS StatLine"


def series_sources(data) -> list[str]:
    """Every StatLine table the series was read from, as a source line (for the Verantwoording)."""
    return [_describe(source) + (" (synthetisch)" if source.get("synthetisch") and "SYNTHETISCH" not in
                                 str(source.get("titel")).upper() else "")
            for source in getattr(getattr(data, "series", None), "sources", None) or []]


def latest_figures(data) -> Latest | None:
    """The latest year for the gemeente: from the StatLine series when it has the gemeente, else the maatwerk table.

    None when neither has a row for the gemeente.
    """
    own, national = series_rows(data)
    if len(own):
        known = own.dropna(subset=["buiten_beeld"])
        row = (known if len(known) else own).iloc[-1].to_dict()
        year = int(row["jaar"])
        table = data.series.gemeenten[data.series.gemeenten["jaar"] == year]
        nl = national[national["jaar"] == year] if len(national) else national
        return Latest(year, row, nl.iloc[0].to_dict() if len(nl) else {}, table,
                      series_source(data.series, row.get("bron")), True, bool(row.get("voorlopig")),
                      data.gemeente.jaar)
    if data.youth is not None and data.youth_row is not None:
        return Latest(data.youth.peiljaar or data.peiljaar, data.youth_row, data.youth.nederland or {},
                      data.youth.gemeenten, data.youth_source, False, False, data.youth.indeling or data.gemeente.jaar)
    return None


def map_figures(data) -> tuple[dict, int, int | None, str] | None:
    """For the national map: the shares by code (suppressed ones None), the layout year, the year and the source."""
    latest = latest_figures(data)
    if latest is None:
        return None
    values = {row["gemeentecode"]: share_of(row, data.drempel) for row in latest.table.to_dict("records")}
    return values, latest.indeling or data.gemeente.jaar, latest.jaar, latest.source


# --------------------------------------------------------------------------- comparable gemeenten


def comparable_rule(data) -> str:
    """In Dutch, which rule :func:`comparable_gemeenten` applied for this gemeente."""
    latest = latest_figures(data)
    own = latest.row.get("stedelijkheid") if latest is not None else None
    if latest is not None and "stedelijkheid" in latest.table.columns and own is not None and own == own:
        return f"zelfde stedelijkheid (klasse {own:g}) en vergelijkbaar aantal jongeren"
    return SIZE_ONLY


def comparable_gemeenten(data, count: int = 10) -> pd.DataFrame:
    """The gemeente with the ``count`` gemeenten most like it, with their share buiten beeld, in the latest year.

    The rule (the report's caption says which part applied, see :func:`comparable_rule`):
    when the table has a degree of urbanisation (``stedelijkheid``, CBS classes
    1-5), only gemeenten of the same class are candidates; among the candidates, the
    ones closest in number of young people (15-27), on a log scale, so 10.000 is as
    far from 20.000 as from 5.000. Without urbanisation, size alone. The own
    gemeente is included (``eigen`` True). Gemeenten with a suppressed or unknown
    figure are left out. ``aandeel_laag`` / ``aandeel_hoog`` are the margins.
    """
    columns = ["gemeentenaam", "jongeren_15_27", "aandeel", "aandeel_laag", "aandeel_hoog", "eigen"]
    latest = latest_figures(data)
    if latest is None or margin_of(latest.row, data.drempel) is None:
        return pd.DataFrame(columns=columns)
    table = latest.table.dropna(subset=["jongeren_15_27", "buiten_beeld"])
    table = table[(table["jongeren_15_27"] > 0) & (table["buiten_beeld"] >= data.drempel)]  # no small counts
    if table.empty:
        return pd.DataFrame(columns=columns)
    if comparable_rule(data) != SIZE_ONLY:
        table = table[table["stedelijkheid"] == latest.row["stedelijkheid"]]
    distance = (np.log(table["jongeren_15_27"].astype(float)) - np.log(float(latest.row["jongeren_15_27"]))).abs()
    nearest = table.loc[distance.sort_values(kind="stable").index[: count + 1]]
    margins = [margin_of(row) for row in nearest.to_dict("records")]
    return pd.DataFrame({
        "gemeentenaam": nearest["gemeentenaam"].to_numpy(),
        "jongeren_15_27": nearest["jongeren_15_27"].to_numpy(),
        "aandeel": [m[0] for m in margins], "aandeel_laag": [m[1] for m in margins],
        "aandeel_hoog": [m[2] for m in margins],
        "eigen": (nearest["gemeentecode"] == data.gemeente.code).to_numpy(),
    }).sort_values("aandeel", ascending=False, kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------- the series


@dataclass
class Change:
    """What changed between the first year of the current way of counting and the latest year."""

    start: int
    end: int
    own: tuple | None  # (share, low, high) in the start year, None when not shown; own_end: in the latest year
    own_end: tuple | None
    wording: str | None  # "gestegen", "gedaald", "ongeveer gelijk gebleven"; None when not known
    national: tuple | None = None
    national_end: tuple | None = None
    national_wording: str | None = None
    breaks: list[int] = field(default_factory=list)
    voorlopig: bool = False
    geschat: list[int] = field(default_factory=list)


_CHANGE = {"hoger": "gestegen", "lager": "gedaald", "ongeveer gelijk": "ongeveer gelijk gebleven"}


def change_since_start(data) -> Change | None:
    """The change since the first year of the current source (the last break in the series); None without a series."""
    own, national = series_rows(data)
    if own.empty:
        return None
    breaks = sorted(int(y) for y in own.loc[own["reeksbreuk"].fillna(False).astype(bool), "jaar"] if y > own["jaar"].min())
    start = breaks[-1] if breaks else int(own["jaar"].min())
    known = own.dropna(subset=["buiten_beeld"])  # the latest year as latest_figures has it
    first, last = own[own["jaar"] == start].iloc[0].to_dict(), (known if len(known) else own).iloc[-1].to_dict()
    a, b = margin_of(first, data.drempel), margin_of(last, data.drempel)
    nl_rows = {int(r["jaar"]): r for r in national.to_dict("records")} if len(national) else {}
    na, nb = margin_of(nl_rows.get(start)), margin_of(nl_rows.get(int(last["jaar"])))
    geschat = [int(y) for y in own.loc[own["geschat"].fillna(False).astype(bool), "jaar"]] if "geschat" in own else []
    return Change(start, int(last["jaar"]), a, b, _CHANGE.get(compare(b, a)), na, nb, _CHANGE.get(compare(nb, na)),
                  breaks, bool(last.get("voorlopig")), geschat)


def shown_rows(frame: pd.DataFrame, threshold: int | None) -> pd.DataFrame:
    """The rows as the chart may show them: a share (and margin) whose count is suppressed becomes NaN."""
    frame = frame.copy()
    for column in ("voorlopig", "reeksbreuk"):
        frame[column] = frame[column].fillna(False).astype(bool) if column in frame else False
    margins = [margin_of(row, threshold) or (np.nan,) * 3 for row in frame.to_dict("records")]
    frame[["aandeel_buiten_beeld", "aandeel_laag", "aandeel_hoog"]] = pd.DataFrame(margins, index=frame.index)
    return frame


# --------------------------------------------------------------------------- the maatwerk table


def layout_note(data) -> str | None:
    """A sentence on how the gemeente's maatwerk figures were put together from the gemeenten of the table's year.

    None when the figures are the gemeente's own (no merger or split since).
    """
    from buitenbeeld.reference.crosswalk import predecessors

    if data.youth is None or not data.youth.omgerekend_van or data.youth_row is None:
        return None
    parts = predecessors(data.gemeente.code)
    if len(parts) == 1 and parts[0].code_2013 == data.gemeente.code and parts[0].exact:
        return None
    names = ", ".join(escape(p.naam_2013) + ("" if p.exact else f" (deels, {format_share(p.aandeel, 0)})")
                      for p in parts)
    sentence = (f"De CBS-cijfers van {data.youth.peiljaar or data.peiljaar} gaan over de gemeenten van toen. Voor "
                f"{escape(data.gemeente.naam)} zijn ze opgeteld uit: {names}.")
    if data.youth_row.get("geschat"):
        sentence += (" Een gemeente die over meer gemeenten is verdeeld, telt mee naar het deel van haar "
                     "oppervlakte: die cijfers zijn een schatting.")
    return sentence


def youth_figures_table(data) -> pd.DataFrame:
    """The gemeente's maatwerk figures beside the national ones, formatted for display."""
    national = data.youth.nederland if data.youth is not None else {}
    row = data.youth_row or {}
    rows = []
    for label, key in [("Jongeren 15 tot 27 jaar", "jongeren_15_27"),
                       ("Jongeren buiten beeld", "buiten_beeld"),
                       ("waarvan zonder bekende reden", "zonder_bekende_reden")]:
        own, symbol = row.get(key), row.get(f"{key}_symbool")
        shown = symbol if own != own and symbol in ("x", ".") else show_count(own, data.drempel)  # CBS's own symbol
        rows.append({"": label, data.gemeente.naam: shown, "Nederland": format_count(national.get(key))})
    rows.append({"": "Aandeel buiten beeld", data.gemeente.naam: format_share(share_of(data.youth_row, data.drempel)),
                 "Nederland": format_share(share_of(national))})
    return pd.DataFrame(rows).set_index("")


def youth_figures_values(data) -> pd.DataFrame:
    """The maatwerk figures as published (CSV, workbook): counts as numbers, the share in percent (one decimal).

    A count that is hidden stays text as the report shows it (``<10``), and so does CBS's
    own symbol (``x`` secret, ``.`` unknown); never the number behind it.
    """
    national = data.youth.nederland if data.youth is not None else {}
    row = data.youth_row or {}

    def value(source: dict, key: str, threshold: int | None):
        number, symbol = source.get(key), source.get(f"{key}_symbool")
        if is_missing(number) or number != number:
            return symbol if symbol in ("x", ".", "-") else "."
        return show_count(number, threshold) if threshold and is_suppressed(number, threshold) else int(number)

    def percent(share):
        return "." if share is None else round(100 * share, 1)

    rows = [{"": label, data.gemeente.naam: value(row, key, data.drempel), "Nederland": value(national or {}, key, None)}
            for label, key in [("Jongeren 15 tot 27 jaar", "jongeren_15_27"), ("Jongeren buiten beeld", "buiten_beeld"),
                               ("waarvan zonder bekende reden", "zonder_bekende_reden")]]
    rows.append({"": "Aandeel buiten beeld (%)", data.gemeente.naam: percent(share_of(data.youth_row, data.drempel)),
                 "Nederland": percent(share_of(national))})
    return pd.DataFrame(rows)


def shares(data) -> tuple[float | None, float | None]:
    """The gemeente's and the national share in the maatwerk table (None when suppressed or missing)."""
    if data.youth is None:
        return None, None
    return share_of(data.youth_row, data.drempel), share_of(data.youth.nederland)


def key_figures(data, comparison, config, generated: str) -> dict:
    """The report's key figures for the index of all reports (``kerncijfers.json``): mostly its CBS figures.

    The figures are those of the latest year (:func:`~buitenbeeld.publish.report_cbs.latest_figures`,
    ``peiljaar`` that year); ``zonder_bekende_reden`` only when that year is the
    maatwerk table's own, and always as ``maatwerk_zonder_bekende_reden`` of
    ``maatwerk_peiljaar``. Counts of young people below the threshold are left out
    (None), never written, and so is a share whose count is.
    """
    latest = latest_figures(data)
    row = latest.row if latest is not None else {}
    split = data.youth_row if latest is not None and not latest.statline else {}  # the same year only

    def count(key, row=row):
        value = (row or {}).get(key)
        if value is None or value != value or (0 < value < data.drempel):
            return None
        return int(value)

    files = set(data.organisaties["bron_bestand"]) if len(data.organisaties) else set()
    rejected = int(data.kaart.rejects["file"].isin(files).sum()) if len(files) else 0  # as report.rejects_table
    coverage = comparison.coverage.drop(index="(wijk onbekend)", errors="ignore") if len(comparison.coverage) else None
    return {
        "gemeentecode": data.gemeente.code, "gemeentenaam": data.gemeente.naam, "peiljaar": latest.jaar if latest else None,
        "jongeren_15_27": count("jongeren_15_27"), "buiten_beeld": count("buiten_beeld"),
        "zonder_bekende_reden": count("zonder_bekende_reden", split),
        "aandeel_buiten_beeld": share_of(row, data.drempel), "aandeel_nederland": share_of(latest.nederland if latest else None),
        "organisaties": int(len(data.organisaties)), "afgewezen_rijen": rejected,
        "rollen_gedekt": {role: int((coverage[role] > 0).sum()) for role in coverage.columns} if coverage is not None else {},
        "wijken": int(len(coverage)) if coverage is not None else 0,
        "synthetisch": bool(data.synthetic), "gegenereerd_op": generated, "scoring_versie": config.versie,
        "html": "rapport.html", "pdf": None,
        "voorlopig": bool(latest is not None and latest.voorlopig), "bron_cijfers": latest.source if latest else None,
        "maatwerk_peiljaar": (data.youth.peiljaar or data.peiljaar) if data.youth_row is not None else None,
        "maatwerk_zonder_bekende_reden": count("zonder_bekende_reden", data.youth_row),
    }
