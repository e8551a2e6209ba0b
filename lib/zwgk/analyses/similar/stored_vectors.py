"""The vectors of the clustered measures, kept between updates so that a new plan costs seconds.

Refitting the vectorizers and searching every measure's neighbours again when one plan
arrives costs as much as clustering from scratch (about two minutes at 1,000 plans). The
clusters of kept measures are frozen anyway, so an update needs only the new measures'
vectors and their neighbours. This module keeps the space they are compared in: the fitted
vectorizers and the kept measures' sparse vectors (float32), in
``data/cache/cluster-vectors/``, keyed by the hash of the assignments they belong to
(measure ids and text hashes), of the code that makes vectors and of the lexicon.

A stored space is reused only when it knows the new measures' words (``MIN_KNOWN_WORDS`` of
their word tokens): at national scale a new plan's vocabulary is nearly all known, and the
space is left as it is. On a small collection a new plan brings many unseen words, which a
frozen vocabulary would weigh at nothing (a made-up plan added to the seeds: 85% known, and
its measures got spurious links to seed measures through the words they did share), so the
space is refitted on all current measures, as it is when the cache is missing.

Above ``EXACT_MAX_ROWS`` measures the new measures' neighbours are searched through the
inverted file of `zwgk.analyses.similar.neighbours` (as the full clustering does), whose
SVD basis and k-means cells are kept beside the vectors (``<key>.cells.npz``, ``<key>.reduced.npy``): an update
reduces the new rows and adds them to their nearest cells instead of fitting the basis and
the cells again (which costs as much as the search of a full clustering). The cells are
those of the stored space only: an entry saved without them drops any older cells file.
"""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse

from zwgk.analyses.similar import index as index_module
from zwgk.analyses.similar.index import SimilarityIndex
from zwgk.analyses.similar.neighbours import CellIndex
from zwgk.analyses.tokens import load_lexicon

FOLDER = "cluster-vectors"
MIN_KNOWN_WORDS = 0.95  # share of new word tokens the stored vocabulary must know to be reused


def hash_keys(keys: pd.Series) -> str:
    """The cache key of a set of assignments: their keys in order, the vector code and the lexicon."""
    digest = hashlib.sha256(Path(index_module.__file__).read_bytes())
    digest.update(load_lexicon().digest.encode())
    digest.update("\n".join(keys.tolist()).encode("utf-8"))
    return digest.hexdigest()[:24]


def _paths(cache_dir: Path, key: str) -> tuple[Path, Path]:
    folder = Path(cache_dir) / FOLDER
    return folder / f"{key}.npz", folder / f"{key}.pkl"


def _cells_paths(cache_dir: Path, key: str) -> tuple[Path, Path]:
    folder = Path(cache_dir) / FOLDER
    return folder / f"{key}.cells.npz", folder / f"{key}.reduced.npy"


def save_cells(cells: CellIndex, paths: tuple[Path, Path]) -> None:
    """Write a CellIndex (not its vectors: they are the stored matrix); its reduced rows apart from the rest.

    The reduced rows (a kilobyte per measure) go to a plain .npy: in the .npz, zip's checksums doubled the time to read them.
    """
    small, reduced = paths
    counts = np.array([len(rows) for rows in cells.members], np.int64)
    rows = np.concatenate(cells.members) if cells.members else np.empty(0, np.int64)
    np.save(reduced.with_suffix(".tmp.npy"), cells.reduced)
    np.savez(small.with_suffix(".tmp.npz"), components=cells.components, centroids=cells.centroids, member_rows=rows,
             member_counts=counts, nearby=cells.nearby)  # fmt: skip
    reduced.with_suffix(".tmp.npy").replace(reduced)
    small.with_suffix(".tmp.npz").replace(small)


def load_cells(paths: tuple[Path, Path], vectors: sparse.csr_matrix) -> CellIndex | None:
    """The CellIndex written by `save_cells` over ``vectors`` (its rows), or None when missing, damaged or of other rows."""
    small, reduced = paths
    try:
        with np.load(small) as stored:
            arrays = {name: stored[name] for name in stored.files}
        members = np.split(arrays["member_rows"], np.cumsum(arrays["member_counts"])[:-1])
        cells = CellIndex(vectors, arrays["components"], np.load(reduced), arrays["centroids"], members, arrays["nearby"])
    except (OSError, ValueError, KeyError, EOFError):
        return None
    return cells if len(cells.reduced) == vectors.shape[0] == len(arrays["member_rows"]) else None


