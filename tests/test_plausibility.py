"""Implausible counts (1e308, inf, -5, 12.5, above the limit) become unknown with a row problem, never a crash.

Known answers, worked out by hand: the limit for one organisation is 100,000
(``settings.LIMITS.max_youth_per_organisation``), so 100000 is kept and 100001
is not; a gemeente row may not count more young people buiten beeld than its
own young people aged 15 to 27, nor more than the national row's young people.
"""
from __future__ import annotations

import dataclasses
import json
import math
import os
import subprocess
import sys

import pandas as pd
import pytest
from conftest import write_workbook, youth_table_rows
from hypothesis import given
from hypothesis import settings as hypothesis_settings

from buitenbeeld import settings
from buitenbeeld.cli import main
from buitenbeeld.common import values
from buitenbeeld.common.formatting import format_count
from buitenbeeld.common.values import MAX_YOUTH_GEMEENTE, MISSING_IMPLAUSIBLE, MISSING_INVALID, Number
from buitenbeeld.ingest.cbs import read_youth_table
from buitenbeeld.ingest.interviews import NUMBER_COLUMNS, read_interviews

LIMIT = 100_000
ORG = "de grens voor één organisatie"


def count(raw, maximum=LIMIT, whole=True):
    return values.read_count(raw, "jongeren_bereik", maximum, whole=whole, limit=ORG)


# --------------------------------------------------------------------------- values.read_count


@pytest.mark.parametrize("raw, phrase", [
    (1e308, "boven 100.000 (de grens voor één organisatie)"),      # a number cell from Excel
    ("1e308", "boven 100.000"), ("1E+308", "boven 100.000"),     # a CSV export of it
    (math.inf, "geen gewoon getal"), ("inf", "geen gewoon getal"), ("-inf", "geen gewoon getal"),
    ("Infinity", "geen gewoon getal"), ("nan", "geen gewoon getal"), ("NaN", "geen gewoon getal"),
    ("1e999", "geen gewoon getal"), ("9" * 400, "geen gewoon getal"), (10 ** 400, "geen gewoon getal"),
    (-5, "onder 0"), ("-5", "onder 0"), ("-5 tot 10", "onder 0"),
    (12.5, "geen heel getal"), ("12.5", "geen heel getal"), ("12,5", "geen heel getal"),
    ("1,5-3", "geen heel getal"),
    (100001, "boven 100.000"), ("100.001", "boven 100.000"), ("ca. 100.001", "boven 100.000"),
    ("90.000-110.000", "boven 100.000"), (">100.001", "boven 100.000"),
])
def test_implausible_counts_become_unknown_with_a_dutch_reason(raw, phrase):
    number = count(raw)
    assert number.value is None and number.low is None and number.high is None
    assert number.missing_reason == MISSING_IMPLAUSIBLE and number.value != 0
    assert phrase in number.problem and "'jongeren_bereik'" in number.problem
    assert number.problem.endswith("dit aantal telt als onbekend")


@pytest.mark.parametrize("raw", [1e308, "1e308", 100001, 12.5, -5, "inf", "123456789"])
def test_the_reason_names_the_limit_never_the_value(raw):
    reason = count(raw).problem
    assert "1e308" not in reason.lower() and "1e+308" not in reason.lower() and "100001" not in reason
    assert "12.5" not in reason and "12,5" not in reason and "-5" not in reason and "123" not in reason
    assert "inf" not in reason.replace("oneindig", "")


@pytest.mark.parametrize("raw, expected", [
    (100000, Number(100000.0, 100000.0, 100000.0, False, None)),  # the boundary itself is allowed
    ("100.000", Number(100000.0, 100000.0, 100000.0, False, None)),
    (0, Number(0.0, 0.0, 0.0, False, None)), (40, Number(40.0, 40.0, 40.0, False, None)),
    ("ca. 40", Number(40.0, 40.0, 40.0, True, None)),
    ("30-45", Number(37.5, 30.0, 45.0, True, None)),  # the middle of a range may be a fraction
    ("<5", Number(2.5, 0.0, 5.0, True, None)), ("40+", Number(40.0, 40.0, None, True, None)),
    ("1E+02", Number(100.0, 100.0, 100.0, False, None)),
    (None, Number(None, None, None, False, "leeg")), (math.nan, Number(None, None, None, False, "leeg")),
    ("onbekend", Number(None, None, None, False, "onbekend")),
])
def test_plausible_counts_are_untouched(raw, expected):
    assert count(raw) == expected
    assert count(raw) == values.read_number(raw)  # exactly what the plain reader gives


