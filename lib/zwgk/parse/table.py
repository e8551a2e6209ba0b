"""Parser for task tables flattened to text.

The flattening (seen in three of the seed plans, and what text extraction from Word
tables commonly gives): every cell is a line starting with a tab, a cell's wrapped text
continues on lines without a tab, rows are separated by blank lines, merged cells are
left empty or missing, and rows repeat their section headings after a page break.

Columns are read from the header row (roles in ``config/layout.yaml``). A header cell may
span several data columns; the number of data columns is the widest row. Rows with fewer
cells are aligned by what their cells hold (content sentences, agency lists, numbered
headings), never by position alone. Empty agency cells inherit from the row above within
the same section, as a vertically merged cell would.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from zwgk.errors import PlanParseError
from zwgk.parse.agencies import looks_like_agency_list
from zwgk.parse.frontmatter import classify_back, classify_front, remove_artefacts
from zwgk.parse.numbering import NumberMatch, match_number
from zwgk.parse.parsed import AgencyCell, ParsedPlan, ParsedTask, PlanFrontMatter, Section, SourceLine
from zwgk.settings import ParserSettings

_AGENCY_ROLES = ("lead", "responsible", "lead_and_responsible", "cooperating")
_TRAILING_ROLES = (*_AGENCY_ROLES, "deadline", "note")
_MIDDLE_ROLES = ("section", "section_content", "content")
_SEQ_NUMBER = re.compile(r"^\d{1,4}$")


@dataclass
class _Cell:
    parts: list[str] = field(default_factory=list)
    lines: list[SourceLine] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(self.parts)


@dataclass
class _Row:
    cells: list[_Cell]
    is_fragment: bool = False

    @property
    def lines(self) -> list[SourceLine]:
        return [line for cell in self.cells for line in cell.lines]


@dataclass
class _Aligned:
    seq: _Cell | None
    sections: list[_Cell | None]
    content: _Cell | None
    trailing: list[tuple[str, _Cell] | None]


@dataclass
class _Columns:
    has_seq: bool
    n_sections: int
    trailing_roles: list[str]
    width: int
    style_columns: dict[str, int] = field(default_factory=dict)


def _is_tab_line(line: SourceLine) -> bool:
    return line.raw.startswith("\t")


def _is_blank(line: SourceLine) -> bool:
    return "\t" not in line.raw and not line.text


def _split_blocks(lines: list[SourceLine]) -> list[list[SourceLine]]:
    blocks: list[list[SourceLine]] = []
    current: list[SourceLine] = []
    for line in lines:
        if _is_blank(line):
            if current:
                blocks.append(current)
            current = []
        else:
            current.append(line)
    if current:
        blocks.append(current)
    return blocks


def _clean_cell(piece: str, settings: ParserSettings) -> str:
    return remove_artefacts(piece, settings.frontmatter).strip(" \t\u3000\xa0")


def _add_lines_to_row(cells: list[_Cell], block: list[SourceLine], settings: ParserSettings) -> None:
    """Tab lines start cells; lines without a tab continue the cell before them."""
    for line in block:
        if _is_tab_line(line):
            for piece in line.raw.split("\t")[1:]:
                cells.append(_Cell([_clean_cell(piece, settings)], [line]))
        elif cells:
            cells[-1].parts.append(line.text)
            cells[-1].lines.append(line)
        else:
            cells.append(_Cell([line.text], [line]))


def _match_header_role(text: str, settings: ParserSettings) -> str | None:
    for entry in settings.layout.header_roles:
        if entry.pattern.match(text):
            return entry.role
    return None


def read_header(block: list[SourceLine], settings: ParserSettings) -> tuple[list[str], list[str]] | None:
    """Return (column roles, header cells no role matched) if ``block`` is a task-table header.

    A header has at least two non-empty cells, at least half of them known, including an
    agency or content column. A cell nothing maps is read by position (a section column
    before the content, a note after it) and reported.
    """
    if not block or not _is_tab_line(block[0]):
        return None
    cells: list[_Cell] = []
    _add_lines_to_row(cells, block, settings)
    texts = [re.sub(r"\s", "", cell.text) for cell in cells]
    if len(texts) < 2 or not all(texts):
        return None
    matched = [_match_header_role(text, settings) for text in texts]
    known = [role for role in matched if role is not None]
    if 2 * len(known) < len(texts) or not any(role in (*_AGENCY_ROLES, "content", "section_content") for role in known):
        return None
    last_middle = max((i for i, role in enumerate(matched) if role in _MIDDLE_ROLES), default=-1)
    roles = [role or ("section" if i < last_middle else "note") for i, role in enumerate(matched)]
    return roles, [text for text, role in zip(texts, matched, strict=True) if role is None]


def header_roles(block: list[SourceLine], settings: ParserSettings) -> list[str] | None:
    """Return the column roles if ``block`` is a task-table header row, else None."""
    found = read_header(block, settings)
    return found[0] if found else None


def find_header(lines: list[SourceLine], settings: ParserSettings) -> tuple[int, list[str], list[str]] | None:
    """Return the header row's first line index, its roles and its unknown cells, or None.

    The header may follow the title without a blank line, so a block is read from its
    first tab line.
    """
    for block in _split_blocks(lines):
        first_tab = next((i for i, line in enumerate(block) if _is_tab_line(line)), None)
        if first_tab is None:
            continue
        found = read_header(block[first_tab:], settings)
        if found is not None:
            return lines.index(block[first_tab]), found[0], found[1]
    return None


class _TableReader:
    """Reads the rows after the header into tasks, keeping the state a reader keeps."""

    def __init__(self, roles: list[str], path: str, settings: ParserSettings) -> None:
        self.settings = settings
        self.roles = roles
        self.path = path
        self.warnings: list[str] = []
        self.tasks: list[ParsedTask] = []
        self.task_trailing: list[list[AgencyCell | None]] = []
        self.current_sections: list[Section | None] = []
        self.columns: _Columns

    # ---- assembling rows -------------------------------------------------------------
    def assemble_rows(self, blocks: list[list[SourceLine]]) -> tuple[list[_Row], list[SourceLine]]:
        """Return the table's rows and the lines after the table (its closing)."""
        is_header = [self._is_repeated_header(block) for block in blocks]  # checked once per block
        width = self._widest_block([block for block, header in zip(blocks, is_header, strict=True) if not header])
        rows: list[_Row] = []
        fragment: list[SourceLine] = []
        last_tab_block = max((i for i, b in enumerate(blocks) if any(_is_tab_line(x) for x in b)), default=-1)
        for index, block in enumerate(blocks):
            if index > last_tab_block:
                self._flush_fragment(rows, fragment)
                return rows, [line for rest in blocks[index:] for line in rest]
            if is_header[index]:
                for line in block:
                    line.place("table_header")
                continue
            fragment = self._assemble_block(block, rows, fragment, width)
        self._flush_fragment(rows, fragment)
        return rows, []

    def _assemble_block(self, block: list[SourceLine], rows: list[_Row], fragment: list[SourceLine], width: int) -> list[SourceLine]:
        first_tab = next((i for i, line in enumerate(block) if _is_tab_line(line)), None)
        if first_tab == 0:
            cells: list[_Cell] = []
            _add_lines_to_row(cells, block, self.settings)
            if fragment and self.roles[0] == "seq" and not _SEQ_NUMBER.match(cells[0].text):
                return fragment + block  # more pieces of a damaged row
            self._flush_fragment(rows, fragment)
            rows.append(_Row(cells))
            return []
        loose, rest = block[: first_tab or len(block)], block[first_tab or len(block) :]
        if rest and rows and not fragment and len(rows[-1].cells) < width:
            _add_lines_to_row(rows[-1].cells, block, self.settings)  # a blank line split this row
            return []
        fragment = fragment + loose
        if rest:
            self._flush_fragment(rows, fragment)
            cells = []
            _add_lines_to_row(cells, rest, self.settings)
            rows.append(_Row(cells))
            return []
        return fragment

    def _flush_fragment(self, rows: list[_Row], fragment: list[SourceLine]) -> None:
        if fragment:
            text = "".join(_clean_cell(line.raw, self.settings) for line in fragment)
            rows.append(_Row([_Cell([text], list(fragment))], is_fragment=True))
            fragment.clear()

    def _widest_block(self, blocks: list[list[SourceLine]]) -> int:
        """Return the most cells in any row block (repeated header rows already left out)."""
        widest = 0
        for block in blocks:
            if block and _is_tab_line(block[0]):
                cells: list[_Cell] = []
                _add_lines_to_row(cells, block, self.settings)
                widest = max(widest, len(cells))
        return widest

    def _is_repeated_header(self, block: list[SourceLine]) -> bool:
        return header_roles(block, self.settings) == self.roles

    # ---- columns -------------------------------------------------------------------
    def set_columns(self, rows: list[_Row], header_line: int) -> None:
        roles = self.roles
        has_seq = roles[0] == "seq"
        middle_end = max(i for i, role in enumerate(roles) if role in _MIDDLE_ROLES) if any(r in _MIDDLE_ROLES for r in roles) else None
        if middle_end is None:
            raise PlanParseError(self.path, "the table header names no task or content column", header_line)
        trailing = [role for role in roles[middle_end + 1 :] if role in _TRAILING_ROLES]
        width = max((len(row.cells) for row in rows if not row.is_fragment), default=0)
        n_middle = width - int(has_seq) - len(trailing)
        if n_middle < 1:
            raise PlanParseError(self.path, f"table rows have at most {width} cells, fewer than the header's columns", header_line)
        self.columns = _Columns(has_seq, n_middle - 1, trailing, width)
        self._learn_style_columns(rows)

    def _learn_style_columns(self, rows: list[_Row]) -> None:
        """Learn which section column each numbering style sits in.

        Full-width rows say it directly. A style never seen in one (a level whose rows all
        lost cells) goes one column below the style that first appeared before it.
        """
        columns = self.columns
        start = int(columns.has_seq)
        order: list[str] = []
        for row in rows:
            full = len(row.cells) == columns.width and not row.is_fragment
            for col, cell in enumerate(row.cells[start:] if not full else row.cells[start : start + columns.n_sections]):
                found = self._number(cell.text) if cell.text and not _is_content_like(cell.text, self.settings) else None
                if found is None:
                    continue
                if found.style not in order:
                    order.append(found.style)
                if full:
                    columns.style_columns.setdefault(found.style, col)
        for previous, style in itertools.pairwise(order):
            if style not in columns.style_columns and previous in columns.style_columns:
                columns.style_columns[style] = min(columns.style_columns[previous] + 1, columns.n_sections - 1)

    # ---- aligning a row ----------------------------------------------------------------
    def align(self, row: _Row) -> _Aligned:
        """Map a row's cells onto the table's columns."""
        columns = self.columns
        cells = list(row.cells)
        if len(cells) == columns.width:
            seq = cells.pop(0) if columns.has_seq else None
            sections = cells[: columns.n_sections]
            content = cells[columns.n_sections]
            trailing_cells = cells[columns.n_sections + 1 :]
            trailing = [(role, cell) for role, cell in zip(columns.trailing_roles, trailing_cells, strict=True)]
            return _Aligned(seq, list(sections), content, list(trailing))
        seq = cells.pop(0) if columns.has_seq and cells and _SEQ_NUMBER.match(cells[0].text) else None
        content_index = next(
            (i for i, cell in enumerate(cells) if _is_content_like(cell.text, self.settings) and not self._is_agency_list(cell.text)),
            None,
        )
        if content_index is None:
            has_agency_columns = bool(columns.trailing_roles)
            if has_agency_columns and any(c.text for c in cells) and all(self._is_agency_list(c.text) for c in cells if c.text):
                return _Aligned(seq, [None] * columns.n_sections, None, self._place_trailing(cells, row))
            return _Aligned(seq, self._place_sections(cells, row), None, [None] * len(columns.trailing_roles))
        return _Aligned(
            seq,
            self._place_sections(cells[:content_index], row),
            cells[content_index],
            self._place_trailing(cells[content_index + 1 :], row),
        )

    def _place_sections(self, cells: list[_Cell], row: _Row) -> list[_Cell | None]:
        """Put section cells in their columns: numbered ones where their style sits."""
        count = self.columns.n_sections
        placed: list[_Cell | None] = [None] * count
        next_col = 0
        for index, cell in enumerate(cells):
            remaining = len(cells) - index - 1
            found = self._number(cell.text) if cell.text else None
            col = self.columns.style_columns.get(found.style) if found else None
            if col is None or col < next_col or col > count - 1 - remaining:
                col = next_col
            if col >= count:
                if count == 0:
                    self._warn(row, "a cell before the content but the table has no section column; reported as unplaced")
                    for line in (line for line in cell.lines if line.category != "blank"):
                        line.place("unplaced", reason="table cell with no column in the header")
                    continue
                self._warn(row, f"more section cells than the table's {count} section columns; the extra text joins the last")
                last = placed[count - 1] or cell
                if last is not cell:
                    last.parts.extend(cell.parts)
                    last.lines.extend(cell.lines)
                placed[count - 1] = last
                continue
            placed[col] = cell
            next_col = col + 1
        return placed

    def _span_agency_columns(self, cell: _Cell) -> list[tuple[str, _Cell] | None] | None:
        """Place one agency cell across all trailing columns, or None if there is no agency column."""
        roles = self.columns.trailing_roles
        agency_roles = [role for role in roles if role in _AGENCY_ROLES]
        if not agency_roles:
            return None
        role = "lead_and_responsible" if len(agency_roles) > 1 else agency_roles[0]
        return [(role, cell)] + [("spanned", _Cell())] * (len(roles) - 1)

    def _place_trailing(self, cells: list[_Cell], row: _Row) -> list[tuple[str, _Cell] | None]:
        roles = self.columns.trailing_roles
        if len(cells) == len(roles):
            return [(role, cell) for role, cell in zip(roles, cells, strict=True)]
        if len(cells) == 1 and sum(role in _AGENCY_ROLES for role in roles) > 1:
            return self._span_agency_columns(cells[0])  # one cell merged across lead and responsible
        if len(cells) > len(roles):
            if not roles:
                self._warn(row, "cells after the content but the header names no column for them; reported as unplaced")
                for line in (line for cell in cells for line in cell.lines if line.category != "blank"):
                    line.place("unplaced", reason="table cell with no column in the header")
                return []
            self._warn(row, f"{len(cells)} cells after the content, more than the {len(roles)} agency columns; extra text joins the last")
            extra = cells[len(roles) :]
            cells = cells[: len(roles)]
            for cell in extra:
                cells[-1].parts.extend(cell.parts)
                cells[-1].lines.extend(cell.lines)
        placed: list[tuple[str, _Cell] | None] = [(role, cell) for role, cell in zip(roles, cells, strict=False)]
        return placed + [None] * (len(roles) - len(placed))

    # ---- reading rows into tasks -------------------------------------------------------------
    def read_rows(self, rows: list[_Row]) -> None:
        self.current_sections = [None] * self.columns.n_sections
        for index, row in enumerate(rows):
            if row.is_fragment:
                self._read_fragment(row, rows[index + 1 :])
                continue
            aligned = self.align(row)
            self._update_sections(aligned.sections)
            has_content = aligned.content is not None and aligned.content.text
            has_agency = any(entry and entry[1].text for entry in aligned.trailing)
            if has_content or has_agency or (aligned.seq and aligned.seq.text):
                self._add_task(aligned, row, is_text_missing=not has_content)
            else:
                for line in row.lines:
                    if line.category != "blank":
                        line.place("heading")
        last = rows[-1] if rows else None
        has_agency_columns = bool(self.columns.trailing_roles)
        if has_agency_columns and last is not None and not last.is_fragment and all(e is None for e in self.align(last).trailing):
            self._warn(last, "the last row ends before its agency columns: the file may be truncated")

    def _read_fragment(self, row: _Row, following: list[_Row]) -> None:
        """A piece of a row that lost its cell structure in extraction: keep it and flag it."""
        cell = row.cells[0]
        seq_text = self._infer_missing_number(following)
        seq = _Cell([seq_text], []) if seq_text else None
        spanning = self._span_agency_columns(cell) if self._is_agency_list(cell.text) else None
        if spanning is not None:
            aligned = _Aligned(seq, [None] * self.columns.n_sections, None, spanning)
            what = "its agencies survive but its task text was lost"
        else:
            aligned = _Aligned(seq, [None] * self.columns.n_sections, cell, [None] * len(self.columns.trailing_roles))
            what = "its text is kept as the task text"
        self._warn(row, f"a table row lost its cell structure in extraction ({what}); kept as a task and flagged")
        self._add_task(aligned, row, is_text_missing=aligned.content is None)

    def _infer_missing_number(self, following: list[_Row]) -> str | None:
        if not self.columns.has_seq or not self.tasks:
            return None
        previous = self.tasks[-1].number
        upcoming = next((r.cells[0].text for r in following if not r.is_fragment and r.cells and _SEQ_NUMBER.match(r.cells[0].text)), None)
        if previous and previous.isdigit() and upcoming and int(upcoming) == int(previous) + 2:
            return str(int(previous) + 1)
        return None

    def _update_sections(self, cells: list[_Cell | None]) -> None:
        for level, cell in enumerate(cells):
            if cell is None or not cell.text:
                continue
            found = self._number(cell.text)
            section = Section(found.number, found.rest) if found else Section("", cell.text)
            if self.current_sections[level] != section:
                self.current_sections[level] = section
                for deeper in range(level + 1, len(self.current_sections)):
                    self.current_sections[deeper] = None
            for line in cell.lines:
                line.place("heading")

    def _add_task(self, aligned: _Aligned, row: _Row, is_text_missing: bool) -> None:
        seq = len(self.tasks) + 1
        sections = tuple(section for section in self.current_sections if section is not None)
        trailing = self._inherit_agencies(aligned.trailing, sections)
        task_cells = [aligned.seq, aligned.content] + [entry[1] for entry in aligned.trailing if entry]
        for cell in task_cells:
            for line in cell.lines if cell else []:
                if line.category != "blank":  # an empty cell's lone tab stays blank
                    line.place("task", seq)
        lines = [line.line_no for cell in task_cells if cell for line in cell.lines] or [line.line_no for line in row.lines]
        content = aligned.content.text if aligned.content else ""
        task = ParsedTask(
            seq=seq,
            sections=sections,
            number=aligned.seq.text if aligned.seq and aligned.seq.text else None,
            title=None,
            text=content,
            line_start=min(lines),
            line_end=max(lines),
            agency_cells=[cell for cell in trailing if cell and cell.role in _AGENCY_ROLES and cell.text],
            deadline_text="".join(cell.text for cell in trailing if cell and cell.role == "deadline"),
            note="".join(cell.text for cell in trailing if cell and cell.role == "note"),
            is_text_missing=is_text_missing,
        )
        self.tasks.append(task)
        self.task_trailing.append(trailing)

    def _inherit_agencies(self, trailing: list[tuple[str, _Cell] | None], sections: tuple[Section, ...]) -> list[AgencyCell | None]:
        """Empty agency cells take the cell above within the same section (merged cells)."""
        previous = self.task_trailing[-1] if self.task_trailing and self.tasks[-1].sections == sections else None
        out: list[AgencyCell | None] = []
        for col, entry in enumerate(trailing):
            if entry is not None and entry[0] == "spanned":
                out.append(AgencyCell("spanned", ""))
            elif entry is not None and entry[1].text:
                out.append(AgencyCell(entry[0], entry[1].text))
            elif previous is not None and previous[col] is not None and previous[col].role != "deadline":
                above = previous[col]
                out.append(AgencyCell(above.role, above.text, is_inherited=bool(above.text)))
            else:
                out.append(None)
        return out

    def _number(self, text: str) -> NumberMatch | None:
        return match_number(text, self.settings.layout.numbering)

    def _is_agency_list(self, text: str) -> bool:
        return looks_like_agency_list(text, self.settings.agencies)

    def _warn(self, row: _Row, message: str) -> None:
        first = row.lines[0].line_no if row.lines else "?"
        self.warnings.append(f"{self.path}, line {first}: {message}")


