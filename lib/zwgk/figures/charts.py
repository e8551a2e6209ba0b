"""One function per chart: tidy DataFrames in, a styled plotly figure out (never shown).

Every function takes ``plans`` (for plan labels and the source note) and ``lang`` (zh, en or
both), so a researcher can rebuild any chart for their own subset in one line.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from zwgk.figures.maps import plot_correspondence_map
from zwgk.figures.style import (
    ALIGNMENT_COLOURS,
    CARRIED_COLOUR,
    COMPARISON_COLOURS,
    DROPPED_COLOUR,
    PALETTE,
    SEQUENTIAL,
    _estimate_width,
    apply_house_style,
    check_language,
    join_languages,
    label_plans,
    label_terms,
    label_themes,
    make_axis_label,
    make_empty_figure,
    make_label,
    make_title,
    translate_places,
    translate_text,
)
from zwgk.schema import ALIGNMENT_CLASSES, LEVELS, UNCLASSIFIED

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
    if plans.empty:
        return _plot_nothing(
            make_title("各计划的任务与措施数量", "Tasks and measures per plan", lang), "没有计划", "No plans to show", lang
        )
    ordered = order_plans(plans)
    axis = _level_axis(ordered, ordered["plan_id"], lang)
    labels = axis[1]
    fig = go.Figure()
    for key, column, colour in (("tasks", "n_tasks", PALETTE[0]), ("measures", "n_measures", PALETTE[1])):
        fig.add_bar(y=axis, x=ordered[column], name=make_label(key, lang), orientation="h", marker_color=colour,
                    text=ordered[column], textposition="outside", customdata=ordered["plan_id"],
                    hovertemplate="%{y}: %{x}<extra>" + make_label(key, lang) + "</extra>")  # fmt: skip
    fig.update_layout(barmode="group", xaxis_title=make_label("measures", lang), yaxis={"autorange": "reversed"})
    title = make_title("各计划的任务与措施数量", "Tasks and measures per plan", lang)
    return _fit_level_axes(apply_house_style(fig, title, labels, lang, height=220 + 70 * len(ordered)), lang, axes="y")


def plot_theme_heatmap(panel: pd.DataFrame, plans: pd.DataFrame, gaps: pd.DataFrame | None = None, lang: str = "both") -> go.Figure:
    """Plan x theme heatmap of the share of measures; peer gaps (plan_id, theme_id) marked ×."""
    if _is_empty(panel, plans):
        return _plot_nothing(
            make_title("各计划的主题构成", "Themes by plan", lang),
            "没有计划的措施可按主题比较",
            "No plan has measures to compare by theme",
            lang,
        )
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
    if _is_empty(panel, plans):
        return _plot_nothing(
            make_title("主要主题的措施占比", "Share of measures in the main themes", lang),
            "没有计划的措施可按主题比较",
            "No plan has measures to compare by theme",
            lang,
        )
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
                    customdata=[plan_id] * len(group),
                    hovertemplate="%{y}: %{x:.1%}<extra>" + labels[plan_id].replace("<br>", " ") + "</extra>")  # fmt: skip
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
    if by_year.empty:
        return _plot_nothing(
            make_title("主要主题的年度变化", "Main themes over the years", lang),
            "没有地方计划可按年份汇总",
            "No local plans to pool by year",
            lang,
        )
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
    if trends.empty or trends["status"].eq("stable").all():
        return _plot_nothing(
            make_title("新兴与淡出的主题", "Emerging and fading themes", lang),
            "没有地区有两个年份以上的计划，或没有主题的占比变化超过阈值",
            "No jurisdiction has plans of two years, or no theme changed past the threshold",
            lang,
        )
    frame = trends[trends["status"] != "stable"].copy()
    frame["theme_label"] = label_themes(frame, lang)
    if "jurisdiction" in frame:
        frame["theme_label"] = frame["theme_label"] + " (" + translate_places(frame["jurisdiction"], plans, lang) + ")"
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
    if keyness.empty or not keyness["direction"].eq("over").any():
        return _plot_nothing(
            make_title(f"{target} 的特征词", f"Distinctive terms of {target}", lang),
            "没有特征词：没有其他计划可比较，或词语太少",
            "No distinctive terms: no other plans to compare with, or too few words",
            lang,
        )
    frame = keyness[keyness["direction"] == "over"].nlargest(n_terms, "g2").sort_values("log_ratio")
    fig = go.Figure(go.Bar(x=frame["log_ratio"], y=label_terms(frame["term"], lang), orientation="h", marker_color=PALETTE[0],
                           customdata=frame["g2"],
                           hovertemplate="%{y}: log2 ratio %{x:.2f}, G2 %{customdata:.1f}<extra></extra>"))  # fmt: skip
    fig.update_layout(xaxis={"title": make_label("log_ratio", lang)})
    target_en = translate_places(pd.Series([str(target)]), plans, "en").iloc[0]
    title = make_title(f"{target} 的特征词（对数似然）", f"Distinctive terms of {target_en} (log-likelihood)", lang)
    note = make_label("gloss", lang) if lang == "en" else ""
    return apply_house_style(fig, title, label_plans(plans, lang).tolist(), lang, height=200 + 28 * max(len(frame), 5), note=note)


def plot_measure_map(
    points: pd.DataFrame, plans: pd.DataFrame, colour: str = "theme_label", n_colours: int = 8, lang: str = "both"
) -> go.Figure:
    """2-D map of measures (``project_measures`` coordinates); hover shows text, plan, section, lines.

    ``points`` needs x, y, text, plan_id, section_path, line_start, line_end and the ``colour``
    column. The ``n_colours`` largest groups get colours, the rest are grey (more colours cannot
    stay distinguishable).
    """
    if _is_empty(points, plans):
        return _plot_nothing(make_title("措施语义地图", "Map of measures", lang), "没有措施可绘制", "No measures to map", lang)
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
        sections = group["section_path"].str.slice(0, 40).map(lambda text: translate_text(text, lang))
        texts = group["text"].str.slice(0, 60).map(lambda text: translate_text(text, lang))
        hover = labels.reindex(group["plan_id"]).to_numpy() + "<br>" + sections + "<br>" + lines + "<br>" + texts
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
        + (f"<br>{make_label('gloss', lang)}" if lang == "en" else "")
    )
    return apply_house_style(fig, title, _used_plans(plans, points["plan_id"], lang), lang, height=750, note=key)


def plot_common_tasks(presence: pd.DataFrame, plans: pd.DataFrame, n_tasks: int = 25, lang: str = "both") -> go.Figure:
    """Common-task x plan matrix: which plans include each task shared across jurisdictions."""
    if _is_empty(presence, plans):
        return _plot_nothing(
            make_title("跨地区的共同任务", "Common tasks across jurisdictions", lang),
            "没有共同任务：至少需要两个地区的地方计划",
            "No common tasks: they need local plans of two or more jurisdictions",
            lang,
        )
    top = presence.drop_duplicates("cluster_id").head(n_tasks)["cluster_id"]
    frame = presence[presence["cluster_id"].isin(top)]
    names = _name_common_tasks(frame.drop_duplicates("cluster_id"), lang)
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
    note = make_label("gloss", lang) if lang == "en" else ""
    fig = apply_house_style(fig, title, x_labels, lang, height=300 + 28 * len(grid), width=1200, note=note)
    return _fit_level_axes(fig, lang)


def _name_common_tasks(tasks: pd.DataFrame, lang: str) -> pd.Series:
    """Row label of each common task (indexed by cluster_id): its name (name_zh, name_en) where given, else its glossed label."""
    if {"name_zh", "name_en"} <= set(tasks.columns):
        names = {"zh": tasks["name_zh"], "en": tasks["name_en"], "both": tasks["name_zh"]}[check_language(lang)]
        names = pd.Series(label_terms(names, "zh" if lang != "en" else "en"), index=tasks.index)
    else:
        names = pd.Series(label_terms(tasks["label"], lang), index=tasks.index)
    repeated = names.duplicated(keep=False)  # one row per task, even when two tasks share a name
    names[repeated] = names[repeated] + " #" + (names[repeated].groupby(names[repeated]).cumcount() + 1).astype(str)
    return pd.Series(names.to_numpy(), index=tasks["cluster_id"].to_numpy())


def plot_text_reuse(reuse_summary: pd.DataFrame, plans: pd.DataFrame, lang: str = "both") -> go.Figure:
    """Plan x plan heatmap: share of the row plan's measures copied nearly verbatim in the column plan."""
    if _is_empty(reuse_summary, plans):
        return _plot_nothing(
            make_title("计划间的文本复用", "Text reuse between plans", lang),
            "没有可比较的计划对（只有一份计划）",
            "No pairs of plans to compare (one plan only)",
            lang,
        )
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
    if gaps.empty:
        return _plot_nothing(
            make_title(f"{focal}：同类计划覆盖而本计划缺少的主题", f"{focal}: themes peers cover and this plan lacks", lang),
            "没有缺口：没有同类计划，或本计划覆盖了同类计划的全部常见主题",
            "No gaps: no peers, or the plan covers every theme most peers cover",
            lang,
        )
    frame = gaps.sort_values(["peer_share", "theme_id"], ascending=[True, False]).copy()
    frame["theme_label"] = label_themes(frame, lang, wrap=True)
    peers = translate_places(frame["peers_covering"].map("、".join), plans, lang)
    hover = peers + "<br>" + translate_places(frame["peer_sources"].map(lambda s: "<br>".join(s[:6])), plans, lang)
    colours = [PALETTE[3] if other else PALETTE[0] for other in frame["includes_other_year_peers"]]
    fig = go.Figure(go.Bar(x=frame["peer_share"], y=frame["theme_label"], orientation="h", marker_color=colours, customdata=hover,
                           hovertemplate="%{y}: %{x:.0%}<br>%{customdata}<extra></extra>"))  # fmt: skip
    fig.update_layout(xaxis={"title": make_axis_label("peer_share", lang), "tickformat": ".0%", "range": [0, 1.05]})
    note = join_languages("橙色：同类计划中有其他年份的计划", "Orange: peers include plans of other years", lang)
    focal_zh, focal_en = (label_plans(plans, language).get(focal, focal) for language in ("zh", "en"))  # a plan_id or a label
    focal_en = translate_places(pd.Series([focal_en]), plans, "en").iloc[0]
    title = make_title(f"{focal_zh}：同类计划覆盖而本计划缺少的主题", f"{focal_en}: themes peers cover and this plan lacks", lang)
    peer_plans = plans[
        plans["jurisdiction"].isin({p for peers in frame["peers_covering"] for p in peers})
        | (plans["plan_id"].isin(gaps.get("plan_id", [])))
    ]
    return apply_house_style(fig, title, label_plans(peer_plans, lang).tolist(), lang, height=300 + 48 * max(len(frame), 4), note=note)


