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
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse

from zwgk.analyses.similar.index import SimilarityIndex, build_similarity_index, find_neighbours

# The setting the dev groups choose (`zwgk evaluate`: best pairwise F1 over every dev group, on
# the grid evaluation.CLUSTER_GRID); the sealed groups only report it. Dev F1 0.799 at k 30,
# 0.786 at k 20, 0.779 at k 10, all at threshold 0.20.
DEFAULT_THRESHOLD = 0.20
DEFAULT_K = 30
PLAN_OVERLAP = 0.0  # share of the smaller cluster's plans two clusters may have in common and still merge
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
    """Average-linkage agglomeration on a sparse graph; return a label (the first row of its cluster) per row.

    The linkage of two clusters is the mean cosine of the pairs between them that the graph holds
    (the kNN pairs): a task shared by hundreds of plans has most of its pairs outside any
    measure's top k, so counting them as zero would keep its copies apart, while a mean over
    the pairs seen is average linkage restricted to the neighbourhoods. Merging runs in rounds
    (reciprocal agglomerative clustering): every cluster picks its best neighbour (ties: the
    lower label) and pairs that pick each other merge, while their linkage is at least
    ``threshold``; for average linkage that is the order of the classic one-merge-at-a-time
    algorithm, with each round one vectorized pass over the pairs. With ``plans``, two clusters
    sharing a plan never merge (a plan states a task once). ``initial`` labels start clusters
    already formed (the persisted ones); two clusters both holding a ``frozen`` row never merge,
    so an incremental update lets new measures join old clusters without merging or moving them.
    """
    labels = np.arange(n) if initial is None else np.asarray(initial, np.int64).copy()
    is_frozen = np.zeros(n, bool)
    if frozen is not None:
        is_frozen[labels[np.asarray(frozen, bool)]] = True
    codes = pd.factorize(pd.Series(plans if plans is not None else np.zeros(n), dtype=object))[0]
    membership = sparse.csr_matrix((np.ones(n), (labels, codes)), shape=(n, codes.max() + 1 if n else 0))
    links = _relink(labels, edges["row_a"].to_numpy(np.int64), edges["row_b"].to_numpy(np.int64), edges["score"].to_numpy(), is_frozen)
    while len(links):
        pairs, links = _reciprocal_best(links, threshold, membership if plans is not None else None)
        if pairs is None:
            break
        if not len(pairs):
            continue
        keep, gone = pairs
        target = np.arange(n)
        target[gone] = keep
        labels = target[labels]
        is_frozen[keep] |= is_frozen[gone]
        merge = sparse.csr_matrix((np.ones(n), (target, np.arange(n))), shape=(n, n))
        membership = (merge @ membership).tocsr()
        touched = np.zeros(n, bool)
        touched[gone] = touched[keep] = True
        moved = touched[links["a"].to_numpy()] | touched[links["b"].to_numpy()]  # every link of a merged cluster
        part = links[moved]
        relinked = _relink(
            target, part["a"].to_numpy(), part["b"].to_numpy(), part["total"].to_numpy(), is_frozen, part["count"].to_numpy()
        )
        links = pd.concat([links[~moved], relinked], ignore_index=True)
    return labels


def _relink(
    target: np.ndarray, a: np.ndarray, b: np.ndarray, total: np.ndarray, is_frozen: np.ndarray, count: np.ndarray | None = None
) -> pd.DataFrame:  # fmt: skip
    """Links between clusters after relabelling rows ``a``/``b`` by ``target``: summed scores and pair counts per pair of clusters.

    Pairs inside one cluster and pairs of two frozen clusters are dropped (they never merge).
    """
    x, y = target[a], target[b]
    frame = pd.DataFrame(
        {"a": np.minimum(x, y), "b": np.maximum(x, y), "total": total, "count": np.ones(len(a)) if count is None else count}
    )
    frame = frame[(frame["a"] != frame["b"]) & ~(is_frozen[frame["a"].to_numpy()] & is_frozen[frame["b"].to_numpy()])]
    return frame.groupby(["a", "b"], sort=True, as_index=False)[["total", "count"]].sum()


