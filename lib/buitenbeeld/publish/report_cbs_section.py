"""Section 2 of the gemeente report in words and in reading order: the CBS figures on young people buiten beeld.

:func:`cbs_section` gives the section as the notebook shows it: the latest year
for the gemeente (:func:`latest_markdown`: count, share with its margin, against
Nederland), the series per year as a chart (:func:`trend_chart`) and what changed
since the first year of the current way of counting, and how sure that is given
CBS's rounding (:func:`trend_markdown`); then the 2013 maatwerk table with its
year said plainly (:func:`maatwerk_caption`), the comparable gemeenten
(:func:`comparable_markdown`) and the map. Without figures it says which are
missing and how to get them (:func:`cbs_notes`); never synthetic ones in their
place. The figures come from :mod:`buitenbeeld.publish.report_cbs`; the wording
never calls a share higher or lower within CBS's rounding.
"""
from __future__ import annotations

import pandas as pd

from buitenbeeld.common.formatting import escape, format_share
from buitenbeeld.privacy.disclosure import is_suppressed, show_count
from buitenbeeld.publish.report_cbs import (
    SPLIT_YEAR,
    TOLERANCE,
    Latest,
    change_since_start,
    comparable_gemeenten,
    comparable_rule,
    compare,
    latest_figures,
    layout_note,
    margin_of,
    series_rows,
    series_source,
    share_of,
    shown_rows,
    youth_figures_table,
)

__all__ = [
    "latest_markdown", "comparable_markdown", "trend_markdown", "trend_chart", "maatwerk_caption", "cbs_notes",
    "cbs_section",
]


def _with_margin(margin: tuple[float, float, float]) -> str:
    share, low, high = margin
    if high - low < 0.0005:  # no margin worth a word
        return format_share(share)
    return f"{format_share(share)} (door de afronding tussen {format_share(low)} en {format_share(high)})"


def _year(latest: Latest) -> str:
    return f"{latest.jaar}{' (voorlopig cijfer)' if latest.voorlopig else ''}"


def latest_markdown(data) -> str | None:
    """The latest year in words: how many young people, what share, against Nederland."""
    latest = latest_figures(data)
    if latest is None:
        return None
    naam, row = escape(data.gemeente.naam), latest.row
    about = "ongeveer " if latest.statline and not is_suppressed(row.get("buiten_beeld"), data.drempel) else ""
    text = (f"**{_year(latest)}.** Op 1 oktober {latest.jaar} waren in {naam} {about}"
            f"{show_count(row.get('buiten_beeld'), data.drempel)} van de {show_count(row.get('jongeren_15_27'), data.drempel)} "
            "jongeren van 15 tot 27 jaar buiten beeld")
    own, national = margin_of(row, data.drempel), margin_of(latest.nederland)
    if own is None:
        if is_suppressed(row.get("buiten_beeld"), data.drempel) or is_suppressed(row.get("jongeren_15_27"), data.drempel):
            return text + ". Dat aantal is zo klein dat het aandeel er niet staat: zo is geen jongere te herkennen."
        return text + ". Het aandeel is onbekend."
    text += f": {_with_margin(own)}."
    wording = compare(own, national)
    if wording is not None:
        versus = {"hoger": "hoger dan", "lager": "lager dan", "ongeveer gelijk": "ongeveer gelijk aan"}[wording]
        text += f" Dat is {versus} het aandeel in heel Nederland ({format_share(national[0])})"
        text += (". Het verschil is kleiner dan de afronding van het CBS." if wording == "ongeveer gelijk"
                 and abs(own[0] - national[0]) > TOLERANCE else ".")
    if latest.statline:
        text += " Het CBS rondt deze aantallen af op honderdtallen."
    return text


