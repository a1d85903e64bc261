"""buitenbeeld: analysis workbench for jongeren buiten beeld and the sociale kaart.

The package behind the notebooks and the ``buitenbeeld`` command. The layers,
from the bottom up (``docs/architecture.md``):

- :mod:`buitenbeeld.common`: vocabulary, formatting and escaping, files, reading spreadsheets;
- :mod:`buitenbeeld.reference`: gemeenten through time, the crosswalk, boundary files;
- :mod:`buitenbeeld.privacy`: the identifier gate, pseudonyms, disclosure control, the scan;
- :mod:`buitenbeeld.ingest`: raw/ -> processed/ for every input kind;
- :mod:`buitenbeeld.analysis`: the sociale kaart, profiles, roles, journeys, pilot metrics;
- :mod:`buitenbeeld.publish`: charts, maps, the report, rendering, the index, training;
- :mod:`buitenbeeld.demo`: the synthetic demo data.

This module is a small facade: the handful of calls a notebook or a user needs,
loaded when first used (``import buitenbeeld`` itself loads no pandas or papermill).
"""
from __future__ import annotations

from importlib import import_module

from buitenbeeld.settings import VERSION as __version__

#: Facade name -> the module that defines it.
_FACADE = {
    "build_processed": "buitenbeeld.ingest.pipeline",
    "read_processed": "buitenbeeld.ingest.pipeline",
    "resolve_gemeente": "buitenbeeld.reference.gemeenten",
    "compare_organisations": "buitenbeeld.analysis.compare",
    "load_evaluation": "buitenbeeld.analysis.evaluatie",
    "load_report_data": "buitenbeeld.publish.report",
    "render_report": "buitenbeeld.publish.render",
    "render_reports": "buitenbeeld.publish.render",
    "write_demo_data": "buitenbeeld.demo.generate",
}

__all__ = ["__version__", *_FACADE]


def __getattr__(name: str):
    if name in _FACADE:
        value = getattr(import_module(_FACADE[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'buitenbeeld' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
