"""Teaching material for the basic training of jongerenscouts and officials (step 4 of the guide).

The training notebooks in ``notebooks/training/`` teach with the workbench's own
data and functions. This module holds what they share:

* **exercises** (:class:`Question`, built in :mod:`buitenbeeld.publish.training_questions`
  and named here too): the questions and their right answers come from the same
  code the reports use, never from a second copy;
* **showing them** (:func:`show_questions`): in JupyterLab with ipywidgets and
  ``interactief=True`` each question is a widget that gives feedback with the
  reason as soon as the learner chooses; otherwise (no kernel, no ipywidgets,
  ``interactief=False``, an exported handout) it is HTML with the question and
  the answer in a collapsible ``<details>`` part. A widget output carries that
  HTML too, so a saved notebook reads well without a kernel. Every question
  output also carries its slide form in its metadata (:data:`SLIDE_KEY`);
* **the sources** (:data:`SOURCES`, :func:`show_sources`): the last slide of
  every lesson credits the guide, the ISK and the SMN/IOT pilots;
* **building** (:func:`build_training`): each notebook is executed with
  papermill (``interactief=False``) and exported as reveal.js slides without
  code (one file, reveal.js inline, nothing loaded from the internet), as a
  handout (the report's HTML template, without the speaker notes) and, where a
  headless Chromium exists, as a PDF of the handout with the answers opened.
  In the slides each question gets a slide of its own with the answer as a
  fragment and the answer in its speaker note (:func:`prepare_slides`), so no
  exercise runs off its 1100 x 760 stage. Every file passes the privacy scan
  before it is kept.

Speaker notes are notebook cells with ``"slideshow": {"slide_type": "notes"}``:
nbconvert puts them in ``<aside class="notes">`` and ``s`` opens reveal's
speaker view. That view is a pop-up whose one inline script and whose frames of
the deck itself are allowed by the deck's Content-Security-Policy
(:func:`speaker_view_scripts`); nothing else may run.
"""
from __future__ import annotations

import re
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Sequence

from buitenbeeld.common.formatting import escape
from buitenbeeld.errors import BuitenbeeldError, ReportError
from buitenbeeld.publish.training_questions import Question
from buitenbeeld.publish.webpage import BASE_POLICY, inline_scripts, with_policy
from buitenbeeld.settings import TEMPLATES_DIR, TRAINING_DIR, TRAINING_OUTPUT

# The exercises themselves (Question, type_questions, role_questions, ...) are in training_questions.
__all__ = [
    "TRAINING_NOTEBOOKS", "SOURCES", "SLIDE_KEY", "STAGE", "TrainingResult",
    "has_ipywidgets", "question_html", "question_slide", "build_question_widget", "show_questions",
    "sources_markdown", "show_sources",
    "notebook_parameters", "prepare_slides", "speaker_view_scripts", "export_slides", "export_handout",
    "build_training",
]

#: The notebooks in teaching order: file stem -> title.
TRAINING_NOTEBOOKS = {
    "1_wie_zijn_jongeren_buiten_beeld": "Training 1: Wie zijn jongeren buiten beeld?",
    "2_informele_organisaties_en_rollen": "Training 2: Informele organisaties en hun rollen",
    "3_sociale_kaart_lezen": "Training 3: De sociale kaart lezen",
    "4_warme_overdracht_en_nazorg": "Training 4: Warme overdracht en nazorg",
}
#: The sources the lessons draw on (Markdown, in Dutch for the learner). Every deck ends with the
#: first three; a lesson adds the others it uses (:func:`show_sources`).
SOURCES = {
    "handreiking": ("*Handreiking jongeren buiten beeld*: de handreiking voor gemeenten waar deze training op "
                    "bouwt, met de vijf stappen, de typen organisaties, de vier rollen en de jongerenscouts."),
    "isk": ("De Impacttool Sociale Kaart (ISK) van IZI Solutions en Movisie: de sociale kaart, de interviews en "
            "het idee van een profiel per rol. De formule van de ISK is niet openbaar; de werkbank rekent met "
            "eigen gewichten, die u kunt nalezen."),
    "smn_iot": ("De pilots met jongerenscouts van het Samenwerkingsverband Marokkaanse Nederlanders (SMN) en de "
                "stichting Inspraakorgaan Turken in Nederland (IOT), in 2017 met Den Haag, Venlo en Leeuwarden: "
                "warme overdracht, nazorg, vrijwilligheid en waardering."),
    "cbs": "CBS, maatwerk 2015/49, *Jongeren buiten beeld 2013*: de landelijke cijfers.",
}
_ALWAYS = ("handreiking", "isk", "smn_iot")
#: Output metadata key under which a question output carries its slide form (question, note, answer).
SLIDE_KEY = "buitenbeeld_dia"
#: The size of a slide in the decks (px), as set in the template's ``Reveal.initialize``.
STAGE = (1100, 760)
_SLIDES_TEMPLATE = "training_slides"
_NOTES_PLUGIN = TEMPLATES_DIR / _SLIDES_TEMPLATE / "static" / "reveal" / "notes.js"
_SPEAKER_VIEW = re.compile(r'\.document\.write\("((?:[^"\\]|\\.)*)"\)', re.S)
_JS_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|.)", re.S)
_JS_SINGLE = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0", "\n": ""}


