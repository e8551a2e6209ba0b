"""One function per chart: tidy DataFrames in, a styled plotly figure out (never shown).

Every function takes ``plans`` (for plan labels and the source note) and ``lang`` (zh, en or
both), so a researcher can rebuild any chart for their own subset in one line.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from zwgk.figures.style import (
    PALETTE,
    SEQUENTIAL,
    _estimate_width,
    apply_house_style,
    join_languages,
    label_plans,
    label_themes,
    make_axis_label,
    make_label,
    make_title,
)
from zwgk.schema import LEVELS, UNCLASSIFIED

# Bar fill patterns by level, so a plan's level reads even where colours cycle (10+ plans).
LEVEL_PATTERNS = {"national": "/", "provincial": "x", "prefectural": "", "county": "."}
# Map marker shapes by level.
LEVEL_SYMBOLS = {"national": "diamond", "provincial": "square", "prefectural": "circle", "county": "triangle-up"}


def _plan_labels(plans: pd.DataFrame, plan_ids: pd.Series | list, lang: str) -> list[str]:
    labels = label_plans(plans, lang)
    return [labels[p] for p in plan_ids]


def _used_plans(plans: pd.DataFrame, plan_ids: pd.Series | list, lang: str) -> list[str]:
    return sorted(set(_plan_labels(plans, list(pd.unique(pd.Series(plan_ids))), lang)))


def order_plans(plans: pd.DataFrame) -> pd.DataFrame:
    """Return the plans national first, then province, prefecture, county; by year within a level.

    Every chart that lists plans uses this order, so the State Council's plans always sit
    together, ahead of the local plans that carry them out.
    """
    rank = plans["level"].map({level: i for i, level in enumerate(LEVELS)}).fillna(len(LEVELS))
    return plans.assign(_rank=rank).sort_values(["_rank", "year", "plan_id"]).drop(columns="_rank")


def label_level(level: str, lang: str, wrap: bool = True) -> str:
    """Return the name of an administrative level (全国 National, 省级 Provincial, 地级 Prefectural, 县级 County)."""
    return make_axis_label(f"level_{level}", lang) if wrap else make_label(f"level_{level}", lang)


def _level_axis(plans: pd.DataFrame, plan_ids: pd.Series | list, lang: str) -> list[list[str]]:
    """Two-row category axis (level, plan): plotly draws each level once across its plans, with dividers."""
    labels, levels = label_plans(plans, lang), plans.set_index("plan_id")["level"]
    ids = list(plan_ids)
    return [[label_level(levels[p], lang) for p in ids], [labels[p] for p in ids]]


def _fit_level_axes(fig: go.Figure, lang: str, axes: str = "x") -> go.Figure:
    """Make room for the level row of the two-row ``axes`` (x: below, y: left) and move the source note with it."""
    footer = fig.layout.annotations[-1]
    lines = 2 if lang == "both" else 1
    if "x" in axes:
        x = fig.data[0].x
        fig.layout.margin.b += 26 * lines + 10
        footer.yshift -= 26 * lines + 10
        column = max([60.0, *(_estimate_width(v, 15) + 20 for v in x[1])])
        colorbar = 180 if any(isinstance(trace, go.Heatmap) for trace in fig.data) else 420  # a colour bar, or a legend
        fig.layout.width = max(fig.layout.width, int(fig.layout.margin.l + fig.layout.margin.r + colorbar + column * len(x[1])))
    if "y" in axes:
        y = fig.data[0].y
        extra = int(max([0.0, *(_estimate_width(v, 15) for v in y[0])]) + max([0.0, *(_estimate_width(v, 15) for v in y[1])]))
        fig.layout.margin.l += extra  # the house margin (80 + axis title) sized nothing on a two-row axis
        footer.xshift -= extra
    return fig


def plot_plan_sizes(plans: pd.DataFrame, lang: str = "both") -> go.Figure:
    """Tasks and measures per plan: how much each plan asks, on one scale."""
    ordered = order_plans(plans)
    axis = _level_axis(ordered, ordered["plan_id"], lang)
    labels = axis[1]
    fig = go.Figure()
    for key, column, colour in (("tasks", "n_tasks", PALETTE[0]), ("measures", "n_measures", PALETTE[1])):
        fig.add_bar(y=axis, x=ordered[column], name=make_label(key, lang), orientation="h", marker_color=colour,
                    text=ordered[column], textposition="outside", customdata=ordered["plan_id"])  # fmt: skip
    fig.update_layout(barmode="group", xaxis_title=make_label("measures", lang), yaxis={"autorange": "reversed"})
    title = make_title("各计划的任务与措施数量", "Tasks and measures per plan", lang)
    return _fit_level_axes(apply_house_style(fig, title, labels, lang, height=220 + 70 * len(ordered)), lang, axes="y")


def plot_theme_heatmap(panel: pd.DataFrame, plans: pd.DataFrame, gaps: pd.DataFrame | None = None, lang: str = "both") -> go.Figure:
    """Plan x theme heatmap of the share of measures; peer gaps (plan_id, theme_id) marked ×."""
    frame = panel[panel["theme_id"] != UNCLASSIFIED].copy()
    frame["theme_label"] = label_themes(frame, lang, wrap=True)
    order = frame.groupby("theme_label")["share_measures"].mean().sort_values(ascending=False).index.tolist()
    plan_order = order_plans(plans)["plan_id"]
    grid = frame.pivot_table(index="theme_label", columns="plan_id", values="share_measures").reindex(index=order, columns=plan_order)
    text = np.where(grid.to_numpy() > 0, (100 * grid).round(0).astype("Int64").astype(str).to_numpy(), "")
    if gaps is not None and len(gaps):
        names = frame.drop_duplicates("theme_id").set_index("theme_id")["theme_label"]
        for plan_id, theme_id in zip(gaps["plan_id"], gaps["theme_id"], strict=True):
            text[order.index(names[theme_id]), list(plan_order).index(plan_id)] = "×"
    x_labels = _plan_labels(plans, plan_order, lang)
    x_axis = _level_axis(plans, plan_order, lang)
    fig = go.Figure(go.Heatmap(z=grid.to_numpy(), x=x_axis, y=order, text=text, texttemplate="%{text}", colorscale=SEQUENTIAL,
                               colorbar={"title": make_label("share_measures", lang), "tickformat": ".0%"},
                               hovertemplate="%{y}<br>%{x}<br>%{z:.1%}<extra></extra>"))  # fmt: skip
    fig.update_layout(yaxis={"autorange": "reversed", "tickfont": {"size": 13}}, xaxis={"side": "bottom", "tickangle": 0})
    title = make_title(
        "各计划的主题构成（措施占比，%；× 为相对同类计划的缺口）", "Themes by plan (% of measures; × = gap against peers)", lang
    )
    row = 44 if lang == "both" else 28
    fig = apply_house_style(fig, title, x_labels, lang, height=300 + row * len(order), width=1200)
    return _fit_level_axes(fig, lang)


def plot_theme_shares(panel: pd.DataFrame, plans: pd.DataFrame, n_themes: int = 8, lang: str = "both") -> go.Figure:
    """Share of measures in the most common themes, per plan, with 95% bootstrap intervals."""
    frame = panel[panel["theme_id"] != UNCLASSIFIED].copy()
    top = frame.groupby("theme_id")["share_measures"].mean().nlargest(n_themes).index
    frame = frame[frame["theme_id"].isin(top)]
    frame["theme_label"] = label_themes(frame, lang, wrap=True)
    order = frame.groupby("theme_label")["share_measures"].mean().sort_values(ascending=False).index
    labels = label_plans(plans, lang)
    levels = plans.set_index("plan_id")["level"]
    rank = {plan_id: i for i, plan_id in enumerate(order_plans(plans)["plan_id"])}
    fig = go.Figure()
    frame = frame.assign(_rank=frame["plan_id"].map(rank)).sort_values("_rank")
    for i, (plan_id, group) in enumerate(frame.groupby("plan_id", sort=False)):
        group = group.set_index("theme_label").reindex(order)
        error = {"type": "data", "symmetric": False, "array": group["share_high"] - group["share_measures"],
                 "arrayminus": group["share_measures"] - group["share_low"], "thickness": 1.2}  # fmt: skip
        level = levels[plan_id]
        fig.add_bar(y=list(order), x=group["share_measures"], name=labels[plan_id].replace("<br>", " "), error_x=error, orientation="h",
                    marker={"color": PALETTE[i % len(PALETTE)], "pattern": {"shape": LEVEL_PATTERNS.get(level, "")}},
                    legendgroup=level, legendgrouptitle_text=label_level(level, lang, wrap=False),
                    customdata=[plan_id] * len(group))  # fmt: skip
    fig.update_layout(barmode="group", xaxis={"title": make_axis_label("share_measures", lang), "tickformat": ".0%"},
                      yaxis={"autorange": "reversed"}, legend={"traceorder": "grouped"})  # fmt: skip
    title = make_title("主要主题的措施占比（95% 自助法区间）", "Share of measures in the main themes (95% bootstrap intervals)", lang)
    height = 260 + max(len(order), 1) * (26 + 16 * frame["plan_id"].nunique())
    return apply_house_style(fig, title, _used_plans(plans, frame["plan_id"], lang), lang, height=height)


def plot_theme_trends(
    by_year: pd.DataFrame, plans: pd.DataFrame, n_themes: int = 6, lang: str = "both", national: pd.DataFrame | None = None
) -> go.Figure:
    """Theme shares by year (plans weighted equally) with 95% bootstrap intervals; hover shows the places a year rests on.

    ``by_year`` is `summarise_themes_by_year` of the plans to pool (local plans, in the notebooks);
    ``national``, the same table for the State Council's plans, draws them as a separate dashed
    series per theme, so the national plans are shown beside the local mean, never averaged into it.
    """
    frame = by_year[by_year["theme_id"] != UNCLASSIFIED].copy()
    top = frame.groupby("theme_id")["mean_plan_share"].mean().nlargest(n_themes).index
    frame = frame[frame["theme_id"].isin(top)].sort_values("year")
    frame["theme_label"] = label_themes(frame, lang, wrap=True)
    fig = go.Figure()
    for i, (label, group) in enumerate(frame.groupby("theme_label", sort=True)):
        error = {"type": "data", "symmetric": False, "array": group["share_high"] - group["mean_plan_share"],
                 "arrayminus": group["mean_plan_share"] - group["share_low"], "thickness": 1.5, "width": 4}  # fmt: skip
        fig.add_scatter(x=group["year"], y=group["mean_plan_share"], mode="lines+markers", name=label, error_y=error,
                        line={"color": PALETTE[i % len(PALETTE)], "width": 3}, customdata=group["n_jurisdictions"], legendgroup=label,
                        hovertemplate="%{x}: %{y:.1%} (n=%{customdata})<extra>" + label.replace("<br>", " ") + "</extra>")  # fmt: skip
        if national is not None and len(national):
            _add_national_trend(fig, national[national["theme_id"] == group["theme_id"].iloc[0]].sort_values("year"), label, i, lang)
    fig.update_layout(yaxis={"title": make_axis_label("mean_plan_share", lang), "tickformat": ".0%"},
                      xaxis={"title": make_label("year", lang), "dtick": 1})  # fmt: skip
    title = make_title("主要主题的年度变化（95% 自助法区间）", "Main themes over the years (95% bootstrap intervals)", lang)
    if national is not None and len(national):
        for dash, key in (("solid", "local_mean"), ("dash", "national_plans")):
            line = {"color": "#555555", "dash": dash, "width": 2}  # a key to the two line styles, drawn last in the legend
            fig.add_scatter(x=[None], y=[None], mode="lines", name=make_axis_label(key, lang), line=line, legendgroup=key, legendrank=2000)
    note = make_label("year_confound", lang)
    height = 600 if national is None else 720  # room in the legend for the two line styles
    return apply_house_style(fig, title, label_plans(plans, lang).tolist(), lang, height=height, note=note)


def _add_national_trend(fig: go.Figure, rows: pd.DataFrame, label: str, i: int, lang: str) -> None:
    """One dashed line of a theme's share in the national plans, in the theme's colour, grouped with its local line."""
    name = label.replace("<br>", " ") + " · " + label_level("national", lang, wrap=False)
    fig.add_scatter(x=rows["year"], y=rows["mean_plan_share"], mode="lines+markers", name=name, legendgroup=label, showlegend=False,
                    line={"color": PALETTE[i % len(PALETTE)], "width": 2, "dash": "dash"}, marker={"symbol": LEVEL_SYMBOLS["national"]},
                    meta="national", hovertemplate="%{x}: %{y:.1%}<extra>" + name + "</extra>")  # fmt: skip


def plot_emerging_fading(trends: pd.DataFrame, plans: pd.DataFrame, lang: str = "both") -> go.Figure:
    """Change in each theme's share between a jurisdiction's first and last plan."""
    frame = trends[trends["status"] != "stable"].copy()
    frame["theme_label"] = label_themes(frame, lang)
    if "jurisdiction" in frame:
        frame["theme_label"] = frame["theme_label"] + " (" + frame["jurisdiction"] + ")"
    frame = frame.sort_values("change")
    colours = [PALETTE[2] if change > 0 else PALETTE[3] for change in frame["change"]]
    fig = go.Figure(go.Bar(x=frame["change"], y=frame["theme_label"], orientation="h", marker_color=colours,
                           hovertemplate="%{y}: %{x:+.1%}<extra></extra>"))  # fmt: skip
    fig.update_layout(xaxis={"title": make_label("change", lang), "tickformat": "+.0%"})
    title = make_title("新兴与淡出的主题（首末年份比较）", "Emerging and fading themes (first vs last year)", lang)
    used = plans[plans["jurisdiction"].isin(frame.get("jurisdiction", plans["jurisdiction"]))]
    return apply_house_style(fig, title, label_plans(used, lang).tolist(), lang, height=200 + 30 * max(len(frame), 4))


def plot_keyness(keyness: pd.DataFrame, plans: pd.DataFrame, target: str, n_terms: int = 15, lang: str = "both") -> go.Figure:
    """The terms that set ``target`` (a plan or year label) apart from the rest (log-likelihood)."""
    frame = keyness[keyness["direction"] == "over"].nlargest(n_terms, "g2").sort_values("log_ratio")
    fig = go.Figure(go.Bar(x=frame["log_ratio"], y=frame["term"], orientation="h", marker_color=PALETTE[0], customdata=frame["g2"],
                           hovertemplate="%{y}: log2 ratio %{x:.2f}, G2 %{customdata:.1f}<extra></extra>"))  # fmt: skip
    fig.update_layout(xaxis={"title": make_label("log_ratio", lang)})
    title = make_title(f"{target} 的特征词（对数似然）", f"Distinctive terms of {target} (log-likelihood)", lang)
    return apply_house_style(fig, title, label_plans(plans, lang).tolist(), lang, height=200 + 28 * max(len(frame), 5))


def plot_measure_map(
    points: pd.DataFrame, plans: pd.DataFrame, colour: str = "theme_label", n_colours: int = 8, lang: str = "both"
) -> go.Figure:
    """2-D map of measures (``project_measures`` coordinates); hover shows text, plan, section, lines.

    ``points`` needs x, y, text, plan_id, section_path, line_start, line_end and the ``colour``
    column. The ``n_colours`` largest groups get colours, the rest are grey (more colours cannot
    stay distinguishable).
    """
    levels = plans.set_index("plan_id")["level"]
    labels = label_plans(plans, lang).str.replace("<br>", " ") + " · " + levels.map(lambda v: label_level(v, lang, wrap=False))
    top = points[colour].value_counts().index[:n_colours]
    other = join_languages("其他", "other", lang)
    groups = points.assign(group=points[colour].where(points[colour].isin(top), other))
    fig = go.Figure()
    for value in [*top, other]:
        group = groups[groups["group"] == value]
        if group.empty:
            continue
        lines = "L" + group["line_start"].astype(str) + "-" + group["line_end"].astype(str)
        hover = labels.reindex(group["plan_id"]).to_numpy() + "<br>" + group["section_path"].str.slice(0, 40)
        hover = hover + "<br>" + lines + "<br>" + group["text"].str.slice(0, 60)
        colour_value = "#BBBBBB" if value == other else PALETTE[list(top).index(value) % len(PALETTE)]
        fig.add_scattergl(x=group["x"], y=group["y"], mode="markers", name=str(value), text=hover, customdata=group["plan_id"],
                          hovertemplate="%{text}<extra></extra>",
                          marker={"size": 9, "color": colour_value, "opacity": 0.85, "line": {"width": 0.5, "color": "white"},
                                  "symbol": group["plan_id"].map(levels).map(LEVEL_SYMBOLS).fillna("circle").tolist()})  # fmt: skip
    fig.update_layout(xaxis={"visible": False}, yaxis={"visible": False}, legend={"font": {"size": 13}})
    title = make_title("措施语义地图（相近措施彼此靠近）", "Map of measures (similar measures lie close together)", lang)
    used = levels.reindex(pd.unique(points["plan_id"])).dropna().unique()
    shapes = {"diamond": "◆", "square": "■", "circle": "●", "triangle-up": "▲"}
    key = (
        join_languages("形状", "Shape", lang)
        + ": "
        + "  ".join(f"{shapes[LEVEL_SYMBOLS[v]]} {label_level(v, lang, wrap=False)}" for v in LEVELS if v in set(used))
    )
    return apply_house_style(fig, title, _used_plans(plans, points["plan_id"], lang), lang, height=750, note=key)


def plot_common_tasks(presence: pd.DataFrame, plans: pd.DataFrame, n_tasks: int = 25, lang: str = "both") -> go.Figure:
    """Common-task x plan matrix: which plans include each task shared across jurisdictions."""
    top = presence.drop_duplicates("cluster_id").head(n_tasks)["cluster_id"]
    frame = presence[presence["cluster_id"].isin(top)]
    names = frame.drop_duplicates("cluster_id").set_index("cluster_id")["label"]
    plan_order = order_plans(plans)["plan_id"]
    grid = frame.pivot_table(index="cluster_id", columns="plan_id", values="n_measures", fill_value=0).reindex(
        index=top, columns=plan_order, fill_value=0
    )
    x_labels = _plan_labels(plans, plan_order, lang)
    fig = go.Figure(go.Heatmap(z=grid.to_numpy(), x=_level_axis(plans, plan_order, lang), y=names.reindex(grid.index).to_numpy(),
                               colorscale=SEQUENTIAL, zmin=0,
                               text=np.where(grid.to_numpy() > 0, "●", ""), texttemplate="%{text}",
                               colorbar={"title": make_axis_label("n_measures_cell", lang), "dtick": 1},
                               hovertemplate="%{y}<br>%{x}: %{z}<extra></extra>"))  # fmt: skip
    fig.update_layout(yaxis={"autorange": "reversed", "tickfont": {"size": 12}}, xaxis={"side": "bottom", "tickangle": 0})
    title = make_title(
        "跨地区的共同任务（聚类标签与各计划的措施数）", "Common tasks across jurisdictions (cluster label, measures per plan)", lang
    )
    fig = apply_house_style(fig, title, x_labels, lang, height=300 + 28 * len(grid), width=1200)
    return _fit_level_axes(fig, lang)


def plot_text_reuse(reuse_summary: pd.DataFrame, plans: pd.DataFrame, lang: str = "both") -> go.Figure:
    """Plan x plan heatmap: share of the row plan's measures copied nearly verbatim in the column plan."""
    plan_order = order_plans(plans)["plan_id"]
    grid = reuse_summary.pivot_table(index="plan_id", columns="other_plan_id", values="share_copied").reindex(
        index=plan_order, columns=plan_order
    )
    labels = _plan_labels(plans, plan_order, lang)
    text = np.where(grid.to_numpy() > 0, (100 * grid).round(0).astype("Int64").astype(str).to_numpy(), "")
    axis = _level_axis(plans, plan_order, lang)
    fig = go.Figure(go.Heatmap(z=grid.to_numpy(), x=axis, y=axis, text=text, texttemplate="%{text}", colorscale=SEQUENTIAL, zmin=0,
                               colorbar={"title": make_axis_label("share", lang), "tickformat": ".0%"},
                               hovertemplate="%{y} → %{x}: %{z:.1%}<extra></extra>"))  # fmt: skip
    fig.update_layout(yaxis={"autorange": "reversed", "title": make_axis_label("plan", lang)},
                      xaxis={"title": make_label("other_plan", lang), "tickangle": 0})  # fmt: skip
    title = make_title("计划间的文本复用（近乎相同的措施占比，%）", "Text reuse between plans (% of measures copied nearly verbatim)", lang)
    height = 420 + (60 if lang == "both" else 36) * len(plan_order)
    return _fit_level_axes(apply_house_style(fig, title, labels, lang, height=height, width=1200), lang, axes="xy")


