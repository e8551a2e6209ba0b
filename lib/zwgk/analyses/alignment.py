"""How a plan follows the plan above it: what it copies, adapts, adds and leaves out.

Every local measure gets its best match in the parent plan (``parent_plan_id`` of the plans
table, or one given; see `zwgk.analyses.matching`) and a class: ``verbatim`` (a copy: the
texts align character by character), ``adapted`` (the same task reworded or localised) or
``local`` (nothing in the parent is close enough: the plan's own addition).

A parent measure is *carried* when a local measure is aligned to it, or when its own best
local counterpart would be aligned (a local measure that merges two parent measures carries
both). The thresholds were set on the dev half of a hand-labelled sample of 240 local
measures of the seeds against the State Council's plan of their year
(``tests/data/parent_alignment_sample.csv``); the README gives precision and recall of each
class on the other half.
"""

from __future__ import annotations

import re

import pandas as pd

from zwgk.analyses.matching import MeasureMatcher, load_matcher, make_empty, match_measures
from zwgk.errors import check_plan_ids
from zwgk.schema import ALIGNMENT_CLASSES, ANALYSIS_OUTPUTS

_DATE = re.compile(r"(\d{4})\s*[年\-./]\s*(\d{1,2})\s*[月\-./]\s*(\d{1,2})")
ALIGNMENT_COLUMNS = list(ANALYSIS_OUTPUTS["align_with_parent"])
COVERAGE_COLUMNS = list(ANALYSIS_OUTPUTS["find_parent_coverage"])


def classify_alignment(is_copy: bool, is_same_task: bool) -> str:
    """Return verbatim, adapted or local for a best match."""
    verbatim, adapted, local = ALIGNMENT_CLASSES
    return verbatim if is_copy else adapted if is_same_task else local


def _find_parent(matcher: MeasureMatcher, plan_id: str, parent_plan_id: str | None) -> str | None:
    check_plan_ids(plan_id, matcher.plans["plan_id"])
    if parent_plan_id is not None:
        check_plan_ids(parent_plan_id, matcher.plans["plan_id"])
        return parent_plan_id
    parent = matcher.plans.set_index("plan_id").at[plan_id, "parent_plan_id"]
    return None if pd.isna(parent) else str(parent)


def align_with_parent(plan_id: str, parent_plan_id: str | None = None, matcher: MeasureMatcher | None = None) -> pd.DataFrame:
    """One row per measure of ``plan_id``: its best match in the parent plan, score, ratio and class.

    The parent is the plan's ``parent_plan_id`` unless one is given. Columns: the local
    measure (id, task, text, source lines), the parent measure (the same), ``score``
    (cosine), ``ratio`` (character alignment) and ``alignment_class``. Empty when the plan has
    no parent in the dataset. ``matcher`` (`load_matcher`) saves reading the dataset per call.
    """
    matcher = matcher or load_matcher()
    parent_id = _find_parent(matcher, plan_id, parent_plan_id)
    if parent_id is None:
        return make_empty(ALIGNMENT_COLUMNS)
    matched = match_measures(matcher, plan_id, parent_id)
    matched.columns = [column.replace("other_", "parent_") for column in matched.columns]
    matched["alignment_class"] = [classify_alignment(c, s) for c, s in zip(matched["is_copy"], matched["is_same_task"], strict=True)]
    return matched.assign(parent_plan_id=parent_id)[ALIGNMENT_COLUMNS]


def find_parent_coverage(plan_id: str, parent_plan_id: str | None = None, matcher: MeasureMatcher | None = None) -> pd.DataFrame:
    """One row per measure of the parent plan: whether ``plan_id`` carries it, by which measures, and its best local counterpart.

    ``carried_by`` lists the local measures aligned to it (verbatim or adapted); a parent
    measure no local measure is aligned to still counts as carried when its own best local
    counterpart clears the same thresholds.
    """
    matcher = matcher or load_matcher()
    parent_id = _find_parent(matcher, plan_id, parent_plan_id)
    if parent_id is None:
        return make_empty(COVERAGE_COLUMNS)
    alignment = align_with_parent(plan_id, parent_id, matcher)
    reverse = match_measures(matcher, parent_id, plan_id)
    if reverse.empty:
        return make_empty(COVERAGE_COLUMNS)
    carried = alignment[alignment["alignment_class"] != ALIGNMENT_CLASSES[-1]].groupby("parent_measure_id")["measure_id"].apply(sorted)
    out = reverse[["measure_id", "task_id", "text", "line_start", "line_end"]].add_prefix("parent_")
    out["carried_by"] = [carried.get(measure_id, []) for measure_id in out["parent_measure_id"]]
    out["best_measure_id"], out["best_text"], out["best_score"] = reverse["other_measure_id"], reverse["other_text"], reverse["score"]
    out["is_carried"] = [bool(by) or bool(same) for by, same in zip(out["carried_by"], reverse["is_same_task"], strict=True)]
    return out.assign(plan_id=plan_id, parent_plan_id=parent_id)[COVERAGE_COLUMNS]


def _plans_with_parents(matcher: MeasureMatcher, plan_ids: list[str] | None) -> list[str]:
    plans = matcher.plans[matcher.plans["parent_plan_id"].notna()]
    chosen = plans["plan_id"].tolist() if plan_ids is None else [p for p in plan_ids if p in set(plans["plan_id"])]
    return sorted(chosen)


def align_plans_with_parents(matcher: MeasureMatcher, plan_ids: list[str] | None = None) -> pd.DataFrame:
    """`align_with_parent` for every plan that has a parent (or those of ``plan_ids``), stacked."""
    frames = [align_with_parent(plan_id, None, matcher) for plan_id in _plans_with_parents(matcher, plan_ids)]
    return pd.concat(frames, ignore_index=True) if frames else make_empty(ALIGNMENT_COLUMNS)


def find_coverage_of_parents(matcher: MeasureMatcher, plan_ids: list[str] | None = None) -> pd.DataFrame:
    """`find_parent_coverage` for every plan that has a parent (or those of ``plan_ids``), stacked."""
    frames = [find_parent_coverage(plan_id, None, matcher) for plan_id in _plans_with_parents(matcher, plan_ids)]
    return pd.concat(frames, ignore_index=True) if frames else make_empty(COVERAGE_COLUMNS)


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
    dropping = coverage[~coverage["is_carried"].astype(bool)].groupby("parent_measure_id")["plan_id"].apply(sorted)
    out["dropped_by"] = [dropping.get(measure_id, []) for measure_id in out["parent_measure_id"]]
    return out.sort_values(["share_dropping", "n_dropping", "parent_measure_id"], ascending=[False, False, True], ignore_index=True)