# --------------------------------------------------------------------------- showing questions


def has_ipywidgets() -> bool:
    """True when ipywidgets can be imported (the exercises fall back to HTML without it)."""
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        return False
    return True


def _facts(question: Question) -> str:
    facts = "".join(f"<li>{escape(line)}</li>" for line in question.feiten)
    return f"<ul>{facts}</ul>\n" if facts else ""


def question_html(question: Question, number: int) -> str:
    """The question as static HTML: facts, choices, and the answer in a collapsible part."""
    choices = " · ".join(escape(k) for k in question.keuzes)
    return (
        f'<div class="bb-oefening">\n<p><strong>Vraag {number}.</strong> {escape(question.vraag)}</p>\n'
        + _facts(question)
        + f"<p><em>Kies uit:</em> {choices}</p>\n"
        f"<details><summary>Antwoord</summary>\n<p><strong>{escape(question.antwoord)}</strong>. "
        f"{escape(question.uitleg)}</p>\n</details>\n</div>"
    )


def question_slide(question: Question, number: int, titel: str = "Oefening") -> dict[str, str]:
    """The question as one slide (HTML): ``vraag`` with a title, the speaker ``notitie`` and the ``antwoord``.

    In a deck the answer is a fragment under the question (the next key press
    shows it) and the note tells the trainer how to run the question, the answer
    with its reason and the time it takes.
    """
    choices = " · ".join(escape(k) for k in question.keuzes)
    return {
        "vraag": (f"<h3>{escape(titel)}, vraag {number}</h3>\n<div class=\"bb-oefening\">\n"
                  f"<p>{escape(question.vraag)}</p>\n{_facts(question)}<p><em>Kies uit:</em> {choices}</p>\n</div>"),
        "notitie": (f"<p>Lees vraag {number} voor. Laat iedereen eerst zelf kiezen: per antwoord een hand omhoog.</p>\n"
                    "<p>Vraag aan de groep: waarom kiest u dit? Wie koos iets anders?</p>\n"
                    f"<p>Druk dan op de pijl naar rechts voor het antwoord: <strong>{escape(question.antwoord)}</strong>. "
                    f"{escape(question.uitleg)}</p>\n<p>Tijd: ongeveer 1 minuut.</p>"),
        "antwoord": (f'<div class="bb-antwoord"><p><strong>Antwoord: {escape(question.antwoord)}.</strong> '
                     f"{escape(question.uitleg)}</p></div>"),
    }


def build_question_widget(question: Question, number: int):
    """An ipywidgets UI for one question: choose an answer, get feedback with the reason at once.

    Returns a ``VBox`` whose ``children`` are the question (HTML), the choices
    (``ToggleButtons``, nothing chosen) and the feedback (HTML, filled on a choice).
    Raises ``ImportError`` without ipywidgets.
    """
    import ipywidgets as widgets

    text = widgets.HTML(f"<p><strong>Vraag {number}.</strong> {escape(question.vraag)}</p>" + _facts(question))
    choices = widgets.ToggleButtons(options=list(question.keuzes), value=None,
                                    style={"button_width": "auto"}, description="")
    feedback = widgets.HTML("")

    def answer(change: dict) -> None:
        feedback.value = question.feedback(change["new"])

    choices.observe(answer, names="value")
    return widgets.VBox([text, choices, feedback], layout=widgets.Layout(margin="0 0 1em 0"))


