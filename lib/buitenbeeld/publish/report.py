"""What the gemeente report shows, assembled from the data folder.

The notebook ``gemeente_rapport.ipynb`` stays thin: it calls :func:`load_report_data`
once and shows what is built here, every table through :func:`show_table` (Dutch
headers, no index, text left, numbers right). Section 2 (the CBS figures) and the maps
are :mod:`~buitenbeeld.publish.report_cbs` and :mod:`~buitenbeeld.publish.report_cbs_section`;
what the notebook and the training use is re-exported here. A report renders with
whatever is there; :func:`nothing_known` says when there is nothing at all to report.

The report is read by a gemeenteraad: plain Dutch, no file names, folders, commands
or versions. Those are for its maker, in ``verantwoording.html`` beside it
(:func:`verantwoording`: files and hashes, settings, versions, rejected rows, and how to
add what is missing), handed to render with the tables. Nothing here reads the
personal columns.
"""
from __future__ import annotations

import copy
import json
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from buitenbeeld.analysis.sociale_kaart import count_by_type, wijk_type_table
from buitenbeeld.common.files import file_version
from buitenbeeld.common.formatting import MISSING, escape, format_count, format_date, is_missing
from buitenbeeld.ingest.cbs import YouthTable, in_current_layout, select_youth_table
from buitenbeeld.ingest.interviews import COLUMN_ABSENT, NUMBER_COLUMNS, IngestResult
from buitenbeeld.ingest.pipeline import build_processed
from buitenbeeld.ingest.sources import classify_input
from buitenbeeld.privacy.disclosure import DEFAULT_THRESHOLD
from buitenbeeld.publish import report_cbs, report_cbs_section, report_changes
from buitenbeeld.publish.report_cbs import comparable_gemeenten, comparable_rule, key_figures, layout_note, shares
from buitenbeeld.publish.report_cbs_section import ReportMaps, cbs_section, report_maps
from buitenbeeld.publish.report_tables import show_part, show_table, table_frame, table_html
from buitenbeeld.reference.gemeenten import Gemeente, resolve_gemeente

__all__ = [
    "SYNTHETIC_BANNER", "ReportData", "load_report_data", "header_markdown", "shares", "layout_note",
    "pilot_evaluation", "ReportMaps", "report_maps", "rejects_table", "comparable_gemeenten", "comparable_rule",
    "summary_points", "accountability", "key_figures", "OUTPUT_MIMETYPE", "published_tables", "report_outputs",
    "show_outputs", "youth_figures_table", "data_quality_table", "data_quality_notes", "cbs_section",
    "nothing_known", "no_kaart_markdown", "table_frame", "table_html", "show_table", "show_part", "pilot_points",
    "accountability_markdown", "current_youth_table", "howto_notes", "verantwoording", "VERANTWOORDING_FILE",
]

