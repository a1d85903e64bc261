"""What the gemeente report shows, assembled from the data folder.

The notebook ``gemeente_rapport.ipynb`` stays thin: it calls
:func:`load_report_data` once and shows the tables and figures built here.
Nothing here reads the personal columns.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from buitenbeeld.analysis.sociale_kaart import count_by_type, wijk_type_table
from buitenbeeld.common.formatting import escape, format_count, format_date, format_share, is_missing
from buitenbeeld.errors import MissingDataError
from buitenbeeld.ingest.cbs import YouthTable, in_current_layout, select_youth_table
from buitenbeeld.ingest.interviews import COLUMN_ABSENT, NUMBER_COLUMNS, IngestResult
from buitenbeeld.ingest.pipeline import build_processed
from buitenbeeld.ingest.sources import classify_input
from buitenbeeld.privacy.disclosure import DEFAULT_THRESHOLD, is_suppressed, show_count
from buitenbeeld.reference.gemeenten import Gemeente, resolve_gemeente
from buitenbeeld.settings import data_paths

__all__ = [
    "SYNTHETIC_BANNER", "ReportData", "load_report_data", "header_markdown", "shares", "layout_note",
    "pilot_evaluation", "ReportMaps", "report_maps", "rejects_table", "comparable_gemeenten", "comparable_rule",
    "summary_points", "accountability", "key_figures", "OUTPUT_MIMETYPE", "published_tables", "report_outputs",
    "show_outputs", "youth_figures_table", "data_quality_table", "data_quality_notes",
]

SYNTHETIC_BANNER = (
    "**Let op: dit rapport gebruikt SYNTHETISCHE DEMONSTRATIEGEGEVENS.** De organisaties, "
    "interviews en cijfers per gemeente zijn verzonnen om de werkbank te laten zien; alleen de "
    "landelijke totalen van het CBS zijn echt. Trek er geen conclusies uit."
)


@dataclass
class ReportData:
    """Everything one gemeente report shows."""

    gemeente: Gemeente
    peiljaar: int
    kaart: IngestResult
    organisaties: pd.DataFrame
    youth: YouthTable
    youth_row: dict | None
    interview_files: list = field(default_factory=list)
    drempel: int = DEFAULT_THRESHOLD
    pilots: object | None = None  # the PilotResult of the data folder (all pilots)
    pilot_files: list = field(default_factory=list)

    @property
    def synthetic(self) -> bool:
        """True when any input of the report is synthetic demo data."""
        return self.kaart.synthetic or self.youth.synthetic or bool(self.pilots is not None and self.pilots.synthetic
                                                                      and self.gemeente.code in
                                                                      set(self.pilots.contacten["gemeentecode"]))

    @property
    def kaart_sources(self) -> list:
        """The interview files that hold this gemeente's organisations."""
        names = set(self.organisaties["bron_bestand"]) if len(self.organisaties) else set()
        return [p for p in self.interview_files if p.name in names or
                any(str(p).endswith(n) for n in names)]

    @property
    def youth_source(self) -> str:
        """A short source line for the youth figures (plain text: escape it for Markdown)."""
        converted = (f", omgerekend naar de gemeentelijke indeling {self.youth.indeling}"
                     if self.youth.omgerekend_van else "")
        return f"{self.youth.title} ({self.youth.path.name}{converted})"


