"""Tolerant interpretation of single, hand-typed spreadsheet cells.

Each parser takes one raw cell (str, int, float, date/datetime, None or NaN) and
returns a small value; a cell it cannot interpret raises :class:`ValueError` with a
short message saying what was expected (the caller adds file, sheet, row, column).
Missing is never zero: an empty or unknown count is a :class:`Number` with value None.

Counts of young people are also checked for plausibility (:func:`read_count`,
:func:`count_problem`): a count that is not finite, negative, not a whole
number or above a maximum is treated as unknown, with a Dutch reason.
"""
from __future__ import annotations

import datetime as _dt
import math
import numbers
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from buitenbeeld.common.vocabulary import ORGANISATION_TYPES, ROLES, LEEFGEBIEDEN

__all__ = [
    "Number", "parse_number", "read_number", "MISSING_INVALID", "parse_bool", "parse_ja_nee_soms", "parse_date", "parse_type", "parse_roles",
    "parse_leefgebieden", "parse_wijken", "parse_scale", "normalise_header",
    "MISSING_EMPTY", "MISSING_UNKNOWN", "MISSING_NOT_APPLICABLE",
    "MISSING_IMPLAUSIBLE", "MAX_YOUTH_GEMEENTE", "MAX_YOUTH_NEDERLAND", "COUNT_HINT",
    "count_problem", "read_count",
]

MISSING_EMPTY, MISSING_UNKNOWN, MISSING_NOT_APPLICABLE = "leeg", "onbekend", "n.v.t."
#: Missing reason of a cell that could not be read as a number (see :func:`read_number`).
MISSING_INVALID = "ongeldig"
#: Missing reason of a count that was read but cannot be right (see :func:`read_count`).
MISSING_IMPLAUSIBLE = "onwaarschijnlijk"
#: Most young people aged 15 to 27 one gemeente can have (CBS tables, StatLine). The largest
#: gemeente (Amsterdam) has about 150,000; this leaves room for growth and a different age
#: band, and still stops a typing error like 1e308. Where a table has a national row, its
#: number of young people caps a gemeente as well.
MAX_YOUTH_GEMEENTE = 500_000
#: Most young people aged 15 to 27 the national row (Nederland) can have: about 2.9
#: million live in the Netherlands, the whole population is about 18 million.
MAX_YOUTH_NEDERLAND = 5_000_000
#: What to do about a count that :func:`count_problem` refused, for people (Dutch B1).
COUNT_HINT = ("Controleer het getal. Schrijf een aantal, een schatting zoals 'ca. 40' of '30-50', "
              "of 'onbekend'")

_UNKNOWN = frozenset({"onbekend", "onb", "onb.", "weet niet", "weet ik niet", "?", "??", "???",
                      "-", "--", "\u2013", "\u2014"})
_NOT_APPLICABLE = frozenset({"n.v.t.", "n.v.t", "nvt", "nvt.", "n/a"})
_NUMBER_EXPECTED = "expected a number, an estimate like 'ca. 40' or '30-50', or 'onbekend'"
_NOT_FINITE = "expected a finite number"
#: Scientific notation, as a CSV export writes a huge number ('1E+308'): read as the number
#: it writes (so a count check can say it is too big); inf/nan words are never a number.
_SCIENTIFIC_RE = re.compile(r"^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)e[+-]?\d+$")
_NON_FINITE_WORDS = frozenset(f"{sign}{word}" for sign in ("", "+", "-")
                              for word in ("inf", "infinity", "nan", "oneindig"))