def _reciprocal_best(links: pd.DataFrame, threshold: float, membership: sparse.csr_matrix | None) -> tuple[tuple | None, pd.DataFrame]:
    """Pairs of clusters that are each other's best neighbour, as (kept label, merged label) arrays, and the links.

    None when no link reaches ``threshold``. Best links between clusters sharing a plan are
    removed from the links returned (sharing never ends) with an empty tuple, so the caller picks again.
    """
    mean = np.round((links["total"] / links["count"]).to_numpy(), 12)  # sums of one pair may be added in another order: no float ties
    ok = mean >= threshold
    if not ok.any():
        return None, links
    a, b, m = links["a"].to_numpy()[ok], links["b"].to_numpy()[ok], mean[ok]
    source, other, score = np.concatenate([a, b]), np.concatenate([b, a]), np.concatenate([m, m])
    order = np.lexsort((other, -score, source))
    first = order[np.r_[True, source[order][1:] != source[order][:-1]]]
    best = dict(zip(source[first].tolist(), other[first].tolist(), strict=True))
    pairs = np.array([(s, t) for s, t in best.items() if s < t and best.get(t) == s], np.int64).reshape(-1, 2)
    if membership is not None and len(pairs):
        left, right = membership[pairs[:, 0]], membership[pairs[:, 1]]
        common = np.asarray((left.multiply(right) > 0).sum(axis=1)).ravel()
        smaller = np.minimum(left.getnnz(axis=1), right.getnnz(axis=1))
        shared = common > np.floor(PLAN_OVERLAP * smaller)
        if shared.any():
            n = int(max(links["a"].max(), links["b"].max())) + 1
            blocked = np.isin(links["a"].to_numpy() * n + links["b"].to_numpy(), pairs[shared, 0] * n + pairs[shared, 1])
            return (), links[~blocked]
    return (pairs[:, 0], pairs[:, 1]), links


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
    curated: Path | None = None,
) -> pd.DataFrame:
    """Return one row per measure: measure_id, plan_id, cluster_id, cluster_size, n_plans.

    With ``measures``, clusters them from scratch. Without, returns the clusters of the
    dataset (of ``data_dir``, default the data folder): its persisted assignments brought up to
    date in memory when they exist with these parameters (stable ids across added plans, see
    `zwgk.analyses.similar.assignments`), else a full clustering of every measure.
    Either way the researcher's merges and splits (``curated``, default
    ``data/codebook/common_tasks.yaml``; `zwgk.analyses.similar.curation`) are applied last.
    """
    from zwgk.analyses.similar.curation import apply_curation, load_curation

    if measures is None:
        from zwgk.analyses.similar.assignments import read_current_clusters
        from zwgk.processed.dataset import load_measures

        persisted = read_current_clusters(data_dir, threshold, k, cache_dir)
        if persisted is not None:
            return apply_curation(persisted, load_curation(curated))
        measures = load_measures(data_dir)
    return apply_curation(cluster_index(build_similarity_index(measures, cache_dir), threshold, k), load_curation(curated))


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


def summarise_clusters(
    index: SimilarityIndex,
    clusters: pd.DataFrame,
    jurisdictions: pd.Series,
    n_terms: int = 3,
    tasks: pd.DataFrame | None = None,
    curated: Path | None = None,
) -> pd.DataFrame:
    """Label clusters by class-based TF-IDF, pick a representative (medoid) measure and name each task.

    ``jurisdictions`` maps plan_id to jurisdiction; clusters spanning two or more
    jurisdictions are common tasks. One row per cluster, largest first. name_zh/name_en come
    from the medoid's task title (with ``tasks``) or first clause (`zwgk.analyses.similar.names`),
    unless the curated file (``curated``, default ``data/codebook/common_tasks.yaml``) renames the task.
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
    out = out.reset_index().sort_values(["n_measures", "cluster_id"], ascending=[False, True], ignore_index=True)
    return _name_tasks(out, index, clusters, tasks, curated)


def _name_tasks(summary: pd.DataFrame, index: SimilarityIndex, clusters: pd.DataFrame, tasks: pd.DataFrame | None, curated: Path | None):
    """name_zh and name_en of every cluster: automatic, then the curated renames."""
    from zwgk.analyses.similar.curation import curate_names, load_curation
    from zwgk.analyses.similar.names import name_clusters

    curation = load_curation(curated)
    titles = None
    if tasks is not None and "task_id" in index.measures:
        titles = index.measures.set_index("measure_id")["task_id"].map(tasks.set_index("task_id")["task_title"])
    return curate_names(name_clusters(summary, titles, curation.settings), clusters, curation)


def summarise_task_presence(clusters: pd.DataFrame, summary: pd.DataFrame) -> pd.DataFrame:
    """Common task x plan presence: how many measures of each plan fall in each common task."""
    names = [column for column in ("name_zh", "name_en") if column in summary]
    common = summary.loc[summary["is_common_task"], ["cluster_id", "label", *names, "n_jurisdictions"]]
    presence = clusters[clusters["cluster_id"].isin(common["cluster_id"])].groupby(["cluster_id", "plan_id"]).size()
    out = presence.rename("n_measures").reset_index().merge(common, on="cluster_id")
    return out.sort_values(["n_jurisdictions", "cluster_id", "plan_id"], ascending=[False, True, True], ignore_index=True)
