"""Section 2 of the gemeente report in words and in reading order: the CBS figures on young people buiten beeld.

:func:`cbs_section` gives the section as the notebook shows it: the latest year
for the gemeente (:func:`latest_markdown`: count, share with its margin, against
Nederland), the series per year as a chart (:func:`trend_chart`) and what changed
since the first year of the current way of counting, and how sure that is given
CBS's rounding (:func:`trend_markdown`); then the 2013 maatwerk table with its
year said plainly (:func:`maatwerk_caption`), the comparable gemeenten
(:func:`comparable_markdown`) and the map. Without figures it says which are
missing (:func:`cbs_notes`), never synthetic ones in their place; how to get
them (commands, folders) is for the maker of the report, in the verantwoording
beside it (:func:`cbs_howto`), not for the council that reads it. The figures
come from :mod:`buitenbeeld.publish.report_cbs`; the wording never calls a share
higher or lower within CBS's rounding: shares are compared unrounded, with a
tolerance (:func:`~buitenbeeld.publish.report_cbs.compare`), and two shares that
round to the same figure are "ongeveer gelijk". :func:`cbs_summary_points` gives
the section's findings for the summary, :func:`cbs_sources` its sources. The maps of
the report live here too (:func:`report_maps`): the national one of section 2
(:func:`land_map`) and the wijken of section 3.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

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
    map_figures,
    margin_of,
    series_rows,
    series_source,
    series_sources,
    share_of,
    shown_rows,
    youth_figures_table,
)

__all__ = [
    "latest_markdown", "comparable_markdown", "trend_markdown", "trend_chart", "maatwerk_caption", "maatwerk_markdown",
    "cbs_notes", "cbs_howto", "cbs_section", "cbs_summary_points", "cbs_sources", "cbs_quality_notes", "land_map",
    "HOWTO_LINK", "ReportMaps", "report_maps",
]

#: The sentence that sends a reader to the verantwoording for what is missing and how to add it.
HOWTO_LINK = "Hoe de maker van het rapport ze kan toevoegen, staat in de [verantwoording](verantwoording.html)."
_VERSUS = {"hoger": "hoger dan", "lager": "lager dan", "ongeveer gelijk": "ongeveer gelijk aan"}


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
        text += f" Dat is {_VERSUS[wording]} het aandeel in heel Nederland ({format_share(national[0])})"
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
    parts = [text for count, text in ((higher, f"{higher} van hen was het duidelijk hoger dan in {naam}"),
                                      (lower, f"{lower} {'van hen ' if not higher else ''}duidelijk lager"),
                                      (rest, f"{rest} is het verschil kleiner dan de afronding van het CBS")) if count]
    joined = parts[0] if len(parts) == 1 else ", bij ".join(parts[:-1]) + " en bij " + parts[-1]  # no 'bij 0'
    return (f"In de {len(others)} gemeenten die het meest op {naam} lijken ({comparable_rule(data)}) lag het aandeel "
            f"tussen {format_share(others['aandeel'].min())} en {format_share(others['aandeel'].max())}. Bij {joined}.")


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
    """The caption of the maatwerk table: its year said plainly, and its source (the table's title, no file name)."""
    year = data.youth.peiljaar or data.peiljaar
    last = ", de laatste keer dat het CBS dit uitsplitste" if year == SPLIT_YEAR else ""
    return (f"**Tabel 1.** Jongeren buiten beeld met en zonder bekende reden, in {year}{last} "
            f"(peildatum 1 oktober {year}). Bron: CBS, {escape(data.youth_source)}.")


def maatwerk_markdown(data) -> str | None:
    """The maatwerk year's share against Nederland in words, compared unrounded (as :func:`latest_markdown` does)."""
    own, national = margin_of(data.youth_row, data.drempel), margin_of(data.youth.nederland if data.youth else None)
    wording = compare(own, national)
    if wording is None:
        return None
    year = data.youth.peiljaar or data.peiljaar
    return (f"In {year} was in {escape(data.gemeente.naam)} {format_share(own[0])} van de jongeren buiten beeld: "
            f"{_VERSUS[wording]} het aandeel in heel Nederland ({format_share(national[0])}).")


def cbs_notes(data) -> list[str]:
    """Sentences on CBS figures that are missing for this report (how to add them: :func:`cbs_howto`)."""
    naam = escape(data.gemeente.naam)
    own, _ = series_rows(data)
    series, table = getattr(data, "series", None), data.youth
    notes = ["De bewaarde CBS-cijfers per jaar waren niet te lezen."] if getattr(data, "series_note", None) else []
    if series is None and table is None:
        notes.append("Er staan geen CBS-cijfers over jongeren buiten beeld in dit rapport: ze waren er niet toen het "
                     "rapport werd gemaakt.")
    elif series is None:
        notes.append("De CBS-cijfers per jaar ontbreken. Daarom staan hier niet het laatste jaar en wat er sindsdien "
                     "veranderde.")
    elif table is None:
        notes.append(f"Hoeveel jongeren buiten beeld een bekende reden hebben, telde het CBS alleen in {SPLIT_YEAR}. "
                     "Die cijfers ontbreken in dit rapport.")
    if series is not None and own.empty:
        notes.append(f"De cijfers per jaar van CBS StatLine hebben geen rij voor {naam}.")
    if table is not None and data.youth_row is None:
        notes.append(f"De CBS-tabel van {table.peiljaar or data.peiljaar} heeft geen cijfers voor {naam}.")
    if latest_figures(data) is None:
        notes.append(f"Zonder CBS-cijfers voor {naam} staan hier geen kaart van Nederland en geen vergelijking met "
                     "andere gemeenten.")
    if cbs_howto(data):
        notes.append(HOWTO_LINK)
    return notes


def cbs_howto(data) -> list[dict]:
    """For the verantwoording: how the maker of the report adds the CBS figures it lacks.

    Each item is ``{"tekst": ..., "opdracht": ...}`` (plain text; ``opdracht`` a command, or empty).
    """
    series, table = getattr(data, "series", None), data.youth
    items = []
    if getattr(data, "series_note", None):
        items.append({"tekst": f"{data.series_note} Haal ze opnieuw op:", "opdracht": "buitenbeeld cbs"})
    elif series is None:
        items.append({"tekst": "De CBS-cijfers per jaar (StatLine) ontbreken. Haal ze op; de werkbank bewaart ze "
                               "onder raw/cbs in de datamap:", "opdracht": "buitenbeeld cbs"})
    if table is None:
        items.append({"tekst": f"Het aantal met en zonder bekende reden ({SPLIT_YEAR}) ontbreekt: zet de "
                               f"CBS-maatwerktabel 'Jongeren buiten beeld {SPLIT_YEAR}' (xlsx) onder raw/ in de datamap.",
                      "opdracht": ""})
    unknown = getattr(data, "unrecognised", None) or []
    if table is None and unknown:
        items.append({"tekst": f"Onder raw/ staat een bestand dat de werkbank niet herkent ({unknown[0].name}"
                               f"{' en meer' if len(unknown) > 1 else ''}). Is dat de CBS-tabel, geef dan aan welke "
                               "kolom wat is (zie config/cbs_kolommen.toml):",
                      "opdracht": "buitenbeeld rapporten --kolommen MIJN_KOLOMMEN.toml"})
    return items


def cbs_quality_notes(data) -> list[str]:
    """For the report's data quality: what the CBS table lacked for this gemeente and what reading it reported."""
    table, notes = data.youth, []
    if table is not None and data.youth_row is None:
        notes.append(f"De CBS-tabel heeft geen cijfers voor {escape(data.gemeente)} in de indeling van het peiljaar "
                     f"{data.peiljaar}.")
    if table is not None and table.problems:
        count, rejected = len(table.problems), len(table.rejected_rows)
        notes.append(f"Bij het lezen van de CBS-tabel {'was er 1 melding' if count == 1 else f'waren er {count} meldingen'}"
                     + (f"; {rejected} {'rij' if rejected == 1 else 'rijen'} niet geladen. " if rejected else ". ")
                     + " ".join(escape(r) for r in sorted({p.reason for p in table.problems})[:3]))
    return notes


def land_map(data, folder) -> tuple[object | None, str | None, list[dict]]:
    """The national map of the latest year (the gemeente outlined), or a sentence why not and how to add it.

    Returns ``(chart, note, howto)``; all empty without CBS figures (the section says why).
    """
    from buitenbeeld.errors import MissingDataError
    from buitenbeeld.publish.maps import plot_share_map
    from buitenbeeld.reference.geo import read_boundaries

    figures = map_figures(data)
    if figures is None:
        return None, None, []
    values, year, jaar, source = figures
    try:
        boundaries = read_boundaries(year, folder)
    except MissingDataError:
        note = (f"Geen kaart van Nederland: de grenzen van de gemeenten van {year} waren er niet toen dit rapport werd "
                "gemaakt. Hoe de maker van het rapport de kaart kan toevoegen, staat in de "
                "[verantwoording](verantwoording.html).")
        return None, note, [{"tekst": f"De gemeentegrenzen van {year} ontbreken in de map met grensbestanden "
                                      f"({folder.name}). Haal ze op (CBS/Kadaster via PDOK, CC BY 4.0), of geef een andere "
                                      "map mee met 'buitenbeeld rapporten --grenzen MAP':",
                             "opdracht": f"buitenbeeld grenzen --jaar {year}"}]
    return plot_share_map(boundaries, values, data.gemeente.code, data.gemeente.naam, jaar, source, data.synthetic), None, []


@dataclass
class ReportMaps:
    """The maps a report can draw; for each one it cannot, a sentence saying so, and in ``howto`` how to add it."""

    land: object | None = None
    wijken: object | None = None
    land_note: str | None = None
    wijken_note: str | None = None
    howto: list = field(default_factory=list)


def report_maps(data, grenzen: str | Path | None = None, data_dir: str | Path | None = None) -> ReportMaps:
    """The national map of shares buiten beeld (the gemeente outlined) and the map of its wijken.

    The boundary files are read from ``grenzen`` (default ``<data>/raw/geo``, where
    ``buitenbeeld grenzen`` puts them); a share that the disclosure rule hides is
    drawn as unknown. Without boundary files the report says so in a sentence
    (no folder, no command: those are in ``howto``, for the verantwoording). The
    national map shows the latest year (:func:`~buitenbeeld.publish.report_cbs.map_figures`);
    without CBS figures there is neither a map nor a note (section 2 says why), and
    without organisations no wijk map.
    """
    from buitenbeeld.analysis.sociale_kaart import count_by_wijk
    from buitenbeeld.publish.maps import plot_wijk_map
    from buitenbeeld.reference.geo import find_wijk_file, geo_dir, read_wijken

    folder = Path(grenzen) if grenzen else geo_dir(data_dir or None)
    result = ReportMaps()
    result.land, result.land_note, result.howto = land_map(data, folder)
    if data.organisaties.empty:
        return result
    wijken = read_wijken(data.gemeente.code, folder)
    if wijken:
        result.wijken = plot_wijk_map(wijken, count_by_wijk(data.organisaties).to_dict(), data.gemeente.naam,
                                      f"interviews sociale kaart {data.gemeente.naam}", data.synthetic)
    else:
        where = find_wijk_file(folder)
        result.wijken_note = (f"Geen wijkkaart: de grenzen van de wijken van {escape(data.gemeente.naam)} waren er niet "
                              "toen dit rapport werd gemaakt. De tabel per wijk hierboven geeft dezelfde aantallen.")
        result.howto.append({"tekst": f"Het wijkbestand {where.name} heeft geen wijken van {data.gemeente.naam}." if where
                             else f"De wijkgrenzen (wijk_<jaar>.geojson of .topojson) ontbreken in de map met "
                                  f"grensbestanden ({folder.name}). Haal ze op:",
                             "opdracht": "" if where else "buitenbeeld grenzen --wijken"})
    return result


def cbs_summary_points(data) -> list[str]:
    """The section's findings for the summary: the latest share against Nederland, the change, no known reason."""
    naam, points = escape(data.gemeente.naam), []
    latest = latest_figures(data)
    if latest is None:
        return [f"Voor {naam} staan geen CBS-cijfers over jongeren buiten beeld in dit rapport (zie deel 2)."]
    own, national = margin_of(latest.row, data.drempel), margin_of(latest.nederland)
    wording = compare(own, national)
    if wording is not None:
        points.append(f"In {naam} was op 1 oktober {latest.jaar}{' (voorlopig cijfer)' if latest.voorlopig else ''} "
                      f"{format_share(own[0])} van de jongeren van 15 tot 27 jaar buiten beeld, {_VERSUS[wording]} "
                      f"het landelijke aandeel van {format_share(national[0])}.")
    change = change_since_start(data)
    if change is not None and change.wording is not None and change.start != change.end:
        within = ", binnen de afronding van het CBS" if change.wording == "ongeveer gelijk gebleven" else ""
        points.append(f"Sinds {change.start} is dat aandeel {change.wording}{within} (toen {format_share(change.own[0])}).")
    reason = (data.youth_row or {}).get("zonder_bekende_reden")
    if reason is not None and reason == reason and share_of(data.youth_row, data.drempel) is not None:
        year = data.youth.peiljaar or data.peiljaar  # never beside a hidden count
        when = (f"In {year}, de laatste keer dat het CBS dit uitsplitste, was" if year == SPLIT_YEAR
                else f"In {year} was")
        points.append(f"{when} voor {show_count(reason, data.drempel)} jongeren buiten beeld geen reden bekend; "
                      "niet al deze jongeren zijn zorgwekkend, en ieder mag onzichtbaar zijn.")
    return points


def cbs_sources(data) -> list[str]:
    """The CBS sources of this report for its Bronnen (Markdown; file names and hashes are in the verantwoording)."""
    sources = [f"CBS, {escape(data.youth.title)}: jongeren buiten beeld met en zonder bekende reden."] \
        if data.youth is not None else []
    sources += [f"{escape(text)}: jongeren buiten beeld per jaar." for text in series_sources(data)]
    return sources + ["CBS, gemeentecodes en -namen (gemeentelijke indeling 2013 en 2026), CC BY 4.0."]


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
        items += [text for text in [maatwerk_markdown(data), layout_note(data)] if text]
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
