"""Ranks, sensitivity and comparisons: known answers by hand."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from buitenbeeld.analysis.compare import positions, reach_gap, reach_gap_summary, uncovered_wijken, wijk_role_coverage
from buitenbeeld.analysis.scoring import compute_profiles, load_config
from buitenbeeld.analysis.uncertainty import competition_ranks, sensitivity
from test_scoring import frame, organisation


def test_competition_ranks_share_the_best_rank_on_ties_and_skip_unknowns():
    scores = np.array([[5, 1], [7, 1], [5, np.nan], [3, 2], [9, 9]], dtype=float)
    groups = np.array(["a", "a", "a", "b", "b"])
    ranks = competition_ranks(scores, groups)
    np.testing.assert_array_equal(ranks, [[2, 1], [1, 1], [2, np.nan], [2, 2], [1, 1]])


def test_competition_ranks_after_a_tie_skip_places():
    ranks = competition_ranks(np.array([[4.0], [4.0], [1.0]]), np.array(["g", "g", "g"]))
    assert ranks[:, 0].tolist() == [1.0, 1.0, 3.0]


def _three_clubs(middle="30"):
    return frame(
        organisation(organisatie_id="a", jongeren_bereik=100, jongeren_buiten_beeld=30, jongeren_zorgwekkend=10,
                     vertrouwensband=5),
        organisation(organisatie_id="b", jongeren_bereik=middle, jongeren_buiten_beeld=8, jongeren_zorgwekkend=2,
                     vertrouwensband=3),
        organisation(organisatie_id="c", jongeren_bereik=5, jongeren_buiten_beeld=1, jongeren_zorgwekkend=0, vertrouwensband=1),
        organisation(organisatie_id="d", jongeren_bereik=5),  # bereiken unknown: no rank
    )


def test_fixed_weights_and_exact_answers_give_certain_ranks(tmp_path):
    config = load_config()
    config.gevoeligheid["concentratie"] = 1e9  # weights (almost) exactly as configured
    result = sensitivity(_three_clubs(), "bereiken", config, draws=200, top_k=1, seed=1)
    assert result["rang"].tolist()[:3] == [1.0, 2.0, 3.0]
    assert result["rang_laag"].tolist()[:3] == [1.0, 2.0, 3.0] and result["rang_hoog"].tolist()[:3] == [1.0, 2.0, 3.0]
    assert result["kans_top_k"].tolist()[:3] == [1.0, 0.0, 0.0]
    assert np.isnan(result.loc[3, "rang"]) and np.isnan(result.loc[3, "kans_top_k"])
    assert result["groepsgrootte"].tolist() == [3, 3, 3, 3]


def test_an_estimate_that_straddles_another_makes_the_rank_uncertain():
    config = load_config()
    config.gevoeligheid["concentratie"] = 1e9
    clubs = frame(
        organisation(organisatie_id="a", jongeren_bereik=40, jongeren_buiten_beeld=10, jongeren_zorgwekkend=3, vertrouwensband=3),
        organisation(organisatie_id="b", jongeren_bereik="10-200", jongeren_buiten_beeld=10, jongeren_zorgwekkend=3,
                     vertrouwensband=3),
    )
    result = sensitivity(clubs, "bereiken", config, draws=2000, top_k=1, seed=3)
    assert result["rang_laag"].tolist() == [1.0, 1.0] and result["rang_hoog"].tolist() == [2.0, 2.0]
    # b is drawn uniformly in 10..200 and beats a when it draws above 40: probability 160/190
    assert result.loc[1, "kans_top_k"] == pytest.approx(160 / 190, abs=0.03)
    assert result["kans_top_k"].sum() == pytest.approx(1.0)


def test_sensitivity_is_reproducible_with_the_seed():
    first = sensitivity(_three_clubs("10-60"), "bereiken", draws=300, seed=7)
    second = sensitivity(_three_clubs("10-60"), "bereiken", draws=300, seed=7)
    pd.testing.assert_frame_equal(first, second)


def test_positions_within_gemeente_type_and_data():
    clubs = _three_clubs()
    clubs.loc[2, "type"] = "formeel"
    clubs.loc[3, "gemeentecode"] = "GM0363"
    profiles = compute_profiles(clubs)
    result = positions(clubs, profiles)
    assert result["bereiken_rang_gemeente"].tolist()[:3] == [1.0, 2.0, 3.0]
    assert result["bereiken_rang_type"].tolist()[:3] == [1.0, 2.0, 1.0]  # c is the only formal one
    # among the two hobby organisations with a known score: a is above b
    assert result["bereiken_positie_type"].tolist()[:2] == [1.0, 0.0]
    assert np.isnan(result.loc[2, "bereiken_positie_type"])  # nobody else of its type


def test_reach_gap_by_hand():
    clubs = frame(
        organisation(organisatie_id="a", jongeren_buiten_beeld=10),
        organisation(organisatie_id="b", jongeren_buiten_beeld="20-40"),
        organisation(organisatie_id="c", jongeren_buiten_beeld="onbekend"),
    )
    clubs["inschatting_gemeente_buiten_beeld"] = [25.0, 30.0, 50.0]
    gap = reach_gap(clubs)
    assert gap["organisatie_id"].tolist() == ["a", "b"]  # c has no interview answer
    assert gap["verschil"].tolist() == [15.0, 0.0]
    assert gap["verhouding"].tolist() == [2.5, 1.0]
    summary = reach_gap_summary(gap)
    assert summary == {"organisaties": 2, "te_hoog": 0.5, "mediaan_verhouding": 1.75,
                       "som_inschatting": 55.0, "som_interview": 40.0}


def test_wijk_role_coverage_and_uncovered_wijken():
    organisaties = pd.DataFrame({"wijk": [("Noord", "Zuid"), ("Noord",), ()]})
    advice = pd.DataFrame({
        "advies_bereiken": ["past", "past", "met zorg"], "advies_activeren": ["met zorg", "past", "past"],
        "advies_plaatsen": ["niet aanbevolen", "past", "past"], "advies_behouden": ["met zorg"] * 3,
    })
    coverage = wijk_role_coverage(organisaties, advice)
    assert coverage.loc["Noord"].tolist() == [2, 1, 1, 0]
    assert coverage.loc["Zuid"].tolist() == [1, 0, 0, 0]
    assert coverage.index[-1] == "(wijk onbekend)"
    assert uncovered_wijken(coverage) == {"bereiken": [], "plaatsen": ["Zuid"]}
