"""The header-driven table reader on tables whose layouts the seed plans do not have.

Every table here is written for the test: other column orders, a title column beside the
requirement, a deadline column first, two-row and compound headers, spaces inside header
cells, agencies one per paragraph, numbered cells, and a header wording no shipped config
knows (parsed after adding one line to a copy of the config).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from zwgk.errors import PlanParseError
from zwgk.parse.agencies import parse_agency_cell
from zwgk.parse.dispatch import parse_plan_bytes
from zwgk.parse.parsed import ParsedTask
from zwgk.paths import CONFIG_DIR
from zwgk.settings import SettingsError, get_default_settings, load_parser_settings

SETTINGS = get_default_settings()


def _table(title: str, header: list[str], rows: list[list[str]]) -> bytes:
    """A table flattened as extraction gives it: a tab before every cell, blank lines between rows."""
    blocks = ["\n".join("\t" + cell for cell in header)] + ["\n".join("\t" + cell for cell in row) for row in rows]
    return (title + "\n\n" + "\n\n".join(blocks) + "\n").encode()


def _parse(data: bytes, settings=SETTINGS):
    return parse_plan_bytes(data, "inline.txt", settings).parsed


def _agencies(task: ParsedTask, role: str) -> list[str]:
    mentions = [m for cell in task.agency_cells for m in parse_agency_cell(cell.text, cell.role, SETTINGS.agencies)]
    roles = {"lead": ("lead", "lead_and_responsible"), "responsible": ("responsible", "lead_and_responsible")}.get(role, (role,))
    return [m.name for m in mentions if m.role in roles]


AGENCIES_FIRST = _table(
    "某州2019年政务公开工作要点任务分工表",
    ["工作任务", "牵头单位", "责任单位", "工作要求"],
    [
        [
            "一、推进决策公开",
            "州政府办公室",
            "各县（市）人民政府，州级各部门",
            "重大决策事项在决策前向社会公布草案，征求意见期限一般不少于30日。",
        ],
        ["", "", "", "会议结束后5个工作日内公开审议通过的事项，并同步发布解读材料。"],
        ["", "州司法局", "", "按季度清理行政规范性文件，并集中公布目录。"],
        ["二、加强结果公开", "", "各县（市）人民政府", "每半年公开一次重点任务进展情况。"],
    ],
)


def test_agencies_before_the_requirement_are_agencies_not_sections() -> None:
    plan = _parse(AGENCIES_FIRST)
    assert len(plan.tasks) == 4
    first, second, third, fourth = plan.tasks
    assert [s.label for s in first.sections] == ["一、推进决策公开"]
    assert first.text.startswith("重大决策事项在决策前")
    assert _agencies(first, "lead") == ["州政府办公室"]
    assert _agencies(first, "responsible") == ["各县（市）人民政府", "州级各部门"]
    # merged cells: the cells above within the same section
    assert _agencies(second, "lead") == ["州政府办公室"] and all(cell.is_inherited for cell in second.agency_cells)
    assert _agencies(third, "lead") == ["州司法局"] and _agencies(third, "responsible") == ["各县（市）人民政府", "州级各部门"]
    # a new section inherits nothing from the one before
    assert [s.label for s in fourth.sections] == ["二、加强结果公开"]
    assert _agencies(fourth, "lead") == [] and _agencies(fourth, "responsible") == ["各县（市）人民政府"]
    assert not plan.warnings


def test_a_deadline_column_before_the_content_and_a_note_last() -> None:
    data = _table(
        "某县2022年政务公开重点工作任务",
        ["序号", "完成时限", "工作任务", "具体内容", "牵头单位", "备注"],
        [
            ["1", "6月底前", "一、政策解读", "出台政策文件时同步发布解读材料。", "县政府办公室", "每季度通报"],
            ["2", "全年持续", "", "主要负责同志每年至少解读一次重大政策。", "县各有关部门", ""],
        ],
    )
    first, second = _parse(data).tasks
    assert (first.number, first.deadline_text, first.note) == ("1", "6月底前", "每季度通报")
    assert first.text == "出台政策文件时同步发布解读材料。" and [s.label for s in second.sections] == ["一、政策解读"]
    assert _agencies(second, "lead") == ["县各有关部门"] and second.deadline_text == "全年持续"


def test_a_short_task_column_beside_the_requirement_is_a_title_and_heading_rows_are_sections() -> None:
    data = _table(
        "某区2017年政务公开工作要点任务分解",
        ["序号", "工作任务", "工作要求", "责任单位"],
        [
            ["一、推进权力运行公开"],
            ["1", "权责清单动态调整", "机构职能调整后30日内更新权责清单，并统一公布。", "区编办"],
            ["2", "行政执法公示", "执法结果在作出决定之日起7个工作日内公开。", "区各行政执法部门"],
            ["二、加强解读回应"],
            ["3", "政策解读", "起草部门同步制定解读方案。", "区政府办，区各有关部门"],
        ],
    )
    tasks = _parse(data).tasks
    assert [(t.number, t.title, [s.label for s in t.sections]) for t in tasks] == [
        ("1", "权责清单动态调整", ["一、推进权力运行公开"]),
        ("2", "行政执法公示", ["一、推进权力运行公开"]),
        ("3", "政策解读", ["二、加强解读回应"]),
    ]
    assert tasks[0].text == "机构职能调整后30日内更新权责清单，并统一公布。"
    assert _agencies(tasks[2], "responsible") == ["区政府办", "区各有关部门"]


def test_a_two_row_header_with_spaces_inside_its_cells() -> None:
    text = (
        "某市2020年政务公开工作要点责任分工\n\n"
        "\t序  号\n\t工   作   任   务\n\t责 任 分 工\n\n"
        "\t牵头单位\n\t配合单位\n\n"
        "\t1\n\t全面公开市政府常务会议议定事项，会后及时发布政策解读。\n\t市政府办公室\n\t市融媒体中心\n\n"
        "\t2\n\t做好疫情防控信息发布，及时公布病例数量。\n\t市卫生健康局\n\t市委宣传部、市疾控中心\n"
    )
    plan = _parse(text.encode())
    first, second = plan.tasks
    assert (first.number, first.text) == ("1", "全面公开市政府常务会议议定事项，会后及时发布政策解读。")
    assert _agencies(first, "lead") == ["市政府办公室"] and _agencies(first, "cooperating") == ["市融媒体中心"]
    assert _agencies(second, "cooperating") == ["市委宣传部", "市疾控中心"]
    assert [line.category for line in plan.lines[2:8]] == ["table_header"] * 3 + ["blank"] + ["table_header"] * 2


def test_compound_headers_map_to_their_roles() -> None:
    data = _table(
        "某县2016年政务公开工作要点",
        ["序号", "工作任务", "牵头单位（责任单位）", "配合/责任单位"],
        [["1", "公开重大建设项目批准和实施信息。", "县发改局", "县住建局、国土局"]],
    )
    (task,) = _parse(data).tasks
    assert [cell.role for cell in task.agency_cells] == ["lead_and_responsible", "cooperating"]
    assert _agencies(task, "cooperating") == ["县住建局", "县国土局"]


def test_an_agency_cell_holds_one_agency_per_paragraph_unless_a_name_continues() -> None:
    text = (
        "某省2024年政务公开工作要点\n\n\t序号\n\t工作任务\n\t牵头单位\n\n"
        "\t1\n\t推进企业开办全程网上办理。\n\t区经济发展局\n区行政审批局\n\n"
        "\t2\n\t完善一体化政务服务平台。\n\t省“互联网+政务服务”\n联席办\n\n"
        "\t3\n\t做好人大代表建议办理结果公开。\n\t市政府\n办公室\n"
    )
    first, second, third = _parse(text.encode()).tasks
    assert _agencies(first, "lead") == ["区经济发展局", "区行政审批局"]
    assert _agencies(second, "lead") == ["省“互联网+政务服务”联席办"]
    assert _agencies(third, "lead") == ["市政府办公室"]


def test_numbers_and_title_sentences_in_text_cells() -> None:
    data = _table(
        "某市2018年政务公开工作要点",
        ["工作任务", "责任单位"],
        [
            ["1.政府工作要做到公开透明，重大事项及时向社会公布。", "市政府办公室"],
            ["2．加强政策解读。起草部门同步发布解读材料，解读内容要通俗易懂。", "市各有关部门"],
        ],
    )
    first, second = _parse(data).tasks
    assert (first.number, first.title, first.text) == ("1.", None, "政府工作要做到公开透明，重大事项及时向社会公布。")
    assert (second.number, second.title) == ("2．", "加强政策解读")
    assert second.text.startswith("加强政策解读。起草部门")  # the title sentence stays one of the row's measures


def test_a_new_header_wording_is_one_line_in_a_copy_of_the_config(tmp_path: Path) -> None:
    data = _table(
        "某县2023年政务公开工作要点",
        ["承办科室", "工作任务", "落实举措"],
        [["县财政局", "一、预决算公开", "部门预决算在批复后20日内公开。"], ["县审计局", "", "审计结果公告及时公开。"]],
    )
    with pytest.raises(PlanParseError, match="line 3: tab-separated cells but no task-table header"):
        _parse(data)  # two of its three header cells are unknown: a clear error, never a guess
    config = tmp_path / "config"
    shutil.copytree(CONFIG_DIR, config)
    layout = (config / "layout.yaml").read_text(encoding="utf-8")
    layout = layout.replace(
        "header_roles:\n", "header_roles:\n  - {role: lead, pattern: '^承办科室$'}\n  - {role: content, pattern: '^落实举措$'}\n", 1
    )
    (config / "layout.yaml").write_text(layout, encoding="utf-8")
    after = _parse(data, load_parser_settings(config))
    assert [(t.text, _agencies(t, "lead"), [s.label for s in t.sections]) for t in after.tasks] == [
        ("部门预决算在批复后20日内公开。", ["县财政局"], ["一、预决算公开"]),
        ("审计结果公告及时公开。", ["县审计局"], ["一、预决算公开"]),
    ]
    assert not after.warnings


def test_a_broken_config_names_the_file_and_key(tmp_path: Path) -> None:
    config = tmp_path / "config"
    shutil.copytree(CONFIG_DIR, config)
    layout = (config / "layout.yaml").read_text(encoding="utf-8")
    (config / "layout.yaml").write_text(layout + "\nunknown_rule: 3\n", encoding="utf-8")
    with pytest.raises(SettingsError, match=r"layout\.yaml: key 'unknown_rule': unknown key"):
        load_parser_settings(config)
    (config / "layout.yaml").write_text(layout.replace("title_column_min_share: 0.8", "title_column_min_share: 8"), encoding="utf-8")
    with pytest.raises(SettingsError, match="title_column_min_share"):
        load_parser_settings(config)
    (config / "layout.yaml").write_text(layout.replace("  note: none\n", ""), encoding="utf-8")
    with pytest.raises(SettingsError, match="column_fill_down"):
        load_parser_settings(config)


def test_both_rows_of_a_two_row_header_repeated_after_a_page_break_are_header_lines() -> None:
    header = "\t序号\n\t工作任务\n\t责任分工\n\n\t牵头单位\n\t配合单位\n\n"
    text = (
        "某县2021年政务公开工作要点\n\n"
        + header
        + "\t1\n\t公开财政预决算信息。\n\t县财政局\n\t县各部门\n\n"
        + header
        + "\t2\n\t公开重大建设项目信息。\n\t县发改局\n\t县住建局\n"
    )
    plan = _parse(text.encode())
    assert [task.number for task in plan.tasks] == ["1", "2"]
    assert _agencies(plan.tasks[1], "cooperating") == ["县住建局"]
    repeated = [line for line in plan.lines if line.line_no in range(15, 21) and line.text]
    assert [line.category for line in repeated] == ["table_header"] * 5
