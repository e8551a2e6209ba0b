"""Nearest-neighbour search and the clustering's linkage on small inline vectors: plan exclusion, exact scores, order."""

import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from sklearn.preprocessing import normalize

from zwgk.analyses.similar import neighbours
from zwgk.analyses.similar.clusters import link_average, link_clusters
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


def test_candidates_are_rescored_in_any_order_into_ranked_edges() -> None:
    # Candidates come grouped by query from the cell search, scattered from other libraries
    # (benchmarks/ann_comparison.py); either way each query keeps its k best by exact cosine,
    # ties by the lower row, zero scores dropped, queries in order.
    matrix, _ = _planted(n_pairs=60)
    vectors = matrix.astype(np.float32)
    rng = np.random.default_rng(0)
    rows = np.repeat(np.arange(120), 30)
    columns = np.concatenate([rng.choice(120, 30, replace=False) for _ in range(120)])
    dense = (matrix @ matrix.T).toarray()
    expected = []
    for query in range(120):
        found = sorted((-dense[query, c], c) for c in columns[rows == query] if dense[query, c] > 0)[:4]
        expected += [(query, c) for _, c in found]
    for order in (np.arange(len(rows)), rng.permutation(len(rows))):
        edges = neighbours.rescore_candidates(vectors, None, rows[order], columns[order], k=4)
        assert list(zip(edges["query_row"], edges["neighbour_row"], strict=True)) == expected
        assert edges["score"].to_numpy() == pytest.approx(dense[edges["query_row"], edges["neighbour_row"]], abs=1e-6)
    twins = normalize(sparse.csr_matrix(np.array([[1.0, 0], [1.0, 0], [1.0, 0], [0, 1.0]]))).astype(np.float32)
    tied = neighbours.rescore_candidates(twins, None, np.array([0, 0, 0]), np.array([3, 2, 1]), k=2)
    assert tied["neighbour_row"].tolist() == [1, 2]  # equal scores: lower row first; row 3 scores 0 and is dropped


def test_approximate_search_finds_planted_partners_with_exact_scores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(neighbours, "CELL_SIZE", 20)  # about 15 cells, 8 probed: about half the rows per query
    matrix, plans = _planted()
    index = build_cell_index(matrix)
    assert 12 <= len(index.members) <= 18 and sum(map(len, index.members)) == matrix.shape[0]  # about 300 / 20 cells, two-level
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


def _edges(pairs: list[tuple[int, int, float]]) -> pd.DataFrame:
    return pd.DataFrame(pairs, columns=["row_a", "row_b", "score"])


def test_average_linkage_keeps_a_task_many_plans_share_in_one_cluster() -> None:
    # 80 plans each hold a noisy copy of one task and of another: each copy sees only its top 3 (a few of its
    # 79 copies), the graph that mutual top-3 components broke into pieces. Average linkage over the pairs seen joins them.
    rng = np.random.default_rng(5)
    bases = sparse.random(2, 300, density=0.1, random_state=rng, format="csr")
    rows = sparse.vstack([bases[i % 2] for i in range(160)]).tocsr()
    matrix = normalize(rows + sparse.random(160, 300, density=0.03, random_state=rng, format="csr")).tocsr()
    plans = np.arange(160) // 2
    found = search_exact(matrix, matrix, plans, plans, k=3)
    a, b = found["query_row"].to_numpy(), found["neighbour_row"].to_numpy()
    edges = _edges(list(zip(np.minimum(a, b), np.maximum(a, b), found["score"], strict=True))).drop_duplicates(["row_a", "row_b"])
    labels = link_average(160, edges, 0.3, plans=plans)
    assert len(set(labels[0::2])) == 1 and len(set(labels[1::2])) == 1 and labels[0] != labels[1]


