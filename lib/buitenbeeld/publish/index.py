"""The hub of everything rendered: ``<reports>/index.html``.

Every report folder ``<reports>/<code>-<slug>/`` holds, beside ``rapport.html``,
a ``kerncijfers.json`` with the report's key figures (and, when the report has
one, ``verantwoording.html``). :func:`read_key_figures` collects them into one
table; :func:`write_index` turns that table into a standalone Dutch page with one
sortable row per gemeente (inline CSS and a few lines of inline JavaScript,
nothing loaded from the internet, so it opens from a USB stick or a shared
drive), then the pilot evaluations (``<reports>/pilots/<slug>/evaluatie.html``
with ``evaluatie.json``, written by :mod:`buitenbeeld.publish.pilot_reports`), the
training material (``<reports>/training/<les>.slides.html``, handouts and PDFs,
written by ``buitenbeeld training``) and a section listing what failed.

What failed is recorded beside the page (``.mislukt.json``), so that a later
refresh of the page (after the pilots or the training were built) keeps
listing the failures of the last batch; see :func:`write_index`.

The markup is the Jinja template ``publish/templates/index/index.html.j2`` and
the sorting script ``sorteren.js`` beside it; this module prepares the values
(Dutch numbers and dates through :mod:`buitenbeeld.common.formatting`) and the
template writes every one of them through
:func:`buitenbeeld.common.formatting.escape`, once.

Counts of young people go through :func:`buitenbeeld.privacy.disclosure.show_count`;
a suppressed count never reaches the page, not even in the ``data-sort``
attribute the sorting script reads.
"""
from __future__ import annotations

import datetime as dt
import html
import json
import math
import re
import warnings
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

import pandas as pd
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from buitenbeeld.common.files import write_atomic
from buitenbeeld.common.formatting import MISSING, escape, format_count, format_date, format_number, format_share
from buitenbeeld.errors import BuitenbeeldError
from buitenbeeld.privacy.disclosure import DEFAULT_THRESHOLD, is_suppressed, show_count
from buitenbeeld.publish.webpage import content_security_policy
from buitenbeeld.settings import TEMPLATES_DIR

__all__ = [
    "KEY_FIGURES_FILE",
    "INDEX_FILE",
    "ACCOUNT_FILE",
    "PILOTS_DIR",
    "PILOT_FILE",
    "TRAINING_DIR_NAME",
    "INDEX_TITLE",
    "SYNTHETIC_BANNER",
    "CONTENT_SECURITY_POLICY",
    "read_key_figures",
    "write_index",
]

#: The file a report writes beside ``rapport.html``.
KEY_FIGURES_FILE = "kerncijfers.json"
#: The overview page written into the reports folder.
INDEX_FILE = "index.html"
#: The account of how a report was made, beside ``rapport.html`` when the report writes one.
ACCOUNT_FILE = "verantwoording.html"
#: The folder of the pilot evaluations (``<reports>/pilots/<slug>/``) and the file with what the index shows of one.
PILOTS_DIR = "pilots"
PILOT_FILE = "evaluatie.json"
#: The folder of the training material under the reports folder (``buitenbeeld training``'s default).
TRAINING_DIR_NAME = "training"
#: What failed in the last batch, beside the page (see :func:`write_index`).
_FAILURES_FILE = ".mislukt.json"
INDEX_TITLE = "Rapporten jongeren buiten beeld en sociale kaart"
SYNTHETIC_BANNER = "SYNTHETISCHE DEMONSTRATIEGEGEVENS"

#: Keys of ``kerncijfers.json``; missing keys read as ``None``.
_FIELDS = [
    "gemeentecode", "gemeentenaam", "peiljaar", "jongeren_15_27", "buiten_beeld",
    "aandeel_buiten_beeld", "aandeel_nederland", "zonder_bekende_reden", "organisaties",
    "afgewezen_rijen", "wijken", "synthetisch", "gegenereerd_op", "scoring_versie", "html", "pdf",
]
_ROLES = ["bereiken", "activeren", "plaatsen", "behouden"]
#: Roles whose uncovered wijken get a column on the page.
_ROLE_COLUMNS = ["bereiken", "plaatsen"]
#: Where a suppressed count sorts: between 0 and the threshold, and not a real count.
_SUPPRESSED_SORT = DEFAULT_THRESHOLD - 0.5
_CODE_IN_TEXT = re.compile(r"\b(GM\d{4})\b")


# --------------------------------------------------------------------------- reading


def _clean(value):
    """NaN, ``pd.NA`` and friends -> ``None``; numpy scalars -> Python scalars."""
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):  # lists, dicts
        return value
    return value.item() if hasattr(value, "item") else value


