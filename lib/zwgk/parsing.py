"""Read one raw plan file, recognise its layout and parse it.

Layouts are recognised from the text, never from a file name, jurisdiction or year.
A file that fits no known layout fails loudly with `PlanParseError`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from zwgk.config_files import load_yaml
from zwgk.errors import PlanParseError
from zwgk.frontmatter import clean_lines
from zwgk.model import ParsedPlan, SourceLine
from zwgk.numbering import match_number
from zwgk.prose_parser import parse_prose
from zwgk.reading import DecodedText, decode_plan_bytes
from zwgk.table_parser import parse_table

PARSERS: dict[str, Callable[[list[SourceLine], str], ParsedPlan]] = {
    "table_tab": parse_table,
    "numbered_prose": parse_prose,
}
LAYOUTS = tuple(PARSERS)
_MIN_NUMBERED_LINES = 2


@dataclass
class PlanSource:
    """A parsed plan together with the decoded file it came from."""

    decoded: DecodedText
    parsed: ParsedPlan


def detect_layout(lines: list[SourceLine], path: str) -> str:
    """Return the layout of a plan from its lines, or raise `PlanParseError`."""
    content = [line for line in lines if line.raw.strip()]
    tab_lines = sum(line.raw.startswith("\t") for line in content)
    if content and tab_lines / len(content) >= load_yaml("layout")["table_min_tab_line_share"]:
        return "table_tab"
    numbered = [line for line in content if match_number(line.text)]
    if len(numbered) >= _MIN_NUMBERED_LINES:
        return "numbered_prose"
    raise PlanParseError(
        path,
        "no recognisable plan structure: neither a task table (cells on lines starting with a tab) "
        f"nor numbered headings (一、/（一）/1.); {len(content)} non-blank lines, {tab_lines} tab lines, "
        f"{len(numbered)} numbered lines",
    )


def parse_plan_bytes(data: bytes, path: str | Path) -> PlanSource:
    """Decode and parse one plan; the only error that escapes is `PlanParseError`."""
    decoded = decode_plan_bytes(data, path)
    lines = clean_lines(decoded.lines)
    layout = detect_layout(lines, str(path))
    parsed = PARSERS[layout](lines, str(path))
    if not parsed.tasks:
        raise PlanParseError(path, f"read as {layout} but no task was found")
    parsed.warnings[:0] = decoded.warnings
    return PlanSource(decoded, parsed)


def parse_plan_file(path: str | Path) -> PlanSource:
    """Read ``path`` and parse it (see `parse_plan_bytes`)."""
    return parse_plan_bytes(Path(path).read_bytes(), path)
