"""The workbench's exceptions: one hierarchy, messages that say where and what to do.

Every problem with input names the file, the sheet, the spreadsheet row as the
user sees it, the column, the value, what was expected and a hint. A
:class:`RowProblem` is that record; row-level problems are collected (a row is
rejected or flagged, the rest loads) and :class:`InputError` raises one when a
whole file or request cannot go on.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "BuitenbeeldError",
    "RowProblem",
    "InputError",
    "UnknownGemeenteError",
    "MissingDataError",
    "ReportError",
    "OutputError",
    "ChromiumMissingError",
    "IdentifiersFoundError",
    "PseudonymKeyError",
    "DisclosureError",
    "PersonalDataFoundError",
]


class BuitenbeeldError(Exception):
    """Base class of every error the workbench raises on purpose."""


@dataclass(frozen=True)
class RowProblem:
    """One problem in one cell (or row, or file) of an input.

    ``severity`` is ``"error"`` (the row is rejected) or ``"warning"`` (the row is
    kept, the value flagged). ``row`` is the spreadsheet row number (1 = the
    first row), ``None`` for a problem with the whole file.
    """

    file: str
    sheet: str | None
    row: int | None
    column: str | None
    value: Any
    reason: str
    hint: str = ""
    severity: str = "error"

    def location(self) -> str:
        """Where the problem is, as a user finds it in the spreadsheet (Dutch: bestand, blad, rij, kolom)."""
        parts = [f"bestand '{self.file}'"]
        if _present(self.sheet):
            parts.append(f"blad '{self.sheet}'")
        if _present(self.row):
            parts.append(f"rij {_whole(self.row)}")
        if _present(self.column):
            parts.append(f"kolom '{self.column}'")
        return ", ".join(parts)

    def message(self) -> str:
        """A one-line Dutch message: where, which value, what is wrong, what to do.

        A missing sheet, row, column or value (None, NaN, empty) is left out, never
        shown as ``nan`` or ``None``.
        """
        text = f"{self.location()}: {self.reason}"
        if _present(self.value):
            text += f" (waarde: {_shown(self.value)})"
        if self.hint:
            text += f". {self.hint}"
        return text

    def as_record(self) -> dict[str, Any]:
        """The problem as a flat dict, for a rejects table (a missing value is None, never ``'nan'``)."""
        record = asdict(self)
        record["value"] = _text(self.value) if _present(self.value) else None
        return record


def _present(value: Any) -> bool:
    """False for what a table stores for a missing field: None, NaN, ``pandas.NA``, empty text."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return False
    try:
        return not bool(value != value)  # NaN, NaT
    except TypeError:  # pandas.NA refuses bool()
        return False
    except ValueError:  # a list or array of values: something is there
        return True


def _whole(row: Any) -> Any:
    """A row number as people write it: ``3.0`` (from a table with missing rows) -> ``3``."""
    return int(row) if isinstance(row, float) and row.is_integer() else row


def _text(value: Any) -> str:
    """A cell's value as a person reads it: a date as 5-3-2024, a whole number without ``.0``, WAAR/ONWAAR."""
    if isinstance(value, str):
        return value
    if type(value).__name__ in ("bool", "bool_"):  # as Dutch Excel shows a boolean cell
        return "WAAR" if value else "ONWAAR"
    if hasattr(value, "strftime") and hasattr(value, "day"):
        moment = f" {value:%H:%M}" if getattr(value, "hour", 0) or getattr(value, "minute", 0) else ""
        return f"{value.day}-{value.month}-{value.year}{moment}"
    return str(_whole(value))


def _shown(value: Any) -> str:
    """A cell's value in a message: text between quotes, anything else as :func:`_text` writes it."""
    return f"'{value.strip()}'" if isinstance(value, str) else _text(value)


class InputError(BuitenbeeldError):
    """An input cannot be used at all; carries the :class:`RowProblem` that says why."""

    def __init__(self, problem: RowProblem):
        self.problem = problem
        super().__init__(problem.message())


class UnknownGemeenteError(BuitenbeeldError, ValueError):
    """A gemeente name or code that matches no gemeente of the requested year."""

    def __init__(self, name: str, year: int, suggestions: list[str] | None = None, detail: str = ""):
        self.name = name
        self.year = year
        self.suggestions = list(suggestions or [])
        text = detail or f"Onbekende gemeente '{name}' in de CBS-lijst van {year}."
        if self.suggestions:
            text += " Bedoel je: " + ", ".join(self.suggestions) + "?"
        #: What is wrong, without the general hint (a row problem gives the hint apart).
        self.reason = text
        self.hint = "Gebruik de naam van het CBS, de code (zoals GM0518) of een gangbare naam (zoals Den Haag)."
        super().__init__(f"{text} {self.hint}")


