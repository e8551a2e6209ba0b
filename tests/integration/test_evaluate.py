"""The one command that prints the evaluation figures, and the README that quotes them."""

import re
from pathlib import Path

from zwgk.analyses.evaluation import run_evaluation
from zwgk.paths import REPO_DIR


def _figure(text: str, pattern: str) -> float:
    found = re.search(pattern, text)
    assert found, f"the evaluation prints no line matching {pattern!r}"
    return float(found.group(1))


def test_the_evaluation_prints_the_figures_the_readme_quotes(seed_data_dir: Path) -> None:
    text = "\n".join(run_evaluation(seed_data_dir, n_subsamples=2))
    readme = (REPO_DIR / "README.md").read_text(encoding="utf-8")
    printed = {
        "held-out kappa": _figure(text, r"\(test, n=79\): accuracy [\d.]+, Cohen's kappa ([\d.]+)"),
        "classified share": _figure(text, r"classified share ([\d.]+)"),
        "segmentation F1 with HMM": _figure(text, r"segmentation HMM on : .* F1 ([\d.]+)"),
        "clustering recall": _figure(text, r"pairwise recall ([\d.]+)"),
        "top-5 recall": _figure(text, r"top-5 recall of same-task measures ([\d.]+)"),
    }
    quoted = {
        "held-out kappa": _figure(readme, r"held-out test half \(n=79\): accuracy, Cohen's κ \| [\d.]+, \*\*([\d.]+)\*\*"),
        "classified share": _figure(readme, r"measures classified \| ([\d.]+)%") / 100,
        "segmentation F1 with HMM": _figure(readme, r"it scores word F1 ([\d.]+)"),
        "clustering recall": _figure(readme, r"pairwise recall of the clustering \| ([\d.]+)"),
        "top-5 recall": _figure(readme, r"top-5 neighbour recall of same-task measures \| ([\d.]+)"),
    }
    for name, value in printed.items():
        assert abs(value - quoted[name]) < 0.0015, f"{name}: the evaluation prints {value}, the README says {quoted[name]}"
    assert printed["held-out kappa"] >= 0.90
    assert "shuffled input gives an identical clustering" in text
