"""What the gemeente report shows, assembled from the data folder.

The notebook ``gemeente_rapport.ipynb`` stays thin: it calls
:func:`load_report_data` once and shows the tables and figures built here.
Section 2, the CBS figures, is :mod:`buitenbeeld.publish.report_cbs` (the
figures) and :mod:`buitenbeeld.publish.report_cbs_section` (the words and their
order); what the notebook and the training use is re-exported here. A report renders with whatever is there: without
CBS figures section 2 says which are missing and how to get them; without
interviews the sections on the sociale kaart say so in a sentence.
:func:`nothing_known` says when there is nothing at all to report.
Nothing here reads the personal columns.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from buitenbeeld.analysis.sociale_kaart import count_by_type, wijk_type_table
from buitenbeeld.common.formatting import escape, format_count, format_date, format_share, is_missing
from buitenbeeld.ingest.cbs import YouthTable, in_current_layout, select_youth_table
from buitenbeeld.ingest.interviews import COLUMN_ABSENT, NUMBER_COLUMNS, IngestResult
from buitenbeeld.ingest.pipeline import build_processed
from buitenbeeld.ingest.sources import classify_input
from buitenbeeld.privacy.disclosure import DEFAULT_THRESHOLD, show_count
from buitenbeeld.publish.report_cbs import (
    SPLIT_YEAR,
    change_since_start,
    comparable_gemeenten,
    comparable_rule,
    compare,
    latest_figures,
    layout_note,
    load_series,
    map_figures,
    margin_of,
    series_rows,
    series_sources,
    share_of,
    shares,
    youth_figures_table,
)
from buitenbeeld.publish.report_cbs_section import cbs_section
from buitenbeeld.reference.gemeenten import Gemeente, resolve_gemeente

__all__ = [
    "SYNTHETIC_BANNER", "ReportData", "load_report_data", "header_markdown", "shares", "layout_note",
    "pilot_evaluation", "ReportMaps", "report_maps", "rejects_table", "comparable_gemeenten", "comparable_rule",
    "summary_points", "accountability", "key_figures", "OUTPUT_MIMETYPE", "published_tables", "report_outputs",
    "show_outputs", "youth_figures_table", "data_quality_table", "data_quality_notes", "cbs_section",
    "nothing_known", "no_kaart_markdown",
]

SYNTHETIC_BANNER = (
    "**Let op: dit rapport gebruikt SYNTHETISCHE DEMONSTRATIEGEGEVENS.** De organisaties, "
    "interviews en cijfers per gemeente zijn verzonnen om de werkbank te laten zien; alleen de "
    "landelijke totalen van het CBS zijn echt. Trek er geen conclusies uit."
)


@dataclass
class ReportData:
    """Everything one gemeente report shows.

    ``youth`` is the CBS maatwerk table (None when the data folder has none),
    ``series`` the cached StatLine series (``YouthSeries``, None when nothing is
    cached) and ``series_note`` a sentence when the cache could not be read.
    """

    gemeente: Gemeente
    peiljaar: int
    kaart: IngestResult
    organisaties: pd.DataFrame
    youth: YouthTable | None
    youth_row: dict | None
    interview_files: list = field(default_factory=list)
    drempel: int = DEFAULT_THRESHOLD
    pilots: object | None = None  # the PilotResult of the data folder (all pilots)
    pilot_files: list = field(default_factory=list)
    series: object | None = None
    series_note: str | None = None
    unrecognised: list = field(default_factory=list)  # input files of no known kind (a CBS table with odd headers?)

    @property
    def synthetic(self) -> bool:
        """True when any input of the report is synthetic demo data."""
        return bool(self.kaart.synthetic or (self.youth is not None and self.youth.synthetic)
                    or (self.series is not None and self.series.synthetic)
                    or (self.pilots is not None and self.pilots.synthetic
                        and self.gemeente.code in set(self.pilots.contacten["gemeentecode"])))

    @property
    def kaart_sources(self) -> list:
        """The interview files that hold this gemeente's organisations."""
        names = set(self.organisaties["bron_bestand"]) if len(self.organisaties) else set()
        return [p for p in self.interview_files if p.name in names or
                any(str(p).endswith(n) for n in names)]

    @property
    def youth_source(self) -> str:
        """A short source line for the maatwerk figures (plain text: escape it for Markdown); empty without them."""
        if self.youth is None:
            return ""
        converted = (f", omgerekend naar de gemeentelijke indeling {self.youth.indeling}"
                     if self.youth.omgerekend_van else "")
        return f"{self.youth.title} ({self.youth.path.name}{converted})"


