"""Parser for plans written as numbered prose (一、 / （一） / 1. …).

The outline is read from the numbering (`NumberingHierarchy`); every lowest-level item
is a task, the items above it are its sections. A paragraph that opens with a short
title sentence (“提升政策解读质量。…”) keeps it as the task title. Agencies are read only
where the plan names them: a labelled line after the item (责任单位：… / 牵头单位：… 配合单位：…)
or a bracketed tag closing a paragraph (（X牵头，Y参与）); both leave the task text (so
measures and themes do not count them) while their lines stay placed in the task.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from zwgk.errors import PlanParseError
from zwgk.parse.agencies import parse_agency_cell
from zwgk.parse.frontmatter import classify_back, classify_front, find_title_index
from zwgk.parse.numbering import NumberingHierarchy, match_number
from zwgk.parse.parsed import AgencyCell, ParsedPlan, ParsedTask, PlanFrontMatter, Section, SourceLine
from zwgk.parse.titles import split_title_sentence
from zwgk.settings import ParserSettings

MAX_SECTION_LEVELS = 3


@dataclass
class _Item:
    level: int
    number: str
    lines: list[SourceLine]
    paragraphs: list[str]
    children: list[_Item] = field(default_factory=list)


def find_prose_body_start(lines: list[SourceLine], settings: ParserSettings, after: int = 0) -> int | None:
    """Return the index of the first numbered line at or after ``after``, or None."""
    for index in range(after, len(lines)):
        if lines[index].text and match_number(lines[index].text, settings.layout.numbering):
            return index
    return None


def parse_prose(lines: list[SourceLine], path: str, settings: ParserSettings) -> ParsedPlan:
    """Parse cleaned ``lines`` of a numbered-prose plan into tasks."""
    front = PlanFrontMatter()
    title_index = find_title_index(lines, len(lines), settings)
    start = find_prose_body_start(lines, settings, (title_index or -1) + 1)
    if start is None:
        raise PlanParseError(path, "no numbered heading (一、/（一）/1.) after the plan title")
    preamble = classify_front(lines, start, front, settings)
    roots, last_numbered = _read_items(lines, start, settings)
    closing = classify_back(lines[last_numbered + 1 :], settings.frontmatter)
    tasks: list[ParsedTask] = []
    warnings: list[str] = []
    for root in roots:
        _collect_tasks(root, (), _Collected(tasks, warnings, path, settings))
    return ParsedPlan("numbered_prose", lines, front, tasks, "\n".join(preamble), "\n".join(closing), warnings)


def _read_items(lines: list[SourceLine], start: int, settings: ParserSettings) -> tuple[list[_Item], int]:
    """Build the outline of numbered items; return the roots and the last item line index."""
    hierarchy = NumberingHierarchy()
    stack: list[_Item] = []
    roots: list[_Item] = []
    last_item_index = start
    trailing: list[int] = []  # unnumbered lines since the last item; after the last one: closing
    for index in range(start, len(lines)):
        line = lines[index]
        if not line.text:
            continue
        found = match_number(line.text, settings.layout.numbering)
        if found is None:
            trailing.append(index)
            continue
        _attach_paragraphs(stack, lines, trailing)
        trailing = []
        level = hierarchy.assign_level(found.style)
        item = _Item(level, found.number, [line], [found.rest])
        while stack and stack[-1].level >= level:
            stack.pop()
        (stack[-1].children if stack else roots).append(item)
        stack.append(item)
        last_item_index = index
    if stack:
        headings_alone = _headings_stand_alone(roots, stack[-1], settings)
        last_item_index = max([last_item_index, *_attach_leading_trailing(stack[-1], lines, trailing, settings, headings_alone)])
    return roots, last_item_index


def _headings_stand_alone(roots: list[_Item], last: _Item, settings: ParserSettings) -> bool:
    """Whether the plan writes each item as a heading line followed by its text (most items do)."""
    leaves: list[_Item] = []
    pending = list(roots)
    while pending:
        item = pending.pop()
        (pending.extend(item.children) if item.children else leaves.append(item))
    others = [item for item in leaves if item is not last]
    alone = sum(
        len(item.paragraphs) > 1 and _is_bare_heading(_Item(item.level, item.number, [], item.paragraphs[:1]), settings) for item in others
    )
    return bool(others) and alone * 2 > len(others)


def _attach_paragraphs(stack: list[_Item], lines: list[SourceLine], indexes: list[int]) -> None:
    """Unnumbered paragraphs between items continue the item above them."""
    for index in indexes:
        stack[-1].lines.append(lines[index])
        stack[-1].paragraphs.append(lines[index].text)


def _attach_leading_trailing(
    last: _Item, lines: list[SourceLine], indexes: list[int], settings: ParserSettings, headings_alone: bool
) -> list[int]:
    """Attach to the last item the paragraphs after it that come before the closing.

    Returns the indexes attached. The closing starts at the first paragraph matching
    ``closing_start``; with no match, everything is closing unless the last item is a
    bare heading (a title with no body), which takes the paragraphs as its body. In a plan
    whose items are heading lines followed by their text (``headings_alone``), a bare last
    heading takes the next paragraph even when it reads like a closing.
    """
    starts = [i for i in indexes if any(p.search(lines[i].text) for p in settings.frontmatter.closing_start)]
    if starts:
        body = [i for i in indexes if i < starts[0]]
    else:
        title, body_start = split_title_sentence(last.paragraphs, settings.layout.title_sentence_max_chars)
        is_unended_heading = title is not None and body_start >= len(last.paragraphs[0]) and len(last.paragraphs) == 1
        body = indexes if is_unended_heading or (headings_alone and _is_bare_heading(last, settings)) else []
    if not body and indexes and headings_alone and _is_bare_heading(last, settings):
        body = indexes[:1]  # a heading on its own line takes the next paragraph as its text, whatever it says
    labelled = 0
    while labelled < len(indexes) and _read_labelled_agencies(lines[indexes[labelled]].text, settings):
        labelled += 1  # 责任单位：… lines name the agencies of the item above them
    body = sorted({*body, *indexes[:labelled]})
    _attach_paragraphs([last], lines, body)
    return body


def _is_bare_heading(item: _Item, settings: ParserSettings) -> bool:
    """An item that is only a short title (（十七）认真抓好工作落实。), its text still to come."""
    if len(item.paragraphs) != 1:
        return False
    text = item.paragraphs[0].rstrip("。")
    return len(text) <= settings.layout.title_sentence_max_chars and not re.search(r"[，,；;。！？]", text)


@dataclass
class _Collected:
    """What collecting tasks from the outline fills in, and what it needs to know."""

    tasks: list[ParsedTask]
    warnings: list[str]
    path: str
    settings: ParserSettings

    @property
    def title_max_chars(self) -> int:
        """Longest opening sentence still read as the item's title."""
        return self.settings.layout.title_sentence_max_chars


