"""Fingerprints of what makes a report, so that a batch renders only the reports whose inputs changed.

Each report folder holds ``vingerafdruk.json`` (:data:`FINGERPRINT_FILE`): the hashes
of everything the report was made from (its *onderdelen*), one hash over them all, and
the SHA-256 of every file the render wrote. No value from the data is in it: only
hashes, the version, and settings such as peiljaar and drempel. The parts:

- ``tabel:<naam>``: every processed table (``processed/*.parquet``, whatever tables
  there are): the rows of the gemeente when the table has a ``gemeentecode`` column
  (the organisations, the pilot steps and scouts), else the whole table (the counts
  per file, the rejects, the synthetic flags: the report shows totals over all files);
- ``invoerbestanden``: the raw files this gemeente's rows come from (``bron_bestand``;
  the verantwoording shows their hashes);
- ``banden``: the bands of the gemeente's organisations against the same type in all
  interviews (:func:`buitenbeeld.analysis.compare.type_bands`), the figure the report
  shows. A change in another gemeente re-renders this one only when its bands change;
- ``cbs``: every raw input that is not read into the processed tables per gemeente (the
  CBS maatwerk tables, files of unknown kind), whole: section 2 compares with other
  gemeenten and draws them all on the national map;
- ``statline`` (the cached StatLine downloads), ``grenzen`` (the boundary files);
- ``notebook``, ``rekenwijze`` (the scoring file), ``kolomindeling`` (the CBS column
  mapping), ``werkbank`` (the version), ``code`` (the package's files: code, templates,
  shipped data), ``pakketten`` (the versions the verantwoording lists) and
  ``instellingen`` (peiljaar, drempel, PDF or not, the names of the chosen files).

Nothing here starts a kernel or runs a notebook: the processed tables are read and
hashed once per batch. The bands need the national comparison; it is computed only
when the organisations of all gemeenten, the scoring or the code changed since a report
recorded its bands (``banden_basis``).

:func:`why_render` says whether a report is unchanged and intact, and if not why
(in Dutch); :func:`write_fingerprint` records the fingerprint and the written files.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import sys
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import numpy as np
import pandas as pd

from buitenbeeld.analysis.aanpak import passed_reviews
from buitenbeeld.analysis.compare import type_bands
from buitenbeeld.analysis.scoring import DEFAULT_CONFIG, compute_profiles, load_config
from buitenbeeld.common.files import hash_file, write_atomic
from buitenbeeld.common.vocabulary import ROLES
from buitenbeeld.ingest.cbs_layout import DEFAULT_MAPPING
from buitenbeeld.ingest.pipeline import build_processed
from buitenbeeld.ingest.sources import KINDS
from buitenbeeld.ingest.statline import find_caches
from buitenbeeld.reference.geo import geo_dir
from buitenbeeld.settings import VERSION, data_paths, resource

__all__ = [
    "FINGERPRINT_FILE", "PER_GEMEENTE_KINDS", "PACKAGES", "BatchFingerprints", "batch_fingerprints", "plan_batch",
    "package_digest", "why_render", "write_fingerprint", "read_fingerprint", "table_digests",
]

FINGERPRINT_FILE = "vingerafdruk.json"
_FORMAT = 1
#: Input kinds read into the processed tables, row by row with their gemeente: covered by ``tabel:*``.
#: (A report reads only its own gemeente's rows of the aanpak and the CBS wijk table.)
PER_GEMEENTE_KINDS = frozenset({"interviews", "pilot", "pilot-scouts", "aanpak", "cbs-wijken"})
#: The packages whose versions the verantwoording lists (with Python's).
PACKAGES = ("pandas", "numpy", "babel", "papermill", "nbconvert", "openpyxl")
#: Written by a render whose PDF failed: the next batch tries again.
_PDF_FAILED = "pdf-mislukt.txt"
_LABELS = {
    "werkbank": "versie van de werkbank", "code": "programmacode van de werkbank", "pakketten": "pakketversies",
    "notebook": "het notebook", "rekenwijze": "de rekenwijze (scoring)", "kolomindeling": "de kolomindeling CBS",
    "cbs": "de CBS-tabellen", "statline": "de StatLine-cijfers", "grenzen": "de grensbestanden",
    "instellingen": "de instellingen", "invoerbestanden": "de invoerbestanden",
    "banden": "de vergelijking met hetzelfde type", "evaluaties": "een evaluatiedatum die voorbij is",
}


def _digest(*parts) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode("utf-8")).hexdigest()


def _files_digest(paths) -> str:
    return _digest(sorted((Path(p).name, hash_file(Path(p))) for p in paths if Path(p).is_file()))


def _cell_text(value) -> str:
    if isinstance(value, np.ndarray):
        value = value.tolist()
    return repr(value)


def _row_hashes(frame: pd.DataFrame) -> np.ndarray:
    """One uint64 per row over all its values; lists and other objects by their text."""
    if frame.shape[1] == 0:
        return np.zeros(len(frame), dtype=np.uint64)
    prepared = frame.copy()
    for column in [c for c, kind in prepared.dtypes.items() if pd.api.types.is_object_dtype(kind)]:
        prepared[column] = prepared[column].map(_cell_text)
    return pd.util.hash_pandas_object(prepared, index=False).to_numpy()


def table_digests(frame: pd.DataFrame) -> tuple[str, dict[str, str] | None]:
    """The hash of a processed table as a whole, and per gemeentecode (None: the table has no such column)."""
    header = [(str(c), str(t)) for c, t in frame.dtypes.items()]
    rows = _row_hashes(frame)
    whole = _digest(header, hashlib.sha256(rows.tobytes()).hexdigest())
    if "gemeentecode" not in frame:
        return whole, None
    groups = frame.groupby(frame["gemeentecode"].astype(str), sort=False).indices
    return whole, {code: _digest(header, hashlib.sha256(rows[np.sort(at)].tobytes()).hexdigest())
                   for code, at in groups.items()}


def _read_tables(processed: Path) -> tuple[dict[str, tuple[str, dict[str, str] | None]], dict[str, set[str]]]:
    """Every processed table's hashes (:func:`table_digests`, by file stem), and per gemeentecode the raw
    files its rows come from (``bron_bestand``), over all tables. The personal table (a subfolder) is not read."""
    digests, sources = {}, {}
    for path in sorted(processed.glob("*.parquet")):
        frame = pd.read_parquet(path)
        digests[path.stem] = table_digests(frame)
        if {"gemeentecode", "bron_bestand"} <= set(frame.columns):
            pairs = frame[["gemeentecode", "bron_bestand"]].dropna().astype(str).drop_duplicates()
            for code, name in pairs.itertuples(index=False):
                sources.setdefault(code, set()).add(name)
    return digests, sources


#: Parts of the package that make no report: the command line and the demo data generator.
_NOT_IN_REPORTS = ("cli.py", "demo")


def package_digest() -> str:
    """The hash of the package's files that make a report: code, templates, configuration and shipped data.

    In an installed release this changes with the version; in a source checkout it makes an edited
    module or template render the reports again.
    """
    root = resource("")
    files = sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                   and p.suffix != ".pyc" and p.relative_to(root).parts[0] not in _NOT_IN_REPORTS)
    return _digest([(p.relative_to(root).as_posix(), hash_file(p)) for p in files])


def _versions() -> dict[str, str]:
    found = {"python": sys.version.split()[0]}
    for name in PACKAGES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "-"
    return found


def _name(path: str) -> str:
    return Path(path).name if path else ""


@dataclass
class BatchFingerprints:
    """The fingerprints of one batch: per gemeentecode its parts, and the national comparison's basis."""

    shared: dict[str, object]
    per_table: dict[str, tuple[str, dict[str, str] | None]]
    sources: dict[str, set[str]]
    raw_hashes: dict[str, str]
    bands_basis: str
    reviews: dict[str, str] = field(default_factory=dict)
    _bands: dict[str, str] | None = field(default=None, repr=False)
    _alle: pd.DataFrame | None = field(default=None, repr=False)
    _config: object | None = field(default=None, repr=False)

    def bands(self, code: str, recorded: dict | None = None) -> str:
        """The hash of the bands of ``code``'s organisations; the recorded one while its basis holds."""
        if recorded and recorded.get("banden_basis") == self.bands_basis and "banden" in recorded.get("onderdelen", {}):
            return recorded["onderdelen"]["banden"]
        if self._bands is None:
            self._bands = _national_bands(self._alle, self._config)
        return self._bands.get(code, "-")

    def parts(self, code: str, recorded: dict | None = None) -> dict[str, object]:
        """Every part of the fingerprint of the report of ``code``."""
        parts = dict(self.shared)
        for name, (whole, by_code) in self.per_table.items():
            parts[f"tabel:{name}"] = whole if by_code is None else by_code.get(code, "-")
        parts["invoerbestanden"] = _digest(sorted((n, self.raw_hashes.get(n, "-")) for n in self.sources.get(code, ())))
        parts["banden"] = self.bands(code, recorded)
        parts["evaluaties"] = self.reviews.get(code, "-")
        return parts

    def record(self, code: str, recorded: dict | None = None) -> dict:
        """What ``vingerafdruk.json`` holds before the render adds its files."""
        parts = self.parts(code, recorded)
        return {"formaat": _FORMAT, "gemeente": code, "vingerafdruk": _digest(parts), "banden_basis": self.bands_basis,
                "onderdelen": parts}


