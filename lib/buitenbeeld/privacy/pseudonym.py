"""The privacy gate for youth-level files, and pseudonymisation with a key outside the project.

Pilot files (see :mod:`buitenbeeld.ingest.pilot`) are about young people, so direct
identifiers must never reach a processed table. :func:`find_identifiers`
scans every sheet and every column of a file (or a DataFrame), free text
included, and :func:`check_identifiers` refuses a file with
:class:`IdentifiersFoundError`. What counts as a direct identifier:

- a column *named* like one: naam/voornaam/achternaam (also a scout's,
  ``scout_naam``, or a parent's, ``naam_ouder``), bsn, geboortedatum,
  adres/straat/huisnummer, postcode, telefoon, e-mail (an organisation's name,
  ``organisatie_naam``, is not personal);
- a *value* that looks like one, in any column: a BSN (nine digits that pass
  the elfproef, :func:`is_valid_bsn`), a Dutch phone number or an e-mail
  address (the patterns of :mod:`buitenbeeld.privacy.scan`), also an e-mail address
  written around a filter (``jan(at)mail(punt)nl``, ``jan [at] mail [dot] nl``,
  ``jan at mail punt nl``, ``jan(a)mail.nl``, ``jan @ mail . nl``; with a known
  top-level domain such as nl, com, be), a Dutch postcode in
  upper or lower case (``2512 AB``, ``2512ab``; never with SA, SD or SS, and
  not a number before a short lower case word or unit, ``2017 en``,
  ``1200 km``), with or without a house number, a street and house number
  (``Kerkstraat 4``, ``Laan van Meerdervoort 120``, ``Weg naar Zee 3``,
  ``Plein 1813 4``), a date written after ``geboren``/``geb.``;
- a *person's name* in any text, where it can be recognised: a word with a
  capital after a title or phrase (``mevrouw``, ``mevr.``, ``mw.``, ``meneer``,
  ``mnr.``, ``dhr.``, ``de heer``, ``juf``, ``meester``, ``mr.``, ``dr.``,
  ``heet`` as in ``moeder heet``, ``genaamd``, ``geheten``, ``zijn naam is``,
  ``naam:``), or a common first name of the list ``data/voornamen.txt``
  (:func:`first_names`) written with a capital and lower case letters
  (``Sanne``, not ``sanne``; also at the start of a sentence, not right after a
  day number as in ``3 Jan``), each with the surname that follows (``Kees van
  der Berg``, ``Fatima El Amrani``). Names that are also ordinary Dutch words
  (Roos, Fleur, Bas, Mark) are not on the list; after a title they are still
  found. Two capitalised words alone are *not* a name in text (``Team Noord``,
  ``Den Haag``); ``mw.`` for maatschappelijk werk before a capital (``via mw.
  Daarna``) is a known false alarm, which pseudonymisation masks;
- a *name* where a code belongs, in a column that holds the code of a young
  person or a scout (``jongere_id``, ``scout_id``, or a plain ``scout``
  column): text of letters only (``Ali``), two or more capitalised words or
  initials, with or without tussenvoegsels and digits (``Jan de Vries 2``,
  ``Vries, Jan de``, ``Team Noord``: such a column holds codes), words in
  capitals with a space between them (``JAN DE VRIES 2``), or a listed first
  name (``Sanne01``, ``S-01 Jan``); codes such as ``S-017``, ``S01``,
  ``JS-0042`` and ``J-ABCDEFGHIJ`` pass;
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
``blad N``.

:func:`pseudonymise` writes a *new* file in which names (or, without a name, the
BSN) become keyed codes ``J-`` + 10 base32 characters (HMAC-SHA256 of the
normalised value), birth dates become the age at the step date (or an age band
when there is none), phone, e-mail and address columns are dropped, a postcode
keeps its four digits, and identifiers inside free text are masked (``[naam]``,
``[e-mailadres]``, ...), everything the gate refuses, so the copy passes it. The
copy is written 0600 (a folder made for it 0700): it is still personal data. The key
lives outside the project folder (:func:`load_key`); without it the codes
cannot be recomputed from names, and with the same key the same person gets the
same code in every file. A scout's name becomes ``S-`` + 10 characters the same
way, in the sheet ``scouts`` and in a ``scout_naam`` (or ``scout``) column of
``contacten`` alike, so the link between a young person and a scout survives.
An existing code (a case number) is kept; see :func:`pseudonymise`.
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import os
import re
import secrets
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from buitenbeeld.common import values
from buitenbeeld.errors import IdentifiersFoundError, InputError, PseudonymKeyError, RowProblem
from buitenbeeld.common.files import private_dir, write_atomic, write_csv_rows
from buitenbeeld.privacy.scan import _EMAIL, _phones  # one definition of an e-mail address and a Dutch phone number
from buitenbeeld.common.readers import list_sheets, read_rows
from buitenbeeld.settings import DEFAULT_KEY_PATH, KEY_ENV, PROJECT_ROOT, configured, resource

__all__ = [
    "NAME", "BSN", "BIRTH_DATE", "ADDRESS", "POSTCODE", "PHONE", "EMAIL",
    "AGE_BANDS", "IdentifierFinding", "PseudonymiseResult",
    "is_valid_bsn", "find_identifiers", "check_identifiers", "key_path", "load_key", "pseudonym_code",
    "age_band", "pseudonymise", "first_names",
]

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
          POSTCODE: "[postcode]", BIRTH_DATE: "[geboortedatum]", NAME: "[naam]"}
#: A pseudonymised file is still personal data: only its owner may read it.
_PRIVATE_FILE = 0o600

# An e-mail address written so that a program would not see it: ``jan(at)mail(punt)nl``, ``jan [at] mail [dot]
# nl``, ``jan at mail punt nl``, ``jan(a)mail.nl``, ``jan @ mail . nl``. The top-level domain must be a known
# one, so that ``(a)`` as a list marker or ``at`` in an English phrase is no address.
_AT = r"(?:\s*[(\[{<]\s*(?:at|a|@|apenstaartje)\s*[)\]}>]\s*|\s+(?:at|apenstaartje)\s+|\s*@\s*)"
_DOT = r"(?:\s*[(\[{<]\s*(?:dot|punt|\.)\s*[)\]}>]\s*|\s+(?:dot|punt)\s+|\s*\.\s*)"
_TOP_DOMAINS = "nl be com net org eu de info nu biz me io live online email fr uk tr ma sr cw aw".split()
_OBFUSCATED_EMAIL = re.compile(
    rf"(?<![\w.%+'-])[\w%+'-]+(?:\.[\w%+'-]+)*{_AT}(?:[a-z0-9](?:[a-z0-9-]{{0,61}}[a-z0-9])?{_DOT}){{1,4}}"
    rf"(?:{'|'.join(_TOP_DOMAINS)})(?![\w-])", re.IGNORECASE)


def _letters(test) -> str:
    """The letters of Latin-1 and Latin Extended-A/B that pass ``test`` (for a regex class: Ş, İ, Ë ...)."""
    return "".join(c for c in map(chr, range(0x41, 0x250)) if c.isalpha() and test(c))


_UP, _LOW = _letters(str.isupper), _letters(str.islower)
# A capitalised word: a capital and lower case letters (Sanne, O'Neill, Anne-Marie, Sanne's), not SANNE or sanne.
_CAP = rf"[{_UP}](?:[{_LOW}]+|['’][{_UP}][{_LOW}]+)(?:['’-][{_UP}]?[{_LOW}]+)*"
# After a title any word with a capital is a name (dhr. JANSEN).
_ANY_CAP = rf"[{_UP}][{_UP}{_LOW}]*(?:['’-][{_UP}{_LOW}]+)*"
# Tussenvoegsels between the parts of a name (Kees van der Berg, Fatima el Amrani, Ans in 't Veld).
_TUSSENVOEGSEL = (r"(?:in\s+['’]t|in\s+de|in\s+het|op\s+de|op\s+['’]t|op\s+het|uit\s+de|uit\s+het|aan\s+de"
                  r"|aan\s+het|bij\s+de|van|de|der|den|het|['’]t|ter|ten|von|el|al|ben|bin|ibn|abu|le|la|du|da"
                  r"|dos|di)")
# The rest of a name after its first word: more capitalised words, with tussenvoegsels between them.
_NAME_TAIL = re.compile(rf"(?:[ \t]+(?:{_TUSSENVOEGSEL}[ \t]+)*{_CAP}(?!\w))*")
# A title or phrase that says a name follows: mevrouw, mw., dhr., de heer, moeder heet, genaamd, haar naam is ...
_NAME_CUE = re.compile(
    r"(?<!\w)(?:(?i:mevrouw|meneer|juffrouw|juf|meester|de\s+heer|heet|heette|heten|genaamd|geheten|naam\s+is)"
    r"[ \t]*:?[ \t]+|(?i:naam)[ \t]*:[ \t]*|(?i:mevr|mw|mnr|dhr|mr|dr|drs)(?:\.[ \t]*|[ \t]+))"
    rf"[\"“'‘(]?(?P<name>(?:[{_UP}]\.[ \t]*)*(?:{_TUSSENVOEGSEL}[ \t]+)*{_ANY_CAP}(?!\w))")
_CAP_WORD = re.compile(rf"(?<!\w){_CAP}(?!\w)")
_DAY_BEFORE = re.compile(r"(?<!\d)\d{1,2}\.?[ \t]*$")  # 3 Jan: a date, not a name
# In a code column: capitalised words and initials, also next to digits (``Jan de Vries 2``, ``Sanne01``).
_ID_WORD = re.compile(rf"(?<![{_UP}{_LOW}])(?:{_CAP}(?![{_UP}{_LOW}])|[{_UP}]\.(?=\s*[{_UP}{_LOW}]))")
# ... and words in capitals with a space between them (``JAN DE VRIES 2``); a code has no spaces.
_ID_CAPITALS = re.compile(rf"(?<![{_UP}{_LOW}\d])[{_UP}]{{2,}}(?:[ \t]+[{_UP}]+)+(?![{_UP}{_LOW}\d])")


# --------------------------------------------------------------------------- findings


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
        """One line for a message, without the identifying values (nor the words around them)."""
        where = f"sheet '{self.sheet}', " if self.sheet else ""
        if not self.column:
            return f"{where}the name of the sheet: {self.kind}"
        how = "column name" if self.by_name else f"{self.count} cell(s), row(s) " + ", ".join(map(str, self.rows))
        if not self.by_name and self.count > len(self.rows):
            how += ", …"
        return f"{where}column '{self.column}': {self.kind} ({how})"


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


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    """The common first names of ``data/voornamen.txt``, as written there (with a capital)."""
    text = resource("data/voornamen.txt").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def _is_first_name(word: str) -> bool:
    """True when ``word``, or a part of it (Jan-Willem, Sanne's), is a listed first name."""
    names = first_names()
    return word in names or any(part in names for part in re.split(r"['’-]", word))


def _name_spans(text: str) -> list[tuple[int, int]]:
    """Spans of personal names in free text: after a title or phrase, or a listed first name, with its surname.

    Two capitalised words alone are no name here (``Team Noord``, ``Den Haag``).
    """
    spans = []
    position = 0
    while match := _NAME_CUE.search(text, position):
        position = _NAME_TAIL.match(text, match.end("name")).end()  # go on after the whole name: linear time
        spans.append((match.start("name"), position))
    position = 0
    while match := _CAP_WORD.search(text, position):
        position = match.end()
        if _is_first_name(match.group()) and not _DAY_BEFORE.search(text, max(0, match.start() - 8), match.start()):
            position = _NAME_TAIL.match(text, match.end()).end()
            spans.append((match.start(), position))
    return spans


def _id_is_name(raw: Any) -> bool:
    """True when a value in a code column (``jongere_id``, ``scout_id``) is, or holds, a person's name.

    A name is text of letters only (:func:`_looks_like_name`), two or more
    capitalised words or initials (``Jan de Vries 2``, ``Vries, Jan de``,
    ``Team Noord``: a code column holds codes), words in capitals with spaces
    between them (``JAN DE VRIES 2``), or one capitalised word that is a listed
    first name (``Sanne01``, ``S-01 Jan``). Codes in capitals without spaces
    (``S01``, ``JS-0042``, ``J-3F2A7KQ2ZX``) are not.
    """
    if _looks_like_name(raw):
        return True
    if not isinstance(raw, str):
        return False
    words = [m.group() for m in _ID_WORD.finditer(raw)]
    return len(words) >= 2 or any(_is_first_name(w) for w in words) or bool(_ID_CAPITALS.search(raw))


def _text_spans(text: str, reference: dt.date) -> list[tuple[int, int, str]]:
    """Identifier spans ``(start, end, kind)`` in free text, longest first where they overlap."""
    spans = [(m.start(), m.end(), EMAIL) for m in _EMAIL.finditer(text)]
    spans += [(m.start(), m.end(), EMAIL) for m in _OBFUSCATED_EMAIL.finditer(text)]
    spans += [(a, b, NAME) for a, b in _name_spans(text)]
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
    sheets = []
    for position, name in enumerate(list_sheets(path)):
        sheet = _sheet_from_rows(name, read_rows(path, name))
        sheet.name_kinds = tuple(_cell_kinds(name, dt.date.today(), False))
        if sheet.name_kinds:
            sheet.name = f"blad {position + 1}"
        sheets.append(sheet)
    return sheets


def _column_label(header: str, position: int) -> str:
    """A column as messages name it: its header, or ``kolom N`` when it has none or the header is an identifier.

    A file without a header row has a row of values in its place (a name, a
    phone number), which a message must not repeat.
    """
    if not header or not header.strip() or _cell_kinds(header, dt.date.today(), False):
        return f"kolom {position + 1}"
    return header


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
    today = dt.date.today()
    labels = [_column_label(header, position) for position, header in enumerate(sheet.header)]
    # title rows above the header, and the header's own cells (a file without a header has values there): free text
    for number, row in enumerate([*sheet.above, sheet.header], start=1):
        for position, raw in enumerate(row):
            for found in _cell_kinds(raw, today, False):
                findings.setdefault((labels[position], found), []).append(number)
    for position, header in enumerate(sheet.header):
        column = labels[position]
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
            found = _cell_kinds(raw, reference, event_date)
            if codes and _id_is_name(raw):  # a name where a code of a young person or scout belongs
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
    return [f for sheet in _read_sheets(path) for f in _scan(sheet, path.name)]


def check_identifiers(path: str | os.PathLike, file: str | None = None) -> None:
    """The privacy gate: raise :class:`IdentifiersFoundError` when ``path`` holds direct identifiers.

    ``file`` is the name messages use (default: the file name).
    """
    path = Path(path)
    findings = find_identifiers(path)
    if findings:
        raise IdentifiersFoundError(findings, file or path.name)


# --------------------------------------------------------------------------- the key and the codes


def key_path(path: str | os.PathLike | None = None) -> Path:
    """Where the key is: ``path``, else ``$BUITENBEELD_PSEUDONIEM_KEY``, else :data:`DEFAULT_KEY_PATH`.

    Raises
    ------
    PseudonymKeyError
        When that place is inside the project folder (it would end up next to
        the data, or in git).
    """
    chosen = path or configured(KEY_ENV) or DEFAULT_KEY_PATH
    resolved = Path(chosen).expanduser().resolve()
    if resolved.is_relative_to(PROJECT_ROOT.resolve()):
        raise PseudonymKeyError(
            f"The pseudonymisation key may not be inside the project folder ({PROJECT_ROOT}): {resolved}. "
            f"Keep it elsewhere, for example {DEFAULT_KEY_PATH}, or set {KEY_ENV} to a path outside the project.")
    return resolved


def load_key(path: str | os.PathLike | None = None) -> tuple[bytes, Path]:
    """Read the key (see :func:`key_path`), creating it with 32 random bytes on first use.

    A new key file gets permissions 0600; a folder made for it, and the default
    folder ``~/.config/buitenbeeld``, get 0700 (:func:`buitenbeeld.common.files.private_dir`). Returns the key and
    its path. Losing the key means new codes for everyone: keep a copy in a safe place.

    Raises
    ------
    PseudonymKeyError
        Inside the project folder, unreadable, shorter than 16 bytes, or (on
        POSIX) readable by others than its owner.
    """
    where = key_path(path)
    if not where.exists():
        # a folder made for the key, or the default one (~/.config/buitenbeeld), is private (0700); a folder
        # that exists and was chosen by the user is left as it is: the key file itself is 0600
        if not where.parent.exists() or where.parent == DEFAULT_KEY_PATH.expanduser().resolve().parent:
            private_dir(where.parent)
        try:
            handle = os.open(where, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process created it just now: read that one
        else:
            with os.fdopen(handle, "wb") as out:
                if os.name == "posix":
                    os.fchmod(out.fileno(), 0o600)  # whatever the umask
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
    if _id_is_name(raw) or _cell_kinds(raw, reference, False):
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
    names = [_column_label(h, i) for i, h in enumerate(sheet.header)]  # no header that is an identifier itself
    for i in dropped:
        target = identity.get(i)
        actions[label + names[i]] = (
            f"replaced by code in '{target}'" if target and existing[target] is None else
            f"removed; the codes in '{sheet.header[existing[target]]}' are kept, an empty one gets the code "
            "of the name" if target else
            "replaced by 'leeftijd' (age at the step date) or 'leeftijdsgroep'" if i in birth else
            "kept as four-digit 'postcode4'" if i in postcode else "removed")
    kept = [i for i in range(len(sheet.header)) if i not in dropped or i in postcode]
    # a header that holds an identifier (in a file without a header row: a value) becomes ``kolom N``; masking it
    # would leave ``[naam]``, which reads as a name column
    headers = ["postcode4" if kinds[i] == POSTCODE else names[i] if sheet.header[i] and names[i] != sheet.header[i]
               else sheet.header[i] for i in kept]
    masked = sum(1 for i in kept if sheet.header[i] and names[i] != sheet.header[i])
    out_header = headers + new_columns
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
            actions[label + names[i]] = f"kept; {count} name(s) or other identifier(s) in it replaced by codes"
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
    IdentifiersFoundError
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
    are replaced by ``[naam]``, ``[telefoonnummer]``, ``[e-mailadres]``,
    ``[bsn]``, ``[adres]``, ``[postcode]`` or ``[geboortedatum]`` (a title stays:
    ``mevrouw [naam]``), and numbers that are a BSN or phone number are emptied.
    Header cells and title rows are masked the same way; a sheet whose name is
    an identifier is called ``blad N`` in the copy.

    The copy is written atomically with permissions 0600 (CSV through
    :func:`buitenbeeld.common.files.write_csv_rows`: text that a spreadsheet would run
    as a formula gets a leading ``'``; in xlsx such text is stored as text); a
    folder made for it gets 0700.
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
    if not target.parent.exists():
        private_dir(target.parent)  # a folder made for pseudonymised personal data: its owner's only
    if suffix == ".csv":
        write_csv_rows(target, written[0][1], mode=_PRIVATE_FILE)
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
                    elif cell.data_type == "f":  # text starting with '=' stays text, never a live formula
                        cell.data_type = "s"
        write_atomic(target, workbook.save, mode=_PRIVATE_FILE)
    left = find_identifiers(target)
    if left:
        target.unlink()
        raise IdentifiersFoundError(left, source.name, "The pseudonymised copy still held identifiers and was removed; "
                                                  "please report this as a bug, with the kinds and columns above")
    return PseudonymiseResult(source, target, where, actions, masked)
