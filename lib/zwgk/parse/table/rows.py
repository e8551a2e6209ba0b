"""Read a task table's rows into tasks, as a reader would.

Rows are assembled from blocks (a blank line inside a row, pieces of a row that lost its
cells), each row is aligned to the columns (`align`), and the columns' rules say what an
empty cell means (``layout.yaml: column_fill_down``): a section column keeps its heading
until a new one (``outline``), an agency column takes the cell above within the same
section (``section``, as a vertically merged cell would), others stay empty (``none``).
A leading number in a task's text cell becomes its number, a short opening sentence its
title; an agency cell holding one agency per paragraph is split into those agencies.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from zwgk.parse.agencies import looks_like_agency_list
from zwgk.parse.numbering import NumberingHierarchy, NumberMatch, match_number
from zwgk.parse.parsed import AgencyCell, ParsedTask, Section, SourceLine
from zwgk.parse.table.align import SEQ_NUMBER, align_row, is_content_like
from zwgk.parse.table.cells import Cell, Row, is_tab_line, make_fragment_row, read_cells
from zwgk.parse.table.header import Header, expand_columns, normalise_header_text
from zwgk.parse.titles import split_title_sentence
from zwgk.schema import ROLES
from zwgk.settings import ParserSettings


@dataclass
class Columns:
    """One role per data column, and where each numbering style's sections sit."""

    roles: list[str]
    style_columns: dict[str, int] = field(default_factory=dict)

    def first(self, role: str) -> int | None:
        """The first column of ``role``, or None."""
        return self.roles.index(role) if role in self.roles else None

    def of_roles(self, roles: tuple[str, ...]) -> list[int]:
        """The columns holding one of ``roles``, in order."""
        return [i for i, role in enumerate(self.roles) if role in roles]


@dataclass
class _Filled:
    """A task's cells after the fill-down rules: per column its text, role and whether it came from above."""

    texts: list[str]
    roles: list[str]
    inherited: list[bool]


