"""Checks across the cells of a row and across rows and files, declared once.

Reading a cell (``values``) already rejects what cannot be interpreted. The
rules here look at the typed organisations table: values that are possible
but implausible or contradict each other (warnings: the row stays, flagged),
and the same organisation appearing twice (within a file: the later row is
rejected; in two files with different answers: a conflict, shown side by side).
Every finding is a :class:`~buitenbeeld.errors.RowProblem` with file, sheet,
row and column.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Callable

import pandas as pd

from buitenbeeld.common.limits import dutch_number
from buitenbeeld.errors import RowProblem

__all__ = ["Rule", "RULES", "IGNORED_IN_COMPARISON", "apply_rules", "resolve_duplicates"]

#: An organisation reaching more young people a month than this is implausible.
MAX_BEREIK_PER_MAAND = 2000
#: Interviews before this date are not about the current sociale kaart.
EARLIEST_INTERVIEW = dt.date(2010, 1, 1)


@dataclass(frozen=True)
class Rule:
    """A check on the typed table; ``check`` returns True where a row breaks it."""

    code: str
    column: str
    check: Callable[[pd.DataFrame], pd.Series]
    reason: str
    hint: str
    severity: str = "warning"


def _gt(left: str, right: str) -> Callable[[pd.DataFrame], pd.Series]:
    return lambda f: (f[left] > f[right]).fillna(False)


def _dates(frame: pd.DataFrame) -> pd.Series:
    return frame["datum_interview"].map(lambda d: d if isinstance(d, dt.date) else None)


RULES: tuple[Rule, ...] = (
    Rule("bereik_onwaarschijnlijk", "jongeren_bereik",
         lambda f: (f["jongeren_bereik"] > MAX_BEREIK_PER_MAAND).fillna(False),
         f"meer dan {dutch_number(MAX_BEREIK_PER_MAAND)} jongeren per maand is voor één organisatie niet "
         "waarschijnlijk",
         "Controleer het getal: het gaat om jongeren van 15 tot 27 jaar met wie de organisatie per maand contact heeft"),
    Rule("buiten_beeld_boven_bereik", "jongeren_buiten_beeld", _gt("jongeren_buiten_beeld", "jongeren_bereik"),
         "meer jongeren buiten beeld dan jongeren in contact (jongeren_bereik)",
         "Jongeren buiten beeld zijn een deel van de jongeren in contact; controleer beide getallen"),
    Rule("zorgwekkend_boven_buiten_beeld", "jongeren_zorgwekkend", _gt("jongeren_zorgwekkend", "jongeren_buiten_beeld"),
         "meer zorgwekkende jongeren dan jongeren buiten beeld",
         "Zorgwekkende jongeren zijn een deel van de jongeren buiten beeld; controleer beide getallen"),
    Rule("datum_in_toekomst", "datum_interview",
         lambda f: _dates(f).map(lambda d: d is not None and d > dt.date.today()).astype(bool),
         "de datum van het interview ligt in de toekomst", "Controleer het jaar van de datum"),
    Rule("datum_te_oud", "datum_interview",
         lambda f: _dates(f).map(lambda d: d is not None and d < EARLIEST_INTERVIEW).astype(bool),
         f"de datum van het interview ligt voor {EARLIEST_INTERVIEW:%Y}",
         "Controleer het jaar, of laat interviews weg die niet meer actueel zijn"),
    Rule("geen_bereik_wel_plaatsingen", "plaatsingen_werk_12m",
         lambda f: ((f["jongeren_bereik"] == 0) & (
             f[["plaatsingen_opleiding_12m", "plaatsingen_werk_12m", "plaatsingen_stage_12m"]].sum(axis=1) > 0)).fillna(False),
         "wel plaatsingen, maar geen jongeren in contact (jongeren_bereik is 0)",
         "Controleer jongeren_bereik: 0 betekent geen enkele jongere; laat de cel leeg als je het niet weet"),
)

#: Columns that say where a row came from or hold free text; two rows about the same
#: organisation are compared without them.
IGNORED_IN_COMPARISON = ("bron_bestand", "bron_blad", "bron_rij", "waarschuwingen", "ronde", "ronde_nr", "ronde_label",
                         "behoeften", "risicos", "opmerkingen",
                         # personal columns: never compared, never shown in a conflict or a reject
                         "interviewer", "contactpersoon", "telefoon", "email")


def _problem(row: pd.Series, column: str, reason: str, hint: str, severity: str) -> RowProblem:
    value = row.get(column)
    return RowProblem(row["bron_bestand"], row["bron_blad"], int(row["bron_rij"]), column,
                      None if value is None or (isinstance(value, float) and value != value) else value,
                      reason, hint, severity)


def apply_rules(frame: pd.DataFrame, rules: tuple[Rule, ...] = RULES) -> tuple[list[RowProblem], pd.Series]:
    """Apply ``rules``; returns the problems and, per row, the codes of the rules it breaks."""
    codes = pd.Series([[] for _ in range(len(frame))], index=frame.index, dtype=object)
    problems: list[RowProblem] = []
    if frame.empty:
        return problems, codes
    for rule in rules:
        broken = rule.check(frame)
        for index in frame.index[broken.to_numpy(dtype=bool)]:
            problems.append(_problem(frame.loc[index], rule.column, rule.reason, rule.hint, rule.severity))
            codes[index] = codes[index] + [rule.code]
    return problems, codes


def _comparable(value):
    """A value as compared between two copies: sequences as tuples, every kind of missing as None."""
    if isinstance(value, (list, tuple)):
        return tuple(value)
    return None if pd.isna(value) else value


_DERIVED = re.compile(r"_(min|max|geschat|onbekend)$")


def _differences(a: pd.Series, b: pd.Series) -> list[str]:
    """The interview columns whose answers differ (a range's bounds count with its column)."""
    columns = [c for c in a.index if c not in IGNORED_IN_COMPARISON]
    differing = [_DERIVED.sub("", c) for c in columns if _comparable(a[c]) != _comparable(b[c])]
    return list(dict.fromkeys(c for c in differing if c in a.index))


def resolve_duplicates(frame: pd.DataFrame) -> tuple[pd.Series, list[RowProblem], pd.DataFrame]:
    """Find organisations that appear more than once (same ``organisatie_id``).

    Returns the mask of rows to keep, the problems (each dropped row is an
    error, so it lands among the rejects), and a side-by-side table of the
    answers that differ (``organisatie_id``, ``kolom``, ``bron_a``, ``waarde_a``,
    ``bron_b``, ``waarde_b``, ``besluit``).

    Copies are looked for within one interview round (column ``ronde``, when the
    frame has it): the same organisation in two rounds is the kaart over time, not a
    duplicate. Within one file the later row is rejected. Across files, identical answers
    keep the first; different answers are a conflict: the more recent interview
    is kept when both are dated and the dates differ, otherwise every row of the
    organisation is rejected until someone resolves it.
    """
    keep = pd.Series(True, index=frame.index)
    problems: list[RowProblem] = []
    sides: list[dict] = []
    if frame.empty:
        return keep, problems, pd.DataFrame(sides)
    key = ["organisatie_id", *(["ronde"] if "ronde" in frame else [])]
    repeated = frame[frame.duplicated(key, keep=False)]
    for group_key, group in repeated.groupby(key, sort=True):
        org_id = group_key[0]
        # within one file: the first row stands, later rows are duplicates
        per_file = []
        for _, rows in group.groupby("bron_bestand", sort=False):
            first_in_file = rows.iloc[0]
            per_file.append(first_in_file)
            for index, row in rows.iloc[1:].iterrows():
                keep[index] = False
                problems.append(_problem(row, "organisatie_id",
                                         f"dubbel: dezelfde organisatie staat ook in rij {first_in_file['bron_rij']}",
                                         "Geef elke organisatie één rij, of geef ze elk een eigen organisatie_id",
                                         "error"))
        if len(per_file) < 2:
            continue
        # across files: identical copies keep the first; otherwise one decision for all copies
        first = per_file[0]
        differing = {id(row): _differences(first, row) for row in per_file[1:]}
        if not any(differing.values()):
            for row in per_file[1:]:
                keep[row.name] = False
                where = f"bestand '{first['bron_bestand']}', rij {first['bron_rij']}"
                problems.append(_problem(row, "organisatie_id",
                                         f"dezelfde organisatie met dezelfde antwoorden als in {where}",
                                         "Hetzelfde interview staat in twee bestanden; haal één kopie weg", "error"))
            continue
        winner = _newest_of(per_file)
        decision = ("alle rijen afgewezen: los het conflict op" if winner is None
                    else f"{_where(winner)} gehouden (nieuwste interview)")
        reference = winner if winner is not None else first
        for row in per_file:
            if row is reference:
                continue
            columns = _differences(reference, row) or ["organisatie_id"]
            for column in columns:
                sides.append({"organisatie_id": org_id, "kolom": column,
                              "bron_a": _where(reference), "waarde_a": _text(reference.get(column)),
                              "bron_b": _where(row), "waarde_b": _text(row.get(column)), "besluit": decision})
        for row in per_file:
            if row is winner:
                continue
            keep[row.name] = False
            others = ", ".join(_where(other) for other in per_file if other is not row)
            problems.append(_problem(row, "organisatie_id", f"conflict met {others}: andere antwoorden over "
                                     "dezelfde organisatie",
                                     "Bekijk de conflicten in validatie.md en verbeter een van de bestanden",
                                     "error"))
    return keep, problems, pd.DataFrame(sides)


def _where(row: pd.Series) -> str:
    return f"{row['bron_bestand']} rij {row['bron_rij']}"


def _text(value) -> str:
    """An answer as a person reads it in the conflicts table: ``40`` not ``40.0``, ``ja``/``nee``, a date as 5-3-2024."""
    value = _comparable(value)
    if value is None:
        return ""
    if isinstance(value, tuple):
        return "; ".join(map(str, value))
    if type(value).__name__ in ("bool", "bool_"):
        return "ja" if value else "nee"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.date):
        return f"{value.day}-{value.month}-{value.year}"
    return str(value)


def _newest_of(rows: list[pd.Series]) -> pd.Series | None:
    """The copy with the most recent interview; None when a copy is undated or the newest date is shared."""
    dates = [row.get("datum_interview") for row in rows]
    if not all(isinstance(d, dt.date) for d in dates):
        return None
    newest = max(dates)
    if dates.count(newest) > 1:
        return None
    return rows[dates.index(newest)]
