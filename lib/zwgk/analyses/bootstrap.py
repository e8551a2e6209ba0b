"""The multinomial bootstrap of a plan's theme shares, shared by the panel and the timelines.

Resampling a plan's n measures with replacement makes its theme counts multinomial with the
observed shares, so the draws are taken directly. Each plan has its own seed, derived from
its id, so adding a plan never changes another plan's intervals.
"""

from __future__ import annotations

import hashlib

import numpy as np

N_BOOTSTRAP = 1000


def make_plan_seed(plan_id: str, seed: int) -> int:
    """Return the random seed of one plan's draws."""
    return int(hashlib.sha1(f"{seed}:{plan_id}".encode()).hexdigest()[:8], 16)


def draw_plan_shares(counts: np.ndarray, plan_id: str, seed: int, n_boot: int = N_BOOTSTRAP) -> np.ndarray | None:
    """Return ``n_boot`` resampled share vectors of one plan's theme ``counts`` (None if it has no measure)."""
    n = int(counts.sum())
    if n == 0:
        return None
    return np.random.default_rng(make_plan_seed(plan_id, seed)).multinomial(n, counts / n, size=n_boot) / n