def _number(value) -> float | int | None:
    """A JSON value as a number, or ``None`` when it is missing or not a number."""
    value = _clean(value)
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return None if isinstance(value, float) and not math.isfinite(value) else value
    return None


def _file_in(folder: Path, name, prefix: str = "") -> str | None:
    """The relative link ``[prefix/]<folder>/<name>`` when ``name`` is a plain file name that exists there."""
    if not isinstance(name, str) or not name or Path(name).name != name or name in (".", ".."):
        return None
    if not (folder / name).is_file():
        return None
    return f"{prefix}{quote(folder.name)}/{quote(name)}"


def _record(folder: Path, figures: dict) -> dict:
    record = {key: figures.get(key) for key in _FIELDS}
    if not isinstance(record["gemeentenaam"], str) or not record["gemeentenaam"].strip():
        record["gemeentenaam"] = folder.name
    rollen = figures.get("rollen_gedekt") or {}
    if not isinstance(rollen, dict):
        rollen = {}
    wijken = _number(record["wijken"])
    for role in _ROLES:
        covered = _number(rollen.get(role))
        record[f"rollen_gedekt_{role}"] = covered
        record[f"wijken_zonder_{role}"] = None if wijken is None or covered is None else wijken - covered
    record["synthetisch"] = bool(record["synthetisch"])
    record["map"] = folder.name
    record["html_href"] = _file_in(folder, record["html"] or "rapport.html")
    record["pdf_href"] = _file_in(folder, record["pdf"])
    record["verantwoording_href"] = _file_in(folder, ACCOUNT_FILE)
    return record


def _sort_key(name: str) -> str:
    """Alphabetical order of gemeente names: case- and accent-blind, leading ``'s-`` punctuation ignored."""
    return re.sub(r"^[^0-9a-z]+", "", str(name).casefold())


def _collect(reports_dir: Path) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    """Read every ``*/kerncijfers.json``; returns the table and the files that could not be read."""
    records: list[dict] = []
    problems: list[tuple[str, str]] = []
    folders = sorted(p for p in Path(reports_dir).glob("*") if p.is_dir() and not p.name.startswith((".", "_")))
    for folder in folders:
        path = folder / KEY_FIGURES_FILE
        if not path.is_file():
            continue
        try:
            figures = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(figures, dict):
                raise ValueError("expected a JSON object")
        except (OSError, UnicodeDecodeError, ValueError) as error:
            problems.append((folder.name, f"{path.name} is niet te lezen / cannot be read: {error}"))
            continue
        records.append(_record(folder, figures))
    columns = [*_FIELDS, *(f"rollen_gedekt_{r}" for r in _ROLES), *(f"wijken_zonder_{r}" for r in _ROLES),
               "map", "html_href", "pdf_href", "verantwoording_href"]
    table = pd.DataFrame.from_records(records, columns=columns)
    if not table.empty:
        table = (table.assign(_key=table["gemeentenaam"].map(_sort_key))
                 .sort_values(["_key", "gemeentecode"], kind="stable", na_position="last")
                 .drop(columns="_key")
                 .reset_index(drop=True))
    return table, problems


def read_key_figures(reports_dir: str | Path, *, strict: bool = False) -> pd.DataFrame:
    """The key figures of every report under ``reports_dir``, one row per report.

    Reads ``<reports_dir>/*/kerncijfers.json``, skipping folders whose name
    starts with ``.`` (reports being built) or ``_`` (failed notebooks).

    Parameters
    ----------
    reports_dir
        The reports folder.
    strict
        Raise on a ``kerncijfers.json`` that cannot be read instead of warning
        and skipping it.

    Returns
    -------
    pandas.DataFrame
        The keys of ``kerncijfers.json`` (missing keys are ``None``), with
        ``rollen_gedekt`` flattened to ``rollen_gedekt_<rol>``, the uncovered
        wijken per role ``wijken_zonder_<rol>`` (``wijken - rollen_gedekt``),
        ``map`` (the folder name) and ``html_href`` / ``pdf_href`` /
        ``verantwoording_href`` (links relative to ``reports_dir``, missing when
        the file is not there).
        Sorted by gemeentenaam (case-blind, a leading ``'s-`` ignored).

    Raises
    ------
    BuitenbeeldError
        With ``strict=True``, when a ``kerncijfers.json`` cannot be read.
    """
    table, problems = _collect(Path(reports_dir))
    for folder, message in problems:
        if strict:
            raise BuitenbeeldError(f"{Path(reports_dir) / folder / KEY_FIGURES_FILE}: {message}")
        warnings.warn(f"skipped {folder}: {message}", stacklevel=2)
    return table


