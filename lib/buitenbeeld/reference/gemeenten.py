"""Gemeenten: the official CBS lists per year and resolving what users write.

Users write "Den Haag", "den bosch", "GM0518" or "'s-Gravenhage"; the
workbench shows the CBS name and joins on the code. The lists of 2013 and 2026
are package data, generated from the CBS boundary files by
``scripts/build_reference_data.py`` (source and licence in ``data/SOURCE.md``).

CBS tables without codes (StatLine, maatwerk) write a region's title with its
level when names repeat across levels: ``Groningen (gemeente)`` beside
``Groningen (PV)``, ``Bergen (NH.) (gemeente)``. The gemeente title resolves; a
province, landsdeel or COROP-gebied title is refused (:func:`region_level`). A
name of the other year's list (``Bussum`` in 2026) is refused with what became
of it, read from the crosswalk file (``data/crosswalk_2013_2026.csv``; this
module reads it directly because :mod:`buitenbeeld.reference.crosswalk` is built
on this one). Messages are in Dutch: users read them.
"""
from __future__ import annotations

import csv
import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from buitenbeeld.errors import UnknownGemeenteError
from buitenbeeld.settings import CURRENT_GEMEENTE_YEAR, resource

__all__ = ["Gemeente", "AVAILABLE_YEARS", "COMMON_NAMES", "list_gemeenten", "region_level", "resolve_gemeente"]

AVAILABLE_YEARS = (2013, 2026)

#: Names people use that are not the CBS name (normalised spelling -> CBS code).
COMMON_NAMES = {
    "den haag": "GM0518",
    "the hague": "GM0518",
    "den bosch": "GM0796",
    "hertogenbosch": "GM0796",
    "s hertogenbosch": "GM0796",
    "s gravenhage": "GM0518",
    "gravenhage": "GM0518",
    "adam": "GM0363",
    "a dam": "GM0363",
}

_CODE = re.compile(r"^(?:gm)?\s*(\d{1,4})$", re.IGNORECASE)
#: A region code of another level: PV20 (provincie), LD01 (landsdeel), CR01 (COROP-gebied).
_REGION_CODE = re.compile(r"^(pv|ld|cr)\s*\d{1,2}$", re.IGNORECASE)
#: A trailing level in brackets, as CBS writes it: "Groningen (gemeente)", "Groningen (PV)".
_LEVEL = re.compile(r"^(?P<rest>.*?)\s*\(\s*(?P<level>[^()]*?)\s*\)\s*$", re.DOTALL)
_GEMEENTE_LEVELS = {"gemeente", "gem", "gm"}
#: The other levels, by their letters only ("COROP-gebied" -> "coropgebied"), in Dutch for messages.
_REGION_LEVELS = {
    "pv": "provincie", "provincie": "provincie", "prov": "provincie",
    "ld": "landsdeel", "landsdeel": "landsdeel",
    "cr": "COROP-gebied", "corop": "COROP-gebied", "coropgebied": "COROP-gebied", "coropregio": "COROP-gebied",
}
_MERGED = "samengevoegd"  # the crosswalk's kind for a gemeente that went whole into one other


@dataclass(frozen=True)
class Gemeente:
    """A gemeente as CBS lists it in ``jaar``."""

    code: str
    naam: str
    jaar: int

    @property
    def slug(self) -> str:
        """A file-name-safe name: ``GM0518-s-gravenhage``."""
        ascii_name = _strip_accents(self.naam).lower()
        return f"{self.code}-" + re.sub(r"[^a-z0-9]+", "-", ascii_name).strip("-")

    def __str__(self) -> str:
        return f"{self.naam} ({self.code})"


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _normalise(text: str) -> str:
    text = _strip_accents(str(text)).lower().replace("\u2019", "'")
    text = re.sub(r"[^a-z0-9]+", " ", text.replace("'", ""))
    return " ".join(text.split())


def _without_suffix(name: str) -> str:
    """``Hengelo (O.)`` -> ``Hengelo``: CBS adds a province suffix to shared names."""
    return re.sub(r"\s*\([^)]*\)\s*$", "", name)


