"""Correspondence analysis and word co-occurrence on tables built here, where the answer is known."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2_contingency

from zwgk.analyses.correspondence import compute_cooccurrence, compute_correspondence, find_cooccurrence_communities
from zwgk.schema import UNCLASSIFIED


def _panel(counts: dict[str, dict[str, int]]) -> pd.DataFrame:
    """A theme panel as build_theme_panel shapes it, from plan -> theme -> n_measures."""
    rows = []
    for i, (plan_id, themes) in enumerate(counts.items()):
        for theme_id, n in themes.items():
            rows.append({"plan_id": plan_id, "jurisdiction": f"{plan_id}市", "jurisdiction_en": plan_id.title(), "year": 2018 + i,
                         "theme_id": theme_id, "theme_zh": f"主题{theme_id}", "theme_en": f"Theme {theme_id}", "n_measures": n})  # fmt: skip
    return pd.DataFrame(rows)


BLOCKS = {
    "a1": {"t1": 8, "t2": 4, "t3": 1, "t4": 0},
    "a2": {"t1": 5, "t2": 6, "t3": 0, "t4": 1},
    "b1": {"t1": 0, "t2": 1, "t3": 7, "t4": 5},
    "b2": {"t1": 1, "t2": 0, "t3": 4, "t4": 9},
    "c1": {"t1": 3, "t2": 2, "t3": 3, "t4": 2},
}


def _table(counts: dict[str, dict[str, int]]) -> np.ndarray:
    return np.array([list(themes.values()) for themes in counts.values()], dtype=float)


def test_first_dimension_separates_two_blocks_of_plans_and_their_themes() -> None:
    coords = compute_correspondence(_panel(BLOCKS)).set_index("point_id")
    a, b = coords.loc[["a1", "a2", "t1", "t2"], "dim1"], coords.loc[["b1", "b2", "t3", "t4"], "dim1"]
    assert (np.sign(a) == np.sign(a.iloc[0])).all() and (np.sign(b) == -np.sign(a.iloc[0])).all()
    assert abs(coords.at["c1", "dim1"]) < min(abs(coords.loc[["a1", "a2", "b1", "b2"], "dim1"]))  # the mixed plan sits between
    assert coords["inertia_dim1"].iloc[0] > 0.8


def test_inertia_shares_sum_to_one_and_total_inertia_is_chi_square_over_n() -> None:
    coords = compute_correspondence(_panel(BLOCKS))
    table = _table(BLOCKS)
    chi2 = chi2_contingency(table, correction=False)[0]
    assert coords["total_inertia"].iloc[0] == pytest.approx(chi2 / table.sum())
    assert sum(coords.attrs["inertia_shares"]) == pytest.approx(1.0)
    assert len(coords.attrs["inertia_shares"]) == 3  # min(5, 4) - 1 non-trivial dimensions
    assert coords.attrs["inertia_shares"][:2] == pytest.approx([coords["inertia_dim1"].iloc[0], coords["inertia_dim2"].iloc[0]])


def test_plans_sit_at_the_weighted_mean_of_the_themes_they_use() -> None:
    """The transition formula: a plan's principal coordinate is its profile times the themes' standard coordinates."""
    coords = compute_correspondence(_panel(BLOCKS)).set_index("point_id")
    table = _table(BLOCKS)
    profiles = table / table.sum(axis=1, keepdims=True)
    eigenvalues = np.array(coords.attrs["inertia_shares"][:2]) * coords["total_inertia"].iloc[0]
    themes = coords.loc[["t1", "t2", "t3", "t4"], ["dim1", "dim2"]].to_numpy() / np.sqrt(eigenvalues)
    expected = profiles @ themes
    assert coords.loc[list(BLOCKS), ["dim1", "dim2"]].to_numpy() == pytest.approx(expected)
    assert coords["mass"].sum() == pytest.approx(2.0)  # plans' masses and themes' masses each sum to 1


def test_a_two_by_two_table_has_one_dimension_and_phi_square_inertia() -> None:
    counts = {"p": {"x": 10, "y": 2}, "q": {"x": 3, "y": 9}}
    coords = compute_correspondence(_panel(counts))
    phi2 = (10 * 9 - 2 * 3) ** 2 / (12 * 12 * 13 * 11)  # (ad - bc)² over the product of the margins
    assert coords["total_inertia"].iloc[0] == pytest.approx(phi2)
    assert (coords["dim2"] == 0).all() and coords["inertia_dim1"].iloc[0] == pytest.approx(1.0)
    assert coords["quality"].tolist() == pytest.approx([1.0] * 4)


def test_unclassified_and_empty_rows_are_left_out_and_tiny_tables_refused() -> None:
    counts = {**BLOCKS, "empty": {"t1": 0, "t2": 0, "t3": 0, "t4": 0}}
    counts["a1"] = {**counts["a1"], UNCLASSIFIED: 40}
    coords = compute_correspondence(_panel({k: {**v, UNCLASSIFIED: v.get(UNCLASSIFIED, 0)} for k, v in counts.items()}))
    assert set(coords["point_id"]) == {*BLOCKS, "t1", "t2", "t3", "t4"}
    assert coords.equals(coords.sort_index()) and coords.loc[coords["point_type"] == "plan", "label_zh"].iloc[0] == "a1市 2018"
    with pytest.raises(ValueError, match="at least two plans"):
        compute_correspondence(_panel({"p": {"x": 1, "y": 2}}))


def test_the_same_panel_gives_the_same_coordinates() -> None:
    shuffled = _panel(BLOCKS).sample(frac=1.0, random_state=3)
    assert compute_correspondence(shuffled).equals(compute_correspondence(_panel(BLOCKS)))


MEASURES = pd.DataFrame(
    {
        "measure_id": ["m1", "m2", "m3"],
        "plan_id": ["p1", "p1", "p2"],
        "text": ["做好政策解读工作，及时发布政策解读材料。", "政策解读要与政策文件同步发布。", "优化政务服务平台，方便企业群众办事。"],
    }
)


def test_cooccurrence_counts_words_once_per_measure(tmp_path: Path) -> None:
    edges = compute_cooccurrence(MEASURES, min_count=1, top_n=100, cache_dir=tmp_path).set_index(["word", "other_word"])
    assert edges.loc[("发布", "政策解读"), ["n_measures", "frequency", "other_frequency", "n_plans"]].tolist() == [2, 2, 2, 1]
    assert edges.loc[("发布", "政策解读"), "jaccard"] == pytest.approx(1.0)
    assert edges.loc[tuple(sorted(("材料", "政策解读"))), "jaccard"] == pytest.approx(1 / (1 + 2 - 1))
    assert ("企业", "群众") in edges.index and not any(("企业" in pair and "政策解读" in pair) for pair in edges.index)
    assert all(a < b for a, b in edges.index)
    strongest = compute_cooccurrence(MEASURES, min_count=2, cache_dir=tmp_path)
    assert strongest[["word", "other_word", "n_measures"]].values.tolist() == [["发布", "政策解读", 2]]
    only_p2 = compute_cooccurrence(MEASURES, plan_ids=["p2"], min_count=1, cache_dir=tmp_path)
    assert set(only_p2["word"]) | set(only_p2["other_word"]) == {"优化", "政务服务", "平台", "方便", "企业", "群众", "办事"}
    assert len(only_p2) == 21  # every pair of its seven words


def test_top_n_and_max_edges_bound_the_network() -> None:
    tokens = pd.Series([["a", "b", "c"], ["a", "b"], ["a", "c", "d"], ["d", "e"]], index=range(4))
    measures = pd.DataFrame({"plan_id": ["p"] * 4, "text": [""] * 4})
    edges = compute_cooccurrence(measures, min_count=1, top_n=3, tokens=tokens)
    assert set(edges["word"]) | set(edges["other_word"]) == {"a", "b", "c"}  # a (3), then b, c, d (2): b and c win the tie by name
    assert edges.iloc[0][["word", "other_word"]].tolist() == ["a", "b"]  # a-b and a-c tie (2/3, 2 measures): by name
    assert len(compute_cooccurrence(measures, min_count=1, top_n=5, max_edges=2, tokens=tokens)) == 2


def test_communities_split_two_cliques_joined_by_one_weak_edge() -> None:
    words = {"a", "b", "c"}, {"x", "y", "z"}
    rows = [(p, q, 5, 0.9, 10, 10, 1) for group in words for p in sorted(group) for q in sorted(group) if p < q]
    rows.append(("c", "x", 1, 0.05, 10, 10, 1))
    columns = ["word", "other_word", "n_measures", "jaccard", "frequency", "other_frequency", "n_plans"]
    nodes = find_cooccurrence_communities(pd.DataFrame(rows, columns=columns)).set_index("word")
    assert nodes.loc[["a", "b", "c"], "community"].nunique() == 1 and nodes.loc[["x", "y", "z"], "community"].nunique() == 1
    assert nodes.at["a", "community"] == 1 and nodes.at["x", "community"] == 2
    assert nodes.at["c", "degree"] == 3 and nodes.at["a", "weighted_degree"] == pytest.approx(1.8)
    assert find_cooccurrence_communities(pd.DataFrame(columns=columns)).empty
