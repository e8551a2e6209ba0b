"""Compare zwgk's common-task clustering with BERTopic on the hand-made same-task groups (issue 15).

Run: make evaluate, or .venv/bin/python benchmarks/bertopic_comparison.py [--data-dir DIR] [--split sealed|dev|all]
(BERTopic comes with the optional extra: pip install -e '.[bertopic]'; without it only zwgk's row is printed.)

One run, one set of measures (``zwgk.load_measures`` of the data folder) and one set of groups
(tests/data/same_task_groups.yaml). Rows:

- zwgk as shipped: ``build_similarity_index`` → ``cluster_index``; neighbours are each measure's top 5 by the
  linkage's re-ranked score (``find_linkage_edges``, ``list_top_pairs``), the neighbours the clustering uses.
- BERTopic defaults: UMAP (BERTopic's default settings, random_state fixed) + HDBSCAN (min_topic_size 10).
- BERTopic tuned: HDBSCAN straight on the SVD vectors (no UMAP); min_topic_size, SVD dimensions and
  outlier reduction chosen by k-fold cross-validation over the DEV groups only, then scored on the
  chosen split.

No model is downloaded: both BERTopic rows get precomputed "embeddings" made from zwgk's own tokens
(TF-IDF → TruncatedSVD → unit length), and a CountVectorizer on the same tokens, so all methods see
the same text. BERTopic's outliers (topic -1) are each their own cluster: an outlier is with no one.

Figures: pairwise precision (against every labelled negative pair), recall and F1 on the split's
groups with 95% bootstrap intervals over groups; top-5 neighbour recall (for BERTopic, nearest
neighbours in other plans by cosine in its embedding space); wall time and peak resident memory
above the stage's start (sampled from /proc every 20 ms). Every random state is fixed.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "lib"))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import yaml  # noqa: E402

SEED = 20261123
N_BOOTSTRAP = 1000
N_NEIGHBOURS = 5
DEFAULT_GROUPS = REPO / "tests" / "data" / "same_task_groups.yaml"
DEFAULT_SVD_DIMS = 100  # the defaults row: BERTopic's own settings need some embedding size; UMAP takes it to 5
GRID_MIN_TOPIC_SIZE = (2, 3, 4, 6, 10)
GRID_SVD_DIMS = (50, 100, 200, 400)
GRID_REDUCE_OUTLIERS = (False, True)
INSTALL_HINT = "BERTopic is not installed: pip install -e '.[bertopic]' (or make evaluate) adds it; only zwgk's row is printed."


class PeakMemory:
    """Sample this process's resident memory every 20 ms while a stage runs (peak above the start)."""

    def __enter__(self) -> PeakMemory:
        self.start = self._rss()
        self.peak, self.running = self.start, True
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()
        return self

    @staticmethod
    def _rss() -> int:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

    def _sample(self) -> None:
        while self.running:
            self.peak = max(self.peak, self._rss())
            time.sleep(0.02)

    def __exit__(self, *exc: object) -> None:
        self.running = False
        self.thread.join()
        self.peak = max(self.peak, self._rss())


def measure_stage(function: Callable[[], object]) -> tuple[object, float, float]:
    """Run ``function``; return its value, wall seconds and peak memory above the start in MB."""
    with PeakMemory() as memory:
        start = time.perf_counter()
        value = function()
        seconds = time.perf_counter() - start
    return value, seconds, (memory.peak - memory.start) / 2**20


# --- groups and splits -------------------------------------------------------------------------


@dataclass(frozen=True)
class LabelledSet:
    """The same-task groups scored on, the negatives that belong with them, and what was chosen."""

    groups: list[list[str]]
    negatives: list[tuple[str, str]]
    split: str
    note: str = ""


