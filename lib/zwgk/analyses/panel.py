"""The plan x theme panel: counts, shares of measures and of characters, with bootstrap
intervals over measures, and each plan's jurisdiction, level, province and year.

Plans differ ten-fold in length and are written in different layouts, so comparisons use
shares of sentence-level measures, never raw counts of rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from zwgk.analyses.bootstrap import N_BOOTSTRAP, draw_plan_shares
from zwgk.analyses.themes import UNCLASSIFIED, codebook_table

PLAN_COLUMNS = ["plan_id", "jurisdiction", "jurisdiction_en", "level", "province", "province_en", "year"]


def _bootstrap_interval(counts: np.ndarray, plan_id: str, seed: int, n_boot: int, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval of each theme's share when the plan's measures are resampled."""
    draws = draw_plan_shares(counts, plan_id, seed, n_boot)
    if draws is None:
        return np.full(len(counts), np.nan), np.full(len(counts), np.nan)
    tail = (1 - level) / 2
    return np.quantile(draws, tail, axis=0), np.quantile(draws, 1 - tail, axis=0)


def build_theme_panel(
    plans: pd.DataFrame, measures: pd.DataFrame, coded: pd.DataFrame, n_boot: int = N_BOOTSTRAP, level: float = 0.95, seed: int = 0
) -> pd.DataFrame:
    """Return one row per plan and theme (zeros included, unclassified last).

    ``coded`` is `themes.code_measures` output. Columns: plan columns, theme_id, theme_zh,
    theme_en, n_measures, share_measures, share_low, share_high, share_chars.
    """
    themes = [*codebook_table()["theme_id"], UNCLASSIFIED]
    names = codebook_table().set_index("theme_id")[["theme_zh", "theme_en"]]
    names.loc[UNCLASSIFIED] = ["未分类", "Unclassified"]
    frame = measures[["measure_id", "plan_id", "text"]].merge(coded[["measure_id", "theme_id"]], on="measure_id", validate="1:1")
    frame["chars"] = frame["text"].str.len()
    counts = frame.pivot_table(index="plan_id", columns="theme_id", values="measure_id", aggfunc="count", fill_value=0)
    chars = frame.pivot_table(index="plan_id", columns="theme_id", values="chars", aggfunc="sum", fill_value=0)
    counts = counts.reindex(index=plans["plan_id"], columns=themes, fill_value=0)
    chars = chars.reindex(index=plans["plan_id"], columns=themes, fill_value=0)
    rows = []
    for plan_id in counts.index:
        plan_counts = counts.loc[plan_id].to_numpy(dtype=float)
        low, high = _bootstrap_interval(plan_counts, plan_id, seed, n_boot, level)
        total, total_chars = plan_counts.sum(), chars.loc[plan_id].sum()
        for i, theme_id in enumerate(themes):
            rows.append((plan_id, theme_id, int(plan_counts[i]), plan_counts[i] / total if total else np.nan, low[i], high[i],
                         chars.loc[plan_id, theme_id] / total_chars if total_chars else np.nan))  # fmt: skip
    panel = pd.DataFrame(rows, columns=["plan_id", "theme_id", "n_measures", "share_measures", "share_low", "share_high", "share_chars"])
    panel = panel.merge(plans[PLAN_COLUMNS], on="plan_id").join(names, on="theme_id")
    return panel[
        [*PLAN_COLUMNS, "theme_id", "theme_zh", "theme_en", "n_measures", "share_measures", "share_low", "share_high", "share_chars"]
    ]
