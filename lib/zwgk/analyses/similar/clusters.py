"""Common tasks: clusters of similar measures from different plans, labelled, with a representative.

The rule (`link_average`): average-linkage agglomerative clustering restricted to each
measure's ``k`` nearest neighbours in other plans, with two clusters never merged when they
share a plan (a plan states a task once) and merging stopping below a linkage ``threshold``.
The linkage of two clusters is the mean cosine over the neighbour pairs between them, so a
task hundreds of plans share stays one cluster (mutual top-k components broke it into dozens:
its nearest neighbours are a few of its many copies), while the one-per-plan constraint stops
average linkage from chaining related tasks into themes. The graph is sparse (n·k pairs) and
the agglomeration a heap over it, so it scales with the neighbour search. ``k`` and
``threshold`` were chosen by cross-validation over the dev groups of the hand-made file
(`zwgk.analyses.evaluation`) and checked on the benchmark's synthetic corpus with its gold.
It is deterministic and independent of input order (rows are put in measure_id order first;
ties go to lower rows; cluster ids come from their members).

That is the full clustering: from scratch, so adding an unrelated plan may reshuffle a few
clusters (TF-IDF weights and neighbour lists change). The dataset's clusters are persisted
and updated incrementally with the same linkage instead (`zwgk.analyses.similar.assignments`:
a cluster keeps its id, its founding name, until a full recluster); `cluster_measures()`
without a measures table returns those.
"""

from __future__ import annotations

import hashlib
import heapq
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse

from zwgk.analyses.similar.index import SimilarityIndex, build_similarity_index, find_neighbours

DEFAULT_THRESHOLD = 0.25
DEFAULT_K = 10
CLUSTER_RULE = "average-linkage-knn-one-per-plan"  # persisted with the assignments: another rule's are redone


def make_cluster_id(member_ids: list[str]) -> str:
    """Name a cluster after its first member in measure_id order (a full clustering names every cluster this way)."""
    return "c-" + hashlib.sha1(min(member_ids).encode()).hexdigest()[:10]


def find_linkage_edges(index: SimilarityIndex, k: int = DEFAULT_K, method: str = "auto") -> pd.DataFrame:
    """Return the pairs of measures the linkage may look at: each measure's top ``k`` in other plans, both ways.

    Columns row_a < row_b and score (exact cosine), one row per unordered pair, in row order. The full
    clustering and the incremental update (`zwgk.analyses.similar.assignments`) use these same pairs.
    """
    edges = find_neighbours(index, k=k, method=method)
    a, b = edges["query_row"].to_numpy(np.int64), edges["neighbour_row"].to_numpy(np.int64)
    pairs = pd.DataFrame({"row_a": np.minimum(a, b), "row_b": np.maximum(a, b), "score": edges["score"].to_numpy()})
    return pairs.drop_duplicates(["row_a", "row_b"]).sort_values(["row_a", "row_b"], ignore_index=True)


def link_average(
    n: int, edges: pd.DataFrame, threshold: float, initial: np.ndarray | None = None, frozen: np.ndarray | None = None,
    plans: np.ndarray | None = None,
) -> np.ndarray:  # fmt: skip
    """Average-linkage agglomeration on a sparse graph; return a label (a row of the cluster) per row.

    The linkage of two clusters is the mean cosine of the pairs between them that the graph holds
    (the kNN pairs): a task shared by hundreds of plans has most of its pairs outside any
    measure's top k, so counting them as zero would keep its copies apart, while a mean over
    the pairs seen is the average linkage restricted to the neighbourhoods. The best pair of
    clusters merges while its linkage is at least ``threshold``; ties go to the smaller labels,
    so the result is deterministic. ``initial`` labels start clusters already formed (the
    persisted ones); two clusters that are both ``frozen`` (by label) never merge, so an
    incremental update lets new measures join old clusters without merging or moving old ones.
    """
    labels = np.arange(n) if initial is None else np.asarray(initial, np.int64).copy()
    is_frozen = set() if frozen is None else {int(x) for x in np.unique(labels[np.asarray(frozen, bool)])}
    a, b = labels[edges["row_a"].to_numpy(np.int64)], labels[edges["row_b"].to_numpy(np.int64)]
    keep = a != b
    lo, hi = np.minimum(a, b)[keep], np.maximum(a, b)[keep]
    grouped = pd.DataFrame({"lo": lo, "hi": hi, "score": edges["score"].to_numpy()[keep]}).groupby(["lo", "hi"], sort=True)["score"]
    sums, counts = grouped.sum(), grouped.size()
    links: dict[int, dict[int, list[float]]] = {}
    heap = []
    for (x, y), total, count in zip(sums.index, sums.to_numpy(), counts.to_numpy(), strict=True):
        links.setdefault(int(x), {})[int(y)] = [float(total), int(count)]
        links.setdefault(int(y), {})[int(x)] = links[int(x)][int(y)]
        heap.append((-total / count, int(x), int(y)))
    heapq.heapify(heap)
    members = {int(x): [int(x)] for x in np.unique(labels)}
    plan_sets: dict[int, set] = {}
    if plans is not None:
        for label, plan in zip(labels, plans, strict=True):
            plan_sets.setdefault(int(label), set()).add(plan)
    while heap:
        negative, x, y = heapq.heappop(heap)
        if -negative < threshold:
            break
        link = links.get(x, {}).get(y)
        if link is None or link[0] / link[1] != -negative or (x in is_frozen and y in is_frozen):
            continue  # stale (a merge changed this pair) or two persisted clusters
        if plan_sets and not plan_sets[x].isdisjoint(plan_sets[y]):
            continue  # a plan states a task once: clusters sharing a plan are different tasks
        keep_label, gone = (x, y) if len(links[x]) >= len(links[y]) else (y, x)
        _merge_links(links, keep_label, gone, heap)
        members[keep_label] += members.pop(gone)
        if plan_sets:
            plan_sets[keep_label] |= plan_sets.pop(gone)
        if gone in is_frozen:
            is_frozen.add(keep_label)
    relabel = {label: min(rows) for label, rows in members.items()}
    final = np.array([relabel[int(label)] for label in _follow(labels, members)], np.int64)
    return final


