"""CBS tables of youth figures per gemeente, as CBS publishes them in Excel.

The reader finds the table itself: title and explanation rows above a header of
one to three rows (a merged group heading such as "Jongeren buiten beeld" above
the sub-headings "totaal" and "waarvan zonder bekende reden"), one row per
gemeente (code and/or name), a ``Nederland`` (or ``Totaal``) row, and
footnotes below ("1)", "a)", "Bron:", "Verklaring van tekens", or any line
without figures after the last row of figures). The code and name columns
are judged from the data rows, never from the header, and are never mapped to
figures; a title row directly above the header (a year in a sentence, a long
sentence, "Tabel 1") ends the header block. Which figure column is which comes
from a mapping file (``config/cbs_kolommen.toml``, see
:func:`load_column_mapping`).

A table may be split into sections by a heading row ("Gemeenten",
"Provincies", "Landsdelen", "COROP-gebieden", "Regio's"). Names are resolved
as gemeenten only under "Gemeenten" or before any heading; other rows under a
non-gemeente heading (and rows with a PV/LD/CR code or "(PV)") are region rows:
left out with a warning and counted apart (``skipped_rows``). A row with a
gemeente code (GM...) is a gemeente under any heading.

Cells hold counts (numbers, or text with thousands separators such as
``1.234``) or the CBS symbols: ``.`` unknown, unreliable or secret; ``x``
secret; ``-`` nil; blank cannot occur. A symbol becomes a missing value (``-``
becomes 0) and the symbol is kept beside it as the reason.

Counts are checked for plausibility: a figure that is not finite (also ``inf``
or ``1e999`` written as text), below 0, not a whole number (the figures of the
shipped mapping count people), above the row's own number of young people
(``jongeren_15_27``), above the national row's number of young people, or above
:data:`~buitenbeeld.common.values.MAX_YOUTH_GEMEENTE` (a gemeente) or
:data:`~buitenbeeld.common.values.MAX_YOUTH_NEDERLAND` (the national row) is a warning
and becomes unknown (symbol None); the row stays.

Gemeenten are checked against the CBS list of the table's year (a 2013 table
against the 2013 list, so Bussum GM0381 stays Bussum GM0381). Problems are
collected per row as :class:`~buitenbeeld.errors.RowProblem`: a row that cannot
be read is rejected and listed, never lost, so that rows read = rows loaded +
rows rejected + region rows skipped. The gemeente rows are checked against the
national row within CBS rounding (see :func:`check_totals`).
"""
from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from buitenbeeld.settings import resource
from buitenbeeld.errors import InputError, MissingDataError, RowProblem, UnknownGemeenteError
from buitenbeeld.reference.gemeenten import AVAILABLE_YEARS, list_gemeenten, resolve_gemeente
from buitenbeeld.common.readers import list_sheets, read_rows
from buitenbeeld.common.readers import is_synthetic
from buitenbeeld.common.values import (MAX_YOUTH_GEMEENTE, MAX_YOUTH_NEDERLAND, MISSING_IMPLAUSIBLE, Number, count_problem,
                     normalise_header, read_count)
from buitenbeeld.common.vocabulary import CBS_SYMBOLS

__all__ = [
    "DEFAULT_MAPPING",
    "FIGURE_COLUMNS",
    "ColumnRule",
    "YouthTable",
    "check_totals",
    "load_column_mapping",
    "looks_like_youth_table",
    "read_youth_table",
    "select_youth_table",
    "in_current_layout",
]

#: The shipped mapping of CBS headers to tidy columns.
DEFAULT_MAPPING = resource("config/cbs_kolommen.toml")
_SCAN_ROWS = 30
_MAX_HEADER_ROWS = 3
_CODE = re.compile(r"^(GM\s*\d{1,4}|NL0?\d|(PV|LD|CR)\s*\d{1,2})$", re.I)
_NATIONAL = re.compile(r"^(nederland|nl0?[01]|totaal nederland|nederland totaal)$", re.I)
_TOTAL = re.compile(r"^totaal$", re.I)  # the national row when it has no gemeente or region code
_GEMEENTE_CODE = re.compile(r"^GM\s*\d{1,4}$", re.I)
_NOT_A_GEMEENTE = re.compile(r"^(PV|LD|CR)\s*\d{1,2}$|\((pv|ld|cr)\)$", re.I)
_LABEL_HEADER = re.compile(r"^(gemeente(code|naam|n)?|regio(code|'s)?|code|naam)$", re.I)
_LABEL_START = re.compile(r"^(gemeente|regio|code|naam|perioden?|onderwerp)", re.I)  # a header, never a title
_TITLE = re.compile(r"^(tabel|table|figuur|grafiek|bijlage)\s*\d{1,3}[a-z]?\b", re.I)
_PERIOD_HEADER = re.compile(r"(perioden?|jaar|onderwerpen?|eenheid)\b", re.I)
_SECTION = re.compile(r"^(gemeenten|provincies|provincie|landsdelen|landsdeel|corop[- ]?gebieden|corop[- ]?regio's|"
                      r"corop|regio's|regio)$", re.I)
