"""Comparing organisations: positions within the gemeente and the type, the gemeente's
prior estimate of reach against the interview, and the roles covered per wijk.

A position says where an organisation stands on one strength among the
others, not whether it does well: the sociale kaart is not a test. What a
public report shows of it is a band (:func:`type_bands`): *sterk*, *gemiddeld*
or *beperkt* among organisations of the same type, with the other bands the
sensitivity analysis leaves open; ranks of named organisations are for the
research notebook only.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from buitenbeeld.analysis.scoring import ScoringConfig
from buitenbeeld.analysis.sociale_kaart import NO_WIJK
from buitenbeeld.analysis.uncertainty import competition_ranks, sensitivity
from buitenbeeld.common.formatting import escape, format_count, format_number
from buitenbeeld.common.vocabulary import ROLES
from buitenbeeld.privacy.disclosure import DEFAULT_THRESHOLD, show_count

__all__ = [
    "Comparison", "compare_organisations", "positions", "reach_gap", "reach_gap_summary",
    "wijk_role_coverage", "uncovered_wijken", "BANDS", "type_bands", "types_sentence", "gaps_sentence",
    "reach_gap_views",
]

#: The bands of a position among organisations of the same type, strongest first.
BANDS = ("sterk", "gemiddeld", "beperkt")
UNKNOWN_BAND, TOO_FEW = "onbekend", "te weinig om te vergelijken"
#: The band table's last column: with how many organisations of the same type it compares.
COMPARED_WITH = "Vergeleken met (aantal van dit type)"


def positions(organisaties: pd.DataFrame, profiles: pd.DataFrame, gemeente: str | None = None) -> pd.DataFrame:
    """Per role: rank in the gemeente, rank among the same type in the gemeente, and the
    share of all organisations of the same type in the data with a lower sub-score.

    Columns ``<role>_rang_gemeente``, ``<role>_rang_type`` and ``<role>_positie_type``
    (0-1; NaN when the sub-score is unknown). With ``gemeente`` (a CBS code) only
    that gemeente's rows are returned; ranks are computed for them alone, which is
    exact (a rank is within the gemeente) and saves ranking every other gemeente.
    """
    rows = organisaties["gemeentecode"] == gemeente if gemeente else pd.Series(True, index=organisaties.index)
    own = organisaties[rows]
    result = pd.DataFrame(index=own.index)
    by_gemeente = own["gemeentecode"].to_numpy()
    by_gemeente_type = (own["gemeentecode"] + "|" + own["type"]).to_numpy()
    for role in ROLES:
        scores = profiles.loc[own.index, role].to_numpy(dtype=float)[:, None]
        result[f"{role}_rang_gemeente"] = competition_ranks(scores, by_gemeente)[:, 0]
        result[f"{role}_rang_type"] = competition_ranks(scores, by_gemeente_type)[:, 0]
        by_type = profiles[role].groupby(organisaties["type"])
        lower = by_type.rank(method="min") - 1  # organisations of the type with a lower score
        others = by_type.transform("count") - 1
        with np.errstate(invalid="ignore", divide="ignore"):
            share = pd.Series(np.where(others > 0, lower / others.where(others > 0), np.nan), index=organisaties.index)
        result[f"{role}_positie_type"] = share[own.index]
    return result


#: The national profiles and ranks by type, per content of ``alle``: every report of a batch compares against
#: the same organisations, so a warm kernel computes them once (seeded, so the same as computing them again).
_TYPE_RANKS: dict[tuple, pd.DataFrame] = {}
_PROFILES: dict[tuple, pd.DataFrame] = {}


def _content(alle: pd.DataFrame) -> int:
    """What the national caches are keyed by: the content of every organisation (about 20 ms for 7,000)."""
    return int(pd.util.hash_pandas_object(alle, index=True).sum())


def _config_key(config: ScoringConfig) -> str:
    """The content of a scoring configuration that profiles and ranks depend on (not its name or version:
    a file edited without a new ``versie`` gives other profiles)."""
    return repr((config.schaal, config.min_beantwoord_gewicht, config.min_beantwoord_vragen, config.rollen,
                 sorted(config.gevoeligheid.items())))


def _national_profiles(alle: pd.DataFrame, config: ScoringConfig, content: int) -> pd.DataFrame:
    from buitenbeeld.analysis.scoring import compute_profiles
    key = (_config_key(config), content)
    if key not in _PROFILES:
        if len(_PROFILES) >= 4:
            _PROFILES.clear()
        _PROFILES[key] = compute_profiles(alle, config)
    return _PROFILES[key].copy()


def _type_ranks(alle: pd.DataFrame, role: str, config: ScoringConfig, draws: int | None,
                content: int | None = None) -> pd.DataFrame:
    key = (role, _config_key(config), draws, _content(alle) if content is None else content)
    if key not in _TYPE_RANKS:
        if len(_TYPE_RANKS) >= 16:  # a long-lived kernel that reads other data: keep the cache small
            _TYPE_RANKS.clear()
        _TYPE_RANKS[key] = sensitivity(alle, role, config, group_column="type", draws=draws)
    return _TYPE_RANKS[key]


def type_bands(alle: pd.DataFrame, profiles: pd.DataFrame, index: pd.Index, config: ScoringConfig,
               draws: int | None = None, content: int | None = None) -> pd.DataFrame:
    """Per organisation of ``index`` and role: its band among the organisations of the same type in ``alle``.

    The position runs from 0 (the highest sub-score of the type) to 1 (the lowest);
    equal sub-scores share the middle of their places, so a type whose organisations
    all score the same is *gemiddeld* throughout. The first third is *sterk*, the last
    *beperkt*, the rest *gemiddeld*. The sensitivity analysis
    (:func:`~buitenbeeld.analysis.uncertainty.sensitivity`, grouped by type) gives the
    5th to 95th percentile of the place under other weights and estimates;
    ``<rol>_ook`` holds the other bands within it (empty: the band is firm).
    ``<rol>_band`` is ``onbekend`` when the sub-score is unknown, and ``te weinig om te
    vergelijken`` when fewer than ``[gevoeligheid] min_vergelijkbaar`` (5) organisations
    of the type have a known one; ``<rol>_vergeleken`` is that number. ``content`` is the
    key of ``alle`` for the national cache when the caller has it already.
    """
    minimum = int(config.gevoeligheid.get("min_vergelijkbaar", 5))
    content = _content(alle) if content is None else content
    result = pd.DataFrame(index=index)
    for role in ROLES:
        ranks = _type_ranks(alle, role, config, draws, content).loc[index]
        scores = profiles.loc[index, role]
        known_all = profiles[role].dropna()
        ties = known_all.groupby([alle.loc[known_all.index, "type"], known_all.round(9)]).transform("size")
        size = ranks["groepsgrootte"].to_numpy(dtype=float)
        half_tie = (ties.reindex(index).to_numpy(dtype=float) - 1) / 2
        with np.errstate(divide="ignore", invalid="ignore"):  # unknown or too few: decided below, not by the place
            places = [np.where(positions < 1 / 3, 0, np.where(positions > 2 / 3, 2, 1))
                      for positions in ((ranks[column].to_numpy(dtype=float) - 1 + half_tie) / (size - 1)
                                        for column in ("rang", "rang_laag", "rang_hoog"))]
        unknown, too_few = scores.isna().to_numpy(), size < minimum
        bands = [UNKNOWN_BAND if u else TOO_FEW if f else BANDS[p] for u, f, p in zip(unknown, too_few, places[0])]
        others = [() if u or f else tuple(BANDS[i] for i in range(min(p, lo, hi), max(p, lo, hi) + 1) if i != p)
                  for u, f, p, lo, hi in zip(unknown, too_few, *places)]
        result[f"{role}_band"] = bands
        result[f"{role}_ook"] = others
        result[f"{role}_vergeleken"] = ranks["groepsgrootte"].astype(int)
    return result


def reach_gap(organisaties: pd.DataFrame) -> pd.DataFrame:
    """The gemeente's prior estimate of young people buiten beeld against the interview answer.

    Only organisations with both numbers. ``verschil`` is estimate minus interview;
    ``verhouding`` is estimate / interview (NaN when the interview says 0).
    """
    both = organisaties.dropna(subset=["inschatting_gemeente_buiten_beeld", "jongeren_buiten_beeld"])
    estimate = both["inschatting_gemeente_buiten_beeld"]
    interview = both["jongeren_buiten_beeld"]
    return pd.DataFrame({
        "organisatie_id": both["organisatie_id"],
        "type": both["type"],
        "inschatting_gemeente": estimate,
        "interview": interview,
        "interview_geschat": both.get("jongeren_buiten_beeld_geschat", False),
        "verschil": estimate - interview,
        "verhouding": estimate / interview.where(interview > 0),
    })


def reach_gap_summary(gap: pd.DataFrame) -> dict[str, float]:
    """How far the gemeente's estimates were from the interviews, in a few numbers."""
    if gap.empty:
        return {"organisaties": 0, "te_hoog": np.nan, "mediaan_verhouding": np.nan,
                "som_inschatting": np.nan, "som_interview": np.nan}
    return {
        "organisaties": int(len(gap)),
        "te_hoog": float((gap["verschil"] > 0).mean()),
        "mediaan_verhouding": float(gap["verhouding"].median()),
        "som_inschatting": float(gap["inschatting_gemeente"].sum()),
        "som_interview": float(gap["interview"].sum()),
    }


