"""Atomic writes: a reader never sees half a file, and a failure keeps the old one."""
from __future__ import annotations

import stat

import pytest

from buitenbeeld.common.files import write_atomic


def test_writes_in_place_readable_by_others(tmp_path):
    path = write_atomic(tmp_path / "sub" / "tabel.csv", lambda p: p.write_text("a;b\n", encoding="utf-8"))
    assert path.read_text(encoding="utf-8") == "a;b\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert [p.name for p in path.parent.iterdir()] == ["tabel.csv"]


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    path = tmp_path / "tabel.csv"
    path.write_text("oud", encoding="utf-8")

    def half(p):
        p.write_text("half", encoding="utf-8")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_atomic(path, half)
    assert path.read_text(encoding="utf-8") == "oud"
    assert [p.name for p in tmp_path.iterdir()] == ["tabel.csv"]


# --- the one CSV writer ------------------------------------------------------------------------

import csv  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from buitenbeeld.common.files import FORMULA_PREFIXES, neutralise_formula, private_dir, write_csv, write_csv_rows  # noqa: E402


def _read(path):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle, delimiter=";"))


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_prefix_is_neutralised(tmp_path, prefix):
    text = f"{prefix}HYPERLINK(\"https://x.example\";\"klik\")"
    assert neutralise_formula(text) == "'" + text
    path = write_csv(tmp_path / "t.csv", pd.DataFrame({"naam": [text, "gewoon"]}))
    assert _read(path) == [["naam"], ["'" + text], ["gewoon"]]
    assert prefix in FORMULA_PREFIXES


def test_numbers_stay_numbers_with_a_decimal_comma(tmp_path):
    frame = pd.DataFrame({"n": [-3, 4, 5], "aandeel": [-0.5, 1.25, np.nan], "tekst": ["-3", "a-b", None],
                          "jn": [True, False, True]})
    path = write_csv(tmp_path / "t.csv", frame)
    assert _read(path) == [["n", "aandeel", "tekst", "jn"], ["-3", "-0,5", "'-3", "True"],
                           ["4", "1,25", "a-b", "False"], ["5", "", "", "True"]]
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # a BOM, so Excel reads UTF-8
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_non_finite_numbers_are_written_empty_and_an_index_becomes_a_column(tmp_path):
    frame = pd.DataFrame({"x": [float("inf"), 2.0]}, index=pd.Index(["=a", "b"], name="wijk"))
    assert _read(write_csv(tmp_path / "t.csv", frame, index=True)) == [["wijk", "x"], ["'=a", ""], ["b", "2"]]


def test_rows_are_written_privately_when_asked(tmp_path):
    path = write_csv_rows(tmp_path / "geheim.csv", [["a"], ["@b"]], mode=0o600)
    assert _read(path) == [["a"], ["'@b"]] and stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_private_folder_is_for_its_owner_only(tmp_path):
    folder = private_dir(tmp_path / "processed" / "persoonlijk")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    folder.chmod(0o755)
    assert stat.S_IMODE(private_dir(folder).stat().st_mode) == 0o700  # an existing folder is made private too
