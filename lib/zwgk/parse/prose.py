"""Parser for plans written as numbered prose (一、 / （一） / 1. …).

The outline is read from the numbering (`NumberingHierarchy`); every lowest-level item
is a task, the items above it are its sections. A paragraph that opens with a short
title sentence (“提升政策解读质量。…”) keeps it as the task title. Prose plans name no
agencies, so none are invented.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from zwgk.errors import PlanParseError
from zwgk.parse.frontmatter import classify_back, classify_front, find_title_index
from zwgk.parse.numbering import NumberingHierarchy, match_number
from zwgk.parse.parsed import ParsedPlan, ParsedTask, PlanFrontMatter, Section, SourceLine
from zwgk.settings import ParserSettings

MAX_SECTION_LEVELS = 3
_SENTENCE_END = re.compile(r"[。！？]")


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
        _collect_tasks(root, (), _Collected(tasks, warnings, path, settings.layout.title_sentence_max_chars))
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
        last_item_index = max([last_item_index, *_attach_leading_trailing(stack[-1], lines, trailing, settings)])
    return roots, last_item_index


def _attach_paragraphs(stack: list[_Item], lines: list[SourceLine], indexes: list[int]) -> None:
    """Unnumbered paragraphs between items continue the item above them."""
    for index in indexes:
        stack[-1].lines.append(lines[index])
        stack[-1].paragraphs.append(lines[index].text)


def _attach_leading_trailing(last: _Item, lines: list[SourceLine], indexes: list[int], settings: ParserSettings) -> list[int]:
    """Attach to the last item the paragraphs after it that come before the closing.

    Returns the indexes attached. The closing starts at the first paragraph matching
    ``closing_start``; with no match, everything is closing unless the last item is a
    bare heading (a title with no body), which takes the paragraphs as its body.
    """
    starts = [i for i in indexes if any(p.search(lines[i].text) for p in settings.frontmatter.closing_start)]
    if starts:
        body = [i for i in indexes if i < starts[0]]
    else:
        title, body_start = _split_title(last.paragraphs, settings.layout.title_sentence_max_chars)
        is_bare_heading = title is not None and body_start >= len(last.paragraphs[0]) and len(last.paragraphs) == 1
        body = indexes if is_bare_heading else []
    _attach_paragraphs([last], lines, body)
    return body


@dataclass
class _Collected:
    """What collecting tasks from the outline fills in, and what it needs to know."""

    tasks: list[ParsedTask]
    warnings: list[str]
    path: str
    title_max_chars: int


def _collect_tasks(item: _Item, parents: tuple[Section, ...], out: _Collected) -> None:
    tasks, warnings, path = out.tasks, out.warnings, out.path
    if item.children:
        title = _split_title(item.paragraphs, out.title_max_chars)[0] or "".join(item.paragraphs)
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
    text = "\n".join(item.paragraphs)
    title, body_start = _split_title(item.paragraphs, out.title_max_chars)
    tasks.append(
        ParsedTask(
            seq=seq,
            sections=parents,
            number=item.number,
            title=title,
            text=text,
            line_start=item.lines[0].line_no,
            line_end=item.lines[-1].line_no,
            body_start=body_start,
        )
    )


def _split_title(paragraphs: list[str], limit: int) -> tuple[str | None, int]:
    """Return the opening title sentence (without 。) and where the body starts.

    A title is a first sentence of at most ``title_sentence_max_chars`` with no comma,
    followed by more text; a heading with no full stop at all is a title by itself.
    """
    text = paragraphs[0] if paragraphs else ""
    end = _SENTENCE_END.search(text)
    if end is None:
        if len(text) <= limit and not re.search(r"[，,；;]", text):
            return text or None, len(text)
        return None, 0
    first = text[: end.start()]
    if len(first) <= limit and not re.search(r"[，,；;]", first) and (end.end() < len(text) or len(paragraphs) > 1):
        return first, end.end()
    return None, 0
