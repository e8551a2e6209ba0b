"""How themes change over time: shares by year (pooled and per jurisdiction), year-over-year
change, emerging and fading themes. Works for any number of jurisdictions and years.

Year confound: in a pooled year, the jurisdictions differ from other years, so a change
between years mixes time and place. Every pooled row says how many jurisdictions it rests on;
`summarise_themes_by_year(..., by="jurisdiction")` keeps place fixed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from zwgk.analyses.bootstrap import N_BOOTSTRAP, draw_plan_shares

_KEYS = {"pooled": [], "jurisdiction": ["jurisdiction", "jurisdiction_en"], "level": ["level"], "province": ["province", "province_en"]}


def summarise_themes_by_year(panel: pd.DataFrame, by: str = "pooled", n_boot: int = N_BOOTSTRAP, seed: int = 0) -> pd.DataFrame:
    """Theme shares per year (and per group ``by``: pooled, jurisdiction, level or province).

    ``mean_plan_share`` weighs every plan equally (a long plan does not dominate), with a 95%
    bootstrap interval (``share_low``/``share_high``: each plan's measures resampled, then
    averaged over plans); ``share_measures`` pools the measures of all plans in the group.
    """
    keys = [*_KEYS[by], "year", "theme_id", "theme_zh", "theme_en"]
    grouped = panel.groupby(keys, sort=True, dropna=False)
    out = grouped.agg(
        n_plans=("plan_id", "nunique"),
        n_jurisdictions=("jurisdiction", "nunique"),
        n_measures=("n_measures", "sum"),
        mean_plan_share=("share_measures", "mean"),
    ).reset_index()
    totals = panel.groupby([*_KEYS[by], "year"])["n_measures"].sum().rename("n_measures_total")
    out = out.join(totals, on=[*_KEYS[by], "year"])
    out["share_measures"] = out["n_measures"] / out["n_measures_total"]
    intervals = _bootstrap_group_means(panel, [*_KEYS[by], "year"], n_boot, seed)
    out = out.merge(intervals, on=[*_KEYS[by], "year", "theme_id"], how="left")
    return out.drop(columns="n_measures_total")


def _bootstrap_group_means(panel: pd.DataFrame, group_keys: list[str], n_boot: int, seed: int) -> pd.DataFrame:
    """95% interval of the plan-weighted mean share: resample each plan's measures, average the plans."""
    rows = []
    for key, group in panel.groupby(group_keys, sort=True, dropna=False):
        wide = group.pivot_table(index="plan_id", columns="theme_id", values="n_measures", aggfunc="sum", fill_value=0)
        draws = np.zeros((n_boot, wide.shape[1]))
        for plan_id, counts in wide.iterrows():
            plan_draws = draw_plan_shares(counts.to_numpy(), str(plan_id), seed, n_boot)
            if plan_draws is not None:
                draws += plan_draws
        draws /= max(len(wide), 1)
        low, high = np.quantile(draws, 0.025, axis=0), np.quantile(draws, 0.975, axis=0)
        key = key if isinstance(key, tuple) else (key,)
        rows.extend((*key, theme_id, low[i], high[i]) for i, theme_id in enumerate(wide.columns))
    return pd.DataFrame(rows, columns=[*group_keys, "theme_id", "share_low", "share_high"])


def compute_year_changes(by_year: pd.DataFrame, share: str = "mean_plan_share") -> pd.DataFrame:
    """Change of each theme's share from one observed year to the next (within each group)."""
    group = [c for c in ("jurisdiction", "jurisdiction_en", "level", "province", "province_en") if c in by_year.columns]
    ordered = by_year.sort_values([*group, "theme_id", "year"])
    keys = [*group, "theme_id"]
    ordered["previous_year"] = ordered.groupby(keys, dropna=False)["year"].shift()
    ordered["previous_share"] = ordered.groupby(keys, dropna=False)[share].shift()
    ordered["change"] = ordered[share] - ordered["previous_share"]
    return ordered.dropna(subset=["previous_year"]).reset_index(drop=True)


def find_emerging_fading(by_year: pd.DataFrame, share: str = "mean_plan_share", min_change: float = 0.0) -> pd.DataFrame:
    """Compare each theme's first and last observed year: emerging, fading or stable.

    A theme is emerging (fading) only where the 95% interval of its change lies wholly above
    (below) zero: a fixed threshold such as 0.02 is one measure in a 50-measure plan, well
    inside the noise of resampling the plans' measures. The interval (``change_low``,
    ``change_high``) combines the first and last years' bootstrap intervals (``share_low``,
    ``share_high``) by the MOVER method for a difference of independent estimates (Newcombe,
    Zou). ``min_change`` optionally also asks for a minimum size. ``is_new`` marks themes
    absent in the first year; ``is_gone`` those absent in the last.
    """
    group = [c for c in ("jurisdiction", "jurisdiction_en", "level", "province", "province_en") if c in by_year.columns]
    rows = []
    for key, frame in by_year.sort_values("year").groupby([*group, "theme_id", "theme_zh", "theme_en"], dropna=False):
        first, last = frame.iloc[0], frame.iloc[-1]
        change = last[share] - first[share]
        low, high = _combine_intervals(first, last, share)
        status = "emerging" if low > 0 and change >= min_change else "fading" if high < 0 and change <= -min_change else "stable"
        rows.append((*key, int(first["year"]), int(last["year"]), first[share], last[share], change, low, high, status,
                     first[share] == 0 and last[share] > 0, first[share] > 0 and last[share] == 0))  # fmt: skip
    columns = [
        *group,
        "theme_id",
        "theme_zh",
        "theme_en",
        "first_year",
        "last_year",
        "first_share",
        "last_share",
        "change",
        "change_low",
        "change_high",
        "status",
        "is_new",
        "is_gone",
    ]
    out = pd.DataFrame(rows, columns=columns)
    return out[out["first_year"] < out["last_year"]].sort_values(
        [*group, "change"], ascending=[True] * len(group) + [False], ignore_index=True
    )


def _combine_intervals(first: pd.Series, last: pd.Series, share: str) -> tuple[float, float]:
    """95% interval of last - first from each year's own interval (MOVER); without intervals, the change itself (never decisive)."""
    change = last[share] - first[share]
    if any(pd.isna(row[column]) for row in (first, last) for column in ("share_low", "share_high")):
        return float("nan"), float("nan")
    below = np.hypot(last[share] - last["share_low"], first["share_high"] - first[share])
    above = np.hypot(last["share_high"] - last[share], first[share] - first["share_low"])
    return float(change - below), float(change + above)