def test_unreadable_text_keeps_its_own_reason():
    number = count("heel veel")
    assert number.missing_reason == MISSING_INVALID and "hier hoort een aantal" in number.problem


def test_fractions_are_allowed_where_asked_and_the_limit_is_a_parameter():
    assert count("2,5", whole=False).value == 2.5
    assert count(51, maximum=50).missing_reason == MISSING_IMPLAUSIBLE
    assert "boven 50 " in count(51, maximum=50).problem
    assert count(50, maximum=50).value == 50.0


def test_count_problem_on_a_number_already_read():
    assert values.count_problem(Number(None, None, None, False, "leeg"), "x", 10) is None
    assert values.count_problem(Number(5.0, 5.0, 5.0, False, None), "x", 10) is None
    assert "boven 10 (de grens)" in values.count_problem(Number(11.0, 11.0, 11.0, False, None), "x", 10)
    assert "geen gewoon getal" in values.count_problem(Number(math.nan, math.nan, math.nan, False, None), "x", 10)


# --------------------------------------------------------------------------- interviews

HEADER = ["naam", "gemeente", "type", "jongeren_bereik", "jongeren_buiten_beeld", "gesprekken_per_maand"]


def interview_rows():
    return [
        HEADER,
        ["Club Een", "Venlo", "hobby", 1e308, 10, 4],           # row 2
        ["Club Twee", "Venlo", "hobby", 40, "inf", "2,5"],      # row 3: 2,5 conversations a month is an average
        ["Club Drie", "Venlo", "hobby", -5, 12.5, None],        # row 4
        ["Club Vier", "Venlo", "hobby", 100000, 100001, None],  # row 5: the limit itself is fine
        ["Club Vijf", "Venlo", "hobby", "ca. 40", "30-50", 3],  # row 6: untouched
    ]


@pytest.fixture
def implausible_kaart(tmp_path):
    return write_workbook(tmp_path / "kaart.xlsx", {"organisaties": interview_rows()})


def test_interview_rows_stay_loaded_with_the_count_unknown(implausible_kaart):
    result = read_interviews(implausible_kaart)
    assert result.summary_lines()[0] == "kaart.xlsx: gelezen 5 = geladen 5 + afgewezen 0"
    orgs = result.organisaties.set_index("bron_rij")
    expected = {  # row -> (jongeren_bereik, jongeren_buiten_beeld)
        2: (None, 10.0), 3: (40.0, None), 4: (None, None), 5: (100000.0, None), 6: (40.0, 40.0)}
    for row, (bereik, buiten_beeld) in expected.items():
        for column, value in (("jongeren_bereik", bereik), ("jongeren_buiten_beeld", buiten_beeld)):
            got = orgs.loc[row, column]
            assert (math.isnan(got) if value is None else got == value), (row, column, got)
            if value is None:
                assert orgs.loc[row, f"{column}_onbekend"] == MISSING_IMPLAUSIBLE
                assert math.isnan(orgs.loc[row, f"{column}_min"]) and math.isnan(orgs.loc[row, f"{column}_max"])
    assert orgs.loc[3, "gesprekken_per_maand"] == 2.5


