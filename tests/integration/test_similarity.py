"""Similar measures, clusters of the same task, and text reuse on the seed measures,
evaluated against the hand-made same-task groups."""

from pathlib import Path

import pandas as pd
import pytest

import zwgk
from zwgk.analyses.evaluation import load_task_groups, score_clustering, score_neighbour_recall, score_stability
from zwgk.analyses.similar import (
    SimilarityIndex,
    align_texts,
    build_similarity_index,
    cluster_index,
    cluster_measures,
    find_neighbours,
    find_text_reuse,
    similar_to,
    summarise_clusters,
    summarise_text_reuse,
)


@pytest.fixture(scope="module")
def measures(seed_data_dir: Path) -> pd.DataFrame:
    return zwgk.load_measures(seed_data_dir)


@pytest.fixture(scope="module")
def index(measures: pd.DataFrame, seed_data_dir: Path) -> SimilarityIndex:
    return build_similarity_index(measures, cache_dir=seed_data_dir / "cache")


@pytest.fixture(scope="module")
def clusters(index: SimilarityIndex) -> pd.DataFrame:
    return cluster_index(index)


@pytest.fixture(scope="module")
def reference_index(reference_data_dir: Path) -> SimilarityIndex:
    """The seeds and the national plans: the measures the hand-made groups are drawn from."""
    return build_similarity_index(zwgk.load_measures(reference_data_dir), cache_dir=reference_data_dir / "cache")


def test_evaluation_file_is_big_enough() -> None:
    groups, negatives = load_task_groups()
    assert len(groups) >= 40
    assert all(len({m.rsplit("-t", 1)[0] for m in g}) == len(g) >= 2 for g in groups)  # different plans
    assert len(negatives) >= 20


def test_similar_to_a_measure_finds_its_copy_in_another_plan(index: SimilarityIndex, seed_data_dir: Path) -> None:
    context = zwgk.load_measures(seed_data_dir).merge(zwgk.load_plans(seed_data_dir)[["plan_id", "jurisdiction", "year"]], on="plan_id")
    found = similar_to("jiangsu-changzhou-2018-t004-m01", k=5, index=index, measures_context=context)  # 双随机、一公开
    assert found["rank"].tolist() == [1, 2, 3, 4, 5]
    assert (found["plan_id"] != "jiangsu-changzhou-2018").all()
    assert found["score"].is_monotonic_decreasing
    assert "guangdong-jiangmen-xinhui-2018-t006-m01" in found["measure_id"].tolist()[:3]
    assert {"jurisdiction", "year"} <= set(found.columns)


def test_similar_to_free_text(index: SimilarityIndex, seed_data_dir: Path) -> None:
    found = similar_to("规范依申请公开工作流程", k=3, index=index, cache_dir=seed_data_dir / "cache")
    assert len(found) == 3
    assert found["text"].str.contains("依申请公开").all()


def test_neighbours_never_come_from_the_same_plan(index: SimilarityIndex) -> None:
    edges = find_neighbours(index, k=5)
    plans = index.measures["plan_id"].to_numpy()
    assert (plans[edges["query_row"]] != plans[edges["neighbour_row"]]).all()
    assert edges.groupby("query_row").size().max() <= 5


def test_clustering_agrees_with_the_hand_made_groups(reference_index: SimilarityIndex) -> None:
    groups, negatives = load_task_groups()
    score = score_clustering(cluster_index(reference_index), groups, negatives)
    # Levels reached on every group (dev and sealed, 628 pairs) with the seeds and national plans:
    # recall 0.748, precision 0.989 (look-alikes) / 0.867 (all labelled negatives), at the dev groups' k 20, threshold 0.25
    # (0.699, 0.993 and 0.883 with plain cosine scores: the re-ranking gains recall for a little precision).
    assert score.recall >= 0.74
    assert score.precision_lookalike >= 0.985
    assert score.precision_all >= 0.86
    index = reference_index
    edges = find_neighbours(index, k=5)
    ids = index.measures["measure_id"].to_numpy()
    neighbours = pd.DataFrame({"measure_id": ids[edges["query_row"]], "neighbour_id": ids[edges["neighbour_row"]]})
    assert score_neighbour_recall(neighbours, groups) >= 0.84  # 0.847 measured


