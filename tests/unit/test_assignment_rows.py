"""Placing the new measures' vectors among the kept ones, as an update does before searching."""

from __future__ import annotations

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
