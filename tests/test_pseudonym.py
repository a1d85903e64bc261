"""Tests of pseudonymisation: keys, codes, the clean copy and its masking (fixtures built in code)."""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import stat

import pandas as pd
import pytest
from conftest import write_workbook

from buitenbeeld.errors import IdentifiersFoundError, PseudonymKeyError
from buitenbeeld.privacy.gate import check_identifiers, find_identifiers
from buitenbeeld.privacy.identifiers import ADDRESS, BIRTH_DATE, NAME, POSTCODE
from buitenbeeld.privacy.pseudonym import age_band, load_key, pseudonym_code, pseudonymise
from buitenbeeld.privacy.scan import EMAIL
from buitenbeeld.settings import PROJECT_ROOT


def _kinds(findings) -> set[tuple[str, str]]:
    return {(f.column, f.kind) for f in findings}


@pytest.fixture
def key_file(tmp_path):
    return tmp_path / "sleutels" / "pseudoniem.key"


def test_codes_are_keyed_normalised_and_do_not_contain_the_input(key_file, tmp_path):
    key, where = load_key(key_file)
    assert where == key_file.resolve() and len(key) == 32
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    code = pseudonym_code("Jan de Vries", key)
    assert code.startswith("J-") and len(code) == 12 and set(code[2:]) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    assert pseudonym_code("  jan   DE vries ", key) == code
    assert pseudonym_code("Jan de Vries", load_key(tmp_path / "other.key")[0]) != code
    assert "JAN" not in code.upper()[2:] and "VRIES" not in code.upper()
    assert load_key(key_file)[0] == key  # read back, not made again


def test_key_inside_project_is_refused(monkeypatch):
    inside = PROJECT_ROOT / "data" / "pseudoniem.key"
    with pytest.raises(PseudonymKeyError, match="projectmap"):
        load_key(inside)
    assert not inside.exists()
    monkeypatch.setenv("BUITENBEELD_PSEUDONIEM_KEY", str(inside))
    with pytest.raises(PseudonymKeyError):
        load_key()


def test_key_from_environment(monkeypatch, key_file):
    monkeypatch.setenv("BUITENBEELD_PSEUDONIEM_KEY", str(key_file))
    assert load_key()[1] == key_file.resolve() and key_file.exists()


def test_age_bands():
    assert [age_band(a) for a in (14, 15, 17, 18, 22, 23, 27, 28)] == [
        "jonger dan 15", "15-17", "15-17", "18-22", "18-22", "23-27", "23-27", "ouder dan 27"]


def _raw_pilot(tmp_path, name="ruw.xlsx"):
    return write_workbook(tmp_path / name, {
        "scouts": [["naam", "gemeente", "telefoon", "startdatum"],
                   ["Yusuf Bakker", "Venlo", "06-11112222", dt.date(2017, 4, 1)]],
        "contacten": [
            ["voornaam", "achternaam", "geboortedatum", "scout_id", "gemeente", "datum", "stap", "plaatsing_soort",
             "email", "postcode", "opmerking"],
            ["Sanne", "de Groot", dt.date(2001, 5, 10), "S-1", "Venlo", dt.date(2018, 3, 1), "bereikt", None,
             "sanne@voorbeeld.nl", "5911 AB", "moeder belt 077-1234567 terug"],
            ["sanne", "De  Groot", "10-5-2001", "S-1", "Venlo", dt.date(2018, 6, 1), "geplaatst", "werk",
             None, "5911AB", "woont Kerkstraat 4, bsn 111222333"],
            ["Mo", "Ali", None, "S-1", "Venlo", dt.date(2018, 6, 2), "bereikt", None, None, None, None],
        ]})