def plot_accountability(accountability: pd.DataFrame, plans: pd.DataFrame, lang: str = "both") -> go.Figure:
    """Share of tasks with a named lead agency, a deadline or frequency, a quantified target, per plan."""
    if _is_empty(accountability, plans):
        return _plot_nothing(make_title("问责指标", "Accountability", lang), "没有任务可汇总", "No tasks to summarise", lang)
    ranks = order_plans(plans).reset_index(drop=True).reset_index().set_index("plan_id")["index"]
    ordered = accountability.assign(_rank=accountability["plan_id"].map(ranks)).sort_values(["_rank", "plan_id"])
    labels = _plan_labels(plans, ordered["plan_id"], lang)
    axis = _level_axis(plans, ordered["plan_id"], lang)
    fig = go.Figure()
    for i, column in enumerate(("share_with_lead", "share_with_deadline_or_frequency", "share_with_quantified_target")):
        values = ordered[column]
        fig.add_bar(x=axis, y=values.fillna(0), name=make_label(column, lang), marker_color=PALETTE[i], customdata=ordered["plan_id"],
                    text=["n/a" if pd.isna(v) else f"{v:.0%}" for v in values], textposition="outside",
                    hovertemplate="%{x}: %{text}<extra>" + make_label(column, lang) + "</extra>")  # fmt: skip
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
    if _is_empty(kinds, plans):
        return _plot_nothing(
            make_title("各类部门承担的任务占比", "Share of tasks naming each kind of agency", lang),
            "没有计划列出牵头或责任部门",
            "No plan names lead or responsible agencies",
            lang,
        )
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


