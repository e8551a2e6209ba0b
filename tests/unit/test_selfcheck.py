"""The self-check after every parse: silent on good parses, loud on each kind of wrong parse.

Every plan here is written for the test; each broken one carries exactly the mark one check looks for.
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from zwgk.parse.dispatch import parse_plan_bytes
from zwgk.parse.parsed import AgencyCell, ParsedPlan, ParsedTask, PlanFrontMatter, Section, SourceLine
from zwgk.parse.selfcheck import check_parsed_plan, parse_number_value
from zwgk.paths import CONFIG_DIR
from zwgk.schema import CHECK_FINDING_KINDS
from zwgk.settings import SettingsError, get_default_settings, load_parser_settings

GOOD_PROSE = """测试甲市2020年政务公开工作要点
一、推进决策公开
（一）深化预公开。进一步推进重大决策预公开，广泛听取公众意见。
（二）做好解读。每季度开展一次政策解读活动，提升解读质量。
二、加强平台建设
（一）办好政府网站。加强内容建设，提升服务水平。
（二）推进数据开放。年底前上线公共数据开放平台。
"""

GOOD_TABLE = """测试乙县2020年政务公开工作要点

\t序号
\t工作任务
\t具体要求
\t牵头单位
\t责任单位

\t1
\t一、推进决策公开
\t推进重大决策预公开，广泛听取公众意见。
\t县政府办公室
\t各乡镇

\t2
\t二、做好政策解读
\t每季度开展一次政策解读活动。
\t县司法局
\t县各有关部门
"""


REFERENCE_DIR = Path("/work/shared/reference")  # the State Council's own plans (see its README.md)


def _findings(text: str) -> list:
    return parse_plan_bytes(text.encode(), "plan.txt").parsed.findings


def _kinds(text: str) -> set[str]:
    return {finding.kind for finding in _findings(text)}


@pytest.mark.parametrize("text", [GOOD_PROSE, GOOD_TABLE])
def test_silent_on_well_formed_plans(text: str) -> None:
    assert _findings(text) == []


@pytest.mark.parametrize("year", [2017, 2018, 2019, 2021, 2022])
def test_silent_on_the_state_council_plans(year: int) -> None:
    path = REFERENCE_DIR / f"national_{year}.txt"
    if not path.is_file():
        pytest.skip(f"{path} is not on this machine")
    assert parse_plan_bytes(path.read_bytes(), path).parsed.findings == []


AGENCIES_FIRST = """测试丙县2020年政务公开工作要点

\t工作任务
\t牵头单位
\t责任单位
\t工作要求

\t一、推进决策公开
\t县政府办公室
\t各乡镇
\t推进重大决策预公开，广泛听取公众意见。

\t二、做好政策解读
\t县司法局
\t县各有关部门
\t每季度开展一次政策解读活动。
"""


def test_agencies_before_the_content_parse_right_and_the_check_stays_silent() -> None:
    parsed = parse_plan_bytes(AGENCIES_FIRST.encode(), "plan.txt").parsed
    assert parsed.findings == []
    assert [[cell.text for cell in task.agency_cells] for task in parsed.tasks] == [
        ["县政府办公室", "各乡镇"],
        ["县司法局", "县各有关部门"],
    ]


def test_agencies_read_as_sections_are_loud(tmp_path: Path) -> None:
    """A config that has lost its agency header synonyms reads the agency columns as sections: the check says so."""
    config = tmp_path / "config"
    shutil.copytree(CONFIG_DIR, config)
    layout = (config / "layout.yaml").read_text(encoding="utf-8")
    kept = [line for line in layout.split("\n") if not line.startswith(("  - {role: lead,", "  - {role: responsible,"))]
    (config / "layout.yaml").write_text("\n".join(kept), encoding="utf-8")
    parsed = parse_plan_bytes(AGENCIES_FIRST.encode(), "plan.txt", load_parser_settings(config)).parsed
    kinds = [finding.kind for finding in parsed.findings]
    assert "few_agencies" in kinds
    assert kinds.count("section_agency_list") == 4
    few = next(f for f in parsed.findings if f.kind == "few_agencies")
    assert few.line == 4 and "0 of 2 tasks" in few.message
    # each finding is also a warning naming file and line
    assert "plan.txt, line 4: the table header names an agency column" in "\n".join(parsed.warnings)


def _plan(tasks: list[ParsedTask], lines: list[SourceLine]) -> ParsedPlan:
    return ParsedPlan("table_tab", lines, PlanFrontMatter(), tasks)


def test_a_built_misparse_with_agency_sections_is_loud() -> None:
    """The old reader's failure built directly: agencies as the section, the content lost its agencies."""
    lines = [SourceLine(1, "\t序号\t工作任务\t牵头单位", "序号工作任务牵头单位", category="table_header")]
    section = Section("", "市发改委、市财政局")
    for no in range(2, 6):
        lines.append(SourceLine(no, f"\t推进第{no - 1}项公开。", f"推进第{no - 1}项公开。", category="task", task_seq=no - 1))
    tasks = [ParsedTask(seq, (section,), str(seq), None, f"推进第{seq}项公开。", seq + 1, seq + 1) for seq in range(1, 5)]
    tasks[0].agency_cells.append(AgencyCell("lead", "市发改委"))
    findings = check_parsed_plan(_plan(tasks, lines), "plan.txt", get_default_settings())
    assert [(f.kind, f.line) for f in findings] == [("few_agencies", 1), ("section_agency_list", 2)]