def read_group_splits(path: Path) -> list[str]:
    """Return each group's split in file order (``dev`` where a group has no ``split`` key)."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [str(group.get("split", "dev")) for group in doc["groups"]]


def restrict_negatives(negatives: list[tuple[str, str]], kept: list[list[str]], every: list[list[str]]) -> list[tuple[str, str]]:
    """Keep the negative pairs that touch the kept groups and no other group (so splits do not share pairs)."""
    in_kept = {m for group in kept for m in group}
    grouped = {m for group in every for m in group}
    return [pair for pair in negatives if any(m in in_kept for m in pair) and all(m in in_kept or m not in grouped for m in pair)]


def select_split(groups: list[list[str]], negatives: list[tuple[str, str]], splits: list[str], split: str) -> LabelledSet:
    """Return the groups of ``split`` (``all`` for every group); with no group in the split, fall back to all of them."""
    if split == "all":
        return LabelledSet(groups, negatives, "all")
    kept = [group for group, name in zip(groups, splits, strict=True) if name == split]
    if not kept:
        note = f"no group is marked split: {split}; scored on ALL {len(groups)} groups"
        return LabelledSet(groups, negatives, "all", note)
    return LabelledSet(kept, restrict_negatives(negatives, kept, groups), split)


# --- scoring -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Score:
    """Pairwise precision, recall and F1 of a clustering, and top-k neighbour recall, with 95% intervals."""

    precision: float
    recall: float
    f1: float
    neighbour_recall: float
    intervals: dict[str, tuple[float, float]] = field(default_factory=dict)


def compute_f1(precision: float, recall: float) -> float:
    """Return the harmonic mean of precision and recall (0 when both are 0)."""
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def clusters_from_topics(measure_ids: list[str], topics: list[int]) -> pd.DataFrame:
    """Return (measure_id, cluster_id) from topic numbers; each outlier (-1) is a cluster of its own."""
    cluster_ids = [f"outlier:{m}" if topic == -1 else f"topic:{topic}" for m, topic in zip(measure_ids, topics, strict=True)]
    return pd.DataFrame({"measure_id": measure_ids, "cluster_id": cluster_ids})


def count_pairs(clusters: pd.DataFrame, groups: list[list[str]], negatives: list[tuple[str, str]]) -> dict[str, np.ndarray | float]:
    """Count labelled pairs per group, so that a bootstrap over groups only re-adds counts.

    ``positive``/``hits``: each group's pairs and how many are clustered together; ``across``: a
    groups × groups matrix of clustered-together pairs between two groups (false positives);
    ``lookalike``: together look-alike negatives not already counted across groups, attributed to the
    group of their first grouped member (``constant`` when no group holds either).
    """
    cluster_of = dict(zip(clusters["measure_id"], clusters["cluster_id"], strict=True))
    group_of = {m: i for i, group in enumerate(groups) for m in group}

    def together(a: str, b: str) -> bool:
        return cluster_of.get(a) is not None and cluster_of.get(a) == cluster_of.get(b)

    n = len(groups)
    positive = np.array([len(group) * (len(group) - 1) // 2 for group in groups], dtype=float)
    hits = np.array([sum(together(a, b) for a, b in itertools.combinations(group, 2)) for group in groups], dtype=float)
    across = np.zeros((n, n))
    for i, j in itertools.combinations(range(n), 2):
        across[i, j] = across[j, i] = sum(together(a, b) for a in groups[i] for b in groups[j])
    lookalike, constant = np.zeros(n), 0.0
    for a, b in set(tuple(sorted(pair)) for pair in negatives):
        if a in group_of and b in group_of and group_of[a] != group_of[b]:
            continue  # already an across-group pair
        owner = group_of.get(a, group_of.get(b))
        if together(a, b):
            if owner is None:
                constant += 1
            else:
                lookalike[owner] += 1
    return {"positive": positive, "hits": hits, "across": across, "lookalike": lookalike, "constant": constant}


def score_draw(counts: dict[str, np.ndarray | float], draw: np.ndarray) -> tuple[float, float, float]:
    """Return precision, recall and F1 for a multiset of group indices (a group drawn twice counts twice)."""
    hits = counts["hits"][draw].sum()
    across = counts["across"][np.ix_(draw, draw)]
    distinct = draw[:, None] != draw[None, :]
    false_positive = (across * distinct).sum() / 2 + counts["lookalike"][draw].sum() + counts["constant"]
    recall = hits / max(counts["positive"][draw].sum(), 1)
    precision = hits / max(hits + false_positive, 1)
    return float(precision), float(recall), compute_f1(float(precision), float(recall))


def count_neighbour_hits(neighbours: pd.DataFrame, groups: list[list[str]]) -> tuple[np.ndarray, np.ndarray]:
    """Return, per group, the ordered same-task pairs (a, b) with b among a's neighbours, and all ordered pairs."""
    found = set(zip(neighbours["measure_id"], neighbours["neighbour_id"], strict=True))
    hits = np.array([sum((a, b) in found for a in group for b in group if a != b) for group in groups], dtype=float)
    return hits, np.array([len(group) * (len(group) - 1) for group in groups], dtype=float)


