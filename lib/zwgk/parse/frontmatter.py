"""The lines around a plan: artefacts, web navigation and footers, the issuing notice,
the title, the preamble before the first task and the closing after the last.

Both layout parsers call these, so a web page around a table is handled like a web page
around prose. Patterns are in ``config/frontmatter.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from zwgk.ingest.converters import count_chars
from zwgk.parse.numbering import match_number
from zwgk.parse.parsed import PlanFrontMatter, SourceLine
from zwgk.schema import SPACE_CHARS
from zwgk.settings import FrontMatterSettings, ParserSettings


def _matches_any(text: str, patterns: tuple[re.Pattern[str], ...]) -> bool:
    return any(pattern.search(text) for pattern in patterns)


def remove_artefacts(text: str, fm: FrontMatterSettings) -> str:
    """Remove word-processor artefacts ([bookmark: …]) from ``text`` (config: artefacts)."""
    for pattern in fm.artefacts:
        text = pattern.sub("", text)
    return text


def count_artefact_chars(raw: str, cleaned: str) -> int:
    """Return the non-white-space characters `remove_artefacts` took out of ``raw``.

    The accounting counts non-white-space characters (chars_total); counting the spaces
    inside ``[bookmark: x]`` too made the groups add up to more than the total.
    """
    return count_chars(raw) - count_chars(cleaned)


def make_source_lines(raw_lines: list[str], fm: FrontMatterSettings) -> list[SourceLine]:
    """Return one `SourceLine` per raw line of a file, artefacts removed and whitespace stripped."""
    lines = []
    for number, raw in enumerate(raw_lines, start=1):
        text = remove_artefacts(raw, fm)
        stripped = text.strip(SPACE_CHARS)
        line = SourceLine(number, raw, stripped, artefact_chars=count_artefact_chars(raw, text))
        if not stripped:
            line.place("blank")
        lines.append(line)
    return lines


def _is_title_candidate(text: str, fm: FrontMatterSettings) -> bool:
    return bool(
        text
        and len(text) <= fm.plan_title_max_chars
        and fm.plan_title.search(text)
        and not fm.notice_title.search(text)
        and re.search(r"(19|20)\d{2}", text)
        and not re.search(r"[，,。；;]", text)  # a sentence (为贯彻落实《…工作要点》，…) is not a title
    )


def find_title_index(lines: list[SourceLine], stop: int, settings: ParserSettings) -> int | None:
    """Return the index of the plan title among ``lines[:stop]``.

    The title is the last candidate (short, names a year and a plan kind) before the
    numbered body begins. A numbered line is never the title, and once a candidate is
    found the first numbered line ends the search: a task such as "（三）2024年底前出台
    实施方案。" further down must not be taken for the title, which would turn every task
    before it into front matter.
    """
    found = None
    for index in range(stop):
        text = lines[index].text
        if match_number(text, settings.layout.numbering) is not None:
            if found is not None:
                break
            continue
        if _is_title_candidate(text, settings.frontmatter):
            found = index
    return found


def classify_front(lines: list[SourceLine], stop: int, front: PlanFrontMatter, settings: ParserSettings) -> list[str]:
    """Place ``lines[:stop]`` (before the first task or table header); return the preamble."""
    title_index = find_title_index(lines, stop, settings)
    if title_index is not None:
        lines[title_index].place("title")
        front.title = lines[title_index].text
        front.title_line = lines[title_index].line_no
    notice_end = title_index if title_index is not None else _find_notice_end(lines, stop, settings.frontmatter)
    _classify_notice(lines[:notice_end], front, settings.frontmatter)
    return _place_remaining(lines[notice_end:stop], "preamble", settings.frontmatter)


def _find_notice_end(lines: list[SourceLine], stop: int, fm: FrontMatterSettings) -> int:
    """Where the notice ends when no plan title was found: after its date line, else after its title line.

    A plan title split over several lines by a crawler (2018 / 年政务公开工作要点) is not found,
    but the notice above it still says who issued the plan and when.
    """
    start = next((i for i in range(stop) if fm.notice_title.search(lines[i].text)), None)
    if start is None:
        return 0
    date = next((i for i in range(start + 1, stop) if fm.date_line.search(lines[i].text)), None)
    return (date if date is not None else start) + 1


def _place_remaining(lines: list[SourceLine], category: str, fm: FrontMatterSettings) -> list[str]:
    """Place the still-unplaced ``lines`` as ``category`` (footers aside); return their text."""
    texts = []
    for line in lines:
        if line.category != "unplaced" or _place_noise(line, fm, before_title=False):
            continue
        line.place(category)
        texts.append(line.text)
    return texts


def _place_noise(line: SourceLine, fm: FrontMatterSettings, before_title: bool) -> bool:
    """Place navigation and footer lines; return whether the line was one."""
    if before_title and _matches_any(line.text, fm.navigation):
        line.place("navigation", reason="web page navigation")
        return True
    if _matches_any(line.text, fm.footer):
        line.place("footer", reason="web page footer")
        return True
    return False


def _classify_notice(lines: list[SourceLine], front: PlanFrontMatter, fm: FrontMatterSettings) -> None:
    """Place the lines before the title: navigation, the issuing notice and its metadata."""
    in_notice_title = False
    for index, line in enumerate(lines):
        if line.category != "unplaced":
            continue
        published = fm.publish_date.search(line.text)
        if published:
            front.publish_date = published.group("date")
        if _place_noise(line, fm, before_title=True):
            continue
        in_notice_title = _read_notice_line(line, lines[index + 1 :], front, in_notice_title, fm)


def _read_notice_line(
    line: SourceLine, following: list[SourceLine], front: PlanFrontMatter, in_title: bool, fm: FrontMatterSettings
) -> bool:
    """Place one notice line and capture its metadata; return whether a title continues."""
    text = line.text
    line.place("notice")
    doc_number = fm.doc_number.search(text)
    if doc_number:
        if front.doc_number is None:
            front.doc_number = re.sub(r"\s+", "", doc_number.group("doc_number"))
        return False
    if in_title or (front.notice_title is None and fm.notice_title.search(text)):
        front.notice_title = (front.notice_title or "") + text if in_title else text
        return not fm.notice_title_end.search(text)
    date = fm.date_line.search(text)
    if date:
        front.issue_date = date.group("date")
    elif fm.issuer.search(text) and len(text) <= 20 and _next_is_date(following, fm):
        front.issuer = text
    elif fm.addressee.search(text) and front.addressees is None:
        front.addressees = text.rstrip(":：")
    return False


def _next_is_date(following: list[SourceLine], fm: FrontMatterSettings) -> bool:
    for line in following:
        if line.text:
            return bool(fm.date_line.search(line.text))
    return False


def classify_back(lines: list[SourceLine], fm: FrontMatterSettings) -> list[str]:
    """Place the lines after the last task: footers and the plan's closing text."""
    return _place_remaining(lines, "closing", fm)


