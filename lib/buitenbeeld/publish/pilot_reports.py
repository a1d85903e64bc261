"""Pilot evaluations: ``notebooks/pilot_evaluatie.ipynb`` rendered per pilot into ``<reports>/pilots/<slug>/``.

For every pilot in the processed pilot tables (the column ``pilot`` of
:func:`buitenbeeld.ingest.pipeline.read_processed_pilots`: the pilot file's name,
such as ``pilot_venlo``), papermill runs the evaluation notebook on the warm
kernels of :mod:`buitenbeeld.publish.engine`, with ``pilot`` set to the
pilot's gemeente when it is the only pilot of that one gemeente (the same rows;
the page then says "Venlo", not "pilot_venlo"), else to the pilot's name.
The folder ``<reports>/pilots/<slug>/`` (``pilot_den_haag`` -> ``pilot-den-haag``)
then holds the executed ``evaluatie.ipynb``, ``evaluatie.html`` (standalone,
Dutch, no code: the same export as the gemeente reports,
:func:`buitenbeeld.publish.render.export_html`) and ``evaluatie.json``, what the
hub (:mod:`buitenbeeld.publish.index`) shows of it: the pilot, its gemeenten,
the period, whether the data are synthetic and when it was made.

Before an evaluation is published its HTML goes through the personal-data scan
(:func:`buitenbeeld.privacy.scan.check_report`, with the personal table of the
interviews); a finding stops that evaluation. An evaluation is built in a
temporary folder beside the others and moved into place only when complete; a
failed notebook is kept in ``<reports>/pilots/_mislukt/``. One pilot failing
does not stop the others: each outcome is in the returned
:class:`PilotSummary`, and :func:`render_pilot_reports` ends by writing the hub
with the failures listed.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import tempfile
import traceback
import unicodedata
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

import papermill as pm

from buitenbeeld.analysis.evaluatie import select_pilots
from buitenbeeld.common.files import write_atomic
from buitenbeeld.errors import BuitenbeeldError, PersonalDataFoundError
from buitenbeeld.ingest.pipeline import read_processed_pilots
from buitenbeeld.privacy.disclosure import DEFAULT_THRESHOLD
from buitenbeeld.privacy.scan import check_report
from buitenbeeld.publish.engine import ENGINE_NAME
from buitenbeeld.publish.index import PILOT_FILE, PILOTS_DIR, write_index
from buitenbeeld.publish.render import (
    export_html,
    personal_search_values,
    remove_stale_staging,
    replace_folder,
    stabilise_notebook,
)
from buitenbeeld.settings import NOTEBOOKS_DIR, REPORTS_DIR, data_paths

__all__ = [
    "PILOT_NOTEBOOK",
    "Pilot",
    "PilotReportError",
    "PilotResult",
    "PilotSummary",
    "pilot_slug",
    "pilots_in_data",
    "render_pilot_report",
    "render_pilot_reports",
]

PILOT_NOTEBOOK = NOTEBOOKS_DIR / "pilot_evaluatie.ipynb"
FAILED_DIR = "_mislukt"
#: Names the process building a folder, as :func:`buitenbeeld.publish.render.remove_stale_staging` reads it.
_OWNER = ".eigenaar"


class PilotReportError(BuitenbeeldError):
    """Rendering a pilot evaluation failed; names the pilot and, where known, the failing cell."""

    def __init__(self, pilot: str, message: str, cell: int | None = None, public: str | None = None):
        self.pilot, self.cell, self.public = pilot, cell, public
        where = f" (cel {cell})" if cell is not None else ""
        super().__init__(f"Evaluatie van {pilot} mislukt{where}: {message}")


@dataclass(frozen=True)
class Pilot:
    """One pilot of the data: its name (the ``pilot`` column), the names and codes of its gemeenten.

    ``parameter`` is what the notebook's ``pilot`` is set to: the gemeentecode
    when this is the only pilot of its one gemeente, else the pilot's name.
    """

    naam: str
    gemeenten: tuple[str, ...]
    codes: tuple[str, ...]
    parameter: str = ""

    @property
    def slug(self) -> str:
        return pilot_slug(self.naam)

    def __str__(self) -> str:
        return f"{self.naam} ({', '.join(self.gemeenten)})" if self.gemeenten else self.naam


@dataclass
class PilotResult:
    """The outcome for one pilot: rendered (``ok``) or failed, with the failing cell and a message."""

    pilot: Pilot
    ok: bool
    html: Path | None = None
    cell: int | None = None
    message: str = ""
    public: str = ""  # what index.html may show; empty: the first line of ``message``

    @property
    def status(self) -> str:
        return "ok" if self.ok else "MISLUKT"

    @property
    def index_message(self) -> str:
        """The failure as the hub shows it: one line, never a value or a traceback."""
        return self.public or (self.message.splitlines()[0] if self.message else "")


@dataclass
class PilotSummary:
    """The outcome of all pilot evaluations of a run: one :class:`PilotResult` per pilot."""

    results: list[PilotResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no evaluation failed (a data folder without pilots is fine)."""
        return all(r.ok for r in self.results)

    def table(self) -> str:
        """The summary in Dutch: one line per pilot, a failure with cell and message; then the counts."""
        lines = [f"{'pilot':<40} {'status':<12} detail"]
        for r in self.results:
            detail = str(r.html) if r.ok else (f"cel {r.cell}: " if r.cell is not None else "") + r.message
            lines.append(f"{str(r.pilot):<40} {r.status:<12} {detail}")
        failed = sum(not r.ok for r in self.results)
        lines.append(f"pilotevaluaties: {len(self.results) - failed} gemaakt, {failed} mislukt")
        return "\n".join(lines)


