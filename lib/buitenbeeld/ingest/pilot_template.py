"""An empty pilot workbook (jongerenscouts and the steps of young people), ready to fill in.

:func:`write_pilot_template` writes an xlsx with the sheets ``scouts`` and
``contacten`` that :mod:`buitenbeeld.ingest.pilot` reads. The header rows are
the labels of :data:`~buitenbeeld.ingest.pilot_columns.SCOUT_COLUMNS` and
:data:`~buitenbeeld.ingest.pilot_columns.CONTACT_COLUMNS`, the drop-downs come
from the same vocabulary the reader checks against, and the hints are the
reader's own (:func:`~buitenbeeld.ingest.pilot_columns.column_hint`): one source.

Privacy by design: the workbook has no column that invites a direct identifier
(name, address, BSN, phone, e-mail, birth date), the explanation asks for codes
(S01, J0001) only, and the free-text column ``opmerking`` (which the reader
scans and then drops) is left out: what never reaches a table need not be
written down. All text inside the workbook is Dutch.
"""
from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from buitenbeeld.common import values
from buitenbeeld.common.vocabulary import CONTACT_SHEET, PLAATSING_SOORTEN, SCOUT_SHEET, STAPPEN
from buitenbeeld.ingest.interviews import Column
from buitenbeeld.ingest.pilot_columns import AGE_RANGE, CONTACT_COLUMNS, SCOUT_COLUMNS, column_hint
from buitenbeeld.ingest.template import (
    BOLD,
    HEADER_FILL,
    JA_NEE_SOMS,
    REQUIRED_FILL,
    check_target,
    save_workbook,
    style_header,
    write_lists,
)
from buitenbeeld.privacy.pseudonym import AGE_BANDS

__all__ = ["TITLE", "SHEETS", "LAST_ROW", "LEFT_OUT", "explain_column", "pilot_columns", "write_pilot_template"]

TITLE = "Pilot jongerenscouts: registratie"
#: The sheets of the template, in order.
SHEETS = ("toelichting", SCOUT_SHEET, CONTACT_SHEET, "lijsten")
#: Data validation and formats cover rows 2 to LAST_ROW of the data sheets.
LAST_ROW = 2000
#: Reader columns the template leaves out: free text is scanned and dropped, never analysed.
LEFT_OUT = ("opmerking",)

_BANDS = tuple(f"{low}-{high}" for low, high in AGE_BANDS)
_LISTS = {"lijst_stappen": ("stap", STAPPEN),
          "lijst_plaatsingen": ("soort plaatsing", PLAATSING_SOORTEN),
          "lijst_janee": ("ja/nee", JA_NEE_SOMS[:2]),
          "lijst_leefgebieden": ("leefgebied", values.LEEFGEBIEDEN),
          "lijst_leeftijdsgroepen": ("leeftijdsgroep", _BANDS)}
# kind (or column name) -> the list its drop-down offers; lists that allow several values are not strict
_DROPDOWNS = {"stap": "lijst_stappen", "plaatsing": "lijst_plaatsingen", "bool": "lijst_janee",
              "leefgebieden": "lijst_leefgebieden", "leeftijdsgroep": "lijst_leeftijdsgroepen"}
_SEVERAL = ("leefgebieden",)
_TEXT_KINDS = ("text", "leefgebieden")

