"""Comparing organisations: positions within the gemeente and the type, the gemeente's
prior estimate of reach against the interview, and the roles covered per wijk.

A position says where an organisation stands on one strength among the
others, not whether it does well: the sociale kaart is not a test.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from buitenbeeld.analysis.scoring import ScoringConfig
from buitenbeeld.analysis.sociale_kaart import NO_WIJK
from buitenbeeld.analysis.uncertainty import competition_ranks
from buitenbeeld.common.formatting import format_number
from buitenbeeld.common.vocabulary import ROLES

__all__ = [
    "Comparison", "compare_organisations", "positions", "reach_gap", "reach_gap_summary",
    "wijk_role_coverage", "uncovered_wijken",
]


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


@dataclass
class Comparison:
    """Everything a comparison of one gemeente's organisations shows.

    ``organisaties`` are the gemeente's (after the type filter); ``profiles``,
    ``advice`` and ``positions`` share their index; positions against the same
    type use all organisations in the data. ``sensitivity`` holds per role the
    rank intervals; ``names`` the names a report may show (neutral labels
    without consent).
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
            return pd.DataFrame(columns=["type", "past", "met zorg", "let op (gemeente)"]).rename_axis("organisatie")
        frame = pd.DataFrame({
            "type": self.organisaties["type"],
            "past": self.advice["passende_rollen"].map(", ".join),
            "met zorg": self.advice["rollen_met_zorg"].map(", ".join),
            "let op (gemeente)": self.advice["conflict_toelichting"],
        })
        frame.index = self.names[frame.index]
        return frame.rename_axis("organisatie")

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
    from buitenbeeld.analysis.scoring import compute_profiles, load_config
    from buitenbeeld.analysis.sociale_kaart import display_names
    from buitenbeeld.analysis.uncertainty import sensitivity

    config = config or load_config()
    if alle.empty or "gemeentecode" not in alle:  # no organisation loaded at all
        empty = pd.DataFrame()
        return Comparison(config, empty, pd.Series(dtype=str), empty, empty, empty, {},
                          pd.DataFrame(columns=list(ROLES)), empty)
    alle = alle.reset_index(drop=True)
    all_profiles = compute_profiles(alle, config)
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
    )
