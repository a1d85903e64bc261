"""The template kit: `buitenbeeld template {interviews,aanpak,pilot,privacy}`, the interview guide and the privacy drafts.

The pilot workbook itself is tested in ``test_pilot_template.py``.
"""
from __future__ import annotations

import html
import re

import pytest
from openpyxl import load_workbook

from buitenbeeld.cli import main
from buitenbeeld.errors import BuitenbeeldError
from buitenbeeld.ingest.aanpak_template import HINTS
from buitenbeeld.ingest.interviews import COLUMNS, PERSONAL_COLUMNS, read_interviews
from buitenbeeld.ingest.pilot_template import pilot_columns
from buitenbeeld.ingest.template import ANSWERS, MEANING
from buitenbeeld.privacy.disclosure import DEFAULT_THRESHOLD
from buitenbeeld.publish.interview_guide import (
    FILLED_BY_GEMEENTE,
    TIPS,
    guide_paths,
    render_interview_guide,
    write_interview_kit,
)
from buitenbeeld.publish.pdf import find_chromium
from buitenbeeld.publish.privacy_kit import CONCEPT_WARNING, KIT_FILE, PARTS, render_privacy_kit, write_privacy_kit
from buitenbeeld.publish.webpage import content_security_policy
from buitenbeeld.settings import CHROMIUM_ENV, DEFAULT_KEY_PATH, KEY_ENV

NAMES = [column.name for column in COLUMNS]


@pytest.fixture
def no_chromium(monkeypatch):
    """No PDF: a configured Chromium that does not exist means none (see publish.pdf.find_chromium)."""
    monkeypatch.setenv(CHROMIUM_ENV, "/geen/chromium/hier")


@pytest.fixture(scope="module")
def guide() -> str:
    return render_interview_guide()