# What a column means, where the label alone does not say it (keyed by column name).
_MEANING = {
    "jongere_id": "Code van de jongere, zoals J0001. Nooit een naam: de code staat voor één jongere in alle rijen.",
    "scout_id": "Code van de jongerenscout, zoals S01. Nooit een naam.",
    "organisatie_id": "Code van de organisatie waar de scout bij hoort, zoals in de sociale kaart.",
    "gemeente": "Naam of code van de gemeente, bijvoorbeeld Venlo of GM0983.",
    "datum": "De dag van deze stap.",
    "stap": "Welke stap de jongere zette. Eén rij per stap; een jongere heeft dus meer rijen.",
    "plaatsing_soort": "Alleen bij de stap geplaatst: naar opleiding, werk of stage.",
    "warme_overdracht": "Ging de scout mee naar het eerste gesprek bij de gemeente of de instantie?",
    "leefgebieden": "Op welke leefgebieden de jongere hulp kreeg.",
    "leeftijd": "Leeftijd in jaren op de dag van de stap. Nooit een geboortedatum.",
    "leeftijdsgroep": "Alleen als de leeftijd niet bekend is: de groep.",
    "startdatum": "De dag waarop de scout begon.",
    "einddatum": "De dag waarop de scout stopte; leeg zolang de scout meedoet.",
    "woont_in_gemeente": "Woont de scout in de gemeente?",
    "bekend_in_wijk": "Is de scout bekend in de wijk?",
    "groot_netwerk": "Heeft de scout een groot netwerk?",
    "voorbeeldrol": "Is de scout een voorbeeld voor jongeren?",
    "kent_ambtelijke_wereld": "Kent de scout de weg bij de gemeente en instanties?",
    "training_afgerond": "De dag waarop de scout de training afrondde, of ja of nee.",
    "vergoeding": "Krijgt de scout een vergoeding?",
    "certificaat": "Kreeg de scout een certificaat of referentie voor het cv?",
    "faciliteiten": "Kreeg de scout iets om het werk te doen, zoals een fiets of telefoonkosten?",
}

# Hints of our own: no example date (the privacy gate scans this workbook too, and an example date would one day lie
# 10 to 30 years back and look like a birth date), and the age bands of the pseudonymiser.
_OWN_HINTS = {"date": "Schrijf een datum als dag-maand-jaar",
              "leeftijdsgroep": "Kies uit: " + ", ".join(_BANDS)}

_INTRO = (
    "Waar is dit voor?",
    "Met dit bestand volgt de gemeente de pilot met jongerenscouts: welke stappen jongeren zetten",
    "(bereikt, geactiveerd, geplaatst, behouden, teruggevallen, gestopt) en wat de scouts nodig hebben.",
    "Het rapport laat alleen totalen zien. Kleine aantallen worden verborgen.",
    "",
    "Wat schrijf je NIET op?",
    "- Geen namen, geen adressen, geen BSN, geen telefoonnummers, geen e-mailadressen, geen geboortedata.",
    "- Gebruik codes: S01, S02 voor scouts en J0001, J0002 voor jongeren. Houd de lijst met codes apart en veilig.",
    "- Staan er toch namen of contactgegevens in? Dan weigert de werkbank het hele bestand.",
    "  Heb je een bestand met namen? Maak er eerst een veilige kopie van met: buitenbeeld pseudonimiseer.",
    "",
    "Hoe vul je het in?",
    "- Blad 'scouts': één rij per jongerenscout.",
    "- Blad 'contacten': één rij per stap van een jongere. Zet een jongere dus in meer rijen, met dezelfde code.",
    "- Laat rij 1 (de kolomnamen) staan.",
    "- Gele kolommen zijn verplicht: zonder deze gegevens telt de rij niet mee.",
    "- Weet je iets niet? Laat de cel leeg.",
    "- Meer leefgebieden? Zet er ; tussen, bijvoorbeeld: financiën; huisvesting.",
    "- Het blad 'lijsten' is om op te zoeken.",
)


def pilot_columns(sheet: str) -> tuple[Column, ...]:
    """The reader's columns of ``sheet`` (``scouts`` or ``contacten``) that the template has, in order."""
    columns = SCOUT_COLUMNS if sheet == SCOUT_SHEET else CONTACT_COLUMNS
    return tuple(c for c in columns if c.name not in LEFT_OUT)


def explain_column(column: Column) -> str:
    """What a cell of ``column`` holds and how to write it, in Dutch (the explanation sheet and the input message)."""
    hint = _OWN_HINTS.get(column.name) or _OWN_HINTS.get(column.kind) or column_hint(column.kind)
    return " ".join(part.rstrip(".") + "." for part in (_MEANING.get(column.name, ""), hint) if part)