_FOOTNOTE = re.compile(
    r"^\s*(\(?\d{1,2}\)|\(?[a-z]\)(\s|$)|\*|bron\b|verklaring|toelichting|noot|voetnoot|opmerking|cijfers zijn|"
    r"[.x-]\s*[=:]|©|centraal bureau voor de statistiek)", re.I)
_MARKER = re.compile(r"(\s*(\(\d{1,2}\)|\d{1,2}\)|[\u00b9\u00b2\u00b3\u2070-\u2079]+|\*+)|\s+[a-z]\))\s*$")
_YEAR = re.compile(r"(?<![\d/])((?:19|20)\d\d)(?![\d/])")
_INDELING = re.compile(r"indeling\s+(?:van\s+)?((?:19|20)\d\d)", re.I)
_TOLERANCE_NOTE = (
    "CBS rounds every cell, so a sum of n rounded cells may differ from the rounded total by at "
    "most (n + 1) x half the rounding unit")


@dataclass(frozen=True)
class ColumnRule:
    """One section of the mapping file: which header becomes tidy column ``name``."""

    name: str
    patterns: tuple[re.Pattern, ...]
    exclude: tuple[re.Pattern, ...] = ()
    required: bool = False
    description: str = ""

    def matches(self, header: str) -> bool:
        """True when every pattern and no exclude pattern matches the normalised ``header``."""
        return all(p.search(header) for p in self.patterns) and not any(p.search(header) for p in self.exclude)

    @property
    def regex(self) -> re.Pattern:
        """The rule as one pattern (lookaheads), for :data:`FIGURE_COLUMNS`."""
        ahead = "".join(f"(?=.*?(?:{p.pattern}))" for p in self.patterns)
        ahead += "".join(f"(?!.*?(?:{p.pattern}))" for p in self.exclude)
        return re.compile(f"^{ahead}", re.I | re.S)


def load_column_mapping(path: str | Path | None = None) -> tuple[ColumnRule, ...]:
    """Read a mapping file of tidy column names to header patterns.

    Parameters
    ----------
    path : str or Path, optional
        A TOML file in the format of the shipped ``config/cbs_kolommen.toml``
        (which documents it); default that file.

    Returns
    -------
    tuple of ColumnRule
        In file order, which is the order of precedence.

    Raises
    ------
    InputError
        When the file is missing, not TOML, or a section has no valid patterns;
        the message names the file and the section.
    """
    path = Path(path) if path else DEFAULT_MAPPING
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise InputError(RowProblem(str(path), None, None, None, None, "mapping file not found",
                                    "Give the path of a copy of config/cbs_kolommen.toml")) from error
    except tomllib.TOMLDecodeError as error:
        raise InputError(RowProblem(path.name, None, None, None, None, f"not valid TOML ({error})")) from error
    rules = []
    for name, section in raw.get("kolommen", {}).items():
        where = f"[kolommen.{name}]"
        if not re.fullmatch(r"[a-z][a-z0-9_]*", name) or not isinstance(section, dict):
            raise InputError(RowProblem(path.name, None, None, where, name,
                                        "a column name has lowercase letters, digits and _ only"))
        try:
            patterns = tuple(re.compile(p, re.I) for p in section.get("patronen", []))
            exclude = tuple(re.compile(p, re.I) for p in section.get("niet", []))
        except (re.error, TypeError) as error:
            raise InputError(RowProblem(path.name, None, None, where, None, f"invalid pattern ({error})",
                                        "Write each pattern as a Python regular expression in single quotes")) from error
        if not patterns:
            raise InputError(RowProblem(path.name, None, None, where, None, "no patronen",
                                        "List at least one header pattern"))
        rules.append(ColumnRule(name, patterns, exclude, bool(section.get("verplicht", False)),
                                str(section.get("omschrijving", ""))))
    if not rules:
        raise InputError(RowProblem(path.name, None, None, None, None, "no [kolommen.<naam>] sections"))
    return tuple(rules)


#: Tidy column -> pattern that finds it in a normalised CBS header (the shipped mapping, in order).
FIGURE_COLUMNS = {rule.name: rule.regex for rule in load_column_mapping()}
#: The figure every other figure of the shipped mapping is a part of: all young people aged 15 to 27.
_TOTAL_FIGURE = "jongeren_15_27"
_COUNT_HINT = "Controleer het getal met de tabel van CBS; is het niet bekend, gebruik dan een CBS-teken (. x -)"


