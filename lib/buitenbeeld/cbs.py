"""CBS tables of youth figures per gemeente, as CBS publishes them in Excel.

A table has title rows above a header row, one row per gemeente (code and/or
name), a ``Nederland`` row, and footnotes below. Cells hold counts or the CBS
symbols: ``.`` unknown, unreliable or secret; ``x`` secret; ``-`` nil; blank
cannot occur. A symbol becomes a missing value (``-`` becomes 0) and the
symbol is kept beside it as the reason.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from .errors import InputError, MissingDataError, RowProblem, UnknownGemeenteError
from .gemeenten import AVAILABLE_YEARS, resolve_gemeente
from .readers import list_sheets, read_rows
from .sources import is_synthetic

__all__ = [
    "FIGURE_COLUMNS",
    "CBS_SYMBOLS",
    "YouthTable",
    "looks_like_youth_table",
    "read_youth_table",
    "select_youth_table",
]

#: Tidy column -> pattern that finds it in a CBS header (checked in this order).
FIGURE_COLUMNS = {
    "zonder_bekende_reden": re.compile(r"zonder\s+bekende\s+reden", re.I),
    "buiten_beeld": re.compile(r"buiten\s+beeld", re.I),
    "jongeren_15_27": re.compile(r"15\s*(tot|-|–)\s*27", re.I),
}
_CODE_HEADER = re.compile(r"(gemeente|regio)\s*code|^code$", re.I)
_NAME_HEADER = re.compile(r"^(gemeente|gemeentenaam|regio|regio's|gemeenten)$", re.I)
CBS_SYMBOLS = {".": "onbekend of geheim", "x": "geheim", "-": "nihil", "": "kan niet voorkomen"}
_SCAN_ROWS = 30


@dataclass
class YouthTable:
    """A tidy CBS youth-figures table.

    ``gemeenten`` has ``gemeentecode``, ``gemeentenaam`` and per figure a value
    column plus ``<figure>_symbool`` (the CBS symbol where the value is
    missing); ``nederland`` is the national row as a dict.
    """

    path: Path
    title: str
    peiljaar: int | None
    gemeenten: pd.DataFrame
    nederland: dict[str, Any]
    footnotes: list[str]
    synthetic: bool


def _find_header(rows: list[tuple]) -> int | None:
    for index, row in enumerate(rows[:_SCAN_ROWS]):
        texts = [str(v) for v in row if isinstance(v, str)]
        if any(FIGURE_COLUMNS["buiten_beeld"].search(t) for t in texts) and any(
            _NAME_HEADER.match(t.strip()) or _CODE_HEADER.search(t) for t in texts
        ):
            return index
    return None


def _first_sheet(path: Path) -> tuple[str, list[tuple]]:
    """The name and rows of the first sheet (CBS puts the table there)."""
    if path.suffix.lower() == ".csv":
        return path.stem, read_rows(path)
    sheet = list_sheets(path)[0]
    return sheet, read_rows(path, sheet)


def looks_like_youth_table(path: Path) -> bool:
    """True when the first sheet has a header with a gemeente and a 'buiten beeld' column."""
    return _find_header(_first_sheet(path)[1][:_SCAN_ROWS]) is not None


def _map_columns(header: tuple) -> dict[str, int]:
    columns: dict[str, int] = {}
    for position, cell in enumerate(header):
        text = "" if cell is None else str(cell).strip()
        if _CODE_HEADER.search(text):
            columns.setdefault("gemeentecode", position)
        elif _NAME_HEADER.match(text):
            columns.setdefault("gemeentenaam", position)
        else:
            for name, pattern in FIGURE_COLUMNS.items():
                if pattern.search(text) and name not in columns:
                    columns[name] = position
                    break
    return columns


def _cell(value: Any) -> tuple[float | None, str | None]:
    if isinstance(value, bool):
        raise ValueError("a yes/no value where a count was expected")
    if isinstance(value, (int, float)):
        return float(value), None
    text = "" if value is None else str(value).strip()
    if text in CBS_SYMBOLS:
        return (0.0 if text == "-" else None), text
    number = text.replace(".", "").replace(" ", "")
    if re.fullmatch(r"\d+", number):
        return float(number), None
    raise ValueError(f"expected a count or a CBS symbol ({', '.join(repr(s) for s in CBS_SYMBOLS if s)})")


def read_youth_table(path: Path) -> YouthTable:
    """Read a CBS table of youth figures per gemeente (xlsx, ods or CSV).

    Raises
    ------
    InputError
        When no header row is found, a cell is neither a count nor a CBS symbol,
        or a gemeente is not in the CBS list; the message names the row and column.
    """
    path = Path(path)
    sheet, rows = _first_sheet(path)
    header_at = _find_header(rows)
    if header_at is None:
        raise InputError(RowProblem(path.name, sheet, None, None, None,
                                    "no header row with a gemeente column and a 'buiten beeld' column",
                                    "Keep the CBS header row"))
    columns = _map_columns(rows[header_at])
    title = next((str(r[0]).strip() for r in rows[:header_at] if r and r[0]), path.stem)
    years = re.findall(r"\b(20\d\d|19\d\d)\b", title)
    records, footnotes, nederland = [], [], {}
    ended = False
    for number, row in enumerate(rows[header_at + 1:], start=header_at + 2):
        if all(v is None or str(v).strip() == "" for v in row):
            ended = bool(records)
            continue
        if ended:
            footnotes.append(" ".join(str(v) for v in row if v is not None))
            continue
        record = _read_row(path, sheet, number, row, columns)
        if record.pop("_nederland"):
            nederland = record
        else:
            records.append(record)
    return YouthTable(path, title, int(years[0]) if years else None, pd.DataFrame(records),
                      nederland, footnotes, is_synthetic(path))


def _read_row(path: Path, sheet: str, number: int, row: tuple, columns: dict[str, int]) -> dict[str, Any]:
    def at(name: str) -> Any:
        position = columns.get(name)
        return row[position] if position is not None and position < len(row) else None

    code, name = at("gemeentecode"), at("gemeentenaam")
    label = str(code or name or "").strip()
    record: dict[str, Any] = {"_nederland": label.lower() in {"nederland", "nl01", "nl00"} or
                              str(name or "").strip().lower() == "nederland"}
    if not record["_nederland"]:
        try:
            gemeente = resolve_gemeente(label)
        except UnknownGemeenteError:
            try:  # a table in an older layout: gemeenten that have merged since (issue: crosswalk)
                gemeente = resolve_gemeente(label, AVAILABLE_YEARS[0])
            except UnknownGemeenteError as error:
                raise InputError(RowProblem(path.name, sheet, number, "gemeente", label, str(error))) from error
        record.update(gemeentecode=gemeente.code, gemeentenaam=gemeente.naam)
    for figure in FIGURE_COLUMNS:
        if figure not in columns:
            continue
        try:
            record[figure], record[f"{figure}_symbool"] = _cell(at(figure))
        except ValueError as error:
            raise InputError(RowProblem(path.name, sheet, number, figure, at(figure), str(error))) from error
    return record


def select_youth_table(paths: list[Path], peiljaar: int) -> YouthTable:
    """Return the table among ``paths`` for ``peiljaar``.

    Raises
    ------
    MissingDataError
        When no table of that year is present; says which years are.
    """
    tables = [read_youth_table(p) for p in paths]
    for table in tables:
        if table.peiljaar == peiljaar:
            return table
    found = ", ".join(f"{t.path.name} ({t.peiljaar})" for t in tables) or "none"
    raise MissingDataError(
        f"No CBS youth-figures table for peiljaar {peiljaar} in the data folder (found: {found}). "
        "Put the CBS table (xlsx) under raw/, or choose a peiljaar that is present."
    )
