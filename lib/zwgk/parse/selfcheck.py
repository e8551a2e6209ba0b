"""A self-check after every parse, so that a wrong parse never passes silently.

A parser that meets a layout it was not written for rarely fails: it reads agency cells as
section titles, leaves numbers in task texts or drops most of the plan outside tasks, and
the tables look plausible. These checks look at the parse from the outside for the marks
such mistakes leave (kinds in `zwgk.schema.CHECK_FINDING_KINDS`, thresholds and patterns in
``config/selfcheck.yaml``). Each finding names the file and line a researcher should open.
The checks read only the `ParsedPlan`; they never change it.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

from zwgk.ingest.converters import count_chars
from zwgk.parse.agencies import looks_like_agency_list, parse_agency_cell
from zwgk.parse.numbering import fold_fullwidth, match_number
from zwgk.parse.parsed import Finding, ParsedPlan, ParsedTask, Section, SourceLine
from zwgk.settings import ParserSettings

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100}
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_UNCOUNTED = ("navigation", "footer")  # web-page chrome, not the plan's text
_SHOWN_CHARS = 40


def check_parsed_plan(parsed: ParsedPlan, path: str, settings: ParserSettings) -> list[Finding]:
    """Return what looks wrong with ``parsed`` (empty when the parse looks right), in line order."""
    findings = [
        *_check_agency_share(parsed, path, settings),
        *_check_section_titles(parsed, path, settings),
        *_check_task_numbers(parsed, path, settings),
        *_check_agency_names(parsed, path, settings),
        *_check_numbering(parsed, path),
        *_check_task_share(parsed, path, settings),
        *_check_duplicated_lines(parsed, path, settings),
        *_check_duplicated_tasks(parsed, path),
    ]
    return sorted(findings, key=lambda finding: (finding.line, finding.kind, finding.message))


def _shorten(text: str) -> str:
    return text if len(text) <= _SHOWN_CHARS else text[:_SHOWN_CHARS] + "…"


# ---- agencies -----------------------------------------------------------------------------


def _agency_header_line(parsed: ParsedPlan, settings: ParserSettings) -> SourceLine | None:
    """Return the first table header line naming an agency column (牵头/责任/配合 …), or None."""
    pattern = settings.selfcheck.agency_column_header
    for line in parsed.lines:
        if line.category == "table_header" and any(pattern.search(re.sub(r"\s", "", cell)) for cell in line.raw.split("\t")):
            return line
    return None


def _check_agency_share(parsed: ParsedPlan, path: str, settings: ParserSettings) -> list[Finding]:
    """A table with an agency column where most tasks got no agency was read in the wrong columns."""
    header = _agency_header_line(parsed, settings)
    if header is None or not parsed.tasks:
        return []
    with_agency = sum(any(cell.text for cell in task.agency_cells) for task in parsed.tasks)
    share = with_agency / len(parsed.tasks)
    if share >= settings.selfcheck.min_agency_task_share:
        return []
    message = (
        f"the table header names an agency column ({_shorten(header.raw.strip())}), but only {with_agency} of "
        f"{len(parsed.tasks)} tasks ({share:.0%}) got an agency: the columns were probably read in the wrong places"
    )
    return [Finding("few_agencies", path, header.line_no, message)]


def _agency_line(task: ParsedTask, name: str, parsed: ParsedPlan) -> int:
    for line in parsed.lines:
        if task.line_start <= line.line_no <= task.line_end and name[:4] in line.text:
            return line.line_no
    return task.line_start


def _split_run_together(name: str, settings: ParserSettings) -> tuple[str, str] | None:
    """Return the two agencies in ``name`` if it runs two together (区经济发展局区行政审批局), else None."""
    cfg = settings.selfcheck
    shortest = cfg.agency_joint_min_part_chars
    for cut in range(shortest, len(name) - shortest + 1):
        left, right = name[:cut], name[cut:]
        if right[0] in settings.agencies.prefixes and cfg.agency_joint_end.search(left) and settings.agencies.agency_end.search(right):
            return left, right
    return None


def _check_agency_names(parsed: ParsedPlan, path: str, settings: ParserSettings) -> list[Finding]:
    """Agency names that run two agencies together (a lost separator) are reported once per task."""
    findings = []
    for task in parsed.tasks:
        seen: set[str] = set()
        for cell in task.agency_cells:
            for mention in parse_agency_cell(cell.text, cell.role, settings.agencies):
                parts = _split_run_together(mention.name, settings)
                if parts is None or mention.name in seen:
                    continue
                seen.add(mention.name)
                message = (
                    f"agency name {mention.name} of task {task.number or task.seq} looks like two agencies run together "
                    f"({parts[0]} + {parts[1]}): a separator may have been lost"
                )
                findings.append(Finding("agency_run_together", path, _agency_line(task, mention.name_raw, parsed), message))
    return findings


# ---- sections and numbering ---------------------------------------------------------------


def _iter_sections(parsed: ParsedPlan) -> Iterator[tuple[tuple[Section, ...], Section, ParsedTask]]:
    """Yield each distinct section once: (its parents, itself, the first task under it)."""
    seen: set[tuple[Section, ...]] = set()
    for task in parsed.tasks:
        for level in range(len(task.sections)):
            path = task.sections[: level + 1]
            if path not in seen:
                seen.add(path)
                yield task.sections[:level], task.sections[level], task


def _section_line(section: Section, first_task: ParsedTask, parsed: ParsedPlan) -> int:
    """Return the heading line of ``section``: the last heading line holding its label up to its first task's end.

    In a table the section cell sits in the row of its first task, so it may come after the row's first line.
    """
    probe = section.label[:12]
    found = [
        line.line_no
        for line in parsed.lines
        if line.category == "heading" and line.line_no <= first_task.line_end and probe and probe in line.text
    ]
    return found[-1] if found else first_task.line_start


def _check_section_titles(parsed: ParsedPlan, path: str, settings: ParserSettings) -> list[Finding]:
    """Section titles that are agency lists or sentences were taken from the wrong cells or lines."""
    cfg = settings.selfcheck
    findings = []
    for _, section, task in _iter_sections(parsed):
        title = section.title
        if looks_like_agency_list(title, settings.agencies):
            kind, why = "section_agency_list", "is a list of agencies, not a heading: agency cells were probably read as sections"
        elif len(title) > cfg.section_title_max_chars or any(mark in title for mark in cfg.section_title_sentence_marks):
            kind, why = "section_sentence", "reads like task text, not a heading: a task or its text was probably read as a section"
        else:
            continue
        findings.append(Finding(kind, path, _section_line(section, task, parsed), f"section title {_shorten(section.label)} {why}"))
    return findings


def _check_task_numbers(parsed: ParsedPlan, path: str, settings: ParserSettings) -> list[Finding]:
    """A task text that still starts with a number holds a heading or a second item the parser missed."""
    findings = []
    for task in parsed.tasks:
        found = match_number(task.text, settings.layout.numbering) if task.text else None
        if found is None:
            continue
        message = (
            f"the text of task {task.number or task.seq} still starts with the number {found.number} "
            f"({_shorten(task.text.strip())}): a heading or another item was probably not split off"
        )
        findings.append(Finding("task_numbered", path, task.line_start, message))
    return findings


def parse_number_value(number: str) -> int | None:
    """Return the value of a written number (（十二）→ 12, 3. → 3, ④ → 4), or None if it has none."""
    core = re.sub(r"[\s、.．()（）]", "", fold_fullwidth(number))
    if core.isascii() and core.isdigit():
        return int(core)
    if len(core) == 1 and core in _CIRCLED:
        return _CIRCLED.index(core) + 1
    if not core or any(char not in _CN_DIGITS and char not in _CN_UNITS for char in core):
        return None
    total, digit = 0, None
    for char in core:
        if char in _CN_UNITS:
            total += (1 if digit is None else digit) * _CN_UNITS[char]
            digit = None
        else:
            digit = _CN_DIGITS[char]
    return total + (digit or 0)


def _children_by_parent(parsed: ParsedPlan) -> dict[tuple[Section, ...], list[tuple[str | None, int]]]:
    """Numbers of each parent's children in order (sections and tasks), each with its line."""
    children: dict[tuple[Section, ...], list[tuple[str | None, int]]] = {}
    for parents, section, task in _iter_sections(parsed):
        children.setdefault(parents, []).append((section.number or None, _section_line(section, task, parsed)))
    for task in parsed.tasks:
        children.setdefault(task.sections, []).append((task.number, task.line_start))
    for siblings in children.values():
        siblings.sort(key=lambda child: child[1])
    return children