@dataclass
class YouthTable:
    """A tidy CBS youth-figures table.

    ``gemeenten`` has ``gemeentecode`` and ``gemeentenaam`` (the CBS name in the
    list of year ``indeling``), ``peiljaar``, ``rij`` (the spreadsheet row) and
    per figure a value column plus ``<figure>_symbool`` (the CBS symbol where the
    value is missing); ``nederland`` is the national row as a dict. ``problems``
    lists every row problem; ``rows_read`` counts the rows between header and
    footnotes (section headings and blank rows not counted): ``rows_loaded``
    were loaded, ``rejected_rows`` could not be read, and ``skipped_rows`` are
    region rows (provinces, landsdelen, COROP-gebieden) left out on purpose, so
    ``rows_read == rows_loaded + len(rejected_rows) + len(skipped_rows)``.
    ``rejected_gemeenten`` maps the code of each gemeente whose row was
    rejected (the gemeente was recognised, a figure was not) to its row.
    """

    path: Path
    title: str
    peiljaar: int | None
    gemeenten: pd.DataFrame
    nederland: dict[str, Any]
    footnotes: list[str]
    synthetic: bool
    indeling: int | None = None
    sheet: str = ""
    columns: dict[str, str] = field(default_factory=dict)
    problems: list[RowProblem] = field(default_factory=list)
    rows_read: int = 0
    rejected_rows: list[int] = field(default_factory=list)
    omgerekend_van: int | None = None
    skipped_rows: list[int] = field(default_factory=list)
    rejected_gemeenten: dict[str, int] = field(default_factory=dict)

    @property
    def rows_loaded(self) -> int:
        """Gemeente rows plus the national row."""
        return len(self.gemeenten) + bool(self.nederland)

    def problems_table(self) -> pd.DataFrame:
        """The problems as a table (file, sheet, row, column, value, reason, hint, severity)."""
        return pd.DataFrame([p.as_record() for p in self.problems],
                            columns=list(RowProblem.__dataclass_fields__))


# --------------------------------------------------------------------------- layout


def _text(value: Any) -> str:
    return "" if value is None else " ".join(str(value).split())


def _count_or_symbol(value: Any) -> bool:
    try:
        _cell(value)
    except ValueError:
        return _implausible_text(value)  # a data row still, its count to be made unknown
    return True


def _implausible_text(value: Any) -> bool:
    """Text written as a number that no CBS count can be: ``-5``, ``inf``, ``nan``, ``1e308``."""
    return isinstance(value, str) and \
        read_count(value, "", MAX_YOUTH_NEDERLAND).missing_reason == MISSING_IMPLAUSIBLE


def _is_count(value: Any) -> bool:
    try:
        return _cell(value)[1] is None and value is not None
    except ValueError:
        return False


def _is_data_row(row: tuple) -> bool:
    """A label (code or name) followed by counts and symbols only, at least one count."""
    cells = [(i, v) for i, v in enumerate(row) if _text(v)]
    first_count = next((i for i, v in cells if _is_count(v)), None)
    if first_count is None:
        return False
    labels = [_text(v) for i, v in cells if i < first_count]
    return (bool(labels) and isinstance(row[cells[0][0]], str)
            and not any(p.match(labels[0]) for p in (_SECTION, _LABEL_HEADER, _PERIOD_HEADER))
            and all(_count_or_symbol(v) for i, v in cells if i > first_count))


def _first_figure_column(rows: list[tuple], data_at: int) -> int:
    """The leftmost column that holds a count in the data rows: the label columns lie left of it."""
    return min(next(i for i, v in enumerate(row) if _text(v) and _is_count(v))
               for row in rows[data_at:data_at + 40] if _is_data_row(row))


def _looks_like_title(row: tuple, before: int) -> bool:
    """True when a text cell above the label columns reads as a title, not a header.

    A title is "Tabel 1", a sentence with a year in it ("Jongeren buiten beeld,
    1 oktober 2013") or a long sentence; a cell that starts like a label header
    ("Gemeente", "Regio's", "Perioden") never is. Only the label columns are
    looked at: a group heading over the figures may well hold a year.
    """
    for value in row[:before]:
        text = _MARKER.sub("", _text(value))
        if not text or not isinstance(value, str) or _LABEL_START.match(text):
            continue
        if (_TITLE.match(text) or len(text) > 40 or len(text.split()) >= 6
                or (_YEAR.search(text) and re.search(r"[^\W\d_]{2}", text))):
            return True
    return False


def _header_rows(rows: list[tuple], data_at: int, before: int) -> list[int]:
    """The rows of the header block directly above the first data row, up to a blank or title row."""
    block: list[int] = []
    for index in range(data_at - 1, max(-1, data_at - 1 - _MAX_HEADER_ROWS), -1):
        filled = [i for i, v in enumerate(rows[index]) if _text(v)]
        if not filled or (block and filled == [0] and not _LABEL_HEADER.match(_text(rows[index][0]))):
            break
        if block and _looks_like_title(rows[index], before):  # the row right above the data is a header
            break
        block.insert(0, index)
    return block


