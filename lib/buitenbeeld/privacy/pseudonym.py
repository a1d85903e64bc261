"""Pseudonymisation with a key outside the project: a copy of a pilot file that passes the gate.

:func:`pseudonymise` writes a *new* file in which names (or, without a name, the
BSN) become keyed codes ``J-`` + 10 base32 characters (HMAC-SHA256 of the
normalised value), birth dates become the age at the step date (or an age band
when there is none), phone, e-mail and address columns are dropped, a postcode
keeps its four digits, and identifiers inside free text are masked (``[naam]``,
``[e-mailadres]``, ...), everything the gate (:mod:`buitenbeeld.privacy.gate`)
refuses, so the copy passes it; the copy is checked with the gate before it is
handed back. The copy is written 0600 (a folder made for it 0700): it is still
personal data. The key lives outside the project folder (:func:`load_key`);
without it the codes cannot be recomputed from names, and with the same key the
same person gets the same code in every file. A scout's name becomes ``S-`` +
10 characters the same way, in the sheet ``scouts`` and in a ``scout_naam`` (or
``scout``) column of ``contacten`` alike, so the link between a young person
and a scout survives. An existing code (a case number) is kept; see
:func:`pseudonymise`.
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from buitenbeeld.common import values
from buitenbeeld.common.files import private_dir, write_atomic, write_csv_rows
from buitenbeeld.errors import IdentifiersFoundError, InputError, PseudonymKeyError, RowProblem
from buitenbeeld.privacy.gate import (
    ID_HEADERS,
    Sheet,
    column_label,
    find_identifiers,
    header_kind,
    id_column,
    is_event_date,
    person_of,
    read_sheets,
    reference_dates,
)
from buitenbeeld.privacy.identifiers import (
    ADDRESS,
    BIRTH_DATE,
    BSN,
    NAME,
    POSTCODE,
    as_date,
    cell_kinds,
    id_is_name,
    is_birth_like,
    is_valid_bsn,
    text_spans,
    years_between,
)
from buitenbeeld.privacy.scan import EMAIL, PHONE
from buitenbeeld.settings import DEFAULT_KEY_PATH, KEY_ENV, PROJECT_ROOT, configured

__all__ = [
    "AGE_BANDS", "PseudonymiseResult",
    "key_path", "load_key", "pseudonym_code", "age_band", "pseudonymise",
]

#: Age bands used when a birth date has no step date to compute an age at.
AGE_BANDS = ((15, 17), (18, 22), (23, 27))

_KEY_BYTES = 32
_CODE_CHARS = 10
_MASKS = {BSN: "[bsn]", PHONE: "[telefoonnummer]", EMAIL: "[e-mailadres]", ADDRESS: "[adres]",
          POSTCODE: "[postcode]", BIRTH_DATE: "[geboortedatum]", NAME: "[naam]"}
#: A pseudonymised file is still personal data: only its owner may read it.
_PRIVATE_FILE = 0o600


# --------------------------------------------------------------------------- the key and the codes


def key_path(path: str | os.PathLike | None = None) -> Path:
    """Where the key is: ``path``, else ``$BUITENBEELD_PSEUDONIEM_KEY``, else :data:`DEFAULT_KEY_PATH`.

    Raises
    ------
    PseudonymKeyError
        When that place is inside the project folder (it would end up next to
        the data, or in git).
    """
    chosen = path or configured(KEY_ENV) or DEFAULT_KEY_PATH
    resolved = Path(chosen).expanduser().resolve()
    if resolved.is_relative_to(PROJECT_ROOT.resolve()):
        raise PseudonymKeyError(
            f"De sleutel voor het pseudonimiseren mag niet in de projectmap ({PROJECT_ROOT}) staan: {resolved}. "
            f"Bewaar hem ergens anders, bijvoorbeeld in {DEFAULT_KEY_PATH}, of zet {KEY_ENV} op een pad buiten "
            "het project.")
    return resolved


def load_key(path: str | os.PathLike | None = None) -> tuple[bytes, Path]:
    """Read the key (see :func:`key_path`), creating it with 32 random bytes on first use.

    A new key file gets permissions 0600; a folder made for it, and the default
    folder ``~/.config/buitenbeeld``, get 0700 (:func:`buitenbeeld.common.files.private_dir`). Returns the key and
    its path. Losing the key means new codes for everyone: keep a copy in a safe place.

    Raises
    ------
    PseudonymKeyError
        Inside the project folder, unreadable, shorter than 16 bytes, or (on
        POSIX) readable by others than its owner.
    """
    where = key_path(path)
    if not where.exists():
        # a folder made for the key, or the default one (~/.config/buitenbeeld), is private (0700); a folder
        # that exists and was chosen by the user is left as it is: the key file itself is 0600
        if not where.parent.exists() or where.parent == DEFAULT_KEY_PATH.expanduser().resolve().parent:
            private_dir(where.parent)
        try:
            handle = os.open(where, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process created it just now: read that one
        else:
            with os.fdopen(handle, "wb") as out:
                if os.name == "posix":
                    os.fchmod(out.fileno(), 0o600)  # whatever the umask
                out.write(secrets.token_bytes(_KEY_BYTES))
    try:
        key = where.read_bytes()
        mode = where.stat().st_mode
    except OSError as error:
        raise PseudonymKeyError(f"De sleutel voor het pseudonimiseren ({where}) kan niet worden gelezen "
                                f"(technische melding: {error.strerror or error}). Kijk of het bestand er is en of "
                                "je het mag lezen.") from error
    if os.name == "posix" and mode & 0o077:
        raise PseudonymKeyError(f"De sleutel voor het pseudonimiseren ({where}) kan door anderen worden gelezen. "
                                f"Maak hem privé met: chmod 600 {where}")
    if len(key) < 16:
        raise PseudonymKeyError(f"De sleutel voor het pseudonimiseren ({where}) is te kort ({len(key)} bytes). "
                                "Haal het bestand weg, dan maakt de werkbank een nieuwe sleutel. Let op: dan krijgt "
                                "iedereen een nieuwe code.")
    return key, where


def _normalise_identity(value: Any) -> str:
    return " ".join(str(value).split()).casefold()


def pseudonym_code(value: Any, key: bytes, prefix: str = "J-") -> str:
    """The keyed code of a name (or BSN): ``prefix`` + 10 base32 characters of HMAC-SHA256.

    The value is trimmed, case-folded and its whitespace collapsed first, so
    ``" Jan  de Vries"`` and ``"jan de vries"`` get one code; the prefix is part
    of the hashed message, so a scout and a young person never share a code.
    """
    message = f"{prefix}\x1f{_normalise_identity(value)}".encode("utf-8")
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return prefix + base64.b32encode(digest).decode("ascii")[:_CODE_CHARS]


def age_band(age: int) -> str:
    """``16`` -> ``"15-17"``; outside 15-27: ``"jonger dan 15"`` or ``"ouder dan 27"``."""
    for low, high in AGE_BANDS:
        if low <= age <= high:
            return f"{low}-{high}"
    return f"jonger dan {AGE_BANDS[0][0]}" if age < AGE_BANDS[0][0] else f"ouder dan {AGE_BANDS[-1][1]}"


# --------------------------------------------------------------------------- pseudonymise


@dataclass
class PseudonymiseResult:
    """What :func:`pseudonymise` did: the new file, the key used and, per ``sheet/column``, the action."""

    source: Path
    target: Path
    key_path: Path
    columns: dict[str, str]
    masked_cells: int

    def summary_lines(self) -> list[str]:
        """What changed, for the command line, in Dutch (no values)."""
        lines = [f"{column}: {action}" for column, action in self.columns.items()]
        cells = f"{self.masked_cells} {'cel' if self.masked_cells == 1 else 'cellen'}"
        lines.append(f"persoonsgegevens onleesbaar gemaakt in {cells} van andere kolommen")
        lines.append(f"geschreven: {self.target} (het origineel is niet veranderd); sleutel: {self.key_path}")
        return lines


def _mask_cell(raw: Any, reference: dt.date, event_date: bool) -> tuple[Any, bool]:
    """The cell with identifiers masked (text) or emptied (numbers, dates); True when changed."""
    if isinstance(raw, str):
        if event_date and as_date(raw):
            return raw, False
        spans = text_spans(raw, reference)
        for start, end, kind in reversed(spans):
            raw = raw[:start] + _MASKS[kind] + raw[end:]
        return raw, bool(spans)
    return (None, True) if cell_kinds(raw, reference, event_date) else (raw, False)


def _identity_text(raw: Any) -> str:
    """A name or BSN cell as the text its code is made from (a BSN without dots, spaces or a lost leading 0)."""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = raw.isoformat() if isinstance(raw, dt.date) else str(raw).strip()
    return re.sub(r"[ .]", "", text).zfill(9) if is_valid_bsn(text) else text


def _code_of(row: list, columns: list[int], key: bytes, prefix: str) -> str | None:
    """The keyed code of the name (or BSN) in ``columns`` of one row, None when they are empty."""
    parts = [_identity_text(row[i]) for i in columns if row[i] is not None and str(row[i]).strip()]
    return pseudonym_code(" ".join(parts), key, prefix) if parts else None


def _kept_id(raw: Any, key: bytes, prefix: str, reference: dt.date) -> tuple[Any, bool]:
    """An existing code as it is, or its keyed code when it is an identifier itself (a name, BSN, ...)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, False
    if id_is_name(raw) or cell_kinds(raw, reference, False):
        return pseudonym_code(_identity_text(raw), key, prefix), True
    return raw, False


