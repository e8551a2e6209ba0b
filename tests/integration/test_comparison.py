"""Comparing two plans measure by measure, and one place across years, against pairs read by hand.

Every pair pinned here was read side by side (tests/data/plan_comparison_sample.csv holds
them with the reader's note) and the reading agrees with the class the code gives.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import zwgk

XINHUI, CHANGZHOU_2018, CHANGZHOU_2021 = "guangdong-jiangmen-xinhui-2018", "jiangsu-changzhou-2018", "jiangsu-changzhou-2021"


@pytest.fixture(scope="module")
def matcher(seed_data_dir: Path) -> zwgk.analyses.matching.MeasureMatcher:
    return zwgk.load_matcher(seed_data_dir)


def _row(comparison: pd.DataFrame, measure_id: str) -> pd.Series:
    return comparison.set_index("measure_id").loc[measure_id]


def test_two_plans_of_two_places(matcher: zwgk.analyses.matching.MeasureMatcher) -> None:
    comparison = zwgk.compare_plans(XINHUI, CHANGZHOU_2018, matcher)
    assert comparison.groupby("side")["plan_id"].unique().map(list).to_dict() == {"a": [XINHUI], "b": [CHANGZHOU_2018]}
    assert (comparison["side"] == "a").sum() == 80 and (comparison["side"] == "b").sum() == 62  # every measure of either plan
    read_by_hand = {
        # 舆情应对效果评估和问责: the same sentence in both
        f"{XINHUI}-t025-m01": ("same", f"{CHANGZHOU_2018}-t017-m01"),
        f"{XINHUI}-t042-m01": ("same", f"{CHANGZHOU_2018}-t021-m01"),
        # 一窗受理: 并行办理 in 新会, 集成服务 with comprehensive windows in 常州
        f"{XINHUI}-t035-m01": ("reworded", f"{CHANGZHOU_2018}-t022-m01"),
        f"{CHANGZHOU_2018}-t008-m01": ("reworded", f"{XINHUI}-t011-m01"),  # 社会公益事业 disclosure rules
        # 新会 only: website security, protecting website users' data, hotline duty and supervision
        f"{XINHUI}-t049-m01": ("only_in_a", None),
        f"{XINHUI}-t050-m01": ("only_in_a", None),
        f"{XINHUI}-t055-m02": ("only_in_a", None),
        f"{CHANGZHOU_2018}-t031-m01": ("only_in_b", None),  # 常州 only: its disclosure-standardisation pilot
    }
    for measure_id, (expected, counterpart) in read_by_hand.items():
        row = _row(comparison, measure_id)
        assert row["comparison_class"] == expected, measure_id
        if counterpart:
            assert row["other_measure_id"] == counterpart, measure_id
    same = _row(comparison, f"{XINHUI}-t025-m01")
    assert same["other_text"].startswith("适时开展政务舆情应对工作效果评估") and pd.notna(same["other_line_start"])


def test_one_place_across_years(matcher: zwgk.analyses.matching.MeasureMatcher) -> None:
    diff = zwgk.diff_years("常州市", 2018, 2021, matcher)
    assert diff.equals(zwgk.diff_years("Changzhou", 2018, 2021, matcher))
    assert set(diff.loc[diff["side"] == "a", "plan_id"]) == {CHANGZHOU_2018} and set(diff.loc[diff["side"] == "b", "plan_id"]) == {
        CHANGZHOU_2021
    }
    read_by_hand = {
        f"{CHANGZHOU_2021}-t011-m03": ("reworded", f"{CHANGZHOU_2018}-t034-m01"),  # 主动公开目录: now down to 镇(街道)
        f"{CHANGZHOU_2021}-t012-m01": ("reworded", f"{CHANGZHOU_2018}-t032-m01"),  # disclosure built into office workflows
        f"{CHANGZHOU_2021}-t007-m01": ("reworded", f"{CHANGZHOU_2018}-t009-m01"),  # 预决算公开
        f"{CHANGZHOU_2021}-t005-m01": ("only_in_b", None),  # new in 2021: COVID-19 information
        f"{CHANGZHOU_2021}-t015-m02": ("only_in_b", None),  # new: regular training of disclosure staff
        f"{CHANGZHOU_2018}-t031-m01": ("only_in_a", None),  # dropped: the 2018 standardisation pilot
        f"{CHANGZHOU_2018}-t036-m01": ("only_in_a", None),  # dropped: the big-data centre
    }
    for measure_id, (expected, counterpart) in read_by_hand.items():
        row = _row(diff, measure_id)
        assert row["comparison_class"] == expected, measure_id
        if counterpart:
            assert row["other_measure_id"] == counterpart, measure_id
    counts = diff.groupby(["side", "comparison_class"]).size().to_dict()
    assert sum(counts.values()) == 62 + 50
    with pytest.raises(KeyError, match=r"unknown plan of place and year '常州市 2019'; did you mean: jiangsu-changzhou-2018"):
        zwgk.diff_years("常州市", 2018, 2019, matcher)


def test_a_table_plan_compares_with_a_prose_plan(matcher: zwgk.analyses.matching.MeasureMatcher) -> None:
    plans = matcher.plans.set_index("plan_id")
    assert (plans.loc[CHANGZHOU_2018, "layout"], plans.loc[CHANGZHOU_2021, "layout"]) == ("table_tab", "numbered_prose")
    diff = zwgk.diff_years("常州市", 2018, 2021, matcher)
    assert (diff["comparison_class"] == "reworded").sum() >= 10  # measures meet across layouts (rows against paragraphs met none)


def test_the_summary_by_theme(matcher: zwgk.analyses.matching.MeasureMatcher) -> None:
    diff = zwgk.diff_years("常州市", 2018, 2021, matcher)
    coded = zwgk.code_measures(matcher.measure_sources)
    summary = zwgk.summarise_comparison(diff, coded).set_index("theme_id")
    assert summary["n_a"].sum() == 62 and summary["n_b"].sum() == 50
    assert summary["share_a"].sum() == pytest.approx(1) and summary["share_b"].sum() == pytest.approx(1)
    assert ((summary["difference_low"] <= summary["share_difference"]) & (summary["share_difference"] <= summary["difference_high"])).all()
    # 2021 adds a section on organisation and evaluation (8 of 50 measures; none in 2018): a clear difference
    row = summary.loc["organization_evaluation"]
    assert (row["n_a"], row["n_b"], bool(row["is_clear_difference"])) == (0, 8, True)
    assert row["difference_high"] < 0
    equal = zwgk.summarise_comparison(zwgk.compare_plans(CHANGZHOU_2018, XINHUI, matcher), coded)
    assert not equal.empty and (equal["difference_low"] < equal["difference_high"]).all()


def test_comparing_a_plan_with_itself_is_refused(matcher: zwgk.analyses.matching.MeasureMatcher) -> None:
    with pytest.raises(ValueError, match="with itself"):
        zwgk.compare_plans(XINHUI, XINHUI, matcher)