def _level(text: str) -> tuple[str, str | None]:
    """``(name, level)`` of a title with a level in brackets: ``("Groningen", "gemeente")``, ``("Groningen", "pv")``.

    ``level`` is the bracketed text in lowercase letters only, or None when the
    title ends in no bracket (or in a province suffix such as ``(NH.)``, which
    is part of the gemeente's name and stays).
    """
    match = _LEVEL.match(text)
    if match:
        level = re.sub(r"[^a-z]", "", _strip_accents(match.group("level")).lower())
        if level in _GEMEENTE_LEVELS or level in _REGION_LEVELS:
            return match.group("rest").strip(), level
    return text, None


def region_level(text: str) -> str | None:
    """The level that a CBS region title or code states, in Dutch; None when it states none.

    ``"Groningen (gemeente)"`` and ``"GM0014"`` give ``"gemeente"``;
    ``"Groningen (PV)"`` and ``"PV20"`` ``"provincie"``; ``"Noord-Nederland (LD)"``
    ``"landsdeel"``; ``"Oost-Groningen (CR)"`` ``"COROP-gebied"`` (any case and
    spacing; the levels may be written out: ``(provincie)``). A plain name, and a
    gemeente name with its province suffix such as ``"Bergen (NH.)"``, give None.
    """
    text = "" if text is None else " ".join(str(text).split())
    if _CODE.match(text) and text[:2].upper() == "GM":
        return "gemeente"
    code = _REGION_CODE.match(text)
    if code:
        return _REGION_LEVELS[code.group(1).lower()]
    level = _level(text)[1]
    return None if level is None else "gemeente" if level in _GEMEENTE_LEVELS else _REGION_LEVELS[level]


@lru_cache(maxsize=None)
def _rows(year: int) -> tuple[tuple[str, str], ...]:
    if year not in AVAILABLE_YEARS:
        raise UnknownGemeenteError(
            "", year, detail=f"De werkbank heeft geen gemeentelijst van {year}, alleen van {_and(map(str, AVAILABLE_YEARS))}."
        )
    text = resource(f"data/gemeenten_{year}.csv").read_text(encoding="utf-8")
    return tuple((r["gemeentecode"], r["gemeentenaam"]) for r in csv.DictReader(text.splitlines()))


def list_gemeenten(year: int = CURRENT_GEMEENTE_YEAR) -> pd.DataFrame:
    """Return the CBS gemeenten of ``year`` as columns ``gemeentecode``, ``gemeentenaam``.

    Parameters
    ----------
    year : int
        2013 or 2026 (the layouts the package carries).
    """
    return pd.DataFrame(list(_rows(year)), columns=["gemeentecode", "gemeentenaam"])


@lru_cache(maxsize=None)
def _lookup(year: int) -> dict[str, str]:
    """Normalised name -> code; names that would be ambiguous are left out."""
    lookup: dict[str, str] = {}
    base_names: dict[str, set[str]] = {}
    for code, name in _rows(year):
        lookup[_normalise(name)] = code
        base_names.setdefault(_normalise(_without_suffix(name)), set()).add(code)
    for base, codes in base_names.items():
        if len(codes) == 1:
            lookup.setdefault(base, next(iter(codes)))
    known = {code for code, _ in _rows(year)}
    for alias, code in COMMON_NAMES.items():
        if code in known:
            lookup.setdefault(alias, code)
    return lookup


def resolve_gemeente(text: str, year: int = CURRENT_GEMEENTE_YEAR) -> Gemeente:
    """Return the gemeente that ``text`` names in the CBS list of ``year``.

    Accepts the CBS name in any case and with or without accents, apostrophes or
    province suffix, the code (``GM0518``, ``gm518``, ``0518``), common names
    (``Den Haag``, ``den bosch``) and CBS's region titles with the level
    (``'s-Gravenhage (gemeente)``, ``Bergen (NH.) (gemeente)``).

    Raises
    ------
    UnknownGemeenteError
        When nothing matches, with a Dutch message: for a province, landsdeel or
        COROP-gebied (``Groningen (PV)``) that it is no gemeente; for a gemeente
        of the other year's list what became of it (``Bussum`` in 2026: it went
        into Gooise Meren); otherwise the closest names.
    """
    return _resolve("" if text is None else " ".join(str(text).split()), year)


def _and(items) -> str:
    """``"A, B en C"``."""
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " en " + items[-1]


