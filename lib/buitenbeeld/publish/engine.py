"""A papermill engine that keeps warm kernels, so a batch of reports does not pay
for a kernel start (and the imports) per report.

Registered as papermill engine ``buitenbeeld_warm`` through the
``papermill.engine`` entry point: ``papermill --engine buitenbeeld_warm ...``
or ``papermill.execute_notebook(..., engine_name="buitenbeeld_warm")``.

Each process keeps a small pool of started kernels (one per kernel name and
working folder). Before every notebook the kernel is reset: the user
namespace is cleared (``%reset -f``), the working folder and pandas' options
are put back as they were right after start and the execution counter starts
at 1 again. A notebook rendered after another is therefore identical to the
same notebook rendered in a fresh kernel (the test suite checks this). A
kernel that died or failed to reset is replaced by a fresh one.

The reports draw SVG (:mod:`buitenbeeld.publish.svg`), not with matplotlib, so
matplotlib is neither preloaded nor reset. A notebook that does import it (a
user's own figure) or changes pandas' plotting backend leaves global state that
a reset does not undo: the reset refuses such a kernel, and the pool starts a
fresh one instead.
"""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import threading

from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import Engine
from papermill.utils import merge_kwargs, remove_args

__all__ = ["ENGINE_NAME", "WarmKernelEngine", "KernelPool", "POOL", "PRELOAD"]

ENGINE_NAME = "buitenbeeld_warm"
#: Imported once per kernel, right after it starts: what every report imports anyway.
PRELOAD = ("pandas", "numpy", "IPython.display", "buitenbeeld.publish.report", "buitenbeeld.publish.plots",
           "buitenbeeld.analysis.compare", "buitenbeeld.analysis.sociale_kaart")

_SNAPSHOT = """
import sys as _sys, os as _os, types as _types
{imports}
import pandas as _pd
_state = _types.ModuleType("_buitenbeeld_warm")
_state.cwd = _os.getcwd()
_state.plotting = {{k: _pd.get_option(k) for k in ("plotting.backend", "plotting.matplotlib.register_converters")}}
_sys.modules["_buitenbeeld_warm"] = _state
del _sys, _os, _types, _pd, _state
import gc as _gc
_gc.freeze()  # the preloaded modules live as long as the kernel: the collections of every reset skip them
del _gc
"""

#: A kernel in which a notebook drew with matplotlib (or chose another pandas plotting backend) is not
#: reset but replaced (see the module docstring). The plotting options are therefore left out of the
#: pandas reset: resetting them would import matplotlib.
_RESET = """
import sys as _sys
_state = _sys.modules["_buitenbeeld_warm"]
_pd = _sys.modules["pandas"]
if "matplotlib" in _sys.modules or any(_pd.get_option(k) != v for k, v in _state.plotting.items()):
    raise RuntimeError("the notebook used matplotlib or another plotting backend: start a fresh kernel")
get_ipython().run_line_magic("reset", "-f")
import sys as _sys, os as _os, warnings as _warnings
_state = _sys.modules["_buitenbeeld_warm"]
_os.chdir(_state.cwd)
with _warnings.catch_warnings():
    _warnings.simplefilter("ignore")
    import pandas as _pd
    _pd.reset_option("^(?!plotting[.])")
get_ipython().history_manager.new_session()  # line numbers restart: keep the history database consistent
get_ipython().execution_count = 1
del _sys, _os, _warnings, _state, _pd
"""


class _WarmKernel:
    """A started kernel with its client, ready to run notebooks one after another."""

    def __init__(self, kernel_name: str, cwd: str):
        self.kernel_name, self.cwd = kernel_name, cwd
        # IPC sockets in a private folder: nothing listens on the network, and ipykernel
        # has no reason to warn about unencrypted TCP
        self._sockets = tempfile.mkdtemp(prefix="buitenbeeld-kernel-")
        self.km = AsyncKernelManager(kernel_name=kernel_name, transport="ipc", ip=os.path.join(self._sockets, "k"))
        # the input history in memory, not in the profile's SQLite file: a reset starts a new history session,
        # which on disk costs a tenth of a second per report, and a report's history is of no use afterwards
        run_sync(self.km.start_kernel)(cwd=cwd, extra_arguments=["--HistoryManager.hist_file=:memory:"])
        self.kc = self.km.client()
        self.kc.start_channels()
        run_sync(self.kc.wait_for_ready)(timeout=120)
        imports = "\n".join(f"import {module}" for module in PRELOAD)
        self._run(_SNAPSHOT.format(imports=imports))

    def _run(self, code: str) -> None:
        reply = run_sync(self.kc.execute_interactive)(code, store_history=False, timeout=120,
                                                       output_hook=lambda msg: None)
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"warm kernel set-up failed: {reply['content'].get('evalue', '?')}")

    def alive(self) -> bool:
        return bool(run_sync(self.km.is_alive)())

    def reset(self) -> None:
        """Make the kernel as it was right after start (see the module docstring)."""
        self._run(_RESET)

    def shutdown(self) -> None:
        try:
            self.kc.stop_channels()
            run_sync(self.km.shutdown_kernel)(now=True)
        except Exception:  # noqa: BLE001 - shutting down at exit must not raise
            pass
        shutil.rmtree(self._sockets, ignore_errors=True)


class KernelPool:
    """Warm kernels of this process, one per (kernel name, working folder), each used by one notebook at a time."""

    def __init__(self):
        self._kernels: dict[tuple[str, str], list[_WarmKernel]] = {}
        self._lock = threading.Lock()

    def acquire(self, kernel_name: str, cwd: str) -> _WarmKernel:
        """A reset kernel; started when none is free, replaced when the free one died or will not reset."""
        with self._lock:
            free = self._kernels.setdefault((kernel_name, cwd), [])
            kernel = free.pop() if free else None
        if kernel is not None:
            try:
                if kernel.alive():
                    kernel.reset()
                    return kernel
            except Exception:  # noqa: BLE001 - a broken kernel is replaced below
                pass
            kernel.shutdown()
        kernel = _WarmKernel(kernel_name, cwd)
        kernel.reset()
        return kernel

    def release(self, kernel: _WarmKernel) -> None:
        with self._lock:
            self._kernels.setdefault((kernel.kernel_name, kernel.cwd), []).append(kernel)

    def shutdown(self) -> None:
        """Stop every kernel of the pool."""
        with self._lock:
            kernels = [k for free in self._kernels.values() for k in free]
            self._kernels.clear()
        for kernel in kernels:
            kernel.shutdown()


POOL = KernelPool()
atexit.register(POOL.shutdown)


class WarmKernelEngine(Engine):
    """Papermill engine running notebooks on the warm kernels of :data:`POOL`."""

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None, stderr_file=None,
                                 start_timeout=60, execution_timeout=None, **kwargs):
        kwargs = remove_args(["input_path"], **kwargs)
        cwd = os.path.abspath(kwargs.pop("cwd", None) or os.getcwd())
        safe_kwargs = remove_args(["timeout", "startup_timeout"], **kwargs)
        final_kwargs = merge_kwargs(
            safe_kwargs,
            timeout=execution_timeout if execution_timeout else kwargs.get("timeout"),
            startup_timeout=start_timeout, kernel_name=kernel_name, log_output=log_output,
            stdout_file=stdout_file, stderr_file=stderr_file,
        )
        kernel = POOL.acquire(kernel_name, cwd)
        try:
            client = PapermillNotebookClient(nb_man, km=kernel.km, **final_kwargs)
            client.kc = kernel.kc
            return client.execute(cleanup_kc=False)
        finally:
            POOL.release(kernel)
