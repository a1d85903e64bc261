"""Section 2 of the report: the latest year, the trend and its wording with CBS's rounding, hand-computed.

The StatLine series is a ``YouthSeries`` (:mod:`buitenbeeld.ingest.statline_series`)
built in code: counts rounded to hundreds, ``aandeel_laag`` / ``aandeel_hoog`` the
margin that rounding leaves, written out by hand here.
"""
from __future__ import annotations

import math
from types import SimpleNamespace

import pandas as pd
import pytest

from buitenbeeld.errors import BuitenbeeldError
from buitenbeeld.ingest import statline_series
from buitenbeeld.ingest.statline_series import SERIES_COLUMNS, YouthSeries
from buitenbeeld.publish import report_cbs
from buitenbeeld.publish.report import cbs_section, header_markdown, key_figures, load_report_data, nothing_known
from buitenbeeld.publish.report_cbs import (
    change_since_start,
    comparable_gemeenten,
    compare,
    latest_figures,
    margin_of,
)
from buitenbeeld.publish.report_cbs_section import cbs_howto, latest_markdown, trend_chart, trend_markdown
from buitenbeeld.publish.svg import Chart

SOURCES = [{"tabel": "86087NED", "titel": "Arbeidsmarktsituatie jongeren (15 tot 27 jaar); regio",
            "gedownload": "2026-01-05", "synthetisch": False, "jaren": [2016, 2020], "bestand": "86087NED.json"}]


def _row(code, naam, jaar, jongeren, buiten, laag, hoog, *, voorlopig=False, breuk=False, geschat=False):
    return [code, naam, jaar, jongeren, buiten, buiten / jongeren, laag, hoog, voorlopig, "86087NED", breuk, geschat]


# Venlo: 20.000 young people every year; buiten beeld 1.300, 1.200, 1.100, 1.000, 900 (2016-2020).
# The margin of a count c of n, both rounded to hundreds: (c - 50) / (n + 50) to (c + 50) / (n - 50).
VENLO = [
    _row("GM0983", "Venlo", 2016, 20000, 1300, 1250 / 20050, 1350 / 19950),
    _row("GM0983", "Venlo", 2017, 20000, 1200, 1150 / 20050, 1250 / 19950),
    _row("GM0983", "Venlo", 2018, 20000, 1100, 1050 / 20050, 1150 / 19950, breuk=True),  # 5,5%: 5,24% to 5,76%
    _row("GM0983", "Venlo", 2019, 20000, 1000, 950 / 20050, 1050 / 19950),
    _row("GM0983", "Venlo", 2020, 20000, 900, 850 / 20050, 950 / 19950, voorlopig=True),  # 4,5%: 4,24% to 4,76%
]
# Nederland: 2.500.000 young people; 4,6% in 2018, 4,52% in 2020: margins apart, but 0,08 procentpunt < TOLERANCE.
NEDERLAND = [
    _row("NL01", "Nederland", 2016, 2500000, 120000, 119950 / 2500050, 120050 / 2499950),
    _row("NL01", "Nederland", 2017, 2500000, 118000, 117950 / 2500050, 118050 / 2499950),
    _row("NL01", "Nederland", 2018, 2500000, 115000, 114950 / 2500050, 115050 / 2499950, breuk=True),
    _row("NL01", "Nederland", 2019, 2500000, 114000, 113950 / 2500050, 114050 / 2499950),
    _row("NL01", "Nederland", 2020, 2500000, 113000, 112950 / 2500050, 113050 / 2499950, voorlopig=True),
]
# Gemeenten of about Venlo's size in 2020 (log distance to 20.000), for the comparison.
OTHERS_2020 = [
    _row("GM0034", "Almere", 2020, 40000, 2400, 2350 / 40050, 2450 / 39950, voorlopig=True),  # 6,0%: clearly higher
    _row("GM0080", "Leeuwarden", 2020, 22000, 1000, 950 / 22050, 1050 / 21950, voorlopig=True),  # 4,55%: overlaps
    _row("GM0796", "'s-Hertogenbosch", 2020, 25000, 800, 750 / 25050, 850 / 24950, voorlopig=True),  # 3,2%: lower
    _row("GM0363", "Amsterdam", 2020, 150000, 9000, 8950 / 150050, 9050 / 149950, voorlopig=True),  # far in size
]


def _series(gemeenten=VENLO + OTHERS_2020, nederland=NEDERLAND) -> YouthSeries:
    return YouthSeries(pd.DataFrame(gemeenten, columns=SERIES_COLUMNS), pd.DataFrame(nederland, columns=SERIES_COLUMNS),
                       SOURCES, False)


