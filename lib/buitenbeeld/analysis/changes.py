"""The sociale kaart over time: what changed between two interview rounds of one gemeente.

:func:`compare_rounds` takes the organisations of an earlier round and of a later
one (:mod:`buitenbeeld.ingest.rounds`) and finds the organisations that are new,
those no longer in the kaart, and per organisation in both what changed: its type,
the roles it takes now (``rollen_nu``), the roles it is willing to take
(``rollen_bereid``) and its reach (``jongeren_bereik``). Organisations are matched by
``organisatie_id``. Where the ids differ, a second pass pairs organisations with the
same normalised name whose type or wijk agrees (never address or contact details):
those are *possible* matches for a person to confirm, listed apart and neither
merged nor counted as new or gone.

Reach is compared honestly: an unknown on either side is *niet te vergelijken*,
and two answers whose ranges overlap are *ongeveer gelijk* (``30-50`` spans its
range, ``ca. 40`` 20% either side, ``40+`` has no upper bound); only a difference the answers leave no doubt about counts as
a change. The role coverage per wijk then and now comes from the same function as
in the comparison (:func:`~buitenbeeld.analysis.compare.wijk_role_coverage`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from buitenbeeld.analysis.compare import wijk_role_coverage
from buitenbeeld.analysis.roles import advise_roles
from buitenbeeld.analysis.scoring import ScoringConfig, compute_profiles, load_config
from buitenbeeld.analysis.sociale_kaart import display_names
from buitenbeeld.common.formatting import is_missing
from buitenbeeld.common.values import normalise_header
from buitenbeeld.common.vocabulary import ROLES

__all__ = ["KaartChanges", "compare_rounds", "gemeente_rounds", "normalised_name", "REACH_DIRECTIONS",
           "CHANGE_COLUMNS", "MATCH_COLUMNS", "ESTIMATE_MARGIN"]

#: What a comparison of reach can say; only the first two are a change.
REACH_DIRECTIONS = ("hoger", "lager", "ongeveer gelijk", "gelijk", "niet te vergelijken")
#: An estimate without a range (``ca. 40``) is read as this share below and above its value.
ESTIMATE_MARGIN = 0.2
#: The columns of :attr:`KaartChanges.changes` (one row per organisation and changed answer).
CHANGE_COLUMNS = ["organisatie_id", "wat", "eerder", "nu", "erbij", "eraf", "richting", "duidelijk"]
#: The columns of :attr:`KaartChanges.matches`.
MATCH_COLUMNS = ["organisatie_id_eerder", "organisatie_id_nu", "naam_eerder", "naam_nu", "type_eerder", "type_nu",
                 "overeenkomst"]


@dataclass
class KaartChanges:
    """What changed between two rounds of one gemeente's sociale kaart.

    ``nieuw`` and ``weg`` are rows of the later and the earlier round (organisations
    only in one of them, possible matches left out); ``changes`` has one row per
    organisation and changed answer (:data:`CHANGE_COLUMNS`: ``wat`` is ``type``,
    ``rollen_nu``, ``rollen_bereid`` or ``jongeren_bereik``; ``erbij``/``eraf`` the
    roles added and dropped; ``richting`` one of :data:`REACH_DIRECTIONS` for reach;
    ``duidelijk`` False for a reach that cannot be compared or barely differs);
    ``matches`` the possible matches to confirm (:data:`MATCH_COLUMNS`);
    ``coverage_eerder`` and ``coverage_nu`` the role coverage per wijk
    (wijk x role, organisations that fit); ``names`` per ``organisatie_id`` the name a
    report may show (the neutral label without consent, lettered as in the report:
    the later round first, then the organisations only in the earlier one). A gone
    organisation follows its consent in the earlier round; both sides of a possible
    match are named only when both rounds gave consent, else both get a neutral label.
    """

    ronde_eerder: str
    ronde_nu: str
    eerder: pd.DataFrame
    nu: pd.DataFrame
    nieuw: pd.DataFrame
    weg: pd.DataFrame
    changes: pd.DataFrame
    matches: pd.DataFrame
    coverage_eerder: pd.DataFrame
    coverage_nu: pd.DataFrame
    names: pd.Series = field(default_factory=lambda: pd.Series(dtype=object))

    @property
    def veranderd(self) -> list[str]:
        """Ids of the organisations in both rounds with at least one clear change, in the order of the later round."""
        clear = set(self.changes.loc[self.changes["duidelijk"].astype(bool), "organisatie_id"])
        return [i for i in self.nu["organisatie_id"] if i in clear]

    def counts(self) -> dict[str, int]:
        """``nieuw``, ``weg``, ``veranderd``, ``gelijk`` (in both, no clear change), ``bevestigen`` (possible matches)."""
        both = set(self.nu["organisatie_id"]) & set(self.eerder["organisatie_id"])
        return {"nieuw": len(self.nieuw), "weg": len(self.weg), "veranderd": len(self.veranderd),
                "gelijk": len(both) - len(self.veranderd), "bevestigen": len(self.matches)}

    def coverage_table(self) -> pd.DataFrame:
        """Per wijk (in either round) and role: organisations that fit ``eerder`` and ``nu`` (columns ``(rol, ronde)``)."""
        wijken = list(dict.fromkeys([*self.coverage_nu.index, *self.coverage_eerder.index]))
        then = self.coverage_eerder.reindex(index=wijken, columns=list(ROLES), fill_value=0).fillna(0).astype(int)
        now = self.coverage_nu.reindex(index=wijken, columns=list(ROLES), fill_value=0).fillna(0).astype(int)
        table = pd.concat({"eerder": then, "nu": now}, axis=1).swaplevel(axis=1)
        return table.reindex(columns=pd.MultiIndex.from_product([list(ROLES), ["eerder", "nu"]])).rename_axis("wijk")


def normalised_name(naam) -> str:
    """A name as compared between rounds: lower case, no accents, punctuation or double spaces."""
    return " ".join(normalise_header(naam).split("_"))


def gemeente_rounds(organisaties: pd.DataFrame, eerdere_rondes: pd.DataFrame, gemeente: str) -> list[pd.DataFrame]:
    """The rounds of one gemeente (a CBS code), oldest first: each a frame with a fresh index.

    ``organisaties`` is the current kaart and ``eerdere_rondes`` the earlier rounds
    (:class:`~buitenbeeld.ingest.interviews.IngestResult`); a table without rounds counts as one round.
    """
    frames = [f[f["gemeentecode"] == gemeente] for f in (eerdere_rondes, organisaties)
              if len(f) and "gemeentecode" in f]
    if not frames:
        return []
    alle = pd.concat(frames, ignore_index=True)
    if "ronde_nr" not in alle:
        return [alle]
    return [group.reset_index(drop=True) for _, group in alle.groupby("ronde_nr", sort=True)]


def _roles(value) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, (list, tuple)) else ()


def _wijken(value) -> set[str]:
    return {str(w).strip().lower() for w in value} if isinstance(value, (list, tuple)) else set()


def _range(row: pd.Series) -> tuple[float, float, float] | None:
    """Reach as (value, low, high); None when unknown.

    An estimate without a range of its own (``ca. 40``) spans :data:`ESTIMATE_MARGIN`
    either side; an open one (``40+``) has no upper bound.
    """
    value = row.get("jongeren_bereik")
    if is_missing(value):
        return None
    value = float(value)
    low, high = row.get("jongeren_bereik_min"), row.get("jongeren_bereik_max")
    estimate = bool(row.get("jongeren_bereik_geschat")) if not is_missing(row.get("jongeren_bereik_geschat")) else False
    low = value if is_missing(low) else float(low)
    high = (math.inf if estimate else value) if is_missing(high) else float(high)
    if estimate and low == high == value:
        low, high = value * (1 - ESTIMATE_MARGIN), value * (1 + ESTIMATE_MARGIN)
    return value, low, high


def _reach_direction(before: pd.Series, after: pd.Series) -> str:
    a, b = _range(before), _range(after)
    if a is None or b is None:
        return "gelijk" if a is None and b is None else "niet te vergelijken"
    if a[0] == b[0] and a[1:] == b[1:]:
        return "gelijk"
    if b[1] > a[2]:
        return "hoger"
    if b[2] < a[1]:
        return "lager"
    return "ongeveer gelijk"


def _changes_of(org_id: str, before: pd.Series, after: pd.Series) -> list[dict]:
    rows = []
    if before.get("type") != after.get("type"):
        rows.append({"organisatie_id": org_id, "wat": "type", "eerder": before.get("type"), "nu": after.get("type"),
                     "erbij": (), "eraf": (), "richting": "", "duidelijk": True})
    for column in ("rollen_nu", "rollen_bereid"):
        then, now = _roles(before.get(column)), _roles(after.get(column))
        added = tuple(r for r in ROLES if r in now and r not in then)
        dropped = tuple(r for r in ROLES if r in then and r not in now)
        if added or dropped:
            rows.append({"organisatie_id": org_id, "wat": column, "eerder": then, "nu": now, "erbij": added,
                         "eraf": dropped, "richting": "", "duidelijk": True})
    direction = _reach_direction(before, after)
    if direction != "gelijk":
        rows.append({"organisatie_id": org_id, "wat": "jongeren_bereik", "eerder": before.get("jongeren_bereik"),
                     "nu": after.get("jongeren_bereik"), "erbij": (), "eraf": (), "richting": direction,
                     "duidelijk": direction in ("hoger", "lager")})
    return rows


def _possible_matches(gone: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Pairs of a gone and a new organisation with the same normalised name whose type or wijk agrees (each used once)."""
    rows, used = [], set()
    for _, old in gone.iterrows():
        for _, cand in new.iterrows():
            if cand["organisatie_id"] in used or normalised_name(old["naam"]) != normalised_name(cand["naam"]):
                continue
            same_type = old.get("type") == cand.get("type")
            same_wijk = bool(_wijken(old.get("wijk")) & _wijken(cand.get("wijk")))
            if not (same_type or same_wijk):
                continue
            agree = "naam, type en wijk" if same_type and same_wijk else "naam en type" if same_type else "naam en wijk"
            rows.append({"organisatie_id_eerder": old["organisatie_id"], "organisatie_id_nu": cand["organisatie_id"],
                         "naam_eerder": old["naam"], "naam_nu": cand["naam"], "type_eerder": old.get("type"),
                         "type_nu": cand.get("type"), "overeenkomst": agree})
            used.add(cand["organisatie_id"])
            break
    return pd.DataFrame(rows, columns=MATCH_COLUMNS)


