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
# # 1. The corpus: which plans there are, and how they are built
#
# Every year the State Council (国务院办公厅) publishes the national 政务公开工作要点, and each
# province, city, district and county publishes its own plan carrying it out. This notebook
# lists the plans in `data/raw/` (jurisdiction, level, province, year, and the plan each one
# carries out), their size in tasks and sentence-level measures, their layout and sections,
# the agencies they name, their deadlines, and how much of each file the parser placed. It
# ends with a keyword-in-context search.
#
# **Levels.** Every chart that lists plans groups them by administrative level, national
# first: 全国 National (the State Council's plans), 省级 Provincial, 地级 Prefectural, 县级
# County; within a level, by year.
#
# Parameters (papermill): `lang` switches chart labels between `zh`, `en` and `both`.

# %% tags=["parameters"]
lang = "both"
kwic_keyword = "12345"
export_figures = True
figures_dir = None  # None: figures/_scratch/ (git-ignored) when run by hand; `zwgk report` passes figures/ or figures/runs/…

# %%
from pathlib import Path

import zwgk

plans = zwgk.load_plans()
tasks = zwgk.load_tasks()
measures = zwgk.load_measures()
agencies = zwgk.load_agencies()
out_dir = Path(figures_dir) if figures_dir else None

# %% [markdown]
# ## The plans
# Plans differ up to ten-fold in length, which is why the other notebooks compare shares of
# measures, never counts of rows.

# %%
zwgk.charts.order_plans(plans)[
    ["plan_id", "jurisdiction", "jurisdiction_en", "level", "province", "year", "parent_plan_id", "layout", "n_tasks", "n_measures"]
]

# %%
fig = zwgk.charts.plot_plan_sizes(plans, lang=lang)
if export_figures:
    zwgk.export_figure(fig, "corpus_plan_sizes", zwgk.join_languages("各计划的任务与措施数量", "Tasks and measures per plan", lang), out_dir=out_dir)
fig

# %% [markdown]
# ## Section structure
# The top-level sections of each plan, with how many tasks fall under each.

# %%
tasks.groupby(["plan_id", "section_1_number", "section_1_title"], dropna=False, sort=False).size().rename("n_tasks").reset_index()

# %% [markdown]
# ## Agencies
# Table plans name lead (牵头) and responsible (责任) agencies; prose plans name none.
# Each agency has a canonical kind so that agencies compare across jurisdictions.

# %%
agencies.groupby(["agency_kind_zh", "agency_kind_en", "role"]).size().unstack(fill_value=0).sort_values("lead", ascending=False)

# %% [markdown]
# ## Deadlines and frequencies

# %%
tasks.loc[tasks["deadlines"].map(len) > 0, ["task_id", "deadlines", "frequencies", "line_start", "line_end"]]

# %% [markdown]
# ## Text accounting
# Share of each plan's characters placed in tasks, headings, front matter (title, notice,
# preamble) and closing, and what was dropped (web navigation, footers, word-processor
# artefacts). Every dropped line is listed with its reason below.

# %%
print("\n".join(zwgk.format_accounting(plans)))

# %%
lines = zwgk.load_source_lines()
zwgk.show_table(lines[lines["category"].isin(["navigation", "footer", "unplaced"])][["plan_id", "line_no", "category", "reason", "line_text"]])

# %% [markdown]
# ## Keyword in context
# Change `kwic_keyword` in the parameter cell to search every measure; each hit keeps its
# plan, task, section and source lines.

# %%
zwgk.show_table(zwgk.search_kwic(measures, kwic_keyword, tasks=tasks))
