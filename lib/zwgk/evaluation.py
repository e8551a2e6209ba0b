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
