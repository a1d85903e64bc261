"""buitenbeeld: analysis workbench for jongeren buiten beeld and the sociale kaart.

The package behind the notebooks and the ``buitenbeeld`` command: reading
interview workbooks and CBS figures, comparing organisations, and rendering one
report per gemeente.
"""
from buitenbeeld.settings import VERSION as __version__

__all__ = ["__version__"]
