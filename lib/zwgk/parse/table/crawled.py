"""A task table crawled onto one line: its cell boundaries are lost, its rows are found by their numbers."""

from __future__ import annotations

import re
from dataclasses import replace

from zwgk.parse.agencies import looks_like_agency_list
from zwgk.parse.parsed import AgencyCell, ParsedPlan, SourceLine
from zwgk.parse.prose import parse_prose
from zwgk.schema import ROLES
from zwgk.settings import NumberingStyle, ParserSettings


def parse_lost_cell_table(lines: list[SourceLine], path: str, settings: ParserSettings) -> ParsedPlan:
    """Parse a table crawled onto one line, whose cell boundaries are lost.

    Its rows were cut at their numbers (`split_long_lines`); each row is read as a numbered
    item, and the agency list after the row's last sentence (“…材料。 区政府办”) becomes an
    agency cell with the role of the agency column the header names (责任单位 → responsible).
    """
    row_style = NumberingStyle("row", settings.layout.lines.row_number_start)
    row_settings = replace(settings, layout=replace(settings.layout, numbering=(*settings.layout.numbering, row_style)))
    parsed = parse_prose(lines, path, row_settings)
    role = "responsible"
    if parsed.front.title and re.search(r"\s", parsed.front.title):
        title, *header = parsed.front.title.split()
        parsed.front.title = title
        roles = [h.role for word in header for h in settings.layout.header_roles if h.pattern.search(word) and h.role in ROLES]
        role = roles[0] if roles else role
    ends = settings.layout.lines.sentence_end + "。"
    for task in parsed.tasks:
        cut = max(task.text.rfind(char) for char in ends) + 1
        tail = task.text[cut:].strip()
        if cut and tail and looks_like_agency_list(tail, settings.agencies):
            task.agency_cells.append(AgencyCell(role, tail))
            task.text = task.text[:cut]
            if task.body_start >= len(task.text):  # its one sentence was read as a title only because of the tail
                task.title, task.body_start = None, 0
    return parsed
