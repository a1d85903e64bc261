"""What the gemeente report shows, assembled from the data folder.

The notebook ``gemeente_rapport.ipynb`` stays thin: it calls
:func:`load_report_data` once and shows the tables and figures built here.
Nothing here reads the personal columns.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .cbs import YouthTable, select_youth_table
from .disclosure import DEFAULT_THRESHOLD, is_suppressed, show_count
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
    "comparable_gemeenten",
    "summary_points",
    "accountability",
    "key_figures",
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
    interview_files: list = field(default_factory=list)
    drempel: int = DEFAULT_THRESHOLD

    @property
    def synthetic(self) -> bool:
        """True when any input of the report is synthetic demo data."""
        return self.kaart.synthetic or self.youth.synthetic

    @property
    def kaart_sources(self) -> list:
        """The interview files that hold this gemeente's organisations."""
        names = set(self.organisaties["bron_bestand"]) if len(self.organisaties) else set()
        return [p for p in self.interview_files if p.name in names or
                any(str(p).endswith(n) for n in names)]

    @property
    def youth_source(self) -> str:
        """A short source line for the youth figures."""
        return f"{self.youth.title} ({self.youth.path.name})"


def load_report_data(gemeente: str, peiljaar: int, data_dir: str | Path | None = None,
                     drempel: int = DEFAULT_THRESHOLD) -> ReportData:
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
    return ReportData(resolved, peiljaar, kaart, organisaties, youth, youth_row, list(build.inputs.interviews), drempel)


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


def _share(row: dict | None, threshold: int | None = None) -> float | None:
    """Share buiten beeld; None when unknown, or when the count is suppressed (the share would give it away)."""
    if not row or not row.get("jongeren_15_27") or row.get("buiten_beeld") is None:
        return None
    if threshold is not None and (is_suppressed(row["buiten_beeld"], threshold) or
                                  is_suppressed(row["jongeren_15_27"], threshold)):
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
        rows.append({"": label, data.gemeente.naam: show_count(own, data.drempel),
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
    # no values: a rejected row may name an organisation that gave no consent
    columns = {"file": "bestand", "sheet": "blad", "row": "rij", "column": "kolom", "reason": "reden"}
    return rejects[list(columns)].rename(columns=columns).reset_index(drop=True)


def comparable_gemeenten(data: ReportData, count: int = 10) -> pd.DataFrame:
    """The gemeenten closest in number of young people (15-27), with their share buiten beeld.

    Comparable by size only; the own gemeente is included (``eigen`` True). Shares
    of gemeenten with a suppressed or unknown figure are left out.
    """
    table = data.youth.gemeenten.dropna(subset=["jongeren_15_27", "buiten_beeld"])
    table = table[(table["jongeren_15_27"] > 0) & (table["buiten_beeld"] >= data.drempel)]  # no small counts
    if data.youth_row is None or table.empty or shares(data)[0] is None:
        return pd.DataFrame(columns=["gemeentenaam", "jongeren_15_27", "aandeel", "eigen"])
    own = data.youth_row["jongeren_15_27"]
    distance = (np.log(table["jongeren_15_27"]) - np.log(own)).abs()
    nearest = table.loc[distance.sort_values(kind="stable").index[: count + 1]]
    return pd.DataFrame({
        "gemeentenaam": nearest["gemeentenaam"],
        "jongeren_15_27": nearest["jongeren_15_27"],
        "aandeel": nearest["buiten_beeld"] / nearest["jongeren_15_27"],
        "eigen": nearest["gemeentecode"] == data.gemeente.code,
    }).sort_values("aandeel", ascending=False).reset_index(drop=True)


def summary_points(data: ReportData, comparison) -> list[str]:
    """Five to eight sentences with what matters, generated from the figures and the kaart."""
    from .compare import reach_gap_summary, uncovered_wijken

    points = []
    own, national = shares(data)
    if own is not None and national is not None:
        direction = "hoger dan" if own > national else "lager dan" if own < national else "gelijk aan"
        points.append(f"In {data.gemeente.naam} was op 1 oktober {data.youth.peiljaar or data.peiljaar} "
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
                      f"de meeste zijn {types.index[0]} ({types.iloc[0]}).")
        fits = comparison.advice["passende_rollen"] if len(comparison.advice) else pd.Series(dtype=object)
        for role in ("bereiken", "plaatsen"):
            count = int(fits.map(lambda roles, r=role: r in roles).sum())
            points.append(f"Voor {role} passen {count} organisaties.")
        gaps = uncovered_wijken(comparison.coverage) if len(comparison.coverage) else {}
        missing = sorted({w for wijken in gaps.values() for w in wijken})
        if missing:
            points.append(f"In {len(missing)} wijk(en) is geen organisatie in beeld die past voor bereiken of "
                          f"plaatsen: {', '.join(missing[:5])}{' en meer' if len(missing) > 5 else ''}.")
        conflicts = int((comparison.advice["conflict_toelichting"] != "").sum()) if len(comparison.advice) else 0
        if conflicts:
            points.append(f"Bij {conflicts} organisatie(s) lopen de plannen van de gemeente en het roladvies uiteen.")
        gap = reach_gap_summary(comparison.gap)
        if gap["organisaties"]:
            points.append(f"Bij {format_share(gap['te_hoog'], 0)} van de {gap['organisaties']} organisaties met beide "
                          "getallen schatte de gemeente vooraf meer jongeren buiten beeld dan het interview liet zien.")
    else:
        points.append(f"Er zijn (nog) geen interviews met organisaties in {data.gemeente.naam}.")
    if data.synthetic:
        points.append("Dit rapport is gemaakt met synthetische demonstratiegegevens.")
    return points[:8]


def accountability(data: ReportData, config, parameters: dict, generated: str) -> dict[str, pd.DataFrame | str]:
    """The Verantwoording: sources, scoring version, parameters, input hashes, package versions, time."""
    from importlib.metadata import version

    from . import __version__
    from .sources import hash_file

    files = [(p, "interviews") for p in data.kaart_sources] + [(data.youth.path, "CBS-cijfers")]
    inputs = pd.DataFrame([{"bestand": p.name, "soort": kind, "sha256": hash_file(p)} for p, kind in files if p.exists()])
    packages = pd.DataFrame([{"pakket": name, "versie": version(name)}
                             for name in ("pandas", "numpy", "babel", "papermill", "nbconvert")]
                            + [{"pakket": "buitenbeeld", "versie": __version__}])
    return {
        "bronnen": pd.DataFrame([
            {"bron": "Jongeren buiten beeld", "toelichting": f"{data.youth.title} ({data.youth.path.name})"},
            {"bron": "Sociale kaart", "toelichting": f"interviews met organisaties ({len(data.kaart_sources)} bestand(en))"},
            {"bron": "Gemeentecodes en -namen", "toelichting": "CBS, gemeentelijke indeling 2013 en 2026 (CC BY 4.0)"},
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
