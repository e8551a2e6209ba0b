"""The five seed plans, built end to end: counts, hierarchy, text, agencies, time
expressions and the text accounting, pinned against the raw files read by hand."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import zwgk
from zwgk.processed.build import read_build_info

EXPECTED_TASKS = {
    "jiangsu-changzhou-2018": 37,
    "guangdong-jiangmen-xinhui-2018": 67,
    "jiangsu-changzhou-2021": 17,
    "jiangsu-suzhou-taicang-2019": 19,
    # Counted by hand from the raw file, item by item:
    # 稳增长 7+6+6+2, 促改革 12+7+3+4, 调结构 4+7+6, 惠民生 7+7+8+4, 防风险 4+11+3,
    # 增强实效 4+10+6+4+4+3 = 139.
    "shandong-taian-2017": 139,
}


@pytest.fixture(scope="module")
def tasks(seed_data_dir: Path) -> pd.DataFrame:
    return zwgk.load_tasks(seed_data_dir).set_index("task_id")


@pytest.fixture(scope="module")
def agencies(seed_data_dir: Path) -> pd.DataFrame:
    return zwgk.load_agencies(seed_data_dir)


@pytest.fixture(scope="module")
def plans(seed_data_dir: Path) -> pd.DataFrame:
    return zwgk.load_plans(seed_data_dir).set_index("plan_id")


@pytest.fixture(scope="module")
def lines(seed_data_dir: Path) -> pd.DataFrame:
    return zwgk.load_source_lines(seed_data_dir)


def test_every_seed_has_its_expected_task_count(tasks: pd.DataFrame) -> None:
    assert tasks.groupby("plan_id").size().to_dict() == EXPECTED_TASKS


def test_required_columns_are_present(seed_data_dir: Path) -> None:
    assert {"plan_id", "jurisdiction", "jurisdiction_en", "level", "province", "year"} <= set(zwgk.load_plans(seed_data_dir).columns)
    required_tasks = {"plan_id", "task_id", "task_text", "lead_agencies", "responsible_agencies", "line_start", "line_end"}
    assert required_tasks <= set(zwgk.load_tasks(seed_data_dir).columns)
    assert {"plan_id", "task_id", "measure_id", "text"} <= set(zwgk.load_measures(seed_data_dir).columns)


def test_plan_metadata_comes_from_manifest_and_notice(plans: pd.DataFrame) -> None:
    taicang = plans.loc["jiangsu-suzhou-taicang-2019"]
    assert (taicang.jurisdiction, taicang.jurisdiction_en, taicang.level, taicang.province, taicang.year) == (
        "太仓市",
        "Taicang",
        "county",
        "江苏省",
        2019,
    )
    assert taicang.doc_number == "太政办〔2019〕112号"
    assert taicang.issue_date == "2019年8月16日"
    assert taicang.plan_title == "太仓市2019年政务公开工作要点"
    changzhou = plans.loc["jiangsu-changzhou-2021"]
    assert changzhou.publish_date == "2021-07-09"
    assert changzhou.issuer == "常州市人民政府办公室"
    assert changzhou.notice_title == "常州市人民政府办公室关于印发《常州市2021年政务公开工作要点》的通知"
    assert plans.loc["shandong-taian-2017", "plan_title"] == "2017年泰安市政务公开重点工作任务分解表"
    assert set(plans.layout) == {"table_tab", "numbered_prose"}


# ---- 常州 2018: table with 目标/任务/主要内容/牵头单位/责任单位 -----------------------------


def test_changzhou_2018_first_row(tasks: pd.DataFrame) -> None:
    row = tasks.loc["jiangsu-changzhou-2018-t001"]
    assert (row.section_1_number, row.section_1_title) == ("一、", "高质量推进政务发布解读回应工作")
    assert (row.section_2_number, row.section_2_title) == ("（一）", "及时发布各项重大政策")
    assert row.task_text.startswith("以公开为常态、不公开为例外，及时公开政府全体会议")
    assert row.task_text.endswith("要对公开相关信息作出明确规定。")
    assert row.lead_agencies == ["市政府办公室", "各辖市、区人民政府"]
    assert row.responsible_agencies == ["市各有关部门"]  # “市各有关\n部门”: a wrapped cell
    assert (row.line_start, row.line_end) == (11, 14)


def test_changzhou_2018_shared_prefix_is_expanded(tasks: pd.DataFrame, agencies: pd.DataFrame) -> None:
    row = tasks.loc["jiangsu-changzhou-2018-t006"]
    assert row.task_text.startswith("研究出台我市重大建设项目批准和实施领域信息公开办法")
    assert row.lead_agencies == ["市发改委", "市国土局", "市城乡建设局", "市规划局", "市政务办"]
    mentions = agencies[agencies.task_id == "jiangsu-changzhou-2018-t006"]
    assert mentions.agency_name_raw.tolist()[:2] == ["市发改委", "国土局"]
    assert mentions.is_prefix_expanded.tolist()[:2] == [False, True]


def test_changzhou_2018_merged_agency_cell_spans_lead_and_responsible(tasks: pd.DataFrame, agencies: pd.DataFrame) -> None:
    row = tasks.loc["jiangsu-changzhou-2018-t002"]  # a 4-cell row: one agency cell across both columns
    assert row.lead_agencies == row.responsible_agencies == ["各辖市、区人民政府", "市各有关部门"]
    roles = agencies[agencies.task_id == "jiangsu-changzhou-2018-t002"].role.unique().tolist()
    assert roles == ["lead_and_responsible"]


def test_changzhou_2018_page_break_repeats_do_not_start_new_sections(tasks: pd.DataFrame) -> None:
    # Lines 234-236 repeat 三、 and （十一） after a page break; the row is a new task in the same item.
    before, after = tasks.loc["jiangsu-changzhou-2018-t032"], tasks.loc["jiangsu-changzhou-2018-t033"]
    assert before.section_2_title == after.section_2_title == "持续推进政务公开各项制度建设"
    assert after.line_start == 237
    assert tasks[tasks.plan_id == "jiangsu-changzhou-2018"].section_2_number.nunique() == 13


def test_changzhou_2018_deadline(tasks: pd.DataFrame) -> None:
    row = tasks.loc["jiangsu-changzhou-2018-t031"]
    assert row.section_2_number == "（十）"
    assert row.deadlines == ["今年6月底前"]


# ---- 新会 2018: 序号 / 工作任务 (two levels) / 具体要求 / 牵头及责任单位 -------------------------


def test_xinhui_rows_keep_their_numbers_and_two_section_levels(tasks: pd.DataFrame) -> None:
    xinhui = tasks[tasks.plan_id == "guangdong-jiangmen-xinhui-2018"]
    assert xinhui.task_number.tolist() == [str(n) for n in range(1, 68)]
    row = tasks.loc["guangdong-jiangmen-xinhui-2018-t007"]
    assert (row.section_1_title, row.section_2_title) == ("着力加强公开解读回应工作", "围绕重点领域加大主动公开力度")
    assert row.section_1_number == ""  # unnumbered section cells


def test_xinhui_row_12_lost_its_text_but_keeps_agencies(tasks: pd.DataFrame) -> None:
    row = tasks.loc["guangdong-jiangmen-xinhui-2018-t012"]
    assert row.task_number == "12"
    assert bool(row.is_text_missing) is True
    assert row.task_text == ""
    assert row.lead_agencies == ["区财政局"]
    assert row.responsible_agencies == ["各镇（街、区）", "区政府各部门", "各直属机构"]
    assert (row.line_start, row.line_end) == (77, 79)
    assert tasks.is_text_missing.sum() == 1


def test_xinhui_single_column_distinguishes_lead_and_responsible(tasks: pd.DataFrame) -> None:
    row = tasks.loc["guangdong-jiangmen-xinhui-2018-t003"]
    assert row.lead_agencies == ["区编办"]
    assert row.responsible_agencies == ["各镇（街、区）", "区政府各部门", "各直属机构"]
    cooperating = tasks.loc["guangdong-jiangmen-xinhui-2018-t056"]
    assert cooperating.lead_agencies == ["区委区府办公室"]
    assert cooperating.cooperating_agencies == ["区经济信息和商务局", "区档案局"]


def test_xinhui_merged_agency_cell_applies_to_rows_below(tasks: pd.DataFrame) -> None:
    row = tasks.loc["guangdong-jiangmen-xinhui-2018-t018"]
    assert row.task_text.startswith("按照“谁起草、 谁解读”的原则")
    assert bool(row.is_agency_inherited) is True
    assert row.lead_agencies == ["区金融局", "区扶贫办", "区财政局", "区环保局"] or row.responsible_agencies  # from row 16
    assert row.responsible_agencies == ["各镇（街、区）", "区政府各部门", "各直属机构"]


def test_xinhui_last_rows_have_one_level_fewer(tasks: pd.DataFrame) -> None:
    for task_id in ("guangdong-jiangmen-xinhui-2018-t066", "guangdong-jiangmen-xinhui-2018-t067"):
        row = tasks.loc[task_id]
        assert row.section_1_title == "加强政务公开工作能力建设"
        assert pd.isna(row.section_2_title)
    assert tasks.loc["guangdong-jiangmen-xinhui-2018-t067"].responsible_agencies == ["区委区府办公室"]


# ---- 常州 2021: web page around numbered prose 一、/(一)/1. -----------------------------------


def test_changzhou_2021_hierarchy_and_titles(tasks: pd.DataFrame) -> None:
    first = tasks.loc["jiangsu-changzhou-2021-t001"]
    assert (first.section_1_number, first.section_2_number, first.task_number) == ("一、", "(一)", "1.")
    assert first.section_2_title == "提高解读和回应实效"
    assert first.task_title == "提升政策解读质量"
    assert first.task_text.startswith("提升政策解读质量。紧紧围绕贯彻落实中央和省市重大决策部署")
    assert (first.line_start, first.line_end) == (17, 17)
    eighth = tasks.loc["jiangsu-changzhou-2021-t008"]  # 二、(一) has no 1. below it: it is the task
    assert (eighth.section_1_number, eighth.task_number, eighth.task_title) == ("二、", "(一)", "优化完善依申请办理工作")
    assert pd.isna(eighth.section_2_number)


def test_prose_plans_name_no_agencies(tasks: pd.DataFrame) -> None:
    prose = tasks[tasks.plan_id.isin(["jiangsu-changzhou-2021", "jiangsu-suzhou-taicang-2019"])]
    assert prose.lead_agencies.map(len).sum() == prose.responsible_agencies.map(len).sum() == 0


def test_changzhou_2021_deadline(tasks: pd.DataFrame) -> None:
    assert tasks.loc["jiangsu-changzhou-2021-t010"].deadlines == ["2021年底前"]


def test_changzhou_2021_navigation_and_footer_are_dropped_with_reasons(lines: pd.DataFrame) -> None:
    dropped = lines[(lines.plan_id == "jiangsu-changzhou-2021") & lines.category.isin(["navigation", "footer", "unplaced"])]
    assert dict(zip(dropped.line_no, dropped.category, strict=True)) == {
        1: "navigation",
        2: "navigation",
        4: "navigation",
        41: "footer",
        42: "footer",
        43: "footer",
    }
    assert dropped.reason.notna().all()


# ---- 太仓 2019: issuing notice, prose 一、/（一）, [bookmark: …] artefacts ----------------------


def test_taicang_tasks_and_artefacts(tasks: pd.DataFrame, lines: pd.DataFrame) -> None:
    last = tasks.loc["jiangsu-suzhou-taicang-2019-t019"]
    assert (last.section_1_number, last.section_1_title) == ("五、", "夯实政务公开基础支撑")
    assert last.task_number == "（三）"  # after a [bookmark: _GoBack] artefact
    assert last.task_title == "做好机构改革后信息公开相关基础工作"
    assert "[bookmark" not in "".join(tasks.task_text)
    artefact_lines = lines[(lines.plan_id == "jiangsu-suzhou-taicang-2019") & (lines.artefact_chars > 0)]
    assert artefact_lines.line_no.tolist() == [4, 41]


def test_taicang_notice_preamble_and_closing(plans: pd.DataFrame, lines: pd.DataFrame) -> None:
    taicang = lines[lines.plan_id == "jiangsu-suzhou-taicang-2019"].set_index("line_no")
    assert taicang.loc[[1, 4, 5, 7, 8, 10, 11, 12], "category"].unique().tolist() == ["notice"]
    assert taicang.loc[15, "category"] == "title"
    assert taicang.loc[17, "category"] == "preamble"
    assert taicang.loc[42, "category"] == "closing"
    assert plans.loc["jiangsu-suzhou-taicang-2019", "closing"].startswith("各区镇、市各有关部门要结合实际")


# ---- 泰安 2017: three levels in one column group, merged cells carried down ---------------------


def test_taian_three_levels(tasks: pd.DataFrame) -> None:
    first = tasks.loc["shandong-taian-2017-t001"]
    assert (first.section_1_number, first.section_1_title) == ("", "以政务公开助力稳增长")
    assert (first.section_2_number, first.section_2_title) == ("（一）", "加强预期引导")
    assert (first.section_3_number, first.section_3_title) == ("1.", "加强财政政策、金融政策和就业创业政策信息公开")
    assert first.lead_agencies == ["市发展改革委", "市经济和信息化委", "市财政局", "市金融办", "人行泰安市中心支行"]
    assert first.responsible_agencies == ["各县（市、区）", "市政府有关部门（单位）"]


def test_taian_merged_agencies_carry_down_within_an_item(tasks: pd.DataFrame) -> None:
    second = tasks.loc["shandong-taian-2017-t002"]
    assert second.task_text.startswith("围绕优化融资结构和信贷结构等信贷政策")
    assert bool(second.is_agency_inherited) is True
    assert second.lead_agencies == tasks.loc["shandong-taian-2017-t001"].lead_agencies
    fourth = tasks.loc["shandong-taian-2017-t004"]  # its own cells
    assert fourth.lead_agencies == ["市人力资源社会保障局"]
    assert bool(fourth.is_agency_inherited) is False
    # A new item does not inherit: （四）财税 row 1 names a lead and leaves 责任单位 empty.
    first_of_item = tasks.loc["shandong-taian-2017-t044"]
    assert first_of_item.section_2_title == "推进财税体制改革信息公开"
    assert first_of_item.responsible_agencies == []


def test_taian_cell_split_by_a_blank_line_is_one_cell(tasks: pd.DataFrame) -> None:
    row = tasks.loc["shandong-taian-2017-t016"]  # lines 119-123: content continues after a blank line
    assert row.task_text == (
        "出台公共资源配置领域信息公开的指导意见，明确公开的主体、范围、程序等。"
        "加快建设完善公共资源交易电子服务、电子交易、电子监管系统，完成市公共资源交易平台系统与省、6县（市、区）平台，"
        "以及市公共信用信息平台、投资项目在线审批监管平台等的互联互通和交互共享。"
    )
    assert row.lead_agencies == ["市发展改革委", "市公共资源交易中心"]
    wrapped = tasks.loc["shandong-taian-2017-t052"]  # lines 373-377: the lead cell continues after a blank line
    assert wrapped.lead_agencies == ["市发展改革委", "市经济和信息化委", "市财政局", "市质监局", "市国资委", "市煤炭局"]


def test_taian_time_expressions(tasks: pd.DataFrame) -> None:
    assert tasks.loc["shandong-taian-2017-t005"].frequencies == ["按月"]
    assert tasks.loc["shandong-taian-2017-t127"].deadlines == ["5小时内", "24小时内"]
    assert tasks.loc["shandong-taian-2017-t041"].frequencies == ["每五日"]
    assert tasks.loc["shandong-taian-2017-t028"].deadlines == ["年内", "5月底前"]


# ---- accounting, measures, ids ------------------------------------------------------------------


def test_every_nonblank_line_is_placed_or_dropped_with_a_reason(lines: pd.DataFrame) -> None:
    nonblank = lines[lines.category != "blank"]
    assert (nonblank.line_text.str.strip() != "").all()
    assert not (lines.category == "unplaced").any()
    dropped = lines[lines.category.isin(["navigation", "footer"])]
    assert dropped.reason.notna().all()
    blank = lines[lines.category == "blank"]
    assert (blank.line_text.str.strip() == "").all()


def test_accounting_places_the_whole_plan_body(plans: pd.DataFrame) -> None:
    placed = plans.chars_task + plans.chars_heading + plans.chars_front + plans.chars_closing
    assert (placed + plans.chars_dropped == plans.chars_total).all()
    assert plans.loc["jiangsu-changzhou-2021", "chars_dropped"] > 0  # navigation and footer
    for plan_id in ("jiangsu-changzhou-2018", "guangdong-jiangmen-xinhui-2018", "shandong-taian-2017"):
        assert plans.loc[plan_id, "chars_dropped"] == 0
    # the two bookmarks' non-white-space characters (the accounting's unit: the spaces are not counted)
    assert plans.loc["jiangsu-suzhou-taicang-2019", "chars_dropped"] == len("[bookmark:OLE_LINK1]") + len("[bookmark:_GoBack]")


def test_task_lines_point_back_to_the_task(tasks: pd.DataFrame, lines: pd.DataFrame) -> None:
    task_lines = lines[lines.category == "task"]
    spans = tasks.loc[task_lines.task_id, ["line_start", "line_end"]].to_numpy()
    assert ((task_lines.line_no.to_numpy() >= spans[:, 0]) & (task_lines.line_no.to_numpy() <= spans[:, 1])).all()
    assert set(task_lines.task_id) == set(tasks.index)


def test_measures_are_offsets_into_their_task(seed_data_dir: Path, tasks: pd.DataFrame) -> None:
    measures = zwgk.load_measures(seed_data_dir)
    for row in measures.itertuples():
        assert tasks.loc[row.task_id, "task_text"][row.char_start : row.char_end] == row.text
    per_task = measures.groupby("task_id").size()
    assert per_task.loc["jiangsu-changzhou-2021-t001"] == 5  # the title sentence is not a measure
    assert measures[measures.task_id == "jiangsu-changzhou-2021-t001"].text.iloc[0].startswith("紧紧围绕")
    counted = tasks.n_measures.loc[per_task.index]
    assert (counted == per_task).all()
    assert set(tasks.index[tasks.n_measures == 0]) == {"guangdong-jiangmen-xinhui-2018-t012"}


def test_ids_do_not_change_when_a_plan_is_added(seed_data_dir: Path, tmp_path: Path) -> None:
    from tests.helpers.datadir import SEED_FILES, copy_repository_plans

    four = sorted(SEED_FILES.values())[:4]
    data_dir = copy_repository_plans(tmp_path / "four", four)
    subset = zwgk.load_measures(data_dir)
    full = zwgk.load_measures(seed_data_dir)
    merged = subset.merge(full, on="measure_id", suffixes=("_subset", "_full"))
    assert len(merged) == len(subset)
    assert (merged.text_subset == merged.text_full).all()


def test_xinhui_and_taicang_time_expressions(tasks: pd.DataFrame) -> None:
    assert tasks.loc["guangdong-jiangmen-xinhui-2018-t041"].deadlines == ["1个工作日内"]
    assert tasks.loc["guangdong-jiangmen-xinhui-2018-t054"].deadlines == ["年底前"]
    assert tasks.loc["guangdong-jiangmen-xinhui-2018-t064"].deadlines == ["年底前"]
    assert tasks.loc["jiangsu-suzhou-taicang-2019-t011"].task_text.startswith("深化财政信息公开。")
    assert tasks.loc["jiangsu-suzhou-taicang-2019-t011"].frequencies == ["定期"]
    assert tasks.loc["jiangsu-suzhou-taicang-2019-t003"].frequencies == ["实时"]
    with_time = tasks[(tasks.deadlines.map(len) > 0) | (tasks.frequencies.map(len) > 0)]
    # Every match below was read in context in the raw text.
    assert with_time.groupby("plan_id").size().to_dict() == {
        "guangdong-jiangmen-xinhui-2018": 3,
        "jiangsu-changzhou-2018": 5,
        "jiangsu-changzhou-2021": 3,
        "jiangsu-suzhou-taicang-2019": 4,
        "shandong-taian-2017": 31,
    }
    assert tasks.loc["shandong-taian-2017-t139"].deadlines == ["到2018年"]
    assert tasks.loc["shandong-taian-2017-t082"].deadlines == ["6月底前"]
    assert tasks.loc["shandong-taian-2017-t082"].frequencies == ["每年"]


def test_the_self_check_is_silent_on_every_seed(plans: pd.DataFrame, seed_data_dir: Path) -> None:
    assert plans["n_check_findings"].tolist() == [0] * len(plans)
    assert all(len(findings) == 0 for findings in plans["check_findings"])
    warnings = "\n".join((read_build_info(seed_data_dir) or {})["warnings"])
    assert "the numbering" not in warnings and "characters are in tasks" not in warnings


def test_a_data_folder_may_be_given_as_a_string(seed_data_dir: Path) -> None:
    from_string = zwgk.load_measures(str(seed_data_dir))
    assert from_string.equals(zwgk.load_measures(seed_data_dir))
    assert zwgk.load_measure_sources(str(seed_data_dir))["measure_id"].tolist() == from_string["measure_id"].tolist()
