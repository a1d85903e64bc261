"""CBS "Kerncijfers wijken en buurten": inhabitants and young people per wijk.

A gemeente downloads this table from CBS to see how many young people live in
each wijk. Two real forms exist and both are read, as xlsx (Excel or
LibreOffice) or CSV (``;`` or ``,``, decimal comma or point):

1. **The yearly workbook** ``kwb-20XX.xlsx`` / ``kwb20XX.xlsx`` (also as CSV) from
   cbs.nl. One header row with short names, one row per region:
   ``gwb_code_10`` (``NL00``, ``GM0518``, ``WK051828``, ``BU05182801``),
   ``gwb_code_8`` (the digits: ``0000``, ``0518``, ``051828``, ``05182801``),
   ``regio`` (the name), ``gm_naam``, ``recs`` (``Land``, ``Gemeente``, ``Wijk``,
   ``Buurt``), ``gwb_code``, ``ind_wbi``, then ``a_inw``, ``a_man``, ``a_vrouw``,
   ``a_00_14``, ``a_15_24``, ``a_25_44``, ``a_45_64``, ``a_65_oo`` and about a
   hundred more. An unknown or secret value is ``.``. Confirmed in public code
   that reads these files (column lists, ``read_excel(.., na = c(".", ""))``,
   ``recs == 'Gemeente'``; see ``tests/fixtures/cbs_wijken/README.md``).
2. **A StatLine download** of the same table (83765NED 2017, 84286NED 2018,
   84583NED 2019, 85039NED 2021, 85318NED 2022, 85618NED 2023, 85984NED 2024,
   86165NED 2025). The raw CSV has ``;`` and quoted fields, ``ID;
   WijkenEnBuurten; Gemeentenaam_1; SoortRegio_2; Codering_3; ...;
   AantalInwoners_5; Mannen_6; Vrouwen_7; k_0Tot15Jaar_8; k_15Tot25Jaar_9; ...``;
   codes and kinds are padded with spaces to 10 characters (``"WK051802  "``,
   ``"Wijk      "``), numbers are right-aligned (``"    8245"``) and an unknown
   value is ``"       ."``. Confirmed in
   marcopellegrinoit/DHZW_synthetic-population,
   ``data/marginal_distributions_TheHague_2019_84583NED.csv`` (Den Haag, 2019),
   and reidhin/grenswijzigen ``tests/testthat/_snaps/wrapper_vertaal_naar_peiljaar.md``
   (``"GM0014    "``, ``"WK028901  "``, wijk counts rounded to 5). The table as
   shown on the StatLine website has titles instead (``Wijken en buurten``,
   ``Gemeentenaam``, ``Soort regio``, ``Codering``, ``Aantal inwoners``,
   ``15 tot 25 jaar``), with title lines above and ``Bron: CBS`` below; those
   titles are recognised too.

The table is recognised by its content (a code column, a population or age
column, and wijk codes or a "soort regio" column), never by the file name.

Every row between the header and the footnotes ends up in one of three places,
so that ``read == loaded + rejected + skipped`` per file (``files``):

* **loaded**: a wijk row (``recs``/``Soort regio`` is ``Wijk``, or there is no
  such column and the code starts with ``WK``);
* **skipped**: a row of another level (``Land``, ``Gemeente``, ``Buurt``):
  counted as ``overgeslagen: geen wijk``, per kind in ``skipped_kinds``, never
  a problem;
* **rejected**: a row that cannot be read (a wijk code that is no code, a
  gemeente that does not exist, a count that is no number, more young people
  than inhabitants, a wijk twice), with file, sheet, row, column and a Dutch
  reason among the ``problems``.

Counts stay as CBS wrote them (small counts are protected later, in publish);
``.``, ``x`` and an empty cell are unknown (``<NA>``, never 0), ``-`` is nil (0).
The young people's age band is the one the file has (``a_15_24``,
``k_15Tot25Jaar``, ``15 tot 25 jaar`` all mean 15 to 24 years), recorded in
``leeftijdsgroep``. The gemeente is taken from the wijk code (``WK0518..`` is
GM0518) and checked against the CBS list (:mod:`buitenbeeld.reference.gemeenten`).
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from buitenbeeld.common import values
from buitenbeeld.common.rawcells import fold, is_missing
from buitenbeeld.common.readers import is_synthetic, list_sheets, read_sheet
from buitenbeeld.common.sheets import Sheet, notes_by_row, with_notes
from buitenbeeld.errors import InputError, RowProblem, UnknownGemeenteError
from buitenbeeld.ingest import wording
from buitenbeeld.ingest.interviews import file_labels
from buitenbeeld.reference.gemeenten import AVAILABLE_YEARS, resolve_gemeente

__all__ = [
    "COLUMNS",
    "FILE_COLUMNS",
    "MAX_INWONERS_WIJK",
    "STATLINE_YEARS",
    "WijkResult",
    "looks_like_wijk_table",
    "load_wijk_tables",
]

#: The columns of :attr:`WijkResult.wijken`, in order.
COLUMNS = ("gemeentecode", "gemeentenaam", "wijkcode", "wijk", "jaar", "inwoners", "jongeren_15_24",
           "leeftijdsgroep", "bron_bestand", "bron_blad", "bron_rij")
#: The columns of :attr:`WijkResult.files`, in order.
FILE_COLUMNS = ("file", "sheet", "jaar", "read", "loaded", "rejected", "skipped", "skipped_kinds",
                "synthetic", "unusable")
#: More inhabitants than this in one wijk cannot be right (Amsterdam as a whole has about 930.000).
MAX_INWONERS_WIJK = 1_000_000
#: The StatLine tables of "Kerncijfers wijken en buurten" and the year each describes.
STATLINE_YEARS = {"83765NED": 2017, "84286NED": 2018, "84583NED": 2019, "85039NED": 2021,
                  "85318NED": 2022, "85618NED": 2023, "85984NED": 2024, "86165NED": 2025}

#: Header spellings (after ``values.normalise_header``) per role, in order of preference.
_CODE_HEADERS = ("gwb_code_10", "codering_3", "codering", "gwb_code", "wijkenenbuurten", "regiocode", "wijkcode",
                 "gwb_code_8")
_NAME_HEADERS = ("regio", "wijken_en_buurten", "wk_naam", "wijknaam", "wijk", "naam")
_GEMEENTE_HEADERS = ("gm_naam", "gemeentenaam_1", "gemeentenaam", "gemeente")
_KIND_HEADERS = ("recs", "soortregio_2", "soort_regio")
_INWONERS = re.compile(r"^(a_inw|aantalinwoners(_\d+)?|(.*_)?aantal_inwoners(_.*)?)$")
# a_15_24 (kwb: both ends included); k_15Tot25Jaar_9 and '15 tot 25 jaar' (StatLine: 25 not included)
_YOUTH_KWB = re.compile(r"^a_15_(\d\d)$")
_YOUTH_STATLINE = re.compile(r"^(?:k_15tot(\d\d)jaar(?:_\d+)?|(?:.*_)?15_tot_(\d\d)_jaar(?:_.*)?)$")
_CODE = re.compile(r"^(NL|GM|WK|BU)(\d+)$")
_KIND_BY_PREFIX = {"NL": "land", "GM": "gemeente", "WK": "wijk", "BU": "buurt"}
_KIND_WORDS = {"land": "land", "nederland": "land", "gemeente": "gemeente", "wijk": "wijk", "buurt": "buurt"}
_DIGITS_KIND = {4: "gemeente", 6: "wijk", 8: "buurt"}
_UNKNOWN_SYMBOLS = frozenset({".", "x", "?", "..."})
_HEADER_SCAN = 30
_RECOGNISE_ROWS = 200
_YEAR = re.compile(r"(?<!\d)(20[0-4]\d|19[5-9]\d)(?!\d)")
_TABLE_ID = re.compile(r"(\d{5}NED)", re.IGNORECASE)
_WIJK_CODE_HINT = "Een wijkcode is WK met zes cijfers: de vier cijfers van de gemeente en twee van de wijk, zoals WK051828"
_COUNT_HINT = "Schrijf een heel aantal, of '.' als CBS het getal niet geeft"


@dataclass
class WijkResult:
    """What reading CBS wijk tables produced.

    ``wijken`` has one row per wijk (:data:`COLUMNS`): ``gemeentecode``
    (GM....), ``gemeentenaam`` (CBS name), ``wijkcode`` (WK......), ``wijk``
    (the name as the file has it, or ``None``), ``jaar`` (Int64, ``<NA>`` when
    neither the title nor the file name gives it), ``inwoners`` and
    ``jongeren_15_24`` (Int64, ``<NA>`` = unknown), ``leeftijdsgroep`` (the age
    band of ``jongeren_15_24``, such as ``"15-24"``), ``bron_bestand``,
    ``bron_blad`` and ``bron_rij``. ``problems`` has the fields of
    :class:`~buitenbeeld.errors.RowProblem`; ``files`` (:data:`FILE_COLUMNS`)
    has per file ``read = loaded + rejected + skipped``, where ``skipped`` are
    the rows of another level (``skipped_kinds``: ``"gemeente: 2, buurt: 9"``).
    """

    wijken: pd.DataFrame
    problems: pd.DataFrame
    files: pd.DataFrame
    synthetic: bool = False
    sources: list[Path] = field(default_factory=list)

    @property
    def rejects(self) -> pd.DataFrame:
        """The problems that rejected a row."""
        return self.problems[self.problems["severity"] == "error"]

    def summary_lines(self) -> list[str]:
        """Per file and in total, in Dutch: ``gelezen N = geladen L + afgewezen R; overgeslagen (geen wijk) S``."""
        def line(label: str, read: int, loaded: int, rejected: int, skipped: int) -> str:
            return f"{wording.counts_line(label, read, loaded, rejected)} + overgeslagen (geen wijk) {skipped}"
        lines = [line(r.file, r.read, r.loaded, r.rejected, r.skipped) for r in self.files.itertuples()]
        total = self.files[["read", "loaded", "rejected", "skipped"]].sum()
        lines.append(line("totaal", *(int(total[c]) for c in ("read", "loaded", "rejected", "skipped"))))
        return lines


@dataclass(frozen=True)
class _Layout:
    """Where the table is in a sheet: the header row and the position of each role."""

    header: int
    code: int
    code_header: str
    name: int | None
    gemeente: int | None
    kind: int | None
    inwoners: int | None
    youth: int | None
    band: str | None
    headers: tuple[str, ...]


@dataclass
class _FileRows:
    file: str
    sheet: str | None
    jaar: int | None
    read: int = 0
    records: list[dict] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)
    synthetic: bool = False
    unusable: bool = False


# --------------------------------------------------------------------------- finding the table


def _text(value: Any) -> str:
    return "" if is_missing(value) else " ".join(str(value).split())


def _youth_band(key: str) -> str | None:
    if match := _YOUTH_KWB.match(key):
        return f"15-{match.group(1)}"
    if match := _YOUTH_STATLINE.match(key):
        return f"15-{int(match.group(1) or match.group(2)) - 1}"
    return None


def _first(keys: list[str], wanted: tuple[str, ...]) -> int | None:
    """Position of the most preferred header of ``wanted`` among ``keys``."""
    for name in wanted:
        if name in keys:
            return keys.index(name)
    return None


def _normalise_code(value: Any) -> str:
    """``' wk 0518 28 '`` -> ``WK051828``; digits from a number cell keep their digits."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", "", str(value)).upper() if not is_missing(value) else ""


