"""Limits before reading: a file that is too big, or unpacks too big, is refused before any reader opens it.

The zip bombs are built in code: a real xlsx whose sheet XML is 2 GiB of spaces
(about 2 MB on disk, built in well under a second from one compressed block
repeated), and small ones with the limits lowered.
"""
from __future__ import annotations

import dataclasses
import errno
import io
import json
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from pathlib import Path

import pytest
from conftest import HEADER, ROWS, write_workbook, youth_table_rows
from openpyxl import Workbook

from buitenbeeld import settings
from buitenbeeld.common.limits import check_limits
from buitenbeeld.common.readers import list_sheets, read_rows, read_sheet
from buitenbeeld.errors import InputError

GiB = 1024 ** 3
MiB = 1024 ** 2
SHEET = "xl/worksheets/sheet1.xml"


# --------------------------------------------------------------------------- building bombs


def _raw_deflate(data: bytes, mode: int) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(mode)


def _repeated_deflate(prefix: bytes, chunk: bytes, times: int, suffix: bytes) -> tuple[bytes, int, int]:
    """Raw deflate of ``prefix + chunk * times + suffix`` in the time of one chunk: (data, crc, size).

    A full flush ends a compressed block on a byte boundary without references
    back, so the compressed chunk can be repeated as it is.
    """
    block = _raw_deflate(chunk, zlib.Z_FULL_FLUSH)
    data = _raw_deflate(prefix, zlib.Z_FULL_FLUSH) + block * times + _raw_deflate(suffix, zlib.Z_FINISH)
    crc = zlib.crc32(prefix)
    for _ in range(times):
        crc = zlib.crc32(chunk, crc)
    return data, zlib.crc32(suffix, crc), len(prefix) + len(chunk) * times + len(suffix)


def _write_zip(path: Path, members: list[tuple[str, bytes, int, int]], zip64_end: bool = False) -> Path:
    """A zip (zip64 sizes) of already deflated members: (name, raw deflate data, crc, uncompressed size).

    With ``zip64_end`` the counts are in a zip64 end record, as for more than 65,535 members.
    """
    out, directory = io.BytesIO(), []
    for name, data, crc, size in members:
        offset, encoded = out.tell(), name.encode()
        extra = struct.pack("<HHQQ", 1, 16, size, len(data))
        out.write(struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 45, 0, 8, 0, 0x21, crc, 0xFFFFFFFF, 0xFFFFFFFF,
                              len(encoded), len(extra)) + encoded + extra + data)
        directory.append(struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 45, 45, 0, 8, 0, 0x21, crc, 0xFFFFFFFF,
                                     0xFFFFFFFF, len(encoded), len(extra), 0, 0, 0, 0, offset) + encoded + extra)
    start, listing = out.tell(), b"".join(directory)
    out.write(listing)
    count, size, offset = len(members), len(listing), start
    if zip64_end:
        record_at = out.tell()
        out.write(struct.pack("<4sQHHIIQQQQ", b"PK\x06\x06", 44, 45, 45, 0, 0, count, count, size, start))
        out.write(struct.pack("<4sIQI", b"PK\x06\x07", 0, record_at, 1))
        count, size, offset = 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF
    out.write(struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, count, count, size, offset, 0))
    path.write_bytes(out.getvalue())
    return path


def _deflated_parts() -> list[tuple[str, bytes, int, int]]:
    return [(name, _raw_deflate(raw, zlib.Z_FINISH), zlib.crc32(raw), len(raw))
            for name, raw in _workbook_parts().items()]


