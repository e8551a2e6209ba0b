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
# # 4. Where a jurisdiction has gaps
#
# For a focal plan: which themes and common tasks most of its peers cover and it does not,
# which peers cover them and where in their texts. Peers are plans of other jurisdictions
# at the same administrative level (or any level) within a window of years.
#
# **Year confound.** Peers from other years are flagged: a gap against a plan of another
# year may be a change of time, not a difference of place.
#
# **National plans.** The State Council's plans are never peers (`select_peers` leaves them
# out) and never count towards a common task (one shared by two or more local jurisdictions).
# With `include_national = True` the charts of all plans show them as their own group
# (全国 National, first), for reference; with `False` they are left out of those charts.
#
# **No peers.** A plan alone at its level and years (say, the only prefecture of its year)
# has no peers: the notebook says so, its gap tables are empty and the gap chart states why.
# Widen `year_window` or set `peer_level = "any"` to find some. A `focal_plan_id` that is not
# in the dataset stops at the first cell with the list of valid ids, closest first.

# %% tags=["parameters"]
focal_plan_id = "jiangsu-changzhou-2018"
year_window = 3
peer_level = "any"  # "same": same administrative level only; "any": all levels
min_peer_share = 0.5
include_national = True  # True: national plans shown as their own group in the all-plan charts; never peers either way
lang = "both"
export_figures = True
figures_dir = None  # None: figures/_scratch/ (git-ignored) when run by hand; `zwgk report` passes figures/ or figures/runs/…

# %%
from pathlib import Path

import zwgk

plans = zwgk.load_plans()
zwgk.check_plan_ids(focal_plan_id, plans["plan_id"])  # a typo stops here, listing the valid ids
tasks = zwgk.load_tasks()
measures = zwgk.load_measures()
agencies = zwgk.load_agencies()
coded = zwgk.code_measures(measures, tasks=tasks)
panel = zwgk.build_theme_panel(plans, measures, coded)
shown_plans = plans if include_national else plans[plans["level"] != "national"]
same_level = peer_level == "same"
focal_zh, focal_en = (zwgk.label_plans(plans, language)[focal_plan_id] for language in ("zh", "en"))
out_dir = Path(figures_dir) if figures_dir else None

# %% [markdown]
# ## Peers
# An empty table means no peers: then there are no gaps to find below, and the charts say so.

# %%
peers = zwgk.select_peers(plans, focal_plan_id, year_window, same_level)
if peers.empty:
    print(f"{focal_plan_id} has no peers ({peer_level} level, within {year_window} year(s)): no gaps to find.")
    print('Widen year_window or set peer_level = "any" to find peers.')
peers[["plan_id", "jurisdiction", "level", "year", "year_gap", "is_other_year"]]

# %% [markdown]
# ## Themes by plan, with the focal plan's gaps marked ×
# The focal plan's column is outlined. The residual themes ("other", unclassified) are never
# gaps: they name no subject a plan could be missing.

# %%
gaps = zwgk.find_theme_gaps(coded, measures, tasks, plans, focal_plan_id, year_window, same_level, min_peer_share)
fig = zwgk.charts.plot_theme_heatmap(
    panel[panel["plan_id"].isin(shown_plans["plan_id"])], shown_plans, gaps=gaps, lang=lang, focal=focal_plan_id
)
if export_figures:
    zwgk.export_figure(fig, "gaps_theme_heatmap", zwgk.join_languages("各计划的主题构成（× 为缺口）", "Themes by plan (× = gap)", lang), out_dir=out_dir)
fig

# %% [markdown]
# ## The focal plan's gaps, ranked, with the peers' source lines

# %%
zwgk.show_table(gaps[["theme_zh", "theme_en", "n_peers_covering", "n_peers", "peers_covering", "includes_other_year_peers", "peer_sources"]])

# %%
fig = zwgk.charts.plot_gap_ranking(gaps, plans, focal_plan_id, lang=lang)
if export_figures:
    zwgk.export_figure(fig, "gaps_focal_ranking", zwgk.join_languages(f"{focal_zh}：相对同类计划的主题缺口", f"{focal_en}: theme gaps against peers", lang), out_dir=out_dir)
fig

# %% [markdown]
# ## Common tasks the peers include and the focal plan does not

# %%
index = zwgk.build_similarity_index(measures)
clusters = zwgk.cluster_measures()  # the dataset's common tasks, ids kept stable across added plans (data/clusters)
local_jurisdictions = plans.set_index("plan_id")["jurisdiction"].where(plans.set_index("plan_id")["level"] != "national")
summary = zwgk.summarise_clusters(index, clusters, local_jurisdictions, tasks=tasks)
task_gaps = zwgk.find_task_gaps(clusters, summary, measures, tasks, plans, focal_plan_id, year_window, same_level, min_peer_share)
zwgk.show_table(task_gaps.reindex(columns=["name_zh", "name_en", "n_peers_covering", "n_peers", "peers_covering", "peer_texts"]))

# %% [markdown]
# ## Accountability across plans
# Share of tasks that name an accountable agency (lead or responsible), a lead agency, a
# deadline or frequency, a quantified target. Prose plans name no agencies, so their agency
# shares are missing, not zero. The lead-only share is shown only for plans that name a lead
# wherever they list several agencies: a plan with one combined "牵头及责任单位" column writes a
# single agency as "X负责", so counting leads there would measure its layout.

# %%
accountability = zwgk.summarise_accountability(shown_plans, tasks)
fig = zwgk.charts.plot_accountability(accountability, shown_plans, lang=lang)
if export_figures:
    zwgk.export_figure(fig, "gaps_accountability", zwgk.join_languages("问责指标", "Accountability indicators", lang), out_dir=out_dir)
fig

# %% [markdown]
# ## Which kinds of agency carry the tasks
# Plans that name no agency (prose layouts) have no column; the chart's note names them.

# %%
shown = tasks["plan_id"].isin(shown_plans["plan_id"]), agencies["plan_id"].isin(shown_plans["plan_id"])
kinds = zwgk.summarise_agency_kinds(tasks[shown[0]], agencies[shown[1]])
fig = zwgk.charts.plot_agency_kinds(kinds, shown_plans, lang=lang)
if export_figures:
    zwgk.export_figure(fig, "gaps_agency_kinds", zwgk.join_languages("各类部门承担的任务占比", "Tasks per kind of agency", lang), out_dir=out_dir)
fig
