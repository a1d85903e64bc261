"""The nbconvert exporters of the package: its templates, no code, Dutch, and one pass less.

nbconvert's :class:`~nbconvert.HTMLExporter` renders its template and then parses the
whole page again with BeautifulSoup, only to add ``alt`` text to images without it
and ``tabindex="0"`` to the input and output areas (so a keyboard user can scroll
them). For a report page of a few hundred kilobytes of tables and SVG that second
parse and its serialisation cost about a quarter of a second, more than the template
itself. :class:`ReportHTMLExporter` renders the same template and makes the same two
additions on the text of the page. The page holds no input value outside character
references (:func:`buitenbeeld.common.formatting.escape`), so the tags matched here
are the exporter's own.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from nbconvert import HTMLExporter
from nbconvert.exporters.templateexporter import TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

from buitenbeeld.settings import TEMPLATES_DIR

__all__ = ["ReportHTMLExporter", "exporter", "NO_ALT_TEXT", "add_focus_and_alt"]

#: What an image without its own ``alt`` says (nbconvert writes the same in English).
NO_ALT_TEXT = "Er is geen beschrijving bij deze afbeelding."
_FOCUSABLE = re.compile(r'<div class="(?:jp-Cell-inputWrapper|[^"]*\bjp-OutputArea-output\b[^"]*)"[^>]*?(?=/?>)')
_IMG_WITHOUT_ALT = re.compile(r"<img\b(?![^>]*\salt=)[^>]*?(?=/?>)")  # data-alt= is not an alt


def add_focus_and_alt(html: str) -> str:
    """What nbconvert's HTMLExporter adds with BeautifulSoup, done on the text: ``tabindex="0"`` on the input
    and output areas that lack one, and an ``alt`` text on every ``<img>`` without one."""
    html = _FOCUSABLE.sub(lambda m: m.group() if "tabindex=" in m.group() else m.group() + ' tabindex="0"', html)
    return _IMG_WITHOUT_ALT.sub(lambda m: m.group() + f' alt="{NO_ALT_TEXT}"', html)


class ReportHTMLExporter(HTMLExporter):
    """:class:`~nbconvert.HTMLExporter` without the BeautifulSoup pass over the finished page (see the module).

    Nor does it validate the notebook against the schema again after each of its
    preprocessors (a dozen passes): papermill validated it when it wrote it, and the
    preprocessors of a report only leave parts out.
    """

    def _validate_preprocessor(self, nbc, preprocessor):
        return None

    def from_notebook_node(self, nb, resources: dict[str, Any] | None = None, **kw: Any):
        langinfo = nb.metadata.get("language_info", {})
        lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
        highlight_code = self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
        resources = self._init_resources(resources)
        filter_data_type = WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self, resources=resources)
        self.register_filter("highlight_code", highlight_code)
        self.register_filter("filter_data_type", filter_data_type)
        html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
        return add_focus_and_alt(html), resources


@lru_cache(maxsize=4)
def exporter(kind: type = ReportHTMLExporter, template: str = "rapport"):
    """The nbconvert exporter of ``kind`` with one of the package's templates: no code, Dutch.

    One per process and kind: loading the templates costs more than using them.
    """
    made = kind(
        template_name=template,
        extra_template_basedirs=[str(TEMPLATES_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    made.language_code = "nl"
    return made
