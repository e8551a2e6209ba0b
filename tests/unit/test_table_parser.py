"""The tab-flattened table parser on small tables written inline."""

import pytest

from zwgk.errors import PlanParseError
from zwgk.parse.frontmatter import make_source_lines
from zwgk.parse.table import parse_table
from zwgk.settings import get_default_settings

SETTINGS = get_default_settings()


def _parse(text: str):
    return parse_table(make_source_lines(text.split("\n"), SETTINGS.frontmatter), "inline.txt", SETTINGS)


HEADER = "某市2020年政务公开工作要点\n\t目标\n\t任务\n\t主要内容\n\t牵头单位\n\t责任单位\n\n"


def test_wrapped_cells_merged_cells_and_spanning_agency_cell() -> None:
    plan = _parse(
        HEADER
        + "\t一、\n推进公开\n\t（一）决策公开\n\t推进决策预公开。\n\t市政府\n办公室\n\t市各有关\n部门\n\n"
        + "\t\n\t\n\t做好政策解读。\n\t各县（市、区）人民政府，市各有关部门\n\n"
    )
    first, second = plan.tasks
    assert [s.label for s in first.sections] == ["一、推进公开", "（一）决策公开"]
    assert [(c.role, c.text) for c in first.agency_cells] == [("lead", "市政府办公室"), ("responsible", "市各有关部门")]
    assert second.sections == first.sections
    assert [(c.role, c.text) for c in second.agency_cells] == [("lead_and_responsible", "各县（市、区）人民政府，市各有关部门")]
    assert (second.line_start, second.line_end) == (19, 20)


def test_empty_agency_cells_inherit_within_the_section_only() -> None:
    plan = _parse(
        HEADER
        + "\t一、甲\n\t（一）乙\n\t第一项。\n\t市财政局\n\t各县\n\n"
        + "\t\n\t\n\t第二项。\n\t\n\t\n\n"
        + "\t\n\t（二）丙\n\t第三项。\n\t\n\t\n\n"
    )
    _first, second, third = plan.tasks
    assert [(c.text, c.is_inherited) for c in second.agency_cells] == [("市财政局", True), ("各县", True)]
    assert third.agency_cells == []


def test_repeated_headings_after_a_page_break_and_a_repeated_header_row() -> None:
    plan = _parse(
        HEADER
        + "\t一、甲\n\t（一）乙\n\t第一项。\n\t市财政局\n\t各县\n\n"
        + "\t目标\n\t任务\n\t主要内容\n\t牵头单位\n\t责任单位\n\n"
        + "\t一、甲\n\t（一）乙\n\t第二项。\n\t市审计局\n\t各县\n\n"
    )
    assert [t.text for t in plan.tasks] == ["第一项。", "第二项。"]
    assert plan.tasks[0].sections == plan.tasks[1].sections
    assert [line.category for line in plan.lines if line.line_no in (14, 15)] == ["table_header", "table_header"]


def test_a_header_cell_spanning_three_levels_and_the_content() -> None:
    plan = _parse(
        "\t工作任务及要求\n\t牵头单位\n\t责任单位\n\n"
        + "\t以公开助力发展\n\t（一）加强引导\n\n\n"
        + "\t1.财政信息公开\n\t按月公开财政收支。\n\t市财政局牵头落实\n\t各县（市、区）\n\n"
        + "\t\n\t\n\t\n\t公开统计数据。\n\t\n\t\n\n"
        + "\t\n\t（二）推进减税\n\t\n\t公开减税政策。\n\t市税务局牵头落实\n\t\n\n"
    )
    first, second, third = plan.tasks
    assert [s.label for s in first.sections] == ["以公开助力发展", "（一）加强引导", "1.财政信息公开"]
    assert second.sections == first.sections
    assert [s.label for s in third.sections] == ["以公开助力发展", "（二）推进减税"]
    assert [c.text for c in third.agency_cells] == ["市税务局牵头落实"]


def test_a_row_that_lost_its_cells_is_kept_and_flagged_with_an_inferred_number() -> None:
    plan = _parse(
        "\t序号\n\t工作任务\n\t具体要求\n\t牵头及责任单位\n\n"
        + "\t1\n\t甲\n\t第一项。\n\t区财政局负责\n\n"
        + "\n区审计局牵头，各镇（街、区），\n\n\t区政府各部门负责\n\n"
        + "\t3\n\t\n\t第三项。\n\t区民政局负责\n\n"
    )
    assert [t.number for t in plan.tasks] == ["1", "2", "3"]
    lost = plan.tasks[1]
    assert lost.is_text_missing and lost.text == ""
    assert [c.text for c in lost.agency_cells] == ["区审计局牵头，各镇（街、区），区政府各部门负责"]
    assert any("line 12" in w and "lost its cell structure" in w for w in plan.warnings)


def test_text_after_the_table_is_the_closing() -> None:
    plan = _parse(HEADER + "\t一、甲\n\t（一）乙\n\t第一项。\n\t市财政局\n\t各县\n\n\n公开方式：主动公开\n")
    assert plan.closing == "公开方式：主动公开"


def test_tab_lines_without_a_known_header_fail_loudly() -> None:
    with pytest.raises(PlanParseError, match=r"inline.txt, line 2: .*no task-table header"):
        _parse("某市2020年要点\n\t甲列\n\t乙列\n\n\t一\n\t二\n")


def test_an_unknown_header_cell_is_read_by_position_and_reported() -> None:
    plan = _parse("\t工作任务\n\t具体要求\n\t牵头单位\n\t完成情况说明\n\n\t一、甲\n\t第一项。\n\t市财政局\n\t已完成\n\n")
    assert plan.tasks[0].note == "已完成"
    assert [c.text for c in plan.tasks[0].agency_cells] == ["市财政局"]
    assert any("line 1" in w and "完成情况说明" in w and "no column role" in w for w in plan.warnings)
