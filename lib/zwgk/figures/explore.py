"""The interactive gap view of notebook ``07_explore``: pick a focal plan, its peers, years and language, see the charts.

The notebook wires widgets to ``show_gap_view`` through ``ipywidgets.interactive``; the
charts are notebook 04's (``plot_gap_ranking``, ``plot_theme_heatmap``) on the same tables,
so the view and the exported figures never disagree. ``draw_gap_view`` is the testable part.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from zwgk.analyses.gaps import find_theme_gaps
from zwgk.analyses.panel import build_theme_panel
from zwgk.analyses.themes import code_measures
from zwgk.errors import check_plan_ids
from zwgk.figures.charts import plot_gap_ranking, plot_theme_heatmap
from zwgk.processed.dataset import load_measures, load_plans, load_tasks

PEER_LEVELS = ("any", "same")  # "same": peers at the focal plan's administrative level only
LANGS = ("zh", "en", "both")


@dataclass(frozen=True)
class GapTables:
    """The tables the gap view draws from, loaded once (coding the measures and the bootstrap take seconds)."""

    plans: pd.DataFrame
    measures: pd.DataFrame
    tasks: pd.DataFrame
    coded: pd.DataFrame
    panel: pd.DataFrame


def load_gap_tables() -> GapTables:
    """Return the dataset's plans, measures, tasks, coded measures and theme panel, as notebook 04 builds them."""
    plans, tasks, measures = load_plans(), load_tasks(), load_measures()
    coded = code_measures(measures, tasks=tasks)
    return GapTables(plans, measures, tasks, coded, build_theme_panel(plans, measures, coded))


def list_focal_plans(tables: GapTables) -> list[str]:
    """Return the plans a view can focus on: local plans (national ones have no peers), by year then id."""
    local = tables.plans[tables.plans["level"] != "national"]
    return local.sort_values(["year", "plan_id"])["plan_id"].tolist()


def draw_gap_view(
    tables: GapTables, focal_plan_id: str, year_window: int = 3, peer_level: str = "any",
    years: tuple[int, int] | None = None, lang: str = "both", min_peer_share: float = 0.5,
) -> list[go.Figure]:  # fmt: skip
    """Return [gap ranking, theme heatmap] of ``focal_plan_id`` against its peers.

    Peers are the local plans within ``year_window`` years (at the same level with
    ``peer_level="same"``); ``years`` (first, last) keeps only the plans of those years, in
    the heatmap and as peers, the focal plan always. Unknown choices are errors naming the valid ones.
    """
    plans = tables.plans
    check_plan_ids(focal_plan_id, plans["plan_id"])
    if peer_level not in PEER_LEVELS or lang not in LANGS:
        raise ValueError(f"peer_level must be one of {PEER_LEVELS} and lang one of {LANGS}, not {peer_level!r}, {lang!r}")
    if years is not None:
        first, last = years
        plans = plans[plans["year"].between(first, last) | (plans["plan_id"] == focal_plan_id)]
    same_level = peer_level == "same"
    gaps = find_theme_gaps(tables.coded, tables.measures, tables.tasks, plans, focal_plan_id, year_window, same_level, min_peer_share)
    ranking = plot_gap_ranking(gaps, plans, focal_plan_id, lang=lang)
    panel = tables.panel[tables.panel["plan_id"].isin(plans["plan_id"])]
    heatmap = plot_theme_heatmap(panel, plans, gaps=gaps, lang=lang, focal=focal_plan_id)
    return [ranking, heatmap]


def show_gap_view(
    tables: GapTables, focal_plan_id: str, year_window: int = 3, peer_level: str = "any",
    years: tuple[int, int] | None = None, lang: str = "both",
) -> list[go.Figure]:  # fmt: skip
    """Display ``draw_gap_view``'s figures (the callback of the notebook's widgets) and return them."""
    from IPython.display import display

    figures = draw_gap_view(tables, focal_plan_id, year_window, peer_level, years, lang)
    for fig in figures:
        display(fig)
    return figures
