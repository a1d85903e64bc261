"""Training notebooks: exercises from the role-advice code, widgets with a static fallback,
slides and handouts that open offline and hide the code."""
from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import nbformat
import pandas as pd
import papermill as pm
import pytest

from buitenbeeld.analysis import compare, roles, scoring
from buitenbeeld.analysis.scoring import DEFAULT_CONFIG
from buitenbeeld.ingest import pipeline as ingest
from buitenbeeld.privacy.scan import check_report
from buitenbeeld.publish import training, training_questions
from buitenbeeld.publish.pdf import find_chromium
from buitenbeeld.publish.training import TRAINING_NOTEBOOKS
from buitenbeeld.publish.training_questions import Question
from buitenbeeld.publish.webpage import inline_scripts
from buitenbeeld.reference.gemeenten import resolve_gemeente
from buitenbeeld.settings import TRAINING_DIR

NOTEBOOKS = [TRAINING_DIR / f"{naam}.ipynb" for naam in TRAINING_NOTEBOOKS]
ROLES_NOTEBOOK = TRAINING_DIR / "2_informele_organisaties_en_rollen.ipynb"
EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)
QUESTION = Question("Past de rol bereiken bij een kapper?", ("ja", "mogelijk", "nee"), "mogelijk",
                    "Het hangt af van de relatie <en> de eigenaar.", ("Type: commercieel",))


def _config_with(tmp_path: Path, old: str, new: str) -> Path:
    """A copy of the shipped scoring configuration with one line changed."""
    text = DEFAULT_CONFIG.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "scoring.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _outputs(notebook: Path, mimetype: str) -> str:
    executed = nbformat.read(notebook, as_version=4)
    errors = [o for c in executed.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors == []
    return "\n".join(o.get("data", {}).get(mimetype, "") for c in executed.cells for o in c.get("outputs", []))


def _run(path: Path, tmp_path: Path, **parameters) -> Path:
    out = tmp_path / f"{path.stem}-{len(list(tmp_path.glob('*.ipynb')))}.ipynb"
    pm.execute_notebook(str(path), str(out), parameters=parameters, cwd=str(TRAINING_DIR), progress_bar=False)
    return out


# --------------------------------------------------------------------------- the notebooks as stored


def test_four_training_notebooks_in_teaching_order():
    assert [p.name for p in sorted(TRAINING_DIR.glob("*.ipynb"))] == [p.name for p in NOTEBOOKS]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_a_lesson_with_parameters_duration_and_exercises(path):
    nb = nbformat.read(path, as_version=4)
    assert "parameters" in nb.cells[0].metadata.get("tags", [])
    names = {line.split(":")[0] for line in nb.cells[0].source.splitlines()}
    assert {"data_map", "interactief"} <= names
    title = nb.cells[1].source
    minutes = int(re.search(r"duur: ongeveer (\d+) minuten", title).group(1))
    assert 20 <= minutes <= 40
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "Vraag aan de groep" in text and ("Oefening" in text or "Casus" in text)
    assert not re.search(r"https?://", text), "a training notebook links nowhere: the handouts must open offline"
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in nb.cells if c.cell_type == "code")
    assert all("slideshow" in c.metadata for c in nb.cells)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_slide_of_a_notebook_has_its_speaker_note_and_the_last_one_credits_the_sources(path):
    nb = nbformat.read(path, as_version=4)
    kinds = [c.metadata["slideshow"]["slide_type"] for c in nb.cells]
    starts = [i for i, kind in enumerate(kinds) if kind in ("slide", "subslide")]
    for start, end in zip(starts, starts[1:] + [len(kinds)]):
        notes = [nb.cells[i] for i in range(start, end) if kinds[i] == "notes"]
        assert len(notes) == 1 and notes[0].cell_type == "markdown", f"cell {start} needs one speaker note"
        assert re.search(r"\*\*Tijd:\*\* ongeveer \d+ minu", notes[0].source) and "?" in notes[0].source
    assert "training.show_sources(" in nb.cells[starts[-1]].source


