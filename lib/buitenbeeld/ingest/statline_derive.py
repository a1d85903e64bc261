"""CBS StatLine: from one table's metadata and rows to "buiten beeld" per gemeente and year.

The StatLine tables "Arbeidsmarktsituatie jongeren (15 tot 27 jaar); regio"
(:data:`TABLES`) cross four dimensions (in education, labour status, benefit,
registered at UWV) with region and period. Young people who are *not* in
education, *not* working, receive *no* benefit and are *not* registered come
closest to the "buiten beeld" group of the CBS maatwerk table; the "no known
reason" subset cannot be rebuilt from StatLine.

Two namings of the dimensions occur: ``Onderwijsvolgend``, ``Arbeidskenmerken``,
``Uitkering``, ``GeregistreerdWerkzoekendeBijUWV`` (86087NED, 86223NED) and
"Onderwijsdeelname", "Kenmerken arbeid", "Uitkering", "Ingeschreven UWV
werkbedrijf" (84455NED, 83969NED). Dimensions and categories are chosen by
their titles (normalised: lower case, no accents, punctuation as spaces) with
the patterns of :data:`SELECTION`, never by hard-coded keys; when no category
or more than one matches, the error names the titles found. 82252NED
(:data:`UNSUITABLE_TABLES`) gives work status as topics and has no UWV
dimension: it cannot give "buiten beeld" and is refused with a Dutch message.

Periods are years, October being the reference month; a title with ``*``
(``"2023*"``) is provisional (``voorlopig``). The UWV registration of
86087NED/86223NED (GWU) exists from :data:`SERIES_BREAK_YEAR`; earlier cells are
``.`` (unknown), so those years have no "buiten beeld" there: the older tables
give them, with the old registration at UWV WERKbedrijf. CBS rounds the counts
to :data:`ROUNDING`; every share carries its rounding interval
(:func:`rounding_interval`), so a share of a small gemeente says how uncertain
it is.

Counts are checked for plausibility: one that is not finite, below 0, not
whole, above the row's own number of young people, above the national number
of young people of that year, or above the limits of
:mod:`buitenbeeld.common.values` becomes unknown, with a warning among the
problems.
"""
from __future__ import annotations

import math
import re
from typing import Any

import pandas as pd

from buitenbeeld.common.values import MAX_YOUTH_GEMEENTE, MAX_YOUTH_NEDERLAND, Number, count_problem, normalise_header
from buitenbeeld.errors import BuitenbeeldError, MissingDataError, RowProblem

__all__ = [
    "TABLES",
    "LAYOUT_YEARS",
    "DEFAULT_TABLE",
    "FALLBACK_TABLE",
    "UNSUITABLE_TABLES",
    "SERIES_BREAK_YEAR",
    "ROUNDING",
    "SELECTION",
    "DERIVED_COLUMNS",
    "check_table",
    "plan_download",
    "rounding_interval",
    "round_to",
    "derive_buiten_beeld",
]

#: The StatLine tables that give "buiten beeld": table id -> gemeente layout and years, newest first.
TABLES = {
    "86223NED": "gemeentelijke indeling 2025",
    "86087NED": "gemeentelijke indeling 2024, 2005-2023",
    "84455NED": "gemeentelijke indeling 2018, 2005-2017",
    "83969NED": "gemeentelijke indeling 2017, 2005-2016",
}
#: The gemeente layout (indeling) of each table; a newer layout wins where tables overlap.
LAYOUT_YEARS = {"86223NED": 2025, "86087NED": 2024, "84455NED": 2018, "83969NED": 2017}
#: Asked for when no table is named; the fallback when StatLine does not have it.
DEFAULT_TABLE, FALLBACK_TABLE = "86223NED", "86087NED"
#: Tables of the series that cannot give "buiten beeld", with why (Dutch).
UNSUITABLE_TABLES = {
    "82252NED": ("Tabel 82252NED (gemeentelijke indeling 2013) kan geen jongeren buiten beeld geven: de tabel heeft "
                 "maar twee dimensies (regio en perioden), geeft werk en uitkering als losse onderwerpen en zegt niet "
                 "of jongeren als werkzoekende bij UWV staan ingeschreven. Gebruik 86223NED of 86087NED (vanaf 2018) "
                 "of 84455NED (2005-2017)."),
}
#: First year of the UWV registration (GWU) in 86087NED/86223NED; earlier years come from older tables.
SERIES_BREAK_YEAR = 2018
#: CBS rounds the counts of these tables to this many persons.
ROUNDING = 100

