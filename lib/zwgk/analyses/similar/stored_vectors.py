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
SVD basis and k-means cells are kept beside the vectors (``<key>.cells.npz``; the reduced
rows in an append-only ``<basis>.rows.f32``): an update reduces the new rows and adds them
to their nearest cells instead of fitting the basis and the cells again (which costs as much
as the search of a full clustering). The cells are those of the stored space only: an entry
saved without them drops any older cells file.
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
from zwgk.analyses.similar.neighbours import CellIndex, StoredRows
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


def _array_paths(matrix_path: Path) -> tuple[Path, Path]:
    """The matrix's nonzero values and column indices, kept apart from its .npz (row pointers and shape) as plain .npy files."""
    return matrix_path.with_suffix(".data.npy"), matrix_path.with_suffix(".indices.npy")


def _save_matrix(matrix: sparse.csr_matrix, path: Path) -> None:
    """Write a CSR matrix as a small .npz and two .npy files (no zip checksums over the values; read back as memory maps)."""
    data_path, indices_path = _array_paths(path)
    np.save(data_path.with_suffix(".tmp.npy"), matrix.data.astype(np.float32, copy=False))
    np.save(indices_path.with_suffix(".tmp.npy"), matrix.indices)
    np.savez(path.with_suffix(".tmp.npz"), indptr=matrix.indptr, shape=np.array(matrix.shape, np.int64))
    data_path.with_suffix(".tmp.npy").replace(data_path)
    indices_path.with_suffix(".tmp.npy").replace(indices_path)
    path.with_suffix(".tmp.npz").replace(path)


def _load_matrix(path: Path) -> sparse.csr_matrix:
    """The matrix `_save_matrix` wrote, its values memory-mapped: an update copies them once, into the new order of rows."""
    data_path, indices_path = _array_paths(path)
    if not (data_path.is_file() and indices_path.is_file()):
        return sparse.load_npz(path).tocsr()  # an entry written before the values were kept apart
    with np.load(path) as stored:
        indptr, shape = stored["indptr"], tuple(stored["shape"].tolist())
    data, indices = np.load(data_path, mmap_mode="r"), np.load(indices_path, mmap_mode="r")
    if len(data) != len(indices) or len(indptr) != shape[0] + 1 or indptr[-1] != len(data):
        raise ValueError(f"{path.name}: the stored vectors do not fit together")
    return sparse.csr_matrix((data, indices, indptr), shape=shape, copy=False)


def _cells_path(cache_dir: Path, key: str) -> Path:
    return Path(cache_dir) / FOLDER / f"{key}.cells.npz"


def _count_rows(path: Path, dimensions: int) -> int:
    return path.stat().st_size // (4 * dimensions) if path.is_file() else -1


def _write_rows(cells: CellIndex, folder: Path) -> tuple[Path, np.ndarray]:
    """Put the cells' reduced rows in their file; return it and each row's position in it.

    New rows are appended to the file the others were read from; rows of a fresh fit (one per
    distinct vector), or of a file that changed since it was read, are written to a file of their own.
    """
    reduced, dimensions = cells.reduced, cells.components.shape[0]
    is_stored = isinstance(reduced, StoredRows)
    if is_stored and reduced.path is not None and _count_rows(reduced.path, dimensions) == len(reduced.stored):
        with open(reduced.path, "ab") as handle:
            handle.write(np.ascontiguousarray(reduced.extra, np.float32).tobytes())
        return reduced.path, reduced.position
    if is_stored and reduced.path is None:
        rows, position = np.concatenate([reduced.stored, reduced.extra]), reduced.position
    else:
        rows = reduced[np.arange(len(reduced))] if is_stored else reduced
        position = np.arange(len(rows))
    path = folder / f"{hashlib.sha1(cells.components.tobytes()).hexdigest()[:24]}.rows.f32"
    np.ascontiguousarray(rows, np.float32).tofile(path.with_suffix(".tmp"))
    path.with_suffix(".tmp").replace(path)
    return path, position


def save_cells(cells: CellIndex, path: Path) -> Path:
    """Write a CellIndex (not its vectors: they are the stored matrix); return the file of its reduced rows, which it shares."""
    rows_path, position = _write_rows(cells, path.parent)
    counts = np.array([len(rows) for rows in cells.members], np.int64)
    members = np.concatenate(cells.members) if cells.members else np.empty(0, np.int64)
    np.savez(path.with_suffix(".tmp.npz"), components=cells.components, centroids=cells.centroids, member_rows=members,
             member_counts=counts, nearby=cells.nearby, position=position, rows_file=np.array(rows_path.name))  # fmt: skip
    path.with_suffix(".tmp.npz").replace(path)
    return rows_path


