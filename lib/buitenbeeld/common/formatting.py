"""Text for everything a report shows: Dutch numbers and dates, and input text made safe.

Thousands with a dot, decimals with a comma, Dutch month names; through babel,
not by hand. Every value that comes from an input file and enters Markdown,
HTML, SVG or a CSV-free text output passes through :func:`escape` once.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from functools import lru_cache

import pandas as pd
from babel.dates import format_date as _babel_date
from babel.numbers import format_decimal, format_percent

__all__ = [
    "LOCALE", "MISSING", "escape", "markdown_table", "is_missing", "format_letters", "format_count", "format_share",
    "format_number", "format_date",
]

LOCALE = "nl_NL"
#: What a report shows for an unknown value (the CBS symbol).
MISSING = "."


#: Characters that mean something in HTML or Markdown, as numeric character references: a browser shows
#: the character, while neither an HTML nor a Markdown parser (nor an SVG/XML one) acts on it.
_ESCAPES = {char: f"&#{ord(char)};" for char in "&<>\"'`*_[]#|~$\\"}
_ESCAPE = re.compile("[" + re.escape("".join(_ESCAPES)) + "]")
#: A web address in input text is shown, never made a link (Markdown turns ``https://`` and ``www.`` into links).
_AUTOLINK = re.compile(r"(?<=[a-z0-9])[:](?=//)|(?<![\w.])www[.]", re.IGNORECASE)
_BREAKS = re.compile(r"[\s\x00-\x1f\x7f\u2028\u2029]+")


def escape(value, lines: bool = False) -> str:
    """Text from an input, safe to put in Markdown, HTML and SVG: shown as written, never acted on.

    The one escaping helper of the workbench. Characters with a meaning in HTML
    (``< > & " '``) or Markdown (links and images ``[..](..)``, emphasis ``* _ ~``,
    code ``` ` ```, headings ``#``, tables ``|``, maths ``$``, escapes ``\\``) become
    numeric character references, and line breaks and control characters become
    one space, so a value can neither start a block, close a tag nor form a link,
    a script, an event handler or a comment. Missing values become ``.``.
    With ``lines=True`` line breaks are kept (for an HTML ``<pre>``, never for Markdown).
    """
    if is_missing(value):
        return MISSING
    text = str(value)
    if lines:
        text = "\n".join(_BREAKS.sub(" ", line).strip() for line in text.splitlines())
    else:
        text = _BREAKS.sub(" ", text).strip()
    text = _ESCAPE.sub(lambda m: _ESCAPES[m.group()], text)
    return _AUTOLINK.sub(lambda m: m.group()[:-1] + f"&#{ord(m.group()[-1])};", text)


def markdown_table(headers, rows) -> str:
    """A Markdown table; every header and cell goes through :func:`escape` (a missing cell shows as ``.``)."""
    headers = list(headers)
    lines = ["| " + " | ".join(escape(h) for h in headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(escape(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


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


# babel parses the pattern and looks up the locale on every call; a report formats the same few thousand
# numbers (the national map's tooltips, the tables) again and again: one result per number and pattern.
@lru_cache(maxsize=65536)
def _decimal(value: float, pattern: str) -> str:
    return format_decimal(value, format=pattern, locale=LOCALE)


@lru_cache(maxsize=65536)
def _percent(value: float, pattern: str) -> str:
    return format_percent(value, format=pattern, locale=LOCALE)


def format_count(value) -> str:
    """``134430`` -> ``134.430``; missing -> ``.``."""
    return MISSING if is_missing(value) else _decimal(round(float(value)) + 0, "#,##0")


def format_number(value, decimals: int = 1) -> str:
    """``2.5`` -> ``2,5``; missing -> ``.``."""
    if is_missing(value):
        return MISSING
    return _decimal(float(value) + 0.0, "#,##0." + "0" * decimals if decimals else "#,##0")  # -0.0 is 0.0


def format_share(value, decimals: int = 1) -> str:
    """A fraction as a Dutch percentage: ``0.054`` -> ``5,4%``; missing -> ``.``."""
    if is_missing(value):
        return MISSING
    return _percent(float(value) + 0.0, "#,##0." + "0" * decimals + "%" if decimals else "#,##0%")


def format_date(value: dt.date | None) -> str:
    """``2024-03-05`` -> ``5 maart 2024``; missing -> ``.``."""
    return MISSING if value is None or value != value else _babel_date(value, format="d MMMM y", locale=LOCALE)
