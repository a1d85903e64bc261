"""The per-process caches that make a warm kernel cheap: a fresh copy each call, a new read when the file changes."""
from __future__ import annotations

import os

import pandas as pd

from buitenbeeld.analysis import compare
from buitenbeeld.ingest.pipeline import read_table
from buitenbeeld.publish.report import current_youth_table
from buitenbeeld.settings import PROJECT_ROOT

DEMO_CBS = PROJECT_ROOT / "data" / "raw" / "demo" / "cbs" / "jongeren_buiten_beeld_2013.xlsx"


def test_a_processed_table_is_read_once_per_version_and_handed_out_as_a_copy(tmp_path):
    path = tmp_path / "t.parquet"
    pd.DataFrame({"gemeentecode": ["GM0518"], "wijk": [["Laak"]]}).to_parquet(path)
    first = read_table(path)
    assert first.loc[0, "wijk"] == ("Laak",)  # list columns as tuples
    first.loc[0, "gemeentecode"] = "veranderd"
    assert read_table(path).loc[0, "gemeentecode"] == "GM0518"  # the cache was not changed through a copy
    replaced = tmp_path / "nieuw.parquet"
    pd.DataFrame({"gemeentecode": ["GM0983", "GM0080"], "wijk": [[], ["Huizum"]]}).to_parquet(replaced)
    os.replace(replaced, path)  # as the pipeline replaces a table
    assert list(read_table(path)["gemeentecode"]) == ["GM0983", "GM0080"]


def test_the_cbs_table_is_converted_once_and_handed_out_as_a_copy():
    first = current_youth_table([DEMO_CBS], 2013)
    second = current_youth_table([DEMO_CBS], 2013)
    assert first is not second and first.gemeenten is not second.gemeenten
    pd.testing.assert_frame_equal(first.gemeenten, second.gemeenten)
    assert first.indeling == 2026 and first.omgerekend_van == 2013
    first.gemeenten.loc[:, "peiljaar"] = 1900
    assert (current_youth_table([DEMO_CBS], 2013).gemeenten["peiljaar"] == 2013).all()


def test_the_national_comparison_is_cached_by_content_not_by_object(monkeypatch):
    import dataclasses

    from buitenbeeld.analysis import scoring
    from buitenbeeld.ingest.pipeline import read_processed

    calls = []
    original = scoring.compute_profiles
    monkeypatch.setattr(scoring, "compute_profiles", lambda frame, config: calls.append(len(frame)) or original(frame, config))
    monkeypatch.setattr(compare, "_PROFILES", {})
    alle = read_processed(PROJECT_ROOT / "data").organisaties
    code = alle["gemeentecode"].iloc[0]
    once = compare.compare_organisations(alle, code)
    again = compare.compare_organisations(alle.copy(), code)  # another object, the same content: from the cache
    assert calls == [len(alle)]
    pd.testing.assert_frame_equal(once.bands, again.bands)
    pd.testing.assert_frame_equal(once.profiles, again.profiles)
    changed = alle.copy()
    mine = changed["gemeentecode"] == code
    changed.loc[mine, "jongeren_bereik"] = changed.loc[mine, "jongeren_bereik"] * 10  # other content, other profiles
    other = compare.compare_organisations(changed, code)
    assert len(calls) == 2 and not other.profiles["bereiken"].equals(once.profiles["bereiken"])
    config = scoring.load_config()
    edited = dataclasses.replace(config, schaal=config.schaal * 2)  # the same name and versie, other content
    doubled = compare.compare_organisations(alle, code, edited)
    assert len(calls) == 3
    assert (doubled.profiles["bereiken"].dropna() == 2 * once.profiles["bereiken"].dropna()).all()


def test_the_wijk_table_reads_back_from_processed_with_its_names_and_counts():
    from buitenbeeld.ingest.pipeline import build_processed, read_processed_wijken

    build_processed(PROJECT_ROOT / "data")
    wijken = read_processed_wijken(PROJECT_ROOT / "data")  # from disk, as a warm kernel reads it
    binnenstad = wijken[(wijken["gemeentecode"] == "GM0080") & (wijken["wijk"] == "Binnenstad")]
    assert len(binnenstad) == 1 and binnenstad["jongeren_15_24"].iloc[0] == 755  # the demo table, by hand
    assert all(isinstance(name, str) for name in wijken["wijk"])  # a name, not a tuple of its letters
