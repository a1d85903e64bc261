"""Teaching material for the basic training of jongerenscouts and officials (step 4 of the guide).

The training notebooks in ``notebooks/training/`` teach with the workbench's own
data and functions. This module holds what they share:

* **exercises** (:class:`Question`): the questions and their right answers are
  derived from the same code the reports use, never from a second copy: the
  role questions from :func:`buitenbeeld.analysis.roles.advise_roles` (through
  :func:`buitenbeeld.analysis.compare.compare_organisations`), the type questions from
  :func:`buitenbeeld.analysis.roles.type_advice_table`, the rank questions from the
  sensitivity analysis (:mod:`buitenbeeld.analysis.uncertainty`), the myths from the CBS
  figures of :func:`buitenbeeld.publish.report.load_report_data`. Change the advice table
  in the scoring configuration and the exercises follow;
* **showing them** (:func:`show_questions`): in JupyterLab with ipywidgets and
  ``interactief=True`` each question is a widget that gives feedback with the
  reason as soon as the learner chooses; otherwise (no kernel, no ipywidgets,
  ``interactief=False``, an exported handout) it is HTML with the question and
  the answer in a collapsible ``<details>`` part. A widget output carries that
  HTML too, so a saved notebook reads well without a kernel;
* **building** (:func:`build_training`): each notebook is executed with
  papermill (``interactief=False``) and exported as reveal.js slides without
  code (one file, reveal.js inline, nothing loaded from the internet), as a
  handout (the report's HTML template) and, where a headless Chromium exists, as
  a PDF of the handout with the answers opened. Every file passes the privacy
  scan before it is kept.
"""
from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import pandas as pd

from buitenbeeld.common.formatting import escape, format_count, format_number, format_share, is_missing
from buitenbeeld.common.vocabulary import ORGANISATION_TYPES, ROLES
from buitenbeeld.errors import BuitenbeeldError, ReportError
from buitenbeeld.publish.webpage import inline_scripts, with_policy
from buitenbeeld.settings import TRAINING_DIR, TRAINING_OUTPUT

__all__ = [
    "TRAINING_NOTEBOOKS", "TYPE_QUESTIONS", "FORMAL",
    "Question", "TrainingResult",
    "has_ipywidgets", "question_html", "build_question_widget", "show_questions",
    "type_questions", "role_questions", "reading_questions", "myth_questions",
    "notebook_parameters", "export_slides", "build_training",
]

#: The notebooks in teaching order: file stem -> title.
TRAINING_NOTEBOOKS = {
    "1_wie_zijn_jongeren_buiten_beeld": "Training 1: Wie zijn jongeren buiten beeld?",
    "2_informele_organisaties_en_rollen": "Training 2: Informele organisaties en hun rollen",
    "3_sociale_kaart_lezen": "Training 3: De sociale kaart lezen",
    "4_warme_overdracht_en_nazorg": "Training 4: Warme overdracht en nazorg",
}
#: Type and role pairs the type quiz asks about (the answers come from the configuration).
TYPE_QUESTIONS = (("commercieel", "bereiken"), ("commercieel", "activeren"), ("sociale onderneming", "plaatsen"),
                  ("interesse/hobby", "behouden"), ("leefgebieden", "plaatsen"), ("cultuur/religie", "activeren"))
#: The type of formal organisations (no type advice: the comparison group).
FORMAL = "formeel"
_SLIDES_TEMPLATE = "training_slides"
_TYPE_ANSWERS = ("ja", "mogelijk", "nee")
_TRUE_FALSE = ("waar", "niet waar")
_SURE = ("ja, zeker", "niet zeker")


# --------------------------------------------------------------------------- questions


@dataclass(frozen=True)
class Question:
    """One exercise: a question with its facts, the choices, the right answer and why.

    ``vraag`` and the lines of ``feiten`` are plain text (escaped when shown);
    ``antwoord`` is one of ``keuzes``; ``uitleg`` says why, in plain Dutch.
    """

    vraag: str
    keuzes: tuple[str, ...]
    antwoord: str
    uitleg: str
    feiten: tuple[str, ...] = ()

    def __post_init__(self):
        if self.antwoord not in self.keuzes:
            raise ValueError(f"answer {self.antwoord!r} is not one of the choices {self.keuzes}")

    def feedback(self, keuze: str | None) -> str:
        """The feedback on a choice, as HTML: right or not, the right answer and the reason."""
        if keuze is None:
            return ""
        goed = keuze == self.antwoord
        kop = "Goed!" if goed else f"Niet helemaal. Het antwoord is: {self.antwoord}."
        kleur = "#029e73" if goed else "#d55e00"
        return (f'<p><strong style="color:{kleur}">{escape(kop)}</strong> '
                f"{escape(self.uitleg)}</p>")


