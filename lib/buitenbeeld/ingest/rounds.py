"""Interview rounds: the sociale kaart of one gemeente over time.

A gemeente interviews its organisations again after a year or two; each time is a
round (``ronde``). A round comes from the ``ronde`` column when the interviews have
one (text kept as written: ``1``, ``2``, ``2024-1``; ordered naturally, so ``2`` comes
before ``10``), otherwise from the interview dates per gemeente: a date more than
:data:`ROUND_GAP_DAYS` after the previous date starts a new round. Rows without a
date take the round of their file's dated rows (the latest when the file spans
rounds), or the latest round of the gemeente when their file has no dates. Dates the
validation flags (in the future, before 2010) count as no date: a typo in a year
must not make a round of its own.

Every row gets ``ronde`` (text), ``ronde_nr`` (1 = the first round of its gemeente)
and ``ronde_label`` (Dutch, e.g. ``ronde 1 (jan-mrt 2024)``). The current kaart is
each gemeente's latest round (:func:`split_rounds`); the earlier rounds are kept
apart for comparisons over time.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pandas as pd

from buitenbeeld.common.formatting import is_missing
from buitenbeeld.ingest.validation import EARLIEST_INTERVIEW

__all__ = ["ROUND_GAP_DAYS", "ROUND_COLUMNS", "parse_round", "round_key", "assign_rounds",
           "split_rounds", "round_label"]

#: Interviews more than this many days after the previous one (same gemeente) start a new round.
ROUND_GAP_DAYS = 183
#: The columns :func:`assign_rounds` adds.
ROUND_COLUMNS = ("ronde", "ronde_nr", "ronde_label")
_MONTHS = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")


def parse_round(raw: Any) -> str | None:
    """The round as written, spaces tidied: ``2`` for a cell holding 2, 2.0 or the text ``2.0``; None when empty."""
    if is_missing(raw) or isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)) and float(raw).is_integer():
        return str(int(raw))
    text = " ".join(str(raw).split())
    whole = re.fullmatch(r"(\d+)[.,]0+", text)
    return (whole[1] if whole else text) or None


def round_key(value: str) -> tuple:
    """Natural order of round values: ``2`` before ``10``, ``2024-1`` before ``2024-2`` before ``2025-1``."""
    parts = re.split(r"(\d+)", str(value).strip().lower())
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts if p)


def _usable_date(value: Any) -> dt.date | None:
    if not isinstance(value, dt.date):
        return None
    day = value.date() if isinstance(value, dt.datetime) else value
    return day if EARLIEST_INTERVIEW <= day <= dt.date.today() else None


def _span(dates: list[dt.date]) -> str:
    """``jan-mrt 2024``, ``mrt 2024``, ``nov 2024-feb 2025``; empty without dates."""
    if not dates:
        return ""
    first, last = min(dates), max(dates)
    if (first.year, first.month) == (last.year, last.month):
        return f"{_MONTHS[first.month - 1]} {first.year}"
    if first.year == last.year:
        return f"{_MONTHS[first.month - 1]}-{_MONTHS[last.month - 1]} {first.year}"
    return f"{_MONTHS[first.month - 1]} {first.year}-{_MONTHS[last.month - 1]} {last.year}"


def round_label(value: str, dates: list[dt.date]) -> str:
    """The Dutch label of a round: ``ronde 2 (mrt-jun 2024)``; a value that already says ``ronde`` keeps its words."""
    name = value if str(value).lower().startswith("ronde") else f"ronde {value}"
    span = _span(dates)
    return f"{name} ({span})" if span else name


def _date_rounds(dates: list[dt.date]) -> dict[dt.date, int]:
    """Each distinct date -> its round number (1-based): a gap of more than ROUND_GAP_DAYS starts the next."""
    rounds, number, previous = {}, 0, None
    for day in sorted(set(dates)):
        if previous is None or (day - previous).days > ROUND_GAP_DAYS:
            number += 1
        rounds[day], previous = number, day
    return rounds


def _gemeente_rounds(group: pd.DataFrame) -> pd.Series:
    """The round value (text) of each row of one gemeente."""
    given = group["ronde"] if "ronde" in group else pd.Series(None, index=group.index, dtype=object)
    given = given.map(parse_round)
    if given.notna().any():
        assigned = given.copy()
        latest = max(given.dropna(), key=round_key)
    else:
        dates = group["datum_interview"].map(_usable_date) if "datum_interview" in group else \
            pd.Series(None, index=group.index, dtype=object)
        numbers = _date_rounds([d for d in dates if d is not None])
        assigned = dates.map(lambda d: None if d is None else str(numbers[d]))
        latest = str(max(numbers.values())) if numbers else "1"
    for _, rows in group.groupby("bron_bestand", sort=False):
        missing = rows.index[assigned[rows.index].isna()]
        if len(missing):
            own = assigned[rows.index].dropna()
            assigned[missing] = max(own, key=round_key) if len(own) else latest
    return assigned


def assign_rounds(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (the typed organisations, with ``gemeentecode`` and ``bron_bestand``) with the round columns.

    ``ronde``, ``ronde_nr`` and ``ronde_label``: see the module. A frame without
    rows gets the columns too.
    """
    frame = frame.copy()
    if frame.empty:
        for column in ROUND_COLUMNS:
            frame[column] = pd.Series(dtype="Int64" if column == "ronde_nr" else object)
        return frame
    values = pd.Series(None, index=frame.index, dtype=object)
    for _, group in frame.groupby("gemeentecode", sort=False):
        values[group.index] = _gemeente_rounds(group)
    frame["ronde"] = values
    numbers = pd.Series(0, index=frame.index, dtype="int64")
    labels = pd.Series("", index=frame.index, dtype=object)
    for _, group in frame.groupby("gemeentecode", sort=False):
        order = sorted(set(group["ronde"]), key=round_key)
        for number, value in enumerate(order, start=1):
            rows = group.index[group["ronde"] == value]
            dates = [d for d in frame.loc[rows, "datum_interview"].map(_usable_date) if d is not None] \
                if "datum_interview" in frame else []
            numbers[rows] = number
            labels[rows] = round_label(value, dates)
    frame["ronde_nr"] = numbers.astype("Int64")
    frame["ronde_label"] = labels
    return frame


def split_rounds(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The current kaart (each gemeente's latest round) and the earlier rounds, each with a fresh index."""
    if frame.empty or "ronde_nr" not in frame:
        return frame, frame.iloc[0:0].copy()
    latest = frame.groupby("gemeentecode")["ronde_nr"].transform("max")
    current = frame["ronde_nr"] == latest
    return frame[current].reset_index(drop=True), frame[~current].reset_index(drop=True)
