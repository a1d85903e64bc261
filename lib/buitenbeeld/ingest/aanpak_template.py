"""The aanpak workbook: its format (sheets, questions, columns, value lists) and an empty one to fill in.

A gemeente writes down its choices in the five steps of the approach in one
workbook. :func:`write_aanpak_template` writes it empty, in the style of the
interview workbook (:mod:`buitenbeeld.ingest.template`): a sheet ``toelichting``
with the gemeente and the explanation, one sheet per step with drop-downs and
hints, and a sheet ``lijsten`` with the value lists. The reader is
:mod:`buitenbeeld.ingest.aanpak`; both take the format from here. All text inside
the workbook is Dutch.
"""
from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from buitenbeeld.common.vocabulary import ROLES
from buitenbeeld.ingest.interviews import Column
from buitenbeeld.ingest.template import (
    BOLD,
    LAST_ROW,
    PERSONAL_FILL,
    REQUIRED_FILL,
    check_target,
    save_workbook,
    style_header,
    write_lists,
)

__all__ = [
    "TITLE", "STEPS", "STEP_TITLES", "INTRO_SHEET", "LIST_SHEET", "GEMEENTE", "FORMS", "TABLES", "HINTS",
    "STANDPUNTEN", "INZET_SOORTEN", "KADERS", "AFSPRAKEN", "SPELLINGS", "write_aanpak_template",
]

TITLE = "Aanpak jongeren buiten beeld: de vijf stappen"
#: The sheets of the five steps, in order.
STEPS = ("stap1", "stap2", "stap3", "stap4", "stap5")
#: What each step is about (Dutch, as the workbook and the report name it).
STEP_TITLES = {"stap1": "Missie en visie", "stap2": "Doelgroep", "stap3": "Passende informele organisaties",
               "stap4": "Jongerenwerkers en jongerenscouts", "stap5": "Kaders voor een goede samenwerking"}
INTRO_SHEET, LIST_SHEET = "toelichting", "lijsten"
#: Where the gemeente is filled in (on the first sheet, beside this label).
GEMEENTE = Column("gemeente", "gemeente", "Gemeente", True)
#: What the gemeenteraad thinks of the approach.
STANDPUNTEN = ("ingestemd", "besproken", "nog niet besproken", "niet ingestemd")
INZET_SOORTEN = ("jongerenscout", "jongerenwerker", "partnerorganisatie")
#: The five kaders of step 5.
KADERS = ("visie en transparantie", "volwaardige partners", "integrale aanpak", "vaste contactpersoon",
          "erkenning en waardering")
AFSPRAKEN = ("ja", "nee", "deels")

