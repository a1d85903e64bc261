"""Reading CBS "Kerncijfers wijken en buurten" (per wijk), with known answers worked out by hand.

The fixtures are built here in the real shapes (see tests/fixtures/cbs_wijken/README.md): the
yearly kwb workbook (short names, recs, '.' for unknown) and the StatLine downloads (raw: padded
codes and right-aligned numbers; as shown: titles, a title line above and 'Bron: CBS' below).
All numbers are synthetic.
"""
from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
from conftest import write_workbook

from buitenbeeld import settings
from buitenbeeld.common import workbooks
from buitenbeeld.common.values import parse_wijken
from buitenbeeld.demo.interviews import PILOT_GEMEENTEN, demo_contents, write_workbooks
from buitenbeeld.demo.pilots import pilot_contents
from buitenbeeld.demo.wijken import DEMO_WIJKEN, WIJK_TABLE_PATH, wijk_table_contents
from buitenbeeld.errors import RowProblem, UnknownGemeenteError
from buitenbeeld.ingest import cbs, interviews, pilot
from buitenbeeld.ingest.cbs_wijken import COLUMNS, FILE_COLUMNS, load_wijk_tables, looks_like_wijk_table
from buitenbeeld.reference.gemeenten import resolve_gemeente

KWB_HEADER = ["gwb_code_10", "gwb_code_8", "regio", "gm_naam", "recs", "gwb_code", "ind_wbi", "a_inw", "a_man",
              "a_vrouw", "a_00_14", "a_15_24", "a_25_44"]
#: A kwb-2024 workbook cut down to two gemeenten (synthetic numbers): rows 2 to 13 are the table.
KWB_ROWS = [
    KWB_HEADER,
    ["NL00", "0000", "Nederland", "Nederland", "Land", "NL00", ".", 17942942, 8900000, 9042942, 2700000,
     2200000, 4600000],
    ["GM0518", "0518", "'s-Gravenhage", "'s-Gravenhage", "Gemeente", "GM0518", 1, 566000, 280000, 286000,
     95000, 70000, 170000],
    ["WK051828", "051828", "Schilderswijk", "'s-Gravenhage", "Wijk", "WK051828", 1, 33005, 16800, 16205,
     7500, 5210, 10100],
    ["BU05182801", "05182801", "Schilderswijk-Noord", "'s-Gravenhage", "Buurt", "BU05182801", 1, 12000, 6100,
     5900, 2700, 1900, 3600],
    ["WK051829", "051829", "Transvaal", "'s-Gravenhage", "Wijk", "WK051829", 1, 15500, 7900, 7600, 3500, ".",
     "."],
    ["WK051838", "051838", "Laak", "'s-Gravenhage", "Wijk", "WK051838", 1, 42000, 21000, 21000, 8000, "veel",
     12000],
    [" wk 0518 35 ", "051835", " Escamp ", "'s-Gravenhage", "Wijk", "WK051835", 1, 120500, 59000, 61500,
     22000, 14500, 33000],
    ["WK051836", "051836", "Moerwijk", "'s-Gravenhage", "Wijk ", "WK051836", 1, 20000, 9800, 10200, 4300, 3100,
     6000],
    ["GM0983", "0983", "Venlo", "Venlo", "Gemeente", "GM0983", 1, 102000, 51000, 51000, 15000, 12000, 26000],
    ["WK098300", "098300", "Centrum", "Venlo", "Wijk", "WK098300", 1, 9000, 4600, 4400, 800, 1200, 3000],
    ["WK098301", "098301", "Blerick", "Venlo", "Wijk", "WK098301", 1, 30000, 15000, 15000, 5000, 3900, 7500],
    ["BU09830101", "09830101", "Blerick-Noord", "Venlo", "Buurt", "BU09830101", 1, 8000, 4000, 4000, 1300, 1000,
     2000],
    [],
    ["Bron: synthetische testcijfers naar het model van CBS, Kerncijfers wijken en buurten 2024"],
    [". = onbekend of geheim"],
]
LOADED = {  # wijkcode -> (wijk, inwoners, jongeren 15-24)
    "WK051828": ("Schilderswijk", 33005, 5210),
    "WK051829": ("Transvaal", 15500, None),
    "WK051835": ("Escamp", 120500, 14500),
    "WK051836": ("Moerwijk", 20000, 3100),
    "WK098300": ("Centrum", 9000, 1200),
    "WK098301": ("Blerick", 30000, 3900),
}

