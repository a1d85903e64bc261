"""One series of young people buiten beeld per gemeente, in today's gemeente layout, from cached StatLine tables.

Public contract (other modules build on these names):

``load_series(data_dir: str | Path | None = None) -> YouthSeries | None``
    Reads ONLY cached StatLine downloads (never the network), found anywhere
    under ``<data>/raw/`` (so ``data/raw/demo/cbs/`` counts); ``None`` when
    nothing is cached. Real downloads win: synthetic ones (the demo cache) are
    used only when no real one is there. Of two downloads of one table the
    newest is used.

``YouthSeries`` (dataclass)
    ``gemeenten``: one row per gemeente of :data:`~buitenbeeld.settings.CURRENT_GEMEENTE_YEAR`
    (2026) and year; ``nederland``: one row (``NL01``) per year; both with
    :data:`SERIES_COLUMNS`:

    - ``gemeentecode``, ``gemeentenaam`` (the 2026 CBS name), ``jaar`` (int),
    - ``jongeren_15_27``, ``buiten_beeld`` (float, NaN when unknown),
    - ``aandeel_buiten_beeld`` (a fraction), ``aandeel_laag`` and
      ``aandeel_hoog`` (the lowest and highest share the rounded counts allow;
      see :func:`~buitenbeeld.ingest.statline_derive.rounding_interval`),
    - ``voorlopig`` (bool: CBS marks the year provisional, ``2023*``),
    - ``bron`` (the table id the year comes from),
    - ``reeksbreuk`` (bool: True in the first year after a change of source
      table, and in 2018, when the UWV registration changed; never in the first year of the series),
    - ``geschat`` (bool: part of a split gemeente was shared out by area).

    ``sources``: one dict per table used, with ``tabel``, ``titel``,
    ``gedownload`` (ISO date), ``synthetisch`` (bool), ``jaren`` (``[first, last]``)
    and ``bestand`` (the sidecar). ``synthetic``: True when the series rests on
    synthetic (demo) downloads. ``problems``: RowProblems (Dutch reasons) for
    rows and gemeenten that could not be used.

How tables are joined: newest layout first (86223NED, 86087NED, 84455NED,
83969NED); each year comes from the newest table that knows "buiten beeld" in
that year, so 2018 and later come from 86223NED/86087NED and earlier years from
the older tables; years no cached table knows are left out. Each table's
gemeenten are mapped to 2026 (:func:`to_current_layout`): a code that exists in
2026 maps to itself, a 2013 code through the reference crosswalk
(:mod:`buitenbeeld.reference.crosswalk`): merged gemeenten are summed, split
ones shared out by area, marked ``geschat`` and rounded to hundreds again
(the parts were); any other code is a problem. A 2026 gemeente whose own code
is not in a table and of which only some 2013 parts are there is left out
(a problem), never shown as a fraction of itself. The rounding interval of a
sum allows half the rounding unit for each part (it does not cover the error of
the estimate by area). Problems are kept only for the tables the series uses.

Helpers for tests and notebooks: :data:`SERIES_COLUMNS`,
:func:`to_current_layout` (one table to the 2026 layout) and
:func:`combine_tables` (tables in the 2026 layout to one series).
"""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from buitenbeeld.errors import BuitenbeeldError, RowProblem
from buitenbeeld.ingest.statline import find_caches, read_cache
from buitenbeeld.ingest.statline_derive import (
    LAYOUT_YEARS,
    ROUNDING,
    SERIES_BREAK_YEAR,
    derive_buiten_beeld,
    round_to,
    rounding_interval,
)
from buitenbeeld.reference.crosswalk import SPLIT, load_crosswalk
from buitenbeeld.reference.gemeenten import list_gemeenten
from buitenbeeld.settings import CURRENT_GEMEENTE_YEAR, data_paths

__all__ = ["SERIES_COLUMNS", "YouthSeries", "load_series", "to_current_layout", "combine_tables"]