def _coverage(organisaties: pd.DataFrame, config: ScoringConfig) -> pd.DataFrame:
    if organisaties.empty:
        return pd.DataFrame(columns=list(ROLES))
    advice = advise_roles(organisaties, compute_profiles(organisaties, config), config)
    return wijk_role_coverage(organisaties, advice)


def _label(frame: pd.DataFrame) -> str:
    if "ronde_label" in frame and len(frame):
        return str(frame["ronde_label"].iloc[0])
    return "ronde"


def compare_rounds(earlier: pd.DataFrame, current: pd.DataFrame, config: ScoringConfig | None = None) -> KaartChanges:
    """What changed in one gemeente's sociale kaart from round ``earlier`` to round ``current``.

    Both are organisations tables of one gemeente (one round each, as
    :func:`gemeente_rounds` gives them). ``config`` is the scoring configuration of
    the role advice behind the coverage per wijk (default: the shipped one).
    """
    config = config or load_config()
    earlier, current = earlier.reset_index(drop=True), current.reset_index(drop=True)
    old_ids, new_ids = set(earlier["organisatie_id"]), set(current["organisatie_id"])
    gone = earlier[~earlier["organisatie_id"].isin(new_ids)]
    new = current[~current["organisatie_id"].isin(old_ids)]
    matches = _possible_matches(gone, new)
    gone = gone[~gone["organisatie_id"].isin(set(matches["organisatie_id_eerder"]))].reset_index(drop=True)
    new = new[~new["organisatie_id"].isin(set(matches["organisatie_id_nu"]))].reset_index(drop=True)
    before = earlier.drop_duplicates("organisatie_id").set_index("organisatie_id", drop=False)
    rows = []
    for _, after in current.iterrows():
        if after["organisatie_id"] in old_ids:
            rows += _changes_of(after["organisatie_id"], before.loc[after["organisatie_id"]], after)
    return KaartChanges(
        ronde_eerder=_label(earlier), ronde_nu=_label(current), eerder=earlier, nu=current, nieuw=new, weg=gone,
        changes=pd.DataFrame(rows, columns=CHANGE_COLUMNS), matches=matches,
        coverage_eerder=_coverage(earlier, config), coverage_nu=_coverage(current, config),
        names=_shown_names(earlier, current, matches),
    )