def load_report_data(gemeente: str, peiljaar: int, data_dir: str | Path | None = None,
                     drempel: int = DEFAULT_THRESHOLD, cbs_kolommen: str | Path | None = None) -> ReportData:
    """Resolve the gemeente and read its organisations, CBS maatwerk table and StatLine series.

    The organisations come from the processed tables, which are rebuilt first
    when the raw files changed (see :mod:`buitenbeeld.ingest.pipeline`). The
    StatLine series is read from its cache under ``raw/`` (no network).
    A data folder without CBS figures gives ``youth`` and ``series`` None: the
    report says which figures are missing (never synthetic ones in their place).

    ``cbs_kolommen`` is the user's column mapping for the CBS table (see
    ``config/cbs_kolommen.toml``); with it, a table whose headers the shipped
    mapping does not know is found too.

    Raises
    ------
    UnknownGemeenteError
        When ``gemeente`` names no gemeente; the message suggests close names.
    MissingDataError
        When the data folder has CBS maatwerk tables, but none for ``peiljaar``.
    """
    resolved = resolve_gemeente(gemeente)
    build = build_processed(data_dir)
    tables = list(build.inputs.youth_tables)
    if cbs_kolommen:  # headers the shipped mapping does not know: the user's mapping finds the table
        tables += [p for p in build.inputs.unrecognised if classify_input(p, cbs_kolommen) == "cbs"]
    youth = in_current_layout(select_youth_table(tables, peiljaar, strict=False, mapping=cbs_kolommen or None)) \
        if tables else None
    kaart = build.result
    organisaties = kaart.organisaties
    if not organisaties.empty:
        organisaties = organisaties[organisaties["gemeentecode"] == resolved.code].reset_index(drop=True)
    rows = youth.gemeenten[youth.gemeenten["gemeentecode"] == resolved.code] \
        if youth is not None and len(youth.gemeenten) else []
    youth_row = rows.iloc[0].to_dict() if len(rows) else None
    series, series_note = load_series(data_dir)
    unrecognised = [p for p in build.inputs.unrecognised if p not in tables]
    return ReportData(resolved, peiljaar, kaart, organisaties, youth, youth_row, list(build.inputs.interviews), drempel,
                      build.pilots, list(build.inputs.pilots), series, series_note, unrecognised)


def nothing_known(data: ReportData) -> str | None:
    """Why there is no report to make for this gemeente (in Dutch), or None when there is something to show.

    Nothing is known when the gemeente has no organisations in the interviews, no
    row in the CBS maatwerk table, no rows in the StatLine series and no pilot.
    """
    if len(data.organisaties) or data.youth_row is not None or len(series_rows(data)[0]) \
            or pilot_evaluation(data) is not None:
        return None
    return (f"Geen rapport voor {data.gemeente.naam}: de datamap heeft voor deze gemeente geen interviews, geen "
            "CBS-cijfers en geen pilotgegevens.")


def no_kaart_markdown(data: ReportData) -> str:
    """What the report says in place of the sociale kaart when the gemeente has no interviews (yet)."""
    return (f"Voor {escape(data.gemeente.naam)} zijn (nog) geen organisaties geïnterviewd. Daarom staan in dit rapport "
            "geen sociale kaart, geen profielen van organisaties en geen roladvies. Die komen uit interviews met "
            "organisaties in de gemeente: een leeg invulbestand maakt `buitenbeeld template`; zet de ingevulde "
            "bestanden onder raw/ in de datamap.")


def pilot_evaluation(data: ReportData):
    """The :class:`~buitenbeeld.analysis.evaluatie.Evaluation` of this gemeente's pilot, or None when there is none."""
    from buitenbeeld.analysis.evaluatie import select_pilots

    if data.pilots is None or data.gemeente.code not in set(data.pilots.contacten["gemeentecode"]):
        return None
    return select_pilots(data.pilots, data.gemeente.code)


