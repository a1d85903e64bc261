"""Gemeente and wijk boundaries: reading the CBS boundary files, map geometry, downloading with a cache.

The boundary files are the generalised CBS boundaries (CBS, Kadaster, via
PDOK; CC BY 4.0), ``<kind>_<year>`` with ``kind`` gemeente or wijk, in WGS84,
with properties ``statcode`` and ``statnaam``: GeoJSON as PDOK's WFS gives it,
or TopoJSON as cartomap/nl simplified it (one object ``<kind>_<year>``). A
user's own files live in ``<data>/raw/geo/`` and stay out of git;
:func:`buitenbeeld.reference.pdok.download_boundaries` fetches them
(``buitenbeeld grenzen``), or a user copies a file into that folder. PDOK's WFS
has no boundaries of 2015 and before (:data:`HISTORICAL_UNTIL`): those of 2013
come from the cartomap/nl copy or from the CBS files (:func:`boundary_hint`).

The gemeente boundaries of 2013 and 2026 also ship with the package
(:data:`PACKAGED_GEO`, made by ``scripts/build_boundaries.py``; source and
licence in its ``SOURCE.md``): when a data folder's own boundary folder
(``<data>/raw/geo``, :func:`geo_dir`) has no file of a year, those are read
instead (:func:`find_boundary_file`), so a fresh clone draws its maps without a
download. A file in ``<data>/raw/geo`` always wins; a folder named on purpose
(``buitenbeeld rapporten --grenzen MAP``) is taken at its word: a file missing
there is said, not replaced. Wijk boundaries are not shipped.

Decoding is plain Python (no GDAL): a gemeente becomes a :class:`Boundary`
holding polygons, a polygon a tuple of rings (outer ring first, then holes), a
ring a tuple of ``(lon, lat)`` points whose last point repeats the first.
"""
from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from buitenbeeld.errors import MissingDataError
from buitenbeeld.settings import data_paths, resource

__all__ = [
    "HISTORICAL_UNTIL",
    "PACKAGED_GEO",
    "GEO_SUBDIR",
    "MAP_LATITUDE",
    "Boundary",
    "MapFrame",
    "geo_dir",
    "boundary_file",
    "boundary_hint",
    "find_boundary_file", "find_wijk_file", "read_wijken",
    "decode_topology",
    "decode_geojson",
    "decode_boundaries",
    "read_boundaries",
    "project",
    "ring_area",
    "area_km2",
    "centroid",
    "fit_map",
    "svg_paths",
]

#: The last year of PDOK's separate historical dataset of the CBS gebiedsindelingen (1995-2015): boundaries
#: of these years are not on the WFS that ``buitenbeeld grenzen`` downloads from.
HISTORICAL_UNTIL = 2015
#: Boundary files the workbench reads: TopoJSON (cartomap) or GeoJSON (PDOK), named ``<kind>_<year>.<suffix>``.
_SUFFIXES = (".topojson", ".geojson")
#: Folder under the data folder's ``raw/`` that holds the boundary files.
GEO_SUBDIR = "geo"
#: The gemeente boundaries of 2013 and 2026 that ship with the package (CBS, Kadaster; CC BY 4.0).
PACKAGED_GEO: Path = resource("data/grenzen")
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


def geo_dir(data_dir: str | os.PathLike | None = None) -> Path:
    """Return the folder of boundary files of a data folder: ``<data>/raw/geo``."""
    return data_paths(data_dir).raw / GEO_SUBDIR


def _existing(folder: Path, stem: str) -> Path | None:
    """The boundary file ``<stem>.topojson`` or ``.geojson`` in ``folder`` (the newest when both are there)."""
    found = [folder / f"{stem}{suffix}" for suffix in _SUFFIXES if (folder / f"{stem}{suffix}").is_file()]
    return max(found, key=lambda p: p.stat().st_mtime_ns) if found else None


def boundary_file(year: int, folder: str | os.PathLike | None = None, kind: str = "gemeente") -> Path:
    """Return the boundary file of ``kind`` (gemeente or wijk) of ``year`` in ``folder``, or where a TopoJSON one belongs."""
    folder = geo_dir() if folder is None else Path(folder)
    return _existing(folder, f"{kind}_{year}") or folder / f"{kind}_{year}.topojson"


