"""The report on A4 paper and on a phone.

Paper: the template's CSS asks for A4 with "pagina N van M" in the margin of every page (CSS
``@page`` margin boxes, which headless Chromium prints), a synthetic report carries
SYNTHETISCHE DEMONSTRATIEGEGEVENS on every page, wide tables wrap instead of being cut off, and
no heading or caption is left alone at the bottom of a page. Screen: at 390 px (a phone) every
table and chart either fits or scrolls sideways inside a box of its own, and charts keep the size
their text was drawn at. The report starts with a table of contents whose links resolve.

Fast tests export small notebooks built here through the report template (no kernel); the
Chromium and poppler-utils tests skip when those are missing; the slow ones render the synthetic
demo report of Venlo the way ``make reports`` does.
"""
from __future__ import annotations

import html as htmllib
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from buitenbeeld import publish, settings
from buitenbeeld.publish import render
from buitenbeeld.publish.pdf import MARGIN_BOXES_SINCE, find_chromium, html_to_pdf, printed_by

CSS = Path(publish.__file__).parent / "templates" / "rapport" / "static" / "rapport.css"
MARKING = "SYNTHETISCHE DEMONSTRATIEGEGEVENS"
A4 = (595.28, 841.89)  # points; Chromium writes 594.96 x 841.92

HAS_CHROMIUM = find_chromium() is not None
needs_chromium = pytest.mark.skipif(not HAS_CHROMIUM, reason="no headless Chromium on this machine")
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                   reason="pdftotext (poppler-utils) not installed")

SECTIONS = ["Samenvatting", "Cijfers & feiten: wat zie je?", "De sociale kaart", "Verantwoording"]
PARAGRAPH = ("Het CBS telt jongeren van 15 tot 27 jaar die geen onderwijs volgen, niet werken, geen uitkering "
             "hebben en niet als werkzoekende bij UWV staan ingeschreven: de overheid heeft hen niet in beeld. ")
#: One short word per row in the last column of the wide table: all must reach the paper.
LAST_COLUMN = [f"X{row}" for row in range(1, 9)]


@pytest.fixture(autouse=True)
def _no_configured_chromium(monkeypatch):
    monkeypatch.delenv(settings.CHROMIUM_ENV, raising=False)


# --------------------------------------------------------------------------- helpers

def _strip_comments(css: str) -> str:
    return re.sub(r"/\*.*?\*/", "", css, flags=re.S)


def _block(css: str, opening: str) -> str:
    """The text between the braces of the first at-rule or rule that starts with ``opening``."""
    start = css.index("{", css.index(opening)) + 1
    depth, index = 1, start
    while depth:
        depth += {"{": 1, "}": -1}.get(css[index], 0)
        index += 1
    return css[start:index - 1]


def _selectors(selector_list: str) -> list[str]:
    """A selector list split on its top-level commas (not those inside :has(), :is(), :not())."""
    parts, depth, current = [], 0, ""
    for char in selector_list:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    return [*parts, current.strip()]


