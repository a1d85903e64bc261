"""Journeys of young people in a pilot, and what a pilot evaluation shows of them.

A *journey* is the steps of one young person ordered by date (within a day in
the order of :data:`~buitenbeeld.ingest.pilot.STAPPEN`, so the order of the input rows
never matters). All figures are counts of distinct young people, built from the
``contacten`` table of :func:`buitenbeeld.ingest.pilot.read_pilot`.

Rules
-----
Groups
    ``by`` names the columns to group on (``"gemeentecode"``, ``"pilot"``,
    ``"scout_id"``, ``"organisatie_id"``, any column). A young person's journey
    in a group is built from *the rows of that group*: a step counts for the
    gemeente (scout, organisation) whose row records it. So a young person with
    rows in two gemeenten counts in each gemeente's funnel, and once in the
    total (``by=None``), whose journey is built from all rows. Rows with an
    empty group value form the group :data:`UNKNOWN`.
Funnel
    bereikt -> geactiveerd -> geplaatst -> behouden. A stage counts when it
    was reached at any time, and a later stage implies the earlier ones
    (behouden implies geplaatst implies geactiveerd implies bereikt; every row,
    also ``teruggevallen`` or ``gestopt``, implies bereikt). So each stage is a
    subset of the one before and conversions are never above 100%.
Dates
    ``datum_<stap>`` is the first date of an explicit row of that step (empty
    when the stage is only implied); times between steps use these explicit
    dates only, and only when the later step is not before the earlier one.
Relapse and re-engagement
    *teruggevallen*: at least one ``teruggevallen`` row. *heractiveerd*: a
    ``geactiveerd`` or ``geplaatst`` row dated after the first
    ``teruggevallen`` row.
Retention
    For the first placement (date P) and a horizon of 3, 6 or 12 months:
    *uitgevallen* when a ``teruggevallen`` row lies after P and on or before
    P + horizon; else *behouden* when a ``behouden`` row is dated on or after
    P + horizon - 14 days (follow-ups happen around the planned date);
    otherwise *onbekend*. A young person whose horizon lies after the data's end
    date (the last ``datum`` in the data, or ``einddatum``) is *nog niet* and
    is left out of the denominator altogether, whatever is known already (so
    early relapses do not weigh more than later successes). The rate is
    behouden / (behouden + uitgevallen); *onbekend* is reported next to it.
    ``gestopt`` after a placement is not read as a relapse.
Warm handover
    Per young person: ja when any row says ja, else nee when any row says
    nee, else onbekend. Compared among activated young people, the placement
    rates are an *association*, never an effect
    (:data:`buitenbeeld.publish.pilot_tables.WARM_HANDOVER_NOTE`).

This module only computes. Every count of young people that a report shows goes
through the ``show_*`` functions of :mod:`buitenbeeld.publish.pilot_tables`,
which use :mod:`buitenbeeld.privacy.disclosure`.
"""
from __future__ import annotations

import itertools
import math
from typing import Sequence

import numpy as np
import pandas as pd

from buitenbeeld.common.formatting import is_missing
from buitenbeeld.common.vocabulary import APPRECIATION, FUNNEL, LEEFGEBIEDEN, PLAATSING_SOORTEN, PROFILE_CRITERIA, STAPPEN

__all__ = [
    "UNKNOWN", "HORIZONS", "GRACE_DAYS", "Z_95", "PERIODS",
    "wilson_interval", "add_rate_columns", "each_group", "with_keys",
    "build_journeys", "count_funnel", "measure_durations", "measure_retention",
    "count_relapses", "count_placements", "count_leefgebieden", "count_per_month", "compare_warm_handover",
    "summarise_scouts", "compare_pilots",
]

