"""The privacy gate for youth-level files: what counts as a direct identifier, and the refusal.

Pilot files (see :mod:`buitenbeeld.ingest.pilot`) are about young people, so direct
identifiers must never reach a processed table. :func:`find_identifiers`
scans every sheet and every column of a file (or a DataFrame), free text
included, and :func:`check_identifiers` refuses a file with
:class:`IdentifiersFoundError`. What counts as a direct identifier:

- a column *named* like one: naam/voornaam/achternaam (also a scout's,
  ``scout_naam``, or a parent's, ``naam_ouder``), bsn, geboortedatum,
  adres/straat/huisnummer, postcode, telefoon, e-mail (an organisation's name,
  ``organisatie_naam``, is not personal);
- a *value* that looks like one, in any column: a BSN, a phone number, an
  e-mail address (also an obfuscated one), a postcode, an address, a date
  written after ``geboren``/``geb.``, a person's name in text (after a title, or a
  listed first name); see :mod:`buitenbeeld.privacy.identifiers` for each;
- a *name* where a code belongs, in a column that holds the code of a young
  person or a scout (``jongere_id``, ``scout_id``, or a plain ``scout``
  column; :data:`ID_HEADERS`): see :func:`buitenbeeld.privacy.identifiers.id_is_name`;
- a *birth date*: any date in a column whose name speaks of birth
  (``geboortedatum``, ``Gebdatum``, ``geb. datum``, ``GebDat``, ``DOB``; this
  is checked first), and dates in other columns (or in free text) that lie 10
  to 30 years before the row's step date. Other columns whose name contains
  ``datum`` or ``date`` are event dates (the step ``datum``, ``startdatum``)
  and are never read as birth dates.

Title rows above the header and the header's own cells are scanned as free
text too, and so is the name of each sheet. A name without a title, of someone
not on the list, cannot be recognised in free text; that is why the free-text
column ``opmerking`` is scanned here and then never carried into a processed
table.

No message repeats a value, nor the words around it: a finding names the kind,
the sheet, the column and the rows. A column whose header is itself an
identifier (a file without a header row) is called ``kolom N``, such a sheet
``blad N``. The sheets as read here (:class:`Sheet`, :func:`read_sheets`) are
also what :mod:`buitenbeeld.privacy.pseudonym` rewrites.
"""
from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from buitenbeeld.common import values
from buitenbeeld.common.readers import list_sheets, read_rows
from buitenbeeld.errors import IdentifiersFoundError
from buitenbeeld.privacy.identifiers import ADDRESS, BIRTH_DATE, BSN, NAME, POSTCODE, as_date, cell_kinds, id_is_name
from buitenbeeld.privacy.scan import EMAIL, PHONE

__all__ = [
    "ID_HEADERS", "IdentifierFinding", "Sheet",
    "find_identifiers", "check_identifiers", "read_sheets", "reference_dates",
    "header_kind", "person_of", "id_column", "is_event_date", "column_label",
]

_HEADER_SCAN = 10
_ROWS_SHOWN = 5

# Column names, as tokens of the normalised header (``e_mail`` -> ``e``, ``mail``).
_NAME_WORDS = {NAME: "naam voornaam voornamen achternaam roepnaam tussenvoegsel familienaam voorletters "
                     "name firstname lastname surname",
               BSN: "bsn burgerservicenummer sofinummer sofi",
               ADDRESS: "adres woonadres straat straatnaam huisnummer address street",
               POSTCODE: "postcode zipcode zip",
               PHONE: "telefoon telefoonnummer tel telnr mobiel mobielnummer gsm phone mobile",
               EMAIL: "email mail emailadres mailadres"}
_NAME_TOKENS = {token: kind for kind, words in _NAME_WORDS.items() for token in words.split()}
# ``Gebdatum``, ``geb_dat``, ``datum_geb``: checked before a ``datum`` header is taken for an event date.
_BIRTH_HEADER = re.compile(r"geboorte|geboren|birth|verjaardag|(^|_)geb(_|$|dat)|(^|_)dob(_|$)")
_EVENT_DATE_HEADER = re.compile(r"datum|date")
# A name column about an organisation or a place is no personal name.
_NOT_PERSONAL = frozenset("organisatie organisation school bedrijf gemeente wijk opleiding instelling "
                          "vereniging stichting bestand blad".split())
# Whose identifier a column holds, by the words of its header: a scout's, someone else's (never the
# young person's code), or else the person the sheet is about.
_SCOUT_WORDS = frozenset("scout scouts jongerenscout jongerenscouts".split())
_OTHER_PERSON_WORDS = frozenset("ouder ouders moeder vader verzorger verzorgers voogd contactpersoon contact "
                                "interviewer begeleider mentor medewerker consulent hulpverlener parent "
                                "parents guardian".split())