_NUM = r"-?\d+(?:[.,]\d+)*"
_NUMBER_RE = re.compile(rf"""
    ^(?P<approx>(?:ca\.?|circa|ongeveer|zo['’`]?n|plusminus|rond(?:\s+de)?|\+/-|\+-|±|~|≈)\s*)?
    (?:(?P<gt>>=?|≥|meer\s+dan|ruim|minstens|minimaal)|(?P<lt><=?|≤|minder\s+dan))?\s*
    (?P<a>{_NUM})
    (?:\s*(?:-|–|—|tot(?:\s+en\s+met)?|t/m|a)\s*(?P<b>{_NUM}))?
    (?P<plus>\+|\s+(?:of|en)\s+meer\b)?
    (?:\s*\(?[^\W\d_][^\d%]*)?$""", re.VERBOSE)  # optional trailing words: '40 per maand'


@dataclass(frozen=True)
class Number:
    """A count read from one cell: exact, an estimate, a range, or missing.

    Attributes
    ----------
    value : float or None
        The point value; the middle of a range; None when missing.
    low, high : float or None
        Bounds; both equal ``value`` for an exact number. ``high`` is None for an
        open bound such as ``40+`` or ``>40``.
    estimate : bool
        True for ``ca. 40``, ranges and bounds; False for exact and missing values.
    missing_reason : str or None
        ``"leeg"``, ``"onbekend"``, ``"n.v.t."`` or ``"ongeldig"`` when ``value``
        is None, else None.
    problem : str or None
        Why the cell could not be read (only from :func:`read_number`).
    """

    value: float | None
    low: float | None
    high: float | None
    estimate: bool
    missing_reason: str | None
    problem: str | None = None

    @property
    def missing(self) -> bool:
        """True when no value is known (never read this as zero)."""
        return self.value is None


def _fold(text: str) -> str:
    """Lowercase, strip accents and collapse all whitespace (incl. non-breaking)."""
    text = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).lower().split())


def _is_missing(raw: Any) -> bool:
    if raw is None:
        return True
    if isinstance(raw, str):
        return not raw.strip()
    try:
        return bool(raw != raw)  # float NaN, pandas NaT
    except TypeError:  # pandas.NA refuses bool()
        return True


def _is_bool(raw: Any) -> bool:
    return type(raw).__name__ in ("bool", "bool_")  # also numpy booleans


class _NotFiniteError(ValueError):
    """A cell that holds infinity or 'not a number' (or a number too big for a float)."""

    def __init__(self) -> None:
        super().__init__(_NOT_FINITE)


def _as_real(raw: Any) -> float | None:
    """A numeric (non-bool) cell as a finite float; None when ``raw`` is not numeric."""
    if not isinstance(raw, numbers.Real) or _is_bool(raw):
        return None
    try:
        value = float(raw)
    except OverflowError:  # a Python int beyond the float range
        raise _NotFiniteError() from None
    if math.isinf(value):
        raise _NotFiniteError()
    return value


def _is_unknown(text: str) -> bool:
    return text in _UNKNOWN or text in _NOT_APPLICABLE


def _to_float(token: str) -> float:
    """Read a Dutch number token: ``1.200`` -> 1200, ``1,5`` -> 1.5, ``12.5`` -> 12.5."""
    sign, body = (-1.0, token[1:]) if token.startswith("-") else (1.0, token)
    if "." in body and "," in body:  # the last separator is the decimal one
        decimal = "." if body.rfind(".") > body.rfind(",") else ","
        whole, _, fraction = body.rpartition(decimal)
        return sign * float(_ungroup(whole, "," if decimal == "." else ".", token) + "." + fraction)
    separator = "." if "." in body else "," if "," in body else None
    parts = body.split(separator) if separator else [body]
    if len(parts) == 2 and not (separator == "." and len(parts[1]) == 3 and parts[0][0] != "0"):
        return sign * float(".".join(parts))  # decimal comma, or a dot not followed by 3 digits
    return sign * float(_ungroup(body, separator, token) if separator else body)


def _ungroup(text: str, separator: str, token: str) -> str:
    first, *groups = text.split(separator)
    if groups and (len(first) > 3 or first[0] == "0" or any(len(g) != 3 for g in groups)):
        raise ValueError(f"unclear number '{token}': write '1.200' for thousands, '1,5' for decimals")
    return first + "".join(groups)


