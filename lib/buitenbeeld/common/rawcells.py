"""What a raw cell is before it is interpreted: empty, unknown, a real number, a boolean.

The parsers of :mod:`buitenbeeld.common.values` take one raw cell (str, int,
float, date/datetime, None or NaN, also numpy and pandas scalars); these are
the questions each of them asks first. Text is compared after :func:`fold`, so
case, accents and whitespace do not matter.
"""
from __future__ import annotations

import math
import numbers
import unicodedata
from typing import Any

__all__ = [
    "NOT_APPLICABLE_WORDS",
    "UNKNOWN_WORDS",
    "NotFiniteError",
    "as_real",
    "fold",
    "is_bool",
    "is_missing",
    "is_unknown",
]

#: Answers that mean "not known" (folded, see :func:`fold`).
UNKNOWN_WORDS = frozenset({"onbekend", "onb", "onb.", "weet niet", "weet ik niet", "?", "??", "???",
                           "-", "--", "\u2013", "\u2014"})
#: Answers that mean "does not apply" (folded).
NOT_APPLICABLE_WORDS = frozenset({"n.v.t.", "n.v.t", "nvt", "nvt.", "n/a"})
_NOT_FINITE = "hier hoort een gewoon getal; dit is oneindig groot of geen getal"


def fold(text: str) -> str:
    """Lowercase, strip accents and collapse all whitespace (incl. non-breaking)."""
    text = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).lower().split())


def is_missing(raw: Any) -> bool:
    """True for an empty cell: None, blank text, NaN, NaT or ``pandas.NA``."""
    if raw is None:
        return True
    if isinstance(raw, str):
        return not raw.strip()
    try:
        return bool(raw != raw)  # float NaN, pandas NaT
    except TypeError:  # pandas.NA refuses bool()
        return True


def is_bool(raw: Any) -> bool:
    """True for a boolean cell, also a numpy boolean."""
    return type(raw).__name__ in ("bool", "bool_")  # also numpy booleans


class NotFiniteError(ValueError):
    """A cell that holds infinity or 'not a number' (or a number too big for a float)."""

    def __init__(self) -> None:
        super().__init__(_NOT_FINITE)


def as_real(raw: Any) -> float | None:
    """A numeric (non-bool) cell as a finite float; None when ``raw`` is not numeric."""
    if not isinstance(raw, numbers.Real) or is_bool(raw):
        return None
    try:
        value = float(raw)
    except OverflowError:  # a Python int beyond the float range
        raise NotFiniteError() from None
    if math.isinf(value):
        raise NotFiniteError()
    return value


def is_unknown(text: str) -> bool:
    """True for folded text that says the answer is unknown or does not apply."""
    return text in UNKNOWN_WORDS or text in NOT_APPLICABLE_WORDS
