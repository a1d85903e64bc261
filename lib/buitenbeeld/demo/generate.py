"""Writing the whole synthetic demo data set: interviews and CBS figures, then the pilots built on them."""
from __future__ import annotations

from pathlib import Path

from buitenbeeld.demo.interviews import DEMO_SEED, demo_contents, write_workbooks
from buitenbeeld.demo.pilots import pilot_contents
from buitenbeeld.demo.statline import write_statline_cache

__all__ = ["write_demo_data"]


def write_demo_data(target_dir: Path, seed: int = DEMO_SEED) -> list[Path]:
    """Write the synthetic demo workbooks and the StatLine cache into ``target_dir``.

    Parameters
    ----------
    target_dir : Path
        The demo folder (normally ``<data>/raw/demo``); subfolders are created.
    seed : int
        Seed of the random generator.

    Returns
    -------
    list of Path
        The files written: the interview and CBS workbooks in the order of
        :func:`demo_contents`, then the pilot workbooks of
        :mod:`buitenbeeld.demo.pilots`, then the synthetic StatLine cache of
        :mod:`buitenbeeld.demo.statline` (parquet and json per table) in
        ``cbs/``, beside the maatwerk table. Writing twice with the same seed
        gives byte-identical files.
    """
    workbooks = write_workbooks(target_dir, {**demo_contents(seed), **pilot_contents(seed)})
    return workbooks + write_statline_cache(Path(target_dir) / "cbs", seed)
