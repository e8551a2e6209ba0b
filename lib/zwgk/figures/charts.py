"""One function per chart: tidy DataFrames in, a styled plotly figure out (never shown).

Every function takes ``plans`` (for plan labels and the source note) and ``lang`` (zh, en or
both), so a researcher can rebuild any chart for their own subset in one line.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from zwgk.figures.maps import plot_correspondence_map
from zwgk.figures.style import (
    ALIGNMENT_COLOURS,
    CARRIED_COLOUR,
    COMPARISON_COLOURS,
    DROPPED_COLOUR,
    PALETTE,
    SEQUENTIAL,
    WIDTH,
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


# Tick labels of plans are drawn at the house font size; every chart that lists plans sizes its axis from this.
PLAN_TICK_FONT = 15


def _tick_width(label: str) -> float:
    """Estimated width in px of a plan's tick label (bold markup does not take room)."""
    return _estimate_width(re.sub(r"</?b>", "", str(label)), PLAN_TICK_FONT)


def _right_reserve(fig: go.Figure) -> int:
    """Right margin that holds a heatmap's colour bar (pinned at the plot's edge); charts with a legend put it above the plot."""
    heatmaps = [trace for trace in fig.data if isinstance(trace, go.Heatmap)]
    if not heatmaps:
        return 40
    title = heatmaps[0].colorbar.title.text or ""
    for trace in heatmaps:
        trace.colorbar.update(x=1.0, xanchor="left", xpad=12)
    return int(max(100.0, _estimate_width(title, 14)) + 50)


def size_plan_axis(fig: go.Figure, lang: str, axes: str = "x", min_column: float = 60.0, min_row: float = 0.0) -> go.Figure:
    """The one sizing rule of every chart that lists plans: the figure grows with the plans, labels never run together.

    ``axes`` x: each plan gets a column at least as wide as its longest label line (estimated at
    the tick font) plus a gap, or ``min_column`` (room for grouped bars), and the figure widens to
    fit; the colour bar gets its own right margin, so the plot is exactly width minus margins.
    y: each plan gets a row at least as tall as its label's lines (or ``min_row``), and the left
    margin holds both rows of the (level, plan) axis. The source note moves with the margins.
    """
    footer = fig.layout.annotations[-1]
    lines = 2 if lang == "both" else 1
    if "y" in axes:
        y = fig.data[0].y
        extra = int(max([0.0, *(_tick_width(v) for v in y[0])]) + max([0.0, *(_tick_width(v) for v in y[1])]))
        fig.layout.margin.l += extra  # the house margin (80 + axis title) sized nothing on a two-row axis
        footer.xshift -= extra
        row = max(min_row, 1.4 * PLAN_TICK_FONT * lines + 8)
        below = 26 * lines + 10 if "x" in axes else 0  # the x block below adds this to the bottom margin
        plot = fig.layout.height - fig.layout.margin.t - fig.layout.margin.b - below
        fig.layout.height += max(0, int(row * len(y[1]) - plot) + 1)
    if "x" in axes:
        x = fig.data[0].x
        fig.layout.margin.b += 26 * lines + 10
        footer.yshift -= 26 * lines + 10
        column = max([min_column, *(_tick_width(v) + 20 for v in x[1])])
        fig.layout.margin.r = _right_reserve(fig)
        fig.layout.width = max(fig.layout.width, int(fig.layout.margin.l + fig.layout.margin.r + column * len(x[1])) + 1)
    return fig


