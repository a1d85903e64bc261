"""Build the crosswalk of CBS gemeenten 2013 -> 2026 from the two boundary files.

Writes ``lib/buitenbeeld/data/crosswalk_2013_2026.csv``: per 2013 gemeente one
or more 2026 gemeenten with a share (``aandeel``, six decimals, summing to
exactly 1 per 2013 code) and a kind (``soort``):

- ``ongewijzigd``: the code still exists in 2026 and its 2013 area lies mostly
  (at least :data:`SELF_SHARE` of its core) in itself: share 1 to itself.
- ``samengevoegd``: the code ceased and at least :data:`MERGE_SHARE` of its core
  lies in one 2026 gemeente: share 1 to that gemeente.
- ``gesplitst-naar-oppervlakte``: the code ceased and was divided. Every 2026
  gemeente holding at least :data:`PART_SHARE` of the core gets a share by area
  of overlap (the full 2013 area), renormalised over those parts.

The boundaries are generalised (cartomap/nl simplified them with mapshaper) and
the 2013 and 2026 simplifications do not line up: strips of a few hundred metres
along borders fall in the neighbour. The *core* of a 2013 gemeente is its area
shrunk by :data:`CORE_BUFFER_KM`, which drops those strips, so they neither make
a merger look like a split nor get a share. Pieces of the core that are left
out anyway (border corrections, water) are named in ``toelichting`` when they
are at least :data:`NOTE_SHARE` of it.

Needs ``shapely`` (build time only; the package reads the CSV without it).

Usage::

    python scripts/build_crosswalk.py [GEO_DIR [OUT_FILE]]

GEO_DIR defaults to ``../shared/data/geo`` relative to the repository root and
must hold ``gemeente_2013.topojson`` and ``gemeente_2026.topojson``.
"""
from __future__ import annotations

import csv
import io
import sys
from collections import Counter
from pathlib import Path

from shapely import STRtree, make_valid
from shapely.geometry import MultiPolygon, Polygon

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "lib"))
from buitenbeeld.common.files import hash_file  # noqa: E402
from buitenbeeld.common.formatting import format_share  # noqa: E402
from buitenbeeld.reference.crosswalk import MERGED, SPLIT, UNCHANGED  # noqa: E402
from buitenbeeld.reference.geo import Boundary, find_boundary_file, project, read_boundaries  # noqa: E402

TARGET = REPO / "lib" / "buitenbeeld" / "data" / "crosswalk_2013_2026.csv"
OLD, NEW = 2013, 2026

#: Shrink a 2013 gemeente by this much (km) to get its core (misaligned border strips drop out).
CORE_BUFFER_KM = 0.5
#: A core that shrinks to less than this fraction of the area (tiny gemeenten) is not used; the full area is.
MIN_CORE_FRACTION = 0.25
#: A continuing code maps to itself when at least this share of its core lies in itself.
SELF_SHARE = 0.5
#: A ceased code is a merger when at least this share of its core lies in one 2026 gemeente.
MERGE_SHARE = 0.8
#: In a split, a 2026 gemeente with less than this share of the core gets nothing (a sliver).
PART_SHARE = 0.02
#: Left-out pieces of at least this share of the core are named in ``toelichting``.
NOTE_SHARE = 0.02
#: Shares are written in millionths.
UNITS = 1_000_000

_KM_PER_UNIT = 111.2  # project() gives degrees of latitude

HEADER = ["code_2013", "naam_2013", "code_2026", "naam_2026", "aandeel", "soort", "toelichting"]
SPLIT_NOTE = "aandeel naar oppervlakte van de overlap (schatting)"


def _shape(boundary: Boundary):
    polygons = [Polygon([project(*p) for p in polygon[0]], [[project(*p) for p in hole] for hole in polygon[1:]])
                for polygon in boundary.polygons]
    return make_valid(polygons[0] if len(polygons) == 1 else MultiPolygon(polygons))


def _core(shape):
    core = shape.buffer(-CORE_BUFFER_KM / _KM_PER_UNIT)
    return core if core.area >= MIN_CORE_FRACTION * shape.area else shape


