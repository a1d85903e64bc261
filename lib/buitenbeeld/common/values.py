"""Tolerant interpretation of single, hand-typed spreadsheet cells.

Each parser takes one raw cell (str, int, float, date/datetime, None or NaN) and
returns a small value; a cell it cannot interpret raises :class:`ValueError` with a
short message saying what was expected (the caller adds file, sheet, row, column).
Missing is never zero: an empty or unknown count is a :class:`Number` with value None.

Counts of young people are also checked for plausibility (:func:`read_count`,
:func:`count_problem`): a count that is not finite, negative, not a whole
number or above a maximum is treated as unknown, with a Dutch reason.

Consent to publish an organisation's name (:func:`parse_consent`) is only an
explicit yes; ``x``, ``1`` or ``wel`` count as no consent, with a warning.

The parsers are here; what they share lives below them: the first look at a
raw cell (empty, unknown, a real number: :mod:`buitenbeeld.common.rawcells`),
the grammar of number text (:mod:`buitenbeeld.common.numerals`) and of date
text (:mod:`buitenbeeld.common.datetext`), and the words people type for
ja/nee, types, roles and leefgebieden (:mod:`buitenbeeld.common.spellings`).
"""
from __future__ import annotations

import datetime as _dt
import math
import numbers
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from buitenbeeld.common.datetext import DATE_EXPECTED, date_text
from buitenbeeld.common.numerals import NUMBER_EXPECTED, number_text
from buitenbeeld.common.rawcells import UNKNOWN_WORDS, NotFiniteError, as_real, fold, is_bool, is_missing, is_unknown
from buitenbeeld.common.spellings import (
    CONSENT_NO,
    CONSENT_YES,
    DOMAIN_SPELLINGS,
    FALSE_WORDS,
    ROLE_SPELLINGS,
    SOMETIMES_WORDS,
    TRUE_WORDS,
    TYPE_SPELLINGS,
)
from buitenbeeld.common.vocabulary import LEEFGEBIEDEN, ORGANISATION_TYPES, ROLES

