"""Read one raw plan file, recognise its layout and parse it.

Layouts are recognised from the text, never from a file name, jurisdiction or year.
A file that fits no known layout fails loudly with `PlanParseError`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from zwgk.errors import PlanParseError
from zwgk.ingest.decoding import DecodedText, decode_plan_bytes
from zwgk.parse.frontmatter import make_source_lines
from zwgk.parse.lines import rejoin_fragments, split_long_lines
from zwgk.parse.numbering import match_number
from zwgk.parse.parsed import ParsedPlan, SourceLine
from zwgk.parse.prose import parse_prose
from zwgk.parse.selfcheck import check_parsed_plan
from zwgk.parse.table import parse_table
from zwgk.parse.table.crawled import parse_lost_cell_table
from zwgk.settings import ParserSettings, get_default_settings, get_input_limits

PARSERS: dict[str, Callable[[list[SourceLine], str, ParserSettings], ParsedPlan]] = {  # one parser per layout in zwgk.schema.LAYOUTS
    "table_tab": parse_table,
    "numbered_prose": parse_prose,
}
LAYOUTS = tuple(PARSERS)


@dataclass
class PlanSource:
    """A parsed plan together with the decoded file it came from."""

    decoded: DecodedText
    parsed: ParsedPlan


def detect_layout(lines: list[SourceLine], path: str, settings: ParserSettings) -> str:
    """Return the layout of a plan from its lines, or raise `PlanParseError`."""
    content = [line for line in lines if line.raw.strip()]
    tab_lines = sum(line.raw.startswith("\t") for line in content)
    if content and tab_lines / len(content) >= settings.layout.table_min_tab_line_share:
        return "table_tab"
    numbered = [line for line in content if match_number(line.text, settings.layout.numbering)]
    if len(numbered) >= settings.layout.prose_min_numbered_lines:
        return "numbered_prose"
    raise PlanParseError(
        path,
        "no recognisable plan structure: neither a task table (cells on lines starting with a tab) "
        f"nor numbered headings (一、/（一）/1.); {len(content)} non-blank lines, {tab_lines} tab lines, "
        f"{len(numbered)} numbered lines",
    )


def parse_plan_bytes(data: bytes, path: str | Path, settings: ParserSettings | None = None) -> PlanSource:
    """Decode and parse one plan; the only error that escapes is `PlanParseError`.

    Every parse is self-checked (`zwgk.parse.selfcheck`): what looks wrong is in
    ``parsed.findings`` and, as warnings naming file and line, in ``parsed.warnings``.

    ``settings`` are the parser's data files (default: the shipped ones, `get_default_settings`).
    """
    settings = settings or get_default_settings()
    styles = settings.layout.numbering
    decoded = decode_plan_bytes(data, path, starts_item=lambda text: match_number(text, styles) is not None)
    lines, split_warnings, lost_cells = split_long_lines(make_source_lines(decoded.lines, settings.frontmatter), str(path), settings)
    if lost_cells:
        layout, heads = "numbered_prose", lines
        parsed = parse_lost_cell_table(lines, str(path), settings)
    else:
        layout = detect_layout(lines, str(path), settings)
        heads = rejoin_fragments(lines, settings, is_table=layout == "table_tab")
        parsed = PARSERS[layout](heads, str(path), settings)
    if not parsed.tasks:
        raise PlanParseError(path, f"read as {layout} but no task was found")
    limit = get_input_limits().max_tasks
    if len(parsed.tasks) > limit:
        found = f"read as {layout} with {len(parsed.tasks):,} tasks"
        raise PlanParseError(path, f"{found}, more than the {limit:,} a plan may have (config/limits.yaml): is it a plan?")
    parsed.lines = lines
    _cover_joined_lines(parsed, heads)
    parsed.warnings[:0] = [*decoded.warnings, *split_warnings]
    parsed.findings = check_parsed_plan(parsed, str(path), settings)
    parsed.warnings.extend(finding.warning for finding in parsed.findings)
    return PlanSource(decoded, parsed)


def _cover_joined_lines(parsed: ParsedPlan, heads: list[SourceLine]) -> None:
    """Extend each task's line span over the raw lines joined into its lines."""
    by_seq = {task.seq: task for task in parsed.tasks}
    for head in heads:
        task = by_seq.get(head.task_seq) if head.task_seq else None
        if task is not None and head.joined:
            task.line_end = max(task.line_end, head.last_line_no)