def _overlaps(shape, tree: STRtree, codes: list[str], shapes: dict) -> dict[str, float]:
    """2026 code -> area of overlap with ``shape`` (only non-zero)."""
    areas = {}
    for i in sorted(tree.query(shape)):
        area = shape.intersection(shapes[codes[i]]).area
        if area > 0:
            areas[codes[i]] = area
    return areas


def _millionths(weights: dict[str, float]) -> dict[str, int]:
    """Shares in millionths that sum to exactly :data:`UNITS` (largest remainder, ties by code)."""
    total = sum(weights.values())
    exact = {code: w / total * UNITS for code, w in weights.items()}
    units = {code: int(value) for code, value in exact.items()}
    short = UNITS - sum(units.values())
    for code in sorted(exact, key=lambda c: (-(exact[c] - units[c]), c))[:short]:
        units[code] += 1
    return units


def _percent(share: float) -> str:
    return format_share(share)


def build_rows(geo: Path) -> list[list[str]]:
    """Return the crosswalk rows (without header), sorted by 2013 code, then 2026 code."""
    old, new = read_boundaries(OLD, geo), read_boundaries(NEW, geo)
    new_shapes = {code: _shape(b) for code, b in new.items()}
    codes = list(new_shapes)
    tree = STRtree([new_shapes[c] for c in codes])
    rows = []
    for code, boundary in old.items():
        shape = _shape(boundary)
        core = _overlaps(_core(shape), tree, codes, new_shapes)
        core_total = sum(core.values())
        core_share = {c: a / core_total for c, a in core.items()}
        largest = max(core_share, key=lambda c: (core_share[c], c))
        if code in new and core_share.get(code, 0) >= SELF_SHARE:
            soort, parts = UNCHANGED, [code]
        elif code in new:
            raise SystemExit(f"{code} {boundary.naam} exists in {NEW} but lies mostly elsewhere: {core_share}")
        elif core_share[largest] >= MERGE_SHARE:
            soort, parts = MERGED, [largest]
        else:
            soort, parts = SPLIT, [c for c in core_share if core_share[c] >= PART_SHARE]
        if len(parts) == 1:
            shares = {parts[0]: UNITS}
            left_out = [c for c in sorted(core_share) if c not in parts and core_share[c] >= NOTE_SHARE]
            note = "; ".join(f"genegeerd: {_percent(core_share[c])} van het gebied ligt in {new[c].naam} ({c})"
                             for c in left_out)
        else:
            full = _overlaps(shape, tree, codes, new_shapes)
            shares = _millionths({c: full[c] for c in parts})
            note = SPLIT_NOTE
        for target in sorted(parts):
            rows.append([code, boundary.naam, target, new[target].naam, f"{shares[target] / UNITS:.6f}", soort, note])
    return rows


def render(rows: list[list[str]], geo: Path) -> str:
    """Return the CSV text: comment lines (source, licence, how it is made), header, rows."""
    hashes = ", ".join(f"{p.name} sha256 {hash_file(p)[:16]}"
                       for p in (find_boundary_file(OLD, geo), find_boundary_file(NEW, geo)))
    out = io.StringIO()
    out.write("# Crosswalk CBS gemeenten 2013 -> 2026. Generated by scripts/build_crosswalk.py; do not edit.\n"
              "# Source: CBS gebiedsindelingen (CBS, Kadaster, via PDOK), generalised by cartomap/nl; CC BY 4.0.\n"
              f"# Inputs: {hashes}.\n"
              f"# Rules: core = area shrunk by {CORE_BUFFER_KM} km; ongewijzigd if >= {SELF_SHARE:.0%} of the core "
              f"in itself; samengevoegd if >= {MERGE_SHARE:.0%} in one 2026 gemeente; otherwise split by area "
              f"over gemeenten with >= {PART_SHARE:.0%} of the core. "
              "Percentages in toelichting are of the core.\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue()


def main(argv: list[str]) -> int:
    geo = Path(argv[1]) if len(argv) > 1 else REPO.parent / "shared" / "data" / "geo"
    target = Path(argv[2]) if len(argv) > 2 else TARGET
    rows = build_rows(geo)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render(rows, geo), encoding="utf-8", newline="")
    kinds = Counter({r[0]: r[5] for r in rows}.values())
    print(f"wrote {target}: " + ", ".join(f"{kind}: {n}" for kind, n in sorted(kinds.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