def _layout(rows: list[tuple]) -> _Layout | None:
    """The header row among the first rows: the one with a code column and a population or youth column."""
    for at, row in enumerate(rows[:_HEADER_SCAN]):
        keys = [values.normalise_header(cell) if isinstance(cell, str) else "" for cell in row]
        code = _first(keys, _CODE_HEADERS)
        inwoners = next((i for i, k in enumerate(keys) if k and _INWONERS.match(k)), None)
        youth = next((i for i, k in enumerate(keys) if k and _youth_band(k)), None)
        if code is None or (inwoners is None and youth is None):
            continue
        name = _first(keys, _NAME_HEADERS)
        if name is None and "wijkenenbuurten" in keys and keys.index("wijkenenbuurten") != code:
            name = keys.index("wijkenenbuurten")  # names (the table as shown) or codes (raw): see _wijk_name
        return _Layout(at, code, _text(row[code]), name, _first(keys, _GEMEENTE_HEADERS), _first(keys, _KIND_HEADERS),
                       inwoners, youth, _youth_band(keys[youth]) if youth is not None else None,
                       tuple(_text(cell) for cell in row))
    return None


def _cell(row: tuple, at: int | None) -> Any:
    return row[at] if at is not None and at < len(row) else None


def _filled(row: tuple) -> int:
    return sum(1 for cell in row if not is_missing(cell))


