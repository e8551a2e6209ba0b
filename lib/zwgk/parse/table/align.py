"""Put the cells of a row onto the table's columns.

A row as wide as the table maps cell by cell. A narrower row lost cells to merging or to
extraction; its cells are placed by what they hold: each cell is scored against the kind of
each column (a 序号 number, a numbered heading, task text, an agency list, a time limit),
and the best placement that keeps the cells in the header's order is chosen (a small
dynamic programme). Numbered headings prefer the section column where their numbering
style was seen in full rows. Ties put headings as high as they can go (a row with a level
fewer lacks its lowest level) and other cells to the right (merged cells are on the left).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from zwgk.parse.agencies import looks_like_agency_list
from zwgk.parse.numbering import NumberMatch, match_number
from zwgk.parse.table.cells import Cell
from zwgk.parse.time_expressions import find_deadlines
from zwgk.schema import ROLES
from zwgk.settings import ParserSettings

SEQ_NUMBER = re.compile(r"^\d{1,4}$")
_IMPOSSIBLE = -1e9
_TIE = 1e-3  # prefer placements further right when scores are equal


@dataclass(frozen=True)
class CellKind:
    """What a cell looks like, computed once per cell."""

    is_empty: bool
    is_seq: bool
    number: NumberMatch | None
    is_content: bool
    is_agencies: bool
    is_time: bool


def is_content_like(text: str, settings: ParserSettings) -> bool:
    """Task text rather than a heading: it holds a sentence mark or is long (layout.yaml)."""
    cfg = settings.layout
    return bool(text) and (any(mark in text for mark in cfg.content_markers) or len(text) > cfg.content_min_chars)


def describe_cell(text: str, settings: ParserSettings) -> CellKind:
    """Return what ``text`` looks like to the aligner."""
    if not text:
        return CellKind(True, False, None, False, False, False)
    deadlines = find_deadlines(text, settings.time)
    return CellKind(
        is_empty=False,
        is_seq=bool(SEQ_NUMBER.match(text)),
        number=match_number(text, settings.layout.numbering),
        is_content=is_content_like(text, settings),
        is_agencies=looks_like_agency_list(text, settings.agencies),
        is_time=bool(deadlines) and len("".join(deadlines)) * 2 >= len(text),
    )


def score_cell(kind: CellKind, role: str, style_column: bool) -> float:
    """How well a cell of ``kind`` fits a column of ``role`` (higher is better)."""
    if kind.is_empty:
        return 0.0
    if role == "seq":
        return 3.0 if kind.is_seq else -5.0
    if kind.is_seq:
        return -2.0
    if role in ROLES:
        return 3.0 if kind.is_agencies else (-3.0 if kind.is_content else -1.0)
    if role == "content":
        return 3.0 if kind.is_content and not kind.is_agencies else (-2.0 if kind.is_agencies else 0.0)
    if role == "section":
        if kind.is_content:
            return -3.0
        return (2.0 + style_column) if kind.number else (0.5 if kind.is_agencies else 1.0)
    if role == "title":
        return -2.0 if kind.is_content else 1.0
    if role == "deadline":
        return 2.0 if kind.is_time else -1.0
    return -0.5  # note: anything, but never preferred


def align_cells(kinds: list[CellKind], roles: list[str], style_columns: dict[str, int]) -> list[int]:
    """Return the column of each cell: increasing, maximising the summed scores."""
    n, width = len(kinds), len(roles)
    best = [[_IMPOSSIBLE] * (width + 1) for _ in range(n + 1)]
    choice = [[False] * (width + 1) for _ in range(n + 1)]
    best[0] = [0.0] * (width + 1)
    for i in range(1, n + 1):
        for j in range(i, width + 1):
            kind = kinds[i - 1]
            style = kind.number is not None and style_columns.get(kind.number.style) == j - 1
            tie = -_TIE * j if roles[j - 1] == "section" else _TIE * j
            place = best[i - 1][j - 1] + score_cell(kind, roles[j - 1], style) + tie
            skip = best[i][j - 1]
            best[i][j], choice[i][j] = (place, True) if place >= skip else (skip, False)
    columns = [0] * n
    i, j = n, width
    while i > 0:
        if choice[i][j]:
            columns[i - 1] = j - 1
            i -= 1
        j -= 1
    return columns


def align_row(cells: list[Cell], roles: list[str], style_columns: dict[str, int], settings: ParserSettings) -> list[Cell | None]:
    """Return one entry per column: the row's cell placed there, or None where the row has none."""
    if len(cells) == len(roles):
        return list(cells)
    placed: list[Cell | None] = [None] * len(roles)
    if len(cells) > len(roles):
        return placed  # the caller reports and keeps the surplus
    kinds = [describe_cell(cell.text, settings) for cell in cells]
    for cell, column in zip(cells, align_cells(kinds, roles, style_columns), strict=True):
        placed[column] = cell
    return placed