def _markdown(naam: str) -> str:
    nb = nbformat.read(TRAINING_DIR / f"{naam}.ipynb", as_version=4)
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def test_lesson_1_says_what_scouts_do_as_the_guide_does_and_that_it_is_no_policing():
    text = " ".join(_markdown("1_wie_zijn_jongeren_buiten_beeld").split())
    assert "niet iemand opsporen" not in text
    assert "spoort u jongeren op, werft u ze, coacht u ze" in text and "contactpersoon bij de gemeente" in text
    assert "geen politiewerk" in text and "U controleert niemand" in text


def test_lesson_3_never_calls_a_difference_between_profiles_certain():
    text = _markdown("3_sociale_kaart_lezen")
    assert not re.search(r"\bzeker\b", text, re.I)  # "onzeker" is what a position is
    assert "hangt de volgorde af van de keuzes" in text and "niet over hoe goed een organisatie is" in text


def test_lesson_4_calls_the_warm_handover_associated_and_pseudonymised_data_personal():
    text = " ".join(_markdown("4_warme_overdracht_en_nazorg").split())
    assert "helpt een warme overdracht" not in text and "anoniem maakt" not in text and "gegevens anoniem" not in text
    closing = text[text.rindex("## Tot slot"):]
    assert "samenhang, geen effect" in closing and "helpt" not in closing
    assert "pseudonimiseren: de gegevens blijven persoonsgegevens" in text


# --------------------------------------------------------------------------- exercises


def test_question_html_has_the_answer_in_a_collapsible_part_and_escapes():
    text = training.question_html(QUESTION, 3)
    assert "<strong>Vraag 3.</strong>" in text and "<li>Type: commercieel</li>" in text
    assert re.search(r"<details><summary>Antwoord</summary>\s*<p><strong>mogelijk</strong>", text)
    assert "&#60;en&#62;" in text and "<en>" not in text


def test_a_question_needs_its_answer_among_the_choices():
    with pytest.raises(ValueError, match="not one of the choices"):
        Question("?", ("ja", "nee"), "mogelijk", "")


def test_widget_gives_feedback_with_the_reason_on_a_choice():
    pytest.importorskip("ipywidgets")
    box = training.build_question_widget(QUESTION, 1)
    _, choices, feedback = box.children
    assert choices.value is None and feedback.value == ""
    choices.value = "nee"
    assert "Niet helemaal" in feedback.value and "mogelijk" in feedback.value and "relatie" in feedback.value
    choices.value = "mogelijk"
    assert "Goed!" in feedback.value


def _displayed(monkeypatch, **kwargs) -> list:
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, raw=False, metadata=None: shown.append(obj))
    training.show_questions([QUESTION], **kwargs)
    return shown


def test_static_form_when_not_interactive_or_without_ipywidgets(monkeypatch):
    static = _displayed(monkeypatch, interactief=False)
    assert len(static) == 1 and "<details>" in static[0].data
    monkeypatch.setattr(training, "has_ipywidgets", lambda: False)
    fallback = _displayed(monkeypatch, interactief=True)
    assert "niet geïnstalleerd" in fallback[0].data and "<details>" in fallback[1].data


def test_widget_output_carries_the_static_form_for_a_notebook_without_kernel(monkeypatch):
    pytest.importorskip("ipywidgets")
    (bundle,) = _displayed(monkeypatch, interactief=True)
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert "<details><summary>Antwoord</summary>" in bundle["text/html"]


def test_each_question_output_carries_its_slide_with_the_answer_and_a_note(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, raw=False, metadata=None: shown.append(metadata))
    training.show_questions([QUESTION], interactief=False, start=4, titel="Oefening A")
    slide = shown[0][training.SLIDE_KEY]
    assert slide["vraag"].startswith("<h3>Oefening A, vraag 4</h3>") and "<details>" not in slide["vraag"]
    assert "mogelijk" not in slide["vraag"].split("Kies uit:")[0]  # the question does not give the answer away
    assert "Antwoord: mogelijk." in slide["antwoord"] and "&#60;en&#62;" in slide["antwoord"]
    assert "<strong>mogelijk</strong>" in slide["notitie"] and "Tijd: ongeveer 1 minuut." in slide["notitie"]


def _question_output(number: int) -> dict:
    slide = training.question_slide(QUESTION, number)
    return nbformat.v4.new_output("display_data", data={"text/html": training.question_html(QUESTION, number)},
                                  metadata={training.SLIDE_KEY: slide})