#: The raw StatLine CSV (85618NED, 'Onbewerkte dataset'): ';', quotes, padded codes, right-aligned numbers.
STATLINE_RAW = "\n".join([
    '"ID";"WijkenEnBuurten";"Gemeentenaam_1";"SoortRegio_2";"Codering_3";"AantalInwoners_5";"k_15Tot25Jaar_9";'
    '"GemiddeldeHuishoudensgrootte_32"',
    '"1";"GM0518    ";"\'s-Gravenhage                           ";"Gemeente  ";"GM0518    ";"  566000";"   70000";"2,0"',
    '"2";"WK051828  ";"\'s-Gravenhage                           ";"Wijk      ";"WK051828  ";"   33005";"    5210";"2,4"',
    '"3";"BU05182801";"\'s-Gravenhage                           ";"Buurt     ";"BU05182801";"   12000";"    1900";"2,5"',
    '"4";"WK051829  ";"\'s-Gravenhage                           ";"Wijk      ";"WK051829  ";"   15500";"       .";"2,6"',
    '"5";"WK098300  ";"Venlo                                   ";"Wijk      ";"WK098300  ";"   9.000";"   1.200";"1,8"',
    "",
])

#: The table as shown on StatLine and saved as CSV: title line, titles, names, 'Bron: CBS' below.
STATLINE_SHOWN = "\n".join([
    '"Kerncijfers wijken en buurten 2023"',
    '"Wijken en buurten";"Gemeentenaam";"Soort regio";"Codering";"Aantal inwoners";"15 tot 25 jaar"',
    '"\'s-Gravenhage";"\'s-Gravenhage";"Gemeente";"GM0518";"566000";"70000"',
    '"Schilderswijk";"\'s-Gravenhage";"Wijk";"WK051828";"33005";"5210"',
    '"Transvaal";"\'s-Gravenhage";"Wijk";"WK051829";"15500";"x"',
    '"Bron: CBS"',
    "",
])


@pytest.fixture
def kwb(tmp_path):
    return write_workbook(tmp_path / "kwb-2024.xlsx", {"KWB2024": KWB_ROWS})


def _write(path, text, encoding="utf-8"):
    path.write_text(text, encoding=encoding)
    return path


def _loaded(result) -> dict:
    return {r.wijkcode: (r.wijk, None if pd.isna(r.inwoners) else int(r.inwoners),
                         None if pd.isna(r.jongeren_15_24) else int(r.jongeren_15_24))
            for r in result.wijken.itertuples()}


def test_kwb_workbook_loads_wijken_rejects_garbage_and_counts_the_rest(kwb):
    result = load_wijk_tables([kwb])
    assert list(result.wijken.columns) == list(COLUMNS)
    assert _loaded(result) == LOADED
    assert set(result.wijken["leeftijdsgroep"]) == {"15-24"}
    assert result.wijken["jaar"].tolist() == [2024] * 6  # from the file name
    assert dict(zip(result.wijken["wijkcode"], result.wijken["gemeentecode"])) == {
        code: "GM0518" if code.startswith("WK0518") else "GM0983" for code in LOADED}
    assert result.wijken.set_index("wijkcode").loc["WK051835", "bron_rij"] == 8
    for column in ("inwoners", "jongeren_15_24", "jaar"):
        assert str(result.wijken[column].dtype) == "Int64"
    # row 7 (Laak): 'veel' is no count; the whole row is rejected, with its column
    [reject] = result.rejects.itertuples()
    assert (reject.file, reject.sheet, reject.row, reject.column, reject.value) == (
        "kwb-2024.xlsx", "KWB2024", 7, "a_15_24", "veel")
    assert reject.reason and "Laak" not in result.wijken["wijk"].tolist()
    # 12 rows: 6 wijken loaded, 1 rejected, 5 of another level skipped (1 land, 2 gemeenten, 2 buurten)
    [row] = result.files.to_dict("records")
    assert list(result.files.columns) == list(FILE_COLUMNS)
    assert (row["read"], row["loaded"], row["rejected"], row["skipped"]) == (12, 6, 1, 5)
    assert row["skipped_kinds"] == "buurt: 2, gemeente: 2, land: 1"
    assert not row["unusable"] and not row["synthetic"]
    assert result.summary_lines()[-1] == "totaal: gelezen 12 = geladen 6 + afgewezen 1 + overgeslagen (geen wijk) 5"


