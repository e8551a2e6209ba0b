"""Fuzz the parsers with generated plans: nothing but `PlanParseError` may escape, and what
is parsed keeps its structure (line spans inside the file, every line accounted, table cells
in their columns, a silent self-check on well-formed tables)."""

import contextlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zwgk.errors import PlanParseError
from zwgk.parse.dispatch import parse_plan_bytes
from zwgk.parse.parsed import ParsedPlan
from zwgk.schema import CHECK_FINDING_KINDS, LINE_CATEGORIES

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
    assert_structure(parsed)


def assert_structure(parsed: ParsedPlan) -> None:
    """What every parse must keep, whatever its input: spans in the file, every line accounted."""
    n_lines = len(parsed.lines)
    assert [line.line_no for line in parsed.lines] == list(range(1, n_lines + 1))
    seqs = {task.seq for task in parsed.tasks}
    assert [task.seq for task in parsed.tasks] == list(range(1, len(parsed.tasks) + 1))
    for task in parsed.tasks:
        assert 1 <= task.line_start <= task.line_end <= n_lines
    for line in parsed.lines:
        assert line.category in LINE_CATEGORIES
        if line.raw.strip(" \t\u3000\xa0") and line.text:
            assert line.category != "blank", line
        if line.category == "task":
            assert line.task_seq in seqs
            task = parsed.tasks[line.task_seq - 1]
            assert task.line_start <= line.line_no <= task.line_end
    for finding in parsed.findings:
        assert finding.kind in CHECK_FINDING_KINDS and 1 <= finding.line <= n_lines
        assert finding.warning in parsed.warnings


LEADS = ["县政府办公室", "县司法局", "县财政局", "县数据局", "县市场监管局", "县发展改革局"]
RESPONSIBLE = ["各乡镇", "县各有关部门", "各乡镇（街道）", "县教育局、县卫生健康局"]
CONTENTS = [
    "推进重大决策预公开，广泛听取公众意见。",
    "每季度开展一次政策解读活动。",
    "办好政府网站，加强内容建设。",
    "年底前上线公共数据开放平台，推动数据共享。",
    "规范依申请公开工作，按时答复申请人。",
    "加强政务新媒体管理，及时回应社会关切。",
]
SECTIONS = ["推进决策公开", "做好政策解读", "加强平台建设", "回应社会关切", "规范依申请公开"]
CN = "一二三四五六七八九"

# One row: (starts a new section?, content, lead, responsible); agencies may be left empty (merged cells).
ROWS = st.tuples(
    st.booleans(),
    st.sampled_from(CONTENTS),
    st.sampled_from(LEADS),
    st.sampled_from(RESPONSIBLE),
    st.booleans(),
)


def _write_table(rows: list[tuple[bool, str, str, str, bool]]) -> str:
    lines = ["测试戊县2020年政务公开工作要点", "", "\t序号", "\t工作任务", "\t具体要求", "\t牵头单位", "\t责任单位", ""]
    n_sections = 0
    for seq, (new_section, content, lead, responsible, merged) in enumerate(rows, start=1):
        starts = new_section or seq == 1
        n_sections += starts
        section = f"{CN[n_sections - 1]}、{SECTIONS[(n_sections - 1) % len(SECTIONS)]}" if starts else ""
        agencies = ["", ""] if merged and not starts else [lead, responsible]
        lines += [f"\t{seq}", f"\t{section}", f"\t{content}", *(f"\t{cell}" for cell in agencies), ""]
    return "\n".join(lines)


@settings(max_examples=150, deadline=None)
@given(st.lists(ROWS, min_size=3, max_size=9).filter(lambda rows: sum(r[0] for r in rows[1:]) < 8))
def test_generated_tables_keep_their_columns(rows: list[tuple[bool, str, str, str, bool]]) -> None:
    """A well-formed table: one task per row, agency cells never in section titles, a silent self-check.

    At least three rows: in a one-row table the title and header outweigh the task, which the
    self-check rightly reports (low_task_share).
    """
    parsed = parse_plan_bytes(_write_table(rows).encode(), "table.txt").parsed
    assert_structure(parsed)
    assert parsed.layout == "table_tab"
    assert [task.text for task in parsed.tasks] == [row[1] for row in rows]
    assert [task.number for task in parsed.tasks] == [str(seq) for seq in range(1, len(rows) + 1)]
    agency_names = {name for cell in LEADS + RESPONSIBLE for name in cell.split("、")}
    for task in parsed.tasks:
        assert task.agency_cells, task
        for section in task.sections:
            assert not any(name in section.title for name in agency_names), section
            assert section.title in SECTIONS
    # silent, unless the generator repeated a row's content within a section, which the check must report
    assert [f.kind for f in parsed.findings] == (["duplicated_tasks"] if _repeats_in_a_section(rows) else [])


def _repeats_in_a_section(rows: list[tuple[bool, str, str, str, bool]]) -> bool:
    """Whether two rows of one section hold the same content."""
    seen, section = set(), 0
    for seq, (new_section, content, *_) in enumerate(rows, start=1):
        section += new_section or seq == 1
        if (section, content) in seen:
            return True
        seen.add((section, content))
    return False


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