def test_prepare_slides_gives_each_question_a_slide_after_the_notes_of_its_own():
    def cell(kind, source="", outputs=()):
        made = (nbformat.v4.new_code_cell(source, outputs=list(outputs)) if outputs
                else nbformat.v4.new_markdown_cell(source))
        made.metadata["slideshow"] = {"slide_type": kind}
        return made

    nb = nbformat.v4.new_notebook(cells=[
        cell("slide", "## Oefening"),
        cell("-", outputs=[nbformat.v4.new_output("display_data", data={"text/html": "<p>uitleg</p>"}),
                           _question_output(1), _question_output(2)]),
        cell("notes", "notitie bij de oefening"),
        cell("subslide", "### Vraag aan de groep"),
    ])
    cells = training.prepare_slides(nb).cells
    kinds = [c.metadata["slideshow"]["slide_type"] for c in cells]
    assert kinds == ["slide", "-", "notes", "subslide", "notes", "fragment", "subslide", "notes", "fragment", "subslide"]
    assert [o["data"]["text/html"] for o in cells[1].outputs] == ["<p>uitleg</p>"]
    assert "vraag 2" in cells[6].outputs[0]["data"]["text/html"] and "bb-antwoord" in cells[8].outputs[0]["data"]["text/html"]
    assert [c["id"] for c in cells] == [f"cel-{i}" for i in range(len(cells))]


def test_sources_credit_the_guide_the_isk_and_the_pilots_in_dutch():
    text = training.sources_markdown("cbs")
    assert text.startswith("## Bronnen")
    for credit in ("*Handreiking jongeren buiten beeld*", "Impacttool Sociale Kaart (ISK)", "IZI Solutions en Movisie",
                   "(SMN)", "(IOT)", "maatwerk 2015/49"):
        assert credit in text
    assert "maatwerk" not in training.sources_markdown()
    with pytest.raises(ValueError, match="unknown source"):
        training.sources_markdown("wikipedia")


def test_type_questions_follow_the_advice_table_in_the_configuration(tmp_path):
    shipped = {(q.vraag, q.antwoord) for q in training_questions.type_questions(scoring.load_config())}
    assert ("Past de rol bereiken bij een organisatie van het type commercieel?", "mogelijk") in shipped
    changed = scoring.load_config(_config_with(tmp_path, 'bereiken = "mogelijk"\nactiveren = "nee"',
                                               'bereiken = "nee"\nactiveren = "nee"'))
    answers = {q.vraag: q.antwoord for q in training_questions.type_questions(changed)}
    assert answers["Past de rol bereiken bij een organisatie van het type commercieel?"] == "nee"
    assert roles.type_advice_table(changed).at["commercieel", "bereiken"] == "nee"


def _comparison(data_dir, config=None):
    ingest.build_processed(data_dir)
    alle = ingest.read_processed(data_dir).organisaties
    return compare.compare_organisations(alle, resolve_gemeente("Den Haag").code, config, draws=50)


def test_role_questions_ask_the_role_advice_with_its_reason(data_dir):
    vergelijking = _comparison(data_dir)
    questions = training_questions.role_questions(vergelijking, aantal=6, include_formal=True)
    assert len(questions) == len(vergelijking.organisaties)  # one question per organisation
    for question in questions:
        index = next(i for i in vergelijking.names.index if f"bij {vergelijking.names[i]} voor" in question.vraag)
        role = question.vraag.rsplit("de rol ", 1)[1].rstrip("?")
        assert question.antwoord == vergelijking.advice.at[index, f"advies_{role}"]
        assert vergelijking.advice.at[index, f"reden_{role}"] in question.uitleg
    assert {q.antwoord for q in questions} >= {"past", "met zorg"}


def test_role_questions_follow_a_changed_advice_table(data_dir, tmp_path):
    # every type advised against every role: nothing fits any more, the reasons say why
    config = DEFAULT_CONFIG.read_text(encoding="utf-8")
    config = re.sub(r'^(bereiken|activeren|plaatsen|behouden) = "(ja|mogelijk)"', r'\1 = "nee"', config, flags=re.M)
    (tmp_path / "nee.toml").write_text(config, encoding="utf-8")
    questions = training_questions.role_questions(_comparison(data_dir, scoring.load_config(tmp_path / "nee.toml")))
    assert questions and all(q.antwoord != "past" for q in questions)
    assert all("afgeraden" in q.uitleg for q in questions)


