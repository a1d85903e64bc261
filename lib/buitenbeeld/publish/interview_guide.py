"""A printable interview guide (gespreksleidraad) beside the interview workbook.

:func:`write_interview_kit` writes the empty interview workbook
(:func:`buitenbeeld.ingest.template.write_interview_template`) and, beside it,
``<stem>_gespreksleidraad.html`` (and ``.pdf`` where a headless Chromium is
installed, :mod:`buitenbeeld.publish.pdf`): the questions in the workbook's
column order, each with what it asks and its answer options, taken from
:data:`buitenbeeld.ingest.interviews.COLUMNS` and the hints of
:mod:`buitenbeeld.ingest.template` (one source: a new column shows up in both).
Around the questions: the opening that the map is no test, tips for the
conversation, what the consent to publish means, and that contact details stay
with the gemeente. The page is A4 print CSS, carries the workbench's
Content-Security-Policy and has no script. All text on it is Dutch (B1).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from buitenbeeld.common.files import write_atomic
from buitenbeeld.common.formatting import escape
from buitenbeeld.errors import BuitenbeeldError
from buitenbeeld.ingest.interviews import COLUMNS
from buitenbeeld.ingest.template import (
    ANSWERS,
    KIND_HINT,
    LEEFGEBIED_UITLEG,
    MEANING,
    check_target,
    write_interview_template,
)
from buitenbeeld.publish.pdf import find_chromium, html_to_pdf
from buitenbeeld.publish.webpage import with_policy
from buitenbeeld.settings import TEMPLATES_DIR

__all__ = ["GUIDE_SUFFIX", "FILLED_BY_GEMEENTE", "TIPS", "guide_paths", "guide_questions", "render_interview_guide",
           "write_interview_kit"]

#: ``kaart.xlsx`` gets ``kaart_gespreksleidraad.html`` (and ``.pdf``) beside it.
GUIDE_SUFFIX = "_gespreksleidraad"
#: Columns the gemeente fills in itself: not asked in the conversation.
FILLED_BY_GEMEENTE = ("organisatie_id", "datum_interview", "interviewer", "rollen_gemeente",
                      "inschatting_gemeente_buiten_beeld")
#: Extra advice for the interviewer at some questions (keyed by column name).
TIPS = {
    "jongeren_bereik": "Veel organisaties weten niet precies hoeveel jongeren ze zien. Vraag naar een gewone week, "
                       "of naar vaste groepen. Een schatting is goed.",
    "jongeren_buiten_beeld": "Leg uit wat buiten beeld betekent. Organisaties helpen vaak meer van deze jongeren dan "
                             "ze zelf denken. Vraag door met voorbeelden, zonder namen.",
    "jongeren_zorgwekkend": "Niet elke jongere buiten beeld heeft problemen: iedereen mag buiten beeld zijn. "
                            "Vraag naar jongeren over wie de organisatie zich zorgen maakt.",
    "leefgebieden": "Lees de leefgebieden voor of laat de lijst zien. Meer antwoorden zijn goed.",
    "rollen_bereid": "Vraag wat de organisatie zelf wil. Dring geen rol op: zij bepalen mee.",
    "risicos": "Bijvoorbeeld: klanten of vertrouwen van jongeren kwijtraken als de gemeente zichtbaar is.",
    "toestemming_publicatie": "Vraag het apart en schrijf alleen ja op als de organisatie duidelijk ja zegt.",
}
_MULTIPLE = ("roles", "leefgebieden")
_OPEN = ("text", "wijken", "gemeente", "postcode", "number", "date", "personal")


def guide_paths(workbook: Path) -> tuple[Path, Path]:
    """The HTML and PDF of the guide that belongs to ``workbook``: ``<stem>_gespreksleidraad.html`` and ``.pdf``."""
    workbook = Path(workbook)
    stem = workbook.with_name(workbook.stem + GUIDE_SUFFIX)
    return stem.with_suffix(".html"), stem.with_suffix(".pdf")


def guide_questions() -> list[dict]:
    """The questions of the guide, one per column of :data:`~buitenbeeld.ingest.interviews.COLUMNS`, in order.

    Each is a dict: ``name``, ``label``, ``meaning`` (what it asks), ``hint``
    (how to note the answer), ``options`` (the closed answers, empty for an
    open question), ``multiple``, ``required``, ``personal``, ``by_gemeente``
    (filled in by the gemeente, not asked) and ``tip``.
    """
    return [{"name": column.name, "label": column.label, "meaning": MEANING.get(column.name, ""),
             "hint": KIND_HINT[column.kind], "options": tuple(ANSWERS.get(column.kind, ())),
             "multiple": column.kind in _MULTIPLE, "required": column.required,
             "personal": column.kind == "personal", "by_gemeente": column.name in FILLED_BY_GEMEENTE,
             "open": column.kind in _OPEN, "tip": TIPS.get(column.name, "")}
            for column in COLUMNS]


def _escaped(value) -> Markup:
    """Every value the template writes goes through the workbench's one escaping helper (markup as it is)."""
    return value if isinstance(value, Markup) else Markup(escape(value))


@lru_cache(maxsize=1)
def _template():
    environment = Environment(loader=FileSystemLoader(str(TEMPLATES_DIR / "interview_guide")), autoescape=True,
                              finalize=_escaped, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                              keep_trailing_newline=True)
    return environment.get_template("gespreksleidraad.html.j2")


def render_interview_guide() -> str:
    """The guide as one HTML page (A4 print CSS inside, Content-Security-Policy, no script)."""
    questions = guide_questions()
    personal = [q["label"] for q in questions if q["personal"]]
    consent = next((q for q in questions if q["name"] == "toestemming_publicatie"), None)
    page = _template().render(questions=questions, personal=personal, consent=consent,
                              leefgebieden=LEEFGEBIED_UITLEG)
    return with_policy(page)


def write_interview_kit(path: Path, overwrite: bool = False, pdf: bool = True) -> list[Path]:
    """Write the interview workbook ``path`` and its guide beside it; return the files written.

    The guide is ``<stem>_gespreksleidraad.html``, and ``.pdf`` when ``pdf`` is
    True and a headless Chromium is found. Nothing is written when one of the
    files exists and ``overwrite`` is False.

    Raises
    ------
    BuitenbeeldError
        When ``path`` does not end in ``.xlsx``, or a file exists and
        ``overwrite`` is False; when Chromium fails to print the PDF.
    """
    path = check_target(Path(path), overwrite)
    html_path, pdf_path = guide_paths(path)
    print_pdf = pdf and find_chromium() is not None
    for target in (html_path, *([pdf_path] if print_pdf else [])):
        if target.exists() and not overwrite:
            raise BuitenbeeldError(f"'{target}' bestaat al. Kies een andere naam, of vervang de bestanden met "
                                   "--overschrijven (in Python: overwrite=True).")
    written = [write_interview_template(path, overwrite=overwrite)]
    page = render_interview_guide()
    written.append(write_atomic(html_path, lambda temporary: temporary.write_text(page, encoding="utf-8")))
    if print_pdf:
        written.append(html_to_pdf(html_path, pdf_path))
    return written
