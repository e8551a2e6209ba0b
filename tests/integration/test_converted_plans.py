"""A task table printed to PDF by a browser (as government sites do) is read as a table, not prose."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.unit.test_converters import assert_adds_up, plan_accounting
from zwgk.parse.dispatch import parse_plan_bytes

ROWS = [("序号", "工作任务", "具体要求", "牵头单位", "责任单位")] + [
    (
        str(i),
        f"推进第{i}类信息公开" if i % 3 else "",
        f"第{i}项要求：按季度公开相关信息，及时更新网站栏目内容，确保信息准确完整。",
        "县政府办公室",
        "各乡镇",
    )
    for i in range(1, 38)
]


def _print_pdf(html: str, tmp: Path) -> bytes:
    page = tmp / "page.html"
    page.write_text(html, encoding="utf-8")
    subprocess.run(
        ["chromium", "--headless=new", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp / 'profile'}",
         "--no-pdf-header-footer", f"--print-to-pdf={tmp / 'plan.pdf'}", page.as_uri()],
        capture_output=True, timeout=120, check=True,
    )  # fmt: skip
    return (tmp / "plan.pdf").read_bytes()


@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium prints the test PDF; `make test` installs it as root")
def test_a_ruled_task_table_in_a_pdf_keeps_its_rows_and_agencies(tmp_path: Path) -> None:
    cells = "".join("<tr>" + "".join(f"<td style='border:1px solid black'>{cell}</td>" for cell in row) + "</tr>" for row in ROWS)
    html = (
        "<html><body style='font-family: Noto Sans CJK SC'><h2>测试县2024年政务公开工作要点。</h2>"
        f"<table style='border-collapse:collapse'>{cells}</table><p>各乡镇要抓好落实。</p></body></html>"
    )
    data = _print_pdf(html, tmp_path)
    tasks = parse_plan_bytes(data, "plan.pdf").parsed.tasks
    assert len(tasks) == 37  # a table spanning pages, one task per row
    assert all([cell.text for cell in task.agency_cells] == ["县政府办公室", "各乡镇"] for task in tasks)
    assert tasks[36].text == "第37项要求：按季度公开相关信息，及时更新网站栏目内容，确保信息准确完整。"
    plan, _ = plan_accounting(data, "plan.pdf")
    assert_adds_up(plan)
    assert plan["chars_dropped"] == 0 and plan["chars_closing"] > 0