def test_interview_problems_name_file_sheet_row_and_column_not_the_value(implausible_kaart):
    problems = read_interviews(implausible_kaart).problems
    counts = problems[problems["reason"].str.contains("telt als onbekend")]
    assert sorted(zip(counts["row"], counts["column"])) == [
        (2, "jongeren_bereik"), (3, "jongeren_buiten_beeld"), (4, "jongeren_bereik"),
        (4, "jongeren_buiten_beeld"), (5, "jongeren_buiten_beeld")]
    assert set(counts["file"]) == {"kaart.xlsx"} and set(counts["sheet"]) == {"organisaties"}
    assert set(counts["severity"]) == {"warning"} and counts["value"].isna().all()
    reasons = dict(zip(zip(counts["row"], counts["column"]), counts["reason"]))
    assert "boven 100.000 (de grens voor één organisatie)" in reasons[(2, "jongeren_bereik")]
    assert "geen gewoon getal" in reasons[(3, "jongeren_buiten_beeld")]
    assert "onder 0" in reasons[(4, "jongeren_bereik")]
    assert "geen heel getal" in reasons[(4, "jongeren_buiten_beeld")]
    assert "boven 100.000" in reasons[(5, "jongeren_buiten_beeld")]
    assert set(counts["hint"]) == {values.COUNT_HINT}


def test_the_limit_for_one_organisation_comes_from_the_settings(implausible_kaart, monkeypatch):
    monkeypatch.setattr(settings, "LIMITS", dataclasses.replace(settings.LIMITS, max_youth_per_organisation=39))
    result = read_interviews(implausible_kaart)
    orgs = result.organisaties.set_index("bron_rij")
    assert math.isnan(orgs.loc[6, "jongeren_bereik"])  # ca. 40 is above 39
    assert orgs.loc[2, "jongeren_buiten_beeld"] == 10.0
    assert result.problems["reason"].str.contains("boven 39 ").any()


def test_the_limit_can_be_set_in_the_environment(tmp_path):
    path = write_workbook(tmp_path / "kaart.xlsx", {"organisaties": interview_rows()})
    code = ("import sys; from buitenbeeld.ingest.interviews import read_interviews; "
            "o = read_interviews(sys.argv[1]).organisaties.set_index('bron_rij'); "
            "print(o.loc[6, 'jongeren_bereik'], o.loc[2, 'jongeren_buiten_beeld'])")
    env = {**os.environ, "BUITENBEELD_MAX_JONGEREN_ORGANISATIE": "20"}
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True,
                         env=env).stdout.split()
    assert out == ["nan", "10.0"]


def test_no_count_in_the_organisations_table_is_infinite_or_above_the_limit(implausible_kaart):
    orgs = read_interviews(implausible_kaart).organisaties
    numbers = orgs[[f"{c}{s}" for c in NUMBER_COLUMNS for s in ("", "_min", "_max")]].to_numpy(dtype=float)
    known = numbers[~pd.isna(numbers)]
    assert known.size and (known >= 0).all() and (known <= LIMIT).all()
    for value in orgs["jongeren_bereik"]:
        format_count(value)  # what crashed the report


def test_processed_tables_carry_nothing_infinite(tmp_path):
    from buitenbeeld.ingest.pipeline import build_processed, read_processed

    raw = tmp_path / "raw" / "interviews"
    write_workbook(raw / "kaart.xlsx", {"organisaties": interview_rows()})
    (raw / "kaart2.csv").write_text("naam;gemeente;type;jongeren_bereik;jongeren_zorgwekkend\n"
                                    "Club Zes;Venlo;hobby;1e308;1E999\nClub Zeven;Venlo;hobby;nan;Infinity\n",
                                    encoding="utf-8")
    build_processed(tmp_path, force=True)
    orgs = read_processed(tmp_path).organisaties
    assert len(orgs) == 7
    numbers = orgs.select_dtypes("number").to_numpy(dtype=float)
    assert not (pd.notna(numbers) & ~pd.DataFrame(numbers).map(math.isfinite).to_numpy()).any()
    counts = orgs[[f"{c}{s}" for c in NUMBER_COLUMNS for s in ("", "_min", "_max")]].to_numpy(dtype=float)
    assert (counts[pd.notna(counts)] <= LIMIT).all()


# --------------------------------------------------------------------------- valideer


