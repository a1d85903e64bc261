"""The personal-data scan of rendered reports: planted data is caught, report look-alikes are not."""
from __future__ import annotations

import base64

import pandas as pd
import pytest

from buitenbeeld.errors import BuitenbeeldError, PersonalDataFoundError
from buitenbeeld.privacy.scan import EMAIL, PERSONAL, PHONE, Finding, check_report, personal_values, scan_html

PERSONAL_TABLE = pd.DataFrame({
    "organisatie_id": ["DH-001", "DH-002", "DH-003"],
    "interviewer": ["Interviewer Een (fictief)", "Interviewer Een (fictief)", None],
    "contactpersoon": ["Piet Jansen", "Zwartkruis", "Jan"],
    "telefoon": ["06-00000001", None, "1234"],
    "email": ["piet@voorbeeld.nl", None, "ali@voorbeeld.nl"],
})
VALUES = personal_values(PERSONAL_TABLE)


def _page(body: str) -> str:
    return f"<!DOCTYPE html><html><head><title>Rapport</title></head><body>{body}</body></html>"


def _kinds(html: str, values: dict[str, str] | None = None) -> list[tuple[str, str]]:
    return [(f.kind, f.text) for f in scan_html(_page(html), VALUES if values is None else values)]


# --- which values are looked for ---------------------------------------------------------------

def test_personal_values_skip_short_common_and_empty_values():
    assert VALUES["Piet Jansen"] == "contactpersoon"
    assert VALUES["Zwartkruis"] == "contactpersoon"  # one word, long and not common: kept
    assert VALUES["Interviewer Een (fictief)"] == "interviewer"
    assert VALUES["Interviewer Een"] == "interviewer"  # also without the remark in parentheses
    assert VALUES["06-00000001"] == "telefoon" and VALUES["ali@voorbeeld.nl"] == "email"
    assert "Jan" not in VALUES  # shorter than min_length: would match everywhere
    assert "1234" not in VALUES  # a phone value with too few digits
    assert "DH-001" not in VALUES  # organisatie_id is no personal column
    common = pd.DataFrame({"contactpersoon": ["Balie", "Onbekend", "Jo Li", None]})
    assert personal_values(common) == {"Jo Li": "contactpersoon"}  # two words always count
    assert personal_values(pd.DataFrame()) == {}


def test_a_phone_number_typed_as_a_number_is_found_by_its_digits():
    values = personal_values(pd.DataFrame({"telefoon": [612345678.0]}))
    assert values == {"612345678": "telefoon"}
    assert _kinds("<p>Bel 6 1234 5678</p>", values) == [(PERSONAL, "6 1234 5678")]


# --- planted personal data is found ------------------------------------------------------------

def test_phone_number_in_a_paragraph():
    findings = scan_html(_page("<p>Voor vragen: bel 06-12345678 op werkdagen.</p>"), {})
    assert [(f.kind, f.text, f.column) for f in findings] == [(PHONE, "06-12345678", None)]
    assert findings[0].section == "het begin van het rapport" and not findings[0].in_table
    assert "werkdagen" not in findings[0].describe() and "06" not in findings[0].describe()


def test_email_in_a_table_cell():
    html = "<table><tr><th>Organisatie</th><td>Boksschool</td><td>info@boksschool-test.nl</td></tr></table>"
    assert _kinds(html, {}) == [(EMAIL, "info@boksschool-test.nl")]


def test_contact_name_split_over_a_line_break():
    findings = scan_html(_page("<p>Contact via Piet\n      JANSEN, zie boven.</p>"), VALUES)
    assert [(f.kind, f.text, f.column) for f in findings] == [(PERSONAL, "Piet JANSEN", "contactpersoon")]
    assert "JANSEN" not in findings[0].describe() and "Piet" not in findings[0].describe()


def test_contact_name_over_a_br_and_inline_markup():
    assert _kinds("<p><b>Piet</b><br>Jansen</p>") == [(PERSONAL, "Piet Jansen")]