def boundary_hint(year: int, folder: str | os.PathLike, kind: str = "gemeente") -> str:
    """How to get the boundary file of ``kind`` and ``year`` into ``folder``, in Dutch, for messages.

    For a year after :data:`HISTORICAL_UNTIL`: ``buitenbeeld grenzen`` (from PDOK).
    For 2015 and before: that PDOK's WFS does not have them, and where they do
    come from (the cartomap/nl copy, for gemeenten; the CBS files).
    """
    wijken = " --wijken" if kind == "wijk" else ""
    files = f"{kind}_{year}.geojson of {kind}_{year}.topojson"
    if year > HISTORICAL_UNTIL:
        return (f"Haal ze op met `buitenbeeld grenzen --jaar {year}{wijken}` (bron: CBS en Kadaster via PDOK, "
                f"CC BY 4.0). Of zet zelf een bestand {files} in {folder}.")
    text = (f"De {kind}grenzen van {year} staan niet in de downloaddienst (WFS) van PDOK die de werkbank gebruikt. "
            f"PDOK heeft de CBS-gebiedsindelingen van 1995 tot en met {HISTORICAL_UNTIL} in een aparte, historische "
            "dataset; die haalt de werkbank niet op. ")
    if kind == "gemeente":
        text += (f"Haal de grenzen van {year} op met `buitenbeeld grenzen --jaar {year} --bron cartomap`: een "
                 "vereenvoudigde kopie van de CBS-grenzen door cartomap/nl (CC BY 4.0). ")
    return text + (f"Of zet een bestand {files} van het CBS in {folder}. Staat het bestand in een andere map? "
                   "Geef die map dan aan de rapporten: `buitenbeeld rapporten --grenzen MAP`.")


def _is_data_geo_dir(folder: Path) -> bool:
    """True for a data folder's own boundary folder, ``<data>/raw/geo`` (what :func:`geo_dir` gives)."""
    return folder.parts[-2:] == ("raw", GEO_SUBDIR)


def find_boundary_file(year: int, folder: str | os.PathLike | None = None) -> Path:
    """Return the path of the gemeente boundary file of ``year`` in ``folder`` (default :func:`geo_dir`).

    When ``folder`` is a data folder's own boundary folder (``<data>/raw/geo``, also
    the default) and has no file of ``year``, the file shipped with the package
    (:data:`PACKAGED_GEO`: 2013 and 2026) is returned instead. Any other folder
    is taken at its word.

    Raises
    ------
    MissingDataError
        When the file is not there (nor shipped); the message says how to get it (in Dutch).
    """
    path = boundary_file(year, folder)
    if not path.is_file() and _is_data_geo_dir(path.parent):
        path = _existing(PACKAGED_GEO, f"gemeente_{year}") or path
    if not path.is_file():
        raise MissingDataError(f"Geen gemeentegrenzen van {year}: {path} bestaat niet. "
                               f"{boundary_hint(year, path.parent)}")
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


def decode_boundaries(data: bytes | str, name: str) -> list[Boundary]:
    """Decode a TopoJSON document (its object ``name``) or a GeoJSON FeatureCollection into boundaries."""
    document = json.loads(data)
    return decode_topology(document, name) if document.get("type") == "Topology" else decode_geojson(document)


def read_boundaries(year: int, folder: str | os.PathLike | None = None) -> dict[str, Boundary]:
    """Return the gemeente boundaries of ``year`` by code (sorted), from ``folder`` (default :func:`geo_dir`).

    A data folder's ``raw/geo`` without a file of ``year`` falls back to the
    boundaries shipped with the package (2013 and 2026; see :func:`find_boundary_file`).

    Raises
    ------
    MissingDataError
        When the file is missing or holds no gemeente boundaries.
    """
    path = find_boundary_file(year, folder)
    return _read_file(path, f"gemeente_{year}", boundary_hint(year, path.parent))


def _read_file(path: Path, name: str, hint: str = "") -> dict[str, Boundary]:
    info = path.stat()
    try:
        return dict(_read_cached(str(path), info.st_mtime_ns, info.st_size, name))
    except (ValueError, KeyError, TypeError, IndexError, AttributeError) as error:
        raise MissingDataError(f"{path} is geen TopoJSON-bestand met object '{name}' en ook geen GeoJSON-"
                               f"FeatureCollection ({error!r}). {hint}".rstrip()) from error


@lru_cache(maxsize=8)
def _read_cached(path: str, mtime_ns: int, size: int, name: str) -> tuple[tuple[str, Boundary], ...]:
    """The boundaries of one file, by code; cached per process (a batch draws the same map for every report)
    and keyed on the file's time and size, so a replaced file is read again."""
    boundaries = decode_boundaries(Path(path).read_bytes(), name)
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