youth_figures_table = report_cbs.youth_figures_table  # for the notebooks, beside the other CBS tables
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
    ``aanpak`` and ``wijken`` are for :mod:`~buitenbeeld.publish.report_aanpak`.
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
    aanpak: object | None = None  # this gemeente's AanpakResult (its five steps); None when read without it
    wijken: pd.DataFrame | None = None  # this gemeente's rows of the CBS wijk tables (inhabitants, young people)

    @property
    def synthetic(self) -> bool:
        """True when any input of the report is synthetic demo data."""
        return bool(self.kaart.synthetic or (self.youth is not None and self.youth.synthetic)
                    or (self.series is not None and self.series.synthetic)
                    or (self.aanpak is not None and self.aanpak.synthetic)
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
        """A short source line for the maatwerk figures (plain text: escape it for Markdown); empty without them.

        The table's title, not its file name (that is in the verantwoording).
        """
        if self.youth is None:
            return ""
        converted = (f", omgerekend naar de gemeentelijke indeling {self.youth.indeling}"
                     if self.youth.omgerekend_van else "")
        return f"{self.youth.title}{converted}"


def load_report_data(gemeente: str, peiljaar: int, data_dir: str | Path | None = None,
                     drempel: int = DEFAULT_THRESHOLD, cbs_kolommen: str | Path | None = None) -> ReportData:
    """Resolve the gemeente and read its organisations, CBS maatwerk table and StatLine series.

    The organisations come from the processed tables, rebuilt first when the raw files
    changed (:mod:`buitenbeeld.ingest.pipeline`); the StatLine series from its cache under
    ``raw/`` (no network). Without CBS figures ``youth`` and ``series`` are None (never
    synthetic ones in their place). ``cbs_kolommen`` is the user's column mapping for the
    CBS table (``config/cbs_kolommen.toml``).

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
    youth = current_youth_table(tables, peiljaar, cbs_kolommen or None) if tables else None
    kaart = build.result
    organisaties = kaart.organisaties
    if not organisaties.empty:
        organisaties = organisaties[organisaties["gemeentecode"] == resolved.code].reset_index(drop=True)
    rows = youth.gemeenten[youth.gemeenten["gemeentecode"] == resolved.code] \
        if youth is not None and len(youth.gemeenten) else []
    youth_row = rows.iloc[0].to_dict() if len(rows) else None
    series, series_note = report_cbs.load_series(data_dir)
    unrecognised = [p for p in build.inputs.unrecognised if p not in tables]
    wijken = build.wijken[build.wijken["gemeentecode"] == resolved.code].reset_index(drop=True)
    return ReportData(resolved, peiljaar, kaart, organisaties, youth, youth_row, list(build.inputs.interviews), drempel,
                      build.pilots, list(build.inputs.pilots), series, series_note, unrecognised,
                      build.aanpak.select(resolved.code), wijken)


def _version(path: str | Path | None) -> tuple | None:
    """:func:`~buitenbeeld.common.files.file_version`, None for no file."""
    try:
        return file_version(path)
    except (TypeError, OSError):
        return None


def current_youth_table(tables: list[Path], peiljaar: int, mapping: str | Path | None = None):
    """The CBS maatwerk table of ``peiljaar`` among ``tables``, in today's gemeente layout; a fresh copy each call.

    Read and converted once per process and version of the files: every report of a
    batch reads the same national table (a tenth of a second each time otherwise).
    """
    key = (tuple((str(p), _version(p)) for p in tables), peiljaar, str(mapping) if mapping else None, _version(mapping))
    return copy.deepcopy(_youth_table(key))


@lru_cache(maxsize=4)
def _youth_table(key: tuple):
    tables, peiljaar, mapping, _ = key
    return in_current_layout(select_youth_table([Path(p) for p, _ in tables], peiljaar, strict=False, mapping=mapping))


def nothing_known(data: ReportData) -> str | None:
    """Why there is no report to make for this gemeente (in Dutch), or None when there is something to show.

    Nothing is known when the gemeente has no organisations in the interviews, no
    row in the CBS maatwerk table, no rows in the StatLine series and no pilot.
    """
    if len(data.organisaties) or data.youth_row is not None or len(report_cbs.series_rows(data)[0]) \
            or pilot_evaluation(data) is not None:
        return None
    return (f"Geen rapport voor {data.gemeente.naam}: de datamap heeft voor deze gemeente geen interviews, geen "
            "CBS-cijfers en geen pilotgegevens.")


def no_kaart_markdown(data: ReportData) -> str:
    """What the report says in place of the sociale kaart when the gemeente has no interviews (yet)."""
    return (f"Voor {escape(data.gemeente.naam)} zijn (nog) geen organisaties geïnterviewd. Daarom staan in dit rapport "
            "geen sociale kaart, geen profielen van organisaties en geen roladvies. Die komen uit interviews met "
            "organisaties in de gemeente.")


def pilot_evaluation(data: ReportData):
    """The :class:`~buitenbeeld.analysis.evaluatie.Evaluation` of this gemeente's pilot, or None when there is none."""
    from buitenbeeld.analysis.evaluatie import select_pilots

    if data.pilots is None or data.gemeente.code not in set(data.pilots.contacten["gemeentecode"]):
        return None
    return select_pilots(data.pilots, data.gemeente.code)


def header_markdown(data: ReportData) -> str:
    """The report's title block: the CBS name and code, the latest year of CBS figures, and the synthetic banner."""
    latest = report_cbs.latest_figures(data)
    figures = (f"CBS-cijfers tot en met **{latest.jaar}**{' (voorlopig)' if latest.voorlopig else ''}"
               if latest is not None else "geen CBS-cijfers")
    lines = [
        f"# Jongeren buiten beeld en de sociale kaart: {escape(data.gemeente.naam)}",
        f"CBS-gemeentecode **{data.gemeente.code}** (gemeentelijke indeling {data.gemeente.jaar}) · "
        f"{figures} · {_n(len(data.organisaties), 'organisatie', 'organisaties')} in de sociale kaart",
    ]
    if data.synthetic:
        lines.append(f'<div class="bb-banner">\n\n{SYNTHETIC_BANNER}\n\n</div>')
    return "\n\n".join(lines)


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
            "vraag": column.replace("_12m", " (12 maanden)").replace("_", " "),
            "beantwoord": int(known.sum()),
            "waarvan geschat": int((frame[f"{column}_geschat"].fillna(False).astype(bool) & known).sum()),
            "onbekend of leeg": int((~known & ~not_asked).sum()),
            "niet gevraagd": int(not_asked.sum()),
        })
    return pd.DataFrame(rows).set_index("vraag") if rows else pd.DataFrame()


