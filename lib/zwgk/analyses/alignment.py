"""How a plan follows the plan above it: what it copies, adapts, adds and leaves out.

Every local measure gets its best match in the parent plan (``parent_plan_id`` of the plans
table, or one given) by the cosine of the similarity index, and a class:

- ``verbatim``: the two texts align character by character (difflib ratio ≥ `VERBATIM_RATIO`);
- ``adapted``: the same task reworded or localised (cosine ≥ `ADAPTED_SCORE`);
- ``local``: nothing in the parent is close enough; the plan's own addition.

The index is fitted on the two plans' measures only, so a plan's alignment never changes
when unrelated plans are added, and aligning 30,000 plans costs 30,000 small fits rather
than one huge one.

A parent measure is *carried* when a local measure is aligned to it, or when its own best
local counterpart would be aligned (a local measure that merges two parent measures carries
both). The thresholds were set on the dev half of a hand-labelled sample of 240 local
measures of the seeds against the State Council's plan of their year
(``tests/data/parent_alignment_sample.csv``); the README gives precision and recall of each
class on the other half.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from zwgk.analyses.similar.index import SimilarityIndex, build_similarity_index
from zwgk.analyses.similar.reuse import align_texts
from zwgk.schema import ALIGNMENT_CLASSES, ANALYSIS_OUTPUTS

VERBATIM_RATIO = 0.70
ADAPTED_SCORE = 0.20
_DATE = re.compile(r"(\d{4})\s*[年\-./]\s*(\d{1,2})\s*[月\-./]\s*(\d{1,2})")
ALIGNMENT_COLUMNS = list(ANALYSIS_OUTPUTS["align_with_parent"])
COVERAGE_COLUMNS = list(ANALYSIS_OUTPUTS["find_parent_coverage"])


@dataclass
class AlignmentInputs:
    """What an alignment reads: measures with their sources (`load_measure_sources`) and the plans table.

    The similarity index of each pair of plans is built on first use and kept.
    """

    measure_sources: pd.DataFrame
    plans: pd.DataFrame
    cache_dir: Path | None = None
    _indexes: dict[tuple[str, str], SimilarityIndex] = field(default_factory=dict, repr=False)

    def index_pair(self, plan_id: str, parent_id: str) -> SimilarityIndex:
        """The similarity index of the two plans' measures."""
        if (plan_id, parent_id) not in self._indexes:
            pair = self.measure_sources[self.measure_sources["plan_id"].isin([plan_id, parent_id])]
            self._indexes[(plan_id, parent_id)] = build_similarity_index(pair, self.cache_dir)
        return self._indexes[(plan_id, parent_id)]


def load_alignment_inputs(data_dir: Path | None = None, cache_dir: Path | None = None) -> AlignmentInputs:
    """Read the measures and plans of the dataset once, for aligning many plans."""
    from zwgk.processed.dataset import load_measure_sources, load_plans

    return AlignmentInputs(load_measure_sources(data_dir), load_plans(data_dir), cache_dir)


def classify_alignment(score: float, ratio: float) -> str:
    """Return verbatim, adapted or local for a best match's cosine ``score`` and character ``ratio``."""
    verbatim, adapted, local = ALIGNMENT_CLASSES
    if ratio >= VERBATIM_RATIO:
        return verbatim
    return adapted if score >= ADAPTED_SCORE else local


def _find_parent(inputs: AlignmentInputs, plan_id: str, parent_plan_id: str | None) -> str | None:
    plans = inputs.plans.set_index("plan_id")
    if plan_id not in plans.index:
        raise KeyError(f"{plan_id} is not a plan of the dataset")
    if parent_plan_id is not None and parent_plan_id not in plans.index:
        raise KeyError(f"{parent_plan_id} is not a plan of the dataset")
    parent = parent_plan_id or plans.at[plan_id, "parent_plan_id"]
    return None if pd.isna(parent) else str(parent)


def _score(inputs: AlignmentInputs, plan_id: str, parent_id: str) -> tuple[SimilarityIndex, np.ndarray, np.ndarray, np.ndarray]:
    """The pair's index, row numbers (in it) of the local and parent measures and their cosine matrix."""
    index = inputs.index_pair(plan_id, parent_id)
    plans = index.measures["plan_id"].to_numpy()
    local, parent = np.flatnonzero(plans == plan_id), np.flatnonzero(plans == parent_id)
    matrix = index.matrix
    scores = (matrix[local] @ matrix[parent].T).toarray() if len(local) and len(parent) else np.zeros((len(local), len(parent)))
    return index, local, parent, scores


def _sources(inputs: AlignmentInputs, index: SimilarityIndex, rows: np.ndarray) -> pd.DataFrame:
    ids = index.measures["measure_id"].to_numpy()[rows]
    sources = inputs.measure_sources.set_index("measure_id")
    return sources.loc[ids, ["plan_id", "task_id", "text", "line_start", "line_end"]].reset_index()


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({column: pd.Series(dtype=object) for column in columns})


