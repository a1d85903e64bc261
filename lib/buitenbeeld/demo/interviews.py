"""Synthetic demo data: interview workbooks for the pilot gemeenten and a CBS-style table.

Everything here is invented from a seed, so the workbench can be shown and tested
without real (personal) data. The interview workbooks follow the sociale kaart format
and contain the messiness real interviewers leave (estimates such as ``ca. 40``,
colloquial gemeente names, variant headers and a few unusable rows); the CBS-style
table (:mod:`buitenbeeld.demo.cbs`) has made-up figures per gemeente whose sum is
exactly the real national total of CBS maatwerk 2015/49. Every workbook carries
:data:`SYNTHETIC_MARKER` as its ``subject`` property, which other code uses to
recognise demo data; :func:`write_workbooks` writes them byte-stable.
"""
from __future__ import annotations

import datetime as dt
import io
import random
import re
from pathlib import Path
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.writer.excel import ExcelWriter

from buitenbeeld.common.values import parse_roles, parse_type
from buitenbeeld.common.vocabulary import SYNTHETIC_SUBJECT
from buitenbeeld.demo.cbs import cbs_rows

__all__ = ["DEMO_SEED", "PILOT_GEMEENTEN", "SYNTHETIC_MARKER", "SECOND_ROUND", "demo_contents", "write_workbooks",
           "read_workbook_values", "trim_row"]

DEMO_SEED = 20131001
#: The seven pilot gemeenten: CBS code -> CBS name.
PILOT_GEMEENTEN = {
    "GM0034": "Almere", "GM0363": "Amsterdam", "GM0796": "'s-Hertogenbosch",
    "GM0518": "'s-Gravenhage", "GM1942": "Gooise Meren", "GM0983": "Venlo", "GM0080": "Leeuwarden",
}
SYNTHETIC_MARKER = SYNTHETIC_SUBJECT  # one marker: readers.is_synthetic looks for it

_CREATOR = "buitenbeeld demo generator"
_FIXED_TIME = dt.datetime(2024, 10, 1, 12, 0, 0)  # keeps properties and zip entries stable
_COUNT_FORMAT, _DATE_FORMAT = "#,##0", "d-m-yyyy"

_COLUMNS = (
    "organisatie_id naam gemeente wijk postcode type datum_interview interviewer contactpersoon "
    "telefoon email jongeren_bereik jongeren_buiten_beeld jongeren_zorgwekkend vertrouwensband "
    "leefgebieden gesprekken_per_maand doorverwijzingen_12m plaatsingen_opleiding_12m "
    "plaatsingen_werk_12m plaatsingen_stage_12m contact_na_plaatsing terugval_opgevangen_12m "
    "rollen_nu rollen_bereid rollen_gemeente inschatting_gemeente_buiten_beeld samenwerking_gemeente behoeften "
    "risicos toestemming_publicatie opmerkingen"
).split()
_TYPES = ("commercieel", "sociale onderneming", "interesse/hobby", "leefgebieden", "cultuur/religie", "formeel")
_ZRM = (
    "financiën", "werk & opleiding", "tijdsbesteding", "huisvesting", "huiselijke relaties",
    "geestelijke gezondheid", "lichamelijke gezondheid", "verslaving", "basale ADL", "instrumentele ADL",
    "sociaal netwerk", "maatschappelijke participatie", "justitie",
)
_ROLLEN = ("bereiken", "activeren", "plaatsen", "behouden")
_MONTHS = "januari februari maart april mei juni juli augustus september oktober november december".split()
_DATE_STYLES = {"excel": lambda d: d, "iso": dt.date.isoformat, "dmy": lambda d: f"{d.day}-{d.month}-{d.year}",
                "long": lambda d: f"{d.day} {_MONTHS[d.month - 1]} {d.year}"}

