"""The privacy gate for youth-level files, and pseudonymisation with a key outside the project.

Pilot files (see :mod:`buitenbeeld.pilot`) are about young people, so direct
identifiers must never reach a processed table. :func:`find_identifiers`
scans every sheet and every column of a file (or a DataFrame), free text
included, and :func:`check_identifiers` refuses a file with
:class:`IdentifiersFound`. What counts as a direct identifier:

- a column *named* like one: naam/voornaam/achternaam (also a scout's,
  ``scout_naam``, or a parent's, ``naam_ouder``), bsn, geboortedatum,
  adres/straat/huisnummer, postcode, telefoon, e-mail (an organisation's name,
  ``organisatie_naam``, is not personal);
- a *value* that looks like one, in any column: a BSN (nine digits that pass
  the elfproef, :func:`is_valid_bsn`), a Dutch phone number or an e-mail
  address (the patterns of :mod:`buitenbeeld.privacy`), a Dutch postcode in
  upper or lower case (``2512 AB``, ``2512ab``; never with SA, SD or SS, and
  not a number before a short lower case word or unit, ``2017 en``,
  ``1200 km``), with or without a house number, a street and house number
  (``Kerkstraat 4``, ``Laan van Meerdervoort 120``, ``Weg naar Zee 3``,
  ``Plein 1813 4``), a date written after ``geboren``/``geb.``;
- a *name* where a code belongs: text of letters only (``Ali``, not ``S-017``
  or ``J-ABCDEFGHIJ``) in a column that holds the code of a young person or a
  scout (``jongere_id``, ``scout_id``, or a plain ``scout`` column);
- a *birth date*: any date in a column whose name speaks of birth
  (``geboortedatum``, ``Gebdatum``, ``geb. datum``, ``GebDat``, ``DOB``; this
  is checked first), and dates in other columns (or in free text) that lie 10
  to 30 years before the row's step date. Other columns whose name contains
  ``datum`` or ``date`` are event dates (the step ``datum``, ``startdatum``)
  and are never read as birth dates.

Names written in free text cannot be recognised; that is why the free-text
column ``opmerking`` is scanned here and then never carried into a processed
table.

:func:`pseudonymise` writes a *new* file in which names (or, without a name, the
BSN) become keyed codes ``J-`` + 10 base32 characters (HMAC-SHA256 of the
normalised value), birth dates become the age at the step date (or an age band
when there is none), phone, e-mail and address columns are dropped, a postcode
keeps its four digits, and identifiers inside free text are masked. The key
lives outside the project folder (:func:`load_key`); without it the codes
cannot be recomputed from names, and with the same key the same person gets the
same code in every file. A scout's name becomes ``S-`` + 10 characters the same
way, in the sheet ``scouts`` and in a ``scout_naam`` (or ``scout``) column of
``contacten`` alike, so the link between a young person and a scout survives.
An existing code (a case number) is kept; see :func:`pseudonymise`.
"""
from __future__ import annotations

import base64
import csv
import datetime as dt
import hashlib
import hmac
import os
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from . import values
from .errors import BuitenbeeldError, InputError, RowProblem
from .privacy import _EMAIL, _phones  # one definition of an e-mail address and a Dutch phone number
from .readers import list_sheets, read_rows
from .settings import PROJECT_ROOT

__all__ = [
    "KEY_ENV", "DEFAULT_KEY_PATH", "NAME", "BSN", "BIRTH_DATE", "ADDRESS", "POSTCODE", "PHONE", "EMAIL",
    "AGE_BANDS", "IdentifierFinding", "IdentifiersFound", "PseudonymKeyError", "PseudonymiseResult",
    "is_valid_bsn", "find_identifiers", "check_identifiers", "key_path", "load_key", "pseudonym_code",
    "age_band", "pseudonymise",
]

#: Environment variable with the path of the pseudonymisation key.
KEY_ENV = "BUITENBEELD_PSEUDONIEM_KEY"
#: Where the key lives when neither an argument nor :data:`KEY_ENV` says otherwise.
DEFAULT_KEY_PATH = Path("~/.config/buitenbeeld/pseudoniem.key")
#: Kinds of :class:`IdentifierFinding` (Dutch: they appear in messages).
NAME, BSN, BIRTH_DATE, ADDRESS, POSTCODE = "naam", "bsn", "geboortedatum", "adres", "postcode"
PHONE, EMAIL = "telefoonnummer", "e-mailadres"
#: Age bands used when a birth date has no step date to compute an age at.
AGE_BANDS = ((15, 17), (18, 22), (23, 27))

