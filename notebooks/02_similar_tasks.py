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
# # 2. Similar tasks across jurisdictions
#
# Many plans copy or adapt tasks from the plans above them. Measures are compared by TF-IDF
# over jieba words and character n-grams; measures from different plans that are mutual
# nearest neighbours above a similarity threshold form clusters of *the same task*.
# Clusters spanning two or more jurisdictions are the **common tasks**. (The README gives the
# clustering's precision and recall against hand-made groups.)
#
# **National plans.** Local plans carry out the State Council's plan of their year, so much
# of what they share comes from it. A common task here is one shared by two or more *local*
# jurisdictions: the national plans never count towards it. With `include_national = True`
# the national plans are compared too and shown as their own group (全国 National) in every
# chart, so one can see which common tasks come from the national plan; with `False` they are
# left out of every step (similarity index, clusters, text reuse). Charts group plans by level,
# national first.
#
# **Few plans.** Common tasks need local plans of two or more jurisdictions, text reuse two
# plans: with fewer, the notebook says so, the tables are empty and the charts state why.

# %% tags=["parameters"]
lang = "both"
query = "规范依申请公开工作流程"
n_similar = 5
include_national = True  # True: national plans compared and shown as their own group; False: local plans only
export_figures = True
figures_dir = None  # None: figures/_scratch/ (git-ignored) when run by hand; `zwgk report` passes figures/ or figures/runs/…

# %%
from pathlib import Path

import zwgk

plans = zwgk.load_plans()
measures = zwgk.load_measures()
if not include_national:
    plans = plans[plans["level"] != "national"]
    measures = measures[measures["plan_id"].isin(plans["plan_id"])]
sources = zwgk.load_measure_sources()
index = zwgk.build_similarity_index(measures)
# the dataset's common tasks as kept in data/clusters (ids stay when plans are added; `zwgk cluster`);
# without the national plans, the local plans are clustered afresh
clusters = zwgk.cluster_measures() if include_national else zwgk.cluster_measures(measures)
# national plans map to no jurisdiction: a common task is shared by two or more local jurisdictions
local_jurisdictions = plans.set_index("plan_id")["jurisdiction"].where(plans.set_index("plan_id")["level"] != "national")
summary = zwgk.summarise_clusters(index, clusters, local_jurisdictions, tasks=zwgk.load_tasks())
out_dir = Path(figures_dir) if figures_dir else None

# %% [markdown]
# ## Common tasks
# Each cluster has a label from its distinctive terms (class-based TF-IDF), a
# representative measure (the one most similar to the rest) and a readable name (name_zh,
# name_en): the representative's task title when short and specific, else its first clause;
# English from the glossary (data/codebook/glossary.yaml; `zwgk glossary` lists missing terms).
# Rename, merge or split tasks by measure ids in data/codebook/common_tasks.yaml. The chart
# shows the common tasks shared by the most jurisdictions (its title says how many of all);
# each cell is the number of the plan's measures in the task, blank where it has none.

# %%
common = summary[summary["is_common_task"]]
if common.empty:
    print(f"No common tasks: they need local plans of two or more jurisdictions; this dataset has {local_jurisdictions.nunique()}.")
zwgk.show_table(common[["name_zh", "name_en", "n_jurisdictions", "n_plans", "label", "representative_text"]].head(20))

# %%
fig = zwgk.charts.plot_common_tasks(zwgk.summarise_task_presence(clusters, summary), plans, lang=lang)
if export_figures:
    zwgk.export_figure(fig, "similar_common_tasks", zwgk.join_languages("跨地区的共同任务", "Common tasks across jurisdictions", lang), out_dir=out_dir)
fig

# %% [markdown]
# ## A map of the measures
# Hover over a point for its text, plan, section and source lines. Colour: theme. Above
# 5,000 measures the map shows a fixed sample of 5,000: t-SNE on more takes minutes, and so
# many points cannot be read.

# %%
coded = zwgk.code_measures(measures, tasks=zwgk.load_tasks())
points = zwgk.project_measures(index).merge(sources, on="measure_id").merge(coded[["measure_id", "theme_zh", "theme_en"]], on="measure_id")
points["theme_label"] = zwgk.label_themes(points, lang)
fig = zwgk.charts.plot_measure_map(points, plans, lang=lang)
if export_figures:
    zwgk.export_figure(fig, "similar_measure_map", zwgk.join_languages("措施语义地图", "Map of measures", lang), out_dir=out_dir)
fig

# %% [markdown]
# ## Text reuse between plans
# The share of each plan's measures that are near-verbatim copies (character alignment
# ratio ≥ 0.8) of a measure in another plan, and the aligned spans of a few copies. Rows and
# columns are grouped by level: the national block shows how much of a local plan repeats the
# State Council's wording. Each measure is checked against its few nearest measures in other
# plans, so with the national plans included a local measure copied from them may hide a copy
# in another local plan; set `include_national = False` for local-to-local reuse alone.

# %%
reuse = zwgk.find_text_reuse(index)
if plans["plan_id"].nunique() < 2:
    print("No text reuse to measure: one plan only.")
fig = zwgk.charts.plot_text_reuse(zwgk.summarise_text_reuse(index, reuse), plans, lang=lang)
if export_figures:
    zwgk.export_figure(fig, "similar_text_reuse", zwgk.join_languages("计划间的文本复用", "Text reuse between plans", lang), out_dir=out_dir)
fig

# %% [markdown]
# A few copies: the measure's text with the passages it shares with the other plan's measure in 【】.

# %%
copies = reuse.merge(sources[["measure_id", "text"]], on="measure_id").head(10)
copies["shared_text"] = [zwgk.mark_aligned_spans(text, spans) for text, spans in zip(copies["text"], copies["aligned_spans"])]
zwgk.show_table(copies[["plan_id", "measure_id", "other_plan_id", "other_measure_id", "ratio", "shared_text"]])

# %% [markdown]
# ## Find measures like this one
# Set `query` in the parameter cell to a measure id or any text.

# %%
zwgk.similar_to(query, k=n_similar)