def _follow(labels: np.ndarray, members: dict[int, list[int]]) -> np.ndarray:
    """The final cluster label of each row, from the starting labels that were merged."""
    final = {start: label for label, starts in members.items() for start in starts}
    return np.array([final[int(label)] for label in labels], np.int64)


def _merge_links(links: dict[int, dict[int, list[float]]], keep: int, gone: int, heap: list) -> None:
    """Fold cluster ``gone``'s links into ``keep``'s and push the pairs whose linkage changed."""
    mine = links[keep]
    del mine[gone]
    for other, (total, count) in links.pop(gone).items():
        if other == keep:
            continue
        del links[other][gone]
        link = mine.get(other)
        if link is None:
            link = mine[other] = links[other][keep] = [0.0, 0]
        link[0] += total
        link[1] += count
        heapq.heappush(heap, (-link[0] / link[1], min(keep, other), max(keep, other)))


def add_cluster_sizes(assignments: pd.DataFrame) -> pd.DataFrame:
    """Return measure_id, plan_id, cluster_id with each cluster's size and number of plans (the `cluster_measures` columns)."""
    out = assignments[["measure_id", "plan_id", "cluster_id"]].copy()
    sizes = out.groupby("cluster_id")["plan_id"].agg(cluster_size="size", n_plans="nunique")
    return out.join(sizes, on="cluster_id")


