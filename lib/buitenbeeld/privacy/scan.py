"""The personal-data scan: a rendered report must not contain personal data.

The personal columns of the interviews (interviewer, contactpersoon, telefoon,
email) are split off at ingest and never reach a report. This module checks
that after rendering: :func:`check_report` scans the report's HTML for every
value of those columns and for anything that looks like an e-mail address or a
Dutch phone number, and raises :class:`PersonalDataFoundError` when one is there.
A finding is described by its kind, the report's section, whether it is in a
table and the personal column it came from: never by the value or the words
around it, so the message itself can go to a console, a log or an index.

What is scanned is what a reader can get at: the visible text, the attribute
values (``title``, ``alt``, ``href`` ...) and comments; not SVG geometry
(``d``, ``points``, ``transform``, ``viewBox`` holding only numbers). Not scanned: ``<style>``
and JavaScript ``<script>`` contents (CSS and libraries are full of look-alike
numbers; ``<script>`` blocks whose type ends in ``json`` hold data and *are*
scanned) and base64 ``data:`` URIs (embedded images: text in an image cannot
be read without OCR, so a figure must be built from the non-personal tables).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Mapping
from urllib.parse import unquote

import pandas as pd

from buitenbeeld.errors import PersonalDataFoundError

__all__ = [
    "PERSONAL", "EMAIL", "PHONE", "COMMON_WORDS", "START_SECTION", "HEADING_SECTION",
    "Finding", "personal_values", "scan_html", "check_report",
    "EMAIL_PATTERN", "phone_spans",
]

#: Kinds of :class:`Finding`.
PERSONAL, EMAIL, PHONE = "persoonsgegeven", "e-mailadres", "telefoonnummer"

#: Single words that are not searched even when they are a personal value: a
#: contact person entered as "Balie" or "Onbekend" would match all over a report
#: and fail every render. A value of two or more words is always searched.
COMMON_WORDS = frozenset("""
    onbekend anoniem geen niemand niet nvt n.v.t. idem zelfde zelf ditto nee info informatie
    algemeen balie receptie secretariaat kantoor bestuur voorzitter secretaris penningmeester
    directeur directie manager coordinator coördinator leiding leider eigenaar medewerker
    medewerkers vrijwilliger vrijwilligers team trainer coach docent jongerenwerker
    jongerenwerk wijkteam wijkagent imam pastor dominee predikant gemeente stichting
    vereniging organisatie jongeren contact contactpersoon interviewer telefoon email e-mail
    mail website buurt wijk centrum zie boven onder deze voor door naar over maar heeft
""".split())

#: The digits of a phone value are searched only when there are at least this many.
_PHONE_DIGITS = 8
_BLOCK_TAGS = frozenset("""
    address article aside blockquote body caption dd details dialog div dl dt fieldset figcaption
    figure footer form h1 h2 h3 h4 h5 h6 head header hr html legend li main nav ol option p pre
    section summary table tbody td text tfoot th thead title tr ul