def align_with_parent(plan_id: str, parent_plan_id: str | None = None, inputs: AlignmentInputs | None = None) -> pd.DataFrame:
    """One row per measure of ``plan_id``: its best match in the parent plan, score, ratio and class.

    The parent is the plan's ``parent_plan_id`` unless one is given. Columns: the local
    measure (id, task, text, source lines), the parent measure (the same), ``score``
    (cosine), ``ratio`` (character alignment) and ``alignment_class``. Empty when the plan has
    no parent in the dataset.
    """
    inputs = inputs or load_alignment_inputs()
    parent_id = _find_parent(inputs, plan_id, parent_plan_id)
    if parent_id is None:
        return _empty(ALIGNMENT_COLUMNS)
    index, local, parent, scores = _score(inputs, plan_id, parent_id)
    if not len(local):
        return _empty(ALIGNMENT_COLUMNS)
    out = _sources(inputs, index, local)[["plan_id", "measure_id", "task_id", "text", "line_start", "line_end"]]
    if not len(parent):
        return out.assign(parent_plan_id=parent_id, score=0.0, ratio=0.0, alignment_class=ALIGNMENT_CLASSES[-1]).reindex(
            columns=ALIGNMENT_COLUMNS
        )
    best = scores.argmax(axis=1)
    matched = _sources(inputs, index, parent[best]).add_prefix("parent_")
    out = pd.concat([out, matched.drop(columns=["parent_plan_id"])], axis=1)
    out["parent_plan_id"] = parent_id
    out["score"] = scores[np.arange(len(local)), best]
    out["ratio"] = [align_texts(a, b)[0] for a, b in zip(out["text"], out["parent_text"], strict=True)]
    out["alignment_class"] = [classify_alignment(s, r) for s, r in zip(out["score"], out["ratio"], strict=True)]
    return out[ALIGNMENT_COLUMNS]


def find_parent_coverage(plan_id: str, parent_plan_id: str | None = None, inputs: AlignmentInputs | None = None) -> pd.DataFrame:
    """One row per measure of the parent plan: whether ``plan_id`` carries it, by which measures, and its best local counterpart.

    ``carried_by`` lists the local measures aligned to it (verbatim or adapted); a parent
    measure no local measure is aligned to still counts as carried when its own best local
    counterpart clears the same thresholds.
    """
    inputs = inputs or load_alignment_inputs()
    parent_id = _find_parent(inputs, plan_id, parent_plan_id)
    if parent_id is None:
        return _empty(COVERAGE_COLUMNS)
    alignment = align_with_parent(plan_id, parent_id, inputs)
    index, local, parent, scores = _score(inputs, plan_id, parent_id)
    if not len(parent):
        return _empty(COVERAGE_COLUMNS)
    out = _sources(inputs, index, parent).add_prefix("parent_").drop(columns=["parent_plan_id"])
    carried = alignment[alignment["alignment_class"] != ALIGNMENT_CLASSES[-1]].groupby("parent_measure_id")["measure_id"].apply(sorted)
    out["carried_by"] = [carried.get(measure_id, []) for measure_id in out["parent_measure_id"]]
    if len(local):
        best = scores.argmax(axis=0)
        counterpart = _sources(inputs, index, local[best])
        out["best_measure_id"], out["best_text"] = counterpart["measure_id"].to_numpy(), counterpart["text"].to_numpy()
        out["best_score"] = scores[best, np.arange(len(parent))]
        ratios = [align_texts(a, b)[0] for a, b in zip(out["best_text"], out["parent_text"], strict=True)]
        reverse = [classify_alignment(s, r) != ALIGNMENT_CLASSES[-1] for s, r in zip(out["best_score"], ratios, strict=True)]
    else:
        out["best_measure_id"], out["best_text"], out["best_score"], reverse = None, None, 0.0, [False] * len(out)
    out["is_carried"] = [bool(by) or rev for by, rev in zip(out["carried_by"], reverse, strict=True)]
    return out.assign(plan_id=plan_id, parent_plan_id=parent_id)[COVERAGE_COLUMNS]


def _plans_with_parents(inputs: AlignmentInputs, plan_ids: list[str] | None) -> list[str]:
    plans = inputs.plans[inputs.plans["parent_plan_id"].notna()]
    chosen = plans["plan_id"].tolist() if plan_ids is None else [p for p in plan_ids if p in set(plans["plan_id"])]
    return sorted(chosen)


def align_plans_with_parents(inputs: AlignmentInputs, plan_ids: list[str] | None = None) -> pd.DataFrame:
    """`align_with_parent` for every plan that has a parent (or those of ``plan_ids``), stacked."""
    frames = [align_with_parent(plan_id, None, inputs) for plan_id in _plans_with_parents(inputs, plan_ids)]
    return pd.concat(frames, ignore_index=True) if frames else _empty(ALIGNMENT_COLUMNS)


