"""Find the same task across jurisdictions: similar measures, clusters, text reuse.

Measures are vectors of TF-IDF over jieba words and over character 1-2-grams (weights 0.3
and 0.7 of the cosine); the word part catches shared terms, the character part catches
reworded phrasing that jieba splits differently. On the hand-made evaluation file the mix
beats words alone (top-5 neighbour recall 0.95 against 0.82). Nearest
neighbours are found by ``zwgk.neighbours``: exactly for small collections, through an
inverted file on SVD-reduced vectors with exact re-scoring for large ones; never as a dense
all-pairs matrix.

Clusters are the connected components of the graph linking measures from different plans
that are mutual nearest neighbours (each among the other's top k in other plans) with a
similarity at or above a threshold: single-linkage agglomerative clustering with a
distance threshold on a mutual-kNN graph, which stops the chaining plain single linkage
suffers from. It is deterministic and independent of input order (rows are put in
measure_id order first; cluster ids come from their members).
"""

from __future__ import annotations

import difflib
import hashlib
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import connected_components
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from zwgk.neighbours import EXACT_MAX_ROWS, CellIndex, build_cell_index, search_approximate, search_exact
from zwgk.text import tokenize_measures

# Chosen on tests/data/same_task_groups.yaml (README "Similar tasks" gives the figures).
DEFAULT_THRESHOLD = 0.25
DEFAULT_NEIGHBOURS = 3
MAP_MAX_POINTS = 5_000  # measures placed on the 2-D map (a fixed sample above this)
WORD_WEIGHT = 0.3
CHAR_NGRAMS = (1, 2)
_NOT_WORD = re.compile(r"[^\w\u4e00-\u9fff]")


def _identity(tokens: list[str]) -> list[str]:
    return tokens


def _clean_chars(text: str) -> str:
    return _NOT_WORD.sub("", text)


@dataclass
class SimilarityIndex:
    """Measures in measure_id order, their tokens and vectors, and the fitted vectorizers."""

    measures: pd.DataFrame
    tokens: list[list[str]]
    matrix: sparse.csr_matrix
    word_vectorizer: TfidfVectorizer
    char_vectorizer: TfidfVectorizer
    _cells: CellIndex | None = None

    def cells(self) -> CellIndex:
        """The approximate-search structure, built on first use and kept."""
        if self._cells is None:
            self._cells = build_cell_index(self.matrix)
        return self._cells

    def transform(self, texts: list[str], tokens: list[list[str]]) -> sparse.csr_matrix:
        """Vectorize new texts in the index's space."""
        words = self.word_vectorizer.transform(tokens) * math.sqrt(WORD_WEIGHT)
        chars = self.char_vectorizer.transform([_clean_chars(t) for t in texts]) * math.sqrt(1 - WORD_WEIGHT)
        return normalize(sparse.hstack([words, chars]).tocsr())


def build_similarity_index(measures: pd.DataFrame, cache_dir: Path | None = None) -> SimilarityIndex:
    """Fit the vectorizers on ``measures`` (needs measure_id, plan_id, text)."""
    ordered = measures.sort_values("measure_id", ignore_index=True)
    tokens = tokenize_measures(ordered, cache_dir).tolist()
    word = TfidfVectorizer(analyzer=_identity, sublinear_tf=True)
    char = TfidfVectorizer(analyzer="char", ngram_range=CHAR_NGRAMS, sublinear_tf=True)
    words = word.fit_transform(tokens) * math.sqrt(WORD_WEIGHT)
    chars = char.fit_transform([_clean_chars(t) for t in ordered["text"]]) * math.sqrt(1 - WORD_WEIGHT)
    return SimilarityIndex(ordered, tokens, normalize(sparse.hstack([words, chars]).tocsr()), word, char)