def header_markdown(data: ReportData) -> str:
    """The report's title block: the CBS name and code, the latest year of CBS figures, and the synthetic banner."""
    latest = latest_figures(data)
    figures = (f"CBS-cijfers tot en met **{latest.jaar}**{' (voorlopig)' if latest.voorlopig else ''}"
               if latest is not None else "geen CBS-cijfers")
    lines = [
        f"# Jongeren buiten beeld en de sociale kaart: {escape(data.gemeente.naam)}",
        f"CBS-gemeentecode **{data.gemeente.code}** (gemeentelijke indeling {data.gemeente.jaar}) · "
        f"{figures} · {len(data.organisaties)} organisaties in de sociale kaart",
    ]
    if data.synthetic:
        lines.append(f'<div class="bb-banner">\n\n{SYNTHETIC_BANNER}\n\n</div>')
    return "\n\n".join(lines)


@dataclass
class ReportMaps:
    """The maps a report can draw, and for each one it cannot, a sentence saying why and what to do."""

    land: object | None = None
    wijken: object | None = None
    land_note: str | None = None
    wijken_note: str | None = None


def report_maps(data: ReportData, grenzen: str | Path | None = None, data_dir: str | Path | None = None) -> ReportMaps:
    """The national map of shares buiten beeld (the gemeente outlined) and the map of its wijken.

    The boundary files are read from ``grenzen`` (default ``<data>/raw/geo``, where
    ``buitenbeeld grenzen`` puts them); a share that the disclosure rule hides is
    drawn as unknown. Without boundary files the report gets a note instead. The
    national map shows the latest year (:func:`~buitenbeeld.publish.report_cbs.map_figures`);
    without CBS figures there is neither a map nor a note (section 2 says why), and
    without organisations no wijk map.
    """
    from buitenbeeld.analysis.sociale_kaart import count_by_wijk
    from buitenbeeld.errors import MissingDataError
    from buitenbeeld.publish.maps import plot_share_map, plot_wijk_map
    from buitenbeeld.reference.geo import find_wijk_file, geo_dir, read_boundaries, read_wijken

    folder = Path(grenzen) if grenzen else geo_dir(data_dir or None)
    result = ReportMaps()
    figures = map_figures(data)
    if figures is not None:
        values, year, jaar, source = figures
        try:
            boundaries = read_boundaries(year, folder)
        except MissingDataError:
            result.land_note = (
                f"Geen landkaart: de gemeentegrenzen van {year} staan niet in {escape(folder)}. Haal ze op met "
                f"`buitenbeeld grenzen --jaar {year}` (CBS/Kadaster via PDOK, CC BY 4.0) of geef de map met "
                "`buitenbeeld rapporten --grenzen MAP`.")
        else:
            result.land = plot_share_map(boundaries, values, data.gemeente.code, data.gemeente.naam, jaar, source,
                                         data.synthetic)
    if data.organisaties.empty:
        return result
    wijken = read_wijken(data.gemeente.code, folder)
    if wijken:
        result.wijken = plot_wijk_map(wijken, count_by_wijk(data.organisaties).to_dict(), data.gemeente.naam,
                                      f"interviews sociale kaart {data.gemeente.naam}", data.synthetic)
    else:
        where = find_wijk_file(folder)
        missing = (f"het wijkbestand {escape(where.name)} heeft geen wijken van {escape(data.gemeente.naam)}" if where
                   else f"geen wijkgrenzen ({escape('wijk_<jaar>.geojson')} of .topojson) in {escape(folder)}; haal ze op met "
                        "`buitenbeeld grenzen --wijken`")
        result.wijken_note = f"Geen wijkkaart: {missing}. De tabel per wijk hierboven geeft dezelfde aantallen."
    return result


def data_quality_table(data: ReportData) -> pd.DataFrame:
    """Per numeric interview question: answered (of which estimated), unknown, and not asked."""
    frame = data.organisaties
    rows = []
    for column in NUMBER_COLUMNS:
        if frame.empty or column not in frame:
            continue
        known = frame[column].notna()
        not_asked = frame[f"{column}_onbekend"] == COLUMN_ABSENT
        rows.append({
            "vraag": column.replace("_", " "),
            "beantwoord": int(known.sum()),
            "waarvan geschat": int((frame[f"{column}_geschat"].fillna(False).astype(bool) & known).sum()),
            "onbekend of leeg": int((~known & ~not_asked).sum()),
            "niet gevraagd": int(not_asked.sum()),
        })
    return pd.DataFrame(rows).set_index("vraag") if rows else pd.DataFrame()