def find_coverage_of_parents(inputs: AlignmentInputs, plan_ids: list[str] | None = None) -> pd.DataFrame:
    """`find_parent_coverage` for every plan that has a parent (or those of ``plan_ids``), stacked."""
    frames = [find_parent_coverage(plan_id, None, inputs) for plan_id in _plans_with_parents(inputs, plan_ids)]
    return pd.concat(frames, ignore_index=True) if frames else _empty(COVERAGE_COLUMNS)


def read_date(text: object) -> pd.Timestamp | None:
    """The date in a written date (2017年3月9日, 2021-07-09), or None."""
    match = _DATE.search(text) if isinstance(text, str) else None
    if not match:
        return None
    try:
        return pd.Timestamp(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def _issued(plans: pd.DataFrame) -> pd.Series:
    """Each plan's issue date, or the page's publication date when the notice's is unknown."""
    dates = [read_date(issue) or read_date(publish) for issue, publish in zip(plans["issue_date"], plans["publish_date"], strict=True)]
    return pd.Series(dates, index=plans["plan_id"].to_numpy(), dtype="datetime64[ns]")


def summarise_alignment(alignment: pd.DataFrame, coverage: pd.DataFrame, plans: pd.DataFrame) -> pd.DataFrame:
    """One row per aligned plan: shares of its measures verbatim / adapted / local, share of the parent carried, and dates.

    ``days_after_parent`` is the plan's issue date minus its parent's, where both are known
    (a plan issued months later has had time to copy more).
    """
    counts = alignment.groupby(["plan_id", "alignment_class"]).size().unstack(fill_value=0)
    counts = counts.reindex(columns=list(ALIGNMENT_CLASSES), fill_value=0)
    out = pd.DataFrame({"n_measures": counts.sum(axis=1)})
    for name in counts.columns:
        out[f"share_{name}"] = counts[name] / out["n_measures"]
    carried = coverage.groupby("plan_id").agg(n_parent_measures=("parent_measure_id", "size"), n_parent_carried=("is_carried", "sum"))
    out = out.join(carried).reset_index()
    out["share_parent_carried"] = out["n_parent_carried"] / out["n_parent_measures"]
    keep = ["plan_id", "parent_plan_id", "jurisdiction", "jurisdiction_en", "level", "year"]
    out = plans[keep].merge(out, on="plan_id")
    issued = _issued(plans)
    out["issued"] = out["plan_id"].map(issued)
    out["parent_issued"] = out["parent_plan_id"].map(issued)
    out["days_after_parent"] = (out["issued"] - out["parent_issued"]).dt.days.astype("Int64")
    return out.sort_values(["year", "plan_id"], ignore_index=True)


def summarise_alignment_by_theme(alignment: pd.DataFrame, coverage: pd.DataFrame, coded: pd.DataFrame) -> pd.DataFrame:
    """Per plan and theme: local measures by class, and the parent's measures of that theme carried.

    Local measures take their own theme, parent measures theirs (``coded`` must cover both).
    """
    themes = coded.set_index("measure_id")["theme_id"]
    local = alignment.assign(theme_id=alignment["measure_id"].map(themes))
    shares = local.groupby(["plan_id", "theme_id", "alignment_class"]).size().unstack(fill_value=0)
    shares = shares.reindex(columns=list(ALIGNMENT_CLASSES), fill_value=0).add_prefix("n_")
    parent = coverage.assign(theme_id=coverage["parent_measure_id"].map(themes))
    carried = parent.groupby(["plan_id", "theme_id"]).agg(n_parent_measures=("is_carried", "size"), n_parent_carried=("is_carried", "sum"))
    out = shares.join(carried, how="outer").fillna(0).astype(int).reset_index()
    out["share_parent_carried"] = out["n_parent_carried"] / out["n_parent_measures"].where(out["n_parent_measures"] > 0)
    return out


def find_dropped_parent_measures(coverage: pd.DataFrame) -> pd.DataFrame:
    """Per parent measure: how many of the plans below it leave it out (the compliance gap), most dropped first."""
    grouped = coverage.groupby(["parent_plan_id", "parent_measure_id"], sort=True)
    out = grouped.agg(
        parent_task_id=("parent_task_id", "first"),
        parent_text=("parent_text", "first"),
        n_plans=("plan_id", "nunique"),
        n_carrying=("is_carried", "sum"),
    ).reset_index()
    out["n_dropping"] = out["n_plans"] - out["n_carrying"]
    out["share_dropping"] = out["n_dropping"] / out["n_plans"]
    dropping = coverage[~coverage["is_carried"]].groupby("parent_measure_id")["plan_id"].apply(sorted)
    out["dropped_by"] = [dropping.get(measure_id, []) for measure_id in out["parent_measure_id"]]
    return out.sort_values(["share_dropping", "n_dropping", "parent_measure_id"], ascending=[False, False, True], ignore_index=True)