def has_ipywidgets() -> bool:
    """True when ipywidgets can be imported (the exercises fall back to HTML without it)."""
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        return False
    return True


def question_html(question: Question, number: int) -> str:
    """The question as static HTML: facts, choices, and the answer in a collapsible part."""
    facts = "".join(f"<li>{escape(line)}</li>" for line in question.feiten)
    choices = " · ".join(escape(k) for k in question.keuzes)
    return (
        f'<div class="bb-oefening">\n<p><strong>Vraag {number}.</strong> {escape(question.vraag)}</p>\n'
        + (f"<ul>{facts}</ul>\n" if facts else "")
        + f"<p><em>Kies uit:</em> {choices}</p>\n"
        f"<details><summary>Antwoord</summary>\n<p><strong>{escape(question.antwoord)}</strong>. "
        f"{escape(question.uitleg)}</p>\n</details>\n</div>"
    )


def build_question_widget(question: Question, number: int):
    """An ipywidgets UI for one question: choose an answer, get feedback with the reason at once.

    Returns a ``VBox`` whose ``children`` are the question (HTML), the choices
    (``ToggleButtons``, nothing chosen) and the feedback (HTML, filled on a choice).
    Raises ``ImportError`` without ipywidgets.
    """
    import ipywidgets as widgets

    facts = "".join(f"<li>{escape(line)}</li>" for line in question.feiten)
    text = widgets.HTML(f"<p><strong>Vraag {number}.</strong> {escape(question.vraag)}</p>"
                        + (f"<ul>{facts}</ul>" if facts else ""))
    choices = widgets.ToggleButtons(options=list(question.keuzes), value=None,
                                    style={"button_width": "auto"}, description="")
    feedback = widgets.HTML("")

    def answer(change: dict) -> None:
        feedback.value = question.feedback(change["new"])

    choices.observe(answer, names="value")
    return widgets.VBox([text, choices, feedback], layout=widgets.Layout(margin="0 0 1em 0"))


def show_questions(questions: Sequence[Question], interactief: bool = True, start: int = 1) -> None:
    """Display exercises in a notebook: widgets when ``interactief`` and ipywidgets are there, else HTML.

    A widget is displayed together with the static HTML form (the richest form
    a front end can show wins), so a saved notebook opened without a kernel
    shows the question with its collapsible answer instead of an empty widget.
    """
    from IPython.display import HTML, display

    widgets_on = interactief and has_ipywidgets()
    if interactief and not widgets_on:
        display(HTML("<p><em>ipywidgets is niet geïnstalleerd: de vragen staan hieronder met het antwoord "
                     "om open te klikken.</em></p>"))
    for number, question in enumerate(questions, start):
        static = question_html(question, number)
        if not widgets_on:
            display(HTML(static))
            continue
        bundle = build_question_widget(question, number)._repr_mimebundle_()
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        display({**data, "text/html": static}, raw=True)


def type_questions(config: Any, pairs: Sequence[tuple[str, str]] = TYPE_QUESTIONS) -> list[Question]:
    """Questions on the guide's advice per type and role; the answers come from :func:`roles.type_advice_table`.

    Parameters
    ----------
    config : ScoringConfig
        The scoring configuration whose ``[roladvies.types]`` holds the advice.
    pairs
        (type, role) pairs to ask about; formal organisations have no type advice.
    """
    from buitenbeeld.analysis.roles import type_advice_table

    table = type_advice_table(config)
    cautions = config.roladvies["types"]
    questions = []
    for kind, role in pairs:
        advice = table.at[kind, role]
        if advice not in _TYPE_ANSWERS:
            continue
        meaning = {"ja": "deze rol past bij dit type", "mogelijk": "het hangt af van de relatie en van de organisatie",
                   "nee": "deze rol wordt bij dit type afgeraden"}[advice]
        questions.append(Question(
            vraag=f"Past de rol {role} bij een organisatie van het type {kind}?",
            keuzes=_TYPE_ANSWERS, antwoord=advice,
            uitleg=f"Het advies voor {kind} en {role} is '{advice}': {meaning}. {cautions[kind].get('let_op', '')}".strip()))
    return questions


