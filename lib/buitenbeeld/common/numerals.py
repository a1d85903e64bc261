"""Read Dutch number text: ``1.200``, ``1,5``, ``ca. 40``, ``30-50``, ``40+``, ``<5``.

The grammar of a number as people type it in a spreadsheet cell, used by
:func:`~buitenbeeld.common.values.parse_number` once it knows that the cell is
text and not empty or unknown. :func:`number_text` returns the point value, the
bounds and whether it is an estimate; the parser turns that into a
:class:`~buitenbeeld.common.values.Number`.
"""
from __future__ import annotations

import re

from buitenbeeld.common.rawcells import NotFiniteError

__all__ = [
    "NUMBER_EXPECTED",
    "number_text",
]

#: What a cell that is not a number should have held.
NUMBER_EXPECTED = "hier hoort een aantal, een schatting zoals 'ca. 40' of '30-50', of 'onbekend'"
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
        raise ValueError(f"onduidelijk getal '{token}': schrijf '1.200' voor duizend tweehonderd en '1,5' voor "
                         "anderhalf")
    return first + "".join(groups)


def number_text(text: str) -> tuple[float, float | None, float | None, bool]:
    """Read folded number text (see :func:`~buitenbeeld.common.rawcells.fold`): ``(value, low, high, estimate)``.

    ``value`` is the point value (the middle of a range), ``low`` and
    ``high`` the bounds (``high`` is None for an open bound such as ``40+``).
    Scientific notation (``1E+05``) is read as the number it writes.

    Raises
    ------
    NotFiniteError
        For ``inf``, ``nan`` and ``oneindig`` written as text.
    ValueError
        For text that is not a number, a reversed range or an unclear separator.
    """
    if text in _NON_FINITE_WORDS:
        raise NotFiniteError()
    if _SCIENTIFIC_RE.match(text):  # '1E+308' from a CSV export: a number, checked like any other
        value = float(text.replace(",", "."))
        return value, value, value, False
    match = _NUMBER_RE.match(text)
    if not match or (match["plus"] and (match["lt"] or match["b"])):
        raise ValueError(NUMBER_EXPECTED)
    a = _to_float(match["a"])
    if match["b"] is not None:
        if match["gt"] or match["lt"]:
            raise ValueError(NUMBER_EXPECTED)
        b = _to_float(match["b"])
        if b < a:
            raise ValueError("het hoogste getal staat voorop: schrijf het laagste getal eerst, zoals '30-50'")
        return (a + b) / 2, a, b, True
    if match["gt"] or match["plus"]:
        return a, a, None, True
    if match["lt"]:  # '<5': somewhere between 0 and 5
        if a <= 0:
            raise ValueError("na '<' hoort een getal groter dan 0, zoals '<5'")
        return a / 2, 0.0, a, True
    return a, a, a, match["approx"] is not None