def comparable_markdown(data, table: pd.DataFrame | None = None) -> str | None:
    """The gemeente among the comparable ones in words: their range, and how many differ beyond the rounding."""
    table = comparable_gemeenten(data) if table is None else table
    others = table[~table["eigen"].astype(bool)]
    own = table[table["eigen"].astype(bool)]
    if others.empty or own.empty:
        return None
    mine = tuple(own.iloc[0][["aandeel", "aandeel_laag", "aandeel_hoog"]])
    verdict = [compare(tuple(r), mine) for r in others[["aandeel", "aandeel_laag", "aandeel_hoog"]].itertuples(index=False)]
    higher, lower = verdict.count("hoger"), verdict.count("lager")
    naam, rest = escape(data.gemeente.naam), len(others) - higher - lower
    if len(others) == 1:
        wording = {"hoger": "duidelijk hoger dan", "lager": "duidelijk lager dan"}.get(verdict[0], "ongeveer gelijk aan")
        return (f"De gemeente die het meest op {naam} lijkt ({comparable_rule(data)}), {escape(others.iloc[0]['gemeentenaam'])}"
                f", had een aandeel van {format_share(others.iloc[0]['aandeel'])}: {wording} dat van {naam}.")
    return (f"In de {len(others)} gemeenten die het meest op {naam} lijken ({comparable_rule(data)}) lag het aandeel "
            f"tussen {format_share(others['aandeel'].min())} en {format_share(others['aandeel'].max())}. Bij {higher} "
            f"van hen was het duidelijk hoger dan in {naam}, bij {lower} duidelijk lager en bij {rest} is het verschil "
            "kleiner dan de afronding van het CBS.")


def trend_markdown(data) -> str | None:
    """What changed since the first year of the current source, and how sure that is given CBS's rounding."""
    change = change_since_start(data)
    if change is None:
        return None
    naam = escape(data.gemeente.naam)
    parts = []
    if change.breaks:
        parts.append(f"Vanaf {change.breaks[-1]} telt het CBS anders (de stippellijn in de figuur); eerdere jaren zijn "
                     "daardoor niet goed te vergelijken met latere. Daarom kijken we naar wat er sinds "
                     f"{change.start} veranderde.")
    if change.start == change.end:
        parts.append(f"Er is pas één jaar met de huidige telling ({change.end}): over een verandering is nog niets te zeggen.")
    elif change.wording is None:
        parts.append(f"Het aandeel van {naam} in {change.start} of {change.end} staat er niet (onbekend of een te klein "
                     "aantal), dus over een verandering zeggen we niets.")
    elif change.wording == "ongeveer gelijk gebleven":
        (a, a_low, a_high), (b, b_low, b_high) = change.own, change.own_end
        parts.append(f"Sinds {change.start} is het aandeel in {naam} ongeveer gelijk gebleven: {format_share(a)} "
                     f"in {change.start} en {format_share(b)} in {change.end}.")
        if abs(b - a) > TOLERANCE:
            parts.append(f"Door de afronding van het CBS ligt het in {change.start} tussen {format_share(a_low)} en "
                         f"{format_share(a_high)} en in {change.end} tussen {format_share(b_low)} en {format_share(b_high)}. "
                         "Die marges overlappen: een echte stijging of daling is daarom niet te zien.")
    else:
        parts.append(f"Sinds {change.start} is het aandeel in {naam} {change.wording}: van {format_share(change.own[0])} "
                     f"in {change.start} naar {format_share(change.own_end[0])} in {change.end}. Dat verschil is groter dan "
                     "de afronding van het CBS kan verklaren.")
    if change.national_wording is not None and change.start != change.end:
        parts.append(f"In heel Nederland is het aandeel in die tijd {change.national_wording} "
                     f"({format_share(change.national[0])} in {change.start}, {format_share(change.national_end[0])} "
                     f"in {change.end}).")
    if change.voorlopig:
        parts.append(f"Het cijfer van {change.end} is voorlopig (met * in de figuur): het CBS kan het nog aanpassen.")
    if change.geschat:
        years = sorted(set(change.geschat))
        years = str(years[0]) if len(years) == 1 else f"{years[0]} tot en met {years[-1]}"
        parts.append(f"De cijfers van {years} zijn deels geschat: een gemeente van toen is later over "
                     "meer gemeenten verdeeld.")
    return " ".join(parts)


def trend_chart(data):
    """The series per year as a chart (:func:`buitenbeeld.publish.plots.plot_trend`); None with fewer than two years."""
    from buitenbeeld.publish.plots import plot_trend

    own, national = series_rows(data)
    if own.empty or own["jaar"].nunique() < 2:
        return None
    sources = sorted({series_source(data.series, b) for b in own["bron"].dropna().unique()}) if "bron" in own else []
    return plot_trend(shown_rows(own, data.drempel), shown_rows(national, None), data.gemeente.naam,
                      "; ".join(sources) or "CBS StatLine", data.synthetic)


