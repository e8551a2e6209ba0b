"""The one command that prints the evaluation figures, and the README that quotes them."""

import re
from pathlib import Path

from zwgk.analyses.evaluation import run_evaluation
from zwgk.paths import REPO_DIR


def _figure(text: str, pattern: str) -> float:
    found = re.search(pattern, text)
    assert found, f"the evaluation prints no line matching {pattern!r}"
    return float(found.group(1))


def test_the_evaluation_prints_the_figures_the_readme_quotes(reference_data_dir: Path) -> None:
    text = "\n".join(run_evaluation(reference_data_dir, n_subsamples=2))
    readme = (REPO_DIR / "README.md").read_text(encoding="utf-8")
    printed = {
        "held-out kappa": _figure(text, r"\(test, n=79\): accuracy [\d.]+, Cohen's kappa ([\d.]+)"),
        "classified share": _figure(text, r"classified share ([\d.]+)"),
        "segmentation F1 with HMM": _figure(text, r"segmentation HMM on : .* F1 ([\d.]+)"),
        "clustering dev CV F1": _figure(text, r"cross-validated pairwise precision [\d.]+, recall [\d.]+, F1 ([\d.]+)"),
        "verbatim precision": _figure(text, r"alignment verbatim \(test, n=43\): precision ([\d.]+)"),
        "adapted recall": _figure(text, r"alignment adapted \(test, n=53\): precision [\d.]+, recall ([\d.]+)"),
        "local precision": _figure(text, r"alignment local \(test, n=24\): precision ([\d.]+)"),
        "alignment macro F1": _figure(text, r"alignment \(test\): macro F1 ([\d.]+)"),
        "readers' kappa": _figure(text, r"Cohen's kappa between readers ([\d.]+)"),
        "coverage recall": _figure(text, r"parent coverage .*recall ([\d.]+)"),
        "comparison macro F1": _figure(text, r"comparison \(162 measures.*macro F1 ([\d.]+)"),
        "comparison reworded recall": _figure(text, r"comparison reworded \(n=55\): precision [\d.]+, recall ([\d.]+)"),
    }
    quoted = {
        "held-out kappa": _figure(readme, r"held-out test half \(n=79\): accuracy, Cohen's κ \| [\d.]+, \*\*([\d.]+)\*\*"),
        "classified share": _figure(readme, r"measures classified \(the five seed plans\) \| ([\d.]+)%") / 100,
        "segmentation F1 with HMM": _figure(readme, r"it scores word F1 ([\d.]+)"),
        "clustering dev CV F1": _figure(readme, r"dev groups \(\d+\), \d+-fold cross-validated: pairwise F1 \| ([\d.]+)"),
        "verbatim precision": _figure(readme, r"\| verbatim \(n=43\) \| ([\d.]+)"),
        "adapted recall": _figure(readme, r"\| adapted \(n=53\) \| [\d.]+ \| ([\d.]+)"),
        "local precision": _figure(readme, r"\| local \(n=24\) \| ([\d.]+)"),
        "alignment macro F1": _figure(readme, r"\| macro F1 \| \*\*([\d.]+)\*\*"),
        "readers' kappa": _figure(readme, r"Cohen's κ between readers ([\d.]+)"),
        "coverage recall": _figure(readme, r"carried precision [\d.]+, recall\s+([\d.]+)"),
        "comparison macro F1": _figure(readme, r"\| macro F1 \| \| \*\*([\d.]+)\*\*"),
        "comparison reworded recall": _figure(readme, r"\| reworded \| 55 \| [\d.]+ \| ([\d.]+)"),
    }
    if "clustering, sealed part: none" not in text:  # the sealed figures, once the same-task file marks a sealed part
        printed["sealed F1"] = _figure(text, r"clustering, sealed part .*F1 ([\d.]+) \[")
        printed["sealed top-5 recall"] = _figure(text, r"nearest neighbours \(sealed part\): top-5 recall of same-task measures ([\d.]+)")
        printed["sealed re-ranked top-5 recall"] = _figure(text, r"measures [\d.]+ by cosine, ([\d.]+) by the linkage's re-ranked score")
        quoted["sealed re-ranked top-5 recall"] = _figure(
            readme, r"sealed groups: top-5 recall by the linkage's re-ranked score \| ([\d.]+)"
        )
        quoted["sealed F1"] = _figure(readme, r"sealed groups: pairwise F1 \[95% interval\] \| \*\*([\d.]+)\*\*")
        quoted["sealed top-5 recall"] = _figure(readme, r"sealed groups: top-5 neighbour recall of same-task measures \| ([\d.]+)")
    for name, value in printed.items():
        assert abs(value - quoted[name]) < 0.0015, f"{name}: the evaluation prints {value}, the README says {quoted[name]}"
    assert printed["held-out kappa"] >= 0.90
    assert printed["alignment macro F1"] >= 0.80
    assert "shuffled input gives an identical clustering" in text