def wijk_role_coverage(organisaties: pd.DataFrame, advice: pd.DataFrame) -> pd.DataFrame:
    """Wijk x role: how many organisations working in the wijk fit the role (advice "past")."""
    frame = pd.DataFrame({"wijk": organisaties["wijk"].map(lambda w: list(w) if len(w) else [NO_WIJK])})
    for role in ROLES:
        frame[role] = (advice[f"advies_{role}"] == "past").astype(int)
    exploded = frame.explode("wijk")
    table = exploded.groupby("wijk")[list(ROLES)].sum()
    order = sorted(table.index, key=lambda w: (w == NO_WIJK, w))
    return table.reindex(order)


def uncovered_wijken(coverage: pd.DataFrame, roles: tuple[str, ...] = ("bereiken", "plaatsen")) -> dict[str, list[str]]:
    """Per role, the wijken (known ones) where no organisation fits it."""
    known = coverage.drop(index=NO_WIJK, errors="ignore")
    return {role: sorted(known.index[known[role] == 0]) for role in roles}


def _n(count, one: str, many: str) -> str:
    """``1 organisatie``, ``3 organisaties``: the count with the word in the right number."""
    return f"{format_count(count)} {one if count == 1 else many}"


def _listing(items: list, most: int = 5) -> str:
    """``A``, ``A en B``, ``A, B en C`` (escaped); more than ``most``: the first ones and how many more."""
    items = [escape(i) for i in items]
    if len(items) > most:
        return ", ".join(items[:most]) + f" en {len(items) - most} andere"
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " en " + items[-1]