def test_average_linkage_never_puts_two_measures_of_one_plan_together() -> None:
    edges = _edges([(0, 1, 0.9), (1, 2, 0.9), (0, 2, 0.8), (2, 3, 0.2)])
    labels = link_average(4, edges, 0.1, plans=np.array(["p", "q", "p", "r"]))
    assert labels[0] != labels[2]  # plan p twice
    assert labels[1] in (labels[0], labels[2])
    assert link_average(4, edges, 0.1).tolist() == [0, 0, 0, 0]  # without plans all four join


def test_frozen_clusters_absorb_new_rows_but_never_merge() -> None:
    edges = _edges([(0, 2, 0.9), (1, 3, 0.9), (3, 4, 0.7), (1, 4, 0.6), (0, 4, 0.3), (4, 5, 0.1)])
    initial = np.array([0, 0, 2, 2, 4, 5])  # persisted clusters {0, 1} and {2, 3}; rows 4 and 5 are new
    frozen = np.array([True, True, True, True, False, False])
    labels = link_average(6, edges, 0.2, initial, frozen, plans=np.array(["a", "b", "c", "d", "e", "f"]))
    assert labels[:4].tolist() == [0, 0, 2, 2]  # the strong 0-2 link merges nothing persisted
    assert labels[4] == 2  # mean 0.7 to {2, 3} beats (0.6 + 0.3) / 2 to {0, 1}
    assert labels[5] == 5  # below the threshold: a new cluster


def test_a_task_thousands_of_plans_share_joins_in_a_few_rounds(monkeypatch: pytest.MonkeyPatch) -> None:
    # 2,000 plans hold one copy each of a task; each copy links to its 5 nearest copies. Merging one pair
    # per cluster and round took a round per copy (hundreds of passes over every link at 1,000 plans);
    # clusters that pick a merging pair join it in the same round.
    from zwgk.analyses.similar import clusters

    rng = np.random.default_rng(0)
    n = 2000
    a = np.repeat(np.arange(n), 5)
    b = (a + rng.integers(1, n, len(a))) % n
    edges = _edges(list(zip(np.minimum(a, b), np.maximum(a, b), rng.uniform(0.5, 0.9, len(a)), strict=True)))
    edges = edges.drop_duplicates(["row_a", "row_b"])
    rounds = []
    choose = clusters._choose_merges
    monkeypatch.setattr(clusters, "_choose_merges", lambda *args: rounds.append(1) or choose(*args))
    labels = clusters.link_average(n, edges, 0.2, plans=np.arange(n))
    assert len(set(labels)) == 1
    assert len(rounds) <= 30


def test_a_cluster_joining_a_pair_never_brings_a_plan_the_pair_holds() -> None:
    # 0 and 1 pick each other; 3 picks 1 and joins them; 2 picks 1 as well, but it is plan p's second measure
    edges = _edges([(0, 1, 0.9), (0, 2, 0.8), (1, 2, 0.5), (1, 3, 0.7)])
    labels = link_average(4, edges, 0.1, plans=np.array(["p", "q", "p", "r"]))
    assert labels[0] == labels[1] == labels[3]
    assert labels[2] != labels[0]