#: The questions of the form sheets (a question in column A, the answer in column B).
FORMS: dict[str, tuple[Column, ...]] = {
    "stap1": (
        Column("missie", "text", "Missie: waarom doet de gemeente dit?"),
        Column("visie", "text", "Visie: hoe pakt de gemeente het aan?"),
        Column("standpunt_gemeenteraad", "standpunt", "Standpunt gemeenteraad", aliases=("gemeenteraad", "raad")),
        Column("datum_raadsbesluit", "date", "Datum besluit gemeenteraad", aliases=("raadsbesluit",)),
    ),
    "stap2": (
        Column("leeftijd_van", "age", "Leeftijd vanaf", aliases=("vanaf",)),
        Column("leeftijd_tot", "age", "Leeftijd tot en met", aliases=("tot_en_met",)),
        Column("omschrijving", "text", "Omschrijving van de doelgroep", aliases=("doelgroep",)),
        Column("zorgwekkend", "text", "Wie noemt de gemeente zorgwekkend, en wie niet?", aliases=("wat_is_zorgwekkend",)),
        Column("beoogd_aantal", "count", "Beoogd aantal jongeren", aliases=("aantal_jongeren", "beoogd")),
        Column("gegevensbronnen", "list", "Welke gegevens zijn er?", aliases=("bronnen", "gegevens")),
        Column("focus_wijken", "wijken", "Focus-wijken", aliases=("focuswijken", "wijken")),
    ),
}
#: The table of each sheet (stap1: the budget under the form).
TABLES: dict[str, tuple[Column, ...]] = {
    "stap1": (Column("jaar", "year", "Jaar", True),
              Column("budget", "money", "Budget (euro)", True, ("budget_euro", "bedrag", "budget_in_euro"))),
    "stap3": (Column("wijk", "wijk", "Wijk", True), Column("rol", "rol", "Rol", True, ("rollen",)),
              Column("minimaal_aantal", "whole", "Minimaal aantal organisaties", True,
                     ("minimaal", "aantal", "aantal_organisaties"))),
    "stap4": (Column("soort", "soort", "Soort", True), Column("aantal", "whole", "Aantal", True),
              Column("wijk", "wijk", "Wijk"), Column("startdatum", "date", "Startdatum", aliases=("start",))),
    "stap5": (Column("kader", "kader", "Kader", True), Column("afgesproken", "afspraak", "Afgesproken"),
              Column("toelichting", "text", "Toelichting"),
              Column("vaste_contactpersoon", "functie", "Vaste contactpersoon (functie, geen naam)",
                     aliases=("contactpersoon", "functie_contactpersoon")),
              Column("evaluatiedatum", "date", "Evaluatiedatum", aliases=("evaluatie", "datum_evaluatie"))),
}
#: What to write, per kind of answer (Dutch; the template's prompts and the reader's hints).
HINTS = {
    "gemeente": "Naam of CBS-code van de gemeente, bijvoorbeeld Leeuwarden of GM0080.",
    "text": "Vrije tekst, in een paar zinnen.",
    "standpunt": "Kies uit: " + ", ".join(STANDPUNTEN) + ".",
    "date": "Datum, zoals 5-3-2025 of 5 maart 2025.",
    "age": "Een leeftijd in hele jaren, zoals 15 of 27.",
    "count": "Een aantal jongeren. Een schatting mag: ca. 200 of 150-250.",
    "list": "Een of meer, gescheiden door ; (bijvoorbeeld: CBS; leerplicht; RMC).",
    "wijken": "Namen van wijken, gescheiden door ;.",
    "year": "Een jaar, zoals 2025.",
    "money": "Een bedrag in hele euro's: 250000 of 250.000.",
    "wijk": "De naam van één wijk, zoals in de interviews.",
    "rol": "Kies uit: " + ", ".join(ROLES) + ".",
    "whole": "Een heel getal, zoals 2.",
    "soort": "Kies uit: " + ", ".join(INZET_SOORTEN) + ".",
    "kader": "Kies uit: " + ", ".join(KADERS) + ".",
    "afspraak": "Kies ja, nee of deels.",
    "functie": "Alleen de functie, geen naam: bijvoorbeeld 'beleidsmedewerker jeugd'. Komt nooit in een rapport.",
}
#: How people write the answers of a value list (folded text -> the value); the longest match counts.
SPELLINGS: dict[str, dict[str, str]] = {
    "standpunt": {"ingestemd": "ingestemd", "ja": "ingestemd", "akkoord": "ingestemd", "aangenomen": "ingestemd",
                  "gesteund": "ingestemd", "besproken": "besproken", "nog niet besproken": "nog niet besproken",
                  "nog niet": "nog niet besproken", "niet besproken": "nog niet besproken",
                  "niet ingestemd": "niet ingestemd", "nee": "niet ingestemd", "afgewezen": "niet ingestemd",
                  "verworpen": "niet ingestemd"},
    "soort": {**{w: "jongerenscout" for w in ("jongerenscout", "jongerenscouts", "scout", "scouts")},
              **{w: "jongerenwerker" for w in ("jongerenwerker", "jongerenwerkers", "jongerenwerk")},
              **{w: "partnerorganisatie" for w in ("partnerorganisatie", "partnerorganisaties", "partner", "partners")}},
    "kader": {**{k: k for k in KADERS}, **{str(i): k for i, k in enumerate(KADERS, start=1)},
              "visie": KADERS[0], "transparantie": KADERS[0], "volwaardig": KADERS[1], "partners": KADERS[1],
              "integraal": KADERS[2], "integrale": KADERS[2], "contactpersoon": KADERS[3], "aanspreekpunt": KADERS[3],
              "erkenning": KADERS[4], "waardering": KADERS[4]},
    "deels": {w: "deels" for w in ("deels", "gedeeltelijk", "half", "ten dele", "voor een deel", "deels afgesproken")},
}

