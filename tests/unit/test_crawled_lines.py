"""Plans damaged by web crawlers, and agencies named in prose: small plans written here, by hand."""

from __future__ import annotations

from zwgk.ingest.manifest import ManifestEntry
from zwgk.parse.agencies import parse_agency_cell
from zwgk.parse.dispatch import parse_plan_bytes
from zwgk.parse.lines import find_inline_items, read_number_value
from zwgk.parse.measures import split_measures
from zwgk.processed.rows import build_plan_rows
from zwgk.settings import get_default_settings

SETTINGS = get_default_settings()

# Lines broken at every inline span: the year of a title, a lone 。, Latin text, a number.
SPLIT_LINES = """山岚县人民政府办公室关于印发
《
山岚县
2020
年政务公开工作要点》的通知

各乡镇人民政府，县直各单位：
现将《山岚县2020年政务公开工作要点》印发给你们，请认真执行。

山岚县人民政府办公室
2020年4月2日

山岚县2020年政务公开工作要点

一、加强平台建设
（一）办好县政府网站。网站首页要设置政策解读栏目，
每月更新不少于4次
。
（二）管好政务新媒体。对各单位开设的微博和
APP
逐一登记备案。（县政府办牵头，县直各单位配合）
二、推进重点领域公开
（一）公开财政信息。按时公开县级预决算和
2020
年政府债务情况。
各乡镇、各单位要抓好落实。
"""


def _parse(text: str):
    return parse_plan_bytes(text.encode("utf-8"), "inline.txt", SETTINGS).parsed


def _agencies(task) -> list[tuple[str, str]]:
    return [(m.role, m.name) for cell in task.agency_cells for m in parse_agency_cell(cell.text, cell.role, SETTINGS.agencies)]


def test_fragments_are_rejoined_and_every_raw_line_is_kept() -> None:
    plan = _parse(SPLIT_LINES)
    assert plan.front.notice_title == "山岚县人民政府办公室关于印发《山岚县2020年政务公开工作要点》的通知"
    assert plan.front.title == "山岚县2020年政务公开工作要点"
    assert [task.text for task in plan.tasks] == [
        "办好县政府网站。网站首页要设置政策解读栏目，每月更新不少于4次。",
        "管好政务新媒体。对各单位开设的微博和APP逐一登记备案。",
        "公开财政信息。按时公开县级预决算和2020年政府债务情况。",
    ]
    assert plan.closing == "各乡镇、各单位要抓好落实。"
    # every raw line is still there, and the joined ones are placed in their task
    assert [line.line_no for line in plan.lines] == list(range(1, len(SPLIT_LINES.split("\n")) + 1))
    lone_stop = next(line for line in plan.lines if line.raw == "。")
    assert (lone_stop.category, lone_stop.task_seq) == ("task", 1)
    assert "joined to line" in (lone_stop.reason or "")
    assert [(task.line_start, task.line_end) for task in plan.tasks] == [(16, 18), (19, 21), (23, 25)]


def test_a_lone_number_between_a_signature_and_a_date_does_not_join_the_signature() -> None:
    text = "某县2019年政务公开工作要点\n某县人民政府办公室\n2019\n年\n5\n月\n6\n日\n（此件公开发布）\n一、总体要求\n（一）公开决策。全年公开。\n（二）公开结果。全年公开。\n"
    plan = _parse(text)
    texts = [line.text for line in plan.lines if line.joined]
    assert texts == ["2019年5月6日"]
    assert plan.front.issue_date is None or plan.front.issue_date == "2019年5月6日"
    assert len(plan.tasks) == 2


def test_a_short_heading_is_not_joined_to_the_next_line() -> None:
    text = "某县2019年政务公开工作要点\n一、总体要求\n2019年要做好以下工作：\n（一）公开决策。全年公开。\n（二）公开结果。全年公开。\n"
    plan = _parse(text)
    assert not any(line.joined for line in plan.lines)


def test_agency_tags_are_agencies_with_roles_and_leave_the_text() -> None:
    plan = _parse(SPLIT_LINES)
    second = plan.tasks[1]
    assert _agencies(second) == [("lead", "县政府办"), ("cooperating", "县直各单位")]
    assert "牵头" not in second.text
    assert all("牵头" not in span.text for span in split_measures(second.text, SETTINGS.layout, second.body_start))


def test_a_bracket_that_is_not_an_agency_tag_stays_in_the_text() -> None:
    text = (
        "某市2021年政务公开工作要点\n一、加强制度建设\n"
        "（一）修订公开指南。修订政府信息公开指南（试行）\n"
        "（二）公开征收信息。公开房屋征收补偿方案（含安置方案）\n"
        "（三）公开规划信息。公开国土空间规划（市自然资源局负责）\n"
    )
    plan = _parse(text)
    assert plan.tasks[0].text.endswith("（试行）") and plan.tasks[0].agency_cells == []
    assert plan.tasks[1].text.endswith("（含安置方案）") and plan.tasks[1].agency_cells == []
    assert plan.tasks[2].text.endswith("国土空间规划") and _agencies(plan.tasks[2]) == [("responsible", "市自然资源局")]