def _header_texts(rows: list[tuple], block: list[int], before: int = 0) -> list[str]:
    """One normalised header per column: the header rows joined, merged group headings spread.

    A group heading spreads only over figure columns (from ``before`` on): text
    above a label column is never a heading of the figures beside it.
    """
    width = max((len(rows[i]) for i in block), default=0)
    grid = [[_MARKER.sub("", _text(rows[i][c])) if c < len(rows[i]) else "" for c in range(width)] for i in block]
    for level in range(len(grid) - 1):
        below = [any(grid[k][c] for k in range(level + 1, len(grid))) for c in range(width)]
        for c in range(max(1, before + 1), width):
            # a merged group heading sits in its first cell: spread it over the sub-headings beside it
            if not grid[level][c] and grid[level][c - 1] and below[c] and below[c - 1]:
                grid[level][c] = grid[level][c - 1]
    return [normalise_header(" ".join(grid[k][c] for k in range(len(grid))).replace("%", " procent "))
            .replace("_", " ") for c in range(width)]


def _map_figures(headers: list[str], rules: tuple[ColumnRule, ...], before: int) -> dict[str, int]:
    """Tidy figure -> column, for the columns from ``before`` on (label columns are never figures)."""
    columns: dict[str, int] = {}
    for position, header in enumerate(headers):
        if position < before:
            continue
        rule = next((r for r in rules if header and r.matches(header)), None)
        if rule is not None:
            columns.setdefault(rule.name, position)  # a second match of a taken rule is left out
    return columns


def _label_columns(rows: list[tuple], data_at: int, before: int) -> dict[str, int]:
    """Which columns left of the figures hold gemeente codes and names, judged from the data."""
    codes: dict[int, int] = {}
    names: dict[int, int] = {}
    for row in rows[data_at:data_at + 40]:
        for c in range(min(before, len(row))):
            text = _text(row[c])
            if not text or not isinstance(row[c], str):
                continue
            bucket = codes if _CODE.match(text) else names
            bucket[c] = bucket.get(c, 0) + 1
    labels = {}
    if codes:
        labels["gemeentecode"] = max(codes, key=lambda c: (codes[c], -c))
    names.pop(labels.get("gemeentecode", -1), None)
    if names:
        labels["gemeentenaam"] = max(names, key=lambda c: (names[c], -c))
    return labels


@dataclass
class _Layout:
    data_at: int
    headers: list[str]
    figures: dict[str, int]
    labels: dict[str, int]
    title_rows: list[str]


def _locate(rows: list[tuple], rules: tuple[ColumnRule, ...]) -> _Layout | None:
    data_at = next((i for i, row in enumerate(rows[:_SCAN_ROWS + _MAX_HEADER_ROWS]) if _is_data_row(row)), None)
    if data_at is None:
        return None
    before = _first_figure_column(rows, data_at)
    labels = _label_columns(rows, data_at, before)
    if not labels:
        return None
    block = _header_rows(rows, data_at, before)
    headers = _header_texts(rows, block, before)
    figures = _map_figures(headers, rules, before)
    if not figures:
        return None
    titles = [" ".join(_text(v) for v in rows[i] if _text(v)) for i in range(block[0] if block else data_at)]
    return _Layout(data_at, headers, figures, labels, [t for t in titles if t])


def _first_sheet(path: Path) -> tuple[str, list[tuple]]:
    """The name and rows of the first sheet (CBS puts the table there)."""
    if path.suffix.lower() == ".csv":
        return path.stem, read_rows(path)
    sheet = list_sheets(path)[0]
    return sheet, read_rows(path, sheet)


def looks_like_youth_table(path: Path, mapping: str | Path | None = None) -> bool:
    """True when the first sheet has a table of gemeenten with a 'buiten beeld' column (by ``mapping``)."""
    layout = _locate(_first_sheet(Path(path))[1][:_SCAN_ROWS + _MAX_HEADER_ROWS + 40], load_column_mapping(mapping))
    return layout is not None and "buiten_beeld" in layout.figures


# --------------------------------------------------------------------------- cells and rows


def _cell(value: Any) -> tuple[float | None, str | None]:
    if isinstance(value, bool):
        raise ValueError("a yes/no value where a count was expected")
    if isinstance(value, (int, float)):
        if math.isnan(value):
            return None, ""
        return float(value), None
    text = _text(value).lower().replace("\u2013", "-").replace("\u2014", "-")
    if text in CBS_SYMBOLS:
        return (0.0 if text == "-" else None), text
    number = text.replace(" ", "").replace("\u00a0", "")
    if re.fullmatch(r"\d{1,3}(\.\d{3})+|\d+", number):
        return float(number.replace(".", "")), None
    if re.fullmatch(r"\d+,\d+", number):
        return float(number.replace(",", ".")), None
    raise ValueError(f"expected a count or a CBS symbol ({', '.join(repr(s) for s in CBS_SYMBOLS if s)})")


