"""Building the dataset: rebuild on change, atomic writes, and every kind of bad input
(empty, binary, GBK, UTF-16, no structure, truncated, duplicate, conflicting title)."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pandas as pd
import pytest

import zwgk
from tests.helpers.datadir import REPO_RAW, default_metadata, manifest_row, read_repository_plan, read_repository_rows, write_manifest
from zwgk.errors import ManifestError, PlanParseError
from zwgk.processed.build import BuildError, build_dataset, is_dataset_current
from zwgk.schema import TABLES

PROSE = """测试甲市2020年政务公开工作要点
一、推进决策公开
（一）深化预公开。进一步推进重大决策预公开，广泛听取公众意见。年底前公开目录。
（二）做好解读。每季度开展一次政策解读活动。
二、加强平台建设
（一）办好政府网站。加强内容建设，提升服务水平。
各地各部门要抓好落实。
"""

TABLE = (
    "测试乙市2020年政务公开工作任务分工\n"
    "\t序号\n\t工作任务\n\t具体要求\n\t牵头单位\n\t责任单位\n\n"
    "\t1\n\t一、推进决策公开\n\t推进重大决策预公开，广泛听取公众意见。\n\t市政府办公室\n\t各县（市、区）\n\n"
    "\t2\n\t\n\t6月底前公布政策解读目录。\n\t市司法局\n\t市各有关部门\n\n"
)


def _hash_tree(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture
def built_dir(new_data_dir) -> Path:
    data_dir = new_data_dir({"plan.txt": PROSE.encode()})
    build_dataset(data_dir, force=True)
    return data_dir


def _add_file(data_dir: Path, name: str, data: bytes, **metadata: object) -> None:
    (data_dir / "raw" / name).write_bytes(data)
    manifest = data_dir / "raw" / "plans.csv"
    import csv

    with open(manifest, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    rows.append(manifest_row(name, data, {**default_metadata(len(rows)), **metadata}))
    write_manifest(manifest, rows)


def test_a_small_prose_and_table_plan_build(new_data_dir) -> None:
    data_dir = new_data_dir({"prose.txt": PROSE.encode(), "table.txt": TABLE.encode()})
    tasks = zwgk.load_tasks(data_dir)
    prose = tasks[tasks.plan_id.str.endswith("ceshi0-2020")]
    assert prose.task_text.tolist() == [
        "深化预公开。进一步推进重大决策预公开，广泛听取公众意见。年底前公开目录。",
        "做好解读。每季度开展一次政策解读活动。",
        "办好政府网站。加强内容建设，提升服务水平。",
    ]
    assert prose.deadlines.tolist() == [["年底前"], [], []]
    assert prose.frequencies.tolist() == [[], ["每季度"], []]
    table = tasks[tasks.plan_id.str.endswith("ceshi1-2020")]
    assert table.lead_agencies.tolist() == [["市政府办公室"], ["市司法局"]]
    assert table.section_1_title.tolist() == ["推进决策公开", "推进决策公开"]
    assert zwgk.load_plans(data_dir).closing.tolist() == ["各地各部门要抓好落实。", ""]


def test_loading_rebuilds_only_when_inputs_change(built_dir: Path) -> None:
    processed = built_dir / "processed"
    before = (processed / "build.json").stat().st_mtime_ns
    zwgk.load_tasks(built_dir)
    assert (processed / "build.json").stat().st_mtime_ns == before  # current: read, not rebuilt
    _add_file(built_dir, "table.txt", TABLE.encode())
    assert not is_dataset_current(built_dir)
    assert len(zwgk.load_plans(built_dir)) == 2  # stale: rebuilt on load
    assert is_dataset_current(built_dir)


def _assert_build_fails_and_keeps_dataset(data_dir: Path, error: type[Exception], *fragments: str) -> Exception:
    before = _hash_tree(data_dir / "processed")
    with pytest.raises(error) as caught:
        build_dataset(data_dir)
    message = str(caught.value)
    for fragment in fragments:
        assert fragment in message
    assert _hash_tree(data_dir / "processed") == before
    assert not list(data_dir.glob(".processed-*"))
    return caught.value


@pytest.mark.parametrize(
    ("name", "data", "fragments"),
    [
        ("empty.txt", b"", ("empty.txt", "the file is empty")),
        ("blank.txt", b"  \n\n \t\n", ("blank.txt", "only whitespace")),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), ("binary.txt", "binary")),
        ("latin.txt", "Ceci n'est pas un plan: très français.\n".encode("latin-1"), ("latin.txt", "not UTF-8")),
        (
            "noplan.txt",
            "这是一段普通的文字，没有编号也没有表格。\n只是几句话而已。\n".encode(),
            ("noplan.txt", "no recognisable plan structure"),
        ),
        ("header.txt", "某市2020年工作安排\n\t甲\n\t乙\n\n\t一\n\t二\n".encode(), ("header.txt", "line 2", "no task-table header")),
    ],
)
def test_bad_input_is_refused_by_name_and_leaves_the_dataset(built_dir: Path, name: str, data: bytes, fragments: tuple[str, ...]) -> None:
    _add_file(built_dir, name, data)
    error = _assert_build_fails_and_keeps_dataset(built_dir, BuildError, *fragments)
    assert isinstance(error.errors[0], PlanParseError)


def test_a_broken_plan_among_good_ones_writes_nothing(built_dir: Path) -> None:
    _add_file(built_dir, "good.txt", TABLE.encode())
    _add_file(built_dir, "empty.txt", b"")
    error = _assert_build_fails_and_keeps_dataset(built_dir, BuildError, "empty.txt")
    assert len(error.errors) == 1


def test_the_same_plan_twice_is_refused_naming_both_files(built_dir: Path) -> None:
    _add_file(built_dir, "copy.txt", PROSE.encode())
    _assert_build_fails_and_keeps_dataset(built_dir, ManifestError, "copy.txt", "plan.txt", "the same plan twice")


def test_two_plans_for_one_jurisdiction_and_year_are_refused(built_dir: Path) -> None:
    _add_file(built_dir, "other.txt", TABLE.encode(), **default_metadata(0))
    _assert_build_fails_and_keeps_dataset(built_dir, ManifestError, "other.txt", "the same jurisdiction and year")


def test_an_edited_raw_file_is_refused(built_dir: Path) -> None:
    with open(built_dir / "raw" / "plan.txt", "ab") as handle:
        handle.write("三、新增\n（一）新的任务。\n".encode())
    _assert_build_fails_and_keeps_dataset(built_dir, BuildError, "plans.csv, line 2", "plan.txt", "raw files are never edited")


def test_a_title_that_contradicts_the_manifest_is_refused(built_dir: Path) -> None:
    _add_file(built_dir, "wrong-year.txt", PROSE.replace("2020", "2019").encode())
    error = _assert_build_fails_and_keeps_dataset(built_dir, BuildError, "wrong-year.txt", "line 1", "2019", "2020")
    assert error.errors[0].line == 1


def test_gbk_and_utf16_text_are_decoded_and_reported(new_data_dir) -> None:
    data_dir = new_data_dir(
        {
            "gbk.txt": PROSE.encode("gbk"),
            "utf16.txt": TABLE.encode("utf-16"),
            "utf16le.txt": PROSE.replace("测试甲市", "测试丙市").encode("utf-16-le"),
        },
    )
    report = build_dataset(data_dir, force=True)
    plans = report.plans.set_index("source_file")
    assert plans.loc["gbk.txt", "encoding"] == "gb18030"
    assert plans.loc["utf16.txt", "encoding"] == "utf-16"
    assert plans.loc["utf16le.txt", "encoding"] == "utf-16-le"
    assert any("gbk.txt" in warning and "gb18030" in warning for warning in report.warnings)
    tasks = zwgk.load_tasks(data_dir)
    assert len(tasks) == 3 + 2 + 3
    assert "深化预公开。进一步推进重大决策预公开，广泛听取公众意见。年底前公开目录。" in tasks.task_text.tolist()


def test_a_file_cut_inside_a_character_is_built_with_a_warning(new_data_dir) -> None:
    data = PROSE.encode()[:-5]  # cuts 3-byte characters: the file ends mid-character
    data_dir = new_data_dir({"cut.txt": data})
    report = build_dataset(data_dir, force=True)
    assert any("cut.txt" in w and "truncated" in w for w in report.warnings)


def test_a_table_cut_before_its_agency_columns_is_built_with_a_warning(new_data_dir) -> None:
    data = TABLE.replace("测试乙市", "测试甲市").encode() + "\t3\n\t\n\t按月公开财政收支情况。\n".encode()
    data_dir = new_data_dir({"cut.txt": data})
    report = build_dataset(data_dir, force=True)
    assert any("cut.txt, line " in w and "truncated" in w for w in report.warnings)
    assert zwgk.load_tasks(data_dir).frequencies.tolist()[-1] == ["按月"]


def test_a_file_missing_from_raw_is_an_error(built_dir: Path) -> None:
    _add_file(built_dir, "gone.txt", TABLE.encode())
    (built_dir / "raw" / "gone.txt").unlink()
    _assert_build_fails_and_keeps_dataset(built_dir, BuildError, "plans.csv, line 3", "gone.txt", "is listed but not in")


def test_an_unlisted_raw_file_is_reported(built_dir: Path) -> None:
    (built_dir / "raw" / "stray.txt").write_text(PROSE, encoding="utf-8")
    report = build_dataset(built_dir, force=True)
    assert any("stray.txt" in w and "not in the manifest" in w for w in report.warnings)


def test_the_repository_plans_are_byte_for_byte_the_shared_seeds_and_reference_plans() -> None:
    shared = REPO_RAW.parents[2] / "shared"
    if not (shared / "seeds").is_dir():
        shared = REPO_RAW.parents[3] / "shared"
    if not (shared / "seeds").is_dir() or not (shared / "reference").is_dir():
        pytest.skip("shared/seeds and shared/reference are not beside this checkout")
    shared_files = [*(shared / "seeds").glob("*.txt"), *(shared / "reference").glob("national_*.txt")]
    assert len(shared_files) == 10
    expected = {hashlib.sha256(p.read_bytes()).hexdigest() for p in shared_files}
    rows = read_repository_rows()
    assert {row["sha256"] for row in rows} == expected
    for row in rows:  # each is in data/raw as committed (a researcher's added plans are not the tests' business)
        read_repository_plan(row["file"], row["sha256"])


def test_copying_a_data_folder_keeps_it_current(built_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(built_dir, copy)
    assert is_dataset_current(copy)


def _build_in_subprocess(data_dir: str) -> int:
    build_dataset(Path(data_dir), force=True)
    return len(zwgk.load_tasks(Path(data_dir)))


def test_concurrent_builds_queue_and_leave_a_valid_dataset(new_data_dir) -> None:
    import multiprocessing

    data_dir = new_data_dir({"prose.txt": PROSE.encode(), "table.txt": TABLE.encode()})
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        counts = pool.map(_build_in_subprocess, [str(data_dir)] * 4)
    assert counts == [5, 5, 5, 5]
    assert len(zwgk.load_tasks(data_dir)) == 5
    assert not list(data_dir.glob(".processed-*"))


def test_a_build_parses_only_plans_that_changed(new_data_dir, monkeypatch: pytest.MonkeyPatch) -> None:
    import zwgk.processed.build

    data_dir = new_data_dir({"prose.txt": PROSE.encode(), "table.txt": TABLE.encode()})
    build_dataset(data_dir, force=True)
    fresh = _load_all(data_dir)
    calls: list[str] = []
    real_parse = zwgk.processed.build.parse_plan_bytes
    monkeypatch.setattr(
        zwgk.processed.build, "parse_plan_bytes", lambda data, path: calls.append(Path(path).name) or real_parse(data, path)
    )
    build_dataset(data_dir, force=True)
    again = _load_all(data_dir)
    assert calls == []  # everything came from the per-plan cache
    for name, frame in fresh.items():
        pd.testing.assert_frame_equal(frame, again[name])
    _add_file(data_dir, "third.txt", PROSE.replace("测试甲市", "测试丙市").encode())
    build_dataset(data_dir)
    assert calls == ["third.txt"]
    (data_dir / "cache" / "plans" / next(p.name for p in (data_dir / "cache" / "plans").glob("*.pkl"))).write_bytes(b"damaged")
    assert len(build_dataset(data_dir, force=True).plans) == 3  # a damaged cache entry is parsed again


def _remove_from_manifest(data_dir: Path, name: str) -> None:
    import csv

    manifest = data_dir / "raw" / "plans.csv"
    with open(manifest, encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if row["file"] != name]
    write_manifest(manifest, rows)
    (data_dir / "raw" / name).unlink()


def test_an_incremental_build_equals_a_full_build(seed_data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Adding or removing a plan reads back only its province's validated rows from the last
    # build, links the other provinces' files unchanged and parses only the new plan; the
    # tables must equal those of a full build.
    import zwgk.processed.build

    data_dir = tmp_path / "data"
    shutil.copytree(seed_data_dir / "raw", data_dir / "raw")
    build_dataset(data_dir)
    part = data_dir / "processed" / "measures" / "province_en=Shandong" / "part-0.parquet"
    inode = part.stat().st_ino
    parsed: list[str] = []
    real_parse = zwgk.processed.build.parse_plan_bytes
    monkeypatch.setattr(
        zwgk.processed.build, "parse_plan_bytes", lambda data, path: parsed.append(Path(path).name) or real_parse(data, path)
    )
    _add_file(data_dir, "third.txt", PROSE.replace("测试甲市", "测试丙市").encode(), jurisdiction="测试丙市", jurisdiction_en="Ceshibing")
    _remove_from_manifest(data_dir, "jiangsu-changzhou-2021.txt")
    incremental = build_dataset(data_dir)
    assert parsed == ["third.txt"]
    assert (incremental.written_partitions, incremental.linked_partitions) == (["Jiangsu"], ["Guangdong", "Shandong"])
    assert part.stat().st_ino == inode  # the same file, linked into the new build
    incremental_tables = _load_all(data_dir)
    shutil.rmtree(data_dir / "cache")
    full = build_dataset(data_dir, force=True)
    assert len(parsed) == 1 + 5  # the full build parsed all five plans again
    assert full.linked_partitions == [] and part.stat().st_ino != inode
    full_tables = _load_all(data_dir)
    for name, frame in full_tables.items():
        pd.testing.assert_frame_equal(frame, incremental_tables[name], obj=name)
        assert frame.set_index(list(TABLES[name].primary_key)).index.is_monotonic_increasing, name
    assert incremental.warnings == full.warnings and any("line 984" in w for w in full.warnings)  # reused plans keep their warnings
    assert "jiangsu-changzhou-2021" not in set(full_tables["tasks"]["plan_id"])


def test_one_province_is_read_without_the_others(seed_data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pyarrow.parquet as pq

    read: list[str] = []
    real_read = pq.read_table
    monkeypatch.setattr(pq, "read_table", lambda source, **kw: read.append(str(source)) or real_read(source, **kw))
    tasks = zwgk.load_tasks(seed_data_dir, provinces="江苏省")
    assert set(tasks["plan_id"]) == {"jiangsu-changzhou-2018", "jiangsu-changzhou-2021", "jiangsu-suzhou-taicang-2019"}
    assert [Path(path).parent.name for path in read if "tasks" in path] == ["province_en=Jiangsu"]
    all_tasks = zwgk.load_tasks(seed_data_dir)
    expected = all_tasks[all_tasks["plan_id"].str.startswith("jiangsu-")].reset_index(drop=True)
    pd.testing.assert_frame_equal(tasks, expected)
    both = zwgk.load_plans(seed_data_dir, provinces=["Guangdong", "山东省"])
    assert both["plan_id"].tolist() == ["guangdong-jiangmen-xinhui-2018", "shandong-taian-2017"]
    with pytest.raises(ValueError, match=r"浙江省.*it has plans of: 山东省、广东省、江苏省"):
        zwgk.load_measures(seed_data_dir, provinces="浙江省")


def _load_all(data_dir: Path) -> dict[str, pd.DataFrame]:
    return {name: zwgk.processed.dataset.load_table(name, data_dir) for name in TABLES}


def test_many_plans_parse_over_every_core_with_the_same_result(new_data_dir, monkeypatch: pytest.MonkeyPatch) -> None:
    import zwgk.processed.build
    from zwgk import parallel

    monkeypatch.setattr(parallel, "count_workers", lambda: 2)
    data_dir = new_data_dir({"plan-2000.txt": PROSE.replace("2020", "2000").encode()}, jurisdiction="测试甲市", year=2000)
    for year in range(2001, 2001 + zwgk.processed.build.PARALLEL_MIN_PLANS):
        _add_file(data_dir, f"plan-{year}.txt", PROSE.replace("2020", str(year)).encode(), jurisdiction="测试甲市",
                  jurisdiction_en="Ceshi0", year=year)  # fmt: skip
    started = []
    real_pool = parallel.ProcessPoolExecutor
    monkeypatch.setattr(parallel, "ProcessPoolExecutor", lambda *a, **k: started.append(a) or real_pool(*a, **k))
    build_dataset(data_dir, force=True)
    forked = _load_all(data_dir)
    assert started == [(2,)] and len(forked["plans"]) == 1 + zwgk.processed.build.PARALLEL_MIN_PLANS
    shutil.rmtree(data_dir / "cache")
    monkeypatch.setattr(zwgk.processed.build, "PARALLEL_MIN_PLANS", 10_000)
    build_dataset(data_dir, force=True)
    serial = _load_all(data_dir)
    assert started == [(2,)]  # no second pool
    for name, frame in serial.items():
        pd.testing.assert_frame_equal(frame, forked[name], obj=name)
    # an error in a worker is reported as in one process, naming the file
    monkeypatch.setattr(zwgk.processed.build, "PARALLEL_MIN_PLANS", 16)
    shutil.rmtree(data_dir / "cache")
    _add_file(data_dir, "broken.txt", "测试甲市2030年政务公开工作要点\n没有编号的正文。\n".encode(), jurisdiction="测试甲市",
              jurisdiction_en="Ceshi0", year=2030)  # fmt: skip
    with pytest.raises(BuildError, match=r"broken\.txt: no recognisable plan structure"):
        build_dataset(data_dir, force=True)
    assert len(started) == 2


def _add_province_plan(data_dir: Path, index: int, province: str, province_en: str, data: bytes | None = None) -> None:
    name = f"测试{'甲乙丙丁戊己庚辛'[index]}市"
    text = data if data is not None else PROSE.replace("测试甲市", name).encode()
    _add_file(data_dir, f"plan-{index}.txt", text, jurisdiction=name, jurisdiction_en=f"Ceshi{index}", province=province,
              province_en=province_en)  # fmt: skip


def test_a_build_holds_one_province_at_a_time_and_reports_every_broken_plan(built_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # At national scale the tables of every province together do not fit in memory: each
    # province's rows are made, validated and written before the next province is parsed.
    import zwgk.processed.build

    _add_province_plan(built_dir, 1, "山东省", "Shandong")
    _add_province_plan(built_dir, 2, "广东省", "Guangdong")
    _add_province_plan(built_dir, 3, "广东省", "Guangdong")
    province_of = {"jiangsu": "Jiangsu", "shandong": "Shandong", "guangdong": "Guangdong"}
    made: list[tuple[str, set[str]]] = []
    real_make = zwgk.processed.build._make_table
    monkeypatch.setattr(
        zwgk.processed.build,
        "_make_table",
        lambda name, records: made.append((name, {province_of[r["plan_id"].split("-")[0]] for r in records})) or real_make(name, records),
    )
    report = build_dataset(built_dir, force=True)
    measures = [provinces for name, provinces in made if name == "measures"]
    assert measures == [{"Guangdong"}, {"Jiangsu"}, {"Shandong"}]  # one province per table, in folder order
    assert [provinces for name, provinces in made if name == "plans"] == [{"Guangdong", "Jiangsu", "Shandong"}]
    assert len(report.plans) == 4 and zwgk.load_measures(built_dir)["plan_id"].nunique() == 4
    # a broken plan in the first province written and another in the last: both are named, nothing is written
    _add_province_plan(built_dir, 4, "广东省", "Guangdong", b"")
    _add_province_plan(built_dir, 5, "山东省", "Shandong", b"  \n")
    error = _assert_build_fails_and_keeps_dataset(built_dir, BuildError, "plan-4.txt", "plan-5.txt")
    assert len(error.errors) == 2


def test_a_damaged_part_of_the_last_build_means_a_full_rebuild(built_dir: Path) -> None:
    _add_province_plan(built_dir, 1, "山东省", "Shandong")
    build_dataset(built_dir)
    (built_dir / "processed" / "tasks" / "province_en=Jiangsu" / "part-0.parquet").write_bytes(b"not parquet")
    _add_province_plan(built_dir, 2, "江苏省", "Jiangsu")  # Jiangsu's part must be read back to add this plan
    report = build_dataset(built_dir)
    assert report.linked_partitions == [] and report.written_partitions == ["Jiangsu", "Shandong"]
    assert zwgk.load_tasks(built_dir)["plan_id"].nunique() == 3
