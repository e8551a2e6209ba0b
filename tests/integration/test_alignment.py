"""Parent plans and the alignment of a plan with the plan above it.

On the repository's plans (the seeds and the State Council's plans), pairs read by hand; on a
chain built here (a province plan written from the 2018 national plan, a county plan written
from the province's), the whole path: parents found along the chain, then aligned.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

import zwgk
from tests.helpers.datadir import manifest_row, read_repository_plan, read_repository_rows, write_manifest
from zwgk.errors import ManifestError
from zwgk.processed.build import build_dataset

SEED_PARENTS = {
    "shandong-taian-2017": "national-2017",
    "jiangsu-changzhou-2018": "national-2018",
    "guangdong-jiangmen-xinhui-2018": "national-2018",
    "jiangsu-suzhou-taicang-2019": "national-2019",
    "jiangsu-changzhou-2021": "national-2021",
}


@pytest.fixture(scope="module")
def matcher(reference_data_dir: Path) -> zwgk.analyses.matching.MeasureMatcher:
    return zwgk.load_matcher(reference_data_dir)


def test_every_seed_has_the_state_council_plan_of_its_year_as_parent(reference_data_dir: Path) -> None:
    plans = zwgk.load_plans(reference_data_dir).set_index("plan_id")
    assert plans.loc[list(SEED_PARENTS), "parent_plan_id"].to_dict() == SEED_PARENTS
    assert {plan_id: list(chain) for plan_id, chain in plans.loc[list(SEED_PARENTS), "parent_plan_ids"].items()} == {
        plan_id: [parent] for plan_id, parent in SEED_PARENTS.items()
    }
    national = plans[plans["level"] == "national"]
    assert len(national) == 5 and national["parent_plan_id"].isna().all()
    assert (national["jurisdiction"] == "全国").all()


def test_a_national_plan_is_nobodys_peer(reference_data_dir: Path) -> None:
    plans = zwgk.load_plans(reference_data_dir)
    for plan_id in SEED_PARENTS:
        peers = zwgk.select_peers(plans, plan_id, year_window=5, same_level=False)
        assert "national" not in set(peers["level"]) and len(peers) > 0


def test_pairs_read_by_hand(matcher: zwgk.analyses.matching.MeasureMatcher) -> None:
    aligned = zwgk.align_with_parent("guangdong-jiangmen-xinhui-2018", matcher=matcher).set_index("measure_id")
    # the same sentence, word for word, as the national plan's 双随机、一公开 measure
    copied = aligned.loc["guangdong-jiangmen-xinhui-2018-t006-m01"]
    assert (copied["parent_measure_id"], copied["alignment_class"]) == ("national-2018-t001-m06", "verbatim")
    assert copied["text"] == copied["parent_text"] and copied["ratio"] == 1.0
    assert (copied["parent_line_start"], copied["parent_line_end"]) == tuple(
        matcher.measure_sources.set_index("measure_id").loc["national-2018-t001-m06", ["line_start", "line_end"]]
    )
    changzhou = zwgk.align_with_parent("jiangsu-changzhou-2018", matcher=matcher).set_index("measure_id")
    # 常州 condenses the same national measure to its 抽查 results: the same task, reworded
    adapted = changzhou.loc["jiangsu-changzhou-2018-t004-m01"]
    assert (adapted["parent_measure_id"], adapted["alignment_class"]) == ("national-2018-t001-m06", "adapted")
    # integrating data through the city's big-data centre: the 2018 national plan has no such task
    assert changzhou.loc["jiangsu-changzhou-2018-t036-m01", "alignment_class"] == "local"
    assert changzhou["line_start"].notna().all() and changzhou["parent_line_start"].notna().all()


def test_dropped_national_tasks_read_by_hand(matcher: zwgk.analyses.matching.MeasureMatcher) -> None:
    coverage = zwgk.find_parent_coverage("jiangsu-changzhou-2018", matcher=matcher).set_index("parent_measure_id")
    assert len(coverage) == 75
    # instructions to the State Council's standards body, and the security of government websites: 常州 2018 carries neither
    for dropped in ("national-2018-t013-m03", "national-2018-t008-m07"):
        assert not coverage.loc[dropped, "is_carried"] and coverage.loc[dropped, "carried_by"] == []
    # the 双随机、一公开 measure is carried, by the measure read above (among others)
    assert "jiangsu-changzhou-2018-t004-m01" in coverage.loc["national-2018-t001-m06", "carried_by"]
    dropped = zwgk.find_dropped_parent_measures(zwgk.find_coverage_of_parents(matcher))
    row = dropped.set_index("parent_measure_id").loc["national-2018-t013-m03"]
    assert (row["n_plans"], row["n_dropping"]) == (2, 2)  # 常州 2018 and 新会 2018


def test_summary_shares(matcher: zwgk.analyses.matching.MeasureMatcher) -> None:
    alignment = zwgk.align_plans_with_parents(matcher)
    coverage = zwgk.find_coverage_of_parents(matcher)
    summary = zwgk.summarise_alignment(alignment, coverage, matcher.plans).set_index("plan_id")
    assert sorted(summary.index) == sorted(SEED_PARENTS)
    shares = summary[["share_verbatim", "share_adapted", "share_local"]]
    assert (shares.sum(axis=1).round(9) == 1).all()
    assert summary["n_measures"].to_dict() == alignment.groupby("plan_id").size().to_dict()
    row = summary.loc["jiangsu-changzhou-2018"]
    assert (row["n_measures"], row["n_parent_measures"]) == (62, 75)
    assert (round(row["share_verbatim"], 3), round(row["share_adapted"], 3), round(row["share_local"], 3)) == (0.274, 0.565, 0.161)
    assert round(row["share_parent_carried"], 3) == 0.747
    # 新会 copies its parent most (a 分工方案 that lists the national items)
    assert summary["share_verbatim"].idxmax() == "guangdong-jiangmen-xinhui-2018"
    # dates side by side where both are known: 太仓 issued its plan 121 days after the State Council's
    assert summary.loc["jiangsu-suzhou-taicang-2019", "days_after_parent"] == 121
    assert pd.isna(summary.loc["jiangsu-changzhou-2018", "days_after_parent"])  # the table plan prints no date
    by_theme = zwgk.summarise_alignment_by_theme(alignment, coverage, zwgk.code_measures(matcher.measure_sources))
    assert by_theme.groupby("plan_id")["n_parent_measures"].sum().to_dict() == summary["n_parent_measures"].to_dict()


def test_a_plan_without_parent_aligns_to_nothing(matcher: zwgk.analyses.matching.MeasureMatcher) -> None:
    assert zwgk.align_with_parent("national-2022", matcher=matcher).empty
    assert zwgk.find_parent_coverage("national-2022", matcher=matcher).empty
    with pytest.raises(KeyError, match="no-such-plan"):
        zwgk.align_with_parent("no-such-plan", matcher=matcher)


# ---- a chain built here ------------------------------------------------------------------

# Written for this test: localised versions of five measures of the 2018 national plan (by measure id),
# and measures of the province's and the county's own.
ADAPTED = {
    "t002-m07": "围绕精准脱贫和社会救助，按季度公开全省扶贫资金使用和低保救助对象信息，便于群众查询核对。",
    "t003-m03": "专业性强的政策文件由起草部门用图表、案例和数据作通俗化解读，防止误读。",
    "t004-m01": "各设区市要加强政务舆情监测，对涉及重大政策的苗头性舆情及时预警研判并回应。",
    "t004-m02": "围绕就学就医、住房保障等民生热点，市县政府要及时回应社会关切，说明问题成因和解决办法。",
    "t004-m05": "对重大政务舆情处置不力、回应不当的单位，省政府办公厅予以通报或约谈。",
}
OWN_PROVINCE = ["开展政务公开进村居专项行动，年底前实现全省村居公开栏全覆盖。", "编印全省政务公开工作手册，组织基层工作人员轮训两次。"]
OWN_COUNTY = ["在全县各乡镇便民服务中心设立政务公开专区，配备查阅终端和专人值守。"]


def _write_number(n: int) -> str:
    """1 → 一, 12 → 十二, 23 → 二十三."""
    digits = "一二三四五六七八九"
    tens, ones = divmod(n, 10)
    return ((digits[tens - 1] if tens > 1 else "") + "十" if tens else "") + (digits[ones - 1] if ones else "")


def _write_plan(title: str, measures: list[str]) -> bytes:
    """A numbered-prose plan: one section, one item per measure."""
    items = [f"（{_write_number(i)}）{text}" for i, text in enumerate(measures, start=1)]
    return "\n".join([title, "一、重点工作", *items]).encode("utf-8")


@pytest.fixture(scope="module")
def chain(reference_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 2018 national plan, a province plan written from it, a county plan written from the province's, and a stray."""
    measures = zwgk.load_measures(reference_data_dir)
    national = measures[measures["plan_id"] == "national-2018"]["text"].tolist()
    province = national[:10] + list(ADAPTED.values()) + OWN_PROVINCE  # the rest of the national plan dropped
    county = province[:6] + OWN_COUNTY
    data_dir = tmp_path_factory.mktemp("chain")
    raw = data_dir / "raw"
    raw.mkdir()
    national_row = read_repository_rows(["national-2018.txt"])[0]
    files = {
        "national-2018.txt": (
            read_repository_plan("national-2018.txt", national_row["sha256"]),
            {k: v for k, v in national_row.items() if k not in {"file", "sha256"}},
        ),
        "province.txt": (
            _write_plan("江苏省2018年政务公开工作要点", province),
            _place("江苏省", "Jiangsu", "province", "provincial", None),
        ),
        "county.txt": (_write_plan("沛县2018年政务公开工作要点", county), _place("沛县", "Peixian", "county", "county", "徐州市")),
        "county-2019.txt": (
            _write_plan("丰县2019年政务公开工作要点", county),
            _place("丰县", "Fengxian", "county", "county", "徐州市", 2019),
        ),
    }
    rows = []
    for name, (data, metadata) in files.items():
        (raw / name).write_bytes(data)
        rows.append(manifest_row(name, data, metadata))
    write_manifest(raw / "plans.csv", rows)
    build_dataset(data_dir, force=True)
    return data_dir


