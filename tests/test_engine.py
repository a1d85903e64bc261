"""The warm-kernel engine: reports reuse a kernel; a notebook that used matplotlib gets a fresh one after it."""
from __future__ import annotations

import nbformat
import papermill as pm

from buitenbeeld.publish.engine import ENGINE_NAME, PRELOAD

_STATE = ("import os, sys\n"
          "print(os.getpid(), 'matplotlib' in sys.modules, 'buitenbeeld.publish.report' in sys.modules)")


def _run(tmp_path, name: str, *sources: str) -> list[str]:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    nb.metadata["kernelspec"] = {"name": "buitenbeeld", "display_name": "Python (buitenbeeld)", "language": "python"}
    nbformat.write(nb, tmp_path / f"{name}.ipynb")
    pm.execute_notebook(str(tmp_path / f"{name}.ipynb"), str(tmp_path / f"{name}-uit.ipynb"), cwd=str(tmp_path),
                        progress_bar=False, engine_name=ENGINE_NAME)
    executed = nbformat.read(tmp_path / f"{name}-uit.ipynb", as_version=4)
    return ["".join(o.get("text", "") for o in c.outputs).strip() for c in executed.cells]


def test_no_matplotlib_is_preloaded_and_a_kernel_without_it_is_reused(tmp_path):
    assert not any(module.startswith("matplotlib") for module in PRELOAD)
    first, = _run(tmp_path, "een", _STATE)
    pid, matplotlib, report = first.split()
    assert (matplotlib, report) == ("False", "True")  # the report's modules are there, matplotlib is not
    second, = _run(tmp_path, "twee", _STATE)
    assert second == first  # the same warm kernel


def test_a_kernel_that_imported_matplotlib_is_replaced_by_a_fresh_one(tmp_path):
    before, _ = _run(tmp_path, "een", _STATE,
                     "import matplotlib\nmatplotlib.rcParams['lines.linewidth'] = 9")
    after, width = _run(tmp_path, "twee", _STATE, "import matplotlib\nprint(matplotlib.rcParams['lines.linewidth'])")
    assert before.split()[0] != after.split()[0]  # another kernel process
    assert after.split()[1:] == ["False", "True"] and width == "1.5"  # started clean and preloaded
