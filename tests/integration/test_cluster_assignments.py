"""Persisted clusters: ids and co-clustered pairs of the seeds survive adding and removing an unrelated plan."""

from __future__ import annotations

import csv
import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import zwgk
from tests.helpers.datadir import SEED_FILES, copy_repository_plans, default_metadata, manifest_row, write_manifest
from zwgk.analyses.similar import build_similarity_index, cluster_index, cluster_measures
from zwgk.analyses.similar.assignments import FULL, INCREMENTAL, assign_new_measures, read_assignments, recluster, update_clusters
from zwgk.analyses.similar.reranking import RERANK_DEPTH
from zwgk.commands.cli import main
from zwgk.paths import get_clusters_dir, get_manifest_path, get_raw_dir
from zwgk.processed.build import build_dataset

# A made-up plan on openness topics, written for this test: six tasks of two sentences.
UNRELATED = """测试乙市2020年政务公开工作要点
一、加强政务新媒体管理
（一）规范政务新媒体。全面清理整合功能相近、用户关注度低的政务新媒体账号。每季度检查一次账号更新情况，及时通报问题。
（二）提升互动回应。建立网民留言办理台账，做到件件有回音。对热点留言定期汇总分析，形成报告报送市政府。
二、推进基层政务公开标准化
（一）编制公开事项目录。各镇街对照国务院部门标准指引，梳理本级公开事项。目录在政府网站集中公布并动态更新。
（二）建设公开专区。在便民服务中心设立政务公开专区，提供查阅和咨询服务。专区配备必要的设备和工作人员。
三、做好依申请公开和年报工作
（一）规范依申请公开答复。统一答复文书格式，严格按照法定期限答复。加强对疑难申请的会商研判，降低行政复议纠错率。
（二）按时发布年度报告。各单位于一月底前在网站发布上一年度政府信息公开工作年度报告。市政府办公室对年报质量进行抽查。
"""


def _seed_copy(folder: Path) -> Path:
    copy_repository_plans(folder, list(SEED_FILES.values()))
    build_dataset(folder, force=True, log=lambda *_: None)
    return folder


