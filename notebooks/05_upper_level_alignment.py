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
# # 5. How a plan follows the plan above it
#
# Every local plan answers a plan one level up (its *parent*: for the seeds, the State
# Council's plan of the same year). Each local measure is matched to its closest measure in
# the parent and classed **verbatim** (copied nearly character by character), **adapted** (the
# same task reworded or localised) or **local** (the plan's own addition). A parent measure is
# **carried** when some local measure is aligned to it, and **dropped** otherwise.
#
# The thresholds were set on a hand-labelled sample (see the README for precision and recall):
# a class is a good guess per measure, not a verdict. Always read the two texts side by side.
#
# **No parent.** A plan whose parent is not in the dataset (the State Council's own plans, or a
# dataset without them) has nothing to align: the notebook says so, its tables are empty and
# the charts state why. A `focal_plan_id` not in the dataset stops at the first cell with the
# list of valid ids, closest first.

# %% tags=["parameters"]
focal_plan_id = "jiangsu-changzhou-2018"
top_n = 15
lang = "both"
export_figures = True
figures_dir = None  # None: figures/_scratch/ (git-ignored) when run by hand; `zwgk report` passes figures/ or figures/runs/…

# %%
from pathlib import Path

import zwgk

plans = zwgk.load_plans()
zwgk.check_plan_ids(focal_plan_id, plans["plan_id"])  # a typo stops here, listing the valid ids
matcher = zwgk.load_matcher()
alignment = zwgk.align_plans_with_parents(matcher)
coverage = zwgk.find_coverage_of_parents(matcher)
summary = zwgk.summarise_alignment(alignment, coverage, matcher.plans)
dropped = zwgk.find_dropped_parent_measures(coverage)
focal_zh, focal_en = (zwgk.label_plans(plans, language)[focal_plan_id] for language in ("zh", "en"))
out_dir = Path(figures_dir) if figures_dir else None
if summary.empty:
    print("No plan has its parent plan in the dataset: nothing to align (add the plans above them).")

# %% [markdown]
# ## 1. Each plan's parent chain
# `parent_plan_id` is the nearest plan above (the one every comparison below uses);
# `parent_plan_ids` lists the whole chain, nearest first. The State Council's own plans have
# no parent.

# %%
plans[["plan_id", "jurisdiction", "level", "year", "issue_date", "parent_plan_id", "parent_plan_ids"]]

# %% [markdown]
# ## 2. The focal plan against its parent
# How many of the focal plan's measures fall in each class.

# %%
focal_alignment = zwgk.align_with_parent(focal_plan_id, matcher=matcher)
focal_coverage = zwgk.find_parent_coverage(focal_plan_id, matcher=matcher)
if focal_alignment.empty:
    print(f"{focal_plan_id} has no parent plan in the dataset: nothing to align.")
focal_alignment["alignment_class"].value_counts()

# %% [markdown]
# **What it carries**: local measures copied or adapted from the parent, with both texts and
# the source lines of each (line numbers in the raw files).

# %%
carried = focal_alignment[focal_alignment["alignment_class"] != "local"]
zwgk.show_table(carried[["measure_id", "alignment_class", "text", "line_start", "line_end", "parent_text", "parent_line_start", "parent_line_end", "ratio"]].head(top_n))

# %% [markdown]
# **What it drops**: the parent's measures no local measure carries, with the closest local
# measure for comparison (a low `best_score` means nothing in the plan comes near).

# %%
focal_dropped = focal_coverage[~focal_coverage["is_carried"].astype(bool)]
zwgk.show_table(focal_dropped[["parent_measure_id", "parent_text", "parent_line_start", "parent_line_end", "best_measure_id", "best_text", "best_score"]].head(top_n))

# %% [markdown]
# **Its own additions**: local measures with no close counterpart in the parent, with the
# nearest parent text to show how far it is.

# %%
additions = focal_alignment[focal_alignment["alignment_class"] == "local"]
zwgk.show_table(additions[["measure_id", "text", "line_start", "line_end", "parent_text", "score"]].head(top_n))

# %% [markdown]
# ## 3. Across plans: copied, adapted, added
# One bar per plan (grouped by administrative level, then year): the shares of its own
# measures that are verbatim, adapted and local. The diamond is the other direction: the share
# of the parent's measures the plan carries. A plan can copy little of its text from the parent
# and still carry most of the parent's tasks (it rewrites them), or the reverse.

# %%
fig = zwgk.charts.plot_alignment_shares(summary, plans, lang=lang)
if export_figures:
    zwgk.export_figure(fig, "alignment_shares", zwgk.join_languages("各计划对上级计划的承接：照搬、改写与新增", "How each plan follows its parent", lang), out_dir=out_dir)
fig

# %%
summary[["plan_id", "parent_plan_id", "level", "year", "n_measures", "share_verbatim", "share_adapted", "share_local", "share_parent_carried"]]

# %% [markdown]
# ## 4. The compliance gap: what the plans below leave out
# The parent measures most often dropped, by the share of the plans below that drop them
# (label: the parent plan's year and the measure's text). With one or two local plans per
# parent the shares can only be 0, ½ or 1: read the counts at the bar ends, and the texts.

# %%
zwgk.show_table(dropped[["parent_plan_id", "parent_measure_id", "parent_text", "n_plans", "n_dropping", "share_dropping", "dropped_by"]].head(top_n))

# %%
fig = zwgk.charts.plot_compliance_gaps(dropped, plans, top_n=top_n, lang=lang)
if export_figures:
    zwgk.export_figure(fig, "alignment_compliance_gaps", zwgk.join_languages("最常未被承接的上级措施", "Parent measures most often dropped", lang), out_dir=out_dir)
fig

# %% [markdown]
# ## 5. Timing: does a later plan copy more?
# Days between the parent's issue date and the plan's, against the share of the plan's
# measures copied or adapted. Only plans whose own issue date *and* whose parent's are known
# appear: in the repository's data at the time of writing that is two local plans (太仓 2019,
# 常州 2021); the others' texts carry no issue date. Two points show no trend and none is
# claimed: the chart records the cases, it does not test the idea.

# %%
summary[summary["days_after_parent"].notna()][["plan_id", "issued", "parent_issued", "days_after_parent", "share_verbatim", "share_adapted"]]

# %%
fig = zwgk.charts.plot_alignment_timing(summary, plans, lang=lang)
if export_figures:
    zwgk.export_figure(fig, "alignment_timing", zwgk.join_languages("印发时间与承接程度", "Timing and alignment", lang), out_dir=out_dir)
fig

# %% [markdown]
# ## 6. By theme: which of the parent's themes the focal plan carries
# For each theme (coded from the texts), the share of the parent's measures of that theme the
# focal plan carries. Themes with one or two parent measures swing between 0 and 100%: read
# the counts at the bar ends.

# %%
coded = zwgk.code_measures(matcher.measure_sources, tasks=zwgk.load_tasks())
by_theme = zwgk.summarise_alignment_by_theme(alignment, coverage, coded)
by_theme[by_theme["plan_id"] == focal_plan_id]

# %%
fig = zwgk.charts.plot_parent_coverage_by_theme(by_theme, focal_plan_id, plans, lang=lang, themes=coded)
if export_figures:
    zwgk.export_figure(fig, "alignment_focal_themes", zwgk.join_languages(f"{focal_zh}：按主题的上级措施承接率", f"{focal_en}: parent's measures carried, by theme", lang), out_dir=out_dir)
fig
