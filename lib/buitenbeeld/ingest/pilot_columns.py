"""The columns of a pilot file, and how a cell of each is read.

:data:`CONTACT_COLUMNS` are the columns of the ``contacten`` sheet (one row per
step of one young person), :data:`SCOUT_COLUMNS` those of the ``scouts`` sheet
(one row per jongerenscout): name, kind, label, whether required, and the
other spellings of the header. A step (``stap``) and a kind of placement
(``plaatsing_soort``) are read by their aliases, an age within
:data:`AGE_RANGE`, a training as the date it was completed or ja/nee.
:func:`parse_cells` reads the cells of one row; :mod:`buitenbeeld.ingest.pilot`
finds the header and the rows.
"""
from __future__ import annotations

import re
from typing import Any, Callable

from buitenbeeld.common import values
from buitenbeeld.common.vocabulary import CONTACT_SHEET, PLAATSING_SOORTEN, SCOUT_SHEET, STAPPEN
from buitenbeeld.errors import UnknownGemeenteError
from buitenbeeld.ingest import wording
from buitenbeeld.ingest.interviews import Column
from buitenbeeld.reference.gemeenten import resolve_gemeente

__all__ = [
    "AGE_RANGE", "CONTACT_COLUMNS", "SCOUT_COLUMNS", "SHEET_COLUMNS", "SHEET_HEADERS",
    "column_hint", "is_empty", "parse_cells",
]

#: Youth ages the approach is about.
AGE_RANGE = (15, 27)

CONTACT_COLUMNS: tuple[Column, ...] = (
    Column("jongere_id", "text", "Jongere-id", True, ("jongere", "id_jongere", "code_jongere", "jongerecode")),
    Column("scout_id", "text", "Scout-id", aliases=("scout", "jongerenscout")),
    Column("organisatie_id", "text", "Organisatie-id", aliases=("organisatie",)),
    Column("gemeente", "gemeente", "Gemeente", True),
    Column("datum", "date", "Datum", True, ("datum_stap", "stapdatum")),
    Column("stap", "stap", "Stap", True, ("fase",)),
    Column("plaatsing_soort", "plaatsing", "Soort plaatsing", aliases=("soort_plaatsing", "plaatsing")),
    Column("warme_overdracht", "bool", "Warme overdracht"),
    Column("leefgebieden", "leefgebieden", "Leefgebieden (ZRM)", aliases=("leefgebied", "zrm")),
    Column("leeftijd", "leeftijd", "Leeftijd"),
    Column("leeftijdsgroep", "text", "Leeftijdsgroep"),  # written by `buitenbeeld pseudonimiseer`
    Column("opmerking", "free", "Opmerking", aliases=("opmerkingen",)),
)
SCOUT_COLUMNS: tuple[Column, ...] = (
    Column("scout_id", "text", "Scout-id", True, ("scout", "jongerenscout")),
    Column("gemeente", "gemeente", "Gemeente", True),
    Column("organisatie_id", "text", "Organisatie-id", aliases=("organisatie",)),
    Column("startdatum", "date", "Startdatum", aliases=("begindatum", "start")),
    Column("einddatum", "date", "Einddatum", aliases=("eind",)),
    Column("woont_in_gemeente", "bool", "Woont in de gemeente"),
    Column("bekend_in_wijk", "bool", "Bekend in de wijk"),
    Column("groot_netwerk", "bool", "Groot netwerk"),
    Column("voorbeeldrol", "bool", "Voorbeeldrol", aliases=("rolmodel",)),
    Column("kent_ambtelijke_wereld", "bool", "Kent de ambtelijke wereld"),
    Column("training_afgerond", "training", "Training afgerond", aliases=("training",)),
    Column("vergoeding", "bool", "Vergoeding"),
    Column("certificaat", "bool", "Certificaat"),
    Column("faciliteiten", "bool", "Faciliteiten"),
)
# ``uitgevallen`` (dropped out, stopped) is ``gestopt``; dropping out of a placement is ``teruggevallen``.
_STAP_ALIASES = {"bereikt": "bereikt bereik", "geactiveerd": "geactiveerd activering actief",
                 "geplaatst": "geplaatst plaatsing", "behouden": "behouden behoud",
                 # "uitgevallen" alone is left out on purpose: it may mean teruggevallen or gestopt
                 "teruggevallen": "teruggevallen terugval", "gestopt": "gestopt gestopt_uitgevallen"}
_SOORT_ALIASES = {"opleiding": "opleiding school studie", "werk": "werk baan", "stage": "stage stageplek"}


def _choice_key(raw: Any) -> str:
    """How a step or kind of placement is looked up: ``"Gestopt / uitgevallen"`` -> ``"gestoptuitgevallen"``."""
    return re.sub(r"[\s_-]+", "", values.normalise_header(str(raw)))


def _choices(aliases: dict[str, str]) -> dict[str, str]:
    """Lookup key -> value, the keys normalised as :func:`_choice_key` normalises a cell; an alias used twice is a bug."""
    table: dict[str, str] = {}
    for value, spellings in aliases.items():
        for spelling in spellings.split():
            if table.setdefault(_choice_key(spelling), value) != value:
                raise RuntimeError(f"alias '{spelling}' means both '{table[_choice_key(spelling)]}' and '{value}'")
    return table


