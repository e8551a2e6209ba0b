"""Every chart function returns a styled figure with data for each plan it was given."""

from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

import zwgk
from zwgk import charts
from zwgk.analyses.similar import project_measures, summarise_task_presence
from zwgk.figures.style import FONT_FAMILY, LANGUAGES, label_plans, label_themes
from zwgk.processed.dataset import load_measure_sources
from zwgk.schema import LEVELS


@pytest.fixture(scope="module")
def inputs(seed_data_dir: Path) -> dict:
    plans, tasks = zwgk.load_plans(seed_data_dir), zwgk.load_tasks(seed_data_dir)
    measures, agencies = zwgk.load_measures(seed_data_dir), zwgk.load_agencies(seed_data_dir)
    coded = zwgk.code_measures(measures)
    panel = zwgk.build_theme_panel(plans, measures, coded)
    index = zwgk.build_similarity_index(measures, cache_dir=seed_data_dir / "cache")
    clusters = zwgk.cluster_measures(measures, cache_dir=seed_data_dir / "cache")
    summary = zwgk.summarise_clusters(index, clusters, plans.set_index("plan_id")["jurisdiction"])
    points = project_measures(index).merge(load_measure_sources(seed_data_dir), on="measure_id")
    points = points.merge(coded[["measure_id", "theme_zh", "theme_en"]], on="measure_id")
    return {
        "plans": plans, "tasks": tasks, "measures": measures, "agencies": agencies, "coded": coded, "panel": panel,
        "index": index, "clusters": clusters, "summary": summary, "points": points,
    }  # fmt: skip


def _build(name: str, data: dict, lang: str) -> go.Figure:
    plans, panel = data["plans"], data["panel"]
    gaps = zwgk.find_theme_gaps(data["coded"], data["measures"], data["tasks"], plans, "jiangsu-changzhou-2018", 3, False)
    if name == "plan_sizes":
        return charts.plot_plan_sizes(plans, lang=lang)
    if name == "theme_heatmap":
        return charts.plot_theme_heatmap(panel, plans, gaps=gaps, lang=lang)
    if name == "theme_shares":
        return charts.plot_theme_shares(panel, plans, lang=lang)
    if name == "theme_trends":
        return charts.plot_theme_trends(zwgk.summarise_themes_by_year(panel), plans, lang=lang)
    if name == "common_tasks":
        return charts.plot_common_tasks(summarise_task_presence(data["clusters"], data["summary"]), plans, n_tasks=200, lang=lang)
    if name == "text_reuse":
        return charts.plot_text_reuse(zwgk.summarise_text_reuse(data["index"], zwgk.find_text_reuse(data["index"])), plans, lang=lang)
    if name == "accountability":
        return charts.plot_accountability(zwgk.summarise_accountability(plans, data["tasks"]), plans, lang=lang)
    points = data["points"].assign(theme_label=label_themes(data["points"], lang))
    return charts.plot_measure_map(points, plans, lang=lang)


def _plan_values(fig: go.Figure) -> set[str]:
    values: set = set()
    for trace in fig.data:
        for attribute in ("x", "y", "customdata", "text", "name"):
            value = getattr(trace, attribute, None)
            if value is None:
                continue
            values.update(map(str, value if not isinstance(value, str) else [value]))
    return values


PLAN_CHARTS = ["plan_sizes", "theme_heatmap", "theme_shares", "common_tasks", "text_reuse", "accountability", "measure_map"]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", PLAN_CHARTS)
def test_chart_has_data_for_every_plan(inputs: dict, name: str, lang: str) -> None:
    fig = _build(name, inputs, lang)
    assert isinstance(fig, go.Figure) and fig.data
    labels = label_plans(inputs["plans"], lang)
    found = _plan_values(fig)
    text = " ".join(found)
    for plan_id, label in labels.items():
        assert plan_id in found or label in found or label in text, f"{name}: no data for {plan_id}"
    assert fig.layout.font.family == FONT_FAMILY
    footer = fig.layout.annotations[-1].text
    assert footer.startswith({"zh": "来源", "en": "Source", "both": "来源"}[lang])


def test_titles_follow_the_language_switch(inputs: dict) -> None:
    zh, en, both = (_build("accountability", inputs, lang).layout.title.text for lang in LANGUAGES)
    assert "问责" in zh and "Accountability" not in zh
    assert "Accountability" in en and "问责" not in en
    assert "问责" in both and "Accountability" in both


