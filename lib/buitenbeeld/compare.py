"""Comparing organisations: positions within the gemeente and the type, the gemeente's
prior estimate of reach against the interview, and the roles covered per wijk.

A position says where an organisation stands on one strength among the
others, not whether it does well: the sociale kaart is not a test.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .sociale_kaart import NO_WIJK
from .uncertainty import competition_ranks
from .values import ROLES

__all__ = ["positions", "reach_gap", "reach_gap_summary", "wijk_role_coverage", "uncovered_wijken"]


def positions(organisaties: pd.DataFrame, profiles: pd.DataFrame) -> pd.DataFrame:
    """Per role: rank in the gemeente, rank among the same type in the gemeente, and the
    share of all organisations of the same type in the data with a lower sub-score.

    Columns ``<role>_rang_gemeente``, ``<role>_rang_type`` and ``<role>_positie_type``
    (0-1; NaN when the sub-score is unknown).
    """
    result = pd.DataFrame(index=organisaties.index)
    gemeente = organisaties["gemeentecode"].to_numpy()
    gemeente_type = (organisaties["gemeentecode"] + "|" + organisaties["type"]).to_numpy()
    for role in ROLES:
        scores = profiles[role].to_numpy(dtype=float)[:, None]
        result[f"{role}_rang_gemeente"] = competition_ranks(scores, gemeente)[:, 0]
        result[f"{role}_rang_type"] = competition_ranks(scores, gemeente_type)[:, 0]
        by_type = profiles[role].groupby(organisaties["type"])
        lower = by_type.rank(method="min") - 1  # organisations of the type with a lower score
        others = by_type.transform("count") - 1
        with np.errstate(invalid="ignore", divide="ignore"):
            result[f"{role}_positie_type"] = np.where(others > 0, lower / others.where(others > 0), np.nan)
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
