"""The recognisers of direct identifiers in one value or one text, shared by the gate and the pseudonymiser.

:mod:`buitenbeeld.privacy.gate` asks :func:`cell_kinds` which identifiers a
cell holds; :mod:`buitenbeeld.privacy.pseudonym` asks :func:`text_spans` where
they are in a text, to mask them. What a *value* counts as, in any column:

- a BSN (nine digits that pass the elfproef, :func:`is_valid_bsn`), a Dutch
  phone number or an e-mail address (the patterns of
  :mod:`buitenbeeld.privacy.scan`), also an e-mail address written around a
  filter (``jan(at)mail(punt)nl``, ``jan [at] mail [dot] nl``, ``jan at mail
  punt nl``, ``jan(a)mail.nl``, ``jan @ mail . nl``; with a known top-level
  domain such as nl, com, be), a Dutch postcode in upper or lower case
  (``2512 AB``, ``2512ab``; never with SA, SD or SS, and not a number before a
  short lower case word or unit, ``2017 en``, ``1200 km``), with or without a
  house number, a street and house number (``Kerkstraat 4``, ``Laan van
  Meerdervoort 120``, ``Weg naar Zee 3``, ``Plein 1813 4``), a date written
  after ``geboren``/``geb.``, and a date that lies 10 to 30 years before the
  reference date (:func:`is_birth_like`; the gate passes the row's step date);
  a whole number typed in a cell is a BSN, or a mobile number that lost its 0;
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
- a *name* where a code belongs (:func:`id_is_name`, for a column that holds
  the code of a young person or a scout): text of letters only (``Ali``), two
  or more capitalised words or initials, with or without tussenvoegsels and
  digits (``Jan de Vries 2``, ``Vries, Jan de``, ``Team Noord``: such a column
  holds codes), words in capitals with a space between them (``JAN DE VRIES
  2``), or a listed first name (``Sanne01``, ``S-01 Jan``); codes such as
  ``S-017``, ``S01``, ``JS-0042`` and ``J-ABCDEFGHIJ`` pass.

A name without a title, of someone not on the list, cannot be recognised in
free text. The kinds are the Dutch words of messages: :data:`NAME`,
:data:`BSN`, :data:`BIRTH_DATE`, :data:`ADDRESS`, :data:`POSTCODE`, and the
``EMAIL`` and ``PHONE`` of :mod:`buitenbeeld.privacy.scan`.
"""
from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Any

from buitenbeeld.common import values
from buitenbeeld.privacy.scan import EMAIL, EMAIL_PATTERN, PHONE, phone_spans
from buitenbeeld.settings import resource

__all__ = [
    "NAME", "BSN", "BIRTH_DATE", "ADDRESS", "POSTCODE",
    "is_valid_bsn", "first_names", "id_is_name", "text_spans", "cell_kinds",
    "as_date", "years_between", "is_birth_like",
]

#: Kinds of identifier (Dutch: they appear in messages); e-mail and phone are those of the report scan.
NAME, BSN, BIRTH_DATE, ADDRESS, POSTCODE = "naam", "bsn", "geboortedatum", "adres", "postcode"
#: A date this many years before the row's step date may be a birth date (young people are 15-27).
_BIRTH_AGES = (10, 30)

# In a code column a name is an identifier; a code (``S-017``, ``J-ABCDEFGHIJ``, anything with a digit) is not.
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


def _looks_like_name(raw: Any) -> bool:
    """True for text that reads as a name (letters only), not a code such as ``S-017`` or ``J-ABCDEFGHIJ``."""
    if not isinstance(raw, str):
        return False
    text = " ".join(raw.split())
    return (bool(_NAME_VALUE.fullmatch(text)) and not _CODE_VALUE.fullmatch(text)
            and text.casefold() not in _NO_NAME and sum(c.isalpha() for c in text) >= 2)


def years_between(earlier: dt.date, later: dt.date) -> int:
    """Whole years from ``earlier`` to ``later`` (an age)."""
    return later.year - earlier.year - ((later.month, later.day) < (earlier.month, earlier.day))


def as_date(raw: Any) -> dt.date | None:
    if isinstance(raw, (dt.date, str)):
        try:
            return values.parse_date(raw)
        except ValueError:
            return None
    return None


def is_birth_like(day: dt.date, reference: dt.date) -> bool:
    return _BIRTH_AGES[0] <= years_between(day, reference) <= _BIRTH_AGES[1]


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


def id_is_name(raw: Any) -> bool:
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


def text_spans(text: str, reference: dt.date) -> list[tuple[int, int, str]]:
    """Identifier spans ``(start, end, kind)`` in free text, longest first where they overlap."""
    spans = [(m.start(), m.end(), EMAIL) for m in EMAIL_PATTERN.finditer(text)]
    spans += [(m.start(), m.end(), EMAIL) for m in _OBFUSCATED_EMAIL.finditer(text)]
    spans += [(a, b, NAME) for a, b in _name_spans(text)]
    spans += [(a, b, PHONE) for a, b in phone_spans(text)]
    spans += [(m.start(), m.end(), BSN) for m in _BSN_TEXT.finditer(text) if is_valid_bsn(m.group())]
    spans += [(m.start(), m.end(), ADDRESS) for m in _ADDRESS_TEXT.finditer(text) if _is_postcode(m.group())]
    spans += [(m.start(), m.end(), POSTCODE) for m in _POSTCODE_TEXT.finditer(text) if _is_postcode(m.group())]
    for match in _DATE_TEXT.finditer(text):
        day = as_date(match.group())
        if day and (_BIRTH_WORD.search(text[:match.start()]) or is_birth_like(day, reference)):
            spans.append((match.start(), match.end(), BIRTH_DATE))
    kept: list[tuple[int, int, str]] = []
    for span in sorted(spans, key=lambda s: (s[0] - s[1], s[0])):
        if all(span[1] <= a or span[0] >= b for a, b, _ in kept):
            kept.append(span)
    return sorted(kept)


def cell_kinds(raw: Any, reference: dt.date, event_date: bool) -> list[str]:
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
        return [BIRTH_DATE] if not event_date and is_birth_like(raw, reference) else []
    if isinstance(raw, str):
        if event_date and as_date(raw):
            return []
        return list(dict.fromkeys(kind for _, _, kind in text_spans(raw, reference)))
    return []