def parse_number(raw: Any, *, allow_negative: bool = False) -> Number:
    """Read a count, an estimate, a range or an unknown answer.

    Parameters
    ----------
    raw : str, int, float, None or NaN
        Text may use Dutch separators (``1.200``, ``1,5``), estimate words
        (``ca. 40``, ``±40``, ``zo'n 40``), ranges (``30-50``, ``30 tot 50``),
        bounds (``40+``, ``>40``, ``<5``) and trailing words (``40 per maand``).
    allow_negative : bool, default False
        Accept negative numbers (counts are never negative).

    Returns
    -------
    Number
        Missing (value None) for empty, ``onbekend``, ``?``, ``-`` and ``n.v.t.``.

    Raises
    ------
    ValueError
        Not a number, a reversed range, a negative count, a yes/no or date cell,
        or not finite (``inf``, ``nan`` written as text, ``1e999``, 400 digits).
        Scientific notation (``1E+05``) is read as the number it writes.
    """
    if _is_missing(raw):
        return Number(None, None, None, False, MISSING_EMPTY)
    if isinstance(raw, _dt.date):
        raise ValueError("expected a number, got a date (did the spreadsheet turn '1-5' into a date?)")
    if _is_bool(raw):
        raise ValueError(_NUMBER_EXPECTED)
    if (real := _as_real(raw)) is not None:
        value, low, high, estimate = real, real, real, False
    elif isinstance(raw, str):
        text = _fold(raw)
        if _is_unknown(text):
            return Number(None, None, None, False,
                          MISSING_UNKNOWN if text in _UNKNOWN else MISSING_NOT_APPLICABLE)
        if text in _NON_FINITE_WORDS:
            raise _NotFiniteError()
        if _SCIENTIFIC_RE.match(text):  # '1E+308' from a CSV export: a number, checked like any other
            value = float(text.replace(",", "."))
            low, high, estimate = value, value, False
        else:
            value, low, high, estimate = _number_text(text)
    else:
        raise ValueError(_NUMBER_EXPECTED)
    if any(x is not None and not math.isfinite(x) for x in (value, low, high)):
        raise _NotFiniteError()  # e.g. 400 digits, or '1e999'
    if not allow_negative and any(x is not None and x < 0 for x in (value, low, high)):
        raise ValueError("expected a count; negative numbers are not allowed")
    return Number(value, low, high, estimate, None)


def read_number(raw: Any) -> Number:
    """Like :func:`parse_number`, but never raises: an unreadable cell is missing.

    The result of an unreadable cell has value None, missing reason
    ``"ongeldig"`` and the parser's message in ``problem``; it never becomes zero.
    """
    try:
        return _parse_number_once(raw)
    except ValueError as error:
        return Number(None, None, None, False, MISSING_INVALID, str(error))


def _parse_number_once(raw: Any, allow_negative: bool = False) -> Number:
    cacheable = isinstance(raw, (str, int, float)) and not isinstance(raw, bool)  # True == 1 as a key
    return _parse_number_cached(raw, allow_negative) if cacheable else parse_number(raw, allow_negative=allow_negative)


@lru_cache(maxsize=65536)
def _parse_number_cached(raw: str | int | float, allow_negative: bool = False) -> Number:
    # answers repeat a lot in a large kaart ('onbekend', 'ca. 10'): parse each once
    return parse_number(raw, allow_negative=allow_negative)


def _format_limit(limit: float) -> str:
    """A limit as people read it in a message: ``100000`` -> ``100.000`` (dot between thousands)."""
    return f"{round(limit):,}".replace(",", ".")


