"""Synthetic demo data: a StatLine cache of young people buiten beeld, 2013-2023, in CBS's real shape.

Two tables of the series "Arbeidsmarktsituatie jongeren (15 tot 27 jaar);
regio", written exactly as :func:`buitenbeeld.ingest.statline.write_cache`
keeps a download (parquet with the rows, json sidecar with ``"synthetisch":
true`` and a title that says so):

- 86223NED (gemeentelijke indeling 2025), 2018 to 2023* (provisional): the
  seven pilot gemeenten, a few others, Noord-Holland and Nederland;
- 84455NED (gemeentelijke indeling 2018, the old dimension names and the old
  registration at UWV WERKbedrijf), 2013 to 2017, in its own layout: Haren and
  Ten Boer (in Groningen since 2019), Weesp (in Amsterdam since 2022) and
  Haaren (split in 2021) are still gemeenten of their own.

So the series of :mod:`buitenbeeld.ingest.statline_series` shows the change of
table and of UWV registration in 2018, a merge (summed) and a split
(estimated). The figures are invented from the demo seed, rounded to hundreds
like CBS's, and sized after the 2013 demo table of :mod:`buitenbeeld.demo.cbs`
(the same young people per gemeente, growing a little each year; the share
buiten beeld follows a national path with a drop at the 2018 break).
"""
from __future__ import annotations

import random
from pathlib import Path

import pandas as pd

from buitenbeeld.demo.cbs import cbs_rows
from buitenbeeld.demo.interviews import DEMO_SEED, PILOT_GEMEENTEN
from buitenbeeld.ingest.statline import cache_paths, write_cache
from buitenbeeld.reference.crosswalk import convert_to_2026

__all__ = ["DEMO_DOWNLOADED", "DEMO_TABLES", "statline_tables", "write_statline_cache"]

#: The date the demo cache claims to have been downloaded (fixed, so the files are byte-stable).
DEMO_DOWNLOADED = "2025-03-01"
#: The demo tables and their years.
DEMO_TABLES = {"86223NED": (2018, 2023), "84455NED": (2013, 2017)}

_OTHERS = {"GM0014": "Groningen", "GM0757": "Boxtel", "GM0824": "Oisterwijk", "GM0855": "Tilburg", "GM0865": "Vught"}
# Gemeenten of the 2018 layout that later merged or were split, and the gemeenten they went into.
_LATER = {"GM0009": ("Ten Boer", "GM0014"), "GM0017": ("Haren", "GM0014"), "GM0457": ("Weesp", "GM0363"),
          "GM0788": ("Haaren", "GM0865")}  # code -> (name, the gemeente whose growth it shares)
_TAKERS = {"GM0014", "GM0363", "GM0757", "GM0824", "GM0855", "GM0865"}
_TITLES = {"GM0014": "Groningen (gemeente)", "GM0518": "'s-Gravenhage (gemeente)"}
_PROVINCE = ("PV27", "Noord-Holland (PV)", 0.172)
# Share buiten beeld in Nederland per year: the old UWV registration to 2017, the GWU registration from 2018.
_NATIONAL_SHARE = {2013: .0515, 2014: .0506, 2015: .0494, 2016: .0483, 2017: .0471, 2018: .0442, 2019: .0428,
                   2020: .0451, 2021: .0423, 2022: .0409, 2023: .0416}
_NATIONAL_YOUTH_2013 = 2489440
_PROVISIONAL = 2023


def _hundreds(value: float) -> int:
    return int(value / 100 + 0.5) * 100