def test_valideer_json_reports_1e308_in_a_csv_with_row_and_column(tmp_path, capsys):
    path = tmp_path / "kaart.csv"
    path.write_text("naam;gemeente;type;jongeren_bereik\nClub;Venlo;hobby;1e308\nKapper;Venlo;commercieel;40\n",
                    encoding="utf-8")
    assert main(["valideer", "--json", str(path)]) == 1  # 1: problems found (0 clean, 2 unusable)
    report = json.loads(capsys.readouterr().out)
    assert report["total"] == {"read": 2, "loaded": 2, "rejected": 0, "skipped": 0, "problems": 1}
    (problem,) = report["files"][0]["problems"]
    assert (problem["file"], problem["row"], problem["column"], problem["severity"]) == \
        ("kaart.csv", 2, "jongeren_bereik", "warning")
    assert problem["value"] is None
    assert "boven 100.000 (de grens voor één organisatie)" in problem["message"]
    assert "1e308" not in problem["message"].lower() and "1e+308" not in problem["message"].lower()


def test_valideer_command_line_exit_code(tmp_path):
    path = tmp_path / "kaart.csv"
    path.write_text("naam;gemeente;type;jongeren_bereik\nClub;Venlo;hobby;1e308\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "buitenbeeld.cli", "valideer", "--json", str(path)],
                            capture_output=True, text=True)
    assert result.returncode == 1, result.stderr
    (problem,) = json.loads(result.stdout)["files"][0]["problems"]
    assert (problem["row"], problem["column"]) == (2, "jongeren_bereik")


# --------------------------------------------------------------------------- CBS tables


def cbs_rows(changes):
    """The shared youth table (Nederland row 5, Den Haag 6, Venlo 7, Almere 8) with cells changed."""
    rows = youth_table_rows()
    for (row, column), value in changes.items():
        rows[row - 1][column] = value
    return rows


def read_cbs(tmp_path, changes, **options):
    return read_youth_table(write_workbook(tmp_path / "jongeren.xlsx", {"Tabel": cbs_rows(changes)}), **options)


def implausible(table):
    return [(p.row, p.column) for p in table.problems if "telt als onbekend" in p.reason]


def test_cbs_row_above_its_own_young_people_is_unknown(tmp_path):
    table = read_cbs(tmp_path, {(7, 3): 17001})  # Venlo: 17,001 buiten beeld of 17,000 young people
    rows = table.gemeenten.set_index("gemeentecode")
    assert math.isnan(rows.loc["GM0983", "buiten_beeld"]) and rows.loc["GM0983", "buiten_beeld_symbool"] is None
    assert rows.loc["GM0983", "jongeren_15_27"] == 17000  # the rest of the row stays
    assert implausible(table) == [(7, "buiten_beeld")]
    (problem,) = [p for p in table.problems if p.column == "buiten_beeld" and p.row == 7]
    assert problem.severity == "warning" and problem.value is None and problem.sheet == "Tabel"
    assert problem.file == "jongeren.xlsx"
    assert "boven 17.000 (het aantal jongeren van 15 tot 27 jaar in deze rij)" in problem.reason
    assert "17001" not in problem.reason and "17.001" not in problem.reason
    assert len(table.gemeenten) == 3 and table.rows_loaded == 4 and table.rejected_rows == []


def test_cbs_equal_to_its_own_young_people_is_kept(tmp_path):
    table = read_cbs(tmp_path, {(7, 3): 17000})
    assert table.gemeenten.set_index("gemeentecode").loc["GM0983", "buiten_beeld"] == 17000
    assert implausible(table) == []


@pytest.mark.parametrize("cell, phrase", [
    (1e308, "boven 500.000 (de grens voor één gemeente)"), (-5, "onder 0"), (12.5, "geen heel getal"),
    ("12,5", "geen heel getal"), (600_000, "boven 500.000"),
])
def test_cbs_implausible_cells_are_unknown_and_the_table_still_loads(tmp_path, cell, phrase):
    table = read_cbs(tmp_path, {(6, 4): cell}, strict=True)  # Den Haag, zonder bekende reden: warnings do not raise
    assert implausible(table) == [(6, "zonder_bekende_reden")]
    assert phrase in table.problems[0].reason
    assert math.isnan(table.gemeenten.set_index("gemeentecode").loc["GM0518", "zonder_bekende_reden"])


