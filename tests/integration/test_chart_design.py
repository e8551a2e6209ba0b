"""Charts that scale with the number of plans and cannot mislead: asserted on the figures' data and layout."""

from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

import zwgk
from zwgk import charts
from zwgk.analyses.similar import project_measures, summarise_task_presence
from zwgk.figures.style import _estimate_width, label_plans, label_themes
from zwgk.processed.dataset import load_measure_sources
from zwgk.schema import LEVELS, RESIDUAL_THEMES

# Synthetic tidy inputs with made-up places: 5, 12 and 40 plans.


def _plans(n: int) -> pd.DataFrame:
    rows = [
        {"plan_id": f"test-{i:02d}", "jurisdiction": f"样例{i}区", "jurisdiction_en": f"Sampletown {i}", "level": LEVELS[i % 4],
         "province": "样例省", "province_en": "Sample", "year": 2017 + i % 6, "layout": "table_tab", "n_tasks": 10 + i,
         "n_measures": 20 + 2 * i, "parent_plan_id": None}
        for i in range(n)
    ]  # fmt: skip
    return pd.DataFrame(rows)


def _synthetic(n: int) -> dict:
    plans = _plans(n)
    ids = plans["plan_id"].tolist()
    themes = [(f"t{k}", f"主题{k}", f"Theme {k}") for k in range(6)]
    panel = pd.DataFrame(
        [{"plan_id": p, "theme_id": t, "theme_zh": zh, "theme_en": en, "n_measures": k + 1, "share_measures": (k + 1) / 21,
          "share_low": k / 21, "share_high": (k + 2) / 21} for p in ids for k, (t, zh, en) in enumerate(themes)]
    ).merge(plans[["plan_id", "jurisdiction", "jurisdiction_en", "level", "province", "province_en", "year"]], on="plan_id")  # fmt: skip
    presence = pd.DataFrame(
        [{"cluster_id": f"c{k}", "plan_id": p, "n_measures": 1 + (i + k) % 3, "label": f"共同任务{k}", "n_jurisdictions": n}
         for k in range(5) for i, p in enumerate(ids)]
    )  # fmt: skip
    reuse = pd.DataFrame([{"plan_id": a, "other_plan_id": b, "share_copied": 0.1} for a in ids for b in ids if a != b])
    accountability = plans[["plan_id"]].assign(
        share_with_agency=0.9, share_with_lead=0.8, share_with_deadline_or_frequency=0.3, share_with_quantified_target=0.2
    )
    kinds = pd.DataFrame(
        [{"plan_id": p, "agency_kind_id": k, "agency_kind_zh": zh, "agency_kind_en": en, "n_tasks": 3, "share_of_tasks": 0.3}
         for p in ids for k, zh, en in (("gov", "政府", "Government"), ("office", "办公室", "Office"))]
    )  # fmt: skip
    return {"plans": plans, "panel": panel, "presence": presence, "reuse": reuse, "accountability": accountability, "kinds": kinds}


def _x_charts(data: dict, lang: str) -> dict[str, go.Figure]:
    plans = data["plans"]
    return {
        "theme_heatmap": charts.plot_theme_heatmap(data["panel"], plans, lang=lang),
        "common_tasks": charts.plot_common_tasks(data["presence"], plans, lang=lang),
        "text_reuse": charts.plot_text_reuse(data["reuse"], plans, lang=lang),
        "accountability": charts.plot_accountability(data["accountability"], plans, lang=lang),
        "agency_kinds": charts.plot_agency_kinds(data["kinds"], plans, lang=lang),
    }


@pytest.mark.parametrize("lang", ["zh", "both"])
@pytest.mark.parametrize("n", [5, 12, 40])
def test_plan_labels_never_overlap_at_any_number_of_plans(n: int, lang: str) -> None:
    data = _synthetic(n)
    labels = label_plans(data["plans"], lang)
    longest = max(_estimate_width(label, charts.PLAN_TICK_FONT) for label in labels)
    for name, fig in _x_charts(data, lang).items():
        margin = fig.layout.margin
        column = (fig.layout.width - margin.l - margin.r) / n  # the plot area: the colour bar sits in the right margin
        assert column >= longest + 10, f"{name} at {n} plans: {column:.0f}px per plan for a {longest:.0f}px label"
        for trace in fig.data:
            if isinstance(trace, go.Heatmap):
                assert trace.colorbar.x == 1.0 and trace.colorbar.xanchor == "left"
    lines = 2 if lang == "both" else 1
    for name, fig in {"plan_sizes": charts.plot_plan_sizes(data["plans"], lang=lang),
                      "text_reuse": _x_charts(data, lang)["text_reuse"]}.items():  # fmt: skip
        margin = fig.layout.margin
        row = (fig.layout.height - margin.t - margin.b) / n
        assert row >= 1.2 * charts.PLAN_TICK_FONT * lines, f"{name} at {n} plans: {row:.0f}px per plan row"
        assert margin.l >= longest  # the left margin holds the plan labels
    shares = charts.plot_theme_shares(data["panel"], data["plans"], lang=lang)
    margin = shares.layout.margin
    assert (shares.layout.height - margin.t - margin.b) / (6 * n) >= 10  # each plan's bar in each theme keeps 10px


