"""Rebuilding ``processed/`` from ``raw/``: the one path every input file takes.

``buitenbeeld inlezen`` (and every report, before it reads) calls
:func:`build_processed`. It reads every interview file and every pilot file
(:mod:`buitenbeeld.ingest.pilot`) under ``raw/``, checks them, and writes:

- ``organisaties.parquet``: the analysis table, without personal columns;
- ``problemen.parquet`` and ``afgewezen.csv``: every problem with file, sheet,
  row, column, value, reason and hint (errors rejected their row); the CSV, which
  people open in Excel, has Dutch headers (:data:`PROBLEM_HEADERS`);
- ``bestanden.parquet``: per file the rows read, loaded and rejected;
- ``conflicten.parquet``: answers that differ between files, side by side;
- ``validatie.md``: all of that as a summary a person can read;
- ``pilot_contacten.parquet``, ``pilot_scouts.parquet``, ``pilot_problemen.parquet``,
  ``pilot_bladen.parquet``: the pilots' steps of young people (pseudonymous codes,
  never the free-text remarks) and scouts; a pilot file that carries direct
  identifiers is refused whole by the privacy gate and listed with the reason;
- ``aanpak_*.parquet`` (:data:`~buitenbeeld.ingest.aanpak.AANPAK_TABLES`): each
  gemeente's choices in the five steps of the approach (never the text of a
  contact person); ``wijken.parquet``: inhabitants and young people per wijk from
  the CBS wijk tables (:mod:`buitenbeeld.ingest.cbs_wijken`); their rejected rows
  are in ``afgewezen.csv`` and ``validatie.md`` too;
- ``persoonlijk/contactgegevens.parquet``: the personal columns, apart; no
  analysis or report code reads this folder;
- ``manifest.json``: what the tables were built from. When the inputs, the
  engine and the package version are unchanged, a rebuild is a no-op.

Raw files are only read, never written.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from buitenbeeld.common.files import hash_file, private_dir, read_parquet, write_atomic, write_csv
from buitenbeeld.common.formatting import is_missing, markdown_table
from buitenbeeld.ingest import wording
from buitenbeeld.ingest.aanpak import AANPAK_TABLES, AanpakResult, aanpak_tables, load_aanpak, read_aanpak_tables
from buitenbeeld.ingest.cbs_wijken import WijkResult, load_wijk_tables
from buitenbeeld.ingest.interviews import IngestResult, load_interviews
from buitenbeeld.ingest.pilot import PILOT_TABLES, PilotResult, load_pilots
from buitenbeeld.ingest.sources import KINDS, Inputs, discover_inputs, is_candidate
from buitenbeeld.settings import VERSION as __version__
from buitenbeeld.settings import data_paths

__all__ = [
    "TABLES",
    "PERSONAL_TABLE",
    "REJECTS_CSV",
    "VALIDATION_REPORT",
    "MANIFEST",
    "PROBLEM_HEADERS",
    "SEVERITIES",
    "BuildResult",
    "WIJKEN_TABLE",
    "build_processed",
    "read_processed_wijken",
    "read_processed",
    "read_table",
    "read_processed_pilots",
    "validation_markdown",
]

TABLES = {
    "organisaties": "organisaties.parquet",
    "problems": "problemen.parquet",
    "files": "bestanden.parquet",
    "conflicts": "conflicten.parquet",
    "eerdere_rondes": "organisaties_eerdere_rondes.parquet",
}
PERSONAL_TABLE = Path("persoonlijk") / "contactgegevens.parquet"
#: The wijk table of the CBS wijk tables (inhabitants and young people per wijk).
WIJKEN_TABLE = "wijken.parquet"
REJECTS_CSV = "afgewezen.csv"
VALIDATION_REPORT = "validatie.md"
MANIFEST = "manifest.json"
#: The Dutch header of each field of a row problem, in ``afgewezen.csv`` and ``validatie.md``.
PROBLEM_HEADERS = {"file": "bestand", "sheet": "blad", "row": "rij", "column": "kolom", "value": "waarde",
                   "reason": "reden", "hint": "wat te doen", "severity": "soort"}
#: The Dutch words of a problem's severity.
SEVERITIES = {"error": "fout", "warning": "waarschuwing"}
#: The Dutch header of each count of a file (or sheet), in ``validatie.md``.
_COUNT_HEADERS = {"file": "bestand", "sheet": "blad", "read": "gelezen", "loaded": "geladen", "rejected": "afgewezen",
                  "synthetic": "synthetisch", "unusable": "onbruikbaar"}
_CONFLICT_HEADERS = {"organisatie_id": "organisatie", "kolom": "kolom", "bron_a": "bron A", "waarde_a": "waarde A",
                     "bron_b": "bron B", "waarde_b": "waarde B", "besluit": "besluit"}
#: Columns that hold several values (tuples in memory, lists in parquet).
_LIST_COLUMNS = ("wijk", "leefgebieden", "rollen_nu", "rollen_bereid", "rollen_gemeente", "waarschuwingen")


@dataclass
class BuildResult:
    """What :func:`build_processed` did: ``rebuilt`` is False when nothing had changed.

    ``inputs`` lists the files under ``raw/`` by kind; ``result`` is the ingest
    (read from the processed tables when nothing was rebuilt).
    """

    rebuilt: bool
    processed: Path
    inputs: Inputs
    _result: IngestResult | None = None
    _pilots: PilotResult | None = None
    _aanpak: AanpakResult | None = None
    _wijken: pd.DataFrame | None = None

    @property
    def aanpak(self) -> AanpakResult:
        """Every gemeente's choices in the five steps; read from ``processed/`` on first use when nothing was rebuilt."""
        if self._aanpak is None:
            self._aanpak = read_aanpak_tables(self.processed)
        return self._aanpak

    @property
    def wijken(self) -> pd.DataFrame:
        """Inhabitants and young people per wijk (CBS); read from ``processed/`` on first use when nothing was rebuilt."""
        if self._wijken is None:
            self._wijken = read_processed_wijken(processed=self.processed)
        return self._wijken

    @property
    def pilots(self) -> PilotResult:
        """The pilot files' steps and scouts; read from ``processed/`` on first use when nothing was rebuilt."""
        if self._pilots is None:
            self._pilots = read_processed_pilots(processed=self.processed)
        return self._pilots

    @property
    def result(self) -> IngestResult:
        """The ingest result; read from ``processed/`` on first use when nothing was rebuilt."""
        if self._result is None:
            self._result = read_processed(processed=self.processed)
        return self._result

    def summary_lines(self) -> list[str]:
        """The counts per file and in total, and where the validation report is (Dutch, for the command line)."""
        state = ("opnieuw gemaakt" if self.rebuilt
                 else "waren al bijgewerkt (de invoerbestanden zijn niet veranderd)")
        pilots = self.pilots.summary_lines() if self.inputs.pilots else []
        return [*self.result.summary_lines(), *pilots, f"verwerkte tabellen {state}: {self.processed}",
                f"validatierapport: {self.processed / VALIDATION_REPORT}"]


