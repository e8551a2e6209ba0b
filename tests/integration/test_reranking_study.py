"""The re-ranking study's sparse k-reciprocal re-ranking equals the dense one it stands for (README, Similar tasks)."""

from pathlib import Path

import numpy as np
import pandas as pd

import zwgk
from tests.helpers.benchmarks import import_benchmark
from zwgk.analyses.similar.clusters import find_linkage_edges

study = import_benchmark("reranking_study")


def test_the_sparse_reranking_gives_the_dense_scores_from_the_top_20_lists(seed_data_dir: Path) -> None:
    index = zwgk.build_similarity_index(zwgk.load_measures(seed_data_dir))
    plans = pd.factorize(index.measures["plan_id"])[0]
    same_plan = plans[:, None] == plans[None, :]
    plain = (index.matrix.astype(np.float64) @ index.matrix.T.astype(np.float64)).toarray()
    dense = study._rerank_dense(plain, same_plan)
    edges = find_linkage_edges(index, 20)
    sparse_all = study.rerank_edges(edges, index, k=None)
    a, b = sparse_all["row_a"].to_numpy(), sparse_all["row_b"].to_numpy()
    assert len(sparse_all) > len(edges) * 0.9  # the searched pairs (those with S' > 0) and the pairs their reciprocal sets weigh
    assert np.abs(sparse_all["score"].to_numpy() - dense[a, b]).max() < 1e-6
    assert not np.allclose(sparse_all["score"].to_numpy(), plain[a, b])  # re-ranking changed the scores
    # Kept to each row's top 5 by the new score, the pairs are the dense top 5 (ties aside).
    top = study.rerank_edges(edges, index, k=5)
    ids = index.measures["measure_id"].to_numpy()
    found = study._find_top5_in_edges(top, ids)
    expected = study._find_top5_by_similarity(dense, same_plan, ids)
    shared = len(
        set(zip(found["measure_id"], found["neighbour_id"], strict=True))
        & set(zip(expected["measure_id"], expected["neighbour_id"], strict=True))
    )
    assert shared >= 0.99 * len(expected)
