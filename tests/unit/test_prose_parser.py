"""The numbered-prose parser on small plans written inline."""

import pytest

from zwgk.errors import PlanParseError
from zwgk.parse.frontmatter import make_source_lines
from zwgk.parse.prose import parse_prose
from zwgk.settings import get_default_settings

SETTINGS = get_default_settings()

WEB_PAGE = """首页 | 新闻 | 政务公开
当前位置：首页 >> 通知
发布日期:2020-03-02 浏览次数: 字号:
某某县人民政府办公室关于印发《某某县2020年
政务公开工作要点》的通知
某政办〔2020〕5号
各乡镇人民政府，县各有关部门：
现将《某某县2020年政务公开工作要点》印发给你们，请认真贯彻执行。
某某县人民政府办公室
2020年3月1日
某某县2020年政务公开工作要点
今年全县政务公开工作的总体要求是：坚持以人民为中心。
一、推进决策公开
（一）深化预公开
1. 扩大参与。重大决策要公开征求意见。[bookmark: x]年底前完成。
2．听取意见，这一段没有标题句，所以不拆出标题。
（二）做好解读。每季度开展解读。
二、加强平台建设
政府网站要加强内容建设。
这一段是上一项的第二段。
各乡镇、各部门要抓好落实。
版权所有：某某县人民政府 ICP备12345号
"""


def test_a_web_page_with_notice_outline_titles_and_closing() -> None:
    plan = parse_prose(make_source_lines(WEB_PAGE.split("\n"), SETTINGS.frontmatter), "inline.txt", SETTINGS)
    assert [t.number for t in plan.tasks] == ["1.", "2．", "（二）", "二、"]
    first, second, third, fourth = plan.tasks
    assert [s.label for s in first.sections] == ["一、推进决策公开", "（一）深化预公开"]
    assert (first.title, first.text) == ("扩大参与", "扩大参与。重大决策要公开征求意见。年底前完成。")
    assert second.title is None
    assert [s.label for s in third.sections] == ["一、推进决策公开"]
    assert fourth.text == "加强平台建设\n政府网站要加强内容建设。\n这一段是上一项的第二段。"
    assert plan.closing == "各乡镇、各部门要抓好落实。"
    front = plan.front
    assert front.doc_number == "某政办〔2020〕5号"
    assert front.notice_title == "某某县人民政府办公室关于印发《某某县2020年政务公开工作要点》的通知"
    assert (front.issuer, front.issue_date, front.publish_date) == ("某某县人民政府办公室", "2020年3月1日", "2020-03-02")
    assert front.title == "某某县2020年政务公开工作要点"
    assert plan.preamble == "今年全县政务公开工作的总体要求是：坚持以人民为中心。"
    categories = {line.line_no: line.category for line in plan.lines}
    assert [categories[n] for n in (1, 2, 3, 4, 6, 11, 12, 13, 15, 21, 22)] == [
        "navigation",
        "navigation",
        "navigation",
        "notice",
        "notice",
        "title",
        "preamble",
        "heading",
        "task",
        "closing",
        "footer",
    ]


def test_prose_without_numbered_items_after_the_title_fails_loudly() -> None:
    with pytest.raises(PlanParseError, match=r"inline\.txt: no numbered heading"):
        parse_prose(make_source_lines(["某某县2020年政务公开工作要点", "只有一段话。"], SETTINGS.frontmatter), "inline.txt", SETTINGS)


def test_a_short_task_naming_a_year_and_a_plan_kind_is_not_taken_for_the_title() -> None:
    # Found by the national benchmark: the last title-like line in the document was a task
    # (year + 实施方案, under 60 characters), and every task before it became front matter.
    text = "\n".join([
        "某某县2024年政务公开工作要点",
        "一、推进决策公开",
        "（一）扩大公众参与。重大决策要公开征求意见。",
        "（二）做好政策解读。每季度开展解读。",
        "二、加强平台建设",
        "（一）2024年底前出台政府网站建设实施方案。",
        "（二）推进政务新媒体规范发展。",
    ])  # fmt: skip
    plan = parse_prose(make_source_lines(text.split("\n"), SETTINGS.frontmatter), "inline.txt", SETTINGS)
    assert plan.front.title == "某某县2024年政务公开工作要点"
    assert [t.number for t in plan.tasks] == ["（一）", "（二）", "（一）", "（二）"]
    assert {line.category for line in plan.lines if line.line_no > 1} <= {"heading", "task"}
