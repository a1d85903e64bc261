"""Role advice: which roles fit an organisation, from its type, profile and wishes.

The advice per role combines three things:

* the **type advice** of the guide, from ``[roladvies.types]`` in the scoring
  configuration: ``ja`` (fits the type), ``mogelijk`` (depends on the relation
  and the organisation), ``nee`` (not advised) or ``-`` (formal organisations,
  the comparison group: no type advice);
* the **measured profile** (0-10): *sterk* from ``drempels.sterk`` up, *weinig*
  below ``drempels.zwak``, *midden* in between, *onbekend* when the sub-score is
  unknown. An unknown profile is never read as weak: the reason says
  "profiel onbekend";
* the **organisation's own position**: it does the role now (``rollen_nu``)
  and/or says it is willing to take it (``rollen_bereid``). *Betrokken* below
  means either.

Outcomes are ``past``, ``met zorg`` and ``niet aanbevolen``:

============  ===============================================  ================
type advice   profile and position                             outcome
============  ===============================================  ================
nee           does it now                                      met zorg
nee           does not do it (willing or not)                  niet aanbevolen
ja            betrokken and profile sterk or midden            past
ja            profile weinig or onbekend                       met zorg
ja            not betrokken                                    met zorg
mogelijk      betrokken and profile sterk                      past
mogelijk      anything else                                    met zorg
``-``         betrokken and profile sterk                      past
``-``         anything else                                    met zorg
============  ===============================================  ================

Behind the rules: respect what already exists but do not push a role the type
does not suit; never force a role on an organisation that did not ask for it;
a "mogelijk" needs both the wish and a clear strength. The reason
(``reden_<rol>``) always names the three parts, in plain Dutch. An outcome is
advice for a conversation, not a verdict on the organisation.

Roles the gemeente has in mind (``rollen_gemeente``) are compared with the
outcome: a role advised against is a conflict (``conflict_gemeente``); a role
the organisation does not do and did not name as one it wants is listed in
``gemeente_niet_bereid``. ``conflict_toelichting`` explains both in Dutch and
is ``""`` when both are empty.
"""
from __future__ import annotations

import math
from typing import Any

import pandas as pd

from buitenbeeld.common import values
from buitenbeeld.common.vocabulary import ORGANISATION_TYPES, ROLES
from buitenbeeld.errors import BuitenbeeldError

__all__ = ["ADVICE", "OUTCOMES", "type_advice_table", "advise_roles", "advice_summary"]

ADVICE = ("ja", "mogelijk", "nee", "-")
OUTCOMES = ("past", "met zorg", "niet aanbevolen")
_PAST, _MET_ZORG, _NIET = OUTCOMES

_TYPE_TEXT = {"ja": "past bij het type", "mogelijk": "kan bij het type, afhankelijk van de relatie",
              "nee": "bij dit type wordt deze rol afgeraden", "-": "formele organisatie: alleen het profiel telt"}
_PROFILE_TEXT = {"sterk": "het profiel laat dit sterk zien", "midden": "het profiel laat hier iets van zien",
                 "weinig": "het profiel laat hier nog weinig van zien", "onbekend": "profiel onbekend"}
_PARTIAL_TEXT = " (niet alle vragen beantwoord)"


def type_advice_table(config: Any) -> pd.DataFrame:
    """The guide's advice per organisation type and role, from the configuration.

    Parameters
    ----------
    config : ScoringConfig
        Any object with a ``roladvies`` dict holding ``types`` (type -> role -> advice).

    Returns
    -------
    pandas.DataFrame
        Index :data:`~buitenbeeld.common.values.ORGANISATION_TYPES` (in that order),
        columns :data:`~buitenbeeld.common.values.ROLES`, values from :data:`ADVICE`.

    Raises
    ------
    BuitenbeeldError
        When a type or role is missing from ``[roladvies.types]`` or a value is not
        one of :data:`ADVICE`.
    """
    types = _roladvies(config).get("types")
    if not isinstance(types, dict):
        raise BuitenbeeldError("The scoring configuration has no [roladvies.types] table; add one per organisation type.")
    rows = {}
    for kind in ORGANISATION_TYPES:
        if kind not in types:
            raise BuitenbeeldError(f"[roladvies.types] has no entry for type '{kind}'; add [roladvies.types.\"{kind}\"] "
                                   f"with {', '.join(ROLES)} set to one of {', '.join(ADVICE)}.")
        row = {}
        for role in ROLES:
            if role not in types[kind]:
                raise BuitenbeeldError(f"[roladvies.types.\"{kind}\"] has no value for role '{role}'; "
                                       f"use one of {', '.join(ADVICE)}.")
            advice = types[kind][role]
            if advice not in ADVICE:
                raise BuitenbeeldError(f"[roladvies.types.\"{kind}\"] {role} = {advice!r} is not a known advice; "
                                       f"use one of {', '.join(ADVICE)}.")
            row[role] = advice
        rows[kind] = row
    table = pd.DataFrame.from_dict(rows, orient="index").reindex(columns=list(ROLES))
    table.index.name, table.columns.name = "type", "rol"
    return table