def _n(count, one: str, many: str) -> str:
    return f"{format_count(count)} {one if count == 1 else many}"  # 1 organisatie, 3 organisaties


def data_quality_notes(data: ReportData) -> list[str]:
    """Plain-Dutch sentences on what was read, rejected and how old the interviews are (no sentence about nothing)."""
    kaart, frame, naam = data.kaart, data.organisaties, escape(data.gemeente.naam)
    notes = []
    if len(kaart.files):
        totals = kaart.files[["read", "loaded", "rejected"]].sum()
        notes.append(f"Ingelezen: {_n(len(kaart.files), 'interviewbestand', 'interviewbestanden')} met "
                     f"{_n(totals['read'], 'rij', 'rijen')}; {format_count(totals['loaded'])} geladen"
                     + (f" en {format_count(totals['rejected'])} afgewezen" if totals["rejected"] else "")
                     + " (alle gemeenten samen).")
    own_rejects = len(rejects_table(data))
    if own_rejects:
        notes.append(f"In de interviews van {naam} {'is' if own_rejects == 1 else 'zijn'} "
                     f"{_n(own_rejects, 'rij', 'rijen')} afgewezen; die tellen niet mee. Welke en waarom staat in de "
                     "[verantwoording](verantwoording.html).")
    notes.append(f"Organisaties in {naam}: {len(frame)}.")
    if not frame.empty and "datum_interview" in frame:
        dates = frame["datum_interview"].dropna()
        if len(dates):
            unknown = len(frame) - len(dates)
            notes.append(f"De interviews zijn gehouden tussen {format_date(min(dates))} en {format_date(max(dates))}"
                         + (f"; bij {_n(unknown, 'organisatie', 'organisaties')} is de datum onbekend." if unknown else "."))
    notes += report_cbs_section.cbs_quality_notes(data)
    notes.append("Onbekende antwoorden tellen als onbekend, nooit als nul; schattingen (zoals 'ca. 40' of '30-50') "
                 "zijn gemarkeerd en het midden van een bereik wordt gebruikt.")
    return notes


def rejects_table(data: ReportData) -> pd.DataFrame:
    """Rejected rows of the interview files that hold this gemeente's organisations (for the verantwoording)."""
    files = set(data.organisaties["bron_bestand"]) if not data.organisaties.empty else set()
    rejects = data.kaart.rejects
    rejects = rejects[rejects["file"].isin(files)]
    # no values: a rejected row may name an organisation that gave no consent
    columns = {"file": "bestand", "sheet": "blad", "row": "rij", "column": "kolom", "reason": "reden"}
    return rejects[list(columns)].rename(columns=columns).reset_index(drop=True)


def summary_points(data: ReportData, comparison) -> list[str]:
    """Five to eight sentences with what matters, generated from the figures and the kaart."""
    points = report_cbs_section.cbs_summary_points(data)
    if len(data.organisaties):
        points += comparison.summary_points(data.drempel)
    else:
        points.append(f"Er zijn (nog) geen interviews met organisaties in {escape(data.gemeente.naam)}.")
    if data.synthetic:  # always said, also when the other points are many
        return points[:7] + ["Dit rapport is gemaakt met synthetische demonstratiegegevens."]
    return points[:8]


