"""Keyness direction and emerging/fading status on small hand-made tables whose answers are worked out by hand."""

import math

import pandas as pd
import pytest

from zwgk.analyses.keyness import compute_keyness
from zwgk.analyses.timelines import find_emerging_fading


def test_keyness_direction_follows_the_rates_for_rare_terms() -> None:
    # Target: 4 words (审批 x2, 公开 x2); rest: 36 words (公开 x30, 审批 x3, 代表 x3). Totals A = 4, B = 36, N = 40.
    target = [["审批", "审批", "公开", "公开"]]
    rest = [["公开"] * 30 + ["审批"] * 3 + ["代表"] * 3]
    items = pd.Series(target + rest)
    table = compute_keyness(items, [True, False], min_count=1).set_index("term")
    # 代表: 0 in the target, 3 of 36 in the rest: a lower rate in the target, so "under" and a negative log ratio.
    prior = 0.5 / 40
    expected = math.log2((0 / 4 + prior) / (3 / 36 + prior))
    assert table.loc["代表", "direction"] == "under"
    assert table.loc["代表", "log_ratio"] == pytest.approx(expected) and expected < 0
    # 审批: 2/4 = 0.5 in the target against 3/36 = 0.083: over. 公开: 0.5 against 0.83: under.
    assert table.loc["审批", "direction"] == "over" and table.loc["审批", "log_ratio"] > 0
    assert table.loc["公开", "direction"] == "under"
    # Ordering of the over-used by strength: 审批 is the only one; under-used 代表 and 公开 follow it.
    assert table.index[0] == "审批"
    assert (table["log_ratio"] > 0).eq(table["direction"] == "over").all()  # sign and label always agree


def test_keyness_sign_holds_when_the_rest_is_much_larger() -> None:
    # Half-smoothing the counts alone made a term absent from a small target look overused against a large rest.
    target = [["甲"] * 10]
    rest = [["甲"] * 1000 + ["乙"] * 3]
    table = compute_keyness(pd.Series(target + rest), [True, False], min_count=1).set_index("term")
    assert table.loc["乙", "direction"] == "under" and table.loc["乙", "log_ratio"] < 0
    assert table.loc["甲", "direction"] == "over"  # 10/10 against 1000/1003


def _by_year(first: tuple[float, float, float], last: tuple[float, float, float]) -> pd.DataFrame:
    rows = [
        {"jurisdiction": "甲市", "jurisdiction_en": "Jia", "year": year, "theme_id": "t", "theme_zh": "主题", "theme_en": "Theme",
         "mean_plan_share": share, "share_low": low, "share_high": high}
        for year, (share, low, high) in ((2018, first), (2021, last))
    ]  # fmt: skip
    return pd.DataFrame(rows)


def test_emerging_needs_an_interval_of_change_above_zero() -> None:
    # +2 pp with intervals of +-5 pp each year: the change's interval is +2 -+ sqrt(5^2 + 5^2) = [-5.07, +9.07] pp: stable.
    wide = find_emerging_fading(_by_year((0.10, 0.05, 0.15), (0.12, 0.07, 0.17))).iloc[0]
    assert wide["status"] == "stable"
    assert wide["change_low"] == pytest.approx(0.02 - math.hypot(0.05, 0.05))
    assert wide["change_high"] == pytest.approx(0.02 + math.hypot(0.05, 0.05))
    # +10 pp with intervals of +-2 pp: [+7.2, +12.8] pp: emerging. The mirror image fades.
    assert find_emerging_fading(_by_year((0.10, 0.08, 0.12), (0.20, 0.18, 0.22))).iloc[0]["status"] == "emerging"
    assert find_emerging_fading(_by_year((0.20, 0.18, 0.22), (0.10, 0.08, 0.12))).iloc[0]["status"] == "fading"


def test_keyness_without_a_reference_is_empty_not_all_over() -> None:
    items = pd.Series([["公开", "解读"], ["公开"]])
    assert compute_keyness(items, [True, True], min_count=1).empty
    assert compute_keyness(items, [False, False], min_count=1).empty