#: Per dimension (found by a pattern on its title): the category that makes up
#: "buiten beeld", as a pattern on normalised category titles (the whole title must match).
SELECTION = {
    "onderwijs": {"dimensie": r"onderwijs",
                  "doel": r"niet onderwijsvolgend|geen onderwijs( volgend)?|volgt geen onderwijs|niet in (het )?onderwijs"},
    "arbeid": {"dimensie": r"arbeid|werkzaam|beroepsbevolking|\bwerk\b",
               "doel": r"(arb pos )?niet werkzame? (beroeps)?bevolking|(arb pos )?niet werkzaam|geen werk|niet werkend"},
    "uitkering": {"dimensie": r"uitkering",
                  "doel": r"zonder uitkering|geen uitkering|ontvangt geen uitkering"},
    "uwv": {"dimensie": r"geregistreerd|werkzoekend|ingeschreven|uwv",
            "doel": r"niet (geregistreerd|ingeschreven)( als)?( werkzoekende?)?( bij)?( het)?( uwv)?( werkbedrijf)?"},
}
# The total of a dimension: "Totaal" itself, else one title that starts with it ("Totaal met of zonder uitkering").
_TOTALS = (r"totaal", r"totaal .*")
# Dimension titles are matched most specific first: "geregistreerd werkzoekende" also says "werk".
_ROLE_ORDER = ("uwv", "uitkering", "onderwijs", "arbeid")
_UNITS = {"aantal": 1, "x 1 000": 1000, "x 1000": 1000}
_SYMBOLS = {".", "x", "-", ""}
_COUNT_HINT = "Controleer de download van StatLine; haal de tabel zo nodig opnieuw op (buitenbeeld cbs --vernieuw)"
_REPAIR = "Meld het aan de beheerder van de werkbank (SELECTION in buitenbeeld.ingest.statline_derive)."

#: The columns of the frames :func:`derive_buiten_beeld` returns.
DERIVED_COLUMNS = ["gemeentecode", "gemeentenaam", "jaar", "voorlopig", "jongeren_15_27", "jongeren_15_27_symbool",
                   "buiten_beeld", "buiten_beeld_symbool", "aandeel_buiten_beeld", "aandeel_laag", "aandeel_hoog",
                   "uwv_reeks", "reeksbreuk_uwv"]


def check_table(table_id: str) -> None:
    """Raise when ``table_id`` cannot give "buiten beeld": MissingDataError for 82252NED, else BuitenbeeldError."""
    if table_id in UNSUITABLE_TABLES:
        raise MissingDataError(UNSUITABLE_TABLES[table_id])
    if table_id not in TABLES:
        offered = ", ".join(f"{key} ({text})" for key, text in TABLES.items())
        raise BuitenbeeldError(f"Onbekende StatLine-tabel '{table_id}'. Jongeren buiten beeld komen uit de reeks "
                               f"'Arbeidsmarktsituatie jongeren (15 tot 27 jaar); regio': {offered}.")


def _norm(text: Any) -> str:
    return normalise_header(re.sub(r"\s*\d\)\s*$", "", str(text or ""))).replace("_", " ")


def _meta_list(meta: dict[str, list[dict]], name: str) -> list[dict]:
    if name not in meta:
        raise BuitenbeeldError(f"De metadata van de StatLine-tabel mist de lijst '{name}'.")
    return meta[name]


def _dimensions(table_id: str, properties: list[dict]) -> dict[str, str]:
    """Role ('onderwijs', ..., 'regio', 'perioden') -> dimension key, from DataProperties."""
    found: dict[str, str] = {}
    for item in properties:
        kind, key, title = item.get("Type", ""), item.get("Key", ""), _norm(item.get("Title") or item.get("Key"))
        if kind == "GeoDimension":
            found["regio"] = key
        elif kind == "TimeDimension":
            found["perioden"] = key
        elif kind == "Dimension":
            role = next((r for r in _ROLE_ORDER if r not in found and re.search(SELECTION[r]["dimensie"], title)), None)
            if role:
                found[role] = key
    missing = [r for r in (*SELECTION, "regio", "perioden") if r not in found]
    if missing:
        if table_id in UNSUITABLE_TABLES:
            raise MissingDataError(UNSUITABLE_TABLES[table_id])
        titles = ", ".join(repr(p.get("Title")) for p in properties if "Dimension" in str(p.get("Type"))) or "geen"
        raise MissingDataError(f"StatLine-tabel {table_id} kan geen jongeren buiten beeld geven: de dimensie(s) "
                               f"{', '.join(missing)} ontbreken (gevonden dimensies: {titles}). Gebruik een van de "
                               f"tabellen {', '.join(TABLES)}.")
    return found


