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
# # 6. Two plans side by side
#
# Any two plans, or one place's plans of two years, compared measure by measure. Every
# measure of either plan gets its closest counterpart in the other and a class: **same**
# (copied nearly character by character), **reworded** (the same task in other words), or
# **only in A** / **only in B** (nothing close in the other plan). Set `plan_a` and `plan_b`,
# or set `jurisdiction`, `year_from` and `year_to` to compare one place's plans of two years
# (then plan A is the earlier one: *only in A* is what was dropped, *only in B* what is new).
#
# The thresholds are alignment's (notebook 5); the README gives their precision and recall on
# a hand-labelled sample of cross-plan pairs. A class is a good guess per measure, not a
# verdict: read the two texts side by side.
#
# **Wrong ids or years.** A plan id not in the dataset, or a year in which the place has no
# plan, stops at the first cell with the ids to choose from, closest first. Plans without
# measures in common leave the tables empty and the charts say why.

# %% tags=["parameters"]
plan_a = "jiangsu-changzhou-2018"
plan_b = "guangdong-jiangmen-xinhui-2018"
jurisdiction = None
year_from = None
year_to = None
top_n = 15
lang = "both"
export_figures = True
figures_dir = None  # None: figures/_scratch/ (git-ignored) when run by hand; `zwgk report` passes figures/ or figures/runs/…

# %%
from pathlib import Path

import zwgk

plans = zwgk.load_plans()
matcher = zwgk.load_matcher()
if jurisdiction is not None:
    comparison = zwgk.diff_years(jurisdiction, year_from, year_to, matcher)
else:
    comparison = zwgk.compare_plans(plan_a, plan_b, matcher)
plan_a, plan_b = comparison.drop_duplicates("side").set_index("side").loc[["a", "b"], "plan_id"]
coded = zwgk.code_measures(matcher.measure_sources, tasks=zwgk.load_tasks())
summary = zwgk.summarise_comparison(comparison, coded)
zh_a, zh_b = zwgk.label_plans(plans, "zh")[[plan_a, plan_b]]
en_a, en_b = zwgk.label_plans(plans, "en")[[plan_a, plan_b]]
out_dir = Path(figures_dir) if figures_dir else None
print(f"A: {plan_a} ({zh_a}, {en_a})\nB: {plan_b} ({zh_b}, {en_b})")

# %% [markdown]
# ## 1. The two plans
# Title, administrative level, year, the layout the parser recognised, and their sizes.

# %%
plans.set_index("plan_id").loc[[plan_a, plan_b], ["plan_title", "jurisdiction", "level", "year", "issue_date", "layout", "n_tasks", "n_measures"]].T

# %% [markdown]
# ## 2. How much the two plans share
# One bar per plan: its measures that are the same in the other plan, reworded there, or found
# only in it. The colours are notebook 5's: copied (dark blue), reworded (sky blue), the plan's
# own (orange). The two bars need not match: several measures of one plan can share one
# counterpart in the other.

# %%
comparison.groupby(["side", "comparison_class"]).size().unstack(fill_value=0)

# %%
fig = zwgk.charts.plot_comparison_counts(comparison, plans, lang=lang)
if export_figures:
    zwgk.export_figure(fig, "compare_counts", zwgk.join_languages(f"{zh_a} 与 {zh_b}：相同、改写与独有的措施", f"{en_a} and {en_b}: same, reworded, own measures", lang), out_dir=out_dir)
fig

# %% [markdown]
# ## 3. What one has and the other lacks
# **What A has that B lacks**: plan A's measures with nothing close in plan B, with their source
# lines (line numbers in the raw file) and B's nearest measure, to show how far it is.

# %%
only_a = comparison[comparison["comparison_class"] == "only_in_a"]
zwgk.show_table(only_a[["measure_id", "text", "line_start", "line_end", "other_text", "score"]].head(top_n))

# %% [markdown]
# **What B has that A lacks**, the same way round.

# %%
only_b = comparison[comparison["comparison_class"] == "only_in_b"]
zwgk.show_table(only_b[["measure_id", "text", "line_start", "line_end", "other_text", "score"]].head(top_n))

# %% [markdown]
# **Reworded pairs**: plan A's measures whose task plan B states in other words, both texts with
# their source lines (`ratio` is the character-level similarity, `score` the cosine).

# %%
reworded = comparison[(comparison["side"] == "a") & (comparison["comparison_class"] == "reworded")]
zwgk.show_table(reworded[["measure_id", "text", "line_start", "line_end", "other_measure_id", "other_text", "other_line_start", "other_line_end", "score", "ratio"]].head(top_n))

# %% [markdown]
# ## 4. Emphasis by theme
# For each theme (coded from the texts), the share of each plan's measures in it and the
# difference, A minus B. The 95% interval (Newcombe's method for two independent shares) is the
# range of differences the two plans' sizes leave plausible: a theme whose interval leaves out
# zero (`is_clear_difference`, in colour on the chart) is weighted differently by more than
# chance would explain. Themes are coded by rules, so read the measures behind a difference.

# %%
summary[["theme_zh", "theme_en", "n_a", "n_b", "share_a", "share_b", "share_difference", "difference_low", "difference_high", "is_clear_difference"]]

# %%
fig = zwgk.charts.plot_comparison_by_theme(summary, plans, plan_a, plan_b, lang=lang)
if export_figures:
    zwgk.export_figure(fig, "compare_by_theme", zwgk.join_languages(f"{zh_a} 与 {zh_b}：按主题的侧重之差", f"{en_a} and {en_b}: emphasis by theme", lang), out_dir=out_dir)
fig

# %% [markdown]
# ## 5. Where the two plans sit among all plans
# The correspondence-analysis map of every plan and theme (notebook 2's data, all plans): plans
# close together weight the themes alike, and a plan lies towards the themes it stresses. The
# two plans compared here are ringed.

# %%
panel = zwgk.build_theme_panel(plans, zwgk.load_measures(), coded)
coords = zwgk.compute_correspondence(panel)
fig = zwgk.charts.plot_comparison_map(coords, [plan_a, plan_b], lang=lang)
if export_figures:
    zwgk.export_figure(fig, "compare_map", zwgk.join_languages(f"{zh_a} 与 {zh_b} 在全部计划中的位置", f"{en_a} and {en_b} among all plans", lang), out_dir=out_dir)
fig

# %% [markdown]
# ## 6. The words of the two plans
# The words that appear together in the same measures of the two plans (a KH Coder-style
# co-occurrence network): groups of linked words are the tasks the two plans talk about.

# %%
edges = zwgk.compute_cooccurrence(zwgk.load_measures(), plan_ids=[plan_a, plan_b])
nodes = zwgk.find_cooccurrence_communities(edges)
fig = zwgk.maps.plot_cooccurrence_network(nodes, edges, plans[plans["plan_id"].isin([plan_a, plan_b])], lang=lang)
if export_figures:
    zwgk.export_figure(fig, "compare_cooccurrence", zwgk.join_languages(f"{zh_a} 与 {zh_b} 的词语共现网络", f"{en_a} and {en_b}: word co-occurrence", lang), out_dir=out_dir)
fig