@dataclass(frozen=True)
class PlanIdentity:
    """Who issued a plan, for when and what kind of plan, as its title and notice state them.

    ``places`` are the names of the issuing jurisdiction as written, best first: the plan
    title's (无锡市 / 苏州市昆山市), the quoted plan's in the notice title, the notice
    title's issuer (江苏省无锡市 of 江苏省无锡市人民政府办公室, 国务院 of 国务院办公厅), the
    signature's. Which of them is a real place is for the gazetteer to say, not the parser.
    """

    places: tuple[str, ...]
    year: int | None
    kind: str | None
    title_place: str | None = None


def infer_plan_identity(front: PlanFrontMatter, fm: FrontMatterSettings) -> PlanIdentity:
    """Read the issuing jurisdiction(s), year and plan kind from the plan title, notice title and signature."""
    stated = infer_jurisdiction_year(front, fm)
    places = [stated[0]] if stated else []
    for text in (front.notice_title, front.issuer):
        found = fm.issuer_jurisdiction.search(text or "")
        if found and found.group("jurisdiction") not in places:
            places.append(found.group("jurisdiction"))
    year = stated[1] if stated else None
    if year is None:
        for text, pattern in ((front.notice_title, fm.notice_year), (front.title, re.compile(r"(?P<year>(?:19|20)\d{2})\s*年"))):
            found = pattern.search(text or "")
            if found:
                year = int(found.group("year"))
                break
    kind = next((found.group("kind") for text in (front.title, front.notice_title) if text and (found := fm.plan_title.search(text))), None)
    return PlanIdentity(tuple(places), year, kind, stated[0] if stated else None)


def infer_jurisdiction_year(front: PlanFrontMatter, fm: FrontMatterSettings) -> tuple[str, int] | None:
    """Read jurisdiction and year from the plan title (or the notice's 《…》), if stated."""
    candidates = [front.title or ""]
    if front.notice_title:
        candidates += re.findall(r"《([^》]+)》", front.notice_title)
    for text in candidates:
        for pattern in fm.title_jurisdiction_year:
            found = pattern.search(text)
            if found:
                return found.group("jurisdiction"), int(found.group("year"))
    return None