def _text(fragment: str) -> str:
    """The visible text of an HTML fragment, tags left out and entities resolved, on one line."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def _blocks(page: str) -> dict[str, str]:
    """The question blocks of the guide, by column name, in page order."""
    questions = page[page.index("<h2 class=\"nieuwe-pagina\">De vragen"):page.index("<h2>Na het gesprek")]
    pieces = re.split(r'<div class="vraag[^"]*" id="vraag-([^"]+)">', questions)[1:]
    return {html.unescape(name): _text(body) for name, body in zip(pieces[::2], pieces[1::2])}


# --------------------------------------------------------------------------- the interview guide


def test_the_guide_asks_every_column_in_the_template_order(guide):
    blocks = _blocks(guide)
    assert list(blocks) == NAMES
    for number, column in enumerate(COLUMNS, start=1):
        text = blocks[column.name]
        assert text.startswith(f"{number}. {column.label}"), text[:60]
        if column.name in MEANING:
            assert " ".join(MEANING[column.name].split()) in text
        for option in ANSWERS.get(column.kind, ()):
            assert str(option) in text, (column.name, option)
        if column.required:
            assert "verplicht" in text
        if column.name in PERSONAL_COLUMNS:
            assert "blijft bij de gemeente" in text
        if column.name in FILLED_BY_GEMEENTE:
            assert "vult de gemeente in" in text
    assert set(FILLED_BY_GEMEENTE) <= set(NAMES) and set(TIPS) <= set(NAMES)


def test_the_guide_opens_with_no_test_and_explains_consent_and_contact_details(guide):
    text = _text(guide)
    opening = text[:text.index("Tips voor het gesprek")]
    assert "geen toets" in opening and "geen beoordeling" in opening and "geen goede of foute antwoorden" in opening
    consent = text[text.index("Toestemming om de naam te noemen"):text.index("De vragen")]
    assert "Alleen een duidelijk ja telt als toestemming" in consent
    assert "zonder naam" in consent and "Contactgegevens staan nooit in een rapport" in consent
    personal = text[text.index("Contactgegevens blijven bij de gemeente"):]
    labels = [c.label for c in COLUMNS if c.name in PERSONAL_COLUMNS]
    assert ", ".join(labels) in personal and "komen nooit in een rapport" in personal
    for tip in ("Bekende en onbekende organisaties", "Tijd en moeite", "Wat levert het hen op?",
                "Een volwaardige partner"):
        assert tip in text


def test_the_guide_has_the_policy_no_script_and_a4_print(guide):
    assert guide.count("Content-Security-Policy") == 1
    assert f'content="{content_security_policy()}"' in guide
    assert "<script" not in guide.lower() and " on" + "load=" not in guide
    assert "size: A4" in guide and "@media print" in guide
    assert '<html lang="nl">' in guide


def test_interview_kit_writes_workbook_and_guide_beside_it(tmp_path, no_chromium):
    written = write_interview_kit(tmp_path / "kaart.xlsx")
    html_path, pdf_path = guide_paths(tmp_path / "kaart.xlsx")
    assert written == [tmp_path / "kaart.xlsx", html_path]
    assert html_path.name == "kaart_gespreksleidraad.html" and not pdf_path.exists()
    assert read_interviews(written[0]).summary_lines()[0] == "kaart.xlsx: gelezen 0 = geladen 0 + afgewezen 0"
    assert html_path.read_text(encoding="utf-8") == render_interview_guide()


def test_interview_kit_refuses_to_overwrite_any_of_its_files(tmp_path, no_chromium):
    workbook = tmp_path / "kaart.xlsx"
    html_path, _ = guide_paths(workbook)
    html_path.write_text("mijn aantekeningen", encoding="utf-8")
    with pytest.raises(BuitenbeeldError, match="overschrijven"):
        write_interview_kit(workbook)
    assert not workbook.exists() and html_path.read_text(encoding="utf-8") == "mijn aantekeningen"
    assert write_interview_kit(workbook, overwrite=True)[1] == html_path
    assert "Gespreksleidraad" in html_path.read_text(encoding="utf-8")


@pytest.mark.skipif(find_chromium() is None, reason="no headless Chromium on this machine")
def test_interview_guide_prints_to_pdf_in_chromium(tmp_path):
    written = write_interview_kit(tmp_path / "kaart.xlsx")
    assert [p.name for p in written] == ["kaart.xlsx", "kaart_gespreksleidraad.html", "kaart_gespreksleidraad.pdf"]
    data = written[2].read_bytes()
    assert data.startswith(b"%PDF-") and len(data) > 10_000
    # A4 portrait: 595 x 842 points
    assert re.search(rb"/MediaBox\s*\[\s*0\s+0\s+59[45]\.\d*\s+84[12]\.\d*\s*\]", data)


# --------------------------------------------------------------------------- the privacy drafts


def test_privacy_drafts_have_every_part_each_marked_as_concept():
    text = render_privacy_kit()
    headings = re.findall(r"^## (.+)$", text, re.M)
    assert headings == list(PARTS)
    parts = re.split(r"^## .+$", text, flags=re.M)[1:]
    for part in parts:
        assert part.strip().startswith(f"> {CONCEPT_WARNING}")
    assert text.count(CONCEPT_WARNING) == len(PARTS) + 1  # the top of the file too
    assert "functionaris gegevensbescherming" in CONCEPT_WARNING and "geen juridisch advies" in CONCEPT_WARNING
    dpia, young, parents, retention, key = parts
    for words in ("### Doel", "### Grondslag", "### Welke gegevens", "### Pseudonimisering", "### Wie ziet wat",
                  "### Risico's en maatregelen", "### Bewaartermijnen", "artikel 9 AVG"):
        assert words in dpia, words
    for sheet in ("scouts", "contacten"):
        for column in pilot_columns(sheet):
            assert f"(`{column.name}`)" in dpia
    assert f"<{DEFAULT_THRESHOLD}" in dpia
    assert "16 jaar en ouder" in young and "Je mag nee zeggen" in young
    assert "jonger dan 16 jaar" in parents and "U mag nee zeggen" in parents
    assert retention.count("\n|") >= 8 and "Sleutel" in retention
    assert str(DEFAULT_KEY_PATH) in key and KEY_ENV in key and "--sleutel" in key
    assert "HMAC-SHA256" in dpia and "niet terug te rekenen" in key


def test_privacy_drafts_go_to_a_folder_or_a_markdown_file(tmp_path):
    assert write_privacy_kit(tmp_path) == tmp_path / KIT_FILE
    assert write_privacy_kit(tmp_path / "nieuw") == tmp_path / "nieuw" / KIT_FILE
    assert write_privacy_kit(tmp_path / "dpia.md").read_text(encoding="utf-8") == render_privacy_kit()
    with pytest.raises(BuitenbeeldError, match="overschrijven"):
        write_privacy_kit(tmp_path / "dpia.md")
    with pytest.raises(BuitenbeeldError, match=r"\.md"):
        write_privacy_kit(tmp_path / "dpia.docx")


# --------------------------------------------------------------------------- the command


def test_the_old_form_still_writes_the_interview_kit(tmp_path, capsys, no_chromium):
    target = tmp_path / "kaart.xlsx"
    assert main(["template", str(target)]) == 0
    out = capsys.readouterr().out
    assert f"geschreven: {target}" in out and "kaart_gespreksleidraad.html" in out and "PDF" in out
    assert read_interviews(target).summary_lines()[0] == "kaart.xlsx: gelezen 0 = geladen 0 + afgewezen 0"
    assert main(["template", "interviews", str(target)]) == 2
    assert "overschrijven" in capsys.readouterr().err
    assert main(["template", "interviews", str(target), "--overschrijven"]) == 0


@pytest.mark.parametrize(("kind", "name", "written"), [
    ("pilot", "pilot.xlsx", ["pilot.xlsx"]),
    ("privacy", "privacy.md", ["privacy.md"]),
    ("privacy", "map", [f"map/{KIT_FILE}"]),
])
def test_each_kind_writes_its_files_and_refuses_to_overwrite(tmp_path, capsys, kind, name, written):
    assert main(["template", kind, str(tmp_path / name)]) == 0
    out = capsys.readouterr().out
    for each in written:
        assert (tmp_path / each).is_file() and f"geschreven: {tmp_path / each}" in out
    before = [(tmp_path / each).read_bytes() for each in written]
    assert main(["template", kind, str(tmp_path / name)]) == 2
    assert "--overschrijven" in capsys.readouterr().err
    assert [(tmp_path / each).read_bytes() for each in written] == before
    assert main(["template", kind, str(tmp_path / name), "--overschrijven"]) == 0


def test_an_unknown_kind_or_a_wrong_suffix_is_refused_in_dutch(tmp_path, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["template", "folder", str(tmp_path / "x.xlsx")])
    assert stopped.value.code == 2
    assert "ongeldige keuze: 'folder'" in capsys.readouterr().err
    assert main(["template", "pilot", str(tmp_path / "pilot.csv")]) == 2
    assert "moet eindigen op .xlsx" in capsys.readouterr().err
    assert not (tmp_path / "pilot.csv").exists()


def test_aanpak_writes_its_workbook(tmp_path, capsys):
    target = tmp_path / "aanpak.xlsx"
    assert main(["template", "aanpak", str(target)]) == 0
    assert target.is_file() and f"geschreven: {target}" in capsys.readouterr().out
    assert main(["template", "aanpak", str(target)]) == 2
    sheet = load_workbook(target)["toelichting"]
    prompts = [dv.prompt for dv in sheet.data_validations.dataValidation if "B3" in str(dv.sqref)]
    assert prompts == [HINTS["gemeente"]]  # the gemeente's own prompt, not the one of the wijken
    assert "Leeuwarden" in prompts[0] and "GM0080" in prompts[0] and "CBS-code" in prompts[0]
