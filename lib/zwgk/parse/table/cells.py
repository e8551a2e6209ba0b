"""Cells and rows of a task table flattened to text.

The flattening (what text extraction from Word tables commonly gives): every cell is a line
starting with a tab, a cell's wrapped text or its next paragraph continues on lines without
a tab, rows are separated by blank lines, merged cells are left empty or missing. A cell
keeps its paragraphs apart, because an agency column may hold one agency per paragraph.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from zwgk.parse.frontmatter import remove_artefacts
from zwgk.parse.parsed import SourceLine
from zwgk.schema import SPACE_CHARS
from zwgk.settings import ParserSettings


@dataclass
class Cell:
    """One table cell: its paragraphs (a wrapped line or a new paragraph each) and source lines."""

    parts: list[str] = field(default_factory=list)
    lines: list[SourceLine] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The cell's text with its paragraphs joined as one (wrapped lines join with nothing)."""
        return "".join(self.parts)

    def extend(self, other: Cell) -> None:
        """Append another cell's text and lines to this one."""
        self.parts.extend(other.parts)
        self.lines.extend(other.lines)


@dataclass
class Row:
    """The cells of one table row; ``is_fragment`` when extraction lost its cell structure."""

    cells: list[Cell]
    is_fragment: bool = False

    @property
    def lines(self) -> list[SourceLine]:
        """Every source line of the row."""
        return [line for cell in self.cells for line in cell.lines]

    @property
    def first_line(self) -> int | str:
        """The row's first line number, for messages."""
        return self.lines[0].line_no if self.lines else "?"


def is_tab_line(line: SourceLine) -> bool:
    """Whether ``line`` starts a cell (its raw text starts with a tab)."""
    return line.raw.startswith("\t")


def is_blank(line: SourceLine) -> bool:
    """A blank line separates rows; a line holding only a tab is an empty cell, not a blank."""
    return "\t" not in line.raw and not line.text


def split_blocks(lines: list[SourceLine]) -> list[list[SourceLine]]:
    """Split ``lines`` into blocks separated by blank lines (one block per row, mostly)."""
    blocks: list[list[SourceLine]] = []
    current: list[SourceLine] = []
    for line in lines:
        if is_blank(line):
            if current:
                blocks.append(current)
            current = []
        else:
            current.append(line)
    if current:
        blocks.append(current)
    return blocks


def clean_cell_text(piece: str, settings: ParserSettings) -> str:
    """Return one cell's text without artefacts and surrounding whitespace."""
    return remove_artefacts(piece, settings.frontmatter).strip(SPACE_CHARS)


def read_cells(block: list[SourceLine], settings: ParserSettings, cells: list[Cell] | None = None) -> list[Cell]:
    """Read a block into cells: tab lines start cells, lines without a tab continue the cell before."""
    cells = [] if cells is None else cells
    for line in block:
        if is_tab_line(line):
            for piece in line.raw.split("\t")[1:]:
                cells.append(Cell([clean_cell_text(piece, settings)], [line]))
        elif cells:
            cells[-1].parts.append(line.text)
            cells[-1].lines.append(line)
        else:
            cells.append(Cell([line.text], [line]))
    return cells


def make_fragment_row(lines: list[SourceLine], settings: ParserSettings) -> Row:
    """A piece of a row that lost its cell structure in extraction: one cell holding its text."""
    text = "".join(clean_cell_text(line.raw, settings) for line in lines)
    return Row([Cell([text], list(lines))], is_fragment=True)
