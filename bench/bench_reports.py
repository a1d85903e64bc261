"""Benchmark: render a report for every gemeente of the CBS list (342 in 2026).

Generates synthetic data for every gemeente in ``../shared/data/geo/gemeenten_2026.csv``
(an interview workbook each, built from the demo rows, and the demo CBS table),
then times, side by side in one run:

- the plain way: the ``papermill`` command line per report plus ``jupyter nbconvert``
  for the HTML, in a loop, on a sample of gemeenten;
- the workbench's batch renderer (``buitenbeeld rapporten``: warm kernels, one
  worker per core), HTML included, on all gemeenten;
- the same batch again with nothing changed: every report is left as it is
  (:mod:`buitenbeeld.publish.fingerprint`), only the fingerprints are computed and
  the files checked, and the index is written.

It also prints the peak memory of the batch: the resident memory of this process and
all its children (the worker processes and their kernels) added up, sampled with psutil
every 50 ms (without psutil: the largest single child, from ``getrusage``).

Aim (issue 17): the batch at least 20 times faster per report than the plain loop, and
at most 0.3 s per report on a 2-core machine; the unchanged run at least 20 times faster
than the batch; the batch's peak memory under 2 GB. ``--workers-scan`` renders the batch with 1, 2 and one worker per core and
prints the time per report of each.

    .venv/bin/python bench/bench_reports.py [--gemeenten 342] [--sample 4] [--workers N] [--zonder-kaart]
                                            [--workers-scan]

Both ways draw the national map (boundary files from ``../shared/data/geo``), as
``make reports`` does; ``--zonder-kaart`` leaves it out of both.
"""
from __future__ import annotations

import argparse
import csv
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from openpyxl import Workbook

from buitenbeeld.demo.interviews import demo_contents
from buitenbeeld.publish.fingerprint import batch_fingerprints, plan_batch
from buitenbeeld.publish.render import REPORT_NOTEBOOK, RenderOptions, default_workers, render_reports
from buitenbeeld.reference.gemeenten import resolve_gemeente

REPO = Path(__file__).resolve().parents[1]
GEO = REPO.parent / "shared" / "data" / "geo" / "gemeenten_2026.csv"
GRENZEN = GEO.parent
BIN = Path(sys.executable).parent


def _gemeenten(limit: int) -> list[tuple[str, str]]:
    with GEO.open(encoding="utf-8", newline="") as f:
        return [(r["gemeentecode"], r["gemeentenaam"]) for r in csv.DictReader(f)][:limit]


def generate(data: Path, gemeenten: list[tuple[str, str]]) -> None:
    """An interview workbook per gemeente (demo rows, renamed) and the demo CBS table."""
    contents = demo_contents()
    template = next(sheets["organisaties"] for name, sheets in contents.items() if name.endswith("almere.xlsx"))
    header = template[0]
    rows = [r for r in template[1:] if r[header.index("naam")]]
    at = {name: header.index(name) for name in ("organisatie_id", "naam", "gemeente", "wijk")}
    wijken = ["Centrum", "Noord", "Oost", "Zuid", "West"]
    for code, _ in gemeenten:
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("organisaties")
        sheet.append(header)
        for i, row in enumerate(rows):
            row = list(row) + [None] * (len(header) - len(row))
            row[at["organisatie_id"]] = f"{code}-{i}"
            row[at["gemeente"]] = code
            row[at["wijk"]] = f"{wijken[i % 5]}; {wijken[(i + 2) % 5]}"
            sheet.append(row)
        (data / "raw" / "interviews").mkdir(parents=True, exist_ok=True)
        workbook.save(data / "raw" / "interviews" / f"kaart_{code}.xlsx")
    cbs = next(name for name in contents if name.startswith("cbs/"))
    (data / "raw" / "cbs").mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "data" / "raw" / "demo" / cbs, data / "raw" / cbs)


def plain_loop(data: Path, sample: list[tuple[str, str]], out: Path, grenzen: str) -> float:
    """Seconds per report: papermill CLI, then nbconvert CLI for the HTML, one after another."""
    start = time.perf_counter()
    for code, _ in sample:
        notebook = out / f"{code}.ipynb"
        subprocess.run([str(BIN / "papermill"), str(REPO / "notebooks" / "gemeente_rapport.ipynb"), str(notebook),
                        "-p", "gemeente", code, "-p", "data_map", str(data), "-p", "grenzen_map", grenzen,
                        "--cwd", str(REPO / "notebooks"),
                        "--no-progress-bar"], check=True, capture_output=True)
        subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(notebook)],
                       check=True, capture_output=True)
    return (time.perf_counter() - start) / len(sample)


class PeakMemory:
    """The peak resident memory of this process and all its descendants together, sampled in a thread."""

    def __init__(self, every: float = 0.05):
        self.every, self.peak, self._stop = every, 0, threading.Event()
        try:
            import psutil
        except ImportError:
            psutil = None
        self._psutil = psutil
        self._thread = threading.Thread(target=self._sample, daemon=True) if psutil else None

    def _total(self) -> int:
        me = self._psutil.Process()
        total = 0
        for process in [me, *me.children(recursive=True)]:
            try:
                total += process.memory_info().rss
            except self._psutil.Error:  # ended between the listing and the reading
                pass
        return total

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._total())
            self._stop.wait(self.every)

    def __enter__(self):
        if self._thread:
            self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        if self._thread:
            self._thread.join()
        else:  # the largest single child (kilobytes on Linux), and this process
            self.peak = (resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
                         + resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) * 1024

    @property
    def how(self) -> str:
        return "this process and all children, summed (psutil)" if self._psutil else \
            "this process + the largest child (getrusage; install psutil for the sum)"