def count_problem(number: Number, column: str, maximum: float, *, whole: bool = True,
                  limit: str = "de grens") -> str | None:
    """Why a count that was read cannot be right, in Dutch; None when it is plausible.

    A count is implausible when a number written in the cell (the value, or a
    bound of an estimate such as ``30-50`` or ``40+``) is not finite, is below 0,
    is not a whole number (only with ``whole``: 12.5 young people do not exist;
    the middle of a range such as ``30-45`` may well be 37.5 and is not checked)
    or is above ``maximum``. A missing count is never a problem.

    Parameters
    ----------
    number : Number
        As :func:`parse_number` or :func:`read_number` returned it.
    column : str
        The column's name, as the user sees it in the file; named in the message.
    maximum : float
        The largest plausible count; ``maximum`` itself is allowed.
    whole : bool, default True
        Require whole numbers (counts of people); False for averages.
    limit : str, default "de grens"
        What ``maximum`` is, in Dutch, for the message ("de grens voor één organisatie").

    Returns
    -------
    str or None
        A reason that names the column and the limit, never the value in the cell.
    """
    if number.value is None:
        return None
    written = [x for x in (number.low, number.high) if x is not None] or [number.value]
    checked = [*written, number.value]
    where = f"in kolom '{column}' staat"
    unknown = "dit aantal telt als onbekend"
    if any(not math.isfinite(x) for x in checked):
        return f"{where} geen gewoon getal (oneindig of geen getal); {unknown}"
    if any(x < 0 for x in checked):
        return f"{where} een aantal onder 0 (een aantal is 0 of meer); {unknown}"
    if whole and any(not float(x).is_integer() for x in written):
        return f"{where} een aantal dat geen heel getal is (een aantal is heel, zoals 12); {unknown}"
    if any(x > maximum for x in checked):
        return f"{where} een aantal boven {_format_limit(maximum)} ({limit}); dat kan niet kloppen; {unknown}"
    return None


def read_count(raw: Any, column: str, maximum: float, *, whole: bool = True,
               limit: str = "de grens") -> Number:
    """Read a count of young people and check that it can be right; never raises.

    Like :func:`read_number`, then :func:`count_problem`. A cell that cannot be
    read has missing reason ``"ongeldig"`` (the parser's message in ``problem``);
    a count that is read but not finite (``inf``, ``nan`` as text, ``1e999``),
    negative, not whole (with ``whole``) or above ``maximum`` has value None,
    missing reason ``"onwaarschijnlijk"`` and a Dutch reason in ``problem``
    naming ``column`` and the limit, not the value. It never becomes zero.
    """
    try:
        number = _parse_number_once(raw, allow_negative=True)  # a negative count gets the Dutch reason below
    except _NotFiniteError:
        number = Number(math.inf, math.inf, math.inf, False, None)  # only to word the reason
    except ValueError as error:
        return Number(None, None, None, False, MISSING_INVALID, str(error))
    reason = count_problem(number, column, maximum, whole=whole, limit=limit)
    if reason is not None:
        return Number(None, None, None, False, MISSING_IMPLAUSIBLE, reason)
    return number


def _number_text(text: str) -> tuple[float, float | None, float | None, bool]:
    match = _NUMBER_RE.match(text)
    if not match or (match["plus"] and (match["lt"] or match["b"])):
        raise ValueError(_NUMBER_EXPECTED)
    a = _to_float(match["a"])
    if match["b"] is not None:
        if match["gt"] or match["lt"]:
            raise ValueError(_NUMBER_EXPECTED)
        b = _to_float(match["b"])
        if b < a:
            raise ValueError("reversed range: write the low number first, as in '30-50'")
        return (a + b) / 2, a, b, True
    if match["gt"] or match["plus"]:
        return a, a, None, True
    if match["lt"]:  # '<5': somewhere between 0 and 5
        if a <= 0:
            raise ValueError("expected a positive number after '<'")
        return a / 2, 0.0, a, True
    return a, a, a, match["approx"] is not None


_TRUE = frozenset({"ja", "j", "yes", "y", "x", "waar", "true", "1", "wel", "\u2713", "\u2714"})
_FALSE = frozenset({"nee", "n", "no", "onwaar", "false", "0", "niet"})
_SOMETIMES = frozenset({"soms", "af en toe", "wisselend", "soms wel"})