@pytest.fixture
def venlo(data_dir):
    data = load_report_data("Venlo", 2013, data_dir)
    data.series = _series()
    return data


def test_two_shares_are_only_higher_or_lower_beyond_the_rounding_and_the_tolerance():
    assert compare((0.050, 0.049, 0.051), (0.052, 0.0505, 0.0535)) == "ongeveer gelijk"  # the margins overlap
    assert compare((0.050, 0.049, 0.051), (0.053, 0.052, 0.054)) == "lager"
    assert compare((0.053, 0.052, 0.054), (0.050, 0.049, 0.051)) == "hoger"
    assert compare((0.0500, 0.0500, 0.0500), (0.0508, 0.0508, 0.0508)) == "ongeveer gelijk"  # 0,08 < 0,1 procentpunt
    assert compare((0.0500, 0.0500, 0.0500), (0.0512, 0.0512, 0.0512)) == "lager"
    assert compare(None, (0.05, 0.05, 0.05)) is None


def test_a_margin_comes_from_the_row_and_a_suppressed_count_hides_the_share():
    share, low, high = margin_of({"jongeren_15_27": 20000, "buiten_beeld": 1100, "aandeel_buiten_beeld": 0.055,
                                  "aandeel_laag": 1050 / 20050, "aandeel_hoog": 1150 / 19950})
    assert (share, round(low, 5), round(high, 5)) == (0.055, 0.05237, 0.05764)
    assert margin_of({"jongeren_15_27": 90000, "buiten_beeld": 6300}) == (0.07, 0.07, 0.07)  # maatwerk: no margin
    assert margin_of({"jongeren_15_27": 900, "buiten_beeld": 8}, threshold=10) is None


def test_the_latest_year_against_nederland(venlo):
    latest = latest_figures(venlo)
    assert (latest.jaar, latest.voorlopig, latest.statline) == (2020, True, True)
    assert latest.row["buiten_beeld"] == 900 and latest.nederland["buiten_beeld"] == 113000
    text = latest_markdown(venlo)
    assert text.startswith("**2020 (voorlopig cijfer).** Op 1 oktober 2020 waren in Venlo ongeveer 900 van de 20.000 ")
    assert "4,5% (door de afronding tussen 4,2% en 4,8%)" in text  # 850/20050 = 4,24%, 950/19950 = 4,76%
    # 4,50% against 4,52%: the margins overlap and the difference is below the tolerance
    assert "Dat is ongeveer gelijk aan het aandeel in heel Nederland (4,5%)." in text
    assert "hoger" not in text and "lager" not in text
    assert "CBS-cijfers tot en met **2020** (voorlopig)" in header_markdown(venlo)


def test_within_the_rounding_a_share_is_never_called_higher(venlo):
    # 1.000 of 21.300 = 4,69%, margin 950/21350 = 4,45% to 1050/21250 = 4,94%: Nederland's 4,52% lies inside
    rows = VENLO[:-1] + [_row("GM0983", "Venlo", 2020, 21300, 1000, 950 / 21350, 1050 / 21250, voorlopig=True)]
    venlo.series = _series(rows)
    text = latest_markdown(venlo)
    assert "4,7% (door de afronding tussen 4,4% en 4,9%)" in text
    assert "ongeveer gelijk aan het aandeel in heel Nederland (4,5%). Het verschil is kleiner dan de afronding" in text
    # 1.200 of 21.300 = 5,63%, margin 5,39% to 5,88%: clearly higher
    venlo.series = _series(VENLO[:-1] + [_row("GM0983", "Venlo", 2020, 21300, 1200, 1150 / 21350, 1250 / 21250)])
    assert "Dat is hoger dan het aandeel in heel Nederland (4,5%)." in latest_markdown(venlo)


def test_what_changed_since_the_first_year_of_the_current_counting(venlo):
    change = change_since_start(venlo)
    assert (change.start, change.end, change.breaks) == (2018, 2020, [2018])  # not since 2016: the break of 2018
    assert change.wording == "gedaald"  # 5,5% (5,24-5,76) to 4,5% (4,24-4,76): margins apart
    assert change.national_wording == "ongeveer gelijk gebleven"  # 4,60% to 4,52%: 0,08 procentpunt
    text = trend_markdown(venlo)
    assert "Vanaf 2018 telt het CBS anders" in text
    assert "Sinds 2018 is het aandeel in Venlo gedaald: van 5,5% in 2018 naar 4,5% in 2020." in text
    assert "In heel Nederland is het aandeel in die tijd ongeveer gelijk gebleven (4,6% in 2018, 4,5% in 2020)." in text
    assert "Het cijfer van 2020 is voorlopig" in text