def _base_figures(seed: int) -> tuple[dict[str, tuple[float, float]], dict[str, tuple[float, float]]]:
    """(youth, buiten beeld) in 2013 of the demo maatwerk table: per 2013 code, and per 2026 code."""
    rows = [r for r in cbs_rows(seed, PILOT_GEMEENTEN) if len(r) == 5 and str(r[0]).startswith("GM")]
    frame = pd.DataFrame(rows, columns=["gemeentecode", "gemeentenaam", "jongeren", "buiten", "zonder"])
    for column in ("jongeren", "buiten"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce")
    frame["buiten"] = frame["buiten"].fillna(frame["jongeren"] * .05)
    old = {r.gemeentecode: (r.jongeren, r.buiten) for r in frame.itertuples()}
    converted = convert_to_2026(frame, ["jongeren", "buiten"])
    new = {r.gemeentecode: (r.jongeren, r.buiten) for r in converted.itertuples()}
    return old, new


def _series(seed: int, key: str, youth: float, buiten: float, grows_as: str) -> dict[int, tuple[int, int]]:
    """Rounded (youth, buiten beeld) per year 2013-2023 from 2013 figures; the share follows the national path.

    ``key`` names the random stream (a code and its layout); ``grows_as`` the gemeente whose growth it
    shares, so both tables see the same young people.
    """
    rng = random.Random(f"{seed}-statline-{key}")
    growth = 1.006 if grows_as == "NL01" else 1 + random.Random(f"{seed}-statline-groei-{grows_as}").uniform(-.004, .012)
    share = buiten / youth / .054  # relative to the national share of the 2013 table
    result = {}
    for year in sorted(_NATIONAL_SHARE):
        total = youth * growth ** (year - 2013)
        count = total * min(share * _NATIONAL_SHARE[year] * rng.uniform(.94, 1.06), .5)
        result[year] = (_hundreds(total), _hundreds(count))
    return result


def statline_tables(seed: int = DEMO_SEED) -> dict[str, tuple[dict[str, list[dict]], list[dict]]]:
    """The demo tables: table id -> (metadata, rows) as cbsodata's get_meta and filtered get_data give them."""
    old, new = _base_figures(seed)
    national = _series(seed, "NL01", _NATIONAL_YOUTH_2013, _NATIONAL_YOUTH_2013 * .054, "NL01")
    province = {y: (_hundreds(t * _PROVINCE[2]), _hundreds(b * _PROVINCE[2] * 1.04)) for y, (t, b) in national.items()}
    tables = {}
    for table, (first, last) in DEMO_TABLES.items():
        layout_2018 = table == "84455NED"
        codes = {**PILOT_GEMEENTEN, **_OTHERS, **({c: n for c, (n, _) in _LATER.items()} if layout_2018 else {})}
        regions = {"NL01": ("Nederland", national), _PROVINCE[0]: (_PROVINCE[1], province)}
        for code in sorted(codes):
            own = layout_2018 and code in {*_LATER, *_TAKERS}  # in the 2018 layout without what it took later
            youth, buiten = old[code] if own else new[code]
            series = _series(seed, f"{code}-{2018 if own else 2026}", youth, buiten, _LATER.get(code, (code,))[-1])
            regions[code] = (_TITLES.get(code, codes[code]), series)
        years = range(first, last + 1)
        tables[table] = (_meta(table, regions, years), _rows(table, regions, years))
    return tables


# Per table and dimension: key, title and categories (the total first); _TARGET: the "buiten beeld" category of each.
_DIMENSIONS = {
    "86223NED": [
        ("Onderwijsvolgend", "Onderwijsvolgend",
         [("T001040", "Totaal "), ("A048583", "Onderwijsvolgend"), ("A048584", "Niet onderwijsvolgend")]),
        ("Arbeidskenmerken", "Arbeidskenmerken",
         [("T001097", "Totaal "), ("A048585", "Arb.pos.: werkzame beroepsbevolking"),
          ("A048586", "Werkzaam: werknemer"), ("A048587", "Werkzaam: zelfstandige"),
          ("A048588", "Arb.pos.: niet-werkzame bevolking")]),
        ("Uitkering", "Uitkering",
         [("T001458", "Totaal met of zonder uitkering"), ("A048589", "Met uitkering"), ("A048590", "Zonder uitkering")]),
        ("GeregistreerdWerkzoekendeBijUWV", "Geregistreerd werkzoekende bij UWV",
         [("T001459", "Totaal"), ("A048591", "Geregistreerd werkzoekende bij UWV"),
          ("A048592", "Niet geregistreerd werkzoekende bij UWV")]),
    ],
    "84455NED": [
        ("Onderwijsdeelname", "Onderwijsdeelname",
         [("T001040", "Totaal"), ("A025253", "Onderwijsvolgend"), ("A025254", "Niet onderwijsvolgend")]),
        ("KenmerkenArbeid", "Kenmerken arbeid",
         [("T001097", "Totaal"), ("A025255", "Werkzame beroepsbevolking"), ("A025256", "Werknemer"),
          ("A025257", "Zelfstandige"), ("A025258", "Niet-werkzame bevolking")]),
        ("Uitkering", "Uitkering", [("T001458", "Totaal"), ("A025259", "Met uitkering"), ("A025260", "Zonder uitkering")]),
        ("IngeschrevenUWVWerkbedrijf", "Ingeschreven UWV werkbedrijf",
         [("T001459", "Totaal"), ("A025261", "Ingeschreven bij UWV WERKbedrijf"),
          ("A025262", "Niet ingeschreven bij UWV WERKbedrijf")]),
    ],
}
_TARGET = (2, 4, 2, 2)
_LAYOUT = {"86223NED": 2025, "84455NED": 2018}
_TOPIC = "Jongeren_1"


def _title(table: str) -> str:
    return (f"SYNTHETISCH (demo): Arbeidsmarktsituatie jongeren (15 tot 27 jaar); regio "
            f"(indeling {_LAYOUT[table]})")


def _period(year: int) -> str:
    return f"{year}*" if year == _PROVISIONAL else str(year)


def _meta(table: str, regions: dict, years: range) -> dict[str, list[dict]]:
    properties = [{"odata.type": "Cbs.OData.Dimension", "ID": i, "Position": i, "ParentID": None, "Type": "Dimension",
                   "Key": key, "Title": title, "Description": f"{title}: zie de toelichting bij de tabel.",
                   "MapYear": None, "ReleasePolicy": False}
                  for i, (key, title, _) in enumerate(_DIMENSIONS[table])]
    properties += [
        {"odata.type": "Cbs.OData.GeoDimension", "ID": 4, "Position": 4, "ParentID": None, "Type": "GeoDimension",
         "Key": "RegioS", "Title": "Regio's", "Description": "Regio's: zie de toelichting bij de tabel.",
         "MapYear": str(_LAYOUT[table]), "ReleasePolicy": False},
        {"odata.type": "Cbs.OData.TimeDimension", "ID": 5, "Position": 5, "ParentID": None, "Type": "TimeDimension",
         "Key": "Perioden", "Title": "Perioden", "Description": "Perioden: zie de toelichting bij de tabel.",
         "ReleasePolicy": True},
        {"odata.type": "Cbs.OData.Topic", "ID": 6, "Position": 6, "ParentID": None, "Type": "Topic", "Key": _TOPIC,
         "Title": "Jongeren (15 tot 27 jaar)", "Description": "SYNTHETISCH: verzonnen cijfers voor de demonstratie.",
         "Datatype": "Double", "Unit": "aantal", "Decimals": 0, "Default": "Impossible", "PresentationType": "Absolute"},
    ]
    meta = {"TableInfos": [{"ID": 0, "Title": _title(table), "Identifier": table, "Period": f"{years[0]}-{years[-1]}",
                            "Summary": "SYNTHETISCHE DEMONSTRATIEGEGEVENS in de vorm van CBS StatLine; de cijfers "
                                       "zijn verzonnen (buitenbeeld demo)."}],
            "DataProperties": properties}
    for key, _, categories in _DIMENSIONS[table]:
        meta[key] = [{"Key": k, "Title": t, "Description": None, "CategoryGroupID": None} for k, t in categories]
    meta["RegioS"] = [{"Key": code.ljust(10 if code.startswith("GM") else 6), "Title": title, "Description": None}
                      for code, (title, _) in regions.items()]
    meta["Perioden"] = [{"Key": f"{year}JJ00", "Title": _period(year), "Description": None,
                         "Status": "Voorlopig" if year == _PROVISIONAL else "Definitief"} for year in years]
    return meta


def _rows(table: str, regions: dict, years: range) -> list[dict]:
    dimensions = _DIMENSIONS[table]
    total = [categories[0][1] for _, _, categories in dimensions]
    target = [categories[index][1] for (_, _, categories), index in zip(dimensions, _TARGET)]
    rows, number = [], 0
    for combination, index in ((total, 0), (target, 1)):
        for title, figures in regions.values():
            for year in years:
                rows.append({"ID": number, **{key: value for (key, _, _), value in zip(dimensions, combination)},
                             "RegioS": title, "Perioden": _period(year), _TOPIC: f"{figures[year][index]:>10}"})
                number += 1
    return rows


def write_statline_cache(target_dir: Path, seed: int = DEMO_SEED) -> list[Path]:
    """Write the demo StatLine cache into ``target_dir`` (normally ``<data>/raw/demo/cbs``); byte-stable.

    Returns the files written: per table of :data:`DEMO_TABLES` its parquet and json sidecar.
    """
    written = []
    for table, (meta, rows) in statline_tables(seed).items():
        write_cache(target_dir, table, meta, rows, downloaded=DEMO_DOWNLOADED, title=_title(table), synthetic=True)
        written += list(cache_paths(target_dir, table))
    return written