def _data_end(rows: list[tuple], layout: _Layout) -> int:
    """Index after the last row of the table: footnotes ('Bron: CBS', a note) are rows with one cell at the end."""
    end = layout.header + 1
    for index in range(layout.header + 1, len(rows)):
        row = rows[index]
        if _filled(row) >= 2 or _CODE.match(_normalise_code(_cell(row, layout.code))):
            end = index + 1
    return end


def _code_column_holds_names(rows: list[tuple], layout: _Layout, end: int) -> bool:
    """True when a StatLine 'WijkenEnBuurten' column holds names (the table as shown), not codes."""
    cells = [_normalise_code(_cell(r, layout.code)) for r in rows[layout.header + 1:end]]
    cells = [c for c in cells if c]
    return bool(cells) and sum(1 for c in cells if _CODE.match(c)) < len(cells) / 2


def _sheets(path: Path) -> list[Sheet]:
    if path.suffix.lower() == ".csv":
        return [read_sheet(path)]
    return [read_sheet(path, name) for name in list_sheets(path)]


def _find_table(path: Path) -> tuple[Sheet, _Layout] | None:
    for sheet in _sheets(path):
        layout = _layout(sheet.rows)
        if layout is not None:
            return sheet, layout
    return None


def looks_like_wijk_table(path: Path) -> bool:
    """True for a CBS "Kerncijfers wijken en buurten" table: by its columns and wijk codes, not its name.

    Needs a header with a region code column and a population or youth
    column, and below it a wijk code (``WK`` and six digits) or a column with
    the kind of region (``recs``, ``Soort regio``). Raises
    :class:`~buitenbeeld.errors.InputError` for a file that cannot be read (too
    big, damaged), like the other readers' checks.
    """
    found = _find_table(Path(path))
    if found is None:
        return False
    sheet, layout = found
    if layout.kind is not None:
        return True
    body = sheet.rows[layout.header + 1:layout.header + 1 + _RECOGNISE_ROWS]
    return any(re.fullmatch(r"WK\d{6}", _normalise_code(_cell(row, layout.code))) for row in body)