def test_the_width_grows_with_the_plans() -> None:
    widths = [charts.plot_theme_heatmap(_synthetic(n)["panel"], _synthetic(n)["plans"]).layout.width for n in (5, 12, 40)]
    assert widths[0] < widths[1] < widths[2]


# The seed plans and the State Council's reference plans.


@pytest.fixture(scope="module")
def reference(reference_data_dir: Path) -> dict:
    plans, tasks = zwgk.load_plans(reference_data_dir), zwgk.load_tasks(reference_data_dir)
    measures, agencies = zwgk.load_measures(reference_data_dir), zwgk.load_agencies(reference_data_dir)
    coded = zwgk.code_measures(measures, tasks=tasks)
    return {"plans": plans, "tasks": tasks, "measures": measures, "agencies": agencies, "coded": coded,
            "panel": zwgk.build_theme_panel(plans, measures, coded)}  # fmt: skip


FOCAL = "jiangsu-changzhou-2018"


def test_focal_plan_is_named_and_outlined(reference: dict) -> None:
    plans, panel = reference["plans"], reference["panel"]
    gaps = zwgk.find_theme_gaps(reference["coded"], reference["measures"], reference["tasks"], plans, FOCAL, 3, False)
    fig = charts.plot_theme_heatmap(panel, plans, gaps=gaps, lang="en")
    assert "gaps of Changzhou 2018" in fig.layout.title.text
    order = list(charts.order_plans(plans)["plan_id"])
    (shape,) = fig.layout.shapes
    assert (shape.x0, shape.x1) == pytest.approx((order.index(FOCAL) / len(order), (order.index(FOCAL) + 1) / len(order)))
    ranking = charts.plot_gap_ranking(gaps, plans, FOCAL, lang="en")
    assert ranking.layout.title.text.startswith("Changzhou 2018")


def test_gaps_skip_residual_themes_and_name_exactly_the_peers(reference: dict) -> None:
    plans = reference["plans"]
    for plan_id in plans.loc[plans["level"] != "national", "plan_id"]:
        gaps = zwgk.find_theme_gaps(reference["coded"], reference["measures"], reference["tasks"], plans, plan_id, 3, False)
        assert not set(gaps["theme_id"]) & set(RESIDUAL_THEMES)
    gaps = zwgk.find_theme_gaps(reference["coded"], reference["measures"], reference["tasks"], plans, FOCAL, 3, False)
    peers = zwgk.select_peers(plans, FOCAL, 3, False)
    assert len(gaps) and all(list(ids) == sorted(peers["plan_id"]) for ids in gaps["peer_plan_ids"])
    fig = charts.plot_gap_ranking(gaps, plans, FOCAL, lang="en")
    note = fig.layout.annotations[-1].text
    named = label_plans(plans, "en").str.replace("<br>", " ")
    for plan_id, label in named.items():
        assert (label in note) == (plan_id in {FOCAL, *peers["plan_id"]}), label  # the focal plan and its peers, nothing else
    texts = [t for trace in fig.data for t in trace.text]
    expected = [f"{k} of {n} peers" for k, n in zip(gaps["n_peers_covering"], gaps["n_peers"], strict=True)]
    assert sorted(texts) == sorted(expected) and "%" not in "".join(texts)
    assert all(trace.name for trace in fig.data) and fig.layout.showlegend is not False  # colours carry a legend
    colours = {trace.marker.color for trace in fig.data}
    assert len(colours) == len(fig.data)