def test_clusters_are_one_row_per_measure_and_independent_of_order(measures: pd.DataFrame, clusters: pd.DataFrame) -> None:
    assert sorted(clusters["measure_id"]) == sorted(measures["measure_id"])
    assert clusters["cluster_id"].str.match(r"^c-[0-9a-f]{10}$").all()
    shuffled = cluster_measures(measures.sample(frac=1, random_state=7))
    key = ["measure_id", "cluster_id"]
    assert shuffled[key].sort_values("measure_id", ignore_index=True).equals(clusters[key].sort_values("measure_id", ignore_index=True))


def test_clusters_are_stable_under_subsampling(measures: pd.DataFrame, clusters: pd.DataFrame) -> None:
    groups, negatives = load_task_groups()
    for seed in range(3):
        subsample = cluster_measures(measures.sample(frac=0.9, random_state=seed))
        assert score_stability(clusters, subsample, groups, negatives) >= 0.998  # 0.9990 at worst measured


def test_cluster_summaries_label_common_tasks(index: SimilarityIndex, clusters: pd.DataFrame, seed_data_dir: Path) -> None:
    jurisdictions = zwgk.load_plans(seed_data_dir).set_index("plan_id")["jurisdiction"]
    summary = summarise_clusters(index, clusters, jurisdictions)
    assert summary["n_measures"].sum() == len(clusters)
    common = summary[summary["is_common_task"]]
    assert len(common) >= 50
    assert (common["n_jurisdictions"] >= 2).all()
    inspections = clusters.set_index("measure_id").loc["jiangsu-changzhou-2018-t004-m01", "cluster_id"]
    row = summary.set_index("cluster_id").loc[inspections]
    assert "双随机一公开" in row["label"]
    assert row["representative_measure_id"] in set(clusters[clusters["cluster_id"] == inspections]["measure_id"])


def test_text_reuse_finds_near_verbatim_copies_with_aligned_spans(index: SimilarityIndex) -> None:
    reuse = find_text_reuse(index)
    pair = reuse[
        (reuse["measure_id"] == "guangdong-jiangmen-xinhui-2018-t009-m02")
        & (reuse["other_measure_id"] == "jiangsu-changzhou-2018-t007-m03")
    ]
    assert len(pair) == 1 and pair["ratio"].iloc[0] == 1.0
    summary = summarise_text_reuse(index, reuse).set_index(["plan_id", "other_plan_id"])
    assert summary.loc[("guangdong-jiangmen-xinhui-2018", "jiangsu-changzhou-2018"), "n_copied"] >= 10
    assert summary.loc[("jiangsu-changzhou-2021", "shandong-taian-2017"), "n_copied"] == 0
    ratio, spans = align_texts("做好政府部门权责清单调整和公开工作", "做好权责清单调整工作")
    assert 0.5 < ratio < 1
    assert ("做好政府部门权责清单调整和公开工作"[spans[0][0] : spans[0][0] + spans[0][2]]) in "做好权责清单调整工作"