# How interviewers wrote each type; rows cycle through them so every spelling occurs.
_TYPE_SPELLINGS = {
    "commercieel": ("commercieel", "Commerciële organisatie"),
    "sociale onderneming": ("sociale onderneming", "Sociaal ondernemer"),
    "interesse/hobby": ("interesse/hobby", "hobby", "Interesse / hobby"),
    "leefgebieden": ("leefgebieden",),
    "cultuur/religie": ("cultuur/religie", "religieus"),
    "formeel": ("formeel", "Formeel"),
}
# Invented organisation names; {stad} and {wijk} are filled in per gemeente.
_NAMES = {
    "commercieel": "Poolcentrum De Keu|Kapsalon Fade|Shishalounge Layali|Snackbar De Hoek|Barbershop Scherp|"
    "Cafetaria 't Pleintje|Grillroom Anatolia|Belwinkel Connect|Gameshop Level Up|Lunchroom Bij Fatima|"
    "Sportschool IJzersterk|Kapper Mo's Cuts",
    "sociale onderneming": "Stichting Buurtkracht|Leerwerkbedrijf De Werkplaats|Kookstudio Samen aan Tafel|"
    "Fietsenwerkplaats Tweede Kans|Stichting Jong & Sterk|Coöperatie Wijkwerk|Stichting Nieuwe Wegen|"
    "Koffiebar Het Plein|Stichting Talent op Straat|Upcyclewerkplaats Rebound|Stichting Mentorkracht",
    "interesse/hobby": "Boksschool De Vuist|Kickboksclub Fighting Spirit|Dansstudio Urban Moves|"
    "Muziekstudio De Kelder|DJ-school Mixtape|Voetbalkooi Team Pleinrecht|Streetdance Crew Flow|"
    "Basketbalclub Streetball|Rapworkshop De Pen|Gamevereniging Respawn|Parkourcollectief Sprong",
    "leefgebieden": "Stichting Geld op Orde|Inloophuis De Haven|Buddyproject Samen Sterk|Huiskamer De Overstap|"
    "Stichting Dak Erboven|Thuisadministratie De Rekenhulp|Zelfhulpgroep Nuchter|Stichting Budgetmaatjes|"
    "Steunpunt Schone Lei|Woonproject De Opstap",
    "cultuur/religie": "Moskee Al-Ansar|Moskee Ar-Rahma|Turks Cultureel Centrum Yildiz|Surinaamse Vereniging Krakti|"
    "Antilliaanse Stichting Dushi Kultura|Eritrese Gemeenschap Selam|Kerkgemeente De Rots|"
    "Pinkstergemeente Nieuw Leven|Marokkaanse Vrouwenvereniging Amal|Somalische Stichting Hiddo|"
    "Hindoestaanse Vereniging Shanti|Kaapverdiaanse Vereniging Morabeza",
    "formeel": "Werkplein {stad}|Jongerenloket {stad}|Leerplicht en RMC {stad}|Wijkteam {wijk}|"
    "Welzijnsstichting De Schakel|Re-integratiebureau Opstap|Jongerenwerk {wijk}|"
    "Maatschappelijk werk Kompas|Schuldhulpverlening gemeente {stad}|Wijkteam Jeugd {wijk}",
}
# Per type: bereik range, share buiten beeld, share zorgwekkend, number of leefgebieden,
# gesprekken, doorverwijzingen, plaatsingen opleiding/werk/stage, terugval, contact,
# rollen nu, vertrouwensband range, samenwerking range, core ZRM domains (1-based).
_PROFILES = {
    "commercieel": ((60, 250), (.30, .50), (.08, .20), (0, 1), (0, 4), (0, 2), (0, 1), (0, 1), (0, 0),
                    (0, 0), ("nee", "nee", None), ("bereiken",), (3, 5), (1, 2), (3, 11)),
    "sociale onderneming": ((30, 90), (.35, .55), (.35, .55), (4, 8), (15, 40), (10, 30), (3, 10), (3, 12),
                            (2, 8), (2, 8), ("ja", "ja", "soms"), _ROLLEN, (4, 5), (2, 4), (2, 11, 3)),
    "interesse/hobby": ((25, 120), (.15, .35), (.20, .35), (1, 4), (4, 15), (2, 8), (0, 3), (0, 3), (0, 2),
                        (0, 3), ("soms", "nee", "ja"), ("bereiken", "activeren"), (3, 5), (1, 4), (3, 11)),
    "leefgebieden": ((15, 60), (.30, .60), (.40, .60), (3, 7), (10, 30), (8, 25), (1, 4), (1, 5), (0, 3),
                     (1, 6), ("ja", "soms"), ("bereiken", "activeren", "plaatsen"), (3, 5), (2, 4), (1, 4, 8)),
    "cultuur/religie": ((40, 250), (.10, .25), (.15, .30), (1, 4), (2, 12), (1, 6), (0, 3), (0, 3), (0, 1),
                        (0, 3), ("soms", "nee"), ("bereiken",), (3, 5), (1, 3), (11, 12, 5)),
    "formeel": ((150, 900), (.02, .06), (.15, .30), (3, 6), (30, 120), (20, 80), (15, 60), (20, 90), (10, 40),
                (0, 5), ("nee", "soms"), ("activeren", "plaatsen"), (1, 3), (4, 5), (2, 1)),
}
_BEHOEFTEN = ("een vast aanspreekpunt bij de gemeente", "ruimte voor activiteiten", "training in doorverwijzen",
              "kleine bijdrage voor materiaal", "meer vrijwilligers", "erkenning voor wat we al doen",
              "kennis over schulden en regelingen", "korte lijnen met het jongerenwerk", "hulp bij subsidieaanvragen",
              "stageplekken voor onze jongeren")
