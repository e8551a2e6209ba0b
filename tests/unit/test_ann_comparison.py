"""benchmarks/ann_comparison.py: its candidate filtering, recall, exact re-scoring and zwgk run on small inline vectors (no ANN library needed)."""

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from sklearn.preprocessing import normalize

from tests.helpers.benchmarks import import_benchmark
from zwgk.analyses.similar import SimilarityIndex, neighbours
from zwgk.analyses.similar.neighbours import build_cell_index, rescore_candidates, search_approximate, search_exact
from zwgk.paths import REPO_DIR

SCRIPT = REPO_DIR / "benchmarks" / "ann_comparison.py"


@pytest.fixture(scope="module")
def bench():
    return import_benchmark("ann_comparison")


def _planted(n_pairs: int = 150, n_features: int = 400, seed: int = 3) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Rows 2i and 2i+1 are noisy copies of each other in different plans; plans hold 10 rows each."""
    rng = np.random.default_rng(seed)
    base = sparse.random(n_pairs, n_features, density=0.05, random_state=rng, format="csr")
    noise = sparse.random(2 * n_pairs, n_features, density=0.01, random_state=rng, format="csr")
    matrix = normalize(sparse.vstack([base[i // 2] for i in range(2 * n_pairs)]).tocsr() + noise).tocsr()
    plans = (np.arange(2 * n_pairs) % 2) * 1000 + np.arange(2 * n_pairs) // 20
    return matrix, plans.astype(np.int64)


def _edges(rows: list[tuple[int, int, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["query_row", "neighbour_row", "score"])


def test_select_candidates_drops_own_plan_and_missing_ids(bench) -> None:
    plans = np.array([0, 0, 1, 1, 2, 3])
    ids = np.array([[1, 2, -1, 3, 4], [0, 3, 2, 1, 5]])  # query 0: row 1 shares its plan, -1 is no answer
    rows, columns, short = bench.select_candidates(np.array([0, 3]), ids, plans, n_candidates=3)
    assert rows.tolist() == [0, 0, 0, 3, 3, 3]
    assert columns.tolist() == [2, 3, 4, 0, 1, 5]  # query 3 (plan 1) loses rows 3 and 2, keeps its first three others
    assert short.tolist() == [False, False]
    rows, columns, short = bench.select_candidates(np.array([0]), ids[:1, :3], plans, n_candidates=3)
    assert short.tolist() == [True] and len(rows) == 0  # a short query keeps nothing until asked again


def test_gather_candidates_asks_crowded_queries_again_wider(bench) -> None:
    # 12 rows; rows 0-5 share plan 0, the rest are alone. Each query's answer lists rows by distance from it.
    plans = np.array([0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6])
    asked = []

    def fetch(queries: np.ndarray, width: int) -> np.ndarray:
        asked.append((queries.tolist(), width))
        order = np.argsort(np.abs(np.arange(12)[None, :] - queries[:, None]), axis=1, kind="stable")
        return order[:, :width]

    rows, columns = bench.gather_candidates(fetch, plans, n_candidates=2)
    assert asked[0] == (list(range(12)), 4)
    assert [width for _, width in asked] == [4, 8]  # rows 0-5 see at most one other plan in 4: asked again with 8
    assert asked[1][0] == [0, 1, 2, 3, 4, 5]
    found = pd.DataFrame({"row": rows, "column": columns}).groupby("row")["column"].apply(sorted).to_dict()
    assert found[0] == [6, 7] and found[6] == [5, 7] and found[11] == [9, 10]
    assert all(plans[r] != plans[c] for r, c in zip(rows, columns, strict=True))
    assert len(rows) == 2 * 12


def test_gather_candidates_keeps_what_an_exhausted_library_found(bench) -> None:
    plans = np.array([0, 0, 0, 1, 2, 3, 4, 5])

    def fetch(queries: np.ndarray, width: int) -> np.ndarray:  # never more than rows 0-3, whatever the width
        return np.tile(np.concatenate([np.arange(4), np.full(4, -1)])[:width], (len(queries), 1))

    rows, columns = bench.gather_candidates(fetch, plans, n_candidates=3)
    found = pd.DataFrame({"row": rows, "column": columns}).groupby("row")["column"].apply(sorted).to_dict()
    assert found == {0: [3], 1: [3], 2: [3], **{row: [0, 1, 2] for row in range(3, 8)}}


class _RefusingIndex:
    """Answers like hnswlib: a batch is refused whole when one of its vectors reaches fewer than k rows."""

    def __init__(self, reachable: dict[int, int]) -> None:
        self.reachable = reachable  # vector (its first value) -> rows it can reach; others reach all
        self.calls = 0

    def knn_query(self, vectors: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        self.calls += 1
        if any(self.reachable.get(int(v[0]), 10**6) < k for v in vectors):
            raise RuntimeError("Cannot return the results in a contiguous 2D array. Probably ef or M is too small")
        ids = (vectors[:, :1].astype(np.uint64) * 1000 + np.arange(k, dtype=np.uint64)[None, :]).astype(np.uint64)
        return ids, np.zeros(ids.shape, np.float32)


def test_query_hnswlib_pads_the_queries_it_refuses(bench) -> None:
    vectors = np.arange(8, dtype=np.float32)[:, None]
    index = _RefusingIndex({5: 3, 6: 0})
    ids = bench.query_hnswlib(index, vectors, width=6)
    assert ids.dtype == np.int64 and ids.shape == (8, 6)
    assert ids[0].tolist() == [0, 1, 2, 3, 4, 5] and ids[7].tolist() == [7000 + i for i in range(6)]
    assert ids[5].tolist() == [5000, 5001, 5002, -1, -1, -1]  # the most it answers, then nothing
    assert ids[6].tolist() == [-1] * 6
    unrefused = _RefusingIndex({})
    assert bench.query_hnswlib(unrefused, vectors, width=6).tolist() == [[v * 1000 + i for i in range(6)] for v in range(8)]
    assert unrefused.calls == 1  # one call for a batch it answers


def test_score_against_exact_counts_ties_and_the_top3_margin(bench) -> None:
    exact = _edges([(0, 1, 0.9), (0, 2, 0.8), (0, 3, 0.7), (5, 1, 0.5), (5, 2, 0.4), (5, 3, 0.3), (7, 1, 0.6), (7, 2, 0.5), (7, 3, 0.4)])
    found = _edges(
        [
            *[(0, 1, 0.9), (0, 2, 0.8), (0, 9, 0.7)],  # a tie at the k-th score: still the exact top 3
            *[(5, 1, 0.5), (5, 9, 0.2)],  # one of three, and too few neighbours for the top-3 agreement
            *[(7, 1, 0.59), (7, 2, 0.49), (7, 3, 0.39)],  # within 0.02, but 0.39 is below the exact third score
            (8, 1, 0.9),  # a query not in the sample is ignored
        ]
    )
    recall, agreement = bench.score_against_exact(found, exact, k=3)
    assert recall == pytest.approx((3 + 1 + 2) / 9)
    assert agreement == pytest.approx(2 / 3)
    worse = found.assign(score=np.where(found["query_row"] == 7, found["score"] - 0.03, found["score"]))
    assert bench.score_against_exact(worse, exact, k=3)[1] == pytest.approx(1 / 3)


def test_exhaustive_candidates_rescored_equal_the_exact_search(bench) -> None:
    matrix, plans = _planted(n_pairs=30)
    dense = (matrix @ matrix.T).toarray()

    def fetch(queries: np.ndarray, width: int) -> np.ndarray:  # a perfect library: every row, best first
        return np.argsort(-dense[queries], axis=1, kind="stable")[:, :width]

    rows, columns = bench.gather_candidates(fetch, plans, bench.count_candidates(3))
    found = rescore_candidates(matrix.astype(np.float32), None, rows, columns, k=3)
    exact = search_exact(matrix, matrix, plans, plans, k=3)
    assert found["query_row"].tolist() == exact["query_row"].tolist()
    assert found["score"].to_numpy() == pytest.approx(exact["score"].to_numpy(), abs=1e-6)
    assert found["score"].to_numpy() == pytest.approx(dense[found["query_row"], found["neighbour_row"]], abs=1e-6)
    assert bench.score_against_exact(found, exact, k=3) == pytest.approx((1.0, 1.0))


def test_zwgk_run_is_the_library_search_and_agrees_with_exact(bench, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(neighbours, "CELL_SIZE", 20)
    matrix, plans = _planted()
    measures = pd.DataFrame({"measure_id": [f"m{i:03d}" for i in range(len(plans))], "plan_id": [f"p{p}" for p in plans]})
    index = SimilarityIndex(measures, [], matrix, None, None)
    reduction, rng = bench._reduce(index)
    first = bench.run_zwgk(index, reduction, rng, k=3)
    second = bench.run_zwgk(index, reduction, rng, k=3)
    assert index._cells is None  # the index is left as found
    expected = search_approximate(build_cell_index(matrix), None, plans, plans, k=3)
    assert first.edges[["query_row", "neighbour_row"]].equals(expected[["query_row", "neighbour_row"]])
    assert bench.describe_determinism(first.edges, second.edges) == "yes"
    exact = bench.compute_exact_sample(index, 100, k=3)
    assert exact["query_row"].nunique() == 100 and exact["query_row"].max() >= 100  # keyed by indexed row, not sample position
    recall, agreement = bench.score_against_exact(first.edges, exact, k=3)
    assert recall >= 0.9 and agreement >= 0.9
    changed = first.edges.assign(neighbour_row=np.where(first.edges["query_row"] == 0, -1, first.edges["neighbour_row"]))
    assert bench.describe_determinism(first.edges, changed) == f"no ({1 / first.edges['query_row'].nunique():.1%} of queries differ)"


def test_help_runs_without_the_libraries() -> None:
    result = subprocess.run([sys.executable, str(SCRIPT), "--help"], capture_output=True, text=True, check=True)
    assert "--corpus" in result.stdout and "--sample" in result.stdout
