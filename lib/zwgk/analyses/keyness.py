"""What sets one jurisdiction (or year) apart: keyness of words and themes by Dunning's
log-likelihood (G2), and a keyword-in-context search over measures with their sources."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pandas as pd
from scipy.stats import chi2


def _log_likelihood(a: float, b: float, c: float, d: float) -> float:
    """G2 for a term seen a times in a target of size c and b times in a reference of size d."""
    e1, e2 = c * (a + b) / (c + d), d * (a + b) / (c + d)
    return 2 * sum(o * math.log(o / e) for o, e in ((a, e1), (b, e2)) if o > 0)


def _smoothed_log_ratio(a: float, b: float, size_t: float, size_r: float) -> float:
    """log2 of the target's rate over the rest's, both rates plus half an occurrence per the pooled size (sign of a/A - b/B)."""
    prior = 0.5 / max(size_t + size_r, 1)
    return math.log2((a / max(size_t, 1) + prior) / (b / max(size_r, 1) + prior))


def compute_keyness(items: pd.Series, is_target: pd.Series | np.ndarray, min_count: int = 3) -> pd.DataFrame:
    """Keyness of items (lists of words, or theme ids) in the target rows against the rest.

    Returns term, count_target, count_rest, per-10k rates, log_ratio, g2, p_value (chi-square
    with 1 df) and direction, overused first.

    ``log_ratio`` is log2 of the target's rate over the rest's, each rate smoothed by the same
    amount (half an occurrence in a corpus of both parts' size). Adding 0.5 to the counts but
    not consistently to the totals made a term absent from the target (0 against 3) come out
    "over" whenever the rest was much larger; one constant added to both rates keeps the sign
    of the raw difference, so ``direction`` (over: a higher rate in the target) always agrees
    with the sign of ``log_ratio`` and with G2's observed-against-expected direction.

    With an empty target or an empty rest (one plan, one year) there is nothing to compare: the
    table is empty, not every term "over" with G2 0.
    """
    lists = items.map(lambda value: value if isinstance(value, list | tuple | np.ndarray) else [value])
    mask = np.asarray(is_target, dtype=bool)
    target = Counter(t for row in lists[mask] for t in row)
    rest = Counter(t for row in lists[~mask] for t in row)
    size_t, size_r = sum(target.values()), sum(rest.values())
    rows = []
    terms = sorted(set(target) | set(rest)) if size_t and size_r else []  # nothing to compare with: no keyness at all
    for term in terms:
        a, b = target[term], rest[term]
        if a + b < min_count:
            continue
        g2 = _log_likelihood(a, b, size_t, size_r)
        log_ratio = _smoothed_log_ratio(a, b, size_t, size_r)
        rows.append((term, a, b, 1e4 * a / max(size_t, 1), 1e4 * b / max(size_r, 1), log_ratio, g2))
    out = pd.DataFrame(rows, columns=["term", "count_target", "count_rest", "per_10k_target", "per_10k_rest", "log_ratio", "g2"])
    out = out.astype(
        {"count_target": "int64", "count_rest": "int64", "per_10k_target": float, "per_10k_rest": float, "log_ratio": float, "g2": float}
    )
    out["p_value"] = chi2.sf(out["g2"], 1)
    out["direction"] = np.where(out["log_ratio"] > 0, "over", "under")
    out["is_over"] = out["direction"] == "over"
    out = out.sort_values(["is_over", "g2", "term"], ascending=[False, False, True], ignore_index=True)
    return out.drop(columns="is_over")


def search_kwic(measures: pd.DataFrame, keyword: str, window: int = 15, tasks: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every occurrence of ``keyword`` in the measures, with left and right context.

    With ``tasks``, rows carry the task's source lines (line_start, line_end) and section.
    The measures-only special case of ``search_plans``, which also searches task titles and
    section paths, for regular expressions and lists of terms.
    """
    rows = []
    for measure in measures.itertuples(index=False):
        start = measure.text.find(keyword)
        while start >= 0:
            end = start + len(keyword)
            rows.append((measure.plan_id, measure.task_id, measure.measure_id, measure.text[max(0, start - window) : start], keyword,
                         measure.text[end : end + window]))  # fmt: skip
            start = measure.text.find(keyword, end)
    out = pd.DataFrame(rows, columns=["plan_id", "task_id", "measure_id", "left", "keyword", "right"])
    if tasks is not None:
        out = out.merge(tasks[["task_id", "section_path", "line_start", "line_end"]], on="task_id", how="left")
    return out.sort_values(["plan_id", "measure_id"], ignore_index=True)
