"""Rendering gemeente reports: papermill runs the notebook, nbconvert writes the HTML.

Per gemeente, ``<output>/<code>-<name>/`` receives the executed notebook
``rapport.ipynb``, a standalone ``rapport.html`` (Dutch, no code, images
embedded, nothing loaded from the internet), ``verantwoording.html`` (how it was
made: files and hashes, settings, versions; for its maker), ``kerncijfers.json``,
the tables as CSV and as one workbook ``tabellen.xlsx`` and, where a headless
Chromium exists, ``rapport.pdf``. The notebook writes no files: its last cell
hands tables, key figures and verantwoording over as one output under
:data:`buitenbeeld.publish.report.OUTPUT_MIMETYPE`, which render reads from the
executed notebook (:func:`read_outputs`), leaves out of the HTML and writes once
(:func:`write_outputs`). Before a report is published, both pages are scanned for
personal data (:mod:`buitenbeeld.privacy.scan`); a finding fails the render. A
report is built in a temporary folder and moved into place only when complete,
so a failed render never leaves a file that looks finished; the failed notebook
is kept under ``_mislukt/`` to show the failing cell.

A batch renders every gemeente it can and reports the rest, in parallel worker
processes, each on a warm kernel (:mod:`buitenbeeld.publish.engine`), and ends
with ``index.html`` listing all reports. A report renders with whatever the data
folder has; for a gemeente without interviews it is a short report of what is
known: the cells tagged ``sociale-kaart`` are left out and the sections
renumbered. A gemeente asked for by name of which nothing is known gets no
report: its result is *overgeslagen* (``skipped``), with a Dutch message, listed
in the summary and in the index under "Niet gelukt"; like a failure it makes
``buitenbeeld rapporten`` exit 1.

A batch leaves a report as it is when what it is made from is unchanged and its files
are intact (:mod:`buitenbeeld.publish.fingerprint`, recorded in ``vingerafdruk.json``);
the summary counts those as *ongewijzigd*, and ``force`` renders every report again.
"""
from __future__ import annotations

import copy
import json
import multiprocessing
import os
import re
import shutil
import tempfile
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

import nbformat
import pandas as pd
import papermill as pm
from tqdm.auto import tqdm

from buitenbeeld.common.files import file_version
from buitenbeeld.errors import BuitenbeeldError, PersonalDataFoundError, ReportError
from buitenbeeld.ingest.interviews import PERSONAL_COLUMNS
from buitenbeeld.ingest.pipeline import PERSONAL_TABLE, build_processed
from buitenbeeld.privacy.disclosure import DEFAULT_THRESHOLD
from buitenbeeld.privacy.scan import check_report, personal_values
from buitenbeeld.publish.engine import ENGINE_NAME
from buitenbeeld.publish.exporter import exporter
from buitenbeeld.publish.fingerprint import batch_fingerprints, plan_batch, write_fingerprint
from buitenbeeld.publish.index import write_index
from buitenbeeld.publish.outputs import (
    read_outputs,
    verantwoording_page,
    write_key_figures,
    write_notebook,
    write_outputs,
    write_workbook,
)
from buitenbeeld.publish.pdf import find_chromium, html_to_pdf
from buitenbeeld.publish.report import OUTPUT_MIMETYPE, load_report_data, nothing_known
from buitenbeeld.publish.webpage import with_policy
from buitenbeeld.reference.gemeenten import Gemeente, resolve_gemeente
from buitenbeeld.settings import DEFAULT_PEILJAAR, NOTEBOOKS_DIR, REPORTS_DIR, data_paths

__all__ = [
    "REPORT_NOTEBOOK", "KAART_TAG", "RenderResult", "RenderSummary", "RenderOptions", "default_workers",
    "export_html", "prepare_for_export", "read_outputs", "write_outputs", "write_workbook", "verantwoording_page",
    "exporter", "personal_table", "personal_search_values", "render_report", "render_reports", "remove_stale_staging",
    "gemeenten_in_data", "stabilise_notebook", "replace_folder",
]

REPORT_NOTEBOOK = NOTEBOOKS_DIR / "gemeente_rapport.ipynb"
FAILED_DIR = "_mislukt"
#: Cells of the report notebook about the sociale kaart: left out of the HTML of a gemeente without organisations.
KAART_TAG = "sociale-kaart"
_SECTION = re.compile(r"^## \d+\. ", flags=re.M)


