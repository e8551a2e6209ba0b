"""One house style for every chart: a font stack with a CJK font, a colour-blind-safe palette,
sizes readable at brief width, titles and axes in Chinese, English or both (one switch), and
a source note naming the plans a chart uses."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from zwgk.analyses.glossary import gloss_text, has_cjk

LANGUAGES = ("zh", "en", "both")
FONT_FAMILY = "Noto Sans CJK SC, Noto Sans SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, Arial, sans-serif"
# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000", "#999999"]
SEQUENTIAL = "Cividis"  # perceptually uniform and colour-blind safe
WIDTH = 1100
# One colour per alignment class (schema.ALIGNMENT_CLASSES) in every chart: copied from the parent
# (dark blue), reworded from it (sky blue), the plan's own addition (orange); a parent measure
# the plan leaves out is vermillion, one it carries is bluish green.
ALIGNMENT_COLOURS = {"verbatim": PALETTE[0], "adapted": PALETTE[5], "local": PALETTE[1]}
CARRIED_COLOUR = PALETTE[2]
# Comparing two plans uses the same three colours: the same measure in both (as copied), the same
# task reworded (as adapted), a measure only one plan has (as the plan's own addition).
COMPARISON_COLOURS = {"same": PALETTE[0], "reworded": PALETTE[5], "only_in_a": PALETTE[1], "only_in_b": PALETTE[1]}
DROPPED_COLOUR = PALETTE[3]

LABELS: dict[str, tuple[str, str]] = {
    "plan": ("计划", "Plan"),
    "theme": ("主题", "Theme"),
    "year": ("年份", "Year"),
    "tasks": ("任务数", "Tasks"),
    "measures": ("措施数", "Measures"),
    "n_tasks_or_measures": ("任务数或措施数", "Number of tasks or measures"),
    "share_measures": ("措施占比", "Share of measures"),
    "mean_plan_share": ("措施占比（各计划平均）", "Share of measures (mean over plans)"),
    "change": ("占比变化", "Change in share"),
    "change_pp": ("措施占比变化（百分点）", "Change in share of measures (percentage points)"),
    "emerging": ("新兴（区间在 0 以上）", "Emerging (interval above 0)"),
    "fading": ("淡出（区间在 0 以下）", "Fading (interval below 0)"),
    "peer_share": ("覆盖该项的同类计划占比", "Share of peers covering it"),
    "share_copied": ("与另一计划近乎相同的措施占比", "Share of measures copied nearly verbatim"),
    "other_plan": ("另一计划", "Other plan"),
    "agency_kind": ("部门类型", "Kind of agency"),
    "share_of_tasks": ("任务占比", "Share of tasks"),
    "indicator": ("指标", "Indicator"),
    "share": ("占比", "Share"),
    "log_ratio": ("相对频率（log2 比）", "Relative frequency (log2 ratio)"),
    "term": ("词语", "Term"),
    "per_10k": ("每万词出现次数", "Occurrences per 10,000 words"),
    "over": ("多用", "Used more"),
    "under": ("少用", "Used less"),
    "common_task": ("共同任务", "Common task"),
    "n_measures_cell": ("措施数", "Measures"),
    "cluster": ("任务聚类", "Task cluster"),
    "share_with_agency": ("有责任单位（牵头或负责）", "Names an accountable agency (lead or responsible)"),
    "share_with_lead": ("有牵头单位", "Named lead agency"),
    "share_with_deadline_or_frequency": ("有时限或频次", "Deadline or frequency"),
    "share_with_quantified_target": ("有量化目标", "Quantified target"),
    "gap": ("缺口", "gap"),
    "gap_all_peers": ("所有同类计划都覆盖", "Covered by every peer"),
    "gap_most_peers": ("多数同类计划覆盖", "Covered by most peers"),
    "verbatim": ("照搬上级", "Copied from the parent"),
    "adapted": ("改写上级", "Adapted from the parent"),
    "local": ("本级新增", "Own addition"),
    "share_parent_carried": ("承接的上级措施占比", "Share of the parent's measures carried"),
    "share_of_own_measures": ("本计划措施占比", "Share of the plan's measures"),
    "share_dropping": ("未承接该措施的下级计划占比", "Share of plans below that drop it"),
    "parent_measure": ("上级计划的措施", "Parent plan's measure"),
    "days_after_parent": ("晚于上级计划印发的天数", "Days after the parent plan was issued"),
    "share_aligned": ("照搬或改写的措施占比", "Share copied or adapted"),
    "same": ("两计划相同", "Same in both"),
    "reworded": ("同一任务、措辞不同", "Same task, reworded"),
    "only_in_plan": ("仅本计划有", "Only in this plan"),
    "n_measures_of_plan": ("本计划的措施数", "Measures of the plan"),
    # administrative levels (schema.LEVELS), the group names of every axis and legend that lists plans
    "level_national": ("全国", "National"),
    "level_provincial": ("省级", "Provincial"),
    "level_prefectural": ("地级", "Prefectural"),
    "level_county": ("县级", "County"),
    "national_plans": ("全国计划（国务院）", "National plans (State Council)"),
    "local_mean": ("地方计划平均", "Local plans (mean)"),
    "source": ("来源：zwgk，依据计划", "Source: zwgk, from plans"),
    "gloss": ("", "English: a term-by-term gloss of the Chinese (glossary), pinyin in italics where no term is known"),
    "year_confound": (
        "注：不同年份的计划来自不同地区，年份间差异混合了时间与地区差异。",
        "Note: plans of different years come from different places; differences between years mix time and place.",
    ),
}


def check_language(lang: str) -> str:
    """Return ``lang`` if it is zh, en or both; raise otherwise."""
    if lang not in LANGUAGES:
        raise ValueError(f"label language must be one of {LANGUAGES}, not {lang!r}")
    return lang


def make_label(key: str, lang: str) -> str:
    """Return a chart label in Chinese, English or both."""
    zh, en = LABELS[key]
    return {"zh": zh, "en": en, "both": f"{zh} / {en}"}[check_language(lang)]


def make_axis_label(key: str, lang: str) -> str:
    """Return an axis title; with both languages, on two lines so it never runs into the title."""
    zh, en = LABELS[key]
    return {"zh": zh, "en": en, "both": f"{zh}<br>{en}"}[check_language(lang)]


def join_languages(zh: str, en: str, lang: str) -> str:
    """Return a pair of texts (a title, a theme name) in the chosen language(s)."""
    return {"zh": zh, "en": en, "both": f"{zh} / {en}"}[check_language(lang)]


def make_title(zh: str, en: str, lang: str) -> str:
    """Return a chart title; with both languages, Chinese above and English below in smaller type."""
    return {"zh": zh, "en": en, "both": f"{zh}<br><span style='font-size:16px'>{en}</span>"}[check_language(lang)]


def label_plans(plans: pd.DataFrame, lang: str) -> pd.Series:
    """Return a short label per plan (无锡市 2018 / Wuxi 2018), indexed by plan_id.

    With both languages the label takes two lines, so axis labels stay horizontal.
    """
    zh = plans["jurisdiction"] + " " + plans["year"].astype(str)
    en = plans["jurisdiction_en"] + " " + plans["year"].astype(str)
    text = {"zh": zh, "en": en, "both": zh + "<br>" + plans["jurisdiction_en"]}[check_language(lang)]
    return pd.Series(text.to_numpy(), index=plans["plan_id"].to_numpy())


def label_themes(frame: pd.DataFrame, lang: str, wrap: bool = False) -> pd.Series:
    """Return the theme name per row in the chosen language(s); ``wrap`` puts English on a second line."""
    joiner = "<br>" if wrap else " "
    return {"zh": frame["theme_zh"], "en": frame["theme_en"], "both": frame["theme_zh"] + joiner + frame["theme_en"]}[check_language(lang)]


def make_source_note(plan_labels: list[str], lang: str, width: int = 110) -> str:
    """Return the source note naming the plans a chart uses, wrapped to about ``width`` characters."""
    separator = "、" if lang == "zh" else ", "
    names = sorted(label.replace("<br>", " ") for label in plan_labels)
    lines, line = [], f"{make_label('source', lang)}: "
    for i, name in enumerate(names):
        piece = name + (separator if i < len(names) - 1 else "")
        if len(line) + len(piece) > width:
            lines.append(line.rstrip())
            line = ""
        line += piece
    return "<br>".join([*lines, line])


def _estimate_width(label: str, font_size: int) -> float:
    """Rough rendered width of a label's longest line: CJK characters are about 1 em, others 0.55 em."""

    def width(line: str) -> float:
        return sum(font_size if "\u2e80" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" else 0.55 * font_size for ch in line)

    return max(width(line) for line in str(label).split("<br>"))


def _left_margin(fig: go.Figure, font_size: int = 15) -> int:
    """Left margin that fits the longest category label on the y axis (so the note can start at the edge)."""
    widths = [
        _estimate_width(value, font_size)
        for trace in fig.data
        for value in (getattr(trace, "y", None) if getattr(trace, "y", None) is not None else [])
        if isinstance(value, str)
    ]
    title = fig.layout.yaxis.title.text if fig.layout.yaxis and fig.layout.yaxis.title else None
    title_room = 28 * (str(title).count("<br>") + 1) + 10 if title else 0
    return int(max([80.0, *(w + 30 for w in widths)]) + title_room)


def apply_house_style(
    fig: go.Figure, title: str, plan_labels: list[str], lang: str, height: int = 600, note: str = "", width: int = WIDTH
) -> go.Figure:
    """Apply the house style in place and return the figure (font, palette, sizes, source note)."""
    for i, trace in enumerate(fig.data):
        trace.uid = f"trace{i}"  # fixed ids: exported files are the same bytes on rerun
    footer = make_source_note(plan_labels, lang) + (f"<br>{note}" if note else "")
    left = _left_margin(fig)
    fig.update_yaxes(automargin=False)
    fig.update_layout(
        title={"text": title, "x": 0.01, "xanchor": "left", "font": {"size": 22}},
        font={"family": FONT_FAMILY, "size": 15, "color": "#222222"},
        colorway=PALETTE,
        template="simple_white",
        width=width,
        height=height,
        margin={"l": left, "r": 40, "t": 110 if lang == "both" else 80, "b": 130},
        legend={"font": {"size": 14}},
        hoverlabel={"namelength": -1},  # whole trace names in hovers, never cut to 15 characters
    )
    fig.add_annotation(
        text=footer, xref="paper", yref="paper", x=0, y=0, xshift=15 - left, yshift=-80, showarrow=False, xanchor="left", yanchor="top",
        font={"size": 12, "color": "#555555"}, align="left",
    )  # fmt: skip
    return fig


EMPTY_REASON = "empty_reason"  # the name of the annotation that says why a chart is empty


def make_empty_figure(title: str, reason_zh: str, reason_en: str, lang: str) -> go.Figure:
    """An empty chart whose middle says why it is empty: no data is not an error, and the figure still exports.

    The reason's annotation is named `EMPTY_REASON`, so tests and callers can read it back.
    """
    fig = go.Figure()
    fig.update_layout(xaxis={"visible": False}, yaxis={"visible": False})
    fig.add_annotation(text=join_languages(reason_zh, reason_en, lang), xref="paper", yref="paper", x=0.5, y=0.5, showarrow=False,
                       font={"size": 18}, name=EMPTY_REASON)  # fmt: skip
    return apply_house_style(fig, title, [], lang, height=400)


def translate_text(text: str, lang: str, joiner: str | None = None) -> str:
    """Return a Chinese data text (a name, a term, a measure) for the chart language.

    zh: the text; en: its glossary gloss (`zwgk.analyses.glossary.gloss_text`), which has no
    Chinese; both: the text, or text + ``joiner`` + gloss when a joiner is given (short labels).
    """
    if check_language(lang) == "zh" or not has_cjk(text):
        return str(text)
    if lang == "en":
        return gloss_text(text)
    return str(text) if joiner is None else f"{text}{joiner}{gloss_text(text)}"


def label_terms(terms: pd.Series | list, lang: str, joiner: str = " ") -> list[str]:
    """Return short Chinese labels (terms, task names) for the chart language, distinct when the terms are.

    Two terms can have one English gloss (公开, 公布); a category axis would merge them, so a
    repeated label gets the term's pinyin in brackets.
    """
    terms = [str(term) for term in terms]
    labels = [translate_text(term, lang, joiner) for term in terms]
    seen: dict[str, set[str]] = {}
    for term, label in zip(terms, labels, strict=True):
        seen.setdefault(label, set()).add(term)
    out = []
    for term, label in zip(terms, labels, strict=True):
        if len(seen[label]) > 1:
            from pypinyin import lazy_pinyin

            label = f"{label} ({''.join(lazy_pinyin(term))})"
        out.append(label)
    return out


def translate_places(texts: pd.Series, plans: pd.DataFrame, lang: str) -> pd.Series:
    """Return texts that name jurisdictions (source notes like 某市2018 L174-177) with the places in the chart language.

    Jurisdiction names come from ``plans`` (jurisdiction -> jurisdiction_en), longest first, so
    a county is never half-replaced by its city; what Chinese remains is glossed.
    """
    if check_language(lang) != "en":
        return texts.astype(str)
    names = plans.drop_duplicates("jurisdiction").set_index("jurisdiction")["jurisdiction_en"]
    order = sorted(names.index, key=len, reverse=True)

    def translate(text: str) -> str:
        for name in order:
            text = text.replace(name, f" {names[name]} ")
        return translate_text(" ".join(text.split()).replace("、", ", "), lang)

    return texts.astype(str).map(translate)