def _plan_codes(plans: np.ndarray, query_plans: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes for plan ids (quick to compare); a missing query plan gets -1."""
    codes, uniques = pd.factorize(pd.Series(plans, dtype=object))
    lookup = dict(zip(uniques, range(len(uniques)), strict=True))
    return codes.astype(np.int64), np.array([lookup.get(p, -1) if p is not None else -1 for p in query_plans], dtype=np.int64)


def find_neighbours(
    index: SimilarityIndex, k: int = DEFAULT_NEIGHBOURS, min_score: float = 0.0, queries: sparse.csr_matrix | None = None,
    query_plans: np.ndarray | None = None, method: str = "auto",
) -> pd.DataFrame:  # fmt: skip
    """Return each query's k nearest measures in other plans: (query_row, neighbour_row, score).

    Without ``queries`` every indexed measure is a query. ``method`` is "exact", "approximate"
    or "auto" (exact up to ``neighbours.EXACT_MAX_ROWS`` measures); see ``zwgk.neighbours``.
    Scores are exact cosines either way.
    """
    if method not in {"auto", "exact", "approximate"}:
        raise ValueError(f"method must be auto, exact or approximate, not {method!r}")
    plans = index.measures["plan_id"].to_numpy()
    plan_codes, query_codes = _plan_codes(plans, plans if query_plans is None else query_plans)
    if method == "exact" or (method == "auto" and index.matrix.shape[0] <= EXACT_MAX_ROWS):
        edges = search_exact(index.matrix, index.matrix if queries is None else queries, plan_codes, query_codes, k)
    else:
        edges = search_approximate(index.cells(), queries, plan_codes, query_codes, k)
    return edges[edges["score"] > min_score].reset_index(drop=True)


def _make_cluster_id(member_ids: list[str]) -> str:
    return "c-" + hashlib.sha1(min(member_ids).encode()).hexdigest()[:10]


def cluster_index(
    index: SimilarityIndex, threshold: float = DEFAULT_THRESHOLD, k: int = DEFAULT_NEIGHBOURS, method: str = "auto"
) -> pd.DataFrame:
    """Cluster the indexed measures (see the module docstring); one row per measure."""
    n = index.matrix.shape[0]
    edges = find_neighbours(index, k=k, method=method)
    forward = edges["query_row"].to_numpy(np.int64) * n + edges["neighbour_row"].to_numpy(np.int64)
    backward = edges["neighbour_row"].to_numpy(np.int64) * n + edges["query_row"].to_numpy(np.int64)
    edges = edges[np.isin(backward, forward) & (edges["score"].to_numpy() >= threshold)]
    graph = sparse.coo_matrix((np.ones(len(edges)), (edges["query_row"], edges["neighbour_row"])), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    measure_ids = index.measures["measure_id"].tolist()
    members: dict[int, list[str]] = {}
    for row, label in enumerate(labels):
        members.setdefault(int(label), []).append(measure_ids[row])
    cluster_ids = {label: _make_cluster_id(ids) for label, ids in members.items()}
    out = index.measures[["measure_id", "plan_id"]].copy()
    out["cluster_id"] = [cluster_ids[int(label)] for label in labels]
    sizes = out.groupby("cluster_id")["plan_id"].agg(cluster_size="size", n_plans="nunique")
    return out.join(sizes, on="cluster_id")


def cluster_measures(
    measures: pd.DataFrame | None = None, threshold: float = DEFAULT_THRESHOLD, k: int = DEFAULT_NEIGHBOURS, cache_dir: Path | None = None
) -> pd.DataFrame:
    """Return one row per measure: measure_id, plan_id, cluster_id, cluster_size, n_plans.

    Without ``measures``, clusters every measure of the current dataset.
    """
    if measures is None:
        from zwgk.dataset import load_measures

        measures = load_measures()
    return cluster_index(build_similarity_index(measures, cache_dir), threshold, k)


def load_measure_sources(data_dir: Path | None = None) -> pd.DataFrame:
    """Measures with where they come from: jurisdiction, year, section and source lines."""
    from zwgk.dataset import load_measures, load_plans, load_tasks

    plans = load_plans(data_dir)[["plan_id", "jurisdiction", "jurisdiction_en", "year"]]
    tasks = load_tasks(data_dir)[["task_id", "section_path", "line_start", "line_end"]]
    return load_measures(data_dir)[["measure_id", "plan_id", "task_id", "text"]].merge(plans, on="plan_id").merge(tasks, on="task_id")


def similar_to(
    query: str,
    k: int = 5,
    index: SimilarityIndex | None = None,
    measures_context: pd.DataFrame | None = None,
    cache_dir: Path | None = None,
) -> pd.DataFrame:
    """Return the ``k`` measures most similar to a measure id or to free text, from other plans.

    Columns: rank, measure_id, plan_id, score, text, plus what ``measures_context`` adds by
    measure_id. Without ``index``, searches the current dataset and adds each measure's
    jurisdiction, year, section and source lines.
    """
    if index is None:
        measures_context = load_measure_sources() if measures_context is None else measures_context
        index = build_similarity_index(measures_context, cache_dir)
    ids = index.measures["measure_id"]
    if query in set(ids):
        row = int(np.flatnonzero(ids.to_numpy() == query)[0])
        vector, plan = index.matrix[row], index.measures["plan_id"].iloc[row]
    else:
        tokens = tokenize_measures(pd.DataFrame({"text": [query]}), cache_dir).tolist()
        vector, plan = index.transform([query], tokens), None
    edges = find_neighbours(index, k=k, queries=vector, query_plans=np.array([plan], dtype=object))
    found = index.measures.iloc[edges["neighbour_row"]][["measure_id", "plan_id", "text"]].reset_index(drop=True)
    found.insert(0, "rank", np.arange(1, len(found) + 1))
    found["score"] = edges["score"].to_numpy()
    if measures_context is not None:
        found = found.merge(measures_context.drop(columns=["plan_id", "text"], errors="ignore"), on="measure_id", how="left")
    return found


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


def align_texts(a: str, b: str, min_block: int = 4) -> tuple[float, list[tuple[int, int, int]]]:
    """Return the difflib similarity ratio and the aligned spans (start in a, start in b, length)."""
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    spans = [(m.a, m.b, m.size) for m in matcher.get_matching_blocks() if m.size >= min_block]
    return matcher.ratio(), spans


def find_text_reuse(index: SimilarityIndex, min_ratio: float = 0.8, k: int = 5, min_score: float = 0.3) -> pd.DataFrame:
    """Return near-verbatim copies: measure pairs from different plans whose texts align.

    Candidates come from the nearest-neighbour search; each is aligned character by
    character (difflib), and kept when the ratio reaches ``min_ratio``.
    """
    edges = find_neighbours(index, k=k, min_score=min_score)
    texts = index.measures["text"].to_numpy()
    rows = []
    for query, neighbour, score in edges.itertuples(index=False):
        ratio, spans = align_texts(texts[query], texts[neighbour])
        if ratio >= min_ratio:
            rows.append((query, neighbour, score, ratio, spans))
    out = pd.DataFrame(rows, columns=["query_row", "neighbour_row", "similarity", "ratio", "aligned_spans"])
    ids, plans = index.measures["measure_id"].to_numpy(), index.measures["plan_id"].to_numpy()
    result = pd.DataFrame(
        {
            "measure_id": ids[out["query_row"]] if len(out) else [],
            "plan_id": plans[out["query_row"]] if len(out) else [],
            "other_measure_id": ids[out["neighbour_row"]] if len(out) else [],
            "other_plan_id": plans[out["neighbour_row"]] if len(out) else [],
            "similarity": out["similarity"].to_numpy(),
            "ratio": out["ratio"].to_numpy(),
            "aligned_spans": out["aligned_spans"].tolist(),
        }
    )
    return result.sort_values(["measure_id", "other_measure_id"], ignore_index=True)


def summarise_text_reuse(index: SimilarityIndex, reuse: pd.DataFrame) -> pd.DataFrame:
    """For each ordered pair of plans, the share of the first plan's measures copied in the second."""
    counts = index.measures.groupby("plan_id").size()
    copied = reuse.groupby(["plan_id", "other_plan_id"])["measure_id"].nunique().rename("n_copied")
    pairs = pd.MultiIndex.from_tuples([(a, b) for a in counts.index for b in counts.index if a != b], names=["plan_id", "other_plan_id"])
    out = copied.reindex(pairs, fill_value=0).reset_index()
    out["n_measures"] = out["plan_id"].map(counts)
    out["share_copied"] = out["n_copied"] / out["n_measures"]
    return out[["plan_id", "other_plan_id", "n_measures", "n_copied", "share_copied"]]


def project_measures(index: SimilarityIndex, seed: int = 0, max_points: int | None = MAP_MAX_POINTS) -> pd.DataFrame:
    """Place measures on a 2-D map (t-SNE on a 50-dimensional SVD of their vectors).

    Above ``max_points`` measures a fixed sample is placed: t-SNE on 100,000 points takes
    many minutes and a map of them is unreadable. The sample is chosen by a hash of the
    measure id, so it does not depend on input order and mostly survives adding a plan.
    Deterministic: rows are in measure_id order and both steps use ``seed``.
    """
    from sklearn.decomposition import TruncatedSVD
    from sklearn.manifold import TSNE

    ids = index.measures["measure_id"].to_numpy()
    rows = np.arange(len(ids))
    if max_points is not None and len(ids) > max_points:
        digests = np.array([hashlib.sha1(str(i).encode()).hexdigest() for i in ids])
        rows = np.sort(np.argsort(digests, kind="stable")[:max_points])
    matrix = index.matrix[rows]
    n = matrix.shape[0]
    components = max(2, min(50, matrix.shape[1] - 1, n - 1))
    reduced = TruncatedSVD(n_components=components, random_state=seed).fit_transform(matrix)
    perplexity = float(min(30, max(2, (n - 1) // 3)))
    coords = TSNE(n_components=2, perplexity=perplexity, init="pca", random_state=seed).fit_transform(reduced)
    return pd.DataFrame({"measure_id": ids[rows], "x": coords[:, 0], "y": coords[:, 1]})


def summarise_task_presence(clusters: pd.DataFrame, summary: pd.DataFrame) -> pd.DataFrame:
    """Common task x plan presence: how many measures of each plan fall in each common task."""
    common = summary.loc[summary["is_common_task"], ["cluster_id", "label", "n_jurisdictions"]]
    presence = clusters[clusters["cluster_id"].isin(common["cluster_id"])].groupby(["cluster_id", "plan_id"]).size()
    out = presence.rename("n_measures").reset_index().merge(common, on="cluster_id")
    return out.sort_values(["n_jurisdictions", "cluster_id", "plan_id"], ascending=[False, True, True], ignore_index=True)