#: The columns of :attr:`YouthSeries.gemeenten` and :attr:`YouthSeries.nederland`.
SERIES_COLUMNS = ["gemeentecode", "gemeentenaam", "jaar", "jongeren_15_27", "buiten_beeld", "aandeel_buiten_beeld",
                  "aandeel_laag", "aandeel_hoog", "voorlopig", "bron", "reeksbreuk", "geschat"]
_COUNTS = ("jongeren_15_27", "buiten_beeld")


@dataclass
class YouthSeries:
    """Young people buiten beeld per gemeente (2026 layout) and year, joined from StatLine tables.

    See the module docstring for the columns of ``gemeenten`` and ``nederland``
    and the keys of ``sources``.
    """

    gemeenten: pd.DataFrame
    nederland: pd.DataFrame
    sources: list[dict[str, Any]]
    synthetic: bool
    problems: list[RowProblem] = field(default_factory=list)


def _routes() -> tuple[dict[str, str], dict[str, list[tuple[str, float, bool]]], dict[str, set[str]]]:
    """Code -> name (2026, else 2013); 2013 code -> [(2026 code, share, exact)]; 2026 code -> its 2013 parts."""
    current = list_gemeenten(CURRENT_GEMEENTE_YEAR)
    links = load_crosswalk()
    names = {**dict(zip(links["code_2013"], links["naam_2013"])),
             **dict(zip(current["gemeentecode"], current["gemeentenaam"]))}
    routes: dict[str, list[tuple[str, float, bool]]] = defaultdict(list)
    parts: dict[str, set[str]] = defaultdict(set)
    for link in links.itertuples(index=False):
        routes[link.code_2013].append((link.code_2026, float(link.aandeel), link.soort != SPLIT))
        parts[link.code_2026].add(link.code_2013)
    return names, dict(routes), dict(parts)


def _listed(codes: list[str], names: dict[str, str]) -> str:
    return ", ".join(f"{names.get(code, code)} ({code})" for code in codes)


def _sum(items: list[tuple[pd.Series, float]], column: str, estimated: bool) -> float:
    values = [row[column] for row, _ in items]
    if any(pd.isna(v) for v in values):
        return float("nan")
    total = sum(float(v) * share for v, (_, share) in zip(values, items))
    return float(round_to(total)) if estimated else total


def to_current_layout(gemeenten: pd.DataFrame, table_id: str) -> tuple[pd.DataFrame, list[RowProblem]]:
    """Map one table's gemeenten (its own layout) to the gemeenten of 2026.

    A code of 2026 maps to itself; a 2013 code through the crosswalk (merged:
    summed; split: shared out by area, ``geschat``, rounded to :data:`ROUNDING`).
    A 2026 gemeente whose own code is not in the table-year is made only when
    every 2013 part of it is there (else a problem: the figure would be a
    fraction of it). An unknown part makes the sum unknown.

    Parameters
    ----------
    gemeenten : DataFrame
        As :func:`~buitenbeeld.ingest.statline_derive.derive_buiten_beeld` returns it.
    table_id : str
        The table, for ``bron`` and the problems.

    Returns
    -------
    DataFrame
        :data:`SERIES_COLUMNS` without ``reeksbreuk``, sorted by code and year.
    list of RowProblem
        Codes that cannot be mapped, gemeenten that are incomplete (Dutch).
    """
    names, routes, parts = _routes()
    problems: list[RowProblem] = []
    paths: dict[str, list[tuple[str, float, bool]]] = {}
    current = set(list_gemeenten(CURRENT_GEMEENTE_YEAR)["gemeentecode"])
    for code, name in dict(zip(gemeenten["gemeentecode"], gemeenten["gemeentenaam"])).items():
        if code in current:
            paths[code] = [(code, 1.0, True)]
        elif code in routes:
            paths[code] = routes[code]
        else:
            problems.append(RowProblem(table_id, None, None, "gemeentecode", code,
                                       f"{name} ({code}) is geen gemeente van {CURRENT_GEMEENTE_YEAR} en staat niet in "
                                       "de omzettabel 2013-2026; deze gemeente is weggelaten", severity="warning"))
    records, incomplete = [], {}
    for year, group in gemeenten.groupby("jaar", sort=True):
        present = set(group["gemeentecode"])
        shares: dict[str, list[tuple[pd.Series, float]]] = defaultdict(list)
        exact: dict[str, bool] = defaultdict(lambda: True)
        for _, row in group.iterrows():
            for target, share, is_exact in paths.get(row["gemeentecode"], []):
                shares[target].append((row, share))
                exact[target] = exact[target] and is_exact
        for target, items in sorted(shares.items()):
            missing = sorted(parts.get(target, set()) - present)
            if target not in present and missing:
                incomplete.setdefault(target, (sorted({row["gemeentecode"] for row, _ in items}), missing))
                continue
            estimated = not exact[target]
            record = {"gemeentecode": target, "gemeentenaam": names[target], "jaar": int(year),
                      **{column: _sum(items, column, estimated) for column in _COUNTS},
                      "voorlopig": any(bool(row["voorlopig"]) for row, _ in items), "bron": table_id,
                      "geschat": estimated}
            record.update(_shares(record["buiten_beeld"], record["jongeren_15_27"], len(items)))
            records.append(record)
    for target, (found, missing) in sorted(incomplete.items()):
        problems.append(RowProblem(table_id, None, None, "gemeentecode", target,
                                   f"van {names[target]} ({target}) staat maar een deel in de tabel ({_listed(found, names)}"
                                   f"; ontbreekt: {_listed(missing, names)}); deze gemeente is weggelaten",
                                   severity="warning"))
    columns = [c for c in SERIES_COLUMNS if c != "reeksbreuk"]
    return pd.DataFrame(records, columns=columns), problems