def load_report_data(gemeente: str, peiljaar: int, data_dir: str | Path | None = None,
                     drempel: int = DEFAULT_THRESHOLD, cbs_kolommen: str | Path | None = None) -> ReportData:
    """Resolve the gemeente and read its organisations and CBS youth figures.

    The organisations come from the processed tables, which are rebuilt first
    when the raw files changed (see :mod:`buitenbeeld.ingest.pipeline`).

    ``cbs_kolommen`` is the user's column mapping for the CBS table (see
    ``config/cbs_kolommen.toml``); with it, a table whose headers the shipped
    mapping does not know is found too.

    Raises
    ------
    UnknownGemeenteError
        When ``gemeente`` names no gemeente; the message suggests close names.
    MissingDataError
        When the data folder has no youth figures for ``peiljaar``.
    """
    resolved = resolve_gemeente(gemeente)
    paths = data_paths(data_dir)
    build = build_processed(data_dir)
    tables = list(build.inputs.youth_tables)
    if cbs_kolommen:  # headers the shipped mapping does not know: the user's mapping finds the table
        tables += [p for p in build.inputs.unrecognised if classify_input(p, cbs_kolommen) == "cbs"]
    if not tables:
        raise MissingDataError(
            f"No CBS youth-figures table under {paths.raw}. Put the CBS table (xlsx) there, "
            "or run 'buitenbeeld demo' to write the synthetic demo data."
        )
    youth = in_current_layout(select_youth_table(tables, peiljaar, strict=False, mapping=cbs_kolommen or None))
    kaart = build.result
    organisaties = kaart.organisaties
    if not organisaties.empty:
        organisaties = organisaties[organisaties["gemeentecode"] == resolved.code].reset_index(drop=True)
    rows = youth.gemeenten[youth.gemeenten["gemeentecode"] == resolved.code] if len(youth.gemeenten) else []
    youth_row = rows.iloc[0].to_dict() if len(rows) else None
    return ReportData(resolved, peiljaar, kaart, organisaties, youth, youth_row, list(build.inputs.interviews), drempel,
                      build.pilots, list(build.inputs.pilots))


def pilot_evaluation(data: ReportData):
    """The :class:`~buitenbeeld.analysis.evaluatie.Evaluation` of this gemeente's pilot, or None when there is none."""
    from buitenbeeld.analysis.evaluatie import select_pilots

    if data.pilots is None or data.gemeente.code not in set(data.pilots.contacten["gemeentecode"]):
        return None
    return select_pilots(data.pilots, data.gemeente.code)


def header_markdown(data: ReportData) -> str:
    """The report's title block: the CBS name and code, the peiljaar, and the synthetic banner."""
    lines = [
        f"# Jongeren buiten beeld en de sociale kaart: {escape(data.gemeente.naam)}",
        f"CBS-gemeentecode **{data.gemeente.code}** (gemeentelijke indeling {data.gemeente.jaar}) · "
        f"peiljaar CBS-cijfers **{data.peiljaar}** · {len(data.organisaties)} organisaties in de sociale kaart",
    ]
    if data.synthetic:
        lines.append(f'<div class="bb-banner">\n\n{SYNTHETIC_BANNER}\n\n</div>')
    return "\n\n".join(lines)


def _share(row: dict | None, threshold: int | None = None) -> float | None:
    """Share buiten beeld; None when unknown, or when the count is suppressed (the share would give it away)."""
    if not row or not row.get("jongeren_15_27") or row.get("buiten_beeld") is None:
        return None
    if threshold is not None and (is_suppressed(row["buiten_beeld"], threshold) or
                                  is_suppressed(row["jongeren_15_27"], threshold)):
        return None
    value = row["buiten_beeld"] / row["jongeren_15_27"]
    return None if value != value else value