def plot_gap_ranking(gaps: pd.DataFrame, plans: pd.DataFrame, focal: str, lang: str = "both") -> go.Figure:
    """The focal plan's gaps, ranked by the share of peers that cover each theme; hover lists sources."""
    frame = gaps.sort_values(["peer_share", "theme_id"], ascending=[True, False]).copy()
    frame["theme_label"] = label_themes(frame, lang, wrap=True)
    hover = frame["peers_covering"].map("、".join) + "<br>" + frame["peer_sources"].map(lambda s: "<br>".join(s[:6]))
    colours = [PALETTE[3] if other else PALETTE[0] for other in frame["includes_other_year_peers"]]
    fig = go.Figure(go.Bar(x=frame["peer_share"], y=frame["theme_label"], orientation="h", marker_color=colours, customdata=hover,
                           hovertemplate="%{y}: %{x:.0%}<br>%{customdata}<extra></extra>"))  # fmt: skip
    fig.update_layout(xaxis={"title": make_axis_label("peer_share", lang), "tickformat": ".0%", "range": [0, 1.05]})
    note = join_languages("橙色：同类计划中有其他年份的计划", "Orange: peers include plans of other years", lang)
    title = make_title(f"{focal}：同类计划覆盖而本计划缺少的主题", f"{focal}: themes peers cover and this plan lacks", lang)
    peer_plans = plans[
        plans["jurisdiction"].isin({p for peers in frame["peers_covering"] for p in peers})
        | (plans["plan_id"].isin(gaps.get("plan_id", [])))
    ]
    return apply_house_style(fig, title, label_plans(peer_plans, lang).tolist(), lang, height=300 + 48 * max(len(frame), 4), note=note)


