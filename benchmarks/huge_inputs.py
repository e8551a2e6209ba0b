"""Print how long parsing huge generated plans takes, and how fast a file past the limits is refused (figures, not a timed test).

Run: .venv/bin/python benchmarks/huge_inputs.py [MB]
Target (issue 16): a plan of one 5 MB line and one of 5 MB in many lines parse in seconds
(they took 108 s before), time grows linearly with size, and a file past config/limits.yaml
(a 100 MB text took 306 s and 5.5 GB) is refused at once.
"""

from __future__ import annotations

import resource
import sys
import time

from zwgk.errors import PlanParseError
from zwgk.parse.dispatch import parse_plan_bytes
from zwgk.settings import get_default_settings, get_input_limits

_SECTIONS = "一二三四五六七八九"
_BODY = "进一步推进重大决策预公开，广泛听取公众意见，提升服务水平。" * 3  # a task of about 100 characters, as in real plans


def make_plan(megabytes: float, one_line: bool) -> bytes:
    """Return a numbered plan of about ``megabytes`` of UTF-8: sections 一、… with items （1）… (at most 999 each)."""
    end = "" if one_line else "\n"
    parts, size, section = [f"测试甲市2020年政务公开工作要点{'。' if one_line else ''}{end}"], 0, 0
    while size < megabytes * 1e6:
        section += 1
        parts.append(f"{_SECTIONS[(section - 1) % 9]}、推进决策公开第{section}部分。{end}")
        for item in range(1, 1000):
            text = f"（{item}）做好政策解读工作。{_BODY}责任单位：市政府办公室。{end}"
            parts.append(text)
            size += len(text.encode())
            if size >= megabytes * 1e6:
                break
    return "".join(parts).encode()


def time_parse(data: bytes, name: str) -> str:
    """Parse ``data`` once and return a line of figures (or the error it was refused with)."""
    start = time.perf_counter()
    try:
        tasks = f"{len(parse_plan_bytes(data, name).parsed.tasks):,} tasks"
    except PlanParseError as error:
        tasks = f"refused: {error.reason[:90]}"
    return f"{name:<22} {len(data) / 1e6:6.1f} MB  {time.perf_counter() - start:6.2f} s  {tasks}"


def main() -> None:
    """Time one-line and many-line plans of growing size, then a file past the size limit."""
    get_default_settings()  # loaded once, not timed
    top = float(sys.argv[1]) if len(sys.argv) > 1 else 5.0
    for megabytes in (top / 4, top / 2, top):
        for one_line in (True, False):
            print(time_parse(make_plan(megabytes, one_line), f"{'one line' if one_line else 'many lines'} {megabytes:g} MB"))
    too_big = b"x" * (get_input_limits().max_file_bytes + 1)
    print(time_parse(too_big, "past max_file_bytes"))
    print(f"peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
