"""An overview page of all rendered reports: ``<reports>/index.html``.

Every report folder ``<reports>/<code>-<slug>/`` holds, beside ``rapport.html``,
a ``kerncijfers.json`` with the report's key figures. :func:`read_key_figures`
collects them into one table; :func:`write_index` turns that table into a
standalone Dutch page with one sortable row per gemeente (inline CSS and a few
lines of inline JavaScript, nothing loaded from the internet, so it opens from a
USB stick or a shared drive) and a section listing the reports that failed.

Counts of young people go through :func:`buitenbeeld.privacy.disclosure.show_count`;
a suppressed count never reaches the page, not even in the ``data-sort``
attribute the sorting script reads.
"""
from __future__ import annotations

import datetime as dt
import json
import math
import re
import warnings
from pathlib import Path
from urllib.parse import quote

import pandas as pd

from buitenbeeld.privacy.disclosure import DEFAULT_THRESHOLD, is_suppressed, show_count
from buitenbeeld.errors import BuitenbeeldError
from buitenbeeld.common.files import write_atomic
from buitenbeeld.common.formatting import MISSING, escape, format_count, format_date, format_number, format_share
from buitenbeeld.publish.webpage import content_security_policy

__all__ = [
    "KEY_FIGURES_FILE",
    "INDEX_FILE",
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


def _file_in(folder: Path, name) -> str | None:
    """The relative link ``<folder>/<name>`` when ``name`` is a plain file name that exists there."""
    if not isinstance(name, str) or not name or Path(name).name != name or name in (".", ".."):
        return None
    if not (folder / name).is_file():
        return None
    return f"{quote(folder.name)}/{quote(name)}"


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
               "map", "html_href", "pdf_href"]
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
        ``map`` (the folder name) and ``html_href`` / ``pdf_href`` (links
        relative to ``reports_dir``, missing when the file is not there).
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


def _e(text) -> str:
    """Every text on the page goes through the workbench's one escaping helper (line breaks kept for ``<pre>``)."""
    return escape(str(text), lines=True)


def _sort_value(value) -> str:
    """The raw number for ``data-sort``: ``89990``, ``0.0606``; ``""`` when missing."""
    value = _number(value)
    if value is None:
        return ""
    if float(value).is_integer():
        return str(int(value))
    return repr(round(float(value), 6))


def _cell(text: str, sort: str, css: str = "num") -> str:
    return f'<td class="{css}" data-sort="{_e(sort)}">{_e(text)}</td>'


def _youth_cell(value) -> str:
    """A count of young people: ``<10`` when small, and then no raw number in the page either."""
    value = _number(value)
    if value is not None and is_suppressed(value):
        return _cell(show_count(value), repr(_SUPPRESSED_SORT))
    return _cell(show_count(value), _sort_value(value))


def _count_cell(value) -> str:
    return _cell(format_count(_number(value)), _sort_value(value))


def _generated_cell(value) -> str:
    """``2026-11-30T01:45:03`` -> ``30 november 2026 01:45``, sorting on the ISO text."""
    if not isinstance(value, str) or not value:
        return _cell(MISSING, "", "datum")
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return _cell(value, value, "datum")
    return (f'<td class="datum" data-sort="{_e(moment.isoformat())}">'
            f'<span class="nw">{_e(format_date(moment.date()))}</span> {_e(f"{moment:%H:%M}")}</td>')


def _difference_cell(row: dict, max_difference: float) -> str:
    share, national = _number(row["aandeel_buiten_beeld"]), _number(row["aandeel_nederland"])
    if share is None or national is None or is_suppressed(_number(row["buiten_beeld"])):
        return _cell(MISSING, "")
    points = (share - national) * 100
    rounded = round(points, 1)
    if rounded > 0:
        text, css = f"+{format_number(rounded, 1)}", "hoger"
    elif rounded < 0:
        text, css = f"\u2212{format_number(-rounded, 1)}", "lager"
    else:
        text, css = format_number(0, 1), "gelijk"
    # a diverging bar around the national share: right when higher, left when lower
    width = 0.0 if max_difference <= 0 else round(min(abs(points) / max_difference, 1) * 50, 1)
    left = 50 if points >= 0 else 50 - width
    label = {"hoger": "hoger dan Nederland", "lager": "lager dan Nederland", "gelijk": "gelijk aan Nederland"}[css]
    return (f'<td class="num verschil" data-sort="{_e(repr(round(points, 6)))}">'
            f'<span class="schaal" aria-hidden="true"><span class="staaf {css}" '
            f'style="left:{left}%;width:{width}%"></span></span>'
            f'<span title="{_e(label)}">{_e(text)}&nbsp;%-punt</span></td>')


