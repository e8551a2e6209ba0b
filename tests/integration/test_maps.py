"""The CA map and the co-occurrence network show exactly their tables, on the seed plans, in every language."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import zwgk
from zwgk import maps
from zwgk.analyses.glossary import has_cjk
from zwgk.figures.style import FONT_FAMILY, LANGUAGES, label_plans, label_terms


@pytest.fixture(scope="module")
def tables(seed_data_dir: Path) -> dict:
    plans, measures = zwgk.load_plans(seed_data_dir), zwgk.load_measures(seed_data_dir)
    panel = zwgk.build_theme_panel(plans, measures, zwgk.code_measures(measures), n_boot=20)
    edges = zwgk.compute_cooccurrence(measures, min_count=3, top_n=40, cache_dir=seed_data_dir / "cache")
    return {
        "plans": plans,
        "coords": zwgk.compute_correspondence(panel),
        "edges": edges,
        "nodes": zwgk.find_cooccurrence_communities(edges),
    }


@pytest.mark.parametrize("lang", LANGUAGES)
def test_correspondence_map_shows_every_plan_and_theme_at_its_coordinates(tables: dict, lang: str) -> None:
    coords, plans = tables["coords"], tables["plans"]
    fig = maps.plot_correspondence_map(coords, lang=lang)
    themes_trace, plans_trace = fig.data
    for trace, kind in ((plans_trace, "plan"), (themes_trace, "theme")):
        expected = coords[coords["point_type"] == kind]
        assert list(trace.customdata) == expected["point_id"].tolist()
        assert np.allclose(trace.x, expected["dim1"]) and np.allclose(trace.y, expected["dim2"])
    assert set(plans_trace.customdata) == set(plans["plan_id"])  # every seed plan has measures in some theme
    labels = label_plans(plans, lang)
    assert list(plans_trace.hovertext) == labels.reindex(plans_trace.customdata).tolist()
    shown = " ".join(plans_trace.text)
    assert all(label.replace("<br>", " ") in shown.replace("<br>", " ") or label in shown for label in labels)  # grouped or alone
    assert f"{coords['inertia_dim1'].iloc[0]:.1%}" in fig.layout.xaxis.title.text
    assert f"{coords['inertia_dim2'].iloc[0]:.1%}" in fig.layout.yaxis.title.text
    assert fig.layout.font.family == FONT_FAMILY
    assert fig.layout.annotations[-1].text.startswith({"zh": "来源", "en": "Source", "both": "来源"}[lang])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_cooccurrence_network_shows_every_word_and_edge(tables: dict, lang: str) -> None:
    nodes, edges, plans = tables["nodes"], tables["edges"], tables["plans"]
    assert len(edges) > 10 and nodes["community"].min() == 1
    fig = maps.plot_cooccurrence_network(nodes, edges, plans, lang=lang)
    node_traces = [trace for trace in fig.data if trace.mode == "markers+text"]
    shown = pd.DataFrame(
        {"word": [w for t in node_traces for w in t.text], "frequency": [f for t in node_traces for f in t.customdata]}
    ).sort_values("word")
    expected = nodes[["word", "frequency"]].assign(word=label_terms(nodes["word"], lang))  # English: glossed words
    assert shown.reset_index(drop=True).equals(expected.sort_values("word").reset_index(drop=True))
    assert lang != "en" or not any(has_cjk(word) for word in shown["word"])
    assert len(node_traces) == nodes["community"].nunique()
    segments = sum(list(trace.x).count(None) for trace in fig.data if trace.mode == "lines")
    assert segments == len(edges)
    assert fig.layout.annotations[-1].text.startswith({"zh": "来源", "en": "Source", "both": "来源"}[lang])


def test_network_layout_is_the_same_for_the_same_seed(tables: dict) -> None:
    first = maps.layout_network(tables["nodes"], tables["edges"], seed=0)
    assert first.equals(maps.layout_network(tables["nodes"], tables["edges"], seed=0))
    assert not first.equals(maps.layout_network(tables["nodes"], tables["edges"], seed=1))
    assert first[["x", "y"]].abs().max().max() == pytest.approx(1.0)