def show_questions(questions: Sequence[Question], interactief: bool = True, start: int = 1,
                   titel: str = "Oefening") -> None:
    """Display exercises in a notebook: widgets when ``interactief`` and ipywidgets are there, else HTML.

    A widget is displayed together with the static HTML form (the richest form
    a front end can show wins), so a saved notebook opened without a kernel
    shows the question with its collapsible answer instead of an empty widget.
    Each output carries its slide form (:func:`question_slide`, titled
    ``titel``) in its metadata for :func:`prepare_slides`.
    """
    from IPython.display import HTML, display

    widgets_on = interactief and has_ipywidgets()
    if interactief and not widgets_on:
        display(HTML("<p><em>ipywidgets is niet geïnstalleerd: de vragen staan hieronder met het antwoord "
                     "om open te klikken.</em></p>"))
    for number, question in enumerate(questions, start):
        static = question_html(question, number)
        slide = {SLIDE_KEY: question_slide(question, number, titel)}
        if not widgets_on:
            display(HTML(static), metadata=slide)
            continue
        bundle = build_question_widget(question, number)._repr_mimebundle_()
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        display({**data, "text/html": static}, raw=True, metadata=slide)


def sources_markdown(*extra: str) -> str:
    """The "Bronnen" section (Markdown): the guide, the ISK and the SMN/IOT pilots, then ``extra`` keys of :data:`SOURCES`."""
    unknown = [key for key in extra if key not in SOURCES]
    if unknown:
        raise ValueError(f"unknown source {unknown}; choose from {', '.join(SOURCES)}")
    lines = "\n".join(f"- {SOURCES[key]}" for key in dict.fromkeys(_ALWAYS + extra))
    return ("## Bronnen\n\n" + lines + "\n\nDe teksten van deze les zijn in eigen woorden geschreven; "
            "feiten en cijfers komen uit deze bronnen.")


def show_sources(*extra: str) -> None:
    """Display the sources of a lesson (:func:`sources_markdown`), as the last slide of its deck."""
    from IPython.display import Markdown, display

    display(Markdown(sources_markdown(*extra)))


# --------------------------------------------------------------------------- slides


def _slide_type(cell: Any) -> str:
    return cell.metadata.get("slideshow", {}).get("slide_type", "-")


def _output_cell(html: str, slide_type: str) -> Any:
    from nbformat.v4 import new_code_cell, new_output

    return new_code_cell("", metadata={"slideshow": {"slide_type": slide_type}},
                         outputs=[new_output("display_data", data={"text/html": html})])


def prepare_slides(nb: Any) -> Any:
    """Give every question of an executed notebook a slide of its own (changes and returns ``nb``).

    A question output (one with :data:`SLIDE_KEY` in its metadata) leaves its
    cell and becomes a vertical slide after the slide it was on: the question
    with its title, its speaker note, and the answer as a fragment, in that
    order (a note inside a fragment would be that fragment's note). The other
    outputs and cells stay as they are; the cells get stable ids.
    """
    cells, waiting = [], []
    for cell in nb.cells:
        if _slide_type(cell) in ("slide", "subslide"):
            cells.extend(waiting)
            waiting = []
        if cell.cell_type == "code":
            slides = [o["metadata"][SLIDE_KEY] for o in cell.get("outputs", []) if SLIDE_KEY in o.get("metadata", {})]
            cell.outputs = [o for o in cell.get("outputs", []) if SLIDE_KEY not in o.get("metadata", {})]
            for slide in slides:
                waiting += [_output_cell(slide["vraag"], "subslide"), _output_cell(slide["notitie"], "notes"),
                            _output_cell(slide["antwoord"], "fragment")]
        cells.append(cell)
    nb.cells = cells + waiting
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"cel-{index}"
    return nb


