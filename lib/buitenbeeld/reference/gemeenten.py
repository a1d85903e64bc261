"""Gemeenten: the official CBS lists per year and resolving what users write.

Users write "Den Haag", "den bosch", "GM0518" or "'s-Gravenhage"; the
workbench shows the CBS name and joins on the code. The lists of 2013 and 2026
are package data, generated from the CBS boundary files by
``scripts/build_reference_data.py`` (source and licence in ``data/SOURCE.md``).
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

__all__ = ["Gemeente", "AVAILABLE_YEARS", "COMMON_NAMES", "list_gemeenten", "resolve_gemeente"]

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


@lru_cache(maxsize=None)
def _rows(year: int) -> tuple[tuple[str, str], ...]:
    if year not in AVAILABLE_YEARS:
        raise UnknownGemeenteError(
            "", year, detail=f"No gemeente list for {year}; available years: {', '.join(map(str, AVAILABLE_YEARS))}."
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
    province suffix, the code (``GM0518``, ``gm518``, ``0518``) and common names
    (``Den Haag``, ``den bosch``).

    Raises
    ------
    UnknownGemeenteError
        When nothing matches; the message suggests the closest names.
    """
    return _resolve("" if text is None else str(text).strip(), year)


@lru_cache(maxsize=4096)
def _resolve(raw: str, year: int) -> Gemeente:
    # cached: a kaart names the same few gemeenten on thousands of rows
    names = dict(_rows(year))
    match = _CODE.match(raw)
    if match:
        code = f"GM{int(match.group(1)):04d}"
        if code in names:
            return Gemeente(code, names[code], year)
        other = [y for y in AVAILABLE_YEARS if y != year and code in dict(_rows(y))]
        detail = f"Gemeente code {code} does not exist in {year}."
        if other:
            detail += f" It is {dict(_rows(other[0]))[code]} in {other[0]} (gemeenten merge and change codes)."
        raise UnknownGemeenteError(raw, year, detail=detail)
    if not raw:
        raise UnknownGemeenteError(raw, year, detail="No gemeente given.")
    lookup = _lookup(year)
    key = _normalise(raw)
    if key in lookup:
        code = lookup[key]
        return Gemeente(code, names[code], year)
    close = difflib.get_close_matches(key, list(lookup), n=5, cutoff=0.7)
    suggestions = list(dict.fromkeys(names[lookup[k]] for k in close))[:3]
    raise UnknownGemeenteError(raw, year, suggestions)
