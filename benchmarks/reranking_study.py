"""Re-ranking the measures' neighbours before the linkage (issue 15): the study, on the dev groups only.

The clustering linked each measure to its top 20 in other plans by cosine. Rewordings of one task
(a national clause and a local plan's own version) often rank 7th to 13th, so the top-5
neighbour recall stayed at 0.85 whatever the term weighting. Re-ranking methods from information
retrieval re-score those neighbourhoods from the neighbourhoods themselves; this script measures
them, never touching the sealed groups:

    .venv/bin/python benchmarks/reranking_study.py                      # the dataset's dev groups
    .venv/bin/python benchmarks/reranking_study.py --synthetic DIR      # a corpus built by national_corpus.py
    .venv/bin/python benchmarks/reranking_study.py --updates            # adding a plan: the update against exact

For each method it prints the dev top-5 neighbour recall and the dev 5-fold cross-validated
pairwise precision / recall / F1 (the clustering setting chosen on the other folds from the 27 of
`zwgk.analyses.evaluation.CLUSTER_GRID`), exactly as `zwgk evaluate` scores the shipped rule.
Dense methods (n x n) run on the dataset only. The k-reciprocal re-ranking won and is now the
library's (`zwgk.analyses.similar.reranking`, sparse: from the top-20 lists alone); the dense
version here, written apart from it, is what the tests check it against. With ``--synthetic`` it
times the re-ranking on that corpus and scores the clusterings with and without it against the
corpus's gold.
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
from zwgk.analyses.similar import SimilarityIndex, build_similarity_index
from zwgk.analyses.similar.assignments import _find_fresh_edges
from zwgk.analyses.similar.clusters import (
    CLUSTER_THRESHOLD,
    DEFAULT_K,
    DEFAULT_THRESHOLD,
    cluster_index,
    find_cosine_edges,
    find_linkage_edges,
    link_average,
    link_clusters,
)
from zwgk.analyses.similar.reranking import K1, K2, LAMBDA, RERANK_DEPTH, list_top_pairs, rerank_edges
from zwgk.processed.dataset import load_measures

# --- dense methods and scoring on the dataset --------------------------------------------------


def _find_top_k(similarity: np.ndarray, same_plan: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    masked = np.where(same_plan, -np.inf, similarity)
    cols = np.argsort(-masked, axis=1, kind="stable")[:, :k]
    return cols, np.take_along_axis(masked, cols, axis=1)


def _rerank_dense(similarity: np.ndarray, same_plan: np.ndarray) -> np.ndarray:
    """The dense reference, written apart from the library: the same re-ranking over all pairs (n x n), with sets as Python sets."""
    n = len(similarity)
    masked = np.where(same_plan | (similarity <= 0), -np.inf, similarity)  # the search keeps positive cosines only
    np.fill_diagonal(masked, np.inf)  # each row's list starts with itself, as the library's
    order = np.argsort(-masked, axis=1, kind="stable")
    lists = [order[i, : int(np.isfinite(masked[i]).sum() + 1)] for i in range(n)]  # itself, then the rows it may neighbour

    def find_reciprocal(i: int, k: int) -> set[int]:
        return {int(j) for j in lists[i][: k + 1] if i in lists[j][: k + 1]}

    v = np.zeros((n, n))
    for i in range(n):
        base = find_reciprocal(i, K1)
        members = set(base)
        for c in base:
            half = find_reciprocal(c, round(K1 / 2))
            if len(half & base) > 2 / 3 * len(half):
                members |= half
        cols = np.array(sorted(members))
        weights = np.exp(similarity[i, cols] - 1.0)
        v[i, cols] = weights / weights.sum()
    v = np.stack([v[lists[i][:K2]].mean(axis=0) for i in range(n)])
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
        "cosine (the rule before re-ranking)": plain,
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
    top = list_top_pairs(edges, len(ids), 5)
    return pd.DataFrame({"measure_id": ids[top["query_row"]], "neighbour_id": ids[top["neighbour_row"]]})


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
    edges = {k: find_linkage_edges(index, k) for k in [5, *ks]}
    figures = _score_edges(index, edges, _find_top5_in_edges(edges[5], ids), dev, negatives)
    print(f"{'k-reciprocal, sparse (the library, shipped)':<52} {figures}")
    print_paired_difference(index, edges[DEFAULT_K], dev, negatives)


def print_paired_difference(index, reranked: pd.DataFrame, dev: list, negatives: list, draws: int = 1000) -> None:
    """All-dev P / R / F1 of the re-ranked edges minus the cosine's at the shipped setting, with a 95% paired bootstrap over groups."""
    setting = (DEFAULT_THRESHOLD, DEFAULT_K)
    plain = count_pairs(cluster_index(index, *setting, edges=find_cosine_edges(index, DEFAULT_K)), dev, negatives)
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
    edges = find_cosine_edges(index, RERANK_DEPTH)
    searched = time.perf_counter() - start
    start = time.perf_counter()
    reranked = rerank_edges(edges, index.matrix, index.measures["plan_id"].to_numpy(), k=DEFAULT_K)
    took = time.perf_counter() - start
    print(f"{index.matrix.shape[0]} measures; neighbour search {searched:.1f} s, re-ranking {took:.1f} s")
    print(f"edges: {len(edges)} searched, {len(reranked)} after re-ranking")
    for name, chosen in (("cosine (before)", edges), ("k-reciprocal (shipped)", reranked)):
        score = national_corpus.score_against_gold(cluster_index(index, edges=chosen), gold)
        print(f"{name:<24} pair precision {score['precision']:.3f}, recall {score['recall']:.3f}")