def _rules(block: str) -> list[tuple[list[str], str]]:
    """The plain rules of a block without nested at-rules: (selectors, declarations)."""
    return [(_selectors(selectors), body) for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", block)]


def _declares(rules, selector: str, declaration: str) -> bool:
    """True when a rule whose selector list holds ``selector`` declares ``declaration`` (a regex)."""
    return any(selector in selectors and re.search(declaration, body) for selectors, body in rules)


class _Page(HTMLParser):
    """Ids, the table of contents' links and texts, the headings, and where each starts."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: dict[str, str] = {}
        self.toc: list[tuple[str, str]] = []
        self.headings: list[tuple[str, str, int]] = []
        self.tags: list[tuple[str, dict]] = []
        self.toc_at: int | None = None
        self._in_toc = 0
        self._link: str | None = None
        self._heading: tuple[str, int] | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        self.tags.append((tag, attrs))
        if "id" in attrs:
            self.ids[attrs["id"]] = tag
        if tag == "nav" and "bb-inhoud" in attrs.get("class", ""):
            self._in_toc, self.toc_at = 1, self.getpos()[0]
        elif self._in_toc and tag == "a":
            self._link, self._text = attrs.get("href", ""), ""
        if tag in ("h1", "h2", "h3"):
            self._heading, self._text = (tag, self.getpos()[0]), ""

    def handle_endtag(self, tag):
        if tag == "nav" and self._in_toc:
            self._in_toc = 0
        elif tag == "a" and self._link is not None:
            self.toc.append((self._link, self._text.strip()))
            self._link = None
        elif tag in ("h1", "h2", "h3") and self._heading:
            self.headings.append((self._heading[0], self._text.replace("¶", "").strip(), self._heading[1]))
            self._heading = None

    def handle_data(self, data):
        if self._link is not None or self._heading is not None:
            self._text += data


def _parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def _svg(width: int = 720, height: int = 300) -> str:
    """A chart like buitenbeeld.svg's: its natural size, text of 10 to 14 px, scaled by max-width."""
    rows = "".join(f'<text x="150" y="{60 + 24 * i}" font-size="12" text-anchor="end">Organisatie {i}</text>'
                   f'<rect x="160" y="{50 + 24 * i}" width="{500 - 40 * i}" height="16" fill="#1f77b4"></rect>'
                   f'<text x="{665 - 40 * i}" y="{60 + 24 * i}" font-size="11">{10 - i},0</text>' for i in range(8))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" style="max-width: 100%; height: auto"><title>Figuur: proef</title>'
            f'<rect width="100%" height="100%" fill="#ffffff"></rect>'
            f'<text x="10" y="20" font-size="14" font-weight="bold">Profielen, Proefstad</text>{rows}'
            f'<text x="10" y="{height - 10}" font-size="10">Bron: verzonnen voor de test</text></svg>')


def _wide_table() -> str:
    """A table far wider than A4 or a phone: long headers, a sha256, and a last column to find back."""
    columns = {f"kolom {n} met een lange kop over organisaties": [f"waarde {n}.{row}" for row in range(1, 9)]
               for n in range(1, 9)}
    columns["sha256"] = ["3f5a9c" * 10 + f"{row:04d}" for row in range(1, 9)]
    columns["laatste kolom"] = LAST_COLUMN
    frame = pd.DataFrame(columns, index=pd.Index([f"Wijk {row}" for row in range(1, 9)], name="wijk"))
    return frame.to_html()


def _display(data: dict) -> nbformat.NotebookNode:
    return new_output("display_data", data={**data, "text/plain": ""})


def _notebook(synthetic: bool) -> nbformat.NotebookNode:
    """A report-shaped notebook: a title block (with the banner when synthetic), sections with a
    caption, a wide table, a chart and enough text for several pages."""
    title = "# Jongeren buiten beeld en de sociale kaart: Proefstad\n\nCBS-gemeentecode **GM9999**"
    if synthetic:
        title += (f'\n\n<div class="bb-banner">\n\n**Let op: dit rapport gebruikt {MARKING}.** '
                  "Alles is verzonnen.\n\n</div>")
    cells = [new_code_cell("toon_titel()", outputs=[_display({"text/markdown": title})])]
    for number, name in enumerate(SECTIONS, 1):
        cells.append(new_markdown_cell(f"## {number}. {name}\n\n" + PARAGRAPH * 4))
        cells.append(new_code_cell("toon_tabel()", outputs=[
            _display({"text/markdown": f"**Tabel {number}.** Organisaties per wijk en type, breed."}),
            _display({"text/html": _wide_table()}),
            _display({"image/svg+xml": _svg()}),
        ]))
        cells.append(new_markdown_cell("### Een onderdeel\n\n" + PARAGRAPH * 6))
    notebook = new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return notebook


def _export(notebook: nbformat.NotebookNode, folder: Path, title: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, folder / "rapport.ipynb")
    return render.export_html(folder / "rapport.ipynb", folder / "rapport.html", title)


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> dict[str, Path]:
    """The HTML of a synthetic and of a real-data report, through the report template."""
    root = tmp_path_factory.mktemp("opmaak")
    return {kind: _export(_notebook(kind == "synthetisch"), root / kind,
                          "Jongeren buiten beeld en de sociale kaart: Proefstad")
            for kind in ("synthetisch", "echt")}


