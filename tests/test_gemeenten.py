"""Gemeente lists and resolving what users write."""
from __future__ import annotations

import pytest

from buitenbeeld.errors import UnknownGemeenteError
from buitenbeeld.reference.gemeenten import list_gemeenten, resolve_gemeente

PILOTS = {
    "Almere": "GM0034", "Amsterdam": "GM0363", "'s-Hertogenbosch": "GM0796", "'s-Gravenhage": "GM0518",
    "Gooise Meren": "GM1942", "Venlo": "GM0983", "Leeuwarden": "GM0080",
}


def test_lists_have_the_official_counts():
    assert len(list_gemeenten(2013)) == 408
    assert len(list_gemeenten(2026)) == 342
    assert list(list_gemeenten(2026).columns) == ["gemeentecode", "gemeentenaam"]


@pytest.mark.parametrize("naam,code", sorted(PILOTS.items()))
def test_pilot_gemeenten_resolve_by_cbs_name(naam, code):
    assert resolve_gemeente(naam).code == code


@pytest.mark.parametrize("text,naam", [
    ("Den Haag", "'s-Gravenhage"), ("den haag", "'s-Gravenhage"), ("s-Gravenhage", "'s-Gravenhage"),
    ("Den Bosch", "'s-Hertogenbosch"), ("den bosch", "'s-Hertogenbosch"), ("'s Hertogenbosch", "'s-Hertogenbosch"),
    ("GM0518", "'s-Gravenhage"), ("gm518", "'s-Gravenhage"), ("0796", "'s-Hertogenbosch"),
    ("  Amsterdam ", "Amsterdam"), ("AMSTERDAM", "Amsterdam"),
    ("Hengelo", "Hengelo (O.)"), ("Rijswijk", "Rijswijk (ZH.)"), ("Laren", "Laren (NH.)"),
    ("sudwest fryslan", "Súdwest-Fryslân"),
])
def test_common_and_variant_names(text, naam):
    assert resolve_gemeente(text).naam == naam


def test_years_are_joined_by_code_not_name():
    assert resolve_gemeente("GM0164", 2013).naam == "Hengelo"
    assert resolve_gemeente("GM0164", 2026).naam == "Hengelo (O.)"
    assert resolve_gemeente("Bussum", 2013).code == "GM0381"


def test_unknown_name_suggests_the_closest():
    with pytest.raises(UnknownGemeenteError, match="Bedoel je: Gooise Meren") as info:
        resolve_gemeente("Gooise Merem")
    assert info.value.suggestions[0] == "Gooise Meren"


def test_merged_gemeente_says_what_it_became():
    with pytest.raises(UnknownGemeenteError, match=r"GM0381 staat niet in de CBS-lijst van 2026\. In 2013 was het de "
                       r"code van Bussum\. Bussum is opgegaan in Gooise Meren \(GM1942\)\."):
        resolve_gemeente("GM0381")
    with pytest.raises(UnknownGemeenteError, match=r"GM1942 staat niet in de CBS-lijst van 2013\. In 2026 is het de code "
                       r"van Gooise Meren\. Gooise Meren is later ontstaan uit Bussum \(GM0381\), Muiden \(GM0424\) "
                       r"en Naarden \(GM0425\)\."):
        resolve_gemeente("GM1942", 2013)


def test_empty_and_nonsense_fail_clearly():
    with pytest.raises(UnknownGemeenteError, match="Er is geen gemeente ingevuld"):
        resolve_gemeente("  ")
    with pytest.raises(UnknownGemeenteError, match="Onbekende gemeente 'qqq' in de CBS-lijst van 2026"):
        resolve_gemeente("qqq")


def test_slug_is_file_name_safe():
    assert resolve_gemeente("Den Haag").slug == "GM0518-s-gravenhage"
    assert resolve_gemeente("Súdwest-Fryslân").slug == "GM1900-sudwest-fryslan"


# --- CBS region titles: "Groningen (gemeente)" is the gemeente, "Groningen (PV)" the province ---------------

@pytest.mark.parametrize("text,year,code", [
    ("Groningen (gemeente)", 2026, "GM0014"), ("Utrecht (gemeente)", 2026, "GM0344"),
    ("'s-Gravenhage (gemeente)", 2026, "GM0518"), ("Bergen (NH.) (gemeente)", 2026, "GM0373"),
    ("Bergen (L.) (gemeente)", 2013, "GM0893"), ("bergen (nh.)(Gemeente)", 2013, "GM0373"),
    ("  GRONINGEN   ( gemeente ) ", 2013, "GM0014"), ("utrecht (GEMEENTE)", 2013, "GM0344"),
    ("Hengelo (gemeente)", 2013, "GM0164"), ("Hengelo (O.) (gemeente)", 2026, "GM0164"),
    ("Den Haag (gemeente)", 2026, "GM0518"), ("GM0518 (gemeente)", 2026, "GM0518"),
])
def test_cbs_titles_with_gemeente_resolve(text, year, code):
    assert resolve_gemeente(text, year).code == code