def types_sentence(organisaties: pd.DataFrame) -> str:
    """In Dutch: how many organisations of how many types, and the most common type (a tie names them all)."""
    types = organisaties["type"].value_counts()
    top, most, total = sorted(types.index[types == types.iloc[0]]), int(types.iloc[0]), len(organisaties)
    text = f"De sociale kaart telt {_n(total, 'organisatie', 'organisaties')} van {_n(len(types), 'type', 'typen')}"
    if len(types) == 1:
        return text + "."
    if len(top) > 1:
        return text + f"; het vaakst komen {_listing(top, len(top))} voor (elk {most} van de {total})."
    if most > total / 2:
        return text + f"; de meeste zijn {escape(top[0])} ({most} van de {total})."
    return text + f"; het vaakst komt {escape(top[0])} voor ({most} van de {total})."


def gaps_sentence(coverage: pd.DataFrame) -> str | None:
    """In Dutch: the wijken where no fitting organisation is in view, per role the wijken that lack it; None when none."""
    gaps = {role: wijken for role, wijken in uncovered_wijken(coverage).items() if wijken} if len(coverage) else {}
    if not gaps:
        return None
    count = len({w for wijken in gaps.values() for w in wijken})
    per_role = "; ".join(f"voor {role} in {_listing(wijken)}" for role, wijken in gaps.items())
    return f"In {_n(count, 'wijk', 'wijken')} is geen organisatie in beeld die past: {per_role}."