def _pseudonymise_sheet(sheet: Sheet, key: bytes, actions: dict[str, str]) -> tuple[list[str], list[list], int]:
    """The new header and rows of one sheet; records per column what was done in ``actions``."""
    label = f"{sheet.name}/" if sheet.name else ""
    keys = [values.normalise_header(h) for h in sheet.header]
    kinds = [header_kind(h) for h in sheet.header]
    id_of = [None if kind else id_column(h) for h, kind in zip(sheet.header, kinds)]  # existing code columns
    references = reference_dates(sheet)
    # a date column that is not an event date but holds birth-like dates is a birth date column
    for i, header in enumerate(sheet.header):
        if kinds[i] is None and id_of[i] is None and not is_event_date(header) and any(
                isinstance(row[i], dt.date) and is_birth_like(row[i], ref)
                for (_, row), ref in zip(sheet.rows, references)):
            kinds[i] = BIRTH_DATE
    # whose code an identifier column feeds: the sheet's own person, a scout, or nobody (a parent, a contact...)
    own = "scout_id" if values.normalise_header(sheet.name or "") == "scouts" else "jongere_id"
    owners = [{"self": own, "scout": "scout_id"}.get(person_of(h)) if kind else None
              for h, kind in zip(sheet.header, kinds)]
    sources: dict[str, list[int]] = {}  # id column -> the name columns (else the BSN columns) its code is made of
    for id_name in ID_HEADERS:
        mine = [i for i, owner in enumerate(owners) if owner == id_name]
        sources[id_name] = [i for i in mine if kinds[i] == NAME] or [i for i in mine if kinds[i] == BSN]
    existing = {id_name: id_of.index(id_name) if id_name in id_of else None for id_name in ID_HEADERS}
    identity = {i: id_name for id_name, columns in sources.items() for i in columns}
    birth = [i for i, k in enumerate(kinds) if k == BIRTH_DATE and owners[i] == own]
    step = keys.index("datum") if "datum" in keys else None
    new_columns = [id_name for id_name, columns in sources.items() if columns and existing[id_name] is None]
    if birth and "leeftijd" not in keys:
        new_columns.append("leeftijd")
    if birth and "leeftijdsgroep" not in keys:
        new_columns.append("leeftijdsgroep")
    dropped = {i for i, k in enumerate(kinds) if k is not None}
    postcode = [i for i, k in enumerate(kinds) if k == POSTCODE]
    names = [column_label(h, i) for i, h in enumerate(sheet.header)]  # no header that is an identifier itself
    for i in dropped:
        target = identity.get(i)
        actions[label + names[i]] = (
            f"vervangen door een code in '{target}'" if target and existing[target] is None else
            f"weggehaald; de codes in '{sheet.header[existing[target]]}' blijven staan, een lege cel krijgt de "
            "code van de naam" if target else
            "vervangen door 'leeftijd' (de leeftijd op de datum van de stap) of 'leeftijdsgroep'" if i in birth else
            "alleen de vier cijfers blijven staan, in 'postcode4'" if i in postcode else "weggehaald")
    kept = [i for i in range(len(sheet.header)) if i not in dropped or i in postcode]
    # a header that holds an identifier (in a file without a header row: a value) becomes ``kolom N``; masking it
    # would leave ``[naam]``, which reads as a name column
    headers = ["postcode4" if kinds[i] == POSTCODE else names[i] if sheet.header[i] and names[i] != sheet.header[i]
               else sheet.header[i] for i in kept]
    masked = sum(1 for i in kept if sheet.header[i] and names[i] != sheet.header[i])
    out_header = headers + new_columns
    out_keys = [values.normalise_header(h) for h in out_header]
    at = {id_name: kept.index(i) if i is not None else len(kept) + new_columns.index(id_name)  # where a code goes
          for id_name, i in existing.items() if sources[id_name]}
    # a row without a code gets the code another row has next to the same name (else the keyed code of the name)
    known: dict[str, dict[str, Any]] = {id_name: {} for id_name in ID_HEADERS}
    recoded = dict.fromkeys((i for i, name in enumerate(id_of) if name), 0)
    for (_, row), reference in zip(sheet.rows, references):
        for id_name, columns in sources.items():
            i = existing[id_name]
            name = _code_of(row, columns, key, "") if columns and i is not None else None
            code = _kept_id(row[i], key, ID_HEADERS[id_name][0], reference)[0] if name else None
            if code is not None:
                known[id_name][name] = code if known[id_name].get(name, code) == code else None  # None: ambiguous
    rows_out = []
    for (_, row), reference in zip(sheet.rows, references):
        cells = {}
        for i, raw in enumerate(row):
            if i in recoded:
                cells[i], changed = _kept_id(raw, key, ID_HEADERS[id_of[i]][0], reference)
                recoded[i] += changed
            elif i in postcode:
                digits = re.match(r"\s*([1-9]\d{3})", "" if raw is None else str(raw))
                cells[i] = digits.group(1) if digits else None
            elif i not in dropped:
                cells[i], changed = _mask_cell(raw, reference, is_event_date(sheet.header[i]))
                masked += changed
        out = [cells[i] for i in kept] + [None] * len(new_columns)
        for id_name, columns in sources.items():
            if columns and out[at[id_name]] is None:
                name = _code_of(row, columns, key, "")
                out[at[id_name]] = known[id_name].get(name) or _code_of(row, columns, key, ID_HEADERS[id_name][0])
        if birth:
            born = next((d for d in (as_date(row[i]) for i in birth) if d), None)
            when = as_date(row[step]) if step is not None else None
            if born and when:
                position = out_keys.index("leeftijd")
                out[position] = out[position] if out[position] not in (None, "") else years_between(born, when)
            elif born:
                out[out_keys.index("leeftijdsgroep")] = age_band(years_between(born, dt.date.today()))
        rows_out.append(out)
    for i, count in recoded.items():
        if count:
            found = "naam of ander persoonsgegeven" if count == 1 else "namen of andere persoonsgegevens"
            actions[label + names[i]] = f"blijft staan; {count} {found} erin vervangen door codes"
    above = []
    for row in sheet.above:  # title rows: free text too
        masked_row = []
        for raw in row:
            value, changed = _mask_cell(raw, dt.date.today(), False)
            masked_row.append(value)
            masked += changed
        above.append(masked_row)
    return out_header, above + [out_header] + rows_out, masked


