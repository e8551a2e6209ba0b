"""Notebooks are thin, paired with jupytext scripts, committed without outputs (the git filter strips them)."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest

from zwgk.figures.notebooks import list_notebooks
from zwgk.paths import REPO_DIR

NOTEBOOKS = list_notebooks()
HAS_GIT = shutil.which("git") is not None and (REPO_DIR / ".git").exists()


def read_committed(path: Path) -> nbformat.NotebookNode:
    """The notebook as git holds it (the index: what the next commit takes), else the file outside a git checkout.

    A researcher's saved outputs stay in the working copy; the filter strips them when staged.
    """
    if HAS_GIT:
        shown = subprocess.run(["git", "show", f":{path.relative_to(REPO_DIR)}"], cwd=REPO_DIR, capture_output=True, text=True, check=False)
        if shown.returncode == 0:
            return nbformat.reads(shown.stdout, as_version=4)
    return nbformat.read(path, as_version=4)


def test_there_are_the_seven_notebooks() -> None:
    assert [p.stem for p in NOTEBOOKS] == [
        *("01_corpus", "02_similar_tasks", "03_themes_over_time", "04_jurisdiction_gaps", "05_upper_level_alignment"),
        *("06_compare_plans", "07_explore"),
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_thin_and_clean(path) -> None:
    notebook = read_committed(path)
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
    if path.stem in ("04_jurisdiction_gaps", "07_explore"):
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


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_kernelspec_is_what_jupyterlab_writes(path) -> None:
    """Opening a notebook in JupyterLab writes the kernel's spec; committed the same, opening changes nothing."""
    from jupyter_client.kernelspec import KernelSpecManager

    spec = KernelSpecManager().get_kernel_spec("python3")
    assert read_committed(path).metadata["kernelspec"] == {"display_name": spec.display_name, "language": spec.language, "name": "python3"}


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True).stdout


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_staging_a_notebook_with_outputs_commits_it_stripped(tmp_path: Path) -> None:
    """A repository set up as `make setup` does: `git add` of a notebook saved with outputs stages the clean notebook."""
    repo = tmp_path / "repo"
    (repo / "scripts").mkdir(parents=True)
    _git(repo, "init", "-q")
    _git(repo, "config", "user.email", "test@example.org")
    _git(repo, "config", "user.name", "test")
    shutil.copy(REPO_DIR / ".gitattributes", repo / ".gitattributes")
    shutil.copy(REPO_DIR / "scripts" / "install_git_filters.sh", repo / "scripts" / "install_git_filters.sh")
    subprocess.run(["bash", "scripts/install_git_filters.sh", sys.executable], cwd=repo, check=True, capture_output=True)
    (repo / "notebooks").mkdir()
    chosen = [p for p in NOTEBOOKS if p.stem in ("04_jurisdiction_gaps", "07_explore")]  # each file costs the filter a Python start
    for path in chosen:
        shutil.copy(path, repo / "notebooks" / path.name)
    clean = {path.name: path.read_bytes() for path in chosen}
    # what saving in JupyterLab after a run writes: outputs, counts, language_info, widget state
    saved = json.loads(clean["04_jurisdiction_gaps.ipynb"])
    for count, cell in enumerate((c for c in saved["cells"] if c["cell_type"] == "code"), start=1):
        cell["execution_count"] = count
        cell["outputs"] = [{"output_type": "execute_result", "execution_count": count, "metadata": {}, "data": {"text/plain": ["42"]}}]
        cell["metadata"]["scrolled"] = True
    saved["metadata"]["language_info"] = {"name": "python", "version": "3.11.7", "mimetype": "text/x-python"}
    saved["metadata"]["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    (repo / "notebooks" / "04_jurisdiction_gaps.ipynb").write_text(json.dumps(saved, indent=1) + "\n", encoding="utf-8")

    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "notebooks")
    for name, committed in clean.items():
        staged = _git(repo, "show", f"HEAD:notebooks/{name}")
        assert staged.encode() == committed, f"{name}: committed notebooks pass the filter unchanged"
    assert '"outputs": []' in _git(repo, "show", ":notebooks/04_jurisdiction_gaps.ipynb")
    assert _git(repo, "status", "--porcelain") == ""  # the saved outputs stay in the working copy, and git sees no change
    assert "42" in (repo / "notebooks" / "04_jurisdiction_gaps.ipynb").read_text(encoding="utf-8")


def test_figures_of_notebooks_run_by_hand_are_ignored_by_git() -> None:
    from zwgk.figures.export import SCRATCH_DIR

    assert SCRATCH_DIR.relative_to(REPO_DIR).as_posix() == "figures/_scratch"
    if HAS_GIT:
        ignored = subprocess.run(["git", "check-ignore", "figures/_scratch/gaps_theme_heatmap.png"], cwd=REPO_DIR, check=False)
        assert ignored.returncode == 0