# --------------------------------------------------------------------------- page


def _sort_value(value) -> str:
    """The raw number for ``data-sort``: ``89990``, ``0.0606``; ``""`` when missing."""
    value = _number(value)
    if value is None:
        return ""
    if float(value).is_integer():
        return str(int(value))
    return repr(round(float(value), 6))


def _cell(text: str, sort: str, css: str = "num") -> dict:
    """A plain table cell as the template draws it: shown text, the ``data-sort`` value and its class."""
    return {"soort": "tekst", "tekst": text, "sorteer": sort, "klasse": css}


def _youth_cell(value) -> dict:
    """A count of young people: ``<10`` when small, and then no raw number in the page either."""
    value = _number(value)
    if value is not None and is_suppressed(value):
        return _cell(show_count(value), repr(_SUPPRESSED_SORT))
    return _cell(show_count(value), _sort_value(value))


def _count_cell(value) -> dict:
    return _cell(format_count(_number(value)), _sort_value(value))


def _generated_cell(value) -> dict:
    """``2026-11-30T01:45:03`` -> ``30 november 2026 01:45``, sorting on the ISO text."""
    if not isinstance(value, str) or not value:
        return _cell(MISSING, "", "datum")
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return _cell(value, value, "datum")
    return {"soort": "tijdstip", "tekst": format_date(moment.date()), "tijd": f"{moment:%H:%M}",
            "sorteer": moment.isoformat(), "klasse": "datum"}


def _difference_cell(row: dict, max_difference: float) -> dict:
    """The share against the national one in %-points, with a diverging bar: right when higher, left when lower."""
    share, national = _number(row["aandeel_buiten_beeld"]), _number(row["aandeel_nederland"])
    if share is None or national is None or is_suppressed(_number(row["buiten_beeld"])):
        return _cell(MISSING, "")
    points = (share - national) * 100
    rounded = round(points, 1)
    if rounded > 0:
        text, direction = f"+{format_number(rounded, 1)}", "hoger"
    elif rounded < 0:
        text, direction = f"\u2212{format_number(-rounded, 1)}", "lager"
    else:
        text, direction = format_number(0, 1), "gelijk"
    width = 0.0 if max_difference <= 0 else round(min(abs(points) / max_difference, 1) * 50, 1)
    label = {"hoger": "hoger dan Nederland", "lager": "lager dan Nederland", "gelijk": "gelijk aan Nederland"}
    return {"soort": "verschil", "tekst": text, "sorteer": repr(round(points, 6)), "richting": direction,
            "links": 50 if points >= 0 else 50 - width, "breedte": width, "uitleg": label[direction]}


def _share_cell(row: dict) -> dict:
    share = _number(row["aandeel_buiten_beeld"])
    if is_suppressed(_number(row["buiten_beeld"])):  # share x jongeren would give the count away
        return _cell(MISSING, "")
    return _cell(format_share(share), _sort_value(share))


def _pdf_cell(href: str | None, text: str = "PDF") -> dict:
    if not href:
        return _cell(MISSING, "0", "pdf")
    return {"soort": "link", "tekst": text, "href": href, "sorteer": "1", "klasse": "pdf"}


def _row(row: dict, max_difference: float, failed_codes: set[str]) -> dict:
    """One gemeente as the template shows it: its name cell and every other cell by column key."""
    peiljaar = _number(row["peiljaar"])
    cells = {
        "code": _cell(row["gemeentecode"] or MISSING, row["gemeentecode"] or "", "code"),
        "peiljaar": _cell(MISSING if peiljaar is None else str(int(peiljaar)), _sort_value(peiljaar)),
        "jongeren_15_27": _youth_cell(row["jongeren_15_27"]),
        "buiten_beeld": _youth_cell(row["buiten_beeld"]),
        "aandeel_buiten_beeld": _share_cell(row),
        "verschil": _difference_cell(row, max_difference),
        "zonder_bekende_reden": _youth_cell(row["zonder_bekende_reden"]),
        "organisaties": _count_cell(row["organisaties"]),
        **{f"wijken_zonder_{role}": _count_cell(row[f"wijken_zonder_{role}"]) for role in _ROLE_COLUMNS},
        "afgewezen_rijen": _count_cell(row["afgewezen_rijen"]),
        "pdf": _pdf_cell(row["pdf_href"]),
        "verantwoording": _pdf_cell(row["verantwoording_href"], "Verantwoording"),
        "gegenereerd_op": _generated_cell(row["gegenereerd_op"]),
    }
    return {"naam": row["gemeentenaam"], "sorteer": _sort_key(row["gemeentenaam"]), "html": row["html_href"],
            "synthetisch": row["synthetisch"], "mislukt": row["gemeentecode"] in failed_codes, "cellen": cells}