def pilot_points(pilot, drempel: int = DEFAULT_THRESHOLD) -> list[str]:
    """The pilot in a few sentences: reached, activated, placed and kept, with a hidden count said in words.

    :func:`~buitenbeeld.publish.pilot_tables.summary_points`, but a step whose count is hidden (``x``) is
    said apart instead of as "x bleven daar", and ``<10`` reads "minder dan 10".
    """
    from buitenbeeld.analysis.journeys import count_funnel
    from buitenbeeld.publish.pilot_tables import show_funnel
    from buitenbeeld.publish.pilot_tables import summary_points as pilot_summary

    points = pilot_summary(pilot, drempel)
    if not points:
        return []
    shown = show_funnel(count_funnel(pilot.contacten), drempel).set_index("stap")["jongeren"]
    words = {"geactiveerd": "werden geactiveerd", "geplaatst": "werden geplaatst (op school, werk of stage)",
             "behouden": "zaten daar bij een latere controle nog"}
    said = [f"{shown[step]} {text}" for step, text in words.items() if step in shown and shown[step] not in ("x", MISSING)]
    first = (f"Van {pilot.period} bereikten de jongerenscouts {shown['bereikt']} jongeren"
             + (f"; daarvan {', '.join(said[:-1]) + ' en ' if len(said) > 1 else ''}{said[-1]}." if said else "."))
    hidden = [step for step in words if step in shown and shown[step] == "x"]
    if hidden:
        first += (f" Hoeveel jongeren {' en '.join(hidden)} zijn, staat er niet: uit dat getal en de andere zou "
                  "een heel klein aantal af te leiden zijn.")
    less = re.compile(r"(?:^|(?<=\s))<(\d+)")
    return [less.sub(lambda m: ("Minder" if m.start() == 0 else "minder") + f" dan {m.group(1)}", point)
            for point in [first, *points[1:]]]


#: The mimetype under which the report notebook hands its tables, key figures and verantwoording
#: to :mod:`buitenbeeld.publish.render`, which writes them. No exporter shows it, and render
#: removes it before the HTML export.
OUTPUT_MIMETYPE = "application/vnd.buitenbeeld.uitvoer+json"
#: The page beside ``rapport.html`` with how the report was made (:func:`verantwoording`).
VERANTWOORDING_FILE = "verantwoording.html"
def published_tables(data: ReportData, comparison) -> dict[str, pd.DataFrame]:
    """The tables a report publishes beside its HTML (``tabellen/<name>.csv`` and a sheet of ``tabellen.xlsx``).

    The ones it shows, with its Dutch headers; numbers as numbers (the profiles with the
    low and high value their estimates allow), and the CBS figures with CBS's symbols.
    """
    tables = {"organisaties_per_type": count_by_type(data.organisaties).rename("organisaties").to_frame(),
              "organisaties_per_wijk": wijk_type_table(data.organisaties)}
    if len(comparison.profiles):
        profiles = comparison.profiles.round(1)
        values = {f"{role}{end}": profiles[f"{role}{key}"] for role in ("bereiken", "activeren", "plaatsen", "behouden")
                  for key, end in (("", ""), ("_min", " laag"), ("_max", " hoog"))}
        tables["profielen"] = pd.DataFrame({"organisatie": comparison.names.astype(str),
                                            "type": comparison.organisaties["type"], **values})
        tables.update(posities=comparison.band_table(), roladvies=comparison.advice_table(),
                      wensen=comparison.wishes_table())
    if data.youth is not None and data.youth_row is not None:
        year = data.youth.peiljaar or data.peiljaar
        tables[f"cbs_{year}" if year else "cbs_maatwerk"] = report_cbs.youth_figures_values(data)
    tables.update(report_changes.changes_tables(data, comparison.config))  # empty with one interview round
    return {name: table_frame(frame) for name, frame in tables.items()}


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


def _json_table(frame: pd.DataFrame) -> dict:
    flat = table_frame(frame)
    return {"kolommen": list(flat.columns),
            "rijen": [[_json_value(v) for v in row] for row in flat.itertuples(index=False, name=None)]}