_KEY_BYTES = 32
_CODE_CHARS = 10
#: A date this many years before the row's step date may be a birth date (young people are 15-27).
_BIRTH_AGES = (10, 30)
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
_ID_HEADERS = {"jongere_id": ("J-", frozenset("jongere_id jongere id_jongere code_jongere jongerecode".split())),
               "scout_id": ("S-", frozenset("scout_id scout jongerenscout id_scout code_scout scoutcode".split()))}
# In such a column a name is an identifier; a code (``S-017``, ``J-ABCDEFGHIJ``, anything with a digit) is not.
_NAME_VALUE = re.compile(r"[^\W\d_]+(?:[ '.-]+[^\W\d_]+)*\.?")
_CODE_VALUE = re.compile(r"[A-Z]{1,4}-[A-Z0-9]+")
_NO_NAME = frozenset("onbekend geen nvt n.v.t. nee ja".split())

_BSN_TEXT = re.compile(r"(?<![\w.-])(\d{4}[ .]?\d{2}[ .]?\d{3}|\d{9})(?![\w-])")
# A postcode: four digits and two letters, in either case, but never SA, SD or SS.
_POSTCODE = r"[1-9]\d{3} ?(?!(?i:sa|sd|ss))[A-Za-z]{2}"
_POSTCODE_TEXT = re.compile(rf"(?<![\w-]){_POSTCODE}(?![\w-])")
# ``in 2017 en``, ``1200 km``: a number and a short word or unit in lower case, not a postcode.
_NOT_POSTCODE = frozenset("al an as at bv by da de do dr en er ga he ik in is it je me na nu of oh ok om on op "
                          "or so te to tv up we wo zo ze km kg mg ml cl dl cm mm kb mb gb kw pk ct eu".split())
_POSTCODE_PARTS = re.compile(r"[1-9]\d{3} ?([A-Za-z]{2})")
_STREET_WORDS = "straat laan weg plein gracht kade singel dijk steeg hof dreef pad park plantsoen markt".split()
_STREET_LINKS = "van der den de het 't naar aan op bij in te ter ten voor over tot".split()
_ADDRESS_TEXT = re.compile(
    rf"(?<![\w-]){_POSTCODE},? +\d{{1,5}}[a-zA-Z]?(?!\w)"  # postcode + house number
    # a street (Kerkstraat, Laan, ...), maybe with more words (van Meerdervoort, naar Zee, 1813), + house number
    rf"|\b(?:[A-Z][\w'-]*(?:{'|'.join(_STREET_WORDS)})|(?:{'|'.join(w.capitalize() for w in _STREET_WORDS)}))"
    rf"(?:\s+(?:(?:{'|'.join(_STREET_LINKS)})(?!\w)|[A-Z][\w'.-]*|\d{{1,4}}(?=\s+\d))){{0,4}}"
    r"\s+\d{1,5}(?:\s?[a-zA-Z](?!\w)|-\d+)?(?!\w)")
_DATE_TEXT = re.compile(
    r"(?<![\w/.-])(?:\d{1,2}[-/.]\d{1,2}[-/.]\d{4}|\d{4}-\d{1,2}-\d{1,2}"
    r"|\d{1,2}\s+(?:jan|feb|mrt|maa|apr|mei|jun|jul|aug|sep|okt|nov|dec)[a-z]*\.?\s+\d{4})(?![\w/-])",
    re.IGNORECASE)
_BIRTH_WORD = re.compile(r"\b(?:geb(?:oren|oortedatum)?|geboortedag)\b\.?\s*(?:op|:)?\s*$", re.IGNORECASE)
_MASKS = {BSN: "[bsn]", PHONE: "[telefoonnummer]", EMAIL: "[e-mailadres]", ADDRESS: "[adres]",
          POSTCODE: "[postcode]", BIRTH_DATE: "[geboortedatum]"}


# --------------------------------------------------------------------------- findings