def regroup_cells(cells: CellIndex, vectors: sparse.csr_matrix, reduced: np.ndarray, cell_of_rows: np.ndarray) -> CellIndex:
    """The cells of ``cells`` over new rows: ``reduced`` and the cell of each row (``vectors``' rows); members ascending."""
    order = np.argsort(cell_of_rows, kind="stable")
    members = np.split(order, np.cumsum(np.bincount(cell_of_rows, minlength=len(cells.centroids)))[:-1])
    return CellIndex(vectors, cells.components, reduced, cells.centroids, members, cells.nearby)


def add_to_cells(cells: CellIndex, vectors: sparse.csr_matrix, is_new: np.ndarray) -> CellIndex:
    """``cells`` (over the rows of ``vectors`` where ``is_new`` is False, in order) with the new rows added to their nearest cells.

    The basis and the centroids stay as fitted: the rows of one new plan barely move them, and
    refitting is what the cells are kept to avoid (a full clustering fits them again).
    """
    kept, new = np.flatnonzero(~is_new), np.flatnonzero(is_new)
    fresh = cells.reduce(vectors[new])
    reduced = np.empty((len(is_new), cells.reduced.shape[1]), np.float32)
    reduced[kept], reduced[new] = cells.reduced, fresh
    cell_of_rows = np.empty(len(is_new), np.int64)
    cell_of_rows[kept], cell_of_rows[new] = cells.cell_of_rows(), cells.assign(fresh)
    return regroup_cells(cells, vectors, reduced, cell_of_rows)


def save_vectors(index: SimilarityIndex, keys: pd.Series, cache_dir: Path) -> None:
    """Keep the index's vectors (rows in the order of ``keys``) and vectorizers as the only entry of the cache."""
    key = hash_keys(keys)
    matrix_path, model_path = _paths(cache_dir, key)
    matrix_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = matrix_path.with_suffix(".tmp.npz")
    sparse.save_npz(tmp, index.matrix.astype(np.float32), compressed=False)
    with open(model_path.with_suffix(".tmp"), "wb") as handle:
        pickle.dump((index.word_vectorizer, index.char_vectorizer), handle, protocol=pickle.HIGHEST_PROTOCOL)
    model_path.with_suffix(".tmp").replace(model_path)
    tmp.replace(matrix_path)
    cells_paths = _cells_paths(cache_dir, key)
    if index._cells is not None and index._cells.reduced.shape[0] == index.matrix.shape[0]:
        save_cells(index._cells, cells_paths)
    else:
        for path in cells_paths:
            path.unlink(missing_ok=True)
    for stale in matrix_path.parent.iterdir():
        if stale.stem.split(".")[0] != key:
            stale.unlink(missing_ok=True)


def load_vectors(keys: pd.Series, cache_dir: Path, measures: pd.DataFrame | None = None) -> SimilarityIndex | None:
    """The stored space of exactly ``keys`` as an index over ``measures`` (their rows, same order), or None.

    None when the entry is missing, damaged or of other measures.
    """
    key = hash_keys(keys)
    matrix_path, model_path = _paths(cache_dir, key)
    if not (matrix_path.is_file() and model_path.is_file()):
        return None
    try:
        with open(model_path, "rb") as handle:
            word, char = pickle.load(handle)  # the project's own cache, written by save_vectors
        matrix = sparse.load_npz(matrix_path).tocsr()
    except (OSError, ValueError, EOFError, pickle.UnpicklingError, AttributeError):
        return None
    if matrix.shape[0] != len(keys):
        return None
    cells_paths = _cells_paths(cache_dir, key)
    cells = load_cells(cells_paths, matrix) if cells_paths[0].is_file() else None
    return SimilarityIndex(pd.DataFrame() if measures is None else measures, [], matrix, word, char, cells)


def narrow_vectors(keys: pd.Series, keep: np.ndarray, cache_dir: Path) -> None:
    """After measures were only removed: keep the cached rows of those left (if the cache holds ``keys``), so no refit follows."""
    index = load_vectors(keys, cache_dir)
    if index is not None:
        index.matrix = index.matrix[keep]
        if index._cells is not None:
            cells = index._cells
            index._cells = regroup_cells(cells, index.matrix, cells.reduced[keep], cells.cell_of_rows()[keep])
        save_vectors(index, keys[keep].reset_index(drop=True), cache_dir)


def share_known_words(index: SimilarityIndex, tokens: list[list[str]]) -> float:
    """Share of the word tokens of new measures that the index's vocabulary knows (1.0 when there are none)."""
    vocabulary = index.word_vectorizer.vocabulary_
    words = [word for words in tokens for word in words]
    return sum(word in vocabulary for word in words) / len(words) if words else 1.0