def test_symbols_are_unknown_never_zero_and_nihil_is_zero(tmp_path):
    rows = [KWB_HEADER] + [
        [f"WK0518{n:02d}", "", f"Wijk {n}", "'s-Gravenhage", "Wijk", "", 1, inwoners, 0, 0, 0, youth, 0]
        for n, (inwoners, youth) in enumerate([(100, "."), (200, "x"), (300, None), (400, "-"), (".", 50)])]
    result = load_wijk_tables([write_workbook(tmp_path / "symbolen.xlsx", {"t": rows})])
    assert result.rejects.empty
    youth = result.wijken["jongeren_15_24"]
    assert youth.isna().tolist() == [True, True, True, False, False]
    assert youth.tolist()[3:] == [0, 50]
    assert result.wijken["inwoners"].isna().tolist() == [False, False, False, False, True]
    assert result.wijken["jaar"].isna().all()  # neither a title nor the file name says the year


def test_statline_raw_csv_with_padded_codes_and_decimal_commas(tmp_path):
    path = _write(tmp_path / "85618NED_TypedDataSet.csv", STATLINE_RAW)
    assert looks_like_wijk_table(path)
    result = load_wijk_tables([path])
    assert _loaded(result) == {"WK051828": (None, 33005, 5210), "WK051829": (None, 15500, None),
                               "WK098300": (None, 9000, 1200)}
    assert result.wijken["jaar"].tolist() == [2023] * 3  # from the table number
    assert result.wijken["gemeentenaam"].tolist() == ["'s-Gravenhage", "'s-Gravenhage", "Venlo"]
    [row] = result.files.to_dict("records")
    assert (row["read"], row["loaded"], row["rejected"], row["skipped"]) == (5, 3, 0, 2)
    assert result.problems.empty  # the raw code in WijkenEnBuurten is no missing name


def test_statline_table_as_shown_with_titles_and_footnote(tmp_path):
    path = _write(tmp_path / "download.csv", STATLINE_SHOWN, encoding="cp1252")
    assert looks_like_wijk_table(path)
    result = load_wijk_tables([path])
    assert _loaded(result) == {"WK051828": ("Schilderswijk", 33005, 5210), "WK051829": ("Transvaal", 15500, None)}
    assert result.wijken["jaar"].tolist() == [2023, 2023]  # from the title line
    assert result.wijken["bron_rij"].tolist() == [4, 5]
    assert result.files.loc[0, ["read", "loaded", "rejected", "skipped"]].tolist() == [3, 2, 0, 1]


def test_comma_csv_of_the_kwb_table(tmp_path):
    lines = [",".join(KWB_HEADER[:8] + ["a_15_24"])]
    lines += ["GM0983,0983,Venlo,Venlo,Gemeente,GM0983,1,102000,12000",
              "WK098301,098301,Blerick,Venlo,Wijk,WK098301,1,30000,3900"]
    result = load_wijk_tables([_write(tmp_path / "kwb-2022.csv", "\n".join(lines) + "\n")])
    assert _loaded(result) == {"WK098301": ("Blerick", 30000, 3900)}
    assert result.wijken["jaar"].tolist() == [2022]