@dataclass(frozen=True)
class IdentifierFinding:
    """A direct identifier in one column of one sheet.

    ``rows`` holds the first spreadsheet rows where it was seen (never the
    values themselves), ``count`` the number of cells; ``by_name`` is True when
    the column's *name* gave it away.
    """

    file: str
    sheet: str | None
    column: str
    kind: str
    rows: tuple[int, ...] = ()
    count: int = 0
    by_name: bool = False

    def describe(self) -> str:
        """One line for a message, without the identifying values."""
        where = f"sheet '{self.sheet}', " if self.sheet else ""
        how = "column name" if self.by_name else f"{self.count} cell(s), row(s) " + ", ".join(map(str, self.rows))
        if not self.by_name and self.count > len(self.rows):
            how += ", …"
        return f"{where}column '{self.column}': {self.kind} ({how})"


class IdentifiersFound(InputError):
    """A file holds direct identifiers; it is refused until it is pseudonymised."""

    def __init__(self, findings: list[IdentifierFinding], file: str, hint: str | None = None):
        self.findings = list(findings)
        columns = list(dict.fromkeys(f.column for f in self.findings))
        sheets = list(dict.fromkeys(f.sheet for f in self.findings))
        reason = ("direct identifiers found, the file is not loaded: "
                  + "; ".join(f.describe() for f in self.findings))
        hint = hint or (f"Run `buitenbeeld pseudonimiseer {file} <new file>`: it writes a copy with codes and ages "
                        "instead of names, birth dates and contact details (the original is not changed); "
                        "then read the new file")
        super().__init__(RowProblem(file, sheets[0] if len(sheets) == 1 else None, None, ", ".join(columns),
                                    None, reason, hint))


class PseudonymKeyError(BuitenbeeldError):
    """The pseudonymisation key cannot be used (inside the project folder, unreadable, too short)."""


def is_valid_bsn(text: Any) -> bool:
    """True for nine digits (or eight, with the leading zero lost) that pass the elfproef.

    The elfproef: 9*d1 + 8*d2 + ... + 2*d8 - 1*d9 is a multiple of 11 (and not 0).
    Dots and spaces are ignored.
    """
    digits = re.sub(r"[ .]", "", str(text))
    if not digits.isdigit() or len(digits) not in (8, 9):
        return False
    digits = digits.zfill(9)
    total = sum(int(d) * w for d, w in zip(digits, (9, 8, 7, 6, 5, 4, 3, 2, -1)))
    return total != 0 and total % 11 == 0


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


def _person_of(header: str) -> str:
    """Whose identifier a column holds by its name: ``"scout"``, ``"other"`` (a parent, a contact...) or ``"self"``."""
    tokens = set(_header_tokens(values.normalise_header(header)))
    return "other" if tokens & _OTHER_PERSON_WORDS else "scout" if tokens & _SCOUT_WORDS else "self"


def _id_column(header: str) -> str | None:
    """``"jongere_id"`` or ``"scout_id"`` for a column that holds such codes (``scout`` too), else None."""
    key = values.normalise_header(header)
    return next((name for name, (_, spellings) in _ID_HEADERS.items() if key in spellings), None)


def _looks_like_name(raw: Any) -> bool:
    """True for text that reads as a name (letters only), not a code such as ``S-017`` or ``J-ABCDEFGHIJ``."""
    if not isinstance(raw, str):
        return False
    text = " ".join(raw.split())
    return (bool(_NAME_VALUE.fullmatch(text)) and not _CODE_VALUE.fullmatch(text)
            and text.casefold() not in _NO_NAME and sum(c.isalpha() for c in text) >= 2)


def _header_kind(header: str) -> str | None:
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


def _is_event_date(header: str) -> bool:
    key = values.normalise_header(header)
    return bool(_EVENT_DATE_HEADER.search(key)) and not _BIRTH_HEADER.search(key)


def _years_between(earlier: dt.date, later: dt.date) -> int:
    """Whole years from ``earlier`` to ``later`` (an age)."""
    return later.year - earlier.year - ((later.month, later.day) < (earlier.month, earlier.day))


def _as_date(raw: Any) -> dt.date | None:
    if isinstance(raw, (dt.date, str)):
        try:
            return values.parse_date(raw)
        except ValueError:
            return None
    return None


def _is_birth_like(day: dt.date, reference: dt.date) -> bool:
    return _BIRTH_AGES[0] <= _years_between(day, reference) <= _BIRTH_AGES[1]


def _is_postcode(text: str) -> bool:
    """False when ``text`` starts with a number and a lower case word or unit (``2017 en``), not a postcode."""
    parts = _POSTCODE_PARTS.match(text)
    return parts is None or parts.group(1) not in _NOT_POSTCODE


