"""The set-up promises: pins agree, CI runs the README's test command, layout is there."""
from __future__ import annotations

import re
import tomllib

import yaml
from conftest import REPO


def _pyproject_pins() -> dict[str, str]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = project["dependencies"] + [r for extra in project["optional-dependencies"].values() for r in extra]
    pins = {}
    for requirement in requirements:
        name, _, version = requirement.partition("==")
        assert version, f"{requirement} is not pinned exactly in pyproject.toml"
        pins[name.strip().lower()] = version.strip()
    return pins


def _environment_pins() -> dict[str, str]:
    environment = yaml.safe_load((REPO / "environment.yml").read_text(encoding="utf-8"))
    pins = {}
    for dependency in environment["dependencies"]:
        if isinstance(dependency, str) and "=" in dependency and not dependency.startswith("python="):
            name, _, version = dependency.partition("=")
            pins[name.strip().lower()] = version.strip()
    return pins


def test_environment_yml_and_pyproject_pin_the_same_versions():
    assert _environment_pins() == _pyproject_pins()


def test_pandas_is_pinned_to_a_major_version():
    assert re.fullmatch(r"\d+\.\d+\.\d+", _pyproject_pins()["pandas"])


def test_ci_runs_exactly_the_readme_test_command():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"^make (\w+)\s+#", readme, flags=re.M)
    assert commands[:2] == ["reports", "test"]
    ci = [line for line in (REPO / ".ci/run").read_text().splitlines() if line.strip() and not line.startswith("#")]
    assert ci[-1].strip() == "make test"


def test_makefile_has_the_documented_targets():
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    for target in ("help", "setup", "reports", "test", "lab", "demo-data", "reference-data"):
        assert re.search(rf"^{target}:.*## ", makefile, flags=re.M), target


def test_layout_and_gitignore_keep_user_data_out_but_the_package_in():
    for folder in ("notebooks", "lib/buitenbeeld", "data/raw", "data/processed", "reports", "tests"):
        assert (REPO / folder).is_dir(), folder
    ignore = (REPO / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "data/raw/*" in ignore and "!data/raw/demo/" in ignore
    assert not any(line.strip() in ("lib/", "lib") for line in ignore)


def test_project_kernel_is_registered_for_this_environment():
    from jupyter_client.kernelspec import KernelSpecManager

    from buitenbeeld.settings import KERNEL_NAME

    spec = KernelSpecManager().get_kernel_spec(KERNEL_NAME)
    assert spec.argv[0].startswith(str(REPO / ".venv")) or "python" in spec.argv[0]
    assert spec.display_name == "Python (buitenbeeld)"