def test_chart_values_match_the_tables(inputs: dict) -> None:
    fig = charts.plot_plan_sizes(inputs["plans"], lang="en")
    tasks_trace = next(t for t in fig.data if t.name == "Tasks")
    by_plan = dict(zip(tasks_trace.customdata, tasks_trace.x, strict=True))
    assert by_plan["shandong-taian-2017"] == 139 and by_plan["jiangsu-changzhou-2021"] == 17
    trends = charts.plot_theme_trends(zwgk.summarise_themes_by_year(inputs["panel"]), inputs["plans"], lang="en")
    assert all(set(t.x) <= {2017, 2018, 2019, 2021} for t in trends.data)
    assert "pools different places" in trends.layout.title.text  # the year confound is the subtitle, not a footnote


def test_a_chart_for_a_subset_of_plans(inputs: dict) -> None:
    subset = inputs["plans"][inputs["plans"]["year"] == 2018]
    fig = charts.plot_plan_sizes(subset, lang="zh")
    assert set(fig.data[0].customdata) == set(subset["plan_id"])
    assert "泰安" not in fig.layout.annotations[-1].text


def test_gap_and_keyness_charts(inputs: dict) -> None:
    plans = inputs["plans"]
    gaps = zwgk.find_theme_gaps(inputs["coded"], inputs["measures"], inputs["tasks"], plans, "jiangsu-changzhou-2018", 3, False)
    fig = charts.plot_gap_ranking(gaps, plans, "jiangsu-changzhou-2018", lang="both")
    assert sum(len(trace.x) for trace in fig.data) == len(gaps)
    assert "常州市 2018" in fig.layout.title.text
    tokens = zwgk.tokenize_measures(inputs["measures"])
    keyness = zwgk.compute_keyness(tokens, inputs["measures"]["plan_id"] == "shandong-taian-2017")
    keyness_fig = charts.plot_keyness(keyness, plans, "泰安市 2017", n_terms=10)
    assert len(keyness_fig.data[0].y[1]) == 20 and len(keyness_fig.data) == 2  # 10 over, 10 under; target and rest bars
    kinds = zwgk.summarise_agency_kinds(inputs["tasks"], inputs["agencies"])
    x_plans = charts.plot_agency_kinds(kinds, plans).data[0].x[1]  # the axis has two rows: level, plan
    assert set(x_plans) == set(label_plans(plans[plans["plan_id"].isin(kinds["plan_id"])], "both"))
    trends = zwgk.find_emerging_fading(zwgk.summarise_themes_by_year(inputs["panel"], by="jurisdiction"))
    assert sum(len(t.x) for t in charts.plot_emerging_fading(trends, plans).data) == int((trends["status"] != "stable").sum())
    with pytest.raises(ValueError, match="label language"):
        charts.plot_plan_sizes(plans, lang="fr")


@pytest.fixture(scope="module")
def alignment_tables(reference_data_dir: Path) -> dict:
    matcher = zwgk.load_matcher(reference_data_dir, cache_dir=reference_data_dir / "cache")
    alignment, coverage = zwgk.align_plans_with_parents(matcher), zwgk.find_coverage_of_parents(matcher)
    coded = zwgk.code_measures(matcher.measure_sources)
    return {
        "plans": matcher.plans, "coverage": coverage, "coded": coded,
        "summary": zwgk.summarise_alignment(alignment, coverage, matcher.plans),
        "dropped": zwgk.find_dropped_parent_measures(coverage),
        "by_theme": zwgk.summarise_alignment_by_theme(alignment, coverage, coded),
    }  # fmt: skip


@pytest.mark.parametrize("lang", LANGUAGES)
def test_alignment_shares_are_the_summary_shares(alignment_tables: dict, lang: str) -> None:
    summary, plans = alignment_tables["summary"], alignment_tables["plans"]
    fig = charts.plot_alignment_shares(summary, plans, lang=lang)
    expected = summary.set_index("plan_id")
    bars = [t for t in fig.data if t.type == "bar"]
    assert len(bars) == 3 and {t.marker.color for t in bars} == {"#0072B2", "#56B4E9", "#E69F00"}
    for trace, column in zip(
        [*bars, fig.data[-1]], ["share_verbatim", "share_adapted", "share_local", "share_parent_carried"], strict=True
    ):
        assert dict(zip(trace.customdata, trace.x, strict=True)) == pytest.approx(expected[column].to_dict())
    assert set(fig.data[0].customdata) == set(plans.loc[plans["parent_plan_id"].notna(), "plan_id"])
    assert not any("national" in str(p) for p in fig.data[0].customdata)  # the State Council's plans have no parent
    if lang == "en":
        assert "Copied from the parent" in {t.name for t in fig.data} and "计划" not in fig.layout.title.text