# Columns that hold the code of a young person or a scout (as the pilot reader spells them).
ID_HEADERS = {"jongere_id": ("J-", frozenset("jongere_id jongere id_jongere code_jongere jongerecode".split())),
              "scout_id": ("S-", frozenset("scout_id scout jongerenscout id_scout code_scout scoutcode".split()))}


@dataclass(frozen=True)
class IdentifierFinding:
    """A direct identifier in one column of one sheet.

    ``rows`` holds the first spreadsheet rows where it was seen (never the
    values themselves), ``count`` the number of cells; ``by_name`` is True when
    the column's *name* gave it away. A sheet or column whose own name holds an
    identifier is called ``blad N`` or ``kolom N`` here, so that no message
    repeats it; an empty ``column`` means the sheet's name itself.
    """

    file: str
    sheet: str | None
    column: str
    kind: str
    rows: tuple[int, ...] = ()
    count: int = 0
    by_name: bool = False

    def describe(self) -> str:
        """One Dutch line for a message, without the identifying values (nor the words around them).

        ``blad 'contacten', kolom 'naam': naam (kolomnaam)``, or
        ``kolom 'opmerking': telefoonnummer (2 cellen, rij 3 en 5)``.
        """
        where = f"blad '{self.sheet}', " if self.sheet else ""
        if not self.column:
            return f"{where}de naam van het blad: {self.kind}"
        if self.by_name:
            how = "kolomnaam"
        else:
            cells = f"{self.count} {'cel' if self.count == 1 else 'cellen'}"
            rows = [str(row) for row in self.rows] + (["meer"] if self.count > len(self.rows) else [])
            listed = rows[0] if len(rows) == 1 else ", ".join(rows[:-1]) + " en " + rows[-1]
            how = f"{cells}, {'rij' if len(self.rows) == 1 else 'rijen'} {listed}" if self.rows else cells
        return f"{where}kolom '{self.column}': {self.kind} ({how})"


def _header_tokens(key: str) -> list[str]:
    """The words of a normalised header; ``scoutnaam``/``naamouder`` count as two words."""
    tokens = []
    for token in key.split("_"):
        for word in _SCOUT_WORDS | _OTHER_PERSON_WORDS:
            if token in (word + "naam", "naam" + word):
                tokens += [word, "naam"]
                break
        else:
            tokens.append(token)
    return tokens


def person_of(header: str) -> str:
    """Whose identifier a column holds by its name: ``"scout"``, ``"other"`` (a parent, a contact...) or ``"self"``."""
    tokens = set(_header_tokens(values.normalise_header(header)))
    return "other" if tokens & _OTHER_PERSON_WORDS else "scout" if tokens & _SCOUT_WORDS else "self"


def id_column(header: str) -> str | None:
    """``"jongere_id"`` or ``"scout_id"`` for a column that holds such codes (``scout`` too), else None."""
    key = values.normalise_header(header)
    return next((name for name, (_, spellings) in ID_HEADERS.items() if key in spellings), None)


def header_kind(header: str) -> str | None:
    """The identifier kind a column's name gives away, or None."""
    key = values.normalise_header(header)
    if not key:
        return None
    if _BIRTH_HEADER.search(key):
        return BIRTH_DATE
    tokens = _header_tokens(key)
    if _NOT_PERSONAL.intersection(tokens):
        return None
    for candidate in (key.replace("_", ""), *tokens):
        if candidate in _NAME_TOKENS:
            return _NAME_TOKENS[candidate]
    return None


def is_event_date(header: str) -> bool:
    key = values.normalise_header(header)
    return bool(_EVENT_DATE_HEADER.search(key)) and not _BIRTH_HEADER.search(key)


@dataclass
class Sheet:
    """One sheet as a header and data rows (row numbers as the user sees them)."""

    name: str | None  # as messages and the pseudonymised copy name it: ``blad N`` when the name is an identifier
    header: list[str]
    rows: list[tuple[int, list]]
    above: list[tuple] = field(default_factory=list)  # title rows above the header, rows 1, 2, ...
    name_kinds: tuple[str, ...] = ()  # identifier kinds in the sheet's real name


def _header_row(rows: list[tuple]) -> int | None:
    """The header: among the first rows, the one with the most text cells (at least two, else the first)."""
    best, best_count, first = None, 1, None
    for index, row in enumerate(rows[:_HEADER_SCAN]):
        count = sum(1 for v in row if isinstance(v, str) and v.strip())
        if first is None and any(v is not None for v in row):
            first = index
        if count > best_count:
            best, best_count = index, count
    return best if best is not None else first


def _sheet_from_rows(name: str | None, rows: list[tuple]) -> Sheet:
    at = _header_row(rows)
    if at is None:
        return Sheet(name, [], [])
    width = max(len(r) for r in rows)
    header = [("" if v is None else str(v)) for v in rows[at]] + [""] * (width - len(rows[at]))
    body = [(number, list(row) + [None] * (width - len(row)))
            for number, row in enumerate(rows[at + 1:], start=at + 2) if any(v is not None for v in row)]
    return Sheet(name, header, body, rows[:at])