def _shares(count: float, total: float, parts: int) -> dict[str, float | None]:
    low, high = rounding_interval(count, total, parts * ROUNDING / 2)
    share = count / total if not (pd.isna(count) or pd.isna(total)) and total else None
    return {"aandeel_buiten_beeld": share, "aandeel_laag": low, "aandeel_hoog": high}


def _national(nederland: pd.DataFrame, table_id: str) -> pd.DataFrame:
    frame = nederland.assign(bron=table_id, geschat=False, gemeentecode="NL01", gemeentenaam="Nederland")
    return frame[[c for c in SERIES_COLUMNS if c != "reeksbreuk"]]


def _known_years(*frames: pd.DataFrame) -> set[int]:
    return {int(y) for frame in frames for y in frame.loc[frame["buiten_beeld"].notna(), "jaar"]}


def combine_tables(tables: dict[str, tuple[pd.DataFrame, pd.DataFrame]]) -> tuple[pd.DataFrame, pd.DataFrame,
                                                                                  dict[str, list[int]]]:
    """Join tables already in the 2026 layout into one series.

    Parameters
    ----------
    tables : dict
        Table id -> (gemeenten as :func:`to_current_layout` gives them, nederland
        with the same columns).

    Returns
    -------
    gemeenten, nederland : DataFrame
        With :data:`SERIES_COLUMNS`; per year the rows of the newest table
        (:data:`~buitenbeeld.ingest.statline_derive.LAYOUT_YEARS`) that knows
        "buiten beeld" in that year; ``reeksbreuk`` marked.
    years : dict
        Table id -> the years taken from it.
    """
    order = sorted(tables, key=lambda t: (-LAYOUT_YEARS.get(t, 0), t))
    known = {table: _known_years(*tables[table]) for table in order}
    chosen = {}
    for year in sorted(set().union(*known.values()) if known else set()):
        chosen[year] = next(table for table in order if year in known[table])
    breaks, previous = set(), None
    for year, table in chosen.items():
        if previous is not None and (table != chosen[previous] or year == SERIES_BREAK_YEAR):
            breaks.add(year)
        previous = year
    result = []
    for index in (0, 1):
        parts = [tables[table][index].loc[lambda f, y=year: f["jaar"] == y] for year, table in chosen.items()]
        frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=SERIES_COLUMNS)
        frame = frame.assign(reeksbreuk=frame["jaar"].isin(breaks))[SERIES_COLUMNS]
        result.append(_typed(frame.sort_values(["gemeentecode", "jaar"]).reset_index(drop=True)))
    years: dict[str, list[int]] = defaultdict(list)
    for year, table in chosen.items():
        years[table].append(year)
    return result[0], result[1], dict(years)


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    types = {"jaar": int, "voorlopig": bool, "reeksbreuk": bool, "geschat": bool, "bron": str}
    types.update({c: float for c in ("jongeren_15_27", "buiten_beeld", "aandeel_buiten_beeld", "aandeel_laag",
                                     "aandeel_hoog")})
    return frame.astype(types)


