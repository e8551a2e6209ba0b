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
# # 3. Themes over time
#
# Every measure is coded with a theme from the codebook `data/codebook/themes.yaml`
# (held-out agreement with hand coding: κ 0.906, see the README). Shares of measures are
# compared per plan, with 95% bootstrap intervals, then by year.
#
# **Year confound.** Plans of different years come from different jurisdictions here, so a
# pooled difference between years mixes time and place. Each yearly row says how many
# jurisdictions it rests on; only jurisdictions with plans in several years show change
# within one place.
#
# **National plans.** The State Council's plans are never pooled with the local plans: the
# yearly means are over local plans only. With `include_national = True` the national plans
# are shown as their own series (dashed lines, their own table and legend group); with
# `False` they are left out of every chart and table here. Charts group plans by level,
# national first.
#
# **Few plans.** With one year of local plans there is no trend, and without a place that has
# plans of two years no theme emerges or fades within a place: the notebook says so and those
# charts state why they are empty.

# %% tags=["parameters"]
lang = "both"
include_national = True  # True: national plans shown as a separate series; False: left out (never pooled with local plans)
export_figures = True
figures_dir = None  # None: figures/_scratch/ (git-ignored) when run by hand; `zwgk report` passes figures/ or figures/runs/…

# %%
from pathlib import Path

import zwgk

plans = zwgk.load_plans()
measures = zwgk.load_measures()
coded = zwgk.code_measures(measures, tasks=zwgk.load_tasks())
panel = zwgk.build_theme_panel(plans, measures, coded)
local_panel = panel[panel["level"] != "national"]
national_panel = panel[panel["level"] == "national"] if include_national else panel.iloc[:0]
shown_plans = plans if include_national else plans[plans["level"] != "national"]
out_dir = Path(figures_dir) if figures_dir else None

# %% [markdown]
# ## Theme shares by plan

# %%
fig = zwgk.charts.plot_theme_shares(panel[panel["plan_id"].isin(shown_plans["plan_id"])], shown_plans, lang=lang)
if export_figures:
    zwgk.export_figure(fig, "themes_shares_by_plan", zwgk.join_languages("主要主题的措施占比（95% 区间）", "Share of measures in the main themes", lang), out_dir=out_dir)
fig

# %% [markdown]
# ## Pooled by year
# Local plans only: `mean_plan_share` weighs every local plan equally; `n_jurisdictions` is how
# many places a year rests on (first table), then each theme's share by year. The national
# plans' shares follow in their own table (one plan a year, so no pooling).

# %%
by_year = zwgk.summarise_themes_by_year(local_panel)
by_year.groupby("year")[["n_plans", "n_jurisdictions"]].max().T

# %%
by_year.pivot_table(index=["theme_id", "theme_zh"], columns="year", values="mean_plan_share").round(3)

# %%
national_by_year = zwgk.summarise_themes_by_year(national_panel) if len(national_panel) else None
national_panel.pivot_table(index=["theme_id", "theme_zh"], columns="year", values="share_measures").round(3)

# %% [markdown]
# The chart draws one line per place (a place with a single plan is a lone point), so no line
# joins two different places; the State Council's plans are the dashed line.

# %%
local_per_place = zwgk.summarise_themes_by_year(local_panel, by="jurisdiction")
fig = zwgk.charts.plot_theme_trends(local_per_place, shown_plans, lang=lang, national=national_by_year)
if export_figures:
    zwgk.export_figure(fig, "themes_over_years", zwgk.join_languages("主要主题的年度变化", "Main themes over the years", lang), out_dir=out_dir)
fig

# %% [markdown]
# ## Within jurisdictions: emerging and fading themes
# Only jurisdictions with plans in more than one year appear here. With the national plans
# included, 全国 is one more place: the State Council's own plans compared from first to last year.
# A theme is emerging or fading only where the 95% interval of its change (from both years'
# bootstrap intervals) excludes zero; changes are in percentage points.

# %%
per_place = zwgk.summarise_themes_by_year(panel[panel["plan_id"].isin(shown_plans["plan_id"])], by="jurisdiction")
trends = zwgk.find_emerging_fading(per_place)
if per_place.groupby("jurisdiction")["year"].nunique().max() < 2:
    print("No jurisdiction has plans of two or more years: nothing emerges or fades within a place.")
changes = zwgk.compute_year_changes(per_place)
changes[["jurisdiction", "theme_zh", "theme_en", "previous_year", "year", "previous_share", "mean_plan_share", "change"]].sort_values("change")

# %%
fig = zwgk.charts.plot_emerging_fading(trends, plans, lang=lang)
if export_figures:
    zwgk.export_figure(fig, "themes_emerging_fading", zwgk.join_languages("新兴与淡出的主题", "Emerging and fading themes", lang), out_dir=out_dir)
fig

# %% [markdown]
# ## Keyness of each year
# Words and themes that set each year apart from the others (Dunning's log-likelihood): the
# chart shows the terms a year uses more and those it uses less, each with its rate in that
# year's plans beside the rate in the rest.
# With one or two plans a year, this is also keyness of those places. Local plans only: a
# year's national plan would otherwise make its wording look like the wording of that year.

# %%
local_measures = measures[measures["plan_id"].isin(local_panel["plan_id"])]
tokens = zwgk.tokenize_measures(local_measures)
years = local_measures["plan_id"].map(plans.set_index("plan_id")["year"])
for year in sorted(years.unique()):
    print(year, zwgk.compute_keyness(tokens, years == year).query("direction == 'over'").head(8)["term"].tolist())

# %%
latest = int(years.max())
if years.nunique() < 2:
    print(f"Local plans of one year only ({latest}): no other year to set its words against.")
keyness = zwgk.compute_keyness(tokens, years == latest)
fig = zwgk.charts.plot_keyness(keyness, plans[plans["plan_id"].isin(local_measures["plan_id"])], str(latest), lang=lang)
if export_figures:
    zwgk.export_figure(fig, "themes_keyness_latest_year", zwgk.join_languages(f"{latest} 年的特征词", f"Distinctive terms of {latest}", lang), out_dir=out_dir)
fig

# %%
zwgk.compute_keyness(coded.set_index("measure_id").loc[local_measures["measure_id"], "theme_id"], years == latest, min_count=1).head(10)

# %% [markdown]
# Plans behind each year, for reference:

# %%
labelled = shown_plans.assign(label=zwgk.label_plans(shown_plans, "both").str.replace("<br>", " ").to_numpy())
zwgk.charts.order_plans(labelled)[["level", "year", "label"]]
