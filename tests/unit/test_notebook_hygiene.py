"""Notebooks are thin, paired with jupytext scripts, committed without outputs."""

import re

import jupytext
import nbformat
import pytest

from zwgk.figures.notebooks import list_notebooks

NOTEBOOKS = list_notebooks()


def test_there_are_the_six_notebooks() -> None:
    assert [p.stem for p in NOTEBOOKS] == [
        *("01_corpus", "02_similar_tasks", "03_themes_over_time", "04_jurisdiction_gaps", "05_upper_level_alignment"),
        "06_compare_plans",
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_thin_and_clean(path) -> None:
    notebook = nbformat.read(path, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert "parameters" in code[0].metadata.get("tags", [])
    for cell in code:
        assert cell.get("outputs", []) == [] and cell.get("execution_count") is None, "strip outputs"
        assert not re.search(r"^\s*(def|class)\s", cell.source, re.M), "no def/class in notebooks"
        assert "data/raw" not in cell.source
    assert notebook.cells[0].cell_type == "markdown"
    assert sum(cell.cell_type == "markdown" for cell in notebook.cells) >= 4


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_and_its_jupytext_script_agree(path) -> None:
    script = jupytext.read(path.with_suffix(".py"))
    notebook = nbformat.read(path, as_version=4)
    assert [(c.cell_type, c.source) for c in script.cells] == [(c.cell_type, c.source) for c in notebook.cells]
    assert notebook.metadata["jupytext"]["formats"] == "ipynb,py:percent"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_parameters_are_the_documented_ones(path) -> None:
    notebook = nbformat.read(path, as_version=4)
    cell = next(c for c in notebook.cells if c.cell_type == "code")
    namespace: dict = {}
    exec(compile(cell.source, f"{path.name}: parameters", "exec"), namespace)  # a parameter cell holds only assignments
    parameters = {name: value for name, value in namespace.items() if not name.startswith("__")}
    expected = {"lang", "figures_dir", "export_figures"}
    if path.stem == "04_jurisdiction_gaps":
        expected |= {"focal_plan_id", "year_window", "peer_level"}
    if path.stem == "05_upper_level_alignment":
        expected |= {"focal_plan_id", "top_n"}
    if path.stem == "06_compare_plans":
        expected |= {"plan_a", "plan_b", "jurisdiction", "year_from", "year_to", "top_n"}
    assert expected <= set(parameters), f"missing parameters {expected - set(parameters)}"
    assert parameters["lang"] in ("zh", "en", "both") and parameters["figures_dir"] is None


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_call_only_the_public_api(path) -> None:
    import ast

    import zwgk

    notebook = nbformat.read(path, as_version=4)
    tree = ast.parse("\n".join(cell.source for cell in notebook.cells if cell.cell_type == "code"))
    inner = [node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("zwgk")]
    assert not inner, f"notebooks import zwgk's internals: {inner}"
    used = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute) and getattr(node.value, "id", None) == "zwgk"}
    assert used <= set(zwgk.__all__), f"not in zwgk.__all__: {used - set(zwgk.__all__)}"