def test_compliance_gaps_are_the_most_dropped_parent_measures(alignment_tables: dict) -> None:
    dropped, plans = alignment_tables["dropped"], alignment_tables["plans"]
    fig = charts.plot_compliance_gaps(dropped, plans, top_n=7, lang="en")
    top = dropped[dropped["n_dropping"] > 0].head(7)
    assert list(fig.data[0].x) == pytest.approx(top["share_dropping"].tolist())
    assert [row[0] for row in fig.data[0].customdata] == top["parent_measure_id"].tolist()
    assert all(label[:4].isdigit() and " | " in label for label in fig.data[0].y)  # the parent plan's year leads each label (English)
    assert "dropped" in fig.layout.title.text


def test_timing_shows_only_plans_with_both_dates(alignment_tables: dict) -> None:
    summary, plans = alignment_tables["summary"], alignment_tables["plans"]
    fig = charts.plot_alignment_timing(summary, plans, lang="zh")
    dated = summary[summary["days_after_parent"].notna()]
    assert sorted(fig.data[0].customdata) == sorted(dated["plan_id"])
    by_plan = dict(zip(fig.data[0].customdata, zip(fig.data[0].x, fig.data[0].y, strict=True), strict=True))
    for row in dated.itertuples():
        assert by_plan[row.plan_id] == pytest.approx((row.days_after_parent, row.share_verbatim + row.share_adapted))
    assert f"仅 {len(dated)} 个计划" in fig.layout.annotations[-1].text  # the chart says how few points it rests on


def test_parent_coverage_by_theme_is_the_focal_plans_table(alignment_tables: dict) -> None:
    by_theme, plans = alignment_tables["by_theme"], alignment_tables["plans"]
    fig = charts.plot_parent_coverage_by_theme(by_theme, "jiangsu-changzhou-2018", plans, lang="both", themes=alignment_tables["coded"])
    rows = by_theme[(by_theme["plan_id"] == "jiangsu-changzhou-2018") & (by_theme["n_parent_measures"] > 0)]
    rows = rows[rows["theme_id"] != "unclassified"].set_index("theme_id")
    assert dict(zip(fig.data[0].customdata, fig.data[0].x, strict=True)) == pytest.approx(rows["share_parent_carried"].to_dict())
    assert "常州市 2018" in fig.layout.title.text and "Changzhou 2018" in fig.layout.title.text
    assert not any(label.startswith("unclassified") for label in fig.data[0].y)


def test_alignment_charts_of_nothing_are_empty_figures_that_say_so(alignment_tables: dict) -> None:
    plans = alignment_tables["plans"]
    empty = {name: table.iloc[0:0] for name, table in alignment_tables.items() if name != "plans"}
    figures = [
        charts.plot_alignment_shares(empty["summary"], plans, lang="en"),
        charts.plot_compliance_gaps(empty["dropped"], plans, lang="en"),
        charts.plot_alignment_timing(empty["summary"], plans, lang="en"),
        charts.plot_parent_coverage_by_theme(empty["by_theme"], "national-2018", plans, lang="en"),
    ]
    for fig in figures:
        assert not fig.data and fig.layout.title.text
        assert any(word in fig.layout.annotations[0].text for word in ("No plan", "no parent", "every measure", "both"))


@pytest.fixture(scope="module")
def comparison_tables(reference_data_dir: Path) -> dict:
    matcher = zwgk.load_matcher(reference_data_dir, cache_dir=reference_data_dir / "cache")
    comparison = zwgk.compare_plans("jiangsu-changzhou-2018", "guangdong-jiangmen-xinhui-2018", matcher)
    coded = zwgk.code_measures(matcher.measure_sources)
    panel = zwgk.build_theme_panel(matcher.plans, zwgk.load_measures(reference_data_dir), coded, n_boot=20)
    return {
        "plans": matcher.plans, "comparison": comparison, "summary": zwgk.summarise_comparison(comparison, coded),
        "coords": zwgk.compute_correspondence(panel),
    }  # fmt: skip


