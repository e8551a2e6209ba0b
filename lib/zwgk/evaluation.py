"""Evaluation figures: theme coding against the hand-coded sample, segmentation against the
hand-segmented sample, and (see `similarity`) clustering against hand-made task groups.

Printed by ``zwgk evaluate``; the tests hold each figure at the level reached.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sklearn.metrics import cohen_kappa_score

from zwgk.paths import REPO_DIR
from zwgk.themes import code_measures

EVALUATION_DIR = REPO_DIR / "tests" / "data"


@dataclass(frozen=True)
class AgreementScore:
    """Agreement of the codebook's rules with hand coding on one part of the sample."""

    split: str
    n: int
    accuracy: float
    kappa: float


def load_theme_sample(path: Path | None = None) -> pd.DataFrame:
    """Return the hand-coded sample (measure_id, split dev/test, theme_id, text)."""
    return pd.read_csv(path or EVALUATION_DIR / "theme_sample.csv", dtype=str)


def score_theme_agreement(sample: pd.DataFrame, measures: pd.DataFrame) -> list[AgreementScore]:
    """Return accuracy and Cohen's kappa of the rules against the hand codes, per split and overall.

    ``dev`` was used to tune rule weights; ``test`` never was: its figures are the estimate.
    """
    coded = code_measures(measures[measures["measure_id"].isin(sample["measure_id"])])
    merged = sample.merge(coded[["measure_id", "theme_id"]], on="measure_id", suffixes=("_hand", "_rules"), validate="1:1")
    if len(merged) != len(sample):
        raise ValueError("some hand-coded measures are not in the dataset")
    scores = []
    for split, group in [*merged.groupby("split"), ("all", merged)]:
        hand, rules = group["theme_id_hand"], group["theme_id_rules"]
        scores.append(AgreementScore(str(split), len(group), float((hand == rules).mean()), float(cohen_kappa_score(hand, rules))))
    return scores


@dataclass(frozen=True)
class ClusteringScore:
    """Pairwise agreement of a clustering with the hand-made same-task groups."""

    recall: float
    precision_lookalike: float
    precision_all: float
    n_positive_pairs: int
    n_negative_pairs: int


def load_task_groups(path: Path | None = None) -> tuple[list[list[str]], list[tuple[str, str]]]:
    """Return the hand-made groups of same-task measures and the look-alike negative pairs."""
    import yaml

    doc = yaml.safe_load((path or EVALUATION_DIR / "same_task_groups.yaml").read_text(encoding="utf-8"))
    groups = [list(group["measure_ids"]) for group in doc["groups"]]
    negatives = [(pair["a"], pair["b"]) for pair in doc["negative_pairs"]]
    return groups, negatives


def label_pairs(groups: list[list[str]], negatives: list[tuple[str, str]]) -> tuple[set, set, set]:
    """Return positive pairs, look-alike negatives, and all negatives (pairs across groups too)."""
    import itertools

    def key(a: str, b: str) -> tuple[str, str]:
        return (a, b) if a < b else (b, a)

    positive = {key(a, b) for group in groups for a, b in itertools.combinations(group, 2)}
    lookalike = {key(a, b) for a, b in negatives}
    group_of = {member: i for i, group in enumerate(groups) for member in group}
    across = {key(a, b) for a, b in itertools.combinations(sorted(group_of), 2) if group_of[a] != group_of[b]}
    return positive, lookalike, lookalike | across


def score_clustering(clusters: pd.DataFrame, groups: list[list[str]], negatives: list[tuple[str, str]]) -> ClusteringScore:
    """Pairwise recall and precision of ``clusters`` (measure_id, cluster_id) on the labelled pairs.

    Precision is given twice: against the look-alike pairs only, and against every pair of
    labelled measures from different groups (stricter: related but distinct tasks count).
    """
    cluster_of = dict(zip(clusters["measure_id"], clusters["cluster_id"], strict=True))
    positive, lookalike, all_negative = label_pairs(groups, negatives)

    def together(pairs: set) -> int:
        return sum(cluster_of.get(a) is not None and cluster_of.get(a) == cluster_of.get(b) for a, b in pairs)

    hits = together(positive)
    return ClusteringScore(
        recall=hits / len(positive),
        precision_lookalike=hits / max(hits + together(lookalike), 1),
        precision_all=hits / max(hits + together(all_negative), 1),
        n_positive_pairs=len(positive),
        n_negative_pairs=len(all_negative),
    )


def score_neighbour_recall(neighbours: pd.DataFrame, groups: list[list[str]]) -> float:
    """Share of ordered same-task pairs (a, b) where b is among a's neighbours (measure ids)."""
    found = set(zip(neighbours["measure_id"], neighbours["neighbour_id"], strict=True))
    ordered = [(a, b) for group in groups for a in group for b in group if a != b]
    return sum(pair in found for pair in ordered) / len(ordered)


def score_stability(full: pd.DataFrame, other: pd.DataFrame, groups: list[list[str]], negatives: list[tuple[str, str]]) -> float:
    """Share of labelled pairs present in both clusterings whose together/apart status is unchanged."""
    positive, _, all_negative = label_pairs(groups, negatives)
    a_of = dict(zip(full["measure_id"], full["cluster_id"], strict=True))
    b_of = dict(zip(other["measure_id"], other["cluster_id"], strict=True))
    pairs = [(x, y) for x, y in positive | all_negative if x in b_of and y in b_of]
    same = sum((a_of[x] == a_of[y]) == (b_of[x] == b_of[y]) for x, y in pairs)
    return same / max(len(pairs), 1)