def plot_plan_sizes(plans: pd.DataFrame, lang: str = "both") -> go.Figure:
    """Tasks and measures per plan: how much each plan asks, on one scale."""
    if plans.empty:
        return make_empty_figure(
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
    fig.update_layout(barmode="group", xaxis_title=make_label("n_tasks_or_measures", lang), yaxis={"autorange": "reversed"})
    title = make_title("各计划的任务与措施数量", "Tasks and measures per plan", lang)
    return size_plan_axis(apply_house_style(fig, title, labels, lang, height=220 + 70 * len(ordered)), lang, axes="y")


def plot_theme_heatmap(
    panel: pd.DataFrame, plans: pd.DataFrame, gaps: pd.DataFrame | None = None, lang: str = "both", focal: str | None = None
) -> go.Figure:
    """Plan x theme heatmap of the share of measures; the focal plan's peer gaps (plan_id, theme_id) marked ×.

    ``focal`` (a plan id; by default the plan of ``gaps``) is named in the title and its column
    outlined (labels stay the plain plan labels), so a reader sees whose gaps the × mark.
    """
    if _is_empty(panel, plans):
        return make_empty_figure(
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
        focal = focal or str(gaps["plan_id"].iloc[0])
    x_labels = _plan_labels(plans, plan_order, lang)
    x_axis = _level_axis(plans, plan_order, lang)
    focal_column = list(plan_order).index(focal) if focal in set(plan_order) else None
    fig = go.Figure(go.Heatmap(z=grid.to_numpy(), x=x_axis, y=order, text=text, texttemplate="%{text}", colorscale=SEQUENTIAL,
                               colorbar={"title": make_axis_label("share_measures", lang), "tickformat": ".0%"},
                               hovertemplate="%{y}<br>%{x}<br>%{z:.1%}<extra></extra>"))  # fmt: skip
    fig.update_layout(yaxis={"autorange": "reversed", "tickfont": {"size": 13}}, xaxis={"side": "bottom", "tickangle": 0})
    title = make_title(
        "各计划的主题构成（措施占比，%；× 为相对同类计划的缺口）", "Themes by plan (% of measures; × = gap against peers)", lang
    )
    if focal_column is not None:
        zh, en = (label_plans(plans, language)[focal] for language in ("zh", "en"))
        title = make_title(f"各计划的主题构成（措施占比，%）；× 为 {zh} 相对同类计划的缺口",
                           f"Themes by plan (% of measures); × = gaps of {en} against its peers", lang)  # fmt: skip
        _outline_column(fig, focal_column, len(plan_order))
    row = 44 if lang == "both" else 28
    fig = apply_house_style(fig, title, x_labels, lang, height=300 + row * len(order), width=WIDTH)
    return size_plan_axis(fig, lang)


def _outline_column(fig: go.Figure, column: int, n_columns: int) -> None:
    """Outline one column of a heatmap (the focal plan's), in axis-domain coordinates so it follows any width."""
    fig.add_shape(type="rect", xref="x domain", yref="y domain", x0=column / n_columns, x1=(column + 1) / n_columns, y0=0, y1=1,
                  line={"color": "#D55E00", "width": 3}, fillcolor="rgba(0,0,0,0)", layer="above")  # fmt: skip


def plot_theme_shares(panel: pd.DataFrame, plans: pd.DataFrame, n_themes: int = 8, lang: str = "both") -> go.Figure:
    """Share of measures in the most common themes, per plan, with 95% bootstrap intervals."""
    if _is_empty(panel, plans):
        return make_empty_figure(
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
    """Theme shares by year, one small panel per theme, one line per jurisdiction (95% bootstrap intervals).

    ``by_year`` is `summarise_themes_by_year`. With ``by="jurisdiction"`` each line is one place
    (a place with one plan is a lone marker), so no line joins different places. A pooled table
    (no jurisdiction column) is drawn as markers without lines, each labelled with the number of
    plans it pools. ``national``, the same table for the State Council's plans, adds a dashed
    line per panel, never averaged into the local values. The year confound is the subtitle.
    """
    if by_year.empty:
        return make_empty_figure(
            make_title("主要主题的年度变化", "Main themes over the years", lang),
            "没有地方计划可按年份汇总",
            "No local plans to pool by year",
            lang,
        )
    frame = by_year[by_year["theme_id"] != UNCLASSIFIED].copy()
    top = list(frame.groupby("theme_id")["mean_plan_share"].mean().nlargest(n_themes).index)
    frame = frame[frame["theme_id"].isin(top)].sort_values("year")
    names = label_themes(frame.drop_duplicates("theme_id").set_index("theme_id").loc[top], lang, wrap=True).tolist()
    cols = max(1, min(3, len(top)))
    rows = max(1, -(-len(top) // cols))
    spacing = 0.3 / rows + 0.08  # room between rows for the x ticks and the next panel's two-line title
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=names or None, horizontal_spacing=0.07, vertical_spacing=spacing)
    per_place = "jurisdiction" in frame
    series = frame.groupby(["jurisdiction", "jurisdiction_en"], sort=True) if per_place else [(None, frame)]
    for i, (place, group) in enumerate(series):
        name = join_languages(place[0], place[1], lang) if per_place else make_label("local_mean", lang)
        for k, theme_id in enumerate(top):
            _add_trend_series(fig, group[group["theme_id"] == theme_id], name, PALETTE[i % len(PALETTE)], per_place, k, cols, lang)
            if national is not None and len(national) and i == 0:
                _add_national_trend(fig, national[national["theme_id"] == theme_id].sort_values("year"), k, cols, lang)
    fig.update_yaxes(tickformat=".0%", matches="y", rangemode="tozero")
    fig.update_xaxes(dtick=1, tickformat="d")
    fig.update_yaxes(title_text=make_axis_label("share_measures", lang), col=1)
    fig.update_annotations(font={"size": 14})  # the panels' theme names
    caveat = (
        ("每条线为一个地区；只有一年计划的地区为单点。地区之间的差异不是时间变化。",
         "Each line is one place; a place with one plan is a single point. Differences between places are not change over time.")
        if per_place
        else ("各年份的计划来自不同地区：年份间的差异混合了时间与地区；点旁标注合并的计划数。",
              "Each year pools different places: differences between years mix time and place; n = plans pooled.")
    )  # fmt: skip
    title = make_title("主要主题的年度变化（95% 自助法区间）", "Main themes over the years (95% bootstrap intervals)", lang)
    title += "<br><span style='font-size:15px;color:#B35900'>" + join_languages(*caveat, lang).replace(" / ", "<br>") + "</span>"
    height = 260 + 340 * rows
    fig = apply_house_style(fig, title, label_plans(plans, lang).tolist(), lang, height=height, width=max(WIDTH, 440 * cols + 300))
    top = fig.layout.margin.t + (110 if lang == "both" else 60)  # the caveat's lines and the first row's panel titles
    return fig.update_layout(margin={"t": top}, title={"y": 1 - 20 / height, "yanchor": "top"})


def _add_trend_series(fig: go.Figure, rows: pd.DataFrame, name: str, colour: str, per_place: bool, k: int, cols: int, lang: str) -> None:
    """One place's (or the pooled) shares of one theme in panel ``k``: a line per place, lone markers with n for pooled years."""
    if rows.empty:
        return
    error = {"type": "data", "symmetric": False, "array": rows["share_high"] - rows["mean_plan_share"],
             "arrayminus": rows["mean_plan_share"] - rows["share_low"], "thickness": 1.5, "width": 4}  # fmt: skip
    plans_word = join_languages("个计划", "plans", lang)
    n_text = [f"n={n}" if n > 1 else "" for n in rows["n_plans"]]
    fig.add_scatter(x=rows["year"], y=rows["mean_plan_share"], mode="lines+markers" if per_place else "markers+text", name=name,
                    legendgroup=name, showlegend=k == 0, error_y=error, text=n_text, textposition="middle right",
                    line={"color": colour, "width": 3}, marker={"color": colour, "size": 9}, customdata=rows["n_plans"],
                    hovertemplate="%{x}: %{y:.1%} (n=%{customdata} " + plans_word + ")<extra>" + name + "</extra>",
                    row=k // cols + 1, col=k % cols + 1)  # fmt: skip


def _add_national_trend(fig: go.Figure, rows: pd.DataFrame, k: int, cols: int, lang: str) -> None:
    """One dashed line of a theme's share in the national plans, in panel ``k`` (one legend entry for all panels)."""
    if rows.empty:
        return
    name = make_label("national_plans", lang)
    fig.add_scatter(x=rows["year"], y=rows["mean_plan_share"], mode="lines+markers", name=name, legendgroup="national",
                    showlegend=k == 0, line={"color": "#555555", "width": 2, "dash": "dash"},
                    marker={"symbol": LEVEL_SYMBOLS["national"], "color": "#555555"}, meta="national",
                    hovertemplate="%{x}: %{y:.1%}<extra>" + name + "</extra>", row=k // cols + 1, col=k % cols + 1)  # fmt: skip


def plot_emerging_fading(trends: pd.DataFrame, plans: pd.DataFrame, lang: str = "both") -> go.Figure:
    """Change in each theme's share between a jurisdiction's first and last plan, in percentage points, with 95% intervals.

    Only themes whose interval of change (`find_emerging_fading`: change_low, change_high) lies
    wholly above or below zero are shown; the error bars show that interval.
    """
    if trends.empty or trends["status"].eq("stable").all():
        return make_empty_figure(
            make_title("新兴与淡出的主题", "Emerging and fading themes", lang),
            "没有地区有两个年份以上的计划，或没有主题的占比变化超出其 95% 区间",
            "No jurisdiction has plans of two years, or no theme's change is clear of its 95% interval",
            lang,
        )
    frame = trends[trends["status"] != "stable"].copy()
    frame["theme_label"] = label_themes(frame, lang)
    if "jurisdiction" in frame:
        frame["theme_label"] = frame["theme_label"] + " (" + translate_places(frame["jurisdiction"], plans, lang) + ")"
    frame = frame.sort_values("change")
    fig = go.Figure()
    for status, colour in (("emerging", PALETTE[2]), ("fading", PALETTE[3])):
        group = frame[frame["status"] == status]
        if group.empty:
            continue
        error = {"type": "data", "symmetric": False, "array": 100 * (group["change_high"] - group["change"]),
                 "arrayminus": 100 * (group["change"] - group["change_low"]), "thickness": 1.5, "width": 5, "color": "#333333"}  # fmt: skip
        fig.add_bar(x=100 * group["change"], y=group["theme_label"], orientation="h", marker_color=colour, name=make_label(status, lang),
                    error_x=error, hovertemplate="%{y}: %{x:+.1f} pp<extra></extra>")  # fmt: skip
    fig.update_layout(
        xaxis={"title": make_axis_label("change_pp", lang), "tickformat": "+.0f", "ticksuffix": " pp", "zeroline": True},
        yaxis={"categoryorder": "array", "categoryarray": frame["theme_label"].tolist()},
        legend={"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
    )
    title = make_title("新兴与淡出的主题（首末年份比较）", "Emerging and fading themes (first vs last year)", lang)
    note = join_languages("横线：变化的 95% 区间（两年自助法区间合成）；仅列出区间不含 0 的主题",
                          "Lines: 95% interval of the change (from both years' bootstrap intervals); only themes whose interval excludes 0",
                          lang)  # fmt: skip
    used = plans[plans["jurisdiction"].isin(frame.get("jurisdiction", plans["jurisdiction"]))]
    fig = apply_house_style(fig, title, label_plans(used, lang).tolist(), lang, height=260 + 30 * max(len(frame), 4), note=note)
    return fig.update_layout(margin={"t": fig.layout.margin.t + 40})


def plot_keyness(keyness: pd.DataFrame, plans: pd.DataFrame, target: str, n_terms: int = 10, lang: str = "both") -> go.Figure:
    """The terms ``target`` (a plan or year label) uses more and less than the rest: rates in the target beside the rest's.

    The ``n_terms`` strongest (by G2) of each direction; each term has two bars, its rate per
    10,000 words in the target and in the rest, so the reader sees the difference, not only a ratio.
    """
    if keyness.empty or not keyness["direction"].isin(["over", "under"]).any():
        return make_empty_figure(
            make_title(f"{target} 的特征词", f"Distinctive terms of {target}", lang),
            "没有特征词：没有其他计划可比较，或词语太少",
            "No distinctive terms: no other plans to compare with, or too few words",
            lang,
        )
    strongest = {d: keyness[keyness["direction"] == d].nlargest(n_terms, "g2") for d in ("over", "under")}
    parts = [strongest["over"].sort_values("log_ratio", ascending=False), strongest["under"].sort_values("log_ratio")]
    frame = pd.concat(parts, ignore_index=True)
    axis = [[make_axis_label(d, lang) for d in frame["direction"]], label_terms(frame["term"], lang)]
    hover = np.stack([frame["log_ratio"], frame["g2"]], axis=-1)
    rest = join_languages("其余", "the rest", lang)
    target_en = translate_places(pd.Series([str(target)]), plans, "en").iloc[0]
    target_name = {"zh": str(target), "en": target_en}.get(lang, f"{target} {target_en}" if target_en != str(target) else str(target))
    fig = go.Figure()
    for column, name, colour in (("per_10k_target", target_name, PALETTE[0]), ("per_10k_rest", rest, "#AAAAAA")):
        fig.add_bar(x=frame[column], y=axis, orientation="h", name=name, marker_color=colour, customdata=hover,
                    hovertemplate="%{y}: %{x:.1f}/10k, log2 %{customdata[0]:+.2f}, G2 %{customdata[1]:.1f}<extra></extra>")  # fmt: skip
    fig.update_layout(barmode="group", xaxis={"title": make_axis_label("per_10k", lang)}, yaxis={"autorange": "reversed"},
                      legend={"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"})  # fmt: skip
    title = make_title(f"{target} 多用与少用的词（对数似然）", f"Terms {target_en} uses more and less than the rest (log-likelihood)", lang)
    note = make_label("gloss", lang) if lang == "en" else ""
    fig = apply_house_style(fig, title, label_plans(plans, lang).tolist(), lang, height=300 + 40 * max(len(frame), 5), note=note)
    fig.update_layout(margin={"t": fig.layout.margin.t + 60})
    return size_plan_axis(fig, lang, axes="y") if len(frame) else fig


def plot_measure_map(
    points: pd.DataFrame, plans: pd.DataFrame, colour: str = "theme_label", n_colours: int = 8, lang: str = "both"
) -> go.Figure:
    """2-D map of measures (``project_measures`` coordinates); hover shows text, plan, section, lines.

    ``points`` needs x, y, text, plan_id, section_path, line_start, line_end and the ``colour``
    column. The ``n_colours`` largest groups get colours and their names at their centroids; the
    rest are grey, named in the legend as how many groups and measures they are (more colours
    cannot stay distinguishable).
    """
    if _is_empty(points, plans):
        return make_empty_figure(make_title("措施语义地图", "Map of measures", lang), "没有措施可绘制", "No measures to map", lang)
    levels = plans.set_index("plan_id")["level"]
    labels = label_plans(plans, lang).str.replace("<br>", " ") + " · " + levels.map(lambda v: label_level(v, lang, wrap=False))
    counts = points[colour].value_counts()
    top = counts.index[:n_colours]
    n_rest = len(counts) - len(top)
    n_grey = int(counts.iloc[len(top) :].sum())
    other = join_languages(f"其余 {n_rest} 类（{n_grey} 条措施）", f"{n_rest} other groups ({n_grey} measures)", lang)
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
    top_label = _label_centroids(fig, groups[groups["group"] != other], "group") if len(points) else 0.0
    pad_x, pad_y = 0.04 * float(np.ptp(points["x"]) or 1.0), 0.04 * float(np.ptp(points["y"]) or 1.0)
    fig.update_layout(xaxis={"visible": False, "range": [points["x"].min() - pad_x, points["x"].max() + pad_x]},
                      yaxis={"visible": False, "range": [points["y"].min() - pad_y, max(points["y"].max(), top_label) + pad_y]},
                      legend={"font": {"size": 13}})  # fmt: skip  # the names never widen the map
    title = make_title("措施语义地图（相近措施彼此靠近）", "Map of measures (similar measures lie close together)", lang)
    used = levels.reindex(pd.unique(points["plan_id"])).dropna().unique()
    shapes = {"diamond": "◆", "square": "■", "circle": "●", "triangle-up": "▲"}
    key = (
        join_languages("形状", "Shape", lang)
        + ": "
        + "  ".join(f"{shapes[LEVEL_SYMBOLS[v]]} {label_level(v, lang, wrap=False)}" for v in LEVELS if v in set(used))
        + (f"<br>{make_label('gloss', lang)}" if lang == "en" else "")
    )
    fig = apply_house_style(fig, title, _used_plans(plans, points["plan_id"], lang), lang, height=900, note=key, width=1300)
    legend_room = 30 * -(-(n_colours + 1) // 2)  # the legend below the map in two columns: the names at the cores never run into it
    fig.update_layout(legend={"orientation": "h", "x": 0, "y": -0.02, "yanchor": "top", "entrywidth": 0.5, "entrywidthmode": "fraction"},
                      margin={"b": fig.layout.margin.b + legend_room})  # fmt: skip
    fig.layout.annotations[-1].yshift -= legend_room
    return fig


def _label_centroids(fig: go.Figure, points: pd.DataFrame, column: str) -> float:
    """Name each coloured group at its core, so the map reads without matching colours to the legend.

    A group's core is its point with the most group members nearby (a median can fall between
    two clumps); the names are then spread vertically so no two overlap, each with an arrow to its
    core. Returns the highest name's y, so the map's range can hold it.
    """
    span_x = float(points["x"].max() - points["x"].min()) or 1.0
    span_y = float(points["y"].max() - points["y"].min()) or 1.0
    cores = {}
    for value, group in points.groupby(column, sort=True):
        xy = group[["x", "y"]].to_numpy(dtype=float) / [span_x, span_y]
        near = (np.linalg.norm(xy[:, None, :] - xy[None, :, :], axis=-1) < 0.08).sum(axis=1)
        cores[value] = group[["x", "y"]].to_numpy(dtype=float)[int(np.argmax(near))]
    gap, placed, last = 0.06 * span_y, {}, -np.inf
    for value in sorted(cores, key=lambda v: (cores[v][1], v)):  # bottom to top, each at least a gap above the last
        last = placed[value] = max(cores[value][1], last + gap)
    for value in sorted(cores):
        x, y = cores[value]
        right = x > float(points["x"].min()) + span_x / 2  # a name on the right half points leftwards, so it stays on the map
        fig.add_annotation(x=x, y=y, ax=x - 0.06 * span_x if right else x + 0.06 * span_x, ay=placed[value], axref="x", ayref="y",
                           text=f"<b>{value}</b>", showarrow=True, arrowhead=0, arrowwidth=1, arrowcolor="#444444",
                           xanchor="right" if right else "left",
                           font={"size": 12, "color": "#111111"}, bgcolor="rgba(255,255,255,0.8)")  # fmt: skip
    return max([*placed.values(), float("-inf")])


def plot_common_tasks(presence: pd.DataFrame, plans: pd.DataFrame, n_tasks: int = 25, lang: str = "both") -> go.Figure:
    """Common-task x plan matrix: how many of each plan's measures fall in each task shared across jurisdictions.

    ``presence`` is `summarise_task_presence` (most widely shared first). The title says how many
    of the common tasks are shown; rows use the readable names ``name_zh``/``name_en`` where the
    table has them, else the cluster's ``label``. Cells: the plan's measures in the task (blank: none).
    """
    if _is_empty(presence, plans):
        return make_empty_figure(
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
    values = grid.to_numpy()
    counts = values.max(initial=0) > 1  # a plan with two measures in one task: show counts; else presence (one colour, no scale)
    colours = SEQUENTIAL if counts else [[0, PALETTE[0]], [1, PALETTE[0]]]
    fig = go.Figure(go.Heatmap(z=np.where(values > 0, values, np.nan), x=_level_axis(plans, plan_order, lang),
                               y=names.reindex(grid.index).to_numpy(), colorscale=colours,
                               zmin=0, showscale=bool(counts), xgap=2, ygap=2,
                               text=np.where(values > 0, values.astype(int).astype(str), "") if counts else None,
                               texttemplate="%{text}" if counts else None,
                               colorbar={"title": make_axis_label("n_measures_cell", lang), "dtick": 1},
                               hovertemplate="%{y}<br>%{x}: %{z}<extra></extra>"))  # fmt: skip
    fig.update_layout(yaxis={"autorange": "reversed", "tickfont": {"size": 12}}, xaxis={"side": "bottom", "tickangle": 0})
    n_shown, n_all = len(grid), presence["cluster_id"].nunique()
    what_zh, what_en = ("各计划的措施数", "measures per plan") if counts else ("哪些计划包含", "which plans include them")
    title = make_title(f"跨地区最广泛共有的 {n_shown} 项共同任务（共 {n_all} 项）：{what_zh}",
                       f"The {n_shown} common tasks shared by the most jurisdictions, of {n_all}: {what_en}", lang)  # fmt: skip
    note = join_languages(
        "格中数字与颜色：该计划属于该任务的措施数；空白：没有", "Cell number and colour: the plan's measures in the task; blank: none", lang
    ) if counts else join_languages(
        "蓝色：该计划包含该任务（每项任务在一份计划中至多一条措施）；空白：没有",
        "Blue: the plan includes the task (one measure of a plan at most); blank: it does not", lang
    )  # fmt: skip
    if lang == "en":
        note += "<br>" + make_label("gloss", lang)
    fig = apply_house_style(fig, title, x_labels, lang, height=300 + (40 if lang == "both" else 28) * len(grid), width=WIDTH, note=note)
    return size_plan_axis(fig, lang)


def _name_common_tasks(tasks: pd.DataFrame, lang: str) -> pd.Series:
    """Row label of each common task (indexed by cluster_id): its name (name_zh, name_en) where given, else its glossed label."""
    if {"name_zh", "name_en"} <= set(tasks.columns):
        zh = pd.Series(label_terms(tasks["name_zh"], "zh"), index=tasks.index)
        en = pd.Series(label_terms(tasks["name_en"], "en"), index=tasks.index)
        names = {"zh": zh, "en": en, "both": zh + "<br>" + en}[check_language(lang)]
    else:
        names = pd.Series(label_terms(tasks["label"], lang), index=tasks.index)
    repeated = names.duplicated(keep=False)  # one row per task, even when two tasks share a name
    names[repeated] = names[repeated] + " #" + (names[repeated].groupby(names[repeated]).cumcount() + 1).astype(str)
    return pd.Series(names.to_numpy(), index=tasks["cluster_id"].to_numpy())


def plot_text_reuse(reuse_summary: pd.DataFrame, plans: pd.DataFrame, lang: str = "both") -> go.Figure:
    """Plan x plan heatmap: share of the row plan's measures copied nearly verbatim in the column plan."""
    if _is_empty(reuse_summary, plans):
        return make_empty_figure(
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
    values = grid.to_numpy(dtype=float, copy=True)
    np.fill_diagonal(values, np.nan)  # a plan against itself is no reuse: a blank cell, never "NaN%"
    shown = ~np.isnan(values)
    text = np.where(shown & (values > 0), np.char.mod("%d", np.round(100 * np.nan_to_num(values)).astype(int)), "")
    hover = np.where(shown, np.char.mod("%.1f%%", 100 * np.nan_to_num(values)), "—")
    axis = _level_axis(plans, plan_order, lang)
    fig = go.Figure(go.Heatmap(z=values, x=axis, y=axis, text=text, texttemplate="%{text}", colorscale=SEQUENTIAL, zmin=0,
                               customdata=hover, colorbar={"title": make_axis_label("share", lang), "tickformat": ".0%"},
                               hovertemplate="%{y} → %{x}: %{customdata}<extra></extra>"))  # fmt: skip
    fig.update_layout(yaxis={"autorange": "reversed", "title": make_axis_label("plan", lang)},
                      xaxis={"title": make_label("other_plan", lang), "tickangle": 0})  # fmt: skip
    title = make_title("计划间的文本复用（近乎相同的措施占比，%）", "Text reuse between plans (% of measures copied nearly verbatim)", lang)
    height = 420 + (60 if lang == "both" else 36) * len(plan_order)
    return size_plan_axis(apply_house_style(fig, title, labels, lang, height=height, width=1200), lang, axes="xy")


def plot_gap_ranking(gaps: pd.DataFrame, plans: pd.DataFrame, focal: str, lang: str = "both") -> go.Figure:
    """The focal plan's gaps, ranked by the share of peers that cover each theme; hover lists sources.

    ``focal`` is the plan's id (or a label, shown as given). Bars read "k of n peers"; dark bars
    are themes every peer covers, light ones themes most peers cover; hatched bars rest on peers
    of other years. The source note names exactly the focal plan and its peers (``peer_plan_ids``).
    """
    if gaps.empty:
        return make_empty_figure(
            make_title(f"{focal}：同类计划覆盖而本计划缺少的主题", f"{focal}: themes peers cover and this plan lacks", lang),
            "没有缺口：没有同类计划，或本计划覆盖了同类计划的全部常见主题",
            "No gaps: no peers, or the plan covers every theme most peers cover",
            lang,
        )
    labels = {language: label_plans(plans, language).str.replace("<br>", " ") for language in ("zh", "en")}
    zh, en = (labels[language].get(focal, focal) for language in ("zh", "en"))
    en = translate_places(pd.Series([en]), plans, "en").iloc[0]
    frame = gaps.sort_values(["peer_share", "theme_id"], ascending=[True, False]).copy()
    frame["theme_label"] = label_themes(frame, lang, wrap=True)
    peers = translate_places(frame["peers_covering"].map("、".join), plans, lang)
    hover = peers + "<br>" + translate_places(frame["peer_sources"].map(lambda s: "<br>".join(s[:6])), plans, lang)
    counts = {"zh": "{n} 个同类计划中 {k} 个", "en": "{k} of {n} peers", "both": "{k} of {n} peers"}[check_language(lang)]
    frame["count_text"] = [counts.format(k=k, n=n) for k, n in zip(frame["n_peers_covering"], frame["n_peers"], strict=True)]
    frame["hover"] = hover
    fig = go.Figure()
    for key, every, colour in (("gap_all_peers", True, PALETTE[3]), ("gap_most_peers", False, PALETTE[1])):
        group = frame[(frame["n_peers_covering"] == frame["n_peers"]) == every]
        if group.empty:
            continue
        patterns = ["/" if other else "" for other in group["includes_other_year_peers"]]
        fig.add_bar(x=group["peer_share"], y=group["theme_label"], orientation="h", name=make_label(key, lang), customdata=group["hover"],
                    marker={"color": colour, "pattern": {"shape": patterns, "fillmode": "overlay", "fgcolor": "#FFFFFF"}},
                    text=group["count_text"], textposition="outside",
                    hovertemplate="%{y}: %{text}<br>%{customdata}<extra></extra>")  # fmt: skip
    fig.update_layout(
        xaxis={"title": make_axis_label("peer_share", lang), "tickformat": ".0%", "range": [0, 1.25]},
        yaxis={"categoryorder": "array", "categoryarray": frame["theme_label"].tolist()},
        legend={"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
    )
    note = join_languages("斜线：覆盖该主题的同类计划中有其他年份的计划（差异可能来自时间）",
                          "Hatched: the covering peers include plans of other years (the difference may be one of time)", lang)  # fmt: skip
    title = make_title(f"{zh}：同类计划覆盖而本计划缺少的主题", f"{en}: themes its peers cover and it lacks", lang)
    if "peer_plan_ids" in frame and len(frame):
        used = [focal, *frame["peer_plan_ids"].iloc[0]]
        peer_plans = plans[plans["plan_id"].isin(used)]
    else:
        peer_plans = plans[plans["plan_id"].isin(gaps.get("plan_id", []))]
    fig = apply_house_style(fig, title, label_plans(peer_plans, lang).tolist(), lang, height=320 + 48 * max(len(frame), 4), note=note)
    return fig.update_layout(margin={"t": fig.layout.margin.t + 40})


def plot_accountability(accountability: pd.DataFrame, plans: pd.DataFrame, lang: str = "both") -> go.Figure:
    """Share of tasks naming an accountable agency, a lead agency, a deadline or frequency, a quantified target, per plan.

    The lead-only share (hatched) is drawn only for plans that name a lead wherever they list
    several agencies (`summarise_accountability`'s ``is_lead_distinguished``); elsewhere it says
    n/a, because a combined "牵头及责任单位" column would make it measure the layout.
    """
    if _is_empty(accountability, plans):
        return make_empty_figure(make_title("问责指标", "Accountability", lang), "没有任务可汇总", "No tasks to summarise", lang)
    ranks = order_plans(plans).reset_index(drop=True).reset_index().set_index("plan_id")["index"]
    ordered = accountability.assign(_rank=accountability["plan_id"].map(ranks)).sort_values(["_rank", "plan_id"])
    labels = _plan_labels(plans, ordered["plan_id"], lang)
    axis = _level_axis(plans, ordered["plan_id"], lang)
    fig = go.Figure()
    columns = ("share_with_agency", "share_with_lead", "share_with_deadline_or_frequency", "share_with_quantified_target")
    colours = dict(zip(columns, (PALETTE[0], PALETTE[0], PALETTE[1], PALETTE[2]), strict=True))  # lead: the accountable colour, hatched
    for column in (c for c in columns if c in ordered):
        values = ordered[column]
        fig.add_bar(x=axis, y=values.fillna(0), name=make_label(column, lang), customdata=ordered["plan_id"],
                    marker={"color": colours[column], "pattern": {"shape": "/" if column == "share_with_lead" else ""}},
                    text=["n/a" if pd.isna(v) else f"{v:.0%}" for v in values], textposition="outside",
                    hovertemplate="%{x}: %{text}<extra>" + make_label(column, lang) + "</extra>")  # fmt: skip
    fig.update_layout(
        barmode="group",
        xaxis={"tickangle": 0},
        uniformtext={"minsize": 9, "mode": "show"},
        yaxis={"title": make_label("share_of_tasks", lang), "tickformat": ".0%", "range": [0, 1.15]},
        legend={"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
    )
    notes = {
        "zh": "责任单位：任务列出牵头或负责单位（不含配合单位）；n/a：计划未列出任何单位（多为叙述体）。<br>"
        "牵头单位（斜线）：仅用于列出多个单位时都注明牵头的计划；“牵头及责任单位”合并一栏的计划为 n/a。",
        "en": "Accountable agency: the task names a lead or responsible agency (not cooperating ones); n/a: the plan names no agency "
        "(mostly prose).<br>Lead agency (hatched): only for plans that name a lead wherever they list several agencies; n/a for "
        "plans with one combined lead-and-responsible column.",
    }
    note = notes["zh"] + "<br>" + notes["en"] if lang == "both" else notes[check_language(lang)]
    title = make_title(
        "问责指标：任务中有责任单位、牵头单位、时限或量化目标的占比",
        "Accountability: tasks with an accountable agency, a deadline, a number",
        lang,
    )
    fig.update_traces(textfont={"size": 11 if len(ordered) > 6 else 14})
    fig = apply_house_style(fig, title, labels, lang, height=640 + 20 * note.count("<br>"), note=note)
    fig.update_layout(margin={"t": fig.layout.margin.t + 50, "b": fig.layout.margin.b + 20 * note.count("<br>")})
    return size_plan_axis(fig, lang, min_column=4 * 36 + 20)


def plot_agency_kinds(kinds: pd.DataFrame, plans: pd.DataFrame, n_kinds: int = 15, lang: str = "both") -> go.Figure:
    """Plan x agency-kind heatmap: the share of a plan's tasks that name each kind of agency (lead or responsible).

    Plans that name no agency (prose layouts) have no column; the note names them and says why.
    """
    if _is_empty(kinds, plans):
        return make_empty_figure(
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
    values = grid.to_numpy()
    text = np.where(values > 0, np.char.mod("%d", np.round(100 * values).astype(int)), "")
    fig = go.Figure(go.Heatmap(z=values, x=_level_axis(plans, plan_order, lang), y=list(top), colorscale=SEQUENTIAL, zmin=0,
                               text=text, texttemplate="%{text}",
                               colorbar={"title": make_axis_label("share_of_tasks", lang), "tickformat": ".0%"},
                               hovertemplate="%{y}<br>%{x}: %{z:.0%}<extra></extra>"))  # fmt: skip
    fig.update_layout(yaxis={"autorange": "reversed"}, xaxis={"side": "bottom", "tickangle": 0})
    title = make_title("各类部门承担的任务占比（%）", "Share of tasks naming each kind of agency (%)", lang)
    omitted = plans[~plans["plan_id"].isin(frame["plan_id"])]
    note = ""
    if len(omitted):
        names = {language: "、".join(label_plans(order_plans(omitted), language).str.replace("<br>", " ")) for language in ("zh", "en")}
        english = names["en"].replace("、", ", ")
        note = join_languages(f"未列出（计划未写明任何责任单位，多为叙述体）：{names['zh']}",
                              f"Not shown (the plan names no accountable agency, mostly prose): {english}", lang)  # fmt: skip
        note = note.replace(" / ", "<br>")
    fig = apply_house_style(fig, title, labels, lang, height=300 + 32 * len(top), width=WIDTH, note=note)
    return size_plan_axis(fig, lang)


def _is_empty(*frames: pd.DataFrame) -> bool:
    """True when any of the chart's tables has no rows: nothing to draw, so the chart says why (`make_empty_figure`)."""
    return any(frame is None or frame.empty for frame in frames)


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
        return make_empty_figure(title, "没有计划在数据集中有上级计划", "No plan has a parent plan in the dataset", lang)
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
        return make_empty_figure(title, "没有计划在数据集中有上级计划", "No plan has a parent plan in the dataset", lang)
    frame = dropped[dropped["n_dropping"] > 0].head(top_n)
    if frame.empty:
        return make_empty_figure(title, "下级计划承接了上级计划的全部措施", "The plans below carry every measure of their parents", lang)
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
        return make_empty_figure(
            title, "没有计划同时知道本计划与上级计划的印发日期", "No plan has both its and its parent's issue date", lang
        )
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
        return make_empty_figure(title, "该计划没有上级计划的措施可比较", "This plan has no parent measures to compare with", lang)
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
        return make_empty_figure(title, "两份计划中至少一份没有措施", "At least one of the two plans has no measures", lang)
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
        return make_empty_figure(title, "两份计划没有可按主题比较的措施", "The two plans have no measures to compare by theme", lang)
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
        return make_empty_figure(
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