def _text_spans(text: str, reference: dt.date) -> list[tuple[int, int, str]]:
    """Identifier spans ``(start, end, kind)`` in free text, longest first where they overlap."""
    spans = [(m.start(), m.end(), EMAIL) for m in _EMAIL.finditer(text)]
    spans += [(a, b, PHONE) for a, b in _phones(text)]
    spans += [(m.start(), m.end(), BSN) for m in _BSN_TEXT.finditer(text) if is_valid_bsn(m.group())]
    spans += [(m.start(), m.end(), ADDRESS) for m in _ADDRESS_TEXT.finditer(text) if _is_postcode(m.group())]
    spans += [(m.start(), m.end(), POSTCODE) for m in _POSTCODE_TEXT.finditer(text) if _is_postcode(m.group())]
    for match in _DATE_TEXT.finditer(text):
        day = _as_date(match.group())
        if day and (_BIRTH_WORD.search(text[:match.start()]) or _is_birth_like(day, reference)):
            spans.append((match.start(), match.end(), BIRTH_DATE))
    kept: list[tuple[int, int, str]] = []
    for span in sorted(spans, key=lambda s: (s[0] - s[1], s[0])):
        if all(span[1] <= a or span[0] >= b for a, b, _ in kept):
            kept.append(span)
    return sorted(kept)


def _cell_kinds(raw: Any, reference: dt.date, event_date: bool) -> list[str]:
    """The identifier kinds one cell holds (a date cell only when not an event-date column)."""
    if isinstance(raw, bool) or raw is None:
        return []
    if isinstance(raw, int) or (isinstance(raw, float) and raw.is_integer() and raw > 0):
        digits = str(int(raw))
        if is_valid_bsn(digits):
            return [BSN]
        # Excel drops the leading zero of a phone number typed as a number
        return [PHONE] if (len(digits) == 9 and digits[0] == "6") or re.fullmatch(r"316\d{8}", digits) else []
    if isinstance(raw, dt.datetime):
        raw = raw.date()
    if isinstance(raw, dt.date):
        return [BIRTH_DATE] if not event_date and _is_birth_like(raw, reference) else []
    if isinstance(raw, str):
        if event_date and _as_date(raw):
            return []
        return list(dict.fromkeys(kind for _, _, kind in _text_spans(raw, reference)))
    return []


@dataclass
class _Sheet:
    """One sheet as a header and data rows (row numbers as the user sees them)."""

    name: str | None
    header: list[str]
    rows: list[tuple[int, list]]
    above: list[tuple] = field(default_factory=list)  # title rows above the header


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


def _sheet_from_rows(name: str | None, rows: list[tuple]) -> _Sheet:
    at = _header_row(rows)
    if at is None:
        return _Sheet(name, [], [])
    width = max(len(r) for r in rows)
    header = [("" if v is None else str(v)) for v in rows[at]] + [""] * (width - len(rows[at]))
    body = [(number, list(row) + [None] * (width - len(row)))
            for number, row in enumerate(rows[at + 1:], start=at + 2) if any(v is not None for v in row)]
    return _Sheet(name, header, body, rows[:at])


def _read_sheets(path: Path) -> list[_Sheet]:
    if path.suffix.lower() == ".csv":
        return [_sheet_from_rows(None, read_rows(path))]
    return [_sheet_from_rows(sheet, read_rows(path, sheet)) for sheet in list_sheets(path)]


def _frame_sheet(frame: pd.DataFrame) -> _Sheet:
    cells = frame.astype(object).where(frame.notna(), None)
    rows = [(position + 2, list(row)) for position, row in enumerate(cells.itertuples(index=False))]
    return _Sheet(None, [str(c) for c in frame.columns], rows)


def _references(sheet: _Sheet) -> list[dt.date]:
    """Per row, the date ages are computed at: the row's step date, else the sheet's latest event date, else today."""
    event_columns = [i for i, h in enumerate(sheet.header) if _is_event_date(h)]
    step = [i for i in event_columns if values.normalise_header(sheet.header[i]) == "datum"]
    order = step + [i for i in event_columns if i not in step]
    per_row = [next((d for d in (_as_date(row[i]) for i in order) if d), None) for _, row in sheet.rows]
    fallback = max((d for d in per_row if d), default=dt.date.today())
    return [d or fallback for d in per_row]