""".split())
#: SVG attributes that only place shapes (the paths of a map: long runs of numbers that look like phone
#: numbers to a pattern); skipped when they hold nothing but numbers and path commands.
_GEOMETRY = frozenset({"d", "points", "transform", "viewbox"})
_NUMBERS_ONLY = re.compile(r"[\d\s.,+\-eMmLlHhVvCcSsQqTtAaZz()]*"
                           r"|(?:translate|rotate|scale|matrix)\([\d\s.,+\-e]*\)"
                           r"(?:\s*(?:translate|rotate|scale|matrix)\([\d\s.,+\-e]*\))*")
_BASE64_URI = re.compile(r"data:[^,\s\"'()]*;base64,[A-Za-z0-9+/=]*", re.IGNORECASE)
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)
#: An e-mail address (also the privacy gate's, :mod:`buitenbeeld.privacy.identifiers`).
EMAIL_PATTERN = re.compile(
    r"(?<![\w.%+'-])[\w%+'-]+(?:\.[\w%+'-]+)*@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}(?![\w-])",
    re.IGNORECASE,
)
# A phone number: a Dutch national number (0, then 9 digits) or +31/0031 and 9
# digits, in groups of at least two digits separated by one space, or by one of
# - . / – with optional spaces; the area code may be in parentheses, "(0)" may
# follow the country code. Not inside a word or a longer number.
_SEP = r"(?: ?[-./\u2013] ?| )"
_PHONE = re.compile(
    r"(?<![\w+(])(?<!\d[-./\u2013])"
    r"(?:(?:\+|00)31 ?(?:\(0\) ?)?(?:[-.] ?)?\d+|\(0\d*\) ?\d*|0\d+)"
    rf"(?:{_SEP}\d{{2,}})*"
    r"(?![\w])(?![-./\u2013]?\d)"
)
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Finding:
    """Personal data found in a report.

    ``text`` is the matched text in full, for the caller only: it is kept out of
    ``repr`` and out of every message. ``section`` is the heading of the part of
    the report where it was found; ``in_table`` says whether it was in a table;
    ``column`` names the personal column a :data:`PERSONAL` value came from.
    Neither the text nor the words around it are ever described.
    """

    kind: str
    text: str = field(repr=False)
    section: str
    column: str | None = None
    in_table: bool = False

    def describe(self) -> str:
        """One Dutch line for a message: the kind of data and where, never the data or its neighbours."""
        where = [f"sectie '{self.section}'"] + (["in een tabel"] if self.in_table else [])
        source = f" (uit de kolom '{self.column}')" if self.column else ""
        return f"{self.kind}{source} in {', '.join(where)}"





def _text(value) -> str | None:
    """A cell of the personal table as searchable text; ``None`` when empty."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a phone number typed as a number in Excel
    text = _SPACE.sub(" ", str(value)).strip()
    return text or None


def _is_phone(value: str) -> bool:
    return re.fullmatch(r"\+?[\d\s()./-]+", value) is not None


def personal_values(personal: pd.DataFrame, min_length: int = 4) -> dict[str, str]:
    """The values to look for in a report: value -> the personal column it came from.

    Parameters
    ----------
    personal : pandas.DataFrame
        The personal table (``organisatie_id`` and the personal columns
        ``interviewer``, ``contactpersoon``, ``telefoon``, ``email``); every
        column but ``organisatie_id`` is taken as personal. Empty cells are skipped.
    min_length : int
        A single-word value shorter than this is skipped, and so is one in
        :data:`COMMON_WORDS`: a short or common word (``Jan``, ``Balie``) would
        match everywhere in a report. A value of two or more words is always kept.

    Returns
    -------
    dict of str to str
        Whitespace-normalised value -> column, first column wins. A value with a
        remark in parentheses (``Piet Jansen (fictief)``) is also looked for
        without it. A phone-like value (digits, spaces, ``+()-./``) needs at least
        8 digits and is matched on its digits, whatever the separators.
    """
    found: dict[str, str] = {}
    seen: set[str] = set()
    for column in (c for c in personal.columns if c != "organisatie_id"):
        for cell in personal[column]:
            text = _text(cell)
            if text is None:
                continue
            bare = _SPACE.sub(" ", re.sub(r"\([^)]*\)", " ", text)).strip()
            for value in dict.fromkeys([text, bare]):
                if not value or value.casefold() in seen:
                    continue
                if _is_phone(value):
                    keep = len(re.sub(r"\D", "", value)) >= _PHONE_DIGITS
                else:
                    keep = " " in value or (len(value) >= min_length and value.casefold() not in COMMON_WORDS)
                if keep:
                    seen.add(value.casefold())
                    found[value] = str(column)
    return found


#: Where a finding before the first heading is said to be.
START_SECTION = "het begin van het rapport"
#: What a section is called when its own heading holds the finding.
HEADING_SECTION = "een kop van het rapport"
_HEADINGS = frozenset({"h1", "h2", "h3"})