def _share_cell(row: dict) -> str:
    share = _number(row["aandeel_buiten_beeld"])
    if is_suppressed(_number(row["buiten_beeld"])):  # share x jongeren would give the count away
        return _cell(MISSING, "")
    return _cell(format_share(share), _sort_value(share))


def _name_cell(row: dict, failed_codes: set[str]) -> str:
    name = row["gemeentenaam"]
    label = (f'<a href="{_e(row["html_href"])}">{_e(name)}</a>' if row["html_href"]
             else f'{_e(name)} <span class="noot">(rapport ontbreekt)</span>')
    if row["synthetisch"]:
        label += ' <span class="label-synthetisch">synthetisch</span>'
    if row["gemeentecode"] in failed_codes:
        label += ' <span class="noot">(laatste poging mislukt; dit is het vorige rapport)</span>'
    return f'<th scope="row" data-sort="{_e(_sort_key(name))}">{label}</th>'


def _row(row: dict, max_difference: float, failed_codes: set[str]) -> str:
    peiljaar = _number(row["peiljaar"])
    pdf = (f'<a href="{_e(row["pdf_href"])}">PDF</a>' if row["pdf_href"] else MISSING)
    cells = [
        _name_cell(row, failed_codes),
        _cell(row["gemeentecode"] or MISSING, row["gemeentecode"] or "", "code"),
        _cell(MISSING if peiljaar is None else str(int(peiljaar)), _sort_value(peiljaar)),
        _youth_cell(row["jongeren_15_27"]),
        _youth_cell(row["buiten_beeld"]),
        _share_cell(row),
        _difference_cell(row, max_difference),
        _youth_cell(row["zonder_bekende_reden"]),
        _count_cell(row["organisaties"]),
        *(_count_cell(row[f"wijken_zonder_{role}"]) for role in _ROLE_COLUMNS),
        _count_cell(row["afgewezen_rijen"]),
        f'<td class="pdf" data-sort="{1 if row["pdf_href"] else 0}">{pdf}</td>',
        _generated_cell(row["gegenereerd_op"]),
    ]
    return "<tr>" + "".join(cells) + "</tr>"


#: (header text, extra explanation for screen readers and the tooltip)
_HEADERS = [
    ("Gemeente", ""),
    ("Code", "CBS-gemeentecode"),
    ("Peiljaar", ""),
    ("Jongeren 15-27", "Aantal jongeren van 15 tot 27 jaar"),
    ("Buiten beeld", "Aantal jongeren buiten beeld"),
    ("Aandeel (%)", "Aandeel jongeren buiten beeld"),
    ("t.o.v. Nederland", "Verschil met het aandeel in heel Nederland, in procentpunten"),
    ("Zonder bekende reden", "Jongeren buiten beeld zonder bekende reden"),
    ("Organisaties", "Aantal organisaties op de sociale kaart"),
    ("Wijken zonder bereiken", "Wijken waar geen organisatie op de sociale kaart past bij de rol bereiken"),
    ("Wijken zonder plaatsen", "Wijken waar geen organisatie op de sociale kaart past bij de rol plaatsen"),
    ("Afgewezen rijen", "Rijen uit de interviewbestanden die niet zijn ingelezen"),
    ("PDF", ""),
    ("Gemaakt op", "Datum en tijd waarop het rapport is gemaakt"),
]

