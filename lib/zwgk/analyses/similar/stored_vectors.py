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
    for stale in matrix_path.parent.iterdir():
        if stale.stem.split(".")[0] != key:
            stale.unlink(missing_ok=True)


def load_vectors(keys: pd.Series, cache_dir: Path, measures: pd.DataFrame | None = None) -> SimilarityIndex | None:
    """The stored space of exactly ``keys`` as an index over ``measures`` (their rows, same order), or None.

    None when the entry is missing, damaged or of other measures.
    """
    matrix_path, model_path = _paths(cache_dir, hash_keys(keys))
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
    return SimilarityIndex(pd.DataFrame() if measures is None else measures, [], matrix, word, char)


def narrow_vectors(keys: pd.Series, keep: np.ndarray, cache_dir: Path) -> None:
    """After measures were only removed: keep the cached rows of those left (if the cache holds ``keys``), so no refit follows."""
    index = load_vectors(keys, cache_dir)
    if index is not None:
        index.matrix = index.matrix[keep]
        save_vectors(index, keys[keep].reset_index(drop=True), cache_dir)


def share_known_words(index: SimilarityIndex, tokens: list[list[str]]) -> float:
    """Share of the word tokens of new measures that the index's vocabulary knows (1.0 when there are none)."""
    vocabulary = index.word_vectorizer.vocabulary_
    words = [word for words in tokens for word in words]
    return sum(word in vocabulary for word in words) / len(words) if words else 1.0