def layout_note(data: ReportData) -> str | None:
    """A sentence on how the gemeente's CBS figures were put together from the gemeenten of the table's year.

    None when the figures are the gemeente's own (no merger or split since).
    """
    from buitenbeeld.reference.crosswalk import predecessors

    if not data.youth.omgerekend_van or data.youth_row is None:
        return None
    parts = predecessors(data.gemeente.code)
    if len(parts) == 1 and parts[0].code_2013 == data.gemeente.code and parts[0].exact:
        return None
    names = ", ".join(escape(p.naam_2013) + ("" if p.exact else f" (deels, {format_share(p.aandeel, 0)})")
                      for p in parts)
    sentence = (f"De CBS-cijfers van {data.peiljaar} gaan over de gemeenten van toen. Voor {escape(data.gemeente.naam)} "
                f"zijn ze opgeteld uit: {names}.")
    if data.youth_row.get("geschat"):
        sentence += (" Een gemeente die over meer gemeenten is verdeeld, telt mee naar het deel van haar "
                     "oppervlakte: die cijfers zijn een schatting.")
    return sentence


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
    drawn as unknown. Without boundary files the report gets a note instead.
    """
    from buitenbeeld.analysis.sociale_kaart import count_by_wijk
    from buitenbeeld.errors import MissingDataError
    from buitenbeeld.publish.maps import plot_share_map, plot_wijk_map
    from buitenbeeld.reference.geo import find_wijk_file, geo_dir, read_boundaries, read_wijken

    folder = Path(grenzen) if grenzen else geo_dir(data_dir or None)
    result = ReportMaps()
    year = data.youth.indeling or data.gemeente.jaar
    try:
        boundaries = read_boundaries(year, folder)
    except MissingDataError:
        result.land_note = (
            f"Geen landkaart: de gemeentegrenzen van {year} staan niet in {escape(folder)}. Haal ze op met "
            f"`buitenbeeld grenzen --jaar {year}` (CBS/Kadaster via PDOK, CC BY 4.0) of geef de map met "
            "`buitenbeeld rapporten --grenzen MAP`.")
    else:
        table = data.youth.gemeenten
        values = {row["gemeentecode"]: _share(row, data.drempel) for row in table.to_dict("records")}
        result.land = plot_share_map(boundaries, values, data.gemeente.code, data.gemeente.naam, data.peiljaar,
                                     data.youth_source, data.synthetic)
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


def youth_figures_table(data: ReportData) -> pd.DataFrame:
    """The gemeente's youth figures beside the national ones, formatted for display."""
    national = data.youth.nederland
    rows = []
    for label, key in [("Jongeren 15 tot 27 jaar", "jongeren_15_27"),
                       ("Jongeren buiten beeld", "buiten_beeld"),
                       ("waarvan zonder bekende reden", "zonder_bekende_reden")]:
        own = (data.youth_row or {}).get(key)
        symbol = (data.youth_row or {}).get(f"{key}_symbool")
        shown = symbol if own != own and symbol in ("x", ".") else show_count(own, data.drempel)  # CBS's own symbol
        rows.append({"": label, data.gemeente.naam: shown,
                     "Nederland": format_count(national.get(key))})
    rows.append({"": "Aandeel buiten beeld", data.gemeente.naam: format_share(_share(data.youth_row, data.drempel)),
                 "Nederland": format_share(_share(national))})
    return pd.DataFrame(rows).set_index("")


def shares(data: ReportData) -> tuple[float | None, float | None]:
    """The gemeente's and the national share of young people buiten beeld (None when suppressed)."""
    return _share(data.youth_row, data.drempel), _share(data.youth.nederland)


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
    if data.youth_row is None:
        notes.append(
            f"De CBS-tabel ({escape(data.youth.path.name)}) heeft geen cijfers voor {escape(data.gemeente)} "
            f"in de indeling van het peiljaar {data.peiljaar}."
        )
    if data.youth.problems:
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


def comparable_gemeenten(data: ReportData, count: int = 10) -> pd.DataFrame:
    """The gemeente with the ``count`` gemeenten most like it, with their share buiten beeld.

    The rule (the report's caption says which part applied, see :func:`comparable_rule`):
    when the CBS table has a degree of urbanisation (``stedelijkheid``, CBS classes
    1-5), only gemeenten of the same class are candidates; among the candidates, the
    ones closest in number of young people (15-27), on a log scale, so 10.000 is as
    far from 20.000 as from 5.000. Without urbanisation, size alone. The own
    gemeente is included (``eigen`` True). Gemeenten with a suppressed or unknown
    figure are left out.
    """
    table = data.youth.gemeenten.dropna(subset=["jongeren_15_27", "buiten_beeld"])
    table = table[(table["jongeren_15_27"] > 0) & (table["buiten_beeld"] >= data.drempel)]  # no small counts
    if data.youth_row is None or table.empty or shares(data)[0] is None:
        return pd.DataFrame(columns=["gemeentenaam", "jongeren_15_27", "aandeel", "eigen"])
    if comparable_rule(data) != _SIZE_ONLY:
        table = table[table["stedelijkheid"] == data.youth_row["stedelijkheid"]]
    own = data.youth_row["jongeren_15_27"]
    distance = (np.log(table["jongeren_15_27"]) - np.log(own)).abs()
    nearest = table.loc[distance.sort_values(kind="stable").index[: count + 1]]
    return pd.DataFrame({
        "gemeentenaam": nearest["gemeentenaam"],
        "jongeren_15_27": nearest["jongeren_15_27"],
        "aandeel": nearest["buiten_beeld"] / nearest["jongeren_15_27"],
        "eigen": nearest["gemeentecode"] == data.gemeente.code,
    }).sort_values("aandeel", ascending=False).reset_index(drop=True)


