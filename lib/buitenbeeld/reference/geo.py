"""Gemeente and wijk boundaries: reading the CBS boundary files, map geometry, downloading with a cache.

The boundary files are the generalised CBS boundaries (CBS, Kadaster, via
PDOK; CC BY 4.0), ``<kind>_<year>`` with ``kind`` gemeente or wijk, in WGS84,
with properties ``statcode`` and ``statnaam``: GeoJSON as PDOK's WFS gives it,
or TopoJSON as cartomap/nl simplified it (one object ``<kind>_<year>``). They
live in ``<data>/raw/geo/`` and stay out of git; :func:`download_boundaries`
fetches them (``buitenbeeld grenzen``), or a user copies a file into that folder.

Decoding is plain Python (no GDAL): a gemeente becomes a :class:`Boundary`
holding polygons, a polygon a tuple of rings (outer ring first, then holes), a
ring a tuple of ``(lon, lat)`` points whose last point repeats the first.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
import urllib.request
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable

from buitenbeeld.common.files import write_atomic
from buitenbeeld.errors import MissingDataError
from buitenbeeld.settings import data_paths

__all__ = [
    "BOUNDARY_URL",
    "PDOK_URL",
    "SOURCES",
    "GEO_SUBDIR",
    "MAP_LATITUDE",
    "Boundary",
    "Download",
    "MapFrame",
    "geo_dir",
    "boundary_file",
    "find_boundary_file", "find_wijk_file", "read_wijken",
    "decode_topology",
    "decode_geojson",
    "read_boundaries",
    "project",
    "ring_area",
    "area_km2",
    "centroid",
    "fit_map",
    "svg_paths",
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
#: Boundary files the workbench reads: TopoJSON (cartomap) or GeoJSON (PDOK), named ``<kind>_<year>.<suffix>``.
_SUFFIXES = (".topojson", ".geojson")
#: Folder under the data folder's ``raw/`` that holds the boundary files.
GEO_SUBDIR = "geo"
#: Latitude (degrees) whose scale the national map keeps true: the middle of the Netherlands.
MAP_LATITUDE = 52.2

_X_SCALE = math.cos(math.radians(MAP_LATITUDE))
_KM_PER_DEGREE_LAT = 111.2

Point = tuple[float, float]
Ring = tuple[Point, ...]
Polygon = tuple[Ring, ...]


@dataclass(frozen=True)
class Boundary:
    """One gemeente's boundary: ``polygons`` of rings of ``(lon, lat)`` points."""

    code: str
    naam: str
    polygons: tuple[Polygon, ...]


@dataclass(frozen=True)
class Download:
    """What :func:`download_boundaries` did: ``status`` is ``downloaded``, ``cached`` or ``cached-offline``."""

    path: Path
    url: str
    status: str
    sha256: str
    message: str


def geo_dir(data_dir: str | os.PathLike | None = None) -> Path:
    """Return the folder of boundary files of a data folder: ``<data>/raw/geo``."""
    return data_paths(data_dir).raw / GEO_SUBDIR


def _existing(folder: Path, stem: str) -> Path | None:
    """The boundary file ``<stem>.topojson`` or ``.geojson`` in ``folder`` (the newest when both are there)."""
    found = [folder / f"{stem}{suffix}" for suffix in _SUFFIXES if (folder / f"{stem}{suffix}").is_file()]
    return max(found, key=lambda p: p.stat().st_mtime_ns) if found else None


def boundary_file(year: int, folder: str | os.PathLike | None = None) -> Path:
    """Return the boundary file of ``year`` in ``folder``, or where a TopoJSON one would belong."""
    folder = geo_dir() if folder is None else Path(folder)
    return _existing(folder, f"gemeente_{year}") or folder / f"gemeente_{year}.topojson"


def _how_to_get(year: int, path: Path, kind: str = "gemeente") -> str:
    return (f"Download it with `buitenbeeld grenzen --jaar {year}{' --wijken' if kind == 'wijk' else ''}` "
            f"(from PDOK: {PDOK_URL.format(year=year, kind=kind, count=1000, start=0)}), or save a "
            f"{kind}_{year}.geojson from PDOK or {BOUNDARY_URL.format(year=year)} yourself in {path.parent} "
            f"(source: CBS, Kadaster via PDOK, CC BY 4.0).")


def find_boundary_file(year: int, folder: str | os.PathLike | None = None) -> Path:
    """Return the path of the boundary file of ``year`` in ``folder`` (default :func:`geo_dir`).

    Raises
    ------
    MissingDataError
        When the file is not there; the message says how to get it.
    """
    path = boundary_file(year, folder)
    if not path.is_file():
        raise MissingDataError(f"No gemeente boundaries for {year}: {path} does not exist. {_how_to_get(year, path)}")
    return path