def reach_gap_views(gap: pd.DataFrame, drempel: int = DEFAULT_THRESHOLD, short: bool = False) -> str | None:
    """In Dutch: the gemeente's estimate beforehand and the organisation's own answer, as two views; None without both.

    Neither is called right or too high: a gemeente may count every young person it sees
    at an organisation, and organisations are often *onbewust bekwaam* (they reach more
    than they know or count). Counts of young people go through ``show_count``.
    """
    if gap.empty:
        return None
    higher, lower = int((gap["verschil"] > 0).sum()), int((gap["verschil"] < 0).sum())
    views = (f"Bij {_n(len(gap), 'organisatie', 'organisaties')} zijn er twee getallen: de schatting van de gemeente "
             f"vooraf (samen {show_count(gap['inschatting_gemeente'].sum(), drempel)} jongeren buiten beeld) en het "
             f"eigen antwoord van de organisatie in het interview (samen {show_count(gap['interview'].sum(), drempel)})")
    if short:
        return views + "."
    equal = len(gap) - higher - lower
    sides = [part for part in (f"bij {higher} noemde de gemeente meer jongeren" if higher else "",
                               f"bij {lower} noemde de organisatie zelf meer" if lower else "",
                               f"bij {equal} was het getal gelijk" if equal else "") if part]
    joined = sides[0] if len(sides) == 1 else ", ".join(sides[:-1]) + " en " + sides[-1]
    return (f"{views}. {joined[0].upper()}{joined[1:]}. Geen van beide is vanzelf het juiste getal. Een gemeente telt "
            "soms alle jongeren die ze bij een organisatie ziet. Een organisatie is vaak *onbewust bekwaam*: ze bereikt "
            "meer jongeren dan ze zelf denkt of telt. Het verschil is een goede vraag voor het volgende gesprek, geen "
            "oordeel over de organisatie of over de gemeente.")