def advise_roles(organisaties: pd.DataFrame, profiles: pd.DataFrame, config: Any) -> pd.DataFrame:
    """Advice per organisation and role, with the reason it rests on.

    Parameters
    ----------
    organisaties : pandas.DataFrame
        The organisations table (columns ``type``, ``rollen_nu``, ``rollen_bereid``
        and optionally ``rollen_gemeente``; role columns hold tuples of role names).
    profiles : pandas.DataFrame
        Profiles with (at least) the index of ``organisaties`` and per role ``r`` a
        column ``r`` (0-10, NaN when unknown) and optionally ``r_status``.
    config : ScoringConfig
        Any object with a ``roladvies`` dict (types, ``drempels.sterk``, ``drempels.zwak``).

    Returns
    -------
    pandas.DataFrame
        Index of ``organisaties``; per role ``advies_<rol>`` (one of :data:`OUTCOMES`)
        and ``reden_<rol>`` (Dutch); ``passende_rollen`` and ``rollen_met_zorg``
        (tuples in :data:`ROLES` order), ``let_op`` (the type's caution),
        ``conflict_gemeente`` (roles the gemeente has in mind that are not
        advised), ``gemeente_niet_bereid`` (roles the gemeente has in mind that
        the organisation does not do and did not name) and ``conflict_toelichting``.
        The rules are in the module docstring.

    Raises
    ------
    BuitenbeeldError
        On an invalid configuration, an unknown type, or profiles that lack a role
        column or an organisation.
    """
    table = type_advice_table(config)
    sterk, zwak = _thresholds(config)
    cautions = {kind: str(_roladvies(config)["types"][kind].get("let_op", "")) for kind in ORGANISATION_TYPES}
    missing = [role for role in ROLES if role not in profiles.columns]
    if missing:
        raise BuitenbeeldError(f"The profiles table has no column for {', '.join(missing)}; compute the profiles first.")
    if not organisaties.index.isin(profiles.index).all():
        raise BuitenbeeldError("The profiles table lacks some organisations; compute the profiles from the same table.")
    profiles = profiles.loc[organisaties.index]
    unknown = sorted(set(organisaties["type"]) - set(ORGANISATION_TYPES), key=str)
    if unknown:
        raise BuitenbeeldError(f"Unknown organisation type(s) {unknown}; expected one of {', '.join(ORGANISATION_TYPES)}.")

    records = []
    for key, org in organisaties.iterrows():
        kind = org["type"]
        doing, willing = _roles(org.get("rollen_nu")), _roles(org.get("rollen_bereid"))
        record: dict[str, Any] = {}
        for role in ROLES:
            status = profiles.at[key, f"{role}_status"] if f"{role}_status" in profiles.columns else None
            level = _level(profiles.at[key, role], status, sterk, zwak)
            outcome, reason = _advise(table.at[kind, role], level, role in willing, role in doing,
                                      partial=status == "gedeeltelijk")
            record[f"advies_{role}"], record[f"reden_{role}"] = outcome, reason
        intended = _roles(org.get("rollen_gemeente"))
        record["passende_rollen"] = tuple(r for r in ROLES if record[f"advies_{r}"] == _PAST)
        record["rollen_met_zorg"] = tuple(r for r in ROLES if record[f"advies_{r}"] == _MET_ZORG)
        record["let_op"] = cautions[kind]
        record["conflict_gemeente"] = tuple(r for r in ROLES if r in intended and record[f"advies_{r}"] == _NIET)
        record["gemeente_niet_bereid"] = tuple(r for r in ROLES if r in intended and r not in record["conflict_gemeente"]
                                               and r not in willing and r not in doing)
        record["conflict_toelichting"] = _conflict_text(kind, record["conflict_gemeente"], record["gemeente_niet_bereid"])
        records.append(record)
    columns = [f"{p}_{r}" for r in ROLES for p in ("advies", "reden")] + [
        "passende_rollen", "rollen_met_zorg", "let_op", "conflict_gemeente", "gemeente_niet_bereid", "conflict_toelichting"]
    return pd.DataFrame(records, index=organisaties.index, columns=columns)