def _consent(value) -> bool:
    return False if is_missing(value) else bool(value)


def _shown_names(earlier: pd.DataFrame, current: pd.DataFrame, matches: pd.DataFrame) -> pd.Series:
    """Per ``organisatie_id`` the name a report may show (see :class:`KaartChanges`).

    The later round is named and lettered as in the report. An organisation only in
    the earlier round is named when it consented in that round, its last one. The two
    sides of a possible match are named only when both rounds consented; otherwise both
    get a neutral label, so the match (same name) cannot reveal a name that was not
    given: the earlier side gets its letter among the organisations only in the earlier
    round, a named later side a fresh letter after all others.
    """
    only_earlier = earlier[~earlier["organisatie_id"].isin(set(current["organisatie_id"]))].copy()
    consent_before = dict(zip(only_earlier["organisatie_id"], only_earlier["toestemming_publicatie"].map(_consent)))
    consent_now = dict(zip(current["organisatie_id"], current["toestemming_publicatie"].map(_consent)))
    hidden = [(old, now) for old, now in zip(matches["organisatie_id_eerder"], matches["organisatie_id_nu"])
              if not (consent_before.get(old, False) and consent_now.get(now, False))]
    only_earlier.loc[only_earlier["organisatie_id"].isin({old for old, _ in hidden}), "toestemming_publicatie"] = False
    relabel = current[current["organisatie_id"].isin({now for _, now in hidden if consent_now.get(now, False)})]
    shown = pd.concat([current, only_earlier, relabel.assign(toestemming_publicatie=False)], ignore_index=True)
    if shown.empty:
        return pd.Series(dtype=object, name="weergavenaam")
    names = pd.Series(display_names(shown).to_numpy(), index=shown["organisatie_id"].to_numpy(), name="weergavenaam")
    return names[~names.index.duplicated(keep="last")]  # a relabelled later side: its neutral label