_RISICOS = ("klanten haken af als de gemeente zichtbaar is", "vertrouwen van jongeren verliezen",
            "te veel verzoeken aan onze vrijwilligers", "gemeente komt afspraken niet na",
            "wachtlijsten bij de hulpverlening", "privacy van jongeren", "afhankelijk worden van subsidie", "geen")
_OPMERKINGEN = ("eigenaar kent veel jongeren bij naam", "jongerenwerker komt er wekelijks",
                "interview in twee delen gehouden", "cijfers zijn een schatting", "wil eerst zien wat de gemeente doet",
                "sterk netwerk onder nieuwkomers", "bereikt vooral jongens", "vooral meiden van 16 tot 20",
                "contact via een sleutelfiguur in de wijk", "wil graag terugkoppeling van de uitkomsten")
_FIRST = "Sanne Yusuf Fatima Kevin Latifa Priya Dennis Naima Ricardo Esra Jeroen Soraya Milan Ilse Hamza Demi".split()
_LAST = "Bakker|Öztürk|Pinas|El Idrissi|Meijer|Hoekstra|Ramdin|Visser|de Groot|Koç|Martina|Dijkstra".split("|")

# Per pilot file: code, slug, common name, id prefix, header style, date styles, leefgebied styles,
# messiness rate, gemeente values, interviewers, first interview date, wijken (name, postcode range).
_FILES = (
    ("GM0034", "almere", "Almere", "ALM", "exact", ("excel",), ("names",), .06,
     ("Almere", "almere"), ("A. de Vries",), dt.date(2024, 2, 5),
     "Almere Haven 1351-1357|Almere Buiten 1331-1335|Almere Poort 1359-1363|Stedenwijk 1324-1325|"
     "Kruidenwijk 1313-1314|Waterwijk 1317-1318|Muziekwijk 1312-1313|Regenboogbuurt 1335-1335"),
    ("GM0363", "amsterdam", "Amsterdam", "AMS", "title", ("excel", "iso"), ("numbers",), .15,
     ("Amsterdam", "Amsterdam "), ("B. Yilmaz", "C. Jansen"), dt.date(2024, 3, 4),
     "Bijlmer 1102-1106|Gaasperdam 1107-1108|Nieuw-West 1060-1069|Slotervaart 1064-1066|Osdorp 1068-1069|"
     "Noord 1020-1035|Indische Buurt 1094-1095|Bos en Lommer 1055-1056|De Pijp 1072-1074"),
    ("GM0796", "den_bosch", "Den Bosch", "DBS", "exact", ("excel", "dmy"), ("names", "mixed"), .12,
     ("Den Bosch", "den bosch", "'s-Hertogenbosch"), ("D. el Amrani",), dt.date(2024, 4, 8),
     "Kruiskamp 5223-5223|Boschveld 5212-5212|Graafsewijk 5213-5213|De Muntel 5212-5212|Maaspoort 5221-5222|"
     "West 5215-5216|Rosmalen 5241-5249|Empel 5235-5236|Hintham 5246-5247"),
    ("GM0518", "den_haag", "Den Haag", "DH", "sentence", ("dmy", "long"), ("names", "numbers"), .20,
     ("Den Haag", "den haag", "'s-Gravenhage", "GM0518"), ("E. Bakker", "F. Pinas"), dt.date(2024, 1, 15),
     "Schilderswijk 2525-2526|Transvaal 2571-2572|Laak 2521-2524|Escamp 2532-2545|Moerwijk 2532-2533|"
     "Mariahoeve 2591-2593|Scheveningen 2583-2587|Bouwlust 2541-2545|Centrum 2511-2515"),
    ("GM1942", "gooise_meren", "Gooise Meren", "GMR", "exact", ("excel",), ("numbers", "mixed"), .10,
     ("Gooise Meren",), ("G. Visser",), dt.date(2024, 5, 13),
     "Bussum-Centrum 1401-1402|Bussum-Noord 1403-1404|Bussum-Zuid 1405-1406|Naarden-Vesting 1411-1411|"
     "Naarden 1411-1412|Muiden 1398-1398|Muiderberg 1399-1399"),
    ("GM0983", "venlo", "Venlo", "VNL", "extra", ("long", "excel"), ("names",), .15,
     ("Venlo", "venlo"), ("H. de Boer", "I. Haddou"), dt.date(2024, 7, 1),
     "Centrum 5911-5911|Venlo-Noord 5914-5914|Venlo-Oost 5913-5913|Venlo-Zuid 5912-5912|Blerick 5921-5928|"
     "Tegelen 5931-5932|Belfeld 5951-5951|Arcen 5944-5944"),
    ("GM0080", "leeuwarden", "Leeuwarden", "LWD", "exact", ("iso", "excel"), ("mixed", "numbers"), .10,
     ("Leeuwarden", "GM0080"), ("J. Mulder",), dt.date(2024, 6, 3),
     "Binnenstad 8911-8911|Heechterp-Schieringen 8924-8924|Vrijheidswijk 8921-8923|Bilgaard 8926-8926|"
     "Camminghaburen 8925-8925|Oud-Oost 8917-8917|Huizum 8932-8934|Westeinde 8913-8913|Zuiderburen 8936-8937"),
)
# The "extra" header style leaves these optional columns out and adds an unknown one.
_LEFT_OUT = ("organisatie_id", "plaatsingen_stage_12m", "terugval_opgevangen_12m", "rollen_bereid", "rollen_gemeente")
_EXTRA_COLUMN = "notities intern"
# Capitalised headers use the template's Dutch label where the column name would not be recognised.
_LABELS = {"rollen_gemeente": "Rollen die de gemeente beoogt"}
# Deliberate clashes between what the gemeente has in mind and the role advice, per file:
# (type, roles the gemeente writes, roles the organisation says it does and wants instead).
_GEMEENTE_CONFLICTS = {
    "almere": (("commercieel", "bereiken; activeren", None),),
    "amsterdam": (("commercieel", "plaatsen", None),
                  ("sociale onderneming", "plaatsen", "bereiken; activeren; behouden")),
    "den_haag": (("commercieel", "activeren; plaatsen", None),),
    "den_bosch": (("sociale onderneming", "behouden", "bereiken; activeren"),),
    "leeuwarden": (("commercieel", "Activeren", None),),
}
# Numbers as an interviewer writes them: estimates for reach, unknowns for the rest.
_ESTIMATES = ("ca.", "range", "+/-", "plus", "onbekend", "?", None)
_UNKNOWNS = ("n.v.t.", "?", "onbekend", None)
_REACH = ("jongeren_bereik", "jongeren_buiten_beeld", "jongeren_zorgwekkend", "gesprekken_per_maand")
_COUNTS = _REACH + ("doorverwijzingen_12m", "plaatsingen_opleiding_12m", "plaatsingen_werk_12m",
                    "plaatsingen_stage_12m", "terugval_opgevangen_12m")