def test_pseudonymise_writes_a_clean_new_file(tmp_path, key_file):
    source = _raw_pilot(tmp_path)
    before = hashlib.sha256(source.read_bytes()).hexdigest()
    result = pseudonymise(source, tmp_path / "pseudo.xlsx", key_file)
    assert hashlib.sha256(source.read_bytes()).hexdigest() == before  # the original is untouched
    assert find_identifiers(result.target) == []
    from buitenbeeld.common.readers import read_rows

    rows = read_rows(result.target, "contacten")
    header = list(rows[0])
    assert "voornaam" not in header and "email" not in header and "geboortedatum" not in header
    records = [dict(zip(header, r)) for r in rows[1:]]
    key, _ = load_key(key_file)
    assert records[0]["jongere_id"] == records[1]["jongere_id"] == pseudonym_code("Sanne de Groot", key)
    assert records[2]["jongere_id"] != records[0]["jongere_id"]
    assert [r["leeftijd"] for r in records] == [16, 17, None]  # age at the step date
    assert [r["postcode4"] for r in records] == ["5911", "5911", None]
    assert records[0]["opmerking"] == "moeder belt [telefoonnummer] terug"
    assert records[1]["opmerking"] == "woont [adres], bsn [bsn]"
    scouts = read_rows(result.target, "scouts")
    assert scouts[0] == ("gemeente", "startdatum", "scout_id") and scouts[1][2].startswith("S-")


def test_same_person_same_code_across_files(tmp_path, key_file):
    first = pseudonymise(_raw_pilot(tmp_path, "a.xlsx"), tmp_path / "a_pseudo.xlsx", key_file)
    second_source = write_workbook(tmp_path / "b.xlsx", {"contacten": [
        ["naam", "gemeente", "datum", "stap"], ["SANNE DE GROOT ", "Venlo", dt.date(2018, 9, 1), "behouden"]]})
    second = pseudonymise(second_source, tmp_path / "b_pseudo.csv", key_file)
    from buitenbeeld.common.readers import read_rows

    rows_a = read_rows(first.target, "contacten")
    code_a = rows_a[1][rows_a[0].index("jongere_id")]
    rows_b = read_rows(second.target)
    assert rows_b[0][-1] == "jongere_id" and rows_b[1][-1] == code_a
    other = pseudonymise(second_source, tmp_path / "b_other.csv", tmp_path / "other.key")
    assert read_rows(other.target)[1][-1] != code_a


def test_pseudonymise_refuses_to_overwrite(tmp_path, key_file):
    source = _raw_pilot(tmp_path)
    from buitenbeeld.errors import InputError

    with pytest.raises(InputError, match="hetzelfde als het bronbestand"):
        pseudonymise(source, source, key_file)
    (tmp_path / "bestaat.xlsx").write_bytes(b"x")
    with pytest.raises(InputError, match="bestaat al"):
        pseudonymise(source, tmp_path / "bestaat.xlsx", key_file)
    with pytest.raises(InputError, match="in een CSV-bestand past er maar één"):
        pseudonymise(source, tmp_path / "uit.csv", key_file)


def test_birth_dates_without_step_date_become_age_bands(tmp_path, key_file):
    source = write_workbook(tmp_path / "lijst.xlsx", {"jongeren": [
        ["naam", "geboren"], ["A B", dt.date(dt.date.today().year - 16, 1, 1)]]})
    from buitenbeeld.common.readers import read_rows

    rows = read_rows(pseudonymise(source, tmp_path / "uit.xlsx", key_file).target)
    assert rows[0] == ("jongere_id", "leeftijd", "leeftijdsgroep") and rows[1][2] == "15-17"


def test_pseudonymised_file_passes_the_gate_of_read_pilot(tmp_path, key_file):
    from buitenbeeld.ingest.pilot import read_pilot

    source = _raw_pilot(tmp_path)
    with pytest.raises(IdentifiersFoundError):
        read_pilot(source)
    result = read_pilot(pseudonymise(source, tmp_path / "pseudo.xlsx", key_file).target)
    assert result.rejects.empty and len(result.contacten) == 3
    assert result.contacten["jongere_id"].nunique() == 2 and result.contacten["leeftijd"].tolist()[:2] == [16, 17]


def _records(path, sheet=None):
    from buitenbeeld.common.readers import read_rows

    rows = read_rows(path, sheet)
    return [dict(zip(rows[0], row)) for row in rows[1:]]