_SIZE_ONLY = "alleen op grootte vergelijkbaar"


def comparable_rule(data: ReportData) -> str:
    """In Dutch, which rule :func:`comparable_gemeenten` applied for this gemeente."""
    own = (data.youth_row or {}).get("stedelijkheid")
    if "stedelijkheid" in data.youth.gemeenten.columns and own is not None and own == own:
        return f"zelfde stedelijkheid (klasse {own:g}) en vergelijkbaar aantal jongeren"
    return _SIZE_ONLY


def summary_points(data: ReportData, comparison) -> list[str]:
    """Five to eight sentences with what matters, generated from the figures and the kaart."""
    from buitenbeeld.analysis.compare import reach_gap_summary, uncovered_wijken

    points = []
    own, national = shares(data)
    if own is not None and national is not None:
        direction = "hoger dan" if own > national else "lager dan" if own < national else "gelijk aan"
        points.append(f"In {escape(data.gemeente.naam)} was op 1 oktober {data.youth.peiljaar or data.peiljaar} "
                      f"{format_share(own)} van de jongeren (15-27 jaar) buiten beeld, {direction} het landelijke "
                      f"aandeel van {format_share(national)}.")
        reason = (data.youth_row or {}).get("zonder_bekende_reden")
        if reason is not None and reason == reason:
            points.append(f"Voor {show_count(reason, data.drempel)} van hen is geen reden bekend; niet al deze jongeren zijn "
                          "zorgwekkend, en ieder mag onzichtbaar zijn.")
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
    if data.synthetic:
        points.append("Dit rapport is gemaakt met synthetische demonstratiegegevens.")
    return points[:8]


def accountability(data: ReportData, config, parameters: dict, generated: str) -> dict[str, pd.DataFrame | str]:
    """The Verantwoording: sources, scoring version, parameters, input hashes, package versions, time."""
    from importlib.metadata import version

    from buitenbeeld.common.files import hash_file
    from buitenbeeld.settings import VERSION as __version__

    pilot = pilot_evaluation(data)
    pilot_names = set(pilot.contacten["bron_bestand"]) if pilot is not None else set()
    files = [(p, "interviews") for p in data.kaart_sources] + [(data.youth.path, "CBS-cijfers")] + \
        [(p, "pilot") for p in data.pilot_files if p.name in pilot_names]
    inputs = pd.DataFrame([{"bestand": p.name, "soort": kind, "sha256": hash_file(p)} for p, kind in files if p.exists()])
    packages = pd.DataFrame([{"pakket": name, "versie": version(name)}
                             for name in ("pandas", "numpy", "babel", "papermill", "nbconvert")]
                            + [{"pakket": "buitenbeeld", "versie": __version__}])
    return {
        "bronnen": pd.DataFrame([
            {"bron": "Jongeren buiten beeld", "toelichting": f"{data.youth.title} ({data.youth.path.name})"},
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

    Counts of young people below the threshold are left out (None), never written.
    """
    row = data.youth_row or {}

    def count(key):
        value = row.get(key)
        if value is None or value != value or (0 < value < data.drempel):
            return None
        return int(value)

    own, national = shares(data)
    coverage = comparison.coverage.drop(index="(wijk onbekend)", errors="ignore") if len(comparison.coverage) else None
    return {
        "gemeentecode": data.gemeente.code, "gemeentenaam": data.gemeente.naam, "peiljaar": data.peiljaar,
        "jongeren_15_27": count("jongeren_15_27"), "buiten_beeld": count("buiten_beeld"),
        "zonder_bekende_reden": count("zonder_bekende_reden"),
        "aandeel_buiten_beeld": own, "aandeel_nederland": national,
        "organisaties": int(len(data.organisaties)), "afgewezen_rijen": int(len(rejects_table(data))),
        "rollen_gedekt": {role: int((coverage[role] > 0).sum()) for role in coverage.columns} if coverage is not None else {},
        "wijken": int(len(coverage)) if coverage is not None else 0,
        "synthetisch": bool(data.synthetic), "gegenereerd_op": generated, "scoring_versie": config.versie,
        "html": "rapport.html", "pdf": None,
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
