"""Every notebook runs through papermill, has one documented parameters cell, and is stored clean."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import nbformat
import papermill as pm
import pytest

from buitenbeeld.errors import UnknownGemeenteError
from buitenbeeld.settings import KERNEL_NAME, NOTEBOOKS_DIR

NOTEBOOKS = sorted(NOTEBOOKS_DIR.rglob("*.ipynb"))
PAPERMILL = str(Path(sys.executable).parent / "papermill")


def _ids(paths):
    return [p.relative_to(NOTEBOOKS_DIR).as_posix() for p in paths]


def test_there_are_notebooks():
    assert "gemeente_rapport.ipynb" in _ids(NOTEBOOKS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_one_parameters_cell_first_with_commented_literals(path):
    nb = nbformat.read(path, as_version=4)
    tagged = [i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])]
    assert tagged == [0]
    for line in nb.cells[0].source.splitlines():
        assert " = " in line and "  # " in line, f"parameter without a comment: {line!r}"
    assert nb.metadata["kernelspec"]["name"] == KERNEL_NAME


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_stored_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in nb.cells if c.cell_type == "code")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_runs_through_papermill_with_its_defaults(path, tmp_path):
    out = tmp_path / path.name
    pm.execute_notebook(str(path), str(out), cwd=str(path.parent), progress_bar=False)
    executed = nbformat.read(out, as_version=4)
    errors = [o for c in executed.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors == []


def test_help_notebook_documents_the_parameters():
    result = subprocess.run([PAPERMILL, "--help-notebook", str(NOTEBOOKS_DIR / "gemeente_rapport.ipynb")],
                            capture_output=True, text=True, check=True)
    for name, kind in [("gemeente", "str"), ("peiljaar", "int"), ("data_map", "str"), ("drempel", "int")]:
        assert f"{name}: {kind}" in result.stdout
    assert "Unknown type" not in result.stdout
    assert "uitvoer_map" not in result.stdout  # the notebook writes no files: render writes its tables


def test_papermill_cli_from_the_repository_root(tmp_path):
    root = NOTEBOOKS_DIR.parent
    subprocess.run([PAPERMILL, "notebooks/gemeente_rapport.ipynb", str(tmp_path / "out.ipynb"), "-p", "gemeente", "Den Haag"],
                   cwd=root, check=True, capture_output=True)
    executed = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    assert "&#39;s-Gravenhage" in str(executed.cells[2].outputs)


def test_unknown_gemeente_fails_in_the_first_cell_with_a_clear_message(tmp_path):
    with pytest.raises(pm.PapermillExecutionError) as info:
        pm.execute_notebook(str(NOTEBOOKS_DIR / "gemeente_rapport.ipynb"), str(tmp_path / "out.ipynb"),
                            parameters={"gemeente": "Nergenshuizen"}, cwd=str(NOTEBOOKS_DIR), progress_bar=False)
    assert info.value.ename == UnknownGemeenteError.__name__
    assert "Onbekende gemeente 'Nergenshuizen'" in info.value.evalue
    # parameters [1], injected parameters [2], then the loading cell [3]: not deep inside pandas
    assert (info.value.cell_index, info.value.exec_count) == (2, 3)


def test_changing_a_weight_in_the_configuration_changes_the_report(tmp_path, data_dir):
    from buitenbeeld.analysis.scoring import DEFAULT_CONFIG

    copy = tmp_path / "mijn_scoring.toml"
    text = DEFAULT_CONFIG.read_text(encoding="utf-8").replace('versie = "2026.2"', 'versie = "proef-7"')
    # all of bereiken on trust: the boxing school (trust 4) gets bereiken 10 * 0.75 = 7,5
    text = text.replace('kolom = "vertrouwensband"\ntransformatie = "schaal"\ngewicht = 0.2',
                        'kolom = "vertrouwensband"\ntransformatie = "schaal"\ngewicht = 1000')
    copy.write_text(text, encoding="utf-8")

    def profile_output(configuratie):
        out = tmp_path / f"out-{bool(configuratie)}.ipynb"
        pm.execute_notebook(str(NOTEBOOKS_DIR / "gemeente_rapport.ipynb"), str(out), cwd=str(NOTEBOOKS_DIR),
                            parameters={"gemeente": "Den Haag", "data_map": str(data_dir), "configuratie": configuratie},
                            progress_bar=False)
        return str(nbformat.read(out, as_version=4).cells)

    default, changed = profile_output(""), profile_output(str(copy))
    assert "versie **2026.2**" in default and "versie **proef-7**" in changed
    bereiken = r"Boksschool Test</td><td[^>]*>interesse/hobby</td><td style=.{0,2}text-align:right[^>]*>([^<]+)</td>"
    assert re.search(bereiken, default).group(1) == "ca. 8,8"
    assert re.search(bereiken, changed).group(1) == "ca. 7,5"


@pytest.mark.parametrize("parameters", [{"gemeente": "Utrecht"}, {"gemeente": "Den Haag", "types": "commercieel; hobby"}])
def test_comparison_notebook_with_no_organisations_or_a_type_filter(tmp_path, data_dir, parameters):
    out = tmp_path / "out.ipynb"
    pm.execute_notebook(str(NOTEBOOKS_DIR / "organisaties_vergelijken.ipynb"), str(out), cwd=str(NOTEBOOKS_DIR),
                        parameters={**parameters, "data_map": str(data_dir), "trekkingen": 50}, progress_bar=False)
    text = str(nbformat.read(out, as_version=4).cells)
    expected = "0 organisaties" if parameters["gemeente"] == "Utrecht" else "typen: commercieel, interesse/hobby"
    assert expected in text


def test_the_report_notebook_runs_on_an_empty_data_folder_and_says_what_is_missing(tmp_path):
    """Nothing known (render would skip it), yet the notebook itself runs: no error, no empty tables."""
    out = tmp_path / "out.ipynb"
    (tmp_path / "data").mkdir()
    pm.execute_notebook(str(NOTEBOOKS_DIR / "gemeente_rapport.ipynb"), str(out), cwd=str(NOTEBOOKS_DIR),
                        parameters={"gemeente": "Utrecht", "data_map": str(tmp_path / "data")}, progress_bar=False)
    executed = nbformat.read(out, as_version=4)
    text = str([o.get("data", {}).get("text/markdown", "") for c in executed.cells for o in c.get("outputs", [])])
    assert "Er staan geen CBS-cijfers over jongeren buiten beeld in dit rapport" in text
    assert "Voor Utrecht zijn (nog) geen organisaties geïnterviewd" in text
    assert not [o for c in executed.cells for o in c.get("outputs", []) if "text/html" in o.get("data", {})
                and "<table" in o["data"]["text/html"] and re.search(r"<tbody>\s*</tbody>", o["data"]["text/html"])]


def test_every_table_of_the_report_goes_through_the_one_table_helper():
    """No raw pandas output in the report: every table the notebook shows is report.show_table (Dutch headers,
    no index, text left, numbers right), and no cell displays a DataFrame itself."""
    nb = nbformat.read(NOTEBOOKS_DIR / "gemeente_rapport.ipynb", as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "to_html" not in code and ".set_index(" not in code and "display(HTML" not in code
    for line in code.splitlines():
        shown = re.match(r"\s*display\((.*)\)\s*$", line)
        if shown:
            assert shown.group(1).startswith(("Markdown(", "{")), line  # text; a frame goes through show_table
    assert code.count("report.show_table(") >= 8