def test_rows_that_cannot_be_right_are_rejected_with_a_reason(tmp_path):
    rows = [KWB_HEADER,
            ["WK05I828", "", "Typfout", "'s-Gravenhage", "Wijk", "", 1, 100, 0, 0, 0, 10, 0],
            ["WK999901", "", "Nergens", "Nergens", "Wijk", "", 1, 100, 0, 0, 0, 10, 0],
            ["GM0518", "", "Verkeerd", "'s-Gravenhage", "Wijk", "", 1, 100, 0, 0, 0, 10, 0],
            ["WK051828", "", "Schilderswijk", "'s-Gravenhage", "Wijk", "", 1, 100, 0, 0, 0, 500, 0],
            ["WK051829", "", "Transvaal", "'s-Gravenhage", "Wijk", "", 1, 100, 0, 0, 0, "12,5", 0],
            ["WK051836", "", "Moerwijk", "'s-Gravenhage", "Wijk", "", 1, 100, 0, 0, 0, 10, 0],
            ["WK051836", "", "Moerwijk", "'s-Gravenhage", "Wijk", "", 1, 100, 0, 0, 0, 10, 0],
            ["WK051837", "", "Wijk", "Venlo", "Wijk", "", 1, 100, 0, 0, 0, 10, 0]]
    result = load_wijk_tables([write_workbook(tmp_path / "fouten.xlsx", {"t": rows})])
    assert result.wijken["wijkcode"].tolist() == ["WK051836", "WK051837"]
    rejects = result.rejects.set_index("row")
    assert rejects.index.tolist() == [2, 3, 4, 5, 6, 8]
    assert rejects.loc[2, "column"] == rejects.loc[3, "column"] == rejects.loc[4, "column"] == "gwb_code_10"
    assert "geen geldige wijkcode" in rejects.loc[2, "reason"]
    assert "gemeente" in rejects.loc[3, "reason"]
    assert rejects.loc[5, "column"] == "a_15_24" and "meer jongeren" in rejects.loc[5, "reason"]
    assert rejects.loc[6, "column"] == "a_15_24"
    assert "dubbel" in rejects.loc[8, "reason"]
    [warning] = result.problems[result.problems["severity"] == "warning"].itertuples()
    assert (warning.row, warning.column) == (9, "gm_naam")  # Venlo is no match for WK0518..: the code counts
    assert result.wijken.set_index("wijkcode").loc["WK051837", "gemeentecode"] == "GM0518"
    assert result.files.loc[0, ["read", "loaded", "rejected", "skipped"]].tolist() == [8, 2, 6, 0]


def test_the_same_wijk_of_the_same_year_in_two_files_is_loaded_once(tmp_path, kwb):
    copy = write_workbook(tmp_path / "kopie" / "kerncijfers 2024.xlsx", {"KWB2024": KWB_ROWS})
    result = load_wijk_tables([kwb, copy])
    assert len(result.wijken) == 6
    assert result.files["loaded"].tolist() == [6, 0] and result.files["rejected"].tolist() == [1, 7]


def test_files_without_a_wijk_table_are_unusable_with_a_reason(tmp_path):
    other = write_workbook(tmp_path / "iets.xlsx", {"blad": [["naam", "aantal"], ["a", 1]]})
    no_youth = write_workbook(tmp_path / "kwb-2024.xlsx", {"t": [KWB_HEADER[:8], KWB_ROWS[3][:8]]})
    result = load_wijk_tables([other, no_youth])
    assert result.files["unusable"].tolist() == [True, True]
    assert result.wijken.empty and list(result.wijken.columns) == list(COLUMNS)
    reasons = result.problems["reason"].tolist()
    assert "geen tabel van CBS met wijken" in reasons[0] and "15 tot 25 jaar" in reasons[1]


def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path, kwb, monkeypatch):
    monkeypatch.setattr(settings, "LIMITS", dataclasses.replace(settings.LIMITS, max_file_bytes=1000))

    def opened(*args, **kwargs):
        raise AssertionError("the workbook was opened")

    monkeypatch.setattr(workbooks, "read_calamine", opened)
    monkeypatch.setattr(workbooks, "open_calamine", opened)
    result = load_wijk_tables([kwb])
    [problem] = result.problems.itertuples()
    assert result.files.loc[0, "unusable"] and "BUITENBEELD_MAX_BESTAND_MB" in problem.reason
    assert (problem.file, problem.row) == ("kwb-2024.xlsx", None)


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    write_workbooks(folder, {**demo_contents(), **pilot_contents(), **wijk_table_contents()})
    return folder