__all__ = [
    "Number", "parse_number", "read_number", "MISSING_INVALID", "parse_bool", "parse_consent", "CONSENT_HINT", "CONSENT_UNCLEAR",
    "parse_ja_nee_soms", "parse_date",
    "parse_type", "parse_roles", "parse_leefgebieden", "parse_wijken", "parse_scale", "normalise_header",
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
    if is_missing(raw):
        return Number(None, None, None, False, MISSING_EMPTY)
    if isinstance(raw, _dt.date):
        raise ValueError("hier hoort een aantal, maar er staat een datum (heeft Excel of LibreOffice '1-5' "
                         "misschien veranderd in een datum?)")
    if is_bool(raw):
        raise ValueError(NUMBER_EXPECTED)
    if (real := as_real(raw)) is not None:
        value, low, high, estimate = real, real, real, False
    elif isinstance(raw, str):
        text = fold(raw)
        if is_unknown(text):
            return Number(None, None, None, False,
                          MISSING_UNKNOWN if text in UNKNOWN_WORDS else MISSING_NOT_APPLICABLE)
        value, low, high, estimate = number_text(text)
    else:
        raise ValueError(NUMBER_EXPECTED)
    if any(x is not None and not math.isfinite(x) for x in (value, low, high)):
        raise NotFiniteError()  # e.g. 400 digits, or '1e999'
    if not allow_negative and any(x is not None and x < 0 for x in (value, low, high)):
        raise ValueError("een aantal kan niet onder 0 zijn")
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
    except NotFiniteError:
        number = Number(math.inf, math.inf, math.inf, False, None)  # only to word the reason
    except ValueError as error:
        return Number(None, None, None, False, MISSING_INVALID, str(error))
    reason = count_problem(number, column, maximum, whole=whole, limit=limit)
    if reason is not None:
        return Number(None, None, None, False, MISSING_IMPLAUSIBLE, reason)
    return number


def parse_bool(raw: Any) -> bool | None:
    """Read ja/nee (``ja``, ``j``, ``x``, ``waar``, ``1``, ``nee``, ``n``, ``0``, ...).

    Returns None for an empty cell and for ``onbekend``/``?``/``n.v.t.``; raises
    ValueError for anything else.
    """
    if is_missing(raw):
        return None
    if is_bool(raw):
        return bool(raw)
    real = as_real(raw)
    if real in (0.0, 1.0):
        return real == 1.0
    if isinstance(raw, str):
        text = fold(raw).rstrip(".!")
        if text in TRUE_WORDS or text in FALSE_WORDS:
            return text in TRUE_WORDS
        if is_unknown(text):
            return None
    raise ValueError("hier hoort ja of nee")


#: Why a consent cell that is no explicit yes nor a clear no counts as no consent (Dutch B1).
CONSENT_UNCLEAR = ("niet duidelijk of dit toestemming is; het telt als geen toestemming: de naam van de "
                   "organisatie komt niet in een rapport")
#: What to write in a consent cell (Dutch B1).
CONSENT_HINT = ("Schrijf 'ja' als de organisatie toestemming geeft om haar naam in een rapport te noemen. "
                "Schrijf 'nee' of laat de cel leeg als dat niet mag")


def parse_consent(raw: Any) -> bool:
    """Read consent to publish a name: True only for an explicit yes.

    An explicit yes is one of :data:`~buitenbeeld.common.spellings.CONSENT_YES`:
    ``ja``, ``yes``, ``akkoord``, ``toestemming (gegeven)``, ``(de naam) mag
    genoemd/vermeld/gebruikt/gepubliceerd (worden)``, also after ``ja``
    (``Ja, mag genoemd worden.``). Case, accents and punctuation do not matter;
    text with a ``?`` is never a yes.

    Returns False for an empty cell and a clear no (``nee``, ``n``, ``geen
    toestemming``, ``mag niet genoemd worden``, ``0``, a FALSE cell). Anything
    else (``x``, ``1``, ``j``, ``y``, ``wel``, ``?``, ``onbekend``, a TRUE cell)
    is unclear: it raises ValueError with :data:`CONSENT_UNCLEAR`, and the
    caller reads it as no consent, with a warning.
    """
    if is_missing(raw):
        return False
    if is_bool(raw):
        if not raw:
            return False
    elif isinstance(raw, str):
        text = " ".join(re.sub(r"[^\w?]+", " ", fold(raw)).split())
        if text in CONSENT_YES:
            return True
        if text in CONSENT_NO:
            return False
    elif isinstance(raw, numbers.Real) and not math.isinf(raw) and raw == 0:
        return False
    raise ValueError(CONSENT_UNCLEAR)


def parse_ja_nee_soms(raw: Any) -> str | None:
    """Read ``"ja"``, ``"nee"`` or ``"soms"`` (also ``af en toe``, ``wisselend``).

    Accepts every spelling of :func:`parse_bool`; returns None when empty or unknown.
    """
    if isinstance(raw, str) and fold(raw).rstrip(".!") in SOMETIMES_WORDS:
        return "soms"
    try:
        flag = parse_bool(raw)
    except ValueError:
        raise ValueError("hier hoort ja, nee of soms") from None
    return None if flag is None else "ja" if flag else "nee"


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
    if is_missing(raw):
        return None
    if isinstance(raw, _dt.datetime):
        return raw.date()
    if isinstance(raw, _dt.date):
        return raw
    if (real := as_real(raw)) is not None:
        if 20000 <= real <= 80000:
            return _EXCEL_EPOCH + _dt.timedelta(days=int(real))
        raise ValueError(DATE_EXPECTED + " (een getal lezen we alleen als datum als het een datumgetal van Excel "
                         "is, van 20000 tot 80000)")
    if not isinstance(raw, str):
        raise ValueError(DATE_EXPECTED)
    text = fold(raw)
    if is_unknown(text):
        return None
    return date_text(text, raw)


def parse_type(raw: Any) -> str:
    """Normalise an organisation type to one of :data:`ORGANISATION_TYPES`.

    Case, accents, spacing, ``(s)`` and the word ``organisatie`` are ignored, so
    ``Commerciële organisatie``, ``Sociaal ondernemer(s)``, ``Interesse / hobby``,
    ``moskee`` and ``gemeente`` are understood. Raises ValueError when empty or unknown.
    """
    if is_missing(raw):
        raise ValueError("het type ontbreekt; kies uit: " + ", ".join(ORGANISATION_TYPES))
    key = re.sub(r"\((?:s|e|en)\)|['’]", "", fold(str(raw)))
    key = " ".join(re.sub(r"[^a-z0-9/&+]+|\borganisaties?\b", " ", key).split())
    key = re.sub(r"\s*(?:/|&|\+|\ben\b)\s*", "/", key)
    if key not in TYPE_SPELLINGS:
        raise ValueError(f"onbekend type '{str(raw).strip()}'; kies uit: " + ", ".join(ORGANISATION_TYPES))
    return TYPE_SPELLINGS[key]


def parse_roles(raw: Any) -> tuple[str, ...]:
    """Read roles separated by ``;``, ``,``, ``/``, ``&`` or ``en``, in :data:`ROLES` order.

    Returns ``()`` for an empty cell and for ``geen``/``onbekend``; raises
    ValueError for an unknown role.
    """
    if is_missing(raw):
        return ()
    if not isinstance(raw, str):
        raise ValueError("hier horen rollen, zoals 'bereiken; activeren'")
    text = fold(re.sub(r"[\r\n]+", ";", raw))
    if is_unknown(text) or text in ("geen", "geen rol", "geen rollen"):
        return ()
    found = set()
    for token in re.split(r"[;,/&+]|\ben\b", text):
        if token := token.strip(" ."):
            if token not in ROLE_SPELLINGS:
                raise ValueError(f"onbekende rol '{token}'; kies uit bereiken, activeren, plaatsen en behouden")
            found.add(ROLE_SPELLINGS[token])
    return tuple(role for role in ROLES if role in found)


_DOMAINS_EXPECTED = (f"hier horen leefgebieden van de ZRM: namen of nummers van 1 tot en met {len(LEEFGEBIEDEN)}, "
                     "gescheiden door ;")


def parse_leefgebieden(raw: Any) -> tuple[str, ...]:
    """Read ZRM domains: names or numbers 1-13, separated by ``;`` or ``,``.

    Names ignore case and accents; ``en``, ``&`` and ``/`` are the same
    (``werk en opleiding``). A few short forms work (``werk``, ``geld``, ``wonen``,
    ``netwerk``). Returns a de-duplicated tuple in :data:`LEEFGEBIEDEN` order.
    """
    if is_missing(raw):
        return ()
    if is_bool(raw):
        raise ValueError(_DOMAINS_EXPECTED)
    if (real := as_real(raw)) is not None:
        if real != int(real):
            raise ValueError(f"leefgebied {real:g} is geen heel getal; zet ; tussen de nummers".replace(".", ","))
        tokens = [str(int(real))]
    elif isinstance(raw, str):
        tokens = re.split(r"[;,\r\n]", raw)
    else:
        raise ValueError(_DOMAINS_EXPECTED)
    found = set()
    for token in tokens:
        key = re.sub(r"\s*(?:&|/|\+|\ben\b)\s*", " & ", fold(token)).strip(" .")
        if not key:
            continue
        if key.isdigit():
            if not 1 <= int(key) <= len(LEEFGEBIEDEN):
                raise ValueError(f"leefgebied nummer {int(key)} bestaat niet; de nummers gaan van 1 tot en met "
                                 f"{len(LEEFGEBIEDEN)}")
            found.add(LEEFGEBIEDEN[int(key) - 1])
        elif key in DOMAIN_SPELLINGS:
            found.add(DOMAIN_SPELLINGS[key])
        else:
            raise ValueError(f"onbekend leefgebied '{token.strip()}'; gebruik de namen of de nummers (1 tot en met "
                             f"{len(LEEFGEBIEDEN)}) van de ZRM")
    return tuple(name for name in LEEFGEBIEDEN if name in found)


def parse_wijken(raw: Any) -> tuple[str, ...]:
    """Split wijken on ``;`` and newlines, keeping the user's spelling.

    Internal whitespace is collapsed; duplicates (ignoring case) keep their first
    spelling. A numeric cell is read as one wijk number.
    """
    if is_missing(raw):
        return ()
    if (real := as_real(raw)) is not None and real == int(real):
        raw = str(int(real))
    if not isinstance(raw, str):
        raise ValueError("hier horen namen van wijken, gescheiden door ;")
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
    expected = f"hier hoort een heel getal van {low} tot en met {high}"
    if is_missing(raw):
        return None
    real = None if is_bool(raw) else as_real(raw)
    if isinstance(raw, str):
        text = fold(raw)
        if is_unknown(text):
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
    text = "" if is_missing(raw) else fold(str(raw))
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")
