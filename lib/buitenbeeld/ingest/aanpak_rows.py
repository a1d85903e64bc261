"""One cell and one row of the aanpak workbook: parsing an answer, and the rows that cannot be read.

:mod:`buitenbeeld.ingest.aanpak` reads the workbook sheet by sheet; the parsing
of one cell by its kind (:data:`buitenbeeld.ingest.aanpak_template.HINTS` names
the kinds) and the problems of rows the reader cannot place live here. A reason
never repeats the cell's text: it may be a name.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any, Callable

from buitenbeeld.common import values
from buitenbeeld.common.rawcells import fold
from buitenbeeld.errors import RowProblem
from buitenbeeld.ingest import aanpak_template as fmt
from buitenbeeld.ingest import wording
from buitenbeeld.ingest.interviews import Column
from buitenbeeld.privacy.identifiers import text_spans

__all__ = ["is_empty", "parse_cell", "stray_answer", "headerless_rows"]

_ERROR_VALUE = re.compile(r"^(#[A-Z0-9/]+[!?]?|#N/[AB]|Err:\d+)$", re.IGNORECASE)
_MAX_ORGANISATIONS = 1000  # organisations or people per row: more cannot be meant


def is_empty(value: Any) -> bool:
    """True for an empty cell: None, or text of only spaces."""
    return value is None or (isinstance(value, str) and not value.strip())


# --------------------------------------------------------------------------- one cell


def _choice(raw: Any, options: dict[str, str], expected: str) -> str:
    """The value of a value list: an exact spelling, else the longest spelling the text contains."""
    text = fold(str(raw)).strip(" .!")
    if text in options:
        return options[text]
    found = sorted((key for key in options if len(key) > 3 and key in text), key=len, reverse=True)
    if found:
        return options[found[0]]
    raise ValueError(expected)


def _afspraak(raw: Any) -> str | None:
    if isinstance(raw, str) and fold(raw).strip(" .!") in fmt.SPELLINGS["deels"]:
        return "deels"
    try:
        flag = values.parse_bool(raw)
    except ValueError:
        raise ValueError("hier hoort ja, nee of deels") from None
    return None if flag is None else "ja" if flag else "nee"


def _count(raw: Any, column: str, maximum: float) -> values.Number:
    number = values.read_count(raw, column, maximum, limit="de grens")
    if number.problem:
        raise ValueError(number.problem)
    return number


def _money(raw: Any) -> float | None:
    if isinstance(raw, str):
        raw = re.sub(r"(?i)€|\beur(o)?\b|,-+$|,00$", "", raw.strip()).strip()
    number = values.parse_number(raw)
    return number.value


def _text(raw: Any) -> str | None:
    return None if is_empty(raw) else " ".join(str(raw).split())


#: kind -> parser of one cell (raises ValueError with the Dutch reason).
_PARSERS: dict[str, Callable[[Any], Any]] = {
    "text": _text,
    "standpunt": lambda raw: _choice(raw, fmt.SPELLINGS["standpunt"], "hier hoort: " + ", ".join(fmt.STANDPUNTEN)),
    "date": values.parse_date,
    "age": lambda raw: values.parse_scale(re.sub(r"(?i)\s*jaar$", "", raw) if isinstance(raw, str) else raw, 10, 35),
    "list": values.parse_wijken,
    "wijken": values.parse_wijken,
    "year": lambda raw: values.parse_scale(raw, 2000, 2100),
    "money": _money,
    "wijk": lambda raw: _text(str(int(raw)) if isinstance(raw, float) and raw.is_integer() else raw),
    "rol": values.parse_roles,
    "whole": lambda raw: _count(raw, "aantal", _MAX_ORGANISATIONS).value,
    "soort": lambda raw: _choice(raw, fmt.SPELLINGS["soort"], "hier hoort: " + ", ".join(fmt.INZET_SOORTEN)),
    "kader": lambda raw: _choice(raw, fmt.SPELLINGS["kader"], "hier hoort een van de vijf kaders: " + ", ".join(fmt.KADERS)),
    "afspraak": _afspraak,
    "functie": lambda raw: not is_empty(raw),
}


def parse_cell(column: Column, raw: Any, problem: Callable[[str, str, str, Any], None]) -> Any:
    """One cell's value, or None after reporting why through ``problem(column, reason, hint, severity[, value])``.

    A required cell that fails is an error, any other a warning (the value then counts as unknown).
    """
    severity = "error" if column.required else "warning"
    if is_empty(raw):
        if column.required:
            problem(column.name, *wording.required_empty(column.name, column.label), "error")
        return None
    if isinstance(raw, str) and _ERROR_VALUE.match(raw.strip()):
        problem(column.name, f"in de cel staat een foutmelding van Excel of LibreOffice ({raw.strip()}), geen antwoord",
                "Controleer de formule in deze cel, of typ de waarde in", severity)
        return None
    try:
        if column.kind == "count":
            return _count(raw, column.name, values.MAX_YOUTH_GEMEENTE)
        value = _PARSERS[column.kind](raw)
    except ValueError as error:
        hint = fmt.HINTS[column.kind]
        problem(column.name, str(error), hint if column.required else wording.unknown_hint(hint.rstrip(".")), severity)
        return None
    if column.kind == "functie" and value and isinstance(raw, str) and text_spans(raw, dt.date.today()):
        problem(column.name, "hier lijkt een naam, e-mailadres of telefoonnummer te staan; die horen hier niet",
                "Schrijf alleen de functie, zoals 'beleidsmedewerker jeugd'. De tekst komt nooit in een rapport",
                "warning", None)
    if column.required and (value is None or value == ()):
        problem(column.name, *wording.required_empty(column.name, column.label), "error")
    return value


# --------------------------------------------------------------------------- rows the reader cannot place


def stray_answer(file: str, sheet: str, number: int) -> RowProblem:
    """The problem of an answer in column B of a form without a question beside it in column A (rejected)."""
    return RowProblem(file, sheet, number, "B", None,
                      "in kolom B staat een antwoord, maar in kolom A staat geen vraag; het antwoord telt niet mee",
                      "Zet het antwoord in kolom B naast de vraag waar het bij hoort, of haal het weg", "error")


def headerless_rows(rows: list[tuple], file: str, sheet: str, columns: tuple[Column, ...]) -> list[RowProblem]:
    """One rejection per non-empty row of a table sheet that has no row with the column names.

    Without that row the reader cannot tell which cell is which: every filled-in row is
    rejected with its row number, so that no row goes missing without a word.
    """
    labels = ", ".join(c.label for c in columns if c.required)
    return [RowProblem(file, sheet, number, None, None,
                       f"de rij met de kolomnamen ({labels}) ontbreekt in dit blad; daarom telt deze rij niet mee",
                       "Kopieer de rij met de kolomnamen uit het invulbestand naar rij 1 van dit blad", "error")
            for number, row in enumerate(rows, start=1) if not all(is_empty(v) for v in row)]
