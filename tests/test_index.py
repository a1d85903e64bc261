"""The overview page of all reports: reading kerncijfers.json, writing index.html."""
from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from buitenbeeld.errors import BuitenbeeldError
from buitenbeeld.publish.index import (
    CONTENT_SECURITY_POLICY,
    INDEX_TITLE,
    SYNTHETIC_BANNER,
    read_key_figures,
    write_index,
)
from buitenbeeld.publish.webpage import content_security_policy, inline_scripts
from buitenbeeld.settings import TEMPLATES_DIR


def _figures(code: str, naam: str, **changes) -> dict:
    figures = {
        "gemeentecode": code, "gemeentenaam": naam, "peiljaar": 2013,
        "jongeren_15_27": 2489440, "buiten_beeld": 134430, "aandeel_buiten_beeld": 0.054,
        "aandeel_nederland": 0.054, "zonder_bekende_reden": 65910, "organisaties": 20,
        "afgewezen_rijen": 0, "rollen_gedekt": {"bereiken": 8, "activeren": 7, "plaatsen": 7, "behouden": 5},
        "wijken": 8, "synthetisch": False, "gegenereerd_op": "2026-11-30T01:45:03",
        "scoring_versie": "2026.1", "html": "rapport.html", "pdf": "rapport.pdf",
    }
    figures.update(changes)
    return figures