def _decode_arcs(topology: dict) -> list[list[Point]]:
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        if transform:  # quantised: delta-encoded integers
            (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
            x = y = 0
            points = []
            for dx, dy, *_ in arc:
                x += dx
                y += dy
                points.append((x * sx + tx, y * sy + ty))
        else:
            points = [(float(p[0]), float(p[1])) for p in arc]
        arcs.append(points)
    return arcs


def _ring(indexes: list[int], arcs: list[list[Point]]) -> Ring:
    points: list[Point] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]  # ~i: arc i walked backwards
        points.extend(arc[1:] if points else arc)  # consecutive arcs share their joining point
    return tuple(points)


def decode_topology(topology: dict, name: str) -> list[Boundary]:
    """Decode object ``name`` of a TopoJSON ``topology`` (a parsed dict) into boundaries.

    Handles Polygon and MultiPolygon geometries, quantised and plain arcs and
    reversed (negative) arc indexes. Geometries of other types are skipped.

    Raises
    ------
    KeyError
        When the topology has no object ``name``.
    """
    arcs = _decode_arcs(topology)
    boundaries = []
    for geometry in topology["objects"][name]["geometries"]:
        if geometry["type"] == "Polygon":
            parts = [geometry["arcs"]]
        elif geometry["type"] == "MultiPolygon":
            parts = geometry["arcs"]
        else:
            continue
        properties = geometry.get("properties", {})
        polygons = tuple(tuple(_ring(ring, arcs) for ring in part) for part in parts)
        code = properties.get("statcode") or geometry.get("id")
        boundaries.append(Boundary(str(code), str(properties.get("statnaam", code)), polygons))
    return boundaries


def _ring_of(coordinates: list) -> Ring:
    return tuple((float(point[0]), float(point[1])) for point in coordinates)


def decode_geojson(collection: dict) -> list[Boundary]:
    """Decode a GeoJSON FeatureCollection (as PDOK's WFS gives it) into boundaries.

    Polygon and MultiPolygon features with ``statcode`` and ``statnaam``; other
    geometries are skipped. A file in latitude-longitude order (what WFS 2.0 may
    give for EPSG:4326) is recognised (the Netherlands lies at 3-7 E, 50-54 N)
    and turned round.
    """
    boundaries = []
    for feature in collection["features"]:
        geometry = feature.get("geometry") or {}
        if geometry.get("type") == "Polygon":
            parts = [geometry["coordinates"]]
        elif geometry.get("type") == "MultiPolygon":
            parts = geometry["coordinates"]
        else:
            continue
        properties = feature.get("properties") or {}
        polygons = tuple(tuple(_ring_of(ring) for ring in part) for part in parts)
        code = properties.get("statcode") or feature.get("id")
        boundaries.append(Boundary(str(code), str(properties.get("statnaam", code)), polygons))
    first = next((ring[0] for b in boundaries for polygon in b.polygons for ring in polygon if ring), None)
    if first is not None and first[0] > 45:  # latitude first
        boundaries = [Boundary(b.code, b.naam, tuple(tuple(tuple((y, x) for x, y in ring) for ring in polygon)
                                                     for polygon in b.polygons)) for b in boundaries]
    return boundaries


def _decode(data: bytes | str, name: str) -> list[Boundary]:
    """Boundaries from a TopoJSON (object ``name``) or GeoJSON document."""
    document = json.loads(data)
    return decode_topology(document, name) if document.get("type") == "Topology" else decode_geojson(document)


def read_boundaries(year: int, folder: str | os.PathLike | None = None) -> dict[str, Boundary]:
    """Return the gemeente boundaries of ``year`` by code (sorted), from ``folder`` (default :func:`geo_dir`).

    Raises
    ------
    MissingDataError
        When the file is missing or holds no gemeente boundaries.
    """
    path = find_boundary_file(year, folder)
    return _read_file(path, f"gemeente_{year}", _how_to_get(year, path))


def _read_file(path: Path, name: str, hint: str = "") -> dict[str, Boundary]:
    info = path.stat()
    try:
        return dict(_read_cached(str(path), info.st_mtime_ns, info.st_size, name))
    except (ValueError, KeyError, TypeError, IndexError, AttributeError) as error:
        raise MissingDataError(f"{path} is not a TopoJSON file with object '{name}' nor a GeoJSON feature "
                               f"collection ({error!r}). {hint}".rstrip()) from error


