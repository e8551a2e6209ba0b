"""The header of a task table: which column holds what, read from the header cells.

Column roles come from the header cells, in whatever order they stand (config
``layout.yaml: header_roles``; whitespace inside a cell is ignored, so 工   作   任   务 is
工作任务). A header may take two rows: a first-row cell such as 责任分工 (``header_groups``)
stands over the cells of a second row (牵头单位 / 配合单位), which take its place. A header
cell may span several data columns (工作任务 over two section levels; 工作任务及要求 over
the section levels and the content): the rows say how many data columns there are, and
`expand_columns` gives the extra ones to the cell that can span.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from zwgk.parse.parsed import SourceLine
from zwgk.parse.table.cells import is_tab_line, read_cells, split_blocks
from zwgk.schema import ROLES
from zwgk.settings import ParserSettings

GROUP = "group"  # a first-row header cell standing over a second header row
_TEXT_ROLES = ("section", "section_content", "title", "content")
_DEFINING_ROLES = (*ROLES, "content", "section_content", GROUP)


@dataclass
class Header:
    """A task table's header: one role per header cell, the cells' texts, and what nothing mapped."""

    roles: list[str]
    texts: list[str]
    blocks: int = 1  # header rows read (1 or 2)
    unknown: list[str] = field(default_factory=list)
    row_texts: list[list[str]] = field(default_factory=list)  # each header row's cells as written, to know it again


def normalise_header_text(text: str) -> str:
    """Header cells are matched with every space removed (工   作   任   务 is 工作任务)."""
    return re.sub(r"\s", "", text)


def match_header_role(text: str, settings: ParserSettings) -> str | None:
    """Return the role of a header cell (first matching synonym in layout.yaml), or None."""
    if settings.layout.header_groups.match(text):
        return GROUP
    for entry in settings.layout.header_roles:
        if entry.pattern.match(text):
            return entry.role
    return None


def _read_header_cells(block: list[SourceLine], settings: ParserSettings) -> tuple[list[str], list[str | None]] | None:
    if not block or not is_tab_line(block[0]):
        return None
    texts = [normalise_header_text(cell.text) for cell in read_cells(block, settings)]
    if len(texts) < 1 or not all(texts):
        return None
    return texts, [match_header_role(text, settings) for text in texts]


def read_header_row(block: list[SourceLine], settings: ParserSettings) -> Header | None:
    """Return the header in ``block`` if it is a task-table header row, else None.

    A header has at least two cells, at least half of them known, one of which names an
    agency, content or spanning column. A cell nothing maps is read by position (a section
    column before the text columns, a note after them) and reported.
    """
    found = _read_header_cells(block, settings)
    if found is None or len(found[0]) < 2:
        return None
    texts, matched = found
    known = [role for role in matched if role is not None]
    if 2 * len(known) < len(texts) or not any(role in _DEFINING_ROLES for role in known):
        return None
    last_text = max((i for i, role in enumerate(matched) if role in _TEXT_ROLES), default=-1)
    roles = [role or ("section" if i < last_text else "note") for i, role in enumerate(matched)]
    return Header(roles, texts, unknown=[text for text, role in zip(texts, matched, strict=True) if role is None], row_texts=[texts])


def _read_subheader(block: list[SourceLine], settings: ParserSettings) -> tuple[list[str], list[str]] | None:
    """The second header row, its roles and texts: every cell a known column role."""
    found = _read_header_cells(block, settings)
    if found is None or not all(role is not None and role != GROUP for role in found[1]):
        return None
    return [str(role) for role in found[1]], found[0]


def merge_subheader(header: Header, sub_roles: list[str], sub_texts: list[str]) -> Header | None:
    """Put a second header row under its group cell (or under the last agency cell if none is a group)."""
    groups = [i for i, role in enumerate(header.roles) if role == GROUP]
    if not groups:
        agency = [i for i, role in enumerate(header.roles) if role in ROLES]
        if not agency or not all(role in ROLES for role in sub_roles):
            return None
        groups = agency[-1:]
    at = groups[0]
    roles = [*header.roles[:at], *sub_roles, *header.roles[at + 1 :]]
    texts = [*header.texts[:at], *(f"{header.texts[at]}/{role}" for role in sub_roles), *header.texts[at + 1 :]]
    return Header(roles, texts, blocks=2, unknown=header.unknown, row_texts=[*header.row_texts, sub_texts])


def find_header(lines: list[SourceLine], settings: ParserSettings) -> tuple[int, Header] | None:
    """Return the index of the header's first line and the header, or None if there is none.

    The header may follow the title without a blank line, so a block is read from its first
    tab line. A group cell with no second header row is read as the agency column it names.
    """
    blocks = split_blocks(lines)
    for number, block in enumerate(blocks):
        first_tab = next((i for i, line in enumerate(block) if is_tab_line(line)), None)
        if first_tab is None:
            continue
        header = read_header_row(block[first_tab:], settings)
        if header is None:
            continue
        sub = _read_subheader(blocks[number + 1], settings) if number + 1 < len(blocks) else None
        merged = merge_subheader(header, *sub) if sub else None
        if merged is not None:
            header = merged
        header.roles = ["lead_and_responsible" if role == GROUP else role for role in header.roles]
        return lines.index(block[first_tab]), header
    return None


def expand_columns(roles: list[str], width: int) -> tuple[list[str], str | None]:
    """Return one role per data column for rows ``width`` cells wide, and a problem if any.

    Extra data columns go to the header cell that can span: a section-and-content cell
    (its section levels, then the content) or else a section cell (more section levels). A
    section-and-content cell that spans nothing is the content. With no content column, the
    last section column holds the text.
    """
    extra = max(width - len(roles), 0)
    problem = None
    if extra:
        at = roles.index("section_content") if "section_content" in roles else (roles.index("section") if "section" in roles else None)
        if at is None:
            problem = f"rows have {width} cells but the header only {len(roles)} columns, none of which can span several"
        else:
            spanned = ["section"] * (extra + 1) if roles[at] == "section" else ["section"] * extra + ["content"]
            roles = [*roles[:at], *spanned, *roles[at + 1 :]]
    roles = ["content" if role == "section_content" else role for role in roles]
    if "content" not in roles and "section" in roles:
        last = max(i for i, role in enumerate(roles) if role == "section")
        roles = [*roles[:last], "content", *roles[last + 1 :]]
    return roles, problem