def _number_shape(number: str) -> str:
    """The written form of a number without its value (（一）→ （N）), so only like numbers are compared."""
    return re.sub(r"[一二三四五六七八九十百零〇]+|\d+|[①-⑳]", "N", fold_fullwidth(number))


def _check_numbering(parsed: ParsedPlan, path: str) -> list[Finding]:
    """Siblings numbered alike must count up by one: a skip or restart means a lost or misplaced item."""
    findings = []
    for parents, siblings in _children_by_parent(parsed).items():
        under = f" under {_shorten(parents[-1].label)}" if parents else ""
        for (before, _), (number, line) in itertools.pairwise(siblings):
            if not before or not number or _number_shape(before) != _number_shape(number):
                continue
            previous, value = parse_number_value(before), parse_number_value(number)
            if previous is None or value is None or value == previous + 1:
                continue
            what = "skips a number" if value > previous + 1 else "restarts or goes back"
            message = f"{number} follows {before}{under}: the numbering {what}, so an item may be lost or read under the wrong heading"
            findings.append(Finding("numbering_gap", path, line, message))
    return findings


# ---- accounting ---------------------------------------------------------------------------


def _kept_chars(line: SourceLine) -> int:
    return count_chars(line.raw) - line.artefact_chars


def _check_task_share(parsed: ParsedPlan, path: str, settings: ParserSettings) -> list[Finding]:
    """Most of a plan's text lies in its tasks; a low share means tasks were missed or cut short."""
    counted = [line for line in parsed.lines if line.category not in _UNCOUNTED]
    total = sum(_kept_chars(line) for line in counted)
    in_tasks = sum(_kept_chars(line) for line in counted if line.category == "task")
    if not total or in_tasks / total >= settings.selfcheck.min_task_char_share:
        return []
    start, end = _longest_stretch_outside_tasks(counted)
    message = (
        f"only {in_tasks / total:.0%} of the plan's {total} characters are in tasks "
        f"(the longest stretch outside tasks is lines {start}-{end}): tasks were probably missed or cut short"
    )
    return [Finding("low_task_share", path, start, message)]


