# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
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

# %% tags=["parameters"]
lang = "both"
min_change = 0.02
export_figures = True
figures_dir = None

# %%
from pathlib import Path

import zwgk

plans = zwgk.load_plans()
measures = zwgk.load_measures()
coded = zwgk.code_measures(measures, tasks=zwgk.load_tasks())
panel = zwgk.build_theme_panel(plans, measures, coded)
out_dir = Path(figures_dir) if figures_dir else None

# %% [markdown]
# ## Theme shares by plan

# %%
fig = zwgk.charts.plot_theme_shares(panel, plans, lang=lang)
if export_figures:
    zwgk.export_figure(fig, "themes_shares_by_plan", "主要主题的措施占比（95% 区间）/ Share of measures in the main themes", out_dir=out_dir)
fig

# %% [markdown]
# ## Pooled by year
# `mean_plan_share` weighs every plan equally; `n_jurisdictions` is how many places a year rests on.

# %%
by_year = zwgk.summarise_themes_by_year(panel)
by_year.pivot_table(index=["theme_id", "theme_zh"], columns="year", values="mean_plan_share").round(3)

# %%
fig = zwgk.charts.plot_theme_trends(by_year, plans, lang=lang)
if export_figures:
    zwgk.export_figure(fig, "themes_over_years", "主要主题的年度变化 / Main themes over the years", out_dir=out_dir)
fig

# %% [markdown]
# ## Within jurisdictions: emerging and fading themes
# Only jurisdictions with plans in more than one year appear here.

# %%
per_place = zwgk.summarise_themes_by_year(panel, by="jurisdiction")
trends = zwgk.find_emerging_fading(per_place, min_change=min_change)
zwgk.compute_year_changes(per_place).sort_values("change")

# %%
fig = zwgk.charts.plot_emerging_fading(trends, plans, lang=lang)
if export_figures:
    zwgk.export_figure(fig, "themes_emerging_fading", "新兴与淡出的主题 / Emerging and fading themes", out_dir=out_dir)
fig

# %% [markdown]
# ## Keyness of each year
# Words and themes that set each year apart from the others (Dunning's log-likelihood).
# With one or two plans a year, this is also keyness of those places.

# %%
tokens = zwgk.tokenize_measures(measures)
years = measures["plan_id"].map(plans.set_index("plan_id")["year"])
for year in sorted(years.unique()):
    print(year, zwgk.compute_keyness(tokens, years == year).query("direction == 'over'").head(8)["term"].tolist())

# %%
latest = int(years.max())
keyness = zwgk.compute_keyness(tokens, years == latest)
fig = zwgk.charts.plot_keyness(keyness, plans, str(latest), lang=lang)
if export_figures:
    zwgk.export_figure(fig, "themes_keyness_latest_year", f"{latest} 年的特征词 / Distinctive terms of {latest}", out_dir=out_dir)
fig

# %%
zwgk.compute_keyness(coded["theme_id"], years == latest, min_count=1).head(10)

# %% [markdown]
# Plans behind each year, for reference:

# %%
plans.assign(label=zwgk.label_plans(plans, "both").str.replace("<br>", " ").to_numpy())[["year", "label", "level"]].sort_values("year")