def accountability(data: ReportData, config, parameters: dict, generated: str) -> dict[str, pd.DataFrame | str]:
    """The technical account: sources with their files, scoring version, parameters, input hashes, package versions."""
    from importlib.metadata import version

    from buitenbeeld.common.files import hash_file
    from buitenbeeld.settings import VERSION as __version__

    pilot = pilot_evaluation(data)
    pilot_names = set(pilot.contacten["bron_bestand"]) if pilot is not None else set()
    files = [(p, "interviews") for p in data.kaart_sources] + \
        ([(data.youth.path, "CBS-cijfers")] if data.youth is not None else []) + \
        [(p, "pilot") for p in data.pilot_files if p.name in pilot_names]
    inputs = pd.DataFrame([{"bestand": p.name, "soort": kind, "controlegetal (sha256)": hash_file(p)}
                           for p, kind in files if p.exists()])
    packages = pd.DataFrame([{"pakket": name, "versie": version(name)}
                             for name in ("pandas", "numpy", "babel", "papermill", "nbconvert", "openpyxl")]
                            + [{"pakket": "buitenbeeld", "versie": __version__}])
    return {
        "bronnen": pd.DataFrame([
            *([("Jongeren buiten beeld met en zonder bekende reden", f"{data.youth.title} ({data.youth.path.name})")]
              if data.youth is not None else []),
            *(("Jongeren buiten beeld per jaar", text) for text in report_cbs.series_sources(data)),
            ("Sociale kaart", f"interviews ({', '.join(p.name for p in data.kaart_sources) or 'geen'})"),
            ("Gemeentecodes en -namen", "CBS, gemeentelijke indeling 2013 en 2026 (CC BY 4.0)"),
            *([("Pilot jongerenscouts", f"pilotregistratie ({', '.join(sorted(pilot_names))}), gepseudonimiseerd; "
                "opmerkingen worden nooit gelezen voor een rapport")] if pilot_names else []),
        ], columns=["bron", "toelichting"]),
        "scoring": f"{config.path.name}, versie {config.versie}",
        "parameters": pd.DataFrame([{"parameter": k, "waarde": Path(v).name if isinstance(v, str) and "/" in v else str(v)}
                                    for k, v in parameters.items()]),
        "invoer": inputs,
        "pakketten": packages,
        "gegenereerd": generated,
    }


def howto_notes(data: ReportData, maps: ReportMaps | None = None) -> list[dict]:
    """For the maker of the report: how to add what it lacks, and where to read more (``tekst``, ``opdracht``)."""
    notes = report_cbs_section.cbs_howto(data) + (maps.howto if maps is not None else [])
    if data.organisaties.empty:
        notes.append({"tekst": "Er zijn geen interviews voor deze gemeente. Maak een leeg invulbestand en zet de "
                               "ingevulde bestanden onder raw/ in de datamap:",
                      "opdracht": "buitenbeeld template interviews kaart.xlsx"})
    if data.aanpak is not None and data.aanpak.gemeenten.empty:
        notes.append({"tekst": "Er is geen aanpak (de vijf stappen) voor deze gemeente. Maak een leeg invulbestand en "
                               "zet het ingevuld onder raw/ in de datamap:",
                      "opdracht": "buitenbeeld template aanpak aanpak.xlsx"})
    if pilot_evaluation(data) is None:
        notes.append({"tekst": "Er is geen pilot met jongerenscouts voor deze gemeente. Zet de registratie van de pilot "
                               "(tabbladen scouts en contacten) onder raw/ in de datamap.", "opdracht": ""})
    else:
        notes.append({"tekst": "Meer over de pilot (behoud na 3, 6 en 12 maanden, terugval, de scouts): het notebook "
                               "pilot_evaluatie, met de parameter pilot.", "opdracht": ""})
    if len(data.organisaties):
        notes.append({"tekst": "De plaats van elke organisatie per rol, met de rangen en hun marges, staat in het "
                               "notebook organisaties_vergelijken (voor onderzoek; niet voor publicatie).", "opdracht": ""})
    return notes


def verantwoording(data: ReportData, config, parameters: dict, generated: str, maps: ReportMaps | None = None) -> dict:
    """What ``verantwoording.html`` shows (JSON values): the account of :func:`accountability`, rejected rows, how-to."""
    account = accountability(data, config, parameters, generated)
    tables = {"Bronnen": account["bronnen"], "Invoerbestanden": account["invoer"],
              "Instellingen": account["parameters"], "Pakketten": account["pakketten"],
              "Afgewezen rijen in de interviews": rejects_table(data)}
    return {"gemeente": data.gemeente.naam, "code": data.gemeente.code, "gegenereerd": generated,
            "synthetisch": bool(data.synthetic), "scoring": account["scoring"], "drempel": int(data.drempel),
            "tabellen": [{"titel": title, **_json_table(frame)} for title, frame in tables.items() if len(frame)],
            "aanwijzingen": howto_notes(data, maps)}


