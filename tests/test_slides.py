"""The training decks as a trainer uses them: every slide fits its 1100 x 760 stage, has a title
and a speaker note, the notes add up to the lesson's time, `s` opens the speaker view under the
deck's Content-Security-Policy, and every deck ends with its sources.

The fit is measured in headless Chromium where it is installed (a copy of the deck with a
measuring script, allowed by its hash, that walks ``Reveal.getSlides()`` with every ``<details>``
opened); a check by content length from the notebook cells and their slide metadata runs
everywhere, so a machine without Chromium still catches a slide that is far too long.
"""
from __future__ import annotations

import base64
import hashlib
import html
import json
import math
import os
import re
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup
from nbconvert.filters import markdown2html

from buitenbeeld.publish import training, training_questions
from buitenbeeld.publish.pdf import find_chromium
from buitenbeeld.publish.training import STAGE, TRAINING_NOTEBOOKS

pytestmark = pytest.mark.slow  # builds the decks and starts a browser

WIDTH, HEIGHT = STAGE
NOTE_TIME = re.compile(r"Tijd: ongeveer (\d+) minu(?:ut|ten)\.")
MEASURE = """
(function () {
  function measure() {
    document.querySelectorAll('details').forEach(function (d) { d.open = true; });
    var rows = [];
    Reveal.getSlides().forEach(function (slide) {
      var at = Reveal.getIndices(slide);
      Reveal.slide(at.h, at.v);
      rows.push({h: at.h, v: at.v || 0, hoogte: slide.scrollHeight});
    });
    var out = document.createElement('pre');
    out.id = 'bb-maten';
    out.textContent = JSON.stringify(rows);
    document.body.appendChild(out);
  }
  if (Reveal.isReady()) { measure(); } else { Reveal.on('ready', measure); }
})();
"""