def cluster_index(
    index: SimilarityIndex,
    threshold: float = DEFAULT_THRESHOLD,
    k: int = DEFAULT_K,
    method: str = "auto",
    edges: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Cluster the measures of an index you already built (see the module docstring); one row per measure.

    This is the full clustering, from scratch. `cluster_measures` does the same from a measures
    table, or reads the persisted assignments of the dataset.
    """
    edges = find_linkage_edges(index, k, method) if edges is None else edges
    labels = link_average(index.matrix.shape[0], edges, threshold, plans=index.measures["plan_id"].to_numpy())
    measure_ids = index.measures["measure_id"].tolist()
    members: dict[int, list[str]] = {}
    for row, label in enumerate(labels):
        members.setdefault(int(label), []).append(measure_ids[row])
    cluster_ids = {label: make_cluster_id(ids) for label, ids in members.items()}
    out = index.measures[["measure_id", "plan_id"]].copy()
    out["cluster_id"] = [cluster_ids[int(label)] for label in labels]
    return add_cluster_sizes(out)


def cluster_measures(
    measures: pd.DataFrame | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    k: int = DEFAULT_K,
    cache_dir: Path | None = None,
    data_dir: Path | None = None,
) -> pd.DataFrame:
    """Return one row per measure: measure_id, plan_id, cluster_id, cluster_size, n_plans.

    With ``measures``, clusters them from scratch. Without, returns the clusters of the
    dataset (of ``data_dir``, default the data folder): its persisted assignments brought up to
    date in memory when they exist with these parameters (stable ids across added plans, see
    `zwgk.analyses.similar.assignments`), else a full clustering of every measure.
    """
    if measures is None:
        from zwgk.analyses.similar.assignments import read_current_clusters
        from zwgk.processed.dataset import load_measures

        persisted = read_current_clusters(data_dir, threshold, k, cache_dir)
        if persisted is not None:
            return persisted
        measures = load_measures(data_dir)
    return cluster_index(build_similarity_index(measures, cache_dir), threshold, k)


def _label_clusters(labels: pd.Series, tokens: pd.Series, n_terms: int) -> pd.Series:
    """Top ``n_terms`` tokens of each cluster by class-based TF-IDF, joined with " / "."""
    pairs = pd.DataFrame({"cluster_id": labels.to_numpy(), "token": tokens.to_numpy()}).explode("token").dropna()
    counts = pairs.groupby(["cluster_id", "token"]).size().rename("count").reset_index()
    total = counts.groupby("token")["count"].sum()
    average = total.sum() / max(labels.nunique(), 1)
    size = counts.groupby("cluster_id")["count"].transform("sum")
    counts["weight"] = counts["count"] / size * np.log(1 + average / counts["token"].map(total))
    top = counts.sort_values(["cluster_id", "weight", "token"], ascending=[True, False, True]).groupby("cluster_id").head(n_terms)
    return top.groupby("cluster_id", sort=False)["token"].agg(" / ".join).reindex(labels.unique(), fill_value="")


def _find_medoids(matrix: sparse.csr_matrix, labels: pd.Series) -> pd.Series:
    """The member of each cluster with the highest summed similarity to its cluster.

    sum_j x_i . x_j = x_i . (sum_j x_j), so one product with the cluster's summed vector
    replaces the pairwise matrix, which a cluster of thousands of copies would not fit.
    """
    codes, uniques = pd.factorize(labels)
    membership = sparse.csr_matrix((np.ones(len(codes)), (codes, np.arange(len(codes)))), shape=(len(uniques), len(codes)))
    sums = (membership @ matrix).tocsr()
    scores = np.round(np.asarray(matrix.multiply(sums[codes]).sum(axis=1)).ravel(), 9)  # equal sums tie; first row wins
    frame = pd.DataFrame({"cluster_id": labels.to_numpy(), "row": np.arange(len(codes)), "score": scores})
    best = frame.sort_values(["cluster_id", "score", "row"], ascending=[True, False, True]).groupby("cluster_id").head(1)
    return best.set_index("cluster_id")["row"]


def summarise_clusters(index: SimilarityIndex, clusters: pd.DataFrame, jurisdictions: pd.Series, n_terms: int = 3) -> pd.DataFrame:
    """Label clusters by class-based TF-IDF and pick a representative (medoid) measure.

    ``jurisdictions`` maps plan_id to jurisdiction; clusters spanning two or more
    jurisdictions are common tasks. One row per cluster, largest first.
    """
    frame = clusters.set_index("measure_id").loc[index.measures["measure_id"]].reset_index()
    frame["jurisdiction"] = frame["plan_id"].map(jurisdictions)
    out = frame.groupby("cluster_id").agg(
        n_measures=("measure_id", "size"), n_plans=("plan_id", "nunique"), n_jurisdictions=("jurisdiction", "nunique")
    )
    out["label"] = _label_clusters(frame["cluster_id"], pd.Series(index.tokens), n_terms)  # the index's tokens: no second cache read
    medoids = _find_medoids(index.matrix, frame["cluster_id"]).reindex(out.index).to_numpy()
    out["representative_measure_id"] = index.measures["measure_id"].to_numpy()[medoids]
    out["representative_text"] = index.measures["text"].to_numpy()[medoids]
    out["is_common_task"] = out["n_jurisdictions"] >= 2
    out["n_measures"] = out["n_measures"].astype("int64")
    return out.reset_index().sort_values(["n_measures", "cluster_id"], ascending=[False, True], ignore_index=True)


def summarise_task_presence(clusters: pd.DataFrame, summary: pd.DataFrame) -> pd.DataFrame:
    """Common task x plan presence: how many measures of each plan fall in each common task."""
    common = summary.loc[summary["is_common_task"], ["cluster_id", "label", "n_jurisdictions"]]
    presence = clusters[clusters["cluster_id"].isin(common["cluster_id"])].groupby(["cluster_id", "plan_id"]).size()
    out = presence.rename("n_measures").reset_index().merge(common, on="cluster_id")
    return out.sort_values(["n_jurisdictions", "cluster_id", "plan_id"], ascending=[False, True, True], ignore_index=True)
