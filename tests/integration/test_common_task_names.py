"""Common tasks get readable names, and a researcher's renames, merges and splits (keyed by measure ids)
survive a full recluster and adding an unrelated plan."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

import zwgk
from tests.helpers.datadir import SEED_FILES, copy_repository_plans, default_metadata, manifest_row, write_manifest
from zwgk.analyses.glossary import has_cjk
from zwgk.analyses.similar import cluster_measures, summarise_clusters, summarise_task_presence
from zwgk.analyses.similar.assignments import recluster, update_clusters
from zwgk.analyses.similar.curation import CurationError, load_curation
from zwgk.analyses.similar.names import make_task_name
from zwgk.paths import get_manifest_path, get_raw_dir
from zwgk.processed.build import build_dataset

# A made-up plan on topics far from the seeds' (written for this test).
UNRELATED = """测试己市2022年政务公开工作要点
一、做好农业技术推广信息公开
（一）公开良种补贴名录。每年春耕前在县政府网站公布良种补贴品种和标准。补贴发放结果按村张榜公示。
（二）发布农技服务信息。农技站每月发布病虫害预报。在乡镇便民服务中心设置农技咨询台。
二、做好文化场馆开放信息公开
（一）公开场馆开放时间。图书馆、文化馆在门口和网站公布开放时间和免费项目。节假日调整提前一周公告。
"""


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _by_measure(clusters: pd.DataFrame) -> pd.Series:
    return clusters.set_index("measure_id")["cluster_id"]


def _pick(clusters: pd.DataFrame) -> dict[str, object]:
    """Measures to curate: one of each of the two largest clusters (merge), two of a third (split), an anchor (rename)."""
    sizes = clusters.drop_duplicates("cluster_id").sort_values(["cluster_size", "cluster_id"], ascending=[False, True])
    big = sizes[sizes["cluster_size"] >= 3]["cluster_id"].tolist()
    members = {cluster: sorted(clusters.loc[clusters["cluster_id"] == cluster, "measure_id"]) for cluster in big[:3]}
    first, second, third = (members[cluster] for cluster in big[:3])
    return {"merge": [first[0], second[0]], "split": third[:2], "anchor": first[-1], "rest": third[2]}


def _curation_text(picked: dict, extra: str = "") -> str:
    merge, split = picked["merge"], picked["split"]
    return f"""rename:
  - anchor: {picked["anchor"]}
    name_zh: 测试任务名称
    name_en: A task named in a test
merge:
  - measures: [{merge[0]}, {merge[1]}]