def parse_bool(raw: Any) -> bool | None:
    """Read ja/nee (``ja``, ``j``, ``x``, ``waar``, ``1``, ``nee``, ``n``, ``0``, ...).

    Returns None for an empty cell and for ``onbekend``/``?``/``n.v.t.``; raises
    ValueError for anything else.
    """
    if _is_missing(raw):
        return None
    if _is_bool(raw):
        return bool(raw)
    real = _as_real(raw)
    if real in (0.0, 1.0):
        return real == 1.0
    if isinstance(raw, str):
        text = _fold(raw).rstrip(".!")
        if text in _TRUE or text in _FALSE:
            return text in _TRUE
        if _is_unknown(text):
            return None
    raise ValueError("expected ja or nee")


def parse_ja_nee_soms(raw: Any) -> str | None:
    """Read ``"ja"``, ``"nee"`` or ``"soms"`` (also ``af en toe``, ``wisselend``).

    Accepts every spelling of :func:`parse_bool`; returns None when empty or unknown.
    """
    if isinstance(raw, str) and _fold(raw).rstrip(".!") in _SOMETIMES:
        return "soms"
    try:
        flag = parse_bool(raw)
    except ValueError:
        raise ValueError("expected ja, nee or soms") from None
    return None if flag is None else "ja" if flag else "nee"


_MONTHS = {name: number for number, names in enumerate((
    "januari jan january", "februari feb february", "maart mrt maa mar march", "april apr",
    "mei may", "juni jun june", "juli jul july", "augustus aug august",
    "september sep sept", "oktober okt oct october", "november nov", "december dec"), 1)
    for name in names.split()}
_TIME = r"(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_ISO_RE = re.compile(rf"^(\d{{4}})([-/.])(\d{{1,2}})\2(\d{{1,2}}){_TIME}$")
_DMY_RE = re.compile(rf"^(\d{{1,2}})([-/.])(\d{{1,2}})\2(\d{{4}}|\d{{2}}){_TIME}$")
_NAMED_RE = re.compile(r"^(?:(\d{1,2})[\s-]*)?([a-z]+)\.?[\s-]*(\d{4}|\d{2})$")
_DATE_EXPECTED = "expected a date like 2024-03-05, 5-3-2024 or 5 maart 2024"
_EXCEL_EPOCH = _dt.date(1899, 12, 30)  # 1900 date system, valid after 1 March 1900


def parse_date(raw: Any) -> _dt.date | None:
    """Read a date: a date cell, an Excel serial number (20000-80000) or Dutch text.

    Text may be ``2024-03-05``, day-first ``5-3-2024``, ``05/03/2024``, ``5.3.2024``
    (a two-digit year means 20yy), ``5 maart 2024``, ``5 mrt. 2024`` or ``maart 2024``
    (the first of the month). Returns None when empty or unknown.

    Raises
    ------
    ValueError
        For text that is not a date, an unknown month name or an impossible date.
    """
    if _is_missing(raw):
        return None
    if isinstance(raw, _dt.datetime):
        return raw.date()
    if isinstance(raw, _dt.date):
        return raw
    if (real := _as_real(raw)) is not None:
        if 20000 <= real <= 80000:
            return _EXCEL_EPOCH + _dt.timedelta(days=int(real))
        raise ValueError(_DATE_EXPECTED + " (a number is read as an Excel date only from 20000 to 80000)")
    if not isinstance(raw, str):
        raise ValueError(_DATE_EXPECTED)
    text = _fold(raw)
    if _is_unknown(text):
        return None
    if match := _ISO_RE.match(text):
        year, month, day = int(match[1]), int(match[3]), int(match[4])
    elif match := _DMY_RE.match(text):
        day, month, year = int(match[1]), int(match[3]), int(match[4])
        year += 2000 if len(match[4]) == 2 else 0
    elif (match := _NAMED_RE.match(text)) and (match[1] or len(match[3]) == 4):
        if match[2] not in _MONTHS:
            raise ValueError(f"unknown month '{match[2]}'; use a Dutch name like 'maart' or 'mrt'")
        day, month, year = int(match[1] or 1), _MONTHS[match[2]], int(match[3])
        year += 2000 if len(match[3]) == 2 else 0
    else:
        raise ValueError(_DATE_EXPECTED)
    try:
        return _dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"impossible date '{raw.strip()}': day or month out of range") from None