def data_quality_notes(data: ReportData) -> list[str]:
    """Plain-Dutch sentences on what was read, rejected and how old the interviews are."""
    kaart, frame = data.kaart, data.organisaties
    totals = kaart.files[["read", "loaded", "rejected"]].sum() if len(kaart.files) else None
    notes = []
    if totals is not None:
        notes.append(
            f"Ingelezen: {len(kaart.files)} interviewbestand(en) met {format_count(totals['read'])} rijen; "
            f"{format_count(totals['loaded'])} geladen en {format_count(totals['rejected'])} afgewezen "
            "(alle gemeenten samen)."
        )
    own_rejects = rejects_table(data)
    if len(own_rejects):
        notes.append(
            f"In de interviewbestanden van {escape(data.gemeente.naam)} zijn {len(own_rejects)} rij(en) afgewezen; "
            "ze staan met bestand, rij, kolom en reden onderaan en tellen niet mee."
        )
    notes.append(f"Organisaties in {escape(data.gemeente.naam)}: {len(frame)}.")
    if not frame.empty and "datum_interview" in frame:
        dates = frame["datum_interview"].dropna()
        if len(dates):
            notes.append(
                f"Interviews gehouden tussen {format_date(min(dates))} en {format_date(max(dates))}; "
                f"bij {len(frame) - len(dates)} organisatie(s) is de datum onbekend."
            )
    if data.youth is not None and data.youth_row is None:
        notes.append(
            f"De CBS-tabel ({escape(data.youth.path.name)}) heeft geen cijfers voor {escape(data.gemeente)} "
            f"in de indeling van het peiljaar {data.peiljaar}."
        )
    if data.youth is not None and data.youth.problems:
        rejected = len(data.youth.rejected_rows)
        notes.append(
            f"De CBS-tabel ({escape(data.youth.path.name)}) gaf {len(data.youth.problems)} melding(en); "
            f"{rejected} rij(en) niet geladen. "
            + " ".join(escape(r) for r in sorted({p.reason for p in data.youth.problems})[:3])
        )
    notes.append("Onbekende antwoorden tellen als onbekend, nooit als nul; schattingen (zoals 'ca. 40' of '30-50') "
                 "zijn gemarkeerd en het midden van een bereik wordt gebruikt.")
    return notes


def rejects_table(data: ReportData) -> pd.DataFrame:
    """Rejected rows of the interview files that hold this gemeente's organisations."""
    files = set(data.organisaties["bron_bestand"]) if not data.organisaties.empty else set()
    rejects = data.kaart.rejects
    rejects = rejects[rejects["file"].isin(files)]
    # no values: a rejected row may name an organisation that gave no consent
    columns = {"file": "bestand", "sheet": "blad", "row": "rij", "column": "kolom", "reason": "reden"}
    return rejects[list(columns)].rename(columns=columns).reset_index(drop=True)