def _category(items: list[dict], patterns: tuple[str, ...], what: str) -> dict:
    """The one category whose normalised title matches the first pattern that matches any; else an error."""
    for pattern in patterns:
        matches = [i for i in items if re.fullmatch(pattern, _norm(i.get("Title")))]
        if matches:
            break
    if len(matches) != 1:
        titles = ", ".join(repr(i.get("Title")) for i in items)
        state = "geen enkele categorie" if not matches else f"{len(matches)} categorieën"
        raise BuitenbeeldError(f"In dimensie '{what}' past {state} bij /{'|'.join(patterns)}/ (titels: {titles}). "
                               f"Waarschijnlijk heeft CBS de namen veranderd. {_REPAIR}")
    return matches[0]


def _topic(properties: list[dict]) -> dict:
    topics = [p for p in properties if p.get("Type") == "Topic" and _norm(p.get("Unit")) in _UNITS]
    preferred = [p for p in topics if re.search(r"jongeren", _norm(p.get("Title")))]
    if not (preferred or topics):
        raise BuitenbeeldError("De StatLine-tabel heeft geen onderwerp dat personen telt (eenheid 'aantal').")
    return (preferred or topics)[0]


def plan_download(table_id: str, meta: dict[str, list[dict]]) -> dict[str, Any]:
    """The categories, topic, filter and select of the download, from the table's metadata.

    Returns a dict with ``table_id``, ``categories`` (role -> ``dimensie``,
    ``doel`` and ``totaal`` keys), ``topic``, ``unit``, ``regio``, ``perioden``,
    ``filters`` (an OData filter on the two combinations: all totals, and
    "buiten beeld") and ``select``.

    Raises
    ------
    MissingDataError
        The table lacks a dimension (82252NED: no UWV dimension).
    BuitenbeeldError
        No category, or more than one, matches a pattern of :data:`SELECTION`; names the titles.
    """
    properties = _meta_list(meta, "DataProperties")
    dimensions = _dimensions(table_id, properties)
    categories = {}
    for role, spec in SELECTION.items():
        items = _meta_list(meta, dimensions[role])
        categories[role] = {"dimensie": dimensions[role],
                            "doel": _category(items, (spec["doel"],), dimensions[role])["Key"],
                            "totaal": _category(items, _TOTALS, dimensions[role])["Key"]}
    topic = _topic(properties)
    combination = [" and ".join(f"{c['dimensie']} eq '{c[kind]}'" for c in categories.values())
                   for kind in ("doel", "totaal")]
    return {"table_id": table_id, "categories": categories, "topic": topic["Key"],
            "unit": _norm(topic.get("Unit")), "regio": dimensions["regio"], "perioden": dimensions["perioden"],
            "filters": " or ".join(f"({c})" for c in combination),
            "select": [c["dimensie"] for c in categories.values()] + [dimensions["regio"], dimensions["perioden"],
                                                                     topic["Key"]]}


def round_to(value: float, unit: int = ROUNDING) -> float:
    """``value`` rounded to a multiple of ``unit``, halves away from zero (``1150`` -> ``1200``)."""
    return math.floor(abs(value) / unit + 0.5) * unit * (1 if value >= 0 else -1)


def rounding_interval(count: float | None, total: float | None, margin: float = ROUNDING / 2) -> tuple[
        float | None, float | None]:
    """The lowest and highest share that rounded counts allow.

    ``count`` and ``total`` are rounded (to :data:`ROUNDING`), so each may be
    off by ``margin`` (half the rounding unit; more for a sum of rounded
    parts). The lowest share is ``max(count - margin, 0) / (total + margin)``,
    the highest ``(count + margin) / (total - margin)``, at most 1 (and 1 when
    ``total - margin`` is not above 0). Unknown counts or a total of 0 give
    ``(None, None)``.

    Examples
    --------
    >>> [round(x, 4) for x in rounding_interval(300, 9100)]
    [0.0273, 0.0387]
    """
    if count is None or total is None or pd.isna(count) or pd.isna(total) or total <= 0:
        return None, None
    low = max(count - margin, 0) / (total + margin)
    high = 1.0 if total - margin <= 0 else min((count + margin) / (total - margin), 1.0)
    return low, high


def _value(raw: Any, factor: int) -> tuple[float | None, str | None]:
    """(value, symbol) of one cell; the value may be non-finite or implausible (see :func:`_implausible`)."""
    if raw is None:
        return None, "."  # cbsodata's typed answer for a '.' cell
    if isinstance(raw, (int, float)):
        if raw != raw:
            return None, "."
        try:
            return _scaled(float(raw), factor), None
        except OverflowError:  # an int beyond the float range
            return math.inf, None
    text = str(raw).strip()
    if text in _SYMBOLS:
        return (0.0 if text == "-" else None), text
    try:
        return _scaled(float(text), factor), None  # 'nan' and 'inf' too: the check says they cannot be right
    except (ValueError, OverflowError):
        return None, text


