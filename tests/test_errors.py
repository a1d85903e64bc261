"""A row problem as people read it: Dutch framing, no 'nan' or 'None' for what is missing."""
from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from buitenbeeld.errors import IdentifiersFoundError, InputError, RowProblem


def test_message_names_bestand_blad_rij_kolom_value_and_hint():
    problem = RowProblem("kaart.xlsx", "organisaties", 3, "type", "weet niet", "onbekend type 'weet niet'",
                         "Kies uit: formeel, hobby")
    assert problem.location() == "bestand 'kaart.xlsx', blad 'organisaties', rij 3, kolom 'type'"
    assert problem.message() == ("bestand 'kaart.xlsx', blad 'organisaties', rij 3, kolom 'type': onbekend type "
                                 "'weet niet' (waarde: 'weet niet'). Kies uit: formeel, hobby")


@pytest.mark.parametrize("missing", [None, math.nan, pd.NA, ""])
def test_what_is_missing_is_left_out_never_shown_as_nan_or_none(missing):
    problem = RowProblem("kaart.xlsx", missing, missing, missing, missing, "het blad is leeg")
    assert problem.message() == "bestand 'kaart.xlsx': het blad is leeg"
    assert problem.as_record()["value"] is None


def test_a_row_read_back_from_a_table_is_a_whole_number():
    problem = RowProblem("kaart.xlsx", "organisaties", 7.0, "naam", None, "'naam' moet ingevuld zijn")
    assert "rij 7, kolom 'naam'" in problem.message() and "7.0" not in problem.message()


@pytest.mark.parametrize("value, shown, stored", [
    (dt.date(2024, 3, 5), "(waarde: 5-3-2024)", "5-3-2024"),
    (dt.datetime(2024, 3, 5, 14, 30), "(waarde: 5-3-2024 14:30)", "5-3-2024 14:30"),
    (True, "(waarde: WAAR)", "WAAR"),
    (3000.0, "(waarde: 3000)", "3000"),
    (2.5, "(waarde: 2.5)", "2.5"),
    ("  x ", "(waarde: 'x')", "  x "),
])
def test_a_value_is_shown_as_a_dutch_spreadsheet_shows_it(value, shown, stored):
    problem = RowProblem("k.xlsx", "organisaties", 2, "kolom", value, "reden")
    assert shown in problem.message()
    assert problem.as_record()["value"] == stored


def test_an_input_error_carries_the_dutch_message():
    error = InputError(RowProblem("k.xlsx", None, None, None, None, "het bestand is leeg", "Sla het opnieuw op"))
    assert str(error) == "bestand 'k.xlsx': het bestand is leeg. Sla het opnieuw op"


def test_identifiers_found_error_is_dutch_and_names_the_command():
    class Finding:
        sheet, column = "contacten", "naam"

        @staticmethod
        def describe():
            return "blad 'contacten', kolom 'naam': naam (kolomnaam)"

    error = IdentifiersFoundError([Finding()], "pilot.xlsx")
    assert str(error).startswith("bestand 'pilot.xlsx', blad 'contacten', kolom 'naam': in het bestand staan gegevens "
                                 "waarmee je een persoon direct herkent")
    assert "`buitenbeeld pseudonimiseer pilot.xlsx <nieuw bestand>`" in str(error)
