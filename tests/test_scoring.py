"""Profiles: the worked example of docs/scoring.md to the last decimal, properties, configuration."""
from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest
from conftest import REPO
from hypothesis import given, settings
from hypothesis import strategies as st

from buitenbeeld.analysis.scoring import DEFAULT_CONFIG, compute_profiles, load_config
from buitenbeeld.common.values import read_number
from buitenbeeld.common.vocabulary import LEEFGEBIEDEN
from buitenbeeld.errors import BuitenbeeldError

NUMBER_COLUMNS = ["jongeren_bereik", "jongeren_buiten_beeld", "jongeren_zorgwekkend", "gesprekken_per_maand",
                  "doorverwijzingen_12m", "plaatsingen_opleiding_12m", "plaatsingen_werk_12m",
                  "plaatsingen_stage_12m", "terugval_opgevangen_12m"]


def organisation(**answers) -> dict:
    """One organisation as the ingest produces it, from answers typed as in a workbook."""
    record = {"organisatie_id": answers.pop("organisatie_id", "x"), "gemeentecode": "GM0518", "type": "interesse/hobby",
              "vertrouwensband": answers.pop("vertrouwensband", None),
              "leefgebieden": answers.pop("leefgebieden", ()),
              "contact_na_plaatsing": answers.pop("contact_na_plaatsing", None)}
    for column in NUMBER_COLUMNS:
        number = read_number(answers.pop(column, "onbekend"))
        record.update({column: number.value, f"{column}_min": number.low, f"{column}_max": number.high,
                       f"{column}_geschat": number.estimate, f"{column}_onbekend": number.missing_reason})
    assert not answers, answers
    return record


def frame(*records) -> pd.DataFrame:
    result = pd.DataFrame(list(records))
    result["vertrouwensband"] = result["vertrouwensband"].astype("Int64")
    return result


BOXING_SCHOOL = organisation(
    jongeren_bereik="ca. 40", jongeren_buiten_beeld="10-20", jongeren_zorgwekkend="onbekend", vertrouwensband=4,
    leefgebieden=("werk & opleiding", "tijdsbesteding", "sociaal netwerk"), gesprekken_per_maand="12",
    doorverwijzingen_12m=5, plaatsingen_opleiding_12m=2, plaatsingen_werk_12m=3, plaatsingen_stage_12m=0,
    contact_na_plaatsing="soms", terugval_opgevangen_12m=1,
)


def test_worked_example_matches_docs_to_the_last_decimal():
    profile = compute_profiles(frame(BOXING_SCHOOL)).iloc[0]
    expected = {"bereiken": 7.9136, "activeren": 5.8887, "plaatsen": 3.9161, "behouden": 4.1563}
    for role, value in expected.items():
        assert round(profile[role], 4) == value, role
    assert (round(profile["bereiken_min"], 4), round(profile["bereiken_max"], 4)) == (7.4044, 8.2831)
    assert profile["bereiken_status"] == "gedeeltelijk" and bool(profile["bereiken_geschat"])
    assert profile["bereiken_reden"] == "ontbreekt: jongeren_zorgwekkend (onbekend)"
    assert profile["activeren_status"] == "volledig" and not profile["activeren_geschat"]
    docs = (REPO / "docs" / "scoring.md").read_text(encoding="utf-8")
    for value in ["7.9136", "7.4044", "8.2831", "5.8887", "3.9161", "4.1563"]:
        assert f"**{value}**" in docs or value in docs, value


def test_worked_example_by_hand():
    """The same numbers from the formula, written out independently of the code."""
    log = lambda x, ref: min(1.0, math.log1p(x) / math.log1p(ref))  # noqa: E731
    bereiken = 10 * (0.2 * log(40, 100) + 0.35 * log(15, 30) + 0.2 * 0.75) / 0.75
    plaatsen = 10 * (0.35 * log(2, 10) + 0.4 * log(3, 10) + 0.25 * 0)
    profile = compute_profiles(frame(BOXING_SCHOOL)).iloc[0]
    assert profile["bereiken"] == pytest.approx(bereiken, abs=1e-12)
    assert profile["plaatsen"] == pytest.approx(plaatsen, abs=1e-12)


def test_too_little_answered_is_unknown_with_the_reason():
    profile = compute_profiles(frame(organisation(jongeren_bereik=50, vertrouwensband=3))).iloc[0]
    assert math.isnan(profile["bereiken"]) and profile["bereiken_status"] == "onbekend"
    assert profile["bereiken_reden"].startswith("te weinig beantwoord (40% van het gewicht, 2 van 4 vragen)")
    assert "jongeren_buiten_beeld (onbekend)" in profile["bereiken_reden"]


