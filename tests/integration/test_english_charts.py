"""English charts carry no Chinese: every chart function of zwgk.charts, with lang="en", on the seeds and national plans.

The chart functions are found by introspection, so a new chart cannot skip this test: it
must be given a builder below.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from pathlib import Path

import plotly.graph_objects as go
import pytest

import zwgk
from zwgk import charts
from zwgk.analyses.glossary import CJK_PATTERN
from zwgk.analyses.similar import project_measures, summarise_task_presence
from zwgk.figures.style import label_plans, label_themes
from zwgk.processed.dataset import load_measure_sources

CHART_FUNCTIONS = sorted(name for name, value in inspect.getmembers(charts, inspect.isfunction) if name.startswith("plot_"))


@pytest.fixture(scope="module")
def tables(reference_data_dir: Path) -> dict:
    plans, tasks, measures = (
        zwgk.load_plans(reference_data_dir),
        zwgk.load_tasks(reference_data_dir),
        zwgk.load_measures(reference_data_dir),
    )
    cache = reference_data_dir / "cache"
    coded = zwgk.code_measures(measures)
    panel = zwgk.build_theme_panel(plans, measures, coded, n_boot=20)
    index = zwgk.build_similarity_index(measures, cache_dir=cache)
    clusters = zwgk.cluster_measures(measures, cache_dir=cache)
    summary = zwgk.summarise_clusters(index, clusters, plans.set_index("plan_id")["jurisdiction"])
    points = project_measures(index).merge(load_measure_sources(reference_data_dir), on="measure_id")
    points = points.merge(coded[["measure_id", "theme_zh", "theme_en"]], on="measure_id")
    matcher = zwgk.load_matcher(reference_data_dir, cache_dir=cache)
    alignment, coverage = zwgk.align_plans_with_parents(matcher), zwgk.find_coverage_of_parents(matcher)
    comparison = zwgk.compare_plans("jiangsu-changzhou-2018", "guangdong-jiangmen-xinhui-2018", matcher)
    tokens = zwgk.tokenize_measures(measures)
    return {
        "plans": plans, "tasks": tasks, "measures": measures, "coded": coded, "panel": panel, "index": index, "points": points,
        "presence": summarise_task_presence(clusters, summary), "agencies": zwgk.load_agencies(reference_data_dir),
        "gaps": zwgk.find_theme_gaps(coded, measures, tasks, plans, "jiangsu-changzhou-2018", 3, False),
        "keyness": zwgk.compute_keyness(tokens, measures["plan_id"] == "shandong-taian-2017"),
        "alignment_summary": zwgk.summarise_alignment(alignment, coverage, matcher.plans),
        "dropped": zwgk.find_dropped_parent_measures(coverage),
        "by_theme": zwgk.summarise_alignment_by_theme(alignment, coverage, coded),
        "comparison": comparison, "comparison_summary": zwgk.summarise_comparison(comparison, coded),
        "coords": zwgk.compute_correspondence(panel),
    }  # fmt: skip


def _builders(t: dict, lang: str) -> dict[str, Callable[[], go.Figure]]:
    plans, panel = t["plans"], t["panel"]
    focal = "jiangsu-changzhou-2018"
    a, b = "jiangsu-changzhou-2018", "guangdong-jiangmen-xinhui-2018"
    return {
        "plot_accountability": lambda: charts.plot_accountability(zwgk.summarise_accountability(plans, t["tasks"]), plans, lang=lang),
        "plot_agency_kinds": lambda: charts.plot_agency_kinds(zwgk.summarise_agency_kinds(t["tasks"], t["agencies"]), plans, lang=lang),
        "plot_alignment_shares": lambda: charts.plot_alignment_shares(t["alignment_summary"], plans, lang=lang),
        "plot_alignment_timing": lambda: charts.plot_alignment_timing(t["alignment_summary"], plans, lang=lang),
        "plot_common_tasks": lambda: charts.plot_common_tasks(t["presence"], plans, n_tasks=200, lang=lang),
        "plot_comparison_by_theme": lambda: charts.plot_comparison_by_theme(t["comparison_summary"], plans, a, b, lang=lang),
        "plot_comparison_counts": lambda: charts.plot_comparison_counts(t["comparison"], plans, lang=lang),
        "plot_comparison_map": lambda: charts.plot_comparison_map(t["coords"], [a, b], lang=lang),
        "plot_correspondence_map": lambda: charts.plot_correspondence_map(t["coords"], lang=lang),
        "plot_compliance_gaps": lambda: charts.plot_compliance_gaps(t["dropped"], plans, lang=lang),
        "plot_emerging_fading": lambda: charts.plot_emerging_fading(
            zwgk.find_emerging_fading(zwgk.summarise_themes_by_year(panel, by="jurisdiction")), plans, lang=lang
        ),
        "plot_gap_ranking": lambda: charts.plot_gap_ranking(t["gaps"], plans, focal, lang=lang),
        "plot_keyness": lambda: charts.plot_keyness(t["keyness"], plans, "泰安市 2017", lang=lang),
        "plot_measure_map": lambda: charts.plot_measure_map(t["points"].assign(theme_label=label_themes(t["points"], lang)), plans, lang=lang),
        "plot_parent_coverage_by_theme": lambda: charts.plot_parent_coverage_by_theme(t["by_theme"], focal, plans, lang=lang, themes=t["coded"]),
        "plot_plan_sizes": lambda: charts.plot_plan_sizes(plans, lang=lang),
        "plot_text_reuse": lambda: charts.plot_text_reuse(zwgk.summarise_text_reuse(t["index"], zwgk.find_text_reuse(t["index"])), plans, lang=lang),
        "plot_theme_heatmap": lambda: charts.plot_theme_heatmap(panel, plans, gaps=t["gaps"], lang=lang),
        "plot_theme_shares": lambda: charts.plot_theme_shares(panel, plans, lang=lang),
        "plot_theme_trends": lambda: charts.plot_theme_trends(zwgk.summarise_themes_by_year(panel), plans, lang=lang),
    }  # fmt: skip


def _strings(value: object, path: str = "") -> Iterator[tuple[str, str]]:
    """Every string in a figure's JSON, with where it sits (the font stack names fonts, not text)."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key != "family":
                yield from _strings(item, f"{path}.{key}")
    elif isinstance(value, list | tuple) or hasattr(value, "tolist"):
        items = value.tolist() if hasattr(value, "tolist") else value
        if isinstance(items, str):
            yield path, items
        elif isinstance(items, list | tuple):  # a NumPy scalar's tolist() is a number: no text
            for i, item in enumerate(items):
                yield from _strings(item, f"{path}[{i}]")


