"""CBS StatLine: young people not in education, work, benefit or UWV registration, per gemeente.

The StatLine tables "Arbeidsmarktsituatie jongeren (15 tot 27 jaar); regio"
(:data:`TABLES`) cross four dimensions (in education, labour status, benefit,
registered at UWV) with region and period. Young people who are *not* in
education, *not* working, receive *no* benefit and are *not* registered come
closest to the "buiten beeld" group of the CBS maatwerk table; the "no known
reason" subset cannot be rebuilt from StatLine. Counts are rounded by CBS, and
the UWV registration has a series break in :data:`SERIES_BREAK_YEAR`.

Counts are checked for plausibility: one that is not finite (``inf``, ``nan``,
``1e999`` in the download), below 0, not whole, above the gemeente's own
number of young people, above the national number of young people of that
year, or above :data:`~buitenbeeld.common.values.MAX_YOUTH_GEMEENTE` (a gemeente) or
:data:`~buitenbeeld.common.values.MAX_YOUTH_NEDERLAND` (Nederland) becomes unknown,
with a warning among the problems.

Categories are chosen by their titles in the table's metadata (normalised and
matched by pattern, never by hard-coded keys), so each layout of the table
works. Downloads go through the ``cbsodata`` package, imported only when a
download is needed, and are cached under ``raw/cbs`` of the data folder: the
raw rows as parquet and a json sidecar with table id, download date, query and
metadata. A cached download is used as it is (raw data is immutable) unless
``refresh`` asks for a new one; offline, the cache is used with a warning.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import json
import math
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from buitenbeeld.common.files import write_atomic
from buitenbeeld.common.values import MAX_YOUTH_GEMEENTE, MAX_YOUTH_NEDERLAND, Number, count_problem, normalise_header
from buitenbeeld.errors import BuitenbeeldError, MissingDataError, RowProblem
from buitenbeeld.settings import data_paths

__all__ = [
    "TABLES",
    "DEFAULT_TABLE",
    "SERIES_BREAK_YEAR",
    "SELECTION",
    "StatlineResult",
    "derive_buiten_beeld",
    "fetch_buiten_beeld",
]

#: The StatLine tables of this series: table id -> gemeente layout and years.
TABLES = {
    "82252NED": "gemeentelijke indeling 2013",
    "83969NED": "gemeentelijke indeling 2017",
    "84455NED": "gemeentelijke indeling 2018, 2005-2017",
    "86087NED": "gemeentelijke indeling 2024, 2005-2023",
}
DEFAULT_TABLE = "86087NED"
#: First year of the new UWV registration series; earlier years are not like for like.
SERIES_BREAK_YEAR = 2018

#: Per dimension (found by a pattern on its title): the category that makes up
#: "buiten beeld" and the total, both as patterns on normalised category titles.
SELECTION = {
    "onderwijs": {"dimensie": r"onderwijs",
                  "doel": r"niet onderwijsvolgend|geen onderwijs( volgend)?|volgt geen onderwijs"},
    "arbeid": {"dimensie": r"arbeid|werkzaam|beroepsbevolking|\bwerk\b",
               "doel": r"niet werkzaam|geen werkzame beroepsbevolking|geen werk|niet werkend|zonder werk"},
    "uitkering": {"dimensie": r"uitkering",
                  "doel": r"geen uitkering|zonder uitkering|ontvangt geen uitkering"},
    "uwv": {"dimensie": r"geregistreerd|werkzoekend|uwv",
            "doel": r"niet geregistreerd( bij uwv| als werkzoekende( bij uwv)?)?|geen geregistreerde? werkzoekende"},
}
_TOTAL = r"totaal( .*)?"
# Dimension titles are matched most specific first: "geregistreerd werkzoekende" also says "werk".
_ROLE_ORDER = ("uwv", "uitkering", "onderwijs", "arbeid")
_UNITS = {"aantal": 1, "x 1 000": 1000, "x 1000": 1000}
_SYMBOLS = {".", "x", "-", ""}
_COUNT_HINT = "Controleer de download van StatLine; haal de tabel zo nodig opnieuw op (buitenbeeld cbs --vernieuw)"
_CACHE_FORMAT = 1


class _Offline(Exception):
    """The download failed for want of a network; carries the original error."""


@dataclass
class StatlineResult:
    """Derived StatLine figures of one table, with where they came from.

    ``gemeenten`` has one row per gemeente and year: ``gemeentecode``,
    ``gemeentenaam`` (the StatLine title, in the table's layout), ``jaar``,
    ``jongeren_15_27``, ``buiten_beeld`` (not in education, not working, no
    benefit, not registered at UWV), their ``_symbool`` columns (the CBS symbol
    where a value is missing), ``aandeel_buiten_beeld`` (a fraction),
    ``uwv_reeks`` (``"t/m 2017"`` or ``"vanaf 2018"``) and ``reeksbreuk_uwv``
    (True in :data:`SERIES_BREAK_YEAR`). ``nederland`` has the same columns for
    the national rows. ``status`` is ``"download"``, ``"cache"`` or
    ``"cache (offline)"``.
    """

    table_id: str
    gemeenten: pd.DataFrame
    nederland: pd.DataFrame
    status: str
    cache_file: Path
    downloaded: str
    query: dict[str, Any]
    categories: dict[str, dict[str, str]]
    problems: list[RowProblem] = field(default_factory=list)


def _norm(text: Any) -> str:
    return normalise_header(re.sub(r"\s*\d\)\s*$", "", str(text or ""))).replace("_", " ")


def _meta_list(meta: dict[str, list[dict]], name: str) -> list[dict]:
    if name not in meta:
        raise BuitenbeeldError(f"The StatLine metadata has no list '{name}'.")
    return meta[name]


def _dimensions(properties: list[dict]) -> dict[str, str]:
    """Role ('onderwijs', ..., 'regio', 'perioden') -> dimension key, from DataProperties."""
    found: dict[str, str] = {}
    for item in properties:
        kind, key, title = item.get("Type", ""), item.get("Key", ""), _norm(item.get("Title") or item.get("Key"))
        if kind == "GeoDimension":
            found["regio"] = key
        elif kind == "TimeDimension":
            found["perioden"] = key
        elif kind == "Dimension":
            role = next((r for r in _ROLE_ORDER if r not in found and re.search(SELECTION[r]["dimensie"], title)), None)
            if role:
                found[role] = key
    missing = [r for r in (*SELECTION, "regio", "perioden") if r not in found]
    if missing:
        titles = ", ".join(str(p.get("Title")) for p in properties if "Dimension" in str(p.get("Type")))
        raise BuitenbeeldError(f"The StatLine table lacks the dimension(s) {', '.join(missing)} (found: {titles}); "
                               "is it an 'Arbeidsmarktsituatie jongeren' table?")
    return found


def _category(items: list[dict], pattern: str, what: str) -> dict:
    matches = [i for i in items if re.fullmatch(pattern, _norm(i.get("Title")))]
    if len(matches) != 1:
        titles = ", ".join(repr(i.get("Title")) for i in items)
        state = "no category" if not matches else f"{len(matches)} categories"
        raise BuitenbeeldError(f"{state} of dimension '{what}' match /{pattern}/ (titles: {titles}). "
                               "Adjust buitenbeeld.ingest.statline.SELECTION.")
    return matches[0]


def _topic(properties: list[dict]) -> dict:
    topics = [p for p in properties if p.get("Type") == "Topic" and _norm(p.get("Unit")) in _UNITS]
    preferred = [p for p in topics if re.search(r"jongeren", _norm(p.get("Title")))]
    if not (preferred or topics):
        raise BuitenbeeldError("The StatLine table has no topic counted in persons ('aantal').")
    return (preferred or topics)[0]


def _plan(table_id: str, meta: dict[str, list[dict]]) -> dict[str, Any]:
    """The categories, topic, filter and select of the download, from the metadata."""
    properties = _meta_list(meta, "DataProperties")
    dimensions = _dimensions(properties)
    categories = {}
    for role, spec in SELECTION.items():
        items = _meta_list(meta, dimensions[role])
        categories[role] = {"dimensie": dimensions[role],
                            "doel": _category(items, spec["doel"], dimensions[role])["Key"],
                            "totaal": _category(items, _TOTAL, dimensions[role])["Key"]}
    topic = _topic(properties)
    combination = [" and ".join(f"{c['dimensie']} eq '{c[kind]}'" for c in categories.values())
                   for kind in ("doel", "totaal")]
    return {"table_id": table_id, "categories": categories, "topic": topic["Key"],
            "unit": _norm(topic.get("Unit")), "regio": dimensions["regio"], "perioden": dimensions["perioden"],
            "filters": " or ".join(f"({c})" for c in combination),
            "select": [c["dimensie"] for c in categories.values()] + [dimensions["regio"], dimensions["perioden"],
                                                                     topic["Key"]]}


def _value(raw: Any, factor: int) -> tuple[float | None, str | None]:
    """(value, symbol) of one cell; the value may be non-finite or implausible (see :func:`_implausible`)."""
    if raw is None:
        return None, ""
    if isinstance(raw, (int, float)):
        if raw != raw:
            return None, ""
        try:
            return _scaled(float(raw), factor), None
        except OverflowError:  # an int beyond the float range
            return math.inf, None
    text = str(raw).strip()
    if text in _SYMBOLS:
        return (0.0 if text == "-" else None), text
    try:
        return _scaled(float(text), factor), None  # 'nan' and 'inf' too: the check says they cannot be right
    except (ValueError, OverflowError):
        return None, text


def _scaled(value: float, factor: int) -> float:
    """``value`` in persons; a figure in thousands (``1.1`` x 1000) loses the float noise of the product."""
    value *= factor
    return round(value, 6) if factor != 1 and math.isfinite(value) else value


def _implausible(value: float | None, column: str, maximum: float, limit: str) -> str | None:
    """Why a count cannot be right (Dutch), or None; NaN is a 'not a number' value here, not empty."""
    if value is None:
        return None
    return count_problem(Number(value, value, value, False, None), column, maximum, limit=limit)


def derive_buiten_beeld(table_id: str, meta: dict[str, list[dict]], rows: list[dict]) -> tuple[
        pd.DataFrame, pd.DataFrame, list[RowProblem]]:
    """Derive count and share buiten beeld per gemeente and year from cbsodata output.

    Parameters
    ----------
    table_id : str
        The StatLine table, e.g. ``"86087NED"``.
    meta : dict
        ``"DataProperties"`` and each dimension's list, as ``cbsodata.get_meta``
        returns them (lists of dicts with ``Key`` and ``Title``).
    rows : list of dict
        As ``cbsodata.get_data`` returns them: dimension values are category titles.

    Returns
    -------
    gemeenten, nederland : DataFrame
        See :class:`StatlineResult`.
    problems : list of RowProblem
        Rows left out: an unknown region or period title, a missing total.
    """
    plan = _plan(table_id, meta)
    factor = _UNITS.get(plan["unit"], 1)
    titles = {role: {_norm(i["Title"]): i["Key"].strip() for i in _meta_list(meta, c["dimensie"])}
              for role, c in plan["categories"].items()}
    wanted = {role: {c["doel"].strip(): "buiten_beeld", c["totaal"].strip(): "jongeren_15_27"}
              for role, c in plan["categories"].items()}
    regions = _key_lookup(_meta_list(meta, plan["regio"]))
    periods = _key_lookup(_meta_list(meta, plan["perioden"]))
    cells: dict[tuple[str, int], dict[str, Any]] = {}
    problems = []
    for number, row in enumerate(rows, start=1):
        kinds = {wanted[role].get(titles[role].get(_norm(row.get(c["dimensie"])), "")) for role, c in
                 plan["categories"].items()}
        if len(kinds) != 1 or None in kinds:
            continue  # another combination of categories
        region = regions.get(str(row.get(plan["regio"])).strip())
        period = periods.get(str(row.get(plan["perioden"])).strip())
        year = re.match(r"(\d{4})", period[0] if period else "")
        if region is None or year is None:
            problems.append(RowProblem(table_id, None, number, plan["regio"] if region is None else plan["perioden"],
                                       row.get(plan["regio"] if region is None else plan["perioden"]),
                                       "not in the table's metadata (or two regions share this title); row left out",
                                       severity="warning"))
            continue
        if not region[0].startswith(("GM", "NL")):
            continue
        kind = kinds.pop()
        value, symbol = _value(row.get(plan["topic"]), factor)
        cell = cells.setdefault((region[0], int(year.group(1))), {"gemeentenaam": region[1]})
        cell[kind], cell[f"{kind}_symbool"], cell[f"{kind}_rij"] = value, symbol, number
    problems += _check_counts(table_id, plan["topic"], cells)
    frame = _tidy(cells)
    national = frame["gemeentecode"].str.startswith("NL")
    return frame[~national].reset_index(drop=True), frame[national].reset_index(drop=True), problems


def _check_counts(table_id: str, column: str, cells: dict[tuple[str, int], dict[str, Any]]) -> list[RowProblem]:
    """Make counts that cannot be right unknown (value and symbol None); one warning each.

    Each count: finite, 0 or more, whole, at most :data:`MAX_YOUTH_NEDERLAND`
    (Nederland) or :data:`MAX_YOUTH_GEMEENTE` (a gemeente). Then ``buiten_beeld``
    at most the row's own ``jongeren_15_27``, and a gemeente's counts at most the
    national ``jongeren_15_27`` of the same year. The warnings name the row of
    the download and ``column`` (the topic), never the value.
    """
    problems: list[RowProblem] = []

    def check(cell: dict[str, Any], kind: str, maximum: float, limit: str) -> None:
        reason = _implausible(cell.get(kind), column, maximum, limit)
        if reason is not None:
            cell[kind], cell[f"{kind}_symbool"] = None, None
            problems.append(RowProblem(table_id, None, cell[f"{kind}_rij"], column, None, reason, _COUNT_HINT,
                                       "warning"))

    kinds = ("jongeren_15_27", "buiten_beeld")  # the total first: buiten beeld is checked against it
    for (code, _), cell in sorted(cells.items()):
        national = code.startswith("NL")
        for kind in kinds:
            check(cell, kind, *((MAX_YOUTH_NEDERLAND, "de grens voor heel Nederland") if national else
                                (MAX_YOUTH_GEMEENTE, "de grens voor één gemeente")))
        if cell.get("jongeren_15_27") is not None:
            check(cell, "buiten_beeld", cell["jongeren_15_27"], "het aantal jongeren van 15 tot 27 jaar in deze rij")
    totals = {year: cell.get("jongeren_15_27") for (code, year), cell in cells.items() if code.startswith("NL")}
    for (code, year), cell in sorted(cells.items()):
        if not code.startswith("NL") and totals.get(year) is not None:
            for kind in kinds:
                check(cell, kind, totals[year], "het aantal jongeren van 15 tot 27 jaar in heel Nederland")
    return problems


def _key_lookup(items: list[dict]) -> dict[str, tuple[str, str]]:
    """Category title (as in get_data output) -> (key, title); a title used twice is left out."""
    lookup: dict[str, tuple[str, str]] = {}
    doubles = set()
    for item in items:
        title = str(item.get("Title", "")).strip()
        if title in lookup:
            doubles.add(title)
        lookup[title] = (str(item["Key"]).strip(), title)
    return {t: v for t, v in lookup.items() if t not in doubles}


def _tidy(cells: dict[tuple[str, int], dict[str, Any]]) -> pd.DataFrame:
    columns = ["gemeentecode", "gemeentenaam", "jaar", "jongeren_15_27", "jongeren_15_27_symbool",
               "buiten_beeld", "buiten_beeld_symbool", "aandeel_buiten_beeld", "uwv_reeks", "reeksbreuk_uwv"]
    records = []
    for (code, year), cell in sorted(cells.items()):
        total, count = cell.get("jongeren_15_27"), cell.get("buiten_beeld")
        records.append({
            "gemeentecode": code, "gemeentenaam": cell["gemeentenaam"], "jaar": year,
            "jongeren_15_27": total, "jongeren_15_27_symbool": cell.get("jongeren_15_27_symbool", ""),
            "buiten_beeld": count, "buiten_beeld_symbool": cell.get("buiten_beeld_symbool", ""),
            "aandeel_buiten_beeld": count / total if count is not None and total else None,
            "uwv_reeks": f"t/m {SERIES_BREAK_YEAR - 1}" if year < SERIES_BREAK_YEAR else f"vanaf {SERIES_BREAK_YEAR}",
            "reeksbreuk_uwv": year == SERIES_BREAK_YEAR,
        })
    return pd.DataFrame(records, columns=columns)


# --------------------------------------------------------------------------- download and cache


def _request(table_id: str) -> dict[str, Any]:
    """What is asked of StatLine, before any metadata is known (the cache key)."""
    return {"table_id": table_id, "selection": SELECTION, "totaal": _TOTAL, "format": _CACHE_FORMAT}


def _cache_stem(cache_dir: Path, request: dict[str, Any]) -> Path:
    digest = hashlib.sha256(json.dumps(request, sort_keys=True).encode()).hexdigest()[:10]
    return cache_dir / f"statline_{request['table_id']}_{digest}"


def _download(client: Any, table_id: str) -> tuple[dict[str, list[dict]], dict[str, Any], list[dict]]:
    try:
        properties = client.get_meta(table_id, "DataProperties")
        meta = {"DataProperties": properties}
        for item in properties:
            if "Dimension" in str(item.get("Type")):
                meta[item["Key"]] = client.get_meta(table_id, item["Key"])
        plan = _plan(table_id, meta)
        rows = client.get_data(table_id, filters=plan["filters"], select=plan["select"])
    except OSError as error:  # requests' errors are OSErrors: no network, DNS, timeout, HTTP
        status = getattr(getattr(error, "response", None), "status_code", None)
        if status is not None and 400 <= status < 500:  # StatLine answered: the table is not there
            raise BuitenbeeldError(f"StatLine has no table {table_id} (HTTP {status}). The tables of this series are "
                                   f"{', '.join(TABLES)}.") from error
        raise _Offline(str(error)) from error
    return meta, plan, rows


def _client() -> Any:
    try:
        return importlib.import_module("cbsodata")
    except ImportError as error:
        raise MissingDataError("Downloading from StatLine needs the package cbsodata: "
                               "pip install cbsodata==1.3.5 (or 'make install').") from error


def _how_to_get(table_id: str, cache_dir: Path) -> str:
    return (f"Connect to the internet and run the command again ('buitenbeeld cbs --tabel {table_id}'), "
            f"or copy the two files statline_{table_id}_*.parquet and .json from a data folder that has "
            f"them into {cache_dir}.")


def fetch_buiten_beeld(table_id: str = DEFAULT_TABLE, *, data_dir: str | Path | None = None,
                       cache_dir: str | Path | None = None, refresh: bool = False,
                       client: Any = None) -> StatlineResult:
    """Return count and share buiten beeld per gemeente and year from a StatLine table.

    Parameters
    ----------
    table_id : str
        One of :data:`TABLES`; default the newest layout.
    data_dir : str or Path, optional
        The data folder (default the project's ``data/``); the cache is its ``raw/cbs``.
    cache_dir : str or Path, optional
        Another folder for the cache.
    refresh : bool, default False
        Download again even when a cached download exists.
    client : module or object, optional
        Something with cbsodata's ``get_meta`` and ``get_data`` (default the
        ``cbsodata`` package, imported here); tests pass a fake.

    Returns
    -------
    StatlineResult
        ``status`` says whether the figures were downloaded or came from the cache.

    Raises
    ------
    MissingDataError
        Offline (or cbsodata missing) without a cached download; says how to get the data.
    BuitenbeeldError
        When the table lacks a dimension or category; names the titles found.

    Warns
    -----
    UserWarning
        When a download failed and the cache was used instead.
    """
    if table_id not in TABLES:
        raise BuitenbeeldError(f"Unknown StatLine table '{table_id}': the series 'Arbeidsmarktsituatie jongeren "
                               f"(15 tot 27 jaar); regio' has {', '.join(f'{k} ({v})' for k, v in TABLES.items())}.")
    cache_dir = Path(cache_dir) if cache_dir else data_paths(data_dir).raw / "cbs"
    request = _request(table_id)
    stem = _cache_stem(cache_dir, request)
    parquet, sidecar = stem.with_suffix(".parquet"), stem.with_suffix(".json")
    status = "cache"
    if refresh or not sidecar.exists():
        try:
            client = client or _client()
            meta, plan, rows = _download(client, table_id)
        except (_Offline, MissingDataError) as error:
            if not sidecar.exists():
                raise MissingDataError(f"Could not download StatLine table {table_id} ({error}) and there is no "
                                       f"earlier download in {cache_dir}. {_how_to_get(table_id, cache_dir)}") from error
            status = "cache (offline)"
            warnings.warn(f"StatLine table {table_id} could not be downloaded ({error}); using the download of "
                          f"{json.loads(sidecar.read_text(encoding='utf-8'))['gedownload']} from {sidecar.name}.",
                          stacklevel=2)
        else:
            _write_cache(parquet, sidecar, request, plan, meta, rows, getattr(client, "__version__", None))
            status = "download"
    record = json.loads(sidecar.read_text(encoding="utf-8"))
    rows = pd.read_parquet(parquet).astype(object).where(lambda f: f.notna(), None).to_dict("records")
    gemeenten, nederland, problems = derive_buiten_beeld(table_id, record["meta"], rows)
    return StatlineResult(table_id, gemeenten, nederland, status, parquet, record["gedownload"],
                          {k: record[k] for k in ("filters", "select")}, record["categorieen"], problems)


def _write_cache(parquet: Path, sidecar: Path, request: dict, plan: dict, meta: dict, rows: list[dict],
                 version: str | None) -> None:
    frame = pd.DataFrame(rows, columns=list(rows[0]) if rows else plan["select"]).astype("string")
    # the rows first, the sidecar that vouches for them last: a crash in between leaves the old pair usable
    write_atomic(parquet, lambda p: frame.to_parquet(p, index=False))  # as text: CBS symbols stay as they came
    record = json.dumps({
        "tabel": request["table_id"], "gedownload": dt.date.today().isoformat(), "verzoek": request,
        "filters": plan["filters"], "select": plan["select"], "categorieen": plan["categories"],
        "cbsodata": version, "rijen": len(rows), "meta": meta,
    }, ensure_ascii=False, indent=1)
    write_atomic(sidecar, lambda p: p.write_text(record, encoding="utf-8"))
