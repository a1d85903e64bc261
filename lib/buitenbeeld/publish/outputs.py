"""The files a report hands over beside its page: tables, key figures and the verantwoording.

The report notebook writes no files: its last cell displays tables, key figures and
verantwoording once under :data:`buitenbeeld.publish.report.OUTPUT_MIMETYPE`.
:func:`read_outputs` takes them from the executed notebook and :func:`write_outputs`
writes them (atomically) as ``tabellen/<name>.csv``, ``tabellen.xlsx``,
``verantwoording.html`` and ``kerncijfers.json``. Used by :mod:`buitenbeeld.publish.render`.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import nbformat
import pandas as pd
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from buitenbeeld.common.files import neutralise_formula, write_atomic, write_csv
from buitenbeeld.common.formatting import escape
from buitenbeeld.errors import BuitenbeeldError
from buitenbeeld.publish.index import KEY_FIGURES_FILE
from buitenbeeld.publish.report import OUTPUT_MIMETYPE, VERANTWOORDING_FILE
from buitenbeeld.publish.webpage import with_policy
from buitenbeeld.settings import TEMPLATES_DIR

__all__ = ["write_notebook", "read_outputs", "write_outputs", "write_key_figures", "write_workbook",
           "verantwoording_page"]

_TEMPLATES = TEMPLATES_DIR


def write_notebook(nb: nbformat.NotebookNode, path: Path) -> Path:
    """Write ``nb`` as :func:`nbformat.write` does (the same bytes), without validating it again.

    For a notebook papermill has just written and validated: checking a report notebook
    against the schema costs twenty times reading or writing it.
    """
    text = nbformat.v4.nbjson.writes(nb)
    Path(path).write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    return Path(path)


def read_outputs(notebook: Path | nbformat.NotebookNode) -> dict | None:
    """The tables and key figures an executed report notebook handed over, or None when it handed none.

    The notebook displays them once under :data:`OUTPUT_MIMETYPE`
    (:func:`buitenbeeld.publish.report.show_outputs`); a later display wins.
    ``notebook`` is its path or the notebook itself.
    """
    nb = notebook if isinstance(notebook, nbformat.NotebookNode) else nbformat.read(notebook, as_version=4)
    found = [o["data"][OUTPUT_MIMETYPE] for cell in nb.cells if cell.cell_type == "code"
             for o in cell.get("outputs", []) if OUTPUT_MIMETYPE in o.get("data", {})]
    return found[-1] if found else None


_TABLE_NAME = re.compile(r"[a-z0-9_]+")


def write_outputs(folder: Path, outputs: dict, pdf: str | None = None) -> list[Path]:
    """Write what the report handed over: ``tabellen/<name>.csv`` (Dutch CSV), the same tables as
    ``tabellen.xlsx`` (:func:`write_workbook`), ``verantwoording.html`` (:func:`verantwoording_page`)
    and ``kerncijfers.json``.

    ``outputs`` is :func:`buitenbeeld.publish.report.report_outputs` as :func:`read_outputs`
    returns it; ``pdf`` the name of the report's PDF when one was made, recorded in
    ``kerncijfers.json``. Every file is written atomically. Returns the written files.
    """
    folder = Path(folder)
    written = []
    for name, table in outputs["tabellen"].items():
        if not _TABLE_NAME.fullmatch(name):
            raise BuitenbeeldError(f"geen bruikbare naam voor een tabelbestand: {name!r}")
        frame = pd.DataFrame(table["rijen"], columns=table["kolommen"], dtype=object)
        written.append(write_csv(folder / "tabellen" / f"{name}.csv", frame))
    if outputs["tabellen"]:
        written.append(write_workbook(folder / "tabellen.xlsx", outputs["tabellen"]))
    if outputs.get("verantwoording"):
        page = with_policy(verantwoording_page(outputs["verantwoording"]))
        written.append(write_atomic(folder / VERANTWOORDING_FILE, lambda path: path.write_text(page, encoding="utf-8")))
    written.append(write_key_figures(folder, outputs, pdf))
    return written


def write_key_figures(folder: Path, outputs: dict, pdf: str | None = None) -> Path:
    """``kerncijfers.json``: the key figures the report handed over, with the name of its PDF (None: no PDF)."""
    figures = json.loads(outputs["kerncijfers"])
    figures["pdf"] = pdf
    text = json.dumps(figures, indent=2, ensure_ascii=False)
    return write_atomic(Path(folder) / KEY_FIGURES_FILE, lambda path: path.write_text(text, encoding="utf-8"))


def write_workbook(path: Path, tables: dict) -> Path:
    """The tables as one Excel workbook, a sheet per table (``kolommen``, ``rijen`` as :func:`read_outputs` gives them).

    Numbers stay numbers; text (a CBS symbol such as ``x``, ``-`` or ``<10`` too) stays text, and
    a text that a spreadsheet would run as a formula gets a leading ``'``, as in the CSV
    (:func:`~buitenbeeld.common.files.neutralise_formula`).
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for name, table in tables.items():
        sheet = book.create_sheet(name[:31])
        sheet.append([neutralise_formula(str(c)) for c in table["kolommen"]])
        for row in table["rijen"]:
            sheet.append([v if v == "-" else neutralise_formula(v) for v in row])  # '-' alone: CBS's nil, not a formula
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for column in sheet.columns:
            width = max(len(str(c.value)) if c.value is not None else 0 for c in column)
            sheet.column_dimensions[column[0].column_letter].width = min(60, max(8, width + 2))
        sheet.freeze_panes = "A2"
    return write_atomic(path, lambda temporary: book.save(temporary))


@lru_cache(maxsize=1)
def _verantwoording_template():
    environment = Environment(loader=FileSystemLoader(str(_TEMPLATES / "verantwoording")), autoescape=True,
                              finalize=lambda v: v if isinstance(v, Markup) else Markup(escape(v)),
                              undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return environment.get_template("index.html.j2")


def verantwoording_page(verantwoording: dict) -> str:
    """``verantwoording.html`` from :func:`buitenbeeld.publish.report.verantwoording`; every value through ``escape``."""
    return _verantwoording_template().render(v=verantwoording)