def score_method(
    clusters: pd.DataFrame, neighbours: pd.DataFrame, labelled: LabelledSet, n_bootstrap: int = N_BOOTSTRAP, seed: int = SEED
) -> Score:
    """Score a clustering and its neighbours on the labelled groups, with percentile intervals over resampled groups."""
    counts = count_pairs(clusters, labelled.groups, labelled.negatives)
    every = np.arange(len(labelled.groups))
    precision, recall, f1 = score_draw(counts, every)
    near_hits, near_total = count_neighbour_hits(neighbours, labelled.groups)
    rng = np.random.default_rng(seed)
    draws = []
    for _ in range(n_bootstrap):
        draw = rng.integers(0, len(every), len(every))
        draws.append((*score_draw(counts, draw), near_hits[draw].sum() / max(near_total[draw].sum(), 1)))
    intervals = {}
    if draws:
        table = np.array(draws)
        names = ("precision", "recall", "f1", "neighbour_recall")
        intervals = {
            name: (float(np.percentile(table[:, i], 2.5)), float(np.percentile(table[:, i], 97.5))) for i, name in enumerate(names)
        }
    return Score(precision, recall, f1, float(near_hits.sum() / max(near_total.sum(), 1)), intervals)


def quick_f1(clusters: pd.DataFrame, labelled: LabelledSet) -> float:
    """Return the pairwise F1 alone (no neighbours, no bootstrap): what the tuning maximises."""
    counts = count_pairs(clusters, labelled.groups, labelled.negatives)
    return score_draw(counts, np.arange(len(labelled.groups)))[2]


# --- the methods -------------------------------------------------------------------------------


@dataclass
class Row:
    """One line of the table."""

    method: str
    score: Score
    seconds: float
    memory_mb: float
    settings: str


def run_zwgk(measures: pd.DataFrame, cache_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame, object]:
    """Cluster with zwgk as shipped; return clusters, top-5 neighbours (measure ids) and the index.

    ``cache_dir`` holds the tokens already made (tokenizing is timed apart: every method uses them).
    """
    import zwgk
    from zwgk.analyses.similar.clusters import find_linkage_edges
    from zwgk.analyses.similar.reranking import list_top_pairs

    index = zwgk.build_similarity_index(measures, cache_dir=cache_dir)
    clusters = zwgk.cluster_index(index)
    edges = list_top_pairs(find_linkage_edges(index, N_NEIGHBOURS), index.matrix.shape[0], N_NEIGHBOURS)
    ids = index.measures["measure_id"].to_numpy()
    neighbours = pd.DataFrame({"measure_id": ids[edges["query_row"]], "neighbour_id": ids[edges["neighbour_row"]]})
    return clusters, neighbours, index


