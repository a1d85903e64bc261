"""An empty interview workbook for the sociale kaart, ready to fill in.

:func:`write_interview_template` writes an xlsx that interviewers fill in with
Excel or LibreOffice. Its header row, colours, drop-downs and explanations are
derived from :data:`buitenbeeld.ingest.interviews.COLUMNS` and the value lists in
:mod:`buitenbeeld.common.values`, so the format, the reader and the template have one
source. All text inside the workbook is Dutch.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from buitenbeeld.common import values
from buitenbeeld.common.files import write_atomic
from buitenbeeld.common.vocabulary import INTERVIEW_SHEET
from buitenbeeld.errors import BuitenbeeldError
from buitenbeeld.ingest.interviews import COLUMNS, Column
from buitenbeeld.ingest.validation import EARLIEST_INTERVIEW

__all__ = [
    "TITLE", "SHEETS", "LAST_ROW", "JA_NEE_SOMS", "SCALE", "LEEFGEBIED_UITLEG", "MEANING", "KIND_HINT", "ANSWERS",
    "BOLD", "REQUIRED_FILL", "PERSONAL_FILL", "HEADER_FILL",
    "column_hint", "style_header", "write_lists", "check_target", "save_workbook", "write_interview_template",
]

TITLE = "Sociale kaart: interviews"
#: The sheets of the template, in order.
SHEETS = ("toelichting", INTERVIEW_SHEET, "lijsten", "leefgebieden")
#: Data validation and formats cover rows 2 to LAST_ROW of ``organisaties``.
LAST_ROW = 1000
#: The answers of a ja/nee/soms column (a ja/nee column uses the first two).
JA_NEE_SOMS = ("ja", "nee", "soms")
#: The answers of a 1-5 scale column.
SCALE = (1, 2, 3, 4, 5, values.MISSING_UNKNOWN)
_EXCEL_EPOCH = dt.date(1899, 12, 30)

#: One plain-language line per ZRM leefgebied, keyed by the names in ``values.LEEFGEBIEDEN``.
LEEFGEBIED_UITLEG = {
    "financiën": "Inkomen, schulden en omgaan met geld.",
    "werk & opleiding": "Werk, stage, school of een opleiding volgen.",
    "tijdsbesteding": "Een zinvolle invulling van de dag en een vast ritme.",
    "huisvesting": "Een vaste, veilige plek om te wonen.",
    "huiselijke relaties": "Relaties thuis: met ouders, partner, kinderen of huisgenoten.",
    "geestelijke gezondheid": "Hoe het psychisch gaat: stress, somberheid, angst.",
    "lichamelijke gezondheid": "Lichamelijke klachten, ziekte of een beperking.",
    "verslaving": "Gebruik van alcohol, drugs, gokken of gamen en de gevolgen.",
    "basale adl": "Voor jezelf zorgen: eten, wassen, aankleden.",
    "instrumentele adl": "Zaken regelen: huishouden, post, afspraken, boodschappen.",
    "sociaal netwerk": "Vrienden, familie en anderen op wie je kunt terugvallen.",
    "maatschappelijke participatie": "Meedoen in de buurt en de samenleving, bijvoorbeeld vrijwilligerswerk.",
    "justitie": "Contact met politie of justitie: boetes, strafzaken, reclassering.",
}

#: What a column asks, for columns whose label needs more words (keyed by column name).
MEANING = {
    "organisatie_id": "Vaste code van de organisatie. Mag leeg: dan maakt het programma een code uit gemeente en naam.",
    "jongeren_bereik": "Jongeren (15-27 jaar) met wie de organisatie per maand contact heeft.",
    "jongeren_buiten_beeld": "Hoeveel van hen naar schatting buiten beeld zijn "
                             "(geen school, werk, uitkering of inschrijving UWV).",
    "jongeren_zorgwekkend": "Hoeveel van hen naar schatting reden geven tot zorg.",
    "vertrouwensband": "Hoeveel vertrouwen jongeren in de organisatie hebben (1 = weinig, 5 = veel).",
    "leefgebieden": "Op welke leefgebieden de organisatie jongeren op weg helpt.",
    "gesprekken_per_maand": "Gesprekken per maand met jongeren over hoe het met ze gaat.",
    "doorverwijzingen_12m": "Jongeren doorverwezen naar hulp of instanties, afgelopen 12 maanden.",
    "plaatsingen_opleiding_12m": "Jongeren begeleid naar een opleiding, afgelopen 12 maanden.",
    "plaatsingen_werk_12m": "Jongeren begeleid naar werk, afgelopen 12 maanden.",
    "plaatsingen_stage_12m": "Jongeren begeleid naar een stage, afgelopen 12 maanden.",
    "contact_na_plaatsing": "Houdt de organisatie contact met jongeren na een plaatsing?",
    "terugval_opgevangen_12m": "Jongeren die terugvielen en weer opgevangen zijn, afgelopen 12 maanden.",
    "rollen_nu": "Rollen die de organisatie nu vervult.",
    "rollen_bereid": "Rollen die de organisatie samen met de gemeente wil oppakken.",
    "rollen_gemeente": "Rollen die de gemeente voor de organisatie ziet. Dit vult de gemeente zelf in.",
    "inschatting_gemeente_buiten_beeld": "Schatting van de gemeente, van vóór het interview, van het aantal "
                                         "jongeren buiten beeld dat de organisatie bereikt.",
    "samenwerking_gemeente": "Hoe de samenwerking met de gemeente nu gaat (1 = slecht, 5 = goed).",
    "behoeften": "Wat de organisatie nodig heeft om jongeren (beter) te helpen: kennis, geld, ruimte of contacten.",
    "risicos": "Risico's die de organisatie ziet bij samenwerking.",
    "toestemming_publicatie": "Mag de naam in rapporten staan? Leeg betekent nee: dan staat de organisatie "
                              "er zonder naam in, bijvoorbeeld 'Organisatie C, interesse/hobby'.",
}

#: What to fill in, per kind of column.
KIND_HINT = {
    "text": "Vrije tekst.",
    "gemeente": "Naam of code, bijvoorbeeld Den Haag, 's-Gravenhage of GM0518.",
    "wijken": "Naam van de wijk; meer wijken scheiden met ; (Schilderswijk; Transvaal).",
    "postcode": "Postcode, zoals 2525 AB.",
    "type": "Kies uit de lijst: " + ", ".join(values.ORGANISATION_TYPES) + ".",
    "date": "Datum, zoals 5-3-2024.",
    "personal": "Contactgegeven: blijft bij de gemeente en komt nooit in een rapport.",
    "number": "Een aantal. Een schatting mag: ca. 40 of 30-50. Weet je het niet: onbekend of leeg laten, nooit 0.",
    "scale": "Cijfer 1, 2, 3, 4 of 5; weet je het niet: onbekend of leeg laten.",
    "leefgebieden": f"Nummers 1-{len(values.LEEFGEBIEDEN)} of namen, gescheiden door ; (2;5). Zie het blad leefgebieden.",
    "janeesoms": ", ".join(JA_NEE_SOMS[:-1]) + " of " + JA_NEE_SOMS[-1] + ".",
    "roles": "Een of meer van: " + "; ".join(values.ROLES) + ", gescheiden door ;.",
    "bool": " of ".join(JA_NEE_SOMS[:2]) + ".",
    "consent": "Schrijf ja als de organisatie toestemming geeft. Alleen ja telt: nee, leeg of iets anders "
               "(x, 1, wel) betekent geen toestemming.",
}
# Kinds whose cells are stored as text, so that '1-5', '2,5' or '0612...' stay as typed.
_TEXT_KINDS = ("number", "leefgebieden", "personal", "postcode", "wijken")

BOLD = Font(bold=True)
REQUIRED_FILL = PatternFill("solid", fgColor="FFD966")
PERSONAL_FILL = PatternFill("solid", fgColor="BDD7EE")
HEADER_FILL = PatternFill("solid", fgColor="E7E6E6")

# The explanation above the column table; lines ending in '?' are headings.
_INTRO = (
    "Waar is dit voor?",
    "De gemeente brengt in kaart welke organisaties contact hebben met jongeren die buiten beeld zijn",
    "(geen school, geen werk, geen uitkering). Vaak zijn dat informele plekken: een sportschool, een kapper,",
    "een moskee, een buurthuis. Met deze interviews zien we wat elke organisatie doet en wat zij nodig heeft.",
    "Het is een beschrijving, geen beoordeling: er is geen goed of fout antwoord.",
    "",
    "Hoe vul je het in?",
    "- Vul het blad 'organisaties' in: één rij per organisatie. Laat rij 1 (de kolomnamen) staan.",
    "- Weet je iets niet? Laat de cel leeg of schrijf onbekend. Schrijf nooit 0 als je het niet weet.",
    "- Een schatting mag: ca. 40 of 30-50.",
    "- Meer wijken, rollen of leefgebieden? Zet er ; tussen, bijvoorbeeld: bereiken; activeren.",
    "- Gele kolommen zijn verplicht: zonder deze gegevens telt de rij niet mee.",
    "- Blauwe kolommen zijn contactgegevens ("
    + ", ".join(c.label.lower() for c in COLUMNS if c.kind == "personal") + ").",
    "  Die blijven bij de gemeente en komen nooit in een rapport.",
    "- Toestemming publicatie: alleen ja telt als toestemming. Leeg betekent nee, en x, 1 of wel ook:",
    "  de organisatie staat dan zonder naam in een rapport.",
    "- De bladen 'lijsten' en 'leefgebieden' zijn om op te zoeken.",
)


def column_hint(column: Column) -> str:
    meaning = MEANING.get(column.name, "")
    return f"{meaning} {KIND_HINT[column.kind]}".strip()


def style_header(row) -> None:
    for cell in row:
        cell.font, cell.fill = BOLD, HEADER_FILL


def _explanation_sheet(sheet) -> None:
    sheet.append([TITLE])
    sheet["A1"].font = Font(bold=True, size=14)
    for text in ("", *_INTRO, "", "Welke kolommen zijn er?"):
        sheet.append([text])
        sheet.cell(sheet.max_row, 1).font = Font(bold=text.endswith("?"))
    sheet.append(["Kolom", "Technische naam", "Verplicht", "Wat vul je in?"])
    style_header(sheet[sheet.max_row])
    for column in COLUMNS:
        sheet.append([column.label, column.name, "ja" if column.required else "nee", column_hint(column)])
        row = sheet[sheet.max_row]
        fill = REQUIRED_FILL if column.required else PERSONAL_FILL if column.kind == "personal" else None
        if fill:
            row[0].fill = fill
        row[3].alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCD", (34, 34, 10, 90)):
        sheet.column_dimensions[letter].width = width


#: The workbook names of the value lists (sheet ``lijsten``): name -> (header, items).
_LISTS = {"lijst_types": ("type organisatie", values.ORGANISATION_TYPES),
          "lijst_rollen": ("rollen", values.ROLES),
          "lijst_janee": ("ja/nee", JA_NEE_SOMS[:2]),
          "lijst_janeesoms": ("ja/nee/soms", JA_NEE_SOMS),
          "lijst_schaal": ("schaal 1-5", SCALE),
          "lijst_leefgebied_nummers": ("nummer", tuple(range(1, len(values.LEEFGEBIEDEN) + 1))),
          "lijst_leefgebieden": ("leefgebied", values.LEEFGEBIEDEN)}
#: The answers offered for a closed kind of column (the interview guide prints them, the drop-downs list them).
ANSWERS = {"type": values.ORGANISATION_TYPES, "scale": SCALE, "bool": JA_NEE_SOMS[:2], "consent": JA_NEE_SOMS[:2],
           "janeesoms": JA_NEE_SOMS, "roles": values.ROLES, "leefgebieden": values.LEEFGEBIEDEN}


def write_lists(workbook: Workbook, sheet, lists: dict[str, tuple[str, tuple]]) -> None:
    """Write value lists (workbook name -> (header, items)) in columns of ``sheet``, each under a workbook name.

    A drop-down refers to the name (``formula1="lijst_types"``); the sheet is
    protected without a password, only against accidental edits.
    """
    for index, (name, (header, items)) in enumerate(lists.items(), start=1):
        letter = get_column_letter(index)
        sheet.cell(1, index, header)
        for row, item in enumerate(items, start=2):
            sheet.cell(row, index, item)
        sheet.column_dimensions[letter].width = max(12, *(len(str(i)) + 2 for i in (header, *items)))
        cells = f"{quote_sheetname(sheet.title)}!${letter}$2:${letter}${len(items) + 1}"
        workbook.defined_names[name] = DefinedName(name, attr_text=cells)
    style_header(sheet[1])
    sheet.freeze_panes = "A2"
    sheet.protection.sheet = True  # no password: only against accidental edits


def check_target(path: Path, overwrite: bool, suffix: str = ".xlsx") -> Path:
    """``path`` when a template may be written there; else BuitenbeeldError (wrong suffix, or it exists)."""
    path = Path(path)
    if path.suffix.lower() != suffix:
        raise BuitenbeeldError(f"Het sjabloon kan niet naar '{path}': de naam moet eindigen op {suffix}.")
    if path.exists() and not overwrite:
        raise BuitenbeeldError(f"'{path}' bestaat al. Kies een andere naam, of vervang het bestand met "
                               "--overschrijven (in Python: overwrite=True).")
    return path


def save_workbook(workbook: Workbook, path: Path, title: str) -> Path:
    """Save a template workbook atomically, with its title and the first sheet active."""
    workbook.properties.title = title
    workbook.properties.creator = "buitenbeeld"
    workbook.active = 0
    return write_atomic(path, workbook.save)


def _leefgebieden_sheet(sheet) -> None:
    sheet.append(["Nummer", "Leefgebied", "Uitleg"])
    style_header(sheet[1])
    for number, name in enumerate(values.LEEFGEBIEDEN, start=1):
        sheet.append([number, name, LEEFGEBIED_UITLEG.get(name, "")])
    sheet.append([])
    sheet.append(["", f"De {len(values.LEEFGEBIEDEN)} leefgebieden komen uit de Zelfredzaamheidsmatrix (ZRM). "
                      "Schrijf in de kolom leefgebieden de nummers of namen, gescheiden door ;."])
    for letter, width in zip("ABC", (9, 32, 80)):
        sheet.column_dimensions[letter].width = width


def _validation(kind: str) -> DataValidation | None:
    """The data validation of one kind of column, or None."""
    lists = {"type": "lijst_types", "scale": "lijst_schaal", "bool": "lijst_janee", "consent": "lijst_janee",
             "janeesoms": "lijst_janeesoms", "roles": "lijst_rollen", "leefgebieden": "lijst_leefgebieden"}
    if kind in lists:
        strict = kind not in ("roles", "leefgebieden")  # several values separated by ';' must stay possible
        dv = DataValidation(type="list", formula1=lists[kind], allow_blank=True, showErrorMessage=strict)
        dv.errorTitle, dv.error = "Kies uit de lijst", KIND_HINT[kind]
    elif kind == "date":
        # the same bounds as the reader's checks: not before EARLIEST_INTERVIEW, not in the future
        first = (EARLIEST_INTERVIEW - _EXCEL_EPOCH).days
        dv = DataValidation(type="date", operator="between", formula1=str(first), formula2="TODAY()",
                            allow_blank=True, showErrorMessage=True, errorStyle="warning")
        dv.errorTitle = "Datum controleren"
        dv.error = f"Schrijf een datum, zoals 5-3-2024, vanaf {EARLIEST_INTERVIEW:%Y} en niet in de toekomst."
    elif kind == "number":
        dv = DataValidation(allow_blank=True, showErrorMessage=False)
    else:
        return None
    dv.showInputMessage = True
    dv.promptTitle, dv.prompt = "Invullen", KIND_HINT[kind]
    return dv


def _interview_sheet(sheet) -> None:
    validations: dict[str, DataValidation] = {}
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(1, index, column.label)
        cell.font = BOLD
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.fill = REQUIRED_FILL if column.required else PERSONAL_FILL if column.kind == "personal" else HEADER_FILL
        if column.required:
            cell.comment = Comment(f"Verplicht: zonder {column.label.lower()} telt de rij niet mee. "
                                   + KIND_HINT[column.kind], "buitenbeeld", width=260, height=110)
        elif column.kind == "personal":
            cell.comment = Comment(KIND_HINT["personal"], "buitenbeeld", width=260, height=80)
        dimension = sheet.column_dimensions[letter]
        wide = column.kind == "text" and not column.required  # free answers
        dimension.width = 34 if wide else max(14, min(len(column.label) + 4, 30))
        if column.kind == "date":
            dimension.number_format = "d-m-yyyy"
        elif column.kind in _TEXT_KINDS:
            dimension.number_format = "@"
        if column.kind not in validations and (dv := _validation(column.kind)) is not None:
            validations[column.kind] = dv
            sheet.add_data_validation(dv)
        if column.kind in validations:
            validations[column.kind].add(f"{letter}2:{letter}{LAST_ROW}")
    sheet.row_dimensions[1].height = 45
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}1"


def write_interview_template(path: Path, *, overwrite: bool = False) -> Path:
    """Write an empty sociale-kaart interview workbook (xlsx) for interviewers.

    Sheets, in order: ``toelichting`` (purpose, how to fill in, every column),
    ``organisaties`` (the header row with the Dutch labels of
    :data:`~buitenbeeld.ingest.interviews.COLUMNS`, drop-downs and input hints on
    rows 2 to :data:`LAST_ROW`), ``lijsten`` (the value lists the drop-downs
    refer to, as workbook names ``lijst_*``) and ``leefgebieden`` (the 13 ZRM
    domains). :func:`buitenbeeld.ingest.interviews.read_interviews` reads it back.

    Parameters
    ----------
    path : Path
        The file to write; its name must end in ``.xlsx``. Missing parent
        folders are created.
    overwrite : bool, default False
        Replace an existing file.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    BuitenbeeldError
        When ``path`` exists and ``overwrite`` is False, or does not end in ``.xlsx``.
    """
    path = check_target(path, overwrite)
    workbook = Workbook()
    workbook.remove(workbook.active)
    sheets = {name: workbook.create_sheet(name) for name in SHEETS}
    _explanation_sheet(sheets["toelichting"])
    _interview_sheet(sheets[INTERVIEW_SHEET])
    write_lists(workbook, sheets["lijsten"], _LISTS)
    _leefgebieden_sheet(sheets["leefgebieden"])
    return save_workbook(workbook, path, TITLE)