def test_sentence_as_section_title_is_loud() -> None:
    text = GOOD_PROSE.replace("二、加强平台建设", "二、加强平台建设，各地各部门要办好政府网站，提升服务水平。")
    findings = _findings(text)
    assert [(f.kind, f.line) for f in findings] == [("section_sentence", 5)]


def test_task_text_starting_with_a_number_is_loud() -> None:
    text = GOOD_PROSE.replace("（二）做好解读。", "（二）1.做好解读。")
    findings = _findings(text)
    assert [(f.kind, f.line) for f in findings] == [("task_numbered", 4)]
    assert "1." in findings[0].message


def test_run_together_agency_is_loud() -> None:
    text = GOOD_TABLE.replace("\t县司法局", "\t县司法局县行政审批局")
    findings = _findings(text)
    assert [(f.kind, f.line) for f in findings] == [("agency_run_together", 18)]
    assert "县司法局 + 县行政审批局" in findings[0].message


@pytest.mark.parametrize("name", ["苏州市市场监管局", "县委县政府督查室", "市住房城乡建设局", "区行政审批局"])
def test_single_agencies_are_not_run_together(name: str) -> None:
    assert _findings(GOOD_TABLE.replace("\t县司法局", f"\t{name}")) == []


def test_skipped_numbering_is_loud() -> None:
    text = GOOD_PROSE.replace("（二）做好解读。", "（四）做好解读。")
    findings = _findings(text)
    assert [(f.kind, f.line) for f in findings] == [("numbering_gap", 4)]
    assert "（四） follows （一）" in findings[0].message


def test_restarted_numbering_is_loud() -> None:
    text = """测试丁市2020年政务公开工作要点
一、推进决策公开
1.深化预公开。进一步推进重大决策预公开。
2.做好解读。每季度开展一次政策解读活动。
1.办好政府网站。加强内容建设，提升服务水平。
"""
    assert [(f.kind, f.line) for f in _findings(text)] == [("numbering_gap", 5)]


def test_numbering_straight_through_sections_is_silent() -> None:
    """（一）…（四） counted on across sections (as some State Council plans do) is not a gap."""
    text = GOOD_PROSE.replace("二、加强平台建设\n（一）办好", "二、加强平台建设\n（三）办好").replace("（二）推进数据", "（四）推进数据")
    assert _findings(text) == []


def test_most_text_outside_tasks_is_loud() -> None:
    preamble = "".join(f"为深入贯彻落实国家和省关于全面推进政务公开工作的部署要求（第{n}段），进一步提升政务公开水平。\n" for n in range(6))
    text = GOOD_PROSE.replace("一、推进决策公开", preamble + "一、推进决策公开")
    findings = _findings(text)
    assert [(f.kind, f.line) for f in findings] == [("low_task_share", 1)]
    assert "lines 1-8" in findings[0].message