def _scan(sheet: _Sheet, file: str) -> list[IdentifierFinding]:
    findings: dict[tuple[str, str], list[int]] = {}
    by_name: set[tuple[str, str]] = set()
    references = _references(sheet)
    for position, header in enumerate(sheet.header):
        column = header or f"kolom {position + 1}"
        kind = _header_kind(header)
        if kind:
            findings.setdefault((column, kind), [])
            by_name.add((column, kind))
        event_date = _is_event_date(header)
        codes = _id_column(header) is not None
        for (number, row), reference in zip(sheet.rows, references):
            raw = row[position]
            if kind == BIRTH_DATE and _as_date(raw):
                findings[(column, kind)].append(number)
                continue
            if codes and _looks_like_name(raw):  # a name where a code of a young person or scout belongs
                findings.setdefault((column, NAME), []).append(number)
            for found in _cell_kinds(raw, reference, event_date):
                findings.setdefault((column, found), []).append(number)
    return [IdentifierFinding(file, sheet.name, column, kind, tuple(rows[:_ROWS_SHOWN]), len(rows),
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
    return [f for sheet in _read_sheets(path) for f in _scan(sheet, path.name)]


def check_identifiers(path: str | os.PathLike, file: str | None = None) -> None:
    """The privacy gate: raise :class:`IdentifiersFound` when ``path`` holds direct identifiers.

    ``file`` is the name messages use (default: the file name).
    """
    path = Path(path)
    findings = find_identifiers(path)
    if findings:
        raise IdentifiersFound(findings, file or path.name)


# --------------------------------------------------------------------------- the key and the codes


def key_path(path: str | os.PathLike | None = None) -> Path:
    """Where the key is: ``path``, else ``$BUITENBEELD_PSEUDONIEM_KEY``, else :data:`DEFAULT_KEY_PATH`.

    Raises
    ------
    PseudonymKeyError
        When that place is inside the project folder (it would end up next to
        the data, or in git).
    """
    chosen = path or os.environ.get(KEY_ENV) or DEFAULT_KEY_PATH
    resolved = Path(chosen).expanduser().resolve()
    if resolved.is_relative_to(PROJECT_ROOT.resolve()):
        raise PseudonymKeyError(
            f"The pseudonymisation key may not be inside the project folder ({PROJECT_ROOT}): {resolved}. "
            f"Keep it elsewhere, for example {DEFAULT_KEY_PATH}, or set {KEY_ENV} to a path outside the project.")
    return resolved


def load_key(path: str | os.PathLike | None = None) -> tuple[bytes, Path]:
    """Read the key (see :func:`key_path`), creating it with 32 random bytes on first use.

    A new key file gets permissions 0600 (its folder 0700). Returns the key and
    its path. Losing the key means new codes for everyone: keep a copy in a safe place.

    Raises
    ------
    PseudonymKeyError
        Inside the project folder, unreadable, shorter than 16 bytes, or (on
        POSIX) readable by others than its owner.
    """
    where = key_path(path)
    if not where.exists():
        where.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            handle = os.open(where, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process created it just now: read that one
        else:
            with os.fdopen(handle, "wb") as out:
                out.write(secrets.token_bytes(_KEY_BYTES))
    try:
        key = where.read_bytes()
        mode = where.stat().st_mode
    except OSError as error:
        raise PseudonymKeyError(f"Cannot read the pseudonymisation key {where}: {error.strerror or error}") from error
    if os.name == "posix" and mode & 0o077:
        raise PseudonymKeyError(f"The pseudonymisation key {where} can be read by others; run: chmod 600 {where}")
    if len(key) < 16:
        raise PseudonymKeyError(f"The pseudonymisation key {where} is too short ({len(key)} bytes); "
                                "remove it to have a new one made (codes will change)")
    return key, where


def _normalise_identity(value: Any) -> str:
    return " ".join(str(value).split()).casefold()


def pseudonym_code(value: Any, key: bytes, prefix: str = "J-") -> str:
    """The keyed code of a name (or BSN): ``prefix`` + 10 base32 characters of HMAC-SHA256.

    The value is trimmed, case-folded and its whitespace collapsed first, so
    ``" Jan  de Vries"`` and ``"jan de vries"`` get one code; the prefix is part
    of the hashed message, so a scout and a young person never share a code.
    """
    message = f"{prefix}\x1f{_normalise_identity(value)}".encode("utf-8")
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return prefix + base64.b32encode(digest).decode("ascii")[:_CODE_CHARS]


def age_band(age: int) -> str:
    """``16`` -> ``"15-17"``; outside 15-27: ``"jonger dan 15"`` or ``"ouder dan 27"``."""
    for low, high in AGE_BANDS:
        if low <= age <= high:
            return f"{low}-{high}"
    return f"jonger dan {AGE_BANDS[0][0]}" if age < AGE_BANDS[0][0] else f"ouder dan {AGE_BANDS[-1][1]}"


# --------------------------------------------------------------------------- pseudonymise


@dataclass
class PseudonymiseResult:
    """What :func:`pseudonymise` did: the new file, the key used and, per ``sheet/column``, the action."""

    source: Path
    target: Path
    key_path: Path
    columns: dict[str, str]
    masked_cells: int

    def summary_lines(self) -> list[str]:
        """What changed, for the command line (no values)."""
        lines = [f"{column}: {action}" for column, action in self.columns.items()]
        lines.append(f"identifiers masked in {self.masked_cells} cell(s) of other columns")
        lines.append(f"written: {self.target} (the original is unchanged); key: {self.key_path}")
        return lines


def _mask_cell(raw: Any, reference: dt.date, event_date: bool) -> tuple[Any, bool]:
    """The cell with identifiers masked (text) or emptied (numbers, dates); True when changed."""
    if isinstance(raw, str):
        if event_date and _as_date(raw):
            return raw, False
        spans = _text_spans(raw, reference)
        for start, end, kind in reversed(spans):
            raw = raw[:start] + _MASKS[kind] + raw[end:]
        return raw, bool(spans)
    return (None, True) if _cell_kinds(raw, reference, event_date) else (raw, False)


def _identity_text(raw: Any) -> str:
    """A name or BSN cell as the text its code is made from (a BSN without dots, spaces or a lost leading 0)."""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = raw.isoformat() if isinstance(raw, dt.date) else str(raw).strip()
    return re.sub(r"[ .]", "", text).zfill(9) if is_valid_bsn(text) else text


def _code_of(row: list, columns: list[int], key: bytes, prefix: str) -> str | None:
    """The keyed code of the name (or BSN) in ``columns`` of one row, None when they are empty."""
    parts = [_identity_text(row[i]) for i in columns if row[i] is not None and str(row[i]).strip()]
    return pseudonym_code(" ".join(parts), key, prefix) if parts else None


def _kept_id(raw: Any, key: bytes, prefix: str, reference: dt.date) -> tuple[Any, bool]:
    """An existing code as it is, or its keyed code when it is an identifier itself (a name, BSN, ...)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, False
    if _looks_like_name(raw) or _cell_kinds(raw, reference, False):
        return pseudonym_code(_identity_text(raw), key, prefix), True
    return raw, False


def _pseudonymise_sheet(sheet: _Sheet, key: bytes, actions: dict[str, str]) -> tuple[list[str], list[list], int]:
    """The new header and rows of one sheet; records per column what was done in ``actions``."""
    label = f"{sheet.name}/" if sheet.name else ""
    keys = [values.normalise_header(h) for h in sheet.header]
    kinds = [_header_kind(h) for h in sheet.header]
    id_of = [None if kind else _id_column(h) for h, kind in zip(sheet.header, kinds)]  # existing code columns
    references = _references(sheet)
    # a date column that is not an event date but holds birth-like dates is a birth date column
    for i, header in enumerate(sheet.header):
        if kinds[i] is None and id_of[i] is None and not _is_event_date(header) and any(
                isinstance(row[i], dt.date) and _is_birth_like(row[i], ref) for (_, row), ref in zip(sheet.rows, references)):
            kinds[i] = BIRTH_DATE
    # whose code an identifier column feeds: the sheet's own person, a scout, or nobody (a parent, a contact...)
    own = "scout_id" if values.normalise_header(sheet.name or "") == "scouts" else "jongere_id"
    owners = [{"self": own, "scout": "scout_id"}.get(_person_of(h)) if kind else None
              for h, kind in zip(sheet.header, kinds)]
    sources: dict[str, list[int]] = {}  # id column -> the name columns (else the BSN columns) its code is made of
    for id_name in _ID_HEADERS:
        mine = [i for i, owner in enumerate(owners) if owner == id_name]
        sources[id_name] = [i for i in mine if kinds[i] == NAME] or [i for i in mine if kinds[i] == BSN]
    existing = {id_name: id_of.index(id_name) if id_name in id_of else None for id_name in _ID_HEADERS}
    identity = {i: id_name for id_name, columns in sources.items() for i in columns}
    birth = [i for i, k in enumerate(kinds) if k == BIRTH_DATE and owners[i] == own]
    step = keys.index("datum") if "datum" in keys else None
    new_columns = [id_name for id_name, columns in sources.items() if columns and existing[id_name] is None]
    if birth and "leeftijd" not in keys:
        new_columns.append("leeftijd")
    if birth and "leeftijdsgroep" not in keys:
        new_columns.append("leeftijdsgroep")
    dropped = {i for i, k in enumerate(kinds) if k is not None}
    postcode = [i for i, k in enumerate(kinds) if k == POSTCODE]
    for i in dropped:
        target = identity.get(i)
        actions[label + (sheet.header[i] or f"kolom {i + 1}")] = (
            f"replaced by code in '{target}'" if target and existing[target] is None else
            f"removed; the codes in '{sheet.header[existing[target]]}' are kept, an empty one gets the code "
            "of the name" if target else
            "replaced by 'leeftijd' (age at the step date) or 'leeftijdsgroep'" if i in birth else
            "kept as four-digit 'postcode4'" if i in postcode else "removed")
    kept = [i for i in range(len(sheet.header)) if i not in dropped or i in postcode]
    out_header = ["postcode4" if kinds[i] == POSTCODE else sheet.header[i] for i in kept] + new_columns
    out_keys = [values.normalise_header(h) for h in out_header]
    at = {id_name: kept.index(i) if i is not None else len(kept) + new_columns.index(id_name)  # where a code goes
          for id_name, i in existing.items() if sources[id_name]}
    # a row without a code gets the code another row has next to the same name (else the keyed code of the name)
    known: dict[str, dict[str, Any]] = {id_name: {} for id_name in _ID_HEADERS}
    recoded = dict.fromkeys((i for i, name in enumerate(id_of) if name), 0)
    for (_, row), reference in zip(sheet.rows, references):
        for id_name, columns in sources.items():
            i = existing[id_name]
            name = _code_of(row, columns, key, "") if columns and i is not None else None
            code = _kept_id(row[i], key, _ID_HEADERS[id_name][0], reference)[0] if name else None
            if code is not None:
                known[id_name][name] = code if known[id_name].get(name, code) == code else None  # None: ambiguous
    masked = 0
    rows_out = []
    for (_, row), reference in zip(sheet.rows, references):
        cells = {}
        for i, raw in enumerate(row):
            if i in recoded:
                cells[i], changed = _kept_id(raw, key, _ID_HEADERS[id_of[i]][0], reference)
                recoded[i] += changed
            elif i in postcode:
                digits = re.match(r"\s*([1-9]\d{3})", "" if raw is None else str(raw))
                cells[i] = digits.group(1) if digits else None
            elif i not in dropped:
                cells[i], changed = _mask_cell(raw, reference, _is_event_date(sheet.header[i]))
                masked += changed
        out = [cells[i] for i in kept] + [None] * len(new_columns)
        for id_name, columns in sources.items():
            if columns and out[at[id_name]] is None:
                name = _code_of(row, columns, key, "")
                out[at[id_name]] = known[id_name].get(name) or _code_of(row, columns, key, _ID_HEADERS[id_name][0])
        if birth:
            born = next((d for d in (_as_date(row[i]) for i in birth) if d), None)
            when = _as_date(row[step]) if step is not None else None
            if born and when:
                position = out_keys.index("leeftijd")
                out[position] = out[position] if out[position] not in (None, "") else _years_between(born, when)
            elif born:
                out[out_keys.index("leeftijdsgroep")] = age_band(_years_between(born, dt.date.today()))
        rows_out.append(out)
    for i, count in recoded.items():
        if count:
            actions[label + sheet.header[i]] = f"kept; {count} name(s) or other identifier(s) in it replaced by codes"
    above = []
    for row in sheet.above:  # title rows: free text too
        masked_row = []
        for raw in row:
            value, changed = _mask_cell(raw, dt.date.today(), False)
            masked_row.append(value)
            masked += changed
        above.append(masked_row)
    return out_header, above + [out_header] + rows_out, masked


def pseudonymise(source: str | os.PathLike, target: str | os.PathLike, key_path: str | os.PathLike | None = None,
                 overwrite: bool = False) -> PseudonymiseResult:
    """Write a pseudonymised copy of ``source`` to ``target``; ``source`` is never modified.

    Parameters
    ----------
    source : path
        An xlsx/xlsm/ods/csv file with direct identifiers.
    target : path
        The new file: ``.xlsx`` (every sheet) or ``.csv`` (``;``-separated,
        UTF-8 with BOM; only for a source with one sheet).
    key_path : path, optional
        The key file (see :func:`load_key`); created on first use.
    overwrite : bool
        Replace an existing ``target`` (never ``source`` itself).

    Returns
    -------
    PseudonymiseResult

    Raises
    ------
    InputError
        When ``source`` cannot be read, or the target is the source, exists, or
        has another suffix.
    PseudonymKeyError
        When the key is inside the project folder or unusable.
    IdentifiersFound
        When the copy still holds identifiers (it is then removed); this would
        be a bug.

    Notes
    -----
    Per sheet, the header of a name column says whose name it holds:

    - the young person's (``naam``, ``voornaam``, ``achternaam``, ...; the BSN
      when there is no name) become one code column ``jongere_id``, prefix ``J-``;
    - a scout's (``scout_naam``, ``naam_scout``, ``scoutnaam``; in a sheet
      ``scouts`` every personal name column) become ``scout_id``, prefix ``S-``,
      the same code for the same name in every sheet and file with this key;
    - someone else's (an ouder/parent, contactpersoon, interviewer, begeleider,
      ...) are only dropped: they never feed a code.

    When the code column exists already (``jongere_id``; ``scout_id`` or a
    plain ``scout`` column), its values are kept as they are and the name
    columns are dropped; only a value that is an identifier itself (a name, a
    BSN, a phone number, a birth date) is replaced by its keyed code, and an
    empty one gets the code that another row has next to the same name, else
    the keyed code of the row's name (no name: it stays empty). A code is
    never overwritten, and never emptied.

    Birth dates (of the sheet's own person) become ``leeftijd`` at the row's
    ``datum`` (an existing age is kept), else ``leeftijdsgroep`` (15-17, 18-22,
    23-27) at today. Phone, e-mail, address and BSN columns are dropped; a postcode keeps
    its four digits as ``postcode4``. In every other cell, identifiers in text
    are replaced by ``[telefoonnummer]``, ``[e-mailadres]``, ``[bsn]``,
    ``[adres]``, ``[postcode]`` or ``[geboortedatum]``, and numbers that are a
    BSN or phone number are emptied.
    """
    source, target = Path(source), Path(target)
    suffix = target.suffix.lower()
    refuse = None
    if target.resolve() == source.resolve():
        refuse = "the target is the source file itself", "Give a new file name; the original is never changed"
    elif suffix not in (".xlsx", ".csv"):
        refuse = f"cannot write a '{target.suffix}' file", "Use a target ending in .xlsx or .csv"
    elif target.exists() and not overwrite:
        refuse = f"the target {target} exists already", "Choose another name, or allow overwriting"
    if refuse:
        raise InputError(RowProblem(source.name, None, None, None, None, *refuse))
    key, where = load_key(key_path)
    sheets = _read_sheets(source)
    if suffix == ".csv" and len(sheets) > 1:
        raise InputError(RowProblem(source.name, None, None, None, None,
                                    f"the file has {len(sheets)} sheets and a CSV file holds one",
                                    "Write an .xlsx target, or save each sheet as its own CSV first"))
    actions: dict[str, str] = {}
    written: list[tuple[str | None, list[list]]] = []
    masked = 0
    for sheet in sheets:
        _, rows, count = _pseudonymise_sheet(sheet, key, actions)
        written.append((sheet.name, rows))
        masked += count
    target.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        with target.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, delimiter=";")
            for row in written[0][1]:
                writer.writerow(["" if v is None else v.isoformat() if isinstance(v, dt.date) else v for v in row])
    else:
        from openpyxl import Workbook

        workbook = Workbook()
        workbook.remove(workbook.active)
        for name, rows in written:
            worksheet = workbook.create_sheet(name or source.stem[:31])
            for row in rows:
                worksheet.append(row)
                for cell in worksheet[worksheet.max_row]:
                    if isinstance(cell.value, dt.date):
                        cell.number_format = "d-m-yyyy"
        workbook.save(target)
    left = find_identifiers(target)
    if left:
        target.unlink()
        raise IdentifiersFound(left, source.name, "The pseudonymised copy still held identifiers and was removed; "
                                                  "please report this as a bug, with the kinds and columns above")
    return PseudonymiseResult(source, target, where, actions, masked)