def _years(title_rows: list[str], path: Path) -> tuple[int | None, int | None]:
    """(peiljaar, indeling) from the title rows, else from the file name."""
    for text in [*title_rows, path.stem.replace("_", " ")]:
        indeling = _INDELING.search(text)
        rest = _INDELING.sub(" ", text)
        years = _YEAR.findall(rest)
        if years or indeling:
            return (int(years[0]) if years else None), (int(indeling.group(1)) if indeling else None)
    return None, None


def _list_years(year: int | None) -> tuple[int, ...]:
    """The gemeente lists to try for a table of ``year``: its own, else the nearest first."""
    if year in AVAILABLE_YEARS:
        return (year,)
    return tuple(sorted(AVAILABLE_YEARS, key=lambda y: abs(y - (year or AVAILABLE_YEARS[-1]))))


class _RowReader:
    """Reads the gemeente rows of one table, keeps count of them and collects their problems."""

    def __init__(self, path: Path, sheet: str, layout: _Layout, list_years: tuple[int, ...]):
        self.path, self.sheet, self.layout, self.list_years = path, sheet, layout, list_years
        self.problems: list[RowProblem] = []
        self.seen: dict[str, int] = {}
        self.section: str | None = None  # the heading above the rows ("Gemeenten", "Provincies", ...)
        self.national_at: int | None = None  # the row of the national row that was loaded
        self.rejected: list[int] = []
        self.skipped: list[int] = []
        self.rejected_gemeenten: dict[str, int] = {}

    def problem(self, number: int, column: str | None, value: Any, reason: str, hint: str = "",
                severity: str = "error") -> None:
        self.problems.append(RowProblem(self.path.name, self.sheet, number, column, value, reason, hint, severity))

    def at(self, row: tuple, name: str) -> Any:
        position = self.layout.labels.get(name, self.layout.figures.get(name))
        return row[position] if position is not None and position < len(row) else None

    def _region(self, code: str, name: str) -> str | None:
        """Why the row is a region row (province, landsdeel, COROP-gebied), or None for a gemeente."""
        if _NOT_A_GEMEENTE.search(code) or _NOT_A_GEMEENTE.search(name):
            return "a province or region row, not a gemeente; left out"
        if self.section and not self.section.lower().startswith("gemeente") and not _GEMEENTE_CODE.match(code):
            return f"a row under the heading '{self.section}', not a gemeente; left out"
        return None

    def read(self, number: int, row: tuple) -> dict[str, Any] | None:
        """The row as a record, or None when it is rejected or skipped (its problems are recorded)."""
        code = _MARKER.sub("", _text(self.at(row, "gemeentecode")))
        name = _MARKER.sub("", _text(self.at(row, "gemeentenaam")))
        record: dict[str, Any] = {"rij": number}
        errors = len([p for p in self.problems if p.severity == "error"])
        national = bool(_NATIONAL.match(code) or _NATIONAL.match(name)
                        or (_TOTAL.match(name or code) and not _CODE.match(code)))
        gemeente = None
        if national:
            if self.national_at is not None:
                self.problem(number, "gemeente", code or name, f"second national row (also row {self.national_at})",
                             "Remove one of the two rows")
                self.rejected.append(number)
                return None
        else:
            region = self._region(code, name)
            if region:
                self.problem(number, "gemeente", code or name, region, severity="warning")
                self.skipped.append(number)
                return None
            gemeente = self._gemeente(number, code, name)
            if gemeente is not None:
                record.update(gemeentecode=gemeente.code, gemeentenaam=gemeente.naam)
        cap, limit = (MAX_YOUTH_NEDERLAND, "de grens voor heel Nederland") if national else \
            (MAX_YOUTH_GEMEENTE, "de grens voor één gemeente")
        for figure in self.layout.figures:
            raw = self.at(row, figure)
            try:
                record[figure], record[f"{figure}_symbool"] = _cell(raw)
            except ValueError as error:
                # text that is a number, but one that cannot be right ('inf', '1e999', '-5'): unknown, not rejected
                count = read_count(raw, figure, cap, limit=limit) if isinstance(raw, str) else None
                if count is not None and count.missing_reason == MISSING_IMPLAUSIBLE:
                    record[figure], record[f"{figure}_symbool"] = None, None
                    self.implausible(number, figure, count.problem)
                    continue
                self.problem(number, figure, raw, str(error), "Correct the cell, or use a CBS symbol (. x -)")
        if len([p for p in self.problems if p.severity == "error"]) > errors:
            self.rejected.append(number)
            if gemeente is not None:
                self.rejected_gemeenten[gemeente.code] = number
            return None
        self._check_counts(number, record, cap, limit)
        if national:
            self.national_at = number
        record["_nederland"] = national
        return record

    def implausible(self, number: int, figure: str, reason: str) -> None:
        """Record a figure that cannot be right; the caller makes it unknown. The value is not repeated."""
        self.problem(number, figure, None, reason, _COUNT_HINT, "warning")

    def _check(self, number: int, record: dict[str, Any], figure: str, maximum: float, limit: str) -> None:
        value = record.get(figure)
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return
        reason = count_problem(Number(value, value, value, False, None), figure, maximum,
                               whole=figure in FIGURE_COLUMNS, limit=limit)
        if reason is not None:
            record[figure], record[f"{figure}_symbool"] = None, None
            self.implausible(number, figure, reason)

    def _check_counts(self, number: int, record: dict[str, Any], cap: float, limit: str) -> None:
        """Figures of one row that cannot be right become unknown, each with a warning.

        Every figure: finite, 0 or more, at most ``cap``; the figures of the shipped
        mapping also whole, and each part of the young people (buiten beeld, its
        breakdowns) at most the row's own ``jongeren_15_27``. A figure of the
        user's own mapping may be a fraction and is not compared with the total.
        """
        figures = sorted(self.layout.figures, key=lambda f: f != _TOTAL_FIGURE)  # the total first: the others need it
        for figure in figures:
            self._check(number, record, figure, cap, limit)
        total = record.get(_TOTAL_FIGURE)
        if total is None or (isinstance(total, float) and math.isnan(total)):
            return
        for figure in figures:
            if figure in FIGURE_COLUMNS and figure != _TOTAL_FIGURE:
                self._check(number, record, figure, total, "het aantal jongeren van 15 tot 27 jaar in deze rij")

    def check_against_national(self, records: list[dict[str, Any]], nederland: dict[str, Any]) -> None:
        """A gemeente figure above the national number of young people becomes unknown, with a warning.

        No gemeente can have more young people (buiten beeld or not) than the
        whole country: the national row's ``jongeren_15_27`` caps every figure of
        the shipped mapping. A gemeente above the national row's *own* figure
        (more buiten beeld than Nederland) is left to :func:`check_totals`, which
        cannot tell which of the two is wrong and says so.
        """
        national = nederland.get(_TOTAL_FIGURE)
        if national is None or (isinstance(national, float) and math.isnan(national)):
            return
        for record in records:
            for figure in self.layout.figures:
                if figure in FIGURE_COLUMNS:
                    self._check(record["rij"], record, figure, national,
                                "het aantal jongeren van 15 tot 27 jaar in de rij Nederland")

    def _gemeente(self, number: int, code: str, name: str):
        label = code or name
        found, error = None, None
        for year in self.list_years:
            try:
                found = resolve_gemeente(label, year)
                break
            except UnknownGemeenteError as failure:
                error = error or failure
        if found is None:
            self.problem(number, "gemeente", label, str(error),
                         f"Check the code or name against the CBS list of {self.list_years[0]}")
            return None
        if found.code in self.seen:
            self.problem(number, "gemeente", label, f"{found} appears twice (also row {self.seen[found.code]})",
                         "Remove one of the two rows")
            return None
        self.seen[found.code] = number
        if code and name and not self._same(name, found):
            self.problem(number, "gemeentenaam", name, f"the name does not match code {found.code} "
                         f"({found.naam} in {found.jaar}); the code is used", severity="warning")
        return found

    @staticmethod
    def _same(name: str, gemeente) -> bool:
        try:
            return resolve_gemeente(name, gemeente.jaar).code == gemeente.code
        except UnknownGemeenteError:
            return False


