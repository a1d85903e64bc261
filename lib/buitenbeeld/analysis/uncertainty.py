"""How firm is a comparison? Ranks under other reasonable weights and estimates.

The weights in the configuration are choices, and many answers are estimates
(``ca. 40``, ``30-50``). The sensitivity analysis draws, many times, weights
around the configured ones (a Dirichlet distribution centred on them) and,
for every estimated answer, a value within its range; it recomputes the
sub-scores and the ranks within each group (the gemeente) for every draw.
Per organisation it reports the interval of its rank and the probability of
being among the first k. Everything is vectorised over organisations and draws.

Ranks are competition ranks: equal scores share the best rank, so ties add no
spurious uncertainty. Organisations whose sub-score is unknown get no rank.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from buitenbeeld.analysis.scoring import ScoringConfig, component_scores, load_config, transform_component

__all__ = ["competition_ranks", "sensitivity"]

def _ranks_in_block(block: np.ndarray) -> np.ndarray:
    """Competition ranks along axis 0 of one group's scores (m x D)."""
    m = block.shape[0]
    key = np.where(np.isnan(block), -np.inf, block).T  # D x m: each draw's scores contiguous
    order = np.argsort(-key, axis=1, kind="stable")
    ordered = np.take_along_axis(key, order, axis=1)
    new_value = np.ones(ordered.shape, dtype=bool)
    new_value[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    position = np.broadcast_to(np.arange(m), ordered.shape)
    first_of_tie = np.maximum.accumulate(np.where(new_value, position, 0), axis=1) + 1
    ranks = np.empty(ordered.shape)
    np.put_along_axis(ranks, order, first_of_tie, axis=1)
    return ranks.T


def competition_ranks(scores: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Rank ``scores`` (n x D) within ``groups`` (n,) per column: 1 = highest, ties share the best rank.

    NaN scores get NaN ranks and do not take a place from the others.
    """
    ranks = np.full(scores.shape, np.nan)
    if not len(scores):
        return ranks
    order = np.argsort(groups, kind="stable")
    _, starts = np.unique(groups[order], return_index=True)
    for start, stop in zip(starts, [*starts[1:], len(order)]):
        members = order[start:stop]  # groups are small (a gemeente), so each sort is cheap
        ranks[members] = _ranks_in_block(scores[members])
    ranks[np.isnan(scores)] = np.nan
    return ranks


def _draw_scores(frame: pd.DataFrame, config: ScoringConfig, role: str, draws: int,
                 rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Sub-scores under drawn weights and estimates (n x D), and the point scores (n,)."""
    parts = component_scores(frame, config, role)
    weights = config.weights(role)
    point = parts["point"]
    answered = ~np.isnan(point)
    known = answered @ weights >= config.min_beantwoord_gewicht - 1e-12
    concentration = float(config.gevoeligheid.get("concentratie", 50))
    drawn_weights = rng.dirichlet(weights * concentration, size=draws).T  # C x D
    filled = np.where(answered, point, 0.0)
    numerator = filled @ drawn_weights
    denominator = answered.astype(float) @ drawn_weights
    rows, columns = np.nonzero(answered & (parts["raw_low"] != parts["raw_high"]))
    if len(rows):  # every estimated answer: a value drawn within its range, then transformed
        low, high = parts["raw_low"][rows, columns], parts["raw_high"][rows, columns]
        raw = low[:, None] + rng.random((len(rows), draws)) * (high - low)[:, None]
        components = config.rollen[role]
        drawn = np.empty_like(raw)
        for c in np.unique(columns):
            at = columns == c
            drawn[at] = transform_component(raw[at], components[c])
        np.add.at(numerator, rows, drawn_weights[columns] * (drawn - filled[rows, columns][:, None]))
    with np.errstate(invalid="ignore", divide="ignore"):
        scores = config.schaal * numerator / denominator
        point_scores = config.schaal * (filled @ weights) / (answered @ weights)
    scores[~known] = np.nan
    point_scores[~known] = np.nan
    return scores, point_scores


def _percentile_ranks(ranks: np.ndarray, lower: float, upper: float) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper percentile per row, by partial sorting (ranks are whole numbers)."""
    draws = ranks.shape[1]
    low_at, high_at = int(np.floor(lower * (draws - 1))), int(np.ceil(upper * (draws - 1)))
    parted = np.partition(ranks, [low_at, high_at], axis=1)
    return parted[:, low_at], parted[:, high_at]


def sensitivity(organisaties: pd.DataFrame, role: str, config: ScoringConfig | None = None,
                group_column: str = "gemeentecode", draws: int | None = None,
                top_k: int | None = None, seed: int | None = None) -> pd.DataFrame:
    """Rank intervals and top-k probabilities of one role, per organisation.

    Returns a frame with the index of ``organisaties``: ``rang`` (the rank with
    the configured weights), ``rang_laag`` and ``rang_hoog`` (the 5th and 95th
    percentile of the rank over the draws), ``kans_top_k`` (share of draws in
    which the organisation is among the first ``top_k`` of its group) and
    ``groepsgrootte`` (organisations with a known sub-score in the group).
    """
    config = config or load_config()
    settings = config.gevoeligheid
    draws = int(draws or settings.get("trekkingen", 1000))
    top_k = int(top_k or settings.get("top_k", 3))
    rng = np.random.default_rng(settings.get("seed", 0) if seed is None else seed)
    groups = organisaties[group_column].to_numpy() if len(organisaties) else np.array([])
    scores, point = _draw_scores(organisaties, config, role, draws, rng)
    ranks = competition_ranks(scores, groups)
    point_rank = competition_ranks(point[:, None], groups)[:, 0]
    known = ~np.isnan(point)
    low, high = _percentile_ranks(np.where(known[:, None], ranks, 0.0), 0.05, 0.95)
    group_size = pd.Series(known).groupby(groups).transform("sum").to_numpy() if len(groups) else np.array([])
    return pd.DataFrame({
        "rang": point_rank,
        "rang_laag": np.where(known, low, np.nan),
        "rang_hoog": np.where(known, high, np.nan),
        "kans_top_k": np.where(known, (ranks <= top_k).mean(axis=1), np.nan),
        "groepsgrootte": group_size,
    }, index=organisaties.index)
