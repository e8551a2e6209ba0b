"""Stored vectors: placing the new measures' rows among the kept ones, and reading an entry back."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from zwgk.analyses.similar.assignments import _hash_texts, _match_rows, _place_rows
from zwgk.analyses.similar.stored_vectors import _load_matrix, _save_matrix


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
    matrix = sparse.random(50, 30, density=0.2, format="csr", random_state=1, dtype=np.float32)
    _save_matrix(matrix, tmp_path / "apart.npz")
    sparse.save_npz(tmp_path / "older.npz", matrix, compressed=False)  # entries written before the values were kept apart
    for name in ("apart.npz", "older.npz"):
        read = _load_matrix(tmp_path / name)
        assert read.shape == matrix.shape and (read != matrix).nnz == 0


def test_rows_of_unchanged_plans_keep_their_stored_hashes_and_others_are_matched_by_text() -> None:
    def frame(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
        return pd.DataFrame(rows, columns=["measure_id", "plan_id", "text"])

    stored = frame([("a1", "A", ""), ("a2", "A", ""), ("b1", "B", "旧文本")])
    stored["text_sha1"] = ["stored-a1", "stored-a2", _hash_texts(pd.Series(["旧文本"]))[0]]
    current = frame([("a1", "A", "甲"), ("a2", "A", "乙"), ("b1", "B", "新文本"), ("c1", "C", "丙")])
    hashes, is_kept, is_new = _match_rows(current, stored, pd.Index(["A"], dtype=object))
    assert list(hashes[:2]) == ["stored-a1", "stored-a2"]  # plan A's key vouches for its texts: not hashed again
    assert is_kept.tolist() == [True, True, False] and is_new.tolist() == [False, False, True, True]  # b1's text changed
    # A plan whose rows are not the stored ones (an extra measure) is matched by text like any other
    grown = pd.concat([current, frame([("a3", "A", "丁")])]).sort_values("measure_id", ignore_index=True)
    hashes, is_kept, is_new = _match_rows(grown, stored, pd.Index(["A"], dtype=object))
    assert hashes[0] == _hash_texts(pd.Series(["甲"]))[0] and is_kept.tolist() == [False, False, False] and is_new.all()
