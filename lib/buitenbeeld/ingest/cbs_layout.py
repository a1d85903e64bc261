"""Where the CBS youth-figures table sits in its sheet, and which column is which.

The table is found from its data rows (a label, a gemeente code and/or name,
followed by counts and CBS symbols): the header of one to three rows directly
above the first of them (a merged group heading spread over the sub-headings
beside it), title rows above that, footnotes below the last row of figures,
section headings ("Gemeenten", "Provincies", ...) in between. The code and
name columns are judged from the data rows, never from the header; which
figure column is which comes from the mapping file
(``config/cbs_kolommen.toml``, see :func:`load_column_mapping`).
:mod:`buitenbeeld.ingest.cbs` reads the rows of the table found here.
"""
from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from buitenbeeld.common.readers import list_sheets, read_rows
from buitenbeeld.common.values import MAX_YOUTH_NEDERLAND, MISSING_IMPLAUSIBLE, normalise_header, read_count
from buitenbeeld.common.vocabulary import CBS_SYMBOLS
from buitenbeeld.errors import InputError, RowProblem
from buitenbeeld.reference.gemeenten import region_level
from buitenbeeld.settings import resource

__all__ = [
    "DEFAULT_MAPPING",
    "FIGURE_COLUMNS",
    "RECOGNISE_ROWS",
    "ColumnRule",
    "Layout",
    "cell_text",
    "first_sheet",
    "footnotes_from",
    "is_national_row",
    "label_text",
    "load_column_mapping",
    "locate_table",
    "read_cell",
    "region_reason",
    "section_heading",
    "title_years",
]

#: The shipped mapping of CBS headers to tidy columns.
DEFAULT_MAPPING = resource("config/cbs_kolommen.toml")
_SCAN_ROWS = 30
_MAX_HEADER_ROWS = 3
_CODE = re.compile(r"^(GM\s*\d{1,4}|NL0?\d|(PV|LD|CR)\s*\d{1,2})$", re.I)
_NATIONAL = re.compile(r"^(nederland|nl0?[01]|totaal nederland|nederland totaal)$", re.I)
_TOTAL = re.compile(r"^totaal$", re.I)  # the national row when it has no gemeente or region code
_GEMEENTE_CODE = re.compile(r"^GM\s*\d{1,4}$", re.I)
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
#: The rows enough to recognise a table: where its first data row may start, and the rows its columns are judged from.
RECOGNISE_ROWS = _SCAN_ROWS + _MAX_HEADER_ROWS + 40


# --------------------------------------------------------------------------- the mapping


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
        raise InputError(RowProblem(str(path), None, None, None, None, "het bestand met kolomnamen is niet gevonden",
                                    "Geef het pad van een kopie van config/cbs_kolommen.toml")) from error
    except tomllib.TOMLDecodeError as error:
        raise InputError(RowProblem(path.name, None, None, None, None,
                                    f"dit is geen geldig TOML-bestand (technische melding: {error})",
                                    "Verbeter de regel die de melding noemt; kijk hoe het in "
                                    "config/cbs_kolommen.toml staat")) from error
    rules = []
    for name, section in raw.get("kolommen", {}).items():
        where = f"[kolommen.{name}]"
        if not re.fullmatch(r"[a-z][a-z0-9_]*", name) or not isinstance(section, dict):
            raise InputError(RowProblem(path.name, None, None, where, name,
                                        "een kolomnaam mag alleen kleine letters, cijfers en _ hebben",
                                        "Verander de naam, bijvoorbeeld in 'buiten_beeld'"))
        try:
            patterns = tuple(re.compile(p, re.I) for p in section.get("patronen", []))
            exclude = tuple(re.compile(p, re.I) for p in section.get("niet", []))
        except (re.error, TypeError) as error:
            raise InputError(RowProblem(path.name, None, None, where, None,
                                        f"een patroon klopt niet (technische melding: {error})",
                                        "Schrijf elk patroon als reguliere expressie van Python, tussen enkele "
                                        "aanhalingstekens")) from error
        if not patterns:
            raise InputError(RowProblem(path.name, None, None, where, None, "er staan geen patronen in",
                                        "Zet onder 'patronen' ten minste één patroon voor de kop van de kolom"))
        rules.append(ColumnRule(name, patterns, exclude, bool(section.get("verplicht", False)),
                                str(section.get("omschrijving", ""))))
    if not rules:
        raise InputError(RowProblem(path.name, None, None, None, None, "er staan geen kolommen [kolommen.<naam>] in",
                                    "Kijk hoe het in config/cbs_kolommen.toml staat"))
    return tuple(rules)