def _rows(table: pd.DataFrame, failures: list[tuple[str, str]]) -> list[dict]:
    failed_codes = {code for name, _ in failures for code in _CODE_IN_TEXT.findall(str(name))}
    rows = [{key: _clean(value) for key, value in record.items()} for record in table.to_dict("records")]
    differences = [abs(_number(r["aandeel_buiten_beeld"]) - _number(r["aandeel_nederland"])) * 100
                   for r in rows
                   if _number(r["aandeel_buiten_beeld"]) is not None and _number(r["aandeel_nederland"]) is not None
                   and not is_suppressed(_number(r["buiten_beeld"]))]
    max_difference = max(differences, default=0.0)
    return [_row(row, max_difference, failed_codes) for row in rows]


def _escaped(value) -> Markup:
    """Every value the template writes, through the workbench's one escaping helper (markup passes as it is)."""
    return value if isinstance(value, Markup) else Markup(escape(value))


def _escaped_lines(value) -> Markup:
    """The same for a ``<pre>``: line breaks kept."""
    return Markup(escape(value, lines=True))


@lru_cache(maxsize=1)
def _template():
    environment = Environment(loader=FileSystemLoader(str(TEMPLATES_DIR / "index")), autoescape=True,
                              finalize=_escaped, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                              keep_trailing_newline=True)
    environment.filters["regels"] = _escaped_lines
    return environment.get_template("index.html.j2")


#: Sorting the table in the browser; read once, so that the page carries exactly the text the policy hashes.
_SCRIPT = (TEMPLATES_DIR / "index" / "sorteren.js").read_text(encoding="utf-8")
#: The page's policy: no outside resources, no plugins or frames, and only the sorting script may run.
CONTENT_SECURITY_POLICY = content_security_policy([_SCRIPT])


# --------------------------------------------------------------------------- pilots, training, failures


def _pilots(reports_dir: Path, failed: set[str]) -> tuple[list[dict], list[tuple[str, str]]]:
    """The pilot evaluations under ``<reports>/pilots/``, by gemeente; and the folders whose file cannot be read."""
    base = reports_dir / PILOTS_DIR
    folders = sorted(p for p in base.glob("*") if p.is_dir() and not p.name.startswith((".", "_"))) if base.is_dir() else []
    rows, problems = [], []
    for folder in folders:
        try:
            meta = json.loads((folder / PILOT_FILE).read_text(encoding="utf-8")) if (folder / PILOT_FILE).is_file() else {}
            if not isinstance(meta, dict):
                raise ValueError("geen JSON-object")
        except (OSError, UnicodeDecodeError, ValueError) as error:
            problems.append((folder.name, f"{PILOT_FILE} is niet te lezen: {error}"))
            continue
        prefix = f"{PILOTS_DIR}/"
        page = _file_in(folder, meta.get("html") or "evaluatie.html", prefix)
        if page is None and not meta:
            continue  # not a pilot evaluation
        pilot = meta["pilot"] if isinstance(meta.get("pilot"), str) and meta["pilot"] else folder.name
        names = [str(n) for n in meta.get("gemeenten") or [] if n] if isinstance(meta.get("gemeenten"), list) else []
        rows.append({"naam": ", ".join(names) or pilot, "pilot": pilot, "periode": str(meta.get("periode") or MISSING),
                     "html": page, "notebook": _file_in(folder, meta.get("notebook") or "evaluatie.ipynb", prefix),
                     "gemaakt": _generated_cell(meta.get("gegenereerd_op")), "synthetisch": bool(meta.get("synthetisch")),
                     "mislukt": pilot in failed})
    return sorted(rows, key=lambda r: (_sort_key(r["naam"]), r["pilot"])), problems


_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.S | re.I)


def _title(path: Path) -> str | None:
    """The text of a page's ``<title>`` (character references read), or None."""
    try:
        found = _TITLE.search(path.read_text(encoding="utf-8", errors="replace")[:100_000])
    except OSError:
        return None
    return (" ".join(html.unescape(found.group(1)).split()) or None) if found else None


