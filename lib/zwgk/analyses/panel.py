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
    count_values, char_values = counts.to_numpy(dtype=float), chars.to_numpy(dtype=float)
    intervals = [_bootstrap_interval(row, plan_id, seed, n_boot, level) for plan_id, row in zip(counts.index, count_values, strict=True)]
    with np.errstate(invalid="ignore", divide="ignore"):  # a plan with no measure has no shares (NaN)
        shares = count_values / count_values.sum(axis=1, keepdims=True)
        char_shares = char_values / char_values.sum(axis=1, keepdims=True)
    panel = pd.DataFrame(
        {
            "plan_id": np.repeat(counts.index.to_numpy(object), len(themes)),
            "theme_id": np.tile(np.array(themes, dtype=object), len(counts)),
            "n_measures": count_values.ravel().astype(int),
            "share_measures": shares.ravel(),
            "share_low": np.concatenate([low for low, _ in intervals]) if intervals else np.empty(0),
            "share_high": np.concatenate([high for _, high in intervals]) if intervals else np.empty(0),
            "share_chars": char_shares.ravel(),
        }
    )
    panel = panel.merge(plans[PLAN_COLUMNS], on="plan_id").join(names, on="theme_id")
    return panel[
        [*PLAN_COLUMNS, "theme_id", "theme_zh", "theme_en", "n_measures", "share_measures", "share_low", "share_high", "share_chars"]
    ]