def _is_footnote(row: tuple) -> bool:
    cells = [_text(v) for v in row if _text(v)]
    return bool(cells) and (bool(_FOOTNOTE.match(cells[0])) or (len(cells) == 1 and len(cells[0]) > 40))


def _section(row: tuple) -> str | None:
    """The heading of a section ("Gemeenten", "Provincies", ...) when the row is one, else None."""
    cells = [_MARKER.sub("", _text(v)) for v in row if _text(v)]
    return cells[0] if len(cells) == 1 and _SECTION.match(cells[0]) else None


def _footnotes_from(rows: list[tuple], layout: _Layout) -> int:
    """The index of the first footnote row below the data.

    That is the first row that reads as a footnote ("1)", "a)", "Bron:", a long
    line), or else the row after the last one with a figure cell or a code:
    below the data, a line without any figure ("Voorlopige cijfers.",
    "Den Haag/Heerlen, 2015") is a footnote, not a gemeente.
    """
    end = next((i for i in range(layout.data_at, len(rows)) if _is_footnote(rows[i])), len(rows))
    figures = set(layout.figures.values())
    code_at = layout.labels.get("gemeentecode")

    def holds_data(row: tuple) -> bool:
        has_figure = any(p < len(row) and _text(row[p]) for p in figures)
        return has_figure or (code_at is not None and code_at < len(row) and bool(_CODE.match(_text(row[code_at]))))

    return next((i + 1 for i in range(end - 1, layout.data_at - 1, -1) if holds_data(rows[i])), layout.data_at)