#: The sources every report draws on besides its data, credited in its Bronnen (Markdown).
CREDITS = (
    "*Handreiking jongeren buiten beeld*: de handreiking voor gemeenten over samenwerken met informele organisaties, "
    "met de vijf stappen, de typen organisaties, de vier rollen en de jongerenscouts.",
    "De Impacttool Sociale Kaart (ISK) van IZI Solutions en Movisie: de sociale kaart uit interviews en het idee van "
    "een profiel per rol. De formule van de ISK is niet openbaar; dit rapport rekent met een eigen, openbare "
    "rekenwijze (zie de bijlage).",
    "De pilots met jongerenscouts van het Samenwerkingsverband Marokkaanse Nederlanders (SMN) en de stichting "
    "Inspraakorgaan Turken in Nederland (IOT), in 2017 met Den Haag, Venlo en Leeuwarden.",
)


def accountability_markdown(data: ReportData, config, generated: str) -> str:
    """The report's last section in plain Dutch: how it was made, its sources, and the link to the verantwoording."""
    import datetime as dt

    made = format_date(dt.date.fromisoformat(generated[:10]))
    pilot = pilot_evaluation(data)
    sources = [f"Interviews met {_n(len(data.organisaties), 'organisatie', 'organisaties')} in "
               f"{escape(data.gemeente.naam)} voor de sociale kaart."] if len(data.organisaties) else []
    sources += report_cbs_section.cbs_sources(data) + list(CREDITS[:1] if pilot is None else [
        f"De registratie van de pilot met jongerenscouts in {escape(pilot.label)}.", CREDITS[0]]) + list(CREDITS[1:])
    text = (f"Dit rapport is gemaakt op {made} met de werkbank buitenbeeld. Aantallen jongeren onder {data.drempel} "
            f"staan als <{data.drempel}, zodat niemand te herkennen is. Contactgegevens van organisaties en gegevens "
            "van jongeren staan nooit in dit rapport. Organisaties die geen toestemming gaven, staan er onder een "
            "neutrale naam in (zoals 'Organisatie A'). Hoe de profielen worden berekend (rekenwijze versie "
            f"{escape(config.versie)}), staat in de bijlage. Welke bestanden, instellingen en programma's zijn gebruikt, "
            "en hoe ontbrekende gegevens erbij komen, staat in de [verantwoording](verantwoording.html) naast dit "
            "rapport.")
    if data.synthetic:
        text += (" **De gegevens zijn SYNTHETISCH**: verzonnen om de werkbank te laten zien; alleen de landelijke "
                 "CBS-totalen zijn echt.")
    return text + "\n\n**Bronnen**\n\n" + "\n".join(f"- {source}" for source in sources)


def report_outputs(data: ReportData, comparison, config, generated: str, parameters: dict | None = None,
                   maps: ReportMaps | None = None) -> dict:
    """What :mod:`~buitenbeeld.publish.render` writes beside the report, as one JSON bundle.

    ``tabellen``: per :func:`published_tables` name, ``kolommen`` and ``rijen`` (JSON
    values), for the Dutch CSV and the workbook. ``kerncijfers``: the text of
    ``kerncijfers.json`` (:func:`key_figures`), as text because a notebook file sorts the
    keys of JSON objects and the file keeps their order. ``verantwoording``: :func:`verantwoording`.
    """
    tables = {name: _json_table(frame) for name, frame in published_tables(data, comparison).items()}
    figures = json.dumps(key_figures(data, comparison, config, generated), indent=2, ensure_ascii=False)
    return {"tabellen": tables, "kerncijfers": figures,
            "verantwoording": verantwoording(data, config, parameters or {}, generated, maps)}


def show_outputs(data: ReportData, comparison, config, generated: str, parameters: dict | None = None,
                 maps: ReportMaps | None = None) -> None:
    """Hand :func:`report_outputs` to the renderer: displayed under :data:`OUTPUT_MIMETYPE` only."""
    from IPython.display import display  # only in a notebook

    display({OUTPUT_MIMETYPE: report_outputs(data, comparison, config, generated, parameters, maps)}, raw=True)
