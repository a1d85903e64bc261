"""Benchmark: validate a sociale kaart of 10,000 organisations with each reader engine.

Builds a workbook from the synthetic demo rows (names made unique), writes it as
xlsx and as a Dutch CSV, and times, per engine, reading the cells alone and the
whole validation (reading, interpreting, checking). Prints one table, side by
side. Target: under 2 seconds for 10,000 rows.

    .venv/bin/python bench/bench_ingest.py [--rows 10000] [--repeat 3]
"""
from __future__ import annotations

import argparse
import csv
import statistics
import tempfile
import time
from pathlib import Path

from openpyxl import Workbook

from buitenbeeld.common.readers import ENGINES, read_rows
from buitenbeeld.demo.interviews import demo_contents
from buitenbeeld.ingest.interviews import read_interviews


def _pool() -> tuple[list, list[list]]:
    header, rows = None, []
    for name, sheets in demo_contents().items():
        if "organisaties" in sheets and name.endswith(("almere.xlsx", "leeuwarden.xlsx", "gooise_meren.xlsx")):
            header = sheets["organisaties"][0]  # these files use the exact column names
            rows += [r + [None] * (len(header) - len(r)) for r in sheets["organisaties"][1:]]
    return header, rows


def build_rows(n: int) -> tuple[list, list[list]]:
    """``n`` interview rows with unique names and ids, cycling through the demo rows."""
    header, pool = _pool()
    name_at, id_at = header.index("naam"), header.index("organisatie_id")
    rows = []
    for i in range(n):
        row = list(pool[i % len(pool)])
        if row[name_at]:
            row[name_at] = f"{row[name_at]} {i}"
        row[id_at] = f"bench-{i}"
        rows.append(row)
    return header, rows


def write_xlsx(path: Path, header: list, rows: list[list]) -> Path:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("organisaties")
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def write_dutch_csv(path: Path, header: list, rows: list[list]) -> Path:
    with path.open("w", encoding="cp1252", errors="replace", newline="") as f:
        writer = csv.writer(f, delimiter=";", lineterminator="\r\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if v is None else (v.strftime("%d-%m-%Y") if hasattr(v, "strftime") else
                                                    str(v).replace(".", ",") if isinstance(v, float) else v)
                             for v in row])
    return path


def _time(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    header, rows = build_rows(args.rows)
    with tempfile.TemporaryDirectory() as folder:
        xlsx = write_xlsx(Path(folder) / "kaart.xlsx", header, rows)
        dutch_csv = write_dutch_csv(Path(folder) / "kaart.csv", header, rows)
        cases = [(engine, xlsx) for engine in ENGINES] + [("csv", dutch_csv)]
        results = []
        for engine, path in cases:
            engine_name = ENGINES[0] if engine == "csv" else engine
            sheet = None if path.suffix == ".csv" else "organisaties"
            read_s = _time(lambda path=path, sheet=sheet, engine=engine_name: read_rows(path, sheet, engine), args.repeat)
            result = read_interviews(path, engine_name)
            total_s = _time(lambda path=path, engine=engine_name: read_interviews(path, engine), args.repeat)
            counts = result.files.iloc[0]
            results.append((engine, path.suffix, counts, read_s, total_s))
    print(f"Validating {args.rows:,} organisations (median of {args.repeat} runs)\n")
    print(f"{'engine':<10} {'file':<6} {'read = loaded + rejected':<26} {'cells s':>8} {'validate s':>11} "
          f"{'rows/s':>9}  target <2 s")
    for engine, suffix, counts, read_s, total_s in results:
        check = f"{counts['read']} = {counts['loaded']} + {counts['rejected']}"
        verdict = "ok" if total_s < 2 else "SLOWER"
        print(f"{engine:<10} {suffix:<6} {check:<26} {read_s:>8.2f} {total_s:>11.2f} {args.rows / total_s:>9,.0f}  {verdict}")


if __name__ == "__main__":
    main()
