"""Re-ranking the measures' neighbours before the linkage (issue 15): a study on the dev groups only.

The clustering links each measure to its top 20 in other plans by cosine. Rewordings of one task
(a national clause and a local plan's own version) often rank 7th to 13th, so the top-5
neighbour recall stays at 0.85 whatever the term weighting. Re-ranking methods from information
retrieval re-score those neighbourhoods from the neighbourhoods themselves; this script measures
them, never touching the sealed groups:

    .venv/bin/python benchmarks/reranking_study.py                      # the dataset's dev groups
    .venv/bin/python benchmarks/reranking_study.py --synthetic DIR      # a corpus built by national_corpus.py

For each method it prints the dev top-5 neighbour recall and the dev 5-fold cross-validated
pairwise precision / recall / F1 (the clustering setting chosen on the other folds from the 27 of
`zwgk.analyses.evaluation.CLUSTER_GRID`), exactly as `zwgk evaluate` scores the shipped rule.
Dense methods (n x n) run on the dataset only; `rerank_edges` is the sparse k-reciprocal
re-ranking, which works from the top-20 lists alone (memory O(N K), time O(N k1^3) for the
reciprocal sets) and is
checked against the dense one. With ``--synthetic`` it times the sparse re-ranking on that
corpus and scores both clusterings against the corpus's gold.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.preprocessing import normalize

from zwgk.analyses.evaluation import CLUSTER_GRID, choose_setting, count_pairs, cross_validate, load_task_groups, score_neighbour_recall
from zwgk.analyses.similar import build_similarity_index
from zwgk.analyses.similar.clusters import DEFAULT_K, DEFAULT_THRESHOLD, cluster_index, find_linkage_edges
from zwgk.analyses.similar.neighbours import get_row_dtype, score_pairs
from zwgk.processed.dataset import load_measures

K1, K2, LAMBDA = 10, 3, 0.9  # chosen on the dev groups among 19 settings (k1 8-20, k2 1-3, lambda 0.3-0.9)
_CHUNK = 200_000


# --- the sparse k-reciprocal re-ranking -------------------------------------------------------


def rerank_edges(edges: pd.DataFrame, index, k1: int = K1, k2: int = K2, lam: float = LAMBDA, k: int | None = 20) -> pd.DataFrame:
    """Re-score linkage edges by k-reciprocal re-ranking (Zhong et al. 2017), from the top-K lists only.

    ``edges`` are `find_linkage_edges(index, K)` (row_a < row_b, cosine; K >= k1 and K >= k): each
    row's list is itself, then its pairs by cosine. R(i, k) holds the first k+1 of i's list that
    hold i in their own first k+1; R*(i) is R(i, k1) plus each R(c, k1/2) of its members that lies
    more than 2/3 inside it. V_i weighs R*(i) by exp(cos - 1), summing to 1, averaged over i's
    first k2 (local query expansion). The candidates are the edges plus the pairs in other plans
    that V gives weight (the dense method picks pairs outside the top-K lists, mostly those); each
    gets S' = lam cos + (1 - lam) m / (2 - m), m the sum of the minima of the two V rows (1 minus
    their Jaccard distance, as rows sum to 1). Each row keeps its top ``k`` by S', both ways.
    """
    n = index.matrix.shape[0]
    edges = edges.sort_values(["row_a", "row_b"], ignore_index=True)
    a, b, cos = edges["row_a"].to_numpy(np.int64), edges["row_b"].to_numpy(np.int64), edges["score"].to_numpy(np.float64)
    lists = _make_lists(a, b, cos, n, max(k1, k2 - 1) + 1)
    rows, cols = _expand_sets(lists, k1)
    v = _weigh_sets(rows, cols, a * n + b, cos, index.matrix)
    v = _expand_queries(v, lists, k2)
    plans = pd.factorize(index.measures["plan_id"])[0]
    a, b, cos = _add_support_pairs(v, a, b, cos, plans, index.matrix)
    overlap = _sum_minima(v, a, b)
    score = lam * cos + (1 - lam) * overlap / (2.0 - overlap)
    keep = (_keep_top_k(a, b, score, k) if k is not None else np.ones(len(a), bool)) & (score > 0)
    row_type = get_row_dtype(n)
    return pd.DataFrame({"row_a": a[keep].astype(row_type), "row_b": b[keep].astype(row_type), "score": score[keep]})


def _make_lists(a: np.ndarray, b: np.ndarray, cos: np.ndarray, n: int, width: int) -> np.ndarray:
    """Each row's list: itself, then its pairs by falling cosine (ties to the lower row); -1 pads."""
    lists = np.full((n, width), -1, np.int64)
    lists[:, 0] = np.arange(n)
    _, src, dst, place = _rank_both_ways(a, b, cos)
    take = place < width - 1
    lists[src[take], place[take] + 1] = dst[take]
    return lists


