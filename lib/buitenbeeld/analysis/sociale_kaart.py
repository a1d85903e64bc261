"""Summaries of the sociale kaart: organisations by type and wijk, how they are shown.

Works on the ``organisaties`` table of :mod:`buitenbeeld.ingest.interviews`; reads no
personal columns.
"""
from __future__ import annotations

import pandas as pd

from buitenbeeld.common.formatting import format_letters
from buitenbeeld.common.vocabulary import ORGANISATION_TYPES

__all__ = ["NO_WIJK", "display_names", "count_by_type", "count_by_wijk", "wijk_type_table"]

#: Label for organisations whose wijk was not recorded.
NO_WIJK = "(wijk onbekend)"


def display_names(organisaties: pd.DataFrame) -> pd.Series:
    """The name a report may show per organisation.

    Organisations without ``toestemming_publicatie`` get a neutral label,
    ``Organisatie A (interesse/hobby)``, lettered in the order of the table.
    """
    labels, letter = [], 0
    for row in organisaties.itertuples():
        if bool(row.toestemming_publicatie):
            labels.append(row.naam)
        else:
            labels.append(f"Organisatie {format_letters(letter)} ({row.type})")
            letter += 1
    return pd.Series(labels, index=organisaties.index, name="weergavenaam")


def count_by_type(organisaties: pd.DataFrame) -> pd.Series:
    """Number of organisations per type, all six types in their fixed order (zeros kept)."""
    counts = organisaties["type"].value_counts() if len(organisaties) else pd.Series(dtype=int)
    return counts.reindex(list(ORGANISATION_TYPES), fill_value=0).astype(int).rename("organisaties")


def _exploded_wijken(organisaties: pd.DataFrame) -> pd.DataFrame:
    frame = organisaties[["organisatie_id", "type", "wijk"]].copy()
    frame["wijk"] = frame["wijk"].map(lambda w: list(w) if isinstance(w, (list, tuple)) and w else [NO_WIJK])
    return frame.explode("wijk")


def count_by_wijk(organisaties: pd.DataFrame) -> pd.Series:
    """Number of organisations working in each wijk (an organisation in two wijken counts in both)."""
    if organisaties.empty:
        return pd.Series(dtype=int, name="organisaties")
    counts = _exploded_wijken(organisaties)["wijk"].value_counts()
    order = sorted(counts.index, key=lambda w: (w == NO_WIJK, -counts[w], w))
    return counts.reindex(order).astype(int).rename("organisaties")


def wijk_type_table(organisaties: pd.DataFrame) -> pd.DataFrame:
    """Organisations per wijk (rows) and type (columns, all six), with zeros."""
    if organisaties.empty:
        return pd.DataFrame(columns=list(ORGANISATION_TYPES), dtype=int)
    frame = _exploded_wijken(organisaties)
    table = pd.crosstab(frame["wijk"], frame["type"])
    table = table.reindex(columns=list(ORGANISATION_TYPES), fill_value=0)
    return table.reindex(count_by_wijk(organisaties).index)