def _messy_number(value: int, kind: str | None):
    """``value`` written as an estimate (``ca.``, ``+/-``, ``plus``, ``range``), an unknown, or empty."""
    if kind is None:
        return None
    if kind in ("onbekend", "?", "n.v.t."):
        return kind
    if value < 10:  # nobody estimates single digits
        return value
    step = 10 if value >= 50 else 5
    if kind == "ca.":
        return f"ca. {round(value / step) * step}"
    if kind == "+/-":
        return f"+/- {round(value / step) * step}"
    if kind == "plus":
        return f"{value // step * step}+"
    low = max(step, round(value * .8 / step) * step)
    return f"{low}-{low + 2 * step}"


def _join(rng: random.Random, parts: list[str]) -> str:
    """A ``;``-separated list with the spacing and capitals of a hurried interviewer."""
    sep = rng.choice(("; ", ";", " ; "))
    return sep.join(p.capitalize() if rng.random() < .3 else p for p in parts)


def _organisation(rng: random.Random, kind: str, name: str, wijken: list, stad: str) -> dict:
    """One interview row (canonical column -> clean value) for an organisation of type ``kind``."""
    (bereik, bb, zorg, n_leef, gespr, doorv, opl, werk, stage, terug, contact, rollen, vertrouwen,
     samenwerking, core) = _PROFILES[kind]
    count = lambda lohi: rng.randint(*lohi)  # noqa: E731
    at = rng.randrange(len(wijken))
    home = wijken[at]
    row = {"naam": name.format(stad=stad, wijk=home[0]), "type": kind, "jongeren_bereik": count(bereik)}
    row["jongeren_buiten_beeld"] = max(1, round(row["jongeren_bereik"] * rng.uniform(*bb)))
    row["jongeren_zorgwekkend"] = round(row["jongeren_buiten_beeld"] * rng.uniform(*zorg))
    row["wijk"] = home[0] + (f"; {wijken[(at + 1) % len(wijken)][0]}" if rng.random() < .15 else "")
    if rng.random() < .9:
        letters = "".join(rng.choice("ABCEGHJKLMNPRTVWXZ") for _ in range(2))
        row["postcode"] = f"{rng.randint(home[1], home[2])}{rng.choice((' ', ' ', ' ', ''))}{letters}"
    k = count(n_leef)
    rest = [i for i in range(1, 14) if i not in core]
    row["leefgebieden"] = sorted(list(core[:k]) + rng.sample(rest, max(0, k - len(core))))
    for col, lohi in zip(_COUNTS[3:], (gespr, doorv, opl, werk, stage, terug)):
        row[col] = count(lohi)
    row["contact_na_plaatsing"] = rng.choice(contact)
    row["rollen_nu"] = _join(rng, list(rollen))
    bereid = list(rollen) + [r for r in _ROLLEN if r not in rollen and rng.random() < .4]
    row["rollen_bereid"] = None if kind == "commercieel" and rng.random() < .4 else _join(rng, bereid)
    row["vertrouwensband"] = count(vertrouwen) if rng.random() < .9 else None
    row["samenwerking_gemeente"] = count(samenwerking) if rng.random() < .85 else None
    # Gemeenten tend to overestimate what organisations reach.
    factor = rng.uniform(1.2, 2.6) if rng.random() < .85 else rng.uniform(.6, 1.0)
    row["inschatting_gemeente_buiten_beeld"] = round(row["jongeren_buiten_beeld"] * factor / 5) * 5 or 5
    if rng.random() < .2:
        row["inschatting_gemeente_buiten_beeld"] = None
    first, last = rng.choice(_FIRST), rng.choice(_LAST)
    row["contactpersoon"] = f"{first} {last} (fictief)" if rng.random() < .9 else None
    row["telefoon"] = f"06-0000 0{rng.randint(0, 999):03d}" if rng.random() < .8 else None
    mail = re.sub(r"[^a-z]", "", f"{first[0]}{last}".lower().replace("ö", "o").replace("ç", "c"))
    row["email"] = f"{mail}@voorbeeld.nl" if rng.random() < .75 else None
    row["toestemming_publicatie"] = rng.choice(("ja", "ja", "ja", "nee", "J", "x", None))
    for col, pool, p in (("behoeften", _BEHOEFTEN, .8), ("risicos", _RISICOS, .6), ("opmerkingen", _OPMERKINGEN, .5)):
        row[col] = rng.choice(pool) if rng.random() < p else None
    return row