def pseudonymise(source: str | os.PathLike, target: str | os.PathLike, key_path: str | os.PathLike | None = None,
                 overwrite: bool = False) -> PseudonymiseResult:
    """Write a pseudonymised copy of ``source`` to ``target``; ``source`` is never modified.

    Parameters
    ----------
    source : path
        An xlsx/xlsm/ods/csv file with direct identifiers.
    target : path
        The new file: ``.xlsx`` (every sheet) or ``.csv`` (``;``-separated,
        UTF-8 with BOM; only for a source with one sheet).
    key_path : path, optional
        The key file (see :func:`load_key`); created on first use.
    overwrite : bool
        Replace an existing ``target`` (never ``source`` itself).

    Returns
    -------
    PseudonymiseResult

    Raises
    ------
    InputError
        When ``source`` cannot be read, or the target is the source, exists, or
        has another suffix.
    PseudonymKeyError
        When the key is inside the project folder or unusable.
    IdentifiersFoundError
        When the copy still holds identifiers (it is then removed); this would
        be a bug.

    Notes
    -----
    Per sheet, the header of a name column says whose name it holds:

    - the young person's (``naam``, ``voornaam``, ``achternaam``, ...; the BSN
      when there is no name) become one code column ``jongere_id``, prefix ``J-``;
    - a scout's (``scout_naam``, ``naam_scout``, ``scoutnaam``; in a sheet
      ``scouts`` every personal name column) become ``scout_id``, prefix ``S-``,
      the same code for the same name in every sheet and file with this key;
    - someone else's (an ouder/parent, contactpersoon, interviewer, begeleider,
      ...) are only dropped: they never feed a code.

    When the code column exists already (``jongere_id``; ``scout_id`` or a
    plain ``scout`` column), its values are kept as they are and the name
    columns are dropped; only a value that is an identifier itself (a name, a
    BSN, a phone number, a birth date) is replaced by its keyed code, and an
    empty one gets the code that another row has next to the same name, else
    the keyed code of the row's name (no name: it stays empty). A code is
    never overwritten, and never emptied.

    Birth dates (of the sheet's own person) become ``leeftijd`` at the row's
    ``datum`` (an existing age is kept), else ``leeftijdsgroep`` (15-17, 18-22,
    23-27) at today. Phone, e-mail, address and BSN columns are dropped; a postcode keeps
    its four digits as ``postcode4``. In every other cell, identifiers in text
    are replaced by ``[naam]``, ``[telefoonnummer]``, ``[e-mailadres]``,
    ``[bsn]``, ``[adres]``, ``[postcode]`` or ``[geboortedatum]`` (a title stays:
    ``mevrouw [naam]``), and numbers that are a BSN or phone number are emptied.
    Header cells and title rows are masked the same way; a sheet whose name is
    an identifier is called ``blad N`` in the copy.

    The copy is written atomically with permissions 0600 (CSV through
    :func:`buitenbeeld.common.files.write_csv_rows`: text that a spreadsheet would run
    as a formula gets a leading ``'``; in xlsx such text is stored as text); a
    folder made for it gets 0700.
    """
    source, target = Path(source), Path(target)
    suffix = target.suffix.lower()
    refuse = None
    if target.resolve() == source.resolve():
        refuse = ("het nieuwe bestand is hetzelfde als het bronbestand",
                  "Geef een nieuwe bestandsnaam; het origineel wordt nooit veranderd")
    elif suffix not in (".xlsx", ".csv"):
        refuse = (f"de werkbank kan geen '{target.suffix or '(geen)'}'-bestand schrijven",
                  "Kies een naam die eindigt op .xlsx of .csv")
    elif target.exists() and not overwrite:
        refuse = (f"het nieuwe bestand {target} bestaat al",
                  "Kies een andere naam, of vervang het bestand met --overschrijven")
    if refuse:
        raise InputError(RowProblem(source.name, None, None, None, None, *refuse))
    key, where = load_key(key_path)
    sheets = read_sheets(source)
    if suffix == ".csv" and len(sheets) > 1:
        raise InputError(RowProblem(source.name, None, None, None, None,
                                    f"het bestand heeft {len(sheets)} bladen, en in een CSV-bestand past er maar één",
                                    "Kies een naam die eindigt op .xlsx, of sla eerst elk blad op als een eigen CSV"))
    actions: dict[str, str] = {}
    written: list[tuple[str | None, list[list]]] = []
    masked = 0
    for sheet in sheets:
        _, rows, count = _pseudonymise_sheet(sheet, key, actions)
        written.append((sheet.name, rows))
        masked += count
    if not target.parent.exists():
        private_dir(target.parent)  # a folder made for pseudonymised personal data: its owner's only
    if suffix == ".csv":
        write_csv_rows(target, written[0][1], mode=_PRIVATE_FILE)
    else:
        from openpyxl import Workbook

        workbook = Workbook()
        workbook.remove(workbook.active)
        for name, rows in written:
            worksheet = workbook.create_sheet(name or source.stem[:31])
            for row in rows:
                worksheet.append(row)
                for cell in worksheet[worksheet.max_row]:
                    if isinstance(cell.value, dt.date):
                        cell.number_format = "d-m-yyyy"
                    elif cell.data_type == "f":  # text starting with '=' stays text, never a live formula
                        cell.data_type = "s"
        write_atomic(target, workbook.save, mode=_PRIVATE_FILE)
    left = find_identifiers(target)
    if left:
        target.unlink()
        raise IdentifiersFoundError(left, source.name, "In de gepseudonimiseerde kopie stonden nog persoonsgegevens; "
                                                  "de kopie is weggehaald. Meld dit als fout in de werkbank, met de "
                                                  "soorten en kolommen hierboven")
    return PseudonymiseResult(source, target, where, actions, masked)