def _scaled(value: float, factor: int) -> float:
    """``value`` in persons; a figure in thousands (``1.1`` x 1000) loses the float noise of the product."""
    value *= factor
    return round(value, 6) if factor != 1 and math.isfinite(value) else value


def _implausible(value: float | None, column: str, maximum: float, limit: str) -> str | None:
    """Why a count cannot be right (Dutch), or None; NaN is a 'not a number' value here, not empty."""
    if value is None:
        return None
    return count_problem(Number(value, value, value, False, None), column, maximum, limit=limit)


def _key_lookup(items: list[dict]) -> dict[str, tuple[str, str, dict]]:
    """Category title (stripped, as get_data gives it) -> (key, title, item); a title used twice is left out."""
    lookup: dict[str, tuple[str, str, dict]] = {}
    doubles = set()
    for item in items:
        title = str(item.get("Title", "")).strip()
        if title in lookup:
            doubles.add(title)
        lookup[title] = (str(item["Key"]).strip(), title, item)
    return {t: v for t, v in lookup.items() if t not in doubles}


def _region_name(title: str) -> str:
    """``"Groningen (gemeente)"`` -> ``"Groningen"``: CBS marks names that are also a province or region."""
    return re.sub(r"\s*\((gemeente|gem\.)\)\s*$", "", title)


def _period(item: tuple[str, str, dict] | None) -> tuple[int, bool] | None:
    """(year, provisional) of a period ``"2023*"`` (key ``2023JJ00``), or None when it is no year."""
    if item is None:
        return None
    key, title, record = item
    year = re.match(r"(\d{4})(JJ00|MM10)?$", key) or re.match(r"(\d{4})\*?$", title)
    if year is None:
        return None
    provisional = "*" in title or "voorlopig" in str(record.get("Status", "")).lower()
    return int(year.group(1)), provisional


def derive_buiten_beeld(table_id: str, meta: dict[str, list[dict]], rows: list[dict]) -> tuple[
        pd.DataFrame, pd.DataFrame, list[RowProblem]]:
    """Derive count and share buiten beeld per gemeente and year from cbsodata output.

    Parameters
    ----------
    table_id : str
        The StatLine table, e.g. ``"86087NED"``.
    meta : dict
        ``"DataProperties"`` and each dimension's list, as ``cbsodata.get_meta``
        returns them (lists of dicts with ``Key`` and ``Title``).
    rows : list of dict
        As ``cbsodata.get_data`` returns them: dimension values are category titles.

    Returns
    -------
    gemeenten, nederland : DataFrame
        One row per gemeente (``GM`` codes; provinces and other regions are left
        out) or for Nederland, per year, with :data:`DERIVED_COLUMNS`:
        ``gemeentecode``, ``gemeentenaam`` (the StatLine title without
        ``(gemeente)``, in the table's layout), ``jaar``, ``voorlopig``,
        ``jongeren_15_27``, ``buiten_beeld`` and their ``_symbool`` columns (the
        CBS symbol where a value is missing), ``aandeel_buiten_beeld`` (a
        fraction), ``aandeel_laag`` and ``aandeel_hoog`` (its rounding
        interval), ``uwv_reeks`` (``"t/m 2017"`` or ``"vanaf 2018"``) and
        ``reeksbreuk_uwv`` (True in :data:`SERIES_BREAK_YEAR`).
    problems : list of RowProblem
        Rows left out (a region or period title not in the metadata) and counts
        made unknown because they cannot be right; reasons in Dutch.
    """
    plan = plan_download(table_id, meta)
    factor = _UNITS.get(plan["unit"], 1)
    titles = {role: {_norm(i["Title"]): str(i["Key"]).strip() for i in _meta_list(meta, c["dimensie"])}
              for role, c in plan["categories"].items()}
    wanted = {role: {c["doel"].strip(): "buiten_beeld", c["totaal"].strip(): "jongeren_15_27"}
              for role, c in plan["categories"].items()}
    regions = _key_lookup(_meta_list(meta, plan["regio"]))
    periods = _key_lookup(_meta_list(meta, plan["perioden"]))
    cells: dict[tuple[str, int], dict[str, Any]] = {}
    problems = []
    for number, row in enumerate(rows, start=1):
        kinds = {wanted[role].get(titles[role].get(_norm(row.get(c["dimensie"])), "")) for role, c in
                 plan["categories"].items()}
        if len(kinds) != 1 or None in kinds:
            continue  # another combination of categories
        region = regions.get(str(row.get(plan["regio"])).strip())
        period = _period(periods.get(str(row.get(plan["perioden"])).strip()))
        if region is None or period is None:
            column = plan["regio"] if region is None else plan["perioden"]
            problems.append(RowProblem(table_id, None, number, column, row.get(column),
                                       "staat niet in de metadata van de tabel (of twee regio's hebben deze naam); "
                                       "rij weggelaten", severity="warning"))
            continue
        if not region[0].startswith(("GM", "NL")):
            continue
        kind = kinds.pop()
        value, symbol = _value(row.get(plan["topic"]), factor)
        cell = cells.setdefault((region[0], period[0]), {"gemeentenaam": _region_name(region[1])})
        cell["voorlopig"] = period[1]
        cell[kind], cell[f"{kind}_symbool"], cell[f"{kind}_rij"] = value, symbol, number
    problems += _check_counts(table_id, plan["topic"], cells)
    frame = _tidy(cells)
    national = frame["gemeentecode"].str.startswith("NL")
    return frame[~national].reset_index(drop=True), frame[national].reset_index(drop=True), problems


