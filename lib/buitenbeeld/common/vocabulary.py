"""The domain's words, in one place: what parsers recognise and what analyses and reports speak of.

Types of organisation and the four roles of the guide, the ZRM leefgebieden,
the steps of a young person's journey in a pilot, the CBS table symbols, and
the names of the sheets users fill in. Parsers (``ingest``) and analyses
(``analysis``) both import these; neither defines its own copy.
"""
from __future__ import annotations

__all__ = [
    "ORGANISATION_TYPES", "ROLES", "LEEFGEBIEDEN",
    "STAPPEN", "FUNNEL", "PLAATSING_SOORTEN", "PROFILE_CRITERIA", "APPRECIATION",
    "CBS_SYMBOLS", "INTERVIEW_SHEET", "CONTACT_SHEET", "SCOUT_SHEET", "SYNTHETIC_SUBJECT",
]

#: The six types of organisation: five informal ones from the guide, and formal ones for comparison.
ORGANISATION_TYPES = ("commercieel", "sociale onderneming", "interesse/hobby",
                      "leefgebieden", "cultuur/religie", "formeel")
#: The four roles of the approach, in the order a young person passes them.
ROLES = ("bereiken", "activeren", "plaatsen", "behouden")
#: The 13 domains of the Zelfredzaamheidsmatrix (ZRM), in ZRM order (number = index + 1).
LEEFGEBIEDEN = ("financiën", "werk & opleiding", "tijdsbesteding", "huisvesting",
                "huiselijke relaties", "geestelijke gezondheid", "lichamelijke gezondheid",
                "verslaving", "basale adl", "instrumentele adl", "sociaal netwerk",
                "maatschappelijke participatie", "justitie")

#: The steps of a journey in a pilot, in the order they are sorted within one day.
STAPPEN = ("bereikt", "geactiveerd", "geplaatst", "behouden", "teruggevallen", "gestopt")
#: The funnel stages (the roles of the guide, as steps a young person reaches).
FUNNEL = STAPPEN[:4]
#: What a young person can be placed in.
PLAATSING_SOORTEN = ("opleiding", "werk", "stage")
#: The profile criteria of a jongerenscout in the guide.
PROFILE_CRITERIA = ("woont_in_gemeente", "bekend_in_wijk", "groot_netwerk", "voorbeeldrol", "kent_ambtelijke_wereld")
#: Forms of appreciation a scout may receive.
APPRECIATION = ("vergoeding", "certificaat", "faciliteiten")

#: The symbols of CBS tables and what they mean.
CBS_SYMBOLS = {".": "onbekend of geheim", "x": "geheim", "-": "nihil", "": "kan niet voorkomen"}

#: The sheet of an interview workbook that holds the organisations.
INTERVIEW_SHEET = "organisaties"
#: The sheets of a pilot workbook.
CONTACT_SHEET, SCOUT_SHEET = "contacten", "scouts"
#: Workbook ``subject`` property that marks the synthetic demo data.
SYNTHETIC_SUBJECT = "buitenbeeld synthetische demodata"