def test_a_change_within_the_rounding_is_ongeveer_gelijk(venlo):
    # 2018: 1.100 of 20.000 (5,24-5,76%); 2020: 1.060 of 20.000 = 5,3% (5,04-5,56%): the margins overlap
    rows = VENLO[:-1] + [_row("GM0983", "Venlo", 2020, 20000, 1060, 1010 / 20050, 1110 / 19950)]
    venlo.series = _series(rows)
    assert change_since_start(venlo).wording == "ongeveer gelijk gebleven"
    text = trend_markdown(venlo)
    assert "ongeveer gelijk gebleven: 5,5% in 2018 en 5,3% in 2020" in text and "gedaald" not in text.split("Nederland")[0]
    assert ("Door de afronding van het CBS ligt het in 2018 tussen 5,2% en 5,8% en in 2020 tussen 5,0% en 5,6%. "
            "Die marges overlappen: een echte stijging of daling is daarom niet te zien.") in text
    assert "voorlopig" not in text


def test_the_comparable_gemeenten_in_the_latest_year(venlo):
    table = comparable_gemeenten(venlo, count=3)
    # log distance to 20.000: Leeuwarden 22.000 (0,095), 's-Hertogenbosch 25.000 (0,22), Almere 40.000 (0,69);
    # Amsterdam 150.000 (2,0) is the fourth. Sorted by share.
    assert table["gemeentenaam"].tolist() == ["Almere", "Leeuwarden", "Venlo", "'s-Hertogenbosch"]
    assert table["aandeel"].tolist() == pytest.approx([0.06, 1000 / 22000, 0.045, 0.032])
    assert table["eigen"].tolist() == [False, False, True, False]
    # the section compares with ten: all four others; Almere 6,0% (5,87-6,13%) and Amsterdam 6,0% (5,96-6,04%)
    # clearly higher than Venlo's 4,5% (4,24-4,76%), Leeuwarden 4,55% (4,31-4,78%) within it, 's-Hertogenbosch
    # 3,2% (2,99-3,41%) clearly lower
    text = " ".join(p for p in cbs_section(venlo) if isinstance(p, str))
    assert ("In de 4 gemeenten die het meest op Venlo lijken (alleen op grootte vergelijkbaar) lag het aandeel tussen "
            "3,2% en 6,0%. Bij 2 van hen was het duidelijk hoger dan in Venlo, bij 1 duidelijk lager en bij 1 is het "
            "verschil kleiner dan de afronding van het CBS.") in text


def test_section_2_opens_with_the_latest_year_then_the_trend_then_2013(venlo):
    parts = cbs_section(venlo)
    kinds = [type(p).__name__ for p in parts]
    assert parts[0].startswith("**2020 (voorlopig cijfer).**")
    assert kinds[1:3] == ["str", "Chart"] and parts[1].startswith("**Figuur.** Het aandeel jongeren buiten beeld per jaar")
    assert parts[3].startswith("Vanaf 2018 telt het CBS anders")
    caption = next(p for p in parts if isinstance(p, str) and p.startswith("**Tabel 1.**"))
    assert "in 2013, de laatste keer dat het CBS dit uitsplitste" in caption
    assert kinds.index("DataFrame") == parts.index(caption) + 1  # the maatwerk table follows its caption
    assert "Chart" in kinds[kinds.index("DataFrame"):]  # the comparable gemeenten, after the table
    figures = key_figures(venlo, SimpleNamespace(coverage=pd.DataFrame()), SimpleNamespace(versie="t"), "2026")
    assert (figures["peiljaar"], figures["buiten_beeld"], figures["voorlopig"]) == (2020, 900, True)
    assert figures["aandeel_buiten_beeld"] == pytest.approx(0.045) and figures["zonder_bekende_reden"] is None


def test_a_suppressed_count_hides_its_share_in_text_chart_and_comparison(venlo):
    venlo.drempel = 1000  # Venlo's 900 of 2020 is below it; 1.000 and more are shown
    text = latest_markdown(venlo)
    assert "<1000 van de 20.000" in text and "ongeveer <1000" not in text and "4,5" not in text
    assert "aandeel er niet" in text
    chart = trend_chart(venlo)
    assert "Venlo, 2020" not in chart.svg and "Venlo, 2019: 5,0%" in chart.svg
    assert "Venlo, 2018: 5,5%" in chart.svg
    assert comparable_gemeenten(venlo).empty
    assert "niet" in trend_markdown(venlo) and "gedaald" not in trend_markdown(venlo).split("Nederland")[0]