def _is_empty(*frames: pd.DataFrame) -> bool:
    """True when any of the chart's tables has no rows: nothing to draw, so the chart says why (`_plot_nothing`)."""
    return any(frame is None or frame.empty for frame in frames)


def _plot_nothing(title: str, reason_zh: str, reason_en: str, lang: str) -> go.Figure:
    """An empty chart whose title says why it is empty (no data is not an error); see `make_empty_figure`."""
    return make_empty_figure(title, reason_zh, reason_en, lang)


def _label_plans_with_level(plans: pd.DataFrame, plan_ids: list, lang: str) -> list[str]:
    """Plan labels with the administrative level (无锡市 2018 · 地级), so levels read apart."""
    frame = plans.set_index("plan_id").loc[list(plan_ids)]
    zh = (
        label_plans(plans, "zh")[list(plan_ids)].to_numpy()
        + " · "
        + frame["level"].map(lambda v: make_label(f"level_{v}", "zh")).to_numpy()
    )
    en = (
        label_plans(plans, "en")[list(plan_ids)].to_numpy()
        + " · "
        + frame["level"].map(lambda v: make_label(f"level_{v}", "en")).to_numpy()
    )
    return list({"zh": zh, "en": en, "both": zh + "<br>" + en}[check_language(lang)])