# --------------------------------------------------------------------------- totals


def _rounding_unit(values: list[float]) -> int:
    """The largest of 1000, 100, 10 and 5 that divides every value, else 1."""
    return next((u for u in (1000, 100, 10, 5) if all(v % u == 0 for v in values)), 1)


def check_totals(table: YouthTable, rounding: int | None = None) -> list[RowProblem]:
    """Check per figure that the gemeente rows add up to the national row within CBS rounding.

    CBS rounds every cell (to tens or hundreds) on its own, so the sum of ``n``
    rounded gemeente cells may differ from the rounded national cell by up to
    ``(n + 1) * unit / 2``; that is the tolerance. The unit is ``rounding``, or
    the largest of 1000, 100, 10 and 5 that divides every value of the column
    (1, no tolerance, when the figures are not rounded). A table with fewer
    gemeenten than the CBS list of its year, or with rejected rows, is only
    checked not to exceed the national row ("at most"; the message then says
    the check was weakened and why). Region rows left out on purpose
    (``skipped_rows``: provinces, COROP-gebieden) do not weaken it. A column is
    skipped where a symbol (``.``, ``x``, blank) hides a value, or without a
    national row.

    Returns
    -------
    list of RowProblem
        Warnings naming the column, the sum, the national value and the tolerance.
    """
    problems = []
    frame = table.gemeenten
    listed = len(list_gemeenten(table.indeling)) if table.indeling in AVAILABLE_YEARS else None
    for figure in table.columns:
        national = table.nederland.get(figure)
        if national is None or (isinstance(national, float) and math.isnan(national)):
            continue
        if frame.empty or frame[figure].isna().any():
            continue
        values = [float(v) for v in frame[figure]] + [float(national)]
        unit = rounding or _rounding_unit(values)
        tolerance = (len(frame) + 1) * unit / 2 if unit > 1 else 0.0
        total = sum(values[:-1])
        complete = (listed is None or len(frame) >= listed) and not table.rejected_rows
        difference = total - national
        if abs(difference) > tolerance if complete else difference > tolerance:
            expectation = "equal" if complete else "at most"
            weakened = ""
            if table.rejected_rows:
                rows = ", ".join(map(str, table.rejected_rows))
                weakened = (f"; the check is weakened to 'at most' because {len(table.rejected_rows)} row(s) were "
                            f"rejected (row {rows}) and their figures are not in the sum")
            problems.append(RowProblem(
                table.path.name, table.sheet, int(table.nederland.get("rij", 0)) or None, figure, None,
                f"the {len(frame)} gemeenten add up to {total:,.0f}, the Nederland row says {national:,.0f} "
                f"(difference {difference:+,.0f}); expected {expectation} within {tolerance:,.0f} "
                f"({_TOLERANCE_NOTE}, here {unit}){weakened}",
                "Check for missing, doubled or shifted rows in this column", "warning"))
    return problems


# --------------------------------------------------------------------------- reading


