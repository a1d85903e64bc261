"""Dutch number and date formatting for everything a report shows.

Thousands with a dot, decimals with a comma, Dutch month names; through babel,
not by hand.
"""
from __future__ import annotations

import datetime as dt
import math

import pandas as pd
from babel.dates import format_date as _babel_date
from babel.numbers import format_decimal, format_percent

__all__ = [
    "LOCALE", "MISSING", "is_missing", "format_letters", "format_count", "format_share", "format_number", "format_date",
]

LOCALE = "nl_NL"
#: What a report shows for an unknown value (the CBS symbol).
MISSING = "."


def is_missing(value) -> bool:
    """True for None, NaN and pandas' NA: what every table shows as ``.``."""
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def format_letters(index: int) -> str:
    """A letter label from a 0-based index: 0 -> A, 25 -> Z, 26 -> AA (spreadsheet columns, neutral names)."""
    text, index = "", index + 1
    while index:
        index, rest = divmod(index - 1, 26)
        text = chr(ord("A") + rest) + text
    return text


def format_count(value) -> str:
    """``134430`` -> ``134.430``; missing -> ``.``."""
    return MISSING if is_missing(value) else format_decimal(round(float(value)), format="#,##0", locale=LOCALE)


def format_number(value, decimals: int = 1) -> str:
    """``2.5`` -> ``2,5``; missing -> ``.``."""
    if is_missing(value):
        return MISSING
    pattern = "#,##0." + "0" * decimals if decimals else "#,##0"
    return format_decimal(float(value), format=pattern, locale=LOCALE)


def format_share(value, decimals: int = 1) -> str:
    """A fraction as a Dutch percentage: ``0.054`` -> ``5,4%``; missing -> ``.``."""
    if is_missing(value):
        return MISSING
    pattern = "#,##0." + "0" * decimals + "%" if decimals else "#,##0%"
    return format_percent(float(value), format=pattern, locale=LOCALE)


def format_date(value: dt.date | None) -> str:
    """``2024-03-05`` -> ``5 maart 2024``; missing -> ``.``."""
    return MISSING if value is None or value != value else _babel_date(value, format="d MMMM y", locale=LOCALE)
