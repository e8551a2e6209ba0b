"""Persisted cluster assignments: common tasks that keep their ids when plans are added or removed.

Clustering from scratch (`cluster_index`) reshuffles: one unrelated plan changes the TF-IDF
weights and the neighbour lists, so some seed pairs split and some cluster ids (a hash of the
members) change. So the dataset keeps its assignments in ``data/clusters/`` (beside
``processed/``, an analysis output, not a built table):

- ``assignments.parquet``: measure_id, plan_id, cluster_id, assigned (full | incremental)
  and text_sha1 (a measure whose text changed under the same id counts as removed and added);
- ``parameters.json``: rule, threshold, k and method of the clustering;
- ``plan_keys.parquet``: a key per plan of the dataset they were made from (`make_plan_keys`),
  so an update hashes only the texts of plans whose key changed.

`update_clusters` brings them up to date. Measures of removed plans are dropped; a cluster that
loses members keeps its id (ids are names fixed at creation: the hash of the founding first
member, never recomputed). Measures of new plans are clustered by the full clustering's own
rule (`link_average`: average linkage over the re-ranked top-k pairs in other plans, one
measure per plan per cluster, threshold) on an index of the whole current dataset, starting
from the kept clusters, which are frozen: a new measure joins a kept cluster by its linkage to
the members, or new measures form new clusters, but two kept clusters never merge and no kept
measure moves, so adding a plan changes no existing assignment. `recluster` recomputes
everything from scratch (the explicit ``zwgk cluster --full``, which counts the measures whose
id changed); it equals `cluster_index` on the current dataset. Assignments persisted by another
rule (``rule`` in ``parameters.json``) are redone from scratch.

The vector space is kept between updates (`zwgk.analyses.similar.stored_vectors`): new measures
are vectorized in it when it knows their words, else it is refitted on all current measures;
old assignments do not depend on it. The neighbour lists of the new measures and of the
measures in those lists are searched as the full clustering searches (exactly up to
``EXACT_MAX_ROWS`` measures, else through the stored space's cells with exact re-scoring) and
re-ranked together (`_find_fresh_edges`), so the links of new measures are, all but exactly,
those a full clustering would use. Results are deterministic and independent of the order of
the measures; they depend on the order plans were added in (adding A then B may differ from
adding both at once), which is the price of stability.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse

from zwgk.analyses.similar.clusters import (
    CLUSTER_RULE,
    CLUSTER_THRESHOLD,
    DEFAULT_K,
    DEFAULT_THRESHOLD,
    add_cluster_sizes,
    cluster_index,
    link_average,
    link_clusters,
    make_cluster_id,
)
from zwgk.analyses.similar.index import SimilarityIndex, build_similarity_index, find_neighbours
from zwgk.analyses.similar.reranking import RERANK_DEPTH, rerank_edges
from zwgk.analyses.similar.stored_vectors import (
    MIN_KNOWN_WORDS,
    add_to_cells,
    load_vectors,
    narrow_vectors,
    save_vectors,
    share_known_words,
)
from zwgk.analyses.tokens import load_lexicon, tokenize, tokenize_texts
from zwgk.paths import get_cache_dir, get_clusters_dir, get_processed_dir, resolve_data_dir
from zwgk.processed.build import list_build_code
from zwgk.processed.partitions import read_partitions
from zwgk.schema import CLUSTER_ASSIGNMENT_KINDS
from zwgk.settings import hash_config_files

FULL, INCREMENTAL = CLUSTER_ASSIGNMENT_KINDS
ASSIGNMENT_COLUMNS = ("measure_id", "plan_id", "cluster_id", "assigned", "text_sha1")
ASSIGNMENTS_FILE = "assignments.parquet"
PARAMETERS_FILE = "parameters.json"
PLAN_KEYS_FILE = "plan_keys.parquet"  # plan_id, plan_key (`make_plan_keys`) of the dataset the assignments were made from
LEGACY_RULE = "mutual-top-k-components"  # the rule of parameters files that name none
# New texts up to this many are tokenized directly: the token cache is one file of every text
# ever tokenized, read and rewritten whole (a second at 5,000 plans), and a plan's texts are new anyway.
UNCACHED_TEXTS = 5_000


@dataclass(frozen=True)
class ClusterParameters:
    """The parameters a persisted clustering was made with; an update keeps them."""

    threshold: float = DEFAULT_THRESHOLD
    k: int = DEFAULT_K
    method: str = "auto"
    rule: str = CLUSTER_RULE  # a persisted clustering made by another rule is redone from scratch


@dataclass(frozen=True)
class ClusterUpdate:
    """What an update or a recluster did, for the command line."""

    n_measures: int
    n_clusters: int
    n_kept: int
    n_added: int
    n_removed: int
    n_joined: int  # added measures that joined an existing cluster
    n_new_clusters: int
    full: bool
    n_moved: int = 0  # kept measures whose cluster id changed (only a full clustering moves any)

    def describe(self) -> str:
        """One line for the user."""
        if self.full:
            return (
                f"clustered {self.n_measures} measures from scratch into {self.n_clusters} clusters; "
                f"{self.n_moved} of {self.n_kept} measures clustered before changed cluster id"
            )
        return (
            f"{self.n_measures} measures in {self.n_clusters} clusters: {self.n_kept} kept, {self.n_removed} removed, "
            f"{self.n_added} added ({self.n_joined} joined existing clusters, {self.n_new_clusters} new clusters)"
        )


def _hash_texts(texts: pd.Series) -> np.ndarray:
    return np.array([hashlib.sha1(text.encode("utf-8")).hexdigest()[:16] for text in texts], dtype=object)


def _match_rows(current: pd.DataFrame, stored: pd.DataFrame, unchanged_plans: pd.Index) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The text hash of each current measure, which stored rows are kept, and which current rows are new.

    A plan whose key did not change (`make_plan_keys`) has exactly the measures and texts it had:
    its rows, in measure_id order on both sides, are checked side by side and kept with their
    stored hashes. Only the other plans' texts are hashed (the one per-measure Python loop of an
    update) and matched by key (hash joins over every measure were a second at 5,000 plans).
    """
    on_current = unchanged_plans.get_indexer(current["plan_id"].to_numpy(object)) >= 0
    on_stored = unchanged_plans.get_indexer(stored["plan_id"].to_numpy(object)) >= 0
    same = current["measure_id"].to_numpy(object)[on_current], stored["measure_id"].to_numpy(object)[on_stored]
    if len(same[0]) != len(same[1]) or not np.array_equal(*same):  # not the rows the key vouches for: match every row
        on_current, on_stored = np.zeros(len(current), bool), np.zeros(len(stored), bool)
    hashes = np.empty(len(current), dtype=object)
    hashes[on_current] = stored["text_sha1"].to_numpy(object)[on_stored]
    hashes[~on_current] = _hash_texts(current.loc[~on_current, "text"])
    rest_current = current.loc[~on_current, ["measure_id"]].assign(text_sha1=hashes[~on_current])
    rest_stored = stored.loc[~on_stored, ["measure_id", "text_sha1"]]
    rest_kept = _holds(_keys(rest_stored), _keys(rest_current)).to_numpy()
    is_kept, is_new = on_stored.copy(), np.zeros(len(current), bool)
    is_kept[np.flatnonzero(~on_stored)[rest_kept]] = True
    is_new[~on_current] = ~_holds(_keys(rest_current), _keys(rest_stored[rest_kept])).to_numpy()
    return hashes, is_kept, is_new


