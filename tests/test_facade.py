"""The package's facade: a few calls by name, loaded on first use."""
from __future__ import annotations

import subprocess
import sys

import pytest

import buitenbeeld


@pytest.mark.parametrize("name", [n for n in buitenbeeld.__all__ if n != "__version__"])
def test_every_facade_name_is_the_function_of_its_module(name):
    function = getattr(buitenbeeld, name)
    assert callable(function) and function.__module__ == buitenbeeld._FACADE[name]


def test_importing_the_package_loads_no_heavy_library():
    code = "import sys, buitenbeeld; print(sorted(m for m in ('pandas', 'papermill', 'nbconvert') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="geen_functie"):
        buitenbeeld.geen_functie  # noqa: B018