def test_every_chart_function_has_a_builder(tables: dict) -> None:
    assert set(_builders(tables, "en")) == set(CHART_FUNCTIONS)


@pytest.mark.parametrize("name", CHART_FUNCTIONS)
def test_english_chart_has_no_chinese(tables: dict, name: str) -> None:
    fig = _builders(tables, "en")[name]()
    assert fig.data or fig.layout.annotations, f"{name} drew nothing"
    chinese = [(path, text) for path, text in _strings(fig.to_plotly_json()) if CJK_PATTERN.search(text)]
    assert not chinese, f"{name}: Chinese in the English chart: {chinese[:5]}"


@pytest.mark.parametrize("name", CHART_FUNCTIONS)
def test_every_hover_is_explicit_and_names_are_whole(tables: dict, name: str) -> None:
    fig = _builders(tables, "en")[name]()
    for trace in fig.data:
        if trace.hoverinfo == "skip" or (getattr(trace, "mode", None) == "lines" and trace.showlegend is False):
            continue
        assert trace.hovertemplate and "<extra>" in trace.hovertemplate, f"{name}: trace {trace.name!r} has the default hover"
    assert fig.layout.hoverlabel.namelength == -1  # trace names are never cut to 15 characters


def test_chinese_charts_keep_their_chinese(tables: dict) -> None:
    fig = _builders(tables, "zh")["plot_common_tasks"]()
    assert all(CJK_PATTERN.search(label) for label in fig.data[0].y)
    assert set(label_plans(tables["plans"], "zh")) >= set(fig.data[0].x[1])
