"""Atomic writes: a reader never sees half a file, and a failure keeps the old one."""
from __future__ import annotations

import stat

import pytest

from buitenbeeld.files import write_atomic


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