@lru_cache(maxsize=1)
def speaker_view_scripts() -> tuple[str, ...]:
    """The inline scripts of reveal's speaker view (key ``s``), which its notes plugin writes into a pop-up.

    The pop-up starts as ``about:blank`` and so inherits the deck's
    Content-Security-Policy: without these scripts' hashes the speaker view
    opens empty. They are read from the plugin's JavaScript string, unescaped.
    """
    found = _SPEAKER_VIEW.search(_NOTES_PLUGIN.read_text(encoding="utf-8"))
    if found is None:
        raise ReportError(_NOTES_PLUGIN.name, "the speaker view of reveal's notes plugin was not found")

    def unescape(match: re.Match) -> str:
        code = match.group(1)
        return chr(int(code[1:], 16)) if code[0] in "xu" and len(code) > 1 else _JS_SINGLE.get(code, code)

    return tuple(inline_scripts(_JS_ESCAPE.sub(unescape, found.group(1))))


# --------------------------------------------------------------------------- building slides and handouts


@dataclass
class TrainingResult:
    """What :func:`build_training` made of one notebook."""

    naam: str
    ok: bool
    files: list[Path] = field(default_factory=list)
    seconds: float = 0.0
    message: str = ""


def notebook_parameters(path: Path) -> set[str]:
    """The names of the parameters a notebook declares in its ``parameters`` cell."""
    import papermill as pm

    return set(pm.inspect_notebook(str(path)))


def export_slides(notebook_path: Path, html_path: Path, title: str) -> Path:
    """Write an executed notebook as one self-contained reveal.js slide deck without code.

    Questions get a slide each (:func:`prepare_slides`); the speaker notes stay
    in the deck. Only the deck's own scripts and reveal's speaker view may run,
    and only the deck itself may be framed (the speaker view shows it twice).
    """
    from nbconvert import SlidesExporter

    from buitenbeeld.publish.render import exporter, prepare_for_export

    nb = prepare_for_export(notebook_path, title)
    nb.metadata.pop("widgets", None)  # no widget state or scripts in a deck that must open offline
    for cell in nb.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):  # else it opens the deck as an empty slide
            cell.metadata["slideshow"] = {"slide_type": "skip"}
    body, _ = exporter(SlidesExporter, _SLIDES_TEMPLATE).from_notebook_node(prepare_slides(nb))
    # reveal.js and its set-up (the template's footer, after the last slide) may run; nothing in a slide may
    scripts = inline_scripts(body[body.rindex("</section>"):]) + list(speaker_view_scripts())
    page = with_policy(body, scripts).replace(BASE_POLICY, f"{BASE_POLICY}; frame-src 'self'", 1)
    html_path.write_text(page, encoding="utf-8")
    return html_path


def export_handout(notebook_path: Path, html_path: Path, title: str) -> Path:
    """Write an executed notebook as the handout: the report's HTML page, without code and speaker notes."""
    from buitenbeeld.publish.render import exporter, prepare_for_export

    nb = prepare_for_export(notebook_path, title)
    nb.cells = [cell for cell in nb.cells if _slide_type(cell) != "notes"]  # the notes are for the trainer
    body, _ = exporter().from_notebook_node(nb)
    html_path.write_text(with_policy(body), encoding="utf-8")
    return html_path


def _open_answers(html_path: Path, target: Path) -> Path:
    """A copy of a handout with every answer opened, for print (a closed ``<details>`` prints closed)."""
    target.write_text(html_path.read_text(encoding="utf-8").replace("<details>", "<details open>"), encoding="utf-8")
    return target


def _build_one(naam: str, work: Path, parameters: dict, engine: str | None, pdf: bool) -> list[Path]:
    import papermill as pm

    from buitenbeeld.errors import PersonalDataFoundError
    from buitenbeeld.privacy.scan import check_report
    from buitenbeeld.publish.pdf import find_chromium, html_to_pdf
    from buitenbeeld.publish.render import personal_table
    from buitenbeeld.settings import data_paths

    source = TRAINING_DIR / f"{naam}.ipynb"
    declared = notebook_parameters(source)
    executed = work / f"{naam}.ipynb"
    try:
        pm.execute_notebook(str(source), str(executed),
                            parameters={k: v for k, v in parameters.items() if k in declared},
                            cwd=str(TRAINING_DIR), progress_bar=False, log_output=False, engine_name=engine,
                            request_save_on_cell_execute=False)
    except pm.PapermillExecutionError as error:
        raise ReportError(naam, f"{error.ename}: {error.evalue}", error.exec_count) from error
    title = TRAINING_NOTEBOOKS[naam]
    slides = export_slides(executed, work / f"{naam}.slides.html", title)
    handout = export_handout(executed, work / f"{naam}.html", title)
    personal = personal_table(data_paths(parameters.get("data_map") or None).processed)
    for page in (slides, handout):
        try:
            check_report(page, personal)
        except PersonalDataFoundError as error:
            raise ReportError(naam, str(error)) from error
    files = [executed, slides, handout]
    if pdf and find_chromium():
        printable = _open_answers(handout, work / f".{naam}.print.html")
        try:
            files.append(html_to_pdf(printable, work / f"{naam}.pdf"))
        except BuitenbeeldError as error:  # the HTML handout is complete without its PDF
            (work / f"{naam}.pdf-mislukt.txt").write_text(str(error), encoding="utf-8")
        finally:
            printable.unlink(missing_ok=True)
    return files