class TableReader:
    """Reads the rows after the header into tasks, keeping the state a reader keeps."""

    def __init__(self, header: Header, path: str, settings: ParserSettings) -> None:
        self.header = header
        self.path = path
        self.settings = settings
        self.warnings: list[str] = []
        self.tasks: list[ParsedTask] = []
        self.filled: list[_Filled] = []
        self.current_sections: list[Section | None] = []
        self.row_headings: list[tuple[int, Section]] = []  # (level, heading) of rows spanning the table
        self.heading_levels = NumberingHierarchy()
        self.columns = Columns([])

    # ---- assembling rows -------------------------------------------------------------
    def assemble_rows(self, blocks: list[list[SourceLine]]) -> tuple[list[Row], list[SourceLine]]:
        """Return the table's rows and the lines after the table (its closing)."""
        is_header = [self._is_repeated_header(block) for block in blocks]
        width = max(
            (len(read_cells(b, self.settings)) for b, h in zip(blocks, is_header, strict=True) if b and is_tab_line(b[0]) and not h),
            default=0,
        )
        rows: list[Row] = []
        fragment: list[SourceLine] = []
        last_tab_block = max((i for i, b in enumerate(blocks) if any(is_tab_line(x) for x in b)), default=-1)
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

    def _assemble_block(self, block: list[SourceLine], rows: list[Row], fragment: list[SourceLine], width: int) -> list[SourceLine]:
        first_tab = next((i for i, line in enumerate(block) if is_tab_line(line)), None)
        if first_tab == 0:
            cells = read_cells(block, self.settings)
            if fragment and self.header.roles[0] == "seq" and not SEQ_NUMBER.match(cells[0].text):
                return fragment + block  # more pieces of a damaged row
            self._flush_fragment(rows, fragment)
            rows.append(Row(cells))
            return []
        loose, rest = block[: first_tab or len(block)], block[first_tab or len(block) :]
        if rest and rows and not fragment and len(rows[-1].cells) < width:
            read_cells(block, self.settings, rows[-1].cells)  # a blank line split this row
            return []
        fragment = fragment + loose
        if rest:
            self._flush_fragment(rows, fragment)
            rows.append(Row(read_cells(rest, self.settings)))
            return []
        return fragment

    def _flush_fragment(self, rows: list[Row], fragment: list[SourceLine]) -> None:
        if fragment:
            rows.append(make_fragment_row(fragment, self.settings))
            fragment.clear()

    def _is_repeated_header(self, block: list[SourceLine]) -> bool:
        """A header row repeated after a page break (either row of a two-row header)."""
        if not block or not is_tab_line(block[0]):
            return False
        texts = [normalise_header_text(cell.text) for cell in read_cells(block, self.settings)]
        return texts in self.header.row_texts

    # ---- columns -------------------------------------------------------------------
    def set_columns(self, rows: list[Row], header_line: int) -> None:
        """Decide one role per data column from the header and the rows' widths and contents."""
        width = max((len(row.cells) for row in rows if not row.is_fragment), default=0)
        roles, problem = expand_columns(self.header.roles, width)
        if problem:
            self.warnings.append(f"{self.path}, line {header_line}: {problem}; the extra cells join the last column")
        self.columns = Columns(roles)
        self._decide_title_column(rows)
        self._learn_style_columns(rows)

    def _decide_title_column(self, rows: list[Row]) -> None:
        """A section column just before the text that names each task on its own row is a title column.

        Sections are merged over several rows (their cells are empty below the first) and
        numbered; a short task name beside every task's text is its title (not a list of agencies).
        """
        content = self.columns.first("content")
        if content is None or content == 0 or self.columns.roles[content - 1] != "section":
            return
        column = content - 1
        full = [row.cells for row in rows if not row.is_fragment and len(row.cells) == len(self.columns.roles) and row.cells[content].text]
        named = [cells[column].text for cells in full if cells[column].text]
        if not full or len(named) < self.settings.layout.title_column_min_share * len(full):
            return
        if sum(self._number(text) is not None for text in named) * 2 > len(named):
            return
        if sum(looks_like_agency_list(text, self.settings.agencies) for text in named) * 2 > len(named):
            return  # agency names are no task titles
        self.columns.roles[column] = "title"

    def _learn_style_columns(self, rows: list[Row]) -> None:
        """Learn which section column each numbering style sits in.

        Full-width rows say it directly. A style never seen in one (a level whose rows all
        lost cells) goes one column below the style that first appeared before it.
        """
        sections = self.columns.of_roles(("section",))
        order: list[str] = []
        for row in rows:
            full = len(row.cells) == len(self.columns.roles) and not row.is_fragment
            for index, cell in enumerate(row.cells):
                if full and index not in sections:
                    continue
                found = self._number(cell.text) if cell.text and not is_content_like(cell.text, self.settings) else None
                if found is None:
                    continue
                if found.style not in order:
                    order.append(found.style)
                if full:
                    self.columns.style_columns.setdefault(found.style, index)
        styles = self.columns.style_columns
        for previous, style in itertools.pairwise(order):
            if style not in styles and previous in styles:
                later = [c for c in sections if c > styles[previous]]
                styles[style] = later[0] if later else styles[previous]

    # ---- reading rows ----------------------------------------------------------------
    def read_rows(self, rows: list[Row]) -> None:
        """Turn every row into a task, a heading, or a kept-and-flagged fragment."""
        self.current_sections = [None] * len(self.columns.of_roles(("section",)))
        for index, row in enumerate(rows):
            if row.is_fragment:
                self._read_fragment(row, rows[index + 1 :])
                continue
            placed = self._place(row)
            self._update_sections(placed)
            if self._has_task(placed):
                self._add_task(placed, row)
                continue
            self._read_row_heading(placed)
            for line in row.lines:
                if line.category != "blank":
                    line.place("heading")
        self._check_last_row(rows)

    def _place(self, row: Row) -> list[Cell | None]:
        roles = self.columns.roles
        if len(row.cells) > len(roles):
            self._warn(row, f"{len(row.cells)} cells, more than the table's {len(roles)} columns; the extra text joins the last")
            cells = row.cells[: len(roles)]
            for extra in row.cells[len(roles) :]:
                cells[-1].extend(extra)
            return list(cells)
        placed = align_row(row.cells, roles, self.columns.style_columns, self.settings)
        if len(row.cells) < len(roles):
            self._span_agency_cell(placed, row)
        return placed

    def _span_agency_cell(self, placed: list[Cell | None], row: Row) -> None:
        """A narrow row's last cell is its only agency cell and the other agency columns are missing:
        one cell merged across all of them (lead and responsible)."""
        agency = self.columns.of_roles(ROLES)
        filled = [c for c in agency if placed[c] is not None]
        if len(agency) < 2 or len(filled) != 1 or placed[filled[0]] is not row.cells[-1]:
            return
        if agency != list(range(agency[0], agency[-1] + 1)):
            return  # agency columns apart from each other cannot be one merged cell
        cell = placed[filled[0]]
        for column in agency:
            placed[column] = _SPANNED
        placed[agency[0]] = _SpanningCell(cell)  # type: ignore[arg-type]

    def _has_task(self, placed: list[Cell | None]) -> bool:
        content = self.columns.first("content")
        if content is not None and placed[content] is not None and placed[content].text:
            return True
        keyed = self.columns.of_roles((*ROLES, "seq"))
        return any(placed[c] is not None and placed[c].text for c in keyed)

    def _read_fragment(self, row: Row, following: list[Row]) -> None:
        """A piece of a row that lost its cell structure in extraction: keep it and flag it."""
        cell = row.cells[0]
        placed: list[Cell | None] = [None] * len(self.columns.roles)
        seq_text = self._infer_missing_number(following)
        seq_column = self.columns.first("seq")
        if seq_text and seq_column is not None:
            placed[seq_column] = Cell([seq_text], [])
        agency = self.columns.of_roles(ROLES)
        if agency and looks_like_agency_list(cell.text, self.settings.agencies):
            placed[agency[0]] = _SpanningCell(cell) if len(agency) > 1 else cell
            for column in agency[1:]:
                placed[column] = _SPANNED
            what = "its agencies survive but its task text was lost"
        else:
            placed[self.columns.first("content") or 0] = cell
            what = "its text is kept as the task text"
        self._warn(row, f"a table row lost its cell structure in extraction ({what}); kept as a task and flagged")
        self._add_task(placed, row)

    def _infer_missing_number(self, following: list[Row]) -> str | None:
        if self.columns.first("seq") is None or not self.tasks:
            return None
        previous = self.tasks[-1].number
        upcoming = next((r.cells[0].text for r in following if not r.is_fragment and r.cells and SEQ_NUMBER.match(r.cells[0].text)), None)
        if previous and previous.isdigit() and upcoming and int(upcoming) == int(previous) + 2:
            return str(int(previous) + 1)
        return None

    def _read_row_heading(self, placed: list[Cell | None]) -> None:
        """A row whose one cell is a heading outside the section columns spans the table: a section above them."""
        sections = self.columns.of_roles(("section",))
        texts = [(column, cell.text) for column, cell in enumerate(placed) if cell is not None and cell.text]
        if len(texts) != 1 or texts[0][0] in sections or is_content_like(texts[0][1], self.settings):
            return
        found = self._number(texts[0][1])
        level = self.heading_levels.assign_level(found.style if found else "unnumbered")
        heading = Section(found.number, found.rest) if found else Section("", texts[0][1])
        self.row_headings = [(lvl, h) for lvl, h in self.row_headings if lvl < level] + [(level, heading)]
        self.current_sections = [None] * len(self.current_sections)

    def _update_sections(self, placed: list[Cell | None]) -> None:
        for level, column in enumerate(self.columns.of_roles(("section",))):
            cell = placed[column]
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

    # ---- a task ------------------------------------------------------------------------
    def _add_task(self, placed: list[Cell | None], row: Row) -> None:
        seq = len(self.tasks) + 1
        headings = [heading for _, heading in self.row_headings]
        sections = tuple([*headings, *(section for section in self.current_sections if section is not None)])
        filled = self._fill_down(placed, sections)
        task_cells = [cell for column, cell in enumerate(placed) if cell is not None and self.columns.roles[column] != "section"]
        for cell in task_cells:
            for line in cell.lines:
                if line.category != "blank":  # an empty cell's lone tab stays blank
                    line.place("task", seq)
        lines = [line.line_no for cell in task_cells for line in cell.lines] or [line.line_no for line in row.lines]
        number, title, text, body_start = self._read_text_cells(filled)
        content = self.columns.first("content")
        self.tasks.append(
            ParsedTask(
                seq=seq,
                sections=sections,
                number=number,
                title=title,
                text=text,
                line_start=min(lines),
                line_end=max(lines),
                body_start=body_start,
                agency_cells=self._agency_cells(filled),
                deadline_text="".join(filled.texts[c] for c in self.columns.of_roles(("deadline",))),
                note="".join(filled.texts[c] for c in self.columns.of_roles(("note",))),
                is_text_missing=content is None or placed[content] is None or not placed[content].text,
            )
        )
        self.filled.append(filled)

    def _fill_down(self, placed: list[Cell | None], sections: tuple[Section, ...]) -> _Filled:
        """Apply each column's fill-down rule: empty cells of ``section`` columns take the cell above."""
        above = self.filled[-1] if self.filled and self.tasks[-1].sections == sections else None
        filled = _Filled([], [], [])
        for column, cell in enumerate(placed):
            role = self.columns.roles[column]
            text = _cell_text(cell, role, self.settings)
            own_role = "spanned" if cell is _SPANNED else ("lead_and_responsible" if isinstance(cell, _SpanningCell) else role)
            rule = self.settings.layout.column_fill_down[role]
            if not text and cell is not _SPANNED and rule == "section" and above is not None:
                filled.texts.append(above.texts[column])
                filled.roles.append(above.roles[column])
                filled.inherited.append(bool(above.texts[column]))
            else:
                filled.texts.append(text)
                filled.roles.append(own_role)
                filled.inherited.append(False)
        return filled

    def _read_text_cells(self, filled: _Filled) -> tuple[str | None, str | None, str, int]:
        """Return the task's number, title, text and where its body starts in the text."""
        seq, content, title = (self.columns.first(role) for role in ("seq", "content", "title"))
        number = filled.texts[seq] if seq is not None and filled.texts[seq] else None
        text = filled.texts[content] if content is not None else ""
        own = self._number(text) if text else None
        if own is not None and (number is None or _same_number(own, number)) and own.rest:
            number, text = number or own.number, own.rest
        if title is not None:
            return number, filled.texts[title] or None, text, 0
        name, _ = split_title_sentence([text], self.settings.layout.title_sentence_max_chars, needs_body=True)
        return number, name, text, 0  # a table cell's title sentence stays one of its measures

    def _agency_cells(self, filled: _Filled) -> list[AgencyCell]:
        return [
            AgencyCell(filled.roles[column], filled.texts[column], is_inherited=filled.inherited[column])
            for column in self.columns.of_roles(ROLES)
            if filled.roles[column] in ROLES and filled.texts[column]
        ]

    def _check_last_row(self, rows: list[Row]) -> None:
        agency = self.columns.of_roles(ROLES)
        last = rows[-1] if rows else None
        if agency and last is not None and not last.is_fragment:
            placed = self._place(last) if len(last.cells) <= len(self.columns.roles) else None
            if placed is not None and all(placed[c] is None for c in agency):
                self._warn(last, "the last row ends before its agency columns: the file may be truncated")

    def _number(self, text: str) -> NumberMatch | None:
        return match_number(text, self.settings.layout.numbering)

    def _warn(self, row: Row, message: str) -> None:
        self.warnings.append(f"{self.path}, line {row.first_line}: {message}")