def _wrap_words(text: str, width: int = 60, max_lines: int = 3) -> str:
    """Cut an English text into lines of about ``width`` characters at spaces (never inside a word or an <i> tag)."""
    lines: list[str] = []
    for word in str(text).split():
        visible = len(word.replace("<i>", "").replace("</i>", ""))
        if lines and len(lines[-1].replace("<i>", "").replace("</i>", "")) + 1 + visible <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], lines[max_lines - 1] + " …"]
    return "<br>".join(lines) or ""


def _wrap_text(text: str, width: int = 32, max_lines: int = 3) -> str:
    """Cut a measure's text into lines of ``width`` characters (Chinese has no spaces to wrap at)."""
    text = str(text).strip()
    lines = [text[i : i + width] for i in range(0, len(text), width)] or [""]
    if len(lines) > 1 and len(lines[-1]) <= 2:  # no line of a lone full stop
        lines = [*lines[:-2], lines[-2] + lines[-1]]
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], lines[max_lines - 1][: width - 1] + "…"]
    return "<br>".join(lines)


def plot_alignment_shares(summary: pd.DataFrame, plans: pd.DataFrame, lang: str = "both") -> go.Figure:
    """Per plan: shares of its measures copied, adapted or added (stacked bars) and the share of its parent carried (◆).

    ``summary`` is `summarise_alignment`'s table. Plans are grouped by administrative level
    (named in each label), then ordered by year.
    """
    title = make_title("各计划对上级计划的承接：照搬、改写与新增", "How each plan follows its parent: copied, adapted, added", lang)
    if summary.empty:
        return _plot_nothing(title, "没有计划在数据集中有上级计划", "No plan has a parent plan in the dataset", lang)
    rank = {level: i for i, level in enumerate(LEVELS)}
    ordered = summary.assign(level_rank=summary["level"].map(rank)).sort_values(["level_rank", "year", "plan_id"], ignore_index=True)
    labels = _label_plans_with_level(plans, ordered["plan_id"], lang)
    fig = go.Figure()
    for name in ALIGNMENT_CLASSES:
        values = ordered[f"share_{name}"]
        fig.add_bar(y=labels, x=values, name=make_label(name, lang), orientation="h", marker_color=ALIGNMENT_COLOURS[name],
                    text=[f"{v:.0%}" if v >= 0.06 else "" for v in values], textposition="inside", insidetextanchor="middle",
                    customdata=ordered["plan_id"], hovertemplate="%{y}: %{x:.1%}<extra>" + make_label(name, lang) + "</extra>")  # fmt: skip
    fig.add_scatter(y=labels, x=ordered["share_parent_carried"], mode="markers", name=make_label("share_parent_carried", lang),
                    marker={"symbol": "diamond", "size": 16, "color": "#000000", "line": {"width": 2, "color": "#FFFFFF"}},
                    customdata=ordered["plan_id"], hovertemplate="%{y}: %{x:.1%}<extra></extra>")  # fmt: skip
    fig.update_layout(
        barmode="stack",
        xaxis={"title": make_axis_label("share_of_own_measures", lang), "tickformat": ".0%", "range": [0, 1.01]},
        yaxis={"autorange": "reversed"},
        legend={"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom", "traceorder": "normal"},
    )
    note = join_languages("◆：上级计划措施中被本计划承接的占比", "◆: share of the parent plan's measures this plan carries", lang)
    row = 70 if lang == "both" else 52
    fig = apply_house_style(fig, title, _plan_labels(plans, ordered["plan_id"], lang), lang, height=420 + row * len(ordered), note=note)
    top = 230 if lang == "both" else 150  # room for the legend above the bars, the title at the very top
    return fig.update_layout(margin={"t": top}, title={"y": 1 - (55 if lang == "both" else 35) / fig.layout.height, "yanchor": "middle"})