def maatwerk_caption(data) -> str:
    """The caption of the maatwerk table: its year said plainly, and its source."""
    year = data.youth.peiljaar or data.peiljaar
    last = ", de laatste keer dat het CBS dit uitsplitste" if year == SPLIT_YEAR else ""
    return (f"**Tabel 1.** Jongeren buiten beeld met en zonder bekende reden, in {year}{last} "
            f"(peildatum 1 oktober {year}). Bron: {escape(data.youth_source)}.")


def cbs_notes(data) -> list[str]:
    """Sentences on CBS figures that are missing for this report, and how to get them."""
    naam = escape(data.gemeente.naam)
    own, _ = series_rows(data)
    notes = [data.series_note] if getattr(data, "series_note", None) else []
    series, table = getattr(data, "series", None), data.youth
    how_series = "haal ze op met `buitenbeeld cbs` (CBS StatLine; de werkbank bewaart ze onder raw/cbs)"
    how_table = ("zet de CBS-maatwerktabel 'Jongeren buiten beeld 2013' (xlsx) onder raw/ in de datamap")
    if series is None and table is None:
        notes.append(f"Er staan geen CBS-cijfers over jongeren buiten beeld in de datamap. De cijfers per jaar: "
                     f"{how_series}. Het aantal met en zonder bekende reden (2013): {how_table}.")
    elif series is None:
        notes.append(f"De cijfers per jaar tot en met het laatste jaar ontbreken: {how_series}. Dan staan hier ook "
                     "het laatste jaar en wat er sindsdien veranderde.")
    elif table is None:
        notes.append(f"Hoeveel jongeren buiten beeld een bekende reden hebben, telde het CBS alleen in {SPLIT_YEAR}. "
                     f"Die cijfers ontbreken: {how_table}.")
    if series is not None and own.empty:
        notes.append(f"De cijfers per jaar van CBS StatLine hebben geen rij voor {naam}.")
    if table is not None and data.youth_row is None:
        notes.append(f"De CBS-tabel van {table.peiljaar or data.peiljaar} heeft geen cijfers voor {naam}.")
    unknown = getattr(data, "unrecognised", None) or []
    if table is None and unknown:
        notes.append(f"Onder raw/ staat een bestand dat de werkbank niet herkent ({escape(unknown[0].name)}"
                     f"{' en meer' if len(unknown) > 1 else ''}). Is dat de CBS-tabel, geef dan met `--kolommen` aan "
                     "welke kolom wat is (zie config/cbs_kolommen.toml).")
    if latest_figures(data) is None:
        notes.append(f"Zonder CBS-cijfers voor {naam} staan hier geen kaart van Nederland en geen vergelijking met "
                     "andere gemeenten.")
    return notes


def cbs_section(data, maps=None) -> list:
    """Section 2 in reading order: Markdown text (str), charts and the maatwerk table (DataFrame).

    ``maps`` is the report's ``ReportMaps``: its national map (or the note why there is none) ends the section.
    """
    from buitenbeeld.publish.plots import plot_comparable, plot_youth_share

    naam = escape(data.gemeente.naam)
    latest = latest_figures(data)
    items: list = [text for text in [latest_markdown(data)] if text]
    chart = trend_chart(data)
    if chart is not None:
        items += [f"**Figuur.** Het aandeel jongeren buiten beeld per jaar in {naam} en in heel Nederland. Een streepje "
                  "is de marge door de afronding van het CBS; een stippellijn een breuk in de reeks; * een voorlopig "
                  "cijfer.", chart]
    items += [text for text in [trend_markdown(data)] if text]
    items += cbs_notes(data)
    if data.youth is not None and data.youth_row is not None:
        items += [maatwerk_caption(data), youth_figures_table(data)]
        items += [text for text in [layout_note(data)] if text]
    if latest is None:
        return items
    table = comparable_gemeenten(data)
    national = share_of(latest.nederland)
    if len(table) > 1:
        items += [f"**Figuur.** {naam} (in kleur) naast de gemeenten die het meest vergelijkbaar zijn "
                  f"({comparable_rule(data)}), {latest.jaar}; de stippellijn is Nederland.",
                  plot_comparable(table, national, latest.jaar, latest.source, data.synthetic)]
        items += [text for text in [comparable_markdown(data, table)] if text]
    elif share_of(latest.row, data.drempel) is not None:
        items.append(plot_youth_share(data.gemeente.naam, share_of(latest.row, data.drempel), national, latest.jaar,
                                      latest.source, data.synthetic))
    if maps is not None and (maps.land is not None or maps.land_note):
        items.append(maps.land if maps.land is not None else maps.land_note)
    return items
