"""The ``buitenbeeld`` command: one subcommand per task, extended by later work.

Every subcommand that reads data takes ``--data MAP``: a folder holding ``raw/``
and ``processed/`` (default: the project's ``data/``). Everything the command
says is Dutch, argparse's own help and errors included (:class:`_Parser`): its
users read Dutch.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from buitenbeeld.errors import BuitenbeeldError, OutputError, RowProblem
from buitenbeeld.settings import DEFAULT_PEILJAAR, REPORTS_DIR, data_paths
from buitenbeeld.settings import VERSION as __version__

__all__ = ["main", "build_parser"]

#: argparse's own error messages (Python 3.11 and later), in Dutch.
_ARGPARSE_DUTCH = (
    (r"the following arguments are required: (.*)", r"deze argumenten ontbreken: \1"),
    (r"unrecognized arguments: (.*)", r"onbekende argumenten: \1"),
    (r"argument (\S+): invalid choice: (.*) \(choose from (.*)\)", r"argument \1: ongeldige keuze: \2 (kies uit \3)"),
    (r"argument (\S+): invalid \w+ value: (.*)", r"argument \1: ongeldige waarde: \2"),
    (r"argument (\S+): expected one argument", r"argument \1: hier hoort een waarde bij"),
    (r"argument (\S+): ignored explicit argument (.*)", r"argument \1: deze optie neemt geen waarde (\2)"),
    (r"ambiguous option: (\S+) could match (.*)", r"optie \1 is niet eenduidig, dat kan zijn: \2"),
)


class _Formatter(argparse.HelpFormatter):
    """argparse's help, with ``gebruik:`` for ``usage:``."""

    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, "gebruik: " if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """An argument parser that speaks Dutch: headings, ``-h``, and errors as ``buitenbeeld: fout: ...``."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "argumenten"
        self._optionals.title = "opties"
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help="toon deze hulp en stop")

    def error(self, message: str):
        for pattern, dutch in _ARGPARSE_DUTCH:
            message = re.sub(f"^{pattern}$", dutch, message, flags=re.S)
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: fout: {message}\n")


def _data_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data",
        metavar="MAP",
        default=None,
        help="map met raw/ en processed/ (standaard: de map data/ van het project)",
    )


def _engine_argument(parser: argparse.ArgumentParser) -> None:
    from buitenbeeld.common.readers import ENGINES

    parser.add_argument("--engine", choices=ENGINES, default=ENGINES[0],
                        help="programma dat xlsx-bestanden leest (standaard: %(default)s)")


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


_NO_CHROMIUM = "PDF: geen headless Chromium gevonden, dus alleen HTML (installeer het voor PDF: apt-get install chromium)."


def _resolve_gemeenten(names: list[str]):
    """The gemeenten the user named, before any data is read; an old name of a merged gemeente gives its successor.

    Raises UnknownGemeenteError (a misspelt or unknown name, or a gemeente that
    was split over several) with what it knows: closest names, what became of it.
    """
    from buitenbeeld.errors import UnknownGemeenteError
    from buitenbeeld.reference.crosswalk import successors
    from buitenbeeld.reference.gemeenten import resolve_gemeente

    found = []
    for name in names:
        try:
            gemeente = resolve_gemeente(name)
        except UnknownGemeenteError as error:
            try:
                links = successors(name)  # a gemeente of 2013 that is gone
            except UnknownGemeenteError:
                raise error from None
            if len(links) != 1:
                raise error from None  # split over several: the message says over which
            gemeente = resolve_gemeente(links[0].code_2026)
            print(f"Let op: {links[0].naam_2013} is opgegaan in {gemeente.naam} ({gemeente.code}). "
                  f"Het rapport gaat over {gemeente.naam}.")
        if gemeente not in found:
            found.append(gemeente)
    return found


def _cmd_rapporten(args: argparse.Namespace) -> int:
    output = _output_folder(_absolute(args.uit) or REPORTS_DIR)
    gemeenten = _resolve_gemeenten(args.gemeente or [])  # a misspelt name stops the run before any data is read

    from buitenbeeld.ingest.pipeline import build_processed
    from buitenbeeld.publish.index import INDEX_FILE
    from buitenbeeld.publish.pdf import find_chromium
    from buitenbeeld.publish.pilot_reports import render_pilot_reports
    from buitenbeeld.publish.render import RenderOptions, render_reports

    print("\n".join(build_processed(_absolute(args.data)).summary_lines()))
    if not args.geen_pdf and not find_chromium():
        print(_NO_CHROMIUM)
    options = RenderOptions(peiljaar=args.peiljaar, configuratie=str(_absolute(args.configuratie) or ""),
                            drempel=args.drempel, pdf=not args.geen_pdf, grenzen=str(_absolute(args.grenzen) or ""),
                            cbs_kolommen=str(_absolute(args.kolommen) or ""))
    summary = render_reports(data_dir=_absolute(args.data), output_dir=output, gemeenten=[g.code for g in gemeenten] or None,
                             workers=args.workers, options=options, force=args.opnieuw)
    print(summary.table())
    # then the evaluation of every pilot in the data (with --gemeente: of those gemeenten), and the hub again
    pilots = render_pilot_reports(_absolute(args.data), output, [g.code for g in gemeenten] or None, args.drempel)
    if pilots.results:
        print(pilots.table())
    print(f"overzicht: {output / INDEX_FILE}")
    return 0 if summary.ok and pilots.ok else 1


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
            print(f"buitenbeeld: fout: {error}", file=sys.stderr)
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
    from buitenbeeld.publish.index import INDEX_FILE, TRAINING_DIR_NAME, write_index
    from buitenbeeld.publish.pdf import find_chromium
    from buitenbeeld.publish.training import build_training
    from buitenbeeld.settings import TRAINING_OUTPUT

    output = _output_folder(_absolute(args.uit) or TRAINING_OUTPUT)
    if not args.geen_pdf and not find_chromium():
        print(_NO_CHROMIUM)
    results = build_training(output, args.gemeente, _absolute(args.data), pdf=not args.geen_pdf)
    for result in results:
        print(f"{result.naam:<40} {'ok' if result.ok else 'MISLUKT':<8} {result.seconds:5.1f} s  {result.message}")
    print(f"slides en hand-outs: {output}")
    if output.name == TRAINING_DIR_NAME and (output.parent / INDEX_FILE).is_file():  # the hub lists the lessons
        print(f"overzicht bijgewerkt: {write_index(output.parent)}")
    return 0 if all(result.ok for result in results) else 1


def _cmd_demo(args: argparse.Namespace) -> int:
    from buitenbeeld.demo.generate import write_demo_data

    target = data_paths(_absolute(args.data)).raw / "demo"
    written = write_demo_data(target)
    print(f"{len(written)} synthetische demobestanden geschreven in {target}")
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
        from buitenbeeld.ingest.wording import counts_line

        for message, severity in zip(problems["message"], problems["severity"]):
            print(f"{_SEVERITY.get(severity, severity)}: {message}")
        print("\n".join(interviews.summary_lines() if len(interviews.files) else []))
        print("\n".join(pilots.summary_lines()))
        print("\n".join(counts_line(f"{r.file} [CBS-tabel]", r.read, r.loaded, r.rejected)
                        + (f" + overgeslagen {r.skipped} (regio's)" if r.skipped else "")
                        + (" (onbruikbaar)" if r.unusable else "") for r in tables.itertuples()))
    if counts["unusable"].astype(bool).any():
        return 2
    return 1 if len(problems) else 0


#: How a problem's severity is printed.
_SEVERITY = {"error": "fout", "warning": "waarschuwing"}


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
    """Write the template of one kind; each writer is imported only when its kind is asked for."""
    if args.soort == "aanpak":
        from buitenbeeld.ingest.aanpak_template import write_aanpak_template as write
    elif args.soort == "pilot":
        from buitenbeeld.ingest.pilot_template import write_pilot_template as write
    elif args.soort == "privacy":
        from buitenbeeld.publish.privacy_kit import write_privacy_kit as write
    else:  # the interview workbook with its guide (gespreksleidraad) beside it
        from buitenbeeld.publish.interview_guide import write_interview_kit as write
    written = write(_absolute(args.bestand), overwrite=args.overschrijven)
    print("\n".join(f"geschreven: {path}" for path in (written if isinstance(written, list) else [written])))
    if args.soort == "interviews" and written[-1].suffix != ".pdf":
        print(_NO_CHROMIUM)
    return 0


def _cmd_gemeente(args: argparse.Namespace) -> int:
    from buitenbeeld.reference.gemeenten import resolve_gemeente

    gemeente = resolve_gemeente(args.naam, args.jaar)
    print(f"{gemeente.code}\t{gemeente.naam}\t({gemeente.jaar})")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with every subcommand (help and errors in Dutch)."""
    parser = _Parser(
        prog="buitenbeeld",
        description="Werkbank voor jongeren buiten beeld: sociale kaart, CBS-cijfers en rapporten per gemeente.",
    )
    parser.add_argument("--version", action="version", version=f"buitenbeeld {__version__}",
                        help="toon het versienummer en stop")
    sub = parser.add_subparsers(dest="command", metavar="OPDRACHT", required=True, title="opdrachten")

    p = sub.add_parser("rapporten", help="maak een rapport per gemeente (HTML, notebook en PDF), een evaluatie per "
                                         "pilot en het overzicht reports/index.html")
    _data_argument(p)
    p.add_argument("--uit", metavar="MAP", default=None, help="map voor de rapporten (standaard: reports/)")
    p.add_argument("--gemeente", metavar="GEMEENTE", action="append",
                   help="alleen deze gemeente (naam, code of gangbare naam), en alleen haar pilot; herhaal voor meer "
                        "(standaard: alle gemeenten en pilots in de data). Een verkeerde naam stopt meteen")
    p.add_argument("--peiljaar", type=int, default=DEFAULT_PEILJAAR,
                   help="jaar van de CBS-cijfers over jongeren (standaard: %(default)s)")
    p.add_argument("--workers", type=int, default=None, metavar="N",
                   help="aantal rapporten tegelijk (standaard: één per processorkern)")
    p.add_argument("--configuratie", metavar="BESTAND", default=None,
                   help="eigen scoringsconfiguratie (standaard: de meegeleverde)")
    p.add_argument("--drempel", type=int, default=10,
                   help="aantallen jongeren onder deze drempel staan er als <N (standaard: %(default)s)")
    p.add_argument("--geen-pdf", action="store_true", help="maak geen PDF's, ook niet als Chromium er is")
    p.add_argument("--kolommen", metavar="BESTAND", default=None,
                   help="eigen kolomindeling voor de CBS-tabel (een kopie van config/cbs_kolommen.toml)")
    p.add_argument("--grenzen", metavar="MAP", default=None,
                   help="map met CBS-grensbestanden voor de kaarten (standaard: <data>/raw/geo; staan daar geen "
                        "gemeentegrenzen, dan die van 2013 en 2026 die bij de werkbank horen)")
    p.add_argument("--opnieuw", action="store_true",
                   help="maak alle rapporten opnieuw (standaard: alleen rapporten waarvan de gegevens, instellingen of "
                        "bestanden veranderd zijn)")
    p.set_defaults(func=_cmd_rapporten)

    p = sub.add_parser("training", help="maak van de trainingsnotebooks slides (reveal.js) en hand-outs "
                                        "(HTML, en PDF met Chromium) in reports/training")
    _data_argument(p)
    p.add_argument("--uit", metavar="MAP", default=None, help="map voor slides en hand-outs (standaard: reports/training)")
    p.add_argument("--gemeente", metavar="GEMEENTE", default=None,
                   help="de gemeente waarvan de lessen de cijfers gebruiken (standaard: die van elk notebook)")
    p.add_argument("--geen-pdf", action="store_true", help="maak geen PDF's, ook niet als Chromium er is")
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

    p = sub.add_parser("grenzen", help="haal CBS-grenzen van gemeenten of wijken op bij PDOK (voor de kaarten) en "
                                       "bewaar ze in <data>/raw/geo; een bestand dat er al is, wordt gebruikt. De "
                                       "gemeentegrenzen van 2013 en 2026 horen al bij de werkbank")
    _data_argument(p)
    p.add_argument("--jaar", type=int, action="append",
                   help="jaar van de gemeentelijke indeling; herhaal voor meer (standaard: 2026, de indeling van de "
                        "rapporten). De WFS van PDOK heeft geen jaren tot en met 2015: gebruik voor 2013 --bron "
                        "cartomap, of zet een bestand van het CBS in de map")
    p.add_argument("--wijken", action="store_true", help="de wijken van alle gemeenten (voor de wijkkaarten)")
    p.add_argument("--bron", choices=["pdok", "cartomap"], default="pdok",
                   help="PDOK, de bron van CBS en Kadaster (standaard; 2016 en later), of de kopie van cartomap/nl "
                        "(alleen gemeenten, ook 2013)")
    p.add_argument("--map", metavar="MAP", default=None, help="map om ze in te bewaren (standaard: <data>/raw/geo)")
    p.add_argument("--opnieuw", action="store_true", help="haal ze opnieuw op, ook als het bestand er al is")
    p.set_defaults(func=_cmd_grenzen)

    p = sub.add_parser("demo", help="maak de synthetische demonstratiegegevens (opnieuw) in <data>/raw/demo")
    _data_argument(p)
    p.set_defaults(func=_cmd_demo)

    p = sub.add_parser("inlezen", help="maak de verwerkte tabellen opnieuw uit alle bestanden onder <data>/raw")
    _data_argument(p)
    _engine_argument(p)
    p.add_argument("--opnieuw", action="store_true", help="ook als de invoer niet veranderd is")
    p.set_defaults(func=_cmd_inlezen)

    p = sub.add_parser("valideer", help="controleer interview-, pilot- en CBS-bestanden zonder ze in te lezen "
                                        "(exitcode 0: in orde, 1: meldingen, 2: onbruikbaar)")
    p.add_argument("bestanden", nargs="+", metavar="BESTAND", help="interview-, pilot- of CBS-bestanden (xlsx, ods, csv)")
    p.add_argument("--kolommen", metavar="BESTAND", default=None,
                   help="eigen kolomindeling voor CBS-tabellen (een kopie van config/cbs_kolommen.toml)")
    p.add_argument("--json", action="store_true", help="geef één JSON-object met de aantallen en meldingen")
    _engine_argument(p)
    p.set_defaults(func=_cmd_valideer)

    p = sub.add_parser("pseudonimiseer", help="schrijf een kopie van een pilotbestand waarin namen, BSN, "
                                              "geboortedata, adressen, telefoonnummers en e-mailadressen vervangen "
                                              "zijn (door codes met een sleutel, en leeftijden); het origineel blijft")
    p.add_argument("bron", metavar="BRON", help="het bestand met persoonsgegevens")
    p.add_argument("doel", metavar="DOEL", help="het nieuwe bestand (.xlsx, of .csv voor een bestand met één blad)")
    p.add_argument("--sleutel", metavar="PAD", default=None,
                   help="sleutelbestand, buiten de projectmap (standaard: $BUITENBEELD_PSEUDONIEM_KEY of "
                        "~/.config/buitenbeeld/pseudoniem.key; wordt gemaakt als het er nog niet is)")
    p.add_argument("--overschrijven", action="store_true", help="vervang DOEL als dat al bestaat")
    p.set_defaults(func=_cmd_pseudonimiseer)

    p = sub.add_parser("template", help="schrijf een sjabloon om in te vullen: interviews (met gespreksleidraad), "
                                        "aanpak, pilot of privacy (concepten voor DPIA, toestemming en bewaartermijnen)")
    p.add_argument("soort", nargs="?", default="interviews", choices=["interviews", "aanpak", "pilot", "privacy"],
                   help="welk sjabloon (standaard: %(default)s)")
    p.add_argument("bestand", metavar="BESTAND", help="waar het komt, bijvoorbeeld kaart.xlsx (privacy: .md of een map)")
    p.add_argument("--overschrijven", action="store_true", help="vervang een bestand dat er al is")
    p.set_defaults(func=_cmd_template)

    p = sub.add_parser("gemeente", help="zoek een gemeente op naam, code of gangbare naam")
    p.add_argument("naam", help="bijvoorbeeld 'Den Haag', 'den bosch' of GM0518")
    p.add_argument("--jaar", type=int, default=2026, help="jaar van de gemeentelijst: 2013 of 2026 (standaard: %(default)s)")
    p.set_defaults(func=_cmd_gemeente)
    return parser

def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except BuitenbeeldError as error:
        print(f"buitenbeeld: fout: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