@pytest.mark.parametrize("lang", LANGUAGES)
def test_comparison_counts_are_the_measures_of_each_class(comparison_tables: dict, lang: str) -> None:
    comparison, plans = comparison_tables["comparison"], comparison_tables["plans"]
    fig = charts.plot_comparison_counts(comparison, plans, lang=lang)
    counts = comparison.groupby(["plan_id", "comparison_class"]).size().to_dict()
    assert [t.marker.color for t in fig.data] == ["#0072B2", "#56B4E9", "#E69F00"]  # alignment's copied / adapted / own colours
    shown = {(plan_id, name): value for t in fig.data for (plan_id, name), value in zip(t.customdata, t.x, strict=True) if value}
    assert shown == counts
    assert sum(sum(t.x) for t in fig.data) == len(comparison)
    assert [row[0] for row in fig.data[0].customdata] == ["jiangsu-changzhou-2018", "guangdong-jiangmen-xinhui-2018"]
    if lang == "en":
        assert {t.name for t in fig.data} == {"Same in both", "Same task, reworded", "Only in this plan"}


def test_comparison_by_theme_shows_each_difference_and_its_interval(comparison_tables: dict) -> None:
    summary, plans = comparison_tables["summary"], comparison_tables["plans"]
    fig = charts.plot_comparison_by_theme(summary, plans, "jiangsu-changzhou-2018", "guangdong-jiangmen-xinhui-2018", lang="en")
    rows = summary[summary["theme_id"] != "unclassified"].set_index("theme_id")
    shown = {}
    for trace in fig.data:
        for (theme_id, _), x, plus, minus in zip(trace.customdata, trace.x, trace.error_x.array, trace.error_x.arrayminus, strict=True):
            shown[theme_id] = (x, x - minus, x + plus, trace.marker.symbol == "circle")
    assert set(shown) == set(rows.index)
    for theme_id, (x, low, high, highlighted) in shown.items():
        row = rows.loc[theme_id]
        assert (x, low, high) == pytest.approx((row["share_difference"], row["difference_low"], row["difference_high"]))
        assert highlighted == bool(row["is_clear_difference"])
    assert "Changzhou 2018" in fig.layout.title.text and "Xinhui 2018" in fig.layout.title.text


def test_comparison_map_rings_the_two_plans(comparison_tables: dict) -> None:
    coords = comparison_tables["coords"]
    fig = charts.plot_comparison_map(coords, ["jiangsu-changzhou-2018", "guangdong-jiangmen-xinhui-2018"], lang="zh")
    ring = fig.data[-1]
    plans = coords[coords["point_type"] == "plan"].set_index("point_id")
    assert sorted(ring.customdata) == ["guangdong-jiangmen-xinhui-2018", "jiangsu-changzhou-2018"]
    for plan_id, x, y in zip(ring.customdata, ring.x, ring.y, strict=True):
        assert (x, y) == pytest.approx((plans.at[plan_id, "dim1"], plans.at[plan_id, "dim2"]))


def test_comparison_charts_of_nothing_are_empty_figures_that_say_so(comparison_tables: dict) -> None:
    plans = comparison_tables["plans"]
    figures = [
        charts.plot_comparison_counts(comparison_tables["comparison"].iloc[0:0], plans, lang="en"),
        charts.plot_comparison_by_theme(comparison_tables["summary"].iloc[0:0], plans, "national-2018", "national-2019", lang="en"),
    ]
    for fig in figures:
        assert not fig.data and fig.layout.title.text
        assert "no measures" in fig.layout.annotations[0].text


# National plans (the State Council's) next to the local ones: the seeds plus data/raw's national plans.


@pytest.fixture(scope="module")
def reference(reference_data_dir: Path) -> dict:
    plans, tasks = zwgk.load_plans(reference_data_dir), zwgk.load_tasks(reference_data_dir)
    measures, agencies = zwgk.load_measures(reference_data_dir), zwgk.load_agencies(reference_data_dir)
    coded = zwgk.code_measures(measures)
    index = zwgk.build_similarity_index(measures, cache_dir=reference_data_dir / "cache")
    clusters = zwgk.cluster_measures(measures, cache_dir=reference_data_dir / "cache")
    points = project_measures(index).merge(load_measure_sources(reference_data_dir), on="measure_id")
    points = points.merge(coded[["measure_id", "theme_zh", "theme_en"]], on="measure_id")
    return {
        "plans": plans, "tasks": tasks, "measures": measures, "agencies": agencies, "coded": coded, "index": index,
        "clusters": clusters, "points": points, "panel": zwgk.build_theme_panel(plans, measures, coded),
    }  # fmt: skip