def test_recognised_by_content_and_no_other_reader_claims_it(tmp_path, kwb, demo_dir):
    ours = [kwb, _write(tmp_path / "a.csv", STATLINE_RAW), _write(tmp_path / "b.csv", STATLINE_SHOWN),
            demo_dir / WIJK_TABLE_PATH]
    for path in ours:
        assert looks_like_wijk_table(path), path
        assert not cbs.looks_like_youth_table(path, None), path
        assert not interviews.looks_like_interviews(path), path
        assert not pilot.is_pilot_workbook(path), path
    others = [p for p in demo_dir.rglob("*.xlsx") if p != demo_dir / WIJK_TABLE_PATH]
    assert len(others) >= 11  # interviews, the CBS youth table and the pilots
    for path in others:
        assert not looks_like_wijk_table(path), path


def test_demo_table_has_every_wijk_of_the_demo_interviews(demo_dir):
    result = load_wijk_tables([demo_dir / WIJK_TABLE_PATH])
    assert result.synthetic and result.rejects.empty and result.problems.empty
    found = set(zip(result.wijken["gemeentecode"], result.wijken["wijk"]))
    assert found == {(code, wijk) for code, names in DEMO_WIJKEN.items() for wijk in names}
    assert set(DEMO_WIJKEN) == set(PILOT_GEMEENTEN)
    used = set()
    for relative, sheets in demo_contents().items():
        if relative.startswith("interviews"):  # every round of interviews
            header, *rows = sheets["organisaties"]
            keys = [str(name).strip().lower() for name in header]
            wijk_at, gemeente_at = keys.index("wijk"), keys.index("gemeente")
            for row in rows:
                try:
                    gemeente = resolve_gemeente(str(row[gemeente_at])).code
                except (UnknownGemeenteError, IndexError):
                    continue  # the deliberately unusable rows
                used |= {(gemeente, wijk) for wijk in parse_wijken(row[wijk_at] if wijk_at < len(row) else None)}
    assert used and used <= found
    assert all(code.startswith("WK" + gm[2:]) and len(code) == 8
               for gm, code in zip(result.wijken["gemeentecode"], result.wijken["wijkcode"]))
    assert result.wijken["jaar"].eq(2024).all() and result.wijken["jongeren_15_24"].notna().all()
    [row] = result.files.to_dict("records")
    assert row["read"] == row["loaded"] + row["skipped"] and row["loaded"] == len(found)


def test_demo_table_says_it_is_synthetic_and_is_stable():
    contents = wijk_table_contents()
    assert contents == wijk_table_contents() and contents != wijk_table_contents(1)
    sheets = contents[WIJK_TABLE_PATH]
    assert "synthetische demodata" in sheets["kwb-2024"][-1][0]
    assert any("SYNTHETISCHE demodata" in row[0] for row in sheets["toelichting"])


def test_row_problem_shape_matches_the_other_readers(kwb):
    assert list(load_wijk_tables([kwb]).problems.columns) == list(RowProblem.__dataclass_fields__)


def test_a_count_without_a_computed_value_is_unknown_and_said(tmp_path):
    rows = [list(r) for r in KWB_ROWS]
    rows[3][11] = "=H4*0.15"  # Schilderswijk's a_15_24 as a formula: openpyxl stores no computed value
    path = tmp_path / "kwb-2024.xlsx"
    write_workbook(path, {"kwb-2024": rows})
    result = load_wijk_tables([path])
    schilderswijk = result.wijken.set_index("wijkcode").loc["WK051828"]
    assert pd.isna(schilderswijk["jongeren_15_24"]) and schilderswijk["inwoners"] == 33005  # loaded, count unknown
    said = result.problems[(result.problems["row"] == 4) & (result.problems["column"] == "a_15_24")]
    assert len(said) == 1 and said["severity"].iloc[0] == "warning" and "formule" in said["reason"].iloc[0]