def _collect_tasks(item: _Item, parents: tuple[Section, ...], out: _Collected) -> None:
    tasks, warnings, path = out.tasks, out.warnings, out.path
    if item.children:
        title = split_title_sentence(item.paragraphs, out.title_max_chars)[0] or "".join(item.paragraphs)
        section = Section(item.number, title)
        for line in item.lines:
            line.place("heading")
        extra = "".join(item.paragraphs)[len(title) :].strip("。 ")
        if extra:
            warnings.append(
                f"{path}, line {item.lines[0].line_no}: section {item.number} has text beyond its title; "
                "kept as section text, not as a task"
            )
        if len(parents) >= MAX_SECTION_LEVELS:
            raise PlanParseError(path, f"numbering nested deeper than {MAX_SECTION_LEVELS + 1} levels", item.lines[0].line_no)
        for child in item.children:
            _collect_tasks(child, (*parents, section), out)
        return
    seq = len(tasks) + 1
    for line in item.lines:
        line.place("task", seq)
    paragraphs, agency_cells = read_prose_agencies(item.paragraphs, out.settings)
    text = "\n".join(paragraphs)
    title, body_start = split_title_sentence(paragraphs, out.title_max_chars)
    tasks.append(
        ParsedTask(
            seq=seq,
            sections=parents,
            number=item.number,
            title=title,
            text=text,
            line_start=item.lines[0].line_no,
            line_end=item.lines[-1].last_line_no,
            body_start=body_start,
            agency_cells=agency_cells,
        )
    )