def _explanation_sheet(sheet) -> None:
    sheet.append([TITLE])
    sheet["A1"].font = Font(bold=True, size=14)
    for text in ("", *_INTRO, "", "Welke kolommen zijn er?"):
        sheet.append([text])
        sheet.cell(sheet.max_row, 1).font = Font(bold=text.endswith("?"))
    sheet.append(["Blad", "Kolom", "Kolomcode", "Verplicht", "Wat vul je in?"])
    style_header(sheet[sheet.max_row])
    for name in (SCOUT_SHEET, CONTACT_SHEET):
        for column in pilot_columns(name):
            sheet.append([name, column.label, column.name, "ja" if column.required else "nee", explain_column(column)])
            row = sheet[sheet.max_row]
            if column.required:
                row[1].fill = REQUIRED_FILL
            row[4].alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCDE", (12, 28, 26, 10, 90)):
        sheet.column_dimensions[letter].width = width


def _validation(column: Column) -> DataValidation | None:
    """The drop-down or check of one column, or None (free text: only the input message)."""
    key = column.name if column.name in _DROPDOWNS else column.kind
    if key in _DROPDOWNS:
        several = key in _SEVERAL  # 'financiën; huisvesting' must stay possible
        dv = DataValidation(type="list", formula1=_DROPDOWNS[key], allow_blank=True, showErrorMessage=not several)
        dv.errorTitle, dv.error = "Kies uit de lijst", explain_column(column)
    elif column.kind == "leeftijd":
        dv = DataValidation(type="whole", operator="between", formula1=str(AGE_RANGE[0]), formula2=str(AGE_RANGE[1]),
                            allow_blank=True, showErrorMessage=True)
        dv.errorTitle, dv.error = "Leeftijd controleren", column_hint("leeftijd")
    elif column.kind == "date":
        dv = DataValidation(type="date", operator="lessThanOrEqual", formula1="TODAY()", allow_blank=True,
                            showErrorMessage=True, errorStyle="warning")
        dv.errorTitle, dv.error = "Datum controleren", "Schrijf een datum als dag-maand-jaar, niet in de toekomst."
    else:
        dv = DataValidation(allow_blank=True, showErrorMessage=False)
    dv.showInputMessage = True
    dv.promptTitle, dv.prompt = "Invullen", explain_column(column)[:255]  # Excel shows at most 255 characters
    return dv


def _data_sheet(sheet, columns: tuple[Column, ...]) -> None:
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(1, index, column.label)
        cell.font, cell.fill = BOLD, REQUIRED_FILL if column.required else HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        dimension = sheet.column_dimensions[letter]
        dimension.width = max(14, min(len(column.label) + 4, 30))
        if column.kind == "date":
            dimension.number_format = "d-m-yyyy"
        elif column.kind in _TEXT_KINDS:
            dimension.number_format = "@"  # J0001 and 0001 stay as typed
        dv = _validation(column)
        sheet.add_data_validation(dv)
        dv.add(f"{letter}2:{letter}{LAST_ROW}")
    sheet.row_dimensions[1].height = 32
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}1"


def write_pilot_template(path: Path, overwrite: bool = False) -> Path:
    """Write an empty pilot workbook (xlsx) for a pilot with jongerenscouts.

    Sheets, in order: ``toelichting`` (purpose, what never to write down, every
    column), ``scouts`` and ``contacten`` (the header rows the pilot reader
    knows, drop-downs for the closed answers on rows 2 to :data:`LAST_ROW`) and
    ``lijsten`` (the value lists). :func:`buitenbeeld.ingest.pilot.read_pilot`
    reads it back; empty, it loads nothing and reports no problem.

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
    path = check_target(Path(path), overwrite)
    workbook = Workbook()
    workbook.remove(workbook.active)
    sheets = {name: workbook.create_sheet(name) for name in SHEETS}
    _explanation_sheet(sheets["toelichting"])
    for name in (SCOUT_SHEET, CONTACT_SHEET):
        _data_sheet(sheets[name], pilot_columns(name))
    write_lists(workbook, sheets["lijsten"], _LISTS)
    return save_workbook(workbook, path, TITLE)