def _find_reciprocal(lists: np.ndarray, k: int) -> np.ndarray:
    """R(i, k) as an (n, k+1) array: the first k+1 of i's list that hold i in their own first k+1, else -1."""
    forward = lists[:, : k + 1]
    out = np.full_like(forward, -1)
    for start in range(0, len(lists), _CHUNK):
        part = forward[start : start + _CHUNK]
        back = lists[np.maximum(part, 0), : k + 1]
        me = np.arange(start, start + len(part))[:, None, None]
        out[start : start + _CHUNK] = np.where((part >= 0) & (back == me).any(axis=2), part, -1)
    return out


def _expand_sets(lists: np.ndarray, k1: int) -> tuple[np.ndarray, np.ndarray]:
    """(row, member) pairs of R*(i): R(i, k1) and each R(c, k1/2), c in it, lying more than 2/3 inside it."""
    whole, half = _find_reciprocal(lists, k1), _find_reciprocal(lists, round(k1 / 2))
    rows, cols = [], []
    step = _CHUNK // 4
    for start in range(0, len(lists), step):
        r = whole[start : start + step]
        sub = half[np.maximum(r, 0)]
        sub[r < 0] = -1
        valid = sub >= 0
        inside = ((sub[..., None] == r[:, None, None, :]) & valid[..., None]).any(axis=3).sum(axis=2)
        accept = (inside > 2 / 3 * valid.sum(axis=2)) & (r >= 0)
        both = np.concatenate([r, np.where(accept[..., None] & valid, sub, -1).reshape(len(r), -1)], axis=1)
        rows.append(np.broadcast_to(np.arange(start, start + len(r))[:, None], both.shape)[both >= 0])
        cols.append(both[both >= 0])
    n = len(lists)
    keys = np.unique(np.concatenate(rows) * n + np.concatenate(cols))
    return keys // n, keys % n


