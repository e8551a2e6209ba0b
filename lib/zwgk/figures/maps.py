"""Maps that place plans relative to each other: the correspondence-analysis map of plans and
themes, and the word co-occurrence network, in the house style.

Both take the tables of `zwgk.compute_correspondence`, `zwgk.compute_cooccurrence` and
`zwgk.find_cooccurrence_communities` as they are, so a chart shows exactly its tables.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from zwgk.figures.style import (
    PALETTE,
    apply_house_style,
    join_languages,
    label_plans,
    label_terms,
    make_empty_figure,
    make_label,
    make_title,
)

PLAN_COLOUR = PALETTE[0]
THEME_COLOUR = PALETTE[3]
EDGE_COLOUR = "#B8B8B8"
OTHER_COLOUR = "#BBBBBB"


def _label_points(frame: pd.DataFrame, lang: str) -> pd.Series:
    """Labels of CA points: plans as `label_plans` gives them, themes in the chosen language(s)."""
    labels = pd.Series(
        {"zh": frame["label_zh"], "en": frame["label_en"], "both": frame["label_zh"] + "<br>" + frame["label_en"]}[lang].to_numpy(),
        index=frame.index,
    )
    plans = frame[frame["point_type"] == "plan"].rename(columns={"point_id": "plan_id"})
    if len(plans):
        labels.loc[plans.index] = label_plans(plans, lang).reindex(plans["plan_id"]).to_numpy()
    return labels


def _text_positions(x: pd.Series, y: pd.Series) -> list[str]:
    """Put each label on the outer side of its point, away from the crowded centre."""
    vertical = np.where(y >= 0, "top", "bottom")
    horizontal = np.where(x >= 0, "right", "left")
    return [f"{v} {h}" for v, h in zip(vertical, horizontal, strict=True)]


def _place_labels(frame: pd.DataFrame, n_theme_labels: int, spacing: float = 0.07) -> pd.Series:
    """Label text per point, thinned so labels do not pile up.

    Plans lying within ``spacing`` (a share of the map's width) of a heavier plan share one
    label listing them all; a theme is labelled only if it is among the ``n_theme_labels``
    that contribute most and lies clear of every label placed before it.
    """
    span = max(float(np.ptp(frame["dim1"])), float(np.ptp(frame["dim2"])), 1e-9)
    text = pd.Series("", index=frame.index)
    placed: list[tuple[float, float]] = []

    def clear(x: float, y: float) -> bool:
        return all(np.hypot(x - px, y - py) > spacing * span for px, py in placed)

    plans = frame[frame["point_type"] == "plan"].sort_values(["mass", "point_id"], ascending=[False, True])
    taken: set = set()
    for i, row in plans.iterrows():
        if i in taken:
            continue
        near = plans[np.hypot(plans["dim1"] - row["dim1"], plans["dim2"] - row["dim2"]) <= spacing * span].index.difference(list(taken))
        taken.update(near)
        text[i] = "<br>".join(frame.loc[j, "label"].replace("<br>", " ") for j in near) if len(near) > 1 else row["label"]
        placed.append((row["dim1"], row["dim2"]))
    themes = frame[frame["point_type"] == "theme"].sort_values(["contribution", "point_id"], ascending=[False, True])
    for i, row in themes.head(n_theme_labels).iterrows():
        if clear(row["dim1"], row["dim2"]):
            text[i] = row["label"]
            placed.append((row["dim1"], row["dim2"]))
    return text


def _padded_range(values: pd.Series, share: float) -> list[float]:
    """Axis range with room for the labels beside the outermost points (more on the right, where they run)."""
    low, high = float(values.min()), float(values.max())
    pad = share * max(high - low, 1e-9)
    return [low - pad, high + 1.4 * pad]


def _dimension_title(number: int, share: float, lang: str) -> str:
    zh, en = f"维度 {number}（{share:.1%}）", f"Dimension {number} ({share:.1%})"
    return f"{zh}<br>{en}" if lang == "both" else join_languages(zh, en, lang)


def plot_correspondence_map(coords: pd.DataFrame, lang: str = "both", n_theme_labels: int = 12) -> go.Figure:
    """CA map: plans as labelled points, themes as markers in another colour, axes with inertia %.

    ``coords`` is `compute_correspondence` output. Only the ``n_theme_labels`` themes that
    contribute most to the two dimensions are labelled (the rest crowd the centre, where a
    label says little); every point names itself on hover.
    """
    if coords.empty:
        return make_empty_figure(
            make_title("计划与主题的对应分析图", "Correspondence analysis of plans and themes", lang),
            "对应分析至少需要两份计划和两个主题",
            "Correspondence analysis needs two or more plans and themes",
            lang,
        )
    frame = coords.copy()
    frame["label"] = _label_points(frame, lang)
    frame["text"] = _place_labels(frame, n_theme_labels)
    plans = frame[frame["point_type"] == "plan"]
    themes = frame[frame["point_type"] == "theme"]
    hover = "%{hovertext}<br>(%{x:.2f}, %{y:.2f})<extra></extra>"
    fig = go.Figure()
    fig.add_scatter(x=themes["dim1"], y=themes["dim2"], mode="markers+text", name=join_languages("主题", "Themes", lang),
                    text=themes["text"],
                    hovertext=themes["label"], customdata=themes["point_id"], hovertemplate=hover,
                    textposition=_text_positions(themes["dim1"], themes["dim2"]), textfont={"size": 12, "color": THEME_COLOUR},
                    cliponaxis=False, marker={"symbol": "diamond", "size": 9, "color": THEME_COLOUR, "opacity": 0.8})  # fmt: skip
    fig.add_scatter(x=plans["dim1"], y=plans["dim2"], mode="markers+text", name=join_languages("计划", "Plans", lang),
                    text=plans["text"], hovertext=plans["label"], customdata=plans["point_id"], hovertemplate=hover,
                    textposition=_text_positions(plans["dim1"], plans["dim2"]), textfont={"size": 14, "color": PLAN_COLOUR},
                    marker={"size": 13, "color": PLAN_COLOUR, "line": {"width": 1, "color": "white"}})  # fmt: skip
    axis = {"zeroline": True, "zerolinecolor": "#CCCCCC", "zerolinewidth": 1, "showgrid": False}
    first = coords["inertia_dim1"].iloc[0] if len(coords) else 0.0
    second = coords["inertia_dim2"].iloc[0] if len(coords) else 0.0
    fig.update_layout(xaxis={**axis, "title": _dimension_title(1, first, lang), "range": _padded_range(frame["dim1"], 0.25)},
                      yaxis={**axis, "title": _dimension_title(2, second, lang), "range": _padded_range(frame["dim2"], 0.12),
                             "scaleanchor": "x", "scaleratio": 1, "constrain": "domain"},
                      legend={"orientation": "h", "y": 1.02, "x": 1, "xanchor": "right", "yanchor": "bottom"})  # fmt: skip
    title = make_title("计划与主题的对应分析图（相近的计划侧重相近的主题）", "Correspondence analysis of plans and themes", lang)
    note = join_languages(
        "对称图：计划与主题均为主坐标；只标注贡献较大且不与其他标注重叠的主题，悬停可见全部。",
        "Symmetric map; themes labelled where they contribute most and have room (hover shows all).",
        lang,
    )
    return apply_house_style(fig, title, plans["label"].tolist(), lang, height=800, width=1100, note=note)


def layout_network(nodes: pd.DataFrame, edges: pd.DataFrame, seed: int = 0, iterations: int = 300) -> pd.DataFrame:
    """Return x, y per word: a Fruchterman-Reingold layout (Jaccard-weighted) from a fixed seed.

    A weak pull to the centre keeps unlinked groups on the page. Same tables and seed, same
    positions.
    """
    n = len(nodes)
    position = {word: i for i, word in enumerate(nodes["word"])}
    weights = np.zeros((n, n))
    for a, b, w in zip(edges["word"], edges["other_word"], edges["jaccard"], strict=True):
        weights[position[a], position[b]] = weights[position[b], position[a]] = w
    weights = weights / weights.max() if n and weights.max() > 0 else weights
    xy = np.random.default_rng(seed).uniform(-1, 1, size=(n, 2))
    k = np.sqrt(6.0 / max(n, 1))
    for step in range(iterations):
        delta = xy[:, None, :] - xy[None, :, :]
        distance = np.maximum(np.linalg.norm(delta, axis=2), 1e-3)
        force = k**2 / distance**2 - weights * distance / k  # repulsion minus attraction, per unit of delta
        move = (delta * force[:, :, None]).sum(axis=1) - 0.05 * xy * np.linalg.norm(xy, axis=1, keepdims=True) / k
        length = np.maximum(np.linalg.norm(move, axis=1, keepdims=True), 1e-9)
        temperature = 0.1 * (1 - step / iterations) + 1e-3
        xy += move / length * np.minimum(length, temperature)
    xy -= xy.mean(axis=0) if n else 0
    scale = np.abs(xy).max() if n else 1.0
    return pd.DataFrame({"word": nodes["word"].to_numpy(), "x": xy[:, 0] / (scale or 1), "y": xy[:, 1] / (scale or 1)})


def _edge_trace(frame: pd.DataFrame, xy: pd.DataFrame, width: float, name: str) -> go.Scatter:
    points = xy.set_index("word")
    x, y = [], []
    for a, b in zip(frame["word"], frame["other_word"], strict=True):
        x += [points.at[a, "x"], points.at[b, "x"], None]
        y += [points.at[a, "y"], points.at[b, "y"], None]
    return go.Scatter(x=x, y=y, mode="lines", line={"color": EDGE_COLOUR, "width": width}, hoverinfo="skip", showlegend=False, name=name)


def plot_cooccurrence_network(
    nodes: pd.DataFrame, edges: pd.DataFrame, plans: pd.DataFrame, lang: str = "both", seed: int = 0, n_colours: int = 7
) -> go.Figure:
    """Word co-occurrence network: node size by frequency, colour by community, wider lines for higher Jaccard.

    ``nodes`` is `find_cooccurrence_communities` output, ``edges`` `compute_cooccurrence`
    output and ``plans`` the plans the measures came from (for the source note). The layout
    is deterministic (``seed``). Communities past ``n_colours`` are grey (7: the palette before its black, which hides the words).
    """
    if nodes.empty:
        return make_empty_figure(
            make_title("词语共现网络", "Word co-occurrence network", lang),
            "没有在同一措施中共同出现的词语",
            "No words occur together in a measure",
            lang,
        )
    xy = layout_network(nodes, edges, seed=seed)
    fig = go.Figure()
    if len(edges):
        bins = pd.qcut(edges["jaccard"].rank(method="first"), q=min(3, len(edges)), labels=False)
        for level in sorted(set(bins)):
            fig.add_trace(_edge_trace(edges[bins == level], xy, 1.0 + 1.5 * level, f"edges{level}"))
    frame = nodes.merge(xy, on="word")
    frame["shown"] = label_terms(frame["word"], lang)  # English: the glossary's gloss, never the Chinese
    largest = frame["frequency"].max() if len(frame) else 1
    for community, group in frame.groupby("community", sort=True):
        colour = PALETTE[(community - 1) % len(PALETTE)] if community <= n_colours else OTHER_COLOUR
        sizes = 14 + 36 * np.sqrt(group["frequency"] / largest)
        fig.add_scatter(x=group["x"], y=group["y"], mode="markers+text", text=group["shown"], textposition="middle center",
                        name=join_languages(f"群组 {community}", f"Group {community}", lang), customdata=group["frequency"],
                        hovertemplate="%{text}: %{customdata}<extra></extra>", textfont={"size": 13, "color": "#111111"},
                        marker={"size": sizes, "color": colour, "opacity": 0.75, "line": {"width": 1, "color": "white"}})  # fmt: skip
    fig.update_layout(xaxis={"visible": False}, yaxis={"visible": False, "scaleanchor": "x", "scaleratio": 1})
    title = make_title("词语共现网络（同一措施中共同出现）", "Word co-occurrence network (words in the same measure)", lang)
    note = join_languages(
        "圆圈大小：含该词的措施数；颜色：模块度分组；线越粗 Jaccard 系数越高。",
        "Circle size: measures with the word; colour: modularity group; thicker lines: higher Jaccard.",
        lang,
    ) + (f"<br>{make_label('gloss', lang)}" if lang == "en" else "")
    return apply_house_style(fig, title, label_plans(plans, lang).tolist(), lang, height=850, width=1100, note=note)


__all__ = ["layout_network", "plot_cooccurrence_network", "plot_correspondence_map"]
