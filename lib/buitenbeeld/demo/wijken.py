"""Synthetic demo data: a CBS "Kerncijfers wijken en buurten 2024" table for the demo wijken.

One workbook in the shape of CBS's yearly ``kwb-2024.xlsx`` (see
:mod:`buitenbeeld.ingest.cbs_wijken`): a Land row, per pilot gemeente a
Gemeente row, then each Wijk with one or two Buurt rows below it, in the
short CBS column names, with ``.`` where CBS would not give a figure. The
wijken are exactly those the demo interviews name
(:mod:`buitenbeeld.demo.interviews`), with codes of the form ``WK<gemeente
number><two digits>``. All figures are invented from a seed: a note row below
the table and the sheet ``toelichting`` say so, and the workbook carries the
synthetic marker when :func:`~buitenbeeld.demo.interviews.write_workbooks`
writes it.
"""
from __future__ import annotations

import random

from buitenbeeld.demo.interviews import DEMO_SEED, PILOT_GEMEENTEN

__all__ = ["DEMO_WIJKEN", "WIJK_TABLE_PATH", "HEADER", "wijk_table_contents"]

#: Where the table goes inside the demo folder.
WIJK_TABLE_PATH = "cbs/kerncijfers_wijken_buurten_2024.xlsx"
#: The wijken of the demo interviews per gemeente code, in the order of the interview spec.
DEMO_WIJKEN = {
    "GM0034": ("Almere Haven", "Almere Buiten", "Almere Poort", "Stedenwijk", "Kruidenwijk", "Waterwijk",
               "Muziekwijk", "Regenboogbuurt"),
    "GM0363": ("Bijlmer", "Gaasperdam", "Nieuw-West", "Slotervaart", "Osdorp", "Noord", "Indische Buurt",
               "Bos en Lommer", "De Pijp"),
    "GM0796": ("Kruiskamp", "Boschveld", "Graafsewijk", "De Muntel", "Maaspoort", "West", "Rosmalen", "Empel",
               "Hintham"),
    "GM0518": ("Schilderswijk", "Transvaal", "Laak", "Escamp", "Moerwijk", "Mariahoeve", "Scheveningen", "Bouwlust",
               "Centrum"),
    "GM1942": ("Bussum-Centrum", "Bussum-Noord", "Bussum-Zuid", "Naarden-Vesting", "Naarden", "Muiden",
               "Muiderberg"),
    "GM0983": ("Centrum", "Venlo-Noord", "Venlo-Oost", "Venlo-Zuid", "Blerick", "Tegelen", "Belfeld", "Arcen"),
    "GM0080": ("Binnenstad", "Heechterp-Schieringen", "Vrijheidswijk", "Bilgaard", "Camminghaburen", "Oud-Oost",
               "Huizum", "Westeinde", "Zuiderburen"),
}
#: The first columns of CBS's kwb workbook, in CBS's order.
HEADER = ["gwb_code_10", "gwb_code_8", "regio", "gm_naam", "recs", "gwb_code", "ind_wbi", "a_inw", "a_man",
          "a_vrouw", "a_00_14", "a_15_24", "a_25_44", "a_45_64", "a_65_oo"]
_SHARES = ((.14, .20), (.10, .17), (.24, .32), (.22, .28))  # 0-14, 15-24, 25-44, 45-64; 65+ is the rest
_NOTE = ("Bron: synthetische demodata (buitenbeeld), naar het model van CBS Kerncijfers wijken en buurten 2024. "
         "Alle cijfers zijn verzonnen; alleen de namen van gemeenten en wijken bestaan echt.")


def _round5(value: float) -> int:
    """CBS rounds the counts of wijken and buurten to multiples of 5."""
    return int(round(value / 5) * 5)


def _figures(rng: random.Random, inwoners: int) -> list[int]:
    """a_inw, a_man, a_vrouw and the five age groups of one area, adding up as CBS's do."""
    man = _round5(inwoners * rng.uniform(.47, .52))
    ages = [_round5(inwoners * rng.uniform(*share)) for share in _SHARES]
    return [inwoners, man, inwoners - man, *ages, inwoners - sum(ages)]


def _row(code: str, naam: str, gemeente: str, recs: str, figures: list) -> list:
    digits = "0000" if code == "NL00" else code[2:]
    return [code, digits, naam, gemeente, recs, code, "." if recs == "Land" else 1, *figures]


def _sheet_toelichting(seed: int) -> list[list]:
    return [[line] for line in (
        "Kerncijfers wijken en buurten 2024 (naar het model van CBS)",
        "LET OP: dit zijn SYNTHETISCHE demodata, verzonnen om de werkbank buitenbeeld te laten zien.",
        "De aantallen inwoners en jongeren zijn niet echt. De wijkcodes lijken op die van CBS, maar zijn verzonnen.",
        "Een punt (.) betekent: CBS geeft dit getal niet (onbekend of geheim).",
        f"Gemaakt met 'buitenbeeld demo' (seed {seed}); niet met de hand bewerken.",
    )]


def wijk_table_contents(seed: int = DEMO_SEED) -> dict[str, dict[str, list[list]]]:
    """The synthetic wijk table, in the form of :func:`~buitenbeeld.demo.interviews.demo_contents`.

    Parameters
    ----------
    seed : int
        Seed of the random generator; the same seed always gives the same content.

    Returns
    -------
    dict
        ``{WIJK_TABLE_PATH: {"kwb-2024": rows, "toelichting": rows}}``: the table
        (header, Land row, per gemeente its Gemeente, Wijk and Buurt rows, one
        empty row and the note that the figures are synthetic) and an explanation.
    """
    rng = random.Random(f"wijken-{seed}")
    body: list[list] = []
    totals = [0] * 8
    for code, naam in PILOT_GEMEENTEN.items():
        wijk_rows: list[list] = []
        gemeente_totals = [0] * 8
        for number, wijk in enumerate(DEMO_WIJKEN[code], start=1):
            wijkcode = f"WK{code[2:]}{number:02d}"
            figures = _figures(rng, _round5(rng.uniform(2500, 28000)))
            wijk_rows.append(_row(wijkcode, wijk, naam, "Wijk", figures))
            parts = 1 if figures[0] < 6000 else 2
            first = _round5(figures[0] * rng.uniform(.35, .65)) if parts == 2 else figures[0]
            for part, inwoners in enumerate((first, figures[0] - first)[:parts], start=1):
                buurt = _figures(rng, inwoners)
                wijk_rows.append(_row(f"BU{code[2:]}{number:02d}{part:02d}", f"{wijk} {part}", naam, "Buurt", buurt))
            gemeente_totals = [a + b for a, b in zip(gemeente_totals, figures)]
        body.append(_row(code, naam, naam, "Gemeente", gemeente_totals))
        body.extend(wijk_rows)
        totals = [a + b for a, b in zip(totals, gemeente_totals)]
    secret = next(row for row in body if row[4] == "Buurt")
    secret[HEADER.index("a_15_24")] = "."  # as CBS writes a figure it does not give
    rows = [HEADER, _row("NL00", "Nederland", "Nederland", "Land", totals), *body, [], [_NOTE]]
    return {WIJK_TABLE_PATH: {"kwb-2024": rows, "toelichting": _sheet_toelichting(seed)}}