def pilot_slug(name: str) -> str:
    """A folder name for a pilot: ``pilot_den_haag`` -> ``pilot-den-haag`` (ASCII, lower case)."""
    ascii_name = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name).strip("-") or "pilot"


def pilots_in_data(data_dir: Path | None = None, gemeenten: list[str] | None = None) -> list[Pilot]:
    """The pilots in the processed pilot tables, by name; with ``gemeenten`` (codes) only the pilots of those."""
    contacten = read_processed_pilots(data_dir).contacten
    pilots: dict[str, Pilot] = {}
    for name, rows in contacten.groupby("pilot", sort=True) if len(contacten) else []:
        if str(name).casefold() in pilots:  # the notebook finds a pilot by its name in any case: one evaluation
            continue
        pairs = sorted(set(zip(rows["gemeentecode"].astype(str), rows["gemeentenaam"].astype(str))))
        pilots[str(name).casefold()] = Pilot(str(name), tuple(n for _, n in pairs), tuple(c for c, _ in pairs))
    shared = Counter(code for p in pilots.values() for code in p.codes)
    pilots = {key: replace(p, parameter=p.codes[0] if len(p.codes) == 1 and shared[p.codes[0]] == 1 else p.naam)
              for key, p in pilots.items()}
    wanted = set(gemeenten or [])
    return [p for p in pilots.values() if not gemeenten or wanted & set(p.codes)]


def _details(pilot: Pilot, data_dir: Path | None, now: dt.datetime) -> dict:
    """What the hub shows of an evaluation (``evaluatie.json``): no counts, nothing about a person."""
    evaluation = select_pilots(read_processed_pilots(data_dir), pilot.parameter or pilot.naam)
    return {"pilot": pilot.naam, "gemeenten": list(pilot.gemeenten), "gemeentecodes": list(pilot.codes),
            "periode": evaluation.period, "synthetisch": bool(evaluation.synthetic),
            "gegenereerd_op": now.isoformat(timespec="seconds"), "html": "evaluatie.html", "notebook": "evaluatie.ipynb"}


