"""Nearest neighbours among unit-length sparse vectors, excluding each query's own plan.

Small collections are searched exactly, in row chunks of sparse products. Above
``EXACT_MAX_ROWS`` rows an exact search is quadratic: TF-IDF vectors with character grams
share some gram with almost every other vector (the product is ~97% dense), so 1,000 plans
(100,000 measures) took about 14 minutes. There the search is approximate and close to
linear in time and memory (×5.3 time for ×5 measures in the benchmark):

1. vectors are reduced to ``DIMENSIONS`` by a truncated SVD fitted on a fixed sample;
2. k-means splits the reduced vectors into cells of about ``CELL_SIZE`` rows (an inverted
   file, as in FAISS's IVF indexes), fitted in two levels (groups, then cells within each
   group) so that fitting them stays close to linear; cells over twice that size are split again;
3. each query is compared, in reduced space and with dense BLAS products, with the rows of
   the ``PROBES`` cells whose centroids are nearest to it, chosen among the
   ``NEARBY_CELLS`` cells nearest its own cell; the best ``candidates`` are kept;
4. the candidates are re-scored with the exact sparse cosine, so every score returned is
   exact; only a true neighbour missing from the candidates can be lost.

Parameters were chosen on synthetic corpora of 300 and 1,000 plans against the exact search (the
benchmark prints the agreement at each size). Every step is seeded and rows are
processed in a fixed order, so results are deterministic.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits

from zwgk.parallel import map_threads

EXACT_MAX_ROWS = 5_000
DIMENSIONS = 256
CELL_SIZE = 300
PROBES = 8
NEARBY_CELLS = 3 * PROBES  # cells among which a query's probes are chosen (those nearest its own cell)
SVD_SAMPLE = 20_000
SVD_ITERATIONS = 2
KMEANS_SAMPLE_PER_CELL = 40
GROUP_PROBES = 3  # groups whose cells a row may be placed in (`fit_cells`)
SEED = 0
_CHUNK_CELLS = 20_000_000  # rows x columns of one dense score block (80-160 MB)
_PROJECT_ROWS = 25_000  # rows projected at once per thread
_PAIR_CHUNK = 50_000  # pairs scored at once per thread (about 120 MB of row copies)
_COLUMNS = ["query_row", "neighbour_row", "score"]
_NO_PAIRS = (np.empty(0, np.int64), np.empty(0, np.int64))
_RESCORE_QUERIES = 100  # queries whose candidates are re-scored by one sparse product (`rescore_candidates`)
_RANK_QUERIES = 50_000  # queries ranked at once in `_edges` (a padded block of their candidates)


class StoredRows:
    """Reduced rows held once per distinct row: ``position`` maps each row of the index to its stored row.

    Plans copy sentences from each other, so most measures of a national corpus share their
    vector with others: a fresh index keeps one reduced row per distinct vector (``path`` None;
    at 5,000 synthetic plans a fifth of the 0.7 GB every row took). A stored index reads its rows
    from an append-only file through a memory map (``path``; `zwgk.analyses.similar.stored_vectors`),
    where rewriting every row to put a new plan's among them was a third of an update; ``extra``
    holds the rows added since. ``len`` and indexing by an array of rows are all the search asks
    of ``CellIndex.reduced``.
    """

    def __init__(self, path: Path | None, stored: np.ndarray, position: np.ndarray, extra: np.ndarray) -> None:
        self.path, self.stored, self.position, self.extra = path, stored, position, extra

    def __len__(self) -> int:
        return len(self.position)

    @property
    def shape(self) -> tuple[int, int]:
        """(rows, dimensions), as the array it stands for."""
        return len(self.position), self.stored.shape[1]

    def __getitem__(self, rows: np.ndarray) -> np.ndarray:
        at = self.position[rows]
        if not len(self.extra):
            return np.asarray(self.stored[at], np.float32)
        out = np.empty((len(at), self.shape[1]), np.float32)
        written = at < len(self.stored)
        out[written] = self.stored[at[written]]
        out[~written] = self.extra[at[~written] - len(self.stored)]
        return out


@dataclass
class CellIndex:
    """Reduced vectors and the k-means cells they fall in."""

    vectors: sparse.csr_matrix  # the indexed vectors in float32, for quick exact re-scoring
    components: np.ndarray  # (dimensions, features): the SVD basis
    reduced: np.ndarray | StoredRows  # (rows, dimensions), unit length, float32
    centroids: np.ndarray  # (cells, dimensions), unit length
    members: list[np.ndarray]  # rows of each cell, ascending
    nearby: np.ndarray = field(default_factory=lambda: np.empty((0, 0), np.int64))  # (cells, NEARBY_CELLS), itself first

    def reduce(self, vectors: sparse.csr_matrix) -> np.ndarray:
        """Project sparse vectors onto the basis, as unit-length float32 rows."""
        basis = self.components.T

        def project(start: int) -> np.ndarray:
            return np.asarray(vectors[start : start + _PROJECT_ROWS] @ basis, dtype=np.float32)

        parts = map_threads(project, range(0, vectors.shape[0], _PROJECT_ROWS))
        return normalize(np.concatenate(parts) if parts else np.empty((0, basis.shape[1]), np.float32))

    def cell_of_rows(self) -> np.ndarray:
        """Return the cell of each indexed row."""
        cells = np.empty(len(self.reduced), np.int64)
        for cell, rows in enumerate(self.members):
            cells[rows] = cell
        return cells

    def assign(self, reduced: np.ndarray) -> np.ndarray:
        """Return the nearest cell of each reduced row."""
        return _find_nearest_centroids(reduced, self.centroids, 1)[:, 0]


def _find_nearest_centroids(reduced: np.ndarray, centroids: np.ndarray, k: int) -> np.ndarray:
    """Indices of each row's ``k`` nearest centroids, nearest first (ties: lower index), a block of rows at a time."""
    step = max(1, _CHUNK_CELLS // max(len(centroids), 1))

    def nearest(block: np.ndarray) -> np.ndarray:
        return np.argmax(block, axis=1)[:, None] if k == 1 else _top_k(block, k)[0]

    parts = [nearest(reduced[s : s + step] @ centroids.T) for s in range(0, len(reduced), step)]
    return np.concatenate(parts) if parts else np.empty((0, k), np.int64)


def build_cell_index(matrix: sparse.csr_matrix, seed: int = SEED, copies: np.ndarray | None = None) -> CellIndex:
    """Fit the SVD basis and the k-means cells on fixed samples of ``matrix``'s rows.

    ``copies`` (optional) gives each row a code, equal for rows with the same vector (measures
    of one text): each distinct vector is then projected and placed in its cell once. Both cost
    a product with every row (the placing one with every cell too), and copies are most rows of
    a national corpus; the index is the same either way.
    """
    rng = np.random.default_rng(seed)
    distinct = np.unique(copies, return_index=True, return_inverse=True)[1:] if copies is not None else None
    index = reduce_matrix(matrix, rng, seed, distinct)
    return fit_cells(index, rng, seed)


def reduce_matrix(
    matrix: sparse.csr_matrix, rng: np.random.Generator, seed: int = SEED, distinct: tuple[np.ndarray, np.ndarray] | None = None
) -> CellIndex:  # fmt: skip
    """Fit the SVD basis on a fixed sample and reduce every row; the index has no cells yet.

    ``distinct`` (first row of each distinct vector, and each row's distinct vector) reduces each
    distinct vector once. Kept apart from `fit_cells` so that benchmarks/ann_comparison.py can
    give other libraries the very vectors the cells are built on.
    """
    n = matrix.shape[0]
    dimensions = max(1, min(DIMENSIONS, matrix.shape[1] - 1, n - 1))
    sample = np.sort(rng.choice(n, min(n, SVD_SAMPLE), replace=False))
    svd = TruncatedSVD(dimensions, n_iter=SVD_ITERATIONS, random_state=seed)
    svd.fit(matrix[sample].astype(np.float64))  # the basis of a float64 fit, whichever the vectors' type
    no_rows = np.empty((0, dimensions), np.float32)
    index = CellIndex(matrix.astype(np.float32, copy=False), svd.components_.astype(np.float32), no_rows, np.empty(0), [])
    if distinct is None:
        index.reduced = index.reduce(matrix)
    else:  # one row per distinct vector
        index.reduced = StoredRows(None, index.reduce(matrix[distinct[0]]), distinct[1], no_rows)
    return index


def fit_cells(index: CellIndex, rng: np.random.Generator, seed: int = SEED) -> CellIndex:
    """Split the reduced rows of ``index`` into k-means cells, in two levels, in place; return it.

    One flat k-means of n / ``CELL_SIZE`` cells costs its sample times its cells per iteration,
    and both grow with the corpus: at 30,000 synthetic plans (14,000 cells fitted on 575,000
    rows) the fit and the placing of every row took most of the clustering's 21 minutes, growing
    with the square of the corpus. So the cells are fitted as a two-level tree, as hierarchical
    inverted files do: about sqrt(cells) groups by k-means on the sample (drawn with ``rng``),
    then each group's cells by k-means on the sample rows that fell into it, about
    ``KMEANS_SAMPLE_PER_CELL`` rows per cell either way. Each row goes to the nearest cell of its
    ``GROUP_PROBES`` nearest groups: taking only its own group's cells cut the clusters' pair
    recall against the gold at 5,000 plans from 0.873 to 0.847 (rows near a group's edge), three
    groups brought it to 0.870 (precision 0.908 against 0.910). Both levels cost about sqrt(cells)
    products per row. Rows held once per distinct vector (`StoredRows`) are placed once.
    """
    n = len(index.reduced)
    n_cells = max(1, n // CELL_SIZE)
    sample = np.sort(rng.choice(n, min(n, n_cells * KMEANS_SAMPLE_PER_CELL), replace=False))
    points, position = _get_points(index.reduced)
    groups = _fit_kmeans(index.reduced[sample], math.isqrt(n_cells - 1) + 1, seed)
    nearest_groups = _find_nearest_centroids(points, groups, min(GROUP_PROBES, len(groups)))
    group_of_point = nearest_groups[:, 0]
    rows_per_group = np.bincount(group_of_point[position], minlength=len(groups))
    centroids = []
    for group, sampled in enumerate(_split_by(group_of_point[position[sample]], len(groups), sample)):
        vectors = index.reduced[sampled]
        n_fine = min(max(1, round(rows_per_group[group] / CELL_SIZE)), len(np.unique(vectors, axis=0)))  # no more cells than vectors
        centroids.append(_fit_kmeans(vectors, n_fine, seed) if n_fine > 1 else groups[group][None, :])
    cells = _place_points(points, nearest_groups, centroids)[position]
    members = _split_by(cells, sum(map(len, centroids)))
    index.centroids, index.members = _split_large_cells(index.reduced, np.concatenate(centroids), members, rng)
    index.nearby = _find_nearby_cells(index.centroids)
    return index


def _place_points(points: np.ndarray, nearest_groups: np.ndarray, centroids: list[np.ndarray]) -> np.ndarray:
    """Each point's nearest cell among the cells (``centroids`` by group, numbered on) of its ``nearest_groups``; ties to the lower cell."""
    offsets = np.cumsum([0] + [len(group) for group in centroids])
    best_cell, best_score = np.zeros(len(points), np.int64), np.full(len(points), -np.inf, np.float32)
    for group, asking in enumerate(_split_by(nearest_groups.ravel(), len(centroids))):
        asking = np.sort(asking // nearest_groups.shape[1])
        for start in range(0, len(asking), _PROJECT_ROWS):
            part = asking[start : start + _PROJECT_ROWS]
            scores = points[part] @ centroids[group].T
            top, value = np.argmax(scores, axis=1), np.max(scores, axis=1)
            better = value > best_score[part]
            best_cell[part[better]], best_score[part[better]] = offsets[group] + top[better], value[better]
    return best_cell


def _get_points(reduced: np.ndarray | StoredRows) -> tuple[np.ndarray, np.ndarray]:
    """The distinct reduced rows to place in cells, and the point of each row (a `StoredRows` holds each vector once)."""
    if isinstance(reduced, StoredRows) and not len(reduced.extra):
        return np.asarray(reduced.stored, np.float32), reduced.position
    every = np.arange(len(reduced))
    return (reduced if isinstance(reduced, np.ndarray) else reduced[every]), every


def _fit_kmeans(vectors: np.ndarray, k: int, seed: int) -> np.ndarray:
    """Unit-length centroids of a seeded k-means (random init, one run, 20 iterations) of ``vectors``."""
    kmeans = KMeans(k, init="random", n_init=1, max_iter=20, random_state=seed).fit(vectors)
    return normalize(kmeans.cluster_centers_).astype(np.float32)


def _split_by(keys: np.ndarray, n_keys: int, values: np.ndarray | None = None) -> list[np.ndarray]:
    """``values`` (default the positions of ``keys``) split by key, in key order, each part in its original order."""
    order = np.argsort(keys, kind="stable")
    return np.split(order if values is None else values[order], np.cumsum(np.bincount(keys, minlength=n_keys))[:-1])


def _find_nearby_cells(centroids: np.ndarray) -> np.ndarray:
    """Each cell's ``NEARBY_CELLS`` nearest cells, itself first, in chunks of centroid products."""
    step = max(1, _CHUNK_CELLS // max(len(centroids), 1))
    parts = []
    for start in range(0, len(centroids), step):
        block = centroids[start : start + step] @ centroids.T
        block[np.arange(len(block)), np.arange(start, start + len(block))] = np.inf
        parts.append(_top_k(block, NEARBY_CELLS)[0])
    return np.concatenate(parts)


def _lloyd(vectors: np.ndarray, k: int, rng: np.random.Generator, iterations: int = 10) -> tuple[np.ndarray, np.ndarray]:
    """A few Lloyd iterations of spherical k-means on one cell's rows: (centroids, labels)."""
    centroids = vectors[np.sort(rng.choice(len(vectors), k, replace=False))].copy()
    labels = np.zeros(len(vectors), np.int64)
    for _ in range(iterations):
        labels = np.argmax(vectors @ centroids.T, axis=1)
        for label in range(k):
            chosen = vectors[labels == label]
            if len(chosen):
                centroids[label] = chosen.sum(axis=0)
        centroids = normalize(centroids).astype(np.float32)
    return centroids, labels


def _split_large_cells(
    reduced: np.ndarray, centroids: np.ndarray, members: list[np.ndarray], rng: np.random.Generator
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Split every cell above twice ``CELL_SIZE`` rows, so no query scans a huge cell.

    k-means on corpora full of near-copies (a province's template in every county) leaves a
    few cells with thousands of rows, which made search time grow with the square of their
    size. Each is split by Lloyd iterations on its own rows; rows Lloyd cannot separate
    (identical vectors) are cut into consecutive pieces sharing one centroid.
    """
    new_centroids, new_members = [], []
    for centroid, rows in zip(centroids, members, strict=True):
        if len(rows) <= 2 * CELL_SIZE:
            new_centroids.append(centroid[None, :])
            new_members.append(rows)
            continue
        sub_centroids, labels = _lloyd(reduced[rows], -(-len(rows) // CELL_SIZE), rng)
        for label, sub_centroid in enumerate(sub_centroids):
            sub_rows = rows[labels == label]
            pieces = [sub_rows]
            if len(sub_rows) > 2 * CELL_SIZE:
                pieces = [sub_rows[start : start + CELL_SIZE] for start in range(0, len(sub_rows), CELL_SIZE)]
            new_centroids.extend([sub_centroid[None, :]] * len(pieces))
            new_members.extend(pieces)
    return np.concatenate(new_centroids).astype(np.float32), new_members


def _top_k(block: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Top-k columns per row by score, ties broken by column index (deterministic)."""
    k = min(k, block.shape[1])
    if k < block.shape[1]:
        candidates = np.argpartition(-block, k - 1, axis=1)[:, :k]
    else:
        candidates = np.tile(np.arange(block.shape[1]), (block.shape[0], 1))
    scores = np.take_along_axis(block, candidates, axis=1)
    order = np.lexsort((candidates, -scores), axis=1)
    return np.take_along_axis(candidates, order, axis=1), np.take_along_axis(scores, order, axis=1)


def _select_k(block: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The k best columns per row by score, in no particular order (`_top_k` without its sort).

    Candidates are re-scored exactly and ranked afterwards, so only which ones are kept
    matters; sorting them twice was a fifth of the candidate search. Ties at the k-th score
    are settled by numpy's partition, which is deterministic.
    """
    if k >= block.shape[1]:
        columns = np.broadcast_to(np.arange(block.shape[1]), block.shape)
        return columns, block
    columns = np.argpartition(-block, k - 1, axis=1)[:, :k]
    return columns, np.take_along_axis(block, columns, axis=1)


def _edges(rows: np.ndarray, columns: np.ndarray, scores: np.ndarray, k: int | None = None) -> pd.DataFrame:
    """Edges with a positive score, sorted by query, best first, ties by neighbour row; at most ``k`` per query.

    Sorting ten million candidate edges by three keys in pandas took 5 s at 1,000 plans. Here
    one stable integer sort groups them by query, and each query's few candidates are ranked
    in a padded block of queries (`_rank_block`), which gives the same order in a fraction of the time.
    """
    keep = scores > 0
    rows, columns, scores = rows[keep], columns[keep], scores[keep]
    order = np.argsort(rows, kind="stable")
    rows, columns, scores = rows[order], columns[order], scores[order]
    starts = _find_runs(rows)
    bounds = np.r_[starts, len(rows)]
    kept_rows, kept_columns, kept_scores = [rows[:0]], [columns[:0]], [scores[:0]]
    for first in range(0, len(starts), _RANK_QUERIES):
        block = bounds[first : first + _RANK_QUERIES + 1]
        top = _rank_block(columns[block[0] : block[-1]], scores[block[0] : block[-1]], np.diff(block), k)
        kept_rows.append(rows[block[:-1]][top[0]])
        kept_columns.append(top[1])
        kept_scores.append(top[2])
    return pd.DataFrame({"query_row": np.concatenate(kept_rows), "neighbour_row": np.concatenate(kept_columns),
                         "score": np.concatenate(kept_scores)})  # fmt: skip


def _find_runs(rows: np.ndarray) -> np.ndarray:
    """Where each run of equal values in ``rows`` starts (a query's consecutive candidates)."""
    return np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]]) if len(rows) else np.empty(0, np.int64)


def _rank_block(columns: np.ndarray, scores: np.ndarray, counts: np.ndarray, k: int | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The best ``k`` of each query's candidates (consecutive runs of ``counts``): (query index in the block, column, score)."""
    width = int(counts.max())
    position = np.arange(len(columns)) - np.repeat(np.cumsum(counts) - counts, counts)
    owner = np.repeat(np.arange(len(counts)), counts)
    block_scores = np.full((len(counts), width), -np.inf, dtype=scores.dtype)
    block_columns = np.full((len(counts), width), np.iinfo(np.int64).max, dtype=np.int64)
    block_scores[owner, position] = scores
    block_columns[owner, position] = columns
    order = np.lexsort((block_columns, -block_scores), axis=1)[:, : k or width]
    top_scores = np.take_along_axis(block_scores, order, axis=1)
    found = np.isfinite(top_scores)
    queries = np.broadcast_to(np.arange(len(counts))[:, None], order.shape)
    return queries[found], np.take_along_axis(block_columns, order, axis=1)[found], top_scores[found]


def search_exact(matrix: sparse.csr_matrix, queries: sparse.csr_matrix, plans: np.ndarray, query_plans: np.ndarray, k: int) -> pd.DataFrame:
    """Each query's k best rows of ``matrix`` in other plans, by exact sparse products in chunks.

    ``plans`` and ``query_plans`` are integer codes; -1 (no plan) never matches.
    """
    chunk = max(1, _CHUNK_CELLS // max(matrix.shape[0], 1))
    rows, columns, scores = [np.empty(0, np.int64)], [np.empty(0, np.int64)], [np.empty(0)]
    for start in range(0, queries.shape[0], chunk):
        block = (queries[start : start + chunk] @ matrix.T).toarray()
        block[query_plans[start : start + chunk, None] == plans[None, :]] = -1.0
        top, top_scores = _top_k(block, k)
        rows.append(np.repeat(np.arange(start, start + block.shape[0]), top.shape[1]))
        columns.append(top.ravel())
        scores.append(top_scores.ravel())
    return _edges(np.concatenate(rows), np.concatenate(columns), np.concatenate(scores))


def score_pairs(queries: sparse.csr_matrix, matrix: sparse.csr_matrix, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """Exact cosine of each (query row, matrix row) pair, in chunks of row-wise products."""

    def score(start: int) -> np.ndarray:
        pairs = slice(start, start + _PAIR_CHUNK)
        return np.asarray(queries[rows[pairs]].multiply(matrix[columns[pairs]]).sum(axis=1)).ravel()

    scores = map_threads(score, range(0, len(rows), _PAIR_CHUNK))
    return np.concatenate(scores) if scores else np.empty(0)


def _probe_cells(index: CellIndex, reduced: np.ndarray, cells: np.ndarray) -> np.ndarray:
    """Return each query's ``PROBES`` nearest cells among those nearest its own cell.

    Comparing every query with every centroid would grow with the square of the corpus
    (cells grow with it); the nearest cells of a query are, all but always, among the
    nearest cells of its own cell.
    """
    nearby = index.nearby[cells]
    scores = np.stack([np.einsum("ij,ij->i", reduced, index.centroids[nearby[:, j]]) for j in range(nearby.shape[1])], axis=1)
    top, _ = _top_k(scores, PROBES)
    return np.take_along_axis(nearby, top, axis=1)


def _candidates_of_chunk(
    index: CellIndex, reduced: np.ndarray, cells: np.ndarray, plans: np.ndarray, query_plans: np.ndarray, n_candidates: int
) -> tuple[np.ndarray, np.ndarray]:
    """Best rows by reduced-space score in the cells each query probes; ``reduced`` holds the queries.

    Each (query, probed cell) pair fills its own slot of ``n_candidates`` columns, so the
    merge over cells is one vectorized top-k per query.
    """
    probes = _probe_cells(index, reduced, cells)
    n_probes = probes.shape[1]
    slot_columns = np.full((len(reduced), n_probes * n_candidates), -1, np.int64)
    slot_scores = np.full(slot_columns.shape, -np.inf, np.float32)
    order = np.argsort(probes.ravel(), kind="stable")  # (query, probe) slots grouped by cell
    cells, starts = np.unique(probes.ravel()[order], return_index=True)
    for cell, slots in zip(cells, np.split(order, starts[1:]), strict=True):
        pool = index.members[cell]
        if not len(pool):
            continue
        queries = slots // n_probes
        block = reduced[queries] @ index.reduced[pool].T
        block[query_plans[queries, None] == plans[None, pool]] = -np.inf
        top, top_scores = _select_k(block, n_candidates)
        target = (slots % n_probes)[:, None] * n_candidates + np.arange(top.shape[1])
        slot_columns[queries[:, None], target] = pool[top]
        slot_scores[queries[:, None], target] = top_scores
    top, top_scores = _select_k(slot_scores, n_candidates)
    keep = np.isfinite(top_scores)
    rows = np.repeat(np.arange(len(reduced)), top.shape[1]).reshape(top.shape)
    return rows[keep], np.take_along_axis(slot_columns, top, axis=1)[keep]


def _split_queries(cells: np.ndarray) -> list[np.ndarray]:
    """Chunks of queries, taken in order of their nearest cell (``cells``), so memory stays bounded.

    A chunk then probes a few cells with many queries each, so the work is a few large BLAS
    products rather than thousands of tiny ones (which made 500,000 measures take minutes).
    """
    order = np.argsort(cells, kind="stable")
    step = max(1, _CHUNK_CELLS // max(PROBES * CELL_SIZE, 1))
    return [order[start : start + step] for start in range(0, len(order), step)]


def search_approximate(
    index: CellIndex, queries: sparse.csr_matrix | None, plans: np.ndarray, query_plans: np.ndarray, k: int, n_candidates: int | None = None
) -> pd.DataFrame:  # fmt: skip
    """Like ``search_exact`` but comparing each query with the rows of nearby cells only.

    ``queries`` None means every indexed row. Rows are int32 (when they fit), as the edges of a
    national corpus are tens of millions. Scores are exact cosines (candidates are
    re-scored on the sparse vectors, in float32), a chunk of queries at a time, so the
    candidates of all queries (80 each) are never held at once. Chunks run on every core,
    with one BLAS thread each (their products are small; two BLAS threads on one product
    gained little).
    """
    n_candidates = n_candidates or max(20, 4 * k)
    if queries is None:
        reduced, cells = index.reduced, index.cell_of_rows()
    else:
        reduced = index.reduce(queries)
        cells = index.assign(reduced)

    rows_dtype = get_row_dtype(max(index.vectors.shape[0], len(reduced)))

    def search(part: np.ndarray) -> dict[str, np.ndarray]:
        rows, columns = _candidates_of_chunk(index, reduced[part], cells[part], plans, query_plans[part], n_candidates)
        edges = rescore_candidates(index.vectors, queries, part[rows], columns, k, parallel=False)
        return {name: edges[name].to_numpy(dtype) for name, dtype in zip(_COLUMNS, (rows_dtype, rows_dtype, np.float32), strict=True)}

    with threadpool_limits(1, user_api="blas"):
        edges = map_threads(search, _split_queries(cells))
    return _join_by_query(edges) if edges else rescore_candidates(index.vectors, queries, *_NO_PAIRS, k)


def get_row_dtype(n_rows: int) -> type:
    """int32 for row numbers when they fit: the edges and links of a national corpus are tens of millions."""
    return np.int32 if n_rows < 2**31 else np.int64


def _join_by_query(parts: list[dict[str, np.ndarray]]) -> pd.DataFrame:
    """The edges of every chunk (columns as arrays) in query order, stable: each query's stay best first.

    A concatenated frame and its sorted copy held the edges three times (0.9 GB at 5,000 plans);
    here each column is joined and put in order one at a time, its chunks let go as it is.
    """
    queries = np.concatenate([part.pop("query_row") for part in parts])
    order = np.argsort(queries, kind="stable")
    out = {"query_row": queries[order]}
    del queries
    for name in _COLUMNS[1:]:
        out[name] = np.concatenate([part.pop(name) for part in parts])[order]
    return pd.DataFrame(out)


def _sort_by_query(edges: pd.DataFrame) -> pd.DataFrame:
    """Edges in query order (stable: each query's stay best first)."""
    order = np.argsort(edges["query_row"].to_numpy(), kind="stable")
    return edges.iloc[order].reset_index(drop=True)


def rescore_candidates(
    vectors: sparse.csr_matrix, queries: sparse.csr_matrix | None, rows: np.ndarray, columns: np.ndarray, k: int, parallel: bool = True
) -> pd.DataFrame:  # fmt: skip
    """Each query's k best candidates (query row, indexed row) by exact cosine, as edges in query order.

    ``queries`` None means the queries are the indexed rows themselves. Public so that other
    candidate generators (benchmarks/ann_comparison.py) are scored exactly as this search is.
    Candidates are scored ``_RESCORE_QUERIES`` queries at a time by one sparse product of
    those queries with the union of their candidates: queries of one cell share most of
    their candidates (about 400 distinct rows for 100 queries of 80 candidates each), so
    this is 2-3x quicker than multiplying each pair's rows, and never holds more than a block.
    ``parallel`` spreads the blocks over threads (off when the caller already runs in one).
    """
    query_vectors = vectors if queries is None else queries.astype(np.float32)
    rows, columns = _group_by_query(np.asarray(rows, np.int64), np.asarray(columns, np.int64))
    starts = _find_runs(rows)
    bounds = np.r_[starts, len(rows)]
    blocks = [bounds[first : first + _RESCORE_QUERIES + 1] for first in range(0, len(starts), _RESCORE_QUERIES)]

    def rescore(block: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        query_rows, candidates = rows[block[:-1]], columns[block[0] : block[-1]]
        distinct, position = np.unique(candidates, return_inverse=True)
        products = (query_vectors[query_rows] @ vectors[distinct].T).toarray()
        scores = products[np.repeat(np.arange(len(query_rows)), np.diff(block)), position]
        owner, found, top = _rank_block(candidates, np.where(scores > 0, scores, -np.inf), np.diff(block), k)
        return query_rows[owner], found, top

    parts = map_threads(rescore, blocks) if parallel else [rescore(block) for block in blocks]
    edges = pd.DataFrame({name: np.concatenate([part[i] for part in parts]) if parts else np.empty(0, dtype)
                          for i, (name, dtype) in enumerate(zip(_COLUMNS, (np.int64, np.int64, np.float32), strict=True))})  # fmt: skip
    return _sort_by_query(edges)


def _group_by_query(rows: np.ndarray, columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Candidates with each query's consecutive: as given when they already are (their order keeps queries of one cell together)."""
    starts = _find_runs(rows)
    if len(np.unique(rows[starts])) == len(starts):
        return rows, columns
    order = np.argsort(rows, kind="stable")
    return rows[order], columns[order]