@dataclass
class Comparison:
    """Everything a comparison of one gemeente's organisations shows.

    ``organisaties`` are the gemeente's (after the type filter); ``profiles``,
    ``advice`` and ``positions`` share their index; positions against the same
    type use all organisations in the data. ``sensitivity`` holds per role the
    rank intervals; ``names`` the names a report may show (neutral labels
    without consent); ``bands`` per role the band among the same type
    (:func:`type_bands`).
    """

    config: ScoringConfig
    organisaties: pd.DataFrame
    names: pd.Series
    profiles: pd.DataFrame
    advice: pd.DataFrame
    positions: pd.DataFrame
    sensitivity: dict[str, pd.DataFrame]
    coverage: pd.DataFrame
    gap: pd.DataFrame
    bands: pd.DataFrame = field(default_factory=pd.DataFrame)

    def profile_table(self) -> pd.DataFrame:
        """Per organisation its four strengths, Dutch-formatted, with 'onbekend' and estimates marked."""
        rows, seen = {}, {}
        for index in self.profiles.index:
            row = {"type": self.organisaties.loc[index, "type"]}
            for role in ROLES:
                value = self.profiles.loc[index, role]
                text = "onbekend" if value != value else format_number(value)
                if value == value and self.profiles.loc[index, f"{role}_geschat"]:
                    low, high = self.profiles.loc[index, f"{role}_min"], self.profiles.loc[index, f"{role}_max"]
                    text = f"{text} ({format_number(low)}-{format_number(high)})" if high > low else f"ca. {text}"
                row[role] = text
            name = str(self.names[index])
            seen[name] = seen.get(name, 0) + 1
            rows[name if seen[name] == 1 else f"{name} ({seen[name]})"] = row  # two organisations, one name
        return pd.DataFrame.from_dict(rows, orient="index").rename_axis("organisatie")

    def advice_table(self) -> pd.DataFrame:
        """Per organisation: the roles that fit, those to approach with care, and conflicts with the gemeente's plans."""
        if self.advice.empty:
            return pd.DataFrame(columns=["type", "past", "met zorg", "let op bij de plannen van de gemeente"]
                                ).rename_axis("organisatie")
        frame = pd.DataFrame({
            "type": self.organisaties["type"],
            "past": self.advice["passende_rollen"].map(", ".join),
            "met zorg": self.advice["rollen_met_zorg"].map(", ".join),
            "let op bij de plannen van de gemeente": self.advice["conflict_toelichting"],
        })
        frame.index = self.names[frame.index]
        return frame.rename_axis("organisatie")

    def band_table(self) -> pd.DataFrame:
        """Per organisation and role its band among the same type, with the other bands it may be in.

        Columns ``Organisatie``, ``Type``, one per role (``sterk``, or ``sterk (kan ook
        gemiddeld zijn)`` when the sensitivity analysis leaves another band open) and
        :data:`COMPARED_WITH` (how many organisations of the type have a known sub-score, at most).
        """
        if self.bands.empty:
            return pd.DataFrame(columns=["Organisatie", "Type", *[r.capitalize() for r in ROLES], COMPARED_WITH])
        bands = self.bands
        table = pd.DataFrame({"Organisatie": self.names[bands.index].astype(str).to_numpy(),
                              "Type": self.organisaties.loc[bands.index, "type"].to_numpy()})
        for role in ROLES:
            table[role.capitalize()] = [band + (f" (kan ook {' of '.join(others)} zijn)" if others else "")
                                        for band, others in zip(bands[f"{role}_band"], bands[f"{role}_ook"])]
        table[COMPARED_WITH] = bands[[f"{r}_vergeleken" for r in ROLES]].max(axis=1).astype(int).to_numpy()
        return table

    def wishes_table(self) -> pd.DataFrame:
        """What each organisation asked for itself: its needs, the risks it sees, and how it rates working with the gemeente.

        Columns ``Organisatie``, ``Wat de organisatie nodig heeft``, ``Risico's die ze ziet`` and
        ``Samenwerking met de gemeente nu (1-5)``; only organisations that answered one of them.
        """
        columns = {"behoeften": "Wat de organisatie nodig heeft", "risicos": "Risico's die ze ziet",
                   "samenwerking_gemeente": "Samenwerking met de gemeente nu (1-5)"}
        if self.organisaties.empty:
            return pd.DataFrame(columns=["Organisatie", *columns.values()])
        frame = self.organisaties.reindex(columns=list(columns)).astype(object)
        frame = frame.where(frame.notna(), None)
        frame["behoeften"] = frame["behoeften"].map(lambda v: "" if v is None else str(v).strip())
        frame["risicos"] = frame["risicos"].map(lambda v: "" if v is None else str(v).strip())
        frame["samenwerking_gemeente"] = pd.array([None if v is None else int(v) for v in frame["samenwerking_gemeente"]],
                                                  dtype="Int64")
        answered = (frame["behoeften"] != "") | (frame["risicos"] != "") | frame["samenwerking_gemeente"].notna()
        frame = frame[answered].rename(columns=columns)
        frame.insert(0, "Organisatie", self.names[frame.index].astype(str).to_numpy())
        return frame.reset_index(drop=True)

    def summary_points(self, drempel: int = DEFAULT_THRESHOLD) -> list[str]:
        """The comparison's findings for a report's summary, in Dutch (a count of 0 is said only where it matters)."""
        if self.organisaties.empty:
            return []
        points = [types_sentence(self.organisaties)]
        fits = self.advice["passende_rollen"] if len(self.advice) else pd.Series(dtype=object)
        for role in ("bereiken", "plaatsen"):
            count = int(fits.map(lambda roles, r=role: r in roles).sum())
            points.append(f"Voor {role} {'past' if count == 1 else 'passen'} {_n(count, 'organisatie', 'organisaties')}."
                          if count else f"Voor {role} past (nog) geen organisatie.")
        points += [text for text in [gaps_sentence(self.coverage)] if text]
        conflicts = len(self.conflicts())
        if conflicts:
            points.append(f"Bij {_n(conflicts, 'organisatie', 'organisaties')} lopen de plannen van de gemeente en het "
                          "roladvies uiteen.")
        return points + [text for text in [reach_gap_views(self.gap, drempel, short=True)] if text]

    def cautions_by_type(self) -> pd.DataFrame:
        """The caution of the role advice (``let_op``) once per organisation type in the comparison.

        Columns ``type`` and ``let_op``, in the order the types first appear among
        the organisations; empty when there is no advice.
        """
        if self.advice.empty:
            return pd.DataFrame(columns=["type", "let_op"])
        with_type = self.advice.assign(type=self.organisaties["type"])
        return with_type.drop_duplicates("type")[["type", "let_op"]].reset_index(drop=True)

    def conflicts(self) -> pd.DataFrame:
        """The organisations whose role advice conflicts with what the gemeente has in mind for them.

        Columns ``organisatie`` (the name a report may show) and ``toelichting``
        (the advice's Dutch explanation), in the order of the organisations;
        empty when no advice conflicts.
        """
        if self.advice.empty:
            return pd.DataFrame(columns=["organisatie", "toelichting"])
        explanations = self.advice["conflict_toelichting"]
        conflicting = explanations[explanations != ""]
        return pd.DataFrame({"organisatie": self.names[conflicting.index].to_numpy(),
                             "toelichting": conflicting.to_numpy()})


