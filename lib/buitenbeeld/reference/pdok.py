"""Downloading the CBS boundary files (``buitenbeeld grenzen``): from PDOK's WFS or the cartomap/nl copy, with a cache.

PDOK's WFS of the CBS gebiedsindelingen (one service per year) gives the
generalised gemeente and wijk boundaries as GeoJSON, page by page;
cartomap/nl's copy gives the gemeenten as TopoJSON. A file already in the
folder is used without the network. Boundaries of 2015 and before
(:data:`~buitenbeeld.reference.geo.HISTORICAL_UNTIL`) are not on the WFS:
PDOK keeps them in a separate historical dataset ("CBS Gebiedsindelingen
1995-2015", an OGC API at ``https://api.pdok.nl/cbs/gebiedsindelingen-historisch/ogc/v1``),
which the workbench does not download from; for those years
:func:`download_boundaries` says so, and where they come from, without going to
the network. Reading the files is :mod:`buitenbeeld.reference.geo`.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from buitenbeeld.common.files import write_atomic
from buitenbeeld.common.formatting import format_count
from buitenbeeld.errors import MissingDataError
from buitenbeeld.reference.geo import HISTORICAL_UNTIL, boundary_file, boundary_hint, decode_boundaries, geo_dir

__all__ = [
    "BOUNDARY_URL",
    "PDOK_URL",
    "SOURCES",
    "Download",
    "download_boundaries",
]

#: Where the boundary files can be downloaded (cartomap/nl's simplification of the CBS/PDOK boundaries).
BOUNDARY_URL = "https://cartomap.github.io/nl/wgs84/gemeente_{year}.topojson"
#: PDOK's WFS of the CBS gebiedsindelingen: generalised gemeente or wijk boundaries of a year, as GeoJSON
#: in WGS84, a page of ``count`` features from ``start``.
PDOK_URL = ("https://service.pdok.nl/cbs/gebiedsindelingen/{year}/wfs/v1_0?service=WFS&version=2.0.0"
            "&request=GetFeature&typeName=gebiedsindelingen:{kind}_gegeneraliseerd&outputFormat=application/json"
            "&srsName=EPSG:4326&count={count}&startIndex={start}")
#: Where ``buitenbeeld grenzen`` downloads from: PDOK (the source) or the cartomap/nl copy.
SOURCES = ("pdok", "cartomap")


@dataclass(frozen=True)
class Download:
    """What :func:`download_boundaries` did: ``status`` is ``downloaded``, ``cached`` or ``cached-offline``."""

    path: Path
    url: str
    status: str
    sha256: str
    message: str


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _fetch(url: str, timeout: float) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read()


def _fetch_pdok(kind: str, year: int, fetch: Callable[[str, float], bytes], timeout: float,
                page: int) -> tuple[str, bytes]:
    """All features of a PDOK layer, page by page, as one GeoJSON document (the first page's URL with it)."""
    features, start, first = [], 0, None
    while True:
        url = PDOK_URL.format(year=year, kind=kind, count=page, start=start)
        first = first or url
        batch = json.loads(fetch(url, timeout).decode("utf-8"))["features"]
        features += batch
        if len(batch) < page:
            return first, json.dumps({"type": "FeatureCollection", "features": features}).encode("utf-8")
        start += page


def _sources_text(year: int, kind: str) -> str:
    pdok = PDOK_URL.format(year=year, kind=kind, count=1000, start=0)
    copy = f", of van de kopie van cartomap/nl: {BOUNDARY_URL.format(year=year)}" if kind == "gemeente" else ""
    return f"Zelf downloaden kan van PDOK: {pdok}{copy}."


def download_boundaries(year: int, folder: str | os.PathLike | None = None, *, wijken: bool = False,
                        bron: str = "pdok", refresh: bool = False, url: str | None = None,
                        fetch: Callable[[str, float], bytes] = _fetch, timeout: float = 30.0,
                        page: int = 1000) -> Download:
    """Make sure the gemeente (or wijk) boundaries of ``year`` are in ``folder`` (default: ``<data>/raw/geo``).

    A file already there is used as it is, unless ``refresh``. Otherwise it is
    downloaded: from PDOK's WFS of the CBS gebiedsindelingen (``bron="pdok"``,
    GeoJSON, page by page) or from the cartomap/nl copy (``"cartomap"``, TopoJSON,
    gemeenten only). A download is checked (areas with CBS codes), written
    atomically, and described in a sidecar ``<kind>_<year>.source.json`` (url,
    date, sha256). When the network fails and a file is there, that file is used.
    The messages are in Dutch (``buitenbeeld grenzen`` prints them).

    Parameters
    ----------
    year : int
        Layout year, e.g. 2013 or 2026. PDOK's WFS has no year up to
        :data:`~buitenbeeld.reference.geo.HISTORICAL_UNTIL`: for those use
        ``bron="cartomap"`` (gemeenten) or a file from CBS.
    wijken : bool
        The wijken of every gemeente instead of the gemeenten (PDOK only).
    bron : str
        ``"pdok"`` or ``"cartomap"``.
    refresh : bool
        Download again even when the file is there.
    url : str, optional
        Where to download from instead (cartomap only).
    fetch : callable
        ``fetch(url, timeout) -> bytes``; tests pass a fake.

    Raises
    ------
    MissingDataError
        When the download fails or is not a boundary file and nothing is cached,
        or when PDOK's WFS does not have ``year`` (2015 and before) and no file is
        there; the message says where the boundaries come from and where to put
        the file.
    ValueError
        For an unknown ``bron``, or wijken from cartomap.
    """
    if bron not in SOURCES or (wijken and bron != "pdok"):
        raise ValueError(f"bron '{bron}'{' voor wijken' if wijken else ''}: kies {' of '.join(SOURCES)} "
                         "(wijken komen alleen van PDOK)")
    kind = "wijk" if wijken else "gemeente"
    folder = geo_dir() if folder is None else Path(folder)
    existing = boundary_file(year, folder, kind)
    existing = existing if existing.is_file() else None
    path = folder / f"{kind}_{year}{'.geojson' if bron == 'pdok' else '.topojson'}"
    historical = bron == "pdok" and year <= HISTORICAL_UNTIL
    source = url or (PDOK_URL.format(year=year, kind=kind, count=page, start=0) if bron == "pdok"
                     else BOUNDARY_URL.format(year=year))
    if existing and (historical or not refresh):
        note = f" (opnieuw ophalen kan niet: de WFS van PDOK heeft geen grenzen van {year})" if historical and refresh else ""
        return Download(existing, source, "cached", _sha256(existing.read_bytes()),
                        f"Het grensbestand staat er al en wordt gebruikt: {existing}{note}")
    if historical:
        raise MissingDataError(f"Geen {kind}grenzen van {year} in {folder}. {boundary_hint(year, folder, kind)}")
    try:
        if bron == "pdok":
            source, data = _fetch_pdok(kind, year, fetch, timeout, page)
        else:
            data = fetch(source, timeout)
        found = decode_boundaries(data, f"{kind}_{year}")
        if not any(b.code.upper().startswith("GM" if kind == "gemeente" else "WK") for b in found):
            raise ValueError(f"geen {kind} met een CBS-code in de download")
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError) as error:
        if existing:
            return Download(existing, source, "cached-offline", _sha256(existing.read_bytes()),
                            f"Ophalen van {source} lukte niet ({error}); het grensbestand dat er al staat wordt "
                            f"gebruikt: {existing}")
        raise MissingDataError(f"Ophalen van de {kind}grenzen van {year} van {source} lukte niet ({error}). "
                               f"{boundary_hint(year, folder, kind)} {_sources_text(year, kind)}") from error
    folder.mkdir(parents=True, exist_ok=True)
    digest = _sha256(data)
    write_atomic(path, lambda p: p.write_bytes(data))
    if existing and existing != path:
        existing.unlink()  # one file per kind and year: the one just downloaded
    sidecar = {"url": source, "downloaded": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
               "sha256": digest, "bytes": len(data), "areas": len(found)}
    write_atomic(folder / f"{kind}_{year}.source.json",
                 lambda p: p.write_text(json.dumps(sidecar, indent=2) + "\n", encoding="utf-8"))
    return Download(path, source, "downloaded", digest,
                    f"{format_count(len(found))} {kind}gebieden opgehaald van {source} naar {path} "
                    f"({format_count(len(data))} bytes)")
