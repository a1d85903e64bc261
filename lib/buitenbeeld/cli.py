"""The ``buitenbeeld`` command: one subcommand per task, extended by later work.

Every subcommand that reads data takes ``--data DIR``: a folder holding ``raw/``
and ``processed/`` (default: the project's ``data/``).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__
from .errors import BuitenbeeldError
from .settings import DEFAULT_PEILJAAR, REPORTS_DIR, data_paths

__all__ = ["main", "build_parser"]


def _data_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data",
        metavar="DIR",
        default=None,
        help="data folder holding raw/ and processed/ (default: the project's data/)",
    )


def _absolute(path: str | None) -> Path | None:
    """Paths on the command line are relative to where the user stands."""
    return None if path is None else Path(path).expanduser().resolve()


def _cmd_rapporten(args: argparse.Namespace) -> int:
    from .render import render_reports

    summary = render_reports(
        data_dir=_absolute(args.data),
        output_dir=_absolute(args.uit) or REPORTS_DIR,
        gemeenten=args.gemeente or None,
        peiljaar=args.peiljaar,
    )
    print(summary.table())
    return 0 if summary.ok else 1


def _cmd_demo(args: argparse.Namespace) -> int:
    from .demo import write_demo_data

    target = data_paths(_absolute(args.data)).raw / "demo"
    written = write_demo_data(target)
    print(f"wrote {len(written)} synthetic demo files to {target}")
    return 0


def _cmd_gemeente(args: argparse.Namespace) -> int:
    from .gemeenten import resolve_gemeente

    gemeente = resolve_gemeente(args.naam, args.jaar)
    print(f"{gemeente.code}\t{gemeente.naam}\t({gemeente.jaar})")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="buitenbeeld",
        description="Workbench for jongeren buiten beeld: sociale kaart, CBS figures, gemeente reports.",
    )
    parser.add_argument("--version", action="version", version=f"buitenbeeld {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("rapporten", help="render a report per gemeente (HTML and executed notebook)")
    _data_argument(p)
    p.add_argument("--uit", metavar="DIR", default=None, help="output folder (default: reports/)")
    p.add_argument(
        "--gemeente",
        metavar="G",
        action="append",
        help="only this gemeente (name, code or common name); repeat for more (default: all in the data)",
    )
    p.add_argument("--peiljaar", type=int, default=DEFAULT_PEILJAAR, help="year of the CBS youth figures (default: %(default)s)")
    p.set_defaults(func=_cmd_rapporten)

    p = sub.add_parser("demo", help="(re)generate the synthetic demo data in <data>/raw/demo")
    _data_argument(p)
    p.set_defaults(func=_cmd_demo)

    p = sub.add_parser("gemeente", help="look up a gemeente by name, code or common name")
    p.add_argument("naam", help="for example 'Den Haag', 'den bosch' or GM0518")
    p.add_argument("--jaar", type=int, default=2026, help="year of the gemeente list: 2013 or 2026 (default: %(default)s)")
    p.set_defaults(func=_cmd_gemeente)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except BuitenbeeldError as error:
        print(f"buitenbeeld: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