def _remove_outputs(output_dir: Path, naam: str) -> None:
    """Remove what an earlier run wrote for notebook ``naam`` (its .ipynb, .html, .slides.html, .pdf, notes)."""
    for path in Path(output_dir).glob(f"{naam}.*"):
        if path.is_file():
            path.unlink()


def build_training(output_dir: str | Path = TRAINING_OUTPUT, gemeente: str | None = None,
                   data_dir: str | Path | None = None, pdf: bool = True, warm: bool = True,
                   notebooks: Sequence[str] | None = None) -> list[TrainingResult]:
    """Execute every training notebook and write its slides, handout and PDF into ``output_dir``.

    Per notebook ``<naam>``: ``<naam>.slides.html`` (reveal.js, code hidden, one
    file that opens offline), ``<naam>.html`` (the handout: questions with their
    answers to open), ``<naam>.pdf`` (the handout with the answers opened, where
    a headless Chromium is found and ``pdf``) and the executed ``<naam>.ipynb``.
    The notebooks run with ``interactief=False``, so the exercises are in the
    static form that survives export. A notebook's files are moved into
    ``output_dir`` only when all of them are made; one notebook failing does not
    stop the others.

    Parameters
    ----------
    output_dir
        Target folder (default ``reports/training``), created when missing.
    gemeente
        The gemeente whose figures and sociale kaart the notebooks use (default:
        each notebook's own default).
    data_dir
        The data folder (default: the project's ``data/``, with the demo data).
    pdf
        Make PDFs when Chromium is there.
    warm
        Run on the warm kernels of :mod:`buitenbeeld.publish.engine` (the notebooks share
        one kernel start); False: papermill's own engine, a new kernel per notebook.
    notebooks
        The stems to build (default: all of :data:`TRAINING_NOTEBOOKS`).

    Returns
    -------
    list of TrainingResult
        One per notebook, in teaching order.
    """
    import papermill  # noqa: F401  # first: papermill loads the engine entry point, which imports .engine

    from buitenbeeld.publish.engine import ENGINE_NAME  # here, not at the top: the notebooks' kernel imports this module

    engine = ENGINE_NAME if warm else None
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    parameters: dict[str, Any] = {"interactief": False, "data_map": str(data_dir) if data_dir else ""}
    if gemeente:
        parameters["gemeente"] = gemeente
    results = []
    for naam in notebooks or TRAINING_NOTEBOOKS:
        if naam not in TRAINING_NOTEBOOKS:
            results.append(TrainingResult(naam, False, message=f"unknown training notebook; choose from "
                                                               f"{', '.join(TRAINING_NOTEBOOKS)}"))
            continue
        started = time.monotonic()
        work = Path(tempfile.mkdtemp(prefix=f".{naam}-", dir=output_dir))
        try:
            files = _build_one(naam, work, parameters, engine, pdf)
            _remove_outputs(output_dir, naam)  # no PDF of another gemeente or an earlier run left beside it
            kept = []
            for path in files + sorted(work.glob("*-mislukt.txt")):
                path.chmod(0o644)
                kept.append(Path(shutil.move(str(path), output_dir / path.name)))
            results.append(TrainingResult(naam, True, kept, time.monotonic() - started))
        except Exception as error:  # noqa: BLE001 - one notebook's failure must not stop the others
            message = str(error) if isinstance(error, BuitenbeeldError) else f"{type(error).__name__}: {error}"
            _remove_outputs(output_dir, naam)  # an earlier run's files must not pass for this run's
            results.append(TrainingResult(naam, False, seconds=time.monotonic() - started, message=message))
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return results
