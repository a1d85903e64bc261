"""Dutch privacy drafts for a pilot with jongerenscouts, for a gemeente to adapt.

:func:`write_privacy_kit` writes one Markdown file (``privacy_concepten.md``
when given a folder) with five parts: an outline of a DPIA for the pilot
registration, a consent text for young people, one for parents or guardians of
those under 16, a retention schedule, and who holds the pseudonym key. Every
part opens with the warning that it is a CONCEPT to review with the gemeente's
functionaris gegevensbescherming, and no legal advice.

What the drafts say about the data and the key is taken from the code that
does it: the columns of the pilot template
(:func:`buitenbeeld.ingest.pilot_template.pilot_columns`), the key's place and
environment variable (:mod:`buitenbeeld.settings`), the code prefixes
(:data:`buitenbeeld.privacy.gate.ID_HEADERS`), the age bands
(:data:`buitenbeeld.privacy.pseudonym.AGE_BANDS`) and the threshold below which
counts are hidden (:data:`buitenbeeld.privacy.disclosure.DEFAULT_THRESHOLD`).
The text comes from ``templates/privacy_kit/``; it holds no input value, only
these constants, so nothing in it needs escaping (escaping would put ``&#40;``
into a text people edit).
"""
from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from buitenbeeld.common.files import write_atomic
from buitenbeeld.common.vocabulary import CONTACT_SHEET, SCOUT_SHEET
from buitenbeeld.ingest.pilot_template import explain_column, pilot_columns
from buitenbeeld.ingest.template import check_target
from buitenbeeld.privacy.disclosure import DEFAULT_THRESHOLD
from buitenbeeld.privacy.gate import ID_HEADERS
from buitenbeeld.privacy.pseudonym import AGE_BANDS, pseudonym_code
from buitenbeeld.settings import DEFAULT_KEY_PATH, KEY_ENV, TEMPLATES_DIR

__all__ = ["KIT_FILE", "CONCEPT_WARNING", "PARTS", "kit_path", "render_privacy_kit", "write_privacy_kit"]

#: The file written when the target is a folder (or a name without suffix).
KIT_FILE = "privacy_concepten.md"
#: The first line of every part.
CONCEPT_WARNING = ("**CONCEPT, geen juridisch advies.** Pas deze tekst aan en bespreek hem met de functionaris "
                   "gegevensbescherming (FG) van de gemeente voordat u hem gebruikt.")
#: The headings of the parts, in order.
PARTS = ("1. Opzet DPIA: registratie van de pilot met jongerenscouts",
         "2. Toestemming: tekst voor jongeren",
         "3. Toestemming: tekst voor ouders of verzorgers van jongeren onder 16 jaar",
         "4. Bewaartermijnen",
         "5. Wie heeft de sleutel voor de codes?")
# Leefgebieden that say something about health or about justice: special or criminal data under the AVG.
_SENSITIVE = ("geestelijke gezondheid", "lichamelijke gezondheid", "verslaving", "justitie")


def kit_path(path: Path) -> Path:
    """Where the drafts go: ``path`` itself when it ends in ``.md``, else ``path / privacy_concepten.md``."""
    path = Path(path)
    return path if path.suffix.lower() == ".md" or (path.suffix and not path.is_dir()) else path / KIT_FILE


def _columns(sheet: str) -> list[dict]:
    return [{"label": c.label, "name": c.name, "hint": explain_column(c)} for c in pilot_columns(sheet)]


def render_privacy_kit() -> str:
    """The drafts as one Markdown text."""
    environment = Environment(loader=FileSystemLoader(str(TEMPLATES_DIR / "privacy_kit")), autoescape=False,
                              undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                              keep_trailing_newline=True)
    example = pseudonym_code("voorbeeld", bytes(32))
    return environment.get_template("privacy_concepten.md.j2").render(
        warning=CONCEPT_WARNING, parts=PARTS, scouts=_columns(SCOUT_SHEET), contacten=_columns(CONTACT_SHEET),
        sensitive=_SENSITIVE, threshold=DEFAULT_THRESHOLD, key_path=str(DEFAULT_KEY_PATH), key_env=KEY_ENV,
        young_prefix=ID_HEADERS["jongere_id"][0], scout_prefix=ID_HEADERS["scout_id"][0],
        code_length=len(example) - len(ID_HEADERS["jongere_id"][0]),
        bands=", ".join(f"{low}-{high}" for low, high in AGE_BANDS))


def write_privacy_kit(path: Path, overwrite: bool = False) -> Path:
    """Write the privacy drafts to ``path`` (a ``.md`` file, or a folder: ``privacy_concepten.md`` in it).

    Raises
    ------
    BuitenbeeldError
        When the file exists and ``overwrite`` is False, or ``path`` has
        another suffix than ``.md``.
    """
    target = check_target(kit_path(path), overwrite, suffix=".md")
    text = render_privacy_kit()
    return write_atomic(target, lambda temporary: temporary.write_text(text, encoding="utf-8"))