def _aliases(table: dict[str, str]) -> dict[str, str]:
    """``{canonical: "spelling|spelling"}`` -> ``{spelling: canonical}``."""
    return {spelling: canonical for canonical, spellings in table.items()
            for spelling in spellings.split("|")}


_TYPES = _aliases({
    "commercieel": "commercieel|commerciele|commercial|bedrijf|bedrijven",
    "sociale onderneming": "sociale onderneming|sociale ondernemingen|sociaal ondernemer"
                           "|sociaal ondernemers|sociale ondernemer|sociaal ondernemerschap",
    "interesse/hobby": "interesse/hobby|hobby/interesse|interesse|hobby|hobbys"
                       "|sport|sportclub|sportvereniging",
    "leefgebieden": "leefgebieden|leefgebied",
    "cultuur/religie": "cultuur/religie|religie/cultuur|cultuur|religie|religieus|religieuze"
                       "|cultureel|culturele|moskee|kerk",
    "formeel": "formeel|formele|formal|gemeente",
})


def parse_type(raw: Any) -> str:
    """Normalise an organisation type to one of :data:`ORGANISATION_TYPES`.

    Case, accents, spacing, ``(s)`` and the word ``organisatie`` are ignored, so
    ``Commerciële organisatie``, ``Sociaal ondernemer(s)``, ``Interesse / hobby``,
    ``moskee`` and ``gemeente`` are understood. Raises ValueError when empty or unknown.
    """
    if _is_missing(raw):
        raise ValueError("type is required: one of " + ", ".join(ORGANISATION_TYPES))
    key = re.sub(r"\((?:s|e|en)\)|['’]", "", _fold(str(raw)))
    key = " ".join(re.sub(r"[^a-z0-9/&+]+|\borganisaties?\b", " ", key).split())
    key = re.sub(r"\s*(?:/|&|\+|\ben\b)\s*", "/", key)
    if key not in _TYPES:
        raise ValueError(f"unknown type '{str(raw).strip()}'; expected one of: " + ", ".join(ORGANISATION_TYPES))
    return _TYPES[key]


_ROLES = _aliases({"bereiken": "bereiken|bereik", "activeren": "activeren|activering",
                   "plaatsen": "plaatsen|plaatsing", "behouden": "behouden|behoud"})


def parse_roles(raw: Any) -> tuple[str, ...]:
    """Read roles separated by ``;``, ``,``, ``/``, ``&`` or ``en``, in :data:`ROLES` order.

    Returns ``()`` for an empty cell and for ``geen``/``onbekend``; raises
    ValueError for an unknown role.
    """
    if _is_missing(raw):
        return ()
    if not isinstance(raw, str):
        raise ValueError("expected roles like 'bereiken; activeren'")
    text = _fold(re.sub(r"[\r\n]+", ";", raw))
    if _is_unknown(text) or text in ("geen", "geen rol", "geen rollen"):
        return ()
    found = set()
    for token in re.split(r"[;,/&+]|\ben\b", text):
        if token := token.strip(" ."):
            if token not in _ROLES:
                raise ValueError(f"unknown role '{token}'; expected bereiken, activeren, plaatsen or behouden")
            found.add(_ROLES[token])
    return tuple(role for role in ROLES if role in found)


