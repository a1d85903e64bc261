"""The ``buitenbeeld`` command: one subcommand per task, extended by later work.

Every subcommand that reads data takes ``--data DIR``: a folder holding ``raw/``
and ``processed/`` (default: the project's ``data/``).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from buitenbeeld.errors import BuitenbeeldError, OutputError, RowProblem
from buitenbeeld.settings import DEFAULT_PEILJAAR, REPORTS_DIR, data_paths
from buitenbeeld.settings import VERSION as __version__

__all__ = ["main", "build_parser"]


def _data_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data",
        metavar="DIR",
        default=None,
        help="data folder holding raw/ and processed/ (default: the project's data/)",
    )


def _engine_argument(parser: argparse.ArgumentParser) -> None:
    from buitenbeeld.common.readers import ENGINES

    parser.add_argument("--engine", choices=ENGINES, default=ENGINES[0],
                        help="spreadsheet reader for xlsx (default: %(default)s)")


def _absolute(path: str | None) -> Path | None:
    """Paths on the command line are relative to where the user stands."""
    return None if path is None else Path(path).expanduser().resolve()


def _output_folder(path: Path, option: str = "--uit") -> Path:
    """``path`` when it can be the output folder (it exists as a folder, or can be made); else OutputError.

    Checked before any work starts, so a file where the folder belongs stops
    the run with one clear line instead of a traceback at the end.
    """
    for folder in (path, *path.parents):
        if folder.exists() or folder.is_symlink():
            if folder == path and not folder.is_dir():
                raise OutputError(f"{option} moet een map zijn, maar {path} is een bestand. Kies een andere "
                                  f"map; een map die nog niet bestaat, wordt gemaakt.")
            if not folder.is_dir():
                raise OutputError(f"{option} {path} kan geen map worden: {folder} is een bestand. "
                                  f"Kies een andere map.")
            break
    return path


def _cmd_rapporten(args: argparse.Namespace) -> int:
    from buitenbeeld.ingest.pipeline import build_processed
    from buitenbeeld.publish.pdf import find_chromium
    from buitenbeeld.publish.render import RenderOptions, render_reports

    output = _output_folder(_absolute(args.uit) or REPORTS_DIR)
    print("\n".join(build_processed(_absolute(args.data)).summary_lines()))
    if not args.geen_pdf and not find_chromium():
        print("PDF: no headless Chromium found, writing HTML only (apt-get install chromium for PDF).")
    options = RenderOptions(peiljaar=args.peiljaar, configuratie=str(_absolute(args.configuratie) or ""),
                            drempel=args.drempel, pdf=not args.geen_pdf, grenzen=str(_absolute(args.grenzen) or ""),
                            cbs_kolommen=str(_absolute(args.kolommen) or ""))
    summary = render_reports(
        data_dir=_absolute(args.data),
        output_dir=output,
        gemeenten=args.gemeente or None,
        workers=args.workers,
        options=options,
    )
    print(summary.table())
    print(f"index: {output / 'index.html'}")
    return 0 if summary.ok else 1


def _cmd_grenzen(args: argparse.Namespace) -> int:
    """Each year in turn; a year that cannot be had is said (in Dutch) and the others still go: exit 2 if any failed."""
    from buitenbeeld.errors import MissingDataError
    from buitenbeeld.reference.geo import geo_dir
    from buitenbeeld.reference.pdok import download_boundaries

    if args.wijken and args.bron != "pdok":
        raise BuitenbeeldError("Wijkgrenzen komen alleen van PDOK: laat --bron cartomap weg.")
    folder = _absolute(args.map) or geo_dir(_absolute(args.data))
    failed = 0
    for jaar in args.jaar or [2026]:  # the reports' layout; 2013 is not on PDOK's WFS (see --bron)
        try:
            print(download_boundaries(jaar, folder, wijken=args.wijken, bron=args.bron, refresh=args.opnieuw).message)
        except MissingDataError as error:
            print(f"buitenbeeld: error: {error}", file=sys.stderr)
            failed += 1
    return 2 if failed else 0


def _cmd_cbs(args: argparse.Namespace) -> int:
    import warnings

    from buitenbeeld.common.formatting import format_count, format_share
    from buitenbeeld.ingest.statline import fetch_buiten_beeld
    from buitenbeeld.ingest.statline_derive import SERIES_BREAK_YEAR, TABLES

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # what a warning says is in result.notes, in Dutch
        result = fetch_buiten_beeld(args.tabel, data_dir=_absolute(args.data), refresh=args.vernieuw)
    for note in result.notes:
        print(note)
    status = {"download": "gedownload", "cache": "uit de cache", "cache (offline)": "uit de cache (offline)"}
    years = sorted(result.gemeenten["jaar"].unique()) if len(result.gemeenten) else []
    span = f"{years[0]}-{years[-1]}" if years else "geen"
    print(f"StatLine-tabel {result.table_id} ({TABLES[result.table_id]}): {status.get(result.status, result.status)}, "
          f"download van {result.downloaded}{' (synthetisch)' if result.synthetic else ''}; "
          f"{result.gemeenten['gemeentecode'].nunique()} gemeenten, jaren {span}.")
    national = result.nederland[result.nederland["buiten_beeld"].notna()]
    if len(national) and national["jaar"].min() >= SERIES_BREAK_YEAR > min(years or [SERIES_BREAK_YEAR]):
        print(f"Jongeren buiten beeld vanaf {national['jaar'].min()}: de inschrijving als werkzoekende bij UWV telt "
              f"deze tabel pas vanaf {SERIES_BREAK_YEAR}. Eerdere jaren staan in 84455NED (2005-2017).")
    if len(national):
        print("Nederland   jaar   jongeren 15-27   buiten beeld   aandeel (marge door afronding)")
        for row in national.itertuples(index=False):
            year = f"{row.jaar}{'*' if row.voorlopig else ''}"
            print(f"            {year:<6} {format_count(row.jongeren_15_27):>14}   {format_count(row.buiten_beeld):>12}   "
                  f"{format_share(row.aandeel_buiten_beeld)} ({format_share(row.aandeel_laag, 2)} tot "
                  f"{format_share(row.aandeel_hoog, 2)})")
        if national["voorlopig"].any():
            print("* voorlopig cijfer")
    else:
        print("Deze tabel geeft geen aantal jongeren buiten beeld voor Nederland.")
    print(f"Bestand: {result.cache_file}")
    if result.problems:
        print(f"Let op, {len(result.problems)} melding(en):")
    for problem in result.problems:
        where = f"rij {problem.row}, " if problem.row is not None else ""
        print(f"  {where}{problem.column}: {problem.reason}")
    return 0


def _cmd_training(args: argparse.Namespace) -> int:
    from buitenbeeld.publish.pdf import find_chromium
    from buitenbeeld.publish.training import build_training
    from buitenbeeld.settings import TRAINING_OUTPUT

    output = _output_folder(_absolute(args.uit) or TRAINING_OUTPUT)
    if not args.geen_pdf and not find_chromium():
        print("PDF: no headless Chromium found, writing HTML only (apt-get install chromium for PDF).")
    results = build_training(output, args.gemeente, _absolute(args.data), pdf=not args.geen_pdf)
    for result in results:
        print(f"{result.naam:<40} {'ok' if result.ok else 'MISLUKT':<8} {result.seconds:5.1f} s  {result.message}")
    print(f"slides and handouts: {output}")
    return 0 if all(result.ok for result in results) else 1


def _cmd_demo(args: argparse.Namespace) -> int:
    from buitenbeeld.demo.generate import write_demo_data

    target = data_paths(_absolute(args.data)).raw / "demo"
    written = write_demo_data(target)
    print(f"wrote {len(written)} synthetic demo files to {target}")
    return 0


def _cmd_inlezen(args: argparse.Namespace) -> int:
    from buitenbeeld.ingest.pipeline import build_processed

    build = build_processed(_absolute(args.data), engine=args.engine, force=args.opnieuw)
    print("\n".join(build.summary_lines()))
    return 0


def _cmd_valideer(args: argparse.Namespace) -> int:
    import json

    import pandas as pd

    from buitenbeeld.ingest.interviews import load_interviews
    from buitenbeeld.ingest.pilot import load_pilots
    from buitenbeeld.ingest.sources import classify_input

    paths = [Path(f) for f in args.bestanden]
    kinds = {p: classify_input(p, _absolute(args.kolommen)) if p.is_file() else "interviews" for p in paths}
    pilot_paths = [p for p in paths if kinds[p] == "pilot"]
    cbs_paths = [p for p in paths if kinds[p] == "cbs"]
    # the rest, a file that cannot be read included, goes to the interview check, which says what is wrong
    interviews = load_interviews([p for p in paths if p not in pilot_paths + cbs_paths], engine=args.engine)
    pilots = load_pilots(pilot_paths, engine=args.engine)
    tables, table_problems = _check_youth_tables(cbs_paths, _absolute(args.kolommen))
    # one row per file (interviews, CBS tables) or per file and sheet (pilots), with its counts
    counts = pd.concat([frame for frame in (interviews.files.assign(sheet=None), pilots.sheets, tables) if len(frame)]
                       or [interviews.files.assign(sheet=None)], ignore_index=True)
    # region rows of a CBS table (provinces, COROP) are neither loaded nor rejected: skipped, and said so
    counts["skipped"] = (counts["skipped"] if "skipped" in counts else pd.Series(0, index=counts.index)) \
        .fillna(0).astype(int)
    all_problems = pd.concat([frame for frame in (interviews.problems, pilots.problems, table_problems) if len(frame)]
                             or [interviews.problems], ignore_index=True)
    # a table of problems stores rows as floats and every missing field as NaN: back to what RowProblem holds
    cleaned = [{k: (_whole(r[k]) if k == "row" else _missing_as_none(r[k])) for k in RowProblem.__dataclass_fields__}
               for r in all_problems.to_dict("records")]
    problems = all_problems.assign(message=[RowProblem(**record).message() for record in cleaned])
    if args.json:
        keys = ["file", "sheet", "row", "column", "value", "severity"]
        records = [{**{k: record[k] for k in keys}, "message": message}
                   for record, message in zip(cleaned, problems["message"])]
        totals = counts[["read", "loaded", "rejected", "skipped"]].sum()
        report = {
            "files": [{**{k: row[k] for k in ("file", "read", "loaded", "rejected", "skipped", "unusable")},
                       **({"sheet": row["sheet"]} if row["sheet"] else {}),
                       "problems": [p for p in records if p["file"] == row["file"]
                                    and (not row["sheet"] or p["sheet"] in (row["sheet"], None))]}
                      for row in counts.to_dict("records")],
            "total": {k: int(totals[k]) for k in ("read", "loaded", "rejected", "skipped")} | {"problems": len(records)},
        }
        print(json.dumps(report, indent=2, ensure_ascii=False, default=_json_value))
    else:
        for message, severity in zip(problems["message"], problems["severity"]):
            print(f"{severity}: {message}")
        print("\n".join(interviews.summary_lines() if len(interviews.files) else []))
        print("\n".join(pilots.summary_lines()))
        print("\n".join(f"{r.file} [CBS-tabel]: read {r.read} = loaded {r.loaded} + rejected {r.rejected}"
                        + (f" + skipped {r.skipped} (regio's)" if r.skipped else "")
                        + (" (unusable)" if r.unusable else "") for r in tables.itertuples()))
    if counts["unusable"].astype(bool).any():
        return 2
    return 1 if len(problems) else 0


def _check_youth_tables(paths: list[Path], mapping: Path | None):
    """Counts and problems of CBS tables, in the shapes the interview check uses."""
    import pandas as pd

    from buitenbeeld.errors import InputError
    from buitenbeeld.ingest.cbs import read_youth_table

    counts, problems = [], []
    for path in paths:
        try:
            table = read_youth_table(path, mapping=mapping, strict=False)
        except InputError as error:
            counts.append({"file": path.name, "sheet": None, "read": 0, "loaded": 0, "rejected": 0, "skipped": 0,
                           "unusable": True})
            problems.append(error.problem.as_record())
            continue
        counts.append({"file": path.name, "sheet": table.sheet, "read": table.rows_read, "loaded": table.rows_loaded,
                       "rejected": len(table.rejected_rows), "skipped": len(table.skipped_rows), "unusable": False})
        problems += [p.as_record() for p in table.problems]
    return (pd.DataFrame(counts, columns=["file", "sheet", "read", "loaded", "rejected", "skipped", "unusable"]),
            pd.DataFrame(problems, columns=list(RowProblem.__dataclass_fields__)))


def _cmd_pseudonimiseer(args: argparse.Namespace) -> int:
    from buitenbeeld.privacy.pseudonym import pseudonymise

    result = pseudonymise(_absolute(args.bron), _absolute(args.doel), key_path=_absolute(args.sleutel),
                          overwrite=args.overschrijven)
    print("\n".join(result.summary_lines()))
    return 0


def _whole(row):
    """A row number as the user counts it (a table of problems stores them as floats, NaN for none)."""
    return None if _missing_as_none(row) is None else int(row)


def _missing_as_none(value):
    """None for every kind of missing a table holds (None, NaN, pandas' NA), else the value."""
    import pandas as pd

    return None if value is None or value is pd.NA or (isinstance(value, float) and value != value) else value


def _json_value(value):
    """JSON for what pandas and the readers hand over (numpy numbers, dates)."""
    if hasattr(value, "item"):
        return value.item()
    return str(value)


def _cmd_template(args: argparse.Namespace) -> int:
    from buitenbeeld.ingest.template import write_interview_template

    path = write_interview_template(Path(args.bestand), overwrite=args.overschrijven)
    print(f"wrote the interview template to {path}")
    return 0


def _cmd_gemeente(args: argparse.Namespace) -> int:
    from buitenbeeld.reference.gemeenten import resolve_gemeente

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
    p.add_argument("--workers", type=int, default=None, metavar="N", help="reports rendered in parallel (default: one per core)")
    p.add_argument("--configuratie", metavar="FILE", default=None, help="scoring configuration (default: the shipped one)")
    p.add_argument("--drempel", type=int, default=10,
                   help="counts of young people below this are shown as <N (default: %(default)s)")
    p.add_argument("--geen-pdf", action="store_true", help="do not write PDFs, even when Chromium is present")
    p.add_argument("--kolommen", metavar="FILE", default=None,
                   help="your own column mapping for the CBS table (a copy of config/cbs_kolommen.toml)")
    p.add_argument("--grenzen", metavar="DIR", default=None,
                   help="folder with the CBS boundary files for the maps (default: <data>/raw/geo; "
                        "without them the reports say where to get them)")
    p.set_defaults(func=_cmd_rapporten)

    p = sub.add_parser("training", help="build the training notebooks as slides (reveal.js) and handouts "
                                        "(HTML, PDF with Chromium) into reports/training")
    _data_argument(p)
    p.add_argument("--uit", metavar="DIR", default=None, help="output folder (default: reports/training)")
    p.add_argument("--gemeente", metavar="G", default=None,
                   help="the gemeente whose figures the lessons use (default: each notebook's own)")
    p.add_argument("--geen-pdf", action="store_true", help="do not write PDFs, even when Chromium is present")
    p.set_defaults(func=_cmd_training)

    p = sub.add_parser("cbs", help="haal de StatLine-reeks 'Arbeidsmarktsituatie jongeren; regio' op "
                                   "(bewaard in <data>/raw/cbs)")
    _data_argument(p)
    from buitenbeeld.ingest.statline_derive import DEFAULT_TABLE, FALLBACK_TABLE, TABLES

    p.add_argument("--tabel", default=None, metavar="TABEL",
                   help=f"StatLine-tabel: {', '.join(f'{k} ({v})' for k, v in TABLES.items())}; standaard "
                        f"{DEFAULT_TABLE}, of {FALLBACK_TABLE} als StatLine {DEFAULT_TABLE} niet heeft")
    p.add_argument("--vernieuw", action="store_true", help="download opnieuw, ook als er al een download is")
    p.set_defaults(func=_cmd_cbs)

    p = sub.add_parser("grenzen", help="download the CBS gemeente or wijk boundaries from PDOK (for the maps) "
                                       "into <data>/raw/geo; a file already there is used")
    _data_argument(p)
    p.add_argument("--jaar", type=int, action="append",
                   help="layout year; repeat for more (default: 2026, the layout of the reports). PDOK's WFS has "
                        "no year up to 2015: for 2013 use --bron cartomap, or a CBS file in the folder")
    p.add_argument("--wijken", action="store_true", help="the wijken of every gemeente instead (for the wijk maps)")
    p.add_argument("--bron", choices=["pdok", "cartomap"], default="pdok",
                   help="PDOK, the CBS/Kadaster source (default; 2016 and later), or the cartomap/nl copy "
                        "(gemeenten only, also 2013)")
    p.add_argument("--map", metavar="DIR", default=None, help="folder to keep them in (default: <data>/raw/geo)")
    p.add_argument("--opnieuw", action="store_true", help="download again even when the file is there")
    p.set_defaults(func=_cmd_grenzen)

    p = sub.add_parser("demo", help="(re)generate the synthetic demo data in <data>/raw/demo")
    _data_argument(p)
    p.set_defaults(func=_cmd_demo)

    p = sub.add_parser("inlezen", help="rebuild the processed tables from every file under <data>/raw")
    _data_argument(p)
    _engine_argument(p)
    p.add_argument("--opnieuw", action="store_true", help="rebuild even when the inputs did not change")
    p.set_defaults(func=_cmd_inlezen)

    p = sub.add_parser("valideer", help="check interview, pilot and CBS files without loading them "
                                        "(exit 0 clean, 1 problems, 2 unusable)")
    p.add_argument("bestanden", nargs="+", metavar="FILE", help="interview, pilot or CBS files (xlsx, ods, csv)")
    p.add_argument("--kolommen", metavar="FILE", default=None,
                   help="your own column mapping for CBS tables (a copy of config/cbs_kolommen.toml)")
    p.add_argument("--json", action="store_true", help="print one JSON object with counts and problems")
    _engine_argument(p)
    p.set_defaults(func=_cmd_valideer)

    p = sub.add_parser("pseudonimiseer", help="write a copy of a pilot file with names, BSN, birth dates, addresses, "
                                              "phone numbers and e-mail replaced (keyed codes, ages); the original stays")
    p.add_argument("bron", metavar="BRON", help="the file with direct identifiers")
    p.add_argument("doel", metavar="DOEL", help="the new file (.xlsx, or .csv for a file with one sheet)")
    p.add_argument("--sleutel", metavar="PAD", default=None,
                   help="key file, outside the project folder (default: $BUITENBEELD_PSEUDONIEM_KEY or "
                        "~/.config/buitenbeeld/pseudoniem.key; made on first use)")
    p.add_argument("--overschrijven", action="store_true", help="replace DOEL when it exists")
    p.set_defaults(func=_cmd_pseudonimiseer)

    p = sub.add_parser("template", help="write an empty interview workbook to fill in")
    p.add_argument("soort", choices=["interviews"], help="which template")
    p.add_argument("bestand", metavar="FILE", help="where to write it, for example kaart.xlsx")
    p.add_argument("--overschrijven", action="store_true", help="replace an existing file")
    p.set_defaults(func=_cmd_template)

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
