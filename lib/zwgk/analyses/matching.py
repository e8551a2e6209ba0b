"""Each measure of one plan and its best counterpart in another: the step under alignment and comparison.

Two plans are compared measure by measure, never row by row, so a task table compares with
numbered prose. The similarity index (`zwgk.analyses.similar.index`) is fitted on the two
plans' measures only: a pair's result never changes when unrelated plans are added, and
matching 30,000 pairs costs 30,000 small fits rather than one huge one. A best match is a
*copy* when the two texts align character by character (difflib ratio ≥ `COPY_RATIO`) and
the *same task* when it is a copy or its cosine is ≥ `SAME_TASK_SCORE`. Both thresholds were
set on the dev half of the hand-labelled local–parent sample (``tests/data/parent_alignment_sample.csv``);
the README gives their held-out figures for alignment and for comparison.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from zwgk.analyses.similar.index import SimilarityIndex, build_similarity_index
from zwgk.analyses.similar.reuse import align_texts

COPY_RATIO = 0.70
SAME_TASK_SCORE = 0.20
KEPT_PAIRS = 8  # pairs whose index and matches are kept: alignment, coverage and comparison reuse them
_SIDE = ["plan_id", "measure_id", "task_id", "text", "line_start", "line_end"]
MATCH_COLUMNS = [*_SIDE, *(f"other_{column}" for column in _SIDE), "score", "ratio", "is_copy", "is_same_task"]


@dataclass
class MeasureMatcher:
    """The dataset's measures with their sources (`load_measure_sources`) and its plans.

    The index and matches of the last `KEPT_PAIRS` pairs are kept, so aligning a plan and then
    its parent's coverage matches once, while aligning 30,000 plans holds a few indexes, not all.
    """

    measure_sources: pd.DataFrame
    plans: pd.DataFrame
    cache_dir: Path | None = None
    _indexes: OrderedDict[tuple[str, str], SimilarityIndex] = field(default_factory=OrderedDict, repr=False)
    _matches: OrderedDict[tuple[str, str], pd.DataFrame] = field(default_factory=OrderedDict, repr=False)
    _by_id: pd.DataFrame | None = field(default=None, repr=False)

    def sources_by_id(self) -> pd.DataFrame:
        """The measure sources indexed by measure_id (built once: every match looks rows up in it)."""
        if self._by_id is None:
            self._by_id = self.measure_sources.set_index("measure_id")
        return self._by_id

    def check_plan(self, plan_id: str) -> None:
        """Raise `KeyError` naming ``plan_id`` when the dataset has no such plan."""
        if plan_id not in set(self.plans["plan_id"]):
            raise KeyError(f"{plan_id} is not a plan of the dataset")

    def index_pair(self, plan_a: str, plan_b: str) -> SimilarityIndex:
        """The similarity index of the two plans' measures (the same whichever plan comes first)."""
        key = (min(plan_a, plan_b), max(plan_a, plan_b))
        if key not in self._indexes:
            pair = self.measure_sources[self.measure_sources["plan_id"].isin(key)]
            _keep(self._indexes, key, build_similarity_index(pair, self.cache_dir))
        return self._indexes[key]


def _keep(kept: OrderedDict, key: tuple[str, str], value: object) -> None:
    """Remember ``value``, forgetting the oldest beyond `KEPT_PAIRS`."""
    kept[key] = value
    while len(kept) > KEPT_PAIRS:
        kept.popitem(last=False)


def load_matcher(data_dir: Path | None = None, cache_dir: Path | None = None) -> MeasureMatcher:
    """Read the dataset's measures and plans once, for matching many pairs of plans."""
    from zwgk.processed.dataset import load_measure_sources, load_plans

    return MeasureMatcher(load_measure_sources(data_dir), load_plans(data_dir), cache_dir)


def make_empty(columns: list[str]) -> pd.DataFrame:
    """A table with ``columns`` and no rows (what a plan without counterpart gives)."""
    return pd.DataFrame({column: pd.Series(dtype=object) for column in columns})


def _sources(matcher: MeasureMatcher, ids: np.ndarray) -> pd.DataFrame:
    return matcher.sources_by_id().loc[ids, ["plan_id", "task_id", "text", "line_start", "line_end"]].reset_index()[_SIDE]


def match_measures(matcher: MeasureMatcher, plan_a: str, plan_b: str) -> pd.DataFrame:
    """One row per measure of ``plan_a``: its best counterpart in ``plan_b``, cosine, character ratio, copy and same-task flags.

    Counterpart columns are prefixed ``other_``; they are empty when ``plan_b`` has no measures.
    """
    if (plan_a, plan_b) not in matcher._matches:
        _keep(matcher._matches, (plan_a, plan_b), _match(matcher, plan_a, plan_b))
    return matcher._matches[(plan_a, plan_b)].copy()


def _match(matcher: MeasureMatcher, plan_a: str, plan_b: str) -> pd.DataFrame:
    for plan_id in (plan_a, plan_b):
        matcher.check_plan(plan_id)
    index = matcher.index_pair(plan_a, plan_b)
    ids, plans = index.measures["measure_id"].to_numpy(), index.measures["plan_id"].to_numpy()
    rows_a, rows_b = np.flatnonzero(plans == plan_a), np.flatnonzero(plans == plan_b)
    if not len(rows_a):
        return make_empty(MATCH_COLUMNS)
    out = _sources(matcher, ids[rows_a])
    if not len(rows_b):
        other = make_empty([f"other_{column}" for column in _SIDE]).reindex(range(len(out)))
        return pd.concat([out, other.assign(other_plan_id=plan_b)], axis=1).assign(score=0.0, ratio=0.0, is_copy=False, is_same_task=False)
    scores = (index.matrix[rows_a] @ index.matrix[rows_b].T).toarray()
    best = scores.argmax(axis=1)
    out = pd.concat([out, _sources(matcher, ids[rows_b[best]]).add_prefix("other_")], axis=1)
    out["score"] = scores[np.arange(len(rows_a)), best]
    out["ratio"] = [align_texts(a, b)[0] for a, b in zip(out["text"], out["other_text"], strict=True)]
    out["is_copy"] = out["ratio"] >= COPY_RATIO
    out["is_same_task"] = out["is_copy"] | (out["score"] >= SAME_TASK_SCORE)
    return out[MATCH_COLUMNS]