@pytest.fixture(scope="module")
def decks(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("decks")
    results = training.build_training(output, pdf=False)
    assert all(r.ok for r in results), [r.message for r in results]
    return output


def _deck(decks: Path, naam: str) -> str:
    return (decks / f"{naam}.slides.html").read_text(encoding="utf-8")


def _slides(page: str) -> list:
    """The slides of a deck as reveal shows them: the innermost ``<section>`` elements."""
    soup = BeautifulSoup(page, "html.parser")
    return [s for s in soup.select("div.slides section") if s.find("section") is None]


def _title(slide) -> str:
    heading = next((h for h in slide.find_all(["h1", "h2", "h3"]) if h.find_parent("aside") is None), None)
    return heading.get_text(" ", strip=True).rstrip("¶").strip() if heading else ""


def _note(slide) -> str:
    return " ".join(" ".join(a.get_text(" ", strip=True).split()) for a in slide.find_all("aside", class_="notes"))


# --------------------------------------------------------------------------- titles, notes, sources


@pytest.mark.parametrize("naam", TRAINING_NOTEBOOKS)
def test_every_slide_has_a_title_and_a_speaker_note_with_a_question_and_the_time(decks, naam):
    slides = _slides(_deck(decks, naam))
    assert len(slides) >= 10
    for number, slide in enumerate(slides, 1):
        assert _title(slide), f"{naam}: slide {number} has no title"
        note = _note(slide)
        assert note, f"{naam}: slide {number} ({_title(slide)}) has no speaker note"
        assert NOTE_TIME.search(note), f"{naam}: the note of {_title(slide)!r} says no time"
        assert "?" in note, f"{naam}: the note of {_title(slide)!r} asks the group nothing"


@pytest.mark.parametrize("naam", TRAINING_NOTEBOOKS)
def test_the_notes_add_up_to_the_time_the_lesson_announces(decks, naam):
    slides = _slides(_deck(decks, naam))
    announced = int(re.search(r"duur: ongeveer (\d+) minuten", slides[0].get_text(" ")).group(1))
    total = sum(int(NOTE_TIME.search(_note(slide)).group(1)) for slide in slides)
    assert abs(total - announced) <= 5, f"{naam}: the notes take {total} minutes, the lesson says {announced}"


def test_questions_get_a_slide_each_with_the_answer_as_a_fragment_and_in_the_note(decks):
    slides = _slides(_deck(decks, "2_informele_organisaties_en_rollen"))
    questions = [s for s in slides if re.fullmatch(r"Oefening [AB], vraag \d+", _title(s))]
    assert len(questions) == 12
    for slide in questions:
        answer = slide.select_one("div.fragment div.bb-antwoord").get_text(" ", strip=True)
        said = re.match(r"Antwoord: (.+?)\.", answer).group(1)
        assert re.search(rf"voor het antwoord: {re.escape(said)} ?\.", _note(slide))
        assert slide.find("details") is None  # the answer is the next key press, not a click


@pytest.mark.parametrize("naam", TRAINING_NOTEBOOKS)
def test_every_deck_ends_with_its_sources(decks, naam):
    last = _slides(_deck(decks, naam))[-1]
    text = " ".join(last.get_text(" ").split())
    assert _title(last) == "Bronnen"
    for credit in ("Handreiking jongeren buiten beeld", "Impacttool Sociale Kaart (ISK)", "IZI Solutions", "Movisie",
                   "Samenwerkingsverband Marokkaanse Nederlanders (SMN)", "Inspraakorgaan Turken in Nederland (IOT)"):
        assert credit in text, f"{naam}: the sources do not credit {credit}"
    assert ("maatwerk 2015/49" in text) == naam.startswith("1_")  # lesson 1 uses the CBS figures


def test_handouts_keep_the_sources_but_not_the_speaker_notes(decks):
    for naam in TRAINING_NOTEBOOKS:
        handout = (decks / f"{naam}.html").read_text(encoding="utf-8")
        assert "Bronnen" in handout and "IZI Solutions" in handout
        assert not NOTE_TIME.search(" ".join(BeautifulSoup(handout, "html.parser").get_text(" ").split()))
        assert "<details><summary>Antwoord</summary>" in handout or naam.startswith("4_")


# --------------------------------------------------------------------------- fit: by content length (everywhere)

#: Estimated heights (px) on the stage, calibrated on the decks in Chromium so that they err on the high side.
_LINE, _CHARS = 31, 88
_HEADING = {"h1": 100, "h2": 80, "h3": 70, "h4": 55}
_BLOCKS = {"h1", "h2", "h3", "h4", "p", "li", "tr", "summary", "pre", "caption"}


def _svg_height(svg: str) -> float:
    width, height = (float(re.search(rf'{name}="([\d.]+)', svg).group(1)) for name in ("width", "height"))
    return height * min(1.0, (WIDTH - 70) / width)


def _estimate(html_text: str) -> float:
    """The height of a slide's HTML by its content: lines of text, rows of tables, figures, boxes."""
    soup = BeautifulSoup(html_text, "html.parser")
    height = 0.0
    for svg in soup.find_all("svg"):
        height += _svg_height(str(svg)[:600]) + 35
        svg.decompose()
    height += 35 * len(soup.select("div.bb-oefening, div.bb-antwoord, div.bb-banner"))
    height += 20 * len(soup.find_all(["ul", "ol"])) + 40 * len(soup.find_all("table"))
    for block in soup.find_all(list(_BLOCKS)):
        if any(parent.name in _BLOCKS for parent in block.parents):
            continue  # counted with the block around it
        length = len(" ".join(block.get_text(" ", strip=True).split()))
        if block.name in _HEADING:
            height += _HEADING[block.name] * max(1, math.ceil(length / 60))
        elif block.name == "tr":
            height += 34
        else:
            per_line = _CHARS - (8 if block.name == "li" else 0)
            height += _LINE * max(1, math.ceil(length / per_line)) + (22 if block.name in ("p", "summary", "pre") else 2)
    return height


def _cell_html(cell) -> str:
    if cell.cell_type == "markdown":
        return markdown2html(cell.source)
    shown = []
    for output in cell.get("outputs", []):
        data = output.get("data", {})
        if "image/svg+xml" in data:
            shown.append(data["image/svg+xml"])
        elif "text/html" in data:
            shown.append(data["text/html"])
        elif "text/markdown" in data:
            shown.append(markdown2html(data["text/markdown"]))
    return "\n".join(shown)


def _estimated_slides(executed: Path) -> list[tuple[str, float]]:
    """(first words, estimated height) per slide, from the executed notebook's cells and their slide metadata."""
    nb = training.prepare_slides(nbformat.read(executed, as_version=4))
    slides: list[list] = []
    for cell in nb.cells:
        kind = cell.metadata.get("slideshow", {}).get("slide_type", "-")
        if kind in ("skip", "notes") or "injected-parameters" in cell.metadata.get("tags", []):
            continue
        if kind in ("slide", "subslide") or not slides:
            slides.append([])
        slides[-1].append(_cell_html(cell))
    return [(BeautifulSoup(parts[0], "html.parser").get_text(" ", strip=True)[:50], sum(map(_estimate, parts)))
            for parts in slides]


@pytest.mark.parametrize("naam", TRAINING_NOTEBOOKS)
def test_every_slide_fits_by_its_content_length(decks, naam):
    estimated = _estimated_slides(decks / f"{naam}.ipynb")
    assert len(estimated) == len(_slides(_deck(decks, naam)))
    too_long = {start: round(height) for start, height in estimated if height > HEIGHT}
    assert too_long == {}, f"{naam}: slides estimated taller than the {HEIGHT} px stage"


def test_the_length_check_catches_a_long_exercise():
    questions = [training_questions.Question(f"Vraag {n}?", ("ja", "nee"), "ja", "Omdat het zo is. " * 6, ("feit",) * 4)
                 for n in range(6)]
    assert _estimate("".join(training.question_html(q, n) for n, q in enumerate(questions, 1))) > HEIGHT
    assert all(_estimate(training.question_slide(q, 1)["vraag"] + training.question_slide(q, 1)["antwoord"]) < HEIGHT
               for q in questions)


# --------------------------------------------------------------------------- fit: measured in Chromium


def _sha256(script: str) -> str:
    return base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")


def _with_script(page: str, script: str) -> str:
    """The deck with ``script`` added at its end and allowed by its hash: the deck's own policy stays in force."""
    page = page.replace("script-src ", f"script-src 'sha256-{_sha256(script)}' ", 1)
    end = page.rindex("</html>")  # reveal's scripts come after </body>: the measuring one must come after them
    return page[:end] + f"<script>{script}</script>\n" + page[end:]


def _chromium_run(chromium: str, arguments: list[str], timeout: float = 120) -> str:
    process = subprocess.Popen([chromium, *arguments], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               text=True, start_new_session=True)
    try:
        out, _ = process.communicate(timeout=timeout)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    return out


def _measure(chromium: str, page: str, folder: Path) -> list[dict]:
    copy = folder / "deck.html"
    copy.write_text(_with_script(page, MEASURE), encoding="utf-8")
    dom = _chromium_run(chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                                   f"--user-data-dir={folder / 'profiel'}", f"--window-size={WIDTH},{HEIGHT}",
                                   "--virtual-time-budget=5000", "--dump-dom", copy.as_uri()])
    found = re.search(r'<pre id="bb-maten">(.*?)</pre>', dom, re.S)
    assert found, "the measuring script did not run: does reveal.js still start under the deck's policy?"
    return json.loads(html.unescape(found.group(1)))