#: Tidy column -> pattern that finds it in a normalised CBS header (the shipped mapping, in order).
FIGURE_COLUMNS = {rule.name: rule.regex for rule in load_column_mapping()}


# --------------------------------------------------------------------------- layout


def cell_text(value: Any) -> str:
    """The cell as text, its whitespace collapsed ("" for an empty cell)."""
    return "" if value is None else " ".join(str(value).split())


def _count_or_symbol(value: Any) -> bool:
    try:
        read_cell(value)
    except ValueError:
        return _implausible_text(value)  # a data row still, its count to be made unknown
    return True


def _implausible_text(value: Any) -> bool:
    """Text written as a number that no CBS count can be: ``-5``, ``inf``, ``nan``, ``1e308``."""
    return isinstance(value, str) and \
        read_count(value, "", MAX_YOUTH_NEDERLAND).missing_reason == MISSING_IMPLAUSIBLE


def _is_count(value: Any) -> bool:
    try:
        return read_cell(value)[1] is None and value is not None
    except ValueError:
        return False


def _is_data_row(row: tuple) -> bool:
    """A label (code or name) followed by counts and symbols only, at least one count."""
    cells = [(i, v) for i, v in enumerate(row) if cell_text(v)]
    first_count = next((i for i, v in cells if _is_count(v)), None)
    if first_count is None:
        return False
    labels = [cell_text(v) for i, v in cells if i < first_count]
    return (bool(labels) and isinstance(row[cells[0][0]], str)
            and not any(p.match(labels[0]) for p in (_SECTION, _LABEL_HEADER, _PERIOD_HEADER))
            and all(_count_or_symbol(v) for i, v in cells if i > first_count))


def _first_figure_column(rows: list[tuple], data_at: int) -> int:
    """The leftmost column that holds a count in the data rows: the label columns lie left of it."""
    return min(next(i for i, v in enumerate(row) if cell_text(v) and _is_count(v))
               for row in rows[data_at:data_at + 40] if _is_data_row(row))


def _looks_like_title(row: tuple, before: int) -> bool:
    """True when a text cell above the label columns reads as a title, not a header.

    A title is "Tabel 1", a sentence with a year in it ("Jongeren buiten beeld,
    1 oktober 2013") or a long sentence; a cell that starts like a label header
    ("Gemeente", "Regio's", "Perioden") never is. Only the label columns are
    looked at: a group heading over the figures may well hold a year.
    """
    for value in row[:before]:
        text = _MARKER.sub("", cell_text(value))
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
        filled = [i for i, v in enumerate(rows[index]) if cell_text(v)]
        if not filled or (block and filled == [0] and not _LABEL_HEADER.match(cell_text(rows[index][0]))):
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
    grid = [[_MARKER.sub("", cell_text(rows[i][c])) if c < len(rows[i]) else "" for c in range(width)] for i in block]
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
            text = cell_text(row[c])
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
class Layout:
    """Where the table sits in its sheet (found by :func:`locate_table`).

    ``data_at`` is the index of the first data row, ``headers`` the normalised
    header of every column, ``figures`` tidy figure -> column and ``labels``
    ``gemeentecode``/``gemeentenaam`` -> column; ``title_rows`` are the texts
    of the rows above the header.
    """

    data_at: int
    headers: list[str]
    figures: dict[str, int]
    labels: dict[str, int]
    title_rows: list[str]


def locate_table(rows: list[tuple], rules: tuple[ColumnRule, ...]) -> Layout | None:
    """The layout of the table in ``rows``, its figures named by ``rules``; None without gemeenten or figures."""
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
    titles = [" ".join(cell_text(v) for v in rows[i] if cell_text(v)) for i in range(block[0] if block else data_at)]
    return Layout(data_at, headers, figures, labels, [t for t in titles if t])


def first_sheet(path: Path) -> tuple[str, list[tuple]]:
    """The name and rows of the first sheet (CBS puts the table there)."""
    if path.suffix.lower() == ".csv":
        return path.stem, read_rows(path)
    sheet = list_sheets(path)[0]
    return sheet, read_rows(path, sheet)


