"""Writing the whole synthetic demo data set: interviews and CBS figures, then the pilots built on them."""
from __future__ import annotations

from pathlib import Path

from buitenbeeld.demo.aanpak import aanpak_contents
from buitenbeeld.demo.interviews import DEMO_SEED, demo_contents, write_workbooks
from buitenbeeld.demo.pilots import pilot_contents
from buitenbeeld.demo.statline import write_statline_cache
from buitenbeeld.demo.wijken import wijk_table_contents

__all__ = ["demo_workbooks", "write_demo_data"]


def demo_workbooks(seed: int = DEMO_SEED) -> dict[str, dict[str, list[list]]]:
    """Every demo workbook by its path under the demo folder: interviews (both rounds), the CBS maatwerk table,
    the CBS wijk table, the pilots and the aanpak of Leeuwarden."""
    return {**demo_contents(seed), **wijk_table_contents(seed), **pilot_contents(seed), **aanpak_contents(seed)}


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
        The files written: the workbooks of :func:`demo_workbooks`, then the synthetic StatLine cache of
        :mod:`buitenbeeld.demo.statline` (parquet and json per table) in
        ``cbs/``, beside the maatwerk table. Writing twice with the same seed
        gives byte-identical files.
    """
    workbooks = write_workbooks(target_dir, demo_workbooks(seed))
    return workbooks + write_statline_cache(Path(target_dir) / "cbs", seed)
