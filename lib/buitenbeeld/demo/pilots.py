"""Synthetic demo data for the pilot evaluation: jongerenscouts and journeys in three gemeenten.

SMN and IOT ran pilots with jongerenscouts in Den Haag, Venlo and Leeuwarden
in 2017-2018. Everything here is invented from a seed: scouts, young people,
dates and steps. Scouts work from organisations of the demo sociale kaart of
the same gemeente (:func:`buitenbeeld.demo.interviews.demo_contents`), so the pilot and the
kaart can be joined on ``organisatie_id``. Journeys include drop-outs,
relapses and re-engagement, warm handover or not, and the spelling variety of
real input (capitals in ``stap``, dates as text, colloquial gemeente names);
every row is valid, so nothing is rejected. Ids are pseudonymous codes, and
``opmerking`` holds only harmless invented text, so the privacy gate passes.

Each workbook carries the same synthetic marker as the other demo data (the
``subject`` property, :data:`buitenbeeld.common.vocabulary.SYNTHETIC_SUBJECT`) and is
written byte-stable by the demo writer.
"""
from __future__ import annotations

import calendar
import datetime as dt
import random
from pathlib import Path

from buitenbeeld.common import values
from buitenbeeld.demo.interviews import DEMO_SEED, PILOT_GEMEENTEN, demo_contents, trim_row, write_workbooks
from buitenbeeld.ingest.interviews import organisation_id

__all__ = ["PILOT_DEMO", "PILOT_PERIOD", "pilot_contents", "write_pilot_demo"]

#: code, file slug, ways of writing the gemeente, number of scouts, number of young people.
PILOT_DEMO = (
    ("GM0518", "den_haag", ("Den Haag", "den haag", "'s-Gravenhage", "GM0518"), (9, 12), (150, 200)),
    ("GM0983", "venlo", ("Venlo", "venlo"), (6, 8), (60, 90)),
    ("GM0080", "leeuwarden", ("Leeuwarden", "GM0080"), (6, 9), (80, 120)),
)
#: First and last day of the pilots.
PILOT_PERIOD = (dt.date(2017, 3, 1), dt.date(2018, 12, 31))

_CONTACT_HEADER = ["jongere_id", "scout_id", "organisatie_id", "gemeente", "datum", "stap", "plaatsing_soort",
                   "warme_overdracht", "leefgebieden", "leeftijd", "opmerking"]
_SCOUT_HEADER = ["scout_id", "gemeente", "organisatie_id", "startdatum", "einddatum", "woont_in_gemeente",
                 "bekend_in_wijk", "groot_netwerk", "voorbeeldrol", "kent_ambtelijke_wereld", "training_afgerond",
                 "vergoeding", "certificaat", "faciliteiten"]
_BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_MONTHS = "januari februari maart april mei juni juli augustus september oktober november december".split()
_STAP_SPELLINGS = {"bereikt": ("Bereikt", "bereikt "), "geactiveerd": ("Geactiveerd", " geactiveerd"),
                   "geplaatst": ("GEPLAATST", "Geplaatst"), "behouden": ("Behouden",),
                   "teruggevallen": ("Teruggevallen",), "gestopt": ("Gestopt",)}
# Domains young people are most often activated on (ZRM numbers), weighted.
_DOMAINS = (2, 2, 2, 1, 1, 3, 3, 4, 6, 11, 11, 12, 5, 8, 13)
_OPMERKINGEN = ("gesprek in het buurthuis", "kwam via de sportclub", "wil eerst rondkijken",
                "afspraak een keer verzet", "volgt ook een taalcursus", "samen naar het jongerenloket",
                "loopt mee met een vriend", "wil graag iets met techniek", "motivatie wisselend",
                "scout houdt contact via de app")