def test_reading_questions_say_the_order_holds_only_when_intervals_do_not_overlap(data_dir):
    vergelijking = _comparison(data_dir)
    questions = training_questions.reading_questions(vergelijking, "bereiken")
    assert questions
    for question in questions:
        low_high = [tuple(map(int, re.findall(r"interval (\d+) tot (\d+)", f)[0])) for f in question.feiten]
        steady = low_high[0][1] < low_high[1][0]
        assert (question.antwoord == "ja, bij bijna alle keuzes") == steady
        assert question.keuzes == training_questions.STEADY
        # a difference between profiles is never a certainty about an organisation
        text = " ".join((question.vraag, question.uitleg, *question.keuzes))
        assert not re.search(r"\bzeker\b", text) and "profiel" in question.vraag
        assert ("hangt dus af van de keuzes" in question.uitleg) != steady
        assert not steady or "niet dat de ene organisatie beter is" in question.uitleg


def test_myths_carry_the_national_figures_and_the_right_to_be_invisible(data_dir):
    from buitenbeeld.publish.report import load_report_data

    questions = training_questions.myth_questions(load_report_data("Venlo", 2013, data_dir))
    text = " ".join(q.uitleg for q in questions)
    assert 3 <= len(questions) <= 5 and all(q.antwoord == "niet waar" for q in questions)
    assert "134.430" in text and "65.910" in text and "recht om onzichtbaar" in text
    assert "In Venlo speelt dit niet." in [q.vraag for q in questions]
    assert "850" in text  # Venlo's own figure from the youth table of the fixture


# --------------------------------------------------------------------------- notebooks through papermill


@pytest.mark.parametrize("interactief", [True, False])
def test_roles_notebook_runs_with_and_without_widgets(interactief, tmp_path):
    if interactief:
        pytest.importorskip("ipywidgets")
    executed = _run(ROLES_NOTEBOOK, tmp_path, interactief=interactief)
    assert _outputs(executed, "text/html").count("<details><summary>Antwoord</summary>") >= 8
    widgets = [o for c in nbformat.read(executed, as_version=4).cells for o in c.get("outputs", [])
               if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert bool(widgets) == interactief


def test_roles_notebook_answers_follow_a_changed_advice_table(tmp_path):
    changed = _config_with(tmp_path, 'bereiken = "mogelijk"\nactiveren = "nee"', 'bereiken = "ja"\nactiveren = "nee"')
    default = _outputs(_run(ROLES_NOTEBOOK, tmp_path, interactief=False), "text/html")
    other = _outputs(_run(ROLES_NOTEBOOK, tmp_path, interactief=False, configuratie=str(changed)), "text/html")
    question = r"Past de rol bereiken bij een organisatie van het type commercieel\?</p>.*?<strong>(\w+)</strong>"
    assert re.search(question, default, re.S).group(1) == "mogelijk"
    assert re.search(question, other, re.S).group(1) == "ja"


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if p != ROLES_NOTEBOOK], ids=lambda p: p.stem)
def test_other_notebooks_run_without_widgets(path, tmp_path):
    executed = _run(path, tmp_path, interactief=False)
    html = _outputs(executed, "text/html")
    assert "SYNTHETISCHE" in _outputs(executed, "text/markdown")
    if path.stem.startswith("1_"):
        assert "134.430" in html and "65.910" in html


# --------------------------------------------------------------------------- slides and handouts


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    output = tmp_path_factory.mktemp("training")
    results = training.build_training(output)
    return output, results


def test_build_training_writes_slides_and_handout_per_notebook(built):
    output, results = built
    assert [r.naam for r in results] == list(TRAINING_NOTEBOOKS)
    assert all(r.ok for r in results), [r.message for r in results]
    for naam in TRAINING_NOTEBOOKS:
        for suffix in (".slides.html", ".html", ".ipynb"):
            assert (output / f"{naam}{suffix}").is_file()
    assert not [p for p in output.iterdir() if p.name.startswith(".")]  # no work folders left behind