def plot_compliance_gaps(dropped: pd.DataFrame, plans: pd.DataFrame, top_n: int = 15, lang: str = "both") -> go.Figure:
    """The parent measures most often left out by the plans below them (`find_dropped_parent_measures`), with the parent's year."""
    title = make_title("上级计划中最常未被承接的措施", "The parent plans' measures most often dropped by the plans below", lang)
    if dropped.empty:
        return _plot_nothing(title, "没有计划在数据集中有上级计划", "No plan has a parent plan in the dataset", lang)
    frame = dropped[dropped["n_dropping"] > 0].head(top_n)
    if frame.empty:
        return _plot_nothing(title, "下级计划承接了上级计划的全部措施", "The plans below carry every measure of their parents", lang)
    years = plans.set_index("plan_id")["year"]
    year = frame["parent_plan_id"].map(years).astype(str)
    if lang == "en":
        labels = [f"{y} | {_wrap_words(translate_text(text, lang))}" for y, text in zip(year, frame["parent_text"], strict=True)]
    else:
        labels = [f"{y}｜{_wrap_text(text)}" for y, text in zip(year, frame["parent_text"], strict=True)]
    names, separator = label_plans(plans, "zh" if lang == "both" else lang).str.replace("<br>", " "), "、" if lang != "en" else ", "
    dropped_by = frame["dropped_by"].map(lambda ids: separator.join(names.reindex(ids)))
    fig = go.Figure(go.Bar(x=frame["share_dropping"], y=labels, orientation="h", marker_color=DROPPED_COLOUR,
                           text=frame["n_dropping"].astype(str) + "/" + frame["n_plans"].astype(str), textposition="outside",
                           customdata=np.stack([frame["parent_measure_id"], dropped_by], axis=-1),
                           hovertemplate="%{customdata[0]}: %{x:.0%}<br>%{customdata[1]}<extra></extra>"))  # fmt: skip
    fig.update_layout(
        xaxis={"title": make_axis_label("share_dropping", lang), "tickformat": ".0%", "range": [0, 1.12]},
        yaxis={"autorange": "reversed", "tickfont": {"size": 13}},
    )
    note = join_languages(
        "标签：上级计划年份｜措施原文；条末数字：未承接的下级计划数/下级计划数",
        "Label: parent plan's year | the measure's text; at the bar's end: plans dropping it / plans below",
        lang,
    ) + (f"<br>{make_label('gloss', lang)}" if lang == "en" else "")
    used = pd.unique(pd.Series([*frame["parent_plan_id"], *(p for ids in frame["dropped_by"] for p in ids)]))
    return apply_house_style(fig, title, _used_plans(plans, used, lang), lang, height=260 + 62 * len(frame), note=note, width=1200)


