"""Read a Dutch date written as text: ``2024-03-05``, ``5-3-2024``, ``5 maart 2024``, ``maart 2024``.

The grammar of a date as people type it in a spreadsheet cell, used by
:func:`~buitenbeeld.common.values.parse_date` once it knows that the cell is
text and not empty or unknown.
"""
from __future__ import annotations

import datetime as _dt
import re

__all__ = [
    "DATE_EXPECTED",
    "date_text",
]

_MONTHS = {name: number for number, names in enumerate((
    "januari jan january", "februari feb february", "maart mrt maa mar march", "april apr",
    "mei may", "juni jun june", "juli jul july", "augustus aug august",
    "september sep sept", "oktober okt oct october", "november nov", "december dec"), 1)
    for name in names.split()}
_TIME = r"(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_ISO_RE = re.compile(rf"^(\d{{4}})([-/.])(\d{{1,2}})\2(\d{{1,2}}){_TIME}$")
_DMY_RE = re.compile(rf"^(\d{{1,2}})([-/.])(\d{{1,2}})\2(\d{{4}}|\d{{2}}){_TIME}$")
_NAMED_RE = re.compile(r"^(?:(\d{1,2})[\s-]*)?([a-z]+)\.?[\s-]*(\d{4}|\d{2})$")
#: What a cell that is not a date should have held.
DATE_EXPECTED = "hier hoort een datum, zoals 5-3-2024, 2024-03-05 of 5 maart 2024"


def date_text(text: str, raw: str) -> _dt.date:
    """Read folded date text (see :func:`~buitenbeeld.common.rawcells.fold`); ``raw`` is the cell as typed.

    Day-first (``5-3-2024``, ``05/03/2024``, ``5.3.2024``; a two-digit year
    means 20yy), ISO (``2024-03-05``), a month name (``5 maart 2024``,
    ``5 mrt. 2024``) or only a month (``maart 2024``: the first of the month).

    Raises
    ------
    ValueError
        For text that is not a date, an unknown month name or an impossible date.
    """
    if match := _ISO_RE.match(text):
        year, month, day = int(match[1]), int(match[3]), int(match[4])
    elif match := _DMY_RE.match(text):
        day, month, year = int(match[1]), int(match[3]), int(match[4])
        year += 2000 if len(match[4]) == 2 else 0
    elif (match := _NAMED_RE.match(text)) and (match[1] or len(match[3]) == 4):
        if match[2] not in _MONTHS:
            raise ValueError(f"onbekende maand '{match[2]}'; schrijf de maand in het Nederlands, zoals 'maart' of "
                             "'mrt'")
        day, month, year = int(match[1] or 1), _MONTHS[match[2]], int(match[3])
        year += 2000 if len(match[3]) == 2 else 0
    else:
        raise ValueError(DATE_EXPECTED)
    try:
        return _dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"de datum '{raw.strip()}' bestaat niet: de dag of de maand klopt niet") from None
