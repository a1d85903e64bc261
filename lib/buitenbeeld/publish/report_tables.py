"""How a report shows a table: Dutch headers, no index, every value escaped, text left and numbers right.

:func:`table_html` turns a table into the HTML a report shows, :func:`show_table` and
:func:`show_part` display it in a notebook; :mod:`buitenbeeld.publish.report`
re-exports them for the notebooks.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from buitenbeeld.common.formatting import MISSING, escape, format_count, format_number, is_missing

__all__ = ["table_frame", "table_html", "show_table", "show_part"]

#: A text cell that right-aligns: a number as a report writes it (``1.234``, ``5,4%``, ``ca. 6,1 (5,0-7,2)``,
#: ``<10``, ``66% – 85%``) or a CBS symbol (``.``, ``x``, ``-``).
_NUMERIC_TEXT = re.compile(r"(ca\. )?[<>]?[-\d.,%–() ]*\d[-\d.,%–() ]*|[.x-]")


def table_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` as a table shows it: a named index as the first column (an unnamed one is dropped), headers flat
    and Dutch: ``aandeel_geplaatst`` reads ``Aandeel geplaatst``; the name above the columns of a cross table goes.
    """
    flat = frame.reset_index(drop=all(name is None for name in frame.index.names)).rename_axis(columns=None)
    headers = [(" ".join(map(str, c)) if isinstance(c, tuple) else str(c)).replace("_", " ").strip() for c in flat.columns]
    flat.columns = [h[:1].upper() + h[1:] for h in headers]
    return flat


def _cell(value) -> tuple[str, bool | None]:
    """A cell as HTML text (through :func:`escape`) and whether it is a number (None: empty or unknown, says nothing)."""
    if is_missing(value) or value is pd.NaT:
        return MISSING, None
    if isinstance(value, (bool, np.bool_)):
        return ("ja" if value else "nee"), False
    if isinstance(value, (int, np.integer)):
        return format_count(value), True
    if isinstance(value, (float, np.floating)):
        return format_number(value), True
    text = str(value).strip()
    return escape(text), (None if text in ("", MISSING, "onbekend") else bool(_NUMERIC_TEXT.fullmatch(text)))


def table_html(frame: pd.DataFrame) -> str:
    """``frame`` as a report table: Dutch headers (:func:`table_frame`), no index, text left, numbers right.

    Every value goes through :func:`~buitenbeeld.common.formatting.escape`; numbers are
    written the Dutch way. A column is right-aligned when all its cells are numbers.
    """
    flat = table_frame(frame)
    columns = [[_cell(v) for v in flat.iloc[:, i]] for i in range(flat.shape[1])]
    right = [any(kind for _, kind in cells) and all(kind is not False for _, kind in cells) for cells in columns]
    align = ['style="text-align:right"' if r else 'style="text-align:left"' for r in right]
    head = "".join(f'<th scope="col" {a}>{escape(h)}</th>' for h, a in zip(flat.columns, align))
    rows = "".join("<tr>" + "".join(f"<td {a}>{cells[r][0]}</td>" for cells, a in zip(columns, align)) + "</tr>\n"
                   for r in range(len(flat)))
    return f'<table class="bb-tabel">\n<thead><tr>{head}</tr></thead>\n<tbody>\n{rows}</tbody>\n</table>'


def show_table(frame: pd.DataFrame) -> None:
    """Display :func:`table_html` of ``frame`` in a notebook."""
    from IPython.display import HTML, display  # only in a notebook

    display(HTML(table_html(frame)))


def show_part(part) -> None:
    """Display one part of a section: Markdown text, a table (:func:`show_table`) or a chart."""
    from IPython.display import Markdown, display  # only in a notebook

    if isinstance(part, str):
        display(Markdown(part))
    elif isinstance(part, pd.DataFrame):
        show_table(part)
    else:
        display(part)