def _stat(path: Path) -> list[int]:
    info = path.stat()
    return [info.st_size, info.st_mtime_ns]


def _candidates(raw: Path) -> dict[str, Path]:
    """Every file under ``raw/`` the ingest would look at, by relative path (cheap: no file is opened)."""
    if not raw.is_dir():
        return {}
    return {p.relative_to(raw).as_posix(): p for p in sorted(raw.rglob("*")) if is_candidate(p)}


def _manifest(raw: Path, inputs: Inputs, engine: str) -> dict:
    kinds = {**{p: kind for kind, paths in _by_kind(inputs).items() for p in paths}}
    return {
        "buitenbeeld": __version__,
        "engine": engine,
        "inputs": {p.relative_to(raw).as_posix(): {"sha256": hash_file(p), "soort": kind, "stat": _stat(p)}
                   for p, kind in sorted(kinds.items())},
    }


def _by_kind(inputs: Inputs) -> dict[str, list[Path]]:
    """The manifest's name for each kind of input, with the list that holds them."""
    return {kind: getattr(inputs, attribute) for kind, attribute in KINDS.items()}


def _content(manifest: dict) -> dict:
    """What decides a rebuild: the version, the engine and each input's hash and kind (not its timestamps)."""
    return {**manifest, "inputs": {k: {"sha256": v["sha256"], "soort": v["soort"]} for k, v in manifest["inputs"].items()}}


