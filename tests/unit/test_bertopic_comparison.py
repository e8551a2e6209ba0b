"""benchmarks/bertopic_comparison.py: its scoring on a tiny hand-made clustering, splits, and --help (no BERTopic needed)."""

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from tests.helpers.benchmarks import import_benchmark
from zwgk.analyses.evaluation import score_clustering, score_neighbour_recall
from zwgk.paths import REPO_DIR

SCRIPT = REPO_DIR / "benchmarks" / "bertopic_comparison.py"

# Two same-task groups; x belongs to no group. Clusters: {a1, a2, x} and {a3, b1, b2}.
GROUPS = [["a1", "a2", "a3"], ["b1", "b2"]]
NEGATIVES = [("a1", "x"), ("a3", "b1")]
CLUSTERS = pd.DataFrame(
    {"measure_id": ["a1", "a2", "x", "a3", "b1", "b2"], "cluster_id": ["c1", "c1", "c1", "c2", "c2", "c2"]},
)
NEIGHBOURS = pd.DataFrame({"measure_id": ["a1", "a2", "b1", "a3"], "neighbour_id": ["a2", "a1", "b2", "x"]})


@pytest.fixture(scope="module")
def bench():
    return import_benchmark("bertopic_comparison")


def test_scores_by_hand(bench) -> None:
    # positives: (a1,a2) together, (a1,a3) and (a2,a3) apart, (b1,b2) together → recall 2/4
    # negatives: across groups (a3,b1), (a3,b2) together; look-alike (a1,x) together → precision 2/(2+3)
    labelled = bench.LabelledSet(GROUPS, NEGATIVES, "all")
    score = bench.score_method(CLUSTERS, NEIGHBOURS, labelled, n_bootstrap=200)
    assert score.recall == pytest.approx(0.5)
    assert score.precision == pytest.approx(0.4)
    assert score.f1 == pytest.approx(2 * 0.4 * 0.5 / 0.9)
    # ordered same-task pairs: 6 in the first group, 2 in the second; found a1→a2, a2→a1, b1→b2
    assert score.neighbour_recall == pytest.approx(3 / 8)
    for name in ("precision", "recall", "f1", "neighbour_recall"):
        low, high = score.intervals[name]
        assert low <= getattr(score, name) <= high
    # the same figures as zwgk's own evaluation functions
    public = score_clustering(CLUSTERS, GROUPS, NEGATIVES)
    assert (public.precision_all, public.recall) == pytest.approx((score.precision, score.recall))
    assert score_neighbour_recall(NEIGHBOURS, GROUPS) == pytest.approx(score.neighbour_recall)


def test_bootstrap_draw_counts_a_group_drawn_twice_twice(bench) -> None:
    counts = bench.count_pairs(CLUSTERS, GROUPS, NEGATIVES)
    # the first group twice: hits 1+1 of 3+3 pairs; its look-alike (a1,x) twice; no pair across distinct groups
    precision, recall, f1 = bench.score_draw(counts, np.array([0, 0]))
    assert (precision, recall) == pytest.approx((2 / 4, 2 / 6))
    assert f1 == pytest.approx(bench.compute_f1(0.5, 1 / 3))


def test_intervals_are_deterministic(bench) -> None:
    labelled = bench.LabelledSet(GROUPS, NEGATIVES, "all")
    assert bench.score_method(CLUSTERS, NEIGHBOURS, labelled).intervals == bench.score_method(CLUSTERS, NEIGHBOURS, labelled).intervals


def test_outliers_are_clusters_of_their_own(bench) -> None:
    clusters = bench.clusters_from_topics(["a1", "a2", "a3"], [-1, -1, 0])
    assert clusters["cluster_id"].nunique() == 3


def test_split_falls_back_to_all_groups_and_says_so(bench, tmp_path) -> None:
    path = tmp_path / "groups.yaml"
    path.write_text(
        "groups:\n- measure_ids: [a1, a2, a3]\n- measure_ids: [b1, b2]\n  split: sealed\nnegative_pairs: []\n", encoding="utf-8"
    )
    splits = bench.read_group_splits(path)
    assert splits == ["dev", "sealed"]
    sealed = bench.select_split(GROUPS, NEGATIVES, splits, "sealed")
    assert (sealed.groups, sealed.split, sealed.note) == ([["b1", "b2"]], "sealed", "")
    assert sealed.negatives == []  # (a3, b1) touches a dev group
    dev = bench.select_split(GROUPS, NEGATIVES, splits, "dev")
    assert dev.negatives == [("a1", "x")]
    fallback = bench.select_split(GROUPS, NEGATIVES, ["dev", "dev"], "sealed")
    assert fallback.groups == GROUPS and fallback.split == "all" and "ALL 2 groups" in fallback.note


def test_help_runs() -> None:
    result = subprocess.run([sys.executable, str(SCRIPT), "--help"], capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert "--split" in result.stdout and "--data-dir" in result.stdout