def _add_plan(data_dir: Path, name: str, text: str, index: int) -> None:
    """Add a raw file and its manifest row, and rebuild (what `zwgk add` does, without its checks)."""
    data = text.encode("utf-8")
    (get_raw_dir(data_dir) / name).write_bytes(data)
    with open(get_manifest_path(data_dir), encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    write_manifest(get_manifest_path(data_dir), [*rows, manifest_row(name, data, default_metadata(index))])
    build_dataset(data_dir, force=True, log=lambda *_: None)


def _remove_plan(data_dir: Path, name: str) -> None:
    with open(get_manifest_path(data_dir), encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["file"] != name]
    write_manifest(get_manifest_path(data_dir), rows)
    (get_raw_dir(data_dir) / name).unlink()
    build_dataset(data_dir, force=True, log=lambda *_: None)


def _pairs(assignments: pd.DataFrame) -> set[tuple[str, str]]:
    """Co-clustered pairs of measures."""
    return {pair for _, ids in assignments.groupby("cluster_id")["measure_id"] for pair in itertools.combinations(sorted(ids), 2)}


def _seed_rows(assignments: pd.DataFrame) -> pd.DataFrame:
    return assignments[assignments["plan_id"].isin(SEED_FILES)].set_index("measure_id")["cluster_id"].sort_index()


@pytest.fixture(scope="module")
def seed_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _seed_copy(tmp_path_factory.mktemp("cluster-seeds"))


def test_adding_and_removing_an_unrelated_plan_keeps_every_seed_cluster(tmp_path: Path) -> None:
    data_dir = _seed_copy(tmp_path / "data")
    first = update_clusters(data_dir)  # nothing persisted yet: a full clustering
    assert first.full and first.n_measures == 407
    before = read_assignments(data_dir)[0]
    assert set(before["assigned"]) == {FULL}

    _add_plan(data_dir, "ceshi-2020.txt", UNRELATED, index=1)
    added = update_clusters(data_dir)
    during = read_assignments(data_dir)[0]
    new = during[~during["plan_id"].isin(SEED_FILES)]
    assert added.n_added == len(new) >= 10 and added.n_kept == 407 and added.n_removed == 0
    assert set(new["assigned"]) == {INCREMENTAL}
    assert _seed_rows(during).equals(_seed_rows(before))  # every seed cluster id
    seed_pairs = _pairs(before)
    assert seed_pairs <= _pairs(during)  # every co-clustered seed pair
    assert _pairs(during[during["plan_id"].isin(SEED_FILES)]) == seed_pairs  # and no new ones among seeds
    # (clustering from scratch may reshuffle seed clusters, as TF-IDF weights change; the update never does)

    _remove_plan(data_dir, "ceshi-2020.txt")
    removed = update_clusters(data_dir)
    after = read_assignments(data_dir)[0]
    assert removed.n_removed == len(new) and removed.n_added == 0
    assert after.equals(before)


def test_a_verbatim_copy_joins_the_cluster_of_its_original(seed_copy: Path, tmp_path: Path) -> None:
    data_dir = _seed_copy(tmp_path / "data")
    recluster(data_dir)
    before = read_assignments(data_dir)[0].set_index("measure_id")
    measures = zwgk.load_measures(data_dir).set_index("measure_id")
    original = "shandong-taian-2017-t010-m01"
    text = measures.loc[original, "text"]
    _add_plan(data_dir, "copy-2020.txt", f"测试丙市2020年政务公开工作要点\n一、推进公开\n（一）{text}\n", index=2)
    update_clusters(data_dir)
    after = read_assignments(data_dir)[0]
    copies = after.merge(zwgk.load_measures(data_dir)[["measure_id", "text"]], on="measure_id")
    copy = copies[(copies["text"] == text) & ~copies["plan_id"].isin(SEED_FILES)]
    assert len(copy) == 1
    assert copy["cluster_id"].iloc[0] == before.loc[original, "cluster_id"]


def test_the_update_is_independent_of_the_order_of_the_measures(seed_copy: Path) -> None:
    recluster(seed_copy)
    stored = read_assignments(seed_copy)[0]
    measures = zwgk.load_measures(seed_copy)
    plan = measures[measures["plan_id"] == "jiangsu-changzhou-2021"]
    extra = plan.assign(plan_id="ceshi-2020", measure_id=plan["measure_id"].str.replace("jiangsu-changzhou-2021", "ceshi-2020"))
    both = pd.concat([measures, extra], ignore_index=True)
    ordered = assign_new_measures(stored, both)
    shuffled = assign_new_measures(stored.sample(frac=1, random_state=3), both.sample(frac=1, random_state=4))
    assert ordered.equals(shuffled)
    copies = ordered.set_index("measure_id").loc[extra["measure_id"], "cluster_id"].to_numpy()
    assert (copies == stored.set_index("measure_id").loc[plan["measure_id"], "cluster_id"].to_numpy()).mean() > 0.9


def test_recluster_equals_a_fresh_full_clustering(seed_copy: Path) -> None:
    recluster(seed_copy)
    persisted = read_assignments(seed_copy)[0]
    fresh = cluster_index(build_similarity_index(zwgk.load_measures(seed_copy)))
    assert persisted[["measure_id", "plan_id", "cluster_id"]].equals(fresh[["measure_id", "plan_id", "cluster_id"]])
    assert cluster_measures(data_dir=seed_copy).equals(fresh)  # the persisted clusters, when current


def test_cluster_command(seed_copy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("ZWGK_DATA_DIR", str(seed_copy))
    assert main(["cluster", "--full"]) == 0
    assert "from scratch" in capsys.readouterr().out
    assert main(["cluster"]) == 0
    assert "407 kept, 0 removed, 0 added" in capsys.readouterr().out
    assert (get_clusters_dir(seed_copy) / "assignments.parquet").exists()


def _copy_of_seed_measures(data_dir: Path) -> str:
    """A plan for 测试乙市 made of twelve seed measures, verbatim, two per task: every word of it is known."""
    measures = zwgk.load_measures(data_dir)
    sentences = measures[measures["text"].str.len().between(20, 80) & measures["text"].str.endswith("。")]
    chosen = sentences.iloc[:: max(1, len(sentences) // 12)].head(12)["text"].tolist()
    tasks = [f"（{'一二三四五六'[i]}）{chosen[2 * i]}{chosen[2 * i + 1]}" for i in range(6)]
    return "测试乙市2020年政务公开工作要点\n一、工作任务\n" + "\n".join(tasks) + "\n"


def test_an_update_reuses_the_stored_vectors_when_they_know_the_new_words(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A plan whose words the clustered measures know is vectorized in their stored space (no
    # refit); a plan with many unseen words, or an update without the cache, refits on all
    # current measures. Either way a verbatim copy joins its original's cluster. Removing a
    # plan narrows the cache, so the next addition still refits nothing.
    import zwgk.analyses.similar.assignments as assignments
    import zwgk.analyses.similar.stored_vectors as stored_vectors

    data_dir = _seed_copy(tmp_path / "data")
    recluster(data_dir)
    cache = data_dir / "cache" / stored_vectors.FOLDER
    assert sorted(path.suffix for path in cache.iterdir()) == [".npy", ".npy", ".npz", ".pkl"]  # values and indices apart
    fits: list[int] = []
    real_build = assignments.build_similarity_index
    monkeypatch.setattr(assignments, "build_similarity_index", lambda m, c=None: fits.append(len(m)) or real_build(m, c))
    before = read_assignments(data_dir)[0].set_index("measure_id")
    _add_plan(data_dir, "ceshi-2020.txt", _copy_of_seed_measures(data_dir), index=1)
    stored, parameters = read_assignments(data_dir)
    measures = zwgk.load_measures(data_dir)
    new = measures[~measures["plan_id"].isin(SEED_FILES)]
    original = measures[measures["plan_id"].isin(SEED_FILES)].drop_duplicates("text").set_index("text")["measure_id"]
    copies = new[new["text"].isin(original.index)]
    assert len(copies) >= 10
    for with_cache in (True, False):
        if not with_cache:
            for entry in cache.iterdir():
                entry.unlink()
        updated = assign_new_measures(stored, measures, parameters, data_dir / "cache").set_index("measure_id")
        joined = updated.loc[copies["measure_id"], "cluster_id"].to_numpy()
        assert (joined == before.loc[original[copies["text"]], "cluster_id"].to_numpy()).all()
        assert fits == ([] if with_cache else [len(measures)])

    fits.clear()
    _remove_plan(data_dir, "ceshi-2020.txt")
    update_clusters(data_dir)
    _add_plan(data_dir, "ceshi-2020.txt", UNRELATED, index=1)
    update_clusters(data_dir)
    assert fits == [len(zwgk.load_measures(data_dir))]  # 15% of its words unseen: refitted
    _remove_plan(data_dir, "ceshi-2020.txt")
    update_clusters(data_dir)
    _add_plan(data_dir, "ceshi-2020.txt", _copy_of_seed_measures(data_dir), index=1)
    update_clusters(data_dir)
    assert len(fits) == 1  # the removal kept the cache of the seeds: no refit


def test_an_update_hashes_only_the_texts_of_changed_plans(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Plans whose key (file hash, manifest row, build code) is the one stored with the assignments
    # keep their stored text hashes; a plan whose file changed is hashed again, and a sentence
    # changed under the same measure id counts as removed and added.
    import zwgk.analyses.similar.assignments as assignments

    data_dir = _seed_copy(tmp_path / "data")
    recluster(data_dir)
    hashed: list[int] = []
    real_hash = assignments._hash_texts
    monkeypatch.setattr(assignments, "_hash_texts", lambda texts: hashed.append(len(texts)) or real_hash(texts))
    _add_plan(data_dir, "ceshi-2020.txt", UNRELATED, index=1)
    added = update_clusters(data_dir)
    assert hashed == [added.n_added] and added.n_kept == 407
    hashed.clear()
    _remove_plan(data_dir, "ceshi-2020.txt")
    _add_plan(data_dir, "ceshi-2020.txt", UNRELATED.replace("每季度检查一次", "每月检查一次"), index=1)
    changed = update_clusters(data_dir)
    assert hashed == [added.n_added]  # the changed plan only
    assert (changed.n_removed, changed.n_added, changed.n_kept) == (1, 1, 407 + added.n_added - 1)
    stored = read_assignments(data_dir)[0]
    texts = zwgk.load_measures(data_dir).set_index("measure_id")["text"].reindex(stored["measure_id"])
    assert (stored["text_sha1"].to_numpy() == real_hash(texts)).all()


def test_a_large_update_vectorizes_and_searches_only_the_new_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Above the exact-search size (lowered here to 100 rows), the new measures are searched
    # through the cells kept with the stored vectors: no basis or cells are fitted again, and
    # only the new texts are vectorized; the cells follow removals too. The search asks for
    # the new rows' lists, then for those of the rows in them (the re-ranking reads both).
    import zwgk.analyses.similar.index as index_module
    import zwgk.analyses.similar.stored_vectors as stored_vectors

    monkeypatch.setattr(index_module, "EXACT_MAX_ROWS", 100)
    data_dir = _seed_copy(tmp_path / "data")
    recluster(data_dir)
    cache = data_dir / "cache" / stored_vectors.FOLDER
    assert len(list(cache.glob("*.cells.npz"))) == len(list(cache.glob("*.rows.f32"))) == 1
    rows_file = next(cache.glob("*.rows.f32"))
    distinct = zwgk.load_measures(data_dir)["text"].nunique()  # a fresh fit keeps one reduced row per distinct text
    assert distinct < 407 and rows_file.stat().st_size == distinct * 4 * np.load(next(cache.glob("*.cells.npz")))["components"].shape[0]
    fits, vectorized = [], []
    real_fit, real_transform = index_module.build_cell_index, index_module.SimilarityIndex.transform
    monkeypatch.setattr(index_module, "build_cell_index", lambda matrix: fits.append(matrix.shape[0]) or real_fit(matrix))
    monkeypatch.setattr(
        index_module.SimilarityIndex, "transform", lambda self, t, w: vectorized.append(len(t)) or real_transform(self, t, w)
    )
    searched = []
    real_search = index_module.search_approximate
    monkeypatch.setattr(
        index_module, "search_approximate", lambda c, q, *a: searched.append((len(c.reduced), q.shape[0])) or real_search(c, q, *a)
    )
    before = read_assignments(data_dir)[0].set_index("measure_id")
    _add_plan(data_dir, "ceshi-2020.txt", _copy_of_seed_measures(data_dir), index=1)
    added = update_clusters(data_dir)
    assert fits == [] and vectorized == [added.n_added] and searched[0] == (407 + added.n_added, added.n_added)
    assert len(searched) == 2 and searched[1][0] == 407 + added.n_added
    assert added.n_added < searched[1][1] <= added.n_added * RERANK_DEPTH  # the new rows' neighbours, not the corpus
    measures = zwgk.load_measures(data_dir)
    after = read_assignments(data_dir)[0].merge(measures[["measure_id", "text"]], on="measure_id")
    copies = after[~after["plan_id"].isin(SEED_FILES)]
    original = before.join(measures.set_index("measure_id")["text"]).drop_duplicates("text").set_index("text")["cluster_id"]
    copies = copies[copies["text"].isin(original.index)]
    assert len(copies) >= 10 and (copies["cluster_id"].to_numpy() == original[copies["text"]].to_numpy()).mean() >= 0.9
    (cells_file,) = cache.glob("*.cells.npz")
    assert len(np.load(cells_file)["position"]) == len(measures)
    assert rows_file.stat().st_size == (distinct + added.n_added) * 4 * np.load(cells_file)["components"].shape[0]  # new rows appended
    _remove_plan(data_dir, "ceshi-2020.txt")
    update_clusters(data_dir)
    (cells_file,) = cache.glob("*.cells.npz")
    assert len(np.load(cells_file)["position"]) == 407 and fits == [] and list(cache.glob("*.rows.f32")) == [rows_file]