def _report(reports: Path, folder: str, figures: dict, pdf: bool = True) -> Path:
    path = reports / folder
    path.mkdir(parents=True)
    (path / "rapport.html").write_text("<!DOCTYPE html><title>r</title>", encoding="utf-8")
    if pdf:
        (path / "rapport.pdf").write_bytes(b"%PDF-1.4\n")
    (path / "kerncijfers.json").write_text(json.dumps(figures, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def reports(tmp_path: Path) -> Path:
    """Three reports (Venlo, 's-Hertogenbosch, a name with '<'), a hidden build folder and a _mislukt folder."""
    reports = tmp_path / "reports"
    _report(reports, "GM0983-venlo", _figures(
        "GM0983", "Venlo", jongeren_15_27=17000, buiten_beeld=850, aandeel_buiten_beeld=0.05,
        zonder_bekende_reden=7, wijken=5, rollen_gedekt={"bereiken": 3, "activeren": 2, "plaatsen": 1, "behouden": 0},
        afgewezen_rijen=2))
    _report(reports, "GM0796-s-hertogenbosch", _figures(
        "GM0796", "'s-Hertogenbosch", jongeren_15_27=30000, buiten_beeld=1830, aandeel_buiten_beeld=0.061,
        synthetisch=True, gegenereerd_op="2026-11-29T09:05:00"))
    _report(reports, "GM9999-a-b", _figures(
        "GM9999", "Aap <b>& Noot</b>", pdf=None, organisaties=None), pdf=False)
    hidden = reports / ".GM0518-s-gravenhage-abc123"
    hidden.mkdir()
    (hidden / "kerncijfers.json").write_text(json.dumps(_figures("GM0518", "'s-Gravenhage")), encoding="utf-8")
    failed = reports / "_mislukt"
    failed.mkdir()
    (failed / "kerncijfers.json").write_text(json.dumps(_figures("GM0034", "Almere")), encoding="utf-8")
    return reports


class _Checker(HTMLParser):
    """Collects tags, attributes and text; complains about unbalanced elements."""

    VOID = {"meta", "link", "br", "img", "input", "hr", "col", "wbr", "source"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.starts: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.starts.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unexpected </{tag}> with open {self.stack[-3:]}")
        else:
            self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def _parse(page: str) -> _Checker:
    checker = _Checker()
    checker.feed(page)
    checker.close()
    assert not checker.errors, checker.errors
    assert not checker.stack, f"unclosed: {checker.stack}"
    return checker


def _rows(page: str) -> list[str]:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr>.*?</tr>", body, flags=re.S)


def test_read_key_figures(reports: Path):
    table = read_key_figures(reports)
    assert list(table["gemeentecode"]) == ["GM9999", "GM0796", "GM0983"]  # Aap, 's-Hertogenbosch, Venlo
    venlo = table.set_index("gemeentecode").loc["GM0983"]
    assert venlo["wijken_zonder_bereiken"] == 2 and venlo["wijken_zonder_plaatsen"] == 4
    assert venlo["html_href"] == "GM0983-venlo/rapport.html"
    assert venlo["pdf_href"] == "GM0983-venlo/rapport.pdf"
    assert pd.isna(table.set_index("gemeentecode").loc["GM9999", "pdf_href"])
    assert set(table["synthetisch"]) == {True, False}


def test_read_key_figures_empty_and_broken(tmp_path: Path):
    assert read_key_figures(tmp_path).empty
    broken = tmp_path / "GM0001-kapot"
    broken.mkdir()
    (broken / "kerncijfers.json").write_text("{niet json", encoding="utf-8")
    with pytest.warns(UserWarning, match="GM0001-kapot"):
        assert read_key_figures(tmp_path).empty
    with pytest.raises(BuitenbeeldError, match="kerncijfers.json"):
        read_key_figures(tmp_path, strict=True)


def test_write_index(reports: Path):
    failures = [("Almere (GM0034)", "Report for Almere (GM0034) failed (cell 12): KeyError: 'x' <oops>"),
                ("Venlo (GM0983)", "tijd op")]
    index = write_index(reports, failures)
    assert index == reports / "index.html"
    page = index.read_text(encoding="utf-8")
    checker = _parse(page)
    text = " ".join(checker.text)

    assert INDEX_TITLE in text and '<html lang="nl">' in page
    assert SYNTHETIC_BANNER in text

    # rows sorted by name, the ones in '.' and '_' folders left out
    rows = _rows(page)
    assert len(rows) == 3
    assert [re.search(r"GM\d{4}", row).group() for row in rows] == ["GM9999", "GM0796", "GM0983"]
    assert "'s-Gravenhage" not in page and "Almere</a>" not in page

    # escaping: the '<' name is text, not markup; the apostrophe is escaped in the page
    assert "Aap &#60;b&#62;&#38; Noot&#60;/b&#62;" in page and "<b>" not in page
    assert "&#39;s-Hertogenbosch" in page
    assert "&#60;oops&#62;" in page

    # links are relative and point at files that exist, or at a section of the page itself
    hrefs = [attrs["href"] for tag, attrs in checker.starts if tag == "a"]
    assert hrefs and all(not re.match(r"[a-z]+:|/", href) for href in hrefs)
    ids = {attrs["id"] for _, attrs in checker.starts if "id" in attrs}
    assert all((reports / href).is_file() for href in hrefs if not href.startswith("#"))
    assert {href for href in hrefs if href.startswith("#")} == {"#gemeenten", "#pilots", "#training", "#niet-gelukt"}
    assert all(href[1:] in ids for href in hrefs if href.startswith("#"))
    assert "GM0983-venlo/rapport.pdf" in hrefs and "GM9999-a-b/rapport.html" in hrefs
    assert not any(href.startswith("GM9999-a-b/rapport.pdf") for href in hrefs)

    # Dutch formatting; small counts suppressed, also in data-sort
    assert ">2.489.440<" in page and ">134.430<" in page and ">5,4%<" in page and ">6,1%<" in page
    venlo = rows[2]
    assert "&#60;10" in venlo and 'data-sort="7"' not in venlo
    assert "\u22120,4&nbsp;%-punt" in venlo and "+0,7&nbsp;%-punt" in rows[1]
    # data-sort holds the raw numbers
    assert 'data-sort="2489440"' in rows[0] and 'data-sort="0.061"' in rows[1] and 'data-sort="17000"' in venlo
    assert 'data-sort="2"' in venlo and 'data-sort="4"' in venlo  # wijken zonder bereiken, plaatsen
    assert 'data-sort="2026-11-29T09:05:00"' in rows[1] and "29 november 2026</span> 09:05" in rows[1]
    assert ">2013<" in venlo

    # sortable and accessible
    headers = [attrs for tag, attrs in checker.starts if tag == "th" and attrs.get("scope") == "col"]
    assert [h["aria-sort"] for h in headers[:2]] == ["ascending", "none"]
    assert "addEventListener" in page and "aria-sort" in page

    # offline: nothing from elsewhere
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, flags=re.I)
    assert "http://" not in page and "https://" not in page
    assert "<link" not in page and "@import" not in page and "<script src" not in page

    # failures
    assert "Niet gelukt" in text and "Almere (GM0034)" in text
    assert "laatste poging mislukt" in venlo


def test_the_page_comes_from_the_template_and_every_text_is_escaped_once(reports: Path):
    failures = [("Aap [x](y) *z* & 's-Hertogenbosch", "regel 1 & <b>\nregel 2 `code` # kop")]
    page = write_index(reports, failures).read_text(encoding="utf-8")
    assert (TEMPLATES_DIR / "index" / "index.html.j2").is_file()
    assert "&amp;" not in page  # through escape once, never escaped again by the template engine
    assert "Aap &#91;x&#93;(y) &#42;z&#42; &#38; &#39;s-Hertogenbosch" in page  # Markdown and HTML characters
    assert "<pre>regel 1 &#38; &#60;b&#62;\nregel 2 &#96;code&#96; &#35; kop</pre>" in page  # lines kept in <pre>
    # the one script on the page is exactly the one the policy allows by its hash
    scripts = inline_scripts(page)
    assert len(scripts) == 1 and "addEventListener" in scripts[0]
    assert content_security_policy(scripts) == CONTENT_SECURITY_POLICY
    assert f'content="{CONTENT_SECURITY_POLICY}"' in page


def test_write_index_empty_and_atomic(tmp_path: Path):
    index = write_index(tmp_path / "nieuw")
    page = index.read_text(encoding="utf-8")
    _parse(page)
    assert "nog geen rapporten" in page
    assert SYNTHETIC_BANNER not in page and "Niet gelukt" not in page
    assert [p.name for p in index.parent.iterdir()] == ["index.html"]  # no temporary file left
    assert index.stat().st_mode & 0o044 == 0o044  # readable for others


def test_write_index_unreadable_figures_listed(tmp_path: Path):
    broken = tmp_path / "GM0001-kapot"
    broken.mkdir()
    (broken / "kerncijfers.json").write_text("[", encoding="utf-8")
    page = write_index(tmp_path).read_text(encoding="utf-8")
    assert "Niet gelukt" in page and "GM0001-kapot" in page


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def _dump_dom(page: Path, profile: Path) -> str:
    result = subprocess.run(
        [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={profile}", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def _codes(dom: str) -> list[str]:
    return [re.search(r"GM\d{4}", row).group() for row in _rows(dom)]


@pytest.mark.skipif(_chromium() is None, reason="no headless Chromium on this machine")
def test_index_renders_and_sorts_in_chromium(reports: Path, tmp_path: Path):
    index = write_index(reports, [("Almere (GM0034)", "mislukt")])
    dom = _dump_dom(index, tmp_path / "profiel")
    assert '<table id="rapporten">' in dom
    assert _codes(dom) == ["GM9999", "GM0796", "GM0983"]
    assert SYNTHETIC_BANNER in dom and "Niet gelukt" in dom

    # click "Jongeren 15-27" once (ascending, numeric: 17.000 < 30.000 < 2.489.440) and "Zonder bekende
    # reden" twice (descending; the suppressed <10 sorts below 65.910)
    page = index.read_text(encoding="utf-8")
    clicks = ("<script>var b = document.querySelectorAll('#rapporten thead button');"
              "b[3].click(); document.body.setAttribute('data-na-1', "
              "Array.prototype.map.call(document.querySelectorAll('#rapporten tbody tr td:nth-child(2)'),"
              " function (c) { return c.textContent; }).join(','));"
              "b[7].click(); b[7].click();</script></body>")
    # the page allows only its own script, by hash: allow the test's clicks the same way
    test_script = clicks[len("<script>"):-len("</script></body>")]
    digest = base64.b64encode(hashlib.sha256(test_script.encode("utf-8")).digest()).decode("ascii")
    page = page.replace("script-src 'sha256-", f"script-src 'sha256-{digest}' 'sha256-")
    clicked = tmp_path / "geklikt.html"
    clicked.write_text(page.replace("</body>", clicks), encoding="utf-8")
    dom = _dump_dom(clicked, tmp_path / "profiel2")
    assert 'data-na-1="GM0983,GM0796,GM9999"' in dom
    assert _codes(dom)[-1] == "GM0983"  # <10 last when descending
    sorted_head = re.findall(r'<th scope="col" aria-sort="(\w+)"><button[^>]*>([^<]*)</button>', dom)
    assert ("descending", "Zonder bekende reden") in sorted_head
    assert [state for state, _ in sorted_head].count("none") == len(sorted_head) - 1


@pytest.mark.skipif(_chromium() is None, reason="no headless Chromium on this machine")
def test_an_injected_script_does_not_run(reports: Path, tmp_path: Path):
    page = write_index(reports).read_text(encoding="utf-8")
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY.split("script-src")[1]
    injected = ("<script>document.body.setAttribute('data-aanval', '1')</script>"
                "<img src=x onerror=\"document.body.setAttribute('data-aanval2', '1')\">"
                "</body>")
    attacked = tmp_path / "aanval.html"
    attacked.write_text(page.replace("</body>", injected), encoding="utf-8")
    dom = _dump_dom(attacked, tmp_path / "profiel")
    assert not re.search(r"<body[^>]*data-aanval", dom)  # neither the script nor the handler ran
    assert '<table id="rapporten">' in dom  # (that the page's own script runs: the sorting test above)


# --------------------------------------------------------------------------- the hub: pilots, training, verantwoording


def _pilot_evaluation(reports: Path, slug: str, **details) -> Path:
    folder = reports / "pilots" / slug
    folder.mkdir(parents=True)
    (folder / "evaluatie.html").write_text("<!DOCTYPE html><title>e</title>", encoding="utf-8")
    (folder / "evaluatie.ipynb").write_text("{}", encoding="utf-8")
    (folder / "evaluatie.json").write_text(json.dumps({"html": "evaluatie.html", "notebook": "evaluatie.ipynb",
                                                      **details}, ensure_ascii=False), encoding="utf-8")
    return folder


def _lesson(reports: Path, stem: str, title: str, pdf: bool = True) -> None:
    folder = reports / "training"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{stem}.slides.html").write_text(f"<title>{title} (slides)</title>", encoding="utf-8")
    (folder / f"{stem}.html").write_text(f"<html><head><title>{title}</title></head></html>", encoding="utf-8")
    if pdf:
        (folder / f"{stem}.pdf").write_bytes(b"%PDF-1.4\n")


def test_the_hub_links_pilot_evaluations_training_and_verantwoording(reports: Path):
    (reports / "GM0983-venlo" / "verantwoording.html").write_text("<title>v</title>", encoding="utf-8")
    _pilot_evaluation(reports, "pilot-venlo", pilot="pilot_venlo", gemeenten=["Venlo"], synthetisch=True,
                      periode="31 maart 2017 tot en met 20 december 2018", gegenereerd_op="2026-11-30T01:45:03")
    _pilot_evaluation(reports, "pilot-den-haag", pilot="pilot_den_haag", gemeenten=["'s-Gravenhage <b>"])
    hidden = reports / "pilots" / ".pilot-x-abc"
    hidden.mkdir()
    (hidden / "evaluatie.html").write_text("half", encoding="utf-8")
    _lesson(reports, "2_rollen", "Training 2: Informele organisaties &amp; hun rollen", pdf=False)
    _lesson(reports, "1_wie", "Training 1: Wie zijn jongeren buiten beeld?")
    page = write_index(reports, [], [("pilot_leeuwarden", "Evaluatie van pilot_leeuwarden mislukt (cel 4): <x>")]) \
        .read_text(encoding="utf-8")
    checker = _parse(page)
    hrefs = [html.unescape(attrs["href"]) for tag, attrs in checker.starts if tag == "a"]
    assert all((reports / href).is_file() for href in hrefs if not href.startswith("#"))
    # the gemeente table stays the first table, with a column for the verantwoording where a report has one
    rows = _rows(page)
    assert len(rows) == 3 and "GM0983-venlo/verantwoording.html" in html.unescape(rows[2])
    assert "verantwoording.html" not in rows[0] and 'title="Hoe het rapport is gemaakt' in page
    # pilots, by gemeente; the half-built one left out
    assert hrefs.index("pilots/pilot-den-haag/evaluatie.html") < hrefs.index("pilots/pilot-venlo/evaluatie.html")
    assert "pilots/pilot-venlo/evaluatie.ipynb" in hrefs and not any(".pilot-x" in href for href in hrefs)
    pilots = html.unescape(page.split('id="pilotevaluaties"', 1)[1].split("</table>", 1)[0])
    assert "31 maart 2017 tot en met 20 december 2018" in pilots and "synthetisch" in pilots
    assert "&#39;s-Gravenhage &#60;b&#62;" in page and "<b>" not in page  # escaped, once
    # training in teaching order, the titles from the handouts; a lesson without PDF has none
    assert [h for h in hrefs if h.startswith("training/")] == [
        "training/1_wie.slides.html", "training/1_wie.html", "training/1_wie.pdf",
        "training/2_rollen.slides.html", "training/2_rollen.html"]
    assert "Training 2: Informele organisaties &#38; hun rollen" in page
    # a failed pilot evaluation under Niet gelukt, its message escaped
    failed = page.split('id="niet-gelukt"', 1)[1]
    assert "Evaluaties van de pilots" in failed and "&#60;x&#62;" in failed
    assert "Voor deze gemeenten" not in failed  # no gemeente failed
    text = " ".join(checker.text)
    assert "Rapporten per gemeente (3)" in text and "Evaluaties van de pilots (2)" in text and "Training (2 lessen)" in text


def test_the_hub_says_how_to_make_what_is_not_there_yet(tmp_path: Path):
    page = write_index(tmp_path).read_text(encoding="utf-8")
    assert "nog geen evaluaties van pilots" in page and "make training" in page
    assert 'href="#niet-gelukt"' not in page


def test_a_refresh_keeps_the_failures_of_the_last_batch(reports: Path):
    write_index(reports, [("Almere (GM0034)", "mislukt: cel 3")], [("pilot_venlo", "stuk")])
    page = write_index(reports).read_text(encoding="utf-8")  # a refresh (after the training, say)
    assert "Almere (GM0034)" in page and "stuk" in page.split("Niet gelukt", 1)[1]
    page = write_index(reports, pilot_failures=[]).read_text(encoding="utf-8")  # the pilots went well this time
    assert "Almere (GM0034)" in page and "stuk" not in page
    page = write_index(reports, []).read_text(encoding="utf-8")  # and then the gemeenten too
    assert "Niet gelukt" not in page and not (reports / ".mislukt.json").exists()