def read_sheets(path: Path) -> list[Sheet]:
    if path.suffix.lower() == ".csv":
        return [_sheet_from_rows(None, read_rows(path))]
    sheets = []
    for position, name in enumerate(list_sheets(path)):
        sheet = _sheet_from_rows(name, read_rows(path, name))
        sheet.name_kinds = tuple(cell_kinds(name, dt.date.today(), False))
        if sheet.name_kinds:
            sheet.name = f"blad {position + 1}"
        sheets.append(sheet)
    return sheets


def column_label(header: str, position: int) -> str:
    """A column as messages name it: its header, or ``kolom N`` when it has none or the header is an identifier.

    A file without a header row has a row of values in its place (a name, a
    phone number), which a message must not repeat.
    """
    if not header or not header.strip() or cell_kinds(header, dt.date.today(), False):
        return f"kolom {position + 1}"
    return header


def _frame_sheet(frame: pd.DataFrame) -> Sheet:
    cells = frame.astype(object).where(frame.notna(), None)
    rows = [(position + 2, list(row)) for position, row in enumerate(cells.itertuples(index=False))]
    return Sheet(None, [str(c) for c in frame.columns], rows)


def reference_dates(sheet: Sheet) -> list[dt.date]:
    """Per row, the date ages are computed at: the row's step date, else the sheet's latest event date, else today."""
    event_columns = [i for i, h in enumerate(sheet.header) if is_event_date(h)]
    step = [i for i in event_columns if values.normalise_header(sheet.header[i]) == "datum"]
    order = step + [i for i in event_columns if i not in step]
    per_row = [next((d for d in (as_date(row[i]) for i in order) if d), None) for _, row in sheet.rows]
    fallback = max((d for d in per_row if d), default=dt.date.today())
    return [d or fallback for d in per_row]


def _scan(sheet: Sheet, file: str) -> list[IdentifierFinding]:
    findings: dict[tuple[str, str], list[int]] = {}
    by_name: set[tuple[str, str]] = set()
    references = reference_dates(sheet)
    today = dt.date.today()
    labels = [column_label(header, position) for position, header in enumerate(sheet.header)]
    # title rows above the header, and the header's own cells (a file without a header has values there): free text
    for number, row in enumerate([*sheet.above, sheet.header], start=1):
        for position, raw in enumerate(row):
            for found in cell_kinds(raw, today, False):
                findings.setdefault((labels[position], found), []).append(number)
    for position, header in enumerate(sheet.header):
        column = labels[position]
        kind = header_kind(header)
        if kind:
            findings.setdefault((column, kind), [])
            by_name.add((column, kind))
        event_date = is_event_date(header)
        codes = id_column(header) is not None
        for (number, row), reference in zip(sheet.rows, references):
            raw = row[position]
            if kind == BIRTH_DATE and as_date(raw):
                findings[(column, kind)].append(number)
                continue
            found = cell_kinds(raw, reference, event_date)
            if codes and id_is_name(raw):  # a name where a code of a young person or scout belongs
                found = [NAME, *found]
            for each in dict.fromkeys(found):
                findings.setdefault((column, each), []).append(number)
    named = [IdentifierFinding(file, sheet.name, "", kind, count=1) for kind in sheet.name_kinds]
    return named + [IdentifierFinding(file, sheet.name, column, kind, tuple(rows[:_ROWS_SHOWN]), len(rows),
                                      (column, kind) in by_name)
                    for (column, kind), rows in findings.items()]


def find_identifiers(source: str | os.PathLike | pd.DataFrame) -> list[IdentifierFinding]:
    """Direct identifiers in a file (every sheet) or a DataFrame, by column name and by value.

    Parameters
    ----------
    source : path or pandas.DataFrame
        An xlsx/xlsm/ods/csv file, or a table whose columns are the headers
        (its rows count as spreadsheet rows 2, 3, ...).

    Returns
    -------
    list of IdentifierFinding
        One per (sheet, column, kind), in sheet and column order; empty when the
        file is clean. See the module docstring for what is looked for.

    Raises
    ------
    InputError
        When the file cannot be read.
    """
    if isinstance(source, pd.DataFrame):
        return _scan(_frame_sheet(source), "<tabel>")
    path = Path(source)
    return [f for sheet in read_sheets(path) for f in _scan(sheet, path.name)]


def check_identifiers(path: str | os.PathLike, file: str | None = None) -> None:
    """The privacy gate: raise :class:`IdentifiersFoundError` when ``path`` holds direct identifiers.

    ``file`` is the name messages use (default: the file name).
    """
    path = Path(path)
    findings = find_identifiers(path)
    if findings:
        raise IdentifiersFoundError(findings, file or path.name)