def plot_accountability(accountability: pd.DataFrame, plans: pd.DataFrame, lang: str = "both") -> go.Figure:
    """Share of tasks with a named lead agency, a deadline or frequency, a quantified target, per plan."""
    ranks = order_plans(plans).reset_index(drop=True).reset_index().set_index("plan_id")["index"]
    ordered = accountability.assign(_rank=accountability["plan_id"].map(ranks)).sort_values(["_rank", "plan_id"])
    labels = _plan_labels(plans, ordered["plan_id"], lang)
    axis = _level_axis(plans, ordered["plan_id"], lang)
    fig = go.Figure()
    for i, column in enumerate(("share_with_lead", "share_with_deadline_or_frequency", "share_with_quantified_target")):
        values = ordered[column]
        fig.add_bar(x=axis, y=values.fillna(0), name=make_label(column, lang), marker_color=PALETTE[i], customdata=ordered["plan_id"],
                    text=["n/a" if pd.isna(v) else f"{v:.0%}" for v in values], textposition="outside")  # fmt: skip
    fig.update_layout(
        barmode="group",
        xaxis={"tickangle": 0},
        uniformtext={"minsize": 9, "mode": "show"},
        yaxis={"title": make_label("share_of_tasks", lang), "tickformat": ".0%", "range": [0, 1.15]},
    )
    note = join_languages("n/a：计划未列出任何牵头单位", "n/a: the plan names no agencies at all", lang)
    title = make_title(
        "问责指标：任务中有牵头单位、时限或量化目标的占比", "Accountability: tasks with a lead agency, a deadline, a number", lang
    )
    fig.update_traces(textfont={"size": 11 if len(ordered) > 6 else 14})
    fig = apply_house_style(fig, title, labels, lang, height=600, note=note)
    return _fit_level_axes(fig, lang)