def study_updates(data_dir: Path | None) -> None:
    """Hold each plan out, add it back as `zwgk cluster` does, and compare with exact re-ranking (dev groups only).

    One vector space for all (an update's stored-space path). The other plans are clustered from
    scratch; the held-out plan's measures are then linked, the kept clusters frozen, by three
    sets of pairs touching them: exact (the full clustering's re-ranked pairs), the update's
    (`_find_fresh_edges`: lists searched two steps out and re-ranked together) and plain cosine.
    """
    index = build_similarity_index(load_measures(data_dir))
    dev, negatives = load_task_groups(None, "dev")
    n, plans, ids = index.matrix.shape[0], index.measures["plan_id"].to_numpy(), index.measures["measure_id"].to_numpy()
    options = {
        "exact re-ranking": find_linkage_edges(index, DEFAULT_K),
        "the update's": None,
        "plain cosine": find_cosine_edges(index, DEFAULT_K),
    }
    differ, scores, n_new = dict.fromkeys(options, 0), {name: [] for name in options}, 0
    for held in pd.unique(plans):
        is_new = plans == held
        kept = np.flatnonzero(~is_new)
        sub = SimilarityIndex(
            index.measures.iloc[kept].reset_index(drop=True), [], index.matrix[kept], index.word_vectorizer, index.char_vectorizer
        )
        start = np.arange(n)
        start[kept] = pd.Series(kept).groupby(cluster_index(sub)["cluster_id"].to_numpy()).transform("min").to_numpy()
        labels = {}
        for name, edges in options.items():
            edges = _find_fresh_edges(index, is_new, DEFAULT_K, "auto") if edges is None else edges
            edges = edges[is_new[edges["row_a"].to_numpy()] | is_new[edges["row_b"].to_numpy()]].reset_index(drop=True)
            linked = link_average(n, edges, DEFAULT_THRESHOLD, start, ~is_new, plans)
            labels[name] = link_clusters(index.matrix, linked, CLUSTER_THRESHOLD, DEFAULT_K, ~is_new, plans)
            clusters = pd.DataFrame({"measure_id": ids, "plan_id": plans, "cluster_id": labels[name].astype(str)})
            scores[name].append(count_pairs(clusters, dev, negatives).score())
        reference = labels["exact re-ranking"]
        for name, found in labels.items():
            differ[name] += sum(not np.array_equal(found == found[row], reference == reference[row]) for row in np.flatnonzero(is_new))
        n_new += int(is_new.sum())
    for name in options:
        precision, recall, f1 = np.mean(scores[name], axis=0)
        moved = f"new measures in another cluster than exact: {differ[name]} of {n_new}"
        print(f"{name:<18} {moved}; mean all-dev P {precision:.3f} R {recall:.3f} F1 {f1:.3f}")


def main() -> None:
    """Run the study on the dataset (default) or on a synthetic corpus."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, default=None, help="the dataset (default: data/)")
    parser.add_argument("--synthetic", type=Path, default=None, help="a corpus built by national_corpus.py")
    parser.add_argument("--updates", action="store_true", help="compare ways to link a plan added to persisted clusters")
    args = parser.parse_args()
    if args.updates:
        study_updates(args.data_dir)
    elif args.synthetic is not None:
        study_synthetic(args.synthetic)
    else:
        study_dataset(args.data_dir)


if __name__ == "__main__":
    main()
