"""Tests of the privacy gate and of the identifier recognisers (fixtures built in code)."""
from __future__ import annotations

import datetime as dt
import hashlib

import pandas as pd
import pytest
from conftest import write_workbook

from buitenbeeld.errors import IdentifiersFoundError
from buitenbeeld.privacy.gate import IdentifierFinding, check_identifiers, find_identifiers
from buitenbeeld.privacy.identifiers import ADDRESS, BIRTH_DATE, BSN, NAME, POSTCODE, first_names, is_valid_bsn
from buitenbeeld.privacy.pseudonym import pseudonym_code
from buitenbeeld.privacy.scan import EMAIL, PHONE

HEADER = ["jongere_id", "gemeente", "datum", "stap", "plaatsing_soort", "opmerking"]


def _kinds(findings) -> set[tuple[str, str]]:
    return {(f.column, f.kind) for f in findings}


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
    with pytest.raises(IdentifiersFoundError) as caught:
        check_identifiers(path)
    message = str(caught.value)
    assert "'naam'" in message and "'opmerking'" in message and "buitenbeeld pseudonimiseer" in message
    assert "0612345678" not in message and "Sanne" not in message  # the message never repeats the values
    assert {f.column for f in caught.value.findings} == {"naam", "opmerking"}


# --------------------------------------------------------------------------- names, obfuscated e-mails, messages


def _found(value, column="opmerking") -> set[str]:
    """The kinds the gate finds in one cell of a one-row contacten table."""
    frame = pd.DataFrame({"jongere_id": ["J-A"], "datum": [dt.date(2018, 3, 1)], column: [value]})
    findings = find_identifiers(frame)
    assert all(f.rows == (2,) and f.count == 1 for f in findings)  # one count per cell, not one per rule
    return {f.kind for f in findings}


NAMES_IN_CODE_COLUMNS = ["Jan de Vries", "Fatima El Amrani", "Kees van der Berg", "Jan de Vries 2",
                         "Vries, Jan de", "Kees van der Berg-1", "J. de Vries 2", "Sanne01", "S-01 Jan",
                         "Jan (2)", "Team Noord", "JAN DE VRIES 2", "Şeyma Yılmaz 3", "Anne-Marie 4"]
CODES = ["S01", "JS-0042", "S-017", "S-1", "DH-001", "J-3F2A7KQ2ZX", "J-ABCDEFGHIJ", "GM0518-12", "onbekend"]


@pytest.mark.parametrize("column", ["jongere_id", "scout_id", "Scout"])
def test_names_in_code_columns_are_refused_codes_pass(column):
    assert {name: _found(name, column) for name in NAMES_IN_CODE_COLUMNS} == dict.fromkeys(NAMES_IN_CODE_COLUMNS,
                                                                                             {NAME})
    assert {code: _found(code, column) for code in CODES} == dict.fromkeys(CODES, set())


def test_demo_and_keyed_codes_are_no_names(tmp_path):
    from buitenbeeld.demo.pilots import pilot_contents

    codes = {row[header.index(column)]
             for workbook in pilot_contents().values() for sheet, rows in workbook.items() if sheet != "toelichting"
             for header in [rows[0]] for row in rows[1:] for column in ("jongere_id", "scout_id") if column in header}
    key = hashlib.sha256(b"test").digest()
    codes |= {pseudonym_code(f"persoon {n}", key, prefix) for n in range(2000) for prefix in ("J-", "S-")}
    codes.discard(None)
    assert len(codes) > 4000
    frame = pd.DataFrame({"jongere_id": sorted(codes), "scout_id": sorted(codes)})
    assert find_identifiers(frame) == []


@pytest.mark.parametrize("text", [
    "mail jan(at)mail(punt)nl", "jan [at] mail [dot] nl", "bereikbaar via jan at mail punt nl", "jan(a)mail.nl",
    "jan @ mail . nl", "JAN AT HOTMAIL DOT COM", "jan{at}gemeente(punt)venlo(punt)nl", "jan (apenstaartje) mail.nl",
    "s.de.vries [at] live [punt] nl graag"])
def test_obfuscated_email_addresses_are_found_in_any_cell(text):
    assert _found(text) == {EMAIL}
    assert _found(text, "gemeente") == {EMAIL}


@pytest.mark.parametrize("text", [
    "zie punt (a) hieronder", "ze was at home", "om 10.30 bij het loket", "eerst at, daarna punt", "score 3 @ 5",
    "mail volgt", "www.jongerenloket.nl"])
def test_text_like_an_email_address_is_not_one(text):
    assert _found(text) == set()


