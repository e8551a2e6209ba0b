"""Run the notebooks headless (papermill) and refresh a figures folder with its gallery.

The notebooks are the researchers' documents; this only executes them in order with
their parameters, keeps the executed copies in ``notebooks/_executed/`` (not in git) and
writes the folder's ``index.html`` from the captions the notebooks exported.

Where a run's figures go: the default run (every parameter at its notebook default) writes
``figures/``; a run with other parameters writes ``figures/runs/<name>-<value>--…/`` (the
parameters that differ, sorted by name), so runs never overwrite each other and the file
names inside stay the same in every folder.
"""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path

import nbformat
import yaml
from tqdm import tqdm

from zwgk.errors import ZwgkError
from zwgk.figures.export import NOTEBOOK_VARIABLE, write_gallery
from zwgk.paths import FIGURES_DIR, NOTEBOOKS_DIR, get_data_dir

RUNS_DIR = FIGURES_DIR / "runs"
EXECUTED_DIR = NOTEBOOKS_DIR / "_executed"  # executed copies, with outputs (git-ignored)
# Parameters that say where a run writes, not what it shows: never part of a run folder's name.
PLACEMENT_PARAMETERS = ("figures_dir",)


CELL_TIMEOUT = 1800  # seconds one cell may run before the run fails (a hung kernel must not hang `make all` or CI)


def list_notebooks(folder: Path = NOTEBOOKS_DIR) -> list[Path]:
    """Return the numbered notebooks in run order (01_…, 02_…)."""
    return sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb"))


def select_notebooks(names: list[str] | None, folder: Path = NOTEBOOKS_DIR) -> list[Path]:
    """Return the notebooks ``names`` picks (``04``, ``04_jurisdiction_gaps`` or ``jurisdiction_gaps``), in run order.

    No names picks them all; a name matching none is an error listing the notebooks.
    """
    notebooks = list_notebooks(folder)
    if not names:
        return notebooks
    picked = []
    for name in names:
        found = [p for p in notebooks if name in (p.stem, p.stem[:2], p.stem[3:])]
        if not found:
            raise ZwgkError(f"no notebook {name!r}; the notebooks are {', '.join(p.stem for p in notebooks)}")
        picked += found
    return [p for p in notebooks if p in picked]


def read_notebook_parameters(path: Path) -> dict[str, object]:
    """Return the parameters (name -> default) of a notebook's cell tagged ``parameters``.

    The cell holds only assignments of literals (the hygiene tests check it), so reading it
    needs no kernel.
    """
    notebook = nbformat.read(path, as_version=4)
    cell = next((c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])), None)
    if cell is None:
        return {}
    parameters = {}
    for node in ast.parse(cell.source).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            parameters[node.targets[0].id] = ast.literal_eval(node.value)
    return parameters


def parse_parameter(text: str) -> tuple[str, object]:
    """Return (name, value) of ``NAME=VALUE`` as papermill's ``-p`` reads it.

    VALUE is read as a YAML scalar: integers, floats, ``true``/``false`` and ``None``/``null``
    become numbers, booleans and None; anything else (``jiangsu-changzhou-2021``, a date) stays a string.
    """
    name, sep, raw = text.partition("=")
    if not sep or not re.fullmatch(r"[A-Za-z_]\w*", name.strip()):
        raise ZwgkError(f"parameter {text!r}: write it as NAME=VALUE, e.g. focal_plan_id=jiangsu-changzhou-2021")
    raw = raw.strip()
    if raw in ("None", "none"):
        return name.strip(), None
    try:
        value = yaml.safe_load(raw) if raw else ""
    except yaml.YAMLError:
        value = raw
    if isinstance(value, bool) and raw.lower() not in ("true", "false"):
        value = raw  # YAML 1.1 reads yes/no/on/off as booleans; a parameter means the word
    if value is not None and not isinstance(value, bool | int | float):
        value = raw
    return name.strip(), value


def check_parameters(parameters: dict[str, object], notebooks: list[Path]) -> None:
    """Raise one error line listing the valid names if a parameter is in none of ``notebooks``' parameter cells."""
    valid = sorted({name for path in notebooks for name in read_notebook_parameters(path)})
    unknown = sorted(set(parameters) - set(valid))
    if unknown:
        raise ZwgkError(f"unknown notebook parameter {', '.join(unknown)}; the selected notebooks take {', '.join(valid)}")


def choose_figures_dir(parameters: dict[str, object], notebooks: list[Path]) -> Path:
    """Return the folder a run exports to: ``figures/`` at the defaults, else ``figures/runs/<parameters>``.

    Only the parameters that differ from their default in a notebook that takes them name the
    folder, sorted by name, so the same parameters always give the same folder.
    """
    defaults: dict[str, list[object]] = {}
    for path in notebooks:
        for name, value in read_notebook_parameters(path).items():
            defaults.setdefault(name, []).append(value)
    changed = {
        name: value
        for name, value in parameters.items()
        if name in defaults and name not in PLACEMENT_PARAMETERS and any(value != default for default in defaults[name])
    }
    if not changed:
        return FIGURES_DIR
    parts = [name + "-" + re.sub(r"[^\w.-]+", "_", str(value)) for name, value in sorted(changed.items())]
    return RUNS_DIR / "--".join(parts)


def run_notebooks(
    parameters: dict | None = None, notebooks: list[Path] | None = None, executed_dir: Path | None = None, figures_dir: Path | None = None
) -> list[Path]:
    """Execute the notebooks with ``parameters`` (plus figures_dir); return the executed copies.

    Each notebook gets only the parameters its parameter cell has (papermill would add the
    others as unused variables). The kernels see the same ``ZWGK_DATA_DIR`` as this process,
    so they read the same dataset, and ``ZWGK_NOTEBOOK``, so the gallery orders by notebook.
    Without ``figures_dir`` the folder follows from the parameters (``choose_figures_dir``).
    """
    import papermill

    notebooks = notebooks or list_notebooks()
    parameters = dict(parameters or {})
    check_parameters(parameters, notebooks)
    executed_dir = executed_dir or EXECUTED_DIR
    figures_dir = Path(figures_dir) if figures_dir else choose_figures_dir(parameters, notebooks)
    executed_dir.mkdir(parents=True, exist_ok=True)
    figures_dir.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("ZWGK_DATA_DIR", str(get_data_dir()))
    outputs = []
    for notebook in tqdm(notebooks, desc="notebooks", unit="nb"):
        output = executed_dir / notebook.name
        taken = read_notebook_parameters(notebook)
        given = {name: value for name, value in parameters.items() if name in taken}
        os.environ[NOTEBOOK_VARIABLE] = notebook.stem
        try:
            papermill.execute_notebook(
                str(notebook),
                str(output),
                parameters={**given, "figures_dir": str(figures_dir)},
                cwd=str(notebook.parent),
                progress_bar=False,
                kernel_name="python3",
                execution_timeout=CELL_TIMEOUT,
            )
        finally:
            os.environ.pop(NOTEBOOK_VARIABLE, None)
        outputs.append(output)
    write_gallery(figures_dir)
    return outputs