@lru_cache(maxsize=8)
def _read_cached(path: str, mtime_ns: int, size: int, name: str) -> tuple[tuple[str, Boundary], ...]:
    """The boundaries of one file, by code; cached per process (a batch draws the same map for every report)
    and keyed on the file's time and size, so a replaced file is read again."""
    boundaries = _decode(Path(path).read_bytes(), name)
    return tuple((b.code, b) for b in sorted(boundaries, key=lambda b: b.code))


def find_wijk_file(folder: str | os.PathLike | None = None) -> Path | None:
    """Return the wijk boundary file (``wijk_<year>.topojson`` or ``.geojson``) of the latest year in ``folder``."""
    folder = geo_dir() if folder is None else Path(folder)
    stems = sorted({p.stem for suffix in _SUFFIXES for p in folder.glob(f"wijk_*{suffix}")}) if folder.is_dir() else []
    return _existing(folder, stems[-1]) if stems else None


def read_wijken(gemeente_code: str, folder: str | os.PathLike | None = None) -> dict[str, Boundary]:
    """Return the wijken of one gemeente by wijk code, from the wijk file of the latest year in ``folder``.

    A wijk file is a CBS wijk map, as GeoJSON (PDOK's ``wijk_gegeneraliseerd``)
    or as TopoJSON with object ``wijk_<year>``, whose areas have ``statcode``
    (``WK`` + the gemeente's four digits + two) and ``statnaam``. Returns an
    empty dict when there is no wijk file or the gemeente has no wijken in it.

    Raises
    ------
    MissingDataError
        When the wijk file cannot be read as either.
    """
    path = find_wijk_file(folder)
    if path is None:
        return {}
    digits = gemeente_code.upper().removeprefix("GM")
    wijken = _read_file(path, path.stem)
    return {code: b for code, b in wijken.items() if code.upper()[2:6] == digits}


def project(lon: float, lat: float) -> Point:
    """Project ``(lon, lat)`` onto a flat national map: x east, y down (SVG), in degrees of latitude.

    Equirectangular with longitude scaled by cos(:data:`MAP_LATITUDE`), so that the
    Netherlands keeps its shape.
    """
    return lon * _X_SCALE, -lat


def _shoelace(ring: Iterable[Point]) -> tuple[float, float, float]:
    """Twice the signed area and the (unnormalised) centroid sums of a closed ring, in lon/lat."""
    twice, cx, cy = 0.0, 0.0, 0.0
    ring = list(ring)
    for (x0, y0), (x1, y1) in zip(ring, ring[1:]):
        cross = x0 * y1 - x1 * y0
        twice += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    return twice, cx, cy


def ring_area(ring: Iterable[Point]) -> float:
    """Return the area (km², positive) of a closed ring of ``(lon, lat)`` points.

    Planar, with longitude scaled at the ring's mean latitude: good to well under
    one percent for a gemeente.
    """
    ring = list(ring)
    if len(ring) < 4:
        return 0.0
    mean_lat = sum(lat for _, lat in ring) / len(ring)
    km2_per_degree2 = _KM_PER_DEGREE_LAT ** 2 * math.cos(math.radians(mean_lat))
    return abs(_shoelace(ring)[0]) / 2 * km2_per_degree2


def area_km2(boundary: Boundary) -> float:
    """Return the area of a gemeente (km²): outer rings minus holes."""
    return sum(ring_area(p[0]) - sum(ring_area(hole) for hole in p[1:]) for p in boundary.polygons)


def centroid(boundary: Boundary) -> Point:
    """Return the area-weighted centroid ``(lon, lat)`` of a gemeente (holes subtracted)."""
    total, sx, sy = 0.0, 0.0, 0.0
    for polygon in boundary.polygons:
        for position, ring in enumerate(polygon):
            twice, cx, cy = _shoelace(ring)
            # outer rings count positive, holes negative, whatever their winding
            sign = (1 if position == 0 else -1) * (1 if twice >= 0 else -1)
            total += sign * twice
            sx += sign * cx
            sy += sign * cy
    if total == 0:
        points = [pt for polygon in boundary.polygons for ring in polygon for pt in ring]
        return sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points)
    return sx / (3 * total), sy / (3 * total)


@dataclass(frozen=True)
class MapFrame:
    """Places ``(lon, lat)`` in a ``width`` x ``height`` box: :func:`project`, then scale and shift."""

    scale: float
    dx: float
    dy: float

    def __call__(self, lon: float, lat: float) -> Point:
        x, y = project(lon, lat)
        return x * self.scale + self.dx, y * self.scale + self.dy


