"""Nearest-neighbour search on small inline vectors: plan exclusion, exact scores, order."""

import numpy as np
import pytest
from scipy import sparse
from sklearn.preprocessing import normalize

from zwgk.analyses.similar import neighbours
from zwgk.analyses.similar.neighbours import build_cell_index, search_approximate, search_exact


def _planted(n_pairs: int = 150, n_features: int = 400, seed: int = 3) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Random sparse vectors in pairs: row 2i and 2i+1 are a noisy copy of each other, in
    different plans; plans hold 10 rows each."""
    rng = np.random.default_rng(seed)
    base = sparse.random(n_pairs, n_features, density=0.05, random_state=rng, format="csr")
    noise = sparse.random(2 * n_pairs, n_features, density=0.01, random_state=rng, format="csr")
    matrix = normalize(sparse.vstack([base[i // 2] for i in range(2 * n_pairs)]).tocsr() + noise)
    plans = (np.arange(2 * n_pairs) % 2) * 1000 + np.arange(2 * n_pairs) // 20  # partners never share a plan
    return matrix.tocsr(), plans.astype(np.int64)


def test_exact_search_skips_the_query_plan_and_orders_ties_by_row() -> None:
    matrix = normalize(sparse.csr_matrix(np.array([[1.0, 0, 0], [1.0, 0, 0], [1.0, 0, 0], [1.0, 0, 0], [0, 1.0, 0]])))
    plans = np.array([0, 0, 1, 2, 3])
    edges = search_exact(matrix, matrix, plans, plans, k=2)
    first = edges[edges["query_row"] == 0]
    assert first["neighbour_row"].tolist() == [2, 3]  # row 1 shares plan 0; 2 and 3 tie, lower row first
    assert first["score"].tolist() == pytest.approx([1.0, 1.0])
    assert 4 not in set(edges["query_row"])  # nothing shares a gram with row 4: no zero-score neighbours


def test_approximate_search_finds_planted_partners_with_exact_scores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(neighbours, "CELL_SIZE", 20)  # 15 cells, 8 probed: about half the rows per query
    matrix, plans = _planted()
    index = build_cell_index(matrix)
    assert len(index.members) == 15 and sum(map(len, index.members)) == matrix.shape[0]
    approximate = search_approximate(index, None, plans, plans, k=3)
    exact = search_exact(matrix, matrix, plans, plans, k=3)
    best = approximate.groupby("query_row").head(1)
    partners = best["query_row"].to_numpy() ^ 1
    assert (best["neighbour_row"].to_numpy() == partners).mean() >= 0.95
    merged = approximate.merge(exact, on=["query_row", "neighbour_row"], suffixes=("", "_exact"))
    assert len(merged) >= 0.8 * len(exact)
    assert merged["score"].to_numpy() == pytest.approx(merged["score_exact"].to_numpy(), abs=1e-6)  # re-scored exactly
    assert (plans[approximate["query_row"]] != plans[approximate["neighbour_row"]]).all()
    again = search_approximate(build_cell_index(matrix), None, plans, plans, k=3)
    assert again.equals(approximate)  # seeded: the same index and the same answer


def test_approximate_search_of_new_vectors_without_a_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(neighbours, "CELL_SIZE", 20)
    matrix, plans = _planted()
    index = build_cell_index(matrix)
    queries = matrix[[10, 11]]
    found = search_approximate(index, queries, plans, np.array([-1, -1]), k=2)
    assert found.groupby("query_row")["neighbour_row"].apply(set).to_dict() == {0: {10, 11}, 1: {10, 11}}
