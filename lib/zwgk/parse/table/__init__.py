"""Task tables flattened to text: header → columns, rows → cells aligned to columns → tasks.

``cells`` reads blocks of tab lines into cells and rows; ``header`` reads the header into
column roles (any order, two rows, spanning cells); ``align`` places the cells of a
narrower row by what they hold; ``rows`` applies the columns' fill-down rules and builds
the tasks; ``crawled`` reads a table crawled onto one line by its row numbers. What varies
between tables (header synonyms, column rules) is in ``config/layout.yaml``: a new column
order or header wording is a line there, not code.
"""

from __future__ import annotations

from zwgk.errors import PlanParseError
from zwgk.parse.frontmatter import classify_back, classify_front
from zwgk.parse.parsed import ParsedPlan, PlanFrontMatter, SourceLine
from zwgk.parse.table.cells import is_tab_line, split_blocks
from zwgk.parse.table.header import find_header
from zwgk.parse.table.rows import TableReader
from zwgk.settings import ParserSettings


def parse_table(lines: list[SourceLine], path: str, settings: ParserSettings) -> ParsedPlan:
    """Parse cleaned ``lines`` of a tab-flattened task table into tasks."""
    found = find_header(lines, settings)
    if found is None:
        first_tab = next((line.line_no for line in lines if is_tab_line(line)), None)
        raise PlanParseError(path, "tab-separated cells but no task-table header (序号/任务/内容/牵头/责任…) was recognised", first_tab)
    header_index, header = found
    front = PlanFrontMatter()
    preamble = classify_front(lines, header_index, front, settings)
    blocks = split_blocks(lines[header_index:])
    for block in blocks[: header.blocks]:
        for line in block:
            line.place("table_header")
    reader = TableReader(header, path, settings)
    header_line = lines[header_index].line_no
    if header.unknown:
        reader.warnings.append(
            f"{path}, line {header_line}: header cell(s) {'、'.join(header.unknown)} map to no column role in "
            "config/layout.yaml; read by position"
        )
    rows, after = reader.assemble_rows(blocks[header.blocks :])
    if not rows:
        raise PlanParseError(path, "the task table has a header but no rows", header_line)
    reader.set_columns(rows, header_line)
    reader.read_rows(rows)
    closing = classify_back(after, settings.frontmatter)
    return ParsedPlan("table_tab", lines, front, reader.tasks, "\n".join(preamble), "\n".join(closing), reader.warnings)


__all__ = ["parse_table"]