def test_cbs_gemeente_above_the_national_young_people_is_unknown(tmp_path):
    # Nederland has 400,000 young people in this table: Den Haag's 450,000 (under the constant) cannot be right
    table = read_cbs(tmp_path, {(5, 2): 400_000, (6, 2): 450_000})
    assert implausible(table) == [(6, "jongeren_15_27")]
    assert "boven 400.000 (het aantal jongeren van 15 tot 27 jaar in de rij Nederland)" in table.problems[0].reason
    assert math.isnan(table.gemeenten.set_index("gemeentecode").loc["GM0518", "jongeren_15_27"])


def test_cbs_without_national_row_uses_the_constant(tmp_path):
    rows = cbs_rows({(6, 2): MAX_YOUTH_GEMEENTE, (7, 2): MAX_YOUTH_GEMEENTE + 1})
    del rows[4]  # no Nederland row
    table = read_youth_table(write_workbook(tmp_path / "jongeren.xlsx", {"Tabel": rows}))
    assert table.nederland == {}
    rows = table.gemeenten.set_index("gemeentecode")
    assert rows.loc["GM0518", "jongeren_15_27"] == MAX_YOUTH_GEMEENTE
    assert math.isnan(rows.loc["GM0983", "jongeren_15_27"])
    assert implausible(table) == [(6, "jongeren_15_27")]  # Venlo moved up a row with Nederland gone


def test_cbs_national_row_has_its_own_limit(tmp_path):
    table = read_cbs(tmp_path, {(5, 2): 5_000_001})
    assert implausible(table) == [(5, "jongeren_15_27")]
    assert "boven 5.000.000 (de grens voor heel Nederland)" in table.problems[0].reason
    assert table.nederland["jongeren_15_27"] is None and table.nederland["jongeren_15_27_symbool"] is None


def test_cbs_csv_with_inf_and_1e308_as_text(tmp_path):
    path = tmp_path / "jongeren_2013.csv"
    path.write_text("Jongeren buiten beeld, 1 oktober 2013, per gemeente\n\n"
                    "Gemeentecode;Gemeente;Jongeren 15 tot 27 jaar;Jongeren buiten beeld\n"
                    "GM0518;'s-Gravenhage;90000;inf\n"
                    "GM0983;Venlo;17000;850\n"
                    "GM0034;Almere;1e308;-5\n", encoding="utf-8")
    table = read_youth_table(path)
    # the first gemeente row, with 'inf' in it, is still a data row (not taken for a second header row)
    assert table.rows_read == 3 and list(table.gemeenten["gemeentecode"]) == ["GM0518", "GM0983", "GM0034"]
    assert table.columns == {"jongeren_15_27": "jongeren 15 tot 27 jaar", "buiten_beeld": "jongeren buiten beeld"}
    assert implausible(table) == [(4, "buiten_beeld"), (6, "jongeren_15_27"), (6, "buiten_beeld")]
    reasons = [p.reason for p in table.problems]
    assert "geen gewoon getal" in reasons[0] and "boven 500.000" in reasons[1] and "onder 0" in reasons[2]
    rows = table.gemeenten.set_index("gemeentecode")
    assert rows.loc["GM0983", ["jongeren_15_27", "buiten_beeld"]].tolist() == [17000, 850]
    assert rows[["jongeren_15_27", "buiten_beeld"]].isna().sum().sum() == 3


def test_cbs_valid_table_is_untouched(tmp_path):
    table = read_cbs(tmp_path, {})
    assert implausible(table) == [] and table.problems == []
    rows = table.gemeenten.set_index("gemeentecode")
    assert rows.loc["GM0518", ["jongeren_15_27", "buiten_beeld", "zonder_bekende_reden"]].tolist() == [90000, 6300, 3150]
    assert table.nederland["jongeren_15_27"] == 2489440