_LISTS = {"standpunt": ("lijst_standpunt", "standpunt gemeenteraad", STANDPUNTEN),
          "rol": ("lijst_rollen", "rol", ROLES), "soort": ("lijst_soorten", "soort", INZET_SOORTEN),
          "kader": ("lijst_kaders", "kader", KADERS), "afspraak": ("lijst_afspraken", "afgesproken", AFSPRAKEN)}
_TEXT_KINDS = ("wijk", "text", "functie")
_INTRO = (
    "Waar is dit voor?",
    "In dit bestand legt de gemeente haar aanpak vast in vijf stappen. De werkbank zet de keuzes naast de",
    "cijfers van het CBS en de sociale kaart (de interviews met organisaties). Zo ziet u wat al ingevuld is,",
    "wat nog open staat en waar keuzes en gegevens uit elkaar lopen. Het is geen toets en geen cijfer.",
    "",
    "Hoe vul je het in?",
    "- Vul hierboven naast 'Gemeente' de naam of de code van de gemeente in. Dat is verplicht.",
    "- Elke stap heeft een eigen blad: stap1 tot en met stap5. Laat de namen van de bladen en de kolommen staan.",
    "- Op stap1 en stap2 staat een vraag in kolom A; schrijf het antwoord in kolom B. Kolom C legt uit wat past.",
    "- Op stap3, stap4 en stap5 staat een tabel: één rij per keuze. Gele kolommen zijn verplicht.",
    "- Weet je iets (nog) niet? Laat de cel leeg. De werkbank meldt dan dat het nog open staat.",
    "- Schrijf bij de vaste contactpersoon (stap5) alleen een functie, nooit een naam, telefoonnummer of e-mail.",
    "  De werkbank neemt alleen over of er een contactpersoon is; de tekst komt nooit in een rapport.",
    "",
    "De vijf stappen",
    *(f"- {step}: {title}" for step, title in STEP_TITLES.items()),
)


def _header(row) -> None:
    style_header(row)
    for cell in row:
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _validation(kind: str) -> DataValidation | None:
    """The drop-down or input prompt of one kind of answer (None for free text)."""
    if kind in _LISTS:
        dv = DataValidation(type="list", formula1=_LISTS[kind][0], allow_blank=True, showErrorMessage=kind != "rol")
        dv.errorTitle, dv.error = "Kies uit de lijst", HINTS[kind]
    elif kind in ("gemeente", "date", "age", "count", "year", "money", "whole", "functie", "wijken", "list", "wijk"):
        dv = DataValidation(allow_blank=True, showErrorMessage=False)
    else:
        return None
    dv.showInputMessage = True
    dv.promptTitle, dv.prompt = "Invullen", HINTS[kind][:255]
    return dv


def _validate(sheet, kind: str, cells: str) -> None:
    if (dv := _validation(kind)) is not None:
        sheet.add_data_validation(dv)
        dv.add(cells)


def _intro_sheet(sheet) -> None:
    sheet.append([TITLE])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([])
    sheet.append([GEMEENTE.label, None, HINTS["gemeente"]])
    sheet["A3"].font, sheet["B3"].fill = BOLD, REQUIRED_FILL
    sheet["B3"].comment = Comment("Verplicht: " + HINTS["gemeente"], "buitenbeeld", width=260, height=80)
    _validate(sheet, "gemeente", "B3")
    for text in ("", *_INTRO):
        sheet.append([text])
        sheet.cell(sheet.max_row, 1).font = Font(bold=text.endswith("?") or text == "De vijf stappen")
    for letter, width in zip("ABC", (40, 30, 60)):
        sheet.column_dimensions[letter].width = width