def test_without_a_series_the_maatwerk_table_is_the_latest_and_the_section_says_how_to_get_more(data_dir):
    data = load_report_data("Den Haag", 2013, data_dir)
    assert data.series is None
    parts = cbs_section(data)
    assert parts[0].startswith("**2013.** Op 1 oktober 2013 waren in &#39;s-Gravenhage 6.300 van de 90.000")
    assert "7,0%. Dat is hoger dan het aandeel in heel Nederland (5,4%)." in parts[0]  # 6300/90000 against 134430/2489440
    assert "ongeveer" not in parts[0]  # the maatwerk counts are not rounded to hundreds
    assert any(p.startswith("De CBS-cijfers per jaar ontbreken") for p in parts if isinstance(p, str))
    assert [item["opdracht"] for item in cbs_howto(data)] == ["buitenbeeld cbs"]  # how: in the verantwoording
    assert not any(isinstance(p, Chart) and "per jaar" in p.beschrijving for p in parts)


def test_a_series_without_the_maatwerk_table_says_where_the_split_comes_from(tmp_path, interview_file):
    data = load_report_data("Venlo", 2013, tmp_path)
    data.series = _series()
    text = " ".join(p for p in cbs_section(data) if isinstance(p, str))
    assert "telde het CBS alleen in 2013" in text and "**Tabel 1.**" not in text
    assert "maatwerktabel" in " ".join(item["tekst"] for item in cbs_howto(data))
    assert nothing_known(data) is None


def test_nothing_known_without_interviews_cbs_row_series_or_pilot(data_dir):
    data = load_report_data("Leeuwarden", 2013, data_dir)  # no interviews, no row in the 2013 table
    assert "Geen rapport voor Leeuwarden" in nothing_known(data)
    data.series = _series()  # the series has Leeuwarden in 2020: its trend is known
    assert nothing_known(data) is None
    assert latest_figures(data).jaar == 2020


def test_load_series_reads_the_cache_and_turns_its_error_into_a_note(monkeypatch, tmp_path):
    assert report_cbs.load_series(tmp_path) == (None, None)  # nothing cached
    series = _series()
    monkeypatch.setattr(statline_series, "load_series", lambda data_dir: series)
    assert report_cbs.load_series(tmp_path) == (series, None)

    def broken(data_dir):
        raise BuitenbeeldError("kapot <b>")

    monkeypatch.setattr(statline_series, "load_series", broken)
    assert report_cbs.load_series(tmp_path) == (None, "De opgeslagen StatLine-cijfers zijn niet te lezen: kapot &#60;b&#62;")
    assert math.isclose(report_cbs.TOLERANCE, 0.001)


def test_the_verantwoording_names_the_statline_tables(venlo):
    assert report_cbs.series_sources(venlo) == [
        "CBS StatLine 86087NED, Arbeidsmarktsituatie jongeren (15 tot 27 jaar); regio (gedownload 2026-01-05)"]
    assert "CBS StatLine 86087NED" in latest_figures(venlo).source


def test_the_comparable_gemeenten_sentence_says_no_bij_0(venlo):
    from buitenbeeld.publish.report_cbs_section import comparable_markdown

    table = comparable_gemeenten(venlo)
    others = ~table["eigen"].astype(bool)
    table.loc[others & (table["gemeentenaam"] == "'s-Hertogenbosch"), ["aandeel", "aandeel_laag", "aandeel_hoog"]] = \
        [0.045, 0.043, 0.047]  # within Venlo's margin now: none is clearly lower
    text = comparable_markdown(venlo, table)
    assert "bij 0" not in text and "Bij 0" not in text
    assert text.endswith("Bij 2 van hen was het duidelijk hoger dan in Venlo en bij 2 is het verschil kleiner dan de "
                         "afronding van het CBS.")


def test_the_2013_table_is_compared_with_nederland_unrounded_in_one_sentence(data_dir):
    from buitenbeeld.publish.report_cbs_section import maatwerk_markdown

    data = load_report_data("Den Haag", 2013, data_dir)
    assert maatwerk_markdown(data) == ("In 2013 was in &#39;s-Gravenhage 7,0% van de jongeren buiten beeld: hoger dan het "
                                       "aandeel in heel Nederland (5,4%).")
    data.youth_row = {**data.youth_row, "jongeren_15_27": 27760, "buiten_beeld": 1490}  # 5,37% against 5,40%
    assert "5,4% van de jongeren buiten beeld: ongeveer gelijk aan het aandeel in heel Nederland (5,4%)" in \
        maatwerk_markdown(data)
    data.youth_row = {**data.youth_row, "buiten_beeld": 5}  # a hidden count: no share, no sentence
    assert maatwerk_markdown(data) is None
