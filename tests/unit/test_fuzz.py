"""Fuzz the parsers with generated plans: nothing but `PlanParseError` may escape."""

import contextlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zwgk.errors import PlanParseError
from zwgk.parse.dispatch import parse_plan_bytes

PIECES = [
    "某某市2020年政务公开工作要点",
    "一、推进公开",
    "（一）深化预公开",
    "1.做好解读。",
    "(二)加强平台",
    "\t序号",
    "\t工作任务",
    "\t具体要求",
    "\t牵头单位",
    "\t责任单位",
    "\t牵头及责任单位",
    "\t1",
    "\t",
    "\t市财政局牵头，各县负责",
    "\t公开预算信息。",
    "市各有关",
    "部门",
    "",
    "",
    "[bookmark: x]",
    "首页 | 新闻",
    "版权所有",
    "各地要抓好落实。",
    "2020年3月1日",
    "某政办〔2020〕5号",
    "关于印发《某某市2020年政务公开工作要点》的通知",
    "\t\t",
    "①",
    "。。；",
    "\t工作任务及要求",
    "\t目标",
    "\t完成时限",
    "\t备注",
    "\t（一）加强引导",
    "\t1.推进公开",
    "\t年底前",
    "\t12",
    "\t区财政局牵头，各镇（街、区），",
    "区政府各部门负责",
    "\t一、",
    "（三）落实。每季度公开。",
    "\ta\tb\tc",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), max_size=40))
def test_structured_noise_raises_only_parse_errors(pieces: list[str]) -> None:
    try:
        parsed = parse_plan_bytes("\n".join(pieces).encode(), "fuzz.txt").parsed
    except PlanParseError as error:
        assert str(error).startswith("fuzz.txt")
        return
    assert parsed.tasks
    for task in parsed.tasks:
        assert task.line_start <= task.line_end


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_raise_only_parse_errors(data: bytes) -> None:
    with contextlib.suppress(PlanParseError):
        parse_plan_bytes(data, "fuzz.bin")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_raises_only_parse_errors(text: str) -> None:
    with contextlib.suppress(PlanParseError):
        parse_plan_bytes(text.encode("utf-8", "surrogatepass"), "fuzz.txt")
