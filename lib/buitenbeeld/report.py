"""What the gemeente report shows, assembled from the data folder.

The notebook ``gemeente_rapport.ipynb`` stays thin: it calls
:func:`load_report_data` once and shows the tables and figures built here.
Nothing here reads the personal columns.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .cbs import YouthTable, select_youth_table
from .disclosure import show_count
from .errors import MissingDataError
from .formatting import format_count, format_date, format_share
from .gemeenten import Gemeente, resolve_gemeente
from .ingest import build_processed, read_processed
from .interviews import COLUMN_ABSENT, NUMBER_COLUMNS, IngestResult
from .settings import data_paths

__all__ = [
    "SYNTHETIC_BANNER",
    "ReportData",
    "load_report_data",
    "header_markdown",
    "shares",
    "rejects_table",
    "youth_figures_table",
    "data_quality_table",
    "data_quality_notes",
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

    @property
    def synthetic(self) -> bool:
        """True when any input of the report is synthetic demo data."""
        return self.kaart.synthetic or self.youth.synthetic

    @property
    def youth_source(self) -> str:
        """A short source line for the youth figures."""
        return f"{self.youth.title} ({self.youth.path.name})"


def load_report_data(gemeente: str, peiljaar: int, data_dir: str | Path | None = None) -> ReportData:
    """Resolve the gemeente and read its organisations and CBS youth figures.

    The organisations come from the processed tables, which are rebuilt first
    when the raw files changed (see :mod:`buitenbeeld.ingest`).

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
    if not build.inputs.youth_tables:
        raise MissingDataError(
            f"No CBS youth-figures table under {paths.raw}. Put the CBS table (xlsx) there, "
            "or run 'buitenbeeld demo' to write the synthetic demo data."
        )
    youth = select_youth_table(build.inputs.youth_tables, peiljaar)
    kaart = build.result
    organisaties = kaart.organisaties
    if not organisaties.empty:
        organisaties = organisaties[organisaties["gemeentecode"] == resolved.code].reset_index(drop=True)
    rows = youth.gemeenten[youth.gemeenten["gemeentecode"] == resolved.code] if len(youth.gemeenten) else []
    youth_row = rows.iloc[0].to_dict() if len(rows) else None
    return ReportData(resolved, peiljaar, kaart, organisaties, youth, youth_row)


def header_markdown(data: ReportData) -> str:
    """The report's title block: the CBS name and code, the peiljaar, and the synthetic banner."""
    lines = [
        f"# Jongeren buiten beeld en de sociale kaart: {data.gemeente.naam}",
        f"CBS-gemeentecode **{data.gemeente.code}** (gemeentelijke indeling {data.gemeente.jaar}) · "
        f"peiljaar CBS-cijfers **{data.peiljaar}** · {len(data.organisaties)} organisaties in de sociale kaart",
    ]
    if data.synthetic:
        lines.append(f'<div class="bb-banner">\n\n{SYNTHETIC_BANNER}\n\n</div>')
    return "\n\n".join(lines)


def _share(row: dict | None) -> float | None:
    if not row or not row.get("jongeren_15_27") or row.get("buiten_beeld") is None:
        return None
    value = row["buiten_beeld"] / row["jongeren_15_27"]
    return None if value != value else value


def youth_figures_table(data: ReportData) -> pd.DataFrame:
    """The gemeente's youth figures beside the national ones, formatted for display."""
    national = data.youth.nederland
    rows = []
    for label, key in [("Jongeren 15 tot 27 jaar", "jongeren_15_27"),
                       ("Jongeren buiten beeld", "buiten_beeld"),
                       ("waarvan zonder bekende reden", "zonder_bekende_reden")]:
        own = (data.youth_row or {}).get(key)
        rows.append({"": label, data.gemeente.naam: show_count(own), "Nederland": format_count(national.get(key))})
    rows.append({"": "Aandeel buiten beeld", data.gemeente.naam: format_share(_share(data.youth_row)),
                 "Nederland": format_share(_share(national))})
    return pd.DataFrame(rows).set_index("")


def shares(data: ReportData) -> tuple[float | None, float | None]:
    """The gemeente's and the national share of young people buiten beeld."""
    return _share(data.youth_row), _share(data.youth.nederland)


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
            f"In de interviewbestanden van {data.gemeente.naam} zijn {len(own_rejects)} rij(en) afgewezen; "
            "ze staan met bestand, rij, kolom en reden onderaan en tellen niet mee."
        )
    notes.append(f"Organisaties in {data.gemeente.naam}: {len(frame)}.")
    if not frame.empty and "datum_interview" in frame:
        dates = frame["datum_interview"].dropna()
        if len(dates):
            notes.append(
                f"Interviews gehouden tussen {format_date(min(dates))} en {format_date(max(dates))}; "
                f"bij {len(frame) - len(dates)} organisatie(s) is de datum onbekend."
            )
    if data.youth_row is None:
        notes.append(
            f"De CBS-tabel ({data.youth.path.name}) heeft geen cijfers voor {data.gemeente} "
            f"in de indeling van het peiljaar {data.peiljaar}."
        )
    notes.append("Onbekende antwoorden tellen als onbekend, nooit als nul; schattingen (zoals 'ca. 40' of '30-50') "
                 "zijn gemarkeerd en het midden van een bereik wordt gebruikt.")
    return notes


def rejects_table(data: ReportData) -> pd.DataFrame:
    """Rejected rows of the interview files that hold this gemeente's organisations."""
    files = set(data.organisaties["bron_bestand"]) if not data.organisaties.empty else set()
    rejects = data.kaart.rejects
    rejects = rejects[rejects["file"].isin(files)]
    columns = {"file": "bestand", "sheet": "blad", "row": "rij", "column": "kolom", "value": "waarde", "reason": "reden"}
    return rejects[list(columns)].rename(columns=columns).reset_index(drop=True)