_DOMAINS = {_fold(name): name for name in LEEFGEBIEDEN} | _aliases({
    "financiën": "geld|schulden", "werk & opleiding": "werk|opleiding", "huisvesting": "wonen",
    "basale adl": "adl basaal", "instrumentele adl": "adl instrumenteel",
    "sociaal netwerk": "netwerk|sociale netwerk", "maatschappelijke participatie": "participatie"})


def parse_leefgebieden(raw: Any) -> tuple[str, ...]:
    """Read ZRM domains: names or numbers 1-13, separated by ``;`` or ``,``.

    Names ignore case and accents; ``en``, ``&`` and ``/`` are the same
    (``werk en opleiding``). A few short forms work (``werk``, ``geld``, ``wonen``,
    ``netwerk``). Returns a de-duplicated tuple in :data:`LEEFGEBIEDEN` order.
    """
    if _is_missing(raw):
        return ()
    if _is_bool(raw):
        raise ValueError("expected ZRM domains or numbers 1-13")
    if (real := _as_real(raw)) is not None:
        if real != int(real):
            raise ValueError(f"leefgebied number {real:g} is not a whole number; separate numbers with ';'")
        tokens = [str(int(real))]
    elif isinstance(raw, str):
        tokens = re.split(r"[;,\r\n]", raw)
    else:
        raise ValueError("expected ZRM domains or numbers 1-13")
    found = set()
    for token in tokens:
        key = re.sub(r"\s*(?:&|/|\+|\ben\b)\s*", " & ", _fold(token)).strip(" .")
        if not key:
            continue
        if key.isdigit():
            if not 1 <= int(key) <= len(LEEFGEBIEDEN):
                raise ValueError(f"leefgebied number {int(key)} is out of range; expected 1-13")
            found.add(LEEFGEBIEDEN[int(key) - 1])
        elif key in _DOMAINS:
            found.add(_DOMAINS[key])
        else:
            raise ValueError(f"unknown leefgebied '{token.strip()}'; expected ZRM names or numbers 1-13")
    return tuple(name for name in LEEFGEBIEDEN if name in found)


def parse_wijken(raw: Any) -> tuple[str, ...]:
    """Split wijken on ``;`` and newlines, keeping the user's spelling.

    Internal whitespace is collapsed; duplicates (ignoring case) keep their first
    spelling. A numeric cell is read as one wijk number.
    """
    if _is_missing(raw):
        return ()
    if (real := _as_real(raw)) is not None and real == int(real):
        raw = str(int(real))
    if not isinstance(raw, str):
        raise ValueError("expected wijk names separated by ';'")
    wijken: dict[str, str] = {}
    for part in re.split(r"[;\r\n]", raw):
        if name := " ".join(part.split()):
            wijken.setdefault(name.casefold(), name)
    return tuple(wijken.values())


def parse_scale(raw: Any, low: int = 1, high: int = 5) -> int | None:
    """Read a whole number from ``low`` to ``high`` (``3``, ``3.0``, ``" 4 "``).

    Returns None when empty or unknown; raises ValueError for fractions
    (``3,5``) and numbers out of range.
    """
    expected = f"expected a whole number from {low} to {high}"
    if _is_missing(raw):
        return None
    real = None if _is_bool(raw) else _as_real(raw)
    if isinstance(raw, str):
        text = _fold(raw)
        if _is_unknown(text):
            return None
        if re.fullmatch(r"-?\d+(?:[.,]0+)?", text):
            real = float(text.replace(",", "."))
    if real is None or real != int(real) or not low <= real <= high:
        raise ValueError(expected)
    return int(real)


def normalise_header(raw: Any) -> str:
    """Turn a column header into a key: ``" Datum Interview"`` -> ``"datum_interview"``.

    Lowercases, strips accents, turns every run of other characters than letters
    and digits (spaces, hyphens, dots, slashes, brackets, ...) into one ``_`` and
    strips ``_`` at the ends. An empty header gives ``""``.
    """
    text = "" if _is_missing(raw) else _fold(str(raw))
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")