def compare_organisations(alle: pd.DataFrame, gemeente: str, config: ScoringConfig | None = None,
                          types: list[str] | None = None, draws: int | None = None) -> Comparison:
    """Profiles, role advice, positions, sensitivity, coverage and reach gap for one gemeente.

    ``alle`` is every organisation in the data (for the position against the
    same type); ``gemeente`` a CBS code; ``types`` an optional filter.
    """
    from buitenbeeld.analysis.roles import advise_roles
    from buitenbeeld.analysis.scoring import load_config
    from buitenbeeld.analysis.sociale_kaart import display_names
    config = config or load_config()
    if alle.empty or "gemeentecode" not in alle:  # no organisation loaded at all
        empty = pd.DataFrame()
        return Comparison(config, empty, pd.Series(dtype=str), empty, empty, empty, {},
                          pd.DataFrame(columns=list(ROLES)), empty)
    alle = alle.reset_index(drop=True)
    content = _content(alle)
    all_profiles = _national_profiles(alle, config, content)
    own_positions = positions(alle, all_profiles, gemeente)
    mask = alle["gemeentecode"] == gemeente
    if types:
        mask &= alle["type"].isin(types)
    own = alle[mask]
    profiles = all_profiles[mask]
    advice = advise_roles(own, profiles, config) if len(own) else pd.DataFrame(index=own.index)
    return Comparison(
        config=config,
        organisaties=own,
        names=display_names(own) if len(own) else pd.Series(dtype=str),
        profiles=profiles,
        advice=advice,
        positions=own_positions.loc[own.index],
        sensitivity={role: sensitivity(own, role, config, draws=draws) for role in ROLES} if len(own) else {},
        coverage=wijk_role_coverage(own, advice) if len(own) else pd.DataFrame(columns=list(ROLES)),
        gap=reach_gap(own),
        bands=type_bands(alle, all_profiles, own.index, config, draws, content) if len(own) else pd.DataFrame(),
    )
