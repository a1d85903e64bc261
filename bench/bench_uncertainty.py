"""Benchmark: the sensitivity analysis for 10,000 organisations x 1,000 draws.

Builds 10,000 organisations from the synthetic demo rows (spread over 300
gemeenten, answers kept, so estimates and gaps are realistic), then times the
vectorised analysis per role and for all four roles, beside a straightforward
loop (one draw at a time, pandas ranks) timed on a few draws and scaled up.
Target: under 2 seconds per role.

    .venv/bin/python bench/bench_uncertainty.py [--organisations 10000] [--draws 1000]
"""
from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from buitenbeeld.analysis.scoring import component_scores, load_config
from buitenbeeld.analysis.uncertainty import sensitivity
from buitenbeeld.common.vocabulary import ROLES
from buitenbeeld.demo.generate import write_demo_data
from buitenbeeld.ingest.interviews import load_interviews


def build_organisations(n: int, gemeenten: int = 300) -> pd.DataFrame:
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        paths = write_demo_data(Path(folder))
        pool = load_interviews([p for p in paths if "interviews" in p.parts]).organisaties
    rng = np.random.default_rng(1)
    frame = pool.iloc[rng.integers(0, len(pool), n)].reset_index(drop=True)
    frame["gemeentecode"] = [f"GM{code:04d}" for code in rng.integers(0, gemeenten, n)]
    frame["organisatie_id"] = [f"bench-{i}" for i in range(n)]
    return frame


def loop_reference(frame: pd.DataFrame, role: str, draws: int, config) -> float:
    """One draw at a time, as one would write it first; returns seconds per draw."""
    rng = np.random.default_rng(0)
    parts = component_scores(frame, config, role)
    weights = config.weights(role)
    start = time.perf_counter()
    for _ in range(draws):
        w = rng.dirichlet(weights * 50)
        point = parts["point"].copy()
        estimated = parts["raw_low"] != parts["raw_high"]
        point[estimated] = (parts["low"] + rng.random(point.shape) * (parts["high"] - parts["low"]))[estimated]
        answered = ~np.isnan(point)
        scores = pd.Series(np.nansum(np.where(answered, point, 0) * w, axis=1) / (answered @ w))
        scores.groupby(frame["gemeentecode"]).rank(method="min", ascending=False)
    return (time.perf_counter() - start) / draws


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organisations", type=int, default=10_000)
    parser.add_argument("--draws", type=int, default=1_000)
    args = parser.parse_args()
    config = load_config()
    frame = build_organisations(args.organisations)
    print(f"Sensitivity analysis: {args.organisations:,} organisations x {args.draws:,} draws "
          f"in {frame['gemeentecode'].nunique()} gemeenten\n")
    print(f"{'role':<10} {'vectorised s':>13} {'loop s (est.)':>14} {'speed-up':>9}  target <2 s")
    total = 0.0
    for role in ROLES:
        start = time.perf_counter()
        sensitivity(frame, role, config, draws=args.draws)
        seconds = time.perf_counter() - start
        total += seconds
        loop = loop_reference(frame, role, 10, config) * args.draws
        print(f"{role:<10} {seconds:>13.2f} {loop:>14.1f} {loop / seconds:>8.0f}x  {'ok' if seconds < 2 else 'SLOWER'}")
    print(f"{'all four':<10} {total:>13.2f}")


if __name__ == "__main__":
    main()