def plot_alignment_timing(summary: pd.DataFrame, plans: pd.DataFrame, lang: str = "both") -> go.Figure:
    """Days between the parent's issue and the plan's against the share of its measures copied or adapted (where both dates are known)."""
    title = make_title("印发时间与承接程度", "Timing and alignment: later plans, more copied?", lang)
    frame = summary[summary["days_after_parent"].notna()].sort_values(["days_after_parent", "plan_id"])
    if frame.empty:
        return _plot_nothing(title, "没有计划同时知道本计划与上级计划的印发日期", "No plan has both its and its parent's issue date", lang)
    aligned = frame["share_verbatim"] + frame["share_adapted"]
    labels = _label_plans_with_level(plans, frame["plan_id"], lang)
    fig = go.Figure(go.Scatter(x=frame["days_after_parent"].astype(float), y=aligned, mode="markers+text", text=labels,
                               textposition="top center", marker={"size": 16, "color": PALETTE[0]}, customdata=frame["plan_id"],
                               hovertemplate="%{text}<br>%{x:.0f} d, %{y:.1%}<extra></extra>"))  # fmt: skip
    days = frame["days_after_parent"].astype(float)
    fig.update_layout(
        xaxis={"title": make_label("days_after_parent", lang), "range": [min(0.0, days.min() - 20), days.max() * 1.15 + 20]},
        yaxis={"title": make_axis_label("share_aligned", lang), "tickformat": ".0%", "range": [0, 1.12]},
    )
    n = len(frame)
    note = join_languages(f"仅 {n} 个计划两份日期均已知：不足以推断趋势", f"Only {n} plans have both dates: too few for a trend", lang)
    return apply_house_style(fig, title, _plan_labels(plans, frame["plan_id"], lang), lang, height=600, note=note)


def plot_parent_coverage_by_theme(
    by_theme: pd.DataFrame, focal: str, plans: pd.DataFrame, lang: str = "both", themes: pd.DataFrame | None = None
) -> go.Figure:
    """For plan ``focal``: the share of its parent's measures of each theme that it carries (`summarise_alignment_by_theme`).

    ``themes`` (theme_id, theme_zh, theme_en; e.g. `code_measures`' table) names the themes;
    without it the chart shows theme ids.
    """
    zh, en = (label_plans(plans, language).get(focal, focal) for language in ("zh", "en"))
    title = make_title(f"{zh}：按主题的上级措施承接率", f"{en}: share of the parent's measures carried, by theme", lang)
    keep = (by_theme["plan_id"] == focal) & (by_theme["n_parent_measures"] > 0) & (by_theme["theme_id"] != UNCLASSIFIED)
    frame = by_theme[keep].copy()
    if frame.empty:
        return _plot_nothing(title, "该计划没有上级计划的措施可比较", "This plan has no parent measures to compare with", lang)
    if themes is not None:
        frame = frame.merge(themes[["theme_id", "theme_zh", "theme_en"]].drop_duplicates("theme_id"), on="theme_id", how="left")
    if "theme_zh" not in frame:
        frame["theme_zh"] = frame["theme_en"] = frame["theme_id"]
    frame[["theme_zh", "theme_en"]] = frame[["theme_zh", "theme_en"]].fillna({"theme_zh": frame["theme_id"], "theme_en": frame["theme_id"]})
    frame = frame.sort_values(["share_parent_carried", "n_parent_measures", "theme_id"], ascending=[True, False, True])
    frame["theme_label"] = label_themes(frame, lang)
    fig = go.Figure(go.Bar(x=frame["share_parent_carried"], y=frame["theme_label"], orientation="h", marker_color=CARRIED_COLOUR,
                           text=frame["n_parent_carried"].astype(str) + "/" + frame["n_parent_measures"].astype(str),
                           textposition="outside", customdata=frame["theme_id"],
                           hovertemplate="%{y}: %{x:.0%} (%{text})<extra></extra>"))  # fmt: skip
    fig.update_layout(xaxis={"title": make_axis_label("share_parent_carried", lang), "tickformat": ".0%", "range": [0, 1.12]})
    note = join_languages("条末数字：承接的上级措施数/该主题的上级措施数", "At the end: parent measures carried / all of the theme", lang)
    used = [focal, *pd.unique(plans.loc[plans["plan_id"] == focal, "parent_plan_id"].dropna())]
    return apply_house_style(fig, title, _used_plans(plans, used, lang), lang, height=260 + 34 * len(frame), note=note)


def _comparison_plans(comparison: pd.DataFrame) -> tuple[str, str]:
    """Plan A's and plan B's ids, read from a `compare_plans` table (its ``side`` column)."""
    ids = comparison.drop_duplicates("side").set_index("side")["plan_id"]
    return str(ids["a"]), str(ids["b"])