split:
  - measures: [{split[0]}, {split[1]}]
    name_zh: 拆分出的任务
{extra}"""


def _check_decisions(clusters: pd.DataFrame, picked: dict) -> None:
    ids = _by_measure(clusters)
    assert ids[picked["merge"][0]] == ids[picked["merge"][1]]
    assert ids[picked["split"][0]] == ids[picked["split"][1]] != ids[picked["rest"]]
    assert clusters.groupby("cluster_id")["measure_id"].size().eq(clusters.groupby("cluster_id")["cluster_size"].first()).all()


@pytest.fixture(scope="module")
def seeds(seed_data_dir: Path) -> dict:
    measures = zwgk.load_measures(seed_data_dir)
    index = zwgk.build_similarity_index(measures, cache_dir=seed_data_dir / "cache")
    none = seed_data_dir.parent / "no-curation.yaml"
    clusters = cluster_measures(measures, cache_dir=seed_data_dir / "cache", curated=none)
    return {"measures": measures, "index": index, "clusters": clusters, "plans": zwgk.load_plans(seed_data_dir),
            "tasks": zwgk.load_tasks(seed_data_dir), "dir": seed_data_dir, "none": none}  # fmt: skip


def test_every_cluster_has_a_short_chinese_name_and_an_english_one(seeds: dict) -> None:
    jurisdictions = seeds["plans"].set_index("plan_id")["jurisdiction"]
    summary = summarise_clusters(seeds["index"], seeds["clusters"], jurisdictions, tasks=seeds["tasks"], curated=seeds["none"])
    assert summary["name_zh"].str.len().between(1, 21).all()  # at most 20 characters and the cut mark
    assert not summary["name_en"].map(has_cjk).any() and summary["name_en"].str.len().gt(0).all()
    titles = seeds["tasks"].set_index("task_id")["task_title"]
    task_of = seeds["measures"].set_index("measure_id")["task_id"]
    title = summary["representative_measure_id"].map(task_of).map(titles)
    specific = ~title.duplicated(keep=False) & title.str.len().between(4, 20) & ~title.isin(load_curation().settings.generic_titles)
    assert specific.sum() >= 8 and (summary.loc[specific, "name_zh"] == title[specific]).all()  # 9 such clusters on the seeds
    from_text = summary.loc[~specific]
    unquoted = from_text["representative_text"].str.replace(r"[“”《》]|\s", "", regex=True)
    assert all(name.rstrip("…") in text for name, text in zip(from_text["name_zh"], unquoted, strict=True))
    presence = summarise_task_presence(seeds["clusters"], summary)
    assert {"name_zh", "name_en"} <= set(presence.columns)


def test_a_name_is_the_title_when_short_and_specific_else_the_first_clause() -> None:
    assert make_task_name("推进财政预决算公开", "细化部门预算公开内容，按时公开。") == "推进财政预决算公开"
    assert make_task_name("其他", "细化部门预算公开内容，按时公开。") == "细化部门预算公开内容"
    assert make_task_name("推进财政预决算公开", "细化部门预算公开内容。", title_is_specific=False) == "细化部门预算公开内容"
    long = make_task_name(None, "围绕优化营商环境持续推进减税降费政策和市场准入负面清单信息的集中统一公开，方便查询。")
    assert long.endswith("…") and len(long) <= 20 and "“" not in long


def test_a_name_starts_at_the_first_clause_that_does_more_than_set_the_scene() -> None:
    settings = load_curation().settings  # the shipped context frames
    text = "围绕优化营商环境，以政务服务平台为载体，在年度报告中，及时公开惠企政策，方便查询。"
    assert make_task_name(None, text, settings) == "及时公开惠企政策"
    # A clause that starts like a frame but holds the action itself names the task (对 + verb, no 的 + noun).
    assert make_task_name(None, "对政务公开专栏开展专项检查，发现问题及时整改。", settings) == "对政务公开专栏开展专项检查"
    assert make_task_name(None, "对照新规定梳理应公开的信息，及时公开。", settings) == "对照新规定梳理应公开的信息"
    # Every clause sets the scene: nothing is skipped.
    assert make_task_name(None, "围绕年度重点工作。", settings) == "围绕年度重点工作"
    assert make_task_name(None, text) == "围绕优化营商环境"  # no frames, the first clause


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("按照规定及时公开财政预决算信息，接受社会监督。", "按照规定及时公开财政预决算信息"),  # a frame's start, but it acts (及时)
        ("聚焦重点领域加大信息公开力度，回应关切。", "聚焦重点领域加大信息公开力度"),
        ("针对性开展政策解读，提升效果。", "针对性开展政策解读"),  # 针对性 is not the frame 针对
        ("对企业关心的问题及时回应，做好解读。", "对企业关心的问题及时回应"),
        ("按照谁公开谁负责的原则，落实审查责任。", "落实审查责任"),
        ("在办好纸质版的基础上，推进公报数字化。", "推进公报数字化"),
        ("要通过座谈、问卷等方式，听取公众意见。", "听取公众意见"),
        ("按照国务院（含各部门，下同）要求，做好公开。", "做好公开"),  # a comma inside brackets ends no clause
        ("围绕重点工作，，做好信息公开工作。", "做好信息公开工作"),  # a clause of punctuation alone is none
        ("围绕重点工作。按照分工落实。", "围绕重点工作"),  # a frame ends in a comma: a sentence is not one
    ],
)
def test_the_shipped_context_frames_skip_only_clauses_that_set_the_scene(text: str, name: str) -> None:
    assert make_task_name(None, text, load_curation().settings) == name


def test_a_name_never_ends_inside_a_list_or_a_bracket_and_has_no_line_break() -> None:
    # 、 separates items of one list: 按照谁起草 alone says nothing of the principle it starts.
    assert make_task_name(None, "按照谁起草、谁解读的原则，同步推进政策解读。") == "按照谁起草、谁解读的原则"
    assert make_task_name(None, "各省（区、市）人民政府要加强统筹，做好公开。") == "各省（区、市）人民政府要加强统筹"
    assert make_task_name(None, "全面公开\nPPP 项目信息，接受监督。") == "全面公开PPP项目信息"
    # A cut to the length limit backs off before a bracket it would leave open, and never ends on 、.
    assert make_task_name(None, "认真落实政府网站发展指引（国办发〔2017〕47号），加强管理。") == "认真落实政府网站发展指引…"
    assert make_task_name(None, "建立医疗卫生、资源开发、环境保护、20190101号文件等领域公开制度。") == "建立医疗卫生、资源开发、环境保护…"
    assert make_task_name("推进 Internet Plus\n政务服务", "正文。") == "推进Internet Plus政务服务"


def test_rename_merge_and_split_on_the_seeds(seeds: dict, tmp_path: Path) -> None:
    picked = _pick(seeds["clusters"])
    curated = _write(tmp_path / "common_tasks.yaml", _curation_text(picked))
    clusters = cluster_measures(seeds["measures"], cache_dir=seeds["dir"] / "cache", curated=curated)
    _check_decisions(clusters, picked)
    before = _by_measure(seeds["clusters"])
    merged = {before[picked["merge"][0]], before[picked["merge"][1]]}
    untouched = ~clusters["measure_id"].isin(picked["split"]) & ~clusters["measure_id"].map(before).isin(merged)
    assert (clusters.loc[untouched, "cluster_id"].to_numpy() == before.reindex(clusters.loc[untouched, "measure_id"]).to_numpy()).all()
    jurisdictions = seeds["plans"].set_index("plan_id")["jurisdiction"]
    summary = summarise_clusters(seeds["index"], clusters, jurisdictions, curated=curated).set_index("cluster_id")
    ids = _by_measure(clusters)
    assert summary.loc[ids[picked["anchor"]], ["name_zh", "name_en"]].tolist() == ["测试任务名称", "A task named in a test"]
    split_name = summary.loc[ids[picked["split"][0]], ["name_zh", "name_en"]].tolist()
    assert split_name[0] == "拆分出的任务" and not has_cjk(split_name[1])  # English from the glossary when not given


def test_a_decision_on_a_measure_that_is_gone_warns_and_names_the_entry(seeds: dict, tmp_path: Path) -> None:
    picked = _pick(seeds["clusters"])
    stale = "  - measures: [gone-2020-t001-m01, " + picked["merge"][0] + "]\n"
    curated = _write(tmp_path / "common_tasks.yaml", _curation_text(picked).replace("split:", stale + "split:", 1))
    with pytest.warns(UserWarning, match=r"merge\[1\].*gone-2020-t001-m01"):
        clusters = cluster_measures(seeds["measures"], cache_dir=seeds["dir"] / "cache", curated=curated)
    _check_decisions(clusters, picked)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("rename:\n  - name_zh: 名称\n", r"rename\[0\] \(line 2\).*anchor"),
        ("merge:\n  - measures: [a-t1-m1]\n", r"merge\[0\].*at least two"),
        ("split:\n  - measures: [a-t1-m1]\n    colour: red\n", r"split\[0\].*unknown keys \['colour'\]"),
        ("rename:\n  - anchor: a-t1-m1\n    name_en: 中文\n", r"rename\[0\].*name_en has Chinese"),
        ("settings:\n  max_name_chars: twenty\n", r"settings.max_name_chars"),
        ("settings:\n  context_openers: ['(围绕']\n", r"settings.context_openers\[0\].*not a valid regular expression"),
        ("settings:\n  action_words: 及时\n", r"settings.action_words"),
        ("renames: []\n", r"top-level keys"),
    ],
)
def test_a_malformed_curated_file_names_the_file_and_the_entry(tmp_path: Path, text: str, message: str) -> None:
    path = _write(tmp_path / "bad.yaml", text)
    with pytest.raises(CurationError, match=message) as error:
        load_curation(path)
    assert str(path) in str(error.value)


def test_the_shipped_file_is_valid_and_renames_real_seed_measures(seeds: dict) -> None:
    curation = load_curation()
    assert len(curation.of_kind("rename")) >= 5
    known = set(seeds["measures"]["measure_id"])
    assert all(decision.measure_ids[0] in known for decision in curation.of_kind("rename"))
    assert all(decision.name_en and not has_cjk(decision.name_en) for decision in curation.of_kind("rename"))


def _add_plan(data_dir: Path, name: str, text: str) -> None:
    data = text.encode("utf-8")
    (get_raw_dir(data_dir) / name).write_bytes(data)
    with open(get_manifest_path(data_dir), encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    write_manifest(get_manifest_path(data_dir), [*rows, manifest_row(name, data, default_metadata(5, 2022))])
    build_dataset(data_dir, force=True, log=lambda *_: None)


def test_decisions_survive_a_full_recluster_and_an_added_plan(tmp_path: Path) -> None:
    data_dir = copy_repository_plans(tmp_path / "data", list(SEED_FILES.values()))
    build_dataset(data_dir, force=True, log=lambda *_: None)
    none = tmp_path / "none.yaml"
    recluster(data_dir)
    picked = _pick(cluster_measures(data_dir=data_dir, curated=none))
    curated = _write(tmp_path / "common_tasks.yaml", _curation_text(picked))
    _check_decisions(cluster_measures(data_dir=data_dir, curated=curated), picked)  # the persisted path
    _add_plan(data_dir, "ceshi-2022.txt", UNRELATED)
    update_clusters(data_dir)
    after_add = cluster_measures(data_dir=data_dir, curated=curated)
    assert after_add["plan_id"].nunique() == len(SEED_FILES) + 1
    _check_decisions(after_add, picked)
    recluster(data_dir)
    _check_decisions(cluster_measures(data_dir=data_dir, curated=curated), picked)
    measures = zwgk.load_measures(data_dir)
    _check_decisions(cluster_measures(measures, cache_dir=data_dir / "cache", curated=curated), picked)  # the full path


def test_zwgk_glossary_lists_the_terms_english_charts_write_in_pinyin(
    seed_data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    from zwgk.commands.cli import main

    monkeypatch.setenv("ZWGK_DATA_DIR", str(seed_data_dir))
    assert main(["glossary", "--top", "5"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "not in" in lines[0] and "glossary.yaml" in lines[0] and len(lines) == 6
    term, count, pinyin = lines[1].split("\t")
    assert has_cjk(term) and int(count) >= 1 and not has_cjk(pinyin)
