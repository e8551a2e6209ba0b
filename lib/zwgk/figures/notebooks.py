"""Run every notebook headless (papermill) and refresh ``figures/`` with its gallery.

The notebooks are the researchers' documents; this only executes them in order with
their parameters, keeps the executed copies in ``notebooks/_executed/`` (not in git) and
writes ``figures/index.html`` from the captions the notebooks exported.
"""

from __future__ import annotations

import os
from pathlib import Path

from tqdm import tqdm

from zwgk.figures.export import write_gallery
from zwgk.paths import FIGURES_DIR, NOTEBOOKS_DIR, get_data_dir


def list_notebooks(folder: Path = NOTEBOOKS_DIR) -> list[Path]:
    """Return the numbered notebooks in run order (01_…, 02_…)."""
    return sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb"))


def run_notebooks(
    parameters: dict | None = None, notebooks: list[Path] | None = None, executed_dir: Path | None = None, figures_dir: Path | None = None
) -> list[Path]:
    """Execute the notebooks with ``parameters`` (plus figures_dir); return the executed copies.

    The kernels see the same ``ZWGK_DATA_DIR`` as this process, so they read the same dataset.
    """
    import papermill

    notebooks = notebooks or list_notebooks()
    executed_dir = executed_dir or NOTEBOOKS_DIR / "_executed"
    figures_dir = figures_dir or FIGURES_DIR
    executed_dir.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("ZWGK_DATA_DIR", str(get_data_dir()))
    outputs = []
    for notebook in tqdm(notebooks, desc="notebooks", unit="nb"):
        output = executed_dir / notebook.name
        papermill.execute_notebook(
            str(notebook),
            str(output),
            parameters={**(parameters or {}), "figures_dir": str(figures_dir)},
            cwd=str(notebook.parent),
            progress_bar=False,
            kernel_name="python3",
        )
        outputs.append(output)
    write_gallery(figures_dir)
    return outputs