_CSS = """
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: #1a1a1a; background: #fff; margin: 1.5rem; line-height: 1.45; }
h1 { font-size: 1.5rem; margin: 0 0 .5rem; }
h2 { font-size: 1.2rem; margin-top: 2rem; }
a { color: #0b4f8a; }
a:focus, button:focus { outline: 3px solid #f2b705; outline-offset: 1px; }
.banner { border: 3px solid #8a1c00; background: #fff1e6; color: #5c1300; padding: .6rem 1rem;
  margin: 1rem 0; }
.banner strong { font-size: 1.1em; letter-spacing: .03em; }
.uitleg, .noot { color: #444; }
.noot { font-size: .85em; }
.tabel { overflow-x: auto; }
table { border-collapse: collapse; font-size: .875rem; }
caption { text-align: left; padding: .3rem 0; color: #444; }
th, td { border-bottom: 1px solid #c8c8c8; padding: .35rem .45rem; vertical-align: top; }
thead th { background: #e8eef4; text-align: left; vertical-align: bottom; }
tbody th { text-align: left; font-weight: normal; }
tbody th a { white-space: nowrap; }
.nw { white-space: nowrap; }
tbody tr:nth-child(even) { background: #f6f8fa; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
th button { font: inherit; font-weight: bold; color: inherit; background: none; border: 0; padding: 0;
  cursor: pointer; text-align: left; }
th button::after { content: " \\2195"; color: #666; }
th[aria-sort="ascending"] button::after { content: " \\25B2"; color: #1a1a1a; }
th[aria-sort="descending"] button::after { content: " \\25BC"; color: #1a1a1a; }
.verschil { min-width: 7.5rem; }
.schaal { display: inline-block; position: relative; width: 3rem; height: .8em; margin-right: .4rem;
  vertical-align: baseline; border-left: 1px solid transparent; }
.schaal::before { content: ""; position: absolute; left: 50%; top: -.15em; bottom: -.15em; border-left: 1px solid #555; }
.staaf { position: absolute; top: 0; bottom: 0; }
.staaf.hoger { background: #a63d00; }
.staaf.lager { background: #1f5f99; }
.label-synthetisch { font-size: .75em; border: 1px solid #8a1c00; color: #5c1300; padding: 0 .25rem;
  white-space: nowrap; }
.mislukt pre { white-space: pre-wrap; margin: 0; font-size: .85rem; }
@media print {
  @page { size: A4 landscape; margin: 12mm; }
  body { margin: 0; font-size: 9pt; }
  .tabel { overflow: visible; }
  table { font-size: 8pt; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
  th button::after, .sorteer-uitleg { display: none; }
  a { color: #000; text-decoration: none; }
  .staaf, .banner { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
}
"""

#: Sorting: numbers compare as numbers (``data-sort`` holds the raw value), text
#: compares in Dutch order, empty values sort last either way.
_SCRIPT = """
(function () {
  var table = document.getElementById("rapporten");
  if (!table) { return; }
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
  function key(cell) { var v = cell.getAttribute("data-sort"); return v === null ? cell.textContent.trim() : v; }
  heads.forEach(function (th, col) {
    th.querySelector("button").addEventListener("click", function () {
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = key(a.cells[col]), y = key(b.cells[col]);
        if (x === "" || y === "") { return (x === "") - (y === ""); }
        var nx = Number(x), ny = Number(y);
        var c = (isNaN(nx) || isNaN(ny)) ? x.localeCompare(y, "nl", {sensitivity: "base"}) : nx - ny;
        return ascending ? c : -c;
      });
      rows.forEach(function (row) { body.appendChild(row); });
      heads.forEach(function (h) { h.setAttribute("aria-sort", "none"); });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    });
  });
})();
"""


#: The page's policy: no outside resources, no plugins or frames, and only :data:`_SCRIPT` may run.
CONTENT_SECURITY_POLICY = content_security_policy([_SCRIPT])


def _table(table: pd.DataFrame, failed_codes: set[str]) -> str:
    rows = [{key: _clean(value) for key, value in record.items()} for record in table.to_dict("records")]
    differences = [abs(_number(r["aandeel_buiten_beeld"]) - _number(r["aandeel_nederland"])) * 100
                   for r in rows
                   if _number(r["aandeel_buiten_beeld"]) is not None and _number(r["aandeel_nederland"]) is not None
                   and not is_suppressed(_number(r["buiten_beeld"]))]
    max_difference = max(differences, default=0.0)
    head = []
    for index, (text, explanation) in enumerate(_HEADERS):
        sort = "ascending" if index == 0 else "none"
        title = f' title="{_e(explanation)}"' if explanation else ""
        head.append(f'<th scope="col" aria-sort="{sort}"><button type="button"{title}>{_e(text)}</button></th>')
    body = "\n".join(_row(row, max_difference, failed_codes) for row in rows)
    return (
        '<div class="tabel"><table id="rapporten">\n'
        f'<caption>{_e(len(rows))} {"rapport" if len(rows) == 1 else "rapporten"}, '
        'gesorteerd op gemeentenaam</caption>\n'
        f'<thead><tr>{"".join(head)}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table></div>'
    )