# --------------------------------------------------------------------------- rows


def _year(path: Path, title_rows: list[tuple]) -> int | None:
    """The year of the table: from a title above the header, else a StatLine table number, else the file name."""
    titles = " ".join(_text(cell) for row in title_rows for cell in row)
    for text in (titles, path.stem):
        if match := _TABLE_ID.search(text):
            if match.group(1).upper() in STATLINE_YEARS:
                return STATLINE_YEARS[match.group(1).upper()]
        if match := _YEAR.search(text):
            return int(match.group(1))
    return None


def _count(raw: Any, column: str, maximum: int) -> tuple[int | None, str | None]:
    """A count as CBS wrote it: ``(value, None)``, or ``(None, reason)`` when it cannot be right."""
    text = _text(raw).lower() if isinstance(raw, str) else None
    if is_missing(raw) or text in _UNKNOWN_SYMBOLS:
        return None, None
    if text == "-":  # CBS: nihil
        return 0, None
    number = values.read_count(raw, column, maximum)
    if number.value is None:  # 'onbekend' has no problem; text that is no number has one
        return None, number.problem
    if number.estimate:
        return None, f"in kolom '{column}' staat een schatting of een bereik; CBS geeft hier één aantal"
    return int(number.value), None


def _list_year(jaar: int | None) -> int:
    """The CBS list of gemeenten to check against: the one closest to the table's year."""
    return min(AVAILABLE_YEARS, key=lambda year: abs(year - (jaar or AVAILABLE_YEARS[-1])))


