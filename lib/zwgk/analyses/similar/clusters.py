"""Common tasks: clusters of similar measures from different plans, labelled, with a representative.

Clusters are the connected components of the graph linking measures from different plans
that are mutual nearest neighbours (each among the other's top k in other plans) with a
similarity at or above a threshold: single-linkage agglomerative clustering with a
distance threshold on a mutual-kNN graph, which stops the chaining plain single linkage
suffers from. It is deterministic and independent of input order (rows are put in
measure_id order first; cluster ids come from their members).

That is the full clustering: from scratch, so adding an unrelated plan may reshuffle a few
clusters (TF-IDF weights and neighbour lists change). The dataset's clusters are persisted
and updated incrementally instead (`zwgk.analyses.similar.assignments`: a cluster keeps its
id, its founding name, until a full recluster); `cluster_measures()` without a measures table
returns those.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from zwgk.analyses.similar.index import DEFAULT_NEIGHBOURS, SimilarityIndex, build_similarity_index, find_neighbours

DEFAULT_THRESHOLD = 0.25


def make_cluster_id(member_ids: list[str]) -> str:
    """Name a cluster after its first member in measure_id order (a full clustering names every cluster this way)."""
    return "c-" + hashlib.sha1(min(member_ids).encode()).hexdigest()[:10]


def find_mutual_edges(
    index: SimilarityIndex, threshold: float = DEFAULT_THRESHOLD, k: int = DEFAULT_NEIGHBOURS, method: str = "auto"
) -> pd.DataFrame:
    """Return the links of the clustering: pairs of measures from different plans that are each
    among the other's top ``k`` and score at least ``threshold`` (query_row, neighbour_row, score; both directions).

    The full clustering and the incremental update (`zwgk.analyses.similar.assignments`) use these same links.
    """
    n = index.matrix.shape[0]
    edges = find_neighbours(index, k=k, method=method)
    forward = edges["query_row"].to_numpy(np.int64) * n + edges["neighbour_row"].to_numpy(np.int64)
    backward = edges["neighbour_row"].to_numpy(np.int64) * n + edges["query_row"].to_numpy(np.int64)
    return edges[np.isin(backward, forward) & (edges["score"].to_numpy() >= threshold)].reset_index(drop=True)


def add_cluster_sizes(assignments: pd.DataFrame) -> pd.DataFrame:
    """Return measure_id, plan_id, cluster_id with each cluster's size and number of plans (the `cluster_measures` columns)."""
    out = assignments[["measure_id", "plan_id", "cluster_id"]].copy()
    sizes = out.groupby("cluster_id")["plan_id"].agg(cluster_size="size", n_plans="nunique")
    return out.join(sizes, on="cluster_id")


def cluster_index(
    index: SimilarityIndex, threshold: float = DEFAULT_THRESHOLD, k: int = DEFAULT_NEIGHBOURS, method: str = "auto"
) -> pd.DataFrame:
    """Cluster the measures of an index you already built (see the module docstring); one row per measure.

    This is the full clustering, from scratch. `cluster_measures` does the same from a measures
    table, or reads the persisted assignments of the dataset.
    """
    n = index.matrix.shape[0]
    edges = find_mutual_edges(index, threshold, k, method)
    graph = sparse.coo_matrix((np.ones(len(edges)), (edges["query_row"], edges["neighbour_row"])), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
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
    k: int = DEFAULT_NEIGHBOURS,
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
    names = [c for c in ("name_zh", "name_en") if c in summary]  # readable names, where the summary has them
    common = summary.loc[summary["is_common_task"], ["cluster_id", "label", *names, "n_jurisdictions"]]
    presence = clusters[clusters["cluster_id"].isin(common["cluster_id"])].groupby(["cluster_id", "plan_id"]).size()
    out = presence.rename("n_measures").reset_index().merge(common, on="cluster_id")
    return out.sort_values(["n_jurisdictions", "cluster_id", "plan_id"], ascending=[False, True, True], ignore_index=True)
