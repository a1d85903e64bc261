"""Gemeenten through time: figures in the 2013 layout converted to the 2026 layout.

The crosswalk (package data ``data/crosswalk_2013_2026.csv``, built from the
CBS boundary files by ``scripts/build_crosswalk.py``) maps every 2013 gemeente
to one or more 2026 gemeenten with a share (``aandeel``) and a kind
(``soort``): ``ongewijzigd`` and ``samengevoegd`` are exact (share 1);
``gesplitst-naar-oppervlakte`` divides a gemeente that was split by area of
overlap, so counts that use it are estimates.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from typing import Collection, Iterable

import pandas as pd

from buitenbeeld.common.vocabulary import CBS_SYMBOLS
from buitenbeeld.errors import UnknownGemeenteError
from buitenbeeld.reference.gemeenten import resolve_gemeente
from buitenbeeld.settings import resource

__all__ = [
    "UNCHANGED",
    "MERGED",
    "SPLIT",
    "Link",
    "load_crosswalk",
    "predecessors",
    "successors",
    "convert_to_2026",
]

UNCHANGED = "ongewijzigd"
MERGED = "samengevoegd"
SPLIT = "gesplitst-naar-oppervlakte"

_COLUMNS = ["code_2013", "naam_2013", "code_2026", "naam_2026", "aandeel", "soort", "toelichting"]


@dataclass(frozen=True)
class Link:
    """One line of the crosswalk: ``aandeel`` of 2013 gemeente ``code_2013`` lies in ``code_2026``."""

    code_2013: str
    naam_2013: str
    code_2026: str
    naam_2026: str
    aandeel: float
    soort: str
    toelichting: str

    @property
    def exact(self) -> bool:
        """True unless the share is an estimate by area (a split gemeente)."""
        return self.soort != SPLIT


@lru_cache(maxsize=1)
def _links() -> tuple[Link, ...]:
    text = resource("data/crosswalk_2013_2026.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return tuple(Link(**{**row, "aandeel": float(row["aandeel"])}) for row in rows)


def _links_of(gemeente: str, year: int) -> list[Link]:
    code = resolve_gemeente(gemeente, year).code
    return [link for link in _links() if (link.code_2013 if year == 2013 else link.code_2026) == code]


def load_crosswalk() -> pd.DataFrame:
    """Return the crosswalk 2013 -> 2026 as a table with columns
    ``code_2013, naam_2013, code_2026, naam_2026, aandeel, soort, toelichting``.
    """
    return pd.DataFrame([vars(link) for link in _links()], columns=_COLUMNS)


def predecessors(gemeente: str) -> list[Link]:
    """Return the 2013 gemeenten that make up 2026 gemeente ``gemeente`` (name or code), by 2013 code.

    Gooise Meren gives Bussum, Muiden and Naarden, each with share 1; Vught gives
    Vught (share 1) and part of Haaren (share < 1, ``exact`` False).

    Raises
    ------
    UnknownGemeenteError
        When ``gemeente`` is not a 2026 gemeente.
    """
    return _links_of(gemeente, 2026)


def successors(gemeente: str) -> list[Link]:
    """Return the 2026 gemeenten that 2013 gemeente ``gemeente`` (name or code) went into, by 2026 code.

    Raises
    ------
    UnknownGemeenteError
        When ``gemeente`` is not a 2013 gemeente.
    """
    return _links_of(gemeente, 2013)


def _symbol_text(symbol: str | None) -> str:
    return f"'{symbol}' ({CBS_SYMBOLS[symbol]})" if symbol in CBS_SYMBOLS else "geen waarde"


def _combine(parts: list[tuple[Link, float, str | None]]) -> tuple[float, str | None, str | None]:
    """Value, CBS symbol and reason of one 2026 figure from its (link, value, symbol) parts."""
    missing = [(link, symbol) for link, value, symbol in parts if pd.isna(value)]
    if missing:
        symbol = "x" if all(s == "x" for _, s in missing) else "."
        reason = "; ".join(f"{link.naam_2013} ({link.code_2013}): {_symbol_text(s)}" for link, s in missing)
        return float("nan"), symbol, f"onbekend voor een deel van de gemeente: {reason}"
    value = sum(link.aandeel * float(v) for link, v, _ in parts)
    nil = all(s == "-" for _, _, s in parts)
    return value, ("-" if nil else None), None


def _absent_text(absent: list[Link], rejected: Collection[str]) -> str:
    """Why parts are missing, in Dutch: "niet in de tabel: ..." and/or "rij afgekeurd: ..."."""
    groups = [("niet in de tabel", [link for link in absent if link.code_2013 not in rejected]),
              ("rij afgekeurd", [link for link in absent if link.code_2013 in rejected])]
    return "; ".join(f"{label}: " + ", ".join(f"{link.naam_2013} ({link.code_2013})" for link in links)
                     for label, links in groups if links)


def _convert(rows: dict[str, pd.Series], value_columns: list[str], rejected: Collection[str] = ()) -> list[dict]:
    """One record per 2026 gemeente from ``rows`` (2013 code -> row); ``rejected``: codes whose row was rejected."""
    links = _links()
    records = []
    for target in sorted({link.code_2026 for link in links if link.code_2013 in rows}):
        parts = [link for link in links if link.code_2026 == target]
        absent = [link for link in parts if link.code_2013 not in rows]
        record = {"gemeentecode": target, "gemeentenaam": parts[0].naam_2026}
        for column in value_columns:
            symbol_column = f"{column}_symbool"
            if absent:
                record[column], record[symbol_column] = float("nan"), "."
                record[f"{column}_toelichting"] = _absent_text(absent, rejected)
                continue
            found = [(link, rows[link.code_2013][column], rows[link.code_2013].get(symbol_column)) for link in parts]
            found = [(link, value, None if pd.isna(symbol) else str(symbol)) for link, value, symbol in found]
            record[column], record[symbol_column], record[f"{column}_toelichting"] = _combine(found)
        record["geschat"] = any(not link.exact for link in parts)
        record["voorgangers"] = ", ".join(link.code_2013 for link in parts)
        records.append(record)
    return records


def convert_to_2026(table: pd.DataFrame, value_columns: Iterable[str], code_column: str = "gemeentecode",
                    by: Iterable[str] = (), rejected: Iterable[str] = ()) -> pd.DataFrame:
    """Convert counts per 2013 gemeente into counts per 2026 gemeente.

    Each 2026 gemeente gets the sum over its 2013 parts of ``aandeel`` x count.
    Only counts (not rates or percentages) can be converted this way. A part that
    is missing (NaN, or absent from ``table``) makes the result missing; the CBS
    symbol (``x`` when every missing part is secret, else ``.``) and a reason (in
    Dutch, for reports) say why. ``<column>_symbool`` columns in ``table`` (as
    :mod:`buitenbeeld.ingest.cbs` and :mod:`buitenbeeld.ingest.statline` make them) are read
    for the reasons.

    Parameters
    ----------
    table : DataFrame
        One row per 2013 gemeente (per group of ``by``), keyed by ``code_column`` (2013 codes).
    value_columns : iterable of str
        The count columns to convert.
    by : iterable of str
        Further key columns, e.g. ``["jaar"]``: each group is converted on its own.
    rejected : iterable of str
        2013 codes whose row was in the source table but rejected (e.g.
        :attr:`buitenbeeld.ingest.cbs.YouthTable.rejected_gemeenten`): a missing part
        among them is explained as "rij afgekeurd: Muiden (GM0424)" instead of
        "niet in de tabel: ...". A code here that also has a row in ``table`` is
        used as that row.

    Returns
    -------
    DataFrame
        Per group and 2026 gemeente that at least one row of ``table`` contributes to:
        the ``by`` columns, ``gemeentecode``, ``gemeentenaam``, per column ``<c>``,
        ``<c>_symbool``, ``<c>_toelichting``, then ``geschat`` (True when a split
        gemeente was shared out by area) and ``voorgangers`` (the 2013 codes).

    Raises
    ------
    UnknownGemeenteError
        When a code is not a 2013 gemeente code.
    ValueError
        When a 2013 code occurs twice (in one group).
    """
    value_columns, by = list(value_columns), list(by)
    rejected = {str(code).strip().upper() for code in rejected}
    known = {link.code_2013 for link in _links()}
    table = table.assign(**{code_column: table[code_column].astype(str).str.strip().str.upper()})
    for code in table[code_column]:
        if code not in known:
            raise UnknownGemeenteError(code, 2013, detail=(
                f"{code} is geen gemeentecode van 2013: convert_to_2026 zet alleen tabellen in de indeling van 2013 om."))
    doubles = table.duplicated(by + [code_column])
    if doubles.any():
        raise ValueError(f"gemeente codes occur more than once: {sorted(set(table.loc[doubles, code_column]))}")
    records = []
    for key, group in (table.groupby(by, sort=True) if by else [((), table)]):
        rows = dict(zip(group[code_column], (row for _, row in group.iterrows())))
        for record in _convert(rows, value_columns, rejected):
            records.append({**dict(zip(by, key)), **record})
    columns = (by + ["gemeentecode", "gemeentenaam"]
               + [f"{c}{suffix}" for c in value_columns for suffix in ("", "_symbool", "_toelichting")]
               + ["geschat", "voorgangers"])
    return pd.DataFrame(records, columns=columns)