def _training(reports_dir: Path) -> list[dict]:
    """The training material under ``<reports>/training/``: per lesson its slides, handout and PDF, in teaching order."""
    folder = reports_dir / TRAINING_DIR_NAME
    lessons = []
    for slides in sorted(folder.glob("*.slides.html")) if folder.is_dir() else []:
        stem = slides.name[:-len(".slides.html")]
        handout = folder / f"{stem}.html"
        title = (_title(handout) if handout.is_file() else None) or _title(slides) or stem.replace("_", " ")
        lessons.append({"titel": title, "slides": _file_in(folder, slides.name), "handout": _file_in(folder, handout.name),
                        "pdf": _file_in(folder, f"{stem}.pdf")})
    return lessons


def _pairs(value) -> list[tuple[str, str]]:
    return [(str(pair[0]), str(pair[1])) for pair in value or [] if isinstance(pair, (list, tuple)) and len(pair) == 2]


def _failures(reports_dir: Path, failures, pilot_failures) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The failures to list: the ones given, else the ones the last write recorded; what is listed is recorded."""
    path = reports_dir / _FAILURES_FILE
    try:
        recorded = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    except (OSError, UnicodeDecodeError, ValueError):
        recorded = {}
    recorded = recorded if isinstance(recorded, dict) else {}
    gemeenten = _pairs(recorded.get("gemeenten") if failures is None else failures)
    pilots = _pairs(recorded.get("pilots") if pilot_failures is None else pilot_failures)
    if gemeenten or pilots:
        text = json.dumps({"gemeenten": gemeenten, "pilots": pilots}, ensure_ascii=False, indent=1)
        write_atomic(path, lambda p: p.write_text(text, encoding="utf-8"))
    else:
        path.unlink(missing_ok=True)
    return gemeenten, pilots


def _page(reports_dir: Path, failures: list[tuple[str, str]], pilot_failures: list[tuple[str, str]],
          now: dt.datetime) -> str:
    table, problems = _collect(reports_dir)
    pilots, pilot_problems = _pilots(reports_dir, {name for name, _ in pilot_failures})
    failures, pilot_failures = failures + problems, pilot_failures + pilot_problems
    synthetic = (not table.empty and bool(table["synthetisch"].any())) or any(p["synthetisch"] for p in pilots)
    return _template().render(
        titel=INDEX_TITLE, beleid=Markup(CONTENT_SECURITY_POLICY), script=Markup(_SCRIPT),
        banner=SYNTHETIC_BANNER if synthetic else None,
        bijgewerkt_datum=format_date(now.date()), bijgewerkt_tijd=f"{now:%H:%M}",
        rijen=_rows(table, failures), drempel=DEFAULT_THRESHOLD, mislukt=failures,
        verantwoording=not table.empty and bool(table["verantwoording_href"].notna().any()),
        pilots=pilots, training=_training(reports_dir), mislukt_pilots=pilot_failures,
    )


def write_index(reports_dir: str | Path, failures: list[tuple[str, str]] | None = None,
                pilot_failures: list[tuple[str, str]] | None = None) -> Path:
    """Write ``<reports_dir>/index.html``: the hub of every report, pilot evaluation and lesson.

    Parameters
    ----------
    reports_dir
        The reports folder (created when missing). Each report folder in it
        that holds a ``kerncijfers.json`` gets a row; see :func:`read_key_figures`.
        Each folder ``pilots/<slug>/`` with an ``evaluatie.html`` (and its
        ``evaluatie.json``) is listed under "Pilotevaluaties", each lesson in
        ``training/`` (``<les>.slides.html``, ``<les>.html``, ``<les>.pdf``)
        under "Training".
    failures
        ``(gemeente, message)`` pairs of reports that failed, listed in a
        section "Niet gelukt". A ``kerncijfers.json`` that cannot be read is
        listed there too. When a failure names a gemeentecode (``"Naam (GM0518)"``,
        as :class:`buitenbeeld.publish.render.RenderResult` does) and an older report of
        that gemeente is in the table, its row says so. ``None``: the failures
        the last write recorded (``.mislukt.json``), for a refresh of the page.
    pilot_failures
        The same for pilot evaluations: ``(pilot, message)``, the pilot as its
        ``evaluatie.json`` names it; ``None``: the ones recorded last.

    Returns
    -------
    Path
        The written ``index.html``. It is written to a temporary file first and
        moved into place, so a reader never sees half a page.
    """
    reports_dir = Path(reports_dir)
    reports_dir.mkdir(parents=True, exist_ok=True)
    failures, pilot_failures = _failures(reports_dir, failures, pilot_failures)
    target = reports_dir / INDEX_FILE
    page = _page(reports_dir, failures, pilot_failures, dt.datetime.now())
    write_atomic(target, lambda p: p.write_text(page, encoding="utf-8"))
    return target