def fingerprint_seconds(data: Path, out: Path, gemeenten: list[tuple[str, str]], options: RenderOptions) -> float:
    """Seconds to compute every fingerprint and check every report's files (what an unchanged run costs)."""
    start = time.perf_counter()
    batch = batch_fingerprints(data, options, REPORT_NOTEBOOK)
    plan = plan_batch({code: out / resolve_gemeente(code).slug for code, _ in gemeenten}, batch)
    assert all(reason is None for _, reason in plan.values()), "the fingerprint timing expects an unchanged batch"
    return time.perf_counter() - start


def workers_scan(data: Path, folder: Path, count: int, options: RenderOptions) -> list[tuple[int, float]]:
    """Seconds per report for 1, 2 and one worker per core (each a full batch into a fresh folder)."""
    rows = []
    for workers in sorted({1, 2, default_workers()}):
        start = time.perf_counter()
        render_reports(data, folder / f"scan-{workers}", workers=workers, options=options, progress=False)
        rows.append((workers, (time.perf_counter() - start) / count))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gemeenten", type=int, default=342)
    parser.add_argument("--sample", type=int, default=4, help="reports for the plain loop")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--zonder-kaart", action="store_true", help="leave the national map out (no boundary files)")
    parser.add_argument("--workers-scan", action="store_true",
                        help="also render the batch with 1, 2 and one worker per core, and print the time per report")
    args = parser.parse_args()
    if not GEO.exists():
        sys.exit(f"{GEO} not found: the benchmark needs ../shared/data/geo beside the repository")
    gemeenten = _gemeenten(args.gemeenten)
    workers = args.workers or default_workers()
    grenzen = "" if args.zonder_kaart else str(GRENZEN)
    options = RenderOptions(pdf=False, grenzen=grenzen or str(REPO / "bench" / "geen-grenzen"))
    with tempfile.TemporaryDirectory() as folder:
        data, out = Path(folder) / "data", Path(folder) / "plain"
        out.mkdir()
        start = time.perf_counter()
        generate(data, gemeenten)
        print(f"generated data for {len(gemeenten)} gemeenten in {time.perf_counter() - start:.1f} s")
        render_reports(data, Path(folder) / "warmup", gemeenten=[gemeenten[0][0]], workers=1,
                       options=options, progress=False)  # processed tables built once, outside the timing
        plain = plain_loop(data, gemeenten[: args.sample], out, options.grenzen)
        reports = Path(folder) / "reports"
        with PeakMemory() as memory:
            start = time.perf_counter()
            summary = render_reports(data, reports, workers=workers, options=options, progress=True)
            batch_total = time.perf_counter() - start
        failed = sum(not r.ok for r in summary.results)
        start = time.perf_counter()
        again = render_reports(data, reports, workers=workers, options=options, progress=False)
        unchanged_total = time.perf_counter() - start
        unchanged = sum(r.unchanged for r in again.results)
        fingerprints = fingerprint_seconds(data, reports, gemeenten, options)
        scan = workers_scan(data, Path(folder), len(gemeenten), options) if args.workers_scan else []
    batch = batch_total / len(gemeenten)
    print(f"\nnational map: {'no' if args.zonder_kaart else 'yes'}")
    print(f"{'way':<44} {'reports':>8} {'s per report':>13} {'total s':>9}")
    print(f"{'papermill CLI + nbconvert CLI, in a loop':<44} {args.sample:>8} {plain:>13.2f} {plain * args.sample:>9.1f}")
    print(f"{f'buitenbeeld batch ({workers} workers, warm kernels)':<44} {len(gemeenten):>8} {batch:>13.2f} "
          f"{batch_total:>9.1f}")
    print(f"{'the same batch again, nothing changed':<44} {len(gemeenten):>8} "
          f"{unchanged_total / len(gemeenten):>13.4f} {unchanged_total:>9.2f}")
    print(f"\nspeed-up {plain / batch:.1f}x (aim >= 20x); batch {batch:.2f} s per report (aim <= 0.3 s); "
          f"batch total {batch_total:.0f} s; failed: {failed}")
    print(f"unchanged run: {unchanged} of {len(again.results)} left as they were, {unchanged_total:.2f} s, "
          f"{batch_total / unchanged_total:.0f}x faster than the batch (aim >= 20x); "
          f"fingerprints and file checks alone {fingerprints:.2f} s")
    print(f"peak memory of the batch: {memory.peak / 2**20:.0f} MiB ({memory.how}; aim < 2048 MiB)")
    if scan:
        print(f"\n{'workers':>8} {'s per report':>13}")
        for count, seconds in scan:
            print(f"{count:>8} {seconds:>13.2f}")


if __name__ == "__main__":
    main()
