"""The words people type for ja/nee, an organisation type, a role and a leefgebied.

Each table maps a folded spelling (see :func:`~buitenbeeld.common.rawcells.fold`)
to what it means, for the parsers of :mod:`buitenbeeld.common.values`
(:func:`~buitenbeeld.common.values.parse_bool`,
:func:`~buitenbeeld.common.values.parse_type`,
:func:`~buitenbeeld.common.values.parse_roles`,
:func:`~buitenbeeld.common.values.parse_leefgebieden`).
"""
from __future__ import annotations

from buitenbeeld.common.rawcells import fold
from buitenbeeld.common.vocabulary import LEEFGEBIEDEN

__all__ = [
    "DOMAIN_SPELLINGS",
    "FALSE_WORDS",
    "ROLE_SPELLINGS",
    "SOMETIMES_WORDS",
    "TRUE_WORDS",
    "TYPE_SPELLINGS",
]

#: Spellings of "ja", "nee" and "soms".
TRUE_WORDS = frozenset({"ja", "j", "yes", "y", "x", "waar", "true", "1", "wel", "\u2713", "\u2714"})
FALSE_WORDS = frozenset({"nee", "n", "no", "onwaar", "false", "0", "niet"})
SOMETIMES_WORDS = frozenset({"soms", "af en toe", "wisselend", "soms wel"})


def _aliases(table: dict[str, str]) -> dict[str, str]:
    """``{canonical: "spelling|spelling"}`` -> ``{spelling: canonical}``."""
    return {spelling: canonical for canonical, spellings in table.items()
            for spelling in spellings.split("|")}


#: Spellings of an organisation type -> one of :data:`~buitenbeeld.common.vocabulary.ORGANISATION_TYPES`.
TYPE_SPELLINGS = _aliases({
    "commercieel": "commercieel|commerciele|commercial|bedrijf|bedrijven",
    "sociale onderneming": "sociale onderneming|sociale ondernemingen|sociaal ondernemer"
                           "|sociaal ondernemers|sociale ondernemer|sociaal ondernemerschap",
    "interesse/hobby": "interesse/hobby|hobby/interesse|interesse|hobby|hobbys"
                       "|sport|sportclub|sportvereniging",
    "leefgebieden": "leefgebieden|leefgebied",
    "cultuur/religie": "cultuur/religie|religie/cultuur|cultuur|religie|religieus|religieuze"
                       "|cultureel|culturele|moskee|kerk",
    "formeel": "formeel|formele|formal|gemeente",
})
#: Spellings of a role -> one of :data:`~buitenbeeld.common.vocabulary.ROLES`.
ROLE_SPELLINGS = _aliases({"bereiken": "bereiken|bereik", "activeren": "activeren|activering",
                           "plaatsen": "plaatsen|plaatsing", "behouden": "behouden|behoud"})
#: Names and short forms of a ZRM domain -> one of :data:`~buitenbeeld.common.vocabulary.LEEFGEBIEDEN`.
DOMAIN_SPELLINGS = {fold(name): name for name in LEEFGEBIEDEN} | _aliases({
    "financiën": "geld|schulden", "werk & opleiding": "werk|opleiding", "huisvesting": "wonen",
    "basale adl": "adl basaal", "instrumentele adl": "adl instrumenteel",
    "sociaal netwerk": "netwerk|sociale netwerk", "maatschappelijke participatie": "participatie"})
