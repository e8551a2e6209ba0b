"""zwgk: turn Chinese governments' 政务公开工作要点 into tidy, traceable tables.

The package is laid out as the stages data flows through, one way:
``ingest`` (raw files → lines) → ``parse`` (lines → parsed plan) → ``processed``
(parsed plans → validated parquet) → ``analyses`` (tables → tables) → ``figures``
(tables → charts and files); ``commands`` is the command line. ``schema`` (the field
dictionary and every enumeration) and ``settings`` (the parser's data files, validated)
are shared by all stages.

Public API::

    import zwgk
    tasks = zwgk.load_tasks()        # one row per task, every row traceable to its lines
    zwgk.build_dataset(force=True)   # rebuild data/processed from data/raw
    zwgk.charts.plot_theme_heatmap(panel, plans, lang="en")
    zwgk.maps.plot_correspondence_map(zwgk.compute_correspondence(panel), lang="en")
"""

from __future__ import annotations

import importlib
from types import ModuleType

from zwgk.analyses.accountability import summarise_accountability, summarise_agency_kinds
from zwgk.analyses.alignment import (
    align_plans_with_parents,
    align_with_parent,
    find_coverage_of_parents,
    find_dropped_parent_measures,
    find_parent_coverage,
    summarise_alignment,
    summarise_alignment_by_theme,
)
from zwgk.analyses.comparison import compare_plans, diff_years, summarise_comparison
from zwgk.analyses.correspondence import compute_cooccurrence, compute_correspondence, find_cooccurrence_communities
from zwgk.analyses.gaps import find_task_gaps, find_theme_gaps, select_peers
from zwgk.analyses.keyness import compute_keyness, search_kwic
from zwgk.analyses.matching import load_matcher
from zwgk.analyses.panel import build_theme_panel
from zwgk.analyses.search import read_terms, search_plans
from zwgk.analyses.similar import (
    build_similarity_index,
    cluster_index,
    cluster_measures,
    find_text_reuse,
    project_measures,
    similar_to,
    summarise_clusters,
    summarise_task_presence,
    summarise_text_reuse,
)
from zwgk.analyses.themes import code_measures, codebook_table
from zwgk.analyses.timelines import compute_year_changes, find_emerging_fading, summarise_themes_by_year
from zwgk.analyses.tokens import tokenize_measures
from zwgk.errors import DatasetValidationError, ManifestError, PlanParseError, UnknownPlanError, ZwgkError, check_plan_ids
from zwgk.processed.build import BuildError, build_dataset, format_accounting, parse_plan_file
from zwgk.processed.dataset import load_agencies, load_measure_sources, load_measures, load_plans, load_source_lines, load_tasks

__version__ = "0.1.0"

# Chart and export modules import plotly; they load on first use (``zwgk.charts.plot_…``).
_LAZY_MODULES = {
    "charts": "zwgk.figures.charts",
    "export": "zwgk.figures.export",
    "explore": "zwgk.figures.explore",
    "maps": "zwgk.figures.maps",
    "style": "zwgk.figures.style",
}
_LAZY_FUNCTIONS = {
    "export_figure": ("zwgk.figures.export", "export_figure"),
    "join_languages": ("zwgk.figures.style", "join_languages"),
    "label_plans": ("zwgk.figures.style", "label_plans"),
    "label_themes": ("zwgk.figures.style", "label_themes"),
    "mark_aligned_spans": ("zwgk.figures.tables", "mark_aligned_spans"),
    "show_table": ("zwgk.figures.tables", "show_table"),
}


def __getattr__(name: str) -> ModuleType | object:
    """Load the figure modules only when they are used, so ``import zwgk`` stays light."""
    if name in _LAZY_MODULES:
        return importlib.import_module(_LAZY_MODULES[name])
    if name in _LAZY_FUNCTIONS:
        module, attribute = _LAZY_FUNCTIONS[name]
        return getattr(importlib.import_module(module), attribute)
    raise AttributeError(f"module 'zwgk' has no attribute {name!r}")


__all__ = [
    "BuildError",
    "DatasetValidationError",
    "ManifestError",
    "PlanParseError",
    "UnknownPlanError",
    "ZwgkError",
    "align_plans_with_parents",
    "align_with_parent",
    "build_dataset",
    "build_similarity_index",
    "build_theme_panel",
    "charts",
    "check_plan_ids",
    "cluster_index",
    "cluster_measures",
    "code_measures",
    "codebook_table",
    "compare_plans",
    "compute_cooccurrence",
    "compute_correspondence",
    "compute_keyness",
    "compute_year_changes",
    "diff_years",
    "explore",
    "export",
    "export_figure",
    "find_cooccurrence_communities",
    "find_coverage_of_parents",
    "find_dropped_parent_measures",
    "find_emerging_fading",
    "find_parent_coverage",
    "find_task_gaps",
    "find_text_reuse",
    "find_theme_gaps",
    "format_accounting",
    "join_languages",
    "label_plans",
    "label_themes",
    "load_agencies",
    "load_matcher",
    "load_measure_sources",
    "load_measures",
    "load_plans",
    "load_source_lines",
    "load_tasks",
    "maps",
    "mark_aligned_spans",
    "parse_plan_file",
    "project_measures",
    "read_terms",
    "search_kwic",
    "search_plans",
    "select_peers",
    "show_table",
    "similar_to",
    "summarise_accountability",
    "summarise_agency_kinds",
    "summarise_alignment",
    "summarise_alignment_by_theme",
    "summarise_clusters",
    "summarise_comparison",
    "summarise_task_presence",
    "summarise_text_reuse",
    "summarise_themes_by_year",
    "tokenize_measures",
]
