"""Stored vectors: placing the new measures' rows among the kept ones, and reading an entry back."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy import sparse

from zwgk.analyses.similar.assignments import _place_rows


@pytest.mark.parametrize("seed", range(20))
def test_kept_and_new_rows_are_interleaved_in_measure_order(seed: int) -> None:
    rng = np.random.default_rng(seed)
    is_new = rng.random(int(rng.integers(1, 40))) < rng.random()
    kept = sparse.random(int((~is_new).sum()), 9, density=0.4, format="csr", random_state=seed, dtype=np.float32)
    fresh = sparse.random(int(is_new.sum()), 9, density=0.4, format="csr", random_state=seed + 100, dtype=np.float32)
    expected = np.zeros((len(is_new), 9), np.float32)
    expected[~is_new], expected[is_new] = kept.toarray(), fresh.toarray()
    placed = _place_rows(kept, fresh, is_new)
    assert placed.shape == expected.shape and placed.dtype == np.float32
    assert np.array_equal(placed.toarray(), expected)


def test_stored_vectors_read_back_whether_written_apart_or_as_one_npz(tmp_path: Path) -> None:
    from zwgk.analyses.similar.stored_vectors import _load_matrix, _save_matrix

    matrix = sparse.random(50, 30, density=0.2, format="csr", random_state=1, dtype=np.float32)
    _save_matrix(matrix, tmp_path / "apart.npz")
    sparse.save_npz(tmp_path / "older.npz", matrix, compressed=False)  # entries written before the values were kept apart
    for name in ("apart.npz", "older.npz"):
        read = _load_matrix(tmp_path / name)
        assert read.shape == matrix.shape and (read != matrix).nnz == 0