def test_open_estimate_runs_to_one_and_a_half_times():
    profile = compute_profiles(frame(organisation(
        jongeren_bereik="40+", jongeren_buiten_beeld=10, jongeren_zorgwekkend=2, vertrouwensband=3))).iloc[0]
    log = lambda x, ref: min(1.0, math.log1p(x) / math.log1p(ref))  # noqa: E731
    base = 0.35 * log(10, 30) + 0.25 * log(2, 10) + 0.2 * 0.5
    assert profile["bereiken"] == pytest.approx(10 * (0.2 * log(40, 100) + base))
    assert profile["bereiken_max"] == pytest.approx(10 * (0.2 * log(60, 100) + base))
    assert profile["bereiken_min"] == pytest.approx(profile["bereiken"])


def test_a_missing_answer_never_equals_a_zero_answer():
    zero = compute_profiles(frame(organisation(plaatsingen_opleiding_12m=0, plaatsingen_werk_12m=3,
                                               plaatsingen_stage_12m=1))).iloc[0]
    missing = compute_profiles(frame(organisation(plaatsingen_opleiding_12m="onbekend", plaatsingen_werk_12m=3,
                                                  plaatsingen_stage_12m=1))).iloc[0]
    assert zero["plaatsen_status"] == "volledig" and missing["plaatsen_status"] == "gedeeltelijk"
    assert missing["plaatsen"] > zero["plaatsen"]  # the gap is not filled with a zero
    assert "plaatsingen_opleiding_12m (onbekend)" in missing["plaatsen_reden"]


counts = st.integers(min_value=0, max_value=5000)


def test_empty_leefgebieden_is_unknown_not_none():
    profile = compute_profiles(frame(organisation(gesprekken_per_maand=10, doorverwijzingen_12m=3))).iloc[0]
    assert profile["activeren_status"] == "gedeeltelijk"
    assert "leefgebieden (leeg)" in profile["activeren_reden"]


@settings(max_examples=200, deadline=None)
@given(counts, counts, st.integers(min_value=0, max_value=500), st.integers(min_value=1, max_value=5))
def test_more_reach_never_lowers_bereiken(reach, extra, buiten_beeld, trust):
    low = organisation(jongeren_bereik=reach, jongeren_buiten_beeld=buiten_beeld, jongeren_zorgwekkend=1,
                       vertrouwensband=trust)
    high = organisation(organisatie_id="y", jongeren_bereik=reach + extra, jongeren_buiten_beeld=buiten_beeld,
                        jongeren_zorgwekkend=1, vertrouwensband=trust)
    profiles = compute_profiles(frame(low, high))
    assert profiles.loc[1, "bereiken"] >= profiles.loc[0, "bereiken"]


@settings(max_examples=200, deadline=None)
@given(st.sets(st.sampled_from(LEEFGEBIEDEN), min_size=1, max_size=12), st.sampled_from(LEEFGEBIEDEN), counts, counts)
def test_adding_a_leefgebied_never_lowers_activeren(domains, added, talks, referrals):
    # from at least one: an empty cell is an unknown answer, not "no leefgebieden" (see the next test)
    before = organisation(leefgebieden=tuple(domains), gesprekken_per_maand=talks, doorverwijzingen_12m=referrals)
    after = organisation(organisatie_id="y", leefgebieden=tuple(domains | {added}), gesprekken_per_maand=talks,
                         doorverwijzingen_12m=referrals)
    profiles = compute_profiles(frame(before, after))
    if not np.isnan(profiles.loc[0, "activeren"]):
        assert profiles.loc[1, "activeren"] >= profiles.loc[0, "activeren"]


@settings(max_examples=50, deadline=None)
@given(st.permutations(range(5)), st.lists(counts, min_size=3, max_size=3))
def test_row_order_and_unrelated_organisations_do_not_change_a_profile(order, others):
    unrelated = [organisation(organisatie_id=f"o{i}", jongeren_bereik=n, jongeren_buiten_beeld=n // 2,
                              vertrouwensband=2, plaatsingen_werk_12m=n) for i, n in enumerate(others)]
    rows = [BOXING_SCHOOL, organisation(organisatie_id="z"), *unrelated]
    alone = compute_profiles(frame(BOXING_SCHOOL)).iloc[0]
    shuffled = frame(*[rows[i] for i in order])
    profiles = compute_profiles(shuffled)
    mine = profiles[shuffled["organisatie_id"] == "x"].iloc[0]
    pd.testing.assert_series_equal(mine, alone, check_names=False)