def _pick_downloads(sidecars: list[Path]) -> tuple[dict[str, tuple[Path, dict]], list[RowProblem]]:
    """Per table the download to use: real before synthetic, then the newest; unreadable ones as problems."""
    found, problems = [], []
    for sidecar in sidecars:
        try:
            record = _sidecar(sidecar)
        except (OSError, ValueError) as error:
            problems.append(RowProblem(sidecar.name, None, None, None, None,
                                       f"cache van StatLine niet leesbaar ({error}); overgeslagen", severity="warning"))
            continue
        if record.get("tabel") in LAYOUT_YEARS:
            found.append((record["tabel"], bool(record.get("synthetisch")), str(record.get("gedownload")), sidecar,
                          record))
    real = any(not synthetic for _, synthetic, *_ in found)
    chosen: dict[str, tuple[Path, dict]] = {}
    for table, synthetic, _, sidecar, record in sorted(found, key=lambda f: (f[0], f[2], str(f[3]))):
        if synthetic and real:
            continue
        chosen[table] = (sidecar, record)  # sorted by date: the newest last
    return chosen, problems


def _sidecar(path: Path) -> dict:
    record = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(record, dict):
        raise ValueError("geen json-object")
    return record


def load_series(data_dir: str | Path | None = None) -> YouthSeries | None:
    """The series of young people buiten beeld from the cached StatLine downloads under ``<data>/raw/``.

    Never goes to the network. See the module docstring for the contract.

    Parameters
    ----------
    data_dir : str or Path, optional
        The data folder (default the project's ``data/``).

    Returns
    -------
    YouthSeries or None
        None when no StatLine download is cached anywhere under ``raw/``.
    """
    sidecars = find_caches(data_paths(data_dir).raw)
    if not sidecars:
        return None
    downloads, problems = _pick_downloads(sidecars)
    tables: dict[str, tuple[pd.DataFrame, pd.DataFrame]] = {}
    found: dict[str, list[RowProblem]] = {}
    for table, (sidecar, record) in downloads.items():
        try:
            _, rows = read_cache(sidecar)
            gemeenten, nederland, derived = derive_buiten_beeld(table, record["meta"], rows)
        except (BuitenbeeldError, OSError, KeyError, ValueError) as error:
            problems.append(RowProblem(sidecar.name, None, None, None, None,
                                       f"download van {table} niet te gebruiken: {error}", severity="warning"))
            continue
        mapped, mapping = to_current_layout(gemeenten, table)
        found[table] = derived + mapping
        tables[table] = (mapped, _national(nederland, table))
    gemeenten, nederland, years = combine_tables(tables)
    problems += [problem for table in years for problem in found[table]]  # a table not used says nothing
    sources = [{"tabel": table, "titel": downloads[table][1].get("titel") or table,
                "gedownload": downloads[table][1].get("gedownload"),
                "synthetisch": bool(downloads[table][1].get("synthetisch")), "jaren": [min(used), max(used)],
                "bestand": str(downloads[table][0])}
               for table, used in sorted(years.items(), key=lambda item: -LAYOUT_YEARS[item[0]])]
    synthetic = bool(sources) and any(source["synthetisch"] for source in sources)
    return YouthSeries(gemeenten, nederland, sources, synthetic, problems)