def test_name_is_matched_on_word_boundaries():
    assert _kinds("<p>Piet Jansens en Zwartkruisweg</p>") == []


def test_personal_value_in_an_attribute():
    assert _kinds('<abbr title="Gesproken met Piet Jansen">org.</abbr>') == [(PERSONAL, "Piet Jansen")]
    assert _kinds('<a href="mailto:piet%40voorbeeld.nl">mail</a>') == [(PERSONAL, "piet@voorbeeld.nl")]


def test_personal_phone_value_wins_over_the_phone_pattern():
    findings = scan_html(_page("<p>Bel 06 0000 0001</p>"), VALUES)
    assert [(f.kind, f.column) for f in findings] == [(PERSONAL, "telefoon")]


def test_personal_value_in_a_comment_and_a_json_script():
    assert _kinds("<!-- interview: Piet Jansen -->") == [(PERSONAL, "Piet Jansen")]
    assert _kinds('<script type="application/json">{"naam": "Zwartkruis"}</script>') == [(PERSONAL, "Zwartkruis")]


def test_repeated_value_is_one_finding():
    assert _kinds("<p>Piet Jansen</p><p>piet jansen</p><p>Piet Jansen</p>") == [(PERSONAL, "Piet Jansen")]


def test_two_phone_numbers_next_to_each_other():
    assert _kinds("<p>0612345678 0687654321</p>", {}) == [(PHONE, "0612345678"), (PHONE, "0687654321")]


# --- what is not searched ----------------------------------------------------------------------

def test_value_inside_a_base64_image_is_ignored():
    payload = "iVBORw0KGgoAAAANSUhEUgAA+Zwartkruis+AAAA/0612345678/AAAA" + base64.b64encode(b"\x89PNG" * 20).decode()
    assert _kinds(f'<img src="data:image/png;base64,{payload}" alt="figuur">') == []
    assert _kinds(f'<div style="background: url(data:image/png;base64,{payload})">x</div>') == []
    assert _kinds(f"<p>data:image/png;base64,{payload}</p>") == []
    # the same text outside an image is found
    assert (PERSONAL, "Zwartkruis") in _kinds(f"<p>{payload}</p>")


def test_value_inside_style_and_javascript_is_ignored():
    css = "<style>.x::after { content: 'Piet Jansen 06-12345678 piet@voorbeeld.nl'; }</style>"
    js = "<script>var naam = 'Piet Jansen'; var t = '0612345678';</script>"
    assert _kinds(css + js + "<p>Geen persoonsgegevens.</p>") == []


# --- look-alikes in a report -------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "06-12345678", "06 1234 5678", "0612345678", "06 12 34 56 78", "06.12.34.56.78",
    "+31 6 12345678", "+31(0)6-12345678", "+31 (0)6 1234 5678", "+31612345678", "0031612345678",
    "010-1234567", "070 123 4567", "0201234567", "(010) 123 4567", "020 - 123 45 67",
])
def test_dutch_phone_numbers_are_found(text):
    assert _kinds(f"<p>Bel {text}.</p>", {}) == [(PHONE, text)]


@pytest.mark.parametrize("text", [
    "134.430", "2.489.440", "1.234.567.890", "5,4%", "12,5 %", "0,5%",  # counts and shares
    "5-3-2024", "05-03-2024", "2024", "2023-2024", "01-01-2024 - 31-12-2024", "5 maart 2024",  # dates, years
    "GM0518", "WK051801", "BU05180101", "2525 AB", "NL91ABNA0417164300",  # codes, postcode, IBAN
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",  # sha256
    "sha256:0612345678abcdef0612345678abcdef", "a0612345678b",
    "3.1.1", "0.10.2", "0.1234567890", "09.30 - 10.30 uur", "06-12345678-9", "0 12 345 678 90",
    "M 0 0 L 0 345.6 L 0 0",
])
def test_report_look_alikes_are_not_phone_numbers(text):
    assert _kinds(f"<p>Waarde {text} in de tabel.</p><td>{text}</td>", {}) == []