def summary_points(data: ReportData, comparison) -> list[str]:
    """Five to eight sentences with what matters, generated from the figures and the kaart."""
    from buitenbeeld.analysis.compare import reach_gap_summary, uncovered_wijken

    points = []
    latest = latest_figures(data)
    own = margin_of(latest.row, data.drempel) if latest is not None else None
    national = margin_of(latest.nederland) if latest is not None else None
    wording = compare(own, national)
    if wording is not None:
        versus = {"hoger": "hoger dan", "lager": "lager dan", "ongeveer gelijk": "ongeveer gelijk aan"}[wording]
        points.append(f"In {escape(data.gemeente.naam)} was op 1 oktober {latest.jaar}"
                      f"{' (voorlopig cijfer)' if latest.voorlopig else ''} {format_share(own[0])} van de jongeren "
                      f"(15-27 jaar) buiten beeld, {versus} het landelijke aandeel van {format_share(national[0])}.")
    if latest is None:
        points.append(f"Voor {escape(data.gemeente.naam)} staan geen CBS-cijfers over jongeren buiten beeld in de datamap; "
                      "deel 2 zegt hoe u ze krijgt.")
    change = change_since_start(data)
    if change is not None and change.wording is not None and change.start != change.end:
        within = ", binnen de afronding van het CBS" if change.wording == "ongeveer gelijk gebleven" else ""
        points.append(f"Sinds {change.start} is dat aandeel {change.wording}{within} (toen {format_share(change.own[0])}).")
    reason = (data.youth_row or {}).get("zonder_bekende_reden")
    if reason is not None and reason == reason and shares(data)[0] is not None:  # not beside a hidden count
        year = data.youth.peiljaar or data.peiljaar
        when = (f"In {year}, de laatste keer dat het CBS dit uitsplitste, was" if year == SPLIT_YEAR
                else f"In {year} was")
        points.append(f"{when} voor {show_count(reason, data.drempel)} jongeren buiten beeld geen reden bekend; "
                      "niet al deze jongeren zijn zorgwekkend, en ieder mag onzichtbaar zijn.")
    frame = data.organisaties
    if len(frame):
        types = frame["type"].value_counts()
        points.append(f"De sociale kaart telt {len(frame)} organisaties van {len(types)} typen; "
                      f"de meeste zijn {escape(types.index[0])} ({types.iloc[0]}).")
        fits = comparison.advice["passende_rollen"] if len(comparison.advice) else pd.Series(dtype=object)
        for role in ("bereiken", "plaatsen"):
            count = int(fits.map(lambda roles, r=role: r in roles).sum())
            points.append(f"Voor {role} passen {count} organisaties.")
        gaps = uncovered_wijken(comparison.coverage) if len(comparison.coverage) else {}
        missing = sorted({w for wijken in gaps.values() for w in wijken})
        if missing:
            points.append(f"In {len(missing)} wijk(en) is geen organisatie in beeld die past voor bereiken of "
                          f"plaatsen: {', '.join(map(escape, missing[:5]))}{' en meer' if len(missing) > 5 else ''}.")
        conflicts = len(comparison.conflicts())
        if conflicts:
            points.append(f"Bij {conflicts} organisatie(s) lopen de plannen van de gemeente en het roladvies uiteen.")
        gap = reach_gap_summary(comparison.gap)
        if gap["organisaties"]:
            points.append(f"Bij {format_share(gap['te_hoog'], 0)} van de {gap['organisaties']} organisaties met beide "
                          "getallen schatte de gemeente vooraf meer jongeren buiten beeld dan het interview liet zien.")
    else:
        points.append(f"Er zijn (nog) geen interviews met organisaties in {escape(data.gemeente.naam)}.")
    if data.synthetic:  # always said, also when the other points are many
        return points[:7] + ["Dit rapport is gemaakt met synthetische demonstratiegegevens."]
    return points[:8]


def accountability(data: ReportData, config, parameters: dict, generated: str) -> dict[str, pd.DataFrame | str]:
    """The Verantwoording: sources, scoring version, parameters, input hashes, package versions, time."""
    from importlib.metadata import version

    from buitenbeeld.common.files import hash_file
    from buitenbeeld.settings import VERSION as __version__

    pilot = pilot_evaluation(data)
    pilot_names = set(pilot.contacten["bron_bestand"]) if pilot is not None else set()
    files = [(p, "interviews") for p in data.kaart_sources] + \
        ([(data.youth.path, "CBS-cijfers")] if data.youth is not None else []) + \
        [(p, "pilot") for p in data.pilot_files if p.name in pilot_names]
    inputs = pd.DataFrame([{"bestand": p.name, "soort": kind, "sha256": hash_file(p)} for p, kind in files if p.exists()])
    packages = pd.DataFrame([{"pakket": name, "versie": version(name)}
                             for name in ("pandas", "numpy", "babel", "papermill", "nbconvert")]
                            + [{"pakket": "buitenbeeld", "versie": __version__}])
    return {
        "bronnen": pd.DataFrame([
            *([{"bron": "Jongeren buiten beeld met en zonder bekende reden",
                "toelichting": f"{data.youth.title} ({data.youth.path.name})"}] if data.youth is not None else []),
            *({"bron": "Jongeren buiten beeld per jaar", "toelichting": text} for text in series_sources(data)),
            {"bron": "Sociale kaart", "toelichting": f"interviews met organisaties ({len(data.kaart_sources)} bestand(en))"},
            {"bron": "Gemeentecodes en -namen", "toelichting": "CBS, gemeentelijke indeling 2013 en 2026 (CC BY 4.0)"},
            *([{"bron": "Pilot jongerenscouts", "toelichting": f"pilotregistratie ({', '.join(sorted(pilot_names))}), "
                "gepseudonimiseerd; opmerkingen worden nooit gelezen voor een rapport"}] if pilot_names else []),
        ]),
        "scoring": f"{config.path.name}, versie {config.versie}",
        "parameters": pd.DataFrame([{"parameter": k, "waarde": str(v)} for k, v in parameters.items()]),
        "invoer": inputs,
        "pakketten": packages,
        "gegenereerd": generated,
    }


