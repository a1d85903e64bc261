"""The Dutch texts that more than one reader of the ingest puts in a row problem or a summary.

The interview reader (:mod:`buitenbeeld.ingest.interviews`), the pilot reader
(:mod:`buitenbeeld.ingest.pilot`), the CBS checks and the validation report
word the same things the same way: a required cell left empty, a column twice
or missing from the header row, a value that now counts as unknown, a count of
rows (``1 rij``, ``2 rijen``) and the line ``gelezen N = geladen L + afgewezen R``.
Everything here is read by users: plain Dutch (B1), saying what to do next.
"""
from __future__ import annotations

from typing import Iterable

__all__ = [
    "SHEET_EMPTY",
    "UNKNOWN_VALUE",
    "count_of",
    "counts_line",
    "duplicate_column",
    "dutch_list",
    "missing_columns",
    "no_sheet",
    "required_empty",
    "unknown_hint",
    "yes_no",
]

#: What happens to a value that could not be read in a column that is not required.
UNKNOWN_VALUE = "de waarde telt nu als onbekend"
#: The problem of a sheet without any rows.
SHEET_EMPTY = "het blad is leeg"


def count_of(number: int, singular: str, plural: str) -> str:
    """``1 rij``, ``2 rijen``, ``0 rijen``: a number with the right form of the word."""
    return f"{number} {singular if number == 1 else plural}"


def dutch_list(items: Iterable[str]) -> str:
    """``'a'``, ``'a' en 'b'``, ``'a', 'b' en 'c'``: a list as a Dutch sentence writes it."""
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " en " + items[-1] if items else ""


def yes_no(flag) -> str:
    """``ja`` or ``nee`` for a table people read (never True/False)."""
    return "ja" if bool(flag) else "nee"


def unknown_hint(hint: str) -> str:
    """``hint``, and that the value now counts as unknown (the row stays)."""
    return f"{hint}; {UNKNOWN_VALUE}" if hint else UNKNOWN_VALUE[0].upper() + UNKNOWN_VALUE[1:]


def required_empty(name: str, label: str) -> tuple[str, str]:
    """Reason and hint for a required cell that is empty (the row is rejected)."""
    return (f"'{name}' moet ingevuld zijn, maar de cel is leeg",
            f"Vul deze cel in: zonder {label.lower()} telt de rij niet mee")


def duplicate_column(name: str) -> tuple[str, str]:
    """Reason and hint for a column that appears twice in the header row."""
    return (f"de kolom '{name}' staat er twee keer; de eerste wordt gebruikt",
            "Haal de tweede kolom weg, of geef hem een andere naam")


def missing_columns(names: list[str], header_row: int) -> tuple[str, str]:
    """Reason and hint for required columns that the header row (spreadsheet row ``header_row``) lacks."""
    listed = dutch_list(f"'{name}'" for name in names)
    if len(names) == 1:
        return (f"de verplichte kolom {listed} ontbreekt in de rij met kolomnamen (rij {header_row})",
                f"Zet de kolom {listed} in rij {header_row}; dan telt deze rij mee")
    return (f"de verplichte kolommen {listed} ontbreken in de rij met kolomnamen (rij {header_row})",
            f"Zet de kolommen {listed} in rij {header_row}; dan telt deze rij mee")


def no_sheet(name: str, sheets: Iterable[str]) -> str:
    """The reason for a file without the sheet ``name``; lists the sheets it has."""
    return f"er is geen blad '{name}' (bladen: {', '.join(sheets) or 'geen'})"


def counts_line(label: str, read: int, loaded: int, rejected: int) -> str:
    """``label: gelezen 4 = geladen 3 + afgewezen 1``: where every row of a file went."""
    return f"{label}: gelezen {read} = geladen {loaded} + afgewezen {rejected}"