def test_labelled_agency_lines_are_agencies_and_stay_placed_in_the_task() -> None:
    text = (
        "某省2022年政务公开工作要点\n一、推进决策公开\n"
        "（一）公开重大决策。重大决策草案向社会公开征求意见。\n"
        "责任单位：省司法厅，各设区市人民政府\n"
        "（二）做好政策解读。政策文件与解读材料同步发布。\n"
        "牵头单位：省政府办公厅  配合单位：省直各部门、省委网信办\n"
    )
    plan = _parse(text)
    first, second = plan.tasks
    assert _agencies(first) == [("responsible", "省司法厅"), ("responsible", "各设区市人民政府")]
    assert _agencies(second) == [("lead", "省政府办公厅"), ("cooperating", "省直各部门"), ("cooperating", "省委网信办")]
    assert "单位" not in first.text + second.text
    label_lines = [line for line in plan.lines if "单位：" in line.text]
    assert [(line.category, line.task_seq) for line in label_lines] == [("task", 1), ("task", 2)]
    assert (first.line_start, first.line_end) == (3, 4)


ONE_LINE = (
    "临川县2024年政务公开工作要点　　为做好今年政务公开工作，制定本要点。"
    "　　一、推进决策公开　　（一）公开决策草案。重大决策草案公开征求意见不少于30日。（县司法局负责）"
    "　　（二）公开决策结果。决策作出后及时公开，完成率达到98.5%以上。（县政府办负责）"
    "　　二、做好重点领域公开　　（一）公开预决算。第一、二季度公开预算执行情况，涉及资金1.5亿元。（县财政局负责）"
    "　　（二）公开招生信息。2024年8月底前公开招生范围。（县教育局负责）"
    "　　各乡镇、各单位要抓好落实。"
)


def test_a_plan_crawled_onto_one_line_is_split_at_its_numbering_in_sequence() -> None:
    plan = _parse(ONE_LINE)
    assert [task.number for task in plan.tasks] == ["（一）", "（二）", "（一）", "（二）"]
    assert [task.sections[0].label for task in plan.tasks] == ["一、推进决策公开"] * 2 + ["二、做好重点领域公开"] * 2
    assert plan.tasks[1].text == "公开决策结果。决策作出后及时公开，完成率达到98.5%以上。"
    assert plan.tasks[2].text == "公开预决算。第一、二季度公开预算执行情况，涉及资金1.5亿元。"
    assert [_agencies(task) for task in plan.tasks][3] == [("responsible", "县教育局")]
    assert plan.front.title == "临川县2024年政务公开工作要点"
    assert plan.preamble == "为做好今年政务公开工作，制定本要点。"
    assert plan.closing == "各乡镇、各单位要抓好落实。"
    assert any("line 1: one line of" in warning and "split at inline numbering into 6 items" in warning for warning in plan.warnings)
    assert {line.line_no for line in plan.lines} == {1}


def test_a_one_line_plan_writes_one_source_lines_row_and_counts_every_piece() -> None:
    source = parse_plan_bytes(ONE_LINE.encode("utf-8"), "inline.txt", SETTINGS)
    entry = ManifestEntry(2, "inline.txt", "x-2024", {}, "0" * 64, "test")
    rows = build_plan_rows(entry, source, SETTINGS)
    (row,) = rows.source_lines
    assert row["line_text"] == ONE_LINE and row["category"] == "task"
    assert "split into" in row["reason"]
    plan_row = rows.plans[0]
    assert plan_row["chars_total"] == sum(not char.isspace() for char in ONE_LINE)
    assert plan_row["chars_front"] > 0 and plan_row["chars_heading"] > 0 and plan_row["chars_closing"] > 0
    parts = ("chars_task", "chars_heading", "chars_front", "chars_closing", "chars_dropped")
    assert sum(plan_row[name] for name in parts) == plan_row["chars_total"]


def test_inline_numbers_count_only_in_sequence() -> None:
    text = "　一、甲事项。第一、二季度完成。　二、乙事项2018年完成1.5亿元。　三、丙事项。"
    assert [read_number_value(n) for n in ("（十二）", "3.", "③", "二十一、")] == [12, 3, 3, 21]
    assert [cut.offset for cut in find_inline_items(text, SETTINGS)] == [1, text.index("二、乙"), text.index("三、")]


ONE_LINE_TABLE = (
    "江口区2018年政务公开工作任务分解表 序号 工作任务 牵头单位 "
    "1 公开区政府常务会议议定事项，同步发布解读。 区政府办 "
    "2 拨打12345热线反映的问题按月公开办理情况。 区便民服务中心 "
    "3 公开区级预决算和“三公”经费。 区财政局、区审计局 "
    "4 公开城乡低保对象人数和资金发放情况，每季度更新一次。 区民政局 "
    "5 公开义务教育阶段学校招生范围、招生条件和招生结果，接受家长和社会监督。 区教育局 "
    "6 公开重大建设项目批准和实施信息，重点公开招标投标和竣工验收情况。 区发展改革局"
)


def test_a_table_crawled_onto_one_line_is_read_by_its_row_numbers() -> None:
    plan = _parse(ONE_LINE_TABLE)
    assert [task.number for task in plan.tasks] == ["1", "2", "3", "4", "5", "6"]
    assert plan.tasks[1].text == "拨打12345热线反映的问题按月公开办理情况。"
    assert [_agencies(task) for task in plan.tasks] == [
        [("lead", "区政府办")],
        [("lead", "区便民服务中心")],
        [("lead", "区财政局"), ("lead", "区审计局")],
        [("lead", "区民政局")],
        [("lead", "区教育局")],
        [("lead", "区发展改革局")],
    ]
    assert plan.front.title == "江口区2018年政务公开工作任务分解表"
    assert any("cell boundaries were lost" in warning for warning in plan.warnings)
