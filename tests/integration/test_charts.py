"""Every chart function returns a styled figure with data for each plan it was given."""

from pathlib import Path

import plotly.graph_objects as go
import pytest

import zwgk
from zwgk import charts
from zwgk.analyses.similar import project_measures, summarise_task_presence
from zwgk.figures.style import FONT_FAMILY, LANGUAGES, label_plans, label_themes
from zwgk.processed.dataset import load_measure_sources


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
    assert "different places" in trends.layout.annotations[-1].text  # the year confound is stated


def test_a_chart_for_a_subset_of_plans(inputs: dict) -> None:
    subset = inputs["plans"][inputs["plans"]["year"] == 2018]
    fig = charts.plot_plan_sizes(subset, lang="zh")
    assert set(fig.data[0].customdata) == set(subset["plan_id"])
    assert "泰安" not in fig.layout.annotations[-1].text


def test_gap_and_keyness_charts(inputs: dict) -> None:
    plans = inputs["plans"]
    gaps = zwgk.find_theme_gaps(inputs["coded"], inputs["measures"], inputs["tasks"], plans, "jiangsu-changzhou-2018", 3, False)
    fig = charts.plot_gap_ranking(gaps, plans, "常州市 2018", lang="both")
    assert len(fig.data[0].x) == len(gaps)
    tokens = zwgk.tokenize_measures(inputs["measures"])
    keyness = zwgk.compute_keyness(tokens, inputs["measures"]["plan_id"] == "shandong-taian-2017")
    assert len(charts.plot_keyness(keyness, plans, "泰安市 2017", n_terms=10).data[0].y) == 10
    kinds = zwgk.summarise_agency_kinds(inputs["tasks"], inputs["agencies"])
    assert set(charts.plot_agency_kinds(kinds, plans).data[0].x) == set(label_plans(plans[plans["plan_id"].isin(kinds["plan_id"])], "both"))
    trends = zwgk.find_emerging_fading(zwgk.summarise_themes_by_year(inputs["panel"], by="jurisdiction"))
    assert len(charts.plot_emerging_fading(trends, plans).data[0].x) == int((trends["status"] != "stable").sum())
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
    assert all(label[:4].isdigit() and "｜" in label for label in fig.data[0].y)  # the parent plan's year leads each label
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