def _check_counts(table_id: str, column: str, cells: dict[tuple[str, int], dict[str, Any]]) -> list[RowProblem]:
    """Make counts that cannot be right unknown (value and symbol None); one warning each.

    Each count: finite, 0 or more, whole, at most :data:`MAX_YOUTH_NEDERLAND`
    (Nederland) or :data:`MAX_YOUTH_GEMEENTE` (a gemeente). Then ``buiten_beeld``
    at most the row's own ``jongeren_15_27``, and a gemeente's counts at most the
    national ``jongeren_15_27`` of the same year. The warnings name the row of
    the download and ``column`` (the topic), never the value.
    """
    problems: list[RowProblem] = []

    def check(cell: dict[str, Any], kind: str, maximum: float, limit: str) -> None:
        reason = _implausible(cell.get(kind), column, maximum, limit)
        if reason is not None:
            cell[kind], cell[f"{kind}_symbool"] = None, None
            problems.append(RowProblem(table_id, None, cell[f"{kind}_rij"], column, None, reason, _COUNT_HINT,
                                       "warning"))

    kinds = ("jongeren_15_27", "buiten_beeld")  # the total first: buiten beeld is checked against it
    for (code, _), cell in sorted(cells.items()):
        national = code.startswith("NL")
        for kind in kinds:
            check(cell, kind, *((MAX_YOUTH_NEDERLAND, "de grens voor heel Nederland") if national else
                                (MAX_YOUTH_GEMEENTE, "de grens voor één gemeente")))
        if cell.get("jongeren_15_27") is not None:
            check(cell, "buiten_beeld", cell["jongeren_15_27"], "het aantal jongeren van 15 tot 27 jaar in deze rij")
    totals = {year: cell.get("jongeren_15_27") for (code, year), cell in cells.items() if code.startswith("NL")}
    for (code, year), cell in sorted(cells.items()):
        if not code.startswith("NL") and totals.get(year) is not None:
            for kind in kinds:
                check(cell, kind, totals[year], "het aantal jongeren van 15 tot 27 jaar in heel Nederland")
    return problems


def _tidy(cells: dict[tuple[str, int], dict[str, Any]]) -> pd.DataFrame:
    records = []
    for (code, year), cell in sorted(cells.items()):
        total, count = cell.get("jongeren_15_27"), cell.get("buiten_beeld")
        low, high = rounding_interval(count, total)
        records.append({
            "gemeentecode": code, "gemeentenaam": cell["gemeentenaam"], "jaar": year,
            "voorlopig": bool(cell.get("voorlopig")),
            "jongeren_15_27": total, "jongeren_15_27_symbool": cell.get("jongeren_15_27_symbool", ""),
            "buiten_beeld": count, "buiten_beeld_symbool": cell.get("buiten_beeld_symbool", ""),
            "aandeel_buiten_beeld": count / total if count is not None and total else None,
            "aandeel_laag": low, "aandeel_hoog": high,
            "uwv_reeks": f"t/m {SERIES_BREAK_YEAR - 1}" if year < SERIES_BREAK_YEAR else f"vanaf {SERIES_BREAK_YEAR}",
            "reeksbreuk_uwv": year == SERIES_BREAK_YEAR,
        })
    frame = pd.DataFrame(records, columns=DERIVED_COLUMNS)
    for column in ("jongeren_15_27", "buiten_beeld", "aandeel_buiten_beeld", "aandeel_laag", "aandeel_hoog"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    return frame