class _Extractor(HTMLParser):
    """Collects the searchable text of an HTML document as lines that no match may cross.

    Each line remembers the section it is in (the last ``h1``-``h3`` heading
    before it) and whether it is inside a table, so a finding can say where it is
    without quoting the text around it.
    """

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.section = START_SECTION
        self.tables = 0
        self.blocks: list[tuple[list[str], str, bool]] = [([], self.section, False)]
        self.heading_blocks: set[int] = set()
        self.separate: list[tuple[str, str, bool]] = []
        self._heading: list[str] | None = None
        self._skipping: str | None = None  # "style"/"script" whose contents are skipped
        self._data_script = False

    def _new_block(self):
        self.blocks.append(([], self.section, self.tables > 0))

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables += 1
        if tag == "br":
            self.blocks[-1][0].append(" ")
        elif tag in _BLOCK_TAGS:
            self._new_block()
        if tag in _HEADINGS:
            self._heading = []
            self.heading_blocks.add(len(self.blocks) - 1)
        for name, value in attrs:
            if not value or (value.lstrip()[:5].lower() == "data:" and ";base64," in value.lower()):
                continue
            if name in _GEOMETRY and _NUMBERS_ONLY.fullmatch(value):  # an SVG shape: numbers, never shown as text
                continue
            text = unquote(value) if _SCHEME.match(value.lstrip()) else value
            self.separate.append((text, self.section, self.tables > 0))
        if tag in ("style", "script"):
            kind = (dict(attrs).get("type") or "").strip().lower()
            self._data_script = tag == "script" and kind.endswith("json")
            self._skipping = None if self._data_script else tag

    def handle_endtag(self, tag):
        if tag == self._skipping:
            self._skipping = None
        self._data_script = self._data_script and tag != "script"
        if tag in _HEADINGS and self._heading is not None:
            heading = _SPACE.sub(" ", "".join(self._heading).replace("\u00b6", "")).strip()
            self.section = heading[:80] or self.section
            self._heading = None
        if tag == "table":
            self.tables = max(0, self.tables - 1)
        if tag in _BLOCK_TAGS:
            self._new_block()

    def handle_data(self, data):
        if self._data_script:
            self.separate.append((data, self.section, self.tables > 0))
        elif self._skipping is None:
            self.blocks[-1][0].append(data)
            if self._heading is not None:
                self._heading.append(data)

    def handle_comment(self, data):
        self.separate.append((data, self.section, self.tables > 0))


def _searchable_lines(html: str) -> tuple[str, list[tuple[str, bool]]]:
    """Lines of whitespace-normalised text (a line is a block, an attribute or a comment), and where each is."""
    parser = _Extractor()
    parser.feed(html.replace("\x00", " "))
    parser.close()
    parts = [("".join(pieces), HEADING_SECTION if index in parser.heading_blocks else section, table)
             for index, (pieces, section, table) in enumerate(parser.blocks)] + parser.separate
    lines, places = [], []
    for part, section, table in parts:
        line = _SPACE.sub(" ", _BASE64_URI.sub(" ", part)).strip()
        if line:
            lines.append(line)
            places.append((section, table))
    return "\n".join(lines), places


def _searchable(html: str) -> str:
    """Lines of whitespace-normalised text (a line is a block, an attribute or a comment)."""
    return _searchable_lines(html)[0]


@lru_cache(maxsize=4096)
def _value_pattern(value: str) -> re.Pattern:
    if _is_phone(value):
        digits = re.sub(r"\D", "", value)
        return re.compile(r"(?<!\d)" + r"[ ()./-]{0,3}".join(digits) + r"(?!\d)")
    words = (re.escape(word) for word in value.split(" "))
    return re.compile(r"(?<!\w)" + " ".join(words) + r"(?!\w)", re.IGNORECASE)


_PHONE_SEPARATORS = re.compile(r"[ ()./-]")
_ASCII_RUN = re.compile(r"[a-z0-9]{3,}")
# Under re.IGNORECASE these two also match an ASCII letter, and lower() leaves them.
_FOLD = str.maketrans({"\u0131": "i", "\u017f": "s"})


def _needles(value: str) -> tuple[bool, tuple[str, ...]]:
    """What :func:`_could_match` looks for: (is a phone number, its digits) or (not, its ASCII runs in lower case)."""
    if _is_phone(value):
        return True, (re.sub(r"\D", "", value),)
    return False, tuple(_ASCII_RUN.findall(value.lower()))


@lru_cache(maxsize=4)
def _prepared(values: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str, bool, tuple[str, ...]], ...]:
    """The values with their needles, made once per set of values (a batch scans every page for the same ones)."""
    return tuple((value, column, *_needles(value)) for value, column in values)