def _messy_row(rng: random.Random, row: dict, spec: tuple, kind_counter: list) -> dict:
    """Write ``row`` the way this file's interviewer would; ``kind_counter`` cycles the messy kinds."""
    styles_leef, rate = spec[6], spec[7]
    out = dict(row)
    for col in _COUNTS:
        if rng.random() < rate:
            kinds = _ESTIMATES if col in _REACH else _UNKNOWNS
            kind_counter[0] += 1
            out[col] = _messy_number(row[col], kinds[kind_counter[0] % len(kinds)])
    codes = row["leefgebieden"]
    style = rng.choice(styles_leef)
    parts = [str(i) if style == "numbers" or (style == "mixed" and rng.random() < .5) else _ZRM[i - 1]
             for i in codes]
    out["leefgebieden"] = (";" if style == "numbers" else "; ").join(parts) or None
    return out


def _interview_rows(seed: int, index: int) -> list[list]:
    """Header and rows of the ``organisaties`` sheet of pilot file ``index``."""
    spec = _FILES[index]
    slug, stad, prefix, header_style, date_styles = spec[1:6]
    rng = random.Random(f"{seed}-{slug}")
    wijken = [(w.rsplit(" ", 1)[0], *map(int, w.rsplit(" ", 1)[1].split("-"))) for w in spec[11].split("|")]
    n = rng.randint(15, 21)
    kinds = list(_TYPES) * 2
    weights = {"commercieel": 3, "interesse/hobby": 3, "cultuur/religie": 2, "sociale onderneming": 2,
               "leefgebieden": 1, "formeel": 1}
    while len(kinds) < n:
        kinds.append(rng.choices(list(weights), list(weights.values()))[0])
    rng.shuffle(kinds)
    pools = {t: rng.sample(_NAMES[t].split("|"), len(_NAMES[t].split("|"))) for t in _TYPES}
    rows = [_organisation(rng, kind, pools[kind].pop(), wijken, stad) for kind in kinds]
    # Deliberately unusable rows, so the workbench's reject path has something to show.
    bad = {"almere": ("naam", None), "leeuwarden": ("type", "weet niet"), "gooise_meren": ("gemeente", "Gooise Merem")}
    extra = None
    if slug in bad:
        extra = _organisation(rng, "interesse/hobby", "Buurthuis De Brug", wijken, stad)
        extra[bad[slug][0]] = bad[slug][1]
        rows.insert(rng.randint(3, len(rows) - 2), extra)
    _add_rollen_gemeente(random.Random(f"{seed}-{slug}-gemeente"), [r for r in rows if r is not extra], slug)
    # Every way of writing the gemeente occurs at least once; the usual one fills the rest.
    gemeenten = list(spec[8]) + [spec[8][0]] * (len(rows) - len(spec[8]))
    rng.shuffle(gemeenten)
    seen = dict.fromkeys(_TYPES, 0)
    counter = [index]
    day = spec[10]
    for i, row in enumerate(rows):
        row["organisatie_id"] = f"{prefix}-{i + 1:03d}"
        row.setdefault("gemeente", gemeenten[i])
        kind = row["type"]
        if kind in _TYPE_SPELLINGS:  # cycling (offset per file) makes every spelling occur
            row["type"] = _TYPE_SPELLINGS[kind][(index + seen[kind]) % len(_TYPE_SPELLINGS[kind])]
            seen[kind] += 1
        day += dt.timedelta(days=rng.choice((0, 1, 1, 2, 3, 7)))
        row["datum_interview"] = _DATE_STYLES[rng.choice(date_styles)](day) if rng.random() < .9 else None
        row["interviewer"] = f"Interviewer {rng.choice(spec[9])} (fictief)"
        rows[i] = _messy_row(rng, row, spec, counter)
    if slug == "amsterdam":  # a Dutch thousands separator, as typed by hand
        next(r for r in rows if r["type"] in _TYPE_SPELLINGS["formeel"])["jongeren_bereik"] = "1.200"
    columns = [c for c in _COLUMNS if header_style != "extra" or c not in _LEFT_OUT]
    header = {"exact": columns, "extra": columns + [_EXTRA_COLUMN],
              "sentence": [_LABELS.get(c) or c.replace("_", " ").capitalize() for c in columns],
              "title": [_LABELS.get(c) or c.replace("_", " ").title() for c in columns]}[header_style]
    notes = ("nog nabellen", "zie mail", None, None, None)
    body = [[r.get(c) for c in columns] + ([rng.choice(notes)] if header_style == "extra" else []) for r in rows]
    return [header] + [trim_row(r) for r in body]