def test_one_peer_reads_one_of_one(reference: dict) -> None:
    plans = reference["plans"]
    gaps = zwgk.find_theme_gaps(reference["coded"], reference["measures"], reference["tasks"], plans, FOCAL, 0, False)
    assert set(gaps["n_peers"]) == {1}
    fig = charts.plot_gap_ranking(gaps, plans, FOCAL, lang="en")
    assert {t for trace in fig.data for t in trace.text} == {"1 of 1 peers"}


def test_theme_trends_draw_one_line_per_place(reference: dict) -> None:
    panel = reference["panel"]
    per_place = zwgk.summarise_themes_by_year(panel[panel["level"] != "national"], by="jurisdiction")
    fig = charts.plot_theme_trends(per_place, reference["plans"], lang="en")
    places = set(per_place["jurisdiction_en"])
    assert {t.name for t in fig.data if t.showlegend} == {f"{zh} / {en}".split(" / ")[-1] for zh, en in zip(places, places, strict=True)}
    for trace in fig.data:
        rows = per_place[per_place["jurisdiction_en"] == trace.name]
        assert set(trace.x) <= set(rows["year"])  # a line never leaves its place
    taian = [t for t in fig.data if t.name == "Tai'an"]
    assert taian and all(len(t.x) == 1 for t in taian)  # one plan: a lone marker
    assert "Each line is one place" in fig.layout.title.text


def test_pooled_years_show_how_many_plans_they_pool(reference: dict) -> None:
    panel = reference["panel"]
    pooled = zwgk.summarise_themes_by_year(panel[panel["level"] != "national"])
    fig = charts.plot_theme_trends(pooled, reference["plans"], lang="en")
    trace = fig.data[0]
    n_plans = pooled.set_index(["theme_en", "year"])["n_plans"]
    theme = fig.layout.annotations[0].text
    assert list(trace.text) == [f"n={n_plans[(theme, y)]}" if n_plans[(theme, y)] > 1 else "" for y in trace.x]
    assert "n=2" in trace.text


def test_emerging_fading_bars_are_percentage_points_with_intervals(reference: dict) -> None:
    panel = reference["panel"]
    trends = zwgk.find_emerging_fading(zwgk.summarise_themes_by_year(panel, by="jurisdiction"))
    fig = charts.plot_emerging_fading(trends, reference["plans"], lang="en")
    shown = trends[trends["status"] != "stable"]
    assert ((shown["change_low"] > 0) | (shown["change_high"] < 0)).all()
    assert fig.layout.xaxis.ticksuffix == " pp" and "percentage points" in fig.layout.xaxis.title.text
    bars = {y: (x, plus) for trace in fig.data for y, x, plus in zip(trace.y, trace.x, trace.error_x.array, strict=True)}
    english = reference["plans"].drop_duplicates("jurisdiction").set_index("jurisdiction")["jurisdiction_en"]
    for row in shown.itertuples():
        x, plus = bars[f"{row.theme_en} ({english[row.jurisdiction]})"]
        assert x == pytest.approx(100 * row.change) and plus == pytest.approx(100 * (row.change_high - row.change))


def test_keyness_chart_shows_both_directions_with_both_rates(reference: dict) -> None:
    measures = reference["measures"]
    tokens = zwgk.tokenize_measures(measures)
    keyness = zwgk.compute_keyness(tokens, measures["plan_id"] == "shandong-taian-2017")
    fig = charts.plot_keyness(keyness, reference["plans"], "Tai'an 2017", n_terms=5, lang="en")
    directions = fig.data[0].y[0]
    assert list(directions) == ["Used more"] * 5 + ["Used less"] * 5
    target, rest = charts.plot_keyness(keyness, reference["plans"], "泰安 2017", n_terms=5, lang="zh").data
    terms = target.y[1]  # the Chinese terms themselves (English labels are their glosses)
    rates = keyness.set_index("term")
    assert list(target.x) == pytest.approx(rates.loc[list(terms), "per_10k_target"].tolist())
    assert list(rest.x) == pytest.approx(rates.loc[list(terms), "per_10k_rest"].tolist())
    for direction, x_target, x_rest in zip(directions, target.x, rest.x, strict=True):
        assert (x_target > x_rest) == (direction == "Used more")