def plot_agency_kinds(kinds: pd.DataFrame, plans: pd.DataFrame, n_kinds: int = 15, lang: str = "both") -> go.Figure:
    """Plan x agency-kind heatmap: the share of a plan's tasks that name each kind of agency."""
    frame = kinds.copy()
    frame["kind_label"] = {"zh": frame["agency_kind_zh"], "en": frame["agency_kind_en"],
                           "both": frame["agency_kind_zh"] + " " + frame["agency_kind_en"]}[lang]  # fmt: skip
    top = frame.groupby("kind_label")["share_of_tasks"].mean().nlargest(n_kinds).index
    plan_order = order_plans(plans[plans["plan_id"].isin(frame["plan_id"])])["plan_id"]
    grid = (
        frame.pivot_table(index="kind_label", columns="plan_id", values="share_of_tasks").reindex(index=top, columns=plan_order).fillna(0.0)
    )
    labels = _plan_labels(plans, plan_order, lang)
    fig = go.Figure(go.Heatmap(z=grid.to_numpy(), x=_level_axis(plans, plan_order, lang), y=list(top), colorscale=SEQUENTIAL, zmin=0,
                               colorbar={"title": make_label("share_of_tasks", lang), "tickformat": ".0%"},
                               hovertemplate="%{y}<br>%{x}: %{z:.0%}<extra></extra>"))  # fmt: skip
    fig.update_layout(yaxis={"autorange": "reversed"}, xaxis={"side": "bottom", "tickangle": 0})
    title = make_title("各类部门承担的任务占比", "Share of tasks naming each kind of agency", lang)
    return _fit_level_axes(apply_house_style(fig, title, labels, lang, height=300 + 32 * len(top), width=1200), lang)


__all__ = [
    "plot_accountability",
    "plot_agency_kinds",
    "plot_common_tasks",
    "plot_emerging_fading",
    "plot_gap_ranking",
    "plot_keyness",
    "plot_measure_map",
    "plot_plan_sizes",
    "plot_text_reuse",
    "plot_theme_heatmap",
    "plot_theme_shares",
    "plot_theme_trends",
]