@pytest.mark.parametrize("naam", TRAINING_NOTEBOOKS)
def test_every_slide_fits_its_stage_in_chromium(decks, naam, tmp_path):
    chromium = find_chromium()
    if not chromium:
        pytest.skip("no headless Chromium: the check by content length stands in")
    page = _deck(decks, naam)
    measured = _measure(chromium, page, tmp_path)
    slides = _slides(page)
    assert len(measured) == len(slides)
    too_tall = {f"{m['h']}/{m['v']} {_title(s)}": m["hoogte"] for m, s in zip(measured, slides) if m["hoogte"] > HEIGHT}
    assert too_tall == {}, f"{naam}: slides taller than the {HEIGHT} px stage"
    # the length check errs on the high side, so it can stand in where Chromium is missing
    estimated = _estimated_slides(decks / f"{naam}.ipynb")
    low = {start: (round(height), m["hoogte"]) for (start, height), m in zip(estimated, measured)
           if height < m["hoogte"] - 40 and m["hoogte"] < HEIGHT}
    assert low == {}, "the length estimate is below the measured height: recalibrate it"


# --------------------------------------------------------------------------- the speaker view


def _devtools(folder: Path, timeout: float = 20) -> str:
    port_file = folder / "DevToolsActivePort"
    stop = time.monotonic() + timeout
    while time.monotonic() < stop:
        if port_file.is_file() and port_file.read_text().strip():
            return f"127.0.0.1:{port_file.read_text().split()[0]}"
        time.sleep(0.1)
    raise AssertionError("Chromium opened no DevTools port")