def _row_kind(row: tuple, layout: _Layout, code: str) -> tuple[str | None, str | None]:
    """The level of a row (wijk, gemeente, buurt, land) and why it is unclear, if it is."""
    kind_text = fold(_text(_cell(row, layout.kind))) if layout.kind is not None else ""
    stated = _KIND_WORDS.get(kind_text)
    match = _CODE.match(code)
    by_code = _KIND_BY_PREFIX[match.group(1)] if match else _DIGITS_KIND.get(len(code)) if code.isdigit() else None
    if kind_text and stated is None:
        return None, f"onbekende soort regio '{_text(_cell(row, layout.kind))}' (verwacht: Land, Gemeente, Wijk of Buurt)"
    if stated and by_code and stated != by_code:
        return None, f"de soort regio is '{stated}', maar de code is die van een {by_code}"
    kind = stated or by_code
    if kind is None:
        return None, "hier hoort de code van een wijk, gemeente of buurt (zoals WK051828 of GM0518)"
    return kind, None


def _wijk_record(row: tuple, number: int, layout: _Layout, rows: _FileRows, code: str) -> dict | None:
    """Read one wijk row; ``None`` (and an error problem) when it cannot be used."""
    file, sheet = rows.file, rows.sheet

    def reject(column: str | None, value: Any, reason: str, hint: str) -> None:
        rows.problems.append(RowProblem(file, sheet, number, column, value, reason, hint))

    if code.isdigit() and len(code) <= 6:
        code = f"WK{code.zfill(6)}"
    if not re.fullmatch(r"WK\d{6}", code):
        reject(layout.code_header, _text(_cell(row, layout.code)), "dit is geen geldige wijkcode", _WIJK_CODE_HINT)
        return None
    try:
        gemeente = resolve_gemeente(f"GM{code[2:6]}", _list_year(rows.jaar))
    except UnknownGemeenteError as error:
        reject(layout.code_header, code, f"de wijkcode hoort bij een gemeente die CBS niet kent: {error.reason}",
               _WIJK_CODE_HINT)
        return None
    counts: dict[str, int | None] = {}
    for key, at, maximum in (("inwoners", layout.inwoners, MAX_INWONERS_WIJK),
                             ("jongeren_15_24", layout.youth, values.MAX_YOUTH_GEMEENTE)):
        column = layout.headers[at] if at is not None else key
        counts[key], reason = _count(_cell(row, at), column, maximum)
        if reason:
            reject(column, _cell(row, at), reason, _COUNT_HINT)
            return None
    if None not in counts.values() and counts["jongeren_15_24"] > counts["inwoners"]:
        reject(layout.headers[layout.youth], counts["jongeren_15_24"],
               f"meer jongeren ({counts['jongeren_15_24']}) dan inwoners ({counts['inwoners']}) in deze wijk",
               "Controleer of de kolommen goed staan; dit kan niet kloppen")
        return None
    name_at = layout.name
    name = _text(_cell(row, name_at)) or None
    if name is not None and _CODE.match(_normalise_code(name)):
        name = None  # a raw StatLine 'WijkenEnBuurten' column holds the code again, not the name
    elif name_at is not None and name is None:
        rows.problems.append(RowProblem(file, sheet, number, layout.headers[name_at], None,
                                        "de naam van de wijk ontbreekt; de wijk staat er alleen met zijn code in",
                                        "Vul de naam van de wijk in, zoals CBS hem schrijft", "warning"))
    if layout.gemeente is not None and (named := _text(_cell(row, layout.gemeente))):
        try:
            other = resolve_gemeente(named, _list_year(rows.jaar))
        except UnknownGemeenteError:
            other = None
        if other is None or other.code != gemeente.code:
            rows.problems.append(RowProblem(
                file, sheet, number, layout.headers[layout.gemeente], named,
                f"de gemeentenaam past niet bij de wijkcode {code}; de wijk telt bij {gemeente.naam} ({gemeente.code})",
                "Controleer de gemeentenaam en de wijkcode", "warning"))
    return {"gemeentecode": gemeente.code, "gemeentenaam": gemeente.naam, "wijkcode": code, "wijk": name,
            "jaar": rows.jaar, **counts, "leeftijdsgroep": layout.band, "bron_bestand": file,
            "bron_blad": sheet or "", "bron_rij": number}