def embed_tokens(tokens: list[list[str]], dims: int, seed: int = SEED) -> np.ndarray:
    """Return unit-length TruncatedSVD vectors of the tokens' TF-IDF: the "embeddings" given to BERTopic."""
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    tfidf = TfidfVectorizer(analyzer=list, sublinear_tf=True).fit_transform(tokens)
    dims = min(dims, tfidf.shape[1] - 1, tfidf.shape[0] - 1)
    return normalize(TruncatedSVD(n_components=dims, random_state=seed).fit_transform(tfidf))


def find_embedding_neighbours(embeddings: np.ndarray, measure_ids: list[str], plan_ids: list[str], k: int = N_NEIGHBOURS) -> pd.DataFrame:
    """Return each measure's k nearest measures of other plans by cosine (as zwgk's neighbours: other plans only)."""
    similarity = embeddings @ embeddings.T
    plans = np.asarray(plan_ids)
    similarity[plans[:, None] == plans[None, :]] = -np.inf
    order = np.argsort(-similarity, axis=1, kind="stable")[:, :k]
    ids = np.asarray(measure_ids)
    keep = np.isfinite(np.take_along_axis(similarity, order, axis=1))
    rows = np.repeat(np.arange(len(ids)), k).reshape(-1, k)
    return pd.DataFrame({"measure_id": ids[rows[keep]], "neighbour_id": ids[order[keep]]})


def fit_bertopic(tokens: list[list[str]], embeddings: np.ndarray, min_topic_size: int, use_umap: bool, reduce: bool) -> list[int]:
    """Fit BERTopic on precomputed embeddings and return each document's topic (-1: outlier)."""
    from bertopic import BERTopic
    from bertopic.dimensionality import BaseDimensionalityReduction
    from hdbscan import HDBSCAN
    from sklearn.feature_extraction.text import CountVectorizer
    from umap import UMAP

    docs = [" ".join(t) for t in tokens]
    reducer = (
        UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", low_memory=False, random_state=SEED)
        if use_umap
        else BaseDimensionalityReduction()
    )
    model = BERTopic(
        umap_model=reducer,
        hdbscan_model=HDBSCAN(min_cluster_size=min_topic_size, metric="euclidean", cluster_selection_method="eom", prediction_data=True),
        vectorizer_model=CountVectorizer(tokenizer=str.split, token_pattern=None, lowercase=False),
    )
    topics, _ = model.fit_transform(docs, embeddings=embeddings)
    if reduce and -1 in topics and max(topics) >= 0:  # outliers, and at least one topic to move them to
        topics = model.reduce_outliers(docs, topics, strategy="embeddings", embeddings=embeddings)
    return [int(t) for t in topics]


def split_folds(n_groups: int, n_folds: int, seed: int = SEED) -> list[np.ndarray]:
    """Return ``n_folds`` disjoint sets of group indices (shuffled with a fixed seed)."""
    order = np.random.default_rng(seed).permutation(n_groups)
    return [fold for fold in np.array_split(order, min(n_folds, n_groups)) if len(fold)]