def _media_boxes(pdf: bytes) -> list[tuple[float, float]]:
    return [(float(w), float(h)) for w, h in re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)]


def _pages_text(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    return text.split("\f")[:-1]


def _words_outside(pdf: Path, margin: float = 36) -> list[str]:
    """Words of the PDF that lie (partly) outside the page less ``margin`` points on either side."""
    boxes = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout
    outside = []
    for page in boxes.split("<page ")[1:]:
        width = float(re.search(r'width="([\d.]+)"', page).group(1))
        for x_min, x_max, word in re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" '
                                             r'yMax="[\d.]+">([^<]*)</word>', page):
            if float(x_min) < margin or float(x_max) > width - margin:
                outside.append(word)
    return outside


def _check_pdf(pdf: Path, synthetic: bool) -> list[str]:
    """A4 pages, each numbered "pagina N van M" and, when synthetic, marked; returns the pages' text."""
    data = pdf.read_bytes()
    boxes = _media_boxes(data)
    assert boxes, "no page size found in the PDF"
    for width, height in boxes:
        assert abs(width - A4[0]) < 1.5 and abs(height - A4[1]) < 1.5, f"page of {width} x {height} pt, not A4"
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert re.search(r"Page size:\s+59[45][.\d]* x 84[12][.\d]* pts \(A4\)", info), info
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) not installed: page numbers and marking not checked")
    pages = _pages_text(pdf)
    assert len(pages) == len(boxes)
    for number, text in enumerate(pages, 1):
        assert f"pagina {number} van {len(pages)}" in text, f"page {number} has no page number"
        assert (MARKING in text) == synthetic, f"page {number}: marking {'missing' if synthetic else 'present'}"
    return pages


MEASURE = """
function measure(frame) {
  const doc = frame.contentDocument, win = frame.contentWindow;
  function scroller(element) {
    for (let p = element.parentElement; p && p !== doc.body; p = p.parentElement) {
      const overflow = win.getComputedStyle(p).overflowX;
      if (overflow === 'auto' || overflow === 'scroll') return p;
    }
    return null;
  }
  function box(element) {
    const s = scroller(element), r = element.getBoundingClientRect(), b = s ? s.getBoundingClientRect() : null;
    return {left: r.left, right: r.right, scroller: s ? s.className : null,
            boxLeft: b ? b.left : null, boxRight: b ? b.right : null,
            scrollWidth: s ? s.scrollWidth : null, clientWidth: s ? s.clientWidth : null};
  }
  const tables = Array.from(doc.querySelectorAll('table')).map(box);
  const charts = Array.from(doc.querySelectorAll('svg[role="img"]')).map(svg => {
    const result = box(svg), view = svg.viewBox.baseVal;
    const natural = view && view.width ? view.width : parseFloat(svg.getAttribute('width'));
    result.scale = svg.getBoundingClientRect().width / natural;
    result.text = Array.from(svg.querySelectorAll('text')).map(
      t => parseFloat(win.getComputedStyle(t).fontSize) * result.scale);
    return result;
  });
  let rules = 0;
  function count(list) { for (const rule of list) { rules += 1; if (rule.cssRules) count(rule.cssRules); } }
  for (const sheet of doc.styleSheets) {
    if (sheet.ownerNode && sheet.ownerNode.textContent.includes('.bb-schuif')) count(sheet.cssRules);
  }
  const out = {width: win.innerWidth, page: doc.documentElement.scrollWidth, tables, charts, rules};
  const pre = document.createElement('pre');
  pre.id = 'meting';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
}
"""