def _place(name: str, english: str, kind: str, level: str, parent: str | None, year: int = 2018) -> dict[str, object]:
    return {
        "jurisdiction": name,
        "jurisdiction_en": english,
        "jurisdiction_type": kind,
        "level": level,
        "parent_jurisdiction": parent,
        "parent_jurisdiction_en": "Xuzhou" if parent else None,
        "province": "江苏省",
        "province_en": "Jiangsu",
        "year": year,
        "source": "written in the test",
    }


def test_the_chain_finds_the_nearest_plan_above(chain: Path) -> None:
    plans = zwgk.load_plans(chain).set_index("plan_id")
    # the county's prefecture (徐州) has no plan: the province's is its parent, the nation's follows
    assert list(plans.loc["jiangsu-xuzhou-peixian-2018", "parent_plan_ids"]) == ["jiangsu-2018", "national-2018"]
    assert list(plans.loc["jiangsu-2018", "parent_plan_ids"]) == ["national-2018"]
    # no plan of 2019 above the 2019 county plan: a plan of another year is never a parent
    assert pd.isna(plans.loc["jiangsu-xuzhou-fengxian-2019", "parent_plan_id"])


def test_the_chain_is_aligned_link_by_link(chain: Path) -> None:
    matcher = zwgk.load_matcher(chain)
    province = zwgk.align_with_parent("jiangsu-2018", matcher=matcher)
    assert province["alignment_class"].tolist() == ["verbatim"] * 10 + ["adapted"] * 5 + ["local"] * 2
    expected = [f"national-2018-{m}" for m in _national_ids(chain)[:10] + list(ADAPTED)]
    assert province["parent_measure_id"].iloc[:15].tolist() == expected
    coverage = zwgk.find_parent_coverage("jiangsu-2018", matcher=matcher)
    carried = coverage.set_index("parent_measure_id")["is_carried"]
    assert sorted(carried[carried].index) == sorted(expected)  # the rest of the national plan was dropped
    county = zwgk.align_with_parent("jiangsu-xuzhou-peixian-2018", matcher=matcher)
    assert set(county["parent_plan_id"]) == {"jiangsu-2018"}
    assert county["alignment_class"].tolist() == ["verbatim"] * 6 + ["local"]
    # against the nation directly, skipping the province
    direct = zwgk.align_with_parent("jiangsu-xuzhou-peixian-2018", "national-2018", matcher=matcher)
    assert direct["alignment_class"].tolist() == ["verbatim"] * 6 + ["local"]


