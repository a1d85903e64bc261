"""Tests of the privacy gate and of pseudonymisation (fixtures built in code)."""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import stat

import pandas as pd
import pytest
from conftest import write_workbook

from buitenbeeld.pseudonym import (
    BIRTH_DATE, BSN, EMAIL, NAME, PHONE, POSTCODE, ADDRESS, IdentifiersFound, PseudonymKeyError,
    age_band, check_identifiers, find_identifiers, is_valid_bsn, load_key, pseudonym_code, pseudonymise,
)
from buitenbeeld.settings import PROJECT_ROOT

HEADER = ["jongere_id", "gemeente", "datum", "stap", "plaatsing_soort", "opmerking"]


def _kinds(findings) -> set[tuple[str, str]]:
    return {(f.column, f.kind) for f in findings}


@pytest.fixture
def key_file(tmp_path):
    return tmp_path / "sleutels" / "pseudoniem.key"


def test_elfproef():
    assert is_valid_bsn("111222333") and is_valid_bsn("123456782") and is_valid_bsn("1112.22.333")
    assert not is_valid_bsn("123456789") and not is_valid_bsn("000000000") and not is_valid_bsn("12345678a")
    assert is_valid_bsn("11222333".zfill(9)) == is_valid_bsn("11222333")  # Excel dropped the leading zero


def test_clean_pilot_table_passes():
    frame = pd.DataFrame([["J-ABCDEFGHIJ", "Venlo", dt.date(2018, 3, 1), "bereikt", None, "gesprek in het buurthuis"],
                          ["J-KLMNOPQRST", "GM0983", "1-4-2018", "geplaatst", "werk", None]], columns=HEADER)
    frame["leeftijd"] = [17, 22]
    frame["startdatum"] = [dt.date(2000, 1, 1), None]  # an event date column, even with an old date
    assert find_identifiers(frame) == []


def test_identifier_columns_found_by_name():
    frame = pd.DataFrame({"Naam": ["x"], "Achternaam": ["y"], "BSN": [""], "Geboortedatum": [None],
                          "Adres": [None], "Postcode": [None], "Telefoon": [None], "E-mail": [None],
                          "organisatie_naam": ["Boksschool"]})
    kinds = _kinds(find_identifiers(frame))
    assert {("Naam", NAME), ("Achternaam", NAME), ("BSN", BSN), ("Geboortedatum", BIRTH_DATE), ("Adres", ADDRESS),
            ("Postcode", POSTCODE), ("Telefoon", PHONE), ("E-mail", EMAIL)} == kinds


def test_identifiers_in_values_of_any_column():
    frame = pd.DataFrame({
        "jongere_id": ["J-A", "J-B", "J-C", "J-D"],
        "datum": [dt.date(2018, 3, 1)] * 4,
        "opmerking": ["bel haar op 06-12345678", "mail: test@voorbeeld.nl", "geboren 3 april 2001",
                      "woont Dorpsstraat 12a"],
        "kolom_x": [111222333, 612345678, dt.date(2001, 4, 3), "2525 AB 7"],
    })
    found = {(f.column, f.kind): f.rows for f in find_identifiers(frame)}
    assert found[("opmerking", PHONE)] == (2,)
    assert found[("opmerking", EMAIL)] == (3,)
    assert found[("opmerking", BIRTH_DATE)] == (4,)
    assert found[("opmerking", ADDRESS)] == (5,)
    assert found[("kolom_x", BSN)] == (2,)
    assert found[("kolom_x", PHONE)] == (3,)  # a mobile number typed as a number loses its 0
    assert found[("kolom_x", BIRTH_DATE)] == (4,)  # 16 years before the step date
    assert found[("kolom_x", ADDRESS)] == (5,)


def test_step_date_and_ids_are_not_identifiers():
    frame = pd.DataFrame({"datum": [dt.date(2001, 4, 3), "3-4-2001"], "jongere_id": ["J-2345ABCDEF", "J-AB2525CDEF"],
                          "stap": ["bereikt", "bereikt"], "leeftijd": [17, 27]})
    assert find_identifiers(frame) == []


