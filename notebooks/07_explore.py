# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 7. Explore a plan's gaps
#
# Notebook 04's two gap charts, redrawn as you choose: the focal plan, its peers (the window
# of years around it and whether they must be at its administrative level), the years of plans
# considered at all, and the label language. Nothing to edit: move the controls, the charts follow.
#
# Open it in JupyterLab (`make lab`); run headless (`zwgk report`) it draws the view once, with
# the parameters below.

# %% tags=["parameters"]
focal_plan_id = "jiangsu-changzhou-2018"
year_window = 3
peer_level = "any"  # "same": same administrative level only; "any": all levels
lang = "both"
export_figures = False  # True: export the view as first drawn (the parameters above); notebook 04 exports these charts already
figures_dir = None  # None: figures/_scratch/ (git-ignored) when run by hand; `zwgk report` passes figures/ or figures/runs/…

# %% [markdown]
# The tables are loaded once (coding the measures and the theme panel take a few seconds);
# every redraw reuses them.

# %%
from pathlib import Path

import ipywidgets

import zwgk

tables = zwgk.explore.load_gap_tables()
years = (int(tables.plans["year"].min()), int(tables.plans["year"].max()))
out_dir = Path(figures_dir) if figures_dir else None

# %% [markdown]
# ## The view of the parameters above
#
# The first chart ranks the themes most peers cover and the focal plan lacks ("k of n peers";
# hatched: some of those peers are of another year); the second shows every plan's themes with
# those gaps marked × and the focal plan outlined.

# %%
figures = zwgk.explore.draw_gap_view(tables, focal_plan_id, year_window, peer_level, years, lang)
figures[0]

# %%
figures[1]

# %% [markdown]
# ## The controls: choose, then press **Draw**
#
# * **focal plan**: a local plan (national plans have no peers);
# * **year window**: peers are plans at most this many years from the focal plan;
# * **peer level**: `same` keeps peers at the focal plan's level, `any` takes all levels;
# * **years**: only plans of these years count, as peers and in the heatmap;
# * **language**: of the labels.
#
# The view redraws when you press Draw, not on every change: drawing inside the widget while the
# notebook runs headless (`zwgk report`, the tests) can deadlock the notebook runner
# (jupyter/nbclient#312), and a redraw takes a second or two anyway.

# %%
view = ipywidgets.interactive(
    zwgk.explore.show_gap_view,
    {"manual": True, "manual_name": "Draw"},
    tables=ipywidgets.fixed(tables),
    focal_plan_id=ipywidgets.Dropdown(options=zwgk.explore.list_focal_plans(tables), value=focal_plan_id, description="focal plan"),
    year_window=ipywidgets.IntSlider(value=year_window, min=0, max=years[1] - years[0], description="year window"),
    peer_level=ipywidgets.ToggleButtons(options=zwgk.explore.PEER_LEVELS, value=peer_level, description="peer level"),
    years=ipywidgets.IntRangeSlider(value=years, min=years[0], max=years[1], description="years"),
    lang=ipywidgets.ToggleButtons(options=zwgk.explore.LANGS, value=lang, description="language"),
)
view

# %% [markdown]
# ## Export the view as first drawn
#
# With `export_figures = True` the two charts of the parameters above are written beside the
# other figures (the controls do not change what is exported).

# %%
if export_figures:
    caption = zwgk.join_languages(f"{focal_plan_id}：相对同类计划的主题缺口", f"{focal_plan_id}: theme gaps against peers", lang)
    zwgk.export_figure(figures[0], "explore_gap_ranking", caption, out_dir=out_dir)
    caption = zwgk.join_languages(f"{focal_plan_id}：各计划的主题构成", f"{focal_plan_id}: themes by plan", lang)
    zwgk.export_figure(figures[1], "explore_theme_heatmap", caption, out_dir=out_dir)
