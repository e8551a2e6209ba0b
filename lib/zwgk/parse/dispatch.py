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
from zwgk.parse.numbering import match_number
from zwgk.parse.parsed import ParsedPlan, SourceLine
from zwgk.parse.prose import parse_prose
from zwgk.parse.selfcheck import check_parsed_plan
from zwgk.parse.table import parse_table
from zwgk.settings import ParserSettings, get_default_settings

PARSERS: dict[str, Callable[[list[SourceLine], str, ParserSettings], ParsedPlan]] = {  # one parser per layout in zwgk.schema.LAYOUTS
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


def detect_layout(lines: list[SourceLine], path: str, settings: ParserSettings) -> str:
    """Return the layout of a plan from its lines, or raise `PlanParseError`."""
    content = [line for line in lines if line.raw.strip()]
    tab_lines = sum(line.raw.startswith("\t") for line in content)
    if content and tab_lines / len(content) >= settings.layout.table_min_tab_line_share:
        return "table_tab"
    numbered = [line for line in content if match_number(line.text, settings.layout.numbering)]
    if len(numbered) >= _MIN_NUMBERED_LINES:
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
    lines = make_source_lines(decoded.lines, settings.frontmatter)
    layout = detect_layout(lines, str(path), settings)
    parsed = PARSERS[layout](lines, str(path), settings)
    if not parsed.tasks:
        raise PlanParseError(path, f"read as {layout} but no task was found")
    parsed.warnings[:0] = decoded.warnings
    parsed.findings = check_parsed_plan(parsed, str(path), settings)
    parsed.warnings.extend(finding.warning for finding in parsed.findings)
    return PlanSource(decoded, parsed)