def load_cells(path: Path, vectors: sparse.csr_matrix) -> CellIndex | None:
    """The CellIndex written by `save_cells` over ``vectors`` (its rows), or None when missing, damaged or of other rows."""
    try:
        with np.load(path) as stored:
            arrays = {name: stored[name] for name in stored.files}
        dimensions, position = arrays["components"].shape[0], arrays["position"]
        rows_path = path.parent / str(arrays["rows_file"])
        n_rows = _count_rows(rows_path, dimensions)
        if len(position) != vectors.shape[0] or len(arrays["member_rows"]) != len(position) or (len(position) and position.max() >= n_rows):
            return None
        stored_rows = (
            np.memmap(rows_path, np.float32, "r", shape=(n_rows, dimensions)) if n_rows > 0 else np.empty((0, dimensions), np.float32)
        )
        reduced = StoredRows(rows_path, stored_rows, position, np.empty((0, dimensions), np.float32))
        members = np.split(arrays["member_rows"], np.cumsum(arrays["member_counts"])[:-1])
    except (OSError, ValueError, KeyError, EOFError):
        return None
    return CellIndex(vectors, arrays["components"], reduced, arrays["centroids"], members, arrays["nearby"])


def regroup_cells(cells: CellIndex, vectors: sparse.csr_matrix, reduced: np.ndarray | StoredRows, cell_of_rows: np.ndarray) -> CellIndex:
    """The cells of ``cells`` over new rows: ``reduced`` and the cell of each row (``vectors``' rows); members ascending."""
    order = np.argsort(cell_of_rows, kind="stable")
    members = np.split(order, np.cumsum(np.bincount(cell_of_rows, minlength=len(cells.centroids)))[:-1])
    return CellIndex(vectors, cells.components, reduced, cells.centroids, members, cells.nearby)


def keep_rows(reduced: np.ndarray | StoredRows, keep: np.ndarray) -> np.ndarray | StoredRows:
    """The reduced rows where ``keep`` holds (stored rows stay in their file)."""
    if isinstance(reduced, StoredRows):
        return StoredRows(reduced.path, reduced.stored, reduced.position[keep], reduced.extra)
    return reduced[keep]


def add_to_cells(cells: CellIndex, vectors: sparse.csr_matrix, is_new: np.ndarray) -> CellIndex:
    """``cells`` (over the rows of ``vectors`` where ``is_new`` is False, in order) with the new rows added to their nearest cells.

    The basis and the centroids stay as fitted: the rows of one new plan barely move them, and
    refitting is what the cells are kept to avoid (a full clustering fits them again).
    """
    kept, new = np.flatnonzero(~is_new), np.flatnonzero(is_new)
    fresh = cells.reduce(vectors[new])
    if isinstance(cells.reduced, StoredRows):
        old = cells.reduced
        position = np.empty(len(is_new), np.int64)
        position[kept], position[new] = old.position, len(old.stored) + len(old.extra) + np.arange(len(new))
        reduced: np.ndarray | StoredRows = StoredRows(old.path, old.stored, position, np.concatenate([old.extra, fresh]))
    else:
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
    with open(model_path.with_suffix(".tmp"), "wb") as handle:
        pickle.dump((index.word_vectorizer, index.char_vectorizer), handle, protocol=pickle.HIGHEST_PROTOCOL)
    model_path.with_suffix(".tmp").replace(model_path)
    _save_matrix(index.matrix, matrix_path)
    cells_path, rows_path = _cells_path(cache_dir, key), None
    if index._cells is not None and index._cells.reduced.shape[0] == index.matrix.shape[0]:
        rows_path = save_cells(index._cells, cells_path)
    else:
        cells_path.unlink(missing_ok=True)
    for stale in matrix_path.parent.iterdir():
        if stale.stem.split(".")[0] != key and stale != rows_path:
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
        matrix = _load_matrix(matrix_path)
    except (OSError, ValueError, KeyError, EOFError, pickle.UnpicklingError, AttributeError):
        return None
    if matrix.shape[0] != len(keys):
        return None
    cells_path = _cells_path(cache_dir, key)
    cells = load_cells(cells_path, matrix) if cells_path.is_file() else None
    return SimilarityIndex(pd.DataFrame() if measures is None else measures, [], matrix, word, char, cells)


def narrow_vectors(keys: pd.Series, keep: np.ndarray, cache_dir: Path) -> None:
    """After measures were only removed: keep the cached rows of those left (if the cache holds ``keys``), so no refit follows."""
    index = load_vectors(keys, cache_dir)
    if index is not None:
        index.matrix = index.matrix[keep]
        if index._cells is not None:
            cells = index._cells
            index._cells = regroup_cells(cells, index.matrix, keep_rows(cells.reduced, keep), cells.cell_of_rows()[keep])
        save_vectors(index, keys[keep].reset_index(drop=True), cache_dir)


def share_known_words(index: SimilarityIndex, tokens: list[list[str]]) -> float:
    """Share of the word tokens of new measures that the index's vocabulary knows (1.0 when there are none)."""
    vocabulary = index.word_vectorizer.vocabulary_
    words = [word for words in tokens for word in words]
    return sum(word in vocabulary for word in words) / len(words) if words else 1.0
