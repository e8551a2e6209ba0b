"""The State Council's own plans (2017-2022), as a crawler saved them: task counts counted by
hand (shared/reference/README.md), the 2017 responsibility tags as agencies with roles, and
an outline that numbers itself consistently."""

from __future__ import annotations

from collections import Counter

import pytest

from zwgk.ingest.manifest import ManifestEntry
from zwgk.parse.dispatch import PlanSource, parse_plan_bytes
from zwgk.parse.lines import read_number_value
from zwgk.paths import REPO_DIR
from zwgk.processed.rows import PlanRows, build_plan_rows
from zwgk.settings import get_default_settings

REFERENCE_DIR = REPO_DIR.parent / "shared" / "reference"
pytestmark = pytest.mark.skipif(not REFERENCE_DIR.is_dir(), reason=f"the State Council reference plans are not at {REFERENCE_DIR}")

# tasks per top-level section, counted by hand
HAND_COUNTS = {
    2017: [4, 4, 3, 4, 3, 4],
    2018: [4, 3, 4, 5],
    2019: [3, 3, 4, 4, 4],
    2021: [4, 3, 3, 3, 3],
    2022: [3, 3, 4, 4, 3],
}


def _read(year: int) -> tuple[PlanSource, PlanRows]:
    path = REFERENCE_DIR / f"national_{year}.txt"
    source = parse_plan_bytes(path.read_bytes(), path, get_default_settings())
    entry = ManifestEntry(2, path.name, f"national-{year}", {}, source.decoded.sha256, "reference")
    return source, build_plan_rows(entry, source, get_default_settings())


@pytest.mark.parametrize("year", sorted(HAND_COUNTS))
def test_each_plan_has_its_hand_count_of_tasks_per_section(year: int) -> None:
    source, _ = _read(year)
    tasks = source.parsed.tasks
    per_section = Counter(task.sections[0].label for task in tasks)
    assert [per_section[label] for label in dict.fromkeys(task.sections[0].label for task in tasks)] == HAND_COUNTS[year]
    assert source.parsed.warnings == []
    assert source.parsed.front.title == f"{year}年政务公开工作要点"


@pytest.mark.parametrize("year", sorted(HAND_COUNTS))
def test_the_outline_is_self_consistent(year: int) -> None:
    tasks = _read(year)[0].parsed.tasks
    sections = list(dict.fromkeys(task.sections[0].number for task in tasks))
    assert [read_number_value(number) for number in sections] == list(range(1, len(sections) + 1))
    numbers = [read_number_value(task.number or "") for task in tasks]
    straight = numbers == list(range(1, len(tasks) + 1))
    restarting = all(
        [read_number_value(t.number or "") for t in tasks if t.sections[0].number == section] == list(range(1, count + 1))
        for section, count in zip(sections, HAND_COUNTS[year], strict=True)
    )
    assert straight or restarting
    assert all(task.title and task.text.startswith(task.title) for task in tasks)
    assert all(task.text.count("\n") >= 1 for task in tasks)  # a heading line and its text


def test_a_heading_line_takes_its_text_line_even_at_the_end() -> None:
    source, _ = _read(2022)
    last = source.parsed.tasks[-1]
    assert (last.number, last.title) == ("（十七）", "认真抓好工作落实")
    assert last.text.split("\n")[1].startswith("各政府信息公开工作主管部门要对照本要点")
    assert source.parsed.closing == ""


def test_2017_tags_become_agencies_with_roles() -> None:
    source, rows = _read(2017)
    by_task: dict[str, list[tuple[str, str]]] = {}
    for row in rows.agencies:
        by_task.setdefault(row["task_id"], []).append((row["role"], row["agency_name"]))
    assert by_task["national-2017-t001"][:5] == [
        ("lead", "国家发展改革委"),
        ("lead", "人力资源社会保障部"),
        ("lead", "财政部"),
        ("lead", "人民银行"),
        ("lead", "国家统计局"),
    ]
    assert by_task["national-2017-t005"] == [("responsible", "各地区"), ("responsible", "国务院有关部门")]
    assert ("lead", "审计署") in by_task["national-2017-t001"]
    tagged = {task.seq for task in source.parsed.tasks if task.agency_cells}
    assert tagged == set(range(1, 19))  # section 六 names no agencies
    assert not any("牵头落实" in row["text"] or "负责落实" in row["text"] for row in rows.measures)
    assert not any("牵头落实" in row["task_text"] for row in rows.tasks)


def test_2017_split_lines_are_rejoined_and_still_accounted() -> None:
    source, rows = _read(2017)
    fourth = source.parsed.tasks[3]
    assert fourth.title == "推进政府和社会资本合作（PPP）项目信息公开"
    assert source.parsed.front.issue_date == "2017年3月9日"
    assert source.parsed.front.notice_title == "国务院办公厅关于印发2017年政务公开工作要点的通知"
    raw_lines = (REFERENCE_DIR / "national_2017.txt").read_text(encoding="utf-8").split("\n")
    assert [row["line_no"] for row in rows.source_lines] == list(range(1, len(raw_lines) + 1))
    lines_of_fourth = [row["line_no"] for row in rows.source_lines if row["task_id"] == "national-2017-t004"]
    assert (fourth.line_start, fourth.line_end) == (min(lines_of_fourth), max(lines_of_fourth))
    assert all(row["category"] != "unplaced" for row in rows.source_lines)