def _inputs_from(raw: Path, manifest: dict) -> Inputs:
    inputs = Inputs()
    for relative, entry in manifest["inputs"].items():
        _by_kind(inputs).get(entry["soort"], inputs.unrecognised).append(raw / relative)
    return inputs


def _read_manifest(processed: Path) -> dict | None:
    files = [processed / MANIFEST, processed / PERSONAL_TABLE, *(processed / name for name in TABLES.values()),
             *(processed / name for name in AANPAK_TABLES.values()), processed / WIJKEN_TABLE]
    if not all(f.exists() for f in files):
        return None
    try:
        manifest = json.loads((processed / MANIFEST).read_text(encoding="utf-8"))
    except (json.JSONDecodeError, OSError):
        return None
    entries = manifest.get("inputs") if isinstance(manifest, dict) else None
    if not isinstance(entries, dict) or not all(isinstance(e, dict) and {"sha256", "soort", "stat"} <= set(e)
                                                for e in entries.values()):
        return None  # written by an older version: rebuild
    return manifest


def _for_parquet(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    for column in _LIST_COLUMNS:
        if column in frame:
            frame[column] = frame[column].map(lambda v: list(v) if isinstance(v, (list, tuple)) else [])
    if "value" in frame:
        frame["value"] = frame["value"].astype("string")
    return frame


def _from_parquet(frame: pd.DataFrame) -> pd.DataFrame:
    """The list columns (arrays in parquet) as tuples, None as (); a column of that name holding text stays text."""
    for column in _LIST_COLUMNS:
        if column in frame:
            frame[column] = frame[column].map(lambda v: tuple(v) if isinstance(v, (list, tuple, np.ndarray))
                                              else () if v is None else v)
    return frame


def read_table(path: Path) -> pd.DataFrame:
    """A processed table, its list columns as tuples; a fresh copy on every call, read once per file version."""
    return read_parquet(path, _from_parquet)


def build_processed(data_dir: str | Path | None = None, engine: str = "calamine", force: bool = False) -> BuildResult:
    """Rebuild the processed tables of ``data_dir`` from its ``raw/`` folder.

    Parameters
    ----------
    data_dir : path, optional
        The data folder (default: the project's ``data/``).
    engine : str
        Spreadsheet reader for xlsx files (see :mod:`buitenbeeld.common.readers`).
    force : bool
        Rebuild even when nothing changed.
    """
    paths = data_paths(data_dir)
    processed = paths.processed
    personal = processed / PERSONAL_TABLE
    if personal.parent.is_dir():  # a folder made by an older version, or loosened by hand: private again
        private_dir(personal.parent)
        if personal.exists():
            personal.chmod(0o600)
    previous = None if force else _read_manifest(processed)
    candidates = _candidates(paths.raw)
    if previous and previous.get("buitenbeeld") == __version__ and previous.get("engine") == engine and \
            {k: v["stat"] for k, v in previous["inputs"].items()} == {k: _stat(p) for k, p in candidates.items()}:
        # same files, same sizes and times: nothing to open, hash or rebuild
        return BuildResult(False, processed, _inputs_from(paths.raw, previous))
    inputs = discover_inputs(paths.raw)
    manifest = _manifest(paths.raw, inputs, engine)
    if previous and _content(previous) == _content(manifest):
        # touched but unchanged: remember the new timestamps, keep the tables
        text = json.dumps(manifest, indent=2, sort_keys=True)
        write_atomic(processed / MANIFEST, lambda p: p.write_text(text, encoding="utf-8"))
        return BuildResult(False, processed, inputs)
    interviews = inputs.interviews
    result = load_interviews(interviews, engine)
    pilots = load_pilots(inputs.pilots, engine)
    aanpak = load_aanpak(inputs.aanpak, engine)
    wijken = load_wijk_tables(inputs.wijk_tables)
    for source, tables in ((result, TABLES), (pilots, PILOT_TABLES)):
        for attribute, name in tables.items():
            table = _for_parquet(getattr(source, attribute))
            write_atomic(processed / name, lambda p, t=table: t.to_parquet(p, index=False))
    for attribute, table in aanpak_tables(aanpak).items():
        write_atomic(processed / AANPAK_TABLES[attribute], lambda p, t=table: t.to_parquet(p, index=False))
    write_atomic(processed / WIJKEN_TABLE, lambda p: wijken.wijken.to_parquet(p, index=False))
    private_dir((processed / PERSONAL_TABLE).parent)  # contact details: for the owner only
    write_atomic(processed / PERSONAL_TABLE, lambda p: result.personal.to_parquet(p, index=False), mode=0o600)
    rejects = pd.concat([frame for frame in (result.rejects, pilots.rejects, aanpak.rejects, wijken.rejects) if len(frame)]
                        or [result.rejects], ignore_index=True)
    write_csv(processed / REJECTS_CSV, _rejects_table(rejects))
    write_atomic(processed / VALIDATION_REPORT,
                  lambda p: p.write_text(validation_markdown(result, pilots, aanpak, wijken), encoding="utf-8"))
    write_atomic(processed / MANIFEST,
                  lambda p: p.write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8"))
    return BuildResult(True, processed, inputs, result, pilots, aanpak, wijken.wijken)


def read_processed(data_dir: str | Path | None = None, processed: Path | None = None) -> IngestResult:
    """Read the processed tables (never the personal ones; ``personal`` is left empty)."""
    processed = processed or data_paths(data_dir).processed
    tables = {attribute: read_table(processed / name) for attribute, name in TABLES.items()}
    files = tables["files"]
    return IngestResult(
        organisaties=tables["organisaties"],
        personal=pd.DataFrame(),
        problems=tables["problems"],
        files=files,
        conflicts=tables["conflicts"],
        synthetic=bool(files["synthetic"].any()) if len(files) else False,
        sources=[],
        eerdere_rondes=tables["eerdere_rondes"],
    )


def read_processed_pilots(data_dir: str | Path | None = None, processed: Path | None = None) -> PilotResult:
    """Read the processed pilot tables (empty tables when the data hold no pilot files)."""
    processed = processed or data_paths(data_dir).processed
    if not all((processed / name).exists() for name in PILOT_TABLES.values()):
        return load_pilots([])
    tables = {attribute: read_table(processed / name) for attribute, name in PILOT_TABLES.items()}
    for frame in tables.values():  # parquet keeps milliseconds; the reader makes dates in seconds
        for column in frame.select_dtypes("datetime").columns:
            frame[column] = frame[column].astype("datetime64[s]")
    sheets = tables["sheets"]
    return PilotResult(**tables, synthetic=bool(sheets["synthetic"].any()) if len(sheets) else False)


def read_processed_wijken(data_dir: str | Path | None = None, processed: Path | None = None) -> pd.DataFrame:
    """Read the processed wijk table (an empty table with its columns when the data hold no CBS wijk table)."""
    processed = processed or data_paths(data_dir).processed
    if not (processed / WIJKEN_TABLE).exists():
        return load_wijk_tables([]).wijken
    return read_parquet(processed / WIJKEN_TABLE)  # its `wijk` is one name per row, not a list column


def _rejects_table(rejects: pd.DataFrame) -> pd.DataFrame:
    """The rejects as people open them in Excel: Dutch headers, ``fout``/``waarschuwing``, a whole row number."""
    table = rejects.assign(severity=rejects["severity"].map(lambda s: SEVERITIES.get(s, s)),
                           row=rejects["row"].astype("Int64"))
    return table.rename(columns=PROBLEM_HEADERS)


def _cell(value):
    """One cell of a Markdown table before escaping: empty when missing, ``ja``/``nee`` for a flag, a whole
    number without ``.0``."""
    if is_missing(value):
        return ""
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return wording.yes_no(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _markdown_table(frame: pd.DataFrame, headers: dict[str, str] | None = None) -> str:
    """``frame`` as a Markdown table under the Dutch ``headers`` (column -> header; only those columns, in order)."""
    if frame.empty:
        return "_geen_\n"
    if headers is not None:
        frame = frame[[c for c in headers if c in frame]].rename(columns=headers)
    cells = frame.astype(object).map(_cell)
    return markdown_table(frame.columns, cells.itertuples(index=False)) + "\n"  # every cell escaped, ours too


def _rows(count) -> str:
    """``**1** rij``, ``**6** rijen``: a count of rows in bold, with the right form of the word."""
    return f"**{int(count)}** {'rij' if int(count) == 1 else 'rijen'}"


def validation_markdown(result: IngestResult, pilots: PilotResult | None = None, aanpak: AanpakResult | None = None,
                        wijken: WijkResult | None = None) -> str:
    """The validation report: counts, rejected rows, warnings and conflicts, in Dutch; then the pilots, the aanpak
    workbooks and the CBS wijk tables."""
    totals = result.files[["read", "loaded", "rejected"]].sum() if len(result.files) else {"read": 0, "loaded": 0, "rejected": 0}
    problem_headers = {k: v for k, v in PROBLEM_HEADERS.items() if k != "severity"}
    problems = result.problems
    errors = problems[problems["severity"] == "error"]
    warnings = problems[problems["severity"] == "warning"]
    parts = [
        "# Validatie sociale kaart\n",
        f"Gelezen: {_rows(totals['read'])} = **{int(totals['loaded'])}** geladen + "
        f"**{int(totals['rejected'])}** afgewezen.\n",
    ]
    if result.synthetic:
        parts.append("Let op: (een deel van) de invoer is SYNTHETISCHE DEMONSTRATIEDATA.\n")
    parts += [
        "## Per bestand\n", _markdown_table(result.files, {k: v for k, v in _COUNT_HEADERS.items() if k != "sheet"}),
        "## Afgewezen rijen (fouten)\n",
        "Deze rijen staan niet in de analyse. Verbeter ze in het bronbestand en lees opnieuw in.\n",
        _markdown_table(errors, problem_headers),
        "## Waarschuwingen\n",
        "Deze rijen zijn wel geladen; de genoemde waarde is als onbekend behandeld of gemarkeerd.\n",
        _markdown_table(warnings, problem_headers),
        "## Conflicten tussen bestanden\n",
        "Dezelfde organisatie met verschillende antwoorden in twee bestanden, naast elkaar.\n",
        _markdown_table(result.conflicts, _CONFLICT_HEADERS),
    ]
    if pilots is not None and len(pilots.sheets):
        pilot_problems = pilots.problems.assign(severity=pilots.problems["severity"].map(lambda s: SEVERITIES.get(s, s)))
        parts += [
            "# Validatie pilotbestanden\n",
            "Per bestand en blad: gelezen = geladen + afgewezen. Een bestand met directe identificatie "
            "(namen, BSN, geboortedata, adressen, telefoonnummers, e-mailadressen) wordt in zijn geheel "
            "geweigerd; maak er eerst een gepseudonimiseerde kopie van met `buitenbeeld pseudonimiseer`.\n",
            _markdown_table(pilots.sheets, _COUNT_HEADERS),
            "## Meldingen\n",
            _markdown_table(pilot_problems, PROBLEM_HEADERS),
        ]
    return "\n".join(parts + _more_inputs(aanpak, wijken))


def _more_inputs(aanpak: AanpakResult | None, wijken: WijkResult | None) -> list[str]:
    """The validation of the aanpak workbooks and the CBS wijk tables (nothing when the data have none)."""
    parts = []
    for title, text, source, counts in (
            ("# Validatie aanpak (vijf stappen)\n", "Per bestand: gelezen = geladen + afgewezen. Een afgewezen rij "
             "telt niet mee; een lege cel betekent: nog niet ingevuld.\n", aanpak, _COUNT_HEADERS),
            ("# Validatie wijktabellen CBS\n", "Per bestand: gelezen = geladen + afgewezen + overgeslagen (rijen van "
             "een gemeente, een buurt of het land: geen wijk).\n", wijken,
             {**_COUNT_HEADERS, "jaar": "jaar", "skipped": "overgeslagen"})):
        if source is None or not len(source.files):
            continue
        problems = source.problems.assign(severity=source.problems["severity"].map(lambda s: SEVERITIES.get(s, s)))
        parts += [title, text, _markdown_table(source.files, counts), "## Meldingen\n",
                  _markdown_table(problems, PROBLEM_HEADERS)]
    return parts