#: Group label of rows without a value in the grouping column.
UNKNOWN = "onbekend"
#: Follow-up horizons after a placement, in months.
HORIZONS = (3, 6, 12)
#: A follow-up this many days before the horizon still counts for it.
GRACE_DAYS = 14
#: z for a two-sided 95% interval.
Z_95 = 1.959964
#: Pairs of steps whose time between is measured.
_DURATIONS = (("bereikt", "geactiveerd"), ("geactiveerd", "geplaatst"), ("bereikt", "geplaatst"))
_RANK = {stap: rank for rank, stap in enumerate(STAPPEN)}
#: The columns of :func:`build_journeys` after the keys.
_JOURNEY_COLUMNS = ("stappen", "aantal_stappen", "eerste_datum", "laatste_datum", *(f"datum_{s}" for s in STAPPEN),
                    *FUNNEL, "teruggevallen", "heractiveerd", "gestopt", "plaatsing_soort", "warme_overdracht",
                    "leefgebieden", *(f"behouden_{m}m" for m in HORIZONS))


# --------------------------------------------------------------------------- intervals


def wilson_interval(successes: float, n: float, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval of a proportion ``successes / n``.

    Returns ``(nan, nan)`` when ``n`` is 0 (or missing). ``5/10`` gives
    ``(0.2366, 0.7634)``, ``0/10`` gives ``(0, 0.2775)``.
    """
    if is_missing(n) or is_missing(successes) or n <= 0:
        return math.nan, math.nan
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def add_rate_columns(frame: pd.DataFrame, name: str, successes: str, n: str) -> pd.DataFrame:
    """Add ``name`` (share), ``name_laag`` and ``name_hoog`` (Wilson 95%) to ``frame``."""
    pairs = [wilson_interval(s, d) for s, d in zip(frame[successes], frame[n])]
    total = frame[n].astype(float)
    frame[name] = np.where(total > 0, frame[successes].astype(float) / total.where(total > 0, 1), np.nan)
    frame[f"{name}_laag"] = [low for low, _ in pairs]
    frame[f"{name}_hoog"] = [high for _, high in pairs]
    return frame


# --------------------------------------------------------------------------- journeys


def _keys(by: str | Sequence[str] | None) -> list[str]:
    return [] if by is None else [by] if isinstance(by, str) else list(by)


def _sorted_rows(contacten: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    frame = contacten.copy()
    for column in by:
        frame[column] = frame[column].astype(object).where(frame[column].notna() & (frame[column] != ""), UNKNOWN)
    frame["datum"] = pd.to_datetime(frame["datum"])
    frame["_rank"] = frame["stap"].map(_RANK)
    soort = frame["plaatsing_soort"] if "plaatsing_soort" in frame else pd.Series("", index=frame.index)
    frame["_soort"] = soort.fillna("").astype(str)
    # every column in the key, so that shuffled input sorts to the same order
    return frame.sort_values([*by, "jongere_id", "datum", "_rank", "_soort"], kind="stable")


def _retention(steps: list[str], dates: list[pd.Timestamp], placed: pd.Timestamp | None,
               end: pd.Timestamp, months: int) -> str | None:
    if placed is None:
        return None
    horizon = placed + pd.DateOffset(months=months)
    if horizon > end:
        return "nog niet"
    relapses = [d for s, d in zip(steps, dates) if s == "teruggevallen" and d > placed]
    first_relapse = min(relapses) if relapses else None
    if first_relapse is not None and first_relapse <= horizon:
        return "uitgevallen"
    kept = [d for s, d in zip(steps, dates)
            if s == "behouden" and d >= horizon - pd.Timedelta(days=GRACE_DAYS) and d > placed]
    return "behouden" if kept else "onbekend"


def _known(value) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value)) and value is not pd.NA \
        and value is not pd.NaT


def _journey(rows: list[dict], end: pd.Timestamp) -> dict:
    """One young person's journey from their rows (dicts, in order)."""
    steps = [row["stap"] for row in rows]
    dates = [row["datum"] for row in rows]
    record: dict = {"stappen": tuple(steps), "aantal_stappen": len(steps),
                    "eerste_datum": dates[0], "laatste_datum": dates[-1]}
    for stap in STAPPEN:
        record[f"datum_{stap}"] = next((d for s, d in zip(steps, dates) if s == stap), pd.NaT)
    present = set(steps)
    for position, stage in enumerate(FUNNEL):
        record[stage] = position == 0 or bool(present & set(FUNNEL[position:]))
    record["teruggevallen"] = "teruggevallen" in present
    relapse = record["datum_teruggevallen"]
    record["heractiveerd"] = record["teruggevallen"] and any(
        s in ("geactiveerd", "geplaatst") and d > relapse for s, d in zip(steps, dates))
    record["gestopt"] = "gestopt" in present
    kinds = [row.get("plaatsing_soort") for row in rows if row["stap"] == "geplaatst"]
    record["plaatsing_soort"] = next((k for k in kinds if _known(k)), None)
    handover = [bool(row["warme_overdracht"]) for row in rows if _known(row.get("warme_overdracht"))]
    record["warme_overdracht"] = "ja" if any(handover) else "nee" if handover else UNKNOWN
    domains = set()
    for row in rows:
        value = row.get("leefgebieden")
        if isinstance(value, (tuple, list, np.ndarray)):
            domains.update(value)
    record["leefgebieden"] = tuple(d for d in LEEFGEBIEDEN if d in domains)
    placed = record["datum_geplaatst"]
    for months in HORIZONS:
        record[f"behouden_{months}m"] = _retention(steps, dates, None if pd.isna(placed) else placed, end, months)
    return record


def _ends(contacten: pd.DataFrame, einddatum) -> dict | pd.Timestamp:
    """The end of the data for the retention windows: ``einddatum``, or per pilot its own last date.

    Pilots stop at different times; a pilot that ended early would otherwise have
    its late placements counted as "onbekend" against another pilot's end.
    """
    if einddatum is not None:
        return pd.Timestamp(einddatum)
    dates = pd.to_datetime(contacten["datum"])
    if "pilot" in contacten:
        return dates.groupby(contacten["pilot"]).max().to_dict()
    return dates.max()


def build_journeys(contacten: pd.DataFrame, by: str | Sequence[str] | None = None, einddatum=None) -> pd.DataFrame:
    """One row per young person (per group when ``by`` is given): their ordered steps and what they reached.

    Parameters
    ----------
    contacten : pandas.DataFrame
        The contacten table (``jongere_id``, ``datum``, ``stap`` and the optional
        columns of :class:`buitenbeeld.ingest.pilot.PilotResult`).
    by : str or list of str, optional
        Group columns; a journey is built from the group's own rows (see the
        module docstring).
    einddatum : date, optional
        The data's end date for the retention windows (default: per pilot, the
        last ``datum`` of that pilot; without a ``pilot`` column, the last
        ``datum`` in ``contacten``).

    Returns
    -------
    pandas.DataFrame
        The ``by`` columns, ``jongere_id``, ``stappen`` (tuple, in order),
        ``aantal_stappen``, ``eerste_datum``, ``laatste_datum``,
        ``datum_<stap>`` for every step (first explicit date), the funnel flags
        ``bereikt`` .. ``behouden`` (with implication), ``teruggevallen``,
        ``heractiveerd``, ``gestopt``, ``plaatsing_soort`` (of the first
        placement), ``warme_overdracht`` (ja/nee/onbekend), ``leefgebieden``
        (tuple) and ``behouden_3m``/``_6m``/``_12m`` (behouden, uitgevallen,
        onbekend, nog niet, or None when not placed). Sorted by the keys.
    """
    keys = _keys(by)
    columns = [*keys, "jongere_id"]
    if contacten.empty:
        return pd.DataFrame(columns=[*columns, *_JOURNEY_COLUMNS])
    ends = _ends(contacten, einddatum)
    frame = _sorted_rows(contacten, keys)
    records = []
    # plain dicts, grouped in order: a pandas group per young person costs a millisecond each
    for key, group in itertools.groupby(frame.to_dict("records"), key=lambda row: tuple(row[c] for c in columns)):
        rows = list(group)
        end = max(ends[row["pilot"]] for row in rows) if isinstance(ends, dict) else ends
        records.append({**dict(zip(columns, key)), **_journey(rows, end)})
    return pd.DataFrame(records)


def each_group(journeys: pd.DataFrame, keys: list[str]):
    """``groupby`` over the keys, or the whole table as one group when there are none (no group when empty)."""
    return journeys.groupby(keys, sort=True) if keys else [((), journeys)] if len(journeys) else []


def with_keys(keys: list[str], key, record: dict) -> dict:
    """``record`` with the group's key columns in front (``key`` as :func:`each_group` gives it)."""
    key = key if isinstance(key, tuple) else (key,)
    return {**dict(zip(keys, key)), **record}


# --------------------------------------------------------------------------- funnel and times


def count_funnel(contacten: pd.DataFrame, by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """The funnel per group: young people per stage, conversions with Wilson 95% intervals.

    Returns
    -------
    pandas.DataFrame
        One row per group and stage (in :data:`~buitenbeeld.ingest.pilot.FUNNEL`
        order): the ``by`` columns, ``stap``, ``jongeren`` (distinct young
        people who reached the stage), ``vorige`` (those of the previous stage;
        missing for bereikt), ``van_vorige`` with ``van_vorige_laag``/``_hoog``,
        and ``van_bereikt`` with ``van_bereikt_laag``/``_hoog``.
    """
    keys = _keys(by)
    journeys = build_journeys(contacten, keys)
    records = []
    for key, group in each_group(journeys, keys):
        counts = [int(group[stage].sum()) for stage in FUNNEL]
        for position, stage in enumerate(FUNNEL):
            records.append(with_keys(keys, key, {
                "stap": stage, "jongeren": counts[position],
                "vorige": counts[position - 1] if position else pd.NA, "bereikt": counts[0]}))
    frame = pd.DataFrame(records, columns=[*keys, "stap", "jongeren", "vorige", "bereikt"])
    frame["vorige"] = frame["vorige"].astype("Int64")
    frame = add_rate_columns(frame, "van_vorige", "jongeren", "vorige")
    frame = add_rate_columns(frame, "van_bereikt", "jongeren", "bereikt")
    return frame.drop(columns="bereikt")


def measure_durations(contacten: pd.DataFrame, by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Days between steps per group: ``n``, ``mediaan``, ``q1``, ``q3`` for each pair of steps.

    Only young people with explicit rows of both steps, the later not before
    the earlier, count. Columns: the ``by`` columns, ``van``, ``naar``, ``n``,
    ``mediaan``, ``q1``, ``q3`` (days; missing when ``n`` is 0).
    """
    keys = _keys(by)
    journeys = build_journeys(contacten, keys)
    records = []
    for key, group in each_group(journeys, keys):
        for start, stop in _DURATIONS:
            days = (group[f"datum_{stop}"] - group[f"datum_{start}"]).dt.days.dropna()
            days = days[days >= 0]
            quartiles = days.quantile([.25, .5, .75]) if len(days) else pd.Series([np.nan] * 3, index=[.25, .5, .75])
            records.append(with_keys(keys, key, {"van": start, "naar": stop, "n": len(days),
                                                  "mediaan": quartiles[.5], "q1": quartiles[.25], "q3": quartiles[.75]}))
    return pd.DataFrame(records, columns=[*keys, "van", "naar", "n", "mediaan", "q1", "q3"])


def measure_retention(contacten: pd.DataFrame, by: str | Sequence[str] | None = None, einddatum=None) -> pd.DataFrame:
    """Retention 3, 6 and 12 months after the first placement, per group (rules in the module docstring).

    Columns: the ``by`` columns, ``maanden``, ``geplaatst``, ``nog_niet`` (window
    not passed: outside the denominator), ``venster_voorbij``, ``behouden``,
    ``uitgevallen``, ``onbekend``, ``noemer`` (behouden + uitgevallen),
    ``aandeel_behouden`` with ``aandeel_behouden_laag``/``_hoog``.
    """
    keys = _keys(by)
    journeys = build_journeys(contacten, keys, einddatum)
    records = []
    for key, group in each_group(journeys, keys):
        for months in HORIZONS:
            status = group[f"behouden_{months}m"].dropna()
            counts = status.value_counts()
            count = lambda label, counts=counts: int(counts.get(label, 0))  # noqa: E731
            records.append(with_keys(keys, key, {
                "maanden": months, "geplaatst": len(status), "nog_niet": count("nog niet"),
                "venster_voorbij": len(status) - count("nog niet"), "behouden": count("behouden"),
                "uitgevallen": count("uitgevallen"), "onbekend": count("onbekend"),
                "noemer": count("behouden") + count("uitgevallen")}))
    frame = pd.DataFrame(records, columns=[*keys, "maanden", "geplaatst", "nog_niet", "venster_voorbij", "behouden",
                                           "uitgevallen", "onbekend", "noemer"])
    return add_rate_columns(frame, "aandeel_behouden", "behouden", "noemer")


def count_relapses(contacten: pd.DataFrame, by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Relapse and re-engagement per group.

    Columns: the ``by`` columns, ``jongeren``, ``geplaatst``, ``teruggevallen``,
    ``heractiveerd`` (of those who fell back) and ``aandeel_heractiveerd``
    (heractiveerd / teruggevallen) with its Wilson interval.
    """
    keys = _keys(by)
    journeys = build_journeys(contacten, keys)
    records = [with_keys(keys, key, {"jongeren": len(group), "geplaatst": int(group["geplaatst"].sum()),
                                      "teruggevallen": int(group["teruggevallen"].sum()),
                                      "heractiveerd": int(group["heractiveerd"].sum())})
               for key, group in each_group(journeys, keys)]
    frame = pd.DataFrame(records, columns=[*keys, "jongeren", "geplaatst", "teruggevallen", "heractiveerd"])
    return add_rate_columns(frame, "aandeel_heractiveerd", "heractiveerd", "teruggevallen")


def count_placements(contacten: pd.DataFrame, by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Placed young people per kind of their first placement: the ``by`` columns, opleiding, werk, stage, totaal.

    ``totaal`` equals the funnel's geplaatst, so the table can be suppressed
    with ``total_column="totaal"``.
    """
    keys = _keys(by)
    journeys = build_journeys(contacten, keys)
    records = []
    for key, group in each_group(journeys, keys):
        kinds = group.loc[group["geplaatst"], "plaatsing_soort"].value_counts()
        records.append(with_keys(keys, key, {**{k: int(kinds.get(k, 0)) for k in PLAATSING_SOORTEN},
                                              "totaal": int(group["geplaatst"].sum())}))
    return pd.DataFrame(records, columns=[*keys, *PLAATSING_SOORTEN, "totaal"])


def count_leefgebieden(contacten: pd.DataFrame, by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Young people per ZRM domain worked on (any row), per group, in ZRM order; domains overlap."""
    keys = _keys(by)
    journeys = build_journeys(contacten, keys)
    records = []
    for key, group in each_group(journeys, keys):
        for domain in LEEFGEBIEDEN:
            jongeren = int(group["leefgebieden"].map(lambda d, domain=domain: domain in d).sum())
            records.append(with_keys(keys, key, {"leefgebied": domain, "jongeren": jongeren}))
    return pd.DataFrame(records, columns=[*keys, "leefgebied", "jongeren"])


#: The periods :func:`count_per_month` can also count by: pandas frequency and label of a period.
PERIODS = {"kwartaal": ("Q", lambda p: f"{p.year} K{p.quarter}"), "maand": ("M", lambda p: f"{p.year}-{p.month:02d}")}


def count_per_month(contacten: pd.DataFrame, by: str | Sequence[str] | None = None,
                    eenheid: str = "maand") -> pd.DataFrame:
    """Per group and calendar month (or ``eenheid="kwartaal"``): ``nieuw_bereikt`` and ``geplaatst``.

    ``nieuw_bereikt`` counts young people in the period of their first row;
    ``geplaatst`` the young people with a ``geplaatst`` row in the period (each
    once; a placement in a later period counts there too). Every period from the
    first to the last date of the data is present, with zeros; the period
    column is named after ``eenheid`` and reads ``YYYY-MM`` or ``YYYY Kn``.
    """
    if eenheid not in PERIODS:
        raise ValueError(f"eenheid '{eenheid}': kies {' of '.join(PERIODS)}")
    freq, label = PERIODS[eenheid]
    keys = _keys(by)
    journeys = build_journeys(contacten, keys)
    rows = _sorted_rows(contacten, keys)
    periods = pd.period_range(rows["datum"].min(), rows["datum"].max(), freq=freq) if len(rows) else []
    placed = rows[rows["stap"] == "geplaatst"].assign(_periode=lambda f: f["datum"].dt.to_period(freq))
    records = []
    for key, group in each_group(journeys, keys):
        new = group["eerste_datum"].dt.to_period(freq).value_counts()
        mask = np.ones(len(placed), dtype=bool)
        for column, value in zip(keys, key if isinstance(key, tuple) else (key,)):
            mask &= (placed[column] == value).to_numpy()
        per_period = placed[mask].groupby("_periode")["jongere_id"].nunique()
        for period in periods:
            records.append(with_keys(keys, key, {eenheid: label(period), "nieuw_bereikt": int(new.get(period, 0)),
                                                  "geplaatst": int(per_period.get(period, 0))}))
    return pd.DataFrame(records, columns=[*keys, eenheid, "nieuw_bereikt", "geplaatst"])


def compare_warm_handover(contacten: pd.DataFrame, by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Placement rate among activated young people, by warm handover (ja / nee / onbekend).

    An association, not an effect: show
    :data:`buitenbeeld.publish.pilot_tables.WARM_HANDOVER_NOTE` with it.
    Columns: the ``by`` columns, ``warme_overdracht``, ``geactiveerd``,
    ``geplaatst``, ``aandeel_geplaatst`` with its Wilson interval.
    """
    keys = _keys(by)
    journeys = build_journeys(contacten, keys)
    records = []
    for key, group in each_group(journeys, keys):
        active = group[group["geactiveerd"]]
        for value in ("ja", "nee", UNKNOWN):
            part = active[active["warme_overdracht"] == value]
            records.append(with_keys(keys, key, {"warme_overdracht": value, "geactiveerd": len(part),
                                                  "geplaatst": int(part["geplaatst"].sum())}))
    frame = pd.DataFrame(records, columns=[*keys, "warme_overdracht", "geactiveerd", "geplaatst"])
    return add_rate_columns(frame, "aandeel_geplaatst", "geplaatst", "geactiveerd")


# --------------------------------------------------------------------------- scouts and pilots


def summarise_scouts(scouts: pd.DataFrame, contacten: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per scout: profile criteria met (0-5), training, appreciation, and what their young people reached.

    ``criteria`` counts the criteria answered ja (missing when none was
    answered). With ``contacten``, ``jongeren`` .. ``behouden`` are the funnel of
    the rows naming the scout (module docstring, Groups). Scouts are volunteers:
    show this per pilot (:func:`compare_pilots`), not scout by scout, in a report.
    """
    frame = scouts.copy()
    answered = frame[list(PROFILE_CRITERIA)].notna().any(axis=1)
    frame["criteria"] = frame[list(PROFILE_CRITERIA)].fillna(False).sum(axis=1).astype("Int64").where(answered)
    frame["waardering"] = frame[list(APPRECIATION)].fillna(False).sum(axis=1).astype(int)
    columns = ["scout_id", "pilot", "gemeentecode", "gemeentenaam", "organisatie_id", "criteria", *PROFILE_CRITERIA,
               "training_gedaan", *APPRECIATION, "waardering"]
    frame = frame[[c for c in columns if c in frame]]
    for column in ("jongeren", *FUNNEL[1:]):  # also when no young person is there yet
        frame[column] = 0
    if contacten is not None and len(contacten):
        frame = frame.drop(columns=["jongeren", *FUNNEL[1:]])
        # a scout code is unique within a pilot, not across pilots
        keys = ["pilot", "scout_id"] if "pilot" in frame and "pilot" in contacten else ["scout_id"]
        journeys = build_journeys(contacten, keys)
        reached = journeys.groupby(keys)[list(FUNNEL)].sum().rename(columns={"bereikt": "jongeren"})
        frame = frame.merge(reached.astype(int), how="left", left_on=keys, right_index=True)
        for column in reached.columns:
            frame[column] = frame[column].fillna(0).astype(int)
    return frame.reset_index(drop=True)


def compare_pilots(contacten: pd.DataFrame, scouts: pd.DataFrame | None = None, by: str = "pilot",
                   einddatum=None) -> pd.DataFrame:
    """One row per pilot (or gemeente: ``by="gemeentecode"``): the main figures side by side.

    Columns: ``by``, ``scouts``, ``scouts_alle_criteria``, ``scouts_getraind``,
    ``bereikt``, ``geactiveerd``, ``geplaatst``, ``behouden``,
    ``geplaatst_van_bereikt`` with its interval, ``teruggevallen``,
    ``heractiveerd``, ``behouden_6m`` (share, rules of
    :func:`measure_retention`), ``mediaan_dagen_tot_plaatsing``,
    ``warme_overdracht_ja`` (activated young people with a warm handover),
    ``eerste_datum``, ``laatste_datum``.
    """
    if contacten.empty:
        return pd.DataFrame(columns=[by, *FUNNEL])
    funnel = count_funnel(contacten, by).pivot(index=by, columns="stap", values="jongeren")[list(FUNNEL)]
    frame = funnel.reset_index()
    relapse = count_relapses(contacten, by).set_index(by)
    frame["teruggevallen"] = frame[by].map(relapse["teruggevallen"])
    frame["heractiveerd"] = frame[by].map(relapse["heractiveerd"])
    retention = measure_retention(contacten, by, einddatum)
    frame["behouden_6m"] = frame[by].map(retention[retention["maanden"] == 6].set_index(by)["aandeel_behouden"])
    durations = measure_durations(contacten, by)
    to_placement = durations[(durations["van"] == "bereikt") & (durations["naar"] == "geplaatst")].set_index(by)
    frame["mediaan_dagen_tot_plaatsing"] = frame[by].map(to_placement["mediaan"])
    handover = compare_warm_handover(contacten, by)
    frame["warme_overdracht_ja"] = frame[by].map(handover[handover["warme_overdracht"] == "ja"].set_index(by)["geactiveerd"])
    dates = _sorted_rows(contacten, [by]).groupby(by)["datum"]
    frame["eerste_datum"], frame["laatste_datum"] = frame[by].map(dates.min()), frame[by].map(dates.max())
    frame = add_rate_columns(frame, "geplaatst_van_bereikt", "geplaatst", "bereikt")
    if scouts is not None and len(scouts):
        summary = summarise_scouts(scouts)
        summary[by] = summary[by].fillna(UNKNOWN) if by in summary else UNKNOWN
        per = summary.groupby(by)
        frame.insert(1, "scouts", frame[by].map(per.size()).fillna(0).astype(int))
        complete = per["criteria"].apply(lambda c: int((c == len(PROFILE_CRITERIA)).sum()))
        trained = per["training_gedaan"].apply(lambda t: int(t.fillna(False).sum()))
        frame.insert(2, "scouts_alle_criteria", frame[by].map(complete).fillna(0).astype(int))
        frame.insert(3, "scouts_getraind", frame[by].map(trained).fillna(0).astype(int))
    frame.columns.name = None
    return frame
