"""Repair the line structure a web crawler left, before any layout parser reads the lines.

Two damages are common in plans saved from the web, and both are undone by rules of
punctuation and numbering only (never by the words of one plan):

* **Broken lines.** A crawler that starts a new line at every inline ``<span>`` leaves
  numbers, Latin text and punctuation on lines of their own (``《`` / ``2018`` /
  ``年政务公开工作要点》…``, a lone ``。``). `rejoin_fragments` joins such lines into the line
  they continue; the head line keeps them in ``SourceLine.joined``, so every raw line is
  still placed and accounted.
* **No line breaks at all.** A page crawled as one line is split by `split_long_lines` at
  inline numbering that runs in sequence (一、 then 二、; （一） then （二）), so that 2018年,
  1.5亿 or 第一、二季度 never split. The pieces share the raw line's number.

What may vary (how long a line must be before it is split, which characters open or close
a sentence) is in ``config/layout.yaml`` under ``lines``.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from zwgk.parse.frontmatter import count_artefact_chars, remove_artefacts
from zwgk.parse.numbering import NumberMatch, match_number
from zwgk.parse.parsed import SourceLine
from zwgk.schema import SPACE_CHARS
from zwgk.settings import LineSettings, ParserSettings

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_CJK = re.compile(r"[\u3400-\u9fff]")
_NUMBER_WINDOW = 32  # characters read to recognise a number at a place in a line (numbers are short)


# ---- splitting a line crawled without line breaks ---------------------------------------------


@dataclass(frozen=True)
class _Cut:
    """A place in a line where a numbered item starts: its offset, style and value."""

    offset: int
    style: str
    value: int


def read_number_value(number: str) -> int | None:
    """Return the value of a written number (（十二） → 12, 3. → 3, ③ → 3), or None."""
    core = number.strip("（()）.．、 ")
    if core.isdecimal():
        return int(core)
    if core and core in _CIRCLED:
        return _CIRCLED.index(core) + 1
    if core and all(char in _CN_DIGITS or char in "十百" for char in core):
        return _read_chinese_number(core)
    return None


def _read_chinese_number(core: str) -> int:
    if "十" not in core:
        return _CN_DIGITS.get(core, 0) if len(core) == 1 else 0
    tens, _, units = core.partition("十")
    return (_CN_DIGITS.get(tens, 0) if tens else 1) * 10 + (_CN_DIGITS.get(units, 0) if units else 0)


def find_inline_items(text: str, settings: ParserSettings) -> list[_Cut]:
    """Return where numbered items start inside ``text``, keeping only numbers in sequence.

    A candidate is a number (as `match_number` reads it) at the start of the text or right
    after whitespace or a sentence end (``boundary_before``). Per style, a candidate counts
    only if it is 1 or one more than the last one counted (一、 then 二、; （一） restarting
    under each section), and a style counts only with at least two items.
    """
    cfg = settings.layout.lines
    found: list[_Cut] = []
    last: dict[str, int] = {}
    for offset in range(len(text)):
        if (offset and text[offset - 1] not in cfg.boundary_before) or text[offset] in SPACE_CHARS:
            continue
        # A number is short: match on a window, not the rest of the line (copying that made a 5 MB line quadratic).
        match = match_number(text[offset : offset + _NUMBER_WINDOW], settings.layout.numbering)
        if match is None:
            continue
        value = read_number_value(match.number)
        if value is None or not (value == 1 or value == last.get(match.style, 0) + 1):
            continue
        last[match.style] = value
        found.append(_Cut(offset, match.style, value))
    counts = {style: sum(cut.style == style for cut in found) for style in last}
    return [cut for cut in found if counts[cut.style] >= 2]


def find_row_numbers(text: str, cfg: LineSettings) -> list[_Cut]:
    """Return the row numbers of a table crawled onto one line (1 … 2 … 3 between spaces).

    They count only as a run 1, 2, 3 … of at least ``min_inline_items``; any other number
    (12345, 2017) is text.
    """
    cuts: list[_Cut] = []
    for match in cfg.row_number.finditer(text):
        if int(match.group("number")) == len(cuts) + 1:
            cuts.append(_Cut(match.start("number"), "row", len(cuts) + 1))
    return cuts if len(cuts) >= cfg.min_inline_items else []


def split_long_lines(lines: list[SourceLine], path: str, settings: ParserSettings) -> tuple[list[SourceLine], list[str], bool]:
    """Split every line longer than ``split_min_chars`` at its inline numbered items.

    Returns the lines (pieces in place of split lines), warnings naming file and line, and
    whether a table's cell boundaries were lost (its rows were found by their numbers).
    """
    cfg = settings.layout.lines
    out: list[SourceLine] = []
    warnings: list[str] = []
    lost_cells = False
    for line in lines:
        if len(line.text) < cfg.split_min_chars or "\t" in line.raw:
            out.append(line)
            continue
        cuts = find_inline_items(line.raw, settings)
        is_table = False
        if len(cuts) < cfg.min_inline_items:
            cuts, is_table = find_row_numbers(line.raw, cfg), True
        if len(cuts) < cfg.min_inline_items:
            out.append(line)
            continue
        pieces = _cut_pieces(line, [cut.offset for cut in cuts], settings)
        out.extend(pieces)
        warnings.append(
            f"{path}, line {line.line_no}: one line of {len(line.text)} characters was split at inline numbering into {len(cuts)} items"
            + ("; the table's cell boundaries were lost, its rows were found by their numbers" if is_table else "")
        )
        lost_cells = lost_cells or is_table
    return out, warnings, lost_cells


def _cut_pieces(line: SourceLine, offsets: list[int], settings: ParserSettings) -> list[SourceLine]:
    """Cut a raw line at ``offsets`` and at paragraph indents (runs of wide spaces)."""
    raw = line.raw
    indents = [m.end() for m in settings.layout.lines.paragraph_indent.finditer(raw)]
    bounds = sorted({0, len(raw), *offsets, *indents})
    pieces = []
    for start, end in itertools.pairwise(bounds):
        piece_raw = raw[start:end]
        cleaned = remove_artefacts(piece_raw, settings.frontmatter)
        piece = SourceLine(line.line_no, piece_raw, cleaned.strip(SPACE_CHARS), artefact_chars=count_artefact_chars(piece_raw, cleaned))
        if not piece.text:
            piece.place("blank")
        pieces.append(piece)
    for piece in pieces:
        piece.pieces = len(pieces)
    return pieces


def make_row_number_match(text: str, cfg: LineSettings) -> NumberMatch | None:
    """Read the row number at the start of a piece of a one-line table (``3 公开…``)."""
    found = cfg.row_number.match(text)
    return NumberMatch("row", found.group("number"), text[found.end() :].lstrip(SPACE_CHARS)) if found else None


# ---- rejoining fragments ----------------------------------------------------------------------


def rejoin_fragments(lines: list[SourceLine], settings: ParserSettings, is_table: bool) -> list[SourceLine]:
    """Return the head lines: ``lines`` with fragments of a sentence joined into the line before.

    A line joins the line before it when that line cannot end there (it ends with an opening
    bracket or quote, leaves a bracket open, ends mid-sentence and is too long to be a
    heading, or is a fragment itself), or when it cannot start a sentence (it opens with
    closing punctuation: ``。（…落实）``). A line never joins onto anything when it starts a
    numbered item or is a whole bracketed note (（此件公开发布）). Blank lines that separate
    paragraphs end a sentence; in a table layout nothing from the first table line (a line
    starting with a TAB) on is touched: the table reader joins its own cells.
    """
    cfg = settings.layout.lines
    blanks_separate = is_table or _blank_lines_separate_paragraphs(lines, cfg)
    heads: list[SourceLine] = []
    current: SourceLine | None = None
    in_table = False
    for line in lines:
        in_table = in_table or (is_table and line.raw.startswith("\t"))
        if in_table or "\t" in line.raw:
            heads.append(line)
            current = None
        elif not line.text:
            current = None if blanks_separate else current
            if current is None:
                heads.append(line)
        elif current is not None and _continues(current, line, settings):
            current.joined.append(line)
            current.text += line.text
        else:
            heads.append(line)
            current = line
    return heads


def _blank_lines_separate_paragraphs(lines: list[SourceLine], cfg: LineSettings) -> bool:
    """Whether blank lines mark paragraphs, or merely follow (almost) every line of the file."""
    content = [index for index, line in enumerate(lines) if line.text]
    if len(content) < 2:
        return True
    followed = sum(1 for index in content[:-1] if not lines[index + 1].text)
    return followed / (len(content) - 1) < cfg.blank_every_line_share


def _last_piece(head: SourceLine, settings: ParserSettings) -> str:
    """The last raw line joined into ``head`` (or the head without its number)."""
    if head.joined:
        return head.joined[-1].text
    found = match_number(head.text, settings.layout.numbering)
    return found.rest if found else head.text


def _continues(head: SourceLine, line: SourceLine, settings: ParserSettings) -> bool:
    """Whether ``line`` continues the sentence of ``head`` (the lines joined so far)."""
    cfg = settings.layout.lines
    text = line.text
    if match_number(text, settings.layout.numbering) is not None or _is_bracketed_note(text, cfg):
        return False
    if text[0] in cfg.cannot_start:
        return True
    last = _last_piece(head, settings)
    if _is_fragment(text, cfg) and (_is_fragment(last, cfg) or _is_stub(last, cfg)):
        return True
    starts_like_span = _is_fragment(text[0], cfg) or text[0] in cfg.opening
    if _is_stub(last, cfg) and starts_like_span and not _is_heading_like(text, settings):
        return True
    return _is_unfinished(head, last, starts_like_span, settings)


def _is_fragment(text: str, cfg: LineSettings) -> bool:
    """A line of only digits, Latin letters and punctuation (no Chinese): ``2018``, ``APP``, ``+``."""
    return bool(text) and not _CJK.search(text) and not any(char in cfg.sentence_end for char in text)


def _is_stub(text: str, cfg: LineSettings) -> bool:
    """At most ``stub_max_chars`` Chinese characters and nothing else (围绕 / 年): never a line of its own."""
    return 0 < len(text) <= cfg.stub_max_chars and all(_CJK.match(char) for char in text)


def _is_bracketed_note(text: str, cfg: LineSettings) -> bool:
    """A whole line in one pair of brackets, such as （此件公开发布）, stands alone."""
    return len(text) > 2 and text[0] in cfg.opening and text[-1] in cfg.closing and _depth(text[1:-1], cfg) == 0


def _depth(text: str, cfg: LineSettings) -> int:
    depth = 0
    for char in text:
        depth = max(depth + (char in cfg.opening) - (char in cfg.closing), 0)
    return depth


def _is_unfinished(head: SourceLine, last: str, next_starts_like_span: bool, settings: ParserSettings) -> bool:
    """Whether the sentence of ``head`` cannot end where its last line ends.

    A long line that simply stops (no sentence end) is open only towards a line that starts
    the way a crawler's inline span does (a digit, Latin, an opening quote or bracket):
    a notice title is followed by ordinary text lines too.
    """
    cfg = settings.layout.lines
    text = head.text
    if text[-1] in cfg.opening or _depth(text, cfg) > 0:
        return True
    if text[-1] in cfg.sentence_end or text[-1] in cfg.closing:
        return False
    if _is_fragment(last, cfg) or text[-1] in cfg.continuing:
        return True
    return next_starts_like_span and not _is_heading_like(text, settings)


def _is_heading_like(text: str, settings: ParserSettings) -> bool:
    """A short line (number aside) without a sentence end: a heading, a title, a signature."""
    cfg = settings.layout.lines
    found = match_number(text, settings.layout.numbering)
    rest = found.rest if found else text
    return len(rest) <= cfg.heading_max_chars and not any(char in cfg.sentence_end for char in rest)
