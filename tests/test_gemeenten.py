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
    with pytest.raises(UnknownGemeenteError, match="Did you mean: Gooise Meren") as info:
        resolve_gemeente("Gooise Merem")
    assert info.value.suggestions[0] == "Gooise Meren"


def test_merged_gemeente_says_what_it_became():
    with pytest.raises(UnknownGemeenteError, match="GM0381 does not exist in 2026. It is Bussum in 2013"):
        resolve_gemeente("GM0381")
    with pytest.raises(UnknownGemeenteError, match="not exist in 2013"):
        resolve_gemeente("GM1942", 2013)


def test_empty_and_nonsense_fail_clearly():
    with pytest.raises(UnknownGemeenteError, match="No gemeente given"):
        resolve_gemeente("  ")
    with pytest.raises(UnknownGemeenteError, match="Unknown gemeente 'qqq'"):
        resolve_gemeente("qqq")


def test_slug_is_file_name_safe():
    assert resolve_gemeente("Den Haag").slug == "GM0518-s-gravenhage"
    assert resolve_gemeente("Súdwest-Fryslân").slug == "GM1900-sudwest-fryslan"