def _national_bands(alle: pd.DataFrame, config) -> dict[str, str]:
    """Per gemeentecode the hash of its organisations' bands among the same type in all interviews."""
    if alle is None or alle.empty or "gemeentecode" not in alle:
        return {}
    alle = alle.reset_index(drop=True)  # as compare_organisations does
    bands = type_bands(alle, compute_profiles(alle, config), alle.index, config)
    columns = [f"{role}_{what}" for role in ROLES for what in ("band", "ook", "vergeleken")]
    shown = bands[columns].astype(str)
    shown.insert(0, "organisatie_id", alle["organisatie_id"].astype(str) if "organisatie_id" in alle else alle.index)
    return {str(code): _digest(rows.to_numpy().tolist()) for code, rows in shown.groupby(alle["gemeentecode"].astype(str))}


def batch_fingerprints(data_dir: Path | None, options, notebook: Path) -> BatchFingerprints:
    """The parts of every report's fingerprint for this data folder and these render ``options``.

    ``options`` is a :class:`buitenbeeld.publish.render.RenderOptions`, ``notebook`` the report
    notebook. Reads the
    processed tables (rebuilt first when ``raw/`` changed), hashes the inputs that are
    not per gemeente, and prepares the national comparison (computed only when needed).
    """
    from buitenbeeld.publish.pdf import find_chromium  # a lookup on PATH, only for the fingerprint

    build = build_processed(data_dir)
    paths = data_paths(data_dir)
    per_table, sources = _read_tables(paths.processed)
    per_gemeente = [path for kind, attribute in KINDS.items() if kind in PER_GEMEENTE_KINDS
                    for path in getattr(build.inputs, attribute)]
    whole = [path for kind, attribute in KINDS.items() if kind not in PER_GEMEENTE_KINDS
             for path in getattr(build.inputs, attribute)]
    raw_hashes: dict[str, str] = {}
    for path in per_gemeente:
        digest = hash_file(path) if path.is_file() else "-"
        raw_hashes[path.name] = digest
        raw_hashes[path.relative_to(paths.raw).as_posix() if path.is_relative_to(paths.raw) else str(path)] = digest
    grenzen = Path(options.grenzen) if options.grenzen else geo_dir(data_dir)
    scoring = Path(options.configuratie) if options.configuratie else DEFAULT_CONFIG
    mapping = Path(options.cbs_kolommen) if options.cbs_kolommen else DEFAULT_MAPPING
    caches = find_caches(paths.raw)
    shared = {
        "werkbank": VERSION,
        "code": package_digest(),
        "pakketten": _digest(_versions()),
        "notebook": hash_file(Path(notebook)),
        "rekenwijze": hash_file(scoring) if scoring.is_file() else "-",
        "kolomindeling": hash_file(mapping) if mapping.is_file() else "-",
        "cbs": _digest(sorted((p.relative_to(paths.raw).as_posix() if p.is_relative_to(paths.raw) else p.name,
                               hash_file(p)) for p in whole if p.is_file())),
        "statline": _files_digest([*caches, *(p.with_suffix(".parquet") for p in caches)]),
        "grenzen": _files_digest(sorted(grenzen.glob("*"))) if grenzen.is_dir() else "-",
        "instellingen": {"peiljaar": int(options.peiljaar), "drempel": int(options.drempel),
                         "pdf": bool(options.pdf and find_chromium()), "gegenereerd_op": options.gegenereerd_op,
                         "configuratie": _name(options.configuratie), "cbs_kolommen": _name(options.cbs_kolommen),
                         "grenzen": _name(options.grenzen)},
    }
    organisaties = per_table.get("organisaties", ("-", None))[0]
    basis = _digest(organisaties, shared["rekenwijze"], shared["code"])
    config = load_config(options.configuratie or None)
    return BatchFingerprints(shared, per_table, sources, raw_hashes, basis, _passed_reviews(build.aanpak, options),
                             _alle=build.result.organisaties, _config=config)