def _workbook_parts() -> dict[str, bytes]:
    """The parts of a real one-sheet interview workbook, written by openpyxl."""
    workbook = Workbook()
    workbook.active.title = "organisaties"
    workbook.active.append(["naam", "gemeente", "type"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def big_bomb(path: Path, gib: int = 2) -> Path:
    """A valid xlsx whose sheet XML is ``gib`` GiB: its header row, then spaces (valid XML whitespace)."""
    head, tail = _workbook_parts()[SHEET].split(b"</sheetData>")
    sheet = (SHEET, *_repeated_deflate(head, b" " * MiB, gib * 1024, b"</sheetData>" + tail))
    return _write_zip(path, [sheet if part[0] == SHEET else part for part in _deflated_parts()])


def small_bomb(path: Path, megabytes: int = 8) -> Path:
    """A valid xlsx whose sheet XML is ``megabytes`` MB of spaces, written with zipfile in streaming writes."""
    parts = _workbook_parts()
    head, tail = parts.pop(SHEET).split(b"</sheetData>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, raw in parts.items():
            archive.writestr(name, raw)
        with archive.open(SHEET, "w", force_zip64=True) as member:
            member.write(head)
            for _ in range(megabytes):
                member.write(b" " * MiB)
            member.write(b"</sheetData>" + tail)
    return path


@pytest.fixture
def lower_limits(monkeypatch):
    """Lower some limits for one test: ``lower_limits(max_member_bytes=MiB)``."""

    def lower(**limits):
        monkeypatch.setattr(settings, "LIMITS", dataclasses.replace(settings.LIMITS, **limits))

    return lower


def refused(call, *args) -> InputError:
    with pytest.raises(InputError) as raised:
        call(*args)
    return raised.value


# --------------------------------------------------------------------------- the real bomb


def test_the_bomb_is_small_on_disk_and_declares_2_gib(tmp_path):
    started = time.perf_counter()
    path = big_bomb(tmp_path / "bom.xlsx")
    assert time.perf_counter() - started < 5
    assert path.stat().st_size < 5 * MiB
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo(SHEET).file_size > 2 * GiB
        with archive.open(SHEET) as member:  # a valid workbook: the sheet starts as openpyxl wrote it
            assert member.read(200).startswith(b"<worksheet")


def test_valideer_refuses_the_bomb_in_seconds_with_little_memory(tmp_path):
    bomb = big_bomb(tmp_path / "bom.xlsx")
    script = tmp_path / "measure.py"
    # a process of its own, so that the peak memory is that of valideer only, not of earlier tests
    script.write_text(
        "import json, resource, subprocess, sys, time\n"
        "started = time.perf_counter()\n"
        "run = subprocess.run([sys.executable, '-m', 'buitenbeeld.cli', 'valideer', '--json', sys.argv[1]],\n"
        "                     capture_output=True, text=True)\n"
        "print(json.dumps({'code': run.returncode, 'out': run.stdout, 'err': run.stderr,\n"
        "                  'seconds': time.perf_counter() - started,\n"
        "                  'peak_kib': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))\n",
        encoding="utf-8")
    measured = json.loads(subprocess.run([sys.executable, str(script), str(bomb)], capture_output=True, text=True,
                                         check=True, timeout=120).stdout)
    assert measured["code"] == 2, measured["err"]
    assert "Traceback" not in measured["err"]
    assert measured["seconds"] < 30  # about a second; the margin is for a busy machine
    assert measured["peak_kib"] * 1024 < 1 * GiB  # ru_maxrss is in KiB on Linux
    report = json.loads(measured["out"])
    (entry,) = report["files"]
    assert entry["unusable"] is True and (entry["read"], entry["loaded"], entry["rejected"]) == (0, 0, 0)
    (problem,) = entry["problems"]
    assert problem["severity"] == "error" and problem["row"] is None and problem["value"] is None
    assert "BUITENBEELD_MAX_ONDERDEEL_MB" in problem["message"] and "2.048 MB" in problem["message"]
    assert "250 MB" in problem["message"]  # the limit, as it is set now


def test_check_limits_refuses_the_bomb_without_decompressing(tmp_path, monkeypatch):
    bomb = big_bomb(tmp_path / "bom.xlsx")

    def no_reading(*args, **kwargs):
        raise AssertionError("a member was opened")

    monkeypatch.setattr(zipfile.ZipFile, "open", no_reading)
    error = refused(check_limits, bomb)
    assert "een onderdeel van het bestand" in error.problem.reason


# --------------------------------------------------------------------------- each limit, with lower limits


def test_a_member_over_the_limit_is_refused_by_every_reader(tmp_path, lower_limits):
    from buitenbeeld.common.readers import is_synthetic
    from buitenbeeld.ingest.cbs import read_youth_table
    from buitenbeeld.ingest.interviews import load_interviews
    from buitenbeeld.ingest.pilot import load_pilots
    from buitenbeeld.ingest.sources import classify_input
    from buitenbeeld.privacy.gate import find_identifiers

    bomb = small_bomb(tmp_path / "bom.xlsx", megabytes=8)
    assert read_rows(bomb) == [("naam", "gemeente", "type")]  # within the default limits it reads
    lower_limits(max_member_bytes=MiB)
    for call in (check_limits, list_sheets, read_rows, read_sheet, read_youth_table, find_identifiers):
        error = refused(call, bomb)
        assert error.problem.file == "bom.xlsx" and error.problem.row is None, call
        assert "BUITENBEELD_MAX_ONDERDEEL_MB" in error.problem.reason, call
    for call in ("calamine", "openpyxl"):
        refused(read_rows, bomb, None, call)
    result = load_interviews([bomb])
    assert result.files[["read", "loaded", "rejected", "unusable"]].values.tolist() == [[0, 0, 0, True]]
    assert "de grens is 1,0 MB" in result.problems["reason"].iloc[0]
    pilots = load_pilots([bomb])
    assert pilots.sheets["unusable"].tolist() == [True]
    assert classify_input(bomb) == "interviews"  # so that the interview check reports it as unusable
    assert is_synthetic(bomb) is False


def test_the_message_names_the_limit_the_size_and_the_variable(tmp_path, lower_limits):
    bomb = small_bomb(tmp_path / "bom.xlsx", megabytes=8)
    lower_limits(max_member_bytes=MiB)
    problem = refused(read_rows, bomb).problem
    assert problem.reason.startswith("een onderdeel van het bestand (bijvoorbeeld een werkblad) is uitgepakt te groot")
    assert "8,0 MB" in problem.reason and "de grens is 1,0 MB (BUITENBEELD_MAX_ONDERDEEL_MB)" in problem.reason
    assert "BUITENBEELD_MAX_ONDERDEEL_MB (nu 1 MB)" in problem.hint and "BUITENBEELD_MAX_ONDERDEEL_MB=2" in problem.hint
    assert problem.value is None


def test_all_members_together_over_the_limit(tmp_path, lower_limits):
    path = write_workbook(tmp_path / "kaart.xlsx", {"organisaties": [HEADER, *ROWS], "tweede": [HEADER, *ROWS]})
    with zipfile.ZipFile(path) as archive:
        sizes = [info.file_size for info in archive.infolist()]
    lower_limits(max_unpacked_bytes=sum(sizes) - 1, max_member_bytes=max(sizes))
    problem = refused(read_rows, path).problem
    assert "het bestand is uitgepakt te groot" in problem.reason and "BUITENBEELD_MAX_UITGEPAKT_MB" in problem.reason
    lower_limits(max_unpacked_bytes=sum(sizes))
    assert read_rows(path, "organisaties")[0] == tuple(HEADER)


def test_too_many_members(tmp_path, lower_limits):
    path = write_workbook(tmp_path / "kaart.xlsx", {"organisaties": [HEADER, *ROWS]})
    with zipfile.ZipFile(path) as archive:
        count = len(archive.infolist())
    lower_limits(max_members=count - 1)
    problem = refused(list_sheets, path).problem
    assert f"te veel onderdelen: {count}" in problem.reason and "BUITENBEELD_MAX_ONDERDELEN" in problem.reason


def test_a_directory_too_big_for_its_members_is_refused_before_it_is_parsed(tmp_path, lower_limits, monkeypatch):
    path = tmp_path / "kaart.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        for number in range(3):
            archive.writestr(f"{number}" + "x" * 5000, b"")
    lower_limits(max_members=3)

    def no_parsing(*args, **kwargs):
        raise AssertionError("the directory was parsed")

    monkeypatch.setattr(zipfile.ZipFile, "__init__", no_parsing)
    problem = refused(check_limits, path).problem
    assert "de lijst van onderdelen in het bestand is te groot" in problem.reason


def test_the_counts_of_a_zip64_end_record_are_read_too(tmp_path, lower_limits, monkeypatch):
    path = _write_zip(tmp_path / "kaart.xlsx", _deflated_parts(), zip64_end=True)
    with zipfile.ZipFile(path) as archive:  # a valid zip for Python ...
        count = len(archive.infolist())
    assert read_rows(path) == [("naam", "gemeente", "type")]  # ... and for calamine
    lower_limits(max_members=count - 1)
    monkeypatch.setattr(zipfile.ZipFile, "__init__", lambda *args, **kwargs: pytest.fail("the directory was parsed"))
    assert f"te veel onderdelen: {count}" in refused(check_limits, path).problem.reason


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_a_file_over_the_size_limit(tmp_path, lower_limits, suffix):
    path = write_workbook(tmp_path / "kaart.xlsx", {"organisaties": [HEADER, *ROWS]})
    if suffix == ".csv":
        path = tmp_path / "kaart.csv"
        path.write_text("naam;gemeente;type\n" + "Club;Venlo;hobby\n" * 1000, encoding="utf-8")
    lower_limits(max_file_bytes=path.stat().st_size - 1)
    problem = refused(read_rows, path).problem
    assert problem.reason.startswith("het bestand is te groot: ") and "BUITENBEELD_MAX_BESTAND_MB" in problem.reason
    lower_limits(max_file_bytes=path.stat().st_size)
    assert read_rows(path)[0][0] == "naam"


def test_a_cbs_table_over_the_limits_is_unusable_in_valideer(tmp_path, lower_limits, capsys):
    from buitenbeeld.cli import main

    path = write_workbook(tmp_path / "cbs.xlsx", {"tabel": youth_table_rows()})
    lower_limits(max_file_bytes=1000)
    assert main(["valideer", "--json", str(path)]) == 2
    (entry,) = json.loads(capsys.readouterr().out)["files"]
    assert entry["unusable"] is True and "BUITENBEELD_MAX_BESTAND_MB" in entry["problems"][0]["message"]


@pytest.mark.parametrize("content, reason", [
    (b"naam;gemeente\nClub;Venlo\n", "gewone tekst"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "oud Excel-bestand (Excel 97-2003, .xls)"),
    (b"PK\x03\x04" + bytes(600), "beschadigd"),  # starts like a zip, has no directory
    (bytes(range(256)) * 3, "geen rekenblad"),
])
def test_an_xlsx_that_is_no_zip_is_unusable_with_what_it_is(tmp_path, content, reason):
    path = tmp_path / "kaart.xlsx"
    path.write_bytes(content)
    assert reason in refused(check_limits, path).problem.reason


def test_the_limits_are_set_by_environment_variables(tmp_path):
    path = write_workbook(tmp_path / "kaart.xlsx", {"organisaties": [HEADER, *ROWS]})
    run = subprocess.run([sys.executable, "-m", "buitenbeeld.cli", "valideer", str(path)], capture_output=True,
                         text=True, env={**_environment(), "BUITENBEELD_MAX_BESTAND_MB": "0.001"}, timeout=120)
    assert run.returncode == 2, run.stderr
    assert "de grens is 1,0 kB (BUITENBEELD_MAX_BESTAND_MB)" in run.stdout
    assert "BUITENBEELD_MAX_BESTAND_MB (nu 0.001 MB), bijvoorbeeld BUITENBEELD_MAX_BESTAND_MB=0.002" in run.stdout


def _environment() -> dict[str, str]:
    import os

    return {key: value for key, value in os.environ.items() if not key.startswith("BUITENBEELD_MAX_")}


# --------------------------------------------------------------------------- real files still read


def _sheet_xml(rows: list[list]) -> bytes:
    """Sheet XML with inline strings and numbers, the way a program writes a large export."""
    from xml.sax.saxutils import escape

    def cell(value) -> str:
        if value is None:
            return ""
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return f"<c t=\"n\"><v>{value}</v></c>"
        return f"<c t=\"inlineStr\"><is><t>{escape(str(value))}</t></is></c>"

    body = "".join(f"<row r=\"{number}\">" + "".join(cell(v) for v in row) + "</row>"
                   for number, row in enumerate(rows, start=1))
    return ("<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
            + body + "</sheetData></worksheet>").encode("utf-8")


def test_a_kaart_of_100_000_rows_reads_within_the_default_limits(tmp_path):
    rows = [HEADER]
    for number in range(100_000):
        row = [value if not isinstance(value, type(ROWS[0][4])) else "5-3-2024" for value in ROWS[number % 4]]
        row[0] = f"{row[0]} {number}"
        rows.append(row)
    parts = _workbook_parts()
    parts[SHEET] = _sheet_xml(rows)
    path = tmp_path / "groot.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, raw in parts.items():
            archive.writestr(name, raw)
    with zipfile.ZipFile(path) as archive:
        unpacked = archive.getinfo(SHEET).file_size
    limits = settings.LIMITS
    assert path.stat().st_size * 2 < limits.max_file_bytes and unpacked * 1.5 < limits.max_member_bytes
    check_limits(path)
    sheet = read_sheet(path, "organisaties")
    assert len(sheet.rows) == 100_001 and sheet.notes == []
    assert sheet.rows[-1][0] == f"Moskee Test {99_999}"


@pytest.mark.parametrize("error, why", [
    (PermissionError(errno.EACCES, "Permission denied"), "je hebt geen toestemming om het te lezen"),
    (IsADirectoryError(errno.EISDIR, "Is a directory"), "dit is een map, geen bestand"),
    (OSError(errno.EIO, "Input/output error"), "technische melding: Input/output error"),
])
def test_a_file_the_system_will_not_read_is_said_in_dutch(error, why):
    from buitenbeeld.common.limits import unreadable

    problem = unreadable(Path("kaart.xlsx"), error).problem
    assert problem.reason == f"het bestand kan niet worden gelezen ({why})"
    assert problem.hint.startswith("Kijk of het bestand niet open staat in een ander programma")