def make_plan_keys(plans: pd.DataFrame) -> pd.Series:
    """A key per plan (indexed by plan_id) that changes whenever its measures may.

    A plan's measures and texts are made from its raw file, its manifest row and the build's
    code and configuration (`zwgk.processed.build` caches parsed plans by the same inputs): the
    key hashes the plan's row of the plans table (the file's sha256, the manifest's metadata, the
    counts of tasks, measures and characters) with the build code and configuration files.
    """
    digest = hashlib.sha256(hash_config_files().encode())
    for path in list_build_code():
        digest.update(path.read_bytes())
    scalars = plans.select_dtypes(exclude="object")
    hashed = pd.util.hash_pandas_object(scalars, index=False, hash_key=digest.hexdigest()[:16]).to_numpy(np.uint64)
    return pd.Series([f"{value:016x}" for value in hashed], index=plans["plan_id"].to_numpy(object), dtype=object)


def _keys(frame: pd.DataFrame) -> pd.Series:
    """measure_id and text hash, one string per row (object dtype: lookups on arrow strings are 10x slower; a space
    joins them, as numpy drops a trailing NUL)."""
    joined = frame["measure_id"].astype(str).to_numpy(object) + " " + frame["text_sha1"].astype(str).to_numpy(object)
    return pd.Series(joined, index=frame.index, dtype=object)