def fit_map(boundaries: Iterable[Boundary], width: float, height: float, padding: float = 0.0) -> MapFrame:
    """Return the :class:`MapFrame` that fits ``boundaries`` into the box, centred, aspect kept."""
    xs, ys = [], []
    for boundary in boundaries:
        for polygon in boundary.polygons:
            for lon, lat in polygon[0]:
                x, y = project(lon, lat)
                xs.append(x)
                ys.append(y)
    if not xs:
        raise ValueError("no boundaries to fit")
    span_x, span_y = max(xs) - min(xs), max(ys) - min(ys)
    scale = min((width - 2 * padding) / (span_x or 1), (height - 2 * padding) / (span_y or 1))
    dx = (width - span_x * scale) / 2 - min(xs) * scale
    dy = (height - span_y * scale) / 2 - min(ys) * scale
    return MapFrame(scale, dx, dy)


def svg_paths(boundaries: dict[str, Boundary], width: float, height: float,
              padding: float = 0.0, decimals: int = 1) -> dict[str, str]:
    """Return per gemeente code an SVG path ``d`` string, all fitted together into ``width`` x ``height``.

    Every ring is one closed subpath; draw with ``fill-rule="evenodd"`` so holes stay open.
    """
    frame = fit_map(boundaries.values(), width, height, padding)
    x_scale, y_scale, dx, dy = frame.scale * _X_SCALE, -frame.scale, frame.dx, frame.dy
    paths = {}
    for code, boundary in boundaries.items():
        parts = []
        for polygon in boundary.polygons:
            for ring in polygon:
                # inlined project() + frame: this loop runs for every point of the map
                xy = [f"{lon * x_scale + dx:.{decimals}f},{lat * y_scale + dy:.{decimals}f}" for lon, lat in ring[:-1]]
                if xy:
                    parts.append("M" + xy[0] + "L" + " ".join(xy[1:]) + "Z")
        paths[code] = "".join(parts)
    return paths


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


def download_boundaries(year: int, folder: str | os.PathLike | None = None, *, wijken: bool = False,
                        bron: str = "pdok", refresh: bool = False, url: str | None = None,
                        fetch: Callable[[str, float], bytes] = _fetch, timeout: float = 30.0,
                        page: int = 1000) -> Download:
    """Make sure the gemeente (or wijk) boundaries of ``year`` are in ``folder`` (default :func:`geo_dir`).

    A file already there is used as it is, unless ``refresh``. Otherwise it is
    downloaded: from PDOK's WFS of the CBS gebiedsindelingen (``bron="pdok"``,
    GeoJSON, page by page) or from the cartomap/nl copy (``"cartomap"``, TopoJSON,
    gemeenten only). A download is checked (areas with CBS codes), written
    atomically, and described in a sidecar ``<kind>_<year>.source.json`` (url,
    date, sha256). When the network fails and a file is there, that file is used.

    Parameters
    ----------
    year : int
        Layout year, e.g. 2013 or 2026.
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
        When the download fails or is not a boundary file and nothing is cached;
        the message gives the URL and where to put the file.
    ValueError
        For an unknown ``bron``, or wijken from cartomap.
    """
    if bron not in SOURCES or (wijken and bron != "pdok"):
        raise ValueError(f"bron '{bron}'{' for wijken' if wijken else ''}: choose {' or '.join(SOURCES)} "
                         "(wijken come from PDOK only)")
    kind = "wijk" if wijken else "gemeente"
    folder = geo_dir() if folder is None else Path(folder)
    existing = _existing(folder, f"{kind}_{year}")
    path = folder / f"{kind}_{year}{'.geojson' if bron == 'pdok' else '.topojson'}"
    source = url or (PDOK_URL.format(year=year, kind=kind, count=page, start=0) if bron == "pdok"
                     else BOUNDARY_URL.format(year=year))
    if existing and not refresh:
        return Download(existing, source, "cached", _sha256(existing.read_bytes()),
                        f"Using the boundary file already in place: {existing}")
    try:
        if bron == "pdok":
            source, data = _fetch_pdok(kind, year, fetch, timeout, page)
        else:
            data = fetch(source, timeout)
        found = _decode(data, f"{kind}_{year}")
        if not any(b.code.upper().startswith("GM" if kind == "gemeente" else "WK") for b in found):
            raise ValueError(f"no {kind} with a CBS code in the download")
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError) as error:
        if existing:
            return Download(existing, source, "cached-offline", _sha256(existing.read_bytes()),
                            f"Could not download {source} ({error}); using the file already in place: {existing}")
        raise MissingDataError(f"Could not download the {kind} boundaries of {year} from {source} ({error}). "
                               f"{_how_to_get(year, path, kind)}") from error
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
                    f"Downloaded {len(found)} {kind} areas from {source} to {path} ({len(data):,} bytes)")
