"""Comparison tables on the seed dataset: panel, themes over time, keyness, gaps, accountability."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import zwgk
from zwgk.analyses.accountability import has_quantified_target, summarise_accountability, summarise_agency_kinds
from zwgk.analyses.gaps import find_task_gaps, find_theme_gaps, select_peers
from zwgk.analyses.keyness import compute_keyness, search_kwic
from zwgk.analyses.panel import build_theme_panel
from zwgk.analyses.similar import build_similarity_index, cluster_index, summarise_clusters
from zwgk.analyses.themes import code_measures, codebook_table
from zwgk.analyses.timelines import compute_year_changes, find_emerging_fading, summarise_themes_by_year
from zwgk.analyses.tokens import tokenize_measures


@pytest.fixture(scope="module")
def data(seed_data_dir: Path) -> dict[str, pd.DataFrame]:
    measures = zwgk.load_measures(seed_data_dir)
    return {
        "plans": zwgk.load_plans(seed_data_dir),
        "tasks": zwgk.load_tasks(seed_data_dir),
        "measures": measures,
        "agencies": zwgk.load_agencies(seed_data_dir),
        "coded": code_measures(measures),
    }


@pytest.fixture(scope="module")
def panel(data: dict[str, pd.DataFrame]) -> pd.DataFrame:
    return build_theme_panel(data["plans"], data["measures"], data["coded"])


def test_panel_is_complete_and_shares_add_up(panel: pd.DataFrame, data: dict[str, pd.DataFrame]) -> None:
    n_themes = len(codebook_table()) + 1  # plus unclassified
    assert len(panel) == 5 * n_themes
    assert not panel.duplicated(["plan_id", "theme_id"]).any()
    sums = panel.groupby("plan_id")[["share_measures", "share_chars"]].sum()
    assert np.allclose(sums, 1.0)
    counts = panel.groupby("plan_id")["n_measures"].sum()
    assert counts.to_dict() == data["measures"].groupby("plan_id").size().to_dict()
    assert (panel["share_low"] <= panel["share_measures"] + 1e-12).all()
    assert (panel["share_measures"] <= panel["share_high"] + 1e-12).all()
    assert {"jurisdiction", "level", "province", "year"} <= set(panel.columns)


def test_bootstrap_intervals_are_reproducible_and_per_plan(data: dict[str, pd.DataFrame], panel: pd.DataFrame) -> None:
    again = build_theme_panel(data["plans"], data["measures"], data["coded"])
    pd.testing.assert_frame_equal(panel, again)
    one_plan = data["plans"][data["plans"]["plan_id"] == "jiangsu-changzhou-2021"]
    alone = build_theme_panel(one_plan, data["measures"][data["measures"]["plan_id"] == "jiangsu-changzhou-2021"], data["coded"])
    together = panel[panel["plan_id"] == "jiangsu-changzhou-2021"].reset_index(drop=True)
    pd.testing.assert_frame_equal(alone.reset_index(drop=True), together)  # adding plans changes nothing
    wide = panel[(panel["plan_id"] == "jiangsu-changzhou-2021") & (panel["theme_id"] == "organization_evaluation")].iloc[0]
    assert wide["share_low"] < wide["share_measures"] < wide["share_high"]


def test_themes_by_year_pooled_and_per_jurisdiction(panel: pd.DataFrame) -> None:
    pooled = summarise_themes_by_year(panel)
    assert sorted(pooled["year"].unique()) == [2017, 2018, 2019, 2021]
    assert pooled.loc[pooled["year"] == 2018, "n_jurisdictions"].unique().tolist() == [2]
    assert np.allclose(pooled.groupby("year")["share_measures"].sum(), 1.0)
    assert np.allclose(pooled.groupby("year")["mean_plan_share"].sum(), 1.0)
    assert (pooled["share_low"] <= pooled["mean_plan_share"] + 1e-12).all()
    assert (pooled["mean_plan_share"] <= pooled["share_high"] + 1e-12).all()
    wide = pooled[(pooled["year"] == 2018) & (pooled["theme_id"] == "admin_services")].iloc[0]
    assert wide["share_low"] < wide["mean_plan_share"] < wide["share_high"]
    per_place = summarise_themes_by_year(panel, by="jurisdiction")
    changes = compute_year_changes(per_place)
    assert set(changes["jurisdiction"]) == {"常州市"}  # the only jurisdiction with two years
    assert set(zip(changes["previous_year"], changes["year"], strict=True)) == {(2018, 2021)}
    trends = find_emerging_fading(per_place)
    row = trends.set_index("theme_id").loc["organization_evaluation"]
    assert (row["status"], bool(row["is_new"])) == ("emerging", True)
    assert set(trends["status"]) <= {"emerging", "fading", "stable"}


def test_keyness_finds_what_sets_a_plan_apart(data: dict[str, pd.DataFrame]) -> None:
    measures = data["measures"]
    tokens = tokenize_measures(measures)
    words = compute_keyness(tokens, measures["plan_id"] == "shandong-taian-2017")
    over = words[words["direction"] == "over"]
    assert over["g2"].is_monotonic_decreasing
    assert {"产能", "国有", "企业"} & set(over["term"].head(15))
    assert (words["p_value"].between(0, 1)).all()
    themes = compute_keyness(data["coded"]["theme_id"], measures["plan_id"].eq("shandong-taian-2017").to_numpy(), min_count=1)
    assert themes.iloc[0]["term"] == "economy_markets"


def test_kwic_returns_context_and_sources(data: dict[str, pd.DataFrame]) -> None:
    hits = search_kwic(data["measures"], "12345", window=6, tasks=data["tasks"])
    assert len(hits) >= 5
    assert (hits["keyword"] == "12345").all()
    first = hits.iloc[0]
    assert first["line_start"] <= first["line_end"]
    text = data["measures"].set_index("measure_id").loc[first["measure_id"], "text"]
    assert first["left"] + "12345" + first["right"] in text


def test_peers_respect_level_and_year_window_and_flag_other_years(data: dict[str, pd.DataFrame]) -> None:
    plans = data["plans"]
    peers = select_peers(plans, "jiangsu-changzhou-2018", year_window=1)
    assert peers["plan_id"].tolist() == ["shandong-taian-2017"]  # same level, other jurisdiction, within a year
    assert peers["is_other_year"].tolist() == [True]
    assert select_peers(plans, "jiangsu-changzhou-2018", year_window=0).empty
    wide = select_peers(plans, "jiangsu-changzhou-2018", year_window=3, same_level=False)
    assert set(wide["plan_id"]) == {"shandong-taian-2017", "guangdong-jiangmen-xinhui-2018", "jiangsu-suzhou-taicang-2019"}
    assert "jiangsu-changzhou-2021" not in set(wide["plan_id"])  # same jurisdiction is never a peer


def test_theme_and_task_gaps_name_peers_and_their_source_lines(data: dict[str, pd.DataFrame], seed_data_dir: Path) -> None:
    gaps = find_theme_gaps(
        data["coded"], data["measures"], data["tasks"], data["plans"], "jiangsu-changzhou-2018", year_window=3, same_level=False
    )
    assert not gaps.empty
    assert (gaps["peer_share"] >= 0.5).all()
    covered = set(data["coded"].merge(data["measures"], on="measure_id").query("plan_id == 'jiangsu-changzhou-2018'")["theme_id"])
    assert covered.isdisjoint(gaps["theme_id"])
    first = gaps.iloc[0]
    assert first["peer_sources"] and all(" L" in source for source in first["peer_sources"])
    assert first["includes_other_year_peers"]
    index = build_similarity_index(data["measures"], cache_dir=seed_data_dir / "cache")
    clusters = cluster_index(index)
    summary = summarise_clusters(index, clusters, data["plans"].set_index("plan_id")["jurisdiction"])
    tasks = find_task_gaps(
        clusters, summary, data["measures"], data["tasks"], data["plans"], "jiangsu-suzhou-taicang-2019", year_window=2, same_level=False
    )
    assert (tasks["peer_share"] >= 0.5).all()
    assert tasks["label"].notna().all()
    assert len(tasks) > 0
    # the text shown for a gap is a covering peer's own measure, with its source lines, never another plan's
    measures = data["measures"].set_index("measure_id")
    peers = set(select_peers(data["plans"], "jiangsu-suzhou-taicang-2019", 2, False)["plan_id"])
    for row in tasks.itertuples():
        assert {measures.at[m, "plan_id"] for m in row.peer_measure_ids} <= peers
        assert sorted(text.split(": ", 1)[1] for text in row.peer_texts) == sorted(measures.loc[row.peer_measure_ids, "text"])
    assert "representative_text" not in tasks.columns


def test_accountability_indicators(data: dict[str, pd.DataFrame]) -> None:
    table = summarise_accountability(data["plans"], data["tasks"]).set_index("plan_id")
    assert table.loc["jiangsu-changzhou-2018", "share_with_lead"] == 1.0
    assert np.isnan(table.loc["jiangsu-changzhou-2021", "share_with_lead"])  # prose names no agencies: missing, not zero
    assert not table.loc["jiangsu-changzhou-2021", "names_agencies"]
    assert table.loc["shandong-taian-2017", "share_with_deadline_or_frequency"] == pytest.approx(31 / 139)
    assert has_quantified_target("在本方案公布后30个工作日内公开")
    assert has_quantified_target("主要负责人年内至少听取一次政务公开工作汇报")
    assert not has_quantified_target("2021年底前完成清理")
    kinds = summarise_agency_kinds(data["tasks"], data["agencies"])
    assert (kinds["share_of_tasks"] <= 1).all()
    assert set(kinds["plan_id"]) == {"jiangsu-changzhou-2018", "guangdong-jiangmen-xinhui-2018", "shandong-taian-2017"}
