"""buitenbeeld: analysis workbench for jongeren buiten beeld and the sociale kaart.

The package behind the notebooks and the ``buitenbeeld`` command: reading
interview workbooks and CBS figures, comparing organisations, and rendering one
report per gemeente.
"""
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("buitenbeeld")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0+unknown"

__all__ = ["__version__"]
