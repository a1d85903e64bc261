"""The words people type for ja/nee, consent, an organisation type, a role and a leefgebied.

Each table maps a folded spelling (see :func:`~buitenbeeld.common.rawcells.fold`)
to what it means, for the parsers of :mod:`buitenbeeld.common.values`
(:func:`~buitenbeeld.common.values.parse_bool`,
:func:`~buitenbeeld.common.values.parse_consent`,
:func:`~buitenbeeld.common.values.parse_type`,
:func:`~buitenbeeld.common.values.parse_roles`,
:func:`~buitenbeeld.common.values.parse_leefgebieden`).
"""
from __future__ import annotations

from buitenbeeld.common.rawcells import fold
from buitenbeeld.common.vocabulary import LEEFGEBIEDEN

__all__ = [
    "CONSENT_NO",
    "CONSENT_YES",
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

# Consent to name an organisation in a published report (``toestemming_publicatie``) is only
# an explicit yes. Compared after fold() with every run of punctuation as one space, so that
# "Ja, mag genoemd worden." is "ja mag genoemd worden"; a "?" is never a yes.
_CONSENT_VERBS = ("genoemd", "vermeld", "gebruikt", "gepubliceerd")
_CONSENT_PHRASES = (
    "akkoord", "akkoord gegeven", "toestemming", "toestemming gegeven", "graag",
    *(f"{subject}mag {verb}{tail}" for subject in ("", "naam ", "de naam ") for verb in _CONSENT_VERBS
      for tail in ("", " worden")),
)
#: The explicit yeses that give consent: ``ja``, ``yes``, ``akkoord``, ``toestemming``
#: (``gegeven``), ``(de naam) mag genoemd/vermeld/gebruikt/gepubliceerd (worden)``, each
#: also after ``ja``/``yes`` (``ja, akkoord``, ``ja, mag genoemd worden``, ``ja graag``).
CONSENT_YES = frozenset({"ja", "yes", *(p for p in _CONSENT_PHRASES if p != "graag"),
                         *(f"{yes} {p}" for yes in ("ja", "yes") for p in _CONSENT_PHRASES)})
#: Clear noes: no consent, and nothing to warn about.
CONSENT_NO = frozenset({"nee", "n", "no", "niet", "geen", "0", "onwaar", "false", "geen toestemming",
                        "nee geen toestemming", "niet akkoord", "nee niet akkoord",
                        *(f"{no}{subject}mag niet {verb}{tail}" for no in ("", "nee ")
                          for subject in ("", "naam ", "de naam ") for verb in _CONSENT_VERBS
                          for tail in ("", " worden"))})


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