def test_scout_names_become_scout_codes_and_keep_the_link(tmp_path, key_file):
    from buitenbeeld.ingest.pilot import read_pilot

    source = write_workbook(tmp_path / "ruw.xlsx", {
        "scouts": [["naam", "gemeente"], ["Ali Yilmaz", "Venlo"], ["Mo", "Venlo"]],
        "contacten": [
            ["naam", "scout_naam", "naam_ouder", "gemeente", "datum", "stap"],
            ["Jan de Vries", "Ali Yilmaz", "Piet de Vries", "Venlo", dt.date(2018, 3, 1), "bereikt"],
            ["Jan de Vries", "Mo", "Els de Vries", "Venlo", dt.date(2018, 5, 1), "geactiveerd"],
            ["Fatima Bakr", "ali  yilmaz", None, "Venlo", dt.date(2018, 3, 1), "bereikt"],
        ]})
    result = pseudonymise(source, tmp_path / "pseudo.xlsx", key_file)
    assert result.columns["contacten/scout_naam"] == "vervangen door een code in 'scout_id'"
    assert result.columns["contacten/naam_ouder"] == "weggehaald"
    key, _ = load_key(key_file)
    contacts = _records(result.target, "contacten")
    assert [r["jongere_id"] for r in contacts] == [pseudonym_code("Jan de Vries", key)] * 2 + [
        pseudonym_code("Fatima Bakr", key)]  # the scout's and the parent's names are not part of it
    ali, mo = pseudonym_code("Ali Yilmaz", key, "S-"), pseudonym_code("Mo", key, "S-")
    assert [r["scout_id"] for r in contacts] == [ali, mo, ali]
    assert [r["scout_id"] for r in _records(result.target, "scouts")] == [ali, mo]  # the same codes as there
    pilot = read_pilot(result.target)
    assert pilot.problems.empty and pilot.contacten["jongere_id"].nunique() == 2
    assert pilot.contacten.groupby("scout_id")["jongere_id"].nunique().to_dict() == {ali: 2, mo: 1}


def test_a_scout_column_with_names_is_an_identifier(tmp_path, key_file):
    source = write_workbook(tmp_path / "ruw.xlsx", {"contacten": [
        ["jongere_id", "scout", "gemeente", "datum", "stap"],
        ["J-A", "Ali Yilmaz", "Venlo", dt.date(2018, 3, 1), "bereikt"],
        ["J-B", "S-017", "Venlo", dt.date(2018, 3, 1), "bereikt"],
        ["J-C", "onbekend", "Venlo", dt.date(2018, 3, 1), "bereikt"],
        ["J-D", "Mo", "Venlo", dt.date(2018, 3, 1), "bereikt"]]})
    with pytest.raises(IdentifiersFoundError) as caught:
        check_identifiers(source)
    assert [(f.column, f.kind, f.rows) for f in caught.value.findings] == [("scout", NAME, (2, 5))]
    assert "Ali" not in str(caught.value) and "Mo," not in str(caught.value)
    result = pseudonymise(source, tmp_path / "pseudo.xlsx", key_file)
    key, _ = load_key(key_file)
    assert [r["scout"] for r in _records(result.target)] == [
        pseudonym_code("Ali Yilmaz", key, "S-"), "S-017", "onbekend", pseudonym_code("Mo", key, "S-")]


def test_existing_codes_are_kept_and_never_emptied(tmp_path, key_file):
    source = write_workbook(tmp_path / "ruw.xlsx", {"contacten": [
        ["jongere_id", "naam", "geboortedatum", "gemeente", "datum", "stap"],
        ["DH-001", "Jan de Vries", dt.date(2000, 1, 5), "Venlo", dt.date(2017, 3, 1), "bereikt"],
        ["DH-001", None, dt.date(2000, 1, 5), "Venlo", dt.date(2017, 5, 1), "geactiveerd"],
        [None, "jan  de vries", None, "Venlo", dt.date(2017, 6, 1), "geplaatst"],  # the id of his other rows
        [None, "Fatima Bakr", None, "Venlo", dt.date(2017, 6, 1), "bereikt"],  # no id anywhere: the code
        ["111222333", None, None, "Venlo", dt.date(2017, 6, 1), "bereikt"],  # a BSN is no code to keep
    ]})
    result = pseudonymise(source, tmp_path / "pseudo.xlsx", key_file)
    key, _ = load_key(key_file)
    records = _records(result.target)
    assert list(records[0]) == ["jongere_id", "gemeente", "datum", "stap", "leeftijd", "leeftijdsgroep"]
    assert [r["jongere_id"] for r in records] == [
        "DH-001", "DH-001", "DH-001", pseudonym_code("Fatima Bakr", key), pseudonym_code("111222333", key)]
    assert "blijft staan" in result.columns["contacten/jongere_id"]
    assert "'jongere_id' blijven staan" in result.columns["contacten/naam"]


