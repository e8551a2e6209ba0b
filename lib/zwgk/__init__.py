"""zwgk: turn Chinese local governments' 政务公开工作要点 into tidy, traceable tables.

Public API::

    import zwgk
    tasks = zwgk.load_tasks()        # one row per task, every row traceable to its lines
    zwgk.build_dataset(force=True)   # rebuild data/processed from data/raw
"""

from zwgk.accountability import summarise_accountability, summarise_agency_kinds
from zwgk.build import BuildError, build_dataset
from zwgk.dataset import load_agencies, load_measures, load_plans, load_source_lines, load_tasks
from zwgk.errors import DatasetValidationError, ManifestError, PlanParseError, ZwgkError
from zwgk.gaps import find_task_gaps, find_theme_gaps, select_peers
from zwgk.keyness import compute_keyness, search_kwic
from zwgk.panel import build_theme_panel
from zwgk.parsing import parse_plan_file
from zwgk.similarity import (
    build_similarity_index,
    cluster_measures,
    find_text_reuse,
    similar_to,
    summarise_clusters,
    summarise_text_reuse,
)
from zwgk.text import tokenize_measures
from zwgk.themes import code_measures, codebook_table
from zwgk.timelines import compute_year_changes, find_emerging_fading, summarise_themes_by_year

__version__ = "0.1.0"

__all__ = [
    "BuildError",
    "DatasetValidationError",
    "ManifestError",
    "PlanParseError",
    "ZwgkError",
    "build_dataset",
    "build_similarity_index",
    "build_theme_panel",
    "cluster_measures",
    "code_measures",
    "codebook_table",
    "compute_keyness",
    "compute_year_changes",
    "find_emerging_fading",
    "find_task_gaps",
    "find_text_reuse",
    "find_theme_gaps",
    "load_agencies",
    "load_measures",
    "load_plans",
    "load_source_lines",
    "load_tasks",
    "parse_plan_file",
    "search_kwic",
    "select_peers",
    "similar_to",
    "summarise_accountability",
    "summarise_agency_kinds",
    "summarise_clusters",
    "summarise_text_reuse",
    "summarise_themes_by_year",
    "tokenize_measures",
]
