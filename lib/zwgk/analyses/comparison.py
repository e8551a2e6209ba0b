"""What plan A has that plan B lacks, and how one place's plan changed from one year to the next.

Both plans are compared measure by measure (`zwgk.analyses.matching`), so a task table
compares with numbered prose. Every measure of either plan gets its best counterpart in the
other and a class: ``same`` (a copy), ``reworded`` (the same task in other words), or
``only_in_a`` / ``only_in_b`` (no counterpart). The thresholds are alignment's, set on its
dev half; the README gives their figures on a hand-labelled sample of cross-plan pairs
(``tests/data/plan_comparison_sample.csv``) that was never used to tune.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from zwgk.analyses.matching import MeasureMatcher, load_matcher, make_empty, match_measures
from zwgk.errors import UnknownPlanError, check_plan_ids
from zwgk.schema import ANALYSIS_OUTPUTS, COMPARISON_CLASSES

COMPARISON_COLUMNS = list(ANALYSIS_OUTPUTS["compare_plans"])
_Z = 1.959964  # 95% normal quantile


def classify_comparison(is_copy: bool, is_same_task: bool, side: str) -> str:
    """Return same, reworded, only_in_a or only_in_b for a measure of plan ``side`` ('a' or 'b')."""
    same, reworded, only_in_a, only_in_b = COMPARISON_CLASSES
    if is_copy:
        return same
    return reworded if is_same_task else (only_in_a if side == "a" else only_in_b)


def compare_plans(plan_a: str, plan_b: str, matcher: MeasureMatcher | None = None) -> pd.DataFrame:
    """One row per measure of either plan: its best counterpart in the other, score, ratio and class.

    ``side`` says which plan the measure belongs to; ``other_*`` columns give the counterpart's
    id, text and source lines (the counterpart of an ``only_in_*`` measure is the closest one,
    shown so a reader can judge). Rows of plan A come first, each side in measure order.
    """
    matcher = matcher or load_matcher()
    check_plan_ids([plan_a, plan_b], matcher.plans["plan_id"])
    if plan_a == plan_b:
        raise ValueError(f"compare two different plans, not {plan_a} with itself")
    frames = []
    for side, (this, other) in (("a", (plan_a, plan_b)), ("b", (plan_b, plan_a))):
        matched = match_measures(matcher, this, other)
        classes = [classify_comparison(c, s, side) for c, s in zip(matched["is_copy"], matched["is_same_task"], strict=True)]
        frames.append(matched.assign(side=side, comparison_class=classes))
    out = pd.concat(frames, ignore_index=True)
    return out[COMPARISON_COLUMNS] if len(out) else make_empty(COMPARISON_COLUMNS)


def find_plan_of(plans: pd.DataFrame, jurisdiction: str, year: int, province: str | None = None) -> str:
    """The plan id of ``jurisdiction`` (Chinese or English name, or a plan id's place) in ``year``.

    `UnknownPlanError` (listing the place's plans) if it has none that year; `KeyError` if several.
    """
    names = plans[["jurisdiction", "jurisdiction_en"]].apply(lambda column: column.str.casefold())
    found = plans[(names == jurisdiction.casefold()).any(axis=1) & (plans["year"] == year)]
    if province is not None:
        found = found[found["province"].isin([province]) | found["province_en"].str.casefold().eq(province.casefold())]
    if found.empty:  # name the place's plans (all plans if the place is unknown), closest first
        places = plans[(names == jurisdiction.casefold()).any(axis=1)]
        raise UnknownPlanError(
            f"{jurisdiction} {year}", (places if len(places) else plans)["plan_id"].tolist(), what="plan of place and year"
        )
    if len(found) != 1:
        what = f"{len(found)} plans ({', '.join(found['plan_id'])}); pass province"
        raise KeyError(f"{jurisdiction} {year}: {what}")
    return str(found["plan_id"].iloc[0])


def diff_years(
    jurisdiction: str, year_from: int, year_to: int, matcher: MeasureMatcher | None = None, province: str | None = None
) -> pd.DataFrame:
    """`compare_plans` of one place's plans of ``year_from`` (plan A) and ``year_to`` (plan B).

    ``only_in_a`` is what was dropped, ``only_in_b`` what is new.
    """
    matcher = matcher or load_matcher()
    plan_a = find_plan_of(matcher.plans, jurisdiction, year_from, province)
    plan_b = find_plan_of(matcher.plans, jurisdiction, year_to, province)
    return compare_plans(plan_a, plan_b, matcher)


def _newcombe(a: int, n_a: int, b: int, n_b: int) -> tuple[float, float]:
    """95% interval of p_a − p_b by Newcombe's hybrid score method (Wilson intervals of each share)."""

    def wilson(k: int, n: int) -> tuple[float, float]:
        if n == 0:
            return 0.0, 1.0
        p, z2 = k / n, _Z * _Z
        centre, half = (p + z2 / (2 * n)) / (1 + z2 / n), _Z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
        return centre - half, centre + half

    p_a, p_b = a / n_a if n_a else 0.0, b / n_b if n_b else 0.0
    (l_a, u_a), (l_b, u_b) = wilson(a, n_a), wilson(b, n_b)
    low = p_a - p_b - math.sqrt((p_a - l_a) ** 2 + (u_b - p_b) ** 2)
    high = p_a - p_b + math.sqrt((u_a - p_a) ** 2 + (p_b - l_b) ** 2)
    return low, high


def summarise_comparison(comparison: pd.DataFrame, coded: pd.DataFrame) -> pd.DataFrame:
    """Per theme: each plan's measures by class, each plan's share of its measures in the theme, their difference with a 95% interval.

    The interval (Newcombe's hybrid score method for two independent shares) says whether a
    difference of emphasis between the plans is larger than the size of the plans allows by chance.
    """
    themes = coded.drop_duplicates("measure_id").set_index("measure_id")
    rows = comparison.assign(theme_id=comparison["measure_id"].map(themes["theme_id"]))
    sizes = rows.groupby("side").size().reindex(["a", "b"], fill_value=0)
    counts = rows.groupby(["theme_id", "side", "comparison_class"]).size().unstack(["side", "comparison_class"], fill_value=0)
    out = []
    for theme_id in sorted(rows["theme_id"].dropna().unique()):
        line = {"theme_id": theme_id}
        for side in ("a", "b"):
            per_class = counts.loc[theme_id, side] if side in counts.columns.get_level_values(0) else pd.Series(dtype=int)
            line[f"n_{side}"] = int(per_class.sum())
            for name in COMPARISON_CLASSES:
                if name != ("only_in_b" if side == "a" else "only_in_a"):
                    line[f"n_{side}_{name}"] = int(per_class.get(name, 0))
        line["share_a"], line["share_b"] = line["n_a"] / max(sizes["a"], 1), line["n_b"] / max(sizes["b"], 1)
        line["share_difference"] = line["share_a"] - line["share_b"]
        line["difference_low"], line["difference_high"] = _newcombe(line["n_a"], int(sizes["a"]), line["n_b"], int(sizes["b"]))
        out.append(line)
    frame = pd.DataFrame(out)
    if frame.empty:
        return make_empty(list(ANALYSIS_OUTPUTS["summarise_comparison"]))
    names = themes.drop_duplicates("theme_id").set_index("theme_id")[["theme_zh", "theme_en"]]
    frame = frame.join(names, on="theme_id")
    frame["is_clear_difference"] = (frame["difference_low"] > 0) | (frame["difference_high"] < 0)
    order = np.lexsort((frame["theme_id"].to_numpy(), -frame["share_difference"].abs().to_numpy()))
    return frame.iloc[order].reset_index(drop=True)


def count_comparison(comparison: pd.DataFrame) -> dict[str, int]:
    """Measures of each class (the four of `COMPARISON_CLASSES`), for a one-line summary."""
    counts = comparison["comparison_class"].value_counts()
    return {name: int(counts.get(name, 0)) for name in COMPARISON_CLASSES}