def render_pilot_report(pilot: Pilot, data_dir: Path | None = None, output_dir: Path = REPORTS_DIR,
                        drempel: int = DEFAULT_THRESHOLD, engine: str | None = ENGINE_NAME) -> Path:
    """Render the evaluation of one pilot into ``<output_dir>/pilots/<slug>/``; returns its ``evaluatie.html``.

    Raises
    ------
    PilotReportError
        When the notebook fails (naming the failing cell; the partial notebook is
        kept under ``<output_dir>/pilots/_mislukt/``) or the personal-data scan
        finds something; nothing is published then.
    """
    folder = Path(output_dir) / PILOTS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / pilot.slug
    work = Path(tempfile.mkdtemp(prefix=f".{pilot.slug}-", dir=folder))
    work.chmod(0o755)  # mkdtemp makes it private; an evaluation is for sharing
    (work / _OWNER).write_text(str(os.getpid()), encoding="utf-8")
    notebook = work / "evaluatie.ipynb"
    paths = data_paths(data_dir)
    try:
        try:
            parameters = {"pilot": pilot.parameter or pilot.naam, "data_map": str(paths.root), "drempel": int(drempel)}
            pm.execute_notebook(str(PILOT_NOTEBOOK), str(notebook), parameters=parameters, cwd=str(NOTEBOOKS_DIR),
                                progress_bar=False, log_output=False, engine_name=engine,
                                request_save_on_cell_execute=False)
        except pm.PapermillExecutionError as error:
            (folder / FAILED_DIR).mkdir(exist_ok=True)
            if notebook.exists():
                shutil.copy2(notebook, folder / FAILED_DIR / f"{pilot.slug}.ipynb")
            raise PilotReportError(pilot.naam, f"{error.ename}: {error.evalue}", error.exec_count) from error
        executed = stabilise_notebook(notebook, work, target)
        title = f"Evaluatie jongerenscouts: {', '.join(pilot.gemeenten) or pilot.naam}"
        html = export_html(executed, work / "evaluatie.html", title)
        try:
            check_report(html, personal_search_values(paths.processed))
        except PersonalDataFoundError as error:
            raise PilotReportError(pilot.naam, str(error), public=error.public) from error
        details = json.dumps(_details(pilot, data_dir, dt.datetime.now()), indent=2, ensure_ascii=False)
        write_atomic(work / PILOT_FILE, lambda path: path.write_text(details, encoding="utf-8"))
        (work / _OWNER).unlink()
        replace_folder(work, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target / "evaluatie.html"


def _render_one(pilot: Pilot, data_dir: Path | None, output_dir: Path, drempel: int, engine: str | None) -> PilotResult:
    """Render one pilot and say how it went; never raises (the other pilots go on)."""
    try:
        return PilotResult(pilot, True, html=render_pilot_report(pilot, data_dir, output_dir, drempel, engine))
    except PilotReportError as error:
        return PilotResult(pilot, False, cell=error.cell, message=str(error), public=error.public or "")
    except Exception as error:  # noqa: BLE001 - one pilot's failure must not stop the others
        return PilotResult(pilot, False, message=f"{type(error).__name__}: {error}\n{traceback.format_exc(limit=3)}")


def render_pilot_reports(data_dir: Path | None = None, output_dir: Path = REPORTS_DIR, gemeenten: list[str] | None = None,
                         drempel: int = DEFAULT_THRESHOLD, engine: str | None = ENGINE_NAME) -> PilotSummary:
    """Render the evaluation of every pilot in the data (with ``gemeenten``, codes: only theirs), then the hub.

    One pilot after the other on a warm kernel; a pilot that fails does not stop
    the others, and is listed in the summary and under "Niet gelukt" in
    ``<output_dir>/index.html`` (the failures of the gemeente reports stay listed).
    """
    output_dir = Path(output_dir)
    if (output_dir / PILOTS_DIR).is_dir():
        remove_stale_staging(output_dir / PILOTS_DIR)
    summary = PilotSummary([_render_one(p, data_dir, output_dir, drempel, engine)
                            for p in pilots_in_data(data_dir, gemeenten)])
    write_index(output_dir, pilot_failures=[(r.pilot.naam, r.index_message) for r in summary.results if not r.ok])
    return summary