@lru_cache(maxsize=None)
def _history() -> tuple[tuple[str, str, str], ...]:
    """``(code_2013, code_2026, soort)`` per line of the crosswalk file."""
    text = resource("data/crosswalk_2013_2026.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return tuple((r["code_2013"], r["code_2026"], r["soort"]) for r in rows)


def _fate(code: str, known_in: int, year: int) -> str | None:
    """What became of gemeente ``code`` of the list of ``known_in`` by ``year`` (or what it came from), in Dutch."""
    first, last = AVAILABLE_YEARS[0], AVAILABLE_YEARS[-1]
    if {known_in, year} != {first, last}:
        return None
    names_old, names_new = dict(_rows(first)), dict(_rows(last))

    def named(codes, names):
        return _and([f"{names[c]} ({c})" for c in codes])

    if known_in == first:  # a gemeente that is gone by ``year``
        links = [(new, kind) for old, new, kind in _history() if old == code]
        if not links:
            return None
        if len(links) == 1 and links[0][1] == _MERGED:
            return f"{names_old[code]} is opgegaan in {named([links[0][0]], names_new)}."
        return f"{names_old[code]} is opgeheven en verdeeld over {named([new for new, _ in links], names_new)}."
    parts = [(old, kind) for old, new, kind in _history() if new == code]
    if not parts:
        return None
    origin = [f"{names_old[old]} ({old})" for old, kind in parts if kind == _MERGED]
    origin += [f"een deel van {names_old[old]} ({old})" for old, kind in parts if kind != _MERGED]
    return f"{names_new[code]} is later ontstaan uit {_and(origin)}."


def _region_error(raw: str, kind: str, year: int) -> UnknownGemeenteError:
    """``Groningen (PV)`` is no gemeente; the message names the gemeente of the same name, if there is one."""
    detail = f"'{raw}' is een {kind}, geen gemeente."
    name, level = _level(raw)
    try:
        same = _find(name, name, year) if level else None
    except UnknownGemeenteError:
        same = None
    if same is not None:
        detail += f" Bedoel je de gemeente {same.naam}? Die heeft code {same.code}."
    return UnknownGemeenteError(raw, year, detail=detail)


@lru_cache(maxsize=4096)
def _resolve(raw: str, year: int) -> Gemeente:
    # cached: a kaart names the same few gemeenten on thousands of rows
    level = region_level(raw)
    if level not in (None, "gemeente"):
        raise _region_error(raw, level, year)
    return _find(_level(raw)[0], raw, year)


def _find(text: str, raw: str, year: int) -> Gemeente:
    """The gemeente ``text`` names (``raw``: what the user wrote, for the messages)."""
    names = dict(_rows(year))
    match = _CODE.match(text)
    if match:
        code = f"GM{int(match.group(1)):04d}"
        if code in names:
            return Gemeente(code, names[code], year)
        detail = f"Gemeentecode {code} staat niet in de CBS-lijst van {year}."
        other = next((y for y in AVAILABLE_YEARS if y != year and code in dict(_rows(y))), None)
        if other is not None:
            detail += f" In {other} {'was' if other < year else 'is'} het de code van {dict(_rows(other))[code]}."
            fate = _fate(code, other, year)
            if fate:
                detail += f" {fate}"
        raise UnknownGemeenteError(raw, year, detail=detail)
    if not text:
        raise UnknownGemeenteError(raw, year, detail="Er is geen gemeente ingevuld.")
    lookup = _lookup(year)
    key = _normalise(text)
    if key in lookup:
        code = lookup[key]
        return Gemeente(code, names[code], year)
    for other in (y for y in AVAILABLE_YEARS if y != year):
        code = _lookup(other).get(key)
        fate = _fate(code, other, year) if code and code not in names else None
        if fate:
            raise UnknownGemeenteError(raw, year, detail=(
                f"{fate} Daarom staat {dict(_rows(other))[code]} niet in de CBS-lijst van {year}."))
    shared = sorted(code for code, naam in _rows(year) if _normalise(_without_suffix(naam)) == key)
    if len(shared) > 1:
        raise UnknownGemeenteError(raw, year, detail=(
            f"Er zijn {len(shared)} gemeenten die '{text}' heten: {_and([f'{names[c]} ({c})' for c in shared])}. "
            "Schrijf de provincie erbij, zoals het CBS dat doet."))
    close = difflib.get_close_matches(key, list(lookup), n=5, cutoff=0.7)
    suggestions = list(dict.fromkeys(names[lookup[k]] for k in close))[:3]
    raise UnknownGemeenteError(raw, year, suggestions)