def _local_jurisdictions(plans: pd.DataFrame) -> pd.Series:
    by_id = plans.set_index("plan_id")
    return by_id["jurisdiction"].where(by_id["level"] != "national")


def _level_axes(data: dict, lang: str) -> dict[str, tuple]:
    """The two-row (level, plan) axis of every chart that lists plans on an axis."""
    plans, panel, index = data["plans"], data["panel"], data["index"]
    summary = zwgk.summarise_clusters(index, data["clusters"], _local_jurisdictions(plans))
    kinds = zwgk.summarise_agency_kinds(data["tasks"], data["agencies"])
    return {
        "plan_sizes": charts.plot_plan_sizes(plans, lang=lang).data[0].y,
        "theme_heatmap": charts.plot_theme_heatmap(panel, plans, lang=lang).data[0].x,
        "common_tasks": charts.plot_common_tasks(summarise_task_presence(data["clusters"], summary), plans, lang=lang).data[0].x,
        "text_reuse": charts.plot_text_reuse(zwgk.summarise_text_reuse(index, zwgk.find_text_reuse(index)), plans, lang=lang).data[0].y,
        "accountability": charts.plot_accountability(zwgk.summarise_accountability(plans, data["tasks"]), plans, lang=lang).data[0].x,
        "agency_kinds": charts.plot_agency_kinds(kinds, plans, lang=lang).data[0].x,
    }


@pytest.mark.parametrize("lang", LANGUAGES)
def test_plan_axes_group_plans_by_level_national_first(reference: dict, lang: str) -> None:
    plans = reference["plans"]
    national = plans[plans["level"] == "national"]
    assert len(national) == 5 and len(plans) == 10
    names = {"zh": ["全国", "省级", "地级", "县级"], "en": ["National", "Provincial", "Prefectural", "County"]}
    names["both"] = [f"{zh}<br>{en}" for zh, en in zip(names["zh"], names["en"], strict=True)]
    rank = dict(zip(names[lang], range(len(LEVELS)), strict=True))
    labels = label_plans(plans, lang)
    for chart, (levels, plan_labels) in _level_axes(reference, lang).items():
        ranks = [rank[level] for level in levels]  # every level name is one of the four, in the chosen language(s)
        assert ranks == sorted(ranks), f"{chart}: plans not grouped by level"
        shown = national.sort_values("year")["plan_id"]
        if chart == "agency_kinds":  # only plans that name agencies have a column
            shown = shown[shown.isin(reference["agencies"]["plan_id"])]
        n = len(shown)
        assert n >= 1 and list(plan_labels[:n]) == labels[shown].tolist(), f"{chart}: national plans not first, by year"
        assert set(levels[:n]) == {names[lang][0]} and names[lang][0] not in levels[n:], chart


def test_theme_shares_put_each_level_in_its_own_legend_group(reference: dict) -> None:
    fig = charts.plot_theme_shares(reference["panel"], reference["plans"], lang="en")
    levels = reference["plans"].set_index("plan_id")["level"]
    groups = [
        (trace.legendgroup, trace.legendgrouptitle.text, trace.marker.pattern.shape, levels[trace.customdata[0]]) for trace in fig.data
    ]
    assert [g[3] for g in groups[:5]] == ["national"] * 5  # national first
    for group, title, shape, level in groups:
        assert group == level and title == {"national": "National", "prefectural": "Prefectural", "county": "County"}[level]
        assert (shape == "/") == (level == "national")  # national bars hatched: distinct even where colours repeat