def test_the_cluster_pass_joins_two_wordings_no_measure_saw_together() -> None:
    # Two wordings of one task, each copied by 30 plans, and an unrelated task in the same 60 plans. Every copy's
    # top 5 are copies of its own wording, so the measure-level pass leaves two clusters with no pair between them;
    # their mean cosine over all pairs is high, and one plan holding both wordings (a restated task) does not stop them.
    rng = np.random.default_rng(3)
    base = sparse.random(1, 400, density=0.1, random_state=rng, format="csr")
    wordings = [normalize(base + sparse.random(1, 400, density=0.02, random_state=rng, format="csr")) for _ in range(2)]
    other = sparse.random(1, 400, density=0.1, random_state=rng, format="csr")
    rows = [wordings[i // 30] for i in range(60)] + [other] * 60 + [wordings[1]]
    matrix = normalize(sparse.vstack(rows) + 0.01 * sparse.random(121, 400, density=0.05, random_state=rng)).tocsr()
    plans = np.r_[np.arange(60), np.arange(60), 0]  # plan 0 states the task twice, in both wordings
    found = search_exact(matrix, matrix, plans, plans, k=5)
    a, b = found["query_row"].to_numpy(), found["neighbour_row"].to_numpy()
    edges = _edges(list(zip(np.minimum(a, b), np.maximum(a, b), found["score"], strict=True))).drop_duplicates(["row_a", "row_b"])
    first = link_average(121, edges, 0.3, plans=plans)
    assert first[0] != first[30]  # the two wordings apart after the measure-level pass
    joined = link_clusters(matrix, first, 0.6, k=5, plans=plans)
    assert len(set(joined[:60])) == 1 and len(set(joined[60:120])) == 1 and joined[0] != joined[60]
    assert joined[120] == joined[0]
    strict = link_clusters(matrix, first, 0.6, k=5, plans=plans, overlap=0.0)
    assert strict[0] != strict[30]  # when no plan may restate the task, the wordings stay apart


def test_cells_are_fitted_in_two_levels_whose_k_means_stay_small(monkeypatch: pytest.MonkeyPatch) -> None:
    # One flat k-means of n / CELL_SIZE cells on a sample that grows with n costs n squared: it
    # took most of the clustering at 30,000 plans. The cells are fitted as groups, then cells
    # within each group: no k-means has more than about sqrt(cells) centroids, their samples
    # add up to the one sample, and every row still lands in exactly one cell of about CELL_SIZE.
    monkeypatch.setattr(neighbours, "CELL_SIZE", 10)
    matrix, plans = _planted(n_pairs=400)  # 800 rows: 80 cells, 9 groups
    fits: list[tuple[int, int]] = []
    real_fit = neighbours.KMeans.fit
    monkeypatch.setattr(neighbours.KMeans, "fit", lambda self, x, *a, **kw: fits.append((self.n_clusters, len(x))) or real_fit(self, x))
    index = build_cell_index(matrix)
    assert fits[0] == (9, 800)  # the groups, on the whole sample (800 rows: at most 40 per cell)
    assert max(clusters for clusters, _ in fits) <= 2 * 9 and sum(rows for _, rows in fits[1:]) == 800  # each group's cells on its part
    assert 64 <= len(index.members) <= 96 and max(map(len, index.members)) <= 2 * 10
    assert np.array_equal(np.sort(np.concatenate(index.members)), np.arange(800))
    found = search_approximate(index, None, plans, plans, k=1)
    assert (found["neighbour_row"].to_numpy() == found["query_row"].to_numpy() ^ 1).mean() >= 0.95  # partners still found


def test_copies_are_reduced_and_placed_once_into_the_same_cells(monkeypatch: pytest.MonkeyPatch) -> None:
    # Rows with one vector (measures of one text) are projected and assigned once; the cells,
    # their members and every reduced row are those of treating each copy on its own.
    monkeypatch.setattr(neighbours, "CELL_SIZE", 20)
    matrix, _ = _planted(n_pairs=80)
    rows = np.r_[np.arange(160), np.arange(0, 160, 3)]  # a third of the rows twice
    doubled = matrix[rows]
    plain = build_cell_index(doubled)
    projected: list[int] = []
    real_reduce = neighbours.CellIndex.reduce
    monkeypatch.setattr(
        neighbours.CellIndex, "reduce", lambda self, vectors: projected.append(vectors.shape[0]) or real_reduce(self, vectors)
    )
    once = build_cell_index(doubled, copies=rows)
    assert projected == [160]  # the distinct vectors only, not all 214 rows
    assert len(once.reduced.stored) == 160  # one reduced row per distinct vector
    assert np.array_equal(plain.reduced, once.reduced[np.arange(len(rows))]) and np.array_equal(plain.centroids, once.centroids)
    assert [m.tolist() for m in plain.members] == [m.tolist() for m in once.members]