@dataclass
class RenderResult:
    """The outcome for one gemeente: rendered (``ok``), failed, or ``skipped`` (nothing known: no report to make)."""

    gemeente: str
    ok: bool
    html: Path | None = None
    cell: int | None = None
    message: str = ""
    public: str = ""  # what index.html may show; empty: the first line of ``message``
    skipped: bool = False
    unchanged: bool = False  # not rendered: same fingerprint, files intact (the report is ok)
    reason: str = ""  # why it was rendered (again), in Dutch: "nieuw", "veranderd: tabel organisaties", ...

    @property
    def status(self) -> str:
        """``ok``, ``ongewijzigd``, ``OVERGESLAGEN`` or ``MISLUKT``, as the summary shows it."""
        return ("ongewijzigd" if self.unchanged else "ok") if self.ok else "OVERGESLAGEN" if self.skipped else "MISLUKT"

    @property
    def index_message(self) -> str:
        """The failure as the published overview shows it: one line, never a value or a traceback."""
        if self.public:
            return self.public
        line = self.message.splitlines()[0] if self.message else ""
        return f"Overgeslagen: {line}" if self.skipped else line


@dataclass
class RenderSummary:
    """The outcome of a batch: one :class:`RenderResult` per requested gemeente."""

    results: list[RenderResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every report was rendered (and there was at least one); a skipped gemeente counts as not rendered."""
        return bool(self.results) and all(r.ok for r in self.results)

    def table(self) -> str:
        """A plain-text summary in Dutch: one line per gemeente, failures with cell and message, skipped ones with why.

        The last line counts: ``rapporten: 2 gemaakt, 0 mislukt``; when reports were left as they were,
        ``rapporten: 7 ongewijzigd, 1 opnieuw gemaakt, 0 mislukt``.
        """
        lines = [f"{'gemeente':<40} {'status':<12} detail"]
        for r in self.results:
            detail = (f"{r.html}" + (f" ({r.reason})" if r.reason else "") if r.ok
                      else (f"cel {r.cell}: " if r.cell is not None else "") + r.message)
            lines.append(f"{r.gemeente:<40} {r.status:<12} {detail}")
        skipped = sum(r.skipped for r in self.results)
        failed = sum(not r.ok and not r.skipped for r in self.results)
        unchanged = sum(r.ok and r.unchanged for r in self.results)
        made = len(self.results) - failed - skipped - unchanged
        counts = f"{unchanged} ongewijzigd, {made} opnieuw gemaakt" if unchanged else f"{made} gemaakt"
        lines.append(f"rapporten: {counts}, {failed} mislukt" + (f", {skipped} overgeslagen" if skipped else ""))
        return "\n".join(lines)


def prepare_for_export(notebook_path: Path | nbformat.NotebookNode, title: str) -> nbformat.NotebookNode:
    """Read an executed notebook for export: its title set, stable cell ids, no stderr output.

    The tables and key figures the report hands to render (:data:`OUTPUT_MIMETYPE`)
    are left out too: they are files beside the page, not part of it. When the
    report has no organisations (its key figures say 0), the cells tagged
    :data:`KAART_TAG` are left out and the sections (``## N.``) renumbered.
    """
    nb = copy.deepcopy(notebook_path) if isinstance(notebook_path, nbformat.NotebookNode) \
        else nbformat.read(notebook_path, as_version=4)
    nb.metadata["title"] = title
    handed = [o["data"][OUTPUT_MIMETYPE] for cell in nb.cells if cell.cell_type == "code"
              for o in cell.get("outputs", []) if OUTPUT_MIMETYPE in o.get("data", {})]
    if handed and json.loads(handed[-1]["kerncijfers"]).get("organisaties") == 0:
        nb.cells = [cell for cell in nb.cells if KAART_TAG not in cell.metadata.get("tags", [])]
        number = iter(range(1, len(nb.cells) + 1))
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                cell.source = _SECTION.sub(lambda _: f"## {next(number)}. ", cell.source)
    for index, cell in enumerate(nb.cells):  # papermill's injected cell gets a random id: same input, same HTML
        cell["id"] = f"cel-{index}"
        if cell.cell_type == "code":  # warnings are for the analyst, not the reader
            cell.outputs = [o for o in cell.get("outputs", []) if o.get("name") != "stderr"
                            and OUTPUT_MIMETYPE not in o.get("data", {})]
    return nb


def export_html(notebook_path: Path | nbformat.NotebookNode, html_path: Path, title: str) -> Path:
    """Write the executed notebook as a standalone Dutch HTML page without code cells."""
    body, _ = exporter().from_notebook_node(prepare_for_export(notebook_path, title))
    html_path.write_text(with_policy(body), encoding="utf-8")
    return html_path


def _failing_cell(error: pm.PapermillExecutionError) -> tuple[int, str]:
    return error.exec_count, f"{error.ename}: {error.evalue}"


@dataclass(frozen=True)
class RenderOptions:
    """How to render: the notebook's extra parameters and what to produce besides HTML."""

    peiljaar: int = DEFAULT_PEILJAAR
    configuratie: str = ""
    drempel: int = DEFAULT_THRESHOLD
    gegenereerd_op: str = ""
    grenzen: str = ""  # folder with the CBS boundary files; empty: <data>/raw/geo
    cbs_kolommen: str = ""  # the user's column mapping for the CBS table; empty: the shipped one
    pdf: bool = True
    engine: str | None = ENGINE_NAME


def render_report(
    gemeente: Gemeente,
    data_dir: Path | None = None,
    output_dir: Path = REPORTS_DIR,
    peiljaar: int = DEFAULT_PEILJAAR,
    options: RenderOptions | None = None,
    fingerprint: dict | None = None,
) -> Path:
    """Render the report of one gemeente; returns the path of its HTML file.

    ``fingerprint`` (:meth:`buitenbeeld.publish.fingerprint.BatchFingerprints.record`) is
    recorded in the report folder with the hashes of its files, so that a later batch can
    leave the report as it is when nothing changed; without it none is recorded.

    Raises
    ------
    ReportError
        When the notebook fails (naming the failing cell; the partial notebook is
        kept under ``<output_dir>/_mislukt/``) or the personal-data scan finds
        something; nothing is published then.
    """
    options = options or RenderOptions(peiljaar=peiljaar)
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    target = output_dir / gemeente.slug
    work = Path(tempfile.mkdtemp(prefix=f".{gemeente.slug}-", dir=output_dir))
    work.chmod(0o755)  # mkdtemp makes it private; a report folder is for sharing
    (work / _OWNER).write_text(str(os.getpid()), encoding="utf-8")  # a later batch may clean up after a killed one
    notebook = work / "rapport.ipynb"
    paths = data_paths(data_dir)
    try:
        try:
            pm.execute_notebook(
                str(REPORT_NOTEBOOK),
                str(notebook),
                parameters={
                    "gemeente": gemeente.code,
                    "peiljaar": int(options.peiljaar),
                    "data_map": str(paths.root),
                    "configuratie": options.configuratie,
                    "drempel": int(options.drempel),
                    "gegenereerd_op": options.gegenereerd_op,
                    "grenzen_map": options.grenzen,
                    "cbs_kolommen": options.cbs_kolommen,
                },
                cwd=str(NOTEBOOKS_DIR),
                progress_bar=False,
                log_output=False,
                engine_name=options.engine,
                request_save_on_cell_execute=False,  # one write at the end, not one per cell

            )
        except pm.PapermillExecutionError as error:
            failed = output_dir / FAILED_DIR
            failed.mkdir(exist_ok=True)
            if notebook.exists():
                shutil.copy2(notebook, failed / f"{gemeente.slug}.ipynb")
            cell, message = _failing_cell(error)
            raise ReportError(str(gemeente), message, cell) from error
        executed = stabilise_notebook(notebook, work, target)
        outputs = read_outputs(executed)
        if outputs is None:
            raise ReportError(str(gemeente), "het notebook gaf geen tabellen en kerncijfers door "
                              f"({OUTPUT_MIMETYPE}); staat report.show_outputs nog in de laatste cel?")
        html = export_html(executed, work / "rapport.html", f"Jongeren buiten beeld en de sociale kaart: {gemeente.naam}")
        pages = [html, *[p for p in write_outputs(work, outputs) if p.suffix == ".html"]]  # the verantwoording
        try:
            for page in pages:
                check_report(page, personal_search_values(paths.processed))
        except PersonalDataFoundError as error:
            raise ReportError(str(gemeente), str(error), public=error.public) from error
        pdf = None
        if options.pdf and find_chromium():
            try:
                pdf = html_to_pdf(html, work / "rapport.pdf").name
            except BuitenbeeldError as error:  # the HTML report is complete without its PDF
                (work / "pdf-mislukt.txt").write_text(str(error), encoding="utf-8")
        if pdf is not None:  # kerncijfers.json records the PDF; the tables and pages are written already
            write_key_figures(work, outputs, pdf)
        (work / _OWNER).unlink()
        if fingerprint is not None:
            write_fingerprint(work, fingerprint)
        replace_folder(work, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target / "rapport.html"


_OWNER = ".eigenaar"


def stabilise_notebook(notebook: Path, work: Path, target: Path) -> nbformat.NotebookNode:
    """Make the executed notebook the same for the same inputs: no timings, fixed cell ids, the final folder.

    papermill records start and end times per cell, gives its injected cell a
    random id and records the temporary folder as the notebook's output path.
    None of that says anything about the report, and all of it would make two
    identical runs differ.
    """
    text = notebook.read_text(encoding="utf-8").replace(json.dumps(str(work))[1:-1], json.dumps(str(target))[1:-1])
    nb = nbformat.v4.nbjson.reads(text)  # papermill validated it as it wrote it
    run = nb.metadata.get("papermill", {})
    for key in ("start_time", "end_time", "duration", "exception"):
        run.pop(key, None)
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"cel-{index}"
        cell.metadata.pop("execution", None)
        for key in ("start_time", "end_time", "duration", "exception"):
            cell.metadata.get("papermill", {}).pop(key, None)
    write_notebook(nb, notebook)
    return nb


def remove_stale_staging(output_dir: Path) -> list[Path]:
    """Remove the half-built report folders of a batch that was killed; returns what was removed.

    A folder being built is ``.<slug>-XXXX`` and names its process in ``.eigenaar``;
    one whose process is gone (or that names none) is left over from a killed run.
    """
    removed = []
    for folder in Path(output_dir).glob(".*-*"):
        if not folder.is_dir() or folder.name.endswith(".old"):
            continue
        try:
            os.kill(int((folder / _OWNER).read_text(encoding="utf-8")), 0)
            continue  # still being built by a running process
        except (OSError, ValueError):
            pass
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def personal_table(processed: Path) -> pd.DataFrame:
    """The personal columns, read only to make sure none of them reached a report."""
    path = processed / PERSONAL_TABLE
    if not path.exists():
        return pd.DataFrame()
    return pd.read_parquet(path, columns=["organisatie_id", *PERSONAL_COLUMNS])


def personal_search_values(processed: Path) -> Mapping[str, str]:
    """The values the scan looks for (:func:`~buitenbeeld.privacy.scan.personal_values` of :func:`personal_table`).

    Made once per process and :func:`~buitenbeeld.common.files.file_version` of the
    personal table (every report of a batch is scanned for the same values, and making
    them from the table of all gemeenten costs more than the scan of a page); read-only.
    """
    path = processed / PERSONAL_TABLE
    return _personal_values(str(processed), file_version(path) if path.exists() else None)


@lru_cache(maxsize=2)
def _personal_values(processed: str, version: tuple | None) -> Mapping[str, str]:
    return MappingProxyType(personal_values(personal_table(Path(processed))))


def replace_folder(source: Path, target: Path) -> None:
    """Move ``source`` to ``target``, replacing an older report only once the new one is complete."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        target.rename(old)
    source.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def gemeenten_in_data(data_dir: Path | None = None) -> list[Gemeente]:
    """The gemeenten that have organisations in the processed interview tables, by code."""
    organisaties = build_processed(data_dir).result.organisaties
    if organisaties.empty:
        return []
    codes = sorted(set(organisaties["gemeentecode"]))
    return [resolve_gemeente(code) for code in codes]


def _render_one(gemeente: Gemeente, data_dir: Path | None, output_dir: Path, options: RenderOptions,
                fingerprint: dict | None = None, reason: str = "") -> RenderResult:
    """Render one gemeente and say how it went; never raises (a batch goes on)."""
    try:
        html = render_report(gemeente, data_dir, output_dir, options.peiljaar, options, fingerprint)
        return RenderResult(str(gemeente), True, html=html, reason=reason)
    except ReportError as error:
        return RenderResult(str(gemeente), False, cell=error.cell, message=str(error), public=error.public or "")
    except Exception as error:  # noqa: BLE001 - one gemeente's failure must not stop the batch
        return RenderResult(str(gemeente), False,
                            message=f"{type(error).__name__}: {error}\n{traceback.format_exc(limit=3)}")


def _nothing_to_report(gemeente: Gemeente, data_dir: Path | None, options: RenderOptions) -> str | None:
    """Why there is no report to make for ``gemeente`` (Dutch), or None; a folder that cannot be read renders (and fails)."""
    try:
        data = load_report_data(gemeente.code, options.peiljaar, data_dir, options.drempel, options.cbs_kolommen or None)
    except BuitenbeeldError:
        return None  # the render names the failing cell and the message
    return nothing_known(data)


def _plan(targets: list[Gemeente], data_dir: Path | None, output_dir: Path, options: RenderOptions,
          force: bool) -> dict[str, tuple[dict | None, str | None]]:
    """Per gemeentecode the fingerprint to record and why to render (None: leave the report as it is)."""
    try:
        batch = batch_fingerprints(data_dir, options, REPORT_NOTEBOOK)
        return plan_batch({g.code: output_dir / g.slug for g in targets}, batch, force) if targets else {}
    except Exception as error:  # noqa: BLE001 - without fingerprints every report is rendered, and none recorded
        # the kind of error only: its text may quote a cell of an input file, and the summary is shown and logged
        return {g.code: (None, f"geen vingerafdruk ({type(error).__name__}): alles opnieuw gemaakt") for g in targets}


def default_workers() -> int:
    """One worker per available core."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def render_reports(
    data_dir: Path | None = None,
    output_dir: Path = REPORTS_DIR,
    gemeenten: list[str] | None = None,
    peiljaar: int = DEFAULT_PEILJAAR,
    workers: int | None = None,
    options: RenderOptions | None = None,
    progress: bool = True,
    force: bool = False,
) -> RenderSummary:
    """Render the reports of ``gemeenten`` (default: every gemeente in the data) and the index.

    Runs ``workers`` processes in parallel (default: one per core), each with a
    warm kernel. One gemeente failing does not stop the others: each outcome is
    in the returned summary, and the index lists the failures.

    A report whose fingerprint (:mod:`buitenbeeld.publish.fingerprint`: what it is made
    from) is unchanged and whose files are intact is left as it is (``unchanged`` in the
    summary); ``force`` renders every one. The index is written from the key figures of
    every report folder either way.
    """
    options = options or RenderOptions(peiljaar=peiljaar)
    output_dir = Path(output_dir)
    if output_dir.is_dir():
        remove_stale_staging(output_dir)
    summary = RenderSummary()
    targets: list[Gemeente] = []
    for name in gemeenten or []:
        try:
            gemeente = resolve_gemeente(name)
            if gemeente not in targets:  # "Den Haag" and GM0518 are one report
                targets.append(gemeente)
        except BuitenbeeldError as error:
            summary.results.append(RenderResult(name, False, message=str(error)))
    if not gemeenten:
        targets = gemeenten_in_data(data_dir)
        if not targets:
            summary.results.append(RenderResult(
                "-", False, message=f"no interview workbooks with organisations under {data_paths(data_dir).raw}; "
                "run 'buitenbeeld demo' for the demo data or put your workbooks there"))
    else:
        build_processed(data_dir)  # once, before the workers read it
    order = {str(g): i for i, g in enumerate(targets)}
    if gemeenten:  # asked for by name: one of which nothing is known gets no report, and a line saying why
        in_interviews = {g.code for g in gemeenten_in_data(data_dir)}
        for gemeente in [g for g in targets if g.code not in in_interviews]:
            reason = _nothing_to_report(gemeente, data_dir, options)
            if reason:
                targets.remove(gemeente)
                summary.results.append(RenderResult(str(gemeente), False, message=reason, skipped=True))
    plan = _plan(targets, data_dir, output_dir, options, force)
    for gemeente in [g for g in targets if plan[g.code][1] is None]:
        targets.remove(gemeente)
        summary.results.append(RenderResult(str(gemeente), True, html=output_dir / gemeente.slug / "rapport.html",
                                            unchanged=True))
    workers = max(1, min(workers or default_workers(), len(targets) or 1))
    bar = tqdm(total=len(targets), desc="rapporten", unit="gemeente", disable=not progress)
    if workers == 1:
        for gemeente in targets:
            summary.results.append(_render_one(gemeente, data_dir, output_dir, options, *plan[gemeente.code]))
            bar.update()
    else:
        context = multiprocessing.get_context("spawn")  # clean workers: no inherited threads or sockets
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            futures = [pool.submit(_render_one, g, data_dir, output_dir, options, *plan[g.code]) for g in targets]
            for future in as_completed(futures):
                summary.results.append(future.result())
                bar.update()
    bar.close()
    summary.results.sort(key=lambda r: order.get(r.gemeente, -1))
    write_index(output_dir, [(r.gemeente, r.index_message) for r in summary.results if not r.ok])
    return summary
