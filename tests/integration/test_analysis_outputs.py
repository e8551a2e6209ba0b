"""Every analysis returns the columns the field dictionary promises the notebooks (schema.ANALYSIS_OUTPUTS)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import zwgk
from zwgk.schema import ANALYSIS_OUTPUTS


@pytest.fixture(scope="module")
def outputs(seed_data_dir: Path, reference_data_dir: Path) -> dict[str, pd.DataFrame]:
    plans, tasks = zwgk.load_plans(seed_data_dir), zwgk.load_tasks(seed_data_dir)
    measures, agencies = zwgk.load_measures(seed_data_dir), zwgk.load_agencies(seed_data_dir)
    coded = zwgk.code_measures(measures)
    panel = zwgk.build_theme_panel(plans, measures, coded, n_boot=20)
    by_year = zwgk.summarise_themes_by_year(panel, by="jurisdiction", n_boot=20)
    clusters = zwgk.cluster_measures(measures)
    index = zwgk.build_similarity_index(measures)
    reuse = zwgk.find_text_reuse(index)
    matcher = zwgk.load_matcher(reference_data_dir)  # the seeds' parents are the national plans
    alignment, coverage = zwgk.align_plans_with_parents(matcher), zwgk.find_coverage_of_parents(matcher)
    edges = zwgk.compute_cooccurrence(measures, min_count=2)
    comparison = zwgk.diff_years("常州市", 2018, 2021, matcher)
    return {
        "compare_plans": comparison,
        "summarise_comparison": zwgk.summarise_comparison(comparison, zwgk.code_measures(matcher.measure_sources)),
        "compute_correspondence": zwgk.compute_correspondence(panel),
        "compute_cooccurrence": edges,
        "find_cooccurrence_communities": zwgk.find_cooccurrence_communities(edges),
        "align_with_parent": zwgk.align_with_parent("jiangsu-changzhou-2021", matcher=matcher),
        "find_parent_coverage": zwgk.find_parent_coverage("jiangsu-changzhou-2021", matcher=matcher),
        "summarise_alignment": zwgk.summarise_alignment(alignment, coverage, matcher.plans),
        "summarise_alignment_by_theme": zwgk.summarise_alignment_by_theme(alignment, coverage, zwgk.code_measures(matcher.measure_sources)),
        "find_dropped_parent_measures": zwgk.find_dropped_parent_measures(coverage),
        "code_measures": coded,
        "build_theme_panel": panel,
        "summarise_themes_by_year": by_year,
        "compute_year_changes": zwgk.compute_year_changes(by_year),
        "find_emerging_fading": zwgk.find_emerging_fading(by_year),
        "find_theme_gaps": zwgk.find_theme_gaps(coded, measures, tasks, plans, "jiangsu-changzhou-2018", year_window=3, same_level=False),
        "summarise_accountability": zwgk.summarise_accountability(plans, tasks),
        "summarise_agency_kinds": zwgk.summarise_agency_kinds(tasks, agencies),
        "cluster_measures": clusters,
        "summarise_clusters": zwgk.summarise_clusters(index, clusters, plans.set_index("plan_id")["jurisdiction"]),
        "find_text_reuse": reuse,
        "summarise_text_reuse": zwgk.summarise_text_reuse(index, reuse),
        "similar_to": zwgk.similar_to("规范依申请公开工作", k=3, index=index),
        "search_kwic": zwgk.search_kwic(measures, "12345", tasks=tasks),
        "search_plans": zwgk.search_plans(["重大建设项目", "12345"], measures, tasks, plans),
    }


def test_every_promised_output_is_tested() -> None:
    assert set(ANALYSIS_OUTPUTS) <= set(dir(zwgk)), "each analysis output is a public zwgk function"


@pytest.mark.parametrize("name", sorted(ANALYSIS_OUTPUTS))
def test_the_analysis_returns_its_promised_columns(outputs: dict[str, pd.DataFrame], name: str) -> None:
    frame = outputs[name]
    missing = [column for column in ANALYSIS_OUTPUTS[name] if column not in frame.columns]
    assert not missing, f"{name} no longer returns {missing}"
    assert len(frame) > 0, f"{name} returned nothing on the seed plans"