def plot_comparison_counts(comparison: pd.DataFrame, plans: pd.DataFrame, lang: str = "both") -> go.Figure:
    """Two bars, one per plan of a `compare_plans` table: its measures the same in both, reworded, or only in it.

    The colours are alignment's: the same measure as a copy, a reworded one as adapted, one only
    this plan has as its own addition. Bar values are counts of measures.
    """
    title = make_title("两份计划的措施比较：相同、改写与独有", "Two plans compared: same, reworded, only in one", lang)
    if comparison.empty or set(comparison["side"]) != {"a", "b"}:
        return _plot_nothing(title, "两份计划中至少一份没有措施", "At least one of the two plans has no measures", lang)
    plan_ids = list(_comparison_plans(comparison))
    counts = comparison.groupby(["side", "comparison_class"]).size()
    labels = _label_plans_with_level(plans, plan_ids, lang)
    fig = go.Figure()
    for key, classes in (("same", ("same", "same")), ("reworded", ("reworded", "reworded")), ("only_in_plan", ("only_in_a", "only_in_b"))):
        values = [int(counts.get((side, name), 0)) for side, name in zip("ab", classes, strict=True)]
        fig.add_bar(y=labels, x=values, name=make_label(key, lang), orientation="h", marker_color=COMPARISON_COLOURS[classes[0]],
                    text=[str(v) if v else "" for v in values], textposition="inside", insidetextanchor="middle",
                    customdata=np.stack([plan_ids, list(classes)], axis=-1),
                    hovertemplate="%{y}: %{x}<extra>" + make_label(key, lang) + "</extra>")  # fmt: skip
    fig.update_layout(
        barmode="stack",
        xaxis={"title": make_axis_label("n_measures_of_plan", lang)},
        yaxis={"autorange": "reversed"},
        legend={"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom", "traceorder": "normal"},
    )
    note = join_languages(
        "相同：近乎逐字相同；改写：对方计划有同一任务；独有：对方计划中没有相近措施。",
        "Same: nearly word for word; reworded: the other plan has the same task; only: nothing close in the other plan.",
        lang,
    )
    fig = apply_house_style(fig, title, _plan_labels(plans, plan_ids, lang), lang, height=520 if lang == "both" else 470, note=note)
    top = 170 if lang == "both" else 125  # room for the legend above the bars, the title at the very top
    return fig.update_layout(margin={"t": top}, title={"y": 1 - (50 if lang == "both" else 35) / fig.layout.height, "yanchor": "middle"})