def test_table_of_counts_is_clean():
    cells = "".join(f"<td>{v}</td>" for v in ["0", "12", "0", "345", "06", "2.489.440", "<10", "x"])
    assert _kinds(f"<table><tr>{cells}</tr></table>", {}) == []


# --- the check on a rendered file --------------------------------------------------------------

def test_check_report_raises_with_masked_findings(tmp_path):
    report = tmp_path / "rapport.html"
    report.write_text(_page("<p>Bel Piet Jansen op 06-98765432 of mail piet@voorbeeld.nl</p>"), encoding="utf-8")
    with pytest.raises(PersonalDataFoundError) as caught:
        check_report(report, PERSONAL_TABLE)
    error = caught.value
    assert isinstance(error, BuitenbeeldError)
    assert [(f.kind, f.text) for f in error.findings] == [
        (PERSONAL, "Piet Jansen"), (PHONE, "06-98765432"), (PERSONAL, "piet@voorbeeld.nl"),
    ]
    message = str(error)
    for secret in ("98765432", "Jansen", "voorbeeld.nl", "Bel ", "of mail", "06"):
        assert secret not in message
        assert secret not in repr(error.findings)
        assert secret not in error.public
    assert "rapport.html" in message and "niet gepubliceerd" in message and "meld dat dan als fout" in message
    assert error.public == "gestopt: persoonsgegevens gevonden in sectie 'het begin van het rapport'"


def test_check_report_passes_a_clean_report(tmp_path):
    report = tmp_path / "rapport.html"
    report.write_text(_page("<p>In 2024 waren 134.430 jongeren (5,4%) buiten beeld; GM0518.</p>"), encoding="utf-8")
    assert check_report(report, PERSONAL_TABLE) is None
    assert check_report(report, pd.DataFrame()) is None


def test_finding_describes_itself_without_the_text():
    finding = Finding(PHONE, "06-12345678", "4. Organisaties vergeleken", None, True)
    assert finding.describe() == "telefoonnummer in sectie '4. Organisaties vergeleken', in een tabel"
    assert "12345678" not in repr(finding)


def test_a_finding_names_its_section_and_table_never_the_words_around_it():
    html = _page("<h2>1. Samenvatting<a class='anchor-link' href='#x'>\u00b6</a></h2><p>Alles goed.</p>"
                 "<h2>3. De sociale kaart</h2><table><tr><td>Wijk Noord, Piet Jansen belt 06-12345678</td></tr></table>"
                 "<p>Mail naar x@voorbeeld.nl</p>")
    findings = scan_html(html, VALUES)
    assert [(f.kind, f.section, f.in_table) for f in findings] == [
        (PERSONAL, "3. De sociale kaart", True), (PHONE, "3. De sociale kaart", True),
        (EMAIL, "3. De sociale kaart", False)]
    error = PersonalDataFoundError(findings, "rapport.html")
    for words in ("Noord", "Piet", "Jansen", "belt", "Mail", "voorbeeld"):
        assert words not in str(error) and words not in error.public
    assert error.public == "gestopt: persoonsgegevens gevonden in sectie '3. De sociale kaart'"


def test_a_heading_that_holds_the_finding_is_not_named():
    findings = scan_html(_page("<h2>Contact: Piet Jansen</h2><p>tekst</p>"), VALUES)
    assert [f.section for f in findings] == ["een kop van het rapport"]
    assert "Piet" not in PersonalDataFoundError(findings).public


def test_svg_geometry_is_not_read_as_text_but_text_in_it_is():
    # a map's path: runs of digits a phone pattern would take for 06 12345678
    path = '<svg role="img"><title>Kaart</title><path d="M 0612 345678 L 0612 345679 Z" fill="#fff"/></svg>'
    assert _kinds(path) == []
    assert _kinds('<svg><path d="bel 06-12345678"/></svg>') == [("telefoonnummer", "06-12345678")]
    assert _kinds('<svg><text x="1" y="2">06-12345678</text></svg>') == [("telefoonnummer", "06-12345678")]