@pytest.mark.parametrize("header", ["Gebdatum", "Geb.datum", "GebDat", "geboortedat", "Datum geboorte", "DOB"])
def test_birth_date_headers_are_no_event_dates(tmp_path, key_file, header):
    frame = pd.DataFrame({"jongere_id": ["J-A"], header: [dt.date(2000, 1, 5)], "datum": [dt.date(2017, 3, 1)]})
    assert _kinds(find_identifiers(frame)) == {(header, BIRTH_DATE)}
    source = write_workbook(tmp_path / "ruw.xlsx", {"contacten": [
        ["jongere_id", header, "datum", "stap"], ["J-A", dt.date(2000, 1, 5), dt.date(2017, 3, 1), "bereikt"]]})
    record = _records(pseudonymise(source, tmp_path / "pseudo.xlsx", key_file).target)[0]
    assert header not in record and record["leeftijd"] == 17


def test_lower_case_postcodes_and_longer_street_names(tmp_path, key_file):
    texts = {"woont op 2512 ab, Laan van Meerdervoort 120": "woont op [postcode], [adres]",
             "postcode 2512ab": "postcode [postcode]", "adres 2512 ab 7": "adres [adres]",
             "Plein 1813 4, tweede etage": "[adres], tweede etage", "nu Weg naar Zee 3": "nu [adres]",
             "van 2017 en 2018, 1200 km gefietst": None, "2512 SA en 2512 sd": None}
    frame = pd.DataFrame({"jongere_id": ["J-A"] * len(texts), "datum": [dt.date(2018, 3, 1)] * len(texts),
                          "opmerking": list(texts)})
    found = {f.kind: f.rows for f in find_identifiers(frame)}
    assert found == {POSTCODE: (2, 3), ADDRESS: (2, 4, 5, 6)}
    source = write_workbook(tmp_path / "ruw.xlsx", {"contacten": [["jongere_id", "datum", "opmerking"]] + [
        ["J-A", dt.date(2018, 3, 1), text] for text in texts]})
    masked = [r["opmerking"] for r in _records(pseudonymise(source, tmp_path / "pseudo.xlsx", key_file).target)]
    assert masked == [out or text for text, out in texts.items()]


def test_pseudonymise_masks_what_the_gate_refuses(tmp_path, key_file):
    texts = {
        "moeder heet Yvonne Bakker, bel haar": "moeder heet [naam], bel haar",
        "gesprek met mevrouw De Vries over school": "gesprek met mevrouw [naam] over school",
        "Sanne belt morgen terug": "[naam] belt morgen terug",
        "met Fatima El Amrani gebeld": "met [naam] gebeld",
        "mail jan(at)mail(punt)nl of jan @ mail . nl": "mail [e-mailadres] of [e-mailadres]",
        "Team Noord, afspraak op 3 Jan 2018": None,
    }
    source = write_workbook(tmp_path / "ruw.xlsx", {"contacten": [
        ["jongere_id", "scout_id", "datum", "stap", "opmerking"],
        *[["Jan de Vries 2", "S-01 Jan", dt.date(2018, 3, 1), "bereikt", text] for text in texts],
        ["J-ABCDEFGHIJ", "S01", dt.date(2018, 3, 2), "bereikt", None]]})
    assert {f.kind for f in find_identifiers(source)} == {NAME, EMAIL}
    result = pseudonymise(source, tmp_path / "pseudo.xlsx", key_file)
    assert find_identifiers(result.target) == []
    records = _records(result.target)
    assert [r["opmerking"] for r in records[:-1]] == [out or text for text, out in texts.items()]
    key, _ = load_key(key_file)
    assert {r["jongere_id"] for r in records[:-1]} == {pseudonym_code("Jan de Vries 2", key)}
    assert {r["scout_id"] for r in records[:-1]} == {pseudonym_code("S-01 Jan", key, "S-")}
    assert (records[-1]["jongere_id"], records[-1]["scout_id"]) == ("J-ABCDEFGHIJ", "S01")  # codes are kept