def test_accountability_measures_an_accountable_agency_across_layouts(reference: dict) -> None:
    plans, tasks = reference["plans"], reference["tasks"]
    table = zwgk.summarise_accountability(plans, tasks).set_index("plan_id")
    xinhui = table.loc["guangdong-jiangmen-xinhui-2018"]
    assert xinhui["share_with_agency"] > 0.95  # a combined agency column names an agency for nearly every task
    assert not xinhui["is_lead_distinguished"] and np.isnan(xinhui["share_with_lead"])
    assert table.loc["shandong-taian-2017", "is_lead_distinguished"] and table.loc["shandong-taian-2017", "share_with_lead"] == 1.0
    fig = charts.plot_accountability(table.reset_index(), plans, lang="en")
    agency = next(t for t in fig.data if t.name.startswith("Names an accountable agency"))
    values = dict(zip(agency.customdata, agency.y, strict=True))
    assert values["guangdong-jiangmen-xinhui-2018"] == pytest.approx(xinhui["share_with_agency"])
    assert "lead or responsible" in fig.layout.annotations[-1].text


def test_agency_kinds_name_the_plans_they_leave_out(reference: dict) -> None:
    plans = reference["plans"]
    kinds = zwgk.summarise_agency_kinds(reference["tasks"], reference["agencies"])
    fig = charts.plot_agency_kinds(kinds, plans, lang="en")
    note = fig.layout.annotations[-1].text
    left_out = plans[~plans["plan_id"].isin(kinds["plan_id"])]
    assert len(left_out) and all(label in note for label in label_plans(left_out, "en"))
    assert all(t == "" or t.isdigit() for t in np.asarray(fig.data[0].text).ravel())  # values in the cells
    sizes = charts.plot_plan_sizes(plans, lang="en")
    assert sizes.layout.xaxis.title.text == "Number of tasks or measures"


def test_text_reuse_diagonal_is_blank(reference_data_dir: Path) -> None:
    index = zwgk.build_similarity_index(zwgk.load_measures(reference_data_dir), cache_dir=reference_data_dir / "cache")
    plans = zwgk.load_plans(reference_data_dir)
    fig = charts.plot_text_reuse(zwgk.summarise_text_reuse(index, zwgk.find_text_reuse(index)), plans, lang="en")
    z, text, hover = np.asarray(fig.data[0].z, dtype=float), np.asarray(fig.data[0].text), np.asarray(fig.data[0].customdata)
    assert np.isnan(np.diag(z)).all() and (np.diag(text) == "").all() and (np.diag(hover) == "—").all()
    assert "NaN" not in " ".join(hover.ravel())


def test_common_tasks_say_how_many_and_which(reference_data_dir: Path, reference: dict) -> None:
    measures, plans = reference["measures"], reference["plans"]
    index = zwgk.build_similarity_index(measures, cache_dir=reference_data_dir / "cache")
    clusters = zwgk.cluster_measures(measures, cache_dir=reference_data_dir / "cache")
    local = plans.set_index("plan_id")["jurisdiction"].where(plans.set_index("plan_id")["level"] != "national")
    presence = summarise_task_presence(clusters, zwgk.summarise_clusters(index, clusters, local))
    n_all = presence["cluster_id"].nunique()
    fig = charts.plot_common_tasks(presence, plans, n_tasks=3, lang="en")
    assert f"The 3 common tasks shared by the most jurisdictions, of {n_all}" in fig.layout.title.text
    note = fig.layout.annotations[-1].text
    if fig.data[0].showscale:  # counts in the cells, with their scale
        assert fig.data[0].colorbar.title.text and "blank: none" in note
    else:  # one measure per plan and task: presence, said in the note
        assert "Blue: the plan includes the task" in note and "blank: it does not" in note
    number = presence["cluster_id"].rank(method="dense").astype(int).astype(str)
    named = presence.assign(name_zh="名称" + number, name_en="A readable name " + number)
    assert set(charts.plot_common_tasks(named, plans, n_tasks=3, lang="en").data[0].y) <= {f"A readable name {n}" for n in number}
    points = project_measures(index).merge(load_measure_sources(reference_data_dir), on="measure_id")
    points = points.merge(reference["coded"][["measure_id", "theme_zh", "theme_en"]], on="measure_id")
    points = points.assign(theme_label=label_themes(points, "en"))
    measure_map = charts.plot_measure_map(points, plans, lang="en")
    coloured = points["theme_label"].value_counts().index[:8]
    assert [a.text for a in measure_map.layout.annotations[:-1]] == [f"<b>{v}</b>" for v in sorted(coloured)]  # names at centroids
    rest = points["theme_label"].nunique() - 8
    assert measure_map.data[-1].name.startswith(f"{rest} other groups")  # the grey group says what it holds
