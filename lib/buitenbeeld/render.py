"""Rendering gemeente reports: papermill runs the notebook, nbconvert writes the HTML.

Per gemeente, ``<output>/<code>-<name>/`` receives the executed notebook
``rapport.ipynb`` and a standalone ``rapport.html`` (Dutch, no code, images
embedded, nothing loaded from the internet). A report is built in a temporary
folder and moved into place only when complete, so a failed render never leaves
a file that looks finished; the failed notebook is kept under ``_mislukt/`` to
show the failing cell. A batch renders every gemeente it can and reports the rest.
"""
from __future__ import annotations

import shutil
import tempfile
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import papermill as pm
from nbconvert import HTMLExporter
from tqdm.auto import tqdm

from .errors import BuitenbeeldError, ReportError
from .gemeenten import Gemeente, resolve_gemeente
from .ingest import build_processed
from .settings import DEFAULT_PEILJAAR, NOTEBOOKS_DIR, REPORTS_DIR, data_paths

__all__ = [
    "REPORT_NOTEBOOK",
    "RenderResult",
    "RenderSummary",
    "export_html",
    "render_report",
    "render_reports",
    "gemeenten_in_data",
]

REPORT_NOTEBOOK = NOTEBOOKS_DIR / "gemeente_rapport.ipynb"
_TEMPLATES = Path(__file__).parent / "templates"
FAILED_DIR = "_mislukt"


@dataclass
class RenderResult:
    """The outcome for one gemeente."""

    gemeente: str
    ok: bool
    html: Path | None = None
    cell: int | None = None
    message: str = ""


@dataclass
class RenderSummary:
    """The outcome of a batch: one :class:`RenderResult` per requested gemeente."""

    results: list[RenderResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every report was rendered (and there was at least one)."""
        return bool(self.results) and all(r.ok for r in self.results)

    def table(self) -> str:
        """A plain-text summary: one line per gemeente, failures with cell and message."""
        lines = [f"{'gemeente':<40} {'status':<8} detail"]
        for r in self.results:
            detail = str(r.html) if r.ok else (f"cell {r.cell}: " if r.cell is not None else "") + r.message
            lines.append(f"{r.gemeente:<40} {'ok' if r.ok else 'MISLUKT':<8} {detail}")
        failed = sum(not r.ok for r in self.results)
        lines.append(f"{len(self.results) - failed} rendered, {failed} failed")
        return "\n".join(lines)


def export_html(notebook_path: Path, html_path: Path, title: str) -> Path:
    """Write the executed notebook as a standalone Dutch HTML page without code cells."""
    nb = nbformat.read(notebook_path, as_version=4)
    nb.metadata["title"] = title
    for cell in nb.cells:
        if cell.cell_type == "code":  # warnings are for the analyst, not the council
            cell.outputs = [o for o in cell.get("outputs", []) if o.get("name") != "stderr"]
    exporter = HTMLExporter(
        template_name="rapport",
        extra_template_basedirs=[str(_TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    exporter.language_code = "nl"
    body, _ = exporter.from_notebook_node(nb)
    html_path.write_text(body, encoding="utf-8")
    return html_path


def _failing_cell(error: pm.PapermillExecutionError) -> tuple[int, str]:
    return error.exec_count, f"{error.ename}: {error.evalue}"


def render_report(
    gemeente: Gemeente,
    data_dir: Path | None = None,
    output_dir: Path = REPORTS_DIR,
    peiljaar: int = DEFAULT_PEILJAAR,
) -> Path:
    """Render the report of one gemeente; returns the path of its HTML file.

    Raises
    ------
    ReportError
        When the notebook fails; names the failing cell and keeps the partial
        notebook under ``<output_dir>/_mislukt/``.
    """
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    target = output_dir / gemeente.slug
    work = Path(tempfile.mkdtemp(prefix=f".{gemeente.slug}-", dir=output_dir))
    work.chmod(0o755)  # mkdtemp makes it private; a report folder is for sharing
    notebook = work / "rapport.ipynb"
    try:
        try:
            pm.execute_notebook(
                str(REPORT_NOTEBOOK),
                str(notebook),
                parameters={
                    "gemeente": gemeente.code,
                    "peiljaar": int(peiljaar),
                    "data_map": str(data_paths(data_dir).root),
                    "uitvoer_map": str(work / "tabellen"),
                },
                cwd=str(NOTEBOOKS_DIR),
                progress_bar=False,
                log_output=False,
            )
        except pm.PapermillExecutionError as error:
            failed = output_dir / FAILED_DIR
            failed.mkdir(exist_ok=True)
            if notebook.exists():
                shutil.copy2(notebook, failed / f"{gemeente.slug}.ipynb")
            cell, message = _failing_cell(error)
            raise ReportError(str(gemeente), message, cell) from error
        export_html(notebook, work / "rapport.html", f"Jongeren buiten beeld en de sociale kaart: {gemeente.naam}")
        _replace_dir(work, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target / "rapport.html"


def _replace_dir(source: Path, target: Path) -> None:
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


def render_reports(
    data_dir: Path | None = None,
    output_dir: Path = REPORTS_DIR,
    gemeenten: list[str] | None = None,
    peiljaar: int = DEFAULT_PEILJAAR,
) -> RenderSummary:
    """Render the reports of ``gemeenten`` (default: every gemeente in the data).

    One gemeente failing does not stop the others: each outcome is in the
    returned summary.
    """
    summary = RenderSummary()
    targets: list[Gemeente] = []
    for name in gemeenten or []:
        try:
            targets.append(resolve_gemeente(name))
        except BuitenbeeldError as error:
            summary.results.append(RenderResult(name, False, message=str(error)))
    if not gemeenten:
        targets = gemeenten_in_data(data_dir)
        if not targets:
            summary.results.append(RenderResult(
                "-", False, message=f"no interview workbooks with organisations under {data_paths(data_dir).raw}; "
                "run 'buitenbeeld demo' for the demo data or put your workbooks there"))
    for gemeente in tqdm(targets, desc="rapporten", unit="gemeente"):
        try:
            html = render_report(gemeente, data_dir, output_dir, peiljaar)
            summary.results.append(RenderResult(str(gemeente), True, html=html))
        except ReportError as error:
            summary.results.append(RenderResult(str(gemeente), False, cell=error.cell, message=str(error)))
        except Exception as error:  # one gemeente's failure must not stop the batch
            summary.results.append(RenderResult(str(gemeente), False,
                                                message=f"{type(error).__name__}: {error}\n{traceback.format_exc(limit=3)}"))
    return summary