def test_slides_and_handouts_open_offline_without_code(built):
    output, _ = built
    for page in output.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert not EXTERNAL.search(text), f"{page.name} loads something from the internet"
        assert "<script src" not in text and "<link" not in text
        assert "import buitenbeeld" not in text and "from buitenbeeld" not in text and "training.show_questions" not in text
        assert '<html lang="nl">' in text
        check_report(page, pd.DataFrame())


def test_slides_have_reveal_inline_and_answers_collapsed(built):
    output, _ = built
    for naam in TRAINING_NOTEBOOKS:
        slides = (output / f"{naam}.slides.html").read_text(encoding="utf-8")
        assert "reveal.js 4.6" in slides and "Reveal.initialize(" in slides and "RevealNotes" in slides
        assert '<div class="slides">' in slides and slides.count("<section") >= 5
        assert "require(" not in slides and "MathJax" not in slides
    handout = (output / "2_informele_organisaties_en_rollen.html").read_text(encoding="utf-8")
    assert "<details><summary>Antwoord</summary>" in handout and "Reveal" not in handout


def _hash(script: str) -> str:
    return base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()


def test_decks_let_only_their_own_scripts_and_the_speaker_view_run_and_handouts_none(built):
    output, _ = built
    (speaker,) = training.speaker_view_scripts()  # the one script of the pop-up that `s` opens
    assert "reveal-notes" in speaker and "setupIframes" in speaker
    for naam in TRAINING_NOTEBOOKS:
        slides = (output / f"{naam}.slides.html").read_text(encoding="utf-8")
        policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', slides).group(1)
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
        assert directives["default-src"] == "'none'" and directives["frame-src"] == "'self'"  # the speaker view's frames
        allowed = re.findall(r"'sha256-([^']+)'", directives["script-src"])
        assert len(allowed) == 4 and "unsafe-inline" not in directives["script-src"]  # reveal, notes, set-up, speaker
        assert sorted(allowed) == sorted(_hash(s) for s in [*inline_scripts(slides), speaker])
        handout = (output / f"{naam}.html").read_text(encoding="utf-8")
        assert "Content-Security-Policy" in handout and "script-src" not in handout and "frame-src" not in handout


def test_pdf_of_the_handout_when_chromium_is_there(built):
    if not find_chromium():
        pytest.skip("no headless Chromium: the handouts are HTML only")
    output, _ = built
    for naam in TRAINING_NOTEBOOKS:
        assert (output / f"{naam}.pdf").read_bytes()[:5] == b"%PDF-"


def test_printed_handout_has_the_answers_open(tmp_path):
    page = tmp_path / "h.html"
    page.write_text(training.question_html(QUESTION, 1), encoding="utf-8")
    printable = training._open_answers(page, tmp_path / "p.html").read_text(encoding="utf-8")
    assert "<details open><summary>Antwoord</summary>" in printable


def test_unknown_notebook_is_reported_not_raised(tmp_path):
    results = training.build_training(tmp_path, notebooks=["5_bestaat_niet"], pdf=False)
    assert not results[0].ok and "unknown training notebook" in results[0].message


def test_a_failing_notebook_names_its_cell_and_leaves_nothing_behind(tmp_path):
    (result,) = training.build_training(tmp_path, gemeente="Nergenshuizen", pdf=False,
                                        notebooks=["1_wie_zijn_jongeren_buiten_beeld"])
    assert not result.ok and "UnknownGemeenteError" in result.message and "(cel " in result.message
    assert list(tmp_path.iterdir()) == []


def test_an_earlier_runs_files_never_stay_beside_a_new_or_failed_run(tmp_path):
    naam = "1_wie_zijn_jongeren_buiten_beeld"
    stale = [tmp_path / f"{naam}.pdf", tmp_path / f"{naam}.pdf-mislukt.txt", tmp_path / f"{naam}.html"]
    for path in stale:
        path.write_text("van een vorige keer, voor een andere gemeente")
    (result,) = training.build_training(tmp_path, gemeente="Venlo", pdf=False, notebooks=[naam])
    assert result.ok and not stale[0].exists() and not stale[1].exists()
    assert "Venlo" in stale[2].read_text(encoding="utf-8")  # the new handout, not the old one
    (failed,) = training.build_training(tmp_path, gemeente="Nergenshuizen", pdf=False, notebooks=[naam])
    assert not failed.ok and list(tmp_path.iterdir()) == []  # Venlo's files do not pass for this run's