_STAP = _choices(_STAP_ALIASES)
_SOORT = _choices(_SOORT_ALIASES)


def _index(columns: tuple[Column, ...]) -> dict[str, Column]:
    return {values.normalise_header(spelling): column for column in columns
            for spelling in (column.name, column.label, *column.aliases)}


#: Per sheet (``contacten``, ``scouts``): every spelling of a header, normalised -> its column.
SHEET_HEADERS = {CONTACT_SHEET: _index(CONTACT_COLUMNS), SCOUT_SHEET: _index(SCOUT_COLUMNS)}
#: Per sheet (``contacten``, ``scouts``): its columns.
SHEET_COLUMNS = {CONTACT_SHEET: CONTACT_COLUMNS, SCOUT_SHEET: SCOUT_COLUMNS}


# --------------------------------------------------------------------------- cell parsers


def _parse_choice(table: dict[str, str], expected: tuple[str, ...], what: str) -> Callable[[Any], str | None]:
    def parse(raw: Any) -> str | None:
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None
        key = _choice_key(raw)
        if key not in table:
            raise ValueError(f"onbekende {what} '{str(raw).strip()}'; kies uit: " + ", ".join(expected))
        return table[key]
    return parse


def _parse_leeftijd(raw: Any) -> int | None:
    number = values.read_number(raw)
    if number.problem:
        raise ValueError("hier hoort een leeftijd in hele jaren")
    if number.value is None:
        return None
    if number.value != int(number.value) or not AGE_RANGE[0] <= number.value <= AGE_RANGE[1]:
        age = f"{number.value:g}".replace(".", ",")
        raise ValueError(f"leeftijd {age} valt buiten {AGE_RANGE[0]} tot en met {AGE_RANGE[1]} jaar")
    return int(number.value)


def _parse_training(raw: Any) -> tuple[Any, bool | None]:
    """A completion date, or ja/nee: ``(date or None, done)``; empty means not (yet) completed."""
    try:
        day = values.parse_date(raw)
        return day, True if day else None if not is_empty(raw) else False  # 'onbekend' stays unknown
    except ValueError:
        try:
            return None, values.parse_bool(raw)
        except ValueError:
            raise ValueError("hier hoort de datum waarop de training is afgerond (of ja of nee)") from None


# kind -> (parser, hint)
_PARSERS: dict[str, tuple[Callable[[Any], Any], str]] = {
    "date": (values.parse_date, "Schrijf een datum, zoals 5-3-2018 of 2018-03-05"),
    "bool": (values.parse_bool, "Schrijf ja of nee"),
    "leefgebieden": (values.parse_leefgebieden,
                     "Schrijf de namen of de nummers (1 tot en met 13) van de ZRM, met een puntkomma (;) ertussen"),
    "stap": (_parse_choice(_STAP, STAPPEN, "stap"), "Kies uit: " + ", ".join(STAPPEN)),
    "plaatsing": (_parse_choice(_SOORT, PLAATSING_SOORTEN, "soort plaatsing"),
                  "Kies uit: " + ", ".join(PLAATSING_SOORTEN)),
    "leeftijd": (_parse_leeftijd, f"Schrijf de leeftijd op de dag van de stap, van {AGE_RANGE[0]} tot en met "
                                  f"{AGE_RANGE[1]} jaar"),
    "training": (_parse_training, "Schrijf de datum waarop de training is afgerond, of laat de cel leeg"),
}


def is_empty(value: Any) -> bool:
    """True for an empty cell: nothing, or only whitespace."""
    return value is None or (isinstance(value, str) and not value.strip())


def column_hint(kind: str) -> str:
    """How to fill in a cell of a column of ``kind`` ("" for a column of plain text)."""
    return _PARSERS.get(kind, (None, ""))[1]


# --------------------------------------------------------------------------- one row


def parse_cells(cells: dict[str, Any], columns: tuple[Column, ...], problem) -> dict[str, Any]:
    """The record of one row: each of ``columns`` read from ``cells`` (column name -> raw value).

    ``problem(column, reason, hint, severity)`` is called for each cell that
    cannot be read: an error for a required column, else a warning and the value
    unknown. The free text column is never carried into the record.
    """
    record: dict[str, Any] = {}
    for column in columns:
        raw = cells.get(column.name)
        if column.kind == "free":
            continue  # scanned by the privacy gate, never carried into a table
        if column.required and is_empty(raw):
            problem(column.name, *wording.required_empty(column.name, column.label), "error")
            continue
        try:
            if column.kind == "gemeente":
                gemeente = resolve_gemeente(str(raw))
                record["gemeentecode"], record["gemeentenaam"] = gemeente.code, gemeente.naam
            elif column.kind == "training":
                record["training_afgerond"], record["training_gedaan"] = \
                    _parse_training(raw) if column.name in cells else (None, None)
            elif column.kind in _PARSERS:
                record[column.name] = _PARSERS[column.kind][0](raw)
            else:
                record[column.name] = None if is_empty(raw) else str(raw).strip()
        except UnknownGemeenteError as error:
            problem(column.name, error.reason, error.hint, "error")
        except ValueError as error:
            hint = column_hint(column.kind)
            if column.required:
                problem(column.name, str(error), hint, "error")
            else:
                problem(column.name, str(error), wording.unknown_hint(hint), "warning")
                record[column.name] = None
    return record