def _parse_file(path: Path, file: str) -> _FileRows:
    """Read one file's rows; raises :class:`InputError` when the file has no wijk table."""
    found = _find_table(path)
    if found is None:
        raise InputError(RowProblem(file, None, None, None, None,
                                    "in dit bestand staat geen tabel van CBS met wijken (kolommen zoals gwb_code_10, "
                                    "recs en a_15_24, of Codering, Soort regio en 15 tot 25 jaar)",
                                    "Gebruik de tabel 'Kerncijfers wijken en buurten' van CBS, zoals u hem downloadt"))
    sheet, layout = found
    sheet_name = sheet.name if path.suffix.lower() != ".csv" else None
    if layout.youth is None:
        raise InputError(RowProblem(file, sheet_name, layout.header + 1, None, None,
                                    "de tabel heeft geen kolom met jongeren van 15 tot 25 jaar (a_15_24 of "
                                    "'15 tot 25 jaar')",
                                    "Download de tabel opnieuw met de leeftijdsgroep 15 tot 25 jaar erbij"))
    rows = _FileRows(file, sheet_name, _year(path, sheet.rows[:layout.header]),
                     synthetic=is_synthetic(path))
    end = _data_end(sheet.rows, layout)
    if _code_column_holds_names(sheet.rows, layout, end):
        raise InputError(RowProblem(file, sheet_name, layout.header + 1, layout.code_header, None,
                                    "de tabel heeft namen van wijken, maar geen kolom met hun code (Codering)",
                                    "Download de tabel opnieuw met het onderwerp 'Codering' erbij"))
    whole_rows = {note.row for note in sheet.notes if note.column is None}
    counted = {position: layout.headers[position] for position in (layout.inwoners, layout.youth) if position is not None}
    noted = notes_by_row(sheet.notes, counted)  # a count the reader could not read: said, not silently unknown
    seen: dict[str, int] = {}
    for index in range(layout.header + 1, end):
        row, number = sheet.rows[index], index + 1
        if _filled(row) == 0:
            continue
        rows.read += 1
        if number in whole_rows:
            note = next(n for n in sheet.notes if n.row == number and n.column is None)
            rows.problems.append(note.problem(file, sheet_name, layout.code_header, "error"))
            continue
        code = _normalise_code(_cell(row, layout.code))
        kind, unclear = _row_kind(row, layout, code)
        if unclear:
            rows.problems.append(RowProblem(file, sheet_name, number, layout.code_header,
                                            _text(_cell(row, layout.code)) or None, unclear, _WIJK_CODE_HINT))
            continue
        if kind != "wijk":
            rows.skipped[kind] = rows.skipped.get(kind, 0) + 1
            continue
        record = _wijk_record(row, number, layout, rows, code)
        if record is None:
            continue
        if record["wijkcode"] in seen:
            rows.problems.append(RowProblem(file, sheet_name, number, layout.code_header, record["wijkcode"],
                                            f"dubbel: deze wijk staat ook in rij {seen[record['wijkcode']]}",
                                            "Laat elke wijk één keer in de tabel staan"))
            continue
        seen[record["wijkcode"]] = number
        rows.records.append(record)
        rows.problems.extend(with_notes([], noted.get(number), file, sheet_name))
    return rows