def test_changing_a_weight_in_the_configuration_changes_the_profile(tmp_path):
    copy = tmp_path / "scoring.toml"
    text = DEFAULT_CONFIG.read_text(encoding="utf-8")
    # give trust all of bereiken: the boxing school's bereiken becomes 10 * 0.75
    text = re.sub(r'(kolom = "vertrouwensband"\ntransformatie = "schaal"\ngewicht = )0.2', r"\g<1>1000", text)
    copy.write_text(text, encoding="utf-8")
    profile = compute_profiles(frame(BOXING_SCHOOL), load_config(copy)).iloc[0]
    assert profile["bereiken"] == pytest.approx(7.5, abs=0.01)
    assert profile["activeren"] == pytest.approx(5.8887, abs=1e-4)


@pytest.mark.parametrize("change,message", [
    (('transformatie = "schaal"', 'transformatie = "wortel"'), "transformatie must be one of"),
    (("referentie = 100", "referentie = 0"), "referentie must be a positive number"),
    (("min_beantwoord_gewicht = 0.6", "min_beantwoord_gewicht = 1.5"), "between 0 and 1"),
    (("rollen.behouden", "rollen.vasthouden"), "missing role(s) behouden"),
    (("min_beantwoord_vragen = 2", "min_beantwoord_vragen = 0"), "min_beantwoord_vragen: must be a whole number"),
])
def test_invalid_configuration_says_where(tmp_path, change, message):
    copy = tmp_path / "scoring.toml"
    copy.write_text(DEFAULT_CONFIG.read_text(encoding="utf-8").replace(*change), encoding="utf-8")
    with pytest.raises(BuitenbeeldError, match=re.escape(message)) as info:
        load_config(copy)
    assert str(copy) in str(info.value)


def test_shipped_configuration_is_versioned_and_documented():
    config = load_config()
    assert config.versie == "2026.2" and config.schaal == 10 and config.min_beantwoord_vragen == 2
    assert all(config.uitleg[role] for role in config.rollen)
    assert (REPO / "docs" / "scoring.md").read_text(encoding="utf-8").count("2026.2") >= 1


def test_behouden_never_rests_on_one_answer_as_docs_scoring_promises():
    """Known answers: contact_na_plaatsing alone carries 60% of behouden, which met the share rule by itself;
    with one answer behouden was exactly 0, 5 or 10. It is unknown now, and two answers give the formula."""
    log = lambda x, ref: min(1.0, math.log1p(x) / math.log1p(ref))  # noqa: E731
    alone = [organisation(organisatie_id=k, contact_na_plaatsing=k) for k in ("ja", "soms", "nee")]
    profiles = compute_profiles(frame(*alone))
    assert profiles["behouden"].isna().all() and (profiles["behouden_status"] == "onbekend").all()
    assert profiles["behouden_reden"].str.startswith("te weinig beantwoord (60% van het gewicht, 1 van 2 vragen)").all()
    both = compute_profiles(frame(organisation(contact_na_plaatsing="soms", terugval_opgevangen_12m=3))).iloc[0]
    assert both["behouden"] == pytest.approx(10 * (0.6 * 0.5 + 0.4 * log(3, 10)), abs=1e-12)
    assert both["behouden_status"] == "volledig"
    docs = (REPO / "docs" / "scoring.md").read_text(encoding="utf-8")
    assert "keep a sub-score from resting on one answer" in docs and "min_beantwoord_vragen" in docs


def test_the_sensitivity_analysis_keeps_the_same_minimum():
    from buitenbeeld.analysis.uncertainty import sensitivity

    rows = [organisation(organisatie_id="een", contact_na_plaatsing="ja"),
            organisation(organisatie_id="twee", contact_na_plaatsing="soms", terugval_opgevangen_12m=1)]
    ranks = sensitivity(frame(*rows), "behouden", draws=20)
    assert math.isnan(ranks["rang"].iloc[0]) and ranks["rang"].iloc[1] == 1  # one answer: no rank, not first


def test_the_formula_table_for_readers_follows_the_configuration(tmp_path):
    from buitenbeeld.analysis.scoring import components_table

    table = components_table()
    assert list(table.columns) == ["Rol", "Vraag uit het interview", "Hoe het telt", "Gewicht (%)"]
    assert table.groupby("Rol")["Gewicht (%)"].sum().tolist() == [100, 100, 100, 100]
    assert table.loc[table["Vraag uit het interview"] == "jongeren buiten beeld", "Gewicht (%)"].item() == 35
    assert "vanaf 30" in table.loc[table["Vraag uit het interview"] == "jongeren buiten beeld", "Hoe het telt"].item()
    assert "_" not in " ".join(table["Vraag uit het interview"])
