"""The pilot evaluation of the notebook ``pilot_evaluatie`` and the gemeente report: which pilot, which period.

:mod:`buitenbeeld.analysis.journeys` computes; this module chooses the pilot and the
period (an :class:`Evaluation`); :mod:`buitenbeeld.publish.pilot_tables` turns the
results into tables and sentences that are safe to show (every count of young
people through the disclosure rules, scouts only together, never one by one).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from buitenbeeld.common.formatting import format_date
from buitenbeeld.errors import MissingDataError, UnknownGemeenteError
from buitenbeeld.ingest.pilot import PilotResult
from buitenbeeld.reference.gemeenten import resolve_gemeente

__all__ = ["GROUP", "Evaluation", "select_pilots", "load_evaluation"]

#: The column pilots are put side by side and split by.
GROUP = "gemeentenaam"


@dataclass
class Evaluation:
    """The steps and scouts of the chosen pilot(s) in the chosen period."""

    label: str
    contacten: pd.DataFrame
    scouts: pd.DataFrame
    synthetic: bool
    van: dt.date | None = None
    tot: dt.date | None = None
    organisaties: pd.DataFrame | None = None  # the sociale kaart, for the names of organisations

    @property
    def empty(self) -> bool:
        return self.contacten.empty

    @property
    def period(self) -> str:
        """The period in Dutch, from the parameters or else from the data."""
        dates = self.contacten["datum"].dropna()
        start = self.van or (dates.min().date() if len(dates) else None)
        end = self.tot or (dates.max().date() if len(dates) else None)
        return f"{format_date(start)} tot en met {format_date(end)}" if start and end else "onbekend"

    @property
    def source(self) -> str:
        """The source line for tables and figures."""
        files = sorted(set(self.contacten["bron_bestand"])) if "bron_bestand" in self.contacten else []
        return f"pilotregistratie {self.label} ({', '.join(files)})"


def _date(text: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(str(text))
    except ValueError as error:
        raise ValueError(f"'{text}' is geen datum; schrijf jjjj-mm-dd, bijvoorbeeld 2017-03-01") from error


def select_pilots(pilots: PilotResult, pilot: str = "", van: str = "", tot: str = "") -> Evaluation:
    """The pilot named ``pilot`` (its file name, or its gemeente by name, code or common name), or all pilots.

    ``van`` and ``tot`` (``jjjj-mm-dd``, inclusive) keep only the steps in that
    period; empty means from the first or up to the last step.

    Raises
    ------
    MissingDataError
        When no pilot matches (the message lists the pilots that are there), or
        the period holds no steps.
    """
    contacten, scouts = pilots.contacten, pilots.scouts
    label = "alle pilots"
    if pilot:
        by_label = contacten["pilot"].str.casefold() == pilot.strip().casefold()
        if by_label.any():
            keep, label = by_label, pilot.strip()
            codes = set(contacten.loc[by_label, "gemeentecode"])
        else:
            try:
                gemeente = resolve_gemeente(pilot)
            except UnknownGemeenteError:
                gemeente = None
            codes = {gemeente.code} if gemeente else set()
            keep = contacten["gemeentecode"].isin(codes)
            label = gemeente.naam if gemeente else pilot
        if not keep.any():
            present = ", ".join(sorted(set(contacten["gemeentenaam"].dropna()) | set(contacten["pilot"]))) or "geen"
            raise MissingDataError(f"Geen pilotgegevens voor '{pilot}'. Aanwezig: {present}. Zet de pilotbestanden "
                                   "onder raw/ en lees in met `buitenbeeld inlezen`.")
        contacten = contacten[keep]
        scouts = scouts[scouts["gemeentecode"].isin(codes)]
    start, end = _date(van), _date(tot)
    if start:
        contacten = contacten[contacten["datum"].dt.date >= start]
    if end:
        contacten = contacten[contacten["datum"].dt.date <= end]
    if (start or end) and contacten.empty:
        raise MissingDataError(f"Geen stappen van jongeren in {label} tussen {van or 'het begin'} en {tot or 'het eind'}: "
                               "kies een andere periode (van, tot) of laat die leeg.")
    return Evaluation(label, contacten.reset_index(drop=True), scouts.reset_index(drop=True), pilots.synthetic,
                      start, end)


def load_evaluation(data_dir: str | Path | None = None, pilot: str = "", van: str = "", tot: str = "") -> Evaluation:
    """Read the processed pilot tables of ``data_dir`` (rebuilt first when ``raw/`` changed) and select."""
    from buitenbeeld.ingest.pipeline import build_processed

    build = build_processed(data_dir)
    evaluation = select_pilots(build.pilots, pilot, van, tot)
    evaluation.organisaties = build.result.organisaties
    return evaluation