def _add_rollen_gemeente(rng: random.Random, rows: list[dict], slug: str) -> None:
    """Fill ``rollen_gemeente`` for about a third of ``rows`` (canonical types), in place.

    Mostly the gemeente has in mind roles the organisation already takes, which the
    type advice supports; :data:`_GEMEENTE_CONFLICTS` adds a few plans that clash
    with it. A separate random generator keeps every other cell as it was.
    """
    chosen = set()
    for kind, planned, own_roles in _GEMEENTE_CONFLICTS.get(slug, ()):
        row = rng.choice([r for r in rows if r["type"] == kind and id(r) not in chosen])
        chosen.add(id(row))
        row["rollen_gemeente"] = planned
        if own_roles:  # this organisation keeps to fewer roles than its type could take
            row["rollen_nu"] = row["rollen_bereid"] = own_roles
    for row in rows:
        if id(row) in chosen or rng.random() >= 1 / 3:
            continue
        current = [r.strip().lower() for r in row["rollen_nu"].split(";")]
        row["rollen_gemeente"] = _join(rng, sorted(rng.sample(current, min(len(current), rng.randint(1, 2))),
                                                   key=_ROLLEN.index))


def trim_row(row: list) -> list:
    """Drop trailing empty cells: openpyxl does not give them back."""
    row = list(row)
    while row and row[-1] is None:
        row.pop()
    return row