def plot_comparison_by_theme(summary: pd.DataFrame, plans: pd.DataFrame, plan_a: str, plan_b: str, lang: str = "both") -> go.Figure:
    """Per theme: plan A's share of its measures minus plan B's (`summarise_comparison`), with its 95% interval.

    A forest chart: themes whose interval leaves out zero (``is_clear_difference``) are drawn
    in colour, the rest in grey. Unclassified measures are left out: they are not a theme.
    """
    (a_zh, b_zh), (a_en, b_en) = ([label_plans(plans, language).get(p, p) for p in (plan_a, plan_b)] for language in ("zh", "en"))
    title = make_title(f"主题侧重之差：{a_zh} 对 {b_zh}", f"Emphasis by theme: {a_en} against {b_en}", lang)
    frame = summary[summary["theme_id"] != UNCLASSIFIED].copy()
    if frame.empty:
        return _plot_nothing(title, "两份计划没有可按主题比较的措施", "The two plans have no measures to compare by theme", lang)
    frame = frame.sort_values(["share_difference", "theme_id"], ascending=[False, True])
    frame["theme_label"] = label_themes(frame, lang, wrap=True)
    fig = go.Figure()
    fig.add_vline(x=0, line={"color": "#888888", "width": 1})
    names = {clear: join_languages(f"区间{word_zh}含 0", f"interval {word_en} 0", lang) for clear, word_zh, word_en in
             ((True, "不", "excludes"), (False, "", "includes"))}  # fmt: skip
    for clear, colour in ((True, COMPARISON_COLOURS["only_in_a"]), (False, "#999999")):
        group = frame[frame["is_clear_difference"].astype(bool) == clear]
        if group.empty:
            continue
        error = {"type": "data", "symmetric": False, "array": group["difference_high"] - group["share_difference"],
                 "arrayminus": group["share_difference"] - group["difference_low"], "thickness": 2, "width": 5,
                 "color": colour}  # fmt: skip
        counts = group["n_a"].astype(str) + " : " + group["n_b"].astype(str)
        fig.add_scatter(x=group["share_difference"], y=group["theme_label"], mode="markers", name=names[clear], error_x=error,
                        marker={"size": 12, "color": colour, "symbol": "circle" if clear else "circle-open", "line": {"width": 2}},
                        showlegend=True,
                        customdata=np.stack([group["theme_id"], counts], axis=-1),
                        hovertemplate="%{y}: %{x:+.1%}<br>n %{customdata[1]}<extra></extra>")  # fmt: skip
    low, high = float(frame["difference_low"].min()), float(frame["difference_high"].max())
    pad = 0.05 * max(high - low, 0.1)
    axis_title = {"zh": f"措施占比之差：{a_zh} − {b_zh}", "en": f"Difference in share of measures: {a_en} − {b_en}"}
    axis_title["both"] = axis_title["zh"] + "<br>" + axis_title["en"]
    fig.update_layout(
        xaxis={"title": axis_title[check_language(lang)], "tickformat": "+.0%", "range": [min(low, 0) - pad, max(high, 0) + pad]},
        yaxis={"autorange": "reversed", "categoryorder": "array", "categoryarray": frame["theme_label"].tolist()},
        legend={"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
    )
    notes = (f"右侧：{a_zh} 更侧重；左侧：{b_zh} 更侧重。横线：95% 区间（Newcombe 法）。",
             f"Right: more weight in {a_en}; left: more in {b_en}. Lines: 95% intervals (Newcombe).")  # fmt: skip
    note = "<br>".join(notes) if lang == "both" else join_languages(*notes, lang)
    row = 30 if lang != "both" else 46
    fig = apply_house_style(fig, title, _plan_labels(plans, [plan_a, plan_b], lang), lang, height=320 + row * len(frame), note=note)
    title_y = 1 - (45 if lang == "both" else 30) / fig.layout.height
    return fig.update_layout(margin={"t": 170 if lang == "both" else 130}, title={"y": title_y})


def plot_comparison_map(coords: pd.DataFrame, plan_ids: list[str], lang: str = "both") -> go.Figure:
    """The correspondence map of all plans and themes (`zwgk.maps.plot_correspondence_map`) with ``plan_ids`` ringed.

    Shows where two compared plans sit among all plans: close together, they weight the themes alike.
    """
    if _is_empty(coords):
        return _plot_nothing(
            make_title("比较的两份计划在全部计划中的位置", "The two plans among all plans", lang),
            "对应分析至少需要两份计划和两个主题",
            "Correspondence analysis needs two or more plans and themes",
            lang,
        )
    fig = plot_correspondence_map(coords, lang=lang)
    ringed = coords[(coords["point_type"] == "plan") & coords["point_id"].isin(plan_ids)]
    ring = {"size": 26, "color": "rgba(0,0,0,0)", "line": {"width": 3, "color": "#000000"}}
    name = join_languages("比较的两份计划", "The two plans compared", lang)
    fig.add_scatter(x=ringed["dim1"], y=ringed["dim2"], mode="markers", name=name, customdata=ringed["point_id"], marker=ring,
                    hoverinfo="skip")  # fmt: skip
    return fig


__all__ = [
    "plot_accountability",
    "plot_agency_kinds",
    "plot_alignment_shares",
    "plot_alignment_timing",
    "plot_common_tasks",
    "plot_comparison_by_theme",
    "plot_comparison_counts",
    "plot_comparison_map",
    "plot_compliance_gaps",
    "plot_emerging_fading",
    "plot_gap_ranking",
    "plot_keyness",
    "plot_measure_map",
    "plot_parent_coverage_by_theme",
    "plot_plan_sizes",
    "plot_text_reuse",
    "plot_theme_heatmap",
    "plot_theme_shares",
    "plot_theme_trends",
]