def _failures(failures: list[tuple[str, str]]) -> str:
    items = "\n".join(f"<tr><th scope=\"row\">{_e(name)}</th><td><pre>{_e(message)}</pre></td></tr>"
                      for name, message in failures)
    return (
        '<section class="mislukt" aria-labelledby="niet-gelukt">\n<h2 id="niet-gelukt">Niet gelukt</h2>\n'
        '<p class="uitleg">Voor deze gemeenten is geen nieuw rapport gemaakt. Staat de gemeente wel in de tabel '
        'hierboven, dan is dat een eerder gemaakt rapport.</p>\n'
        '<table><thead><tr><th scope="col">Gemeente</th><th scope="col">Melding</th></tr></thead>\n'
        f'<tbody>\n{items}\n</tbody></table>\n</section>'
    )


def _page(table: pd.DataFrame, failures: list[tuple[str, str]], now: dt.datetime) -> str:
    failed_codes = {code for name, _ in failures for code in _CODE_IN_TEXT.findall(str(name))}
    parts = [f"<h1>{_e(INDEX_TITLE)}</h1>"]
    if not table.empty and table["synthetisch"].any():
        parts.append(
            f'<div class="banner" role="note"><strong>{_e(SYNTHETIC_BANNER)}</strong><br>'
            "Een of meer rapporten hieronder (gemarkeerd met \u2018synthetisch\u2019) zijn gemaakt met verzonnen "
            "gegevens om te laten zien hoe een rapport eruitziet. Gebruik die cijfers niet voor beleid.</div>")
    parts.append(f'<p class="uitleg">Overzicht bijgewerkt op {_e(format_date(now.date()))} om '
                 f'{_e(f"{now:%H:%M}")}.</p>')
    if table.empty:
        parts.append('<p class="leeg"><strong>Er zijn nog geen rapporten.</strong> Maak ze met '
                     '<code>buitenbeeld rapporten</code>; daarna staan ze hier.</p>')
    else:
        parts.append('<p class="uitleg sorteer-uitleg">Klik op een kolomkop om de tabel op die kolom te sorteren; '
                     'klik nog eens om de volgorde om te draaien.</p>')
        parts.append(_table(table, failed_codes))
        parts.append(
            f'<p class="noot">Aantallen jongeren van 1 tot en met {DEFAULT_THRESHOLD - 1} staan er als '
            f'&lt;{DEFAULT_THRESHOLD}, zodat geen jongere herkenbaar is; is het aantal jongeren buiten beeld zo '
            'klein, dan staan ook het aandeel en het verschil met Nederland er niet. Een punt (.) betekent: '
            'onbekend. \u2018t.o.v. Nederland\u2019 is het verschil met het aandeel jongeren buiten beeld in heel '
            'Nederland, in procentpunten. \u2018Wijken zonder bereiken/plaatsen\u2019 telt de wijken waar geen '
            'enkele organisatie op de sociale kaart past bij de rol bereiken of plaatsen.</p>')
    if failures:
        parts.append(_failures(failures))
    body = "\n".join(parts)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="nl">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        # Nothing may come from elsewhere (the page must open offline), and the only script that may
        # run is the sorting script, allowed by its hash: an injected script would not run.
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"{CONTENT_SECURITY_POLICY}\">\n"
        f"<title>{_e(INDEX_TITLE)}</title>\n<style>{_CSS}</style>\n</head>\n"
        f"<body>\n<main>\n{body}\n</main>\n<script>{_SCRIPT}</script>\n</body>\n</html>\n"
    )


def write_index(reports_dir: str | Path, failures: list[tuple[str, str]] | None = None) -> Path:
    """Write ``<reports_dir>/index.html``: an overview of every report, one row per gemeente.

    Parameters
    ----------
    reports_dir
        The reports folder (created when missing). Each report folder in it
        that holds a ``kerncijfers.json`` gets a row; see :func:`read_key_figures`.
    failures
        ``(gemeente, message)`` pairs of reports that failed, listed in a
        section "Niet gelukt". A ``kerncijfers.json`` that cannot be read is
        listed there too. When a failure names a gemeentecode (``"Naam (GM0518)"``,
        as :class:`buitenbeeld.publish.render.RenderResult` does) and an older report of
        that gemeente is in the table, its row says so.

    Returns
    -------
    Path
        The written ``index.html``. It is written to a temporary file first and
        moved into place, so a reader never sees half a page.
    """
    reports_dir = Path(reports_dir)
    reports_dir.mkdir(parents=True, exist_ok=True)
    table, problems = _collect(reports_dir)
    all_failures = [(str(name), str(message)) for name, message in (failures or [])] + problems
    target = reports_dir / INDEX_FILE
    page = _page(table, all_failures, dt.datetime.now())
    write_atomic(target, lambda p: p.write_text(page, encoding="utf-8"))
    return target
