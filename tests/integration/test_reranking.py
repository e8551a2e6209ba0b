"""The k-reciprocal re-ranking of the linkage (README, Re-ranking): the sparse form equals the dense one it
stands for, blocks change nothing, and adding a plan re-ranks its pairs all but as a full clustering does.

The dense reference lives in the study script (benchmarks/reranking_study.py), written apart from
the library with Python sets over the full n x n similarity.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import zwgk
from tests.helpers.benchmarks import import_benchmark
from zwgk.analyses.similar import SimilarityIndex, find_neighbours, reranking
from zwgk.analyses.similar.assignments import _find_fresh_edges
from zwgk.analyses.similar.clusters import find_cosine_edges, find_linkage_edges
from zwgk.analyses.similar.reranking import list_top_pairs, rerank_edges

study = import_benchmark("reranking_study")


@pytest.fixture(scope="module")
def seed_index(seed_data_dir: Path) -> SimilarityIndex:
    return zwgk.build_similarity_index(zwgk.load_measures(seed_data_dir))


def test_the_sparse_reranking_gives_the_dense_scores_from_the_top_20_lists(seed_index: SimilarityIndex) -> None:
    index = seed_index
    plans = pd.factorize(index.measures["plan_id"])[0]
    same_plan = plans[:, None] == plans[None, :]
    plain = (index.matrix.astype(np.float64) @ index.matrix.T.astype(np.float64)).toarray()
    dense = study._rerank_dense(plain, same_plan)
    edges = find_cosine_edges(index, 20)
    sparse_all = rerank_edges(edges, index.matrix, index.measures["plan_id"].to_numpy())
    a, b = sparse_all["row_a"].to_numpy(), sparse_all["row_b"].to_numpy()
    assert len(sparse_all) > len(edges) * 0.9  # the searched pairs (those with S' > 0) and the pairs their reciprocal sets weigh
    assert np.abs(sparse_all["score"].to_numpy() - dense[a, b]).max() < 1e-6
    assert not np.allclose(sparse_all["score"].to_numpy(), plain[a, b])  # re-ranking changed the scores
    # Kept to each row's top 5 by the new score (what the linkage sees at k 5), the pairs are the dense top 5 (ties aside).
    ids = index.measures["measure_id"].to_numpy()
    found = study._find_top5_in_edges(find_linkage_edges(index, 5), ids)
    expected = study._find_top5_by_similarity(dense, same_plan, ids)
    shared = len(
        set(zip(found["measure_id"], found["neighbour_id"], strict=True))
        & set(zip(expected["measure_id"], expected["neighbour_id"], strict=True))
    )
    assert shared >= 0.99 * len(expected)


def test_ranking_in_blocks_of_rows_changes_nothing(seed_index: SimilarityIndex, monkeypatch: pytest.MonkeyPatch) -> None:
    # A national corpus ranks its pairs a block of rows at a time; a block of 500 pair ends makes the seeds' ~40 blocks.
    plans = seed_index.measures["plan_id"].to_numpy()
    edges = find_cosine_edges(seed_index, 20)
    whole = rerank_edges(edges, seed_index.matrix, plans, k=20)
    monkeypatch.setattr(reranking, "_BLOCK_PAIRS", 500)
    monkeypatch.setattr(reranking, "_CHUNK", 64)
    blocked = rerank_edges(edges, seed_index.matrix, plans, k=20)
    pd.testing.assert_frame_equal(whole, blocked)
    assert len(whole) < len(rerank_edges(edges, seed_index.matrix, plans))  # k keeps each row's top 20 only


def test_the_top_pairs_of_each_row_come_best_first(seed_index: SimilarityIndex) -> None:
    edges = pd.DataFrame({"row_a": [0, 0, 1, 2], "row_b": [1, 2, 3, 3], "score": [0.5, 0.9, 0.5, 0.7]})
    top = list_top_pairs(edges, 5, 2)
    assert top.values.tolist() == [[0, 2, 0.9], [0, 1, 0.5], [1, 0, 0.5], [1, 3, 0.5], [2, 0, 0.9], [2, 3, 0.7], [3, 2, 0.7], [3, 1, 0.5]]
    # Against the cosine search on the seeds: each row's list is its own top k by score, as find_neighbours gives it.
    cosine = find_cosine_edges(seed_index, 5)
    listed = list_top_pairs(cosine, seed_index.matrix.shape[0], 5)
    searched = find_neighbours(seed_index, k=5)
    assert listed["query_row"].tolist() == searched["query_row"].tolist()
    assert np.allclose(listed["score"], searched["score"])


def test_an_update_re_ranks_the_new_pairs_as_the_full_clustering_does(seed_index: SimilarityIndex) -> None:
    # Each seed plan in turn is "new": the update searches its lists and those of the rows in them, and
    # re-ranks them together. Its pairs touching new rows are the full re-ranking's wherever the linkage
    # could use them (the two differ only on pairs scoring about 0.1, measured 0.113 at most, far
    # under the threshold 0.25), scored alike; plain cosine scores would not be.
    plans = seed_index.measures["plan_id"].to_numpy()
    full = find_linkage_edges(seed_index, 20)
    cosine = find_cosine_edges(seed_index, 20).set_index(["row_a", "row_b"])["score"]
    for plan in pd.unique(plans):
        is_new = plans == plan
        exact = full[is_new[full["row_a"]] | is_new[full["row_b"]]].set_index(["row_a", "row_b"])["score"]
        update = _find_fresh_edges(seed_index, is_new, 20, "exact").set_index(["row_a", "row_b"])["score"]
        assert exact[exact >= 0.2].index.isin(update.index).all(), plan
        assert update[update >= 0.2].index.isin(exact.index).all(), plan
        shared = exact.index.intersection(update.index)
        assert len(shared) >= 0.9 * len(exact), plan
        difference = np.abs(exact[shared] - update[shared])
        assert difference.max() < 0.03 and difference.mean() < 0.001, plan
        assert np.abs(exact[shared] - cosine.reindex(shared)).mean() > 0.005, plan
