"""The issuing notice around a plan: its title forms, its own document number, issuer, date, and what they say about the plan."""

from __future__ import annotations

from pathlib import Path

import pytest

from zwgk.parse.dispatch import parse_plan_bytes
from zwgk.parse.frontmatter import infer_plan_identity
from zwgk.settings import get_default_settings

BODY = """一、推进决策公开
（一）公开重大决策草案，征求意见不少于30日。
（二）公开会议议定事项，会后5个工作日内发布。
二、加强平台建设
（一）整合政务新媒体，关停长期不更新的账号。
"""


def _front(text: str):
    source = parse_plan_bytes(text.encode("utf-8"), Path("notice.txt"))
    return source.parsed.front, infer_plan_identity(source.parsed.front, get_default_settings().frontmatter)


NOTICES = {
    # issuer with 人民政府办公室, quoted plan title in 《》, own number with a space before 号
    "county": (
        "梅溪县政办发〔2021〕8 号\n\n梅溪县人民政府办公室关于印发《梅溪县2021年政务公开工作要点》的通知\n\n"
        "各乡镇人民政府，县政府各部门：\n根据《国务院办公厅关于印发2021年政务公开工作要点的通知》（国办发〔2021〕12号）要求，"
        "现将《梅溪县2021年政务公开工作要点》印发给你们，请认真落实。\n\n梅溪县人民政府办公室\n2021年5月6日\n\n"
        "梅溪县2021年政务公开工作要点\n\n",
        ("梅溪县政办发〔2021〕8号", "梅溪县人民政府办公室", "2021年5月6日", ("梅溪县",), 2021, "政务公开工作要点"),
    ),
    # a provincial 办公厅, no 《》, a plan title that names no place, 工作主要任务
    "province": (
        "湘政办函〔2019〕40号\n湖南省人民政府办公厅关于印发2019年政务公开工作主要任务的通知\n各市州人民政府，省政府各厅委：\n"
        "经省人民政府同意，现将《2019年政务公开工作主要任务》印发给你们。\n湖南省人民政府办公厅\n2019年6月3日\n"
        "2019年政务公开工作主要任务\n",
        ("湘政办函〔2019〕40号", "湖南省人民政府办公厅", "2019年6月3日", ("湖南省",), 2019, "工作主要任务"),
    ),
    # a 政务公开领导小组办公室, 重点工作任务
    "office": (
        "雁城市政务公开领导小组办公室关于印发2023年政务公开重点工作任务的通知\n各区县政务公开办，市直各单位：\n"
        "现将有关任务印发给你们，请抓好落实。\n雁城市政务公开领导小组办公室\n2023年3月1日\n雁城市2023年政务公开重点工作任务\n",
        (None, "雁城市政务公开领导小组办公室", "2023年3月1日", ("雁城市",), 2023, "政务公开重点工作任务"),
    ),
    # a 管委会 of a zone, 实施方案, and a number only quoted in the body: the notice has none of its own
    "zone": (
        "江苏省苏州工业园区管委会办公室关于印发苏州工业园区2022年政务公开工作实施方案的通知\n园区各部门：\n"
        "按照《江苏省人民政府办公厅关于印发2022年江苏省政务公开工作要点的通知》（苏政办发〔2022〕20号）要求，制定本方案。\n"
        "江苏省苏州工业园区管委会办公室\n2022年4月2日\n苏州工业园区2022年政务公开工作实施方案\n",
        (None, "江苏省苏州工业园区管委会办公室", "2022年4月2日", ("苏州工业园区", "江苏省苏州工业园区"), 2022, "实施方案"),
    ),
}


@pytest.mark.parametrize("form", NOTICES)
def test_notice_forms_give_number_issuer_date_place_year_and_kind(form: str) -> None:
    text, (doc_number, issuer, date, places, year, kind) = NOTICES[form]
    front, identity = _front(text + BODY)
    assert (front.doc_number, front.issuer, front.issue_date) == (doc_number, issuer, date)
    assert "关于印发" in front.notice_title and front.notice_title.endswith("的通知")
    assert (identity.places, identity.year, identity.kind) == (places, year, kind)


def test_a_number_quoted_in_the_body_is_never_the_notices_own() -> None:
    front, _ = _front(NOTICES["county"][0].replace("梅溪县政办发〔2021〕8 号\n", "") + BODY)
    assert front.doc_number is None
    assert front.notice_title == "梅溪县人民政府办公室关于印发《梅溪县2021年政务公开工作要点》的通知"  # not the body's sentence


def test_a_notice_title_split_by_a_crawler_is_joined() -> None:
    text = "梅溪县人民政府办公室关于印发\n《\n梅溪县\n2020\n年政务公开工作要点》的通知\n梅溪县人民政府办公室\n2020年4月1日\n梅溪县2020年政务公开工作要点\n"
    front, identity = _front(text + BODY)
    assert front.notice_title == "梅溪县人民政府办公室关于印发《梅溪县2020年政务公开工作要点》的通知"
    assert (identity.places, identity.year) == (("梅溪县",), 2020)


def test_without_a_plan_title_the_notice_still_says_who_and_when() -> None:
    text = "国务院办公厅关于印发2018年政务公开工作要点的通知\n各省、自治区、直辖市人民政府：\n《\n2018\n年政务公开工作要点》印发给你们。\n"
    front, identity = _front(text + BODY)
    assert front.title is None and front.notice_title == "国务院办公厅关于印发2018年政务公开工作要点的通知"
    assert (identity.places, identity.year, identity.kind) == (("国务院",), 2018, "政务公开工作要点")