def test_every_kind_is_an_enumerated_kind() -> None:
    text = GOOD_PROSE.replace("（二）做好解读。", "（四）1.做好解读。")
    assert _kinds(text) <= set(CHECK_FINDING_KINDS) and len(_kinds(text)) == 2


def test_thresholds_come_from_the_settings() -> None:
    settings = get_default_settings()
    strict = dataclasses.replace(settings, selfcheck=dataclasses.replace(settings.selfcheck, min_task_char_share=0.99))
    parsed = parse_plan_bytes(GOOD_PROSE.encode(), "plan.txt", strict).parsed
    assert [f.kind for f in parsed.findings] == ["low_task_share"]


@pytest.mark.parametrize(
    ("number", "value"), [("（十二）", 12), ("二十一、", 21), ("3.", 3), ("(１５)", 15), ("④", 4), ("一百零五、", 105), ("十、", 10)]
)
def test_number_values(number: str, value: int) -> None:
    assert parse_number_value(number) == value


@pytest.mark.parametrize(
    ("edit", "key", "problem"),
    [
        (("min_task_char_share: 0.4", "min_task_char_share: 4"), "min_task_char_share", "between 0 and 1"),
        (("agency_joint_min_part_chars: 3", "agency_joint_min_part_chars: 3\nsurplus: 1"), "surplus", "unknown key"),
        (("agency_column_header: '牵头|责任|配合|协办|主办'", "agency_column_header: '牵头('"), "agency_column_header", "regular"),
    ],
)
def test_a_malformed_selfcheck_file_names_file_and_key(tmp_path: Path, edit: tuple[str, str], key: str, problem: str) -> None:
    config = tmp_path / "config"
    shutil.copytree(CONFIG_DIR, config)
    text = (config / "selfcheck.yaml").read_text(encoding="utf-8")
    assert edit[0] in text
    (config / "selfcheck.yaml").write_text(text.replace(*edit), encoding="utf-8")
    with pytest.raises(SettingsError, match=rf"selfcheck\.yaml: key '{key}': .*{problem}"):
        load_parser_settings(config)


def test_every_line_duplicated_is_loud() -> None:
    """A crawl that saved every line twice (blank lines between or not) is reported once per kind, at the first repeat."""
    for gap in ("", "\n"):
        text = "".join(f"{line}\n{gap}{line}\n{gap}" for line in GOOD_PROSE.splitlines())
        findings = {f.kind: f for f in _findings(text)}
        assert {"duplicated_lines", "duplicated_tasks"} <= set(findings)
        first = 3 if gap else 2
        assert findings["duplicated_lines"].line == first
        assert findings["duplicated_lines"].message.startswith(
            f"7 lines repeat the line before them word for word (the first: line {first}"
        )


def test_a_plan_saved_twice_in_a_row_is_loud() -> None:
    findings = [f for f in _findings(GOOD_PROSE + GOOD_PROSE) if f.kind == "duplicated_tasks"]
    assert len(findings) == 1 and findings[0].line == 10
    assert "repeat an earlier task's text under the same section (the first: task （一） at line 10 repeats line 3" in findings[0].message


def test_the_same_task_text_in_another_section_and_short_repeated_lines_are_silent() -> None:
    text = GOOD_PROSE.replace(
        "（二）推进数据开放。年底前上线公共数据开放平台。", "（二）做好解读。每季度开展一次政策解读活动，提升解读质量。"
    )
    assert _findings(text) == []
    assert _findings(GOOD_PROSE + "附件\n附件\n") == []  # shorter than duplicate_line_min_chars


def test_the_duplicate_thresholds_come_from_the_config(tmp_path: Path) -> None:
    config = tmp_path / "config"
    shutil.copytree(CONFIG_DIR, config)
    path = config / "selfcheck.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("duplicated_lines_min: 2", "duplicated_lines_min: 1"), encoding="utf-8")
    text = GOOD_PROSE.replace("二、加强平台建设\n", "二、加强平台建设\n二、加强平台建设\n")
    assert "duplicated_lines" not in {f.kind for f in _findings(text)}
    parsed = parse_plan_bytes(text.encode(), "plan.txt", load_parser_settings(config)).parsed
    assert [(f.kind, f.line) for f in parsed.findings if f.kind == "duplicated_lines"] == [("duplicated_lines", 6)]