def _sheet_toelichting(seed: int, naam: str) -> list[list]:
    return [[line] for line in (
        f"Sociale kaart {naam}: interviews met informele en formele organisaties",
        "LET OP: dit zijn SYNTHETISCHE demonstratiegegevens, verzonnen om de werkbank buitenbeeld te laten zien.",
        "De organisaties, personen, telefoonnummers en e-mailadressen bestaan niet; elke gelijkenis met echte "
        "organisaties of personen berust op toeval. Alleen de wijken en postcodegebieden bestaan echt.",
        "Net als echte invoer bevat dit bestand schattingen (zoals 'ca. 40' of '30-50'), varianten van "
        "gemeentenamen en een enkele onbruikbare regel.",
        "Tabblad organisaties: één regel per geïnterviewde organisatie. Tabblad lijsten: de keuzelijsten.",
        f"Gemaakt met 'buitenbeeld demo' (seed {seed}); niet met de hand bewerken.",
    )]


def _sheet_lijsten() -> list[list]:
    pad = lambda values, i: values[i] if i < len(values) else None  # noqa: E731
    return [["type", "nr", "leefgebied (ZRM)", "rol"]] + [
        trim_row([pad(_TYPES, i), i + 1, name, pad(_ROLLEN, i)]) for i, name in enumerate(_ZRM)]


#: The one demo gemeente with a second interview round (slug, file inside the demo folder).
SECOND_ROUND = ("den_haag", "interviews_2025/sociale_kaart_den_haag_2025.xlsx")