def _holds(keys: pd.Series, others: pd.Series) -> pd.Series:
    """Whether each key is among ``others`` (a hash join, not a Python loop)."""
    return pd.Series(pd.Index(others).get_indexer(keys.to_numpy()) >= 0, index=keys.index)


def _sort_by_measure(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` in measure_id order, with a fresh index (tables are read in that order: checking it is cheaper than sorting)."""
    if frame["measure_id"].is_monotonic_increasing:
        return frame.reset_index(drop=True)
    return frame.sort_values("measure_id", ignore_index=True)


def _cache_dir(data_dir: Path | None) -> Path:
    return resolve_data_dir(data_dir) / "cache"


def _new_cluster_id(members: list[str], taken: set[str]) -> str:
    """The founding name of a new cluster; a measure that founded a cluster still in use (its plan was re-added) gets a suffix."""
    cluster_id, attempt = make_cluster_id(members), 1
    while cluster_id in taken:
        cluster_id = make_cluster_id([f"{min(members)}#{attempt}"])
        attempt += 1
    return cluster_id


def _find_fresh_edges(index: SimilarityIndex, is_new: np.ndarray, k: int, method: str) -> pd.DataFrame:
    """The linkage pairs of the new rows, re-ranked as the full clustering re-ranks them (row_a < row_b, score).

    Kept clusters never merge, so only pairs touching a new row matter. Their re-ranked scores
    read the neighbour lists of the new rows and of the rows in those lists; both are searched
    (``method``, as the full clustering searches: exact up to ``EXACT_MAX_ROWS`` indexed rows, else
    through the index's cells, kept with the stored vectors) and re-ranked together. Two things
    are approximated: rows further away see only the pairs found, and a kept row that holds a new
    row in its own list without being in the new row's is not searched. Held out plan by plan on
    the dataset (`benchmarks/reranking_study.py --updates`, dev groups), this put 3 of 745 new
    measures in another cluster than exact re-ranking, at the same F1; linking them by plain
    cosine put 37 elsewhere. The cost follows the new rows (about ``RERANK_DEPTH`` searches
    each), not the corpus.
    """
    plans = index.measures["plan_id"].to_numpy()
    depth = max(k, RERANK_DEPTH)
    new_rows = np.flatnonzero(is_new)
    first = _search_rows(index, new_rows, depth, method)
    near = np.setdiff1d(first[1], new_rows)
    second = _search_rows(index, near, depth, method)
    a, b, score = (np.concatenate(parts) for parts in zip(first, second, strict=True))
    rows, inverse = np.unique(np.concatenate([a, b]), return_inverse=True)  # the rows involved, renumbered
    local_a, local_b = inverse[: len(a)], inverse[len(a) :]
    pairs = pd.DataFrame({"row_a": np.minimum(local_a, local_b), "row_b": np.maximum(local_a, local_b), "score": score})
    reranked = rerank_edges(pairs, index.matrix[rows], plans[rows], k=k)  # pairs found twice are one (its `_sort_pairs`)
    a, b = rows[reranked["row_a"].to_numpy()], rows[reranked["row_b"].to_numpy()]
    touching = is_new[a] | is_new[b]
    return pd.DataFrame({"row_a": a[touching], "row_b": b[touching], "score": reranked["score"].to_numpy()[touching]})


def _search_rows(index: SimilarityIndex, rows: np.ndarray, k: int, method: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each of ``rows``' top ``k`` among all rows of other plans: (row, neighbour row, cosine)."""
    if not len(rows):
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0)
    plans = index.measures["plan_id"].to_numpy()
    found = find_neighbours(index, k=k, queries=index.matrix[rows], query_plans=plans[rows], method=method)
    return rows[found["query_row"].to_numpy(np.int64)], found["neighbour_row"].to_numpy(np.int64), found["score"].to_numpy(np.float64)


def _place_rows(kept_matrix: sparse.csr_matrix, fresh_matrix: sparse.csr_matrix, is_new: np.ndarray) -> sparse.csr_matrix:
    """Interleave kept and new rows back into measure_id order (kept rows and new rows are each in that order already).

    The rows go by runs (a new plan's measures are one run): one copy of the kept vectors, where
    stacking then reordering them made two.
    """
    n = len(is_new)
    bounds = np.concatenate([[0], np.flatnonzero(np.diff(is_new.astype(np.int8))) + 1, [n]])
    cursors = {False: 0, True: 0}
    data, indices, lengths = [], [], []
    for start, end in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
        new = bool(is_new[start])
        source, first = (fresh_matrix if new else kept_matrix), cursors[new]
        span = slice(source.indptr[first], source.indptr[first + end - start])
        data.append(source.data[span])
        indices.append(source.indices[span])
        lengths.append(np.diff(source.indptr[first : first + end - start + 1]))
        cursors[new] = first + end - start
    indptr = np.concatenate([[0], np.cumsum(np.concatenate(lengths))]) if lengths else np.zeros(1, np.int64)
    shape = (n, kept_matrix.shape[1])
    return sparse.csr_matrix((np.concatenate(data), np.concatenate(indices), indptr), shape=shape) if lengths else sparse.csr_matrix(shape)


def _name_added(added: pd.DataFrame, labels: np.ndarray, is_new: np.ndarray, kept: pd.DataFrame) -> pd.Series:
    """The cluster id of each added measure: the kept cluster its group joined, else a new founding name."""
    kept_labels = labels[~is_new]
    joins = np.isin(kept_labels, added["group"].unique())
    joined = dict(zip(kept_labels[joins], kept["cluster_id"].to_numpy(object)[joins], strict=True))  # frozen: one id each
    taken = set(kept["cluster_id"].unique())
    names = {}
    for group, members in added.groupby("group", sort=False)["measure_id"]:  # first appearance = measure_id order
        names[group] = joined.get(group) or _new_cluster_id(members.tolist(), taken)
        taken.add(names[group])
    return added["group"].map(names)


def assign_new_measures(
    stored: pd.DataFrame, measures: pd.DataFrame, parameters: ClusterParameters = ClusterParameters(), cache_dir: Path | None = None,
    unchanged_plans: pd.Index | None = None,
) -> pd.DataFrame:  # fmt: skip
    """Bring ``stored`` assignments up to date with ``measures`` (measure_id, plan_id, text); see the module docstring.

    Measures of ``unchanged_plans`` (plans whose key, `make_plan_keys`, is the one stored with the
    assignments) keep their stored text hash instead of being hashed again. Reads and writes
    nothing but the caches (tokens, stored vectors). Returns the ASSIGNMENT_COLUMNS in measure_id order.
    """
    return _assign(stored, measures, parameters, cache_dir, unchanged_plans)[0]


def _assign(
    stored: pd.DataFrame, measures: pd.DataFrame, parameters: ClusterParameters, cache_dir: Path | None, unchanged_plans: pd.Index | None
) -> tuple[pd.DataFrame, np.ndarray]:
    """`assign_new_measures`, and which of its rows are new (for the summary, which would otherwise match every key again)."""
    current = _sort_by_measure(measures[["measure_id", "plan_id", "text"]])
    stored = _sort_by_measure(stored)
    hashes, is_kept, is_new = _match_rows(current, stored, pd.Index([], dtype=object) if unchanged_plans is None else unchanged_plans)
    current["text_sha1"] = hashes
    stored_keys, current_keys = _keys(stored), _keys(current)
    kept, kept_keys = stored[is_kept].reset_index(drop=True), stored_keys[is_kept].reset_index(drop=True)
    cache = Path(cache_dir) if cache_dir else get_cache_dir()
    if not is_new.any():
        if len(kept) < len(stored):
            narrow_vectors(stored_keys, is_kept, cache)
        return kept.loc[:, list(ASSIGNMENT_COLUMNS)], is_new
    index = _vectorize(current, is_new, kept_keys, cache)
    existing_cluster = np.empty(len(current), dtype=object)
    existing_cluster[~is_new] = kept["cluster_id"].to_numpy(object)  # both in measure_id order, one kept row per old row
    start = np.arange(len(current))  # a new measure starts alone; a kept one in its cluster (named by its first row)
    start[~is_new] = pd.Series(start[~is_new]).groupby(existing_cluster[~is_new]).transform("min").to_numpy()
    plans = current["plan_id"].to_numpy()
    edges = _find_fresh_edges(index, is_new, parameters.k, parameters.method)
    labels = link_average(len(current), edges, parameters.threshold, start, ~is_new, plans)
    labels = link_clusters(index.matrix, labels, CLUSTER_THRESHOLD, parameters.k, ~is_new, plans)
    added = current.loc[is_new, ["measure_id"]].assign(group=labels[is_new])
    existing_cluster[is_new] = _name_added(added, labels, is_new, kept).to_numpy(object)
    assigned = np.full(len(current), INCREMENTAL, dtype=object)
    assigned[~is_new] = kept["assigned"].to_numpy(object)
    out = current[["measure_id", "plan_id"]].assign(cluster_id=existing_cluster, assigned=assigned, text_sha1=current["text_sha1"])
    save_vectors(index, current_keys, cache)  # the rows of ``out``: every current measure, in measure_id order
    return out, is_new


def _vectorize(current: pd.DataFrame, is_new: np.ndarray, kept_keys: pd.Series, cache: Path) -> SimilarityIndex:
    """An index of all current measures: new ones in the stored space if it knows their words, else everything refitted.

    The stored space's cells (if any) take the new rows too, so the search of their neighbours needs no new fit.
    """
    stored = load_vectors(kept_keys, cache)
    if stored is not None:
        texts = current.loc[is_new, "text"].tolist()
        tokens = tokenize_texts(texts, cache) if len(texts) > UNCACHED_TEXTS else [tokenize(text, load_lexicon()) for text in texts]
        if share_known_words(stored, tokens) >= MIN_KNOWN_WORDS:
            matrix = _place_rows(stored.matrix, stored.transform(texts, tokens).astype(np.float32), is_new)
            cells = add_to_cells(stored._cells, matrix, is_new) if stored._cells is not None else None
            return SimilarityIndex(current, [], matrix, stored.word_vectorizer, stored.char_vectorizer, cells)
    return build_similarity_index(current, cache)


def make_full_assignments(
    measures: pd.DataFrame, parameters: ClusterParameters = ClusterParameters(), cache_dir: Path | None = None
) -> pd.DataFrame:
    """Cluster ``measures`` from scratch and return them as persisted assignments (assigned ``full``)."""
    index = build_similarity_index(measures, cache_dir)
    clusters = cluster_index(index, parameters.threshold, parameters.k, parameters.method)
    out = clusters[["measure_id", "plan_id", "cluster_id"]].assign(assigned=FULL)
    texts = measures.set_index("measure_id")["text"].reindex(out["measure_id"])
    out["text_sha1"] = _hash_texts(texts)
    out = out.loc[:, list(ASSIGNMENT_COLUMNS)].reset_index(drop=True)
    cache = Path(cache_dir) if cache_dir else get_cache_dir()
    save_vectors(index, _keys(out), cache)
    return out


def read_assignments(data_dir: Path | None = None) -> tuple[pd.DataFrame, ClusterParameters] | None:
    """Return the persisted assignments and their parameters, or None when the dataset has none yet."""
    folder = get_clusters_dir(data_dir)
    table, parameters = folder / ASSIGNMENTS_FILE, folder / PARAMETERS_FILE
    if not (table.exists() and parameters.exists()):
        return None
    values = {"rule": LEGACY_RULE} | json.loads(parameters.read_text(encoding="utf-8"))  # files from before the rule was named
    return pd.read_parquet(table).loc[:, list(ASSIGNMENT_COLUMNS)], ClusterParameters(**values)


def _write_assignments(assignments: pd.DataFrame, parameters: ClusterParameters, data_dir: Path | None, plan_keys: pd.Series) -> None:
    """Write the files through temporary names, so a reader never sees half of an update.

    The plan keys go last: keys older than the assignments only make the next update hash
    more texts, while newer ones would let it trust text hashes the assignments do not hold.
    """
    folder = get_clusters_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    table, values, keys = folder / (ASSIGNMENTS_FILE + ".tmp"), folder / (PARAMETERS_FILE + ".tmp"), folder / (PLAN_KEYS_FILE + ".tmp")
    assignments.to_parquet(table, index=False)
    values.write_text(json.dumps(parameters.__dict__, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    pd.DataFrame({"plan_id": plan_keys.index, "plan_key": plan_keys.to_numpy()}).to_parquet(keys, index=False)
    (folder / PLAN_KEYS_FILE).unlink(missing_ok=True)
    os.replace(table, folder / ASSIGNMENTS_FILE)
    os.replace(values, folder / PARAMETERS_FILE)
    os.replace(keys, folder / PLAN_KEYS_FILE)


def _read_plan_keys(data_dir: Path | None) -> pd.Series:
    """The plan keys stored with the assignments (empty when there are none: assignments made before they were kept)."""
    path = get_clusters_dir(data_dir) / PLAN_KEYS_FILE
    try:
        table = pd.read_parquet(path)
    except (OSError, ValueError):
        return pd.Series([], dtype=object)
    return pd.Series(table["plan_key"].to_numpy(object), index=table["plan_id"].to_numpy(object), dtype=object)


def _find_unchanged_plans(data_dir: Path | None, plan_keys: pd.Series) -> pd.Index:
    """The plans whose key is the one stored with the assignments."""
    stored = _read_plan_keys(data_dir)
    stored = stored[~stored.index.duplicated()]
    same = stored.reindex(plan_keys.index).to_numpy(object) == plan_keys.to_numpy(object)
    return pd.Index(plan_keys.index[same], dtype=object)


def _load_current(data_dir: Path | None) -> tuple[pd.DataFrame, pd.Series]:
    """The dataset's measures (measure_id, plan_id, text) and its plans' keys; the dataset is built first if it is not current.

    Only the three columns are read (the whole table, with its list columns, took a tenth of an update).
    """
    from zwgk.processed.dataset import load_plans

    plan_keys = make_plan_keys(load_plans(data_dir))
    columns = ["measure_id", "plan_id", "text"]
    return read_partitions(get_processed_dir(data_dir) / "measures", columns=columns).to_pandas(), plan_keys


def _summarise(before: pd.DataFrame | None, after: pd.DataFrame, full: bool, is_new: np.ndarray | None = None) -> ClusterUpdate:
    """Counts for the user; ``is_new`` (which rows of ``after`` are new) spares matching every key again after an update."""
    if is_new is not None and before is not None:
        is_kept = ~is_new
        n_removed = len(before) - int(is_kept.sum())  # every kept row is one stored row
    else:
        old = _keys(before) if before is not None else pd.Series([], dtype=object)
        new = _keys(after)
        is_kept = _holds(new, old).to_numpy()
        n_removed = int((~_holds(old, new)).sum())
    fresh = after[~is_kept]
    old_clusters = pd.Index(before["cluster_id"].unique() if before is not None else [])
    moved = 0
    if before is not None and full:  # an update copies every kept measure's cluster id: none moves
        both = before.merge(after, on=["measure_id", "text_sha1"], suffixes=("_before", ""))
        moved = int((both["cluster_id_before"] != both["cluster_id"]).sum())
    joined = old_clusters.get_indexer(fresh["cluster_id"].to_numpy()) >= 0
    return ClusterUpdate(
        n_measures=len(after), n_clusters=after["cluster_id"].nunique(), n_kept=int(is_kept.sum()), n_added=int((~is_kept).sum()),
        n_removed=n_removed, n_joined=int(joined.sum()),
        n_new_clusters=fresh.loc[~joined, "cluster_id"].nunique(), full=full, n_moved=moved,
    )  # fmt: skip


def recluster(data_dir: Path | None = None, parameters: ClusterParameters | None = None) -> ClusterUpdate:
    """Cluster every measure of the dataset from scratch and persist it (``zwgk cluster --full``).

    Without ``parameters``, uses the rule's defaults (the setting the dev groups choose). Cluster
    ids may change: this is the explicit reshuffle, and the update says how many measures changed id.
    """
    stored = read_assignments(data_dir)
    parameters = parameters or ClusterParameters()
    measures, plan_keys = _load_current(data_dir)
    assignments = make_full_assignments(measures, parameters, _cache_dir(data_dir))
    _write_assignments(assignments, parameters, data_dir, plan_keys)
    return _summarise(stored[0] if stored else None, assignments, full=True)


def update_clusters(data_dir: Path | None = None) -> ClusterUpdate:
    """Bring the persisted assignments up to date with the dataset without moving any kept measure (``zwgk cluster``).

    The first time (nothing persisted yet), or when the persisted clusters were made by another
    rule or setting than the current defaults, this is a full clustering.
    """
    stored = read_assignments(data_dir)
    if stored is None or (stored[1].rule, stored[1].threshold, stored[1].k) != (CLUSTER_RULE, DEFAULT_THRESHOLD, DEFAULT_K):
        return recluster(data_dir)
    before, parameters = stored
    measures, plan_keys = _load_current(data_dir)
    unchanged = _find_unchanged_plans(data_dir, plan_keys)
    after, is_new = _assign(before, measures, parameters, _cache_dir(data_dir), unchanged)
    summary = _summarise(before, after, full=False, is_new=is_new)
    if len(unchanged) < len(plan_keys) or summary.n_added or summary.n_removed:  # else ``after`` is ``before``
        _write_assignments(after, parameters, data_dir, plan_keys)
    return summary


def read_current_clusters(
    data_dir: Path | None = None, threshold: float = DEFAULT_THRESHOLD, k: int = DEFAULT_K, cache_dir: Path | None = None
) -> pd.DataFrame | None:
    """The persisted clusters brought up to date in memory (nothing written), as `cluster_measures` returns them.

    None when nothing is persisted or it was made by another rule or with another threshold or k.
    """
    stored = read_assignments(data_dir)
    if stored is None or (stored[1].rule, stored[1].threshold, stored[1].k) != (CLUSTER_RULE, threshold, k):
        return None
    measures, plan_keys = _load_current(data_dir)
    unchanged = _find_unchanged_plans(data_dir, plan_keys)
    current = assign_new_measures(stored[0], measures, stored[1], cache_dir or _cache_dir(data_dir), unchanged)
    return add_cluster_sizes(current)
