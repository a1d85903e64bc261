"""Writing files so that a reader never sees half of one."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable

__all__ = ["write_atomic"]


def write_atomic(path: str | os.PathLike, write: Callable[[Path], object]) -> Path:
    """Write ``path`` through a temporary file beside it, then rename it into place.

    ``write(temporary)`` writes the content. A failure leaves the old file (or
    none) and no temporary file. The result is readable by others (0644):
    tables, reports and downloads are for sharing, and ``mkstemp`` makes files
    private. Unique temporary names let two processes write at once.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        write(temporary)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return path