@pytest.mark.parametrize("text,kind", [
    ("Groningen (PV)", "provincie"), ("Utrecht (pv)", "provincie"), ("Groningen ( PV )", "provincie"),
    ("Zeeland (provincie)", "provincie"), ("PV20", "provincie"),
    ("Noord-Nederland (LD)", "landsdeel"), ("Groningen (LD)", "landsdeel"),
    ("Oost-Groningen (CR)", "COROP-gebied"), ("Utrecht (CR)", "COROP-gebied"), ("CR01", "COROP-gebied"),
])
def test_a_province_landsdeel_or_corop_title_is_no_gemeente(text, kind):
    for year in (2013, 2026):
        with pytest.raises(UnknownGemeenteError, match=f"is een {kind}, geen gemeente") as info:
            resolve_gemeente(text, year)
        assert info.value.suggestions == []


def test_a_province_title_names_the_gemeente_of_the_same_name():
    with pytest.raises(UnknownGemeenteError) as info:
        resolve_gemeente("Groningen (PV)")
    assert str(info.value).startswith("'Groningen (PV)' is een provincie, geen gemeente. "
                                      "Bedoel je de gemeente Groningen? Die heeft code GM0014.")


def test_region_level_reads_what_cbs_writes_after_a_title():
    from buitenbeeld.reference.gemeenten import region_level
    assert [region_level(t) for t in ["Groningen (gemeente)", "GM0014", "Groningen (PV)", "PV20", "Noord-Nederland (LD)",
                                      "Oost-Groningen (CR)", "Groningen", "Bergen (NH.)", "", None]] == [
        "gemeente", "gemeente", "provincie", "provincie", "landsdeel", "COROP-gebied", None, None, None, None]


# --- names of the other year's list: what became of them, from the crosswalk ---------------------------

def test_a_merged_gemeente_says_what_it_went_into():
    with pytest.raises(UnknownGemeenteError) as info:
        resolve_gemeente("Bussum", 2026)
    message = str(info.value)
    assert message.startswith("Bussum is opgegaan in Gooise Meren (GM1942). Daarom staat Bussum niet in de CBS-lijst "
                              "van 2026.")
    assert info.value.suggestions == [] and "Bedoel je" not in message
    with pytest.raises(UnknownGemeenteError, match=r"Bussum is opgegaan in Gooise Meren"):
        resolve_gemeente("bussum (gemeente)", 2026)
    with pytest.raises(UnknownGemeenteError, match=r"Ten Boer is opgegaan in Groningen \(GM0014\)"):
        resolve_gemeente("Ten Boer", 2026)


def test_a_split_gemeente_names_all_its_successors():
    with pytest.raises(UnknownGemeenteError, match=r"Haaren is opgeheven en verdeeld over Boxtel \(GM0757\), "
                       r"Oisterwijk \(GM0824\), Tilburg \(GM0855\) en Vught \(GM0865\)\."):
        resolve_gemeente("Haaren", 2026)


def test_a_new_gemeente_names_where_it_came_from_in_2013():
    with pytest.raises(UnknownGemeenteError, match=r"Westerkwartier is later ontstaan uit Grootegast \(GM0015\), "
                       r"Leek \(GM0022\), Marum \(GM0025\), Zuidhorn \(GM0056\) en een deel van Winsum \(GM0053\)\. "
                       r"Daarom staat Westerkwartier niet in de CBS-lijst van 2013\."):
        resolve_gemeente("Westerkwartier", 2013)


def test_a_name_two_gemeenten_share_asks_for_the_province():
    for text in ("Bergen", "Bergen (gemeente)"):
        with pytest.raises(UnknownGemeenteError, match=r"Er zijn 2 gemeenten die 'Bergen' heten: Bergen \(NH\.\) "
                           r"\(GM0373\) en Bergen \(L\.\) \(GM0893\)\. Schrijf de provincie erbij"):
            resolve_gemeente(text)


def test_the_messages_are_dutch():
    with pytest.raises(UnknownGemeenteError) as info:
        resolve_gemeente("Amsterdm")
    assert str(info.value) == ("Onbekende gemeente 'Amsterdm' in de CBS-lijst van 2026. Bedoel je: Amsterdam? Gebruik de "
                               "naam van het CBS, de code (zoals GM0518) of een gangbare naam (zoals Den Haag).")
    with pytest.raises(UnknownGemeenteError, match="De werkbank heeft geen gemeentelijst van 2020, alleen van 2013 en 2026"):
        resolve_gemeente("Amsterdam", 2020)