def test_valideer_reports_a_cbs_row_above_its_total(tmp_path, capsys):
    path = write_workbook(tmp_path / "jongeren.xlsx", {"Tabel": cbs_rows({(7, 3): 20000})})
    assert main(["valideer", "--json", str(path)]) == 1
    problems = json.loads(capsys.readouterr().out)["files"][0]["problems"]
    assert [(p["row"], p["column"], p["value"]) for p in problems if "onbekend" in p["message"]] == \
        [(7, "buiten_beeld", None)]


# --------------------------------------------------------------------------- StatLine


def statline(changes):
    from pathlib import Path

    from buitenbeeld.ingest.statline_derive import derive_buiten_beeld

    fixtures = Path(__file__).parent / "fixtures" / "statline"
    meta = json.loads((fixtures / "86087NED_meta.json").read_text(encoding="utf-8"))
    rows = json.loads((fixtures / "86087NED_data.json").read_text(encoding="utf-8"))
    for number, value in changes.items():  # numbers as the problems count them: 1 = the first row
        rows[number - 1]["Jongeren_1"] = value
    return derive_buiten_beeld("86087NED", meta, rows)


@pytest.mark.parametrize("value, phrase", [
    ("1e308", "boven 500.000 (de grens voor één gemeente)"), ("inf", "geen gewoon getal"),
    ("nan", "geen gewoon getal"), ("1e999", "geen gewoon getal"), ("-5", "onder 0"), ("12.5", "geen heel getal"),
    ("20000", "boven 19.900 (het aantal jongeren van 15 tot 27 jaar in deze rij)"),
])
def test_statline_implausible_counts_are_unknown(value, phrase):
    gemeenten, _, problems = statline({10: value})  # row 10: Leeuwarden 2017, buiten beeld (1,230)
    assert [(p.file, p.row, p.column, p.severity, p.value) for p in problems] == \
        [("86087NED", 10, "Jongeren_1", "warning", None)]
    assert phrase in problems[0].reason and value not in problems[0].reason
    leeuwarden = gemeenten.set_index(["gemeentecode", "jaar"]).loc[("GM0080", 2017)]
    assert math.isnan(leeuwarden["buiten_beeld"]) and math.isnan(leeuwarden["aandeel_buiten_beeld"])
    assert leeuwarden["jongeren_15_27"] == 19900  # the rest stays


def test_statline_gemeente_above_the_national_young_people():
    # Nederland 2017: 2,561,400 young people; give Amsterdam (row 13) more, but under nothing else
    gemeenten, nederland, problems = statline({1: "400000", 13: "400001"})
    assert [(p.row, p.column) for p in problems] == [(13, "Jongeren_1")]
    assert "boven 400.000 (het aantal jongeren van 15 tot 27 jaar in heel Nederland)" in problems[0].reason
    assert math.isnan(gemeenten.set_index(["gemeentecode", "jaar"]).loc[("GM0363", 2017), "jongeren_15_27"])


def test_statline_national_row_limit_and_valid_values_untouched():
    gemeenten, nederland, problems = statline({1: "9000000"})
    assert [(p.row, p.column) for p in problems] == [(1, "Jongeren_1")]
    assert "boven 5.000.000 (de grens voor heel Nederland)" in problems[0].reason
    assert math.isnan(nederland.loc[0, "jongeren_15_27"]) and math.isnan(nederland.loc[0, "buiten_beeld"])
    assert statline({})[2] == []
    numbers = gemeenten.select_dtypes("number").to_numpy(dtype=float)
    assert all(math.isfinite(v) for v in numbers[pd.notna(numbers)])


# --------------------------------------------------------------------------- any input

from hypothesis import strategies as st  # noqa: E402


@hypothesis_settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(), st.text(alphabet="0123456789.,-+eE inf<>ca"), st.floats(), st.integers()))
def test_read_count_never_raises_and_never_passes_an_implausible_value(raw):
    number = count(raw)
    assert (number.value is None) == (number.missing_reason is not None)
    for x in (number.value, number.low, number.high):
        assert x is None or (math.isfinite(x) and 0 <= x <= LIMIT)
    if number.missing_reason in (MISSING_IMPLAUSIBLE, MISSING_INVALID):
        assert number.problem
