"""Paths and settings of the workbench, in one place.

Every other module and every notebook asks this module where things are; none
hard-codes a path. The project folder is found from the package location (the
package is installed editable from ``lib/``), or from ``BUITENBEELD_HOME``.

A *data folder* holds ``raw/`` (inputs as users have them, never modified) and
``processed/`` (tables rebuilt from ``raw/``). The default is the project's
``data/`` folder; ``--data DIR`` on the command line and the ``data_map``
parameter of the notebooks point elsewhere.
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass
from importlib import resources
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

__all__ = [
    "PROJECT_ROOT",
    "DEFAULT_DATA_DIR",
    "NOTEBOOKS_DIR",
    "REPORTS_DIR",
    "KERNEL_NAME",
    "DEFAULT_PEILJAAR",
    "CURRENT_GEMEENTE_YEAR",
    "INPUT_SUFFIXES",
    "DataPaths",
    "data_paths",
    "resolve_path",
    "resource",
    "VERSION",
    "TEMPLATES_DIR",
    "TRAINING_DIR",
    "TRAINING_OUTPUT",
    "CHROMIUM_ENV",
    "KEY_ENV",
    "DEFAULT_KEY_PATH",
    "configured",
    "Limits",
    "LIMITS",
]


def _find_project_root() -> Path:
    env = os.environ.get("BUITENBEELD_HOME")
    if env:
        return Path(env).expanduser().resolve()
    candidate = Path(__file__).resolve().parents[2]
    if (candidate / "pyproject.toml").exists() and (candidate / "notebooks").is_dir():
        return candidate
    return Path.cwd().resolve()


try:
    #: The installed version of the workbench (recorded in manifests and reports).
    VERSION = version("buitenbeeld")
except PackageNotFoundError:  # running from a source tree without installing
    VERSION = "0+unknown"


def configured(variable: str) -> str:
    """The value of one of the workbench's environment variables (``CHROMIUM_ENV``, ``KEY_ENV``, ...), or ``""``."""
    return os.environ.get(variable, "").strip()


def resource(relative: str) -> Path:
    """A file shipped inside the package, by its path below ``buitenbeeld/``.

    The one way modules find package data: ``data/`` (code lists, crosswalk,
    first names), ``config/`` (scoring, CBS column mapping) and
    ``publish/templates/`` (report, slides, index).
    """
    return Path(str(resources.files("buitenbeeld").joinpath(relative)))


PROJECT_ROOT: Path = _find_project_root()
DEFAULT_DATA_DIR: Path = PROJECT_ROOT / "data"
NOTEBOOKS_DIR: Path = PROJECT_ROOT / "notebooks"
REPORTS_DIR: Path = PROJECT_ROOT / "reports"

#: Name of the Jupyter kernel that ``make`` registers for the project's virtualenv.
KERNEL_NAME = "buitenbeeld"
#: Reference year of the CBS youth figures used when none is given (CBS maatwerk 2015/49).
DEFAULT_PEILJAAR = 2013
#: The nbconvert and Jinja templates of the pages the workbench writes.
TEMPLATES_DIR: Path = resource("publish/templates")
#: Where the training notebooks live, and where ``buitenbeeld training`` writes slides and handouts.
TRAINING_DIR: Path = NOTEBOOKS_DIR / "training"
TRAINING_OUTPUT: Path = REPORTS_DIR / "training"
#: Environment variable with the path (or name) of the Chromium that makes PDFs.
CHROMIUM_ENV = "BUITENBEELD_CHROMIUM"
#: Environment variable with the path of the pseudonymisation key, and where the key lives
#: otherwise: outside every project, so that a data folder never holds its own key.
KEY_ENV = "BUITENBEELD_PSEUDONIEM_KEY"
DEFAULT_KEY_PATH = Path("~/.config/buitenbeeld/pseudoniem.key")
#: The gemeente layout (indeling) the workbench reports in.
CURRENT_GEMEENTE_YEAR = 2026
#: Files the ingest looks at under ``raw/``.
INPUT_SUFFIXES = (".xlsx", ".xlsm", ".ods", ".csv")


def _env_number(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    try:
        number = float(value) if value else default
    except ValueError:
        return default
    return number if math.isfinite(number) and number > 0 else default  # "inf" or "0" would switch a limit off


@dataclass(frozen=True)
class Limits:
    """Limits that protect a run against inputs that are too big or implausible.

    Checked *before* a reader opens a file, so a small file that expands to
    gigabytes (a "zip bomb") is refused without being read. Each can be set by
    an environment variable (in megabytes, characters or counts).
    """

    #: Largest input file on disk (``BUITENBEELD_MAX_BESTAND_MB``).
    max_file_bytes: int = int(_env_number("BUITENBEELD_MAX_BESTAND_MB", 100) * 1024 ** 2)
    #: Largest uncompressed size of all members of an xlsx/ods together (``BUITENBEELD_MAX_UITGEPAKT_MB``).
    max_unpacked_bytes: int = int(_env_number("BUITENBEELD_MAX_UITGEPAKT_MB", 400) * 1024 ** 2)
    #: Largest single member of an xlsx/ods, e.g. one sheet (``BUITENBEELD_MAX_ONDERDEEL_MB``).
    max_member_bytes: int = int(_env_number("BUITENBEELD_MAX_ONDERDEEL_MB", 250) * 1024 ** 2)
    #: Most members (files) inside an xlsx/ods (``BUITENBEELD_MAX_ONDERDELEN``).
    max_members: int = int(_env_number("BUITENBEELD_MAX_ONDERDELEN", 2000))
    #: Longest cell, in characters; Excel itself stops at 32,767 (``BUITENBEELD_MAX_CEL_TEKENS``).
    max_cell_chars: int = int(_env_number("BUITENBEELD_MAX_CEL_TEKENS", 32767))
    #: Most young people one organisation can plausibly reach (``BUITENBEELD_MAX_JONGEREN_ORGANISATIE``).
    max_youth_per_organisation: int = int(_env_number("BUITENBEELD_MAX_JONGEREN_ORGANISATIE", 100_000))


#: The limits of this run.
LIMITS = Limits()


def resolve_path(path: str | os.PathLike | None, default: Path) -> Path:
    """Return ``path`` as an absolute path; empty means ``default``.

    Relative paths are taken relative to the project folder, so that a notebook
    (which runs in ``notebooks/``) and the command line agree on ``"data"``.
    """
    if path is None or str(path).strip() == "":
        return default
    p = Path(path).expanduser()
    return p if p.is_absolute() else (PROJECT_ROOT / p)


@dataclass(frozen=True)
class DataPaths:
    """The folders of one data folder."""

    root: Path

    @property
    def raw(self) -> Path:
        """Inputs as users have them; the workbench never writes here."""
        return self.root / "raw"

    @property
    def processed(self) -> Path:
        """Tables rebuilt from ``raw/``."""
        return self.root / "processed"


def data_paths(data_dir: str | os.PathLike | None = None) -> DataPaths:
    """Return the :class:`DataPaths` of ``data_dir`` (default: the project's ``data/``)."""
    return DataPaths(resolve_path(data_dir, DEFAULT_DATA_DIR))