def read_youth_table(path: Path, *, year: int | None = None, mapping: str | Path | None = None,
                     indeling: int | None = None, rounding: int | None = None, strict: bool = True) -> YouthTable:
    """Read a CBS table of youth figures per gemeente (xlsx, ods or CSV).

    Parameters
    ----------
    path : Path
        The table; the first sheet is read.
    year : int, optional
        The peiljaar; default the first year in the title rows, else in the file name.
    mapping : str or Path, optional
        A mapping file of tidy columns to headers (default ``config/cbs_kolommen.toml``).
    indeling : int, optional
        The year of the gemeente list the codes and names are checked against;
        default "gemeentelijke indeling <year>" in the title, else the peiljaar.
    rounding : int, optional
        The CBS rounding unit for :func:`check_totals`; default detected.
    strict : bool, default True
        Raise the first row that cannot be read; False collects every problem in
        ``problems`` and loads the other rows.

    Raises
    ------
    InputError
        When no table is found or a required column is missing; with ``strict``
        also for a cell that is neither a count nor a CBS symbol and for a gemeente
        that is not in the CBS list. The message names the row and column.
    """
    path = Path(path)
    rules = load_column_mapping(mapping)
    sheet, rows = _first_sheet(path)
    layout = _locate(rows, rules)
    if layout is None:
        raise InputError(RowProblem(path.name, sheet, None, None, None,
                                    "no table found: no header with a 'buiten beeld' column above rows of "
                                    "gemeenten (codes like GM0518 or names) with counts",
                                    "Keep the CBS header and the gemeente column"))
    missing = [r.name for r in rules if r.required and r.name not in layout.figures]
    if missing:
        found = "; ".join(h for h in layout.headers if h) or "none"
        raise InputError(RowProblem(path.name, sheet, layout.data_at, ", ".join(missing), None,
                                    f"no header matches required column(s) {', '.join(missing)} (headers: {found})",
                                    "Adjust the patterns in the mapping file (config/cbs_kolommen.toml)"))
    found_year, found_indeling = _years(layout.title_rows, path)
    peiljaar = year or found_year
    indeling = indeling or found_indeling or peiljaar
    reader = _RowReader(path, sheet, layout, _list_years(indeling))
    if indeling not in AVAILABLE_YEARS:
        reader.problem(None, None, indeling, f"no CBS gemeente list for {indeling or 'an unknown year'}; gemeenten "
                       f"checked against {' and '.join(map(str, reader.list_years))}",
                       "Give the year of the table", "warning")
    records, footnotes, nederland, read = [], [], {}, 0
    first_footnote = _footnotes_from(rows, layout)
    for number, row in enumerate(rows[layout.data_at:], start=layout.data_at + 1):
        if number > first_footnote:
            if any(_text(v) for v in row):
                footnotes.append(" ".join(_text(v) for v in row if _text(v)))
            continue
        if not any(_text(v) for v in row):
            continue
        heading = _section(row)
        if heading is not None:
            reader.section = heading
            continue
        read += 1
        record = reader.read(number, row)
        if record is None:
            continue
        if record.pop("_nederland"):
            nederland = record
        else:
            records.append({**record, "peiljaar": peiljaar})
    reader.check_against_national(records, nederland)
    errors = [p for p in reader.problems if p.severity == "error"]
    if strict and errors:
        raise InputError(errors[0])
    figures = list(layout.figures)
    frame = pd.DataFrame(records, columns=["gemeentecode", "gemeentenaam", "peiljaar", "rij",
                                           *[c for f in figures for c in (f, f"{f}_symbool")]])
    title = layout.title_rows[0] if layout.title_rows else path.stem
    table = YouthTable(path, title, peiljaar, frame, nederland, footnotes, is_synthetic(path), indeling, sheet,
                       {f: layout.headers[p] for f, p in layout.figures.items()}, reader.problems, read,
                       reader.rejected, skipped_rows=reader.skipped, rejected_gemeenten=reader.rejected_gemeenten)
    table.problems.extend(check_totals(table, rounding))
    return table


def in_current_layout(table: YouthTable) -> YouthTable:
    """The table in today's gemeente layout (2026): a 2013 table is converted through the crosswalk.

    Merged gemeenten get the sum of their parts (Gooise Meren: Bussum, Muiden and
    Naarden); a part of a gemeente that was split is shared out by area and the
    row is marked ``geschat`` (estimates are rounded to tens, as CBS rounds). The
    columns ``voorgangers`` and ``<figure>_toelichting`` say where each figure
    came from (a part whose row was rejected is named as such); ``omgerekend_van``
    is set to 2013. Every figure column of the table is converted (those of
    the mapping it was read with, :attr:`YouthTable.columns`). Tables in another
    layout are returned as they are.
    """
    if table.indeling != 2013:
        return table
    from buitenbeeld.reference.crosswalk import convert_to_2026

    columns = [c for c in table.columns if c in table.gemeenten.columns]
    converted = convert_to_2026(table.gemeenten, columns, rejected=table.rejected_gemeenten)
    # an estimate is no more precise than CBS's own rounding to tens; exact sums stay as they are
    estimated = converted["geschat"].astype(bool)
    converted[columns] = converted[columns].round()
    converted.loc[estimated, columns] = converted.loc[estimated, columns].round(-1)
    converted["peiljaar"] = table.peiljaar
    return replace(table, gemeenten=converted, indeling=2026, omgerekend_van=2013)


def select_youth_table(paths: list[Path], peiljaar: int, **options: Any) -> YouthTable:
    """Return the table among ``paths`` for ``peiljaar``.

    ``options`` go to :func:`read_youth_table` (``mapping``, ``strict``, ...).

    Raises
    ------
    MissingDataError
        When no table of that year is present; says which years are.
    """
    tables = [read_youth_table(p, **options) for p in paths]
    for table in tables:
        if table.peiljaar == peiljaar:
            return table
    found = ", ".join(f"{t.path.name} ({t.peiljaar})" for t in tables) or "none"
    raise MissingDataError(
        f"No CBS youth-figures table for peiljaar {peiljaar} in the data folder (found: {found}). "
        "Put the CBS table (xlsx) under raw/, or choose a peiljaar that is present."
    )
