"""Cross-validated clustering figures count every labelled negative of a held-out group."""

import numpy as np
import pandas as pd
import pytest

from zwgk.analyses.evaluation import count_pairs, cross_validate

# Four hand-made groups of two measures; the clustering joins group 0 with group 1 (a wrong join of 4 pairs).
GROUPS = [["a1", "a2"], ["b1", "b2"], ["c1", "c2"], ["d1", "d2"]]
CLUSTERS = pd.DataFrame(
    {"measure_id": ["a1", "a2", "b1", "b2", "c1", "c2", "d1", "d2"], "cluster_id": ["x", "x", "x", "x", "y", "y", "z", "w"]}
)


def test_a_wrong_join_between_groups_of_two_folds_counts_half_in_each() -> None:
    tables = count_pairs(CLUSTERS, GROUPS, [])
    held_out = np.array([1.0, 0.0, 0.0, 0.0])  # group 0 alone: its 4 wrong pairs are with group 1, in another fold
    precision, recall, _ = tables.score_held_out(held_out)
    assert recall == 1.0
    assert precision == pytest.approx(1 / (1 + 2))  # 1 hit against 4 wrong pairs at half weight
    assert tables.score(held_out)[0] == 1.0  # counting inside the held-out fold only would miss them all
    both = np.array([1.0, 1.0, 0.0, 0.0])
    assert tables.score_held_out(both)[0] == pytest.approx(2 / (2 + 4))  # inside the fold: counted once, in full


def test_cross_validation_pools_no_flattering_precision() -> None:
    # One setting only: every fold scores the same clustering, so the held-out precision can be checked by hand.
    scored = {(20, 0.25): count_pairs(CLUSTERS, GROUPS, [])}
    (precision, recall, _), chosen = cross_validate(scored, folds=4)
    assert chosen == [(20, 0.25)] * 4
    assert recall == pytest.approx(0.75)  # group d's pair is apart
    # per fold: a -> 1/(1+2), b -> 1/(1+2), c -> 1, d -> 0 (no hit, no wrong join)
    assert precision == pytest.approx((1 / 3 + 1 / 3 + 1 + 0) / 4)
