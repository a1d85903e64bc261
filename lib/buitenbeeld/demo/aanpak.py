"""Synthetic demo data: the aanpak workbook (the five steps) of pilot gemeente Leeuwarden.

In the format of :mod:`buitenbeeld.ingest.aanpak_template`, filled in as a gemeente
would: a form per step with an answer in column B, and tables for the roles per wijk,
the jongerenscouts and jongerenwerkers, and the five kaders. Everything is invented:
the sheet ``toelichting`` says so and :func:`~buitenbeeld.demo.interviews.write_workbooks`
marks the workbook synthetic. On purpose it asks for a role in a wijk where the demo
interviews of Leeuwarden found no organisation, and one review date has passed, so the
report has something to show; one row of step 3 has a role the workbench does not know,
so the reject path has something to show too.
"""
from __future__ import annotations

import datetime as dt
import random

from buitenbeeld.common import values
from buitenbeeld.demo.interviews import DEMO_SEED, demo_contents, trim_row
from buitenbeeld.demo.wijken import DEMO_WIJKEN
from buitenbeeld.ingest.aanpak_template import FORMS, KADERS, TABLES, TITLE

__all__ = ["AANPAK_PATH", "PASSED_REVIEW", "aanpak_contents", "uncovered_wijken"]

#: Where the workbook goes inside the demo folder.
AANPAK_PATH = "aanpak/aanpak_leeuwarden.xlsx"
_CODE, _NAAM, _INTERVIEWS = "GM0080", "Leeuwarden", "interviews/sociale_kaart_leeuwarden.xlsx"
#: The review date that has passed (before any report the demo makes).
PASSED_REVIEW = dt.date(2025, 3, 1)


def uncovered_wijken(seed: int = DEMO_SEED) -> list[str]:
    """The Leeuwarden wijken that no demo interview names (in the order of :data:`DEMO_WIJKEN`)."""
    rows = demo_contents(seed)[_INTERVIEWS]["organisaties"]
    column = rows[0].index("wijk")
    named = {w.casefold() for row in rows[1:] if len(row) > column
             for w in values.parse_wijken(row[column] if isinstance(row[column], str) else None)}
    return [w for w in DEMO_WIJKEN[_CODE] if w.casefold() not in named]


def _form(step: str, answers: dict[str, object]) -> list[list]:
    return [["Vraag", "Antwoord", "Uitleg"]] + [[c.label, answers.get(c.name)] for c in FORMS[step]]


def aanpak_contents(seed: int = DEMO_SEED) -> dict[str, dict[str, list[list]]]:
    """The content of the Leeuwarden aanpak workbook: relative path -> sheet -> rows (as :func:`demo_contents`).

    Step 3 asks for a role in a wijk the demo interviews do not name (:func:`uncovered_wijken`;
    when they name every wijk, a minimum no wijk reaches), and the review of one kader
    was due on :data:`PASSED_REVIEW`.
    """
    rng = random.Random(f"{seed}-aanpak")
    empty = uncovered_wijken(seed)
    wanted_elsewhere = (empty[0], "bereiken", 1) if empty else (DEMO_WIJKEN[_CODE][-1], "bereiken", 99)
    toelichting = [[TITLE], ["LET OP: dit zijn SYNTHETISCHE demonstratiegegevens, verzonnen om de werkbank buitenbeeld "
                             "te laten zien. De keuzes, bedragen en datums zijn niet die van de gemeente."],
                   [], ["Gemeente", _NAAM], [], [f"Gemaakt met 'buitenbeeld demo' (seed {seed}); niet met de hand bewerken."]]
    stap1 = _form("stap1", {
        "missie": "Elke jongere in Leeuwarden doet mee: op school, op het werk of op een andere manier die bij hem of "
                  "haar past.",
        "visie": "Samen met informele organisaties in de wijken: zij zien jongeren die de gemeente niet ziet.",
        "standpunt_gemeenteraad": "Ingestemd", "datum_raadsbesluit": "8 november 2023"})
    stap1 += [[], ["Budget per jaar"], [c.label for c in TABLES["stap1"]],
              [2024, rng.randrange(150, 200) * 1000], [2025, "€ 210.000"]]
    stap2 = _form("stap2", {
        "leeftijd_van": 16, "leeftijd_tot": "23 jaar",
        "omschrijving": "Jongeren zonder startkwalificatie die niet naar school gaan en niet werken.",
        "zorgwekkend": "Jongeren die zich terugtrekken, schulden hebben of met politie in aanraking komen. Niet: "
                       "jongeren met een tussenjaar of die voor familie zorgen en dat zelf kiezen.",
        "beoogd_aantal": f"ca. {rng.randrange(20, 30) * 10}", "gegevensbronnen": "CBS; leerplicht en RMC; DUO",
        "focus_wijken": "Heechterp-Schieringen; Vrijheidswijk; " + wanted_elsewhere[0]})
    stap3 = [[c.label for c in TABLES["stap3"]],
             ["Binnenstad", "plaatsen", 2], ["Vrijheidswijk", "activeren", 2], ["Heechterp-Schieringen", "Behouden", 1],
             list(wanted_elsewhere), ["Bilgaard", "bereiken; plaatsen", 1], ["Westeinde", "begeleiden", 1]]
    stap4 = [[c.label for c in TABLES["stap4"]],
             ["jongerenscout", 4, "Heechterp-Schieringen", dt.date(2024, 3, 1)],
             ["Jongerenscouts", 2, "Vrijheidswijk", "1-9-2024"], ["jongerenwerker", 3, None, "2024-01-15"],
             ["partnerorganisatie", 5]]
    answers = ("ja", "deels", "ja", "ja", "nee")
    reviews = (dt.date(2027, 1, 15), dt.date(2026, 12, 1), PASSED_REVIEW, "1 juni 2027", None)
    contact = (None, None, None, "coördinator jongerenwerk (gemeente)", None)
    notes = ("Jaarlijks verslag aan de raad.", "Organisaties krijgen een vergoeding per traject.", None,
             "Eén aanspreekpunt per wijk.", None)
    stap5 = [[c.label for c in TABLES["stap5"]]] + [
        [kader, answer, note, person, review]
        for kader, answer, note, person, review in zip(KADERS, answers, notes, contact, reviews)]
    sheets = {"toelichting": toelichting, "stap1": stap1, "stap2": stap2, "stap3": stap3, "stap4": stap4, "stap5": stap5}
    return {AANPAK_PATH: {name: [trim_row(row) for row in rows] for name, rows in sheets.items()}}