def _informal_organisations(kaart: dict, code: str, slug: str) -> list[str]:
    """Ids of the informal organisations in the demo sociale kaart of the gemeente (valid rows only).

    A kaart without an id column gets the ids the ingest gives (gemeentecode and a slug of the name).
    """
    rows = kaart[f"interviews/sociale_kaart_{slug}.xlsx"]["organisaties"]
    header = [values.normalise_header(h) for h in rows[0]]
    ids = []
    for row in rows[1:]:
        cells = dict(zip(header, row))
        try:
            kind = values.parse_type(cells.get("type_organisatie", cells.get("type")))
        except ValueError:
            continue  # the demo's deliberately unusable rows
        if kind != "formeel" and cells.get("naam"):
            ids.append(cells.get("organisatie_id") or organisation_id(code, cells['naam']))
    return ids


def _code(rng: random.Random, prefix: str) -> str:
    return prefix + "".join(rng.choice(_BASE32) for _ in range(10))


def _date_cell(rng: random.Random, day: dt.date):
    """Mostly a date cell; sometimes typed as Dutch text."""
    roll = rng.random()
    if roll < .1:
        return f"{day.day}-{day.month}-{day.year}"
    if roll < .15:
        return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"
    return day


def _scouts(rng: random.Random, code: str, spellings: tuple, count: int, organisations: list[str],
            first_number: int) -> list[dict]:
    scouts = []
    for number in range(count):
        start = PILOT_PERIOD[0] + dt.timedelta(days=rng.randint(0, 120))
        stopped = rng.random() < .3
        yes_no = lambda p: "ja" if rng.random() < p else "nee"  # noqa: E731
        scouts.append({
            "scout_id": f"S-{first_number + number:03d}", "gemeente": rng.choice(spellings),
            "organisatie_id": rng.choice(organisations) if organisations and rng.random() < .85 else None,
            "startdatum": start,
            "einddatum": start + dt.timedelta(days=rng.randint(240, 560)) if stopped else None,
            "woont_in_gemeente": yes_no(.9), "bekend_in_wijk": yes_no(.8), "groot_netwerk": yes_no(.7),
            "voorbeeldrol": yes_no(.75), "kent_ambtelijke_wereld": yes_no(.45),
            "training_afgerond": start + dt.timedelta(days=rng.randint(10, 60)) if rng.random() < .8 else None,
            "vergoeding": yes_no(.6), "certificaat": yes_no(.5), "faciliteiten": yes_no(.4),
        })
    return scouts


