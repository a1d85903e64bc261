"""Gemeente boundaries: reading the CBS boundary files, map geometry, downloading with a cache.

The boundary files are the generalised CBS gemeente boundaries (CBS, Kadaster,
via PDOK; CC BY 4.0) as simplified by cartomap/nl: TopoJSON in WGS84, one
object ``gemeente_<year>`` with properties ``statcode`` and ``statnaam``. They
live in ``<data>/raw/geo/`` and stay out of git; :func:`download_boundaries`
fetches them, or a user copies ``gemeente_<year>.topojson`` into that folder.

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
import tempfile
import urllib.request
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable

from .errors import MissingDataError
from .settings import data_paths

__all__ = [
    "BOUNDARY_URL",
    "GEO_SUBDIR",
    "MAP_LATITUDE",
    "Boundary",
    "Download",
    "MapFrame",
    "geo_dir",
    "boundary_file",
    "find_boundary_file", "find_wijk_file", "read_wijken",
    "decode_topology",
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


def boundary_file(year: int, folder: str | os.PathLike | None = None) -> Path:
    """Return where the boundary file of ``year`` belongs (whether or not it is there)."""
    folder = geo_dir() if folder is None else Path(folder)
    return folder / f"gemeente_{year}.topojson"


def _how_to_get(year: int, path: Path) -> str:
    return (f"Download it with `buitenbeeld grenzen --jaar {year}`, or download "
            f"{BOUNDARY_URL.format(year=year)} yourself and save it as {path} "
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


def read_boundaries(year: int, folder: str | os.PathLike | None = None) -> dict[str, Boundary]:
    """Return the gemeente boundaries of ``year`` by code (sorted), from ``folder`` (default :func:`geo_dir`).

    Raises
    ------
    MissingDataError
        When the file is missing or holds no ``gemeente_<year>`` object.
    """
    path = find_boundary_file(year, folder)
    info = path.stat()
    try:
        return dict(_read_topology(str(path), info.st_mtime_ns, info.st_size, f"gemeente_{year}"))
    except (ValueError, KeyError, TypeError, IndexError) as error:
        raise MissingDataError(
            f"{path} is not a TopoJSON file with object 'gemeente_{year}' ({error!r}). {_how_to_get(year, path)}"
        ) from error


@lru_cache(maxsize=8)
def _read_topology(path: str, mtime_ns: int, size: int, name: str) -> tuple[tuple[str, Boundary], ...]:
    """The boundaries of one file, by code; cached per process (a batch draws the same map for every report)
    and keyed on the file's time and size, so a replaced file is read again."""
    boundaries = decode_topology(json.loads(Path(path).read_text(encoding="utf-8")), name)
    return tuple((b.code, b) for b in sorted(boundaries, key=lambda b: b.code))


def find_wijk_file(folder: str | os.PathLike | None = None) -> Path | None:
    """Return the newest wijk boundary file (``wijk_<year>.topojson``) in ``folder``, or None."""
    folder = geo_dir() if folder is None else Path(folder)
    files = sorted(folder.glob("wijk_*.topojson")) if folder.is_dir() else []
    return files[-1] if files else None


def read_wijken(gemeente_code: str, folder: str | os.PathLike | None = None) -> dict[str, Boundary]:
    """Return the wijken of one gemeente by wijk code, from the newest wijk file in ``folder``.

    A wijk file is a CBS wijk map as TopoJSON with object ``wijk_<year>`` whose
    geometries have ``statcode`` (``WK`` + the gemeente's four digits + two) and
    ``statnaam``. Returns an empty dict when there is no wijk file or the
    gemeente has no wijken in it.

    Raises
    ------
    MissingDataError
        When the wijk file is not a TopoJSON file with that object.
    """
    path = find_wijk_file(folder)
    if path is None:
        return {}
    digits = gemeente_code.upper().removeprefix("GM")
    try:
        boundaries = decode_topology(json.loads(path.read_text(encoding="utf-8")), path.stem)
    except (ValueError, KeyError, TypeError, IndexError) as error:
        raise MissingDataError(f"{path} is not a TopoJSON file with object '{path.stem}' ({error!r}).") from error
    return {b.code: b for b in sorted(boundaries, key=lambda b: b.code) if b.code.upper()[2:6] == digits}


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


def _write_atomically(path: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as f:
            f.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def download_boundaries(year: int, folder: str | os.PathLike | None = None, *, refresh: bool = False,
                        url: str | None = None, fetch: Callable[[str, float], bytes] = _fetch,
                        timeout: float = 30.0) -> Download:
    """Make sure the boundary file of ``year`` is in ``folder`` (default :func:`geo_dir`); download it if not.

    A file already there is used as it is, unless ``refresh``. A download is
    checked (a TopoJSON with object ``gemeente_<year>``), written atomically, and
    described in a sidecar ``gemeente_<year>.source.json`` (url, date, sha256).
    When the network fails and a file is there, that file is used.

    Parameters
    ----------
    year : int
        Layout year, e.g. 2013 or 2026.
    refresh : bool
        Download again even when the file is there.
    url : str, optional
        Where to download from (default :data:`BOUNDARY_URL`).
    fetch : callable
        ``fetch(url, timeout) -> bytes``; tests pass a fake.

    Raises
    ------
    MissingDataError
        When the download fails or is not a boundary file and nothing is cached;
        the message gives the URL and where to put the file.
    """
    path = boundary_file(year, folder)
    url = url or BOUNDARY_URL.format(year=year)
    if path.is_file() and not refresh:
        return Download(path, url, "cached", _sha256(path.read_bytes()),
                        f"Using the boundary file already in place: {path}")
    try:
        data = fetch(url, timeout)
        topology = json.loads(data.decode("utf-8"))
        decode_topology(topology, f"gemeente_{year}")
    except (OSError, ValueError, KeyError, TypeError, IndexError) as error:
        if path.is_file():
            return Download(path, url, "cached-offline", _sha256(path.read_bytes()),
                            f"Could not download {url} ({error}); using the file already in place: {path}")
        raise MissingDataError(f"Could not download the gemeente boundaries of {year} from {url} ({error}). "
                               f"{_how_to_get(year, path)}") from error
    path.parent.mkdir(parents=True, exist_ok=True)
    digest = _sha256(data)
    _write_atomically(path, data)
    sidecar = {"url": url, "downloaded": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
               "sha256": digest, "bytes": len(data)}
    _write_atomically(path.with_suffix(".source.json"),
                      (json.dumps(sidecar, indent=2) + "\n").encode("utf-8"))
    return Download(path, url, "downloaded", digest, f"Downloaded {url} to {path} ({len(data):,} bytes)")