def advice_summary(advice: pd.DataFrame) -> pd.DataFrame:
    """Number of organisations per role and outcome, for a report table.

    Parameters
    ----------
    advice : pandas.DataFrame
        The result of :func:`advise_roles`.

    Returns
    -------
    pandas.DataFrame
        Index :data:`ROLES`, columns :data:`OUTCOMES`, integer counts (zeros kept).
    """
    counts = {role: advice[f"advies_{role}"].value_counts().reindex(list(OUTCOMES), fill_value=0) for role in ROLES}
    summary = pd.DataFrame(counts).T.reindex(index=list(ROLES), columns=list(OUTCOMES)).fillna(0).astype(int)
    summary.index.name, summary.columns.name = "rol", "advies"
    return summary


def _advise(advice: str, level: str, willing: bool, doing: bool, partial: bool = False) -> tuple[str, str]:
    """Outcome and Dutch reason for one role (the table in the module docstring)."""
    involved = willing or doing
    if advice == "nee":
        outcome = _MET_ZORG if doing else _NIET
    elif advice == "ja":
        outcome = _PAST if involved and level in ("sterk", "midden") else _MET_ZORG
    else:  # "mogelijk" and "-" (formeel): only a clear strength the organisation wants makes it fit
        outcome = _PAST if involved and level == "sterk" else _MET_ZORG
    position = {(True, True): "de organisatie doet dit al en wil dit", (True, False): "de organisatie doet dit al",
                (False, True): "de organisatie wil dit",
                (False, False): "de organisatie noemt dit niet als rol die ze wil"}[doing, willing]
    if advice == "nee" and doing:
        position += ": respecteer dat, maar dring niet aan"
    elif advice != "nee" and not involved:
        position += "; leg deze rol niet op"
    profile = _PROFILE_TEXT[level] + (_PARTIAL_TEXT if partial and level != "onbekend" else "")
    return outcome, "; ".join((_TYPE_TEXT[advice], profile, position))


def _level(value: Any, status: Any, sterk: float, zwak: float) -> str:
    """``sterk``, ``midden``, ``weinig`` or ``onbekend`` for one sub-score."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if status == "onbekend" or math.isnan(number):
        return "onbekend"
    return "sterk" if number >= sterk else "weinig" if number < zwak else "midden"


def _roles(value: Any) -> frozenset[str]:
    """The roles in a cell: a tuple or list of names, a ``;``-separated text, or empty."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return frozenset()
    if isinstance(value, str):
        return frozenset(values.parse_roles(value))
    return frozenset(str(v) for v in value)


def _roladvies(config: Any) -> dict:
    roladvies = getattr(config, "roladvies", None)
    if not isinstance(roladvies, dict) or not roladvies:
        raise BuitenbeeldError("The scoring configuration has no [roladvies] table; see config/scoring.toml.")
    return roladvies


def _thresholds(config: Any) -> tuple[float, float]:
    drempels = _roladvies(config).get("drempels", {})
    try:
        sterk, zwak = float(drempels["sterk"]), float(drempels["zwak"])
    except (KeyError, TypeError, ValueError) as error:
        raise BuitenbeeldError("[roladvies.drempels] needs numbers 'sterk' and 'zwak' (profile values 0-10).") from error
    if zwak > sterk:
        raise BuitenbeeldError(f"[roladvies.drempels] zwak ({zwak}) is above sterk ({sterk}); zwak must be the lower one.")
    return sterk, zwak


def _conflict_text(kind: str, conflict: tuple[str, ...], not_willing: tuple[str, ...]) -> str:
    """Dutch explanation of what the gemeente has in mind that does not fit; ``""`` when nothing."""
    sentences = []
    if conflict:
        sentences.append(f"De gemeente denkt hier aan {_enumerate(conflict)}, maar bij een organisatie van het type "
                         f"{kind} wordt dat afgeraden; bespreek eerst wat de organisatie zelf wil en kan.")
    if not_willing:
        sentences.append(f"De gemeente denkt {'ook' if conflict else 'hier'} aan {_enumerate(not_willing)}, maar de "
                         "organisatie noemt dat niet als rol die ze wil; vraag het na en leg het niet op.")
    return " ".join(sentences)


def _enumerate(roles: tuple[str, ...]) -> str:
    return roles[0] if len(roles) == 1 else ", ".join(roles[:-1]) + " en " + roles[-1]
