"""The lines around a plan: artefacts, web navigation and footers, the issuing notice,
the title, the preamble before the first task and the closing after the last.

Both layout parsers call these, so a web page around a table is handled like a web page
around prose. Patterns are in ``config/frontmatter.yaml``.
"""

from __future__ import annotations

import re

from zwgk.config_files import compile_pattern, load_yaml
from zwgk.model import PlanFrontMatter, SourceLine
from zwgk.numbering import match_number

_STRIP = " \t\u3000\xa0\ufeff"


def _cfg() -> dict:
    return load_yaml("frontmatter")


def _matches_any(text: str, key: str) -> bool:
    return any(compile_pattern(p).search(text) for p in _cfg()[key])


def _search(key: str, text: str) -> re.Match[str] | None:
    return compile_pattern(_cfg()[key]).search(text)


def remove_artefacts(text: str) -> str:
    """Remove word-processor artefacts ([bookmark: …]) from ``text`` (config: artefacts)."""
    for pattern in _cfg()["artefacts"]:
        text = compile_pattern(pattern).sub("", text)
    return text


def clean_lines(raw_lines: list[str]) -> list[SourceLine]:
    """Return one `SourceLine` per raw line, artefacts removed and whitespace stripped."""
    lines = []
    for number, raw in enumerate(raw_lines, start=1):
        text = remove_artefacts(raw)
        stripped = text.strip(_STRIP)
        line = SourceLine(number, raw, stripped, artefact_chars=len(raw) - len(text))
        if not stripped:
            line.place("blank")
        lines.append(line)
    return lines


def _is_title_candidate(text: str) -> bool:
    return bool(
        text
        and len(text) <= _cfg()["plan_title_max_chars"]
        and _search("plan_title", text)
        and not _search("notice_title", text)
        and re.search(r"(19|20)\d{2}", text)
    )


def find_title_index(lines: list[SourceLine], stop: int) -> int | None:
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
        if match_number(text) is not None:
            if found is not None:
                break
            continue
        if _is_title_candidate(text):
            found = index
    return found


def classify_front(lines: list[SourceLine], stop: int, front: PlanFrontMatter) -> list[str]:
    """Place ``lines[:stop]`` (before the first task or table header); return the preamble."""
    title_index = find_title_index(lines, stop)
    if title_index is not None:
        lines[title_index].place("title")
        front.title = lines[title_index].text
        front.title_line = lines[title_index].line_no
    notice_end = title_index if title_index is not None else 0
    _classify_notice(lines[:notice_end], front)
    return _place_remaining(lines[notice_end:stop], "preamble")


def _place_remaining(lines: list[SourceLine], category: str) -> list[str]:
    """Place the still-unplaced ``lines`` as ``category`` (footers aside); return their text."""
    texts = []
    for line in lines:
        if line.category != "unplaced" or _place_noise(line, before_title=False):
            continue
        line.place(category)
        texts.append(line.text)
    return texts


def _place_noise(line: SourceLine, before_title: bool) -> bool:
    """Place navigation and footer lines; return whether the line was one."""
    if before_title and _matches_any(line.text, "navigation"):
        line.place("navigation", reason="web page navigation")
        return True
    if _matches_any(line.text, "footer"):
        line.place("footer", reason="web page footer")
        return True
    return False


def _classify_notice(lines: list[SourceLine], front: PlanFrontMatter) -> None:
    """Place the lines before the title: navigation, the issuing notice and its metadata."""
    in_notice_title = False
    for index, line in enumerate(lines):
        if line.category != "unplaced":
            continue
        published = _search("publish_date", line.text)
        if published:
            front.publish_date = published.group("date")
        if _place_noise(line, before_title=True):
            continue
        in_notice_title = _read_notice_line(line, lines[index + 1 :], front, in_notice_title)


def _read_notice_line(line: SourceLine, following: list[SourceLine], front: PlanFrontMatter, in_title: bool) -> bool:
    """Place one notice line and capture its metadata; return whether a title continues."""
    text = line.text
    line.place("notice")
    doc_number = _search("doc_number", text)
    if doc_number and front.doc_number is None:
        front.doc_number = doc_number.group("doc_number")
    if _search("notice_title", text) or in_title:
        front.notice_title = (front.notice_title or "") + text if in_title else text
        return not _search("notice_title_end", text)
    date = _search("date_line", text)
    if date:
        front.issue_date = date.group("date")
    elif _search("issuer", text) and len(text) <= 20 and _next_is_date(following):
        front.issuer = text
    elif _search("addressee", text) and front.addressees is None:
        front.addressees = text.rstrip(":：")
    return False


def _next_is_date(following: list[SourceLine]) -> bool:
    for line in following:
        if line.text:
            return bool(_search("date_line", line.text))
    return False


def classify_back(lines: list[SourceLine]) -> list[str]:
    """Place the lines after the last task: footers and the plan's closing text."""
    return _place_remaining(lines, "closing")


def infer_jurisdiction_year(front: PlanFrontMatter) -> tuple[str, int] | None:
    """Read jurisdiction and year from the plan title (or the notice's 《…》), if stated."""
    candidates = [front.title or ""]
    if front.notice_title:
        candidates += re.findall(r"《([^》]+)》", front.notice_title)
    for text in candidates:
        for pattern in _cfg()["title_jurisdiction_year"]:
            found = compile_pattern(pattern).search(text)
            if found:
                return found.group("jurisdiction"), int(found.group("year"))
    return None