@pytest.mark.parametrize("text", [
    "moeder heet Yvonne", "vader heet Gerrit, werkt bij de haven", "zus heet: Bertha", "broer heet Dirk-Jan",
    "gesprek met mevrouw De Vries over school", "mw. J. de Vries belde terug", "mevr. Pietersen", "dhr.Jansen",
    "dhr. JANSEN", "afspraak met de heer van Dijk", "meneer Kramer van de bibliotheek", "genaamd 'Bertus'",
    "zijn naam is Gijsbert", "haar naam is Truus", "naam: Hendrika", "juf Ans van de basisschool",
    "mevrouw in 't Veld", "Sanne belt morgen terug", "gebeld met Yusuf", "kwam met Anne-Marie langs",
    "Sanne's moeder belde", "contact via Şeyma", "met Fatima El Amrani gebeld", "ze heten Mehmet en Shanice"])
def test_person_names_in_free_text_are_found(text):
    assert _found(text) == {NAME}


@pytest.mark.parametrize("text", [
    "Team Noord", "gesprek in Den Haag", "kwam via de sportclub", "afspraak op 3 Jan 2018", "sanne belt morgen",
    "SANNE belt morgen", "het is heet. Morgen weer", "mevrouw belde terug", "bij Stichting Jong Venlo",
    "Roos en Fleur hebben iets met bloemen", "naam onbekend", "wil iets met techniek bij Werkplein Noord",
    "doorverwezen naar het Jongerenloket"])
def test_capitalised_words_in_free_text_are_no_name_by_themselves(text):
    assert _found(text) == set()


def test_the_first_name_list():
    names = first_names()
    assert len(names) > 300
    assert {"Sanne", "Daan", "Mohamed", "Fatima", "Yusuf", "Şeyma", "Seyma", "Shanice", "Quincy"} <= names
    # names that are ordinary Dutch words are left out on purpose (see the file's header)
    assert not {"Roos", "Fleur", "Iris", "Merel", "Bas", "Mark", "Max", "Ben", "Job", "Will", "Hoop"} & names
    assert all(name[:1].isupper() and name == name.strip() for name in names)


def test_refusal_messages_repeat_no_value_nor_the_words_around_it(tmp_path):
    path = write_workbook(tmp_path / "pilot.xlsx", {
        "contacten": [["Pilot Venlo, bijgehouden door mevrouw Kuipers"],
                      ["jongere_id", "scout_id", "datum", "stap", "opmerking"],
                      ["Jan de Vries 2", "S-1", dt.date(2018, 3, 1), "bereikt", "moeder heet Yvonne, woont bij oma"],
                      ["J-B", "S-1", dt.date(2018, 3, 1), "bereikt", "mail jan(at)mail(punt)nl graag"]],
        "Sanne Visser": [["jongere_id", "stap"], ["J-A", "bereikt"]]})
    with pytest.raises(IdentifiersFoundError) as caught:
        check_identifiers(path)
    message = str(caught.value)
    for value in ("Jan de Vries", "Vries", "Yvonne", "moeder heet", "woont bij oma", "jan(at)", "mail(punt)",
                  "Kuipers", "bijgehouden", "Sanne", "Visser"):
        assert value not in message
    where = {(f.sheet, f.column, f.kind, f.rows) for f in caught.value.findings}
    assert ("contacten", "opmerking", NAME, (3,)) in where and ("contacten", "opmerking", EMAIL, (4,)) in where
    assert ("contacten", "jongere_id", NAME, (1, 3)) in where  # row 1: the title above the header, in column A
    assert ("blad 2", "", NAME, ()) in where and "blad 'blad 2', de naam van het blad: naam" in message
    assert all(value not in repr(caught.value.findings) for value in ("Yvonne", "Sanne", "Kuipers"))


def test_a_finding_describes_itself_in_dutch_with_the_right_number_of_cells_and_rows():
    one = IdentifierFinding("p.xlsx", "contacten", "opmerking", PHONE, (3,), 1)
    many = IdentifierFinding("p.xlsx", None, "opmerking", NAME, (2, 3, 4, 5, 6), 8)
    named = IdentifierFinding("p.xlsx", "contacten", "naam", NAME, (), 0, by_name=True)
    assert one.describe() == "blad 'contacten', kolom 'opmerking': telefoonnummer (1 cel, rij 3)"
    assert many.describe() == "kolom 'opmerking': naam (8 cellen, rijen 2, 3, 4, 5, 6 en meer)"
    assert named.describe() == "blad 'contacten', kolom 'naam': naam (kolomnaam)"
