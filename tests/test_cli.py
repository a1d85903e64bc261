"""The buitenbeeld command: help lists the subcommands, errors are one clear line."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from buitenbeeld.cli import build_parser, main
from buitenbeeld.demo import demo_contents


def test_help_lists_the_subcommands():
    text = build_parser().format_help()
    for command in ("rapporten", "demo", "gemeente"):
        assert command in text


def test_console_script_is_installed_and_runs():
    script = shutil.which("buitenbeeld", path=str(Path(sys.executable).parent))
    assert script, "the console script 'buitenbeeld' is not installed next to this Python"
    result = subprocess.run([script, "--help"], capture_output=True, text=True, check=True)
    assert "rapporten" in result.stdout


def test_gemeente_lookup(capsys):
    assert main(["gemeente", "den bosch"]) == 0
    assert capsys.readouterr().out.startswith("GM0796\t's-Hertogenbosch")


def test_unknown_gemeente_is_one_line_not_a_traceback(capsys):
    assert main(["gemeente", "Amsterdm"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("buitenbeeld: error: Unknown gemeente 'Amsterdm'") and "Did you mean: Amsterdam" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("subcommand", [["rapporten"], ["demo"]])
def test_data_option_on_every_subcommand_that_reads_data(subcommand):
    args = build_parser().parse_args([*subcommand, "--data", "elders"])
    assert args.data == "elders"


def test_demo_writes_the_demo_files_into_the_chosen_data_folder(tmp_path, capsys):
    assert main(["demo", "--data", str(tmp_path)]) == 0
    written = sorted(p.relative_to(tmp_path / "raw" / "demo").as_posix() for p in (tmp_path / "raw" / "demo").rglob("*.xlsx"))
    assert written == sorted(demo_contents())
    assert "synthetic" in capsys.readouterr().out


def test_rapporten_exits_nonzero_when_a_gemeente_fails(tmp_path, data_dir, capsys):
    code = main(["rapporten", "--data", str(data_dir), "--uit", str(tmp_path / "out"), "--gemeente", "Nergenshuizen"])
    assert code == 1
    assert "MISLUKT" in capsys.readouterr().out


def test_rapporten_on_an_empty_folder_says_what_to_do(tmp_path, capsys):
    assert main(["rapporten", "--data", str(tmp_path), "--uit", str(tmp_path / "out")]) == 1
    assert "buitenbeeld demo" in capsys.readouterr().out