def read_prose_agencies(paragraphs: list[str], settings: ParserSettings) -> tuple[list[str], list[AgencyCell]]:
    """Take the agencies a prose item names out of its paragraphs; return the rest and the cells.

    A paragraph starting with an agency label (``agency_labels``: 责任单位： …, several may
    share a line) is all agencies. A bracketed tag closing a paragraph (``agency_tag``) is
    agencies only if every name in it ends like an agency (agencies.yaml ``agency_end``), so
    （试行） or （以下简称…） stay in the text; its own role markers (牵头/负责/参与/配合) give
    the roles, else ``agency_tag_default_role``.
    """
    kept: list[str] = []
    cells: list[AgencyCell] = []
    for paragraph in paragraphs:
        labelled = _read_labelled_agencies(paragraph, settings)
        if labelled:
            cells.extend(labelled)
            continue
        paragraph = _take_agency_tags(paragraph, cells, settings)
        if paragraph:
            kept.append(paragraph)
    return kept, cells


def _take_agency_tags(paragraph: str, cells: list[AgencyCell], settings: ParserSettings) -> str:
    """Move the agency tags of ``paragraph`` into ``cells``; return the paragraph without them.

    A tag counts where it closes the paragraph or follows a sentence end (a crawler may run
    the next sentence onto the tag's line); a bracket inside a sentence is text.
    """
    layout = settings.layout
    ends = layout.lines.sentence_end
    pieces, start = [], 0
    for tag in layout.agency_tag.finditer(paragraph):
        closes = not paragraph[tag.end() :].strip(ends + " \u3000")
        after_sentence = tag.start() > 0 and paragraph[tag.start() - 1] in ends
        if (closes or after_sentence) and _names_agencies(tag.group("agencies"), layout.agency_tag_default_role, settings):
            cells.append(AgencyCell(layout.agency_tag_default_role, tag.group("agencies")))
            pieces.append(paragraph[start : tag.start()])
            start = tag.end()
    pieces.append(paragraph[start:])
    return "".join(pieces).strip() if len(pieces) > 1 else paragraph


def _read_labelled_agencies(paragraph: str, settings: ParserSettings) -> list[AgencyCell]:
    """Read 责任单位：… / 牵头单位：… 配合单位：… when the paragraph starts with such a label."""
    found = sorted(
        (
            (match.start(), match.end(), label.role)
            for label in settings.layout.agency_labels
            for match in label.pattern.finditer(paragraph)
        ),
    )
    if not found or found[0][0] != 0:
        return []
    cells = []
    for index, (_, end, role) in enumerate(found):
        stop = found[index + 1][0] if index + 1 < len(found) else len(paragraph)
        names = paragraph[end:stop].strip(" \u3000\xa0；;。，,")
        if names:
            cells.append(AgencyCell(role, names))
    return cells


def _names_agencies(text: str, role: str, settings: ParserSettings) -> bool:
    """Whether every name in ``text`` (split as an agency cell) ends like an agency.

    Without a role marker (牵头/负责…) the names must also be of a known agency kind
    (agency_kinds.csv), so that （试行） is never read as an agency.
    """
    cfg = settings.agencies
    mentions = parse_agency_cell(text, role, cfg)
    has_marker = any(mention.name_raw != mention.name for mention in mentions)
    return bool(mentions) and all(
        len(mention.name) <= cfg.max_agency_chars
        and (cfg.agency_end.search(mention.name) or mention.is_collective)
        and (has_marker or mention.kind_id != "other")
        for mention in mentions
    )