def _second_round(seed: int, first: list[list]) -> list[list]:
    """The ``organisaties`` sheet of Den Haag a year later, from the first round's ``first`` (header and rows).

    Three organisations are gone (one formal), three are new, one kept its name but got
    another id (a match to confirm), and six changed: type, roles now, roles willing,
    reach up, reach down, reach unknown. Changed reach is picked among exact answers.
    """
    rng = random.Random(f"{seed}-den_haag-2025-c")  # "-c": no organisation of a pilot scout is gone
    header, spec = first[0], _FILES[next(i for i, f in enumerate(_FILES) if f[1] == SECOND_ROUND[0])]
    col = {c: header.index(_LABELS.get(c) or c.replace("_", " ").capitalize()) for c in _COLUMNS}
    rows = [list(r) + [None] * (len(header) - len(r)) for r in first[1:]]
    order = rng.sample(rows, len(rows))
    formal = next(r for r in order if parse_type(r[col["type"]]) == "formeel")
    rest = [r for r in order if r is not formal]
    gone, moved = [formal, *rest[:2]], rest[2]
    exact = [r for r in rest[3:] if isinstance(r[col["jongeren_bereik"]], int) and r[col["jongeren_bereik"]] >= 30]
    reach = dict(zip(map(id, exact[:3]), (lambda v: v * 2, lambda v: v // 3, lambda v: "onbekend")))
    others = [r for r in rest[3:] if id(r) not in reach][:3]
    for kind, row in zip(("type", "rollen_nu", "rollen_bereid"), others):
        if kind == "type":
            row[col["type"]] = "interesse/hobby" if parse_type(row[col["type"]]) == "sociale onderneming" \
                else "sociale onderneming"
        else:
            roles = list(parse_roles(row[col[kind]]))
            drop = len(roles) == len(_ROLLEN) or (len(roles) > 1 and kind == "rollen_bereid")
            roles = roles[:-1] if drop else roles + [next(r for r in _ROLLEN if r not in roles)]
            row[col[kind]] = "; ".join(roles)
    for row in rows:
        if id(row) in reach:
            row[col["jongeren_bereik"]] = reach[id(row)](row[col["jongeren_bereik"]])
    moved[col["organisatie_id"]] = "DH-104"  # a new id for a known name: the report asks to confirm
    wijken = [(w.rsplit(" ", 1)[0], *map(int, w.rsplit(" ", 1)[1].split("-"))) for w in spec[11].split("|")]
    used = {r[col["naam"]] for r in rows}
    for number, kind in enumerate(("sociale onderneming", "interesse/hobby", "cultuur/religie"), start=101):
        name = rng.choice([n for n in _NAMES[kind].split("|") if n not in used])
        new = _organisation(rng, kind, name, wijken, spec[2])
        new.update(organisatie_id=f"DH-{number}", gemeente="Den Haag", rollen_gemeente=None,
                   leefgebieden="; ".join(_ZRM[i - 1] for i in new["leefgebieden"]))
        rows.append([new.get(c) for c in _COLUMNS])
    day = dt.date(2025, 1, 20)
    kept = [r for r in rows if not any(r is g for g in gone)]
    for row in kept:
        day += dt.timedelta(days=rng.choice((0, 1, 2, 3, 7)))
        row[col["datum_interview"]] = f"{day.day}-{day.month}-{day.year}" if rng.random() < .9 else None
        row[col["interviewer"]] = f"Interviewer {rng.choice(spec[9])} (fictief)"
    return [header] + [trim_row(r) for r in kept]


def demo_contents(seed: int = DEMO_SEED) -> dict[str, dict[str, list[list]]]:
    """Return the content of every demo workbook, without writing anything.

    Parameters
    ----------
    seed : int
        Seed of the random generator; the same seed always gives the same content.

    Returns
    -------
    dict
        Relative posix path (inside the demo folder) -> sheet name -> rows of cell values,
        header row included, trailing empty cells left out. Dates are ``datetime.date``.
    """
    contents = {}
    for index, spec in enumerate(_FILES):
        contents[f"interviews/sociale_kaart_{spec[1]}.xlsx"] = {
            "toelichting": _sheet_toelichting(seed, PILOT_GEMEENTEN[spec[0]]),
            "organisaties": _interview_rows(seed, index),
            "lijsten": _sheet_lijsten(),
        }
    first = contents[f"interviews/sociale_kaart_{SECOND_ROUND[0]}.xlsx"]
    contents[SECOND_ROUND[1]] = {
        "toelichting": first["toelichting"] + [["Tweede interviewronde, een jaar later: dezelfde kaart met een paar "
                                                "nieuwe organisaties en een paar die er niet meer bij zijn."]],
        "organisaties": _second_round(seed, first["organisaties"]), "lijsten": first["lijsten"]}
    contents["cbs/jongeren_buiten_beeld_2013.xlsx"] = {"Tabel": cbs_rows(seed, PILOT_GEMEENTEN)}
    return contents


def _workbook_bytes(sheets: dict[str, list[list]], title: str) -> bytes:
    """An xlsx file whose bytes depend only on ``sheets`` (fixed properties and zip times)."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        for cells in ws.iter_rows():
            for cell in cells:
                if isinstance(cell.value, int) and not isinstance(cell.value, bool):
                    cell.number_format = _COUNT_FORMAT
                elif isinstance(cell.value, dt.date):
                    cell.number_format = _DATE_FORMAT
        header = 4 if name == "Tabel" else 1 if name != "toelichting" else 0
        for cell in ws[header] if header else ():
            cell.font = Font(bold=True)
        for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[: ws.max_column]:
            ws.column_dimensions[letter].width = 90 if name == "toelichting" else 20
    props = wb.properties
    props.creator, props.lastModifiedBy, props.title = _CREATOR, _CREATOR, title
    props.subject, props.created, props.modified = SYNTHETIC_MARKER, _FIXED_TIME, _FIXED_TIME
    raw = io.BytesIO()
    # ExcelWriter directly: save_workbook would stamp the current time as "modified".
    ExcelWriter(wb, ZipFile(raw, "w", ZIP_DEFLATED)).save()
    stable = io.BytesIO()
    with ZipFile(raw) as source, ZipFile(stable, "w", ZIP_DEFLATED) as target:
        for info in source.infolist():
            stamp = ZipInfo(info.filename, date_time=_FIXED_TIME.timetuple()[:6])
            target.writestr(stamp, source.read(info), compress_type=ZIP_DEFLATED)
    return stable.getvalue()


def write_workbooks(target_dir: Path, contents: dict[str, dict[str, list[list]]]) -> list[Path]:
    """Write each ``relative path -> sheets`` of ``contents`` under ``target_dir`` as a byte-stable synthetic workbook."""
    written = []
    for relative, sheets in contents.items():
        path = Path(target_dir) / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_workbook_bytes(sheets, f"buitenbeeld demo: {Path(relative).stem}"))
        written.append(path)
    return written


def read_workbook_values(path: Path) -> dict[str, list[list]]:
    """Read every sheet of a workbook as rows of values, in the form :func:`demo_contents` uses.

    Parameters
    ----------
    path : Path
        An xlsx file.

    Returns
    -------
    dict
        Sheet name -> rows; trailing empty cells and rows are dropped and Excel dates
        without a time of day become ``datetime.date``.
    """
    wb = load_workbook(path, data_only=True)
    result = {}
    for ws in wb.worksheets:
        rows = [trim_row(v.date() if isinstance(v, dt.datetime) and v.time() == dt.time() else v for v in values)
                for values in ws.iter_rows(values_only=True)]
        while rows and not rows[-1]:
            rows.pop()
        result[ws.title] = rows
    wb.close()
    return result