# --------------------------------------------------------------------------- cells and rows


def read_cell(value: Any) -> tuple[float | None, str | None]:
    """``(value, symbol)`` of a cell: a count and None, or the CBS symbol and its value (0 for ``-``, else None).

    Raises
    ------
    ValueError
        When the cell is neither a count nor a CBS symbol.
    """
    if isinstance(value, bool):
        raise ValueError("hier hoort een aantal, maar er staat ja/nee (WAAR of ONWAAR)")
    if isinstance(value, (int, float)):
        if math.isnan(value):
            return None, ""
        return float(value), None
    text = cell_text(value).lower().replace("\u2013", "-").replace("\u2014", "-")
    if text in CBS_SYMBOLS:
        return (0.0 if text == "-" else None), text
    number = text.replace(" ", "").replace("\u00a0", "")
    if re.fullmatch(r"\d{1,3}(\.\d{3})+|\d+", number):
        return float(number.replace(".", "")), None
    if re.fullmatch(r"\d+,\d+", number):
        return float(number.replace(",", ".")), None
    raise ValueError(f"hier hoort een aantal of een CBS-teken ({', '.join(repr(s) for s in CBS_SYMBOLS if s)})")


def title_years(title_rows: list[str], path: Path) -> tuple[int | None, int | None]:
    """(peiljaar, indeling) from the title rows, else from the file name."""
    for text in [*title_rows, path.stem.replace("_", " ")]:
        indeling = _INDELING.search(text)
        rest = _INDELING.sub(" ", text)
        years = _YEAR.findall(rest)
        if years or indeling:
            return (int(years[0]) if years else None), (int(indeling.group(1)) if indeling else None)
    return None, None


def label_text(value: Any) -> str:
    """A gemeente code or name as text, without a footnote marker ("Utrecht 1)" -> "Utrecht")."""
    return _MARKER.sub("", cell_text(value))


def is_national_row(code: str, name: str) -> bool:
    """True for the national row: ``Nederland`` (or NL01), or ``Totaal`` without a gemeente or region code."""
    return bool(_NATIONAL.match(code) or _NATIONAL.match(name)
                or (_TOTAL.match(name or code) and not _CODE.match(code)))


def region_reason(code: str, name: str, section: str | None) -> str | None:
    """Why the row is a region row (province, landsdeel, COROP-gebied), or None for a gemeente.

    ``section`` is the heading above the row ("Gemeenten", "Provincies", ...),
    None before any heading. The level CBS writes after a title counts first
    (:func:`~buitenbeeld.reference.gemeenten.region_level`): ``Groningen (PV)``,
    ``Noord-Nederland (LD)`` and a PV/LD/CR code are region rows,
    ``'s-Gravenhage (gemeente)`` is a gemeente row under any heading.
    """
    levels = {region_level(code), region_level(name)} - {None}
    if levels - {"gemeente"}:
        return "een rij van een provincie of regio, geen gemeente; deze rij is overgeslagen"
    if section and not section.lower().startswith("gemeente") and not _GEMEENTE_CODE.match(code) \
            and "gemeente" not in levels:
        return f"een rij onder het kopje '{section}', geen gemeente; deze rij is overgeslagen"
    return None


def _is_footnote(row: tuple) -> bool:
    cells = [cell_text(v) for v in row if cell_text(v)]
    return bool(cells) and (bool(_FOOTNOTE.match(cells[0])) or (len(cells) == 1 and len(cells[0]) > 40))


def section_heading(row: tuple) -> str | None:
    """The heading of a section ("Gemeenten", "Provincies", ...) when the row is one, else None."""
    cells = [_MARKER.sub("", cell_text(v)) for v in row if cell_text(v)]
    return cells[0] if len(cells) == 1 and _SECTION.match(cells[0]) else None


def footnotes_from(rows: list[tuple], layout: Layout) -> int:
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
        has_figure = any(p < len(row) and cell_text(row[p]) for p in figures)
        return has_figure or (code_at is not None and code_at < len(row) and bool(_CODE.match(cell_text(row[code_at]))))

    return next((i + 1 for i in range(end - 1, layout.data_at - 1, -1) if holds_data(rows[i])), layout.data_at)