def _role_names(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        from buitenbeeld.common.values import parse_roles

        return parse_roles(value)
    if isinstance(value, (tuple, list)):
        return tuple(value)
    return ()


def role_questions(comparison: Any, aantal: int = 6, include_formal: bool = False) -> list[Question]:
    """Questions "which advice fits this organisation for this role?" from the comparison's role advice.

    The answers and reasons are the ``advies_<rol>`` and ``reden_<rol>`` columns
    of :func:`buitenbeeld.analysis.roles.advise_roles`, as in the reports. The selection
    is deterministic: it takes turns over the outcomes (past, met zorg, niet
    aanbevolen) and, within an outcome, the type asked least so far, one
    question per organisation, informal organisations only unless
    ``include_formal``.

    Parameters
    ----------
    comparison : Comparison
        The result of :func:`buitenbeeld.analysis.compare.compare_organisations`.
    aantal
        The number of questions (fewer when there are not enough organisations).
    """
    from buitenbeeld.analysis.roles import OUTCOMES

    advice, organisaties, profiles = comparison.advice, comparison.organisaties, comparison.profiles
    if advice.empty:
        return []
    type_rank = {kind: rank for rank, kind in enumerate(ORGANISATION_TYPES)}
    candidates = [(index, role, advice.at[index, f"advies_{role}"])
                  for index in sorted(organisaties.index, key=lambda i: (type_rank.get(organisaties.at[i, "type"], 99), i))
                  if include_formal or organisaties.at[index, "type"] != FORMAL
                  for role in ROLES]
    chosen: list[tuple[Any, str]] = []
    asked_types: dict[str, int] = {}
    for turn in range(aantal):
        used = {index for index, _ in chosen}
        open_ = [c for c in candidates if c[0] not in used]
        wanted = [c for c in open_ if c[2] == OUTCOMES[turn % len(OUTCOMES)]] or open_
        if not wanted:
            break
        index, role, _ = min(wanted, key=lambda c: asked_types.get(organisaties.at[c[0], "type"], 0))
        asked_types[organisaties.at[index, "type"]] = asked_types.get(organisaties.at[index, "type"], 0) + 1
        chosen.append((index, role))
    questions = []
    for index, role in chosen:
        kind = organisaties.at[index, "type"]
        value = profiles.at[index, role]
        doing = _role_names(organisaties.at[index, "rollen_nu"]) if "rollen_nu" in organisaties else ()
        willing = _role_names(organisaties.at[index, "rollen_bereid"]) if "rollen_bereid" in organisaties else ()
        caution = advice.at[index, "let_op"]
        questions.append(Question(
            vraag=f"Welk advies past bij {comparison.names[index]} voor de rol {role}?",
            keuzes=tuple(OUTCOMES), antwoord=advice.at[index, f"advies_{role}"],
            uitleg=f"Reden: {advice.at[index, f'reden_{role}']}." + (f" Let op bij dit type: {caution}" if caution else ""),
            feiten=(f"Type: {kind}",
                    f"Profiel {role}: " + ("onbekend" if is_missing(value) else f"{format_number(value)} (0-10)"),
                    "Doet nu: " + (", ".join(doing) or "niets genoemd"),
                    "Wil graag: " + (", ".join(willing) or "niets genoemd"))))
    return questions


def reading_questions(comparison: Any, rol: str = "bereiken", aantal: int = 3) -> list[Question]:
    """Questions on reading a profile and a rank: is one organisation surely stronger than the next?

    From the sensitivity analysis of ``rol`` (:func:`buitenbeeld.analysis.uncertainty.sensitivity`):
    for neighbours in the ranking, "surely stronger" is right only when the 90%
    intervals of their positions do not overlap. Pairs are taken from the top
    down, so the first question is the one a gemeente is most tempted by.
    """
    sensitivity = comparison.sensitivity.get(rol)
    if sensitivity is None:
        return []
    known = sensitivity.dropna(subset=["rang"]).sort_values(["rang", "rang_laag"], kind="stable")
    questions = []
    for (a, first), (b, second) in zip(known.iterrows(), list(known.iterrows())[1:]):
        if len(questions) >= aantal:
            break
        sure = first["rang_hoog"] < second["rang_laag"]
        name_a, name_b = comparison.names[a], comparison.names[b]
        questions.append(Question(
            vraag=f"{name_a} staat voor {rol} hoger dan {name_b}. Is {name_a} zeker sterker in {rol}?",
            keuzes=_SURE, antwoord=_SURE[0] if sure else _SURE[1],
            uitleg=(f"De intervallen ({_interval(first)} en {_interval(second)}) overlappen niet: ook met andere "
                    "redelijke keuzes blijft de volgorde gelijk." if sure else
                    f"De intervallen ({_interval(first)} en {_interval(second)}) overlappen: met andere redelijke "
                    "gewichten of schattingen kan de volgorde omdraaien. Het verschil is te klein om iets over te zeggen."),
            feiten=(f"{name_a}: positie {format_count(first['rang'])}, 90%-interval {_interval(first)}",
                    f"{name_b}: positie {format_count(second['rang'])}, 90%-interval {_interval(second)}")))
    return questions


def _interval(row: pd.Series) -> str:
    return f"{format_count(row['rang_laag'])} tot {format_count(row['rang_hoog'])}"


def myth_questions(data: Any) -> list[Question]:
    """Myths about jongeren buiten beeld against the figures: "waar of niet waar?".

    The figures come from the CBS table of the report data (the national row and
    the gemeente's row, small counts suppressed as in the reports) and from the
    gemeente's sociale kaart.
    """
    from buitenbeeld.privacy.disclosure import show_count
    from buitenbeeld.publish.report import shares

    national = data.youth.nederland
    total, without = national.get("buiten_beeld"), national.get("zonder_bekende_reden")
    own_share, national_share = shares(data)
    questions = [Question(
        vraag="Alle jongeren die buiten beeld zijn, zijn probleemjongeren.",
        keuzes=_TRUE_FALSE, antwoord="niet waar",
        uitleg=(f"Van de {format_count(total)} jongeren buiten beeld heeft "
                f"{format_share((total - without) / total if total else None, 0)} een bekende reden: "
                "ze studeerden of werkten kort geleden, hebben een partner of kind, wonen in een instelling, zitten "
                f"vast of zijn bekend bij jeugdzorg. Voor {format_count(without)} is geen reden bekend "
                f"({format_share(without / total if total else None)}). Ook zij zijn niet allemaal zorgwekkend: "
                "iedereen heeft het recht om onzichtbaar te zijn."))]
    if national_share is not None:
        questions.append(Question(
            vraag="Het gaat maar om een heel kleine groep jongeren.",
            keuzes=_TRUE_FALSE, antwoord="niet waar",
            uitleg=(f"Op 1 oktober {data.youth.peiljaar or data.peiljaar} was {format_share(national_share)} van alle "
                    f"jongeren van 15 tot 27 jaar buiten beeld: ongeveer 1 op de {round(1 / national_share)}.")))
    row = data.youth_row or {}
    if not is_missing(row.get("buiten_beeld")) and row.get("buiten_beeld", 0) > 0:
        share = f" ({format_share(own_share)} van de jongeren)" if own_share is not None else ""
        questions.append(Question(
            vraag=f"In {data.gemeente.naam} speelt dit niet.",
            keuzes=_TRUE_FALSE, antwoord="niet waar",
            uitleg=(f"Volgens de CBS-tabel waren in {data.gemeente.naam} {show_count(row['buiten_beeld'], data.drempel)} "
                    f"jongeren buiten beeld{share}. Kijk wel naar de wijk: achter één getal voor de hele gemeente "
                    "zitten grote verschillen.")))
    informal = int((data.organisaties["type"] != FORMAL).sum()) if len(data.organisaties) else 0
    questions.append(Question(
        vraag="Als de gemeente goed zoekt, vindt ze deze jongeren zelf wel.",
        keuzes=_TRUE_FALSE, antwoord="niet waar",
        uitleg=("Veel van deze jongeren komen niet vanzelf naar de gemeente: ze hebben het vertrouwen in de overheid "
                "verloren of willen geen contact. Informele organisaties zien hen vaak wel"
                + (f"; in de sociale kaart van {data.gemeente.naam} staan {informal} informele organisaties."
                   if informal else ".") + " Zo'n organisatie kan een brug zijn, met een jongerenscout.")))
    questions.append(Question(
        vraag="De CBS-cijfers laten zien hoeveel jongeren hulp nodig hebben.",
        keuzes=_TRUE_FALSE, antwoord="niet waar",
        uitleg=("Het CBS telt wie niet in de registers van school, werk, uitkering en UWV staat. Of iemand hulp "
                "nodig heeft, staat er niet in. Daarvoor is contact nodig: praten, niet tellen.")))
    return questions


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
    """Write an executed notebook as one self-contained reveal.js slide deck without code."""
    from buitenbeeld.publish.render import exporter, prepare_for_export

    nb = prepare_for_export(notebook_path, title)
    nb.metadata.pop("widgets", None)  # no widget state or scripts in a deck that must open offline
    for cell in nb.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):  # else it opens the deck as an empty slide
            cell.metadata["slideshow"] = {"slide_type": "skip"}
    from nbconvert import SlidesExporter

    body, _ = exporter(SlidesExporter, _SLIDES_TEMPLATE).from_notebook_node(nb)
    # reveal.js and its set-up (the template's footer, after the last slide) may run; nothing in a slide may
    html_path.write_text(with_policy(body, inline_scripts(body[body.rindex("</section>"):])), encoding="utf-8")
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
    from buitenbeeld.publish.render import export_html, personal_table
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
    handout = export_html(executed, work / f"{naam}.html", title)
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