# --------------------------------------------------------------------------- several files


def _typed(records: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(records, columns=list(COLUMNS))
    for column in ("jaar", "inwoners", "jongeren_15_24", "bron_rij"):
        frame[column] = frame[column].astype("Int64")
    return frame


def load_wijk_tables(paths: list[Path]) -> WijkResult:
    """Read CBS wijk tables (xlsx from Excel or LibreOffice, ods or CSV) into one :class:`WijkResult`.

    A file that cannot be used at all (too big, damaged, no wijk table) is in
    ``files`` with ``unusable`` True and its reason among the problems; the
    others load. The same wijk of the same year in two files: the later row is
    rejected.
    """
    paths = [Path(p) for p in paths]
    parsed: list[_FileRows] = []
    for path, label in zip(paths, file_labels(paths) if paths else []):
        try:
            parsed.append(_parse_file(path, label))
        except InputError as error:
            parsed.append(_FileRows(label, None, None, problems=[dataclasses.replace(error.problem, file=label)],
                                    unusable=True))
    first: dict[tuple[str, Any], str] = {}
    for rows in parsed:
        kept = []
        for record in rows.records:
            key = (record["wijkcode"], record["jaar"])
            if key in first:
                rows.problems.append(RowProblem(rows.file, rows.sheet, record["bron_rij"], "wijkcode",
                                                record["wijkcode"], f"dubbel: deze wijk van dit jaar staat ook in "
                                                f"'{first[key]}'", "Lees elke tabel maar één keer in"))
                continue
            first[key] = f"{rows.file}, rij {record['bron_rij']}"
            kept.append(record)
        rows.records = kept
    problems = [p for rows in parsed for p in rows.problems]
    files = pd.DataFrame([{
        "file": r.file, "sheet": r.sheet, "jaar": r.jaar, "read": r.read, "loaded": len(r.records),
        "rejected": len({p.row for p in r.problems if p.severity == "error" and None not in (p.row, p.column)}),
        "skipped": sum(r.skipped.values()),
        "skipped_kinds": ", ".join(f"{kind}: {count}" for kind, count in sorted(r.skipped.items())),
        "synthetic": r.synthetic, "unusable": r.unusable} for r in parsed], columns=list(FILE_COLUMNS))
    files["jaar"] = files["jaar"].astype("Int64")
    lost = files[files["read"] != files["loaded"] + files["rejected"] + files["skipped"]]
    if len(lost):  # a row neither loaded, rejected nor skipped would be a bug here, never the user's fault
        raise RuntimeError(f"wijk ingest lost rows: {lost.to_dict('records')}")
    return WijkResult(
        wijken=_typed([record for rows in parsed for record in rows.records]),
        problems=pd.DataFrame([p.as_record() for p in problems], columns=list(RowProblem.__dataclass_fields__)),
        files=files,
        synthetic=any(r.synthetic for r in parsed),
        sources=paths,
    )