def _is_content_like(text: str, settings: ParserSettings) -> bool:
    cfg = settings.layout
    return bool(text) and (any(mark in text for mark in cfg.content_markers) or len(text) > cfg.content_min_chars)


def parse_table(lines: list[SourceLine], path: str, settings: ParserSettings) -> ParsedPlan:
    """Parse cleaned ``lines`` of a tab-flattened task table into tasks."""
    found = find_header(lines, settings)
    if found is None:
        first_tab = next((line.line_no for line in lines if _is_tab_line(line)), None)
        raise PlanParseError(path, "tab-separated cells but no task-table header (序号/任务/内容/牵头/责任…) was recognised", first_tab)
    header_index, roles, unknown = found
    front = PlanFrontMatter()
    preamble = classify_front(lines, header_index, front, settings)
    blocks = _split_blocks(lines[header_index:])
    for line in blocks[0]:
        line.place("table_header")
    reader = _TableReader(roles, path, settings)
    if unknown:
        reader.warnings.append(
            f"{path}, line {lines[header_index].line_no}: header cell(s) {'、'.join(unknown)} map to no column role in "
            "config/layout.yaml; read by position"
        )
    rows, after = reader.assemble_rows(blocks[1:])
    if not rows:
        raise PlanParseError(path, "the task table has a header but no rows", lines[header_index].line_no)
    reader.set_columns(rows, lines[header_index].line_no)
    reader.read_rows(rows)
    closing = classify_back(after, settings.frontmatter)
    return ParsedPlan("table_tab", lines, front, reader.tasks, "\n".join(preamble), "\n".join(closing), reader.warnings)