def test_gate_refuses_a_file_and_names_the_columns(tmp_path):
    path = write_workbook(tmp_path / "pilot.xlsx", {"contacten": [
        HEADER + ["naam"], ["J-A", "Venlo", dt.date(2018, 3, 1), "bereikt", None, "tel 0612345678", "Sanne"]]})
    with pytest.raises(IdentifiersFound) as caught:
        check_identifiers(path)
    message = str(caught.value)
    assert "'naam'" in message and "'opmerking'" in message and "buitenbeeld pseudonimiseer" in message
    assert "0612345678" not in message and "Sanne" not in message  # the message never repeats the values
    assert {f.column for f in caught.value.findings} == {"naam", "opmerking"}


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
    with pytest.raises(PseudonymKeyError, match="project folder"):
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
    from buitenbeeld.readers import read_rows

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
    from buitenbeeld.readers import read_rows

    rows_a = read_rows(first.target, "contacten")
    code_a = rows_a[1][rows_a[0].index("jongere_id")]
    rows_b = read_rows(second.target)
    assert rows_b[0][-1] == "jongere_id" and rows_b[1][-1] == code_a
    other = pseudonymise(second_source, tmp_path / "b_other.csv", tmp_path / "other.key")
    assert read_rows(other.target)[1][-1] != code_a


def test_pseudonymise_refuses_to_overwrite(tmp_path, key_file):
    source = _raw_pilot(tmp_path)
    from buitenbeeld.errors import InputError

    with pytest.raises(InputError, match="source file itself"):
        pseudonymise(source, source, key_file)
    (tmp_path / "bestaat.xlsx").write_bytes(b"x")
    with pytest.raises(InputError, match="exists already"):
        pseudonymise(source, tmp_path / "bestaat.xlsx", key_file)
    with pytest.raises(InputError, match="CSV file holds one"):
        pseudonymise(source, tmp_path / "uit.csv", key_file)


def test_birth_dates_without_step_date_become_age_bands(tmp_path, key_file):
    source = write_workbook(tmp_path / "lijst.xlsx", {"jongeren": [
        ["naam", "geboren"], ["A B", dt.date(dt.date.today().year - 16, 1, 1)]]})
    from buitenbeeld.readers import read_rows

    rows = read_rows(pseudonymise(source, tmp_path / "uit.xlsx", key_file).target)
    assert rows[0] == ("jongere_id", "leeftijd", "leeftijdsgroep") and rows[1][2] == "15-17"


def test_pseudonymised_file_passes_the_gate_of_read_pilot(tmp_path, key_file):
    from buitenbeeld.pilot import read_pilot

    source = _raw_pilot(tmp_path)
    with pytest.raises(IdentifiersFound):
        read_pilot(source)
    result = read_pilot(pseudonymise(source, tmp_path / "pseudo.xlsx", key_file).target)
    assert result.rejects.empty and len(result.contacten) == 3
    assert result.contacten["jongere_id"].nunique() == 2 and result.contacten["leeftijd"].tolist()[:2] == [16, 17]


def _records(path, sheet=None):
    from buitenbeeld.readers import read_rows

    rows = read_rows(path, sheet)
    return [dict(zip(rows[0], row)) for row in rows[1:]]


def test_scout_names_become_scout_codes_and_keep_the_link(tmp_path, key_file):
    from buitenbeeld.pilot import read_pilot

    source = write_workbook(tmp_path / "ruw.xlsx", {
        "scouts": [["naam", "gemeente"], ["Ali Yilmaz", "Venlo"], ["Mo", "Venlo"]],
        "contacten": [
            ["naam", "scout_naam", "naam_ouder", "gemeente", "datum", "stap"],
            ["Jan de Vries", "Ali Yilmaz", "Piet de Vries", "Venlo", dt.date(2018, 3, 1), "bereikt"],
            ["Jan de Vries", "Mo", "Els de Vries", "Venlo", dt.date(2018, 5, 1), "geactiveerd"],
            ["Fatima Bakr", "ali  yilmaz", None, "Venlo", dt.date(2018, 3, 1), "bereikt"],
        ]})
    result = pseudonymise(source, tmp_path / "pseudo.xlsx", key_file)
    assert result.columns["contacten/scout_naam"] == "replaced by code in 'scout_id'"
    assert result.columns["contacten/naam_ouder"] == "removed"
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
    with pytest.raises(IdentifiersFound) as caught:
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
    assert "kept" in result.columns["contacten/jongere_id"]
    assert "'jongere_id' are kept" in result.columns["contacten/naam"]


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