def test_a_file_without_header_row_is_named_by_column_number(tmp_path, key_file):
    path = tmp_path / "contacten.csv"
    path.write_text("Sanne de Groot;Venlo;1-3-2018;bereikt\nLisa Bakker;Venlo;2-3-2018;bereikt\n", encoding="utf-8")
    with pytest.raises(IdentifiersFoundError) as caught:
        check_identifiers(path)
    message = str(caught.value)
    assert "Sanne" not in message and "Groot" not in message and "Lisa" not in message
    assert [(f.column, f.kind, f.rows) for f in caught.value.findings] == [("kolom 1", NAME, (1, 2))]
    result = pseudonymise(path, tmp_path / "uit.csv", key_file)
    assert find_identifiers(result.target) == []
    assert not any("Sanne" in line for line in result.summary_lines())
    from buitenbeeld.common.readers import read_rows

    assert read_rows(result.target) == [("kolom 1", "Venlo", "1-3-2018", "bereikt"),
                                        ("[naam]", "Venlo", "2-3-2018", "bereikt")]


def _with_text(path, sheet, cells):
    """Put text that starts with '=' into cells of a workbook, as text (not as a formula)."""
    from openpyxl import load_workbook

    workbook = load_workbook(path)
    for address, text in cells.items():
        workbook[sheet][address].value = text
        workbook[sheet][address].data_type = "s"
    workbook.save(path)
    return path


def test_pseudonymised_csv_goes_through_the_one_csv_writer(tmp_path, key_file):
    source = _with_text(write_workbook(tmp_path / "ruw.xlsx", {"contacten": [
        ["naam", "datum", "stap", "leeftijd", "opmerking"],
        ["Jan de Vries", dt.date(2018, 3, 1), "bereikt", 17.5, None],
        ["Jan de Vries", dt.date(2018, 4, 1), "bereikt", 18, "-niet bellen"]]}),
        "contacten", {"E2": '=HYPERLINK("http://x.nl","klik")'})
    target = tmp_path / "nieuw" / "map" / "pseudo.csv"
    result = pseudonymise(source, target, key_file)
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0] == "datum;stap;leeftijd;opmerking;jongere_id"
    assert ';17,5;"\'=HYPERLINK(' in lines[1] and ";'-niet bellen;" in lines[2]  # decimal comma, no live formula
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600  # still personal data
    assert stat.S_IMODE(os.stat(target.parent).st_mode) == 0o700  # a folder made for it
    assert not list(target.parent.glob("*.tmp")) and result.target == target


def test_pseudonymised_xlsx_keeps_formula_text_as_text(tmp_path, key_file):
    source = _with_text(write_workbook(tmp_path / "ruw.xlsx", {"contacten": [
        ["naam", "datum", "stap", "opmerking"], ["Jan de Vries", dt.date(2018, 3, 1), "bereikt", None]]}),
        "contacten", {"D2": "=1+1"})
    from openpyxl import load_workbook

    result = pseudonymise(source, tmp_path / "pseudo.xlsx", key_file)
    cell = load_workbook(result.target)["contacten"]["C2"]
    assert cell.value == "=1+1" and cell.data_type == "s"
    assert stat.S_IMODE(os.stat(result.target).st_mode) == 0o600


def test_key_folder_is_private_whatever_the_umask(tmp_path, monkeypatch):
    folder = tmp_path / "config" / "buitenbeeld"
    old = os.umask(0)
    try:
        load_key(folder / "pseudoniem.key")
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(folder / "pseudoniem.key").st_mode) == 0o600
    # the default folder (~/.config/buitenbeeld) is made private too, even when it exists already
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("BUITENBEELD_PSEUDONIEM_KEY", raising=False)
    default = tmp_path / "home" / ".config" / "buitenbeeld"
    default.mkdir(parents=True, mode=0o755)
    os.chmod(default, 0o755)
    assert load_key()[1] == default / "pseudoniem.key"
    assert stat.S_IMODE(os.stat(default).st_mode) == 0o700