def _national_ids(data_dir: Path) -> list[str]:
    measures = zwgk.load_measures(data_dir)
    return [m.removeprefix("national-2018-") for m in measures.loc[measures["plan_id"] == "national-2018", "measure_id"]]


def test_the_manifest_overrides_the_parent_and_refuses_a_bad_one(chain: Path, tmp_path: Path) -> None:
    import shutil

    data_dir = tmp_path / "data"
    shutil.copytree(chain / "raw", data_dir / "raw")
    manifest = data_dir / "raw" / "plans.csv"
    with open(manifest, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        if row["file"] == "county.txt":
            row["parent_plan_id"] = "national-2018"
    write_manifest(manifest, rows)
    build_dataset(data_dir, force=True)
    plans = zwgk.load_plans(data_dir).set_index("plan_id")
    assert list(plans.loc["jiangsu-xuzhou-peixian-2018", "parent_plan_ids"]) == ["national-2018"]
    for row in rows:
        if row["file"] == "county.txt":
            row["parent_plan_id"] = "jiangsu-xuzhou-2018"
    write_manifest(manifest, rows)
    before = {p: p.read_bytes() for p in (data_dir / "processed").rglob("*") if p.is_file()}
    line = 1 + next(i for i, row in enumerate(rows, start=1) if row["file"] == "county.txt")
    with pytest.raises(ManifestError, match=rf"line {line}.*jiangsu-xuzhou-2018.*not a plan"):
        build_dataset(data_dir, force=True)
    assert {p: p.read_bytes() for p in (data_dir / "processed").rglob("*") if p.is_file()} == before  # the dataset is untouched