def key_figures(data: ReportData, comparison, config, generated: str) -> dict:
    """The report's key figures for the index of all reports (``kerncijfers.json``).

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

    coverage = comparison.coverage.drop(index="(wijk onbekend)", errors="ignore") if len(comparison.coverage) else None
    return {
        "gemeentecode": data.gemeente.code, "gemeentenaam": data.gemeente.naam, "peiljaar": latest.jaar if latest else None,
        "jongeren_15_27": count("jongeren_15_27"), "buiten_beeld": count("buiten_beeld"),
        "zonder_bekende_reden": count("zonder_bekende_reden", split),
        "aandeel_buiten_beeld": share_of(row, data.drempel), "aandeel_nederland": share_of(latest.nederland if latest else None),
        "organisaties": int(len(data.organisaties)), "afgewezen_rijen": int(len(rejects_table(data))),
        "rollen_gedekt": {role: int((coverage[role] > 0).sum()) for role in coverage.columns} if coverage is not None else {},
        "wijken": int(len(coverage)) if coverage is not None else 0,
        "synthetisch": bool(data.synthetic), "gegenereerd_op": generated, "scoring_versie": config.versie,
        "html": "rapport.html", "pdf": None,
        "voorlopig": bool(latest is not None and latest.voorlopig), "bron_cijfers": latest.source if latest else None,
        "maatwerk_peiljaar": (data.youth.peiljaar or data.peiljaar) if data.youth_row is not None else None,
        "maatwerk_zonder_bekende_reden": count("zonder_bekende_reden", data.youth_row),
    }


#: The mimetype under which the report notebook hands its tables and key figures to
#: :mod:`buitenbeeld.publish.render`, which writes them. No exporter shows it, and render
#: removes it before the HTML export.
OUTPUT_MIMETYPE = "application/vnd.buitenbeeld.uitvoer+json"


def published_tables(data: ReportData, comparison) -> dict[str, pd.DataFrame]:
    """The tables a report publishes beside its HTML, as ``tabellen/<name>.csv``: the ones it shows."""
    return {"organisaties_per_type": count_by_type(data.organisaties).to_frame(),
            "organisaties_per_wijk": wijk_type_table(data.organisaties),
            "profielen": comparison.profile_table(), "roladvies": comparison.advice_table()}


def _json_value(value):
    """A table cell as JSON: dates as ISO text, numpy scalars as Python ones, NaN/NA/inf as null."""
    if is_missing(value) or value is pd.NaT:
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    value = value.item() if hasattr(value, "item") else value
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value if isinstance(value, (bool, int, float, str)) else str(value)


def report_outputs(data: ReportData, comparison, config, generated: str) -> dict:
    """What :mod:`~buitenbeeld.publish.render` writes beside the report, as one JSON bundle.

    ``tabellen``: per :func:`published_tables` name, ``kolommen`` (the index
    first) and ``rijen`` (JSON values), for the Dutch CSV. ``kerncijfers``: the
    text of ``kerncijfers.json`` (:func:`key_figures`), as text because a
    notebook file sorts the keys of JSON objects and the file keeps their order.
    """
    tables = {}
    for name, frame in published_tables(data, comparison).items():
        flat = frame.reset_index()
        tables[name] = {"kolommen": [" ".join(map(str, c)).strip() if isinstance(c, tuple) else str(c)
                                     for c in flat.columns],
                        "rijen": [[_json_value(v) for v in row] for row in flat.itertuples(index=False, name=None)]}
    figures = json.dumps(key_figures(data, comparison, config, generated), indent=2, ensure_ascii=False)
    return {"tabellen": tables, "kerncijfers": figures}


def show_outputs(data: ReportData, comparison, config, generated: str) -> None:
    """Hand :func:`report_outputs` to the renderer: displayed under :data:`OUTPUT_MIMETYPE` only."""
    from IPython.display import display  # only in a notebook

    display({OUTPUT_MIMETYPE: report_outputs(data, comparison, config, generated)}, raw=True)
