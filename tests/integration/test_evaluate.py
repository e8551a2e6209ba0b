"""The one command that prints the evaluation figures."""

from pathlib import Path

from zwgk.analyses.evaluation import run_evaluation


def test_evaluation_prints_every_figure(seed_data_dir: Path) -> None:
    lines = run_evaluation(seed_data_dir, n_subsamples=2)
    text = "\n".join(lines)
    for fragment in [
        "classified share",
        "Cohen's kappa",
        "segmentation HMM on",
        "pairwise recall",
        "top-5 recall",
        "shuffled input gives an identical",
    ]:
        assert fragment in text
    assert "(test, n=79)" in text