def _call(socket_url: str, method: str, **params) -> dict:
    """One DevTools protocol call on a page, its result."""
    import websocket

    connection = websocket.create_connection(socket_url, timeout=20, suppress_origin=True)
    try:
        connection.send(json.dumps({"id": 1, "method": method, "params": params}))
        while True:
            message = json.loads(connection.recv())
            if message.get("id") == 1:
                return message.get("result", {})
    finally:
        connection.close()


def _evaluate(socket_url: str, expression: str, user_gesture: bool = False):
    return _call(socket_url, "Runtime.evaluate", expression=expression, returnByValue=True,
                 userGesture=user_gesture)["result"].get("value")


def test_s_opens_the_speaker_view_with_the_note_of_the_slide(decks, tmp_path):
    pytest.importorskip("websocket")
    chromium = find_chromium()
    if not chromium:
        pytest.skip("no headless Chromium")
    page = _deck(decks, "2_informele_organisaties_en_rollen")
    expected = _note(_slides(page)[1]).split("Zeg:", 1)[1].strip()[:40]
    copy = tmp_path / "deck.html"
    copy.write_text(page, encoding="utf-8")  # unchanged: the speaker view must work under the deck's own policy
    process = subprocess.Popen([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-popup-blocking",
                                "--disable-background-networking", f"--user-data-dir={tmp_path / 'profiel'}",
                                "--remote-debugging-port=0", "--remote-allow-origins=*", f"{copy.as_uri()}#/1"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        address = _devtools(tmp_path / "profiel")

        def pages() -> list[dict]:
            return [t for t in json.load(urllib.request.urlopen(f"http://{address}/json", timeout=10))
                    if t["type"] == "page"]

        stop = time.monotonic() + 30
        while not [p for p in pages() if p["url"].startswith("file:")]:
            assert time.monotonic() < stop, "the deck did not open"
            time.sleep(0.2)
        deck = next(p for p in pages() if p["url"].startswith("file:"))
        while not _evaluate(deck["webSocketDebuggerUrl"], "typeof Reveal !== 'undefined' && Reveal.isReady()"):
            assert time.monotonic() < stop, "reveal.js did not start under the deck's policy"
            time.sleep(0.2)
        _evaluate(deck["webSocketDebuggerUrl"], "Reveal.getPlugin('notes').open(); true", user_gesture=True)
        shown, view = "", None
        while expected not in shown and time.monotonic() < stop:
            time.sleep(0.3)
            view = next((p for p in pages() if p["id"] != deck["id"]), None)
            if view:
                shown = " ".join((_evaluate(view["webSocketDebuggerUrl"], "(document.querySelector("
                                            "'.speaker-controls-notes .value') || {}).textContent || ''") or "").split())
        assert expected in shown, "the speaker view does not show the slide's note: is its script allowed?"
        frames = [child["frame"] for child in
                  _call(view["webSocketDebuggerUrl"], "Page.getFrameTree")["frameTree"].get("childFrames", [])]
        assert len(frames) == 2  # the current and the next slide: the deck, framed by its own speaker view
        assert all(f["url"].startswith("file:") and "unreachableUrl" not in f for f in frames), frames
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