def _passed_reviews(aanpak, options) -> dict[str, str]:
    """Per gemeentecode the hash of the aanpak's review dates that have passed on the report's day.

    The report lists them (section 7) as of the day it is made (``gegenereerd_op``, else
    today): when another one passes, the report is made again, although no input changed.
    """
    kaders = aanpak.kaders
    if kaders.empty or "gemeentecode" not in kaders:
        return {}
    day = dt.date.fromisoformat(options.gegenereerd_op[:10]) if options.gegenereerd_op else dt.date.today()
    return {str(code): _digest([str(d) for d in passed_reviews(rows, day)["evaluatiedatum"]])
            for code, rows in kaders.groupby("gemeentecode")}


def read_fingerprint(folder: Path) -> dict | None:
    """The recorded fingerprint of a report folder, or None (none, or not readable)."""
    try:
        recorded = json.loads((Path(folder) / FINGERPRINT_FILE).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    return recorded if isinstance(recorded, dict) and recorded.get("formaat") == _FORMAT else None


def _label(part: str) -> str:
    return f"tabel {part.split(':', 1)[1]}" if part.startswith("tabel:") else _LABELS.get(part, part)


def why_render(folder: Path, record: dict, recorded: dict | None) -> str | None:
    """None when the report in ``folder`` was made from the same inputs and its files are intact; else why not (Dutch).

    ``record`` is the fingerprint now (:meth:`BatchFingerprints.record`), ``recorded``
    what the folder holds (:func:`read_fingerprint`). Every file the render wrote must
    be there with the hash it had then.
    """
    folder = Path(folder)
    if recorded is None:
        return "nieuw" if not folder.exists() else "geen vingerafdruk van de vorige keer"
    if recorded.get("vingerafdruk") != record["vingerafdruk"]:
        before, now = recorded.get("onderdelen") or {}, record["onderdelen"]
        changed = sorted({k for k in {*before, *now} if before.get(k) != now.get(k)})
        return "veranderd: " + ", ".join(_label(part) for part in changed)
    files = recorded.get("bestanden")
    if not isinstance(files, dict) or "rapport.html" not in files:
        return "geen lijst van bestanden van de vorige keer"
    if _PDF_FAILED in files:
        return "de PDF mislukte de vorige keer"
    for name, digest in files.items():
        path = folder / name
        if not path.is_file():
            return f"bestand ontbreekt: {name}"
        if hash_file(path) != digest:
            return f"bestand veranderd of beschadigd: {name}"
    return None


def write_fingerprint(folder: Path, record: dict) -> Path:
    """Record ``record`` in ``folder`` with the SHA-256 of every file in it (hidden files and itself left out)."""
    folder = Path(folder)
    files = {p.relative_to(folder).as_posix(): hash_file(p) for p in sorted(folder.rglob("*"))
             if p.is_file() and p.name != FINGERPRINT_FILE and not p.name.startswith(".")}
    text = json.dumps({**record, "bestanden": files}, indent=1, ensure_ascii=False)
    return write_atomic(folder / FINGERPRINT_FILE, lambda path: path.write_text(text, encoding="utf-8"))


def plan_batch(folders: dict[str, Path], batch: BatchFingerprints, force: bool = False) -> dict[str, tuple[dict, str | None]]:
    """Per gemeentecode (its report folder in ``folders``): the fingerprint to record, and why the report must be
    rendered (Dutch), or None when it is unchanged and intact. ``force``: every report is rendered."""
    plan = {}
    for code, folder in folders.items():
        recorded = read_fingerprint(folder)
        record = batch.record(code, recorded)
        plan[code] = (record, "opnieuw gevraagd" if force else why_render(folder, record, recorded))
    return plan