def test_pooled_years_without_national_plans_equal_the_local_only_data(reference: dict, inputs: dict) -> None:
    panel = reference["panel"]
    local, national = panel[panel["level"] != "national"], panel[panel["level"] == "national"]
    by_year = zwgk.summarise_themes_by_year(local)
    local_only = zwgk.summarise_themes_by_year(inputs["panel"])  # the seeds alone: no national plan was ever in the data
    keys = ["year", "theme_id"]
    pd.testing.assert_frame_equal(by_year.sort_values(keys, ignore_index=True), local_only.sort_values(keys, ignore_index=True))
    national_by_year = zwgk.summarise_themes_by_year(national)
    fig = charts.plot_theme_trends(by_year, reference["plans"], lang="en", national=national_by_year)
    seeds_fig = charts.plot_theme_trends(local_only, inputs["plans"], lang="en")
    pooled = [t for t in fig.data if t.meta is None]
    assert [(t.xaxis, list(t.x), list(t.y)) for t in pooled] == [(t.xaxis, list(t.x), list(t.y)) for t in seeds_fig.data]
    assert all(t.mode == "markers+text" for t in pooled)  # pooled years join different places: never a line between them
    dashed = [t for t in fig.data if t.meta == "national"]
    assert len(dashed) == len(pooled) and all(t.line.dash == "dash" for t in dashed)
    shares = national.set_index(["theme_id", "year"])["share_measures"]
    themes = [a.text for a in fig.layout.annotations[:-1]]  # one panel per theme, titled with its name
    names = national.drop_duplicates("theme_id").set_index("theme_en")["theme_id"]
    for k, trace in enumerate(dashed):
        theme = names[themes[k]]
        assert list(trace.y) == pytest.approx([shares[(theme, year)] for year in trace.x])  # one national plan a year: its own share
    assert sorted(set(dashed[0].x)) == sorted(national["year"].unique())
    assert [t.name for t in fig.data if t.showlegend] == ["Local plans (mean)", "National plans (State Council)"]


def test_common_tasks_are_shared_by_local_jurisdictions(reference: dict) -> None:
    plans, clusters = reference["plans"], reference["clusters"]
    summary = zwgk.summarise_clusters(reference["index"], clusters, _local_jurisdictions(plans))
    local = clusters.merge(plans[["plan_id", "jurisdiction", "level"]], on="plan_id").query("level != 'national'")
    places = local.groupby("cluster_id")["jurisdiction"].nunique()
    common = summary.loc[summary["is_common_task"], "cluster_id"]
    assert len(common) and (places.reindex(common).fillna(0) >= 2).all()
    with_national = zwgk.summarise_clusters(reference["index"], clusters, plans.set_index("plan_id")["jurisdiction"])
    assert with_national["is_common_task"].sum() > len(common)  # counting 全国 as a place would add tasks only copied from it


def test_measure_map_marks_national_measures(reference: dict) -> None:
    points = reference["points"].assign(theme_label=label_themes(reference["points"], "en"))
    fig = charts.plot_measure_map(points, reference["plans"], lang="en")
    levels = reference["plans"].set_index("plan_id")["level"]
    for trace in fig.data:
        symbols = np.asarray(trace.marker.symbol)
        assert ((symbols == "diamond") == (pd.Series(trace.customdata).map(levels) == "national").to_numpy()).all()
    assert "◆ National" in fig.layout.annotations[-1].text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_ten_plans_leave_room_for_every_label(reference: dict, lang: str) -> None:
    plans = reference["plans"]
    for fig in (charts.plot_theme_heatmap(reference["panel"], plans, lang=lang),
                charts.plot_accountability(zwgk.summarise_accountability(plans, reference["tasks"]), plans, lang=lang)):  # fmt: skip
        margin = fig.layout.margin
        side = 180 if isinstance(fig.data[0], go.Heatmap) else 420
        assert (fig.layout.width - margin.l - margin.r - side) / len(plans) >= 80  # px per plan: two-line labels stay apart
        assert fig.layout.annotations[-1].yshift < -80  # the source note moved below the level row


@pytest.mark.parametrize("n_plans", [0, 1])
def test_plan_charts_with_one_or_no_plan(reference: dict, n_plans: int) -> None:
    plans = reference["plans"].iloc[:n_plans]
    ids = plans["plan_id"]
    panel, tasks, agencies = reference["panel"], reference["tasks"], reference["agencies"]
    figs = [
        charts.plot_plan_sizes(plans),
        charts.plot_theme_heatmap(panel[panel["plan_id"].isin(ids)], plans),
        charts.plot_theme_shares(panel[panel["plan_id"].isin(ids)], plans),
        charts.plot_accountability(zwgk.summarise_accountability(plans, tasks), plans),
        charts.plot_agency_kinds(
            zwgk.summarise_agency_kinds(tasks[tasks["plan_id"].isin(ids)], agencies[agencies["plan_id"].isin(ids)]), plans
        ),
        charts.plot_text_reuse(pd.DataFrame(columns=["plan_id", "other_plan_id", "share_copied"]), plans),
    ]
    for fig in figs:
        fig.to_json()  # a complete, serialisable figure
        assert fig.layout.annotations[-1].text.startswith("来源")