def tune_bertopic(tokens: list[list[str]], measure_ids: list[str], dev: LabelledSet, n_folds: int) -> tuple[dict, float, float]:
    """Choose (svd_dims, min_topic_size, reduce_outliers) on the dev groups; return it, the CV F1 and seconds.

    Each setting is fitted once (the clustering never sees labels); the folds decide which setting
    wins: for each fold the best setting on the other folds is scored on the held-out one (the CV
    F1 is the mean), and the setting chosen is the best on all dev groups (ties: first in grid order).
    """
    start = time.perf_counter()
    settings = list(itertools.product(GRID_SVD_DIMS, GRID_MIN_TOPIC_SIZE, GRID_REDUCE_OUTLIERS))
    clusterings = {}
    for dims in GRID_SVD_DIMS:
        embeddings = embed_tokens(tokens, dims)
        for size, reduce in itertools.product(GRID_MIN_TOPIC_SIZE, GRID_REDUCE_OUTLIERS):
            clusterings[(dims, size, reduce)] = clusters_from_topics(measure_ids, fit_bertopic(tokens, embeddings, size, False, reduce))

    def subset(indices: np.ndarray) -> LabelledSet:
        groups = [dev.groups[i] for i in sorted(indices)]
        return LabelledSet(groups, restrict_negatives(dev.negatives, groups, dev.groups), dev.split)

    folds = split_folds(len(dev.groups), n_folds)
    held_out = []
    for i, fold in enumerate(folds):
        train = subset(np.concatenate([f for j, f in enumerate(folds) if j != i]))
        best = max(settings, key=lambda s: (quick_f1(clusterings[s], train), -settings.index(s)))
        held_out.append(quick_f1(clusterings[best], subset(fold)))
    chosen = max(settings, key=lambda s: (quick_f1(clusterings[s], dev), -settings.index(s)))
    names = ("svd_dims", "min_topic_size", "reduce_outliers")
    return dict(zip(names, chosen, strict=True)), float(np.mean(held_out)), time.perf_counter() - start


def run_bertopic_rows(index: object, labelled: LabelledSet, dev: LabelledSet, n_folds: int, n_bootstrap: int) -> list[Row]:
    """Fit BERTopic with defaults and tuned on the dev groups; return their rows."""
    tokens, measure_ids = index.tokens, index.measures["measure_id"].tolist()
    plan_ids = index.measures["plan_id"].tolist()

    def run(dims: int, size: int, use_umap: bool, reduce: bool) -> tuple[pd.DataFrame, np.ndarray]:
        embeddings = embed_tokens(tokens, dims)
        return clusters_from_topics(measure_ids, fit_bertopic(tokens, embeddings, size, use_umap, reduce)), embeddings

    rows = []
    (clusters, embeddings), seconds, memory = measure_stage(lambda: run(DEFAULT_SVD_DIMS, 10, True, False))
    neighbours = find_embedding_neighbours(embeddings, measure_ids, plan_ids)
    settings = f"UMAP 5-d (random_state {SEED}) + HDBSCAN, min_topic_size 10, SVD {embeddings.shape[1]}"
    rows.append(Row("BERTopic defaults", score_method(clusters, neighbours, labelled, n_bootstrap), seconds, memory, settings))
    (chosen, cv_f1, search_seconds), _, _ = measure_stage(lambda: tune_bertopic(tokens, measure_ids, dev, n_folds))
    (clusters, embeddings), seconds, memory = measure_stage(
        lambda: run(chosen["svd_dims"], chosen["min_topic_size"], False, chosen["reduce_outliers"])
    )
    neighbours = find_embedding_neighbours(embeddings, measure_ids, plan_ids)
    settings = (
        f"no UMAP; SVD {chosen['svd_dims']}, min_topic_size {chosen['min_topic_size']}, reduce_outliers "
        f"{'on' if chosen['reduce_outliers'] else 'off'} (CV F1 {cv_f1:.3f} over {min(n_folds, len(dev.groups))} folds of "
        f"{len(dev.groups)} dev groups; search {search_seconds:.0f} s)"
    )
    rows.append(Row("BERTopic tuned", score_method(clusters, neighbours, labelled, n_bootstrap), seconds, memory, settings))
    return rows


# --- output ------------------------------------------------------------------------------------