def _longest_stretch_outside_tasks(lines: list[SourceLine]) -> tuple[int, int]:
    """Return the first and last line of the run of non-task lines holding the most characters."""
    best = (0, lines[0].line_no, lines[0].line_no)
    chars, start, previous = 0, None, lines[0].line_no
    for line in [*lines, None]:
        if line is None or line.category == "task":
            if start is not None and chars > best[0]:
                best = (chars, start, previous)
            chars, start = 0, None
            continue
        if line.category != "blank":
            start = line.line_no if start is None else start
            chars += _kept_chars(line)
            previous = line.line_no
    return best[1], best[2]


# ---- duplicated text ----------------------------------------------------------------------


def _check_duplicated_lines(parsed: ParsedPlan, path: str, settings: ParserSettings) -> list[Finding]:
    """Lines that repeat the line before them word for word: a crawler saved the text twice.

    Blank lines between them do not count; lines shorter than ``duplicate_line_min_chars``
    (a lone 。, a short signature) may repeat by chance. One finding names the first repeat.
    """
    cfg = settings.selfcheck
    repeats: list[tuple[int, int]] = []
    previous: SourceLine | None = None
    for line in parsed.lines:
        if not line.text:
            continue
        if previous is not None and line.text == previous.text and len(line.text) >= cfg.duplicate_line_min_chars:
            repeats.append((line.line_no, previous.line_no))
        previous = line
    if len(repeats) < cfg.duplicated_lines_min:
        return []
    (first, before), *_ = repeats
    message = (
        f"{len(repeats)} lines repeat the line before them word for word (the first: line {first} repeats line {before}): "
        "the file probably holds its text twice (a crawl artefact); remove the repeats, or tasks and agencies may be doubled"
    )
    return [Finding("duplicated_lines", path, first, message)]


def _check_duplicated_tasks(parsed: ParsedPlan, path: str) -> list[Finding]:
    """Tasks with the same text under the same section: the plan was read (or saved) twice. One finding names the first."""
    seen: dict[tuple[tuple[Section, ...], str], ParsedTask] = {}
    repeats: list[tuple[ParsedTask, ParsedTask]] = []
    for task in parsed.tasks:
        key = (task.sections, task.text.strip())
        if not key[1]:
            continue
        if key in seen:
            repeats.append((task, seen[key]))
        else:
            seen[key] = task
    if not repeats:
        return []
    (task, original), *_ = repeats
    message = (
        f"{len(repeats)} task(s) repeat an earlier task's text under the same section (the first: task {task.number or task.seq} at "
        f"line {task.line_start} repeats line {original.line_start}, {_shorten(task.text.strip())}): the file probably holds "
        "its text twice, or a task was copied; the tables count it twice"
    )
    return [Finding("duplicated_tasks", path, task.line_start, message)]