def _journey(rng: random.Random, scout: dict, spellings: tuple) -> list[dict]:
    """The rows of one young person's journey (clean values), all within the pilot period."""
    end = PILOT_PERIOD[1]
    person = _code(rng, "J-")
    age = rng.randint(15, 25)
    first = max(scout["startdatum"], PILOT_PERIOD[0]) + dt.timedelta(days=rng.randint(0, 480))
    gemeente = rng.choice(spellings)
    organisation = scout["organisatie_id"] if rng.random() < .8 else None
    rows: list[dict] = []

    def add(stap: str, day: dt.date, **extra) -> bool:
        if day > end:
            return False
        rows.append({"jongere_id": person, "scout_id": scout["scout_id"], "organisatie_id": organisation,
                     "gemeente": gemeente, "datum": day, "stap": stap,
                     "leeftijd": age + (day - first).days // 365, **extra})
        return True

    def days(low: int, high: int) -> dt.timedelta:
        return dt.timedelta(days=rng.randint(low, high))

    def activate(day: dt.date, warm: bool) -> bool:
        domains = sorted(set(rng.sample(_DOMAINS, rng.randint(1, 3))))
        style = rng.random()
        written = ";".join(str(d) for d in domains) if style < .4 else "; ".join(values.LEEFGEBIEDEN[d - 1] for d in domains)
        return add("geactiveerd", day, warme_overdracht=("ja" if warm else "nee") if rng.random() < .92 else None,
                   leefgebieden=written)

    add("bereikt", first)
    if rng.random() >= .72:
        if rng.random() < .3:
            add("gestopt", first + days(30, 120))
        return rows
    day = first + days(7, 60)
    warm = rng.random() < .55
    if not activate(day, warm):
        return rows
    if rng.random() >= (.62 if warm else .38):
        if rng.random() < .4:
            add("gestopt", day + days(30, 150))
        return rows
    placed = day + days(14, 150)
    if not add("geplaatst", placed, plaatsing_soort=rng.choice(("opleiding", "werk", "werk", "stage"))):
        return rows
    previous = placed
    for months in (3, 6, 12):
        follow_up = _add_months(placed, months) + days(0, 10)
        if follow_up > end:
            break
        if rng.random() < .15:
            relapse = previous + days(10, max(11, (follow_up - previous).days))
            add("teruggevallen", relapse)
            if rng.random() < .55 and activate(relapse + days(20, 90), warm):
                back = rows[-1]["datum"]
                if rng.random() < .5:
                    add("geplaatst", back + days(30, 120), plaatsing_soort=rng.choice(("opleiding", "werk", "stage")))
            break
        add("behouden", follow_up)
        previous = follow_up
    return rows


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _messy(rng: random.Random, row: dict) -> list:
    """A clean row as a person would have typed it."""
    out = dict(row)
    if rng.random() < .2:
        out["stap"] = rng.choice(_STAP_SPELLINGS[row["stap"]])
    out["datum"] = _date_cell(rng, row["datum"])
    out["opmerking"] = rng.choice(_OPMERKINGEN) if rng.random() < .2 else None
    return [out.get(column) for column in _CONTACT_HEADER]


def _toelichting(naam: str, seed: int) -> list[list]:
    return [[line] for line in (
        f"Pilot jongerenscouts {naam} (2017-2018): scouts en de stappen van de jongeren met wie zij werkten",
        "LET OP: dit zijn SYNTHETISCHE demonstratiegegevens, verzonnen om de werkbank buitenbeeld te laten zien.",
        "De scouts, jongeren, codes en data bestaan niet; alleen de gemeente en de opzet van de pilot zijn echt.",
        "Tabblad scouts: één regel per jongerenscout. Tabblad contacten: één regel per stap van een jongere.",
        f"Gemaakt met 'buitenbeeld demo' (seed {seed}); niet met de hand bewerken.",
    )]


def pilot_contents(seed: int = DEMO_SEED) -> dict[str, dict[str, list[list]]]:
    """Return the content of every demo pilot workbook, without writing anything.

    Returns
    -------
    dict
        Relative posix path inside the demo folder (``pilots/pilot_<gemeente>.xlsx``)
        -> sheet name (``toelichting``, ``scouts``, ``contacten``) -> rows,
        header included, trailing empty cells left out. The same seed always
        gives the same content.
    """
    contents = {}
    kaart = demo_contents(seed)
    for index, (code, slug, spellings, scout_range, youth_range) in enumerate(PILOT_DEMO):
        rng = random.Random(f"{seed}-pilot-{slug}")
        organisations = _informal_organisations(kaart, code, slug)
        scouts = _scouts(rng, code, spellings, rng.randint(*scout_range), organisations, 100 * (index + 1) + 1)
        rows = []
        for _ in range(rng.randint(*youth_range)):
            rows += _journey(rng, rng.choice(scouts), spellings)
        # a pilot log is kept in date order, not per young person
        rows.sort(key=lambda r: (r["datum"], r["jongere_id"]))
        contents[f"pilots/pilot_{slug}.xlsx"] = {
            "toelichting": _toelichting(PILOT_GEMEENTEN[code], seed),
            "scouts": [_SCOUT_HEADER] + [trim_row([s[c] for c in _SCOUT_HEADER]) for s in scouts],
            "contacten": [_CONTACT_HEADER] + [trim_row(_messy(rng, r)) for r in rows],
        }
    return contents


def write_pilot_demo(target_dir: Path, seed: int = DEMO_SEED) -> list[Path]:
    """Write the demo pilot workbooks into ``target_dir`` (the demo folder, normally ``<data>/raw/demo``).

    Returns the files written (``target_dir/pilots/pilot_<gemeente>.xlsx``);
    writing twice with the same seed gives byte-identical files.
    """
    return write_workbooks(target_dir, pilot_contents(seed))
