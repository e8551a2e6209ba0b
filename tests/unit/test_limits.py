"""Huge inputs: refused past the documented limits with an error naming file and line, bounded cost below them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from zwgk.errors import PlanParseError
from zwgk.parse.dispatch import parse_plan_bytes
from zwgk.parse.lines import find_inline_items
from zwgk.paths import CONFIG_DIR
from zwgk.settings import SettingsError, get_default_settings, get_input_limits, load_input_limits

TITLE = "测试甲市2020年政务公开工作要点"


def _plan_line(items: int) -> str:
    """One line holding a whole plan (a page crawled without line breaks)."""
    body = "".join(f"（{n}）做好政策解读工作。进一步推进重大决策预公开，广泛听取公众意见。" for n in range(1, items + 1))
    return f"{TITLE}。一、推进决策公开。{body}二、加强平台建设。（1）办好政府网站。加强内容建设。"


def test_a_file_past_the_size_limit_is_refused_before_it_is_read() -> None:
    limit = get_input_limits().max_file_bytes
    with pytest.raises(PlanParseError) as error:
        parse_plan_bytes(b"x" * (limit + 1), "dump.txt")
    assert error.value.file == "dump.txt" and error.value.line is None
    assert f"more than the {limit:,} a plan may be (config/limits.yaml)" in error.value.reason


def test_a_line_past_the_length_limit_is_refused_naming_its_line() -> None:
    limit = get_input_limits().max_line_chars
    text = f"{TITLE}\n一、推进决策公开\n{'公' * (limit + 1)}\n"
    with pytest.raises(PlanParseError) as error:
        parse_plan_bytes(text.encode(), "long.txt")
    assert error.value.line == 3 and f"more than the {limit:,} a line may have" in error.value.reason


def test_too_many_lines_are_refused() -> None:
    limit = get_input_limits().max_lines
    with pytest.raises(PlanParseError, match=f"more than the {limit:,} a plan may have"):
        parse_plan_bytes((TITLE + "\n" + "一、推进\n" * limit).encode(), "many.txt")


def test_a_long_one_line_plan_is_split_in_linear_time() -> None:
    """Every item of a plan crawled onto one line is found, and the scan reads a short window per place, not the rest of the line."""
    settings = get_default_settings()
    short, long = _plan_line(50), _plan_line(900)
    assert len(find_inline_items(short, settings)) == 50 + 2 + 1
    assert len(find_inline_items(long, settings)) == 900 + 2 + 1
    parsed = parse_plan_bytes(long.encode(), "one-line.txt").parsed
    assert len(parsed.tasks) == 901 and parsed.tasks[-1].text.startswith("办好政府网站")


def test_the_limits_file_is_validated(tmp_path: Path) -> None:
    config = tmp_path / "config"
    shutil.copytree(CONFIG_DIR, config)
    assert load_input_limits(config) == get_input_limits()
    (config / "limits.yaml").write_text((CONFIG_DIR / "limits.yaml").read_text(encoding="utf-8").replace("max_lines: ", "max_lines: -"))
    with pytest.raises(SettingsError, match="max_lines"):
        load_input_limits(config)
