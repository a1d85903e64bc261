"""CBS StatLine: download, cache and derive young people buiten beeld per gemeente and year.

The series "Arbeidsmarktsituatie jongeren (15 tot 27 jaar); regio" has one
table per gemeente layout (:data:`TABLES`: 86223NED, indeling 2025; 86087NED,
indeling 2024; 84455NED, indeling 2018, 2005-2017; 83969NED, indeling 2017,
2005-2016). Without a table named, :func:`fetch_buiten_beeld` asks for
:data:`DEFAULT_TABLE` (86223NED) and falls back to :data:`FALLBACK_TABLE`
(86087NED) when StatLine does not have it. 82252NED (indeling 2013) cannot give
"buiten beeld" and is refused with a Dutch message. How the figures are
derived (categories by title, provisional years, rounding intervals, the 2018
UWV break) is described in :mod:`buitenbeeld.ingest.statline_derive`, whose
public names this module re-exports.

Downloads go through the ``cbsodata`` package, imported only when a download is
needed, and are cached under ``raw/cbs`` of the data folder: the raw rows as
parquet (all text, so CBS symbols stay as they came) and a json sidecar with
table id, title, download date, ``synthetisch`` flag, query and metadata
(:func:`write_cache`, :func:`read_cache`). A cached download is used as it is
(raw data is immutable) unless ``refresh`` asks for a new one; offline, the
cache is used with a warning. :mod:`buitenbeeld.ingest.statline_series` joins
all cached tables into one series in today's gemeente layout.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import json
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from buitenbeeld.common.files import write_atomic
from buitenbeeld.errors import BuitenbeeldError, MissingDataError, RowProblem
from buitenbeeld.ingest.statline_derive import (
    DEFAULT_TABLE,
    FALLBACK_TABLE,
    LAYOUT_YEARS,
    SELECTION,
    TABLES,
    check_table,
    derive_buiten_beeld,
    plan_download,
)
from buitenbeeld.settings import data_paths

# The tables, the categories and the derivation are defined in statline_derive; this module downloads and caches.
__all__ = [
    "StatlineResult",
    "table_title",
    "cache_paths",
    "write_cache",
    "read_cache",
    "find_caches",
    "fetch_buiten_beeld",
]

_CACHE_FORMAT = 2
_COPY_HINT = "of kopieer de twee bestanden statline_{table}_*.parquet en .json uit een datamap die ze heeft naar {folder}"


class _Offline(Exception):
    """The download failed for want of a network; carries the original error."""


class _NoTable(BuitenbeeldError):
    """StatLine answered that it has no such table (HTTP 4xx)."""


class _NoDownload(MissingDataError):
    """No download and no earlier download in the cache; ``reason`` says why the download failed."""

    def __init__(self, message: str, reason: str):
        super().__init__(message)
        self.reason = reason


@dataclass
class StatlineResult:
    """Derived StatLine figures of one table, with where they came from.

    ``gemeenten`` and ``nederland`` are as :func:`derive_buiten_beeld` returns
    them (in the table's own gemeente layout). ``status`` is ``"download"``,
    ``"cache"`` or ``"cache (offline)"``; ``notes`` are Dutch lines for the user
    (a fallback to another table, an offline download used).
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
    title: str = ""
    synthetic: bool = False
    notes: list[str] = field(default_factory=list)


def table_title(table_id: str, meta: dict[str, list[dict]] | None = None) -> str:
    """The table's title: from its ``TableInfos`` metadata when there, else made from :data:`TABLES`."""
    infos = (meta or {}).get("TableInfos") or [{}]
    title = str(infos[0].get("Title") or "").strip()
    layout = LAYOUT_YEARS.get(table_id)
    return title or f"Arbeidsmarktsituatie jongeren (15 tot 27 jaar); regio (indeling {layout})"


def _request(table_id: str) -> dict[str, Any]:
    """What is asked of StatLine, before any metadata is known (the cache key)."""
    return {"table_id": table_id, "selection": SELECTION, "format": _CACHE_FORMAT}


def cache_paths(cache_dir: str | Path, table_id: str) -> tuple[Path, Path]:
    """The parquet file and json sidecar of ``table_id``'s download in ``cache_dir``."""
    request = _request(table_id)
    digest = hashlib.sha256(json.dumps(request, sort_keys=True).encode()).hexdigest()[:10]
    stem = Path(cache_dir) / f"statline_{table_id}_{digest}"
    return stem.with_suffix(".parquet"), stem.with_suffix(".json")


def write_cache(cache_dir: str | Path, table_id: str, meta: dict[str, list[dict]], rows: list[dict], *,
                downloaded: str | None = None, title: str | None = None, synthetic: bool = False,
                version: str | None = None) -> tuple[Path, Path]:
    """Write a download (metadata and the rows of :func:`plan_download`'s filter) as the cache reads it.

    The rows go to parquet as text, the sidecar (json) records ``tabel``,
    ``titel``, ``gedownload`` (default today), ``synthetisch``, the query and
    the metadata. Same input, same bytes. Returns (parquet, sidecar).
    """
    plan = plan_download(table_id, meta)
    parquet, sidecar = cache_paths(cache_dir, table_id)
    frame = pd.DataFrame(rows, columns=list(rows[0]) if rows else plan["select"]).astype("string")
    # the rows first, the sidecar that vouches for them last: a crash in between leaves the old pair usable
    write_atomic(parquet, lambda p: frame.to_parquet(p, index=False))
    record = json.dumps({
        "tabel": table_id, "titel": title or table_title(table_id, meta),
        "gedownload": downloaded or dt.date.today().isoformat(), "synthetisch": synthetic,
        "verzoek": _request(table_id), "filters": plan["filters"], "select": plan["select"],
        "categorieen": plan["categories"], "cbsodata": version, "rijen": len(rows), "meta": meta,
    }, ensure_ascii=False, indent=1)
    write_atomic(sidecar, lambda p: p.write_text(record + "\n", encoding="utf-8"))
    return parquet, sidecar


def read_cache(sidecar: str | Path) -> tuple[dict[str, Any], list[dict]]:
    """The sidecar record and the rows (``None`` for missing cells) of a cached download."""
    sidecar = Path(sidecar)
    record = json.loads(sidecar.read_text(encoding="utf-8"))
    frame = pd.read_parquet(sidecar.with_suffix(".parquet"))
    return record, frame.astype(object).where(frame.notna(), None).to_dict("records")


def find_caches(folder: str | Path) -> list[Path]:
    """Every cached StatLine download (its sidecar) anywhere under ``folder``, sorted by path."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("statline_*.json") if p.with_suffix(".parquet").is_file())


def _download(client: Any, table_id: str) -> tuple[dict[str, list[dict]], list[dict]]:
    try:
        properties = client.get_meta(table_id, "DataProperties")
        meta = {"TableInfos": client.get_meta(table_id, "TableInfos"), "DataProperties": properties}
        for item in properties:
            if "Dimension" in str(item.get("Type")):
                meta[item["Key"]] = client.get_meta(table_id, item["Key"])
        plan = plan_download(table_id, meta)
        rows = client.get_data(table_id, filters=plan["filters"], select=plan["select"])
    except OSError as error:  # requests' errors are OSErrors: no network, DNS, timeout, HTTP
        status = getattr(getattr(error, "response", None), "status_code", None)
        if status is not None and 400 <= status < 500:  # StatLine answered: the table is not there
            raise _NoTable(f"StatLine heeft geen tabel {table_id} (HTTP {status}). De tabellen van deze reeks zijn "
                           f"{', '.join(TABLES)}.") from error
        raise _Offline(str(error)) from error
    return meta, rows


def _client() -> Any:
    try:
        return importlib.import_module("cbsodata")
    except ImportError as error:
        raise _Offline("het pakket cbsodata ontbreekt: pip install cbsodata==1.3.5 (of 'make install')") from error


def _fetch_one(table_id: str, cache_dir: Path, refresh: bool, client: Any) -> StatlineResult:
    parquet, sidecar = cache_paths(cache_dir, table_id)
    status, notes = "cache", []
    if refresh or not sidecar.exists():
        try:
            client = client or _client()
            meta, rows = _download(client, table_id)
        except _Offline as error:
            if not sidecar.exists():
                copy = _COPY_HINT.format(table=table_id, folder=cache_dir)
                raise _NoDownload(f"Kon StatLine-tabel {table_id} niet downloaden ({error}) en er is geen eerdere "
                                  f"download in {cache_dir}. Maak verbinding met internet en draai het commando "
                                  f"opnieuw ('buitenbeeld cbs --tabel {table_id}'), {copy}.", str(error)) from error
            status = "cache (offline)"
            when = json.loads(sidecar.read_text(encoding="utf-8")).get("gedownload")
            notes.append(f"StatLine-tabel {table_id} kon niet worden gedownload ({error}); de eerdere download van "
                         f"{when} ({sidecar.name}) is gebruikt.")
            warnings.warn(notes[-1], stacklevel=3)
        else:
            write_cache(cache_dir, table_id, meta, rows, version=getattr(client, "__version__", None))
            status = "download"
    record, rows = read_cache(sidecar)
    gemeenten, nederland, problems = derive_buiten_beeld(table_id, record["meta"], rows)
    return StatlineResult(table_id, gemeenten, nederland, status, parquet, record["gedownload"],
                          {k: record[k] for k in ("filters", "select")}, record["categorieen"], problems,
                          record.get("titel") or table_title(table_id, record["meta"]),
                          bool(record.get("synthetisch")), notes)


def fetch_buiten_beeld(table_id: str | None = None, *, data_dir: str | Path | None = None,
                       cache_dir: str | Path | None = None, refresh: bool = False,
                       client: Any = None) -> StatlineResult:
    """Return count and share buiten beeld per gemeente and year from a StatLine table.

    Parameters
    ----------
    table_id : str, optional
        One of :data:`TABLES`. Default: :data:`DEFAULT_TABLE`, or
        :data:`FALLBACK_TABLE` when StatLine has no :data:`DEFAULT_TABLE` (or,
        offline, only the fallback was downloaded before).
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
        82252NED (it cannot give buiten beeld), or offline (or cbsodata missing)
        without a cached download: says how to get the data. In Dutch.
    BuitenbeeldError
        An unknown table, a table StatLine does not have, a table that lacks a
        category; names the titles found. In Dutch.

    Warns
    -----
    UserWarning
        When a download failed and the cache was used instead.
    """
    cache_dir = Path(cache_dir) if cache_dir else data_paths(data_dir).raw / "cbs"
    if table_id is not None:
        table_id = str(table_id).strip().upper()
        check_table(table_id)
        return _fetch_one(table_id, cache_dir, refresh, client)
    try:
        return _fetch_one(DEFAULT_TABLE, cache_dir, refresh, client)
    except _NoTable:
        note = f"StatLine heeft (nog) geen tabel {DEFAULT_TABLE}; de cijfers komen uit {FALLBACK_TABLE}."
        result = _fetch_one(FALLBACK_TABLE, cache_dir, refresh, client)
    except _NoDownload as error:
        if not cache_paths(cache_dir, FALLBACK_TABLE)[1].exists():
            copy = _COPY_HINT.format(table="<tabel>", folder=cache_dir)
            raise MissingDataError(
                f"Kon StatLine-tabel {DEFAULT_TABLE} niet downloaden ({error.reason}) en er is geen eerdere download "
                f"van {DEFAULT_TABLE} of {FALLBACK_TABLE} in {cache_dir}. Maak verbinding met internet en draai "
                f"'buitenbeeld cbs' opnieuw, {copy}.") from error
        note = (f"StatLine-tabel {DEFAULT_TABLE} kon niet worden gedownload ({error.reason}); de eerdere download "
                f"van {FALLBACK_TABLE} is gebruikt.")
        warnings.warn(note, stacklevel=2)
        result = _fetch_one(FALLBACK_TABLE, cache_dir, False, client)
    result.notes.insert(0, note)
    return result