def format_table(rows: list[Row]) -> str:
    """Return the rows as one fixed-width table (figures with their 95% intervals)."""

    def cell(score: Score, name: str) -> str:
        low, high = score.intervals.get(name, (float("nan"), float("nan")))
        return f"{getattr(score, name):.3f} [{low:.3f}, {high:.3f}]"

    header = f"{'method':<18} {'precision':<21} {'recall':<21} {'F1':<21} {'top-5 recall':<21} {'time s':>7} {'peak MB':>8}  settings"
    lines = [header, "-" * len(header)]
    for row in rows:
        figures = " ".join(f"{cell(row.score, name):<21}" for name in ("precision", "recall", "f1", "neighbour_recall"))
        lines.append(f"{row.method:<18} {figures} {row.seconds:7.2f} {row.memory_mb:8.1f}  {row.settings}")
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description="Compare zwgk's common-task clustering with BERTopic on the hand-made same-task groups.")
    parser.add_argument(
        "--data-dir", type=Path, default=None, help="data folder whose measures are clustered (default: the repository's data/)"
    )
    parser.add_argument("--groups", type=Path, default=DEFAULT_GROUPS, help="hand-made groups (default: tests/data/same_task_groups.yaml)")
    parser.add_argument(
        "--split",
        choices=("sealed", "dev", "all"),
        default="sealed",
        help="groups to score on (default sealed; all groups if none is sealed)",
    )
    parser.add_argument("--folds", type=int, default=5, help="cross-validation folds over the dev groups (default 5)")
    parser.add_argument("--bootstrap", type=int, default=N_BOOTSTRAP, help=f"bootstrap draws over groups (default {N_BOOTSTRAP})")
    return parser.parse_args(argv)


def import_bertopic() -> float | None:
    """Import BERTopic and its clustering dependencies; return the seconds it took, or None if they are missing."""
    start = time.perf_counter()
    try:
        import bertopic  # noqa: F401
        import hdbscan  # noqa: F401
        import umap  # noqa: F401
    except ImportError:
        return None
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    """Print the comparison table; exit 0 with zwgk's row alone when BERTopic is not installed."""
    args = parse_args(argv)
    import zwgk
    from zwgk.analyses.evaluation import load_task_groups

    groups, negatives = load_task_groups(args.groups)
    splits = read_group_splits(args.groups)
    labelled = select_split(groups, negatives, splits, args.split)
    dev = select_split(groups, negatives, splits, "dev")
    measures = zwgk.load_measures(args.data_dir)
    n_pairs = sum(len(g) * (len(g) - 1) // 2 for g in labelled.groups)
    print(f"measures: {len(measures)} in {measures['plan_id'].nunique()} plans ({args.data_dir or REPO / 'data'})")
    print(
        f"scored on split '{labelled.split}': {len(labelled.groups)} groups, {n_pairs} same-task pairs, "
        f"{len(labelled.negatives)} look-alike pairs"
    )
    if labelled.note:
        print(f"NOTE: {labelled.note}")
    if dev.note or labelled.split in ("all", "dev"):
        print("NOTE: the tuned row was chosen on the dev groups, which overlap the groups scored: its figures are optimistic")
    with tempfile.TemporaryDirectory(prefix="zwgk-bertopic-") as cache:
        _, token_seconds, _ = measure_stage(lambda: zwgk.tokenize_measures(measures, cache_dir=Path(cache)))
        (clusters, neighbours, index), seconds, memory = measure_stage(lambda: run_zwgk(measures, Path(cache)))
    rows = [
        Row("zwgk", score_method(clusters, neighbours, labelled, args.bootstrap), seconds, memory, "as shipped (cluster_index defaults)")
    ]
    import_seconds = import_bertopic()
    if import_seconds is None:
        print(format_table(rows))
        print(INSTALL_HINT)
        return 0
    rows += run_bertopic_rows(index, labelled, dev, args.folds, args.bootstrap)
    print(format_table(rows))
    print(
        f"Every method uses zwgk's tokens (tokenizing, cold, took {token_seconds:.1f} s and is in no row). zwgk: TF-IDF, "
        f"neighbours, clustering. BERTopic: TF-IDF, SVD, fitting, outlier reduction; the defaults row includes numba "
        f"compiling UMAP on first use; importing BERTopic took {import_seconds:.1f} s, not counted. Intervals: 95% percentile "
        f"bootstrap over groups, {args.bootstrap} draws, seed {SEED}."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
