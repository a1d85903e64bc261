"""The house shows its layers: imports run only downward, no module imports itself round a circle.

The layers are the import-linter contract in ``pyproject.toml`` (see
``docs/architecture.md``); these tests run it, prove it is live by adding an
upward import to a copy of the package, and check the whole module graph for
cycles from the source (function-level imports included).
"""
from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "lib" / "buitenbeeld"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
SUBPACKAGES = ["common", "reference", "privacy", "ingest", "analysis", "publish", "demo"]


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """Every module of the package that ``path`` imports, at module level or inside a function."""
    targets = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [f"{node.module}.{alias.name}" for alias in node.names] + [node.module]
        else:
            continue
        for name in names:
            while name and name not in modules:
                name = name.rpartition(".")[0]
            if name and name != "buitenbeeld":
                targets.add(name)
    return targets


def _run_contract(root: Path, config: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT_IMPORTS), "--config", str(config), "--no-cache"], cwd=root,
                          env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"}, capture_output=True, text=True,
                          timeout=300)


def test_the_package_is_cut_into_its_layers():
    assert sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()) == sorted(SUBPACKAGES)
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert top == ["__init__.py", "cli.py", "errors.py", "settings.py"]


def test_no_module_is_longer_than_about_500_lines():
    long = {name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in _modules().items()}
    assert {name: n for name, n in long.items() if n > 520} == {}


def test_no_relative_imports_and_no_private_names_across_modules():
    for name, path in _modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                assert node.level == 0, f"{name}: relative import"
                if node.module and node.module.startswith("buitenbeeld") and node.module != name:
                    private = [a.name for a in node.names if a.name.startswith("_") and a.name != "__version__"]
                    assert not private, f"{name} imports private {private} from {node.module}"


def test_the_import_contract_holds():
    result = _run_contract(REPO, REPO / "pyproject.toml")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "1 kept, 0 broken" in result.stdout


def test_the_contract_is_live_an_upward_import_breaks_it(tmp_path):
    copy = tmp_path / "buitenbeeld"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "data", "templates", "config"))
    (copy / "common" / "upward.py").write_text(
        '"""An import from a lower layer to a higher one."""\nfrom buitenbeeld.publish import report\n',
        encoding="utf-8")
    config = tmp_path / "pyproject.toml"
    shutil.copy(REPO / "pyproject.toml", config)
    result = _run_contract(tmp_path, config)
    assert result.returncode != 0
    assert re.search(r"buitenbeeld\.common is not allowed to import buitenbeeld\.publish", result.stdout)


def test_no_import_cycle_between_modules():
    modules = _modules()
    graph = {name: _imports(path, modules) - {name} for name, path in modules.items()}
    index, low, stack, on_stack, cycles, counter = {}, {}, [], set(), [], [0]

    def connect(node):  # Tarjan's strongly connected components
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    sys.setrecursionlimit(10_000)
    for node in graph:
        if node not in index:
            connect(node)
    assert cycles == []


@pytest.mark.parametrize("package", SUBPACKAGES)
def test_each_layer_says_what_it_owns(package):
    doc = ast.get_docstring(ast.parse((PACKAGE / package / "__init__.py").read_text(encoding="utf-8")))
    assert doc and len(doc) > 40