def _weigh_sets(rows: np.ndarray, cols: np.ndarray, pair_keys: np.ndarray, cos: np.ndarray, matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    """V: exp(cos - 1) over R*(i), each row summing to 1 (cosines from the edges where they hold the pair)."""
    n = matrix.shape[0]
    wanted = np.minimum(rows, cols) * n + np.maximum(rows, cols)
    at = np.minimum(np.searchsorted(pair_keys, wanted), len(pair_keys) - 1)
    known = pair_keys[at] == wanted
    scores = np.where(known, cos[at], 0.0)
    scores[~known] = score_pairs(matrix, matrix, rows[~known], cols[~known]).astype(np.float64)  # itself, and rows two steps away
    weights = np.exp(scores - 1.0)
    weights /= np.bincount(rows, weights, n)[rows]
    return sparse.csr_matrix((weights, (rows, cols)), shape=(n, n))


def _expand_queries(v: sparse.csr_matrix, lists: np.ndarray, k2: int) -> sparse.csr_matrix:
    """Local query expansion: each row's V becomes the mean of the V of its first k2 (itself first)."""
    if k2 <= 1:
        return v
    first = lists[:, :k2]
    ok = first >= 0
    counts = ok.sum(axis=1)
    n = len(lists)
    mean = sparse.csr_matrix((np.repeat(1.0 / counts, counts), (np.repeat(np.arange(n), counts), first[ok])), shape=(n, n))
    out = (mean @ v).tocsr()
    out.sort_indices()
    return out


def _add_support_pairs(
    v: sparse.csr_matrix, a: np.ndarray, b: np.ndarray, cos: np.ndarray, plans: np.ndarray, matrix: sparse.csr_matrix
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The edges plus the pairs (i, j) in other plans that V_i weighs, not yet among them (cosine exact)."""
    n = v.shape[0]
    coo = v.tocoo()
    low, high = np.minimum(coo.row, coo.col).astype(np.int64), np.maximum(coo.row, coo.col).astype(np.int64)
    other = plans[low] != plans[high]
    new = np.setdiff1d(np.unique(low[other] * n + high[other]), a * n + b)
    new_a, new_b = new // n, new % n
    new_cos = score_pairs(matrix, matrix, new_a, new_b).astype(np.float64)
    return np.concatenate([a, new_a]), np.concatenate([b, new_b]), np.concatenate([cos, new_cos])


def _sum_minima(v: sparse.csr_matrix, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Sum of the element-wise minima of V_a and V_b for each pair."""
    out = np.empty(len(a))
    for start in range(0, len(a), _CHUNK):
        part = slice(start, start + _CHUNK)
        out[part] = np.asarray(v[a[part]].minimum(v[b[part]]).sum(axis=1)).ravel()
    return out


def _rank_both_ways(a: np.ndarray, b: np.ndarray, score: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each pair from both ends, sorted by row, falling score, then the other row: (order, row, other, place in the row)."""
    src, dst = np.concatenate([a, b]).astype(np.int64), np.concatenate([b, a]).astype(np.int64)
    order = np.lexsort((dst, -np.concatenate([score, score]), src))
    src, dst = src[order], dst[order]
    return order, src, dst, np.arange(len(src)) - np.searchsorted(src, src)


def _keep_top_k(a: np.ndarray, b: np.ndarray, score: np.ndarray, k: int) -> np.ndarray:
    """Which pairs are among the top k by score of either end (ties to the lower row)."""
    order, _, _, place = _rank_both_ways(a, b, score)
    chosen = np.zeros(len(a), bool)
    chosen[(order % len(a))[place < k]] = True
    return chosen


# --- dense methods and scoring on the dataset --------------------------------------------------


def _find_top_k(similarity: np.ndarray, same_plan: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    masked = np.where(same_plan, -np.inf, similarity)
    cols = np.argsort(-masked, axis=1, kind="stable")[:, :k]
    return cols, np.take_along_axis(masked, cols, axis=1)


def _rerank_dense(similarity: np.ndarray, same_plan: np.ndarray) -> np.ndarray:
    """The dense reference: the same re-ranking over all pairs (n x n), for the check of `rerank_edges`."""
    n = len(similarity)
    order = np.argsort(-np.where(same_plan & ~np.eye(n, dtype=bool), -np.inf, similarity), axis=1, kind="stable")
    lists = order[:, : max(K1, K2 - 1) + 1]
    rows, cols = _expand_sets(lists, K1)
    weights = np.exp(similarity[rows, cols] - 1.0)
    v = np.zeros((n, n))
    v[rows, cols] = weights / np.bincount(rows, weights, n)[rows]
    v = np.stack([v[lists[i, :K2]].mean(axis=0) for i in range(n)])
    overlap = np.stack([np.minimum(v[i], v).sum(axis=1) for i in range(n)])
    return LAMBDA * similarity + (1 - LAMBDA) * overlap / (2 - overlap)


def _make_dense_methods(index, same_plan: np.ndarray) -> dict[str, np.ndarray]:
    """Other re-rankings tried, each a dense similarity: query expansion, shared neighbours, hubness correction."""
    x = index.matrix.astype(np.float64)
    plain = (x @ x.T).toarray()
    n = len(plain)
    cols, scores = _find_top_k(plain, same_plan, 2)
    weight = sparse.csr_matrix((np.clip(scores, 0, None).ravel() ** 3, (np.repeat(np.arange(n), 2), cols.ravel())), shape=(n, n))
    expanded = normalize((weight + sparse.identity(n)) @ x)
    cols, scores = _find_top_k(plain, same_plan, 10)
    neighbours = sparse.csr_matrix((np.clip(scores, 0, None).ravel(), (np.repeat(np.arange(n), 10), cols.ravel())), shape=(n, n))
    shared = normalize(neighbours + sparse.identity(n))
    hub = _find_top_k(plain, same_plan, 20)[1].mean(axis=1)
    return {
        "cosine (shipped)": plain,
        "query expansion, both sides (m 2, alpha 3)": (expanded @ expanded.T).toarray(),
        "shared neighbours (10, weighted, beta 0.4)": 0.6 * plain + 0.4 * (shared @ shared.T).toarray(),
        "hubness correction, CSLS (K 20)": 2 * plain - hub[:, None] - hub[None, :],
        f"k-reciprocal, dense (k1 {K1}, k2 {K2}, lambda {LAMBDA})": _rerank_dense(plain, same_plan),
    }


def _make_edges_from_similarity(similarity: np.ndarray, same_plan: np.ndarray, k: int) -> pd.DataFrame:
    """`find_linkage_edges`' form from a dense similarity: each row's top k in other plans, both ways, scored symmetrically."""
    n = len(similarity)
    cols = _find_top_k(similarity, same_plan, k)[0]
    a = np.repeat(np.arange(n), k)
    keys = np.unique(np.minimum(a, cols.ravel()) * n + np.maximum(a, cols.ravel()))
    rows, others = keys // n, keys % n
    score = ((similarity + similarity.T) / 2)[rows, others]
    keep = score > 0
    return pd.DataFrame({"row_a": rows[keep].astype(np.int32), "row_b": others[keep].astype(np.int32), "score": score[keep]})


def _find_top5_in_edges(edges: pd.DataFrame, ids: np.ndarray) -> pd.DataFrame:
    _, src, dst, place = _rank_both_ways(edges["row_a"].to_numpy(), edges["row_b"].to_numpy(), edges["score"].to_numpy())
    return pd.DataFrame({"measure_id": ids[src[place < 5]], "neighbour_id": ids[dst[place < 5]]})


def _find_top5_by_similarity(similarity: np.ndarray, same_plan: np.ndarray, ids: np.ndarray) -> pd.DataFrame:
    cols = _find_top_k(similarity, same_plan, 5)[0]
    return pd.DataFrame({"measure_id": np.repeat(ids, 5), "neighbour_id": ids[cols.ravel()]})


def _score_edges(index, edges_by_k: dict[int, pd.DataFrame], top5: pd.DataFrame, dev: list, negatives: list) -> str:
    """Dev top-5 recall and 5-fold cross-validated P / R / F1 of the clustering on these edges."""
    found = {(k, t): cluster_index(index, t, k, edges=edges_by_k[k]) for k, t in CLUSTER_GRID}
    scored = {key: count_pairs(clusters, dev, negatives) for key, clusters in found.items()}
    (precision, recall, f1), chosen = cross_validate(scored)
    top5 = score_neighbour_recall(top5, dev)
    best = choose_setting(scored, np.ones(len(dev)))
    return f"top-5 {top5:.3f} | CV P {precision:.3f} R {recall:.3f} F1 {f1:.3f} | folds choose {chosen}; all dev groups {best}"


def study_dataset(data_dir: Path | None) -> None:
    """Print every method's dev figures on the dataset, and the check of the sparse re-ranking against the dense one."""
    index = build_similarity_index(load_measures(data_dir))
    dev, negatives = load_task_groups(None, "dev")
    plans = pd.factorize(index.measures["plan_id"])[0]
    same_plan = plans[:, None] == plans[None, :]
    ks, ids = sorted({k for k, _ in CLUSTER_GRID}), index.measures["measure_id"].to_numpy()
    print(f"{index.matrix.shape[0]} measures, {len(dev)} dev groups (the sealed groups are not read)")
    for name, similarity in _make_dense_methods(index, same_plan).items():
        edges = {k: _make_edges_from_similarity(similarity, same_plan, k) for k in ks}
        print(f"{name:<52} {_score_edges(index, edges, _find_top5_by_similarity(similarity, same_plan, ids), dev, negatives)}")
    edges = {k: rerank_edges(find_linkage_edges(index, max(20, k)), index, k=k) for k in [5, *ks]}
    print(f"{'k-reciprocal, sparse (rerank_edges)':<52} {_score_edges(index, edges, _find_top5_in_edges(edges[5], ids), dev, negatives)}")
    print_paired_difference(index, edges[DEFAULT_K], dev, negatives)


def print_paired_difference(index, reranked: pd.DataFrame, dev: list, negatives: list, draws: int = 1000) -> None:
    """All-dev P / R / F1 of the re-ranked edges minus the cosine's at the shipped setting, with a 95% paired bootstrap over groups."""
    setting = (DEFAULT_THRESHOLD, DEFAULT_K)
    plain = count_pairs(cluster_index(index, *setting), dev, negatives)
    other = count_pairs(cluster_index(index, *setting, edges=reranked), dev, negatives)
    rng = np.random.default_rng(0)
    n = len(dev)
    weights = [np.bincount(rng.integers(0, n, n), minlength=n).astype(float) for _ in range(draws)]
    diff = np.array([np.subtract(other.score(w), plain.score(w)) for w in weights])
    low, high = np.percentile(diff, [2.5, 97.5], axis=0)
    point = np.subtract(other.score(), plain.score())
    parts = [f"{name} {point[i]:+.3f} [{low[i]:+.3f}, {high[i]:+.3f}]" for i, name in enumerate(("precision", "recall", "F1"))]
    print(f"k-reciprocal minus cosine at k {DEFAULT_K}, threshold {DEFAULT_THRESHOLD}, all dev groups: {', '.join(parts)}")


def study_synthetic(corpus: Path) -> None:
    """Time the sparse re-ranking on a synthetic corpus and score both clusterings against its gold."""
    sys.path.insert(0, str(Path(__file__).parent))
    import national_corpus

    index = build_similarity_index(load_measures(corpus), cache_dir=corpus / "cache")
    gold = national_corpus.label_gold_measures(corpus, national_corpus.Sampler())
    start = time.perf_counter()
    edges = find_linkage_edges(index, 20)
    searched = time.perf_counter() - start
    start = time.perf_counter()
    reranked = rerank_edges(edges, index)
    took = time.perf_counter() - start
    print(f"{index.matrix.shape[0]} measures; neighbour search {searched:.1f} s, re-ranking {took:.1f} s")
    print(f"edges: {len(edges)} searched, {len(reranked)} after re-ranking")
    for name, chosen in (("cosine (shipped)", edges), ("k-reciprocal, sparse", reranked)):
        score = national_corpus.score_against_gold(cluster_index(index, edges=chosen), gold)
        print(f"{name:<24} pair precision {score['precision']:.3f}, recall {score['recall']:.3f}")


def main() -> None:
    """Run the study on the dataset (default) or on a synthetic corpus."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, default=None, help="the dataset (default: data/)")
    parser.add_argument("--synthetic", type=Path, default=None, help="a corpus built by national_corpus.py")
    args = parser.parse_args()
    if args.synthetic is not None:
        study_synthetic(args.synthetic)
    else:
        study_dataset(args.data_dir)


if __name__ == "__main__":
    main()