def _could_match(needles: tuple[bool, tuple[str, ...]], lowered: str, joined_digits: str) -> bool:
    """A cheap necessary condition for ``_value_pattern(value)`` to match the text (``needles``: :func:`_needles`).

    ``lowered`` is the text in lower case (see ``_FOLD``), ``joined_digits`` the
    text without phone separators. Most personal values are not in a report, and
    a substring test is far cheaper than a regular expression over the whole text.
    """
    phone, parts = needles
    if phone:
        return parts[0] in joined_digits
    return all(run in lowered for run in parts)


def _phone_ok(candidate: str) -> bool:
    """True when a phone-shaped match has the digits of a Dutch phone number."""
    digits = re.sub(r"\D", "", candidate)
    if candidate.startswith(("+31", "0031")):
        rest = re.sub(r"\D", "", re.sub(r"^(?:\+|00)31 ?(?:\(0\))?", "", candidate))
        return len(rest) == 9 and rest[0] != "0"
    return len(digits) == 10 and digits[0] == "0" and digits[1] != "0"


def phone_spans(text: str):
    """Spans of Dutch phone numbers; a run of space-separated numbers is cut into numbers."""
    position = 0
    while match := _PHONE.search(text, position):
        run, start = match.group(), match.start()
        ends = [len(run)] + [i for i in range(len(run) - 1, 0, -1)
                             if run[i] == " " and run[i - 1] in "0123456789)" and run[i + 1] in "0123456789("]
        end = next((e for e in ends if _phone_ok(run[:e])), None)
        if end is None:
            position = start + 1
        else:
            yield start, start + end
            position = start + end


def scan_html(html: str, values: Mapping[str, str]) -> list[Finding]:
    """Personal data in ``html``: the ``values`` (from :func:`personal_values`), e-mail addresses, phone numbers.

    Values match case-insensitively on word boundaries, with any whitespace
    (line breaks too) between their words; see the module docstring for which
    parts of the HTML are searched. Where matches overlap, a personal value wins
    over an e-mail address or phone number, and the longer match wins. Returns
    one :class:`Finding` per distinct (kind, text, column), in document order.
    """
    text, places = _searchable_lines(html)
    matches: list[tuple[int, int, int, str, str | None]] = []  # start, end, priority, kind, column
    lowered, joined_digits = text.lower().translate(_FOLD), _PHONE_SEPARATORS.sub("", text)
    for value, column, *needles in _prepared(tuple(values.items())):
        if _could_match(needles, lowered, joined_digits):
            matches += [(m.start(), m.end(), 0, PERSONAL, column) for m in _value_pattern(value).finditer(text)]
    matches += [(m.start(), m.end(), 1, EMAIL, None) for m in EMAIL_PATTERN.finditer(text)]
    matches += [(a, b, 1, PHONE, None) for a, b in phone_spans(text)]
    accepted: list[tuple[int, int, int, str, str | None]] = []
    for match in sorted(matches, key=lambda m: (m[2], m[0] - m[1], m[0])):
        if all(match[1] <= a or match[0] >= b for a, b, *_ in accepted):
            accepted.append(match)
    found = [text[a:b].casefold() for a, b, *_ in matches]
    findings: dict[tuple, Finding] = {}
    for start, end, _, kind, column in sorted(accepted):
        matched = text[start:end]
        key = (kind, matched.casefold(), column)
        if key not in findings:
            section, table = places[text.count("\n", 0, start)]
            if any(value in section.casefold() for value in found):  # the heading itself would tell
                section = HEADING_SECTION
            findings[key] = Finding(kind, matched, section, column, table)
    return list(findings.values())


def check_report(html_path: Path, personal: pd.DataFrame | Mapping[str, str]) -> None:
    """Fail when the rendered report at ``html_path`` contains personal data.

    Parameters
    ----------
    html_path : pathlib.Path
        The rendered HTML report.
    personal : pandas.DataFrame or dict
        The personal table of the inputs, or the values made from it by
        :func:`personal_values` (a batch makes them once); may be empty, then
        only e-mail addresses and phone numbers are looked for.

    Raises
    ------
    PersonalDataFoundError
        With every finding (masked) and what to do. The caller must then not
        publish the file.
    """
    html = Path(html_path).read_text(encoding="utf-8", errors="replace")
    findings = scan_html(html, personal_values(personal) if isinstance(personal, pd.DataFrame) else personal)
    if findings:
        raise PersonalDataFoundError(findings, report=html_path)