class _SpanningCell(Cell):
    """An agency cell merged across the lead and responsible columns."""

    def __init__(self, cell: Cell) -> None:
        super().__init__(cell.parts, cell.lines)


_SPANNED = Cell()  # the columns a spanning cell covers


def _same_number(found: NumberMatch, seq: str) -> bool:
    return "".join(ch for ch in found.number if ch.isdigit()) == seq


def _cell_text(cell: Cell | None, role: str, settings: ParserSettings) -> str:
    if cell is None or cell is _SPANNED:
        return ""
    return join_agency_paragraphs(cell.parts, settings) if role in ROLES else cell.text


def join_agency_paragraphs(parts: list[str], settings: ParserSettings) -> str:
    """Join an agency cell's paragraphs: each is its own agency unless it only continues a name.

    A paragraph continues the one before when that one is not a complete name (it ends with a
    separator, has an open bracket or quote, or lacks an agency ending), or when it does not
    start like a new agency (a jurisdiction prefix, 各/有关…): 市政府 / 办公室 is one agency,
    区经济发展局 / 区行政审批局 are two.
    """
    cfg = settings.agencies
    out = ""
    for part in (p for p in parts if p):
        if out and _is_complete_name(out, settings) and (part[0] in cfg.prefixes or cfg.collective_start.search(part)):
            out += "、"
        out += part
    return out


def _is_complete_name(text: str, settings: ParserSettings) -> bool:
    cfg = settings.agencies
    if text[-1] in cfg.separators:
        return False
    balanced = all(text.count(a) == text.count(b) for a, b in ("（）", "()", "“”", "《》", "【】"))
    last = cfg.open_list_suffix.sub("", text)
    return balanced and bool(cfg.agency_end.search(last))