def _measure(html_path: Path, tmp_path: Path, width: int = 390) -> dict:
    """Lay the report out ``width`` px wide in Chromium and measure its tables and charts.

    The report runs no script (its policy forbids it), so it is shown unchanged in a frame of that
    width (a headless window is at least 500 px wide) by a page whose own script measures it.
    """
    host = tmp_path / f"meting-{width}.html"
    report = htmllib.escape(html_path.read_text(encoding="utf-8"), quote=True)
    host.write_text(f'<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><script>{MEASURE}</script>'
                    f'</head><body style="margin:0"><iframe onload="measure(this)" '
                    f'style="width:{width}px;height:2000px;border:0" srcdoc="{report}"></iframe></body></html>',
                    encoding="utf-8")
    command = [find_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               "--disable-extensions", "--disable-background-networking", "--host-resolver-rules=MAP * ~NOTFOUND",
               f"--user-data-dir={tmp_path / f'profiel-{width}'}", "--window-size=800,2200",
               "--dump-dom", host.as_uri()]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    found = re.search(r'<pre id="meting">(.*?)</pre>', done.stdout, flags=re.S)
    assert found, f"no measurement from Chromium:\n{done.stderr[-2000:]}"
    return json.loads(htmllib.unescape(found.group(1)))


def _assert_readable_at(measured: dict, width: int) -> None:
    """No table or chart cut off: each fits, or scrolls inside a box that fits; charts not shrunk."""
    assert measured["width"] == width
    assert measured["page"] <= width, "the page itself is wider than the screen"
    assert measured["tables"] and measured["charts"]
    for kind in ("tables", "charts"):
        for item in measured[kind]:
            if item["right"] <= width + 0.5 and item["left"] >= -0.5:
                continue  # fits
            assert item["scroller"] is not None, f"a {kind[:-1]} is cut off: {item}"
            assert -0.5 <= item["boxLeft"] and item["boxRight"] <= width + 0.5, item
            assert item["scrollWidth"] > item["clientWidth"], item  # the hidden part can be scrolled to
            assert "bb-schuif" in item["scroller"], f"scrolls without the visible cue: {item}"
    for chart in measured["charts"]:  # shown at the size drawn: labels 11-14 px, the smallest notes 9-10 px
        assert chart["scale"] >= 0.99, f"a chart is shrunk to {chart['scale']:.2f} of its size"
        sizes = sorted(chart["text"])
        assert sizes[0] >= 8.9 and sizes[len(sizes) // 2] >= 11, f"chart text too small: {sizes}"


# --------------------------------------------------------------------------- the CSS

def test_css_asks_for_a4_with_page_numbers_in_the_margin():
    css = _strip_comments(CSS.read_text(encoding="utf-8"))
    page = _block(css, "@page")
    assert re.search(r"^\s*size:\s*A4\s*;", page, flags=re.M)
    assert re.search(r"^\s*margin:\s*[\d.]+mm", page, flags=re.M)
    numbers = _block(page, "@bottom-")
    assert re.search(r'content:\s*"pagina "\s*counter\(page\)\s*" van "\s*counter\(pages\)', numbers)


def test_css_print_rules_keep_things_together_and_tables_on_the_page():
    rules = _rules(_block(_strip_comments(CSS.read_text(encoding="utf-8")), "@media print"))
    for heading in ("h1", "h2", "h3"):
        assert _declares(rules, heading, r"break-after:\s*avoid")
    caption = ".jp-OutputArea-child:has(> .jp-RenderedMarkdown > p:only-child > strong:first-child)"
    assert _declares(rules, caption, r"break-after:\s*avoid")  # "Tabel 3. ..." stays with its table
    assert _declares(rules, ".jp-MarkdownCell:has(:is(h1, h2, h3, h4):last-child)", r"break-after:\s*avoid")
    assert _declares(rules, ".bb-figuur", r"break-inside:\s*avoid")
    assert _declares(rules, ".jp-OutputArea-child:not(:has(tbody tr:nth-child(16)))", r"break-inside:\s*avoid")
    assert _declares(rules, ".jp-RenderedHTMLCommon tr", r"break-inside:\s*avoid")
    assert _declares(rules, ".jp-RenderedHTMLCommon td", r"overflow-wrap:\s*anywhere")  # wraps, never cut off
    assert _declares(rules, ".jp-RenderedHTMLCommon th", r"overflow-wrap:\s*break-word")  # headers whole
    assert _declares(rules, ".jp-OutputArea-output table", r"font-size:\s*[\d.]+pt")
    assert _declares(rules, ".jp-OutputArea-output table", r"max-width:\s*100%")
    assert _declares(rules, ".jp-OutputArea-child .jp-OutputArea-output", r"overflow:\s*visible\s*!important")
    assert _declares(rules, ".bb-figuur svg", r"max-width:\s*100%")


def test_css_screen_rules_scroll_instead_of_cutting_off():
    css = _strip_comments(CSS.read_text(encoding="utf-8"))
    rules = _rules(css.split("@media")[0])
    assert _declares(rules, ".jp-OutputArea-child .jp-OutputArea-output", r"overflow-x:\s*auto")
    assert _declares(rules, ".bb-schuif", r"scrollbar-width")
    assert _declares(rules, ".bb-schuif", r"radial-gradient")  # the shadow on the side with more
    assert _declares(_rules(_block(css, "@media screen")), ".bb-figuur svg", r"max-width:\s*none")


# --------------------------------------------------------------------------- the HTML

def test_table_of_contents_lists_the_sections_and_its_links_resolve(made):
    html = made["echt"].read_text(encoding="utf-8")
    page = _parse(html)
    assert [text for _, text in page.toc] == [f"{n}. {name}" for n, name in enumerate(SECTIONS, 1)]
    for href, text in page.toc:
        assert href.startswith("#") and page.ids.get(href[1:]) == "h2", (href, text)
    h2 = [(text, line) for tag, text, line in page.headings if tag == "h2"]
    assert [text for text, _ in h2] == [text for _, text in page.toc]
    h1_line = next(line for tag, _, line in page.headings if tag == "h1")
    assert h1_line < page.toc_at < h2[0][1]  # after the title block, before the first section
    assert html.count('class="bb-inhoud"') == 1


def test_synthetic_marking_on_every_page_only_for_synthetic_data(made):
    synthetic = made["synthetisch"].read_text(encoding="utf-8")
    head = synthetic.split("</head>")[0]
    margin = _block(head[head.index("@top-center"):], "@top-center")
    assert f'content: "{MARKING}"' in margin
    real = made["echt"].read_text(encoding="utf-8")
    assert "SYNTHETISCH" not in real and "@top-center" not in real


def test_title_in_the_page_margin_is_escaped(tmp_path):
    title = 'Rapport "Proef" \\ </style><b>vet</b>'
    html = _export(_notebook(False), tmp_path, title).read_text(encoding="utf-8")
    assert 'content: "Rapport \\22 Proef\\22  \\5c  \\3c /style>\\3c b>vet\\3c /b>";' in html
    assert "b" not in [tag for tag, _ in _parse(html.split("</head>")[0]).tags]


def test_tables_and_charts_sit_in_boxes_that_scroll(made):
    page = _parse(made["synthetisch"].read_text(encoding="utf-8"))
    boxes = [attrs["class"].split() for tag, attrs in page.tags if tag == "div" and "bb-schuif" in attrs.get("class", "")]
    assert sum("bb-tabel" in classes for classes in boxes) == len(SECTIONS)
    assert sum("bb-figuur" in classes for classes in boxes) == len(SECTIONS)


# --------------------------------------------------------------------------- Chromium

@needs_chromium
def test_pdf_is_a4_numbered_marked_and_cuts_no_table_off(made, tmp_path):
    pdf = html_to_pdf(made["synthetisch"], tmp_path / "synthetisch.pdf")
    if (printed_by(pdf.read_bytes()) or MARGIN_BOXES_SINCE) < MARGIN_BOXES_SINCE:
        pytest.skip("this Chromium prints no CSS page-margin boxes")
    pages = _check_pdf(pdf, synthetic=True)
    assert len(pages) >= 3
    text = "\n".join(pages)
    for word in LAST_COLUMN:  # the wide table's last column reached the paper
        assert re.search(rf"\b{word}\b", text), word
    assert "organisaties" in text and "laatste" in text  # headers keep their words whole
    assert _words_outside(pdf) == []


@needs_chromium
@needs_poppler
def test_pdf_of_real_data_is_numbered_and_not_marked(made, tmp_path):
    pdf = html_to_pdf(made["echt"], tmp_path / "echt.pdf")
    if (printed_by(pdf.read_bytes()) or MARGIN_BOXES_SINCE) < MARGIN_BOXES_SINCE:
        pytest.skip("this Chromium prints no CSS page-margin boxes")
    pages = _check_pdf(pdf, synthetic=False)
    assert all("Jongeren buiten beeld en de sociale kaart: Proefstad" in text for text in pages)


@needs_chromium
def test_at_390_px_tables_and_charts_scroll_instead_of_being_cut_off(made, tmp_path):
    measured = _measure(made["synthetisch"], tmp_path)
    _assert_readable_at(measured, 390)
    assert all(table["scroller"] for table in measured["tables"])  # the wide tables do not fit: they scroll
    css = _strip_comments(CSS.read_text(encoding="utf-8"))
    assert measured["rules"] == css.count("{"), "Chromium dropped a rule of rapport.css (an invalid selector?)"


@needs_chromium
def test_on_a_laptop_charts_and_the_page_fit(made, tmp_path):
    measured = _measure(made["synthetisch"], tmp_path, width=1280)
    assert measured["page"] <= 1280
    for chart in measured["charts"]:
        assert chart["right"] <= 1280 and abs(chart["scale"] - 1) < 0.01


# --------------------------------------------------------------------------- the demo report, end to end

@pytest.fixture(scope="module")
def demo_report(tmp_path_factory) -> Path:
    """The synthetic demo report of Venlo, rendered as `make reports` does (with its PDF when Chromium is here)."""
    from buitenbeeld.demo.generate import write_demo_data
    from buitenbeeld.publish.render import RenderOptions, render_report
    from buitenbeeld.reference.gemeenten import resolve_gemeente

    root = tmp_path_factory.mktemp("demo")
    write_demo_data(root / "data" / "raw" / "demo")
    return render_report(resolve_gemeente("Venlo"), root / "data", root / "rapporten",
                         options=RenderOptions(engine=None, gegenereerd_op="2026-12-01T12:00:00"))


@pytest.mark.slow
def test_demo_report_toc_links_every_section(demo_report):
    page = _parse(demo_report.read_text(encoding="utf-8"))
    notebook = nbformat.read(demo_report.parent / "rapport.ipynb", as_version=4)
    sections = [line[3:].strip() for cell in notebook.cells if cell.cell_type == "markdown"
                for line in cell.source.splitlines() if line.startswith("## ")]
    assert len(sections) >= 5
    assert [text for _, text in page.toc] == sections
    assert all(page.ids.get(href[1:]) == "h2" for href, _ in page.toc)


@pytest.mark.slow
@needs_chromium
def test_demo_report_pdf_on_a4_leaves_no_heading_or_caption_at_a_page_bottom(demo_report):
    pdf = demo_report.parent / "rapport.pdf"
    assert pdf.is_file(), "render_report made no PDF although Chromium is here"
    if (printed_by(pdf.read_bytes()) or MARGIN_BOXES_SINCE) < MARGIN_BOXES_SINCE:
        pytest.skip("this Chromium prints no CSS page-margin boxes")
    pages = _check_pdf(pdf, synthetic=True)
    page = _parse(demo_report.read_text(encoding="utf-8"))
    headings = {text for tag, text, _ in page.headings if tag in ("h2", "h3")}
    html = demo_report.read_text(encoding="utf-8")
    captions = [" ".join(htmllib.unescape(re.sub(r"<[^>]+>", "", caption)).split()) for caption in
                re.findall(r"<p><strong>(?:Tabel \d+|Figuur)\..*?</p>", html, flags=re.S)]
    assert captions
    for number, text in enumerate(pages[:-1], 1):
        lines = [" ".join(line.split()) for line in text.splitlines()
                 if line.strip() and f"pagina {number} van" not in line and line.strip() != MARKING]
        last = lines[-1]
        assert last not in headings, f"page {number} ends with the heading {last!r}"
        assert not any(last in caption for caption in captions), f"page {number} ends with a caption: {last!r}"
    assert _words_outside(pdf) == []


@pytest.mark.slow
@needs_chromium
def test_demo_report_at_390_px(demo_report, tmp_path):
    _assert_readable_at(_measure(demo_report, tmp_path), 390)