class MissingDataError(BuitenbeeldError):
    """Data that a step needs is not in the data folder; the message says how to get it."""


class OutputError(BuitenbeeldError):
    """Where output should go cannot be used (a file where a folder belongs); the message says what to choose."""


class ReportError(BuitenbeeldError):
    """Rendering a report failed; names the gemeente and, where known, the failing cell."""

    def __init__(self, gemeente: str, message: str, cell: int | None = None, public: str | None = None):
        self.gemeente = gemeente
        self.cell = cell
        #: What a published overview (``index.html``) may say about this failure: no values, no traceback.
        self.public = public
        where = f" (cel {cell})" if cell is not None else ""
        super().__init__(f"Rapport voor {gemeente} mislukt{where}: {message}")


class ChromiumMissingError(BuitenbeeldError):
    """No headless Chromium was found; the message says how to get one."""

    def __init__(self, detail: str = ""):
        text = (
            "Voor een PDF is een headless Chromium nodig: installeer die op Debian/Ubuntu met "
            "`apt-get install chromium`, of zet BUITENBEELD_CHROMIUM op het pad als hij ergens anders staat. "
            "Het HTML-rapport is ook zonder PDF compleet.\n"
            "PDF needs a headless Chromium: on Debian/Ubuntu `apt-get install chromium`; "
            "set BUITENBEELD_CHROMIUM to its path if it lives elsewhere. The HTML report is complete without it."
        )
        super().__init__(f"{detail}\n{text}" if detail else text)


class IdentifiersFoundError(InputError):
    """A file holds direct identifiers; it is refused until it is pseudonymised."""

    def __init__(self, findings: list, file: str, hint: str | None = None):
        self.findings = list(findings)
        columns = list(dict.fromkeys(f.column for f in self.findings if f.column))
        sheets = list(dict.fromkeys(f.sheet for f in self.findings))
        reason = ("in het bestand staan gegevens waarmee je een persoon direct herkent (zoals namen of "
                  "telefoonnummers); het bestand is daarom niet ingelezen: "
                  + "; ".join(f.describe() for f in self.findings))
        hint = hint or (f"Maak eerst een kopie zonder die gegevens met `buitenbeeld pseudonimiseer {file} "
                        "<nieuw bestand>`: in de kopie staan codes en leeftijden in plaats van namen, geboortedata "
                        "en contactgegevens (het origineel blijft zoals het is). Lees daarna het nieuwe bestand in")
        super().__init__(RowProblem(file, sheets[0] if len(sheets) == 1 else None, None, ", ".join(columns),
                                    None, reason, hint))


class PseudonymKeyError(BuitenbeeldError):
    """The pseudonymisation key cannot be used (inside the project folder, unreadable, too short)."""


class DisclosureError(BuitenbeeldError, ValueError):
    """A table that cannot be protected as given: an unknown total label or a value that is no count."""


class PersonalDataFoundError(BuitenbeeldError):
    """A rendered report contains personal data; ``findings`` lists what (never in the message).

    ``public`` is the one line that may be shown beside the report's name in a
    published overview: ``gestopt: persoonsgegevens gevonden in <sectie>``.
    """

    def __init__(self, findings: list, report: str | Path | None = None, limit: int = 20):
        self.findings = list(findings)
        self.report = report
        sections = list(dict.fromkeys(f"'{f.section}'" for f in self.findings))
        self.public = "gestopt: persoonsgegevens gevonden in " + (
            f"sectie {sections[0]}" if len(sections) == 1 else "de secties " + ", ".join(sections))
        where = f" in het rapport '{Path(report).name}'" if report is not None else ""
        count = len(self.findings)
        lines = [f"Persoonsgegevens gevonden{where} ({count} {'vondst' if count == 1 else 'vondsten'}):"]
        lines += [f"  - {f.describe()}" for f in self.findings[:limit]]
        if count > limit:
            lines.append(f"  - en nog {count - limit}")
        lines.append(
            "Het rapport is niet gepubliceerd. Haal de persoonsgegevens weg waar ze vandaan komen (een kolom met "
            "vrije tekst in de interviewbestanden, een cel van het notebook of de tekst van het rapport) en maak "
            "het rapport opnieuw. Kwamen ze uit een persoonlijke kolom (interviewer, contactpersoon, telefoon, "
            "email), meld dat dan als fout in de werkbank: die kolommen mogen nooit in een rapport komen."
        )
        super().__init__("\n".join(lines))