def _form_sheet(sheet, step: str) -> None:
    sheet.append(["Vraag", "Antwoord", "Uitleg"])
    _header(sheet[1])
    for column in FORMS[step]:
        sheet.append([column.label, None, HINTS[column.kind]])
        row = sheet.max_row
        sheet.cell(row, 1).font = BOLD
        answer = sheet.cell(row, 2)
        answer.alignment = Alignment(wrap_text=True, vertical="top")
        answer.number_format = "d-m-yyyy" if column.kind == "date" else "@" if column.kind != "age" else "General"
        _validate(sheet, column.kind, answer.coordinate)
    for letter, width in zip("ABC", (46, 60, 60)):
        sheet.column_dimensions[letter].width = width
    if step in TABLES:
        sheet.append([])
        sheet.append([f"{STEP_TITLES[step]}: het budget per jaar"])
        sheet.cell(sheet.max_row, 1).font = BOLD
        _table(sheet, step, start=sheet.max_row + 1, last=sheet.max_row + 12)


def _table(sheet, step: str, start: int = 1, last: int = LAST_ROW) -> None:
    """The header row of a step's table at row ``start``, with drop-downs and formats down to row ``last``."""
    for index, column in enumerate(TABLES[step], start=1):
        cell = sheet.cell(start, index, column.label)
        letter = get_column_letter(index)
        _header([cell])
        if column.required:
            cell.fill = REQUIRED_FILL
        elif column.kind == "functie":
            cell.fill = PERSONAL_FILL  # blue, as the interview template marks contact details
        cell.comment = Comment(("Verplicht. " if column.required else "") + HINTS[column.kind], "buitenbeeld",
                               width=260, height=90)
        dimension = sheet.column_dimensions[letter]
        dimension.width = max(dimension.width or 0, 34 if column.kind in ("text", "functie") else 22)
        _validate(sheet, column.kind, f"{letter}{start + 1}:{letter}{last}")
        if start == 1:  # a whole column (below a form, the form's own formats stay)
            dimension.number_format = "d-m-yyyy" if column.kind == "date" else "@" if column.kind in _TEXT_KINDS else "General"
    if step == "stap5":  # the five kaders, ready to fill in
        for row, kader in enumerate(KADERS, start=start + 1):
            sheet.cell(row, 1, kader)
    if start == 1:
        sheet.freeze_panes = "A2"
        sheet.row_dimensions[1].height = 32


def write_aanpak_template(path: Path, overwrite: bool = False) -> Path:
    """Write an empty aanpak workbook (xlsx) for a gemeente to fill in.

    Sheets, in order: ``toelichting`` (the gemeente, beside its label, and how to
    fill in), ``stap1`` to ``stap5`` (:data:`FORMS` as question and answer,
    :data:`TABLES` as a header row with drop-downs and hints) and ``lijsten`` (the
    value lists). :func:`buitenbeeld.ingest.aanpak.read_aanpak` reads it back.

    Parameters
    ----------
    path : Path
        The file to write; its name must end in ``.xlsx``. Missing parent folders are created.
    overwrite : bool, default False
        Replace an existing file.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    BuitenbeeldError
        When ``path`` exists and ``overwrite`` is False, or does not end in ``.xlsx``
        (:func:`buitenbeeld.ingest.template.check_target`, as for the interview template).
    """
    path = check_target(Path(path), overwrite)
    workbook = Workbook()
    workbook.remove(workbook.active)
    _intro_sheet(workbook.create_sheet(INTRO_SHEET))
    for step in STEPS:
        sheet = workbook.create_sheet(step)
        if step in FORMS:
            _form_sheet(sheet, step)
        else:
            _table(sheet, step)
    write_lists(workbook, workbook.create_sheet(LIST_SHEET), {name: (header, items) for name, header, items in _LISTS.values()})
    path.parent.mkdir(parents=True, exist_ok=True)
    return save_workbook(workbook, path, TITLE)