def test_similar_to_and_cluster_measures_work_on_the_current_dataset(seed_data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZWGK_DATA_DIR", str(seed_data_dir))
    found = similar_to("推进政府网站集约化建设", k=2)
    assert {"jurisdiction", "year", "section_path", "line_start", "line_end"} <= set(found.columns)
    assert found["line_start"].notna().all()
    clusters = cluster_measures()
    assert len(clusters) == len(zwgk.load_measures(seed_data_dir))


def test_approximate_search_keeps_the_hand_made_groups_together(reference_index: SimilarityIndex, monkeypatch: pytest.MonkeyPatch) -> None:
    index = reference_index
    # Large datasets are searched through k-means cells (zwgk.analyses.similar.neighbours). Forced here on the
    # seeds and national plans with cells of ~25 measures, so each query sees a small part of the others.
    from zwgk.analyses.similar import neighbours

    monkeypatch.setattr(neighbours, "CELL_SIZE", 25)
    small = SimilarityIndex(index.measures, index.tokens, index.matrix, index.word_vectorizer, index.char_vectorizer)
    sizes = [len(rows) for rows in small.cells().members]
    assert len(sizes) >= len(index.measures) // 25 and max(sizes) <= 2 * 25 and sum(sizes) == len(index.measures)
    groups, negatives = load_task_groups()
    score = score_clustering(cluster_index(small, method="approximate"), groups, negatives)
    assert score.recall >= 0.74 and score.precision_lookalike >= 0.985 and score.precision_all >= 0.86  # 0.748 / 0.989 / 0.867
    exact = find_neighbours(index, k=3, method="exact").groupby("query_row")["score"].apply(list)
    approximate = find_neighbours(small, k=3, method="approximate").groupby("query_row")["score"].apply(list)
    same = [approximate.get(row) is not None and approximate[row] == pytest.approx(scores) for row, scores in exact.items()]
    assert sum(same) / len(same) >= 0.85  # 0.88 measured: the top-3 scores are the exact search's
    with pytest.raises(ValueError, match="method"):
        find_neighbours(index, method="fast")


def test_the_map_places_a_fixed_sample_of_a_large_dataset(index: SimilarityIndex, measures: pd.DataFrame) -> None:
    from zwgk.analyses.similar import project_measures

    sample = project_measures(index, max_points=120)
    assert len(sample) == 120 and sample["measure_id"].is_unique
    assert set(sample["measure_id"]) <= set(measures["measure_id"])
    shuffled = build_similarity_index(measures.sample(frac=1, random_state=3))
    assert sample.equals(project_measures(shuffled, max_points=120))  # same sample, same places
    fewer = build_similarity_index(measures[measures["plan_id"] != "shandong-taian-2017"])
    kept = set(project_measures(fewer, max_points=120)["measure_id"])
    others = set(sample["measure_id"]) - {m for m in sample["measure_id"] if m.startswith("shandong-taian-2017")}
    assert others <= kept  # removing a plan keeps the rest of the sample


def test_fitting_on_distinct_texts_gives_the_vectors_of_fitting_on_every_row(measures: pd.DataFrame) -> None:
    # The index analyses each distinct text once; copies must still count in the document
    # frequencies, and the fitted vectorizer must transform new texts as a plain fit would.
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    from zwgk.analyses.similar.index import fit_transform_distinct

    texts = pd.concat([measures["text"], measures["text"].iloc[::3]], ignore_index=True)  # a third copied once more
    codes, distinct = pd.factorize(texts)
    fitted = TfidfVectorizer(analyzer="char", ngram_range=(1, 2), sublinear_tf=True)
    plain = TfidfVectorizer(analyzer="char", ngram_range=(1, 2), sublinear_tf=True)
    expected = plain.fit_transform(texts.tolist())
    got = fit_transform_distinct(fitted, list(distinct), np.bincount(codes))
    assert got.shape == (len(distinct), expected.shape[1]) and abs(got[codes] - expected).max() < 1e-12
    new = ["推进重大决策预公开，听取公众意见。", "前所未见的字句"]
    assert abs(fitted.transform(new) - plain.transform(new)).max() < 1e-12
    assert np.array_equal(fitted.get_feature_names_out(), plain.get_feature_names_out())
    with pytest.raises(ValueError, match="cut-offs"):  # min_df would have to count copies
        fit_transform_distinct(TfidfVectorizer(min_df=2), list(distinct), np.bincount(codes))
